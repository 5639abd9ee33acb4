# A million judgments: forced-parallel vote aggregation really runs as a
# Partial Aggregate under a Gather and gives exactly the serial results.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('parallel');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\nmax_parallel_workers = 8\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
$node->safe_psql('postgres', q{
	CREATE TABLE j AS
	SELECT i % 100000 AS task, (ARRAY['cat','dog','bird','fish','cow'])[1 + (i * 2654435761 % 1000003) % 5] AS label,
		   ((i / 7) % 5)::float8 AS weight
	FROM generate_series(1, 1000000) i;
	ANALYZE j;
});

my $force = q{SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 4;
	SET parallel_leader_participation = off;};
my $serial = q{SET max_parallel_workers_per_gather = 0;};

for my $q (
	q{SELECT labeling.majority_vote(label), labeling.vote_dist(label)::text FROM j},
	q{SELECT labeling.majority_vote(label, weight), labeling.vote_dist(label, weight)::text FROM j},
	q{SELECT md5(string_agg(task || ':' || mv || ':' || vd, ',' ORDER BY task)) FROM
		(SELECT task, labeling.majority_vote(label) AS mv, labeling.vote_dist(label)::text AS vd
		 FROM j GROUP BY task) s},
	q{SELECT md5(string_agg(task || ':' || coalesce(mv, '-') || ':' || coalesce(vd, '-'), ',' ORDER BY task)) FROM
		(SELECT task, labeling.majority_vote(label, weight) AS mv, labeling.vote_dist(label, weight)::text AS vd
		 FROM j GROUP BY task) s})
{
	my $plan = $node->safe_psql('postgres', "$force EXPLAIN (COSTS OFF) $q");
	like($plan, qr/Partial .*Aggregate/, 'plan has a Partial Aggregate');
	like($plan, qr/Gather/, 'plan has a Gather');
	my $p = $node->safe_psql('postgres', "$force $q");
	my $s = $node->safe_psql('postgres', "$serial $q");
	my $splan = $node->safe_psql('postgres', "$serial EXPLAIN (COSTS OFF) $q");
	unlike($splan, qr/Gather/, 'serial plan has no Gather');
	is($p, $s, 'parallel result equals serial result');
}

# the grouped results agree with mode() on every task without a tied count
my $bad = $node->safe_psql('postgres', q{
	WITH c AS (SELECT task, label, count(*) n FROM j GROUP BY task, label),
	tied AS (SELECT task FROM c GROUP BY task HAVING count(*) FILTER (WHERE n = (SELECT max(n) FROM c c2 WHERE c2.task = c.task)) > 1)
	SELECT count(*) FROM (SELECT task, labeling.majority_vote(label) mv, mode() WITHIN GROUP (ORDER BY label) m
						  FROM j GROUP BY task) s
	WHERE mv <> m AND task NOT IN (SELECT task FROM tied)});
is($bad, '0', 'majority_vote equals mode() wherever there is no tie');

$node->stop;
done_testing();
