#!/usr/bin/env perl
# test/docs_examples.pl - run the SQL examples of the documentation and
# compare the output they show.
#
# Usage: test/docs_examples.pl [file.md ...]   (default: README.md, docs/*.md, DEVELOPER.md)
#
# Every file runs in a database of its own, created empty for it and dropped
# after it, through one psql session (psql -X -q, client encoding UTF8,
# SHOW_CONTEXT never), started in the top directory of the clone so that
# `\copy ... FROM 'test/data/...'` finds the bundled data.  The connection
# comes from the environment (PGHOST, PGPORT, PGUSER; PG_BINDIR for psql).
# Roles a file creates are dropped after it, so that every file starts from
# the same cluster.
#
# The convention (DEVELOPER.md, "Documentation examples"):
#   * every ```sql block runs, in the order of the file, as if pasted into
#     psql: setup blocks are ordinary sql blocks the reader sees too;
#   * a ```sql block followed by an ```output block (nothing but blank lines
#     between them) must print exactly that output: result tables, error
#     messages (ERROR/DETAIL/HINT lines), everything psql prints for the
#     block; trailing blanks and leading or trailing empty lines are ignored;
#   * a ```sql block without an output block may print anything but an
#     error;
#   * a block is left out only by the line `<!-- not run: <reason> -->`
#     right before its fence, and the reason is required;
#   * every sql block ends its last statement with `;` (or is a psql
#     meta-command), so that no statement runs into the next block;
#   * an output block that follows no sql block is an error.
# Other languages (sh, text, json, ...) are not run.
#
# DOCS_EXAMPLES_UPDATE=1 rewrites every output block that differs with what
# psql printed (read the diff before committing it).
# DOCS_EXAMPLES_PRINT=1 prints what every block printed (to write an output
# block).  Exit status 0 when every example passed, 1 otherwise.
use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);

my $root = abs_path(dirname(abs_path($0)) . '/..');
chdir $root or die "cannot enter $root: $!\n";
my $psql = ($ENV{PG_BINDIR} ? "$ENV{PG_BINDIR}/" : '') . 'psql';
my $print = $ENV{DOCS_EXAMPLES_PRINT} ? 1 : 0;
my $update = $ENV{DOCS_EXAMPLES_UPDATE} ? 1 : 0;
my $work = tempdir('docs_examples.XXXXXX', TMPDIR => 1, CLEANUP => 1);
$ENV{PGCLIENTENCODING} = 'UTF8';

my @files = @ARGV ? @ARGV : ('README.md', sort(glob('docs/*.md')), 'DEVELOPER.md');
my ($checked, $run, $skipped, @failures) = (0, 0, 0);

# The blocks of a markdown file: { lang, info, line, text, skip }, in order.
sub blocks
{
	my ($file) = @_;
	open my $fh, '<', $file or die "cannot read $file: $!\n";
	my @lines = <$fh>;
	close $fh;
	my (@blocks, $cur, $indent);
	my $last = '';		# the last non-blank line outside a block
	for my $i (0 .. $#lines)
	{
		my $l = $lines[$i];
		chomp $l;
		if (!$cur)
		{
			if ($l =~ /^(\s*)```\s*([\w+-]*)\s*(.*?)\s*$/)
			{
				($indent, $cur) = (length $1, { lang => lc $2, info => $3, line => $i + 1,
					text => '', skip => undef, after => $last, indent => length $1 });
				if ($last =~ /^\s*<!--\s*not run:\s*(.*?)\s*-->\s*$/)
				{
					$cur->{skip} = $1;
				}
				$cur->{gap} = 0;
			}
			elsif ($l =~ /\S/)
			{
				$last = $l;
				$blocks[-1]{followed} = 1 if @blocks;
			}
		}
		elsif ($l =~ /^\s*```\s*$/)
		{
			$cur->{end} = $i + 1;
			push @blocks, $cur;
			undef $cur;
			$last = '```';
		}
		else
		{
			$l =~ s/^ {0,$indent}//;
			$cur->{text} .= "$l\n";
		}
	}
	die "$file: block opened at line $cur->{line} is not closed\n" if $cur;
	return @blocks;
}

sub normalize
{
	my ($s) = @_;
	my @l = map { s/\s+$//r } split /\n/, $s, -1;
	shift @l while @l && $l[0] eq '';
	pop @l while @l && $l[-1] eq '';
	return join("\n", @l) . "\n";
}

sub psql_capture
{
	my ($db, $sql) = @_;
	local $ENV{PGOPTIONS} = '-c client_min_messages=warning';
	open my $fh, '-|', $psql, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', $db, '-c', $sql
	  or die "cannot run psql: $!\n";
	my @out = <$fh>;
	close $fh or die "psql -c '$sql' failed\n";
	chomp @out;
	return @out;
}

# The anchors GitHub gives the headings of a markdown file.
my %anchors;
sub anchors
{
	my ($file) = @_;
	return $anchors{$file} if $anchors{$file};
	my (%a, %seen, $fence);
	open my $fh, '<', $file or return undef;
	while (my $l = <$fh>)
	{
		$fence = !$fence if $l =~ /^\s*```/;
		next if $fence || $l !~ /^#{1,6}\s+(.*?)\s*$/;
		my $slug = lc $1;
		$slug =~ s/[^\w\- ]//g;
		$slug =~ s/ /-/g;
		$a{$seen{$slug} ? "$slug-$seen{$slug}" : $slug} = 1;
		$seen{$slug}++;
	}
	close $fh;
	return $anchors{$file} = \%a;
}

# Links to files of the clone and to headings must lead somewhere.
sub check_links
{
	my ($file) = @_;
	my @bad;
	open my $fh, '<', $file or die "cannot read $file: $!\n";
	my $fence;
	while (my $l = <$fh>)
	{
		$fence = !$fence if $l =~ /^\s*```/;
		next if $fence;
		while ($l =~ /\]\(([^)\s]+)\)/g)
		{
			my $target = $1;
			next if $target =~ m{^[a-z]+:};
			my ($path, $anchor) = split /#/, $target, 2;
			$path = $path eq '' ? $file : (dirname($file) . "/$path") =~ s{^\./}{}r;
			if (!-e $path)
			{
				push @bad, "$file:$.: link to a missing file: $target";
			}
			elsif (defined $anchor && $path =~ /\.md$/ && !anchors($path)->{$anchor})
			{
				push @bad, "$file:$.: link to a missing heading: $target";
			}
		}
	}
	close $fh;
	return @bad;
}

my $n = 0;
for my $file (@files)
{
	my @blocks = blocks($file);
	my @problems;
	push @failures, check_links($file);
	# pair every sql block with the output block right after it
	for my $i (0 .. $#blocks)
	{
		my $b = $blocks[$i];
		if ($b->{lang} eq 'output')
		{
			my $p = $i > 0 ? $blocks[$i - 1] : undef;
			push @problems, "$file:$b->{line}: an output block must follow a sql block directly"
			  unless $p && $p->{lang} eq 'sql' && !$p->{followed} && !defined $p->{skip};
			if ($p && $p->{lang} eq 'sql')
			{
				$p->{expected} = $b->{text};
				$p->{output_block} = $b;
			}
		}
		next unless $b->{lang} eq 'sql';
		if (defined $b->{skip})
		{
			push @problems, "$file:$b->{line}: `not run` needs a reason" if $b->{skip} eq '';
			next;
		}
		# the last line of code must end a statement or hold a meta-command (\\gset)
		my @code = grep { /\S/ && !/^\s*--/ } split /\n/, $b->{text};
		push @problems, "$file:$b->{line}: the block's last statement does not end with ';'"
		  unless @code && ($code[-1] =~ /;\s*(--.*)?$/ || $code[-1] =~ /(^\s*|\s)\\[a-z]/);
	}
	my @sql = grep { $_->{lang} eq 'sql' } @blocks;
	$skipped += grep { defined $_->{skip} } @sql;
	@sql = grep { !defined $_->{skip} } @sql;
	if (@problems)
	{
		push @failures, @problems;
		print "FAILED $file: the examples break the convention\n";
		next;
	}
	next unless @sql;

	# one psql session for the whole file, a marker before every block
	$n++;
	my $db = "docs_examples_$n";
	my $script = "$work/$n.sql";
	my $marker = "@@@ docs block";
	open my $fh, '>', $script or die "cannot write $script: $!\n";
	print $fh "\\set SHOW_CONTEXT never\n";
	for my $k (0 .. $#sql)
	{
		print $fh "\\echo '$marker $k'\n", $sql[$k]{text};
	}
	print $fh "\\echo '$marker end'\n";
	close $fh;

	my %roles_before = map { $_ => 1 } psql_capture('postgres', 'SELECT rolname FROM pg_roles');
	psql_capture('postgres', "DROP DATABASE IF EXISTS $db");
	psql_capture('postgres', "CREATE DATABASE $db");
	system("'$psql' -X -q -d $db < '$script' > '$work/$n.out' 2>&1");
	psql_capture('postgres', "DROP DATABASE $db WITH (FORCE)");
	for my $r (psql_capture('postgres', 'SELECT rolname FROM pg_roles'))
	{
		psql_capture('postgres', qq{DROP ROLE "$r"}) unless $roles_before{$r};
	}

	# split the output at the markers
	open $fh, '<', "$work/$n.out" or die "cannot read $work/$n.out: $!\n";
	my ($k, %out) = (undef);
	my $pre = '';
	while (my $l = <$fh>)
	{
		if ($l =~ /^\Q$marker\E (\d+|end)$/)
		{
			$k = $1;
			$out{$k} //= '';
			next;
		}
		if (defined $k) { $out{$k} .= $l; }
		else { $pre .= $l; }
	}
	close $fh;

	my $bad = 0;
	my @rewrites;
	if ($pre =~ /\S/)
	{
		push @failures, "$file: psql printed before the first block:\n$pre";
		$bad++;
	}
	if (!exists $out{end})
	{
		push @failures, "$file: psql stopped before the end of the file";
		$bad++;
	}
	for my $k (0 .. $#sql)
	{
		my $b = $sql[$k];
		my $got = normalize($out{$k} // '');
		$run++;
		print "--- $file:$b->{line}\n$got" if $print;
		if (defined $b->{expected})
		{
			$checked++;
			my $want = normalize($b->{expected});
			next if $got eq $want;
			open my $w, '>', "$work/want" or die;
			print $w $want;
			close $w;
			open my $g, '>', "$work/got" or die;
			print $g $got;
			close $g;
			if ($update)
			{
				push @rewrites, [ $b->{output_block}, $got ];
				next;
			}
			my $diff = `diff -u '$work/want' '$work/got'`;
			$diff =~ s/^(---|\+\+\+) .*\n//mg;
			push @failures, "$file:$b->{line}: the output differs from the one shown (- shown, + printed):\n$diff";
			$bad++;
		}
		elsif ($got =~ /^(ERROR|FATAL|PANIC):/m || $got =~ /^psql:.*(error|ERROR)/m)
		{
			push @failures, "$file:$b->{line}: the example fails:\n$got";
			$bad++;
		}
	}
	if (@rewrites)
	{
		open my $in, '<', $file or die;
		my @lines = <$in>;
		close $in;
		for my $r (sort { $b->[0]{line} <=> $a->[0]{line} } @rewrites)
		{
			my ($ob, $text) = @$r;
			my $pad = ' ' x $ob->{indent};
			my @new = map { "$pad$_\n" } split /\n/, $text;
			splice @lines, $ob->{line}, $ob->{end} - $ob->{line} - 1, @new;
		}
		open my $out, '>', $file or die;
		print $out @lines;
		close $out;
		print "UPDATED $file: " . scalar(@rewrites) . " output blocks\n";
	}
	printf "%s %s: %d sql blocks\n", ($bad ? 'FAILED' : 'ok    '), $file, scalar @sql;
}

print "\n", join("\n\n", @failures), "\n" if @failures;
printf "%d sql blocks run, %d outputs compared, %d not run; %d failures\n",
  $run, $checked, $skipped, scalar @failures;
exit(@failures ? 1 : 0);
