-- test/bench/agreement_bench.sql - time every worker-skill and agreement
-- aggregate over :rows judgments against count(*) over the same table, in
-- the same run.  Run by test/bench/agreement_bench.sh.  psql variables:
--   rows      judgments to generate (10 per task)
--   runs      rounds per query; each round times count(*) and then the
--             query, and the medians over rounds are reported
--   parallel  max_parallel_workers_per_gather for the timed queries
--   order     'scattered' (a task's judgments spread over the table) or
--             'clustered' (stored in task order)
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;

-- Deterministic synthetic crowd: :rows / 10 tasks with 10 judgments each by
-- 2,048 workers, 5 labels, gold on every task; a worker is right with a
-- probability between 40% and 89%.  Everything is a function of the row
-- number (hashint8), so every run builds the same table.
DROP TABLE IF EXISTS bench_judgments;
CREATE UNLOGGED TABLE bench_judgments AS
SELECT task, worker, gold, label, label = gold AS correct,
	   array_position(ARRAY['a', 'b', 'c', 'd', 'e'], label)::float8 AS value
FROM (SELECT (i * 7919) % (:rows / 10) AS task, hashint8(i) & 2047 AS worker, g.gold,
			 CASE WHEN abs(hashint8(-i)) % 100 < 40 + (hashint8(i) & 2047) % 50 THEN g.gold
				  ELSE (ARRAY['a', 'b', 'c', 'd', 'e'])[1 + abs(hashint8(i + 17)) % 5] END AS label
	  FROM generate_series(0::bigint, :rows - 1) i,
		   LATERAL (SELECT (ARRAY['a', 'b', 'c', 'd', 'e'])[1 + abs(hashint8((i * 7919) % (:rows / 10))) % 5]
					AS gold) g
	  ORDER BY CASE WHEN :'order' = 'clustered' THEN (i * 7919) % (:rows / 10) ELSE i END) s;
VACUUM ANALYZE bench_judgments;
SELECT count(*) AS judgments, count(DISTINCT task) AS tasks, count(DISTINCT worker) AS workers,
	   pg_size_pretty(pg_relation_size('bench_judgments')) AS size, :'order' AS row_order
FROM bench_judgments;

-- CPU milliseconds used so far by this backend (Linux: utime + stime of
-- /proc/self/stat, in 10 ms ticks): unlike wall time, it does not count the
-- time other processes on the machine took the CPU
CREATE FUNCTION pg_temp.cpu_ms() RETURNS double precision LANGUAGE sql AS $$
	SELECT (split_part(s, ' ', 12)::bigint + split_part(s, ' ', 13)::bigint) * 10.0
	FROM (SELECT split_part(pg_read_file('/proc/self/stat'), ') ', 2) AS s) x
$$;

-- run a query, fetch and drop its rows; (wall seconds, cpu seconds)
CREATE FUNCTION pg_temp.run_query(q text, OUT wall double precision, OUT cpu double precision)
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	c0 double precision;
	r record;
BEGIN
	c0 := pg_temp.cpu_ms();
	t0 := clock_timestamp();
	FOR r IN EXECUTE q LOOP
	END LOOP;
	wall := extract(epoch FROM clock_timestamp() - t0);
	cpu := (pg_temp.cpu_ms() - c0) / 1000.0;
END
$$;

CREATE TEMP TABLE bench_queries (ord int, what text, query text, baseline text);
INSERT INTO bench_queries VALUES
	(1, 'worker_skill(label, gold)', 'SELECT labeling.worker_skill(label, gold) FROM bench_judgments', NULL),
	(2, 'worker_skill(label, gold, 2, 1)', 'SELECT labeling.worker_skill(label, gold, 2, 1) FROM bench_judgments', NULL),
	(3, 'worker_skill(correct)', 'SELECT labeling.worker_skill(correct) FROM bench_judgments', NULL),
	(4, 'worker_class_skill(label, gold)', 'SELECT labeling.worker_class_skill(label, gold) FROM bench_judgments', NULL),
	(5, 'cohen_kappa(label, gold)', 'SELECT labeling.cohen_kappa(label, gold) FROM bench_judgments', NULL),
	(6, 'fleiss_kappa(task, label)', 'SELECT labeling.fleiss_kappa(task, label) FROM bench_judgments', NULL),
	(7, 'krippendorff_alpha(task, worker, label)', 'SELECT labeling.krippendorff_alpha(task, worker, label) FROM bench_judgments', NULL),
	(8, 'krippendorff_alpha(.., value, ''ordinal'')', 'SELECT labeling.krippendorff_alpha(task, worker, value, ''ordinal'') FROM bench_judgments', NULL),
	(9, 'krippendorff_alpha(.., value, ''interval'')', 'SELECT labeling.krippendorff_alpha(task, worker, value, ''interval'') FROM bench_judgments', NULL),
	(10, 'krippendorff_alpha(.., value, ''ratio'')', 'SELECT labeling.krippendorff_alpha(task, worker, value, ''ratio'') FROM bench_judgments', NULL),
	(11, 'worker_skill(..) GROUP BY worker', 'SELECT worker, labeling.worker_skill(label, gold) FROM bench_judgments GROUP BY worker',
		'SELECT worker, count(*) FROM bench_judgments GROUP BY worker');

CREATE TEMP TABLE bench_times (ord int, round int, wall double precision, cpu double precision,
							   base_wall double precision, base_cpu double precision);

SELECT set_config('max_parallel_workers_per_gather', :'parallel', false) AS parallel_workers_per_gather,
	   set_config('bench.runs', :'runs', false) AS rounds;
-- warm the buffers
SELECT count(*) FROM bench_judgments;

-- interleaved: each round times the baseline (count(*) over the same table,
-- or its GROUP BY twin) right before the query
DO $$
DECLARE
	q record;
	b record;
	a record;
BEGIN
	FOR r IN 1 .. current_setting('bench.runs')::int LOOP
		FOR q IN SELECT * FROM bench_queries ORDER BY ord LOOP
			b := pg_temp.run_query(coalesce(q.baseline, 'SELECT count(*) FROM bench_judgments'));
			a := pg_temp.run_query(q.query);
			INSERT INTO bench_times VALUES (q.ord, r, a.wall, a.cpu, b.wall, b.cpu);
		END LOOP;
	END LOOP;
END
$$;

SELECT q.what AS aggregate,
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.wall)::numeric, 3) AS seconds,
	   round((:rows / percentile_cont(0.5) WITHIN GROUP (ORDER BY t.wall) / 1e6)::numeric, 1) AS "M rows/s",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.base_wall)::numeric, 3) AS "count(*) s",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.wall / t.base_wall)::numeric, 2) AS "ratio (wall)",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.cpu / nullif(t.base_cpu, 0))::numeric, 2) AS "ratio (cpu)"
FROM bench_times t JOIN bench_queries q USING (ord)
GROUP BY q.ord, q.what ORDER BY q.ord;

DROP TABLE bench_judgments;
