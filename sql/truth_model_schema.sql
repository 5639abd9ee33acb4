-- The one-call form over the extension's own tables: fit_truth_model and
-- infer_labels read labeling.judgments (optionally one project, optionally
-- with labeling.golden_labels).  Everything here lives in two projects of
-- its own, keyed by external ids, so other tests' rows do not matter.
SET extra_float_digits = 0;

INSERT INTO labeling.projects (name, labels) VALUES ('truth-p1', '{x,y}'), ('truth-p2', '{x,y}');
INSERT INTO labeling.workers (external_id) SELECT 'truth-w' || w FROM generate_series(1, 5) w;
INSERT INTO labeling.tasks (project_id, external_id)
SELECT p.project_id, t::text FROM labeling.projects p, generate_series(1, 30) t
WHERE p.name LIKE 'truth-p%';
CREATE TEMP VIEW ts_tasks AS
SELECT task_id, project_id, project, n, (ARRAY['x', 'y'])[1 + n % 2] AS truth
FROM (SELECT t.task_id, t.project_id, p.name AS project,
			 CASE WHEN t.external_id ~ '^[0-9]+$' THEN t.external_id::int END AS n
	  FROM labeling.tasks t JOIN labeling.projects p USING (project_id)
	  WHERE p.name LIKE 'truth-p%') s
WHERE n IS NOT NULL;
CREATE TEMP VIEW ts_workers AS
SELECT worker_id, n FROM (SELECT worker_id, CASE WHEN external_id ~ '^truth-w[0-9]+$'
	THEN substr(external_id, 8)::int END AS n FROM labeling.workers) s WHERE n IS NOT NULL;
-- workers 1-3 are right 80% of the time, 4-5 answer at random
INSERT INTO labeling.judgments (task_id, worker_id, label)
SELECT t.task_id, w.worker_id,
	   CASE WHEN w.n <= 3 AND (t.n * 7 + w.n) % 5 <> 0 THEN t.truth
			ELSE (ARRAY['x', 'y'])[1 + abs(hashint4(t.n * 100 + w.n + length(t.project))) % 2] END
FROM ts_tasks t, ts_workers w;
INSERT INTO labeling.golden_labels (task_id, label) SELECT task_id, truth FROM ts_tasks WHERE n % 10 = 0;
CREATE TEMP TABLE ts_projects AS
SELECT project_id, name FROM labeling.projects WHERE name LIKE 'truth-p%';

-- every method, one label per task, right on (nearly) every task
SELECT p.name, m.method, count(*) AS tasks, count(*) FILTER (WHERE i.label = t.truth) AS correct,
	   bool_and(i.confidence = labeling.confidence(i.posterior)) AS consistent
FROM ts_projects p, unnest(ARRAY['dawid_skene', 'one_coin', 'glad', 'wawa']) m(method),
	 labeling.infer_labels(m.method, p.project_id) i JOIN ts_tasks t USING (task_id)
GROUP BY p.name, m.method ORDER BY p.name, m.method;
-- the same as the aggregate over the same rows
SELECT (SELECT array_agg(label ORDER BY task_id) FROM labeling.infer_labels('dawid_skene', p.project_id)) =
	   (SELECT array_agg(t.label ORDER BY t.task) FROM labeling.truth_tasks(
		   (SELECT labeling.dawid_skene_agg(j.task_id, j.worker_id, j.label)
			FROM labeling.judgments j JOIN labeling.tasks k USING (task_id) WHERE k.project_id = p.project_id),
		   NULL::bigint) t) AS same_as_aggregate
FROM ts_projects p WHERE p.name = 'truth-p1';
-- with gold: the gold tasks get their gold label with certainty
SELECT count(*) FILTER (WHERE g.label IS NOT NULL) AS gold_tasks,
	   bool_and(i.confidence = 1 AND i.label = g.label) FILTER (WHERE g.label IS NOT NULL) AS gold_certain
FROM ts_projects p, labeling.infer_labels('dawid_skene', p.project_id, use_gold => true) i
LEFT JOIN labeling.golden_labels g USING (task_id)
WHERE p.name = 'truth-p1';
-- options pass through; the model itself for the other readers
SELECT d.method, d.max_iterations, d.gold_tasks, d.tasks, d.judgments
FROM ts_projects p, labeling.truth_diagnostics(labeling.fit_truth_model('one_coin', p.project_id, use_gold => true,
	options => labeling.truth_options(max_iterations => 7))) d
WHERE p.name = 'truth-p2';
SELECT w.n AS worker, round(x.skill::numeric, 2) AS skill
FROM ts_projects p, labeling.truth_workers(labeling.fit_truth_model('glad', p.project_id), NULL::bigint) x
JOIN ts_workers w ON w.worker_id = x.worker
WHERE p.name = 'truth-p1' ORDER BY w.n;
-- a banned worker's judgments stop counting
UPDATE labeling.workers SET status = 'banned' WHERE external_id = 'truth-w4';
SELECT d.workers AS workers_left, d.judgments
FROM ts_projects p, labeling.truth_diagnostics(labeling.fit_truth_model('dawid_skene', p.project_id)) d
WHERE p.name = 'truth-p1';
-- bad calls
SELECT * FROM labeling.infer_labels('magic');
SELECT * FROM labeling.infer_labels('wawa', use_gold => true);
SELECT labeling.fit_truth_model('dawid_skene', project_id => -1) IS NULL AS unknown_project_gives_null;

DELETE FROM labeling.golden_labels WHERE task_id IN (SELECT task_id FROM ts_tasks);
DELETE FROM labeling.judgments WHERE task_id IN (SELECT task_id FROM ts_tasks);
DELETE FROM labeling.tasks WHERE project_id IN (SELECT project_id FROM ts_projects);
DELETE FROM labeling.workers WHERE external_id LIKE 'truth-w%';
DELETE FROM labeling.projects WHERE name LIKE 'truth-p%';
DROP VIEW ts_tasks, ts_workers;
DROP TABLE ts_projects;
