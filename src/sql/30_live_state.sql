-- ---------------------------------------------------------------------------
-- The live state: statement-level triggers keep task_state and worker_state
-- equal to a recomputation from the input tables, apply the quality-control
-- rules and NOTIFY listeners.
--
-- Every change goes through live_update(), in three phases that always take
-- their row locks in the same global order, so that concurrent writers never
-- lose an update and never deadlock each other within one statement:
--   1. workers: the worker_state rows of the (project, worker) pairs touched
--      are created if missing and locked in key order; their statistics are
--      recomputed from judgments and golden_labels under the lock; the
--      quality-control rules on a worker's own record (golden accuracy,
--      time) are applied.  Workers whose vote weight changed (new skill, or
--      banned) put every task they judged into phase 2.
--   2. tasks: the task_state rows are locked in task_id order; the rules
--      that depend on other writers (one judgment per worker, no judgment on
--      a complete task) are checked under the lock; each task's posterior,
--      label, confidence and status are recomputed from all its judgments
--      and the current skills.  Completions and reopenings are NOTIFYed.
--   3. agreement: the leave-one-out agreement of the workers of phase 1 is
--      recomputed against the new posteriors and the agreement rules are
--      applied (they only flag, so nothing goes back to phase 2).
-- Under READ COMMITTED each query of these functions takes a new snapshot,
-- so a recomputation made under a row lock sees every judgment committed by
-- the transactions that held the lock before: the last writer of a task or
-- worker computes from everything.  Under REPEATABLE READ or SERIALIZABLE a
-- lock on a row changed since the snapshot raises a serialization failure,
-- and the client retries.
--
-- All functions are SECURITY INVOKER with a pinned search_path (but for
-- live_analyze); the ones named live_* are internal.  Their array arguments
-- hold distinct keys (task ids, or (project, worker) pairs as two parallel
-- arrays): callers deduplicate, so that the planner sees the real sizes.
-- ---------------------------------------------------------------------------

-- True when a worker's judgments do not count in a project.
-- not STRICT: a NULL status is not banned
CREATE FUNCTION @extschema@.live_worker_banned(ws_status text, w_status text) RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ws_status OPERATOR(pg_catalog.=) 'banned' OR w_status OPERATOR(pg_catalog.=) 'banned';
COMMENT ON FUNCTION @extschema@.live_worker_banned(text, text) IS
	'internal: is a worker banned in a project (worker_state.status) or everywhere (workers.status)';

-- Judgments an open regular task of a classification project may still
-- need before it can complete (the dispatch capacity of next_tasks): all of
-- those up to min_overlap, at least one while it is open, never past
-- max_overlap; 0 for golden, complete and closed tasks.
-- not STRICT: NULL counts are treated as no judgments
CREATE FUNCTION @extschema@.live_needed(status text, golden boolean, kind text, n_counted integer,
		min_overlap integer, max_overlap integer)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN status OPERATOR(pg_catalog.=) 'open' AND NOT golden
					 AND kind OPERATOR(pg_catalog.=) 'classification'
				THEN GREATEST(LEAST(max_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0),
									GREATEST(min_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0), 1)),
							  0)
				ELSE 0 END;
COMMENT ON FUNCTION @extschema@.live_needed(text, boolean, text, integer, integer, integer) IS
	'internal: judgments an open regular task may still need (task_state.needed)';

-- Phase 1a: create the missing worker_state rows and lock all of them, in key order.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION @extschema@.live_lock_workers(p_projects bigint[], p_workers bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	INSERT INTO @extschema@.worker_state (project_id, worker_id)
	SELECT k.project_id, k.worker_id
	FROM unnest(p_projects, p_workers) AS k(project_id, worker_id)
	ORDER BY k.project_id, k.worker_id
	ON CONFLICT (project_id, worker_id) DO NOTHING;

	PERFORM 1
	FROM @extschema@.worker_state ws
	JOIN unnest(p_projects, p_workers) AS k(project_id, worker_id)
	  ON ws.project_id = k.project_id AND ws.worker_id = k.worker_id
	ORDER BY ws.project_id, ws.worker_id
	FOR UPDATE OF ws;
END
$$;
COMMENT ON FUNCTION @extschema@.live_lock_workers(bigint[], bigint[]) IS
	'internal: create and lock worker_state rows in key order';

-- Phase 1b: recompute the statistics of locked workers; returns the pairs
-- whose skill (the weight of their votes) changed.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION @extschema@.live_worker_stats(p_projects bigint[], p_workers bigint[])
	RETURNS TABLE (project_id bigint, worker_id bigint)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan
	AS $$
BEGIN
	-- the judgments are filtered with = ANY on each key (estimated from the
	-- columns' statistics), aggregated in one hashable pass (float8_median() rather
	-- than percentile_cont), and only then matched to the pairs
	RETURN QUERY
	WITH s AS (
		SELECT t.project_id, j.worker_id,
			   count(*) AS n_judgments,
			   count(g.task_id) AS golden_answered,
			   count(g.task_id) FILTER (WHERE g.label = j.label) AS golden_correct,
			   count(j.time_spent) AS timed_judgments,
			   @extschema@.float8_median(date_part('epoch', j.time_spent)) AS median_seconds,
			   max(j.created_at) AS last_judgment_at
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id = j.task_id
		LEFT JOIN @extschema@.golden_labels g ON g.task_id = j.task_id
		WHERE j.worker_id = ANY (p_workers) AND t.project_id = ANY (p_projects)
		GROUP BY t.project_id, j.worker_id
	), f AS (
		SELECT k.project_id, k.worker_id,
			   coalesce(s.n_judgments, 0) AS n_judgments,
			   coalesce(s.golden_answered, 0) AS golden_answered,
			   coalesce(s.golden_correct, 0) AS golden_correct,
			   coalesce(s.timed_judgments, 0) AS timed_judgments,
			   s.last_judgment_at, s.median_seconds,
			   p.prior_correct, p.prior_wrong,
			   coalesce(rw.n_judgments, 0) AS model_judgments,
			   coalesce(rw.expected_correct, 0) AS model_correct
		FROM unnest(p_projects, p_workers) AS k(project_id, worker_id)
		JOIN @extschema@.projects p ON p.project_id = k.project_id
		LEFT JOIN s ON s.project_id = k.project_id AND s.worker_id = k.worker_id
		LEFT JOIN @extschema@.refresh_workers rw
		  ON rw.project_id = k.project_id AND rw.worker_id = k.worker_id
	), u AS (
		UPDATE @extschema@.worker_state ws
		SET n_judgments = f.n_judgments,
			golden_answered = f.golden_answered,
			golden_correct = f.golden_correct,
			golden_lower = @extschema@.accuracy_bound(0.025, f.golden_correct, f.golden_answered,
													  f.prior_correct, f.prior_wrong),
			golden_upper = @extschema@.accuracy_bound(0.975, f.golden_correct, f.golden_answered,
													  f.prior_correct, f.prior_wrong),
			model_judgments = f.model_judgments,
			model_correct = f.model_correct,
			skill = (f.prior_correct + f.golden_correct + f.model_correct)
				/ (f.prior_correct + f.prior_wrong + f.golden_answered + f.model_judgments),
			timed_judgments = f.timed_judgments,
			median_seconds = f.median_seconds,
			last_judgment_at = f.last_judgment_at
		FROM f
		JOIN @extschema@.worker_state old
		  ON old.project_id = f.project_id AND old.worker_id = f.worker_id
		WHERE ws.project_id = f.project_id AND ws.worker_id = f.worker_id
		RETURNING ws.project_id, ws.worker_id, old.skill AS old_skill, ws.skill AS new_skill
	)
	SELECT u.project_id, u.worker_id
	FROM u
	WHERE u.old_skill IS NOT NULL AND u.old_skill IS DISTINCT FROM u.new_skill;
END
$$;
COMMENT ON FUNCTION @extschema@.live_worker_stats(bigint[], bigint[]) IS
	'internal: recompute worker_state statistics and skill; returns the workers whose skill changed';

-- Send one NOTIFY per quality-control event.  Any role that can connect may
-- LISTEN on any channel, so the payload is the event_id alone: a listener
-- reads the event back from qc_events through its own privileges.
-- not STRICT: a NULL array means no events
CREATE FUNCTION @extschema@.live_notify_events(p_events bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM pg_notify(
		CASE WHEN e.action = 'ban' OR e.action = 'unban'
			 THEN 'labeling_worker_ban' ELSE 'labeling_worker_flag' END,
		e.event_id::text)
	FROM @extschema@.qc_events e
	JOIN unnest(p_events) AS u(event_id) ON u.event_id = e.event_id
	ORDER BY e.event_id;
END
$$;
COMMENT ON FUNCTION @extschema@.live_notify_events(bigint[]) IS
	'internal: NOTIFY labeling_worker_ban / labeling_worker_flag for quality-control events';

-- Apply the enabled quality-control rules on the given metrics to locked
-- workers: a rule fires when metric < threshold after at least min_count
-- observations and its action is stronger than the worker's status.  Every
-- firing is stored in qc_events with its evidence.  Returns the pairs that
-- became banned.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION @extschema@.live_qc(p_projects bigint[], p_workers bigint[], p_metrics text[])
	RETURNS TABLE (project_id bigint, worker_id bigint)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_events bigint[];
BEGIN
	IF NOT EXISTS (SELECT 1 FROM @extschema@.qc_rules r
				   WHERE r.enabled AND r.metric = ANY (p_metrics)) THEN
		RETURN;
	END IF;
	WITH k AS (
		SELECT u.project_id, u.worker_id
		FROM unnest(p_projects, p_workers) AS u(project_id, worker_id)
	), fired AS (
		SELECT ws.project_id, ws.worker_id, r.rule_id, r.action, r.metric, r.threshold,
			   CASE WHEN r.metric = 'golden_lower_bound' THEN ws.golden_lower
					WHEN r.metric = 'median_seconds' THEN ws.median_seconds
					ELSE ws.agreement END AS value,
			   jsonb_build_object('rule', r.name, 'min_count', r.min_count,
								  'n_judgments', ws.n_judgments, 'skill', ws.skill)
			   || CASE
					WHEN r.metric = 'golden_lower_bound' THEN
						jsonb_build_object(
							'golden_answered', ws.golden_answered,
							'golden_correct', ws.golden_correct,
							'golden_lower', ws.golden_lower, 'golden_upper', ws.golden_upper,
							'prior_correct', p.prior_correct, 'prior_wrong', p.prior_wrong,
							'wrong_golden_answers', (
								SELECT coalesce(jsonb_agg(jsonb_build_object(
										   'judgment_id', x.judgment_id, 'task_id', x.task_id,
										   'label', x.label, 'golden_label', x.golden_label)
										   ORDER BY x.created_at DESC, x.judgment_id DESC), '[]')
								FROM (SELECT j.judgment_id, j.task_id, j.label, j.created_at,
											 g.label AS golden_label
									  FROM @extschema@.judgments j
									  JOIN @extschema@.tasks t ON t.task_id = j.task_id
									  JOIN @extschema@.golden_labels g ON g.task_id = j.task_id
									  WHERE j.worker_id = ws.worker_id
										AND t.project_id = ws.project_id
										AND j.label <> g.label
									  ORDER BY j.created_at DESC, j.judgment_id DESC
									  LIMIT 20) x))
					WHEN r.metric = 'median_seconds' THEN
						jsonb_build_object('median_seconds', ws.median_seconds,
										   'timed_judgments', ws.timed_judgments)
					ELSE
						jsonb_build_object('agreement', ws.agreement,
										   'agreement_judgments', ws.agreement_judgments,
										   'agreement_at', ws.agreement_at)
				  END AS evidence
		FROM k
		JOIN @extschema@.worker_state ws
		  ON ws.project_id = k.project_id AND ws.worker_id = k.worker_id
		JOIN @extschema@.workers w ON w.worker_id = ws.worker_id
		JOIN @extschema@.projects p ON p.project_id = ws.project_id
		JOIN @extschema@.qc_rules r
		  ON r.enabled
		 AND (r.project_id IS NULL OR r.project_id = ws.project_id)
		 AND (r.worker_kinds IS NULL OR w.kind = ANY (r.worker_kinds))
		 AND r.metric = ANY (p_metrics)
		WHERE ((r.action = 'ban' AND ws.status <> 'banned')
			   OR (r.action = 'flag' AND ws.status = 'active'))
		  AND ((r.metric = 'golden_lower_bound' AND ws.golden_answered >= r.min_count
				AND ws.golden_lower < r.threshold)
			   OR (r.metric = 'median_seconds' AND ws.timed_judgments >= r.min_count
				   AND ws.median_seconds < r.threshold)
			   OR (r.metric = 'agreement' AND ws.agreement_judgments >= r.min_count
				   AND ws.agreement < r.threshold))
	), ev AS (
		INSERT INTO @extschema@.qc_events
			(project_id, worker_id, rule_id, action, metric, value, threshold, evidence)
		SELECT f.project_id, f.worker_id, f.rule_id, f.action, f.metric, f.value, f.threshold,
			   f.evidence
		FROM fired f
		ORDER BY f.project_id, f.worker_id, f.rule_id
		RETURNING event_id
	)
	SELECT array_agg(ev.event_id ORDER BY ev.event_id) INTO v_events FROM ev;

	IF v_events IS NULL THEN
		RETURN;
	END IF;
	PERFORM @extschema@.live_notify_events(v_events);

	RETURN QUERY
	WITH d AS (
		SELECT e.project_id, e.worker_id, bool_or(e.action = 'ban') AS ban
		FROM @extschema@.qc_events e
		JOIN unnest(v_events) AS u(event_id) ON u.event_id = e.event_id
		GROUP BY e.project_id, e.worker_id
	), s AS (
		UPDATE @extschema@.worker_state ws
		SET status = CASE WHEN d.ban THEN 'banned' ELSE 'flagged' END,
			status_changed_at = now()
		FROM d
		WHERE ws.project_id = d.project_id AND ws.worker_id = d.worker_id
		RETURNING ws.project_id, ws.worker_id, ws.status
	)
	SELECT s.project_id, s.worker_id FROM s WHERE s.status = 'banned';
END
$$;
COMMENT ON FUNCTION @extschema@.live_qc(bigint[], bigint[], text[]) IS
	'internal: apply quality-control rules on some metrics to locked workers; returns the newly banned';

-- Phase 2: lock tasks in task_id order; check that no new judgment went to
-- a complete or closed task (p_new_tasks: the tasks of new judgments, or
-- NULL); recompute the tasks (with their dispatch capacity: needed, and the
-- assignments still issued), checking that no worker judged a task twice
-- unless the project allows it; NOTIFY completions and reopenings.  A
-- repeat can only come from the judgments of this statement: a project
-- cannot stop allowing repeats while it has some.
-- not STRICT: NULL arrays mean no tasks (and nothing to check)
CREATE FUNCTION @extschema@.live_tasks(p_tasks bigint[], p_new_tasks bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
	v_changed bigint[];
	v_events bigint[];
	v_statuses text[];
	v_repeat bigint;
BEGIN
	PERFORM 1
	FROM @extschema@.task_state ts
	WHERE ts.task_id = ANY (p_tasks)
	ORDER BY ts.task_id
	FOR UPDATE OF ts;

	IF p_new_tasks IS NOT NULL THEN
		-- no judgment on a complete or closed task (status before this statement)
		SELECT ts.task_id, ts.status, p.name INTO r
		FROM @extschema@.task_state ts
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE ts.task_id = ANY (p_new_tasks)
		  AND ts.status <> 'open' AND NOT p.allow_judgments_on_closed
		ORDER BY ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'task % is %', r.task_id, r.status
				USING ERRCODE = 'check_violation',
					  CONSTRAINT = 'judgments_task_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Project %L accepts no judgments on complete or closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;
	END IF;

	WITH agg AS (
		SELECT j.task_id,
			   count(*) AS n_judgments,
			   count(*) FILTER (WHERE NOT @extschema@.live_worker_banned(ws.status, w.status))
				   AS n_counted,
			   @extschema@.one_coin_posterior(j.label, ws.skill, p.labels)
				   FILTER (WHERE NOT @extschema@.live_worker_banned(ws.status, w.status))
				   AS posterior,
			   max(j.created_at) FILTER (WHERE NOT @extschema@.live_worker_banned(ws.status, w.status))
				   AS last_counted_at,
			   @extschema@.repeated_key(j.worker_id) FILTER (WHERE NOT p.allow_repeat_judgments)
				   AS repeated_worker
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id = j.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		JOIN @extschema@.worker_state ws
		  ON ws.project_id = t.project_id AND ws.worker_id = j.worker_id
		JOIN @extschema@.workers w ON w.worker_id = j.worker_id
		WHERE j.task_id = ANY (p_tasks)
		GROUP BY j.task_id
	), n AS (
		SELECT t.task_id, t.project_id, t.status AS task_status,
			   coalesce(a.n_judgments, 0) AS n_judgments,
			   coalesce(a.n_counted, 0) AS n_counted,
			   a.posterior, a.last_counted_at, a.repeated_worker,
			   @extschema@.top_label(a.posterior) AS label,
			   @extschema@.confidence(a.posterior) AS confidence,
			   g.task_id IS NOT NULL AS golden,
			   p.kind, p.min_overlap, p.max_overlap, p.target_confidence,
			   coalesce(i.issued, 0) AS issued
		FROM @extschema@.tasks t
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		LEFT JOIN agg a ON a.task_id = t.task_id
		LEFT JOIN @extschema@.golden_labels g ON g.task_id = t.task_id
		LEFT JOIN (SELECT x.task_id, count(*) AS issued
				   FROM @extschema@.assignments x
				   WHERE x.task_id = ANY (p_tasks) AND x.state = 'issued'
				   GROUP BY x.task_id) i ON i.task_id = t.task_id
		WHERE t.task_id = ANY (p_tasks)
	), s AS (
		SELECT n.*,
			   CASE WHEN n.task_status = 'closed' THEN 'closed'
					WHEN n.golden THEN 'open'
					WHEN n.n_counted >= n.max_overlap THEN 'complete'
					WHEN n.n_counted >= n.min_overlap
						 AND n.confidence >= n.target_confidence THEN 'complete'
					ELSE 'open' END AS status
		FROM n
	), upd AS (
		UPDATE @extschema@.task_state ts
		SET n_judgments = s.n_judgments,
			n_counted = s.n_counted,
			posterior = s.posterior,
			label = s.label,
			confidence = s.confidence,
			status = s.status,
			golden = s.golden,
			completed_at = CASE WHEN s.status = 'complete' THEN s.last_counted_at END,
			needed = @extschema@.live_needed(s.status, s.golden, s.kind, s.n_counted::integer,
											 s.min_overlap, s.max_overlap),
			assigned = CASE WHEN s.golden OR s.kind <> 'classification' THEN 0 ELSE s.issued END
		FROM s
		JOIN @extschema@.task_state old ON old.task_id = s.task_id
		WHERE ts.task_id = s.task_id
		RETURNING ts.task_id, ts.status, old.status AS old_status, s.repeated_worker
	)
	SELECT array_agg(upd.task_id ORDER BY upd.task_id)
			   FILTER (WHERE (upd.status = 'complete') <> (upd.old_status = 'complete')
						 AND (upd.status = 'complete' OR upd.status = 'open')),
		   min(upd.task_id) FILTER (WHERE upd.repeated_worker IS NOT NULL)
	INTO v_changed, v_repeat
	FROM upd;

	IF v_repeat IS NOT NULL THEN
		SELECT x.task_id, x.worker_id, p.name INTO r
		FROM (SELECT v_repeat AS task_id, @extschema@.repeated_key(j.worker_id) AS worker_id
			  FROM @extschema@.judgments j WHERE j.task_id = v_repeat) x
		JOIN @extschema@.tasks t ON t.task_id = x.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id;
		RAISE EXCEPTION 'worker % judged task % more than once', r.worker_id, r.task_id
			USING ERRCODE = 'unique_violation',
				  CONSTRAINT = 'judgments_one_per_worker',
				  SCHEMA = '@extschema@', TABLE = 'judgments',
				  DETAIL = format('Project %L takes one judgment per worker and task.', r.name),
				  HINT = 'Set projects.allow_repeat_judgments to accept more.';
	END IF;

	-- one event and one NOTIFY (carrying only the event_id: any role may
	-- LISTEN) per task that completed or reopened
	IF v_changed IS NOT NULL THEN
		WITH ev AS (
			INSERT INTO @extschema@.task_events (project_id, task_id, status, label, confidence, judgments)
			SELECT ts.project_id, ts.task_id, ts.status, ts.label, ts.confidence, ts.n_counted
			FROM @extschema@.task_state ts
			JOIN unnest(v_changed) AS u(task_id) ON u.task_id = ts.task_id
			ORDER BY ts.task_id
			RETURNING event_id, status
		)
		SELECT array_agg(ev.event_id ORDER BY ev.event_id), array_agg(ev.status ORDER BY ev.event_id)
		INTO v_events, v_statuses
		FROM ev;
		-- in event (= task_id) order: unnest keeps the arrays' order
		PERFORM pg_notify(CASE WHEN u.status = 'complete' THEN 'labeling_task_complete'
							   ELSE 'labeling_task_reopen' END,
						  u.event_id::text)
		FROM unnest(v_events, v_statuses) AS u(event_id, status);
	END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.live_tasks(bigint[], bigint[]) IS
	'internal: lock and recompute task_state rows, check rules needing the lock, NOTIFY completions';

-- Does one judgment agree with its task's posterior, leaving itself out?
-- The judgments of a banned worker are not in the posterior: compared as is.
CREATE FUNCTION @extschema@.live_agrees(ws_status text, w_status text, label text, task_label text,
		posterior @extschema@.label_dist, skill double precision)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN @extschema@.live_worker_banned(ws_status, w_status)
				THEN label OPERATOR(pg_catalog.=) task_label
				ELSE @extschema@.one_coin_loo_agrees(posterior, label, skill) END;
COMMENT ON FUNCTION @extschema@.live_agrees(text, text, text, text, @extschema@.label_dist, double precision) IS
	'internal: does a judgment agree with its task''s posterior without it';

-- Counted judgments a task needs for a worker's judgment on it to be
-- compared: another one, or the task's own for a banned worker.
CREATE FUNCTION @extschema@.live_agreement_min_counted(ws_status text, w_status text)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN @extschema@.live_worker_banned(ws_status, w_status) THEN 1 ELSE 2 END;
COMMENT ON FUNCTION @extschema@.live_agreement_min_counted(text, text) IS
	'internal: counted judgments a task needs before a worker''s judgment on it is compared';

-- Leave-one-out agreement of every worker with the current posteriors,
-- over their judgments on tasks with another counted judgment (or with one,
-- for a banned worker).  Callers filter on project_id and worker_id, which
-- the planner pushes into the grouping.
CREATE VIEW @extschema@.live_worker_agreement AS
SELECT ts.project_id,
	   j.worker_id,
	   pg_catalog.count(*) AS judgments,
	   pg_catalog.count(*) FILTER (
		   WHERE @extschema@.live_agrees(ws.status, w.status, j.label, ts.label,
										 ts.posterior, ws.skill)) AS agreeing
FROM @extschema@.judgments j
JOIN @extschema@.task_state ts ON ts.task_id OPERATOR(pg_catalog.=) j.task_id
JOIN @extschema@.worker_state ws
  ON ws.project_id OPERATOR(pg_catalog.=) ts.project_id
 AND ws.worker_id OPERATOR(pg_catalog.=) j.worker_id
JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) j.worker_id
WHERE ts.n_counted OPERATOR(pg_catalog.>=) @extschema@.live_agreement_min_counted(ws.status, w.status)
GROUP BY ts.project_id, j.worker_id;
COMMENT ON VIEW @extschema@.live_worker_agreement IS
	'per project and worker: judgments compared with the live posteriors leaving themselves out, and how many agree';

-- Phase 3: store the agreement of locked workers.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION @extschema@.live_agreement(p_projects bigint[], p_workers bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan
	AS $$
BEGIN
	UPDATE @extschema@.worker_state ws
	SET agreement = CASE WHEN a.judgments > 0
						 THEN a.agreeing::double precision / a.judgments END,
		agreement_judgments = coalesce(a.judgments, 0),
		agreement_at = now()
	FROM unnest(p_projects, p_workers) AS k(project_id, worker_id)
	LEFT JOIN (SELECT * FROM @extschema@.live_worker_agreement v
			   WHERE v.worker_id = ANY (p_workers) AND v.project_id = ANY (p_projects)) a
	  ON a.project_id = k.project_id AND a.worker_id = k.worker_id
	WHERE ws.project_id = k.project_id AND ws.worker_id = k.worker_id;
END
$$;
COMMENT ON FUNCTION @extschema@.live_agreement(bigint[], bigint[]) IS
	'internal: store the leave-one-out agreement of locked workers';

-- The three phases.  p_tasks: tasks to recompute; (p_projects, p_workers):
-- worker pairs to recompute; p_new_tasks: the tasks of newly inserted
-- judgments (checked under the task lock), or NULL; p_qc: apply the
-- quality-control rules; p_cascade: treat every worker pair as changed (its
-- tasks are recomputed); p_agreement: recompute agreement (and apply the
-- agreement rules when p_qc).
-- not STRICT: NULL arrays mean no tasks or workers
CREATE FUNCTION @extschema@.live_update(p_tasks bigint[], p_projects bigint[], p_workers bigint[],
		p_new_tasks bigint[], p_qc boolean, p_cascade boolean, p_agreement boolean)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_cp bigint[];
	v_cw bigint[];
	v_tasks bigint[];
BEGIN
	-- phase 1: workers
	PERFORM @extschema@.live_lock_workers(p_projects, p_workers);
	IF p_cascade THEN
		PERFORM @extschema@.live_worker_stats(p_projects, p_workers);
		v_cp := p_projects;
		v_cw := p_workers;
	ELSE
		SELECT array_agg(c.project_id), array_agg(c.worker_id) INTO v_cp, v_cw
		FROM @extschema@.live_worker_stats(p_projects, p_workers) c;
	END IF;
	IF p_qc THEN
		SELECT v_cp || array_agg(b.project_id), v_cw || array_agg(b.worker_id) INTO v_cp, v_cw
		FROM @extschema@.live_qc(p_projects, p_workers,
								 ARRAY['golden_lower_bound', 'median_seconds']) b;
	END IF;

	-- phase 2: tasks, with every task judged by a worker whose weight changed
	-- (with several projects, by a worker whose weight changed in another
	-- project too: recomputing more is harmless)
	IF v_cp IS NULL THEN
		v_tasks := p_tasks;
	ELSE
		SELECT array_agg(x.task_id) INTO v_tasks
		FROM (SELECT u.task_id FROM unnest(p_tasks) AS u(task_id)
			  UNION
			  SELECT j.task_id
			  FROM @extschema@.judgments j
			  JOIN @extschema@.tasks t ON t.task_id = j.task_id
			  WHERE j.worker_id = ANY (v_cw) AND t.project_id = ANY (v_cp)) x;
	END IF;
	PERFORM @extschema@.live_tasks(v_tasks, p_new_tasks);

	-- phase 3: agreement
	IF p_agreement THEN
		PERFORM @extschema@.live_agreement(p_projects, p_workers);
		IF p_qc THEN
			PERFORM @extschema@.live_qc(p_projects, p_workers, ARRAY['agreement']);
		END IF;
	END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.live_update(bigint[], bigint[], bigint[], bigint[], boolean, boolean, boolean) IS
	'internal: recompute worker_state and task_state for the given workers and tasks, in lock order';

-- All tasks and worker pairs of a project, for the whole-project paths.
-- not STRICT: called only with a project id
CREATE FUNCTION @extschema@.live_update_project(p_project bigint, p_qc boolean)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	v_work_mem := @extschema@.live_bulk_mode(
		(SELECT count(*) FROM @extschema@.judgments j
		 JOIN @extschema@.tasks t ON t.task_id = j.task_id
		 WHERE t.project_id = p_project),
		'@extschema@.judgments'::regclass);
	SELECT array_agg(t.task_id ORDER BY t.task_id) INTO v_tasks
	FROM @extschema@.tasks t WHERE t.project_id = p_project;
	SELECT array_agg(p_project), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT j.worker_id
		  FROM @extschema@.judgments j
		  JOIN @extschema@.tasks t ON t.task_id = j.task_id
		  WHERE t.project_id = p_project
		  UNION
		  SELECT ws.worker_id FROM @extschema@.worker_state ws
		  WHERE ws.project_id = p_project) x;
	PERFORM @extschema@.live_update(v_tasks, v_projects, v_workers, NULL,
									p_qc, true, true);
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
END
$$;
COMMENT ON FUNCTION @extschema@.live_update_project(bigint, boolean) IS
	'internal: recompute the whole live state of one project';

CREATE FUNCTION @extschema@.rebuild(project_id bigint)
	RETURNS void
	LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM @extschema@.projects p WHERE p.project_id = rebuild.project_id) THEN
		RAISE EXCEPTION 'project % does not exist', rebuild.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM 1 FROM @extschema@.projects p WHERE p.project_id = rebuild.project_id
	FOR NO KEY UPDATE;
	PERFORM @extschema@.live_update_project(rebuild.project_id, false);
END
$$;
COMMENT ON FUNCTION @extschema@.rebuild(bigint) IS
	'recompute task_state and worker_state of a project from its judgments (statuses and events are kept; no rule is applied)';

-- Statistics for the planner after a bulk write.  The live functions plan
-- their queries for the sizes of the arrays they get (custom plans), but a
-- table just filled by the same transaction (or never analyzed since the
-- extension was created) has statistics that make a nested loop look
-- cheap where a hash join is right.  ANALYZE needs the table owner, so this
-- function runs as the extension owner; it takes no input and analyzes only
-- the extension's own tables, those that grew well past their statistics.
CREATE FUNCTION @extschema@.live_analyze()
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_table regclass;
BEGIN
	-- a table whose file grew past twice what its statistics describe
	FOR v_table IN
		SELECT c.oid FROM pg_class c
		WHERE c.oid = ANY (ARRAY['@extschema@.judgments', '@extschema@.tasks',
								 '@extschema@.golden_labels', '@extschema@.task_state',
								 '@extschema@.worker_state']::regclass[])
		  AND pg_relation_size(c.oid) / current_setting('block_size')::bigint > 2 * c.relpages + 8
		ORDER BY c.oid
	LOOP
		EXECUTE format('ANALYZE %s', v_table);
	END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.live_analyze() IS
	'internal: ANALYZE the tables the live functions read whose statistics are stale (runs as the extension owner)';

-- Bulk mode for a statement of p_rows rows written into p_table.  From 1000
-- rows on, every query of the statement is planned for the real sizes of
-- its arrays (custom plans) and gets at least 64MB of work_mem, so that its
-- hash tables and sorts stay in memory.  When the statement is also large
-- next to what the planner believes the table holds, the statistics are
-- refreshed, and nested loops and sorts are disabled: the planner cannot
-- estimate joins against the arrays' contents (it underestimates them by
-- orders of magnitude), and whole-table hash joins and hash aggregation are
-- right at that size.  The caller must SET plan_cache_mode, enable_nestloop
-- and enable_sort in its own SET clause, so that these end with it, and give
-- work_mem back with live_bulk_mode_end(the value returned here).
-- not STRICT: called only with a row count and a table
CREATE FUNCTION @extschema@.live_bulk_mode(p_rows bigint, p_table regclass)
	RETURNS text
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_work_mem text := current_setting('work_mem');
BEGIN
	IF p_rows < 1000 THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
	IF (SELECT s.setting::bigint < 65536 FROM pg_settings s WHERE s.name = 'work_mem') THEN
		PERFORM set_config('work_mem', '64MB', true);
	END IF;
	IF p_rows >= 0.2 * (SELECT greatest(c.reltuples, 0) FROM pg_class c WHERE c.oid = p_table) THEN
		PERFORM @extschema@.live_analyze();
		PERFORM set_config('enable_nestloop', 'off', true);
		PERFORM set_config('enable_sort', 'off', true);
	END IF;
	RETURN v_work_mem;
END
$$;
COMMENT ON FUNCTION @extschema@.live_bulk_mode(bigint, regclass) IS
	'internal: custom plans, memory and fresh statistics for a statement that writes many rows';

-- not STRICT: NULL means work_mem was not changed
CREATE FUNCTION @extschema@.live_bulk_mode_end(p_work_mem text)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF p_work_mem IS NOT NULL THEN
		PERFORM set_config('work_mem', p_work_mem, true);
	END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.live_bulk_mode_end(text) IS
	'internal: give back the work_mem changed by live_bulk_mode';

-- ---------------------------------------------------------------------------
-- Triggers on judgments
-- ---------------------------------------------------------------------------

-- Report the first judgment (in judgment_id order) that breaks a rule
-- checked without locks; raises, or returns quietly.
-- not STRICT: most columns of a judgment may be NULL
CREATE FUNCTION @extschema@.live_check_judgment(p_judgment_id bigint, p_task_id bigint,
		p_worker_id bigint, p_label text, p_score double precision, p_version integer,
		p_assignment_id bigint, p_check_assignment boolean)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	p @extschema@.projects;
	v_kind text;
	a @extschema@.assignments;
BEGIN
	SELECT pr.* INTO p
	FROM @extschema@.tasks t JOIN @extschema@.projects pr ON pr.project_id = t.project_id
	WHERE t.task_id = p_task_id;
	SELECT w.kind INTO v_kind FROM @extschema@.workers w WHERE w.worker_id = p_worker_id;

	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'task % belongs to side-by-side project %', p_task_id, quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_project_kind',
				  SCHEMA = '@extschema@', TABLE = 'judgments',
				  DETAIL = 'Judgments are for classification projects.',
				  HINT = 'Insert side-by-side answers into comparisons.';
	END IF;
	IF array_position(p.labels, p_label) IS NULL THEN
		RAISE EXCEPTION 'label % is not among the labels of project %',
				quote_literal(p_label), quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_label_allowed',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'label',
				  DETAIL = format('Judgment %s on task %s; the allowed labels are %s.',
								  p_judgment_id, p_task_id, array_to_string(p.labels, ', ')),
				  HINT = 'Fix the label, or add it to projects.labels.';
	END IF;
	IF p_score IS NOT NULL AND v_kind <> 'model' THEN
		RAISE EXCEPTION 'worker % is a % worker and cannot give a score', p_worker_id, v_kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_score_model_only',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'score',
				  DETAIL = 'Only model workers give a score with their label.',
				  HINT = 'Leave score NULL for human and expert workers.';
	END IF;
	IF p_version > p.guidelines_version THEN
		RAISE EXCEPTION 'guidelines version % of project % does not exist', p_version, quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_guidelines_version_current',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'guidelines_version',
				  DETAIL = format('The current version is %s.', p.guidelines_version);
	END IF;
	IF p_assignment_id IS NOT NULL THEN
		SELECT * INTO a FROM @extschema@.assignments x WHERE x.assignment_id = p_assignment_id;
		IF a.task_id <> p_task_id OR a.worker_id <> p_worker_id THEN
			RAISE EXCEPTION 'assignment % is for task % and worker %',
					p_assignment_id, a.task_id, a.worker_id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_match',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
					  DETAIL = format('The judgment is by worker %s on task %s.', p_worker_id, p_task_id);
		END IF;
		IF p_check_assignment AND a.state <> 'issued' THEN
			RAISE EXCEPTION 'assignment % is %', p_assignment_id, a.state
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
					  HINT = 'Only an issued assignment can be submitted, once.';
		END IF;
	END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.live_check_judgment(bigint, bigint, bigint, text, double precision, integer, bigint, boolean) IS
	'internal: raise the error for a judgment that breaks a rule checked without locks';

CREATE FUNCTION @extschema@.judgments_after_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_rows bigint;
	v_scores bigint;
	v_assignments bigint;
	v_distinct_assignments bigint;
	v_tasks bigint[];
	v_open_tasks bigint[];
	v_task_projects bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	SELECT count(*), count(n.score), count(n.assignment_id) INTO v_rows, v_scores, v_assignments
	FROM new_rows n;
	IF v_rows = 0 THEN
		RETURN NULL;
	END IF;
	v_work_mem := @extschema@.live_bulk_mode(v_rows, '@extschema@.judgments'::regclass);

	-- the first row (in judgment_id order) breaking a rule checked without
	-- locks; the score and assignment rules only when some row has one
	SELECT n.* INTO r
	FROM new_rows n
	JOIN @extschema@.tasks t ON t.task_id = n.task_id
	JOIN @extschema@.projects p ON p.project_id = t.project_id
	LEFT JOIN (SELECT pl.project_id, l.label
			   FROM @extschema@.projects pl, unnest(pl.labels) AS l(label)) al
	  ON al.project_id = t.project_id AND al.label = n.label
	WHERE p.kind <> 'classification'
	   OR al.label IS NULL
	   OR n.guidelines_version > p.guidelines_version
	ORDER BY n.judgment_id
	LIMIT 1;
	IF NOT FOUND AND v_scores > 0 THEN
		SELECT n.* INTO r
		FROM new_rows n JOIN @extschema@.workers w ON w.worker_id = n.worker_id
		WHERE n.score IS NOT NULL AND w.kind <> 'model'
		ORDER BY n.judgment_id
		LIMIT 1;
	END IF;
	IF NOT FOUND AND v_assignments > 0 THEN
		SELECT n.* INTO r
		FROM new_rows n JOIN @extschema@.assignments a ON a.assignment_id = n.assignment_id
		WHERE a.task_id <> n.task_id OR a.worker_id <> n.worker_id OR a.state <> 'issued'
		ORDER BY n.judgment_id
		LIMIT 1;
	END IF;
	IF FOUND THEN
		PERFORM @extschema@.live_check_judgment(r.judgment_id, r.task_id, r.worker_id, r.label,
												r.score, r.guidelines_version, r.assignment_id, true);
		RAISE EXCEPTION 'judgment % breaks a rule', r.judgment_id;	-- not reached
	END IF;

	-- the tasks, and the (project, worker) pairs, of the new judgments
	SELECT array_agg(x.task_id) INTO v_tasks FROM (SELECT DISTINCT n.task_id FROM new_rows n) x;
	SELECT array_agg(DISTINCT t.project_id) INTO v_task_projects
	FROM @extschema@.tasks t WHERE t.task_id = ANY (v_tasks);
	IF cardinality(v_task_projects) = 1 THEN
		SELECT array_agg(v_task_projects[1]), array_agg(x.worker_id) INTO v_projects, v_workers
		FROM (SELECT DISTINCT n.worker_id FROM new_rows n) x;
	ELSE
		SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
		FROM (SELECT DISTINCT t.project_id, n.worker_id
			  FROM new_rows n JOIN @extschema@.tasks t ON t.task_id = n.task_id) x;
	END IF;

	-- the assignments named are submitted now, each once
	IF v_assignments > 0 THEN
		SELECT count(DISTINCT n.assignment_id) INTO v_distinct_assignments FROM new_rows n;
		IF v_distinct_assignments <> v_assignments THEN
			RAISE EXCEPTION 'an assignment is submitted twice in one statement'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id';
		END IF;
		WITH s AS (
			UPDATE @extschema@.assignments a
			SET state = 'submitted', closed_at = now()
			FROM new_rows n
			WHERE a.assignment_id = n.assignment_id AND a.state = 'issued'
			RETURNING a.assignment_id
		)
		SELECT count(*) INTO v_distinct_assignments FROM s;
		IF v_distinct_assignments <> v_assignments THEN
			RAISE EXCEPTION 'an assignment was submitted or closed concurrently'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id';
		END IF;
	END IF;

	-- A judgment for an issued assignment is accepted on a task that
	-- completed after the assignment was issued (the worker was promised the
	-- task), never on a task closed by hand: only the tasks of the other
	-- judgments must be open, and the closed check of assigned ones runs
	-- under the task locks that live_update took.
	IF v_assignments = 0 THEN
		v_open_tasks := v_tasks;
	ELSE
		SELECT array_agg(DISTINCT n.task_id) INTO v_open_tasks
		FROM new_rows n WHERE n.assignment_id IS NULL;
	END IF;
	PERFORM @extschema@.live_update(v_tasks, v_projects, v_workers, v_open_tasks,
									true, false, true);
	IF v_assignments > 0 THEN
		SELECT ts.task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.task_state ts ON ts.task_id = n.task_id
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE n.assignment_id IS NOT NULL AND ts.status = 'closed'
		  AND NOT p.allow_judgments_on_closed
		ORDER BY ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'task % is closed', r.task_id
				USING ERRCODE = 'check_violation',
					  CONSTRAINT = 'judgments_task_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Project %L accepts no judgments on closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;
	END IF;
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.judgments_after_insert() IS
	'trigger: validate new judgments, then update task_state and worker_state, apply rules, NOTIFY';

-- UPDATE or DELETE of judgments.  An update may change the label, the
-- score, the guidelines version, the time or created_at, never the keys, so
-- the old rows name the tasks and workers to recompute in both cases.
CREATE FUNCTION @extschema@.judgments_after_change()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		SELECT o.judgment_id INTO r
		FROM old_rows o JOIN new_rows n ON n.judgment_id = o.judgment_id
		WHERE n.task_id <> o.task_id OR n.worker_id <> o.worker_id
		   OR n.assignment_id IS DISTINCT FROM o.assignment_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'the task, worker and assignment of a judgment cannot change'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_keys_immutable',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Judgment %s was updated.', r.judgment_id),
					  HINT = 'Delete the judgment and insert a new one.';
		END IF;
		FOR r IN
			SELECT n.* FROM new_rows n JOIN old_rows o ON o.judgment_id = n.judgment_id
			WHERE n.label <> o.label OR n.score IS DISTINCT FROM o.score
			   OR n.guidelines_version IS DISTINCT FROM o.guidelines_version
			ORDER BY n.judgment_id
		LOOP
			PERFORM @extschema@.live_check_judgment(r.judgment_id, r.task_id, r.worker_id, r.label,
													r.score, r.guidelines_version, r.assignment_id,
													false);
		END LOOP;
	END IF;

	SELECT array_agg(x.task_id) INTO v_tasks FROM (SELECT DISTINCT o.task_id FROM old_rows o) x;
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	v_work_mem := @extschema@.live_bulk_mode((SELECT count(*) FROM old_rows),
											 '@extschema@.judgments'::regclass);
	SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT DISTINCT t.project_id, o.worker_id
		  FROM old_rows o JOIN @extschema@.tasks t ON t.task_id = o.task_id) x;
	PERFORM @extschema@.live_update(v_tasks, v_projects, v_workers, NULL,
									true, false, true);
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.judgments_after_change() IS
	'trigger: after UPDATE (keys are immutable, changed rows are validated) or DELETE, update the live state';

CREATE FUNCTION @extschema@.judgments_after_truncate()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_project bigint;
BEGIN
	FOR v_project IN SELECT p.project_id FROM @extschema@.projects p ORDER BY p.project_id LOOP
		PERFORM @extschema@.live_update_project(v_project, false);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.judgments_after_truncate() IS
	'trigger: recompute the live state of every project after TRUNCATE judgments';

CREATE TRIGGER judgments_live_insert AFTER INSERT ON @extschema@.judgments
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.judgments_after_insert();
CREATE TRIGGER judgments_live_update AFTER UPDATE ON @extschema@.judgments
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.judgments_after_change();
CREATE TRIGGER judgments_live_delete AFTER DELETE ON @extschema@.judgments
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.judgments_after_change();
CREATE TRIGGER judgments_live_truncate AFTER TRUNCATE ON @extschema@.judgments
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.judgments_after_truncate();

-- ---------------------------------------------------------------------------
-- Triggers on tasks, golden_labels, workers, projects, comparisons
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.tasks_after_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	INSERT INTO @extschema@.task_state (task_id, project_id, status, priority, needed)
	SELECT n.task_id, n.project_id, x.status, n.priority,
		   @extschema@.live_needed(x.status, false, p.kind, 0, p.min_overlap, p.max_overlap)
	FROM new_rows n
	JOIN @extschema@.projects p ON p.project_id = n.project_id
	CROSS JOIN LATERAL (SELECT CASE WHEN n.status = 'closed' THEN 'closed' ELSE 'open' END AS status) x
	ORDER BY n.task_id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.tasks_after_insert() IS
	'trigger: create the task_state row of new tasks';

CREATE FUNCTION @extschema@.tasks_after_update()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
BEGIN
	SELECT o.task_id, o.project_id AS old_project, n.project_id AS new_project INTO r
	FROM old_rows o JOIN new_rows n ON n.task_id = o.task_id
	WHERE n.project_id <> o.project_id
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'a task cannot move to another project'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'tasks_project_immutable',
				  SCHEMA = '@extschema@', TABLE = 'tasks',
				  DETAIL = format('Task %s was moved from project %s to project %s.',
								  r.task_id, r.old_project, r.new_project),
				  HINT = 'Create a new task in the other project.';
	END IF;
	SELECT array_agg(n.task_id) INTO v_tasks
	FROM old_rows o JOIN new_rows n ON n.task_id = o.task_id
	WHERE n.status <> o.status OR n.priority <> o.priority;
	IF v_tasks IS NOT NULL THEN
		PERFORM @extschema@.live_tasks(v_tasks, NULL);
		-- the copy of the priority that orders next_tasks() (rows locked above)
		UPDATE @extschema@.task_state ts SET priority = n.priority
		FROM new_rows n
		WHERE ts.task_id = n.task_id AND ts.priority <> n.priority;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.tasks_after_update() IS
	'trigger: tasks stay in their project; closing, reopening or reprioritising a task updates its state';

CREATE TRIGGER tasks_live_insert AFTER INSERT ON @extschema@.tasks
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.tasks_after_insert();
CREATE TRIGGER tasks_live_update AFTER UPDATE ON @extschema@.tasks
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.tasks_after_update();

-- golden labels: validate, then recompute the golden tasks and their judges
CREATE FUNCTION @extschema@.golden_labels_after_change()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	IF TG_OP <> 'DELETE' THEN
		SELECT n.task_id, n.label, n.expert_id, p.name, p.kind, p.labels, w.kind AS expert_kind INTO r
		FROM new_rows n
		JOIN @extschema@.tasks t ON t.task_id = n.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		LEFT JOIN @extschema@.workers w ON w.worker_id = n.expert_id
		WHERE p.kind <> 'classification'
		   OR array_position(p.labels, n.label) IS NULL
		   OR w.kind <> 'expert'
		ORDER BY n.task_id
		LIMIT 1;
		IF FOUND THEN
			IF r.kind <> 'classification' THEN
				RAISE EXCEPTION 'task % belongs to side-by-side project %', r.task_id, quote_literal(r.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_project_kind',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels',
						  DETAIL = 'Golden labels are for classification projects.';
			ELSIF array_position(r.labels, r.label) IS NULL THEN
				RAISE EXCEPTION 'golden label % is not among the labels of project %',
						quote_literal(r.label), quote_literal(r.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_label_allowed',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels', COLUMN = 'label',
						  DETAIL = format('Task %s; the allowed labels are %s.',
										  r.task_id, array_to_string(r.labels, ', '));
			ELSE
				RAISE EXCEPTION 'worker % is a % worker, not an expert', r.expert_id, r.expert_kind
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_expert_kind',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels', COLUMN = 'expert_id',
						  DETAIL = 'Golden labels come from expert workers, never from models or the crowd.',
						  HINT = 'Leave expert_id NULL, or name a worker of kind expert.';
			END IF;
		END IF;
	END IF;

	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT n.task_id) INTO v_tasks FROM new_rows n;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT o.task_id) INTO v_tasks FROM old_rows o;
	ELSE
		SELECT array_agg(DISTINCT x.task_id) INTO v_tasks
		FROM (SELECT n.task_id FROM new_rows n UNION SELECT o.task_id FROM old_rows o) x;
	END IF;
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	v_work_mem := @extschema@.live_bulk_mode(cardinality(v_tasks),
											 '@extschema@.golden_labels'::regclass);
	SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT DISTINCT t.project_id, j.worker_id
		  FROM unnest(v_tasks) AS u(task_id)
		  JOIN @extschema@.judgments j ON j.task_id = u.task_id
		  JOIN @extschema@.tasks t ON t.task_id = j.task_id) x;
	PERFORM @extschema@.live_update(v_tasks, v_projects, v_workers, NULL,
									true, false, false);
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.golden_labels_after_change() IS
	'trigger: validate golden labels, then update golden records, skills and affected tasks';

CREATE TRIGGER golden_labels_live_insert AFTER INSERT ON @extschema@.golden_labels
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.golden_labels_after_change();
CREATE TRIGGER golden_labels_live_update AFTER UPDATE ON @extschema@.golden_labels
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.golden_labels_after_change();
CREATE TRIGGER golden_labels_live_delete AFTER DELETE ON @extschema@.golden_labels
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.golden_labels_after_change();

-- workers: a ban on the account (workers.status) applies in every project
CREATE FUNCTION @extschema@.workers_after_update()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_events bigint[];
	v_projects bigint[];
	v_workers bigint[];
BEGIN
	WITH ch AS (
		SELECT n.worker_id, n.status
		FROM old_rows o JOIN new_rows n ON n.worker_id = o.worker_id
		WHERE (n.status = 'banned') <> (o.status = 'banned')
	), ev AS (
		INSERT INTO @extschema@.qc_events (project_id, worker_id, action, evidence)
		SELECT NULL, ch.worker_id, CASE WHEN ch.status = 'banned' THEN 'ban' ELSE 'unban' END,
			   jsonb_build_object('source', 'workers.status')
		FROM ch ORDER BY ch.worker_id
		RETURNING event_id
	)
	SELECT array_agg(ev.event_id) INTO v_events FROM ev;
	IF v_events IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM @extschema@.live_notify_events(v_events);

	SELECT array_agg(ws.project_id), array_agg(ws.worker_id) INTO v_projects, v_workers
	FROM @extschema@.worker_state ws
	JOIN @extschema@.qc_events e ON e.worker_id = ws.worker_id
	JOIN unnest(v_events) AS u(event_id) ON u.event_id = e.event_id;
	IF v_projects IS NOT NULL THEN
		PERFORM @extschema@.live_update(NULL, v_projects, v_workers, NULL,
										false, true, true);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.workers_after_update() IS
	'trigger: record a ban or unban of a worker account and recompute the tasks it judged';

CREATE TRIGGER workers_live_update AFTER UPDATE ON @extschema@.workers
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.workers_after_update();

-- projects: labels are distinct; a change of guidelines raises the version;
-- a label in use cannot be removed; the kind cannot change once answered
CREATE FUNCTION @extschema@.projects_before_write()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_label text;
BEGIN
	SELECT l.label INTO v_label
	FROM unnest(NEW.labels) AS l(label)
	GROUP BY l.label HAVING count(*) > 1
	ORDER BY l.label COLLATE "C" LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'label % appears twice in the labels of project %',
				quote_literal(v_label), quote_literal(NEW.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_labels_distinct',
				  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'labels';
	END IF;
	IF TG_OP = 'UPDATE' THEN
		IF NEW.guidelines IS DISTINCT FROM OLD.guidelines
		   AND NEW.guidelines_version = OLD.guidelines_version THEN
			NEW.guidelines_version := OLD.guidelines_version + 1;
		END IF;
		IF NEW.guidelines_version < OLD.guidelines_version THEN
			RAISE EXCEPTION 'guidelines version of project % cannot go back from % to %',
					quote_literal(NEW.name), OLD.guidelines_version, NEW.guidelines_version
				USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_guidelines_version_monotonic',
					  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'guidelines_version';
		END IF;
		IF NEW.kind <> OLD.kind AND EXISTS (
				SELECT 1 FROM @extschema@.tasks t WHERE t.project_id = OLD.project_id) THEN
			RAISE EXCEPTION 'project % has tasks; its kind cannot change', quote_literal(NEW.name)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_kind_immutable',
					  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'kind';
		END IF;
		IF OLD.allow_repeat_judgments AND NOT NEW.allow_repeat_judgments THEN
			SELECT format('worker %s judged task %s more than once', j.worker_id, j.task_id) INTO v_label
			FROM @extschema@.judgments j
			JOIN @extschema@.tasks t ON t.task_id = j.task_id
			WHERE t.project_id = OLD.project_id
			GROUP BY j.task_id, j.worker_id HAVING count(*) > 1
			ORDER BY j.task_id, j.worker_id LIMIT 1;
			IF FOUND THEN
				RAISE EXCEPTION 'project % has repeated judgments', quote_literal(NEW.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_repeats_exist',
						  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'allow_repeat_judgments',
						  DETAIL = v_label || '.',
						  HINT = 'Delete the repeated judgments first.';
			END IF;
		END IF;
		IF NEW.labels IS DISTINCT FROM OLD.labels THEN
			SELECT x.label INTO v_label
			FROM (SELECT j.label FROM @extschema@.judgments j
				  JOIN @extschema@.tasks t ON t.task_id = j.task_id
				  WHERE t.project_id = OLD.project_id
				  UNION
				  SELECT g.label FROM @extschema@.golden_labels g
				  JOIN @extschema@.tasks t ON t.task_id = g.task_id
				  WHERE t.project_id = OLD.project_id) x
			WHERE NEW.labels IS NULL OR array_position(NEW.labels, x.label) IS NULL
			ORDER BY x.label COLLATE "C" LIMIT 1;
			IF FOUND THEN
				RAISE EXCEPTION 'label % of project % is in use and cannot be removed',
						quote_literal(v_label), quote_literal(NEW.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_labels_in_use',
						  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'labels',
						  HINT = 'Delete or relabel the judgments and golden labels that use it first.';
			END IF;
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.projects_before_write() IS
	'trigger: check labels and kind changes, raise the guidelines version when guidelines change';

CREATE FUNCTION @extschema@.projects_after_write()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_OP = 'INSERT' OR NEW.guidelines_version <> OLD.guidelines_version THEN
		INSERT INTO @extschema@.project_guidelines (project_id, version, guidelines)
		VALUES (NEW.project_id, NEW.guidelines_version, NEW.guidelines)
		ON CONFLICT (project_id, version) DO UPDATE SET guidelines = EXCLUDED.guidelines;
	END IF;
	IF TG_OP = 'UPDATE'
	   AND (NEW.labels IS DISTINCT FROM OLD.labels
			OR NEW.min_overlap <> OLD.min_overlap OR NEW.max_overlap <> OLD.max_overlap
			OR NEW.target_confidence <> OLD.target_confidence
			OR NEW.prior_correct <> OLD.prior_correct OR NEW.prior_wrong <> OLD.prior_wrong) THEN
		PERFORM @extschema@.live_update_project(NEW.project_id, true);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.projects_after_write() IS
	'trigger: keep project_guidelines, recompute the project when labels, overlap, target or prior change';

CREATE TRIGGER projects_check BEFORE INSERT OR UPDATE ON @extschema@.projects
	FOR EACH ROW EXECUTE FUNCTION @extschema@.projects_before_write();
CREATE TRIGGER projects_live AFTER INSERT OR UPDATE ON @extschema@.projects
	FOR EACH ROW EXECUTE FUNCTION @extschema@.projects_after_write();

-- comparisons: both items are tasks of one side-by-side project
CREATE FUNCTION @extschema@.comparisons_after_write()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
BEGIN
	SELECT n.comparison_id, n.left_task_id, n.right_task_id, n.worker_id, n.guidelines_version,
		   n.assignment_id, lt.project_id AS left_project, rt.project_id AS right_project,
		   p.name, p.kind, p.guidelines_version AS current_version,
		   a.worker_id AS a_worker, a.task_id AS a_task INTO r
	FROM new_rows n
	JOIN @extschema@.tasks lt ON lt.task_id = n.left_task_id
	JOIN @extschema@.tasks rt ON rt.task_id = n.right_task_id
	JOIN @extschema@.projects p ON p.project_id = lt.project_id
	LEFT JOIN @extschema@.assignments a ON a.assignment_id = n.assignment_id
	WHERE lt.project_id <> rt.project_id
	   OR p.kind <> 'side_by_side'
	   OR n.guidelines_version > p.guidelines_version
	   OR (n.assignment_id IS NOT NULL AND (a.worker_id <> n.worker_id
			OR (a.task_id <> n.left_task_id AND a.task_id <> n.right_task_id)))
	ORDER BY n.comparison_id
	LIMIT 1;
	IF FOUND THEN
		IF r.left_project <> r.right_project THEN
			RAISE EXCEPTION 'comparison % pairs tasks of projects % and %',
					r.comparison_id, r.left_project, r.right_project
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_same_project',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('Tasks %s and %s.', r.left_task_id, r.right_task_id);
		ELSIF r.kind <> 'side_by_side' THEN
			RAISE EXCEPTION 'project % is not a side-by-side project', quote_literal(r.name)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_project_kind',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  HINT = 'Insert classification answers into judgments.';
		ELSIF r.guidelines_version > r.current_version THEN
			RAISE EXCEPTION 'guidelines version % of project % does not exist',
					r.guidelines_version, quote_literal(r.name)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_guidelines_version_current',
					  SCHEMA = '@extschema@', TABLE = 'comparisons', COLUMN = 'guidelines_version',
					  DETAIL = format('The current version is %s.', r.current_version);
		ELSE
			RAISE EXCEPTION 'assignment % is for task % and worker %',
					r.assignment_id, r.a_task, r.a_worker
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_assignment_match',
					  SCHEMA = '@extschema@', TABLE = 'comparisons', COLUMN = 'assignment_id';
		END IF;
	END IF;

	IF TG_OP = 'INSERT' THEN
		-- lock both items in task_id order, then look for a repeated pair
		PERFORM 1
		FROM @extschema@.task_state ts
		JOIN (SELECT n.left_task_id AS task_id FROM new_rows n
			  UNION SELECT n.right_task_id FROM new_rows n) k ON k.task_id = ts.task_id
		ORDER BY ts.task_id
		FOR UPDATE OF ts;

		SELECT ts.task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.task_state ts
		  ON ts.task_id = n.left_task_id OR ts.task_id = n.right_task_id
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE ts.status = 'closed' AND NOT p.allow_judgments_on_closed
		ORDER BY n.comparison_id, ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'task % is closed', r.task_id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_task_open',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('Project %L accepts no comparisons of closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;

		SELECT n.worker_id, n.left_task_id, n.right_task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.tasks t ON t.task_id = n.left_task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		WHERE NOT p.allow_repeat_judgments
		  AND (SELECT count(*) FROM @extschema@.comparisons c
			   WHERE c.worker_id = n.worker_id
				 AND least(c.left_task_id, c.right_task_id) = least(n.left_task_id, n.right_task_id)
				 AND greatest(c.left_task_id, c.right_task_id)
					 = greatest(n.left_task_id, n.right_task_id)) > 1
		ORDER BY n.comparison_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'worker % already compared tasks % and %',
					r.worker_id, r.left_task_id, r.right_task_id
				USING ERRCODE = 'unique_violation', CONSTRAINT = 'comparisons_one_per_worker',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('Project %L takes one comparison per worker and pair.', r.name),
					  HINT = 'Set projects.allow_repeat_judgments to accept more.';
		END IF;

		UPDATE @extschema@.assignments a
		SET state = 'submitted', closed_at = now()
		FROM new_rows n
		WHERE a.assignment_id = n.assignment_id AND a.state = 'issued';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.comparisons_after_write() IS
	'trigger: check that comparisons pair two tasks of one side-by-side project, once per worker';

CREATE TRIGGER comparisons_live_insert AFTER INSERT ON @extschema@.comparisons
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.comparisons_after_write();
CREATE TRIGGER comparisons_live_update AFTER UPDATE ON @extschema@.comparisons
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.comparisons_after_write();

-- ---------------------------------------------------------------------------
-- Worker status by hand
-- ---------------------------------------------------------------------------

-- not STRICT: reason may be NULL; NULL keys are reported
CREATE FUNCTION @extschema@.set_worker_status(project_id bigint, worker_id bigint, status text,
		reason text DEFAULT NULL)
	RETURNS @extschema@.qc_events
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_old text;
	v_action text;
	e @extschema@.qc_events;
BEGIN
	IF status IS NULL OR NOT (status = 'active' OR status = 'flagged' OR status = 'banned') THEN
		RAISE EXCEPTION 'invalid worker status %', coalesce(quote_literal(status), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use active, flagged or banned.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM @extschema@.projects p WHERE p.project_id = set_worker_status.project_id)
	   OR NOT EXISTS (SELECT 1 FROM @extschema@.workers w WHERE w.worker_id = set_worker_status.worker_id) THEN
		RAISE EXCEPTION 'no project % or no worker %', set_worker_status.project_id, set_worker_status.worker_id
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	PERFORM @extschema@.live_lock_workers(ARRAY[set_worker_status.project_id],
										  ARRAY[set_worker_status.worker_id]);
	SELECT ws.status INTO v_old FROM @extschema@.worker_state ws
	WHERE ws.project_id = set_worker_status.project_id AND ws.worker_id = set_worker_status.worker_id;

	v_action := CASE WHEN status = 'banned' THEN 'ban'
					 WHEN status = 'flagged' THEN 'flag'
					 WHEN v_old = 'banned' THEN 'unban'
					 ELSE 'unflag' END;
	INSERT INTO @extschema@.qc_events (project_id, worker_id, action, evidence)
	VALUES (set_worker_status.project_id, set_worker_status.worker_id, v_action,
			jsonb_build_object('source', 'set_worker_status', 'reason', reason,
							   'previous_status', v_old))
	RETURNING * INTO e;
	UPDATE @extschema@.worker_state ws
	SET status = set_worker_status.status, status_changed_at = now()
	WHERE ws.project_id = set_worker_status.project_id AND ws.worker_id = set_worker_status.worker_id;
	PERFORM @extschema@.live_notify_events(ARRAY[e.event_id]);
	IF (v_old = 'banned') <> (status = 'banned') THEN
		PERFORM @extschema@.live_update(NULL, ARRAY[set_worker_status.project_id],
										ARRAY[set_worker_status.worker_id], NULL,
										false, true, true);
	END IF;
	RETURN e;
END
$$;
COMMENT ON FUNCTION @extschema@.set_worker_status(bigint, bigint, text, text) IS
	'ban, flag, unban or clear a worker in a project by hand; recorded in qc_events and NOTIFYed';
