-- bt_model text and binary I/O: exact round trips (value -> text -> value and
-- text -> value -> text), the JSON layout, and malformed input.
SET extra_float_digits = 0;

CREATE TABLE bt_io (name text, m labeling.bt_model);
INSERT INTO bt_io SELECT 'text', labeling.bt_rank(l, r, w) FROM (VALUES
	('a', 'b', 'a'), ('b', 'c', NULL), ('a', 'c', 'c'), ('a', 'b', 'b'), ('d"x', 'é', 'é')) v(l, r, w);
INSERT INTO bt_io SELECT 'bigint', labeling.bt_rank(l, r, w) FROM (VALUES
	(-5::bigint, 9223372036854775807::bigint, -5::bigint), (3, -5, NULL), (3, 9223372036854775807, 3)) v(l, r, w);
INSERT INTO bt_io SELECT 'noisy', labeling.bt_rank(l, r, w, wk) FROM (VALUES
	('a', 'b', 'a', 1::bigint), ('b', 'c', NULL, 2), ('a', 'c', 'c', 1), ('c', 'a', 'a', 2)) v(l, r, w, wk);
-- prior 0 and MM: an item without wins has score -Infinity and no standard errors
INSERT INTO bt_io SELECT 'mm', labeling.bt_fit(labeling.bt_rank(l, r, w), prior => 0, method => 'mm')
FROM (VALUES ('a', 'b', 'a'), ('b', 'c', 'b'), ('a', 'c', 'a')) v(l, r, w);
INSERT INTO bt_io SELECT 'refit-plain', labeling.bt_fit(m, noisy => false) FROM bt_io WHERE name = 'noisy';

-- the text form of a small model (numbers with a fraction masked: the last
-- digits depend on the platform's exp and log)
SELECT regexp_replace(m::text, '-?[0-9]+\.[0-9]+(e-?[0-9]+)?', '#', 'g') AS m
FROM bt_io WHERE name IN ('text', 'mm') ORDER BY name;

-- text -> value -> text is the identity, for every kind of model
SELECT name, m::text::labeling.bt_model::text = m::text AS text_round_trip,
	   (m::text::jsonb IS NOT NULL) AS valid_json
FROM bt_io ORDER BY name;
-- value -> text -> value: the readers give identical results
SELECT name, (SELECT array_agg(s::text ORDER BY item) FROM labeling.bt_scores(m) s)
		   = (SELECT array_agg(s::text ORDER BY item) FROM labeling.bt_scores(m::text::labeling.bt_model) s) AS same_scores,
	   (SELECT array_agg(s::text ORDER BY worker) FROM labeling.bt_workers(m) s)
		   IS NOT DISTINCT FROM
		   (SELECT array_agg(s::text ORDER BY worker) FROM labeling.bt_workers(m::text::labeling.bt_model) s) AS same_workers,
	   labeling.bt_summary(m) = labeling.bt_summary(m::text::labeling.bt_model) AS same_summary
FROM bt_io ORDER BY name;
-- whitespace between tokens is accepted
SELECT replace(replace(m::text, ', ', E' ,\n\t'), ': ', ' :  ')::labeling.bt_model::text = m::text AS whitespace_ok
FROM bt_io WHERE name = 'noisy';
-- escapes in keys: \u escapes are read in the server encoding
SELECT item FROM labeling.bt_scores(replace((SELECT m::text FROM bt_io WHERE name = 'text'),
											'"é"', '"\u00e9"')::labeling.bt_model);

-- binary COPY round trip
\copy (SELECT name, m FROM bt_io ORDER BY name) TO 'results/bt_model_io.bin' WITH (FORMAT binary)
CREATE TABLE bt_io2 (name text, m labeling.bt_model);
\copy bt_io2 FROM 'results/bt_model_io.bin' WITH (FORMAT binary)
SELECT a.name, a.m::text = b.m::text AS binary_round_trip FROM bt_io a JOIN bt_io2 b USING (name) ORDER BY 1;

-- malformed input: clear errors, never a crash
CREATE FUNCTION pg_temp.try(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM t::labeling.bt_model;
	RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
WITH base AS (SELECT m::text AS t FROM bt_io WHERE name = 'text')
SELECT what, pg_temp.try(bad) FROM base, LATERAL (VALUES
	('empty', ''),
	('not json', 'hello'),
	('truncated', left(t, 200)),
	('trailing text', t || ' x'),
	('version 2', replace(t, '"bt_model": 1', '"bt_model": 2')),
	('bad key type', replace(t, '"item_type": "text"', '"item_type": "uuid"')),
	('key kind mismatch', replace(t, '"item_type": "text"', '"item_type": "bigint"')),
	('missing key', replace(t, '"prior": 1, ', '')),
	('bad method', replace(t, '"method": "newton"', '"method": "em"')),
	('negative prior', replace(t, '"prior": 1', '"prior": -1')),
	('zero max_iter', replace(t, '"max_iter": 100', '"max_iter": 0')),
	('nan score', regexp_replace(t, '\["a", [^,]+,', '["a", null,')),
	('unsorted items', replace(replace(replace(t, '["a",', '["zz",'), '"cells"', '"cells"'), '"b",', '"b",')),
	('duplicate items', replace(t, '["b",', '["a",')),
	('cell out of range', replace(t, '[0, 0, 1,', '[0, 0, 9,')),
	('self comparison cell', replace(t, '[0, 0, 1,', '[0, 0, 0,')),
	('non-canonical cell', replace(t, '[0, 0, 1,', '[0, 1, 0,')),
	('negative count', replace(t, '[0, 0, 1, 1,', '[0, 0, 1, -1,')),
	('count mismatch', replace(t, '"comparisons": 5', '"comparisons": 6')),
	('components mismatch', replace(t, '"components": 2', '"components": 1')),
	('reliability without workers', replace(t, '"noisy": false', '"noisy": true')),
	('huge integer', replace(t, '"comparisons": 5', '"comparisons": 99999999999999999999')),
	('bad escape', replace(t, '"d\"x"', '"d\qx"')),
	('lone surrogate', replace(t, '"d\"x"', '"\udc00"')),
	('nul escape', replace(t, '"d\"x"', '"\u0000"')),
	('unterminated string', left(t, strpos(t, '"d\"x"') + 2))
) v(what, bad) ORDER BY what;

-- summary of a model (the fit's floating-point diagnostics rounded)
SELECT s - '{tie_nu,gradient_max,log_posterior,tie_probability_equal,iterations}'::text[] AS summary,
	   round((s->>'tie_nu')::numeric, 3) AS tie_nu, (s->>'gradient_max')::float8 < 1e-6 AS stationary
FROM (SELECT labeling.bt_summary(m) AS s FROM bt_io WHERE name = 'noisy') q;

-- ---------------------------------------------------------------------------
-- Numbers at the edges of double precision: what each field accepts reads
-- back exactly (text -> value -> text, and the same bytes from text and from
-- binary); what it forbids is rejected.  Good and bad side by side.
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.round_trip(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	m labeling.bt_model;
	det text;
BEGIN
	m := t::labeling.bt_model;
	IF m::text::labeling.bt_model::text IS DISTINCT FROM m::text
	   OR labeling_internal.bt_model_send(m::text::labeling.bt_model) <> labeling_internal.bt_model_send(m) THEN
		RETURN 'MISMATCH ' || m::text;
	END IF;
	RETURN 'round trip';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS det = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || ' / ' || det;
END $$;
WITH base AS (SELECT m::text AS t FROM bt_io WHERE name = 'bigint'),
	 plain AS (SELECT m::text AS t FROM bt_io WHERE name = 'refit-plain')
SELECT what, pg_temp.round_trip(edited) FROM (
	SELECT what, regexp_replace(t, pattern, replacement) AS edited FROM base, LATERAL (VALUES
	('prior: smallest denormal', '"prior": [^,]+', '"prior": 5e-324'),
	('prior: largest double', '"prior": [^,]+', '"prior": 1.7976931348623157e308'),
	('prior: -0', '"prior": [^,]+', '"prior": -0'),
	('prior: Infinity (forbidden)', '"prior": [^,]+', '"prior": "Infinity"'),
	('prior: null (forbidden)', '"prior": [^,]+', '"prior": null'),
	('prior: overflow (forbidden)', '"prior": [^,]+', '"prior": 1e309'),
	('tol: 0', '"tol": [^,]+', '"tol": 0'),
	('tol: underflow to 0', '"tol": [^,]+', '"tol": 1e-400'),
	('tol: 1e-300', '"tol": [^,]+', '"tol": 1e-300'),
	('tol: largest double', '"tol": [^,]+', '"tol": 1.7976931348623157e308'),
	('tol: NaN (not JSON)', '"tol": [^,]+', '"tol": NaN'),
	('tol: hexadecimal (not JSON)', '"tol": [^,]+', '"tol": 0x1p-30'),
	('tol: leading dot (not JSON)', '"tol": [^,]+', '"tol": .5'),
	('log_posterior: -Infinity', '"log_posterior": [^,]+', '"log_posterior": "-Infinity"'),
	('log_posterior: lowest double', '"log_posterior": [^,]+', '"log_posterior": -1.7976931348623157e308'),
	('log_posterior: null (forbidden)', '"log_posterior": [^,]+', '"log_posterior": null'),
	('gradient_max: Infinity', '"gradient_max": [^,]+', '"gradient_max": "Infinity"'),
	('gradient_max: smallest denormal', '"gradient_max": [^,]+', '"gradient_max": 4.9406564584124654e-324'),
	('gradient_max: -0', '"gradient_max": [^,]+', '"gradient_max": -0.0'),
	('nu: largest double', '"nu": [^,]+', '"nu": 1.7976931348623157e308'),
	('nu: Infinity (forbidden)', '"nu": [^,]+', '"nu": "Infinity"'),
	('score and se: largest doubles', '\[-5, [^,]+, [^,]+,', '[-5, -1.7976931348623157e308, 1.7976931348623157e308,'),
	('score and se: denormals', '\[-5, [^,]+, [^,]+,', '[-5, -5e-324, 2.225073858507201e-308,'),
	('score: -0, se: null', '\[-5, [^,]+, [^,]+,', '[-5, -0, null,'),
	('score: 1e-300 as a plain decimal', '\[-5, [^,]+,', '[-5, 0.' || repeat('0', 299) || '1,'),
	('score: null (forbidden)', '\[-5, [^,]+,', '[-5, null,'),
	('score: Infinity (forbidden)', '\[-5, [^,]+,', '[-5, "Infinity",'),
	('score: -Infinity with a prior (forbidden)', '\[-5, [^,]+,', '[-5, "-Infinity",'),
	('se: negative (forbidden)', '\[-5, [^,]+, [^,]+,', '[-5, 0, -1e-300,'),
	('se: Infinity (forbidden)', '\[-5, [^,]+, [^,]+,', '[-5, 0, "Infinity",')
	) v(what, pattern, replacement)
	UNION ALL
	SELECT what, regexp_replace(t, pattern, replacement) FROM plain, LATERAL (VALUES
	('reliability of a plain model: null', '\[1, null,', '[1, null,'),
	('reliability of a plain model: a number (forbidden)', '\[1, null,', '[1, 0.5,')
	) v(what, pattern, replacement)
) cases ORDER BY what;

-- canonical binary form: equal values give identical bytes.  A crafted
-- payload (a bytea column COPYed in binary is just its bytes) may carry any
-- NaN (a standard error that is not available) or -0.0: it reads back in the
-- one canonical form, the same bytes as from text.  Offsets in the payload of
-- the 'bigint' model: prior at byte 47, the first score at 95, its standard
-- error at 103.
CREATE TEMP TABLE bt_payload (name text, p bytea);
CREATE TEMP TABLE bt_landing (name text, m labeling.bt_model);
INSERT INTO bt_payload
SELECT what, overlay(labeling_internal.bt_model_send(m) PLACING bytes FROM pos FOR 8)
FROM bt_io, (VALUES
	('se: NaN with a payload', 103, '\x7ff8000000000001'::bytea),
	('se: negative NaN', 103, '\xfff8000000000000'::bytea),
	('se: signalling NaN', 103, '\x7ff0000000000001'::bytea),
	('se: canonical NaN', 103, float8send('NaN')),
	('score: -0.0', 95, '\x8000000000000000'::bytea),
	('prior: -0.0', 47, '\x8000000000000000'::bytea)
) v(what, pos, bytes)
WHERE name = 'bigint';
\copy bt_payload TO 'results/bt_model_payload.bin' WITH (FORMAT binary)
\copy bt_landing FROM 'results/bt_model_payload.bin' WITH (FORMAT binary)
SELECT name,
	   labeling_internal.bt_model_send(m) = labeling_internal.bt_model_send(m::text::labeling.bt_model) AS binary_equals_text,
	   substr(labeling_internal.bt_model_send(m), CASE WHEN name LIKE 'se%' THEN 103 WHEN name LIKE 'score%' THEN 95 ELSE 47 END, 8) AS sent
FROM bt_landing ORDER BY name;
-- send -> receive -> send is the identity
\copy bt_landing TO 'results/bt_model_landing.bin' WITH (FORMAT binary)
CREATE TEMP TABLE bt_landing2 (LIKE bt_landing);
\copy bt_landing2 FROM 'results/bt_model_landing.bin' WITH (FORMAT binary)
SELECT count(*) AS payloads,
	   count(*) FILTER (WHERE labeling_internal.bt_model_send(a.m) = labeling_internal.bt_model_send(b.m)
						  AND a.m::text = b.m::text) AS identical
FROM bt_landing a JOIN bt_landing2 b USING (name);
-- a NaN where the type forbids it is rejected, whatever its bits
TRUNCATE bt_payload;
INSERT INTO bt_payload
SELECT 'score: NaN', overlay(labeling_internal.bt_model_send(m) PLACING '\x7ff8000000000001'::bytea FROM 95 FOR 8)
FROM bt_io WHERE name = 'bigint';
\copy bt_payload TO 'results/bt_model_payload.bin' WITH (FORMAT binary)
\copy bt_landing FROM 'results/bt_model_payload.bin' WITH (FORMAT binary)
TRUNCATE bt_payload;
INSERT INTO bt_payload
SELECT 'prior: NaN', overlay(labeling_internal.bt_model_send(m) PLACING float8send('NaN') FROM 47 FOR 8)
FROM bt_io WHERE name = 'bigint';
\copy bt_payload TO 'results/bt_model_payload.bin' WITH (FORMAT binary)
\copy bt_landing FROM 'results/bt_model_payload.bin' WITH (FORMAT binary)
TRUNCATE bt_payload;
INSERT INTO bt_payload
SELECT 'se: Infinity', overlay(labeling_internal.bt_model_send(m) PLACING float8send('Infinity') FROM 103 FOR 8)
FROM bt_io WHERE name = 'bigint';
\copy bt_payload TO 'results/bt_model_payload.bin' WITH (FORMAT binary)
\copy bt_landing FROM 'results/bt_model_payload.bin' WITH (FORMAT binary)

DROP TABLE bt_io, bt_io2;
