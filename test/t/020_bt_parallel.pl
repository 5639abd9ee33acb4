# A million side-by-side comparisons: forced-parallel bt_rank really runs as a
# Partial Aggregate under a Gather and gives byte-identical models to the
# serial plan (plain, grouped and noisy), because the final function works on
# a canonical (sorted) comparison table.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('bt_parallel');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\nmax_parallel_workers = 8\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
# 20000 items in 4 groups, strengths from a hash; winner by Bradley-Terry;
# one comparison in 10 a tie; 50 workers
$node->safe_psql('postgres', q{
	CREATE FUNCTION u(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
		$$ SELECT ((hashint8extended(i, k) & 2147483647)::float8 + 0.5) / 2147483648.0 $$;
	CREATE TABLE c AS
	SELECT k, l, r, (k % 4) AS grp, 'w' || (k % 50) AS worker,
		   CASE WHEN u(k, 3) < 0.1 THEN NULL
				WHEN u(k, 4) < 1 / (1 + exp((r % 97 - l % 97) / 20.0)) THEN l ELSE r END AS w
	FROM (SELECT k, 1 + floor(u(k, 1) * 5000)::bigint * 4 + k % 4 AS l,
				 1 + ((floor(u(k, 1) * 5000)::bigint + 1 + floor(u(k, 2) * 4999)::bigint) % 5000) * 4 + k % 4 AS r
		  FROM generate_series(1, 1000000) k) s;
	ANALYZE c;
});
is($node->safe_psql('postgres', 'SELECT count(*) FROM c WHERE l = r'), '0', 'no self-comparisons generated');

my $force = q{SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 4;
	SET parallel_leader_participation = off;};
my $serial = q{SET max_parallel_workers_per_gather = 0;};

for my $q (
	q{SELECT md5(labeling.bt_rank(l, r, w)::text) FROM c},
	q{SELECT md5(labeling.bt_rank(l::text, r::text, w::text)::text) FROM c},
	q{SELECT md5(string_agg(grp || ':' || m::text, ',' ORDER BY grp)) FROM
		(SELECT grp, labeling.bt_rank(l, r, w) AS m FROM c GROUP BY grp) s},
	q{SELECT md5(labeling.bt_rank(l, r, w, worker)::text) FROM c WHERE k % 10 = 0})
{
	my $plan = $node->safe_psql('postgres', "$force EXPLAIN (COSTS OFF) $q");
	like($plan, qr/Partial .*Aggregate/, 'plan has a Partial Aggregate');
	like($plan, qr/Gather/, 'plan has a Gather');
	my $p = $node->safe_psql('postgres', "$force $q");
	my $s = $node->safe_psql('postgres', "$serial $q");
	my $splan = $node->safe_psql('postgres', "$serial EXPLAIN (COSTS OFF) $q");
	unlike($splan, qr/Gather/, 'serial plan has no Gather');
	is($p, $s, 'parallel model equals serial model');
}

# the parallel model is a proper fit: converged, 4 components (the groups),
# every item counted
my $sum = $node->safe_psql('postgres', "$force SELECT s->>'converged', s->>'components', s->>'comparisons',
	s->>'items', (SELECT count(DISTINCT x) FROM (SELECT l FROM c UNION SELECT r FROM c) u(x))
	FROM (SELECT labeling.bt_summary(labeling.bt_rank(l, r, w)) AS s FROM c) q");
is($sum, 'true|4|1000000|20000|20000', 'parallel fit: converged, components, counts');

$node->stop;
done_testing();
