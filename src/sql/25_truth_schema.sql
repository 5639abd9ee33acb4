-- ---------------------------------------------------------------------------
-- Truth inference over the schema's own tables: one call for analysts.
--
--   SELECT * FROM labeling.infer_labels();                       -- Dawid-Skene
--   SELECT * FROM labeling.infer_labels('glad', project_id => 3);
--   SELECT labeling.fit_truth_model('dawid_skene', use_gold => true);
--
-- Judgments of banned workers (workers.status, or worker_state.status in
-- the task's project) are left out, as everywhere in the pipeline.
-- ---------------------------------------------------------------------------

-- not STRICT: NULL project_id means every project, NULL options the defaults
CREATE FUNCTION @extschema@.fit_truth_model(
		method text DEFAULT 'dawid_skene',
		project_id bigint DEFAULT NULL,
		use_gold boolean DEFAULT false,
		options @extschema@.truth_options DEFAULT NULL)
	RETURNS @extschema@.truth_model
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	m @extschema@.truth_model;
BEGIN
	IF method IS NULL OR method NOT IN ('dawid_skene', 'one_coin', 'glad', 'wawa') THEN
		RAISE EXCEPTION USING
			ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('unknown truth inference method %L', method),
			HINT = 'Use dawid_skene, one_coin, glad or wawa.';
	END IF;
	IF method = 'wawa' AND (coalesce(use_gold, false) OR options IS NOT NULL) THEN
		RAISE EXCEPTION USING
			ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'wawa takes no gold labels and no options';
	END IF;

	-- wawa takes (task, worker, label) only; the others gold and options too
	EXECUTE format($q$
		SELECT @extschema@.%I(j.task_id, j.worker_id, j.label %s)
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) j.task_id
		JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) j.worker_id
		LEFT JOIN @extschema@.worker_state ws
			ON ws.project_id OPERATOR(pg_catalog.=) t.project_id
		   AND ws.worker_id OPERATOR(pg_catalog.=) j.worker_id
		LEFT JOIN @extschema@.golden_labels g ON g.task_id OPERATOR(pg_catalog.=) j.task_id
		WHERE ($3 IS NULL OR t.project_id OPERATOR(pg_catalog.=) $3)
		  AND NOT labeling_internal.live_worker_banned(ws.status, w.status)$q$,
		method || '_agg',
		CASE WHEN method = 'wawa' THEN '' ELSE ', CASE WHEN $1 THEN g.label END, $2' END)
	INTO m
	USING coalesce(use_gold, false), options, project_id;
	RETURN m;
END
$$;
COMMENT ON FUNCTION @extschema@.fit_truth_model(text, bigint, boolean, @extschema@.truth_options) IS
	'fit a truth-inference model (dawid_skene, one_coin, glad or wawa) on labeling.judgments of workers not banned, optionally one project and with golden_labels';

-- not STRICT: the same defaults as fit_truth_model
CREATE FUNCTION @extschema@.infer_labels(
		method text DEFAULT 'dawid_skene',
		project_id bigint DEFAULT NULL,
		use_gold boolean DEFAULT false,
		options @extschema@.truth_options DEFAULT NULL)
	RETURNS TABLE (task_id bigint, label text, confidence double precision,
				   posterior @extschema@.label_dist)
	LANGUAGE sql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
		SELECT t.task, t.label, t.confidence, t.posterior
		FROM @extschema@.truth_tasks(
			@extschema@.fit_truth_model(method, project_id, use_gold, options),
			NULL::bigint) AS t
	$$;
COMMENT ON FUNCTION @extschema@.infer_labels(text, bigint, boolean, @extschema@.truth_options) IS
	'one row per judged task of labeling.judgments: the inferred label, its probability and the posterior (see fit_truth_model)';
