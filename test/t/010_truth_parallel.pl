# A million judgments: forced-parallel truth inference really runs as a
# Partial Aggregate under a Gather and gives exactly the serial models, for
# bigint and text keys, with and without the leader taking part, grouped and
# ungrouped; and the rows can arrive in any order.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('truth_parallel');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\nmax_parallel_workers = 8\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
$node->safe_psql('postgres', q{
	CREATE TABLE j AS
	SELECT i / 5 AS task, abs(hashint8(i)) % 500 AS worker,
		   'c' || CASE WHEN abs(hashint8(i * 31 + 7)) % 100 < 50 + abs(hashint8(i)) % 500 / 10
					   THEN abs(hashint8(i / 5 + 1000000)) % 4 ELSE abs(hashint8(i * 17 + 3)) % 4 END AS label,
		   CASE WHEN i % 997 = 0 THEN 'c' || abs(hashint8(i / 5 + 1000000)) % 4 END AS gold,
		   (i / 5) % 4 AS part
	FROM generate_series(0, 999999) i;
	-- the same rows in a scrambled physical order
	CREATE TABLE j_shuffled AS SELECT * FROM j ORDER BY hashint8(task * 7 + worker);
	ANALYZE j; ANALYZE j_shuffled;
});

my $force = q{SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 3;};
my $serial = q{SET max_parallel_workers_per_gather = 0;};

my @queries = (
	q{SELECT md5(labeling.dawid_skene_agg(task, worker, label, gold)::text) FROM j},
	q{SELECT md5(labeling.dawid_skene_agg(task::text, worker::text, label)::text) FROM j},
	q{SELECT md5(labeling.one_coin_agg(task, worker::text, label)::text) FROM j},
	q{SELECT md5(labeling.glad_agg(task::text, worker, label, NULL, labeling.truth_options(max_iterations => 3))::text) FROM j},
	q{SELECT md5(labeling.wawa_agg(task, worker, label)::text) FROM j},
	q{SELECT md5(string_agg(part || ':' || m, ',' ORDER BY part)) FROM
		(SELECT part, labeling.dawid_skene_agg(task, worker, label)::text AS m FROM j GROUP BY part) s});

for my $q (@queries)
{
	my $plan = $node->safe_psql('postgres', "$force EXPLAIN (COSTS OFF) $q");
	like($plan, qr/Partial .*Aggregate/, 'plan has a Partial Aggregate');
	like($plan, qr/Gather/, 'plan has a Gather');
	my $s = $node->safe_psql('postgres', "$serial $q");
	my $p = $node->safe_psql('postgres', "$force $q");
	is($p, $s, 'parallel model equals serial model');
	my $nl = $node->safe_psql('postgres', "$force SET parallel_leader_participation = off; $q");
	is($nl, $s, 'parallel model without the leader equals serial model');
}

# row order does not matter, serial or parallel (bigint keys in no order take
# the hash path instead of merging runs)
for my $q (@queries[0, 1, 4])
{
	(my $qs = $q) =~ s/FROM j\b/FROM j_shuffled/;
	is($node->safe_psql('postgres', "$serial $qs"), $node->safe_psql('postgres', "$serial $q"),
		'scrambled rows give the same model');
	is($node->safe_psql('postgres', "$force $qs"), $node->safe_psql('postgres', "$serial $q"),
		'scrambled rows in parallel give the same model');
}

# the model is sensible: Dawid-Skene is right where the crowd is good
my $acc = $node->safe_psql('postgres', q{
	SELECT round(avg((t.label = 'c' || abs(hashint8(t.task + 1000000)) % 4)::int), 2) > 0.95
	FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, worker, label) FROM j), NULL::bigint) t});
is($acc, 't', 'Dawid-Skene recovers the planted labels');

$node->stop;
done_testing();
