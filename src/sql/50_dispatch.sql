-- ---------------------------------------------------------------------------
-- Task dispatch: next_tasks(worker, project, n) hands out assignments,
-- submit(assignment, label, ...) records the judgment.
--
-- Both run as the extension owner (SECURITY DEFINER, pinned search_path,
-- every name qualified) and act for one worker: the one whose
-- workers.login_role is the calling role (the role set by SET ROLE, else
-- the session user), or any worker when the calling role has the
-- privileges of labeling_admin.  The roles and grants are in 60_roles.sql.
--
-- The capacity of a task is in its task_state row: needed (judgments it may
-- still need: all up to min_overlap, at least one while open, none past
-- max_overlap; kept by the live triggers) and assigned (its issued
-- assignments, kept by the trigger on assignments below and by the live
-- triggers).  A task can be handed out while assigned < needed; the partial
-- index task_state_dispatch_idx holds exactly those open regular tasks, in
-- dispatch order (priority, then the most uncertain: lowest confidence, a
-- task without a judgment first), so a call never walks past full tasks.
--
-- next_tasks(), in one transaction:
--   1. checks who is calling, then locks the worker's row (one dispatch at
--      a time per worker) and reclaims the project's expired assignments
--      (rows locked with SKIP LOCKED);
--   2. locks up to n regular tasks with room, in dispatch order, with FOR
--      UPDATE SKIP LOCKED, skipping those the worker judged or holds.  A
--      dispatcher that assigns a task updates its row (assigned + 1, by the
--      trigger on assignments), so a dispatcher that reaches the row after
--      that commit re-evaluates it on the new version: never more issued
--      assignments than needed.  It runs in READ COMMITTED only, so that
--      what the worker judged and holds is read in a snapshot taken after
--      the worker's lock;
--   3. mixes in golden tasks: every slot of the batch is golden with
--      probability golden_rate (cryptographic randomness, which setseed()
--      cannot steer), and golden slots are only kept in front of a regular
--      task that exists, so a worker never gets golden tasks alone when the
--      queue is empty;
--   4. inserts the assignments in random order (their ids say nothing about
--      which is golden), with the project's price and guidelines version.
-- Lock order: workers row (waits), assignment and task_state rows (SKIP
-- LOCKED: never waits), then inserts.  The judgment triggers lock
-- assignment, worker_state, then task_state rows; neither side waits for a
-- lock while holding one the other waits for, so they cannot deadlock.
-- An issued assignment counts against its task until it is submitted,
-- cancelled, or reclaimed under its row lock; submit() holds that lock, so a
-- submission and a reclaim never both succeed.
-- ---------------------------------------------------------------------------

CREATE INDEX task_state_dispatch_idx ON @extschema@.task_state
	(project_id, priority DESC, confidence NULLS FIRST, task_id)
	WHERE status = 'open' AND NOT golden AND assigned < needed;
COMMENT ON INDEX @extschema@.task_state_dispatch_idx IS
	'open regular tasks with room for an assignment, in dispatch order: priority, then the most uncertain first';
CREATE INDEX task_state_golden_idx ON @extschema@.task_state (project_id, task_id)
	WHERE golden AND status = 'open';
COMMENT ON INDEX @extschema@.task_state_golden_idx IS
	'open golden tasks of a project, for next_tasks()';
CREATE INDEX assignments_expiry_idx ON @extschema@.assignments (expires_at)
	WHERE state = 'issued';
COMMENT ON INDEX @extschema@.assignments_expiry_idx IS
	'issued assignments by expiry, for reclaim_expired()';
CREATE INDEX assignments_worker_open_idx ON @extschema@.assignments (worker_id, task_id)
	WHERE state = 'issued';
COMMENT ON INDEX @extschema@.assignments_worker_open_idx IS
	'the assignments a worker holds';
CREATE INDEX judgments_assignment_idx ON @extschema@.judgments (assignment_id)
	WHERE assignment_id IS NOT NULL;
COMMENT ON INDEX @extschema@.judgments_assignment_idx IS
	'the judgment that submitted an assignment';

-- The role a dispatch call acts as.  Inside a SECURITY DEFINER function
-- current_user is the owner, but the role GUC still holds what SET ROLE set
-- (and SET ROLE cannot run inside a SECURITY DEFINER function).
CREATE FUNCTION labeling_internal.dispatch_caller() RETURNS name
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN CASE WHEN pg_catalog.current_setting('role') OPERATOR(pg_catalog.=) 'none'
				THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END;
COMMENT ON FUNCTION labeling_internal.dispatch_caller() IS
	'internal: the calling role of next_tasks() and submit(): the role set by SET ROLE, else the session user';

-- The worker a call may act for, or an error.  The check comes before any
-- lock, so that a refused call holds nothing.
-- not STRICT: a NULL worker is reported
CREATE FUNCTION labeling_internal.dispatch_worker(p_worker_id bigint) RETURNS @extschema@.workers
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_role name := labeling_internal.dispatch_caller();
	w @extschema@.workers;
BEGIN
	IF p_worker_id IS NULL THEN
		RAISE EXCEPTION 'worker_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT x.* INTO w FROM @extschema@.workers x WHERE x.worker_id = p_worker_id;
	IF w.login_role = v_role THEN
		RETURN w;
	END IF;
	IF pg_has_role(v_role, 'labeling_admin', 'USAGE') THEN
		IF w.worker_id IS NULL THEN
			RAISE EXCEPTION 'worker % does not exist', p_worker_id
				USING ERRCODE = 'no_data_found';
		END IF;
		RETURN w;
	END IF;
	RAISE EXCEPTION 'role % cannot act for worker %', v_role, p_worker_id
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = 'A session acts only for the worker whose workers.login_role is its role.',
			  HINT = 'Log in (or SET ROLE) as that worker''s role; members of labeling_admin act for any worker.';
END
$$;
COMMENT ON FUNCTION labeling_internal.dispatch_worker(bigint) IS
	'internal: the workers row a call of next_tasks() or submit() may act for, or an insufficient_privilege error';

-- A uniform double in [0, 1) from the first 48 bits of gen_random_uuid()
-- (random in a version 4 UUID): the server's strong random source, which
-- the session's setseed() does not touch.  One expression: inlined.
CREATE FUNCTION labeling_internal.dispatch_random() RETURNS double precision
	LANGUAGE sql VOLATILE PARALLEL SAFE
	RETURN (('x' OPERATOR(pg_catalog.||)
			 pg_catalog.substr(pg_catalog.replace(pg_catalog.gen_random_uuid()::pg_catalog.text, '-', ''),
							   1, 12))::pg_catalog.bit(48)::pg_catalog.int8)::pg_catalog.float8
		   OPERATOR(pg_catalog./) 281474976710656.0::pg_catalog.float8;
COMMENT ON FUNCTION labeling_internal.dispatch_random() IS
	'internal: uniform random double in [0, 1) from the strong random source (not steered by setseed)';

-- The assigned count of the tasks whose assignments a statement wrote.
-- Statements of next_tasks(), reclaim_expired() and of admins run it (depth
-- 1): they hold, or take in task_id order, the locks of the regular tasks
-- involved, after their assignment rows, as the judgment triggers do.  From
-- inside another trigger (the judgment and comparison triggers marking an
-- assignment submitted) it does nothing: live_tasks() recomputes the count
-- under the locks it takes in its own order.  Golden tasks (and tasks of
-- side-by-side projects) keep 0 and are never locked here: many workers
-- hold the same golden task.
CREATE FUNCTION labeling_internal.assignments_after_change()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_tasks bigint[];
BEGIN
	IF pg_trigger_depth() > 1 THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		UPDATE @extschema@.task_state ts SET assigned = 0 WHERE ts.assigned <> 0;
		RETURN NULL;
	ELSIF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT n.task_id) INTO v_tasks FROM new_rows n;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT o.task_id) INTO v_tasks FROM old_rows o;
	ELSE
		SELECT array_agg(DISTINCT x.task_id) INTO v_tasks
		FROM (SELECT n.task_id FROM new_rows n UNION ALL SELECT o.task_id FROM old_rows o) x;
	END IF;
	SELECT array_agg(ts.task_id ORDER BY ts.task_id) INTO v_tasks
	FROM @extschema@.task_state ts
	JOIN @extschema@.projects p ON p.project_id = ts.project_id
	WHERE ts.task_id = ANY (v_tasks) AND NOT ts.golden AND p.kind = 'classification';
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM 1 FROM @extschema@.task_state ts
	WHERE ts.task_id = ANY (v_tasks)
	ORDER BY ts.task_id
	FOR UPDATE OF ts;
	UPDATE @extschema@.task_state ts
	SET assigned = c.issued
	FROM (SELECT u.task_id,
				 (SELECT count(*) FROM @extschema@.assignments a
				  WHERE a.task_id = u.task_id AND a.state = 'issued') AS issued
		  FROM unnest(v_tasks) AS u(task_id)) c
	WHERE ts.task_id = c.task_id AND NOT ts.golden AND ts.assigned <> c.issued;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.assignments_after_change() IS
	'trigger: keep task_state.assigned, the issued assignments of regular tasks';

CREATE TRIGGER assignments_dispatch_insert AFTER INSERT ON @extschema@.assignments
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.assignments_after_change();
CREATE TRIGGER assignments_dispatch_update AFTER UPDATE ON @extschema@.assignments
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.assignments_after_change();
CREATE TRIGGER assignments_dispatch_delete AFTER DELETE ON @extschema@.assignments
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.assignments_after_change();
CREATE TRIGGER assignments_dispatch_truncate AFTER TRUNCATE ON @extschema@.assignments
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.assignments_after_change();

-- Mark a project's (or every project's) expired assignments expired.
-- Assignments whose row, or whose regular task's row, another transaction
-- holds (a submit or a dispatch in progress) are skipped: it never waits.
-- not STRICT: project_id NULL means every project
CREATE FUNCTION @extschema@.reclaim_expired(project_id bigint DEFAULT NULL,
		max_rows integer DEFAULT 1000)
	RETURNS integer
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_count integer;
BEGIN
	IF max_rows IS NULL OR max_rows < 1 THEN
		RAISE EXCEPTION 'max_rows must be at least 1'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM @extschema@.assignments a
				   WHERE a.state = 'issued' AND a.expires_at <= now()) THEN
		RETURN 0;
	END IF;
	WITH x AS (
		SELECT a.assignment_id
		FROM @extschema@.assignments a
		JOIN @extschema@.task_state ts ON ts.task_id = a.task_id
		WHERE a.state = 'issued' AND a.expires_at <= now()
		  AND (reclaim_expired.project_id IS NULL OR ts.project_id = reclaim_expired.project_id)
		  AND NOT ts.golden
		ORDER BY a.expires_at, a.assignment_id
		LIMIT max_rows
		FOR UPDATE OF a, ts SKIP LOCKED
	), g AS (
		-- golden tasks have no capacity to keep: their rows stay unlocked
		SELECT a.assignment_id
		FROM @extschema@.assignments a
		JOIN @extschema@.task_state ts ON ts.task_id = a.task_id
		WHERE a.state = 'issued' AND a.expires_at <= now()
		  AND (reclaim_expired.project_id IS NULL OR ts.project_id = reclaim_expired.project_id)
		  AND ts.golden
		ORDER BY a.expires_at, a.assignment_id
		LIMIT max_rows
		FOR UPDATE OF a SKIP LOCKED
	), u AS (
		UPDATE @extschema@.assignments a
		SET state = 'expired', closed_at = a.expires_at
		FROM (SELECT x.assignment_id FROM x UNION ALL SELECT g.assignment_id FROM g) r
		WHERE a.assignment_id = r.assignment_id
		RETURNING 1
	)
	SELECT count(*) INTO v_count FROM u;
	RETURN v_count;
END
$$;
COMMENT ON FUNCTION @extschema@.reclaim_expired(bigint, integer) IS
	'mark up to max_rows issued assignments past expires_at as expired (of one project, or all); returns how many';

-- not STRICT: NULL arguments are reported
CREATE FUNCTION @extschema@.next_tasks(worker_id bigint, project_id bigint, n integer DEFAULT 1)
	RETURNS TABLE (assignment_id bigint, payload jsonb, labels text[], guidelines_version integer,
				   price numeric, expires_at timestamptz)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	w @extschema@.workers;
	p @extschema@.projects;
	v_room integer;
	v_regular bigint[];
	v_take bigint[] := '{}';
	v_golden_slots integer := 0;
	v_pending integer;
	v_slots integer := 0;
	v_golden bigint[] := '{}';
	v_task bigint;
	v_seed bigint;
BEGIN
	w := labeling_internal.dispatch_worker(next_tasks.worker_id);
	IF next_tasks.project_id IS NULL OR next_tasks.n IS NULL THEN
		RAISE EXCEPTION 'project_id and n must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF next_tasks.n < 1 OR next_tasks.n > 100 THEN
		RAISE EXCEPTION 'n must be between 1 and 100, not %', next_tasks.n
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'next_tasks runs in READ COMMITTED transactions only'
			USING ERRCODE = 'invalid_transaction_state',
				  DETAIL = format('The transaction is %s.', upper(current_setting('transaction_isolation'))),
				  HINT = 'What the worker judged and holds is read after the worker''s lock, in a new snapshot: call it in its own READ COMMITTED transaction.';
	END IF;
	SELECT x.* INTO p FROM @extschema@.projects x WHERE x.project_id = next_tasks.project_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % does not exist', next_tasks.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'next_tasks() hands out tasks of classification projects.';
	END IF;

	-- 1. one dispatch at a time per worker (a ban committed meanwhile is
	-- seen after the lock); expired assignments go back
	SELECT x.* INTO w FROM @extschema@.workers x WHERE x.worker_id = w.worker_id FOR NO KEY UPDATE;
	IF w.status = 'banned' OR EXISTS (
			SELECT 1 FROM @extschema@.worker_state ws
			WHERE ws.project_id = p.project_id AND ws.worker_id = w.worker_id
			  AND ws.status = 'banned') THEN
		RAISE EXCEPTION '% is banned in project %', labeling_internal.describe_worker(w.worker_id), quote_literal(p.name)
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	PERFORM @extschema@.reclaim_expired(p.project_id, 1000);
	SELECT next_tasks.n - greatest(count(*) + next_tasks.n - p.max_open_per_worker, 0) INTO v_room
	FROM @extschema@.assignments a
	JOIN @extschema@.tasks t ON t.task_id = a.task_id
	WHERE a.worker_id = w.worker_id AND a.state = 'issued' AND t.project_id = p.project_id;
	IF v_room <= 0 THEN
		RETURN;
	END IF;

	-- 2. lock regular tasks with room in dispatch order, skipping locked
	-- ones and those the worker judged or holds
	SELECT array_agg(c.task_id ORDER BY c.priority DESC, c.confidence NULLS FIRST, c.task_id)
	INTO v_regular
	FROM (SELECT ts.task_id, ts.priority, ts.confidence
		  FROM @extschema@.task_state ts
		  WHERE ts.project_id = p.project_id AND ts.status = 'open' AND NOT ts.golden
			AND ts.assigned < ts.needed
			AND NOT EXISTS (SELECT 1 FROM @extschema@.judgments j
							WHERE j.task_id = ts.task_id AND j.worker_id = w.worker_id)
			AND NOT EXISTS (SELECT 1 FROM @extschema@.assignments a
							WHERE a.task_id = ts.task_id AND a.worker_id = w.worker_id
							  AND a.state = 'issued')
		  ORDER BY ts.priority DESC, ts.confidence NULLS FIRST, ts.task_id
		  LIMIT v_room
		  FOR UPDATE OF ts SKIP LOCKED) c;

	-- 3. golden slots: a run of golden slots (each with probability
	-- golden_rate) in front of every regular task taken; a run cut short by
	-- the end of the batch is kept, since the regular task after it exists
	FOREACH v_task IN ARRAY coalesce(v_regular, '{}') LOOP
		v_pending := 0;
		IF p.golden_rate > 0 THEN
			WHILE v_slots < v_room AND labeling_internal.dispatch_random() < p.golden_rate LOOP
				v_pending := v_pending + 1;
				v_slots := v_slots + 1;
			END LOOP;
		END IF;
		v_golden_slots := v_golden_slots + v_pending;
		EXIT WHEN v_slots >= v_room;
		v_take := v_take || v_task;
		v_slots := v_slots + 1;
		EXIT WHEN v_slots >= v_room;
	END LOOP;
	IF v_golden_slots > 0 THEN
		v_seed := (labeling_internal.dispatch_random() * 9007199254740992)::bigint;
		-- golden tasks the worker has never been handed (in any state:
		-- issued, submitted, expired or cancelled) nor judged, in random
		-- order (no lock: a golden task has no overlap to protect)
		SELECT array_agg(g.task_id) INTO v_golden
		FROM (SELECT ts.task_id
			  FROM @extschema@.task_state ts
			  WHERE ts.project_id = p.project_id AND ts.golden AND ts.status = 'open'
				AND NOT EXISTS (SELECT 1 FROM @extschema@.judgments j
								WHERE j.task_id = ts.task_id AND j.worker_id = w.worker_id)
				AND NOT EXISTS (SELECT 1 FROM @extschema@.assignments a
								WHERE a.worker_id = w.worker_id AND a.task_id = ts.task_id)
			  ORDER BY hashint8(ts.task_id # v_seed), ts.task_id
			  LIMIT v_golden_slots) g;
	END IF;

	-- 4. the assignments, in random order
	RETURN QUERY
	WITH ins AS (
		INSERT INTO @extschema@.assignments AS a
			(task_id, worker_id, issued_at, expires_at, guidelines_version, price)
		SELECT c.task_id, w.worker_id, now(), now() + p.assignment_ttl,
			   p.guidelines_version, p.price_per_judgment
		FROM unnest(v_take || coalesce(v_golden, '{}')) AS c(task_id)
		ORDER BY labeling_internal.dispatch_random()
		RETURNING a.assignment_id, a.task_id, a.guidelines_version, a.price, a.expires_at
	)
	SELECT i.assignment_id, t.payload, p.labels, i.guidelines_version, i.price, i.expires_at
	FROM ins i
	JOIN @extschema@.tasks t ON t.task_id = i.task_id
	ORDER BY i.assignment_id;
END
$$;
COMMENT ON FUNCTION @extschema@.next_tasks(bigint, bigint, integer) IS
	'hand up to n tasks of a project to a worker as assignments: most uncertain first, golden tasks mixed in at the project''s rate';

-- not STRICT: NULL arguments are reported; time_spent and score may be NULL
CREATE FUNCTION @extschema@.submit(assignment_id bigint, label text,
		time_spent interval DEFAULT NULL, score double precision DEFAULT NULL)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	a @extschema@.assignments;
	w @extschema@.workers;
	p @extschema@.projects;
	v_role name := labeling_internal.dispatch_caller();
	v_admin boolean;
	v_task_status text;
	v_since timestamptz;
	v_measured interval;
	v_judgment bigint;
	v_state text;
	v_constraint text;
BEGIN
	IF submit.assignment_id IS NULL THEN
		RAISE EXCEPTION 'assignment_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- who may submit it is checked before the row is locked; a worker is
	-- told the same whether the assignment does not exist or is another
	-- worker's, so that no refusal says who holds what
	v_admin := pg_has_role(v_role, 'labeling_admin', 'USAGE');
	SELECT x.* INTO a FROM @extschema@.assignments x WHERE x.assignment_id = submit.assignment_id;
	IF v_admin AND NOT FOUND THEN
		RAISE EXCEPTION 'assignment % does not exist', submit.assignment_id
			USING ERRCODE = 'no_data_found';
	ELSIF NOT v_admin AND (NOT FOUND OR NOT EXISTS (
			SELECT 1 FROM @extschema@.workers x
			WHERE x.worker_id = a.worker_id AND x.login_role = v_role)) THEN
		RAISE EXCEPTION 'assignment % is not one of your assignments', submit.assignment_id
			USING ERRCODE = 'no_data_found',
				  HINT = 'Submit the assignments next_tasks() handed out to you.';
	END IF;
	w := labeling_internal.dispatch_worker(a.worker_id);
	SELECT x.* INTO a FROM @extschema@.assignments x WHERE x.assignment_id = submit.assignment_id
	FOR UPDATE;
	IF a.worker_id <> w.worker_id THEN
		RAISE EXCEPTION 'assignment % moved to another worker', a.assignment_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF a.state <> 'issued' THEN
		RAISE EXCEPTION 'assignment % is %', a.assignment_id, a.state
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
				  HINT = 'Only an issued assignment can be submitted, once.';
	END IF;
	IF a.expires_at <= now() THEN
		RAISE EXCEPTION 'assignment % expired', a.assignment_id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
				  DETAIL = format('It expired at %s.', a.expires_at),
				  HINT = 'Ask next_tasks() for new work.';
	END IF;
	IF submit.label IS NULL THEN
		RAISE EXCEPTION 'label must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;

	-- the rules the triggers check, reported without naming the task
	SELECT t.status INTO v_task_status FROM @extschema@.tasks t WHERE t.task_id = a.task_id;
	SELECT pr.* INTO p
	FROM @extschema@.tasks t JOIN @extschema@.projects pr ON pr.project_id = t.project_id
	WHERE t.task_id = a.task_id;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'submit() records judgments of classification projects.';
	END IF;
	IF v_task_status = 'closed' AND NOT p.allow_judgments_on_closed THEN
		RAISE EXCEPTION 'the task of assignment % was closed', a.assignment_id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_task_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments';
	END IF;
	IF array_position(p.labels, submit.label) IS NULL THEN
		RAISE EXCEPTION 'label % is not among the labels of project %',
				quote_literal(submit.label), quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_label_allowed',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'label',
				  DETAIL = format('The allowed labels are %s.', array_to_string(p.labels, ', '));
	END IF;
	IF submit.score IS NOT NULL AND w.kind <> 'model' THEN
		RAISE EXCEPTION '% is a % worker and cannot give a score', labeling_internal.describe_worker(w.worker_id), w.kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_score_model_only',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'score';
	END IF;
	IF submit.time_spent < '0'::interval THEN
		RAISE EXCEPTION 'time_spent must not be negative'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_time_spent_check',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'time_spent';
	END IF;

	-- time spent: measured since the assignment was issued or the worker's
	-- previous judgment in the project, whichever is later; a reported time
	-- may be shorter, never longer
	SELECT greatest(a.issued_at, max(ws.last_judgment_at)) INTO v_since
	FROM @extschema@.worker_state ws
	WHERE ws.project_id = p.project_id AND ws.worker_id = w.worker_id;
	v_measured := greatest(now() - v_since, '0'::interval);

	-- The triggers check the rules again under their locks, and their errors
	-- name tasks and workers (a task an admin closed meanwhile, a judgment
	-- given outside this assignment): a worker gets the refusal with its
	-- SQLSTATE and constraint, worded by its own assignment (an admin gets
	-- the triggers' own words).
	BEGIN
		INSERT INTO @extschema@.judgments AS j
			(task_id, worker_id, label, time_spent, guidelines_version, assignment_id, score)
		VALUES (a.task_id, w.worker_id, submit.label,
				least(coalesce(submit.time_spent, v_measured), v_measured),
				a.guidelines_version, a.assignment_id, submit.score)
		RETURNING j.judgment_id INTO v_judgment;
	EXCEPTION WHEN integrity_constraint_violation THEN
		IF v_admin THEN
			RAISE;
		END IF;
		GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_constraint = CONSTRAINT_NAME;
		RAISE EXCEPTION 'assignment % cannot be submitted: %', a.assignment_id,
				CASE v_constraint
					WHEN 'judgments_task_open' THEN 'its task was closed'
					WHEN 'judgments_one_per_worker' THEN 'you already answered its task'
					WHEN 'judgments_assignment_open' THEN 'it was submitted or closed meanwhile'
					WHEN 'judgments_label_allowed' THEN 'the label is not among the labels of the project'
					ELSE 'a rule of the project refused it' END
			USING ERRCODE = v_state, CONSTRAINT = coalesce(v_constraint, ''),
				  SCHEMA = '@extschema@', TABLE = 'judgments',
				  HINT = 'Ask next_tasks() for new work.';
	END;
	RETURN v_judgment;
END
$$;
COMMENT ON FUNCTION @extschema@.submit(bigint, text, interval, double precision) IS
	'record the judgment of an issued assignment (the caller''s own); returns the judgment id';

-- What a worker sees of their assignments: never the task id, its external
-- id or whether it is golden.  The view reads the tables as its owner and
-- keeps the rows of the worker whose login_role is the querying role.
CREATE VIEW @extschema@.my_assignments WITH (security_barrier) AS
SELECT a.assignment_id,
	   t.project_id,
	   p.name AS project,
	   p.labels,
	   a.guidelines_version,
	   g.guidelines,
	   t.payload,
	   a.price,
	   a.issued_at,
	   a.expires_at,
	   a.state,
	   a.closed_at,
	   j.label,
	   j.time_spent
FROM @extschema@.assignments a
JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) a.task_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) t.project_id
LEFT JOIN @extschema@.project_guidelines g
  ON g.project_id OPERATOR(pg_catalog.=) t.project_id
 AND g.version OPERATOR(pg_catalog.=) a.guidelines_version
LEFT JOIN @extschema@.judgments j ON j.assignment_id OPERATOR(pg_catalog.=) a.assignment_id
WHERE a.worker_id OPERATOR(pg_catalog.=) (
	SELECT w.worker_id FROM @extschema@.workers w
	WHERE w.login_role OPERATOR(pg_catalog.=) CURRENT_USER);
COMMENT ON VIEW @extschema@.my_assignments IS
	'the assignments of the worker whose login_role is the querying role, with payload, labels and guidelines (no task ids)';
