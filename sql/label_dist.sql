-- label_dist: text and binary I/O, validation, accessors, jsonb casts, equality
SET extra_float_digits = 0;
-- the = and <> operators live in the labeling schema
SET search_path = public, labeling;

-- text form: labels sorted in byte order, shortest exact probabilities
SELECT '{"dog": 0.25, "cat": 0.75}'::labeling.label_dist;
SELECT '  { "b" :0.5 ,"a":0.5 }  '::labeling.label_dist;
SELECT '{"only": 1}'::labeling.label_dist;
SELECT '{"x": 1e-10, "y": 0.9999999999}'::labeling.label_dist;
SELECT '{"a": 0, "b": 1}'::labeling.label_dist;
SELECT '{"a": -0, "b": 1.0}'::labeling.label_dist;
-- byte order, not the collation: upper case before lower case, "1" < "10" < "2"
SELECT '{"b": 0.25, "B": 0.25, "a": 0.25, "A": 0.25}'::labeling.label_dist;
SELECT '{"2": 0.25, "10": 0.25, "1": 0.5}'::labeling.label_dist;
-- escapes and non-ASCII labels
SELECT '{"say \"hi\"": 0.5, "back\\slash": 0.25, "tab\there": 0.25}'::labeling.label_dist;
SELECT '{"caf\u00e9": 0.5, "日本": 0.25, "\ud83d\ude00": 0.25}'::labeling.label_dist;
SELECT '{"": 1}'::labeling.label_dist;
-- tolerance on the sum
SELECT '{"a": 0.3333333, "b": 0.3333333, "c": 0.3333334}'::labeling.label_dist;

-- exact round trip: out(in(out(x))) = out(x) and in(out(x)) = x for awkward values
CREATE TABLE ld_roundtrip (id int, d labeling.label_dist);
INSERT INTO ld_roundtrip VALUES
	(1, '{"a": 0.1, "b": 0.2, "c": 0.7}'),
	(2, '{"a": 0.3333333333333333, "b": 0.3333333333333333, "c": 0.33333333333333337}'),
	(3, '{"p": 1e-10, "q": 0.9999999999, "r": 5e-324}'),
	(4, '{"x\"y": 0.123456789012345678, "z": 0.876543210987654322}'),
	(5, '{"\u0001": 0.5, "\n": 0.5}');
SELECT id, d::text::labeling.label_dist = d AS same_value,
	   d::text::labeling.label_dist::text = d::text AS same_text
FROM ld_roundtrip ORDER BY id;
-- also with the shortest-form switch off (extra_float_digits does not matter)
SET extra_float_digits = -15;
SELECT id, d::text FROM ld_roundtrip ORDER BY id;
SET extra_float_digits = 0;

-- binary send/receive round trip through COPY BINARY
\copy ld_roundtrip TO 'results/label_dist.bin' WITH (FORMAT binary)
CREATE TABLE ld_roundtrip2 (LIKE ld_roundtrip);
\copy ld_roundtrip2 FROM 'results/label_dist.bin' WITH (FORMAT binary)
SELECT a.id, a.d = b.d AS same_value FROM ld_roundtrip a JOIN ld_roundtrip2 b USING (id) ORDER BY id;

-- malformed input: clear errors with SQLSTATE
\set VERBOSITY default
SELECT ''::labeling.label_dist;
SELECT '{}'::labeling.label_dist;
SELECT '[1,2]'::labeling.label_dist;
SELECT '{"a": 0.5, "b": 0.5'::labeling.label_dist;
SELECT '{"a" 1}'::labeling.label_dist;
SELECT '{a: 1}'::labeling.label_dist;
SELECT '{"a": }'::labeling.label_dist;
SELECT '{"a": one}'::labeling.label_dist;
SELECT '{"a": 1} trailing'::labeling.label_dist;
SELECT '{"a": 1,}'::labeling.label_dist;
SELECT '{"a\q": 1}'::labeling.label_dist;
SELECT '{"a\u12": 1}'::labeling.label_dist;
SELECT '{"\u0000": 1}'::labeling.label_dist;
SELECT '{"\ud83d": 1}'::labeling.label_dist;
SELECT E'{"a\x01": 1}'::labeling.label_dist;
SELECT '{"a": 0.5, "a": 0.5}'::labeling.label_dist;
SELECT '{"a": 0.5, "b": 0.4}'::labeling.label_dist;
SELECT '{"a": 1.5, "b": -0.5}'::labeling.label_dist;
SELECT '{"a": -0.5, "b": 1.5}'::labeling.label_dist;
SELECT '{"a": NaN, "b": 1}'::labeling.label_dist;
SELECT '{"a": Infinity}'::labeling.label_dist;
SELECT '{"a": 1e400}'::labeling.label_dist;
\set VERBOSITY terse
-- the SQLSTATEs
DO $$
DECLARE
	s text;
BEGIN
	FOREACH s IN ARRAY ARRAY['{}', '{"a": 1', '{"a": 0.5, "a": 0.5}', '{"a": 0.2}', '{"a": NaN}']
	LOOP
		BEGIN
			PERFORM s::labeling.label_dist;
		EXCEPTION WHEN OTHERS THEN
			RAISE NOTICE '% -> %', s, SQLSTATE;
		END;
	END LOOP;
END
$$;
\set VERBOSITY default

-- NULLs: the accessors are strict
SELECT NULL::labeling.label_dist IS NULL AS null_in;
SELECT labeling.top_label(NULL), labeling.confidence(NULL), labeling.entropy(NULL),
	   labeling.label_count(NULL), labeling.probability(NULL, 'a'),
	   labeling.probability('{"a": 1}', NULL);

-- accessors
SELECT labeling.top_label(d), labeling.confidence(d), labeling.label_count(d),
	   labeling.probability(d, 'cat') AS p_cat, labeling.probability(d, 'bird') AS p_bird,
	   round(labeling.entropy(d)::numeric, 12) AS entropy
FROM (SELECT '{"dog": 0.25, "cat": 0.75}'::labeling.label_dist AS d) s;
-- a tie goes to the smallest label in byte order
SELECT labeling.top_label('{"b": 0.5, "a": 0.5}'), labeling.top_label('{"b": 0.5, "B": 0.5}');
-- entropy: 0 for a certain label, ln(2) for a fair coin, ln(4) for four equal labels
SELECT labeling.entropy('{"x": 1}') AS certain,
	   abs(labeling.entropy('{"h": 0.5, "t": 0.5}') - ln(2)) < 1e-15 AS coin,
	   abs(labeling.entropy('{"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}') - ln(4)) < 1e-15 AS four,
	   labeling.entropy('{"a": 0, "b": 1}') AS zero_mass;
SELECT labeling.labels(d), labeling.probabilities(d)
FROM (SELECT '{"b": 0.25, "a": 0.75}'::labeling.label_dist AS d) s;
SELECT * FROM labeling.label_probabilities('{"b": 0.25, "a": 0.75}');

-- jsonb casts, both ways
SELECT '{"dog": 0.25, "cat": 0.75}'::labeling.label_dist::jsonb;
SELECT ('{"dog": 0.25, "cat": 0.75}'::labeling.label_dist::jsonb ->> 'cat')::float8 AS p_cat;
SELECT '{"b": 0.5, "a": 0.5}'::jsonb::labeling.label_dist;
SELECT '{"a": [1]}'::jsonb::labeling.label_dist;
SELECT d::jsonb::labeling.label_dist = d AS jsonb_round_trip FROM ld_roundtrip ORDER BY id;

-- equality and hashing: GROUP BY / DISTINCT / hash joins work
SELECT '{"a": 0.5, "b": 0.5}'::labeling.label_dist = '{"b": 0.5, "a": 0.5}' AS eq,
	   '{"a": 0.5, "b": 0.5}'::labeling.label_dist <> '{"a": 0.25, "b": 0.75}' AS ne,
	   '{"a": 1}'::labeling.label_dist = '{"a": 1, "b": 0}' AS extra_zero_label;
SET enable_sort = off;
SELECT count(*) FROM (SELECT DISTINCT d FROM (VALUES ('{"a": 1}'::labeling.label_dist), ('{"a": 1.0}'),
	('{"a": 0.5, "b": 0.5}')) v(d)) s;
SELECT d, count(*) FROM (VALUES ('{"a": 1}'::labeling.label_dist), ('{"a": 1.0}'),
	('{"a": 0.5, "b": 0.5}')) v(d) GROUP BY d ORDER BY count(*);
RESET enable_sort;

DROP TABLE ld_roundtrip, ld_roundtrip2;
