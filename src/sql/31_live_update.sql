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

-- How errors and evidence name a task, a worker or a project: the id and the
-- external id or name, so that a report needs no join ("task 15 ('img15')").
CREATE FUNCTION labeling_internal.describe_task(p_task_id bigint) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN 'task ' || p_task_id || coalesce(
		(SELECT ' (' || quote_literal(t.external_id) || ')' FROM @extschema@.tasks t
		 WHERE t.task_id = p_task_id), '');
COMMENT ON FUNCTION labeling_internal.describe_task(bigint) IS
	'internal: a task as errors name it, with its external id';
CREATE FUNCTION labeling_internal.describe_worker(p_worker_id bigint) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN 'worker ' || p_worker_id || coalesce(
		(SELECT ' (' || quote_literal(w.external_id) || ')' FROM @extschema@.workers w
		 WHERE w.worker_id = p_worker_id), '');
COMMENT ON FUNCTION labeling_internal.describe_worker(bigint) IS
	'internal: a worker as errors name it, with its external id';
CREATE FUNCTION labeling_internal.describe_project(p_project_id bigint) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN 'project ' || p_project_id || coalesce(
		(SELECT ' (' || quote_literal(p.name) || ')' FROM @extschema@.projects p
		 WHERE p.project_id = p_project_id), '');
COMMENT ON FUNCTION labeling_internal.describe_project(bigint) IS
	'internal: a project as errors name it, with its name';

-- Events carry the external ids and names of what they are about, as they
-- were when the event was recorded, so that a report of events needs no join.
CREATE FUNCTION labeling_internal.events_describe()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_TABLE_NAME = 'qc_events' THEN
		NEW.worker_external_id := coalesce(NEW.worker_external_id,
			(SELECT w.external_id FROM @extschema@.workers w WHERE w.worker_id = NEW.worker_id));
	ELSE
		NEW.task_external_id := coalesce(NEW.task_external_id,
			(SELECT t.external_id FROM @extschema@.tasks t WHERE t.task_id = NEW.task_id));
	END IF;
	NEW.project_name := coalesce(NEW.project_name,
		(SELECT p.name FROM @extschema@.projects p WHERE p.project_id = NEW.project_id));
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION labeling_internal.events_describe() IS
	'trigger: name the worker or task and the project of a new qc_events or task_events row';
CREATE TRIGGER qc_events_describe BEFORE INSERT ON @extschema@.qc_events
	FOR EACH ROW EXECUTE FUNCTION labeling_internal.events_describe();
CREATE TRIGGER task_events_describe BEFORE INSERT ON @extschema@.task_events
	FOR EACH ROW EXECUTE FUNCTION labeling_internal.events_describe();

-- True when a worker's judgments do not count in a project.
-- not STRICT: a NULL status is not banned
CREATE FUNCTION labeling_internal.live_worker_banned(ws_status text, w_status text) RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ws_status OPERATOR(pg_catalog.=) 'banned' OR w_status OPERATOR(pg_catalog.=) 'banned';
COMMENT ON FUNCTION labeling_internal.live_worker_banned(text, text) IS
	'internal: is a worker banned in a project (worker_state.status) or everywhere (workers.status)';

-- Judgments an open regular task of a classification project may still
-- need before it can complete (the dispatch capacity of next_tasks): all of
-- those up to min_overlap, at least one while it is open, never past
-- max_overlap; 0 for golden, complete and closed tasks.
-- not STRICT: NULL counts are treated as no judgments
CREATE FUNCTION labeling_internal.live_needed(status text, golden boolean, kind text, n_counted integer,
		min_overlap integer, max_overlap integer)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN status OPERATOR(pg_catalog.=) 'open' AND NOT golden
					 AND kind OPERATOR(pg_catalog.=) 'classification'
				THEN GREATEST(LEAST(max_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0),
									GREATEST(min_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0), 1)),
							  0)
				ELSE 0 END;
COMMENT ON FUNCTION labeling_internal.live_needed(text, boolean, text, integer, integer, integer) IS
	'internal: judgments an open regular task may still need (task_state.needed)';

-- Phase 1a: create the missing worker_state rows and lock all of them, in key order.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION labeling_internal.live_lock_workers(p_projects bigint[], p_workers bigint[])
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
COMMENT ON FUNCTION labeling_internal.live_lock_workers(bigint[], bigint[]) IS
	'internal: create and lock worker_state rows in key order';

-- Phase 1b: recompute the statistics of locked workers; returns the pairs
-- whose skill (the weight of their votes) changed.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION labeling_internal.live_worker_stats(p_projects bigint[], p_workers bigint[])
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
COMMENT ON FUNCTION labeling_internal.live_worker_stats(bigint[], bigint[]) IS
	'internal: recompute worker_state statistics and skill; returns the workers whose skill changed';

-- Send one NOTIFY per quality-control event.  Any role that can connect may
-- LISTEN on any channel, so the payload is the event_id alone: a listener
-- reads the event back from qc_events through its own privileges.
-- not STRICT: a NULL array means no events
CREATE FUNCTION labeling_internal.live_notify_events(p_events bigint[])
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
COMMENT ON FUNCTION labeling_internal.live_notify_events(bigint[]) IS
	'internal: NOTIFY labeling_worker_ban / labeling_worker_flag for quality-control events';

-- Apply the enabled quality-control rules on the given metrics to locked
-- workers: a rule fires when metric < threshold after at least min_count
-- observations and its action is stronger than the worker's status.  Every
-- firing is stored in qc_events with its evidence.  Returns the pairs that
-- became banned.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION labeling_internal.live_qc(p_projects bigint[], p_workers bigint[], p_metrics text[])
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
										   'task_external_id', x.external_id,
										   'label', x.label, 'golden_label', x.golden_label)
										   ORDER BY x.created_at DESC, x.judgment_id DESC), '[]')
								FROM (SELECT j.judgment_id, j.task_id, t.external_id, j.label, j.created_at,
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
	PERFORM labeling_internal.live_notify_events(v_events);

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
COMMENT ON FUNCTION labeling_internal.live_qc(bigint[], bigint[], text[]) IS
	'internal: apply quality-control rules on some metrics to locked workers; returns the newly banned';

-- Phase 2: lock tasks in task_id order; check that no new judgment went to
-- a complete or closed task (p_new_tasks: the tasks of new judgments, or
-- NULL); recompute the tasks (with their dispatch capacity: needed, and the
-- assignments still issued), checking that no worker judged a task twice
-- unless the project allows it; NOTIFY completions and reopenings.  A
-- repeat can only come from the judgments of this statement: a project
-- cannot stop allowing repeats while it has some.
-- not STRICT: NULL arrays mean no tasks (and nothing to check)
CREATE FUNCTION labeling_internal.live_tasks(p_tasks bigint[], p_new_tasks bigint[])
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
			RAISE EXCEPTION '% is %', labeling_internal.describe_task(r.task_id), r.status
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
			   count(*) FILTER (WHERE NOT labeling_internal.live_worker_banned(ws.status, w.status))
				   AS n_counted,
			   @extschema@.one_coin_posterior(j.label, ws.skill, p.labels)
				   FILTER (WHERE NOT labeling_internal.live_worker_banned(ws.status, w.status))
				   AS posterior,
			   max(j.created_at) FILTER (WHERE NOT labeling_internal.live_worker_banned(ws.status, w.status))
				   AS last_counted_at,
			   labeling_internal.repeated_key(j.worker_id) FILTER (WHERE NOT p.allow_repeat_judgments)
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
			needed = labeling_internal.live_needed(s.status, s.golden, s.kind, s.n_counted::integer,
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
		FROM (SELECT v_repeat AS task_id, labeling_internal.repeated_key(j.worker_id) AS worker_id
			  FROM @extschema@.judgments j WHERE j.task_id = v_repeat) x
		JOIN @extschema@.tasks t ON t.task_id = x.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id;
		RAISE EXCEPTION '% judged % more than once', labeling_internal.describe_worker(r.worker_id),
				labeling_internal.describe_task(r.task_id)
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
COMMENT ON FUNCTION labeling_internal.live_tasks(bigint[], bigint[]) IS
	'internal: lock and recompute task_state rows, check rules needing the lock, NOTIFY completions';

-- Does one judgment agree with its task's posterior, leaving itself out?
-- The judgments of a banned worker are not in the posterior: compared as is.
CREATE FUNCTION labeling_internal.live_agrees(ws_status text, w_status text, label text, task_label text,
		posterior @extschema@.label_dist, skill double precision)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN labeling_internal.live_worker_banned(ws_status, w_status)
				THEN label OPERATOR(pg_catalog.=) task_label
				ELSE labeling_internal.one_coin_loo_agrees(posterior, label, skill) END;
COMMENT ON FUNCTION labeling_internal.live_agrees(text, text, text, text, @extschema@.label_dist, double precision) IS
	'internal: does a judgment agree with its task''s posterior without it';

-- Counted judgments a task needs for a worker's judgment on it to be
-- compared: another one, or the task's own for a banned worker.
CREATE FUNCTION labeling_internal.live_agreement_min_counted(ws_status text, w_status text)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN labeling_internal.live_worker_banned(ws_status, w_status) THEN 1 ELSE 2 END;
COMMENT ON FUNCTION labeling_internal.live_agreement_min_counted(text, text) IS
	'internal: counted judgments a task needs before a worker''s judgment on it is compared';

-- Leave-one-out agreement of every worker with the current posteriors,
-- over their judgments on tasks with another counted judgment (or with one,
-- for a banned worker).  Callers filter on project_id and worker_id, which
-- the planner pushes into the grouping.
CREATE VIEW labeling_internal.live_worker_agreement AS
SELECT ts.project_id,
	   j.worker_id,
	   pg_catalog.count(*) AS judgments,
	   pg_catalog.count(*) FILTER (
		   WHERE labeling_internal.live_agrees(ws.status, w.status, j.label, ts.label,
										 ts.posterior, ws.skill)) AS agreeing
FROM @extschema@.judgments j
JOIN @extschema@.task_state ts ON ts.task_id OPERATOR(pg_catalog.=) j.task_id
JOIN @extschema@.worker_state ws
  ON ws.project_id OPERATOR(pg_catalog.=) ts.project_id
 AND ws.worker_id OPERATOR(pg_catalog.=) j.worker_id
JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) j.worker_id
WHERE ts.n_counted OPERATOR(pg_catalog.>=) labeling_internal.live_agreement_min_counted(ws.status, w.status)
GROUP BY ts.project_id, j.worker_id;
COMMENT ON VIEW labeling_internal.live_worker_agreement IS
	'per project and worker: judgments compared with the live posteriors leaving themselves out, and how many agree';

-- Phase 3: store the agreement of locked workers.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION labeling_internal.live_agreement(p_projects bigint[], p_workers bigint[])
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
	LEFT JOIN (SELECT * FROM labeling_internal.live_worker_agreement v
			   WHERE v.worker_id = ANY (p_workers) AND v.project_id = ANY (p_projects)) a
	  ON a.project_id = k.project_id AND a.worker_id = k.worker_id
	WHERE ws.project_id = k.project_id AND ws.worker_id = k.worker_id;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_agreement(bigint[], bigint[]) IS
	'internal: store the leave-one-out agreement of locked workers';

-- The three phases.  p_tasks: tasks to recompute; (p_projects, p_workers):
-- worker pairs to recompute; p_new_tasks: the tasks of newly inserted
-- judgments (checked under the task lock), or NULL; p_qc: apply the
-- quality-control rules; p_cascade: treat every worker pair as changed (its
-- tasks are recomputed); p_agreement: recompute agreement (and apply the
-- agreement rules when p_qc).
-- not STRICT: NULL arrays mean no tasks or workers
CREATE FUNCTION labeling_internal.live_update(p_tasks bigint[], p_projects bigint[], p_workers bigint[],
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
	PERFORM labeling_internal.live_lock_workers(p_projects, p_workers);
	IF p_cascade THEN
		PERFORM labeling_internal.live_worker_stats(p_projects, p_workers);
		v_cp := p_projects;
		v_cw := p_workers;
	ELSE
		SELECT array_agg(c.project_id), array_agg(c.worker_id) INTO v_cp, v_cw
		FROM labeling_internal.live_worker_stats(p_projects, p_workers) c;
	END IF;
	IF p_qc THEN
		SELECT v_cp || array_agg(b.project_id), v_cw || array_agg(b.worker_id) INTO v_cp, v_cw
		FROM labeling_internal.live_qc(p_projects, p_workers,
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
	PERFORM labeling_internal.live_tasks(v_tasks, p_new_tasks);

	-- phase 3: agreement
	IF p_agreement THEN
		PERFORM labeling_internal.live_agreement(p_projects, p_workers);
		IF p_qc THEN
			PERFORM labeling_internal.live_qc(p_projects, p_workers, ARRAY['agreement']);
		END IF;
	END IF;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_update(bigint[], bigint[], bigint[], bigint[], boolean, boolean, boolean) IS
	'internal: recompute worker_state and task_state for the given workers and tasks, in lock order';

-- All tasks and worker pairs of a project, for the whole-project paths.
-- not STRICT: called only with a project id
CREATE FUNCTION labeling_internal.live_update_project(p_project bigint, p_qc boolean)
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
	v_work_mem := labeling_internal.live_bulk_mode(
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
	PERFORM labeling_internal.live_update(v_tasks, v_projects, v_workers, NULL,
									p_qc, true, true);
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
END
$$;
COMMENT ON FUNCTION labeling_internal.live_update_project(bigint, boolean) IS
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
	PERFORM labeling_internal.live_update_project(rebuild.project_id, false);
END
$$;
COMMENT ON FUNCTION @extschema@.rebuild(bigint) IS
	'recompute task_state and worker_state of a project from its judgments (statuses and events are kept; no rule is applied)';

