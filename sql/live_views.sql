-- The dashboard views on a small project with known answers.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;
SET extra_float_digits = 0;

INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence, price_per_judgment)
VALUES ('birds', '{crow,jay,owl}', 2, 4, 0.9, 0.10);
INSERT INTO labeling.projects (name, kind, price_per_judgment) VALUES ('pairs', 'side_by_side', 0.25);
INSERT INTO labeling.workers (external_id, kind, model_version) VALUES
	('w1', 'human', NULL), ('w2', 'human', NULL), ('w3', 'human', NULL), ('w4', 'human', NULL),
	('m1', 'model', 'v7');
INSERT INTO labeling.tasks (project_id, external_id) SELECT 1, 'b' || i FROM generate_series(1, 8) i;
INSERT INTO labeling.tasks (project_id, external_id) VALUES (2, 'x'), (2, 'y'), (2, 'z');
INSERT INTO labeling.golden_labels (task_id, label) VALUES (8, 'owl');
INSERT INTO labeling.judgments (task_id, worker_id, label, created_at, time_spent) VALUES
	(8, 1, 'owl', '2024-05-01 09:05', '30s'), (8, 2, 'owl', '2024-05-01 09:06', '20s'),
	(8, 3, 'jay', '2024-05-01 09:07', '3s'),
	(1, 1, 'crow', '2024-05-01 09:10', '12s'), (1, 2, 'crow', '2024-05-01 09:12', '14s'),
	(2, 1, 'jay', '2024-05-01 09:20', '9s'), (2, 2, 'jay', '2024-05-01 09:25', '11s'),
	(2, 5, 'jay', '2024-05-01 09:26', NULL),
	(3, 1, 'owl', '2024-05-01 10:01', '15s'), (3, 3, 'crow', '2024-05-01 10:02', '2s'),
	(3, 4, 'jay', '2024-05-01 10:05', '8s'), (3, 2, 'owl', '2024-05-01 10:09', '10s'),
	(4, 3, 'crow', '2024-05-01 10:30', '2s'), (4, 4, 'crow', '2024-05-01 10:31', '9s'),
	(5, 5, 'owl', '2024-05-01 10:40', NULL),
	(6, 4, 'jay', '2024-05-01 11:15', '7s');
INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id, created_at) VALUES
	(9, 10, 'left', 1, '2024-05-01 11:00'), (10, 11, 'tie', 2, '2024-05-01 11:01');

SELECT * FROM labeling.project_progress ORDER BY project_id;
-- the comparisons of the side-by-side project rank its tasks with bt_rank
SELECT item, wins, losses, ties
FROM labeling.bt_scores((
	SELECT labeling.bt_rank(c.left_task_id, c.right_task_id,
							CASE WHEN c.winner = 'left' THEN c.left_task_id
								 WHEN c.winner = 'right' THEN c.right_task_id END)
	FROM labeling.comparisons c JOIN labeling.tasks t ON t.task_id = c.left_task_id
	WHERE t.project_id = 2))
ORDER BY item;
SELECT * FROM labeling.label_distribution;
SELECT project_id, worker_id, external_id, kind, model_version, status, judgments, golden_answered,
	   golden_correct, golden_accuracy, golden_lower, golden_upper, skill, fitted_skill, agreement,
	   agreement_judgments, median_seconds
FROM labeling.worker_quality ORDER BY project_id, worker_id;
SELECT * FROM labeling.tasks_needing_attention;
SELECT * FROM labeling.throughput_hourly;
SELECT * FROM labeling.task_labels ORDER BY task_id;

-- after a refresh the fitted labels and skills show
SELECT method FROM labeling.refresh(1, 'majority_vote');
SELECT task_id, label, fitted_label, round(fitted_confidence::numeric, 4) AS fitted_confidence,
	   fitted_method, golden_label
FROM labeling.task_labels WHERE project_id = 1 ORDER BY task_id;
SELECT external_id, skill, fitted_skill FROM labeling.worker_quality ORDER BY worker_id;
-- a banned worker shows as banned, and the tasks it judged move
SELECT action FROM labeling.set_worker_status(1, 3, 'banned', 'misses golden tasks');
SELECT external_id, status, judgments FROM labeling.worker_quality ORDER BY worker_id;
SELECT * FROM labeling.tasks_needing_attention;
