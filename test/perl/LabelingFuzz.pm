# test/perl/LabelingFuzz.pm - random mutations of valid text inputs, shared by the fuzz TAP tests
# (test/t/*_fuzz.pl): each call applies 1 to max_edits edits (insert, replace or delete a character
# of the alphabet, optionally rewrite one digit, or cut the string short).
package LabelingFuzz;
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw(mutate_text);

# mutate_text($s, \@alphabet, $max_edits, $digit_edits): $s with random edits; with $digit_edits one
# kind of edit rewrites a digit (counts, probabilities, ids and keys are the interesting targets).
sub mutate_text
{
	my ($s, $alphabet, $max_edits, $digit_edits) = @_;
	my $n = 1 + int(rand($max_edits));
	for (1 .. $n)
	{
		my $op = int(rand($digit_edits ? 5 : 4));
		my $pos = int(rand(length($s) + 1));
		my $c = $alphabet->[ int(rand(@$alphabet)) ];
		if ($op == 0) { substr($s, $pos, 0) = $c; }
		elsif ($op == 1 && $pos < length($s)) { substr($s, $pos, 1) = $c; }
		elsif ($op == 2 && $pos < length($s)) { substr($s, $pos, 1) = ''; }
		elsif ($op == 3 && $digit_edits)
		{
			my @d;
			push @d, $-[0] while $s =~ /[0-9]/g;
			substr($s, $d[ int(rand(@d)) ], 1) = int(rand(10)) if @d;
		}
		else { $s = substr($s, 0, $pos); }
	}
	return $s;
}

1;
