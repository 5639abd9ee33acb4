-- refresh(project, method): the batch fit, stored in refresh_runs,
-- refresh_labels and refresh_workers in one transaction; the fit's expected
-- correct answers join the golden record in each worker's skill, and the
-- live state is recomputed with it.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;
SET extra_float_digits = 0;

INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence)
VALUES ('pets', '{cat,dog}', 2, 5, 0.9);
INSERT INTO labeling.projects (name, kind) VALUES ('pairs', 'side_by_side');
INSERT INTO labeling.workers (external_id) VALUES ('a'), ('b'), ('c'), ('d');
INSERT INTO labeling.tasks (project_id, external_id) SELECT 1, 't' || i FROM generate_series(1, 4) i;
INSERT INTO labeling.golden_labels (task_id, label) VALUES (4, 'cat');
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES
	(1, 1, 'cat'), (1, 2, 'cat'), (1, 3, 'dog'),
	(2, 1, 'dog'), (2, 2, 'dog'), (2, 3, 'dog'),
	(3, 1, 'cat'), (3, 2, 'dog'), (3, 4, 'dog'),
	(4, 1, 'cat'), (4, 2, 'dog');

SELECT * FROM labeling.refresh_methods();

-- majority vote: vote shares per task (t4 is a tie: cat, the smallest label)
SELECT run_id, project_id, method, n_tasks, n_workers, n_judgments, golden_tasks, golden_accuracy,
	   finished_at >= started_at AS timed
FROM labeling.refresh(1, 'majority_vote');
SELECT task_id, label, round(confidence::numeric, 4) AS confidence, posterior
FROM labeling.refresh_labels ORDER BY task_id;
-- per worker, on non-golden tasks: expected correct = sum of the share of
-- the worker's label: a 2/3 + 1 + 1/3, b 2/3 + 1 + 2/3, c 1/3 + 1, d 2/3
SELECT worker_id, n_judgments, round(expected_correct::numeric, 4) AS expected_correct,
	   round(skill::numeric, 4) AS skill
FROM labeling.refresh_workers ORDER BY worker_id;
-- the skill that weights live votes: (prior + golden + expected) correct over
-- (prior + golden + fitted) answers: a (2+1+2)/(3+1+3), b (2+0+7/3)/(3+1+3),
-- c (2+4/3)/(3+2), d (2+2/3)/(3+1)
SELECT worker_id, golden_answered, golden_correct, model_judgments, round(model_correct::numeric, 4) AS model_correct,
	   round(skill::numeric, 4) AS skill,
	   abs(skill - CASE worker_id WHEN 1 THEN 5.0 / 7 WHEN 2 THEN 13.0 / 21 ELSE 2.0 / 3 END) < 1e-12 AS exact
FROM labeling.worker_state ORDER BY worker_id;
-- and the live posteriors follow: t2 dog by a (5/7), b (13/21), c (2/3)
SELECT task_id, label, round(confidence::numeric, 4) AS confidence, status FROM labeling.task_state ORDER BY task_id;
SELECT abs(confidence - 1.0 / (1 + (2.0 / 5) * (8.0 / 13) * (1.0 / 2))) < 1e-12 AS t2_exact
FROM labeling.task_state WHERE task_id = 2;
SELECT * FROM labeling.task_labels ORDER BY task_id;

-- weighted_vote: shares of worker skill
SELECT run_id, method, n_tasks, n_workers, golden_accuracy FROM labeling.refresh(1, 'weighted_vote');
SELECT task_id, label, round(confidence::numeric, 4) AS confidence FROM labeling.refresh_labels ORDER BY task_id;
SELECT abs(confidence - (5.0 / 7 + 13.0 / 21) / (5.0 / 7 + 13.0 / 21 + 2.0 / 3)) < 1e-12 AS t1_exact
FROM labeling.refresh_labels WHERE task_id = 1;
-- one set of labels per project, every run kept
SELECT count(*) AS labels FROM labeling.refresh_labels;
SELECT run_id, method FROM labeling.refresh_runs ORDER BY run_id;

-- a banned worker is left out of the fit
SELECT action FROM labeling.set_worker_status(1, 4, 'banned', 'test');
SELECT n_workers, n_judgments FROM labeling.refresh(1, 'majority_vote');
SELECT task_id, label, round(confidence::numeric, 4) AS confidence FROM labeling.refresh_labels WHERE task_id = 3;
SELECT worker_id FROM labeling.refresh_workers ORDER BY worker_id;
SELECT worker_id, model_judgments, round(skill::numeric, 4) AS skill FROM labeling.worker_state ORDER BY worker_id;

-- the state is still equal to a recomputation
CREATE TEMP TABLE saved_ts AS SELECT * FROM labeling.task_state;
SELECT labeling.rebuild(1);
SELECT count(*) AS task_rows_differing FROM (
	(SELECT * FROM saved_ts EXCEPT SELECT * FROM labeling.task_state)
	UNION ALL (SELECT * FROM labeling.task_state EXCEPT SELECT * FROM saved_ts)) d;

-- bad calls
SELECT labeling.refresh(1, 'dawid_skene_by_hand');
SELECT labeling.refresh(2);
SELECT labeling.refresh(99);
SELECT labeling.refresh(NULL);

-- a real dataset: majority_vote through refresh() gives labeling.majority_vote
CREATE TEMP TABLE raw (task text, worker text, label text);
\copy raw FROM 'test/data/gal-adult2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO labeling.projects (name, labels, allow_repeat_judgments, max_overlap)
SELECT 'adult', array_agg(DISTINCT label ORDER BY label), true, 1000 FROM raw;
INSERT INTO labeling.workers (external_id) SELECT DISTINCT worker FROM raw;
INSERT INTO labeling.tasks (project_id, external_id)
SELECT (SELECT project_id FROM labeling.projects WHERE name = 'adult'), task FROM (SELECT DISTINCT task FROM raw) t;
INSERT INTO labeling.judgments (task_id, worker_id, label)
SELECT t.task_id, w.worker_id, r.label
FROM raw r JOIN labeling.tasks t ON t.external_id = r.task JOIN labeling.workers w ON w.external_id = r.worker;
SELECT n_tasks, n_workers, n_judgments FROM labeling.refresh((SELECT project_id FROM labeling.projects WHERE name = 'adult'), 'majority_vote');
SELECT count(*) AS tasks, count(*) FILTER (WHERE rl.label = mv.label) AS same_label
FROM labeling.refresh_labels rl
JOIN (SELECT task_id, labeling.majority_vote(label) AS label FROM labeling.judgments GROUP BY task_id) mv USING (task_id)
WHERE rl.project_id = (SELECT project_id FROM labeling.projects WHERE name = 'adult');

-- a truth-inference model through refresh(): the project's default,
-- dawid_skene, gives the labels and posteriors of infer_labels() (no gold)
SELECT refresh_method FROM labeling.projects WHERE name = 'adult';
SELECT method, n_tasks, n_workers, n_judgments,
	   (details->>'converged')::boolean AS converged, (details->>'iterations')::int > 1 AS iterated
FROM labeling.refresh((SELECT project_id FROM labeling.projects WHERE name = 'adult'));
SELECT count(*) AS tasks,
	   count(*) FILTER (WHERE rl.label = il.label AND rl.posterior OPERATOR(labeling.=) il.posterior) AS same
FROM labeling.refresh_labels rl
JOIN labeling.infer_labels('dawid_skene', (SELECT project_id FROM labeling.projects WHERE name = 'adult')) il
  USING (task_id);
-- every method refresh() offers runs, and the workers' skills come from the fit
SELECT m.method, r.n_tasks, r.n_workers
FROM labeling.refresh_methods() m(method)
CROSS JOIN LATERAL labeling.refresh((SELECT project_id FROM labeling.projects WHERE name = 'adult'), m.method) r;
SELECT count(*) AS workers, count(*) FILTER (WHERE ws.model_judgments = rw.n_judgments) AS fitted
FROM labeling.refresh_workers rw
JOIN labeling.worker_state ws USING (project_id, worker_id)
WHERE rw.project_id = (SELECT project_id FROM labeling.projects WHERE name = 'adult');
-- a project without judgments: every method stores nothing and says so
INSERT INTO labeling.projects (name, labels) VALUES ('empty', '{a,b}');
SELECT m.method, r.n_tasks, r.n_workers, r.n_judgments
FROM labeling.refresh_methods() m(method)
CROSS JOIN LATERAL labeling.refresh((SELECT project_id FROM labeling.projects WHERE name = 'empty'), m.method) r;
\set VERBOSITY terse
UPDATE labeling.projects SET refresh_method = 'em' WHERE name = 'adult';
\set VERBOSITY default
