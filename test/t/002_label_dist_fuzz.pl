# Fuzz label_dist input: random mutations of valid literals (text) and of
# their binary payloads either load or fail with a clear SQLSTATE, and the
# server never crashes; every value accepted either way round-trips exactly
# through text, binary and jsonb.  Generated valid values with numbers at the
# edges of double precision (exact denormals, halfway cases, 1000-digit plain
# decimals, every JSON spelling) are all accepted, read as their nearest
# double (checked in exact arithmetic) and round-trip exactly too.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use List::Util qw(shuffle);
use LabelingFuzz qw(mutate_text try_inputs accept_generated fuzz_binary check_round_trips json_number correctly_rounded);

my $node = PostgreSQL::Test::Cluster->new('fuzz');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
$node->safe_psql('postgres', q{
	CREATE TABLE accepted (id serial, v labeling.label_dist);
	CREATE FUNCTION try_ld(s text) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO accepted (v) VALUES (s::labeling.label_dist);
		RETURN 'ok';
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END $$;
});
my $dir = PostgreSQL::Test::Utils::tempdir;

srand(20261127);
my @seeds = (
	'{"cat": 0.75, "dog": 0.25}',
	'{"a": 0.1, "b": 0.2, "c": 0.7}',
	'{"x\\"y": 0.5, "caf\\u00e9": 0.5}',
	'{"p": 1e-10, "q": 0.9999999999}',
	'{"": 1}',
	'{"1": 0.5, "10": 0.25, "2": 0.25}',
	'{"a": 5e-324, "b": 2.2250738585072014e-308, "c": 1}',
	'{"a": 0.' . ('0' x 60) . '12345678901234567, "b": 1E+0}',
);
my @alphabet = split //, q{{}[]":,.-+eE0123456789\\u abcdXYZxpIN} . "\t\n\f\x0B";

sub mutate { return mutate_text($_[0], \@alphabet, 4, 1); }

# 1. text mutations
my (%seen, @inputs);
for my $i (1 .. 3000)
{
	my $m = mutate($seeds[ $i % @seeds ]);
	push @inputs, $m unless $seen{$m}++;
}
push @inputs, @seeds;
my %outcome = try_inputs($node, 'try_ld', @inputs);
my @unexpected = grep { !/^(ok|22P02|22023|22003|54000|22021)$/ } keys %outcome;
is_deeply(\@unexpected, [], 'text: every rejected input has an expected SQLSTATE')
	or diag(explain \%outcome);
ok($outcome{ok} && $outcome{'22P02'}, 'text: the fuzzer reached both valid and invalid inputs');
note('text: ', join(', ', map { "$_: $outcome{$_}" } sort keys %outcome));

# 2. generated valid values: numbers at the edges, in every JSON spelling
my @generated;
for my $i (1 .. 300)
{
	my $k = 1 + int(rand(6));
	my ($sum, @pairs) = (0);
	for my $j (1 .. $k - 1)
	{
		my $n = json_number('unit');
		next if $sum + $n > 1;
		$sum += $n;
		push @pairs, [ "l$j", $n ];
	}
	my $rest = 1 - $sum;
	push @pairs, [ 'last', $rest <= 0 ? '0' : sprintf('%.17g', $rest) ];
	@pairs = shuffle(@pairs);
	push @generated, { pairs => { map { @$_ } @pairs },
		text => '{' . join(', ', map { "\"$_->[0]\": $_->[1]" } @pairs) . '}' };
}
my $before = accept_generated($node, 'try_ld', map { $_->{text} } @generated);
# each number was read as its nearest double (ties to even), checked in exact arithmetic
my $bits = $node->safe_psql('postgres', qq{
	SELECT a.id - $before, p.label, encode(float8send(p.probability), 'hex')
	FROM accepted a, labeling.label_probabilities(a.v) p WHERE a.id > $before ORDER BY 1, 2});
my ($checked, @misread) = (0);
for my $row (split /\n/, $bits)
{
	my ($i, $label, $hex) = split /\|/, $row;
	my $n = $generated[ $i - 1 ]{pairs}{$label};
	$checked++;
	push @misread, defined($n) ? "$n read as $hex" : "value $i has no label $label"
	  unless defined($n) && correctly_rounded($n, $hex);
}
ok($checked >= @generated, "generated: $checked numbers checked");
is_deeply(\@misread, [], 'generated: every number is read as its nearest double')
	or diag(join("\n", @misread[ 0 .. ($#misread < 5 ? $#misread : 5) ]));

# 3. binary mutations of the seeds' payloads
$node->safe_psql('postgres', 'CREATE TABLE seedvals AS SELECT v FROM accepted ORDER BY id DESC LIMIT 40');
my %boutcome = fuzz_binary($node, type => 'labeling.label_dist', seeds => 'SELECT v FROM seedvals',
	count => 300, dir => $dir, ok_codes => qr/^(22P03|22023|22000|22021|08P01|54000)$/);
ok(($boutcome{ok} // 0) > 0, 'binary: some corruptions load');

# 4. every accepted value (text, generated or binary) round-trips exactly
check_round_trips($node, type => 'label_dist', table => 'accepted', dir => $dir, jsonb => 1, min => 500);

ok($node->safe_psql('postgres', 'SELECT 1') eq '1', 'server still up');
$node->stop;
done_testing();
