-- wawa_agg: worker agreement with the majority, then a weighted vote.
SET extra_float_digits = 0;

-- By hand: t1 both a, t2 both b, t3 w1 a / w2 b.  The majority vote of t3 is
-- a tie, which goes to a; so w1 agrees 3 times in 3 (skill 1), w2 2 in 3.
-- t3: a = 1 / (1 + 2/3) = 0.6, b = 0.4.
CREATE TABLE wa_hand (task text, worker text, label text);
INSERT INTO wa_hand VALUES ('t1', 'w1', 'a'), ('t1', 'w2', 'a'), ('t2', 'w1', 'b'),
	('t2', 'w2', 'b'), ('t3', 'w1', 'a'), ('t3', 'w2', 'b');
SELECT t.task, t.label, round(t.confidence::numeric, 12) AS confidence, t.posterior::text AS posterior
FROM labeling.truth_tasks((SELECT labeling.wawa_agg(task, worker, label) FROM wa_hand)) t ORDER BY t.task;
SELECT w.worker, round(w.skill::numeric, 12) AS skill, w.judgments, w.confusion, w.ability
FROM labeling.truth_workers((SELECT labeling.wawa_agg(task, worker, label) FROM wa_hand)) w ORDER BY w.worker;
SELECT d.method, d.iterations, d.converged, d.objective, d.max_iterations
FROM labeling.truth_diagnostics((SELECT labeling.wawa_agg(task, worker, label) FROM wa_hand)) d;

-- identical (task, worker, label) rows count once for the skill but every
-- row votes (as in Crowd-Kit): w3 answers t1 twice, agreeing with the majority
SELECT w.worker, round(w.skill::numeric, 12) AS skill, w.judgments
FROM labeling.truth_workers((SELECT labeling.wawa_agg(task, worker, label)
	FROM (SELECT * FROM wa_hand UNION ALL VALUES ('t1', 'w3', 'a'), ('t1', 'w3', 'a'), ('t2', 'w3', 'a')) s)) w
ORDER BY w.worker;
SELECT t.task, round(labeling.probability(t.posterior, 'a')::numeric, 12) AS p_a, t.judgments
FROM labeling.truth_tasks((SELECT labeling.wawa_agg(task, worker, label)
	FROM (SELECT * FROM wa_hand UNION ALL VALUES ('t1', 'w3', 'a'), ('t1', 'w3', 'a'), ('t2', 'w3', 'a')) s)) t
ORDER BY t.task;

-- bigint keys, NULLs skipped, no rows
SELECT t.task, t.label FROM labeling.truth_tasks((SELECT labeling.wawa_agg(task, worker, label)
	FROM (VALUES (1::bigint, 1::bigint, 'x'), (1, 2, 'x'), (2, 1, NULL), (NULL, 1, 'y'), (2, 2, 'y')) v(task, worker, label)),
	NULL::bigint) t ORDER BY t.task;
SELECT labeling.wawa_agg(task, worker, label) IS NULL AS no_rows FROM wa_hand WHERE false;

DROP TABLE wa_hand;
