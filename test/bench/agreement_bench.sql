-- test/bench/agreement_bench.sql - time every worker-skill and agreement
-- aggregate over :rows judgments and compare it with count(*) over the same
-- table in the same run.  Run by test/bench/agreement_bench.sh; psql
-- variables: rows (judgments), runs (timed runs per query, median kept),
-- parallel (max_parallel_workers_per_gather).
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
SELECT set_config('max_parallel_workers_per_gather', :'parallel', false) AS parallel_workers;

-- Deterministic synthetic crowd: :rows / 10 tasks with 10 judgments each by
-- 2,000 workers, 5 labels, gold on every task; a worker is right with a
-- probability between 40% and 90%.  Rows are stored in a scrambled order
-- (a task's judgments are spread over the table), the hard case for the
-- per-unit state.
DROP TABLE IF EXISTS bench_judgments;
CREATE UNLOGGED TABLE bench_judgments AS
SELECT task, worker, gold, label, label = gold AS correct,
	   array_position(ARRAY['a', 'b', 'c', 'd', 'e'], label)::float8 AS value
FROM (SELECT (i * 7919) % (:rows / 10) AS task, hashint8(i) & 2047 AS worker, g.gold,
			 CASE WHEN abs(hashint8(-i)) % 100 < 40 + (hashint8(i) & 2047) % 50 THEN g.gold
				  ELSE (ARRAY['a', 'b', 'c', 'd', 'e'])[1 + abs(hashint8(i + 17)) % 5] END AS label
	  FROM generate_series(0::bigint, :rows - 1) i,
		   LATERAL (SELECT (ARRAY['a', 'b', 'c', 'd', 'e'])[1 + abs(hashint8((i * 7919) % (:rows / 10))) % 5]
					AS gold) g) s;
VACUUM ANALYZE bench_judgments;

-- median wall time of :runs runs of a query (its result is fetched and dropped)
CREATE OR REPLACE FUNCTION pg_temp.time_query(q text, runs int) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	times double precision[] := '{}';
	r record;
BEGIN
	FOR i IN 1 .. runs LOOP
		t0 := clock_timestamp();
		FOR r IN EXECUTE q LOOP
		END LOOP;
		times := times || extract(epoch FROM clock_timestamp() - t0)::double precision;
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t);
END
$$;

CREATE TEMP TABLE bench_results (ord int, what text, query text, seconds double precision);
INSERT INTO bench_results (ord, what, query) VALUES
	(0, 'count(*)', 'SELECT count(*) FROM bench_judgments'),
	(1, 'worker_skill(label, gold)', 'SELECT labeling.worker_skill(label, gold) FROM bench_judgments'),
	(2, 'worker_skill(label, gold, 2, 1)', 'SELECT labeling.worker_skill(label, gold, 2, 1) FROM bench_judgments'),
	(3, 'worker_skill(correct)', 'SELECT labeling.worker_skill(correct) FROM bench_judgments'),
	(4, 'worker_class_skill(label, gold)', 'SELECT labeling.worker_class_skill(label, gold) FROM bench_judgments'),
	(5, 'cohen_kappa(label, gold)', 'SELECT labeling.cohen_kappa(label, gold) FROM bench_judgments'),
	(6, 'fleiss_kappa(task, label)', 'SELECT labeling.fleiss_kappa(task, label) FROM bench_judgments'),
	(7, 'krippendorff_alpha(task, worker, label)', 'SELECT labeling.krippendorff_alpha(task, worker, label) FROM bench_judgments'),
	(8, 'krippendorff_alpha(.., value, ''ordinal'')', 'SELECT labeling.krippendorff_alpha(task, worker, value, ''ordinal'') FROM bench_judgments'),
	(9, 'krippendorff_alpha(.., value, ''interval'')', 'SELECT labeling.krippendorff_alpha(task, worker, value, ''interval'') FROM bench_judgments'),
	(10, 'krippendorff_alpha(.., value, ''ratio'')', 'SELECT labeling.krippendorff_alpha(task, worker, value, ''ratio'') FROM bench_judgments'),
	(11, 'count(*) GROUP BY worker', 'SELECT worker, count(*) FROM bench_judgments GROUP BY worker'),
	(12, 'worker_skill(label, gold) GROUP BY worker', 'SELECT worker, labeling.worker_skill(label, gold) FROM bench_judgments GROUP BY worker');

-- warm the cache, then time every query
SELECT count(*) AS judgments, count(DISTINCT task) AS tasks FROM bench_judgments;
UPDATE bench_results SET seconds = pg_temp.time_query(query, :runs);

SELECT r.what AS query, round(r.seconds::numeric, 3) AS seconds,
	   round((:rows / r.seconds / 1e6)::numeric, 1) AS "M rows/s",
	   round((r.seconds / CASE WHEN r.ord >= 11 THEN g.seconds ELSE c.seconds END)::numeric, 2) AS ratio
FROM bench_results r,
	 (SELECT seconds FROM bench_results WHERE ord = 0) c,
	 (SELECT seconds FROM bench_results WHERE ord = 11) g
ORDER BY r.ord;

DROP TABLE bench_judgments;
