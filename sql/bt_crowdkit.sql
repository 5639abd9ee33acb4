-- Crowd-Kit 1.4.1 BradleyTerry on urbano-musicsim-pairwise (reference outputs
-- in test/data/reference/crowdkit-1.4.1/, README sections 4.8 and 4.9): with
-- ties and unanswered rows dropped, no prior and the MM iteration, bt_fit
-- reproduces both reference runs (2 and 1000 iterations); its strengths are
-- Crowd-Kit's scores_ (normalised to sum 1, 0 for items without wins).
SET extra_float_digits = 0;

CREATE TABLE ck_cmp (worker text, l text, r text, label text);
\copy ck_cmp FROM 'test/data/urbano-musicsim-pairwise/comparisons.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE ck_conv (item text, score float8);
\copy ck_conv FROM 'test/data/reference/crowdkit-1.4.1/urbano-musicsim-pairwise/bt_converged_scores.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE ck_two (item text, score float8);
\copy ck_two FROM 'test/data/reference/crowdkit-1.4.1/urbano-musicsim-pairwise/bt_scores.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE ck_ref (item text, grp int);
\copy ck_ref FROM 'test/data/urbano-musicsim-pairwise/reference_ranking.csv' WITH (FORMAT csv, HEADER true)

-- 2810 rows: 1405 ties ('='), 5 unanswered (empty, read as NULL)
SELECT count(*) AS rows, count(*) FILTER (WHERE label = '=') AS ties,
	   count(*) FILTER (WHERE label IS NULL) AS unanswered FROM ck_cmp;

-- the reference's input: decisive rows only
CREATE TABLE ck_m AS
SELECT labeling.bt_rank(l, r, label) FILTER (WHERE label <> '=') AS decisive,
	   labeling.bt_rank(l, r, NULLIF(label, '=')) FILTER (WHERE label IS NOT NULL) AS with_ties,
	   labeling.bt_rank(l, r, NULLIF(label, '='), worker) FILTER (WHERE label IS NOT NULL) AS noisy
FROM ck_cmp;
SELECT s->'comparisons' AS comparisons, s->'items' AS items, s->'components' AS components
FROM (SELECT labeling.bt_summary(decisive) AS s FROM ck_m) q;

-- exactly 1000 MM iterations (tol 0) and exactly 2: max |difference| to Crowd-Kit
SELECT max(abs(s.strength - c.score)) < 1e-12 AS matches_1000_iterations, count(*) AS items,
	   count(*) FILTER (WHERE s.strength = 0 AND c.score = 0) AS zero_both
FROM labeling.bt_scores((SELECT labeling.bt_fit(decisive, prior => 0, ties => 'ignore', method => 'mm',
												max_iter => 1000, tol => 0) FROM ck_m)) s
JOIN ck_conv c USING (item);
SELECT max(abs(s.strength - c.score)) < 1e-12 AS matches_2_iterations, count(*) AS items
FROM labeling.bt_scores((SELECT labeling.bt_fit(decisive, prior => 0, method => 'mm',
												max_iter => 2, tol => 0) FROM ck_m)) s
JOIN ck_two c USING (item);
-- no maximum-likelihood solution exists here: MM has not converged after 1000
-- iterations, items without wins go to -Infinity
SELECT s->'iterations' AS iterations, s->'converged' AS converged
FROM (SELECT labeling.bt_summary(labeling.bt_fit(decisive, prior => 0, method => 'mm', max_iter => 1000, tol => 0)) AS s
	  FROM ck_m) q;
SELECT count(*) FILTER (WHERE score = '-Infinity') AS minus_infinity, count(*) FILTER (WHERE losses = 0) AS never_lost
FROM labeling.bt_scores((SELECT labeling.bt_fit(decisive, prior => 0, method => 'mm', max_iter => 1000, tol => 0) FROM ck_m));

-- with the default prior every score is finite, and the fit converges
SELECT s->'converged' AS converged, s->'components' AS components,
	   (SELECT bool_and(score > '-Infinity' AND score < 'Infinity' AND se > 0)
		FROM labeling.bt_scores(decisive)) AS all_finite
FROM (SELECT decisive, labeling.bt_summary(decisive) AS s FROM ck_m) q;

-- agreement with the authors' reference ranking (group 1 = most similar),
-- pooled over all queries as in the reference README: Spearman and Kendall
-- tau-b between -group and score (Crowd-Kit: 0.523 / 0.388 after 2
-- iterations, 0.670 / 0.520 after 1000, NoisyBT 0.676 / 0.516)
CREATE FUNCTION pg_temp.agreement(m labeling.bt_model, OUT spearman numeric, OUT kendall_tau_b numeric)
LANGUAGE sql AS $$
	WITH s AS (SELECT s.item, s.score, -r.grp AS g FROM labeling.bt_scores(m) s JOIN ck_ref r USING (item)),
	rk AS (SELECT item, score, g,
				  rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS rs,
				  rank() OVER (ORDER BY g) + (count(*) OVER (PARTITION BY g) - 1) / 2.0 AS rg FROM s),
	pairs AS (SELECT sign(a.score - b.score) AS ds, sign(a.g - b.g) AS dg
			  FROM s a JOIN s b ON a.item < b.item)
	SELECT round(corr(rs, rg)::numeric, 3),
		   (SELECT round((sum(ds * dg) / sqrt(sum(abs(ds)) * sum(abs(dg))))::numeric, 3) FROM pairs)
	FROM rk
$$;
SELECT 'crowdkit 2 iterations' AS fit, * FROM pg_temp.agreement((SELECT labeling.bt_fit(decisive, prior => 0, method => 'mm', max_iter => 2, tol => 0) FROM ck_m))
UNION ALL
SELECT 'crowdkit 1000 iterations', * FROM pg_temp.agreement((SELECT labeling.bt_fit(decisive, prior => 0, method => 'mm', max_iter => 1000, tol => 0) FROM ck_m))
UNION ALL
SELECT 'bt_rank, ties dropped', * FROM pg_temp.agreement((SELECT decisive FROM ck_m))
UNION ALL
SELECT 'bt_rank, ties modelled', * FROM pg_temp.agreement((SELECT with_ties FROM ck_m))
UNION ALL
SELECT 'bt_rank, noisy workers', * FROM pg_temp.agreement((SELECT noisy FROM ck_m));

DROP TABLE ck_cmp, ck_conv, ck_two, ck_ref, ck_m;
