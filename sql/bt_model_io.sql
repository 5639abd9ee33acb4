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

DROP TABLE bt_io, bt_io2;
