-- truth_model: the type (text and binary round trips, bad input), the
-- readers, the four key-type combinations, options, settings, warm starts.
SET extra_float_digits = 0;

CREATE TABLE tm_judgments (task bigint, worker bigint, label text, gold text);
INSERT INTO tm_judgments
SELECT t, w, CASE WHEN (t * 7 + w * 3) % 10 < 8 THEN (ARRAY['cat', 'dog', 'eel'])[1 + t % 3]
				  ELSE (ARRAY['cat', 'dog', 'eel'])[1 + (t + w) % 3] END,
	   CASE WHEN t % 9 = 0 THEN (ARRAY['cat', 'dog', 'eel'])[1 + t % 3] END
FROM generate_series(1, 40) t, generate_series(1, 4) w;

CREATE TABLE tm_models AS
SELECT 'dawid_skene' AS method, labeling.dawid_skene_agg(task, worker, label, gold) AS m FROM tm_judgments
UNION ALL SELECT 'one_coin', labeling.one_coin_agg(task, worker, label, gold) FROM tm_judgments
UNION ALL SELECT 'glad', labeling.glad_agg(task, worker, label, gold) FROM tm_judgments
UNION ALL SELECT 'wawa', labeling.wawa_agg(task, worker, label) FROM tm_judgments
UNION ALL SELECT 'dawid_skene compat', labeling.dawid_skene_agg(task, worker, label, NULL,
		labeling.truth_options(crowdkit_compat => true)) FROM tm_judgments
UNION ALL SELECT 'glad compat', labeling.glad_agg(task::text, worker::text, label, NULL,
		labeling.truth_options(crowdkit_compat => true)) FROM tm_judgments;

-- ---------------------------------------------------------------------------
-- Text and binary round trips are exact (value -> text -> value -> text).
-- ---------------------------------------------------------------------------
SELECT method, m::text::labeling.truth_model::text = m::text AS text_round_trip,
	   length(m::text) > 1000 AS long_text
FROM tm_models ORDER BY method;
-- binary: COPY out and back in
CREATE TABLE tm_copy (method text, m labeling.truth_model);
\copy tm_models TO 'results/truth_model.bin' WITH (FORMAT binary)
\copy tm_copy FROM 'results/truth_model.bin' WITH (FORMAT binary)
SELECT c.method, c.m::text = o.m::text AS binary_round_trip
FROM tm_copy c JOIN tm_models o USING (method) ORDER BY c.method;
-- the same with whitespace anywhere reads back to the same value
SELECT regexp_replace(m::text, ', ', E' ,\n\t', 'g')::labeling.truth_model::text = m::text AS whitespace_ok
FROM tm_models WHERE method = 'wawa';

-- a small model, printed in full
SELECT labeling.wawa_agg(task, worker, label)
FROM (VALUES ('t1', 'w1', 'a'), ('t1', 'w2', 'a'), ('t2', 'w1', 'b'), ('t2', 'w2', 'a'),
			 ('t3', 'w1', 'a\"q'), ('t3', 'w2', 'a\"q')) v(task, worker, label);

-- ---------------------------------------------------------------------------
-- Bad text input: an error with a SQLSTATE, never a crash.
-- ---------------------------------------------------------------------------
\set VERBOSITY default
SELECT ''::labeling.truth_model;
SELECT '{}'::labeling.truth_model;
SELECT '{"format": 2}'::labeling.truth_model;
SELECT '{"format": 1, "method": "magic"}'::labeling.truth_model;
SELECT '{"format": 1, "method": "wawa", "task_type": "uuid"}'::labeling.truth_model;
-- a valid model, then broken in one place at a time
CREATE TABLE tm_text AS
SELECT '{"format": 1, "method": "wawa", "task_type": "text", "worker_type": "text", "labels": ["a", "b"], "judgments": 4, "iterations": 0, "converged": true, "max_iterations": 0, "tolerance": 0, "smoothing": 0, "crowdkit_compat": false, "warm_start": false, "priors": [0.75, 0.25], "objective": [], "tasks": [["t1", 2, null, [1, 0]], ["t2", 2, null, [0.5, 0.5]]], "workers": [["w1", 2, 1], ["w2", 2, 0.5]]}'::text AS good;
SELECT good::labeling.truth_model::text = good AS good_reads_back FROM tm_text;
SELECT replace(good, '["a", "b"]', '["b", "a"]')::labeling.truth_model FROM tm_text;
SELECT replace(good, '["a", "b"]', '["a", "a"]')::labeling.truth_model FROM tm_text;
SELECT replace(good, '[0.5, 0.5]', '[0.5, 0.6]')::labeling.truth_model FROM tm_text;
SELECT replace(good, '[0.5, 0.5]', '[0.5]')::labeling.truth_model FROM tm_text;
SELECT replace(good, '[1, 0]', '[1.5, -0.5]')::labeling.truth_model FROM tm_text;
SELECT replace(good, '"judgments": 4', '"judgments": 5')::labeling.truth_model FROM tm_text;
SELECT replace(good, '["t2", 2,', '["t0", 2,')::labeling.truth_model FROM tm_text;
SELECT replace(good, '["t2", 2, null', '["t2", 2, "zebra"')::labeling.truth_model FROM tm_text;
SELECT replace(good, '"w2", 2, 0.5', '"w2", 2, 1e999')::labeling.truth_model FROM tm_text;
SELECT replace(good, '"iterations": 0', '"iterations": 2')::labeling.truth_model FROM tm_text;
SELECT replace(good, '"workers"', '"helpers"')::labeling.truth_model FROM tm_text;
SELECT (good || ' trailing')::labeling.truth_model FROM tm_text;
SELECT left(good, 200)::labeling.truth_model FROM tm_text;
SELECT replace(good, '"text", "worker_type"', '"bigint", "worker_type"')::labeling.truth_model FROM tm_text;

-- ---------------------------------------------------------------------------
-- Numbers at the edges of double precision: what each field accepts reads
-- back exactly (text -> value -> text, and the same bytes from text and from
-- binary); what it forbids is rejected.  Good and bad side by side.
-- ---------------------------------------------------------------------------
CREATE FUNCTION pg_temp.round_trip(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	m labeling.truth_model;
	det text;
BEGIN
	m := t::labeling.truth_model;
	IF m::text::labeling.truth_model::text IS DISTINCT FROM m::text
	   OR labeling_internal.truth_model_send(m::text::labeling.truth_model) <> labeling_internal.truth_model_send(m) THEN
		RETURN 'MISMATCH ' || m::text;
	END IF;
	RETURN 'round trip';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS det = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(det, ''), '');
END $$;
-- a GLAD model (every kind of number), written by hand
INSERT INTO tm_text SELECT '{"format": 1, "method": "glad", "task_type": "text", "worker_type": "bigint", "labels": ["a", "b"], "judgments": 4, "iterations": 2, "converged": true, "max_iterations": 100, "tolerance": 1e-06, "smoothing": 0.01, "crowdkit_compat": false, "warm_start": false, "priors": [0.75, 0.25], "objective": [-3.5, -2.25], "tasks": [["t1", 2, null, [1, 0], 1.5], ["t2", 2, null, [0.5, 0.5], 0.25]], "workers": [[1, 2, 1, 2.5], [2, 2, 0.5, -0.5]]}';
SELECT what, pg_temp.round_trip(replace(good, old, new)) FROM tm_text, (VALUES
	('wawa', 'priors: smallest denormal', '[0.75, 0.25]', '[1, 5e-324]'),
	('wawa', 'priors: largest denormal, written long', '[0.75, 0.25]', '[1, 2.2250738585072009e-308]'),
	('wawa', 'priors: next below 1', '[0.75, 0.25]', '[0.9999999999999999, 1.1102230246251565e-16]'),
	('wawa', 'priors: -0 and 1', '[0.75, 0.25]', '[-0, 1]'),
	('wawa', 'priors: 1e-300 and 1', '[0.75, 0.25]', '[1e-300, 1]'),
	('wawa', 'priors: underflow to 0', '[0.75, 0.25]', '[1, 1e-400]'),
	('wawa', 'priors: sum off by 1e-6 (allowed)', '[0.75, 0.25]', '[0.7500005, 0.25]'),
	('wawa', 'priors: sum off by 1e-5 (forbidden)', '[0.75, 0.25]', '[0.75001, 0.25]'),
	('wawa', 'priors: negative (forbidden)', '[0.75, 0.25]', '[1.25, -0.25]'),
	('wawa', 'priors: NaN (not JSON)', '[0.75, 0.25]', '[NaN, 0.25]'),
	('wawa', 'priors: leading plus (not JSON)', '[0.75, 0.25]', '[+0.75, 0.25]'),
	('wawa', 'priors: hexadecimal (not JSON)', '[0.75, 0.25]', '[0x1p-1, 0.5]'),
	('wawa', 'posterior: 1e-300 as a plain decimal', '[1, 0]', '[1, 0.' || repeat('0', 299) || '1]'),
	('wawa', 'posterior: 2^-1074 with 700 digits', '[1, 0]', '[1, 4.94065645841246544176568792868221372365059802614324764425585682500675507270208751865299836361635992379796564695445717730926656710355939796398774796010781878126300713190311404527845817167848982103688718636056998730723050006387409153564984387312473397273169615140031715385398074126238565591171026658556686768187039560310624931945271591492455329305456544401127480129709999541931989409080416563324524757147869014726780159355238611550134803526493472019379026810710749170333222684475333572083243193609238289345836806010601150616980975307834227731832924790498252473077637592724787465608477820373446969953364701797267771758512566055119913150489110145103786273816725095583738973359899366480994116420570263709027924276754456522908753868250641971826553344726562e-324]'),
	('wawa', 'posterior: overflow (forbidden)', '[1, 0]', '[1e400, 0]'),
	('wawa', 'skill: smallest denormal', '["w2", 2, 0.5]', '["w2", 2, 5e-324]'),
	('wawa', 'skill: -0', '["w2", 2, 0.5]', '["w2", 2, -0.0]'),
	('wawa', 'skill: above 1 (forbidden)', '["w2", 2, 0.5]', '["w2", 2, 1.0000000000000002]'),
	('wawa', 'tolerance and smoothing: largest doubles', '"tolerance": 0, "smoothing": 0', '"tolerance": 1.7976931348623157e308, "smoothing": 1.7976931348623157e+308'),
	('wawa', 'tolerance and smoothing: denormals', '"tolerance": 0, "smoothing": 0', '"tolerance": 5e-324, "smoothing": 4.9e-324'),
	('wawa', 'tolerance: -0', '"tolerance": 0', '"tolerance": -0'),
	('wawa', 'tolerance: negative (forbidden)', '"tolerance": 0', '"tolerance": -5e-324'),
	('wawa', 'tolerance: overflow (forbidden)', '"tolerance": 0', '"tolerance": 1.8e308'),
	('wawa', 'judgments: 1e0 (not an integer)', '"judgments": 4', '"judgments": 4e0'),
	('wawa', 'judgments: leading zero (not JSON)', '"judgments": 4', '"judgments": 04'),
	('wawa', 'objective: extreme values', '"iterations": 0, "converged": true, "max_iterations": 0, "tolerance": 0, "smoothing": 0, "crowdkit_compat": false, "warm_start": false, "priors": [0.75, 0.25], "objective": []',
			 '"iterations": 4, "converged": true, "max_iterations": 0, "tolerance": 0, "smoothing": 0, "crowdkit_compat": false, "warm_start": false, "priors": [0.75, 0.25], "objective": [-1.7976931348623157e308, 1.7976931348623157e308, -5e-324, -0]'),
	('glad', 'as written', 'x', 'x'),
	('glad', 'beta and alpha: largest doubles', '0.25]], "workers": [[1, 2, 1, 2.5]', '-1.7976931348623157e308]], "workers": [[1, 2, 1, 1.7976931348623157e308]'),
	('glad', 'beta and alpha: denormals', '0.25]], "workers": [[1, 2, 1, 2.5]', '-5e-324]], "workers": [[1, 2, 1, 2.225073858507201e-308]'),
	('glad', 'beta: -0', '0.25]]', '-0]]'),
	('glad', 'beta: Infinity (not JSON)', '0.25]]', 'Infinity]]'),
	('glad', 'alpha: NaN (not JSON)', '-0.5]]', 'NaN]]'),
	('glad', 'alpha: null (forbidden)', '-0.5]]', 'null]]')
) v(method, what, old, new)
WHERE good LIKE '%"method": "' || method || '"%' ORDER BY method, what;

-- canonical binary form: equal values give identical bytes.  A crafted
-- payload (a bytea column COPYed in binary is just its bytes) with -0.0
-- reads back as +0.0; NaN and infinities are rejected, whatever their bits.
-- In the payload of the wawa model, tolerance is at byte 38.
CREATE TEMP TABLE tm_payload (name text, p bytea);
CREATE TEMP TABLE tm_landing (name text, m labeling.truth_model);
INSERT INTO tm_payload
SELECT 'tolerance: -0.0', overlay(labeling_internal.truth_model_send(good::labeling.truth_model) PLACING '\x8000000000000000'::bytea FROM 38 FOR 8)
FROM tm_text WHERE good LIKE '%wawa%';
\copy tm_payload TO 'results/truth_model_payload.bin' WITH (FORMAT binary)
\copy tm_landing FROM 'results/truth_model_payload.bin' WITH (FORMAT binary)
SELECT name, (m::text::jsonb)->'tolerance' AS tolerance,
	   labeling_internal.truth_model_send(m) = labeling_internal.truth_model_send(m::text::labeling.truth_model) AS binary_equals_text
FROM tm_landing;
TRUNCATE tm_payload;
INSERT INTO tm_payload
SELECT 'tolerance: NaN', overlay(labeling_internal.truth_model_send(good::labeling.truth_model) PLACING '\x7ff8000000000001'::bytea FROM 38 FOR 8)
FROM tm_text WHERE good LIKE '%wawa%';
\copy tm_payload TO 'results/truth_model_payload.bin' WITH (FORMAT binary)
\copy tm_landing FROM 'results/truth_model_payload.bin' WITH (FORMAT binary)
TRUNCATE tm_payload;
INSERT INTO tm_payload
SELECT 'tolerance: Infinity', overlay(labeling_internal.truth_model_send(good::labeling.truth_model) PLACING float8send('Infinity') FROM 38 FOR 8)
FROM tm_text WHERE good LIKE '%wawa%';
\copy tm_payload TO 'results/truth_model_payload.bin' WITH (FORMAT binary)
\copy tm_landing FROM 'results/truth_model_payload.bin' WITH (FORMAT binary)

-- a truth_options row (a composite holding a truth_model) round-trips
-- through text and binary too (float8 fields print exactly with the
-- default extra_float_digits)
SET extra_float_digits = 1;
CREATE TEMP TABLE tm_opts AS
SELECT labeling.truth_options(max_iterations => 7, tolerance => 5e-324, smoothing => 1e6,
		warm_start => good::labeling.truth_model) AS o
FROM tm_text WHERE good LIKE '%glad%';
SELECT o::text::labeling.truth_options::text = o::text AS text_round_trip FROM tm_opts;
\copy tm_opts TO 'results/truth_options.bin' WITH (FORMAT binary)
CREATE TEMP TABLE tm_opts2 (LIKE tm_opts);
\copy tm_opts2 FROM 'results/truth_options.bin' WITH (FORMAT binary)
SELECT a.o::text = b.o::text AS binary_round_trip,
	   labeling_internal.truth_model_send((a.o).warm_start) = labeling_internal.truth_model_send((b.o).warm_start) AS same_model_bytes
FROM tm_opts a, tm_opts2 b;
SET extra_float_digits = 0;

-- ---------------------------------------------------------------------------
-- Readers.
-- ---------------------------------------------------------------------------
-- per task: keys come back as text, or typed with a second argument
SELECT t.task, pg_typeof(t.task) AS type, t.label, round(t.confidence::numeric, 4) AS confidence,
	   t.judgments, t.gold_label, t.difficulty IS NULL AS no_difficulty
FROM tm_models, labeling.truth_tasks(m) t WHERE method = 'dawid_skene' ORDER BY t.task::int LIMIT 4;
SELECT t.task, pg_typeof(t.task) AS type, t.label
FROM tm_models, labeling.truth_tasks(m, NULL::bigint) t WHERE method = 'dawid_skene' ORDER BY t.task LIMIT 3;
SELECT t.task, pg_typeof(t.task) AS type
FROM tm_models, labeling.truth_tasks(m, NULL::integer) t WHERE method = 'dawid_skene' ORDER BY t.task LIMIT 2;
-- text keys can be read as numbers when they are numbers
SELECT t.task, pg_typeof(t.task) FROM tm_models, labeling.truth_tasks(m, NULL::bigint) t
WHERE method = 'glad compat' ORDER BY t.task LIMIT 1;
SELECT t.task FROM labeling.truth_tasks((SELECT labeling.wawa_agg('not a number', 'w', 'a')), NULL::bigint) t;
SELECT count(*) FROM tm_models, labeling.truth_tasks(m, NULL::numeric) t;
-- a NULL model (the aggregate over no rows) has no rows, with or without a key type
SELECT (SELECT count(*) FROM labeling.truth_tasks(NULL::labeling.truth_model)) AS tasks,
	   (SELECT count(*) FROM labeling.truth_tasks(NULL::labeling.truth_model, NULL::bigint)) AS typed_tasks,
	   (SELECT count(*) FROM labeling.truth_workers(NULL::labeling.truth_model, NULL::text)) AS typed_workers,
	   (SELECT count(*) FROM labeling.truth_priors(NULL)) AS priors,
	   labeling.truth_label(NULL, 1::bigint) IS NULL AS no_label;
-- the label is the most probable one; the posterior is a label_dist
SELECT method, bool_and(t.label = labeling.top_label(t.posterior)) AS label_is_top,
	   bool_and(t.confidence = labeling.confidence(t.posterior)) AS confidence_is_top,
	   bool_and(abs(labeling.probability(t.posterior, 'cat') + labeling.probability(t.posterior, 'dog')
				+ labeling.probability(t.posterior, 'eel') - 1) < 1e-6) AS sums_to_one,
	   count(*) AS tasks, sum(t.judgments) AS judgments
FROM tm_models, labeling.truth_tasks(m) t GROUP BY method ORDER BY method;
-- GLAD reports a difficulty per task and an ability per worker
SELECT (SELECT min(t.difficulty) > 0 FROM labeling.truth_tasks(m) t) AS positive_difficulty,
	   (SELECT bool_and(w.ability IS NOT NULL AND w.confusion IS NULL) FROM labeling.truth_workers(m) w) AS abilities
FROM tm_models WHERE method = 'glad';
-- per worker: skill, judgments, confusion matrix rows sum to 1
SELECT w.worker, pg_typeof(w.worker) AS type, round(w.skill::numeric, 4) AS skill, w.judgments,
	   (SELECT bool_and(abs((SELECT sum(value::float8) FROM jsonb_each_text(r.value)) - 1) < 1e-9)
		FROM jsonb_each(w.confusion) r) AS rows_sum_to_one,
	   w.ability
FROM tm_models, labeling.truth_workers(m, NULL::bigint) w WHERE method = 'dawid_skene' ORDER BY w.worker;
-- one-coin: the skill on the diagonal, the rest spread evenly
SELECT w.worker, jsonb_object_keys(w.confusion) AS truth_labels,
	   abs((w.confusion->'dog'->>'dog')::float8 - w.skill) < 1e-15 AS diagonal_is_skill,
	   abs((w.confusion->'dog'->>'eel')::float8 - (1 - w.skill) / 2) < 1e-15 AS rest_spread
FROM tm_models, labeling.truth_workers(m) w WHERE method = 'one_coin' AND w.worker = '1';
SELECT method, count(*) AS workers, bool_and(w.skill BETWEEN 0 AND 1) AS skills_are_probabilities
FROM tm_models, labeling.truth_workers(m) w GROUP BY method ORDER BY method;
-- priors and diagnostics
SELECT method, string_agg(p.label || '=' || round(p.prior::numeric, 3), ' ' ORDER BY p.label) AS priors,
	   round(sum(p.prior)::numeric, 9) AS total
FROM tm_models, labeling.truth_priors(m) p GROUP BY method ORDER BY method;
SELECT tm.method, d.method AS fitted, d.iterations > 0 OR d.method = 'wawa' AS iterated, d.converged,
	   cardinality(d.objective_history) = d.iterations AS history_per_iteration,
	   d.tasks, d.workers, d.judgments, d.labels, d.gold_tasks, d.max_iterations, d.tolerance,
	   d.smoothing, d.crowdkit_compat
FROM tm_models tm, labeling.truth_diagnostics(tm.m) d ORDER BY tm.method;
-- GLAD's objective (a generalised EM) never decreases
SELECT method, bool_and(h >= prev - 1e-12) AS monotone
FROM (SELECT tm.method, h, lag(h) OVER (PARTITION BY tm.method ORDER BY i) AS prev
	  FROM tm_models tm, labeling.truth_diagnostics(tm.m) d, unnest(d.objective_history) WITH ORDINALITY u(h, i)
	  WHERE tm.method = 'glad') s
WHERE prev IS NOT NULL GROUP BY method ORDER BY method;
-- (EM for Dawid-Skene and one-coin re-estimates the shrinkage target each
-- step, so only GLAD's objective is guaranteed monotone.)
-- scalar lookups by task key, in either type
SELECT labeling.truth_label(m, 9::bigint) AS by_bigint, labeling.truth_label(m, '9') AS by_text,
	   labeling.truth_label(m, 'nine') AS not_a_number, labeling.truth_label(m, 10000::bigint) AS unknown,
	   labeling.truth_posterior(m, 9::bigint)::text =
		   (SELECT t.posterior::text FROM labeling.truth_tasks(m) t WHERE t.task = '9') AS same_posterior
FROM tm_models WHERE method = 'dawid_skene';
SELECT labeling.truth_label(m, 9::bigint) AS text_model_by_bigint FROM tm_models WHERE method = 'glad compat';

-- ---------------------------------------------------------------------------
-- Key types: bigint or text tasks and workers, in all four combinations,
-- give the same model (up to the key type).
-- ---------------------------------------------------------------------------
WITH f AS (
	SELECT labeling.dawid_skene_agg(task, worker, label) AS bb,
		   labeling.dawid_skene_agg(task::text, worker::text, label) AS tt,
		   labeling.dawid_skene_agg(task, worker::text, label) AS bt,
		   labeling.dawid_skene_agg(task::text, worker, label) AS tb
	FROM tm_judgments
)
SELECT (SELECT array_agg(t.label || t.confidence ORDER BY t.task::int) FROM labeling.truth_tasks(bb) t) =
	   (SELECT array_agg(t.label || t.confidence ORDER BY t.task::int) FROM labeling.truth_tasks(tt) t) AS tt_same,
	   (SELECT array_agg(t.label || t.confidence ORDER BY t.task::int) FROM labeling.truth_tasks(bb) t) =
	   (SELECT array_agg(t.label || t.confidence ORDER BY t.task::int) FROM labeling.truth_tasks(bt) t) AS bt_same,
	   (SELECT array_agg(t.label || t.confidence ORDER BY t.task::int) FROM labeling.truth_tasks(bb) t) =
	   (SELECT array_agg(t.label || t.confidence ORDER BY t.task::int) FROM labeling.truth_tasks(tb) t) AS tb_same,
	   (SELECT string_agg(((x::text::jsonb)->>'task_type') || '/' || ((x::text::jsonb)->>'worker_type'), ',')
		FROM unnest(ARRAY[bb, tt, bt, tb]) x) AS key_types
FROM f;
-- an integer column is read as bigint, varchar as text
SELECT (labeling.wawa_agg(task::int, worker::int, label)::text::jsonb)->>'task_type' AS int_task,
	   (labeling.wawa_agg(task::varchar, worker::varchar, label)::text::jsonb)->>'worker_type' AS varchar_worker
FROM tm_judgments;
-- text keys sort in byte order, bigint keys numerically
SELECT array_agg(t.task) AS text_order FROM labeling.truth_tasks((SELECT labeling.wawa_agg(k, 'w', 'a')
	FROM unnest(ARRAY['b', 'B', 'a', '10', '9']) k)) t;
SELECT array_agg(t.task) AS bigint_order FROM labeling.truth_tasks((SELECT labeling.wawa_agg(k, 1::bigint, 'a')
	FROM unnest(ARRAY[10, -3, 9, 100]::bigint[]) k), NULL::bigint) t;
-- the model does not depend on the order the rows arrive in
SELECT (SELECT labeling.dawid_skene_agg(task, worker, label ORDER BY task, worker) FROM tm_judgments)::text =
	   (SELECT labeling.dawid_skene_agg(task, worker, label ORDER BY worker DESC, task DESC) FROM tm_judgments)::text
	   AS order_independent;

-- ---------------------------------------------------------------------------
-- Options and settings.
-- ---------------------------------------------------------------------------
SELECT labeling.truth_options(max_iterations => 5, tolerance => 1e-4, smoothing => 0.5);
SELECT labeling.truth_options();
SELECT labeling.truth_options(max_iterations => 0);
SELECT labeling.truth_options(tolerance => -1);
SELECT labeling.truth_options(tolerance => 'NaN');
SELECT labeling.truth_options(smoothing => 'Infinity');
SELECT labeling.truth_options(smoothing => 1, crowdkit_compat => true);
SELECT ROW(0, NULL, NULL, NULL, NULL)::labeling.truth_options IS NOT NULL AS unchecked_row;
SELECT labeling.dawid_skene_agg(task, worker, label, NULL, ROW(0, NULL, NULL, NULL, NULL)::labeling.truth_options)
FROM tm_judgments;
SELECT labeling.glad_agg(task, worker, label, NULL, labeling.truth_options(smoothing => 1)) FROM tm_judgments;
-- options must be the same on every row
SELECT labeling.dawid_skene_agg(task, worker, label, NULL, labeling.truth_options(max_iterations => task::int))
FROM tm_judgments;
SELECT labeling.dawid_skene_agg(task, worker, label, NULL,
		CASE WHEN task = 5 THEN labeling.truth_options(max_iterations => 3) END)
FROM tm_judgments;
-- max_iterations and tolerance are obeyed
SELECT d.iterations, d.converged, d.max_iterations
FROM labeling.truth_diagnostics((SELECT labeling.dawid_skene_agg(task, worker, label, NULL,
		labeling.truth_options(max_iterations => 2, tolerance => 0)) FROM tm_judgments)) d;
-- settings give the defaults; options override them
SHOW labeling.max_iterations;
SHOW labeling.tolerance;
SHOW labeling.smoothing;
SET labeling.max_iterations = 3;
SET labeling.smoothing = 0;
SELECT d.max_iterations, d.iterations <= 3 AS capped, d.smoothing
FROM labeling.truth_diagnostics((SELECT labeling.one_coin_agg(task, worker, label) FROM tm_judgments)) d;
SELECT d.max_iterations FROM labeling.truth_diagnostics((SELECT labeling.one_coin_agg(task, worker, label, NULL,
	labeling.truth_options(max_iterations => 7)) FROM tm_judgments)) d;
RESET labeling.max_iterations;
RESET labeling.smoothing;
SET labeling.max_iterations = 0;
SET labeling.tolerance = -1;
SET labeling.no_such_setting = 1;

-- ---------------------------------------------------------------------------
-- Warm start: a model fitted on the same data starts next to its fixed point
-- (the first fit stopped on a log-likelihood change below 1e-6 per
-- judgment, so posteriors may still move in the fourth decimal).
-- ---------------------------------------------------------------------------
CREATE TABLE tm_warm AS
SELECT m AS first,
	   (SELECT labeling.dawid_skene_agg(task, worker, label, gold, labeling.truth_options(warm_start => m))
		FROM tm_judgments) AS again
FROM tm_models WHERE method = 'dawid_skene';
SELECT (labeling.truth_diagnostics(first)).iterations > (labeling.truth_diagnostics(again)).iterations AS fewer_iterations,
	   (labeling.truth_diagnostics(again)).iterations <= 3 AS at_most_three,
	   (again::text::jsonb)->>'warm_start' AS flagged,
	   (SELECT max(abs(a.confidence - b.confidence)) < 1e-3 AND bool_and(a.label = b.label)
		FROM labeling.truth_tasks(first) a JOIN labeling.truth_tasks(again) b USING (task)) AS same_answer
FROM tm_warm;
-- a warm start carries over to new judgments; a GLAD model also gives
-- abilities and difficulties to start from
SELECT (labeling.truth_diagnostics(labeling.glad_agg(task, worker, label, gold,
	labeling.truth_options(warm_start => (SELECT m FROM tm_models WHERE method = 'glad'))))).iterations <= 3 AS glad_warm
FROM tm_judgments;
SELECT count(*) AS tasks FROM labeling.truth_tasks((SELECT labeling.dawid_skene_agg(task, worker, label, NULL,
	labeling.truth_options(warm_start => (SELECT first FROM tm_warm)))
	FROM (SELECT * FROM tm_judgments UNION ALL SELECT 41, 1, 'cat', NULL) s)) t;
-- keys of another type are an error; crowdkit_compat starts from scratch
SELECT labeling.dawid_skene_agg(task::text, worker, label, NULL, labeling.truth_options(warm_start => first))
FROM tm_judgments, tm_warm;
SELECT labeling.truth_options(warm_start => first, crowdkit_compat => true) FROM tm_warm;

DROP TABLE tm_judgments, tm_models, tm_copy, tm_text, tm_warm;
