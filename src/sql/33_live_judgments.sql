-- ---------------------------------------------------------------------------
-- The live pipeline's triggers on judgments: the rules checked without locks,
-- then live_update() (31_live_update.sql) for the tasks and workers touched;
-- UPDATE, DELETE and TRUNCATE recompute what they change.
-- ---------------------------------------------------------------------------

-- Report the first judgment (in judgment_id order) that breaks a rule
-- checked without locks; raises, or returns quietly.
-- not STRICT: most columns of a judgment may be NULL
CREATE FUNCTION labeling_internal.live_check_judgment(p_judgment_id bigint, p_task_id bigint,
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
		RAISE EXCEPTION '% belongs to side-by-side project %', labeling_internal.describe_task(p_task_id),
				quote_literal(p.name)
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
				  DETAIL = format('Judgment %s on %s; the allowed labels are %s.',
								  p_judgment_id, labeling_internal.describe_task(p_task_id),
								  array_to_string(p.labels, ', ')),
				  HINT = 'Fix the label, or add it to projects.labels.';
	END IF;
	IF p_score IS NOT NULL AND v_kind <> 'model' THEN
		RAISE EXCEPTION '% is a % worker and cannot give a score', labeling_internal.describe_worker(p_worker_id), v_kind
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
			RAISE EXCEPTION 'assignment % is for % and %', p_assignment_id,
					labeling_internal.describe_task(a.task_id), labeling_internal.describe_worker(a.worker_id)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_match',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
					  DETAIL = format('The judgment is by %s on %s.', labeling_internal.describe_worker(p_worker_id),
									  labeling_internal.describe_task(p_task_id));
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
COMMENT ON FUNCTION labeling_internal.live_check_judgment(bigint, bigint, bigint, text, double precision, integer, bigint, boolean) IS
	'internal: raise the error for a judgment that breaks a rule checked without locks';

CREATE FUNCTION labeling_internal.judgments_after_insert()
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
	v_work_mem := labeling_internal.live_bulk_mode(v_rows, '@extschema@.judgments'::regclass);

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
		PERFORM labeling_internal.live_check_judgment(r.judgment_id, r.task_id, r.worker_id, r.label,
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
	PERFORM labeling_internal.live_update(v_tasks, v_projects, v_workers, v_open_tasks,
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
			RAISE EXCEPTION '% is closed', labeling_internal.describe_task(r.task_id)
				USING ERRCODE = 'check_violation',
					  CONSTRAINT = 'judgments_task_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Project %L accepts no judgments on closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;
	END IF;
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.judgments_after_insert() IS
	'trigger: validate new judgments, then update task_state and worker_state, apply rules, NOTIFY';

-- UPDATE or DELETE of judgments.  An update may change the label, the
-- score, the guidelines version, the time or created_at, never the keys, so
-- the old rows name the tasks and workers to recompute in both cases.
CREATE FUNCTION labeling_internal.judgments_after_change()
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
			PERFORM labeling_internal.live_check_judgment(r.judgment_id, r.task_id, r.worker_id, r.label,
													r.score, r.guidelines_version, r.assignment_id,
													false);
		END LOOP;
	END IF;

	SELECT array_agg(x.task_id) INTO v_tasks FROM (SELECT DISTINCT o.task_id FROM old_rows o) x;
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	v_work_mem := labeling_internal.live_bulk_mode((SELECT count(*) FROM old_rows),
											 '@extschema@.judgments'::regclass);
	SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT DISTINCT t.project_id, o.worker_id
		  FROM old_rows o JOIN @extschema@.tasks t ON t.task_id = o.task_id) x;
	PERFORM labeling_internal.live_update(v_tasks, v_projects, v_workers, NULL,
									true, false, true);
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.judgments_after_change() IS
	'trigger: after UPDATE (keys are immutable, changed rows are validated) or DELETE, update the live state';

CREATE FUNCTION labeling_internal.judgments_after_truncate()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_project bigint;
BEGIN
	FOR v_project IN SELECT p.project_id FROM @extschema@.projects p ORDER BY p.project_id LOOP
		PERFORM labeling_internal.live_update_project(v_project, false);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.judgments_after_truncate() IS
	'trigger: recompute the live state of every project after TRUNCATE judgments';

CREATE TRIGGER judgments_live_insert AFTER INSERT ON @extschema@.judgments
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.judgments_after_insert();
CREATE TRIGGER judgments_live_update AFTER UPDATE ON @extschema@.judgments
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.judgments_after_change();
CREATE TRIGGER judgments_live_delete AFTER DELETE ON @extschema@.judgments
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.judgments_after_change();
CREATE TRIGGER judgments_live_truncate AFTER TRUNCATE ON @extschema@.judgments
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.judgments_after_truncate();

