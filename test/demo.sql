-- test/demo.sql - the demo run by test/demo.sh.  Expects the temporary tables
-- raw_judgments(task, worker, label) and raw_gold(task, label), loaded by the
-- caller, and the psql variable dataset.  Loads them into the extension's
-- schema, runs every aggregator and prints what an analyst looks at first.
\pset footer off
\pset null '-'
SET client_min_messages = warning;
CREATE EXTENSION labeling;

-- 1. Load the judgments and gold labels into labeling.* (the triggers keep
--    task_state and worker_state live as the judgments arrive; some datasets
--    have the same worker twice on a task, so the project allows repeats)
INSERT INTO labeling.projects (name, labels, allow_repeat_judgments, max_overlap)
SELECT :'dataset', array_agg(label ORDER BY label COLLATE "C"), true, 1000
FROM (SELECT DISTINCT label FROM raw_judgments) l;
INSERT INTO labeling.workers (external_id)
SELECT DISTINCT worker FROM raw_judgments;
INSERT INTO labeling.tasks (project_id, external_id, payload)
SELECT p.project_id, t.task, jsonb_build_object('item', t.task)
FROM (SELECT DISTINCT task FROM raw_judgments) t, labeling.projects p;
INSERT INTO labeling.golden_labels (task_id, label)
SELECT t.task_id, g.label FROM raw_gold g JOIN labeling.tasks t ON t.external_id = g.task;
INSERT INTO labeling.judgments (task_id, worker_id, label)
SELECT t.task_id, w.worker_id, r.label
FROM raw_judgments r
JOIN labeling.tasks t ON t.external_id = r.task
JOIN labeling.workers w ON w.external_id = r.worker;
ANALYZE labeling.judgments;

\echo
\echo 'Loaded into the labeling schema:'
SELECT (SELECT count(*) FROM labeling.tasks) AS tasks,
	   (SELECT count(*) FROM labeling.workers) AS workers,
	   (SELECT count(*) FROM labeling.judgments) AS judgments,
	   (SELECT count(*) FROM labeling.golden_labels) AS gold_labels,
	   (SELECT array_to_string(labels, ', ') FROM labeling.projects) AS labels;

-- 2. Every aggregator, one label per task
CREATE TEMP TABLE results (method text, task_id bigint, label text, confidence float8);

INSERT INTO results
SELECT 'majority_vote', task_id, labeling.majority_vote(label), NULL
FROM labeling.judgments GROUP BY task_id;

INSERT INTO results
SELECT 'vote_dist (top label)', task_id, labeling.top_label(d), labeling.confidence(d)
FROM (SELECT task_id, labeling.vote_dist(label) AS d FROM labeling.judgments GROUP BY task_id) s;

-- truth inference: one model per method over all judgments (default settings)
CREATE TEMP TABLE models AS
SELECT 'dawid_skene' AS method, labeling.dawid_skene_agg(task_id, worker_id, label) AS m FROM labeling.judgments
UNION ALL SELECT 'one_coin', labeling.one_coin_agg(task_id, worker_id, label) FROM labeling.judgments
UNION ALL SELECT 'glad', labeling.glad_agg(task_id, worker_id, label) FROM labeling.judgments
UNION ALL SELECT 'wawa', labeling.wawa_agg(task_id, worker_id, label) FROM labeling.judgments;
INSERT INTO results
SELECT m.method, t.task, t.label, t.confidence
FROM models m, labeling.truth_tasks(m.m, NULL::bigint) t;

\echo
\echo 'Accuracy against gold, per method:'
SELECT r.method,
	   count(*) AS gold_tasks,
	   count(*) FILTER (WHERE r.label = g.label) AS correct,
	   round(100.0 * count(*) FILTER (WHERE r.label = g.label) / count(*), 2) AS accuracy_pct
FROM results r JOIN labeling.golden_labels g USING (task_id)
GROUP BY r.method ORDER BY accuracy_pct DESC, r.method;

\echo 'First labels with their confidence (vote shares):'
SELECT t.external_id AS task,
	   labeling.top_label(d) AS label,
	   round(labeling.confidence(d)::numeric, 3) AS confidence,
	   n AS judgments,
	   d AS vote_shares,
	   g.label AS gold
FROM (SELECT task_id, labeling.vote_dist(label) AS d, count(*) AS n
	  FROM labeling.judgments GROUP BY task_id) s
JOIN labeling.tasks t USING (task_id)
LEFT JOIN labeling.golden_labels g USING (task_id)
ORDER BY t.external_id COLLATE "C"
LIMIT 10;

\echo 'Best and worst workers (accuracy on gold tasks, at least 10 gold answers):'
WITH per_worker AS (
	SELECT w.external_id AS worker,
		   count(*) AS gold_answers,
		   count(*) FILTER (WHERE j.label = g.label) AS correct,
		   round(100.0 * count(*) FILTER (WHERE j.label = g.label) / count(*), 1) AS accuracy_pct,
		   round(100.0 * avg((j.label = mv.label)::int), 1) AS agrees_with_mv_pct
	FROM labeling.judgments j
	JOIN labeling.golden_labels g USING (task_id)
	JOIN labeling.workers w USING (worker_id)
	JOIN results mv ON mv.task_id = j.task_id AND mv.method = 'majority_vote'
	GROUP BY w.external_id
	HAVING count(*) >= 10
), ranked AS (
	SELECT *, rank() OVER (ORDER BY accuracy_pct DESC, gold_answers DESC) AS best,
			  rank() OVER (ORDER BY accuracy_pct ASC, gold_answers DESC) AS worst
	FROM per_worker
)
SELECT CASE WHEN best <= 5 THEN 'best' ELSE 'worst' END AS "group",
	   worker, gold_answers, correct, accuracy_pct, agrees_with_mv_pct
FROM ranked WHERE best <= 5 OR worst <= 5
ORDER BY accuracy_pct DESC, gold_answers DESC, worker;

\echo 'Best and worst workers by Dawid-Skene skill (expected accuracy; at least 10 judgments), with their accuracy on gold:'
WITH ds AS (
	SELECT w.worker, w.skill, w.judgments FROM models, labeling.truth_workers(m, NULL::bigint) w
	WHERE method = 'dawid_skene' AND w.judgments >= 10
), ranked AS (
	SELECT *, rank() OVER (ORDER BY skill DESC, judgments DESC) AS best,
			  rank() OVER (ORDER BY skill ASC, judgments DESC) AS worst
	FROM ds
)
SELECT CASE WHEN r.best <= 5 THEN 'best' ELSE 'worst' END AS "group",
	   w.external_id AS worker, r.judgments, round(100 * r.skill::numeric, 1) AS ds_skill_pct,
	   (SELECT round(100.0 * avg((j.label = g.label)::int), 1)
		FROM labeling.judgments j JOIN labeling.golden_labels g USING (task_id)
		WHERE j.worker_id = r.worker) AS gold_accuracy_pct
FROM ranked r JOIN labeling.workers w ON w.worker_id = r.worker
WHERE r.best <= 5 OR r.worst <= 5
ORDER BY r.skill DESC, r.judgments DESC, w.external_id;

\echo 'Kept live by the triggers: worker quality (labeling.worker_quality), lowest golden lower bound first:'
SELECT external_id AS worker, judgments, golden_answered AS gold_answers, golden_correct AS correct,
	   golden_lower, golden_upper, skill, agreement
FROM labeling.worker_quality
ORDER BY golden_lower, external_id COLLATE "C"
LIMIT 5;
