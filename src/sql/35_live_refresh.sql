-- ---------------------------------------------------------------------------
-- refresh(project): refit the project's batch model and store its labels,
-- confidences and worker skills, in one transaction
--
-- The fit runs over the judgments that count (workers not banned).  Its
-- per-task posteriors go to refresh_labels; per worker, refresh_workers keeps
-- the judgments on non-golden tasks it saw and how many of them the fit
-- expects to be correct (the sum of the posterior probability of the
-- worker's label).  Floating-point sums are taken in value order, so the
-- same judgments give the same bits whatever the plan.  Those expected
-- counts then join the golden counts in
-- worker_state.skill, which weights the worker's votes in the live
-- posteriors: the whole project's live state is recomputed and the
-- quality-control rules are applied to every worker.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.refresh_methods()
	RETURNS SETOF text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	BEGIN ATOMIC
		SELECT u.m FROM pg_catalog.unnest(ARRAY['dawid_skene', 'one_coin', 'glad', 'wawa',
												'majority_vote', 'weighted_vote']) AS u(m);
	END;
COMMENT ON FUNCTION @extschema@.refresh_methods() IS
	'the batch models refresh(project, method) can fit';

-- not STRICT: method NULL means the project's refresh_method
CREATE FUNCTION @extschema@.refresh(project_id bigint, method text DEFAULT NULL)
	RETURNS @extschema@.refresh_runs
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	p @extschema@.projects;
	v_method text;
	v_started timestamptz := clock_timestamp();
	v_run @extschema@.refresh_runs;
	v_work_mem text;
	v_model @extschema@.truth_model;
	v_details jsonb;
BEGIN
	IF refresh.project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO p FROM @extschema@.projects x WHERE x.project_id = refresh.project_id
	FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % does not exist', refresh.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'refresh() fits classification models over judgments.';
	END IF;
	v_method := coalesce(refresh.method, p.refresh_method);
	IF NOT EXISTS (SELECT 1 FROM @extschema@.refresh_methods() m WHERE m = v_method) THEN
		RAISE EXCEPTION 'unknown refresh method %', quote_literal(v_method)
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = format('Available methods: %s.',
								(SELECT string_agg(m, ', ') FROM @extschema@.refresh_methods() m));
	END IF;
	v_work_mem := labeling_internal.live_bulk_mode(
		(SELECT count(*) FROM @extschema@.judgments j
		 JOIN @extschema@.tasks t ON t.task_id = j.task_id
		 WHERE t.project_id = p.project_id),
		'@extschema@.judgments'::regclass);

	INSERT INTO @extschema@.refresh_runs (project_id, method, started_at, finished_at,
										  n_tasks, n_workers, n_judgments, golden_tasks)
	VALUES (p.project_id, v_method, v_started, v_started, 0, 0, 0, 0)
	RETURNING * INTO v_run;
	DELETE FROM @extschema@.refresh_labels rl WHERE rl.project_id = p.project_id;
	DELETE FROM @extschema@.refresh_workers rw WHERE rw.project_id = p.project_id;

	-- the fit: a posterior per task from the judgments that count
	IF v_method IN ('majority_vote', 'weighted_vote') THEN
		-- (majority_vote: vote shares; weighted_vote: shares of worker skill)
		INSERT INTO @extschema@.refresh_labels (task_id, project_id, run_id, label, confidence, posterior)
		SELECT f.task_id, p.project_id, v_run.run_id,
			   @extschema@.top_label(f.d), @extschema@.confidence(f.d), f.d
		FROM (SELECT j.task_id,
					 @extschema@.vote_dist(j.label, CASE WHEN v_method = 'weighted_vote'
														 THEN ws.skill ELSE 1.0 END
										   ORDER BY j.label, ws.skill) AS d
			  FROM @extschema@.judgments j
			  JOIN @extschema@.tasks t ON t.task_id = j.task_id
			  JOIN @extschema@.worker_state ws
				ON ws.project_id = t.project_id AND ws.worker_id = j.worker_id
			  JOIN @extschema@.workers w ON w.worker_id = j.worker_id
			  WHERE t.project_id = p.project_id
				AND NOT labeling_internal.live_worker_banned(ws.status, w.status)
			  GROUP BY j.task_id) f
		WHERE f.d IS NOT NULL;
	ELSE
		-- a truth-inference model (fit_truth_model leaves out the same banned
		-- workers); golden labels are not given to it, so that the accuracy
		-- on the golden tasks below stays an honest measure
		v_model := @extschema@.fit_truth_model(v_method, p.project_id, false);
		INSERT INTO @extschema@.refresh_labels (task_id, project_id, run_id, label, confidence, posterior)
		SELECT m.task, p.project_id, v_run.run_id, m.label, m.confidence, m.posterior
		FROM @extschema@.truth_tasks(v_model, NULL::bigint) m;
		SELECT jsonb_build_object('iterations', d.iterations, 'converged', d.converged,
								  'objective', d.objective)
		INTO v_details
		FROM @extschema@.truth_diagnostics(v_model) d;
	END IF;

	-- what the fit says about each worker, on non-golden tasks
	INSERT INTO @extschema@.refresh_workers (project_id, worker_id, run_id, n_judgments,
											 expected_correct, skill)
	SELECT p.project_id, j.worker_id, v_run.run_id, count(*),
		   least(sum(x.probability ORDER BY x.probability), count(*)),
		   least(sum(x.probability ORDER BY x.probability), count(*)) / count(*)
	FROM @extschema@.refresh_labels rl
	JOIN @extschema@.judgments j ON j.task_id = rl.task_id
	JOIN @extschema@.worker_state ws ON ws.project_id = p.project_id AND ws.worker_id = j.worker_id
	JOIN @extschema@.workers w ON w.worker_id = j.worker_id
	LEFT JOIN @extschema@.golden_labels g ON g.task_id = rl.task_id
	CROSS JOIN LATERAL (SELECT @extschema@.probability(rl.posterior, j.label) AS probability) x
	WHERE rl.project_id = p.project_id
	  AND g.task_id IS NULL
	  AND NOT labeling_internal.live_worker_banned(ws.status, w.status)
	GROUP BY j.worker_id
	ORDER BY j.worker_id;

	UPDATE @extschema@.refresh_runs r
	SET n_tasks = (SELECT count(*) FROM @extschema@.refresh_labels rl
				   WHERE rl.project_id = p.project_id),
		n_workers = (SELECT count(*) FROM @extschema@.refresh_workers rw
					 WHERE rw.project_id = p.project_id),
		n_judgments = (SELECT count(*) FROM @extschema@.refresh_labels rl
					   JOIN @extschema@.judgments j ON j.task_id = rl.task_id
					   JOIN @extschema@.worker_state ws
						 ON ws.project_id = p.project_id AND ws.worker_id = j.worker_id
					   JOIN @extschema@.workers w ON w.worker_id = j.worker_id
					   WHERE rl.project_id = p.project_id
						 AND NOT labeling_internal.live_worker_banned(ws.status, w.status)),
		golden_tasks = g.n,
		golden_accuracy = g.accuracy,
		details = jsonb_build_object('prior_correct', p.prior_correct,
									 'prior_wrong', p.prior_wrong)
				  || coalesce(v_details, '{}')
	FROM (SELECT count(*) AS n,
				 avg(CASE WHEN rl.label = gl.label THEN 1.0 ELSE 0.0 END)::double precision AS accuracy
		  FROM @extschema@.refresh_labels rl
		  JOIN @extschema@.golden_labels gl ON gl.task_id = rl.task_id
		  WHERE rl.project_id = p.project_id) g
	WHERE r.run_id = v_run.run_id;

	-- the new skills weight every live posterior; rules see the new record
	PERFORM labeling_internal.live_update_project(p.project_id, true);

	UPDATE @extschema@.refresh_runs r SET finished_at = clock_timestamp()
	WHERE r.run_id = v_run.run_id
	RETURNING * INTO v_run;
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
	RETURN v_run;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh(bigint, text) IS
	'refit a project''s batch model (projects.refresh_method unless given), store labels and worker skills, recompute the live state';
