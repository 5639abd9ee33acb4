-- Forced-parallel plans give exactly the serial models (the fits sort every
-- sum by key, so the order rows reach the aggregate does not matter), and
-- really are parallel (a Partial Aggregate under a Gather).
SET extra_float_digits = 0;

CREATE TABLE tp_judgments AS
SELECT i / 4 AS task, (i * 7919) % 37 AS worker,
	   (ARRAY['a', 'b', 'c'])[1 + CASE WHEN (i * 31) % 10 < 7 THEN (i / 4) % 3 ELSE (i * 13) % 3 END] AS label,
	   CASE WHEN (i / 4) % 50 = 0 THEN (ARRAY['a', 'b', 'c'])[1 + (i / 4) % 3] END AS gold,
	   (i / 4) % 3 AS part
FROM generate_series(1, 120000) i;
ANALYZE tp_judgments;

-- the plan of a query as JSON text: parallel when it has a Gather above a
-- partial aggregation
CREATE FUNCTION tp_plan_is_parallel(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	p json;
BEGIN
	EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || q INTO p;
	RETURN p::text LIKE '%"Node Type": "Gather%' AND p::text LIKE '%"Partial Mode": "Partial"%';
END
$$;

CREATE TABLE tp_serial AS
SELECT labeling.dawid_skene_agg(task, worker, label, gold)::text AS ds,
	   labeling.one_coin_agg(task::text, worker::text, label)::text AS oc,
	   labeling.glad_agg(task, worker::text, label, NULL, labeling.truth_options(max_iterations => 5))::text AS gl,
	   labeling.wawa_agg(task::text, worker, label)::text AS wa
FROM tp_judgments;
CREATE TABLE tp_serial_grouped AS
SELECT part, labeling.dawid_skene_agg(task, worker, label)::text AS ds
FROM tp_judgments GROUP BY part;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

SELECT tp_plan_is_parallel($$
	SELECT labeling.dawid_skene_agg(task, worker, label, gold), labeling.one_coin_agg(task::text, worker::text, label),
		   labeling.glad_agg(task, worker::text, label, NULL, labeling.truth_options(max_iterations => 5)),
		   labeling.wawa_agg(task::text, worker, label)
	FROM tp_judgments$$) AS is_parallel;
SELECT s.ds = p.ds AS same_dawid_skene, s.oc = p.oc AS same_one_coin,
	   s.gl = p.gl AS same_glad, s.wa = p.wa AS same_wawa
FROM tp_serial s,
	 (SELECT labeling.dawid_skene_agg(task, worker, label, gold)::text AS ds,
			 labeling.one_coin_agg(task::text, worker::text, label)::text AS oc,
			 labeling.glad_agg(task, worker::text, label, NULL, labeling.truth_options(max_iterations => 5))::text AS gl,
			 labeling.wawa_agg(task::text, worker, label)::text AS wa
	  FROM tp_judgments) p;

-- grouped, through hash and sort-based partial aggregation
SELECT tp_plan_is_parallel($$SELECT part, labeling.dawid_skene_agg(task, worker, label) FROM tp_judgments GROUP BY part$$)
	AS grouped_is_parallel;
SELECT count(*) AS groups, count(*) FILTER (WHERE s.ds = p.ds) AS same_models
FROM tp_serial_grouped s
JOIN (SELECT part, labeling.dawid_skene_agg(task, worker, label)::text AS ds FROM tp_judgments GROUP BY part) p USING (part);
SET enable_hashagg = off;
SELECT tp_plan_is_parallel($$SELECT part, labeling.dawid_skene_agg(task, worker, label) FROM tp_judgments GROUP BY part$$)
	AS sorted_grouped_is_parallel;
SELECT count(*) FILTER (WHERE s.ds = p.ds) AS same_models
FROM tp_serial_grouped s
JOIN (SELECT part, labeling.dawid_skene_agg(task, worker, label)::text AS ds FROM tp_judgments GROUP BY part) p USING (part);
RESET enable_hashagg;

-- options reach the leader from every worker; a worker without rows is fine
SELECT (labeling.truth_diagnostics(labeling.dawid_skene_agg(task, worker, label, NULL,
		labeling.truth_options(max_iterations => 2, tolerance => 0)))).iterations AS iterations
FROM tp_judgments;
SELECT labeling.dawid_skene_agg(task, worker, label) IS NULL AS no_rows FROM tp_judgments WHERE task < 0;
SELECT labeling.dawid_skene_agg(task, worker, label)::text = (SELECT labeling.dawid_skene_agg(task, worker, label)::text
	FROM tp_judgments WHERE task = 7 AND worker >= 0) AS same_filtered
FROM tp_judgments WHERE task = 7;
-- inconsistent options across workers are still caught (in a worker or in
-- the leader's combine: terse, so the message is the same either way)
\set VERBOSITY terse
SELECT labeling.dawid_skene_agg(task, worker, label, NULL,
		CASE WHEN task < 15000 THEN labeling.truth_options(max_iterations => 3) END)
FROM tp_judgments;
\set VERBOSITY default

-- keys beyond int32 and more than 256 labels travel between the processes
-- at full width (narrower columns are sent narrower)
CREATE TABLE tp_wide AS
SELECT task * 4294967296 AS task, worker - 3000000000 AS worker, label,
	   'l' || (task * 7 + worker) % 300 AS many
FROM tp_judgments WHERE task < 3000;
ANALYZE tp_wide;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE tp_wide_serial AS
SELECT labeling.dawid_skene_agg(task, worker, label)::text AS ds,
	   labeling.wawa_agg(task, worker, many)::text AS wa
FROM tp_wide;
SET max_parallel_workers_per_gather = 2;
SELECT tp_plan_is_parallel($$SELECT labeling.wawa_agg(task, worker, many) FROM tp_wide$$) AS wide_is_parallel;
SELECT s.ds = p.ds AS same_wide_dawid_skene, s.wa = p.wa AS same_many_labels_wawa,
	   (SELECT count(*) FROM labeling.truth_priors(p.wa::labeling.truth_model)) AS labels
FROM tp_wide_serial s,
	 (SELECT labeling.dawid_skene_agg(task, worker, label)::text AS ds,
			 labeling.wawa_agg(task, worker, many)::text AS wa
	  FROM tp_wide) p;

-- keys at the very ends of int32 still travel narrow, one past them wide
CREATE TABLE tp_edge AS
SELECT CASE WHEN task = 0 THEN -2147483648 WHEN task = 1 THEN 2147483647 ELSE task END::bigint AS task,
	   CASE worker WHEN 0 THEN -2147483648 WHEN 1 THEN 2147483647 ELSE worker END::bigint AS worker,
	   label, task = 1 AS wide
FROM tp_judgments WHERE task < 400;
ANALYZE tp_edge;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE tp_edge_serial AS
SELECT labeling.dawid_skene_agg(task, worker, label)::text AS narrow,
	   labeling.dawid_skene_agg(CASE WHEN wide THEN task + 1 ELSE task END, worker, label)::text AS wide
FROM tp_edge;
SET max_parallel_workers_per_gather = 2;
SELECT tp_plan_is_parallel($$SELECT labeling.dawid_skene_agg(task, worker, label) FROM tp_edge$$) AS edge_is_parallel;
SELECT s.narrow = p.narrow AS same_int32_edges, s.wide = p.wide AS same_past_int32
FROM tp_edge_serial s,
	 (SELECT labeling.dawid_skene_agg(task, worker, label)::text AS narrow,
			 labeling.dawid_skene_agg(CASE WHEN wide THEN task + 1 ELSE task END, worker, label)::text AS wide
	  FROM tp_edge) p;

RESET ALL;
DROP FUNCTION tp_plan_is_parallel(text);
DROP TABLE tp_judgments, tp_serial, tp_serial_grouped, tp_wide, tp_wide_serial, tp_edge, tp_edge_serial;
