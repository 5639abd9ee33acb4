# Bulk loads through the live triggers leave task_state and worker_state
# equal to a recomputation from the judgments: a whole real dataset in one
# COPY (with golden tasks and quality-control rules) is compared with
# rebuild() and with an independent SQL recomputation, and the same data
# loaded in ten COPY chunks, or as single-row INSERTs for part of it, ends in
# exactly the same task_state as the one-shot load.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $data = $ENV{LABELING_DATA} // "$ENV{TESTDIR}/../test/data";
$data = "$ENV{TESTDIR}/test/data" unless -d $data;
my $dataset = "$data/act-sp-amt";
ok(-f "$dataset/judgments.csv", "dataset found at $dataset");

my $node = PostgreSQL::Test::Cluster->new('bulk');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\n");
$node->start;

# one database per way of loading, the same project in each
sub setup
{
	my ($db, $rules) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, qq{
		CREATE EXTENSION labeling;
		CREATE TABLE raw (task text, worker text, label text);
		CREATE TABLE gold (task text, label text);
		COPY raw FROM '$dataset/judgments.csv' WITH (FORMAT csv, HEADER true);
		COPY gold FROM '$dataset/gold.csv' WITH (FORMAT csv, HEADER true);
		INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence,
									   allow_repeat_judgments, allow_judgments_on_closed)
		VALUES ('sp', '{0,1}', 3, 20, 0.97, true, true);
		INSERT INTO labeling.workers (external_id) SELECT DISTINCT worker FROM raw ORDER BY 1;
		INSERT INTO labeling.tasks (project_id, external_id) SELECT DISTINCT 1, task FROM raw ORDER BY 2;
		-- every tenth gold task is a golden task
		INSERT INTO labeling.golden_labels (task_id, label)
		SELECT t.task_id, g.label FROM gold g JOIN labeling.tasks t ON t.external_id = g.task
		WHERE t.task_id % 10 = 0;
		CREATE TABLE stage AS
		SELECT row_number() OVER () AS n, t.task_id, w.worker_id, r.label,
			   make_interval(secs => 1 + (t.task_id * 7 + w.worker_id) % 40) AS time_spent
		FROM raw r JOIN labeling.tasks t ON t.external_id = r.task
		JOIN labeling.workers w ON w.external_id = r.worker;
	});
	$node->safe_psql($db, q{
		INSERT INTO labeling.qc_rules (project_id, name, metric, threshold, min_count, action) VALUES
			(1, 'bound', 'golden_lower_bound', 0.45, 5, 'ban'),
			(1, 'speed', 'median_seconds', 6, 10, 'flag'),
			(1, 'agreement', 'agreement', 0.5, 20, 'flag');
	}) if $rules;
	return;
}

my $stage_out = "$PostgreSQL::Test::Utils::tmp_check/stage.csv";
setup('one', 1);
$node->safe_psql('one', "COPY (SELECT task_id, worker_id, label, time_spent FROM stage ORDER BY n) TO '$stage_out' CSV");
my $n = $node->safe_psql('one', 'SELECT count(*) FROM stage');
cmp_ok($n, '>', 9000, "$n judgments to load");

# 1. one COPY with the triggers, rules included
$node->safe_psql('one', "COPY labeling.judgments (task_id, worker_id, label, time_spent) FROM '$stage_out' CSV");
is($node->safe_psql('one', 'SELECT count(*) FROM labeling.judgments'), $n, 'all judgments stored');
my $bans = $node->safe_psql('one', q{SELECT count(*) FROM labeling.qc_events WHERE action = 'ban'});
cmp_ok($bans, '>', 0, "the rules banned $bans workers during the load");

my $ws_cols = 'project_id, worker_id, n_judgments, golden_answered, golden_correct, golden_lower, golden_upper, '
  . 'model_judgments, model_correct, skill, timed_judgments, median_seconds, last_judgment_at, status, agreement, '
  . 'agreement_judgments';
my $cmp = q{
	SELECT count(*) FROM ((SELECT * FROM saved EXCEPT SELECT %s FROM labeling.%s)
		UNION ALL (SELECT %s FROM labeling.%s EXCEPT SELECT * FROM saved)) d
};
$node->safe_psql('one', "CREATE TABLE saved_ts AS SELECT * FROM labeling.task_state");
$node->safe_psql('one', "CREATE TABLE saved_ws AS SELECT $ws_cols FROM labeling.worker_state");
$node->safe_psql('one', 'SELECT labeling.rebuild(1)');
is($node->safe_psql('one', sprintf($cmp =~ s/saved/saved_ts/gr, '*', 'task_state', '*', 'task_state')),
	'0', 'task_state after one COPY equals rebuild()');
# agreement is as of each worker's last statement; after one COPY that is
# the end of the load for every worker, so all of worker_state must match
is($node->safe_psql('one', sprintf($cmp =~ s/saved/saved_ws/gr, $ws_cols, 'worker_state', $ws_cols, 'worker_state')),
	'0', 'worker_state after one COPY equals rebuild(), agreement included');

# 2. an independent recomputation in plain SQL: golden record, skill, the
#    posterior of the judgments of workers not banned, status
my $independent = q{
	WITH gold AS (
		SELECT j.worker_id, count(*) AS answered, count(*) FILTER (WHERE j.label = g.label) AS correct
		FROM labeling.judgments j JOIN labeling.golden_labels g USING (task_id) GROUP BY 1
	), skill AS (
		SELECT w.worker_id, (2.0 + coalesce(g.correct, 0)) / (3.0 + coalesce(g.answered, 0)) AS skill,
			   EXISTS (SELECT 1 FROM labeling.qc_events e WHERE e.worker_id = w.worker_id AND e.action = 'ban') AS banned
		FROM labeling.workers w LEFT JOIN gold g USING (worker_id)
	), post AS (
		SELECT j.task_id, count(*) AS n,
			   count(*) FILTER (WHERE NOT s.banned) AS counted,
			   labeling.one_coin_posterior(j.label, s.skill::float8, '{0,1}') FILTER (WHERE NOT s.banned) AS d
		FROM labeling.judgments j JOIN skill s USING (worker_id) GROUP BY 1
	)
	SELECT count(*) FILTER (WHERE ts.n_judgments <> p.n OR ts.n_counted <> p.counted
							OR ts.label IS DISTINCT FROM labeling.top_label(p.d)
							OR abs(ts.confidence - labeling.confidence(p.d)) > 1e-12
							OR ts.status <> CASE WHEN ts.golden THEN 'open'
												 WHEN p.counted >= 20 THEN 'complete'
												 WHEN p.counted >= 3 AND labeling.confidence(p.d) >= 0.97 THEN 'complete'
												 ELSE 'open' END),
		   count(*)
	FROM labeling.task_state ts JOIN post p USING (task_id)
};
my ($off, $tasks) = split /\|/, $node->safe_psql('one', $independent);
is($off, '0', "an independent recomputation agrees on all $tasks judged tasks");
is($node->safe_psql('one', q{
	SELECT count(*) FROM labeling.worker_state ws
	JOIN (SELECT j.worker_id, count(*) AS n, count(g.task_id) AS answered,
				 count(*) FILTER (WHERE j.label = g.label) AS correct
		  FROM labeling.judgments j LEFT JOIN labeling.golden_labels g USING (task_id) GROUP BY 1) x USING (worker_id)
	WHERE ws.n_judgments <> x.n OR ws.golden_answered <> x.answered OR ws.golden_correct <> x.correct
	   OR abs(ws.skill - (2.0 + x.correct) / (3.0 + x.answered)) > 1e-12
}), '0', 'golden records and skills agree with an independent count');

# 3. the same data without rules: one COPY, ten COPY chunks, and single-row
#    INSERTs for the last 300 judgments end in the same task_state
setup($_, 0) for qw(whole chunks rows);
$node->safe_psql('whole', "COPY labeling.judgments (task_id, worker_id, label, time_spent) FROM '$stage_out' CSV");
my $chunk = int($n / 10) + 1;
for my $i (0 .. 9)
{
	$node->safe_psql('chunks', sprintf(q{
		INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent)
		SELECT task_id, worker_id, label, time_spent FROM stage WHERE n > %d AND n <= %d ORDER BY n},
		$i * $chunk, ($i + 1) * $chunk));
}
$node->safe_psql('rows', sprintf(q{
	INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent)
	SELECT task_id, worker_id, label, time_spent FROM stage WHERE n <= %d ORDER BY n}, $n - 300));
$node->safe_psql('rows', q{
	DO $$
	DECLARE s record;
	BEGIN
		FOR s IN SELECT * FROM stage ORDER BY n OFFSET (SELECT count(*) - 300 FROM stage) LOOP
			INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent)
			VALUES (s.task_id, s.worker_id, s.label, s.time_spent);
		END LOOP;
	END $$;
});
my $dump_ts = q{
	SELECT string_agg(concat_ws(' ', task_id, n_judgments, n_counted, posterior, status, golden), E'\n' ORDER BY task_id)
	FROM labeling.task_state
};
my $whole = $node->safe_psql('whole', $dump_ts);
is($node->safe_psql('chunks', $dump_ts), $whole, 'ten COPY chunks give the task_state of one COPY, to the bit');
is($node->safe_psql('rows', $dump_ts), $whole, 'single-row inserts give the task_state of one COPY, to the bit');
my $dump_ws = q{
	SELECT string_agg(concat_ws(' ', worker_id, n_judgments, golden_answered, golden_correct, skill, median_seconds),
					  E'\n' ORDER BY worker_id)
	FROM labeling.worker_state
};
is($node->safe_psql('chunks', $dump_ws), $node->safe_psql('whole', $dump_ws), 'and the same worker_state');
is($node->safe_psql('rows', $dump_ws), $node->safe_psql('whole', $dump_ws), 'and the same worker_state (rows)');

$node->stop;
done_testing();
