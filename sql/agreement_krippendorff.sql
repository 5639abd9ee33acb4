-- krippendorff_alpha: Krippendorff's 2011 worked example (4 observers x 12
-- units, missing values) for every metric, the linear-time formulas against
-- a brute-force coincidence matrix, and bad input.
SET extra_float_digits = 0;
SET search_path = public, labeling;

-- "Computing Krippendorff's Alpha-Reliability" (2011), section C: reliability
-- data of observers A-D on units 1-12, "." = missing.
--   A: 1 2 3 3 2 1 4 1 2 . . .
--   B: 1 2 3 3 2 2 4 1 2 5 . 3
--   C: . 3 3 3 2 3 4 2 2 5 1 .
--   D: 1 2 3 3 2 4 4 1 2 5 1 .
-- Unit 12 has a single value and is not pairable; n = 40 pairable values.
CREATE TABLE k2011 AS
SELECT d.coder, x.unit::int AS unit, x.value
FROM (VALUES ('A', ARRAY[1, 2, 3, 3, 2, 1, 4, 1, 2, NULL, NULL, NULL]),
			 ('B', ARRAY[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NULL, 3]),
			 ('C', ARRAY[NULL, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NULL]),
			 ('D', ARRAY[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NULL])) d(coder, vals),
	 unnest(d.vals) WITH ORDINALITY x(value, unit);
SELECT count(*) AS cells, count(value) AS values FROM k2011;

-- the printed alphas: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797
SELECT m.metric,
	   round(krippendorff_alpha(unit, coder, value::float8, m.metric)::numeric, 3) AS alpha
FROM k2011, (VALUES (1, 'nominal'), (2, 'ordinal'), (3, 'interval'), (4, 'ratio')) m(i, metric)
GROUP BY m.i, m.metric ORDER BY m.i;

-- and to 1e-12 of an independent brute-force computation over all pairable
-- pairs (nominal = 113/152, interval = 951/1120 exactly)
SELECT abs(krippendorff_alpha(unit, coder, value::float8, 'nominal') - 113.0 / 152) < 1e-14 AS nominal,
	   abs(krippendorff_alpha(unit, coder, value::float8, 'ordinal') - 0.8153875037548814) < 1e-12 AS ordinal,
	   abs(krippendorff_alpha(unit, coder, value::float8, 'interval') - 951.0 / 1120) < 1e-14 AS interval,
	   abs(krippendorff_alpha(unit, coder, value::float8, 'ratio') - 0.7974027747116121) < 1e-12 AS ratio
FROM k2011;

-- every signature gives the same nominal alpha: text or numeric values,
-- bigint or text units, any coder type, metric given or not
SELECT abs(krippendorff_alpha(unit, coder, value::text) - 113.0 / 152) < 1e-14 AS text_values,
	   abs(krippendorff_alpha(unit::text, coder, value::text) - 113.0 / 152) < 1e-14 AS text_units,
	   abs(krippendorff_alpha(unit, coder, value::float8) - 113.0 / 152) < 1e-14 AS numeric_default_nominal,
	   abs(krippendorff_alpha(unit::text, ascii(coder), value::text, 'NOMINAL') - 113.0 / 152) < 1e-14 AS int_coders_named_metric,
	   abs(krippendorff_alpha(unit::bigint, coder, value, 'interval') - 951.0 / 1120) < 1e-14 AS integer_values
FROM k2011;

-- invariances: interval/ordinal under affine maps, ratio under scaling,
-- ordinal under any increasing map; nominal under relabeling
SELECT abs(krippendorff_alpha(unit, coder, 1e6 - 3.5 * value, 'interval') - 951.0 / 1120) < 1e-12 AS interval_affine,
	   abs(krippendorff_alpha(unit, coder, exp(value::float8), 'ordinal') - 0.8153875037548814) < 1e-12 AS ordinal_monotone,
	   abs(krippendorff_alpha(unit, coder, 1e-200 * value, 'ratio') - 0.7974027747116121) < 1e-12 AS ratio_tiny_scale,
	   abs(krippendorff_alpha(unit, coder, 1e300 * value, 'ratio') - 0.7974027747116121) < 1e-12 AS ratio_huge_scale,
	   abs(krippendorff_alpha(unit, coder, 'v' || (value * 7 % 5), 'nominal') - 113.0 / 152) < 1e-14 AS nominal_relabel
FROM k2011;

-- The per-unit formulas against the definition on a larger noisy set:
-- o_ck summed over every ordered pair of values within a unit, /(m_u - 1).
CREATE TABLE kr AS
SELECT (i % 300) AS unit, 'c' || (i % 7) AS coder,
	   1 + (i % 300 % 6) + CASE (i * 2654435761) % 1000003 % 5 WHEN 0 THEN -1 WHEN 1 THEN 1 ELSE 0 END
	   + CASE WHEN i % 11 = 0 THEN 0.5 ELSE 0 END AS value
FROM generate_series(1, 1500) i
WHERE i % 13 <> 0 AND (i % 300 <> 17 OR i = 17);	-- unit 17 has a single value
CREATE TABLE kr_pairs AS
WITH m AS (SELECT unit, count(*) AS mu FROM kr GROUP BY unit HAVING count(*) >= 2),
r AS (SELECT kr.*, row_number() OVER () AS rid FROM kr JOIN m USING (unit))
SELECT a.value AS c, b.value AS k, 1.0 / (m.mu - 1) AS w
FROM r a JOIN r b ON a.unit = b.unit AND a.rid <> b.rid JOIN m ON m.unit = a.unit;
CREATE TABLE kr_margin AS SELECT c, sum(w) AS nc FROM kr_pairs GROUP BY c;
CREATE FUNCTION kr_delta2(metric text, c float8, k float8) RETURNS float8 LANGUAGE sql AS $$
	SELECT CASE metric
		WHEN 'nominal' THEN (c <> k)::int::float8
		WHEN 'interval' THEN (c - k) ^ 2
		WHEN 'ratio' THEN CASE WHEN c + k = 0 THEN 0 ELSE ((c - k) / (c + k)) ^ 2 END
		ELSE (SELECT (sum(nc) - ((SELECT nc FROM kr_margin WHERE kr_margin.c = $2)
								  + (SELECT nc FROM kr_margin WHERE kr_margin.c = $3)) / 2) ^ 2
			  FROM kr_margin WHERE kr_margin.c BETWEEN least($2, $3) AND greatest($2, $3))::float8
	END $$;
WITH metrics(metric) AS (VALUES ('nominal'), ('ordinal'), ('interval'), ('ratio')),
n AS (SELECT sum(nc) AS n FROM kr_margin),
brute AS (
	SELECT metric,
		   1 - (SELECT n - 1 FROM n) *
			   (SELECT sum(w * kr_delta2(metric, c, k)) FROM kr_pairs) /
			   (SELECT sum(a.nc * b.nc * kr_delta2(metric, a.c, b.c)) FROM kr_margin a, kr_margin b) AS alpha
	FROM metrics)
SELECT b.metric, round(b.alpha::numeric, 4) AS alpha,
	   abs((SELECT krippendorff_alpha(unit, coder, value, b.metric) FROM kr) - b.alpha) < 1e-12 AS same_as_definition
FROM brute b ORDER BY b.metric;
DROP FUNCTION kr_delta2(text, float8, float8);

-- every row counts: a coder answering twice is two values (as in Crowd-Kit)
SELECT round(krippendorff_alpha(u, c, v)::numeric, 6) AS with_duplicate,
	   round((1 - (1.0 / 5) * ((9 - 5) / 2.0 + (4 - 2) / 1.0) / ((25 - 13) / 20.0))::numeric, 6) AS by_hand
FROM (VALUES (1, 'a', 'x'), (1, 'a', 'x'), (1, 'b', 'y'), (2, 'a', 'x'), (2, 'b', 'y')) t(u, c, v);

-- NULLs are skipped and counted nowhere: a NULL unit, coder or value
SELECT krippendorff_alpha(unit, coder, value::float8, 'interval') =
	   (SELECT krippendorff_alpha(unit, coder, value::float8, 'interval') FROM k2011 WHERE value IS NOT NULL)
	   AS nulls_skipped
FROM (SELECT * FROM k2011
	  UNION ALL SELECT NULL, 1, 5 UNION ALL SELECT 'E', NULL, 5 UNION ALL SELECT 'E', 2, NULL) s;

-- nothing pairable, no variation, no rows: NULL, not a division by zero
SELECT krippendorff_alpha(u, c, v) AS single_values
FROM (VALUES (1, 'a', 'x'), (2, 'a', 'y'), (3, 'b', 'x')) t(u, c, v);
SELECT krippendorff_alpha(u, c, v) AS one_value_everywhere
FROM (VALUES (1, 'a', 'x'), (1, 'b', 'x'), (2, 'a', 'x'), (2, 'b', 'x')) t(u, c, v);
SELECT krippendorff_alpha(u, c, v, 'interval') AS one_number_everywhere,
	   krippendorff_alpha(u, c, v, 'ratio') AS all_zero_ratio
FROM (VALUES (1, 'a', 0.0::float8), (1, 'b', 0.0), (2, 'a', 0.0), (2, 'b', 0.0)) t(u, c, v);
SELECT krippendorff_alpha(unit, coder, value::text) AS no_rows FROM k2011 WHERE false;
SELECT krippendorff_alpha(unit, coder, value::text) AS only_nulls FROM k2011 WHERE value IS NULL;
-- perfect agreement, and systematic disagreement below 0
SELECT krippendorff_alpha(u, c, v) AS perfect
FROM (VALUES (1, 'a', 'x'), (1, 'b', 'x'), (2, 'a', 'y'), (2, 'b', 'y')) t(u, c, v);
SELECT krippendorff_alpha(u, c, v) AS opposite
FROM (VALUES (1, 'a', 'x'), (1, 'b', 'y'), (2, 'a', 'y'), (2, 'b', 'x')) t(u, c, v);

-- a unit with 200,000 values (rows alternate between 3 values) next to
-- 20,000 small units: the per-unit counts are exact, against the nominal
-- formula over GROUP BY counts
CREATE TABLE big_unit AS
SELECT CASE WHEN i <= 200000 THEN 0 ELSE i / 2 END AS unit, 'c' || i % 7 AS coder,
	   'v' || CASE WHEN i <= 200000 THEN i % 3 ELSE (i / 2) % 4 + (i % 2) * (i % 5 / 4) END AS value
FROM generate_series(1, 240000) i;
WITH c AS (SELECT unit, value, count(*)::float8 AS n FROM big_unit GROUP BY unit, value),
u AS (SELECT unit, sum(n) AS m, sum(n * n) AS sq FROM c GROUP BY unit HAVING sum(n) >= 2),
v AS (SELECT value, sum(n) AS nv FROM c JOIN u USING (unit) GROUP BY value),
tot AS (SELECT sum(m) AS n FROM u)
SELECT (SELECT count(*) FROM u) AS pairable_units,
	   abs((SELECT krippendorff_alpha(unit, coder, value) FROM big_unit)
		   - (1 - (SELECT sum((m * m - sq) / (m - 1)) FROM u) / n
				  / ((n * n - (SELECT sum(nv * nv) FROM v)) / (n * (n - 1))))) < 1e-12 AS same_as_formula
FROM tot;
DROP TABLE big_unit;

-- as a window aggregate the final function runs again and again while rows
-- keep coming: every running value equals the alpha of that prefix
SELECT count(*) AS prefixes,
	   count(*) FILTER (WHERE w.alpha IS NOT DISTINCT FROM p.alpha
						  AND w.fleiss IS NOT DISTINCT FROM p.fleiss) AS same
FROM (SELECT i, krippendorff_alpha(i % 5, i % 3, (i % 7)::text) OVER (ORDER BY i) AS alpha,
			 fleiss_kappa(i % 5, (i % 7)::text) OVER (ORDER BY i) AS fleiss
	  FROM generate_series(1, 40) i) w
JOIN (SELECT n, krippendorff_alpha(i % 5, i % 3, (i % 7)::text) AS alpha,
			 fleiss_kappa(i % 5, (i % 7)::text) AS fleiss
	  FROM generate_series(1, 40) n, generate_series(1, 40) i WHERE i <= n GROUP BY n) p ON p.n = w.i;

-- grouped: one alpha per group
SELECT unit % 2 AS parity, round(krippendorff_alpha(unit, coder, value::text)::numeric, 4) AS alpha
FROM k2011 GROUP BY unit % 2 ORDER BY 1;

-- bad input: clear errors
SELECT krippendorff_alpha(unit, coder, value::float8, 'bogus') FROM k2011;
SELECT krippendorff_alpha(unit, coder, value::float8, NULL) FROM k2011;
SELECT krippendorff_alpha(unit, coder, value::text, 'interval') FROM k2011;
SELECT krippendorff_alpha(unit, coder, value - 3.0, 'ratio') FROM k2011;
SELECT krippendorff_alpha(u, c, v, 'interval')
FROM (VALUES (1, 'a', 1.0::float8), (1, 'b', 'NaN')) t(u, c, v);
SELECT krippendorff_alpha(u, c, v, 'interval')
FROM (VALUES (1, 'a', 1.0::float8), (1, 'b', 'Infinity')) t(u, c, v);
SELECT krippendorff_alpha(unit, coder, value::float8, CASE WHEN unit < 6 THEN 'interval' ELSE 'ordinal' END)
FROM k2011;
-- the metric is checked even when every value is NULL
SELECT krippendorff_alpha(unit, coder, NULL::float8, 'bogus') FROM k2011;

DROP TABLE k2011, kr, kr_pairs, kr_margin;
