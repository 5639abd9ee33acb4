-- ---------------------------------------------------------------------------
-- The live pipeline's triggers on tasks, golden_labels, workers, projects and
-- comparisons: each validates what the tables cannot check themselves and
-- brings the live state up to date through live_update() or live_tasks()
-- (31_live_update.sql).
-- ---------------------------------------------------------------------------

CREATE FUNCTION labeling_internal.tasks_after_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	INSERT INTO @extschema@.task_state (task_id, project_id, status, priority, needed)
	SELECT n.task_id, n.project_id, x.status, n.priority,
		   labeling_internal.live_needed(x.status, false, p.kind, 0, p.min_overlap, p.max_overlap)
	FROM new_rows n
	JOIN @extschema@.projects p ON p.project_id = n.project_id
	CROSS JOIN LATERAL (SELECT CASE WHEN n.status = 'closed' THEN 'closed' ELSE 'open' END AS status) x
	ORDER BY n.task_id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.tasks_after_insert() IS
	'trigger: create the task_state row of new tasks';

CREATE FUNCTION labeling_internal.tasks_after_update()
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
				  DETAIL = format('%s was moved from %s to %s.', labeling_internal.describe_task(r.task_id),
								  labeling_internal.describe_project(r.old_project), labeling_internal.describe_project(r.new_project)),
				  HINT = 'Create a new task in the other project.';
	END IF;
	SELECT array_agg(n.task_id) INTO v_tasks
	FROM old_rows o JOIN new_rows n ON n.task_id = o.task_id
	WHERE n.status <> o.status OR n.priority <> o.priority;
	IF v_tasks IS NOT NULL THEN
		PERFORM labeling_internal.live_tasks(v_tasks, NULL);
		-- the copy of the priority that orders next_tasks() (rows locked above)
		UPDATE @extschema@.task_state ts SET priority = n.priority
		FROM new_rows n
		WHERE ts.task_id = n.task_id AND ts.priority <> n.priority;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.tasks_after_update() IS
	'trigger: tasks stay in their project; closing, reopening or reprioritising a task updates its state';

CREATE TRIGGER tasks_live_insert AFTER INSERT ON @extschema@.tasks
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.tasks_after_insert();
CREATE TRIGGER tasks_live_update AFTER UPDATE ON @extschema@.tasks
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.tasks_after_update();

-- golden labels: validate, then recompute the golden tasks and their judges
CREATE FUNCTION labeling_internal.golden_labels_after_change()
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
				RAISE EXCEPTION '% belongs to side-by-side project %', labeling_internal.describe_task(r.task_id), quote_literal(r.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_project_kind',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels',
						  DETAIL = 'Golden labels are for classification projects.';
			ELSIF array_position(r.labels, r.label) IS NULL THEN
				RAISE EXCEPTION 'golden label % is not among the labels of project %',
						quote_literal(r.label), quote_literal(r.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_label_allowed',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels', COLUMN = 'label',
						  DETAIL = format('Golden label of %s; the allowed labels are %s.',
										  labeling_internal.describe_task(r.task_id), array_to_string(r.labels, ', '));
			ELSE
				RAISE EXCEPTION '% is a % worker, not an expert', labeling_internal.describe_worker(r.expert_id), r.expert_kind
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
	v_work_mem := labeling_internal.live_bulk_mode(cardinality(v_tasks),
											 '@extschema@.golden_labels'::regclass);
	SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT DISTINCT t.project_id, j.worker_id
		  FROM unnest(v_tasks) AS u(task_id)
		  JOIN @extschema@.judgments j ON j.task_id = u.task_id
		  JOIN @extschema@.tasks t ON t.task_id = j.task_id) x;
	PERFORM labeling_internal.live_update(v_tasks, v_projects, v_workers, NULL,
									true, false, false);
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.golden_labels_after_change() IS
	'trigger: validate golden labels, then update golden records, skills and affected tasks';

CREATE TRIGGER golden_labels_live_insert AFTER INSERT ON @extschema@.golden_labels
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.golden_labels_after_change();
CREATE TRIGGER golden_labels_live_update AFTER UPDATE ON @extschema@.golden_labels
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.golden_labels_after_change();
CREATE TRIGGER golden_labels_live_delete AFTER DELETE ON @extschema@.golden_labels
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.golden_labels_after_change();

-- workers: a ban on the account (workers.status) applies in every project
CREATE FUNCTION labeling_internal.workers_after_update()
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
	PERFORM labeling_internal.live_notify_events(v_events);

	SELECT array_agg(ws.project_id), array_agg(ws.worker_id) INTO v_projects, v_workers
	FROM @extschema@.worker_state ws
	JOIN @extschema@.qc_events e ON e.worker_id = ws.worker_id
	JOIN unnest(v_events) AS u(event_id) ON u.event_id = e.event_id;
	IF v_projects IS NOT NULL THEN
		PERFORM labeling_internal.live_update(NULL, v_projects, v_workers, NULL,
										false, true, true);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.workers_after_update() IS
	'trigger: record a ban or unban of a worker account and recompute the tasks it judged';

CREATE TRIGGER workers_live_update AFTER UPDATE ON @extschema@.workers
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.workers_after_update();

-- projects: labels are distinct; a change of guidelines raises the version;
-- a label in use cannot be removed; the kind cannot change once answered
CREATE FUNCTION labeling_internal.projects_before_write()
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
COMMENT ON FUNCTION labeling_internal.projects_before_write() IS
	'trigger: check labels and kind changes, raise the guidelines version when guidelines change';

CREATE FUNCTION labeling_internal.projects_after_write()
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
		PERFORM labeling_internal.live_update_project(NEW.project_id, true);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.projects_after_write() IS
	'trigger: keep project_guidelines, recompute the project when labels, overlap, target or prior change';

CREATE TRIGGER projects_check BEFORE INSERT OR UPDATE ON @extschema@.projects
	FOR EACH ROW EXECUTE FUNCTION labeling_internal.projects_before_write();
CREATE TRIGGER projects_live AFTER INSERT OR UPDATE ON @extschema@.projects
	FOR EACH ROW EXECUTE FUNCTION labeling_internal.projects_after_write();

-- comparisons: both items are tasks of one side-by-side project
CREATE FUNCTION labeling_internal.comparisons_after_write()
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
			RAISE EXCEPTION 'comparison % pairs tasks of % and %', r.comparison_id,
					labeling_internal.describe_project(r.left_project), labeling_internal.describe_project(r.right_project)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_same_project',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('It compares %s and %s.', labeling_internal.describe_task(r.left_task_id),
									  labeling_internal.describe_task(r.right_task_id));
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
			RAISE EXCEPTION 'assignment % is for % and %', r.assignment_id,
					labeling_internal.describe_task(r.a_task), labeling_internal.describe_worker(r.a_worker)
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
			RAISE EXCEPTION '% is closed', labeling_internal.describe_task(r.task_id)
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
			RAISE EXCEPTION '% already compared % and %', labeling_internal.describe_worker(r.worker_id),
					labeling_internal.describe_task(r.left_task_id), labeling_internal.describe_task(r.right_task_id)
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
COMMENT ON FUNCTION labeling_internal.comparisons_after_write() IS
	'trigger: check that comparisons pair two tasks of one side-by-side project, once per worker';

CREATE TRIGGER comparisons_live_insert AFTER INSERT ON @extschema@.comparisons
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.comparisons_after_write();
CREATE TRIGGER comparisons_live_update AFTER UPDATE ON @extschema@.comparisons
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION labeling_internal.comparisons_after_write();

