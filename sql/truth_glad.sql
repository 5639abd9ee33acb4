-- glad_agg: a crowd, the E-step and objective recomputed in SQL from the
-- reported abilities and difficulties, gold, one label, cancellation.
SET extra_float_digits = 0;

CREATE TABLE gl_truth AS
SELECT t AS task, (ARRAY['x', 'y', 'z'])[1 + (t * 7 % 3)] AS truth FROM generate_series(1, 60) t;
-- a perfect worker, two fair ones, three spammers (see truth_dawid_skene.sql)
CREATE TABLE gl_crowd AS
SELECT task, 0 AS worker, truth AS label FROM gl_truth
UNION ALL
SELECT task, w, CASE WHEN abs(hashint4(task * 17 + w)) % 10 < 3
					 THEN (ARRAY['x', 'y', 'z'])[1 + abs(hashint4(task * 13 + w)) % 3]
					 ELSE truth END
FROM gl_truth, generate_series(1, 2) w
UNION ALL
SELECT task, w, (ARRAY['x', 'y', 'z'])[1 + abs(hashint4(task * 31 + w)) % 3]
FROM gl_truth, generate_series(3, 5) w;
CREATE TABLE gl_model AS SELECT labeling.glad_agg(task, worker, label) AS m FROM gl_crowd;

SELECT count(*) FILTER (WHERE t.label = tr.truth) AS correct, count(*) AS tasks
FROM gl_model, labeling.truth_tasks(m, NULL::bigint) t JOIN gl_truth tr ON tr.task = t.task;
-- the perfect worker has the highest ability, spammers the lowest
SELECT w.worker, rank() OVER (ORDER BY w.ability DESC) AS ability_rank
FROM gl_model, labeling.truth_workers(m, NULL::bigint) w ORDER BY w.worker;
SELECT d.method, d.converged, d.iterations < d.max_iterations AS stopped_early, d.smoothing
FROM gl_model, labeling.truth_diagnostics(m) d;
SELECT p.label, round(p.prior::numeric, 12) AS prior FROM gl_model, labeling.truth_priors(m) p;

-- Recompute, in SQL, GLAD's E-step and its objective from the abilities
-- alpha and difficulties 1/exp(beta) the model reports: each answer is right
-- with probability sigmoid(alpha * exp(beta)), else one of the two other
-- labels; class priors 1/3; N(1, 1) priors on every alpha and beta.
CREATE TABLE gl_check AS
WITH a AS (SELECT w.worker::bigint AS worker, w.ability AS alpha FROM gl_model, labeling.truth_workers(m) w),
b AS (SELECT t.task::bigint AS task, -ln(t.difficulty) AS beta FROM gl_model, labeling.truth_tasks(m) t),
cls(class) AS (VALUES ('x'), ('y'), ('z')),
lik AS (
	SELECT c.task, cls.class,
		   ln(1.0 / 3) + sum(CASE WHEN c.label = cls.class
								  THEN -ln(1 + exp(-a.alpha * exp(b.beta)))
								  ELSE -ln(1 + exp(a.alpha * exp(b.beta))) - ln(2) END) AS ll
	FROM gl_crowd c JOIN a USING (worker) JOIN b USING (task) CROSS JOIN cls
	GROUP BY c.task, cls.class
),
task_ll AS (
	SELECT task, max(ll) + ln(sum(exp(ll - mx))) AS ll
	FROM (SELECT task, ll, max(ll) OVER (PARTITION BY task) AS mx FROM lik) s GROUP BY task
)
SELECT (SELECT sum(ll) FROM task_ll) AS log_likelihood,
	   (SELECT sum(-0.5 * (alpha - 1) ^ 2 - 0.5 * ln(2 * pi())) FROM a) +
	   (SELECT sum(-0.5 * (beta - 1) ^ 2 - 0.5 * ln(2 * pi())) FROM b) AS log_prior,
	   (SELECT max(abs(exp(l.ll - t.ll) - labeling.probability(p.posterior, l.class)))
		FROM lik l JOIN task_ll t USING (task)
		JOIN (SELECT t.task::bigint AS task, t.posterior FROM gl_model, labeling.truth_tasks(m) t) p USING (task)
	   ) AS max_posterior_difference;
SELECT abs((c.log_likelihood + c.log_prior) / d.judgments - d.objective) < 1e-9 AS objective_matches,
	   c.max_posterior_difference < 1e-9 AS posteriors_match
FROM gl_check c, gl_model, labeling.truth_diagnostics(m) d;

-- Crowd-Kit's loop (crowdkit_compat) finds the same labels on this crowd
SELECT count(*) FILTER (WHERE a.label = b.label) AS same_labels, count(*) AS tasks
FROM gl_model, labeling.truth_tasks(m) a
JOIN labeling.truth_tasks((SELECT labeling.glad_agg(task, worker, label, NULL,
	labeling.truth_options(crowdkit_compat => true)) FROM gl_crowd)) b USING (task);

-- gold labels fix their tasks; one label; text keys
SELECT t.task, t.label, t.gold_label, t.confidence
FROM labeling.truth_tasks((SELECT labeling.glad_agg(c.task, c.worker, c.label, CASE WHEN c.task <= 2 THEN 'z' END)
	FROM gl_crowd c), NULL::bigint) t WHERE t.task <= 3 ORDER BY t.task;
SELECT t.label, t.confidence, count(*) AS tasks
FROM labeling.truth_tasks((SELECT labeling.glad_agg(task::text, worker::text, 'one') FROM gl_crowd)) t GROUP BY 1, 2;

-- statement_timeout cancels a long GLAD fit
CREATE TABLE gl_noise AS
SELECT i / 5 AS task, abs(hashint8(i)) % 50 AS worker, 'l' || (abs(hashint8(i * 7 + 1)) % 4) AS label
FROM generate_series(0, 49999) i;
SET statement_timeout = '1s';
SELECT labeling.glad_agg(task, worker, label, NULL,
		labeling.truth_options(max_iterations => 1000000, tolerance => 0))
FROM gl_noise;
RESET statement_timeout;

DROP TABLE gl_truth, gl_crowd, gl_model, gl_check, gl_noise;
