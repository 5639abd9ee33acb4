# A million judgments: every worker-skill and agreement aggregate runs as a
# Partial Aggregate under a Gather when parallelism is forced (partial states
# serialized, shipped, deserialized and combined) and gives the serial result,
# ungrouped and grouped (hash and sort partial aggregation).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('agreement_parallel');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\nmax_parallel_workers = 8\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');

# 100,000 tasks x 10 judgments from 500 workers; a worker is right with a
# probability that depends on the worker; gold for every task
$node->safe_psql('postgres', q{
	CREATE TABLE j AS
	SELECT task, worker, gold, label,
		   array_position(ARRAY['cat','dog','bird','fish','cow'], label)::float8 AS value
	FROM (SELECT i / 10 AS task, (i * 7919) % 500 AS worker, g.gold,
				 CASE WHEN abs(hashint8(i)) % 100 < 40 + (i * 7919) % 500 / 10 THEN g.gold
					  ELSE (ARRAY['cat','dog','bird','fish','cow'])[1 + abs(hashint8(i + 1)) % 5] END AS label
		  FROM generate_series(0::bigint, 999999) i,
			   LATERAL (SELECT (ARRAY['cat','dog','bird','fish','cow'])[1 + abs(hashint8(i / 10)) % 5] AS gold) g) s;
	ANALYZE j;
});

my $force = q{SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 4;
	SET parallel_leader_participation = off;};
my $serial = q{SET max_parallel_workers_per_gather = 0;};

# numbers are compared to 12 significant digits: partial sums may be added in
# another order
my $r = sub { my $e = shift; "round(($e)::numeric, 12)" };
my @queries = (
	'SELECT ' . join(', ',
		'labeling.worker_skill(label, gold)',
		'labeling.worker_skill(label, gold, 3, 2)',
		'labeling.worker_skill(label = gold)',
		'labeling.worker_skill(label = gold, 3, 2)',
		'labeling.worker_class_skill(label, gold)',
		'labeling.worker_class_skill(label, gold, 3, 2)') . ' FROM j',
	'SELECT ' . join(', ',
		$r->('labeling.cohen_kappa(label, gold)'),
		$r->('labeling.fleiss_kappa(task, label)'),
		$r->('labeling.fleiss_kappa(task::text, label)'),
		$r->('labeling.krippendorff_alpha(task, worker, label)'),
		$r->('labeling.krippendorff_alpha(task::text, worker, label)'),
		$r->(q{labeling.krippendorff_alpha(task, worker, value, 'nominal')}),
		$r->(q{labeling.krippendorff_alpha(task, worker, value, 'ordinal')}),
		$r->(q{labeling.krippendorff_alpha(task, worker, value, 'interval')}),
		$r->(q{labeling.krippendorff_alpha(task, worker, value, 'ratio')})) . ' FROM j',
	q{SELECT md5(string_agg(worker || ':' || s::text || ':' || c::text, ',' ORDER BY worker)) FROM
		(SELECT worker, labeling.worker_skill(label, gold) AS s, labeling.worker_class_skill(label, gold) AS c
		 FROM j GROUP BY worker) x},
	q{SELECT md5(string_agg(g || ':' || } . $r->('a') . q{ || ':' || } . $r->('k') . q{ || ':' || } . $r->('f') . q{, ',' ORDER BY g)) FROM
		(SELECT worker % 7 AS g, labeling.krippendorff_alpha(task, worker, value, 'interval') AS a,
				labeling.cohen_kappa(label, gold) AS k, labeling.fleiss_kappa(task, label) AS f
		 FROM j GROUP BY worker % 7) x});

for my $hashagg ('on', 'off')
{
	for my $q (@queries)
	{
		my $set = "SET enable_hashagg = $hashagg;";
		my $plan = $node->safe_psql('postgres', "$force $set EXPLAIN (COSTS OFF) $q");
		like($plan, qr/Partial .*Aggregate/, "plan has a Partial Aggregate (hashagg $hashagg)");
		like($plan, qr/Gather/, 'plan has a Gather');
		my $p = $node->safe_psql('postgres', "$force $set $q");
		my $s = $node->safe_psql('postgres', "$serial $set $q");
		unlike($node->safe_psql('postgres', "$serial $set EXPLAIN (COSTS OFF) $q"),
			qr/Gather/, 'serial plan has no Gather');
		is($p, $s, 'parallel result equals serial result');
	}
}

# a filter that leaves some workers without rows: empty partial states combine
my $q = q{SELECT labeling.krippendorff_alpha(task, worker, label), labeling.fleiss_kappa(task, label),
	labeling.cohen_kappa(label, gold), labeling.worker_skill(label, gold)
	FROM j WHERE task = 77};
is($node->safe_psql('postgres', "$force $q"), $node->safe_psql('postgres', "$serial $q"),
	'a single task gives the same result in parallel');
$q = q{SELECT labeling.krippendorff_alpha(task, worker, label), labeling.worker_class_skill(label, gold),
	labeling.cohen_kappa(label, gold), labeling.worker_skill(label, gold) FROM j WHERE task < 0};
is($node->safe_psql('postgres', "$force $q"), '|||', 'no rows in parallel: NULLs');

# a bad metric or prior is reported from a parallel worker too
my ($ret, $out, $err) = $node->psql('postgres',
	"$force SELECT labeling.krippendorff_alpha(task, worker, value, 'cosine') FROM j");
like($err, qr/unknown metric "cosine"/, 'unknown metric in parallel: clear error');
($ret, $out, $err) = $node->psql('postgres',
	"$force SELECT labeling.worker_skill(label, gold, -1, 1) FROM j");
like($err, qr/must be positive and finite/, 'negative prior in parallel: clear error');

$node->stop;
done_testing();
