-- The live state: every statement on judgments, golden labels, tasks,
-- workers and projects leaves task_state and worker_state equal to a
-- recomputation.  The numbers are worked out by hand: with two labels and
-- the default Beta(2, 1) prior an unknown worker has skill 2/3, whose vote
-- weighs ln 2 (odds x2); 3 of 4 is ln 3 (x3); 1/2 is a coin flip (x1).
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;
SET extra_float_digits = 0;

INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence)
VALUES ('pets', '{cat,dog}', 2, 5, 0.9);
INSERT INTO labeling.workers (external_id, kind, model_version) VALUES
	('a', 'human', NULL), ('b', 'human', NULL), ('c', 'human', NULL), ('m', 'model', 'v1'), ('e', 'expert', NULL);
INSERT INTO labeling.tasks (project_id, external_id) SELECT 1, 't' || i FROM generate_series(1, 6) i;

CREATE TEMP VIEW st AS
SELECT task_id AS task, n_judgments AS n, n_counted AS counted, label,
	   round(confidence::numeric, 4) AS confidence, status, golden, completed_at IS NOT NULL AS completed
FROM labeling.task_state ORDER BY task_id;
CREATE TEMP VIEW ws AS
SELECT worker_id AS worker, n_judgments AS n, golden_answered AS golden, golden_correct AS correct,
	   round(skill::numeric, 4) AS skill, round(golden_lower::numeric, 4) AS lower,
	   round(agreement::numeric, 4) AS agreement, agreement_judgments AS agreement_n,
	   median_seconds, status
FROM labeling.worker_state ORDER BY project_id, worker_id;

-- every task has its state from the start
SELECT * FROM st;

-- task 1: four workers say cat, one at a time: 2/3, 4/5, 8/9, then 16/17
-- reaches the target 0.9 with more than min_overlap judgments: complete
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (1, 1, 'cat', '4s');
SELECT * FROM st WHERE task = 1;
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (1, 2, 'cat', '6s');
SELECT * FROM st WHERE task = 1;
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (1, 3, 'cat', '5s');
SELECT * FROM st WHERE task = 1;
-- a model is one more worker: its vote counts like a human's; the score is kept
INSERT INTO labeling.judgments (task_id, worker_id, label, score) VALUES (1, 4, 'cat', 0.93);
SELECT * FROM st WHERE task = 1;
SELECT abs(confidence - 16.0 / 17) < 1e-12 AS exact, posterior FROM labeling.task_state WHERE task_id = 1;

-- task 2: a tie goes to the smallest label
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (2, 1, 'dog'), (2, 2, 'cat');
SELECT * FROM st WHERE task = 2;

-- task 3 is golden (dog).  a answers it right: a's skill becomes 3/4 and
-- every task a judged is recomputed: task 1 odds 3*2*2*2 = 24 (0.96),
-- task 2 dog against cat 3 : 2 (0.6)
INSERT INTO labeling.golden_labels (task_id, label, expert_id) VALUES (3, 'dog', 5);
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (3, 1, 'dog');
SELECT * FROM st WHERE task <= 3;
-- b answers it wrong: b's skill becomes 1/2 (weight 0): task 1 odds 3*2*2 = 12
-- (12/13), task 2 dog 3 : 1 (0.75); a golden task never completes
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (3, 2, 'cat');
SELECT * FROM st WHERE task <= 3;
SELECT abs((SELECT confidence FROM labeling.task_state WHERE task_id = 1) - 12.0 / 13) < 1e-12 AS exact;
-- golden records: Beta(2+1, 1+0) for a, Beta(2+0, 1+1) for b;
-- a's lower bound is 0.025^(1/3)
SELECT * FROM ws;
SELECT abs(golden_lower - 0.025 ^ (1.0 / 3)) < 1e-12 AS exact FROM labeling.worker_state WHERE worker_id = 1;

-- task 4: five judgments at once reach max_overlap without the target:
-- cat ln3 + ln2 + ln2 against dog 0 + ln2, odds 6 (6/7): complete anyway
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES
	(4, 1, 'cat'), (4, 2, 'dog'), (4, 3, 'cat'), (4, 4, 'dog'), (4, 5, 'cat');
SELECT * FROM st WHERE task = 4;

-- task 5: one judgment is below min_overlap whatever its confidence
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (5, 1, 'cat');
UPDATE labeling.projects SET target_confidence = 0.7 WHERE project_id = 1;
-- lowering the target completes task 2 (0.75), not task 5 (one judgment)
SELECT * FROM st;
-- raising it again reopens task 2
UPDATE labeling.projects SET target_confidence = 0.9 WHERE project_id = 1;
SELECT * FROM st WHERE task = 2;

-- deleting the model's vote on task 1 reopens it: odds 3*1*2 = 6 (6/7)
DELETE FROM labeling.judgments WHERE task_id = 1 AND worker_id = 4;
SELECT * FROM st WHERE task = 1;
-- relabeling c's vote: cat ln3 + 0 against dog ln2, 3 : 2
UPDATE labeling.judgments SET label = 'dog' WHERE task_id = 1 AND worker_id = 3;
SELECT * FROM st WHERE task = 1;

-- removing the golden label: a and b are back to 2/3, task 3 is an ordinary
-- task (a tie), every task of a and b is recomputed; putting it back restores
DELETE FROM labeling.golden_labels WHERE task_id = 3;
SELECT * FROM st;
SELECT worker, golden, correct, skill FROM ws;
INSERT INTO labeling.golden_labels (task_id, label) VALUES (3, 'dog');
SELECT * FROM st;

-- closing a task by hand, and opening it again
UPDATE labeling.tasks SET status = 'closed' WHERE task_id IN (5, 6);
SELECT * FROM st WHERE task >= 5;
UPDATE labeling.tasks SET status = 'open' WHERE task_id IN (5, 6);
SELECT * FROM st WHERE task >= 5;

-- a third label: K = 3 adds ln 2 to every weight.  Task 4: cat ln6 + ln4 + ln4,
-- dog ln2 + ln4, bird 0: 96 / (96 + 8 + 1)
UPDATE labeling.projects SET labels = '{cat,dog,bird}' WHERE project_id = 1;
SELECT * FROM st WHERE task = 4;
SELECT abs(confidence - 96.0 / 105) < 1e-12 AS exact, posterior FROM labeling.task_state WHERE task_id = 4;

-- the stored state equals a recomputation from scratch
CREATE TEMP TABLE saved_ts AS SELECT * FROM labeling.task_state;
CREATE TEMP TABLE saved_ws AS SELECT * FROM labeling.worker_state;
SELECT labeling.rebuild(1);
SELECT count(*) AS task_rows_differing FROM (
	(SELECT * FROM saved_ts EXCEPT SELECT * FROM labeling.task_state)
	UNION ALL (SELECT * FROM labeling.task_state EXCEPT SELECT * FROM saved_ts)) d;
SELECT count(*) AS worker_rows_differing FROM (
	SELECT project_id, worker_id, n_judgments, golden_answered, golden_correct, golden_lower, golden_upper,
		   model_judgments, model_correct, skill, timed_judgments, median_seconds, last_judgment_at, status
	FROM saved_ws
	EXCEPT
	SELECT project_id, worker_id, n_judgments, golden_answered, golden_correct, golden_lower, golden_upper,
		   model_judgments, model_correct, skill, timed_judgments, median_seconds, last_judgment_at, status
	FROM labeling.worker_state) d;
SELECT labeling.rebuild(99);
SELECT * FROM ws;

-- TRUNCATE empties the state too
TRUNCATE labeling.judgments;
SELECT * FROM st;
SELECT worker, n, golden, correct, skill, agreement_n FROM ws;
