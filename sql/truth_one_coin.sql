-- one_coin_agg: hand-computed values, crowds, class priors, one label, gold.
SET extra_float_digits = 0;

-- Two workers, three tasks (as in truth_dawid_skene.sql): t1 both a, t2 both b,
-- t3 w1 a / w2 b.  From the vote shares, without smoothing:
--   skill w1 = (1 + 1 + 1/2) / 3 = 5/6, skill w2 = 5/6;
--   class priors halfway between the posterior mean (1/2, 1/2) and uniform;
--   t1: a = 1/2 * 5/6 * 5/6 = 25/72, b = 1/2 * 1/6 * 1/6 = 1/72 -> 25/26;
--   t3: 1/2 * 5/6 * 1/6 both ways -> a tie, label a;
--   log-likelihood per judgment = (2 ln(26/72) + ln(10/72)) / 6.
CREATE TABLE oc_hand (task text, worker text, label text);
INSERT INTO oc_hand VALUES ('t1', 'w1', 'a'), ('t1', 'w2', 'a'), ('t2', 'w1', 'b'),
	('t2', 'w2', 'b'), ('t3', 'w1', 'a'), ('t3', 'w2', 'b');
CREATE TABLE oc_hand_model AS
SELECT labeling.one_coin_agg(task, worker, label, NULL,
		labeling.truth_options(max_iterations => 1, smoothing => 0)) AS m
FROM oc_hand;
SELECT t.task, t.label, round(t.confidence::numeric, 12) AS confidence,
	   CASE WHEN t.task <> 't3' THEN round((25.0 / 26)::numeric, 12) ELSE 0.5 END AS by_hand
FROM oc_hand_model, labeling.truth_tasks(m) t ORDER BY t.task;
SELECT w.worker, round(w.skill::numeric, 12) AS skill,
	   round((w.confusion->'a'->>'b')::numeric, 12) AS a_answered_b
FROM oc_hand_model, labeling.truth_workers(m) w ORDER BY w.worker;
SELECT abs(d.objective - (2 * ln(26.0 / 72) + ln(10.0 / 72)) / 6) < 1e-12 AS objective_by_hand
FROM oc_hand_model, labeling.truth_diagnostics(m) d;

-- a crowd: a perfect worker, two fair ones, three spammers (see truth_dawid_skene.sql)
CREATE TABLE oc_truth AS
SELECT t AS task, (ARRAY['x', 'y', 'z'])[1 + (t * 7 % 3)] AS truth FROM generate_series(1, 60) t;
CREATE TABLE oc_crowd AS
SELECT task, 0 AS worker, truth AS label FROM oc_truth
UNION ALL
SELECT task, w, CASE WHEN abs(hashint4(task * 17 + w)) % 10 < 3
					 THEN (ARRAY['x', 'y', 'z'])[1 + abs(hashint4(task * 13 + w)) % 3]
					 ELSE truth END
FROM oc_truth, generate_series(1, 2) w
UNION ALL
SELECT task, w, (ARRAY['x', 'y', 'z'])[1 + abs(hashint4(task * 31 + w)) % 3]
FROM oc_truth, generate_series(3, 5) w;
WITH m AS (SELECT labeling.one_coin_agg(task, worker, label) AS m FROM oc_crowd)
SELECT count(*) FILTER (WHERE t.label = tr.truth) AS correct, count(*) AS tasks
FROM m, labeling.truth_tasks(m.m, NULL::bigint) t JOIN oc_truth tr ON tr.task = t.task;
WITH m AS (SELECT labeling.one_coin_agg(task, worker, label) AS m FROM oc_crowd)
SELECT w.worker, round(w.skill::numeric, 2) AS skill
FROM m, labeling.truth_workers(m.m, NULL::bigint) w ORDER BY w.worker;

-- class priors are shrunk halfway to uniform: 9 tasks in 10 are x here
WITH m AS (SELECT labeling.one_coin_agg(task, w, CASE WHEN task % 10 = 0 THEN 'y' ELSE 'x' END) AS m
		   FROM oc_truth, generate_series(1, 3) w)
SELECT p.label, round(p.prior::numeric, 2) AS prior FROM m, labeling.truth_priors(m.m) p;

-- one label; gold labels
SELECT t.label, t.confidence, count(*) AS tasks
FROM labeling.truth_tasks((SELECT labeling.one_coin_agg(task, worker, 'same') FROM oc_crowd)) t GROUP BY 1, 2;
WITH m AS (SELECT labeling.one_coin_agg(c.task, c.worker, c.label, CASE WHEN c.task <= 6 THEN 'z' END) AS m
		   FROM oc_crowd c)
SELECT t.task, t.label, t.gold_label, round(t.confidence::numeric, 6) AS confidence
FROM m, labeling.truth_tasks(m.m, NULL::bigint) t WHERE t.task <= 7 ORDER BY t.task;

-- the posteriors are exactly those of the one-coin model at the reported
-- skills and priors (an independent recomputation in SQL)
WITH m AS (SELECT labeling.one_coin_agg(task, worker, label) AS m FROM oc_crowd),
sk AS (SELECT w.worker::bigint AS worker, w.skill FROM m, labeling.truth_workers(m.m) w),
pr AS (SELECT p.label AS class, p.prior FROM m, labeling.truth_priors(m.m) p),
lik AS (
	SELECT c.task, pr.class,
		   ln(pr.prior) + sum(CASE WHEN c.label = pr.class THEN ln(sk.skill) ELSE ln((1 - sk.skill) / 2) END) AS ll
	FROM oc_crowd c JOIN sk USING (worker) CROSS JOIN pr GROUP BY c.task, pr.class, pr.prior
),
shifted AS (SELECT task, class, exp(ll - max(ll) OVER (PARTITION BY task)) AS e FROM lik),
post AS (SELECT task, class, e / sum(e) OVER (PARTITION BY task) AS p FROM shifted)
SELECT max(abs(labeling.probability(t.posterior, post.class) - post.p)) < 1e-9 AS posteriors_match
FROM post, m, labeling.truth_tasks(m.m, NULL::bigint) t WHERE t.task = post.task;

DROP TABLE oc_hand, oc_hand_model, oc_truth, oc_crowd;
