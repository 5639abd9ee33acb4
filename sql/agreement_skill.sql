-- worker_skill, worker_class_skill and the Beta distribution functions:
-- exact quantiles against closed forms, the posterior of a few workers,
-- NULLs, priors and bad input.
SET extra_float_digits = 0;
SET search_path = public, labeling;

-- ---------------------------------------------------------------------------
-- beta_quantile / beta_cdf against closed forms
-- ---------------------------------------------------------------------------
CREATE TABLE probs (p float8);
INSERT INTO probs VALUES (1e-12), (1e-6), (0.025), (0.3), (0.5), (0.7), (0.975), (0.999999);

-- Beta(1, 1) is uniform: the p-quantile is p
SELECT max(abs(beta_quantile(p, 1, 1) / p - 1)) < 1e-13 AS uniform_quantile,
	   max(abs(beta_cdf(p, 1, 1) / p - 1)) < 1e-13 AS uniform_cdf
FROM probs;

-- Beta(a, 1): cdf x^a, quantile p^(1/a) (the cdf check stops at a = 1000:
-- beyond, rounding p^(1/a) to a double moves x^a by more than 1e-12)
SELECT max(abs(beta_quantile(p, a, 1) / p ^ (1 / a) - 1)) < 1e-13 AS power_quantile,
	   max(abs(beta_cdf(p ^ (1 / a), a, 1) / p - 1)) FILTER (WHERE a <= 1000) < 1e-12 AS power_cdf
FROM probs, (VALUES (0.5::float8), (2), (20), (1000), (1e6)) a(a);

-- Beta(1, b): quantile 1 - (1 - p)^(1/b) (compared absolutely: the closed
-- form itself cancels for small p)
SELECT max(abs(beta_quantile(p, 1, b) - (1 - (1 - p) ^ (1 / b)))) < 1e-14 AS reflected_power
FROM probs, (VALUES (0.5::float8), (2), (20), (1000)) b(b);

-- Beta(20, 2): cdf x^20 (21 - 20 x); its 2.5% and 97.5% quantiles
SELECT p, round(beta_quantile(p, 20, 2)::numeric, 12) AS quantile,
	   abs(beta_quantile(p, 20, 2) ^ 20 * (21 - 20 * beta_quantile(p, 20, 2)) - p) < 1e-14 AS closed_form
FROM probs ORDER BY p;

-- Beta(96, 6) (95 of 100 correct, uniform prior): at the computed 2.5% and
-- 97.5% quantiles, the binomial identity I_x(a, b) = P(Bin(a + b - 1, x) >= a)
-- evaluated in numeric arithmetic (40 decimals) gives back 0.025 and 0.975
SELECT p, round(q::numeric, 12) AS quantile,
	   abs((SELECT sum(factorial(101) / (factorial(j) * factorial(101 - j))
					   * round(q::numeric, 40) ^ j * round(1 - q::numeric, 40) ^ (101 - j))
			FROM generate_series(96, 101) j) - p::numeric) < 1e-13 AS binomial_identity
FROM (SELECT p, beta_quantile(p, 96, 6) AS q FROM (VALUES (0.025::float8), (0.975)) v(p)) s
ORDER BY p;

-- quantile and cdf invert each other: the exact quantile lies within 1e-13
-- (relative) of the computed one; symmetry q(p; a, b) = 1 - q(1 - p; b, a)
-- (for p >= 1/2, where 1 - p is exact)
SELECT bool_and(beta_cdf(q * (1 - 1e-13), a, b) <= p AND beta_cdf(least(q * (1 + 1e-13), 1), a, b) >= p)
	   AS bracketed,
	   max(abs(q - (1 - beta_quantile(1 - p, b, a)))) FILTER (WHERE p >= 0.5) < 1e-14 AS symmetric
FROM (SELECT p, a, b, beta_quantile(p, a, b) AS q
	  FROM probs,
		   (VALUES (0.3::float8, 0.7::float8), (2, 3), (50, 60), (96, 6), (3, 400), (1001, 999),
				   (1e5, 3), (2.5, 1e5)) ab(a, b)) s;

-- U-shaped Beta(0.01, 0.01): half the mass within 1e-30 of 0; the 2.5%
-- quantile follows the tail law I_x ~ x^a / (a B(a, b)), with
-- B(0.01, 0.01) = Gamma(0.01)^2 / Gamma(0.02)
SELECT beta_cdf(1e-30, 0.01, 0.01) BETWEEN 0.25 AND 0.5 AS mass_near_zero,
	   abs(beta_quantile(0.025, 0.01, 0.01) / (0.025 * 0.01 * exp(ln(gamma01) * 2 - ln(gamma02))) ^ 100 - 1) < 1e-3
	   AS tail_law
FROM (VALUES (99.43258511915060::float8, 49.44221016549710::float8)) g(gamma01, gamma02);

-- large parameters (millions of answers) keep their precision
SELECT abs(beta_quantile(0.5, 1e6, 1e6) - 0.5) < 1e-15 AS median_symmetric,
	   abs(beta_cdf(0.5, 1e6 + 1, 1e6 + 1) - 0.5) < 1e-12 AS half_mass,
	   abs(beta_quantile(0.025, 1e6, 1) - 0.025 ^ 1e-6) < 1e-15 AS narrow_power;

-- the cdf outside (0, 1) and the quantile at 0 and 1
SELECT beta_cdf(-1, 2, 3) AS below, beta_cdf(0, 2, 3) AS at_zero, beta_cdf(1, 2, 3) AS at_one,
	   beta_cdf(7, 2, 3) AS above, beta_quantile(0, 2, 3) AS q0, beta_quantile(1, 2, 3) AS q1;

-- bad parameters
SELECT beta_quantile(0.5, -1, 2);
SELECT beta_quantile(0.5, 2, 0);
SELECT beta_quantile(0.5, 'NaN', 2);
SELECT beta_quantile(0.5, 2, 'Infinity');
SELECT beta_quantile(0.5, 1e13, 2);
SELECT beta_quantile(1.5, 2, 2);
SELECT beta_quantile('NaN', 2, 2);
SELECT beta_cdf('NaN', 2, 2);
SELECT beta_cdf(0.5, 2, NULL) AS strict_null;

-- ---------------------------------------------------------------------------
-- worker_skill
-- ---------------------------------------------------------------------------
CREATE TABLE answers (worker text, label text, golden text);
-- w1: 1 of 1; w2: 95 of 100; w3: 0 of 3; w4: 7 of 10 plus rows without gold
INSERT INTO answers VALUES ('w1', 'cat', 'cat');
INSERT INTO answers SELECT 'w2', CASE WHEN i <= 95 THEN 'cat' ELSE 'dog' END, 'cat' FROM generate_series(1, 100) i;
INSERT INTO answers SELECT 'w3', 'dog', 'cat' FROM generate_series(1, 3);
INSERT INTO answers SELECT 'w4', CASE WHEN i <= 7 THEN 'dog' ELSE 'cat' END, 'dog' FROM generate_series(1, 10) i;
INSERT INTO answers VALUES ('w4', 'dog', NULL), ('w4', NULL, 'dog'), ('w4', NULL, NULL);

SELECT worker, (s).n_answered, (s).n_correct, round((s).accuracy::numeric, 4) AS accuracy,
	   round((s).posterior_mean::numeric, 6) AS mean, round((s).lower_bound::numeric, 6) AS lower,
	   round((s).upper_bound::numeric, 6) AS upper
FROM (SELECT worker, worker_skill(label, golden) AS s FROM answers GROUP BY worker) x
ORDER BY worker;

-- the lower bound is the ban rule: 1 of 1 ranks far below 95 of 100
SELECT worker, round((worker_skill(label, golden)).lower_bound::numeric, 4) AS lower_bound,
	   rank() OVER (ORDER BY (worker_skill(label, golden)).lower_bound DESC) AS rank
FROM answers GROUP BY worker ORDER BY rank;
SELECT (SELECT (worker_skill(label, golden)).lower_bound FROM answers WHERE worker = 'w1') <
	   (SELECT (worker_skill(label, golden)).lower_bound FROM answers WHERE worker = 'w2')
	   AS one_of_one_below_95_of_100;

-- the posterior is Beta(c + 1, n - c + 1): mean and bounds from beta_quantile
SELECT bool_and((s).posterior_mean = ((s).n_correct + 1.0) / ((s).n_answered + 2.0)
				AND (s).lower_bound = beta_quantile(0.025, (s).n_correct + 1, (s).n_answered - (s).n_correct + 1)
				AND (s).upper_bound = beta_quantile(0.975, (s).n_correct + 1, (s).n_answered - (s).n_correct + 1))
	   AS uniform_posterior
FROM (SELECT worker_skill(label, golden) AS s FROM answers GROUP BY worker) x;

-- the boolean form and FILTER give the same estimates
SELECT bool_and(a = b) AS bool_form_same, bool_and(a = c) AS filter_same
FROM (SELECT worker,
			 worker_skill(label, golden) AS a,
			 worker_skill(label = golden) AS b,
			 worker_skill(label, golden) FILTER (WHERE golden IS NOT NULL AND label IS NOT NULL) AS c
	  FROM answers GROUP BY worker) x;

-- with a prior: Beta(c + 8, n - c + 2) (expect ~80% before any evidence)
SELECT worker, (s).n_answered, round((s).posterior_mean::numeric, 6) AS mean,
	   (s).posterior_mean = ((s).n_correct + 8.0) / ((s).n_answered + 10.0) AS mean_ok,
	   (s).lower_bound = beta_quantile(0.025, (s).n_correct + 8, (s).n_answered - (s).n_correct + 2) AS lower_ok
FROM (SELECT worker, worker_skill(label, golden, 8, 2) AS s FROM answers GROUP BY worker) x
ORDER BY worker;
SELECT worker_skill(label = golden, 8, 2) = worker_skill(label, golden, 8, 2) AS bool_prior_same
FROM answers WHERE worker = 'w4';

-- nothing to count: NULL (no rows, or only rows without an answer or gold)
SELECT worker_skill(label, golden) AS no_rows FROM answers WHERE false;
SELECT worker_skill(label, golden) AS only_nulls FROM answers WHERE label IS NULL OR golden IS NULL;
SELECT worker_skill(NULL::boolean) AS null_bool, worker_skill(NULL::boolean, 1, 1) AS null_bool_prior;

-- bad priors: clear errors, even on rows that are skipped
SELECT worker_skill(label, golden, -1, 1) FROM answers;
SELECT worker_skill(label, golden, 1, 0) FROM answers;
SELECT worker_skill(label, golden, 'NaN', 1) FROM answers;
SELECT worker_skill(label, golden, 1, 'Infinity') FROM answers;
SELECT worker_skill(label, golden, NULL, 1) FROM answers;
SELECT worker_skill(label = golden, 2, -0.5) FROM answers;
SELECT worker_skill(label, golden, CASE WHEN worker = 'w2' THEN 2 ELSE 1 END, 1) FROM answers;
SELECT worker_skill(label, golden, 1, 1) AS no_rows_with_prior FROM answers WHERE false;
SELECT worker_skill(NULL::text, NULL::text, -1, 1);

-- a transition function called outside an aggregate works on a copy
SELECT labeling_internal.worker_skill_transfn('{1,1,0,0}', 'a', 'a') AS direct_call;
SELECT labeling_internal.worker_skill_transfn('{1,2,0,0}', 'a', 'a') AS bad_state;
SELECT labeling_internal.worker_skill_transfn('{1,1}', 'a', 'a') AS short_state;

-- ---------------------------------------------------------------------------
-- worker_class_skill: per golden class, with the confusion row
-- ---------------------------------------------------------------------------
CREATE TABLE class_answers (worker text, label text, golden text);
INSERT INTO class_answers
SELECT 'w', CASE WHEN i <= 18 THEN 'cat' ELSE 'dog' END, 'cat' FROM generate_series(1, 20) i
UNION ALL SELECT 'w', CASE WHEN i <= 2 THEN 'dog' WHEN i <= 9 THEN 'cat' ELSE 'bird' END, 'dog' FROM generate_series(1, 10) i
UNION ALL SELECT 'w', 'dog', NULL UNION ALL SELECT 'w', NULL, 'dog';
SELECT jsonb_pretty(worker_class_skill(label, golden)) FROM class_answers;

-- per class as rows: good on cats, bad on dogs
SELECT c.key AS golden_class, r.n_answered, r.n_correct, round(r.lower_bound::numeric, 4) AS lower_bound
FROM (SELECT worker_class_skill(label, golden) AS s FROM class_answers) x,
	 jsonb_each(x.s) c,
	 jsonb_to_record(c.value) AS r(n_answered bigint, n_correct bigint, lower_bound float8)
ORDER BY c.key;

-- each class follows worker_skill on that class; the counts add up
SELECT bool_and((s -> golden ->> 'posterior_mean')::float8 = (ws).posterior_mean
				AND (s -> golden ->> 'lower_bound')::float8 = (ws).lower_bound
				AND (s -> golden ->> 'upper_bound')::float8 = (ws).upper_bound) AS per_class_is_worker_skill
FROM (SELECT golden, worker_skill(label, golden, 3, 1) AS ws FROM class_answers GROUP BY golden) per,
	 (SELECT worker_class_skill(label, golden, 3, 1) AS s FROM class_answers) whole;

-- labels with JSON specials survive
SELECT worker_class_skill(l, g) FROM (VALUES ('say "hi"', 'say "hi"'), (E'tab\there', 'say "hi"')) v(l, g);
SELECT worker_class_skill(label, golden) AS no_rows FROM class_answers WHERE false;
SELECT worker_class_skill(label, golden, 0, 1) FROM class_answers;
SELECT worker_class_skill(label, golden, 1, NULL) FROM class_answers;

-- skill_estimate is a composite of bigints and doubles: its text form is
-- exact with extra_float_digits at its default (1), and binary COPY keeps it
SET extra_float_digits = 1;
CREATE TEMP TABLE ws_est AS SELECT worker, worker_skill(label, golden) AS e FROM answers GROUP BY worker;
SELECT count(*) AS estimates, bool_and(e::text::labeling.skill_estimate = e) AS text_round_trip,
	   bool_and(e::text::labeling.skill_estimate::text = e::text) AS same_text
FROM ws_est;
\copy ws_est TO 'results/worker_skill_estimates.bin' WITH (FORMAT binary)
CREATE TEMP TABLE ws_est2 (LIKE ws_est);
\copy ws_est2 FROM 'results/worker_skill_estimates.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trips FROM ws_est a JOIN ws_est2 b USING (worker) WHERE a.e::text = b.e::text;
SET extra_float_digits = 0;

DROP TABLE probs, answers, class_answers;
