# Fuzz the bt_model text input: random mutations of valid models either parse
# (and then round-trip exactly through text and binary COPY, and can be read
# by every reader) or fail with a clear SQLSTATE; the server never crashes.
# Also: a bt_model column survives pg_dump / pg_restore unchanged.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use LabelingFuzz qw(mutate_text);

my $node = PostgreSQL::Test::Cluster->new('bt_fuzz');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
$node->safe_psql('postgres', q{
	CREATE FUNCTION try_bt(s text) RETURNS text LANGUAGE plpgsql AS $$
	DECLARE m labeling.bt_model;
	BEGIN
		m := s::labeling.bt_model;
		IF m::text::labeling.bt_model::text IS DISTINCT FROM m::text THEN
			RETURN 'ROUNDTRIP-MISMATCH ' || m::text;
		END IF;
		-- every reader must cope with any accepted value
		PERFORM count(*) FROM labeling.bt_scores(m);
		PERFORM count(*) FROM labeling.bt_workers(m);
		PERFORM labeling.bt_summary(m);
		BEGIN
			PERFORM count(*) FROM labeling.bt_next_pairs(m, 5);
		EXCEPTION WHEN invalid_parameter_value THEN NULL;	-- prior 0: no standard errors
		END;
		PERFORM count(*) FROM labeling.bt_gradient_check(m, 1e-5, 5);
		PERFORM labeling.bt_fit(m, max_iter => 3);
		RETURN 'ok';
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END $$;
	CREATE TABLE seeds AS
	SELECT labeling.bt_rank(l, r, w)::text AS s FROM (VALUES
		('a', 'b', 'a'), ('b', 'c', NULL), ('a', 'c', 'c'), ('x', 'y', 'y')) v(l, r, w)
	UNION ALL
	SELECT labeling.bt_rank(l, r, w, wk)::text FROM (VALUES
		(1::bigint, 2::bigint, 1::bigint, 'p'), (2, 3, NULL, 'q'), (3, 1, 3, 'p'), (1, 3, 1, 'q')) v(l, r, w, wk)
	UNION ALL
	SELECT labeling.bt_fit(labeling.bt_rank(l, r, w), prior => 0, method => 'mm', max_iter => 5)::text
	FROM (VALUES ('a', 'b', 'a'), ('b', 'c', 'b')) v(l, r, w);
});

my @seeds = split /\n/, $node->safe_psql('postgres', 'SELECT s FROM seeds');
is(scalar(@seeds), 3, 'three seed models');

srand(20261127);
my @alphabet = split //, q{{}[]":,.-+eE0123456789\\u abnulltrufIy} . "\t\n";

sub mutate { return mutate_text($_[0], \@alphabet, 3, 1); }

my (%seen, @inputs);
for my $i (1 .. 2000)
{
	my $m = mutate($seeds[ $i % @seeds ]);
	push @inputs, $m unless $seen{$m}++;
}
push @inputs, @seeds;

my %outcome;
my $mismatch = 0;
while (my @batch = splice(@inputs, 0, 100))
{
	my $sql = join(' UNION ALL ', map {
		my $q = $_; $q =~ s/'/''/g; "SELECT try_bt(E'" . ($q =~ s/\\/\\\\/gr) . "')"
	} @batch);
	my ($ret, $out, $err) = $node->psql('postgres', $sql);
	is($ret, 0, 'batch of mutated models ran') or diag($err);
	for my $r (split /\n/, $out)
	{
		$mismatch++ if $r =~ /ROUNDTRIP-MISMATCH/;
		$outcome{$r =~ /^ROUNDTRIP/ ? 'mismatch' : $r}++;
	}
}
is($mismatch, 0, 'every accepted model round-trips exactly');
ok($outcome{ok} >= 3, 'valid models accepted');
ok(($outcome{'22P02'} // 0) > 100, 'syntax errors reported as 22P02');
ok(($outcome{'22023'} // 0) > 10, 'inconsistent models reported as 22023');
my @unexpected = grep { !/^(ok|22P02|22023)$/ } keys %outcome;
is("@unexpected", '', 'no other outcome') or diag(join(', ', map { "$_=$outcome{$_}" } keys %outcome));
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'server still up');

# dump and restore of a table with bt_model values
$node->safe_psql('postgres', q{
	CREATE TABLE models AS SELECT row_number() OVER () AS id, s::labeling.bt_model AS m FROM seeds;
});
my $dump = "$PostgreSQL::Test::Utils::tmp_check/bt.dump";
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('postgres'), '-t', 'models', '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->safe_psql('dst', 'CREATE EXTENSION labeling');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ], 'pg_restore');
my $q = q{SELECT md5(string_agg(id || ':' || m::text, '|' ORDER BY id)) FROM models};
is($node->safe_psql('dst', $q), $node->safe_psql('postgres', $q), 'bt_model values restored identically');

$node->stop;
done_testing();
