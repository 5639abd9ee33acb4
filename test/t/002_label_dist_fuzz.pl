# Fuzz the label_dist text input: random mutations of valid literals either
# parse (and then round-trip exactly through text, jsonb and binary COPY) or
# fail with a clear SQLSTATE; the server never crashes.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use LabelingFuzz qw(mutate_text);

my $node = PostgreSQL::Test::Cluster->new('fuzz');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
$node->safe_psql('postgres', q{
	CREATE FUNCTION try_ld(s text) RETURNS text LANGUAGE plpgsql AS $$
	DECLARE d labeling.label_dist;
	BEGIN
		d := s::labeling.label_dist;
		IF d::text::labeling.label_dist::text IS DISTINCT FROM d::text
		   OR NOT (d::text::labeling.label_dist OPERATOR(labeling.=) d)
		   OR NOT (d::jsonb::labeling.label_dist OPERATOR(labeling.=) d) THEN
			RETURN 'ROUNDTRIP-MISMATCH ' || d::text;
		END IF;
		RETURN 'ok';
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END $$;
});

srand(20261127);
my @seeds = (
	'{"cat": 0.75, "dog": 0.25}',
	'{"a": 0.1, "b": 0.2, "c": 0.7}',
	'{"x\\"y": 0.5, "caf\\u00e9": 0.5}',
	'{"p": 1e-10, "q": 0.9999999999}',
	'{"": 1}',
	'{"1": 0.5, "10": 0.25, "2": 0.25}',
);
my @alphabet = split //, q{{}[]":,.-+eE0123456789\\u abcdXYZ} . "\t\n";

sub mutate { return mutate_text($_[0], \@alphabet, 4, 0); }

my (%seen, @inputs);
for my $i (1 .. 3000)
{
	my $m = mutate($seeds[ $i % @seeds ]);
	push @inputs, $m unless $seen{$m}++;
}
push @inputs, @seeds;

# one statement per input keeps a crash attributable; batch them for speed
my %outcome;
my $mismatch = 0;
while (my @batch = splice(@inputs, 0, 200))
{
	my $sql = join(' UNION ALL ', map {
		my $q = $_; $q =~ s/'/''/g; "SELECT try_ld(E'" . ($q =~ s/\\/\\\\/gr) . "')"
	} @batch);
	my ($ret, $out, $err) = $node->psql('postgres', $sql);
	is($ret, 0, 'batch of mutated inputs ran') or diag($err);
	for my $r (split /\n/, $out)
	{
		$mismatch++ if $r =~ /ROUNDTRIP-MISMATCH/;
		$outcome{$r =~ /^ROUNDTRIP/ ? 'mismatch' : $r}++;
	}
}
is($mismatch, 0, 'every accepted input round-trips exactly');
my @unexpected = grep { !/^(ok|22P02|22023|22000|54000|22021)$/ } keys %outcome;
is_deeply(\@unexpected, [], 'every rejected input has an expected SQLSTATE')
	or diag(explain \%outcome);
ok($outcome{ok} && $outcome{'22P02'}, 'the fuzzer reached both valid and invalid inputs');
note(explain \%outcome);

# binary COPY round trip of everything that parsed, through psql \copy
$node->safe_psql('postgres', q{
	CREATE TABLE good AS SELECT s::labeling.label_dist AS d FROM
	(VALUES ('{"cat": 0.75, "dog": 0.25}'), ('{"a": 0.1, "b": 0.2, "c": 0.7}'),
			('{"x\"y": 0.5, "caf\u00e9": 0.5}'), ('{"": 1}')) v(s);
	CREATE TABLE good2 (d labeling.label_dist);
});
my $bin = "$PostgreSQL::Test::Utils::tmp_check/ld.bin";
$node->safe_psql('postgres', "\\copy good TO '$bin' WITH (FORMAT binary)");
$node->safe_psql('postgres', "\\copy good2 FROM '$bin' WITH (FORMAT binary)");
is($node->safe_psql('postgres',
	'SELECT count(*) FROM good g JOIN good2 h ON g.d OPERATOR(labeling.=) h.d'), '4',
	'binary COPY round trip');

ok($node->safe_psql('postgres', 'SELECT 1') eq '1', 'server still up');
$node->stop;
done_testing();
