-- fleiss_kappa and cohen_kappa: the standard worked examples, the varying-
-- raters generalisation against its formula, NULLs and undefined cases.
SET extra_float_digits = 0;
SET search_path = public, labeling;

-- ---------------------------------------------------------------------------
-- Fleiss' kappa
-- ---------------------------------------------------------------------------
-- The standard worked example: 10 subjects, 14 raters, 5 categories, with
-- the number of raters per (subject, category); kappa = 0.210.
CREATE TABLE fleiss_table (subject int, c1 int, c2 int, c3 int, c4 int, c5 int);
INSERT INTO fleiss_table VALUES
	(1, 0, 0, 0, 0, 14), (2, 0, 2, 6, 4, 2), (3, 0, 0, 3, 5, 6), (4, 0, 3, 9, 2, 0),
	(5, 2, 2, 8, 1, 1), (6, 7, 7, 0, 0, 0), (7, 3, 2, 6, 3, 0), (8, 2, 5, 3, 2, 2),
	(9, 6, 5, 2, 1, 0), (10, 0, 2, 2, 3, 7);
-- one row per rating
CREATE TABLE fleiss_ratings AS
SELECT f.subject, 'cat' || x.category AS label
FROM fleiss_table f,
	 LATERAL (VALUES (1, f.c1), (2, f.c2), (3, f.c3), (4, f.c4), (5, f.c5)) x(category, n),
	 generate_series(1, x.n);
SELECT count(*) AS ratings, round(fleiss_kappa(subject, label)::numeric, 3) AS kappa FROM fleiss_ratings;

-- Fleiss (1971) by the book: P_i, P-bar, p_j, P_e (constant 14 raters)
WITH p_i AS (SELECT subject, (sum(n * n) - 14) / (14.0 * 13) AS pi
			 FROM (SELECT subject, label, count(*) AS n FROM fleiss_ratings GROUP BY 1, 2) c GROUP BY subject),
p_j AS (SELECT label, count(*) / 140.0 AS pj FROM fleiss_ratings GROUP BY label),
book AS (SELECT ((SELECT avg(pi) FROM p_i) - (SELECT sum(pj * pj) FROM p_j))
				/ (1 - (SELECT sum(pj * pj) FROM p_j)) AS kappa)
SELECT round(kappa, 6) AS by_the_book,
	   abs((SELECT fleiss_kappa(subject, label) FROM fleiss_ratings) - kappa) < 1e-14 AS same
FROM book;

-- text units, and row order, do not matter
SELECT abs(fleiss_kappa(subject::text, label) - 0.209930704421955) < 1e-13 AS text_units
FROM (SELECT * FROM fleiss_ratings ORDER BY md5(subject || label || random()::text)) s;

-- A varying number of raters and units rated once: Gwet's
-- generalisation over the units with >= 2 ratings,
--   p_a = mean_u sum_k r_uk (r_uk - 1) / (r_u (r_u - 1)),
--   pi_k = mean_u r_uk / r_u,   kappa = (p_a - sum pi_k^2) / (1 - sum pi_k^2)
CREATE TABLE varying AS
SELECT i % 97 AS unit,
	   'l' || ((i % 97) % 3 + CASE WHEN (i * 2654435761) % 1000003 % 4 = 0 THEN 1 ELSE 0 END) % 3 AS label
FROM generate_series(1, 400) i
WHERE i % 97 < 90 AND (i % 97) % 7 <> 3 OR i IN (3, 10);
WITH r AS (SELECT unit, label, count(*) AS ruk, sum(count(*)) OVER (PARTITION BY unit) AS ru
		   FROM varying GROUP BY unit, label),
u AS (SELECT * FROM r WHERE ru >= 2),
pa AS (SELECT avg(s) AS pa FROM (SELECT unit, sum(ruk * (ruk - 1) / (ru * (ru - 1))) AS s FROM u GROUP BY unit) x),
pk AS (SELECT label, sum(ruk / ru) / (SELECT count(DISTINCT unit) FROM u) AS pik FROM u GROUP BY label),
pe AS (SELECT sum(pik * pik) AS pe FROM pk)
SELECT (SELECT count(DISTINCT unit) FROM varying) AS units,
	   (SELECT count(*) FROM (SELECT unit FROM varying GROUP BY unit HAVING count(*) = 1) s) AS rated_once,
	   (SELECT min(c) || '..' || max(c) FROM (SELECT count(*) AS c FROM varying GROUP BY unit) s) AS raters,
	   round((pa - pe) / (1 - pe), 6) AS by_formula,
	   abs((SELECT fleiss_kappa(unit, label) FROM varying) - (pa - pe) / (1 - pe)) < 1e-14 AS same
FROM pa, pe;

-- units rated once change nothing
SELECT fleiss_kappa(unit, label) = (SELECT fleiss_kappa(subject, label) FROM fleiss_ratings) AS single_ratings_ignored
FROM (SELECT subject AS unit, label FROM fleiss_ratings
	  UNION ALL SELECT 100 + g, 'cat' || g % 3 FROM generate_series(1, 20) g) s;

-- NULLs are skipped and counted nowhere
SELECT fleiss_kappa(unit, label) = (SELECT fleiss_kappa(subject, label) FROM fleiss_ratings) AS nulls_skipped
FROM (SELECT subject AS unit, label FROM fleiss_ratings
	  UNION ALL SELECT 1, NULL UNION ALL SELECT NULL, 'cat1' UNION ALL SELECT 2, NULL) s;

-- perfect agreement 1; undefined (no unit with 2 ratings, a single label,
-- no rows) is NULL, never a division by zero
SELECT fleiss_kappa(u, l) AS perfect FROM (VALUES (1, 'a'), (1, 'a'), (2, 'b'), (2, 'b'), (2, 'b')) t(u, l);
SELECT fleiss_kappa(u, l) AS all_rated_once FROM (VALUES (1, 'a'), (2, 'b'), (3, 'a')) t(u, l);
SELECT fleiss_kappa(u, l) AS one_label FROM (VALUES (1, 'a'), (1, 'a'), (2, 'a'), (2, 'a')) t(u, l);
SELECT fleiss_kappa(subject, label) AS no_rows FROM fleiss_ratings WHERE false;

-- ---------------------------------------------------------------------------
-- Cohen's kappa
-- ---------------------------------------------------------------------------
-- The textbook 2 x 2 table: 50 items, both "yes" 20, A yes / B no 5,
-- A no / B yes 10, both "no" 15: p_o = 0.7, p_e = 0.5, kappa = 0.4
CREATE TABLE two_raters (item int, a text, b text);
INSERT INTO two_raters
SELECT row_number() OVER (), x.a, x.b
FROM (VALUES ('yes', 'yes', 20), ('yes', 'no', 5), ('no', 'yes', 10), ('no', 'no', 15)) x(a, b, n),
	 generate_series(1, x.n);
SELECT count(*) AS items, cohen_kappa(a, b) AS kappa, cohen_kappa(a, b) = 0.4 AS exactly_0_4 FROM two_raters;

-- symmetric in its arguments; NULL on either side skips the item
SELECT cohen_kappa(b, a) = 0.4 AS symmetric FROM two_raters;
SELECT cohen_kappa(a, b) = 0.4 AS nulls_skipped
FROM (SELECT a, b FROM two_raters UNION ALL VALUES ('yes', NULL), (NULL, 'no'), (NULL, NULL)) s;

-- a 3-label table against the formula sum_k p_kk, sum_k p_k. p_.k
CREATE TABLE three_raters AS
SELECT i, (ARRAY['x', 'y', 'z'])[1 + i % 3] AS a,
	   (ARRAY['x', 'y', 'z'])[1 + (i + (i / 3) % 2 * (i % 5)) % 3] AS b
FROM generate_series(1, 300) i;
WITH n AS (SELECT count(*)::float8 AS n FROM three_raters),
po AS (SELECT count(*) FILTER (WHERE a = b) / (SELECT n FROM n) AS po FROM three_raters),
pe AS (SELECT sum(ra * cb) / (SELECT n * n FROM n) AS pe
	   FROM (SELECT a AS l, count(*) AS ra FROM three_raters GROUP BY a) r
	   JOIN (SELECT b AS l, count(*) AS cb FROM three_raters GROUP BY b) c USING (l))
SELECT round(((po - pe) / (1 - pe))::numeric, 6) AS by_formula,
	   abs((SELECT cohen_kappa(a, b) FROM three_raters) - (po - pe) / (1 - pe)) < 1e-14 AS same
FROM po, pe;

-- perfect agreement 1, chance level 0, complete disagreement below 0;
-- undefined (both raters always the same single label; no rows) is NULL
SELECT cohen_kappa(a, a) AS perfect FROM two_raters;
SELECT cohen_kappa(a, b) AS chance FROM (VALUES ('x', 'x'), ('x', 'y'), ('y', 'x'), ('y', 'y')) t(a, b);
SELECT cohen_kappa(a, b) AS opposite FROM (VALUES ('x', 'y'), ('y', 'x')) t(a, b);
SELECT cohen_kappa(a, b) AS one_label FROM (VALUES ('x', 'x'), ('x', 'x')) t(a, b);
SELECT cohen_kappa(a, b) AS no_rows FROM two_raters WHERE false;

DROP TABLE fleiss_table, fleiss_ratings, varying, two_raters, three_raters;
