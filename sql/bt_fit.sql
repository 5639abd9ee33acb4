-- bt_fit: options, the maximum-likelihood and MAP solutions checked with a
-- gradient computed independently in SQL, Newton against MM, analytic
-- derivatives against finite differences, and the noisy (per-worker) model.
SET extra_float_digits = 0;

-- seeded synthetic comparisons: 30 items with known strengths, 900
-- comparisons, Davidson outcomes (nu = 0.4) by 12 workers of whom 3 answer
-- at random
CREATE FUNCTION pg_temp.u(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
	$$ SELECT ((hashint8extended(i, 4242 + k) & 2147483647)::float8 + 0.5) / 2147483648.0 $$;
CREATE TABLE bt_syn AS
WITH truth AS (
	SELECT i, (i - 15.5) / 8.0 AS theta FROM generate_series(1, 30) i
), pairs AS (
	SELECT k, 1 + floor(pg_temp.u(k, 1) * 30)::int AS l, 1 + floor(pg_temp.u(k, 2) * 29)::int AS r0,
		   1 + floor(pg_temp.u(k, 3) * 12)::int AS worker, pg_temp.u(k, 4) AS u, pg_temp.u(k, 5) AS noise
	FROM generate_series(1, 900) k
), p2 AS (
	SELECT k, l, CASE WHEN r0 >= l THEN r0 + 1 ELSE r0 END AS r, worker, u, noise FROM pairs
), probs AS (
	SELECT p2.*, exp(tl.theta) AS el, exp(tr.theta) AS er, 0.4 * exp((tl.theta + tr.theta) / 2) AS et
	FROM p2 JOIN truth tl ON tl.i = p2.l JOIN truth tr ON tr.i = p2.r
)
SELECT k, l::bigint AS l, r::bigint AS r, worker::bigint AS worker,
	   CASE WHEN worker <= 3 THEN (CASE WHEN noise < 0.5 THEN l WHEN noise < 0.8 THEN r END)
			WHEN u < el / (el + er + et) THEN l
			WHEN u < (el + et) / (el + er + et) THEN NULL
			ELSE r END::bigint AS w
FROM probs;
SELECT count(*) AS comparisons, count(*) FILTER (WHERE w IS NULL) AS ties FROM bt_syn;

CREATE TABLE bt_m AS SELECT labeling.bt_rank(l, r, w) AS m FROM bt_syn;

-- pair counts for the independent checks
CREATE TABLE bt_pairs AS
SELECT least(l, r) AS a, greatest(l, r) AS b,
	   count(*) FILTER (WHERE w = least(l, r))::float8 AS wa,
	   count(*) FILTER (WHERE w = greatest(l, r))::float8 AS wb,
	   count(*) FILTER (WHERE w IS NULL)::float8 AS t
FROM bt_syn GROUP BY 1, 2;

-- 1. ties ignored, no prior: the maximum-likelihood solution.  The gradient
--    of the Bradley-Terry log-likelihood, computed here in SQL from the pair
--    counts, is ~0 at the converged scores.
CREATE TABLE bt_ml AS SELECT labeling.bt_fit(m, prior => 0, ties => 'ignore', tol => 1e-12) AS m FROM bt_m;
SELECT s->'converged' AS converged, s->'method' AS method, s->'tie_model' AS tie_model, s->'prior' AS prior,
	   (s->>'gradient_max')::float8 < 1e-9 AS reported_stationary
FROM (SELECT labeling.bt_summary(m) AS s FROM bt_ml) q;
WITH s AS (SELECT item::bigint AS i, score FROM labeling.bt_scores((SELECT m FROM bt_ml))),
side AS (
	SELECT p.a AS i, p.wa AS won, (p.wa + p.wb) / (1 + exp(sb.score - sa.score)) AS expected
	FROM bt_pairs p JOIN s sa ON sa.i = p.a JOIN s sb ON sb.i = p.b
	UNION ALL
	SELECT p.b, p.wb, (p.wa + p.wb) / (1 + exp(sa.score - sb.score))
	FROM bt_pairs p JOIN s sa ON sa.i = p.a JOIN s sb ON sb.i = p.b
)
SELECT max(abs(g)) < 1e-8 AS ml_gradient_zero, count(*) AS items
FROM (SELECT i, sum(won - expected) AS g FROM side GROUP BY i) q;
-- the scores are log-strengths normalised so that the strengths sum to 1
SELECT abs(sum(strength) - 1) < 1e-12 AS strengths_sum_1,
	   max(abs(strength - exp(score))) < 1e-12 AS strength_is_exp_score,
	   bool_and(se IS NULL) AS no_se_without_prior
FROM labeling.bt_scores((SELECT m FROM bt_ml));

-- MM (Hunter) converges to the same maximum-likelihood solution
SELECT max(abs(a.score - b.score)) < 1e-7 AS mm_equals_newton
FROM labeling.bt_scores((SELECT m FROM bt_ml)) a
JOIN labeling.bt_scores((SELECT labeling.bt_fit(m, prior => 0, method => 'mm', tol => 1e-12) FROM bt_m)) b
  USING (item);
SELECT s->'converged' AS converged, (s->>'iterations')::int > 10 AS many_iterations
FROM (SELECT labeling.bt_summary(labeling.bt_fit(m, prior => 0, method => 'mm', tol => 1e-12)) AS s FROM bt_m) q;

-- 2. the default fit: Davidson ties and prior 1.  The gradient of the
--    log-posterior in the scores and in log(nu), computed in SQL, is ~0.
SELECT s->'converged' AS converged, s->'tie_model' AS tie_model, s->'prior' AS prior,
	   round((s->>'tie_nu')::numeric, 3) AS nu, (s->>'iterations')::int < 20 AS few_iterations
FROM (SELECT labeling.bt_summary(m) AS s FROM bt_m) q;
WITH s AS (SELECT item::bigint AS i, score FROM labeling.bt_scores((SELECT m FROM bt_m))),
nu AS (SELECT (labeling.bt_summary(m)->>'tie_nu')::float8 AS nu FROM bt_m),
pp AS (
	SELECT p.*, sa.score AS xa, sb.score AS xb,
		   exp(sa.score) / (exp(sa.score) + exp(sb.score) + nu * exp((sa.score + sb.score) / 2)) AS pa,
		   exp(sb.score) / (exp(sa.score) + exp(sb.score) + nu * exp((sa.score + sb.score) / 2)) AS pb,
		   nu * exp((sa.score + sb.score) / 2) / (exp(sa.score) + exp(sb.score) + nu * exp((sa.score + sb.score) / 2)) AS pt
	FROM bt_pairs p JOIN s sa ON sa.i = p.a JOIN s sb ON sb.i = p.b, nu
),
side AS (
	SELECT a AS i, wa + t / 2 - (wa + wb + t) * (pa + pt / 2) AS g FROM pp
	UNION ALL
	SELECT b, wb + t / 2 - (wa + wb + t) * (pb + pt / 2) FROM pp
),
grad AS (
	SELECT s.i, coalesce(sum(side.g), 0) + (1 - 2 / (1 + exp(-s.score))) AS g
	FROM s LEFT JOIN side USING (i) GROUP BY s.i, s.score
)
SELECT (SELECT max(abs(g)) < 1e-7 FROM grad) AS score_gradient_zero,
	   (SELECT abs(sum(t - (wa + wb + t) * pt) + 0.5 * (2 - nu.nu) / (2 + nu.nu)) < 1e-7 FROM pp, nu GROUP BY nu.nu)
	   AS log_nu_gradient_zero;

-- every analytic derivative against central finite differences, away from
-- the fit; and the analytic gradient at the fit is ~0
SELECT kind, count(*) AS parameters,
	   max(abs(analytic - finite_difference) / (1 + abs(analytic))) < 1e-6 AS matches,
	   coalesce(max(abs(at_fit)) < 1e-6, true) AS zero_at_fit,
	   max(abs(analytic)) > 0.01 AS nontrivial
FROM labeling.bt_gradient_check((SELECT m FROM bt_m), 1e-5, 1000) GROUP BY kind ORDER BY kind;
SELECT kind, max(abs(analytic - finite_difference) / (1 + abs(analytic))) < 1e-6 AS matches
FROM labeling.bt_gradient_check((SELECT m FROM bt_ml), 1e-5, 1000) GROUP BY kind ORDER BY kind;

-- the truth is recovered: Spearman correlation of scores with the true order
WITH s AS (SELECT item::bigint AS i, rank() OVER (ORDER BY score) AS rs FROM labeling.bt_scores((SELECT m FROM bt_m)))
SELECT corr(rs, i) > 0.9 AS spearman_above_0_9 FROM s;

-- 95% intervals cover the truth for most items (truth centred like the scores)
WITH s AS (SELECT item::bigint AS i, score, lower, upper FROM labeling.bt_scores((SELECT m FROM bt_m))),
t AS (SELECT i, (i - 15.5) / 8.0 AS theta FROM generate_series(1, 30) i)
SELECT count(*) FILTER (WHERE t.theta - (SELECT avg(theta) FROM t) + (SELECT avg(score) FROM s)
						BETWEEN s.lower AND s.upper) >= 25 AS covered
FROM s JOIN t USING (i);

-- 3. the noisy model: reliability per worker, the random workers found
CREATE TABLE bt_noisy AS SELECT labeling.bt_rank(l, r, w, worker) AS m FROM bt_syn;
SELECT s->'noisy' AS noisy, s->'converged' AS converged, s->'workers' AS workers,
	   (s->>'gradient_max')::float8 < 1e-4 AS stationary
FROM (SELECT labeling.bt_summary(m) AS s FROM bt_noisy) q;
SELECT worker, reliability < 0.5 AS unreliable, comparisons > 0 AS answered,
	   abs(noise_left + noise_right + noise_same - 1) < 1e-12 AS shares_sum_1
FROM labeling.bt_workers((SELECT m FROM bt_noisy)) ORDER BY worker::int;
-- the random workers said "left" half of the time: their noise shares show it
SELECT worker, round(noise_left::numeric, 1) AS noise_left
FROM labeling.bt_workers((SELECT m FROM bt_noisy)) WHERE worker::int <= 3 ORDER BY worker;
-- the marginal gradient (scores, log nu, logit reliability, noise shares)
-- against finite differences, and ~0 at the EM fit (refitted tightly)
SELECT kind, count(*) > 40 AS many, max(abs(analytic - finite_difference) / (1 + abs(analytic))) < 1e-6 AS matches,
	   max(abs(at_fit)) < 1e-6 AS zero_at_fit
FROM labeling.bt_gradient_check((SELECT labeling.bt_fit(m, tol => 1e-11, max_iter => 100000) FROM bt_noisy), 1e-5, 1000)
GROUP BY kind;
-- the noisy model ranks at least as well as the plain one on these data
WITH n AS (SELECT item::bigint AS i, rank() OVER (ORDER BY score) AS rs FROM labeling.bt_scores((SELECT m FROM bt_noisy))),
p AS (SELECT item::bigint AS i, rank() OVER (ORDER BY score) AS rs FROM labeling.bt_scores((SELECT m FROM bt_m)))
SELECT (SELECT corr(rs, i) FROM n) >= (SELECT corr(rs, i) FROM p) - 0.01 AS noisy_not_worse;
-- a noisy model refitted without the noise model equals the plain fit
SELECT max(abs(a.score - b.score)) < 1e-12 AS plain_refit
FROM labeling.bt_scores((SELECT labeling.bt_fit(m, noisy => false) FROM bt_noisy)) a
JOIN labeling.bt_scores((SELECT m FROM bt_m)) b USING (item);
SELECT count(*) AS workers, bool_and(reliability IS NULL) AS no_reliability
FROM labeling.bt_workers((SELECT labeling.bt_fit(m, noisy => false) FROM bt_noisy));

-- 4. options and their errors
SELECT s->'max_iter' AS max_iter, s->'iterations' AS iterations, s->'converged' AS converged
FROM (SELECT labeling.bt_summary(labeling.bt_fit(m, max_iter => 1)) AS s FROM bt_m) q;
SELECT s->'method' AS method, s->'tie_model' AS tie_model, s->'max_iter' AS max_iter
FROM (SELECT labeling.bt_summary(labeling.bt_fit(m, method => 'mm')) AS s FROM bt_m) q;
SELECT labeling.bt_fit(NULL::labeling.bt_model) IS NULL AS null_model;
SELECT labeling.bt_fit(m, prior => -1) FROM bt_m;
SELECT labeling.bt_fit(m, prior => 'NaN') FROM bt_m;
SELECT labeling.bt_fit(m, ties => 'rao-kupper') FROM bt_m;
SELECT labeling.bt_fit(m, method => 'gradient') FROM bt_m;
SELECT labeling.bt_fit(m, method => 'mm', ties => 'davidson') FROM bt_m;
SELECT labeling.bt_fit(m, max_iter => 0) FROM bt_m;
SELECT labeling.bt_fit(m, tol => -1) FROM bt_m;
SELECT labeling.bt_fit(m, tol => 'Infinity') FROM bt_m;
SELECT labeling.bt_fit(m, noisy => true) FROM bt_m;
SELECT labeling.bt_fit(m, method => 'mm', ties => 'ignore') FROM bt_noisy;
SELECT * FROM labeling.bt_gradient_check((SELECT m FROM bt_m), 0);
SELECT * FROM labeling.bt_gradient_check((SELECT m FROM bt_m), 1e-5, 0);

DROP TABLE bt_syn, bt_m, bt_pairs, bt_ml, bt_noisy;
