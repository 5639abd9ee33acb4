-- dawid_skene_agg: hand-computed values, the classic crowd situations, NULLs,
-- duplicates, gold labels, the label limit and cancellation.
SET extra_float_digits = 0;

-- ---------------------------------------------------------------------------
-- 1. Two workers, three tasks, worked out by hand.
--    t1: both say a; t2: both say b; t3: w1 says a, w2 says b.
--    Start (vote shares): q(t1) = (1, 0), q(t2) = (0, 1), q(t3) = (1/2, 1/2).
--    M-step without smoothing: priors (1/2, 1/2);
--      w1: P(a|a) = 1.5/1.5 = 1,   P(a|b) = 0.5/1.5 = 1/3, P(b|b) = 2/3;
--      w2: P(a|a) = 1/1.5 = 2/3,   P(b|a) = 1/3,           P(b|b) = 1.
--    E-step: t1: (1/2 * 1 * 2/3, 1/2 * 1/3 * 0) -> (1, 0);
--            t3: (1/2 * 1 * 1/3, 1/2 * 1/3 * 1) = (1/6, 1/6) -> a tie, label a;
--    log-likelihood: 3 * log(1/3) over 6 judgments = log(1/3) / 2 = -0.549306.
-- ---------------------------------------------------------------------------
CREATE TABLE ds_hand (task text, worker text, label text);
INSERT INTO ds_hand VALUES ('t1', 'w1', 'a'), ('t1', 'w2', 'a'), ('t2', 'w1', 'b'),
	('t2', 'w2', 'b'), ('t3', 'w1', 'a'), ('t3', 'w2', 'b');
CREATE TABLE ds_hand_model AS
SELECT labeling.dawid_skene_agg(task, worker, label, NULL,
		labeling.truth_options(max_iterations => 1, smoothing => 0)) AS m
FROM ds_hand;
SELECT t.task, t.label, round(t.confidence::numeric, 12) AS confidence,
	   round(labeling.probability(t.posterior, 'b')::numeric, 12) AS p_b, t.judgments
FROM ds_hand_model, labeling.truth_tasks(m) t ORDER BY t.task;
SELECT w.worker, round((w.confusion->'a'->>'a')::numeric, 12) AS a_a,
	   round((w.confusion->'a'->>'b')::numeric, 12) AS a_b,
	   round((w.confusion->'b'->>'a')::numeric, 12) AS b_a,
	   round((w.confusion->'b'->>'b')::numeric, 12) AS b_b,
	   round(w.skill::numeric, 12) AS skill
FROM ds_hand_model, labeling.truth_workers(m) w ORDER BY w.worker;
SELECT p.label, p.prior FROM ds_hand_model, labeling.truth_priors(m) p;
SELECT d.iterations, d.converged,
	   abs(d.objective - ln(1.0 / 3) / 2) < 1e-12 AS objective_is_log_third_over_two
FROM ds_hand_model, labeling.truth_diagnostics(m) d;
-- left to converge, the lone disagreement stays a tie and the rest certain
SELECT t.task, t.label, round(t.confidence::numeric, 6) AS confidence
FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, worker, label) FROM ds_hand)) t
ORDER BY t.task;

-- ---------------------------------------------------------------------------
-- 2. Crowds: 60 tasks with a known truth (labels x, y, z).
-- ---------------------------------------------------------------------------
CREATE TABLE ds_truth AS
SELECT t AS task, (ARRAY['x', 'y', 'z'])[1 + (t * 7 % 3)] AS truth
FROM generate_series(1, 60) t;

-- a perfect worker (0), two fair ones (1, 2: a random answer three times in
-- ten) and three spammers answering at random (3 to 5): majority vote makes
-- mistakes, Dawid-Skene finds the perfect worker and follows it.  (With
-- only spammers beside the perfect worker the problem has no answer: any
-- one worker being perfect would explain the data equally well.)
CREATE TABLE ds_spam AS
SELECT task, 0 AS worker, truth AS label FROM ds_truth
UNION ALL
SELECT task, w, CASE WHEN abs(hashint4(task * 17 + w)) % 10 < 3
					 THEN (ARRAY['x', 'y', 'z'])[1 + abs(hashint4(task * 13 + w)) % 3]
					 ELSE truth END
FROM ds_truth, generate_series(1, 2) w
UNION ALL
SELECT task, w, (ARRAY['x', 'y', 'z'])[1 + abs(hashint4(task * 31 + w)) % 3]
FROM ds_truth, generate_series(3, 5) w;
WITH m AS (SELECT labeling.dawid_skene_agg(task, worker, label) AS m FROM ds_spam)
SELECT count(*) AS tasks,
	   count(*) FILTER (WHERE t.label = tr.truth) AS dawid_skene_correct,
	   (SELECT count(*) FROM (SELECT task, labeling.majority_vote(label) AS mv FROM ds_spam GROUP BY task) v
		JOIN ds_truth USING (task) WHERE mv = truth) AS majority_vote_correct
FROM m, labeling.truth_tasks(m.m, NULL::bigint) t JOIN ds_truth tr ON tr.task = t.task;
WITH m AS (SELECT labeling.dawid_skene_agg(task, worker, label) AS m FROM ds_spam)
SELECT w.worker, w.skill > 0.9 AS perfect, w.skill < 0.6 AS spammer
FROM m, labeling.truth_workers(m.m, NULL::bigint) w ORDER BY w.worker;

-- three honest workers (right 80% of the time) and one who always lies with
-- a fixed permutation x -> y -> z -> x: Dawid-Skene learns the permutation
-- and so gets every task right
CREATE TABLE ds_liar AS
SELECT task, w AS worker,
	   CASE WHEN (task + w) % 5 = 0 THEN (ARRAY['y', 'z', 'x'])[array_position(ARRAY['x', 'y', 'z'], truth)]
			ELSE truth END AS label
FROM ds_truth, generate_series(1, 3) w
UNION ALL
SELECT task, 9, (ARRAY['y', 'z', 'x'])[array_position(ARRAY['x', 'y', 'z'], truth)] FROM ds_truth;
WITH m AS (SELECT labeling.dawid_skene_agg(task, worker, label) AS m FROM ds_liar)
SELECT count(*) FILTER (WHERE t.label = tr.truth) AS correct, count(*) AS tasks
FROM m, labeling.truth_tasks(m.m, NULL::bigint) t JOIN ds_truth tr ON tr.task = t.task;
WITH m AS (SELECT labeling.dawid_skene_agg(task, worker, label) AS m FROM ds_liar)
SELECT (w.confusion->'x'->>'y')::float8 > 0.9 AS x_answered_y,
	   (w.confusion->'y'->>'z')::float8 > 0.9 AS y_answered_z,
	   (w.confusion->'z'->>'x')::float8 > 0.9 AS z_answered_x,
	   w.skill < 0.15 AS rarely_right
FROM m, labeling.truth_workers(m.m, NULL::bigint) w WHERE w.worker = 9;

-- one worker: nothing to weigh, the labels are that worker's
SELECT bool_and(t.label = s.label) AS follows_the_worker, count(*) AS tasks
FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, worker, label)
						   FROM ds_spam WHERE worker = 2), NULL::bigint) t
JOIN ds_spam s ON s.task = t.task AND s.worker = 2;

-- one label: every task gets it with certainty, nothing to iterate
SELECT t.label, t.confidence, count(*) AS tasks, min(d.iterations) AS iterations,
	   bool_and(d.converged) AS converged, min(w.skill) AS skill
FROM (SELECT labeling.dawid_skene_agg(task, worker, 'only') AS m FROM ds_spam) s,
	 labeling.truth_tasks(m) t, labeling.truth_diagnostics(m) d, labeling.truth_workers(m) w
GROUP BY 1, 2;

-- all workers agree: the agreed label, with near certainty
SELECT bool_and(t.label = tr.truth) AS all_right, min(t.confidence) > 0.999 AS certain
FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, w, truth)
						   FROM ds_truth, generate_series(1, 3) w), NULL::bigint) t
JOIN ds_truth tr ON tr.task = t.task;

-- tasks with a single judgment get a posterior too
SELECT t.task, t.label, t.judgments
FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, worker, label)
						   FROM (SELECT * FROM ds_liar WHERE worker = 1
								 UNION ALL SELECT 1000, 1, 'x'
								 UNION ALL SELECT 1001, 2, 'z') s), NULL::bigint) t
WHERE t.task >= 1000 ORDER BY t.task;

-- ---------------------------------------------------------------------------
-- 3. Duplicates, NULLs, no rows.
-- ---------------------------------------------------------------------------
-- every row counts, the same worker twice on a task included (as Crowd-Kit):
-- a duplicated answer weighs like two answers
SELECT t.task, t.label, t.judgments
FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, worker, label, NULL,
		labeling.truth_options(max_iterations => 1, smoothing => 0))
	FROM (VALUES ('t', 'w1', 'a'), ('t', 'w1', 'a'), ('t', 'w2', 'b')) v(task, worker, label))) t;

-- rows with a NULL task, worker or label are skipped; a NULL gold label
-- means no gold; NULL options mean the defaults
SELECT t.task, t.judgments, t.gold_label
FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, worker, label, gold, NULL)
	FROM (VALUES ('t1', 'w1', 'a', NULL), ('t1', NULL, 'a', NULL), (NULL, 'w1', 'a', NULL),
				 ('t1', 'w2', NULL, 'b'), ('t2', 'w1', 'b', NULL)) v(task, worker, label, gold))) t
ORDER BY t.task;
SELECT labeling.dawid_skene_agg(task, worker, label) IS NULL AS only_nulls_give_null
FROM (VALUES (NULL::text, 'w', 'a'), ('t', NULL, 'a'), ('t', 'w', NULL)) v(task, worker, label);
SELECT labeling.dawid_skene_agg(task, worker, label) IS NULL AS no_rows_give_null
FROM ds_hand WHERE false;

-- ---------------------------------------------------------------------------
-- 4. Gold labels: the 4th column fixes a task's class.
-- ---------------------------------------------------------------------------
-- gold on every tenth task of the spammers-only crowd (workers 3 to 5): the
-- gold tasks are certain and carry their gold label
CREATE TABLE ds_gold_model AS
SELECT labeling.dawid_skene_agg(s.task, s.worker, s.label,
		CASE WHEN s.task % 10 = 0 THEN tr.truth END) AS m
FROM ds_spam s JOIN ds_truth tr USING (task) WHERE s.worker >= 3;
SELECT count(*) FILTER (WHERE t.gold_label IS NOT NULL) AS gold_tasks,
	   bool_and(t.label = t.gold_label AND t.confidence = 1) FILTER (WHERE t.gold_label IS NOT NULL)
		   AS gold_tasks_are_certain,
	   min(d.gold_tasks) AS diagnostics_gold_tasks
FROM ds_gold_model g, labeling.truth_tasks(g.m, NULL::bigint) t, labeling.truth_diagnostics(g.m) d;
-- a gold label nobody ever gave becomes a class of its own
SELECT t.task, t.label, t.gold_label, labeling.labels(t.posterior) AS labels,
	   round(t.confidence::numeric, 6) AS confidence
FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, worker, label, gold)
	FROM (VALUES ('t1', 'w1', 'a', 'unseen'), ('t1', 'w2', 'a', 'unseen'), ('t2', 'w1', 'b', NULL),
				 ('t2', 'w2', 'b', NULL), ('t3', 'w1', 'a', NULL)) v(task, worker, label, gold))) t
ORDER BY t.task;
-- conflicting gold labels for one task are an error
SELECT labeling.dawid_skene_agg(task, worker, label, gold)
FROM (VALUES ('t1', 'w1', 'a', 'a'), ('t1', 'w2', 'a', 'b')) v(task, worker, label, gold);

-- ---------------------------------------------------------------------------
-- 5. Up to 1000 labels; 1001 is a clear error.
-- ---------------------------------------------------------------------------
CREATE TABLE ds_many AS
SELECT t AS task, w AS worker, 'L' || lpad(((t + CASE WHEN w = 3 AND t % 7 = 0 THEN 1 ELSE 0 END) % 1000)::text, 3, '0') AS label
FROM generate_series(0, 1999) t, generate_series(1, 3) w;
SELECT d.labels, d.tasks,
	   (SELECT count(*) FROM labeling.truth_tasks(m, NULL::bigint) t
		WHERE t.label = 'L' || lpad((t.task % 1000)::text, 3, '0')) AS majority_label_wins
FROM (SELECT labeling.dawid_skene_agg(task, worker, label) AS m FROM ds_many) s,
	 labeling.truth_diagnostics(m) d;
SELECT labeling.dawid_skene_agg(task, worker, label)
FROM (SELECT * FROM ds_many UNION ALL SELECT 0, 1, 'one too many') s;
-- gold labels count toward the limit too
SELECT labeling.dawid_skene_agg(task, worker, label, CASE WHEN task = 0 AND worker = 1 THEN 'gold-only' END)
FROM ds_many;

-- ---------------------------------------------------------------------------
-- 6. statement_timeout cancels EM (random labels take hundreds of iterations
--    to converge exactly: far more than a second on a million judgments).
-- ---------------------------------------------------------------------------
CREATE TABLE ds_noise AS
SELECT i / 5 AS task, abs(hashint8(i)) % 50 AS worker, 'l' || (abs(hashint8(i * 7 + 1)) % 4) AS label
FROM generate_series(0, 999999) i;
SET statement_timeout = '1s';
SELECT labeling.dawid_skene_agg(task, worker, label, NULL,
		labeling.truth_options(max_iterations => 1000000, tolerance => 0))
FROM ds_noise;
RESET statement_timeout;

-- ---------------------------------------------------------------------------
-- 7. bigint task keys in no order group the same whether they span little
--    more than the rows (counting sort), less than 2^32 (radix sort) or more
--    (hash), in sorted order, negative, or up to the largest bigint; bigint
--    worker keys the same whether they span little (direct table) or much
--    (hash), or reach the largest bigint.
-- ---------------------------------------------------------------------------
CREATE TABLE ds_order AS
SELECT (i * 7919) % 2000 AS task, i % 41 AS worker, 'c' || ((i * 7919) % 2000 % 3 + (i % 41 = 0)::int) AS label
FROM generate_series(1, 20000) i;
CREATE TABLE ds_order_fits AS
SELECT 'narrow' AS keys, labeling.dawid_skene_agg(task - 1000, worker, label) AS m FROM ds_order
UNION ALL
SELECT 'wide', labeling.dawid_skene_agg(task * 4294967296 - 7, worker, label) FROM ds_order
UNION ALL
SELECT 'sorted', labeling.dawid_skene_agg(task, worker, label ORDER BY task) FROM ds_order
UNION ALL
SELECT 'top', labeling.dawid_skene_agg(task + 9223372036854773807, worker, label) FROM ds_order
UNION ALL
SELECT 'spread', labeling.dawid_skene_agg(task * 1000003, worker, label) FROM ds_order
UNION ALL
SELECT 'wide workers', labeling.dawid_skene_agg(task, worker * 4294967296 - 5, label) FROM ds_order
UNION ALL
SELECT 'top workers', labeling.dawid_skene_agg(task, worker + 9223372036854775000, label) FROM ds_order;
SELECT f.keys, count(*) AS tasks,
	   count(*) FILTER (WHERE t.posterior OPERATOR(labeling.=) r.posterior AND t.judgments = r.judgments) AS same
FROM ds_order_fits f
CROSS JOIN LATERAL labeling.truth_tasks(f.m, NULL::bigint) t
JOIN labeling.truth_tasks((SELECT m FROM ds_order_fits WHERE keys = 'sorted'), NULL::bigint) r
  ON r.task = CASE f.keys WHEN 'narrow' THEN t.task + 1000 WHEN 'wide' THEN (t.task + 7) / 4294967296
						 WHEN 'top' THEN t.task - 9223372036854773807
						 WHEN 'spread' THEN t.task / 1000003 ELSE t.task END
GROUP BY f.keys ORDER BY f.keys;
-- workers: the same skills and confusion matrices under the keys they were given
SELECT f.keys, count(*) AS workers,
	   count(*) FILTER (WHERE w.skill = r.skill AND w.judgments = r.judgments AND w.confusion = r.confusion) AS same
FROM ds_order_fits f
CROSS JOIN LATERAL labeling.truth_workers(f.m, NULL::bigint) w
JOIN labeling.truth_workers((SELECT m FROM ds_order_fits WHERE keys = 'sorted'), NULL::bigint) r
  ON r.worker = CASE f.keys WHEN 'wide workers' THEN (w.worker + 5) / 4294967296
						   WHEN 'top workers' THEN w.worker - 9223372036854775000 ELSE w.worker END
GROUP BY f.keys ORDER BY f.keys;
-- and in key order
SELECT f.keys, bool_and(x.next IS NULL OR x.task < x.next) AS ascending
FROM ds_order_fits f
CROSS JOIN LATERAL (SELECT t.task, lead(t.task) OVER (ORDER BY t.ord) AS next
					FROM labeling.truth_tasks(f.m, NULL::bigint) WITH ORDINALITY
						 t(task, label, confidence, posterior, judgments, gold_label, difficulty, ord)) x
GROUP BY f.keys ORDER BY f.keys;

DROP TABLE ds_hand, ds_hand_model, ds_truth, ds_spam, ds_liar, ds_gold_model, ds_many, ds_noise,
	ds_order, ds_order_fits;
