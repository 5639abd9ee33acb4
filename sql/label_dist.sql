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

-- ---------------------------------------------------------------------------
-- Numbers follow JSON's grammar (RFC 8259) exactly, however long, and are
-- rounded correctly to the nearest double; good and bad inputs side by side.
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.ld_try(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
	det text;
BEGIN
	RETURN s::labeling.label_dist::text;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || ' / ' || det;
END $$;
-- 2^-1075 exactly (half the smallest denormal), as a plain decimal
CREATE TEMP TABLE ld_half_min AS
WITH RECURSIVE p(n, v) AS (SELECT 0, 1::numeric UNION ALL SELECT n + 1, v * 5 FROM p WHERE n < 1075)
SELECT v AS five_pow, '0.' || lpad(v::text, 1075, '0') AS half_min FROM p WHERE n = 1075;
SELECT what, pg_temp.ld_try(s) AS result FROM (VALUES
	('integer', '{"a": 1}'),
	('fraction', '{"a": 1.0}'),
	('exponent', '{"a": 1e0}'),
	('upper-case exponent with sign', '{"a": 1E+0}'),
	('negative exponent', '{"a": 10e-1}'),
	('fraction and exponent', '{"a": 0.1e1}'),
	('long mantissa, long exponent', '{"a": 100000000000000000000e-00000000000000000020}'),
	('minus zero', '{"a": -0, "b": 1}'),
	('minus zero with fraction and exponent', '{"a": -0.0e-0, "b": 1}'),
	('zero with a huge exponent', '{"a": 0e99999999999999999999, "b": 1}'),
	('underflow to zero', '{"a": 1e-400, "b": 1}'),
	('huge negative exponent', '{"a": 1e-99999999999999999999, "b": 1}'),
	('smallest denormal', '{"a": 5e-324, "b": 1}'),
	('smallest denormal, long form', '{"a": 4.9406564584124654e-324, "b": 1}'),
	('rounds up to the smallest denormal', '{"a": 2.4703282292062328e-324, "b": 1}'),
	('rounds down to zero', '{"a": 2.4703282292062327e-324, "b": 1}'),
	('largest denormal', '{"a": 2.225073858507201e-308, "b": 1}'),
	('smallest normal', '{"a": 2.2250738585072014e-308, "b": 1}'),
	('1e-300', '{"a": 1e-300, "b": 1}'),
	('17 digits', '{"a": 0.12345678901234567, "b": 0.87654321098765433}'),
	('next below 1', '{"a": 0.9999999999999999, "b": 1.1102230246251565e-16}'),
	('halfway below 1: ties to even (1)', '{"a": 0.999999999999999944488848768742172978818416595458984375}'),
	('just below halfway', '{"a": 0.999999999999999944488848768742172978818416595458984374999999999999999999}'),
	('just above halfway', '{"a": 0.999999999999999944488848768742172978818416595458984375000000000000000001}'),
	('no whitespace', '{"a":1}'),
	('JSON whitespace everywhere', E' \t\n\r{ \t\n\r"a" \t\n\r: \t\n\r1 \t\n\r} \t\n\r'),
	('non-JSON: hexadecimal float', '{"a": 0x1p-1, "b": 0.5}'),
	('non-JSON: leading plus and dot', '{"a": +.5, "b": 0.5}'),
	('non-JSON: leading plus', '{"a": +1}'),
	('non-JSON: leading dot', '{"a": .5, "b": 0.5}'),
	('non-JSON: minus leading dot', '{"a": -.5, "b": 1.5}'),
	('non-JSON: trailing dot', '{"a": 1.}'),
	('non-JSON: dot before exponent', '{"a": 1.e0}'),
	('non-JSON: leading zero', '{"a": 01}'),
	('non-JSON: minus leading zero', '{"a": -01, "b": 1}'),
	('non-JSON: double zero', '{"a": 00, "b": 1}'),
	('non-JSON: exponent without digits', '{"a": 1e}'),
	('non-JSON: exponent sign without digits', '{"a": 1e+}'),
	('non-JSON: fractional exponent', '{"a": 1e0.5}'),
	('non-JSON: two exponents', '{"a": 1e0e0}'),
	('non-JSON: two dots', '{"a": 0.5.5, "b": 0.5}'),
	('non-JSON: lone minus', '{"a": -, "b": 1}'),
	('non-JSON: double minus', '{"a": --0, "b": 1}'),
	('non-JSON: minus space', '{"a": - 0, "b": 1}'),
	('non-JSON: hexadecimal integer', '{"a": 0x1}'),
	('non-JSON: Infinity', '{"a": Infinity}'),
	('non-JSON: -Infinity', '{"a": -Infinity, "b": 1}'),
	('non-JSON: inf', '{"a": inf}'),
	('non-JSON: NaN', '{"a": NaN, "b": 1}'),
	('non-JSON: nan', '{"a": nan, "b": 1}'),
	('non-JSON: digit separator', '{"a": 1_0}'),
	('non-JSON: suffix', '{"a": 1d}'),
	('non-JSON: quoted number', '{"a": "1"}'),
	('non-JSON: null', '{"a": null, "b": 1}'),
	('non-JSON: true', '{"a": true}'),
	('non-JSON: two numbers', '{"a": 1 0}'),
	('non-JSON: full-width digit', '{"a": １}'),
	('non-JSON whitespace: vertical tab', E'{"a": 1\x0B}'),
	('non-JSON whitespace: form feed', E'{"a":\f1}'),
	('non-JSON whitespace: no-break space', E'{"a":\u00a01}'),
	('out of range', '{"a": 1e400}'),
	('out of range, negative', '{"a": -1e400, "b": 1}')
) v(what, s);
-- any length: plain decimals as jsonb prints them, and exact halfway cases
SELECT what, pg_temp.ld_try(s) AS result FROM ld_half_min, LATERAL (VALUES
	('1e-301 as a plain decimal', '{"a": 0.' || repeat('0', 300) || '1, "b": 1}'),
	('1e-401 as a plain decimal', '{"a": 0.' || repeat('0', 400) || '1, "b": 1}'),
	('10000 digits of mantissa', '{"a": 0.' || repeat('9', 10000) || '}'),
	('10000 zeros after 1', '{"a": 1.' || repeat('0', 10000) || '}'),
	('1 with 1000 zeros, e-1000', '{"a": 1' || repeat('0', 1000) || 'e-1000}'),
	('2^-1075 exactly: ties to even (0)', '{"a": ' || half_min || ', "b": 1}'),
	('2^-1075 and a bit: 5e-324', '{"a": ' || half_min || '0001, "b": 1}'),
	('2^-1075 less a bit: 0', '{"a": 0.' || lpad((five_pow * 10 - 1)::text, 1076, '0') || ', "b": 1}'),
	('3 * 2^-1075 exactly: ties to even (1e-323)', '{"a": 0.' || lpad((five_pow * 3)::text, 1075, '0') || ', "b": 1}'),
	('3 * 2^-1075 less a bit: 5e-324', '{"a": 0.' || lpad((five_pow * 30 - 1)::text, 1076, '0') || ', "b": 1}')
) v(what, s);

-- every edge value round-trips exactly through text, jsonb and binary
CREATE TABLE ld_edges (id int, d labeling.label_dist);
INSERT INTO ld_edges VALUES
	(1, '{"a": 5e-324, "b": 1}'),
	(2, '{"a": 1e-300, "b": 1}'),
	(3, '{"a": 2.225073858507201e-308, "b": 2.2250738585072014e-308, "c": 1}'),
	(4, '{"a": 1.2345678901234567e-46, "b": 0.9999999999999999}'),
	(5, '{"a": 0.12345678901234567, "b": 0.87654321098765433}'),
	(6, '{"a": 0, "b": 1e-320, "c": 1}'),
	(7, '{"a": 0.999999, "b": 1e-6}'),
	(8, '{"a": 1e-7, "b": 0.9999999}');
SELECT id, d::text AS text,
	   d::text::labeling.label_dist::text = d::text AS text_round_trip,
	   d::jsonb::labeling.label_dist = d AS jsonb_round_trip,
	   d::jsonb::labeling.label_dist::text = d::text AS jsonb_same_text,
	   labeling_internal.label_dist_send(d::text::labeling.label_dist) = labeling_internal.label_dist_send(d) AS text_same_bytes
FROM ld_edges ORDER BY id;
-- jsonb prints tiny numbers as long plain decimals; they read back exactly
SELECT d::jsonb AS jsonb FROM ld_edges WHERE id = 4;
SELECT '{"a": 1E-320, "b": 1}'::jsonb::labeling.label_dist;
\copy ld_edges TO 'results/label_dist_edges.bin' WITH (FORMAT binary)
CREATE TABLE ld_edges2 (LIKE ld_edges);
\copy ld_edges2 FROM 'results/label_dist_edges.bin' WITH (FORMAT binary)
SELECT a.id, a.d = b.d AS binary_same_value, a.d::text = b.d::text AS binary_same_text,
	   labeling_internal.label_dist_send(a.d) = labeling_internal.label_dist_send(b.d) AS binary_same_bytes
FROM ld_edges a JOIN ld_edges2 b USING (id) ORDER BY id;

-- canonical binary form: -0 is sent as +0, so equal values are equal bytes
SELECT labeling_internal.label_dist_send('{"a": -0, "b": 1}') = labeling_internal.label_dist_send('{"a": 0, "b": 1}') AS minus_zero_canonical;
-- binary input is checked like text input: a crafted payload (a bytea column
-- COPYed in binary is just its bytes) with -0.0 reads back as +0.0, NaN and
-- infinities are rejected
CREATE TEMP TABLE ld_payload (p bytea);
CREATE TEMP TABLE ld_landing (d labeling.label_dist);
INSERT INTO ld_payload VALUES ('\x00000002'::bytea || convert_to('a', 'UTF8') || '\x00'::bytea
	|| '\x8000000000000000'::bytea || convert_to('b', 'UTF8') || '\x00'::bytea || float8send(1));
\copy ld_payload TO 'results/label_dist_payload.bin' WITH (FORMAT binary)
\copy ld_landing FROM 'results/label_dist_payload.bin' WITH (FORMAT binary)
SELECT d, labeling_internal.label_dist_send(d) = labeling_internal.label_dist_send('{"a": 0, "b": 1}') AS canonical FROM ld_landing;
TRUNCATE ld_payload;
INSERT INTO ld_payload VALUES ('\x00000002'::bytea || convert_to('a', 'UTF8') || '\x00'::bytea
	|| '\x7ff8000000000001'::bytea || convert_to('b', 'UTF8') || '\x00'::bytea || float8send(1));
\copy ld_payload TO 'results/label_dist_payload.bin' WITH (FORMAT binary)
\copy ld_landing FROM 'results/label_dist_payload.bin' WITH (FORMAT binary)
TRUNCATE ld_payload;
INSERT INTO ld_payload VALUES ('\x00000001'::bytea || convert_to('a', 'UTF8') || '\x00'::bytea
	|| float8send('Infinity'));
\copy ld_payload TO 'results/label_dist_payload.bin' WITH (FORMAT binary)
\copy ld_landing FROM 'results/label_dist_payload.bin' WITH (FORMAT binary)
DROP TABLE ld_edges, ld_edges2;
