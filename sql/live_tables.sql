-- The schema: every table and sequence is dumped, every object is commented,
-- and every named constraint (CHECKs and the rules the triggers enforce)
-- answers a violation with its SQLSTATE, its name and a clear message,
-- leaving the data untouched.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;

-- every table and sequence of the schema is an extension configuration table
SELECT c.relname, c.relkind, c.oid = ANY (e.extconfig) AS dumped
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN pg_extension e
WHERE n.nspname = 'labeling' AND c.relkind IN ('r', 'S') AND e.extname = 'labeling'
ORDER BY c.relkind, c.relname;

-- every table, view, function and aggregate of the extension has a comment
-- (the input/output and operator functions of label_dist are left out)
SELECT pg_describe_object(d.classid, d.objid, 0) AS undocumented
FROM pg_depend d
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'labeling')
  AND d.deptype = 'e'
  AND ((d.classid = 'pg_class'::regclass
		AND (SELECT relkind FROM pg_class WHERE oid = d.objid) IN ('r', 'v'))
	   OR d.classid = 'pg_proc'::regclass
	   OR d.classid = 'pg_namespace'::regclass)
  AND obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)) IS NULL
ORDER BY 1;

-- every trigger function pins its search_path and runs as the caller;
-- the SECURITY DEFINER ones (live_analyze, next_tasks, submit) pin theirs too
SELECT p.proname, p.prosecdef, p.proconfig
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('labeling', 'labeling_internal') AND (p.prorettype = 'trigger'::regtype OR p.prosecdef)
ORDER BY 1;
-- and no plpgsql function of the extension lacks a pinned search_path
SELECT p.proname
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname IN ('labeling', 'labeling_internal') AND l.lanname = 'plpgsql'
  AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false);
-- every function that enters bulk mode (live_bulk_mode) carries the settings
-- it scopes to the function: plan_cache_mode, enable_nestloop, enable_sort, jit
SELECT p.proname AS bulk_mode_without_its_settings
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('labeling', 'labeling_internal')
  AND p.prosrc LIKE '%live_bulk_mode(%' AND p.proname <> 'live_bulk_mode'
  AND NOT (p.proconfig @> ARRAY['plan_cache_mode=force_generic_plan', 'enable_nestloop=on',
								'enable_sort=on', 'jit=off'])
ORDER BY 1;
SELECT count(*) AS functions_in_bulk_mode
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('labeling', 'labeling_internal')
  AND p.prosrc LIKE '%live_bulk_mode(%' AND p.proname <> 'live_bulk_mode';

-- the named constraints, table by table
SELECT conrelid::regclass AS "table", conname, contype
FROM pg_constraint
WHERE connamespace = 'labeling'::regnamespace
ORDER BY 1, 2;

-- try(statement): run it; report ok, or the error's fields
CREATE OR REPLACE FUNCTION try(q text)
	RETURNS TABLE (state text, "constraint" text, message text, detail text, hint text)
	LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	state := 'ok';
	RETURN NEXT;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, "constraint" = CONSTRAINT_NAME,
		message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	-- the failing row of a CHECK violation holds timestamps: keep it out
	IF detail LIKE 'Failing row contains %' THEN
		detail := 'Failing row contains (...).';
	END IF;
	RETURN NEXT;
END
$$;

-- a row count per table, to show that failed statements change nothing
CREATE OR REPLACE FUNCTION counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('projects %s workers %s tasks %s golden %s assignments %s judgments %s comparisons %s task_state %s worker_state %s rules %s events %s',
		(SELECT count(*) FROM labeling.projects), (SELECT count(*) FROM labeling.workers),
		(SELECT count(*) FROM labeling.tasks), (SELECT count(*) FROM labeling.golden_labels),
		(SELECT count(*) FROM labeling.assignments), (SELECT count(*) FROM labeling.judgments),
		(SELECT count(*) FROM labeling.comparisons), (SELECT count(*) FROM labeling.task_state),
		(SELECT count(*) FROM labeling.worker_state), (SELECT count(*) FROM labeling.qc_rules),
		(SELECT count(*) FROM labeling.qc_events))
$$;

INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence, guidelines)
VALUES ('pets', '{cat,dog}', 1, 2, 0.9, 'Is it a cat or a dog?');
INSERT INTO labeling.projects (name, kind) VALUES ('pairs', 'side_by_side');
INSERT INTO labeling.workers (external_id, kind, model_version) VALUES
	('alice', 'human', NULL), ('bob', 'human', NULL), ('eve', 'expert', NULL), ('gpt', 'model', 'v1');
INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 'p1'), (1, 'p2'), (1, 'p3'), (2, 'i1'), (2, 'i2'), (1, 'p4');
INSERT INTO labeling.assignments (task_id, worker_id, expires_at)
VALUES (1, 1, now() + interval '1 hour'), (2, 2, now() + interval '1 hour');
SELECT counts();

\x on
-- projects
SELECT * FROM try($$INSERT INTO labeling.projects (name, kind, labels) VALUES ('x', 'ranking', '{a}')$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels) VALUES ('x', '{}')$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels) VALUES ('x', '{a,NULL}')$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels) VALUES ('x', '{{a},{b}}')$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name) VALUES ('x')$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels) VALUES ('x', '{a,b,a}')$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap) VALUES ('x', '{a}', 3, 2)$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels, target_confidence) VALUES ('x', '{a}', 0)$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels, golden_rate) VALUES ('x', '{a}', 1.5)$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels, price_per_judgment) VALUES ('x', '{a}', -1)$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels, guidelines_version) VALUES ('x', '{a}', 0)$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels, prior_wrong) VALUES ('x', '{a}', 0)$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels, refresh_method) VALUES ('x', '{a}', 'magic')$$);
SELECT * FROM try($$INSERT INTO labeling.projects (name, labels) VALUES ('pets', '{a}')$$);
SELECT * FROM try($$UPDATE labeling.projects SET kind = 'side_by_side', labels = NULL WHERE name = 'pets'$$);
SELECT * FROM try($$UPDATE labeling.projects SET guidelines_version = 0 WHERE name = 'pets'$$);
-- workers
SELECT * FROM try($$INSERT INTO labeling.workers (external_id, kind) VALUES ('x', 'robot')$$);
SELECT * FROM try($$INSERT INTO labeling.workers (external_id, kind, model_version) VALUES ('x', 'human', 'v2')$$);
SELECT * FROM try($$INSERT INTO labeling.workers (external_id, status) VALUES ('x', 'flagged')$$);
SELECT * FROM try($$INSERT INTO labeling.workers (external_id) VALUES ('alice')$$);
-- tasks
SELECT * FROM try($$INSERT INTO labeling.tasks (project_id, status) VALUES (1, 'complete')$$);
SELECT * FROM try($$INSERT INTO labeling.tasks (project_id) VALUES (99)$$);
SELECT * FROM try($$INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 'p1')$$);
SELECT * FROM try($$UPDATE labeling.tasks SET project_id = 2 WHERE task_id = 3$$);
-- golden labels
SELECT * FROM try($$INSERT INTO labeling.golden_labels (task_id, label) VALUES (1, 'bird')$$);
SELECT * FROM try($$INSERT INTO labeling.golden_labels (task_id, label, expert_id) VALUES (1, 'cat', 4)$$);
SELECT * FROM try($$INSERT INTO labeling.golden_labels (task_id, label) VALUES (4, 'cat')$$);
-- assignments
SELECT * FROM try($$INSERT INTO labeling.assignments (task_id, worker_id, expires_at, state) VALUES (1, 2, now() + interval '1 hour', 'lost')$$);
SELECT * FROM try($$INSERT INTO labeling.assignments (task_id, worker_id, issued_at, expires_at) VALUES (1, 2, now(), now() - interval '1 second')$$);
SELECT * FROM try($$INSERT INTO labeling.assignments (task_id, worker_id, expires_at, state) VALUES (1, 2, now() + interval '1 hour', 'expired')$$);
SELECT * FROM try($$INSERT INTO labeling.assignments (task_id, worker_id, expires_at) VALUES (1, 1, now() + interval '1 hour')$$);
-- judgments: CHECKs
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (1, 1, 'cat', '-1 second')$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label, guidelines_version) VALUES (1, 1, 'cat', 0)$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label, score) VALUES (1, 4, 'cat', 1.5)$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (1, 99, 'cat')$$);
-- judgments: rules the trigger checks (the first bad row of a statement is reported)
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (4, 1, 'cat')$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (1, 1, 'cat'), (2, 1, 'bird')$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label, score) VALUES (1, 1, 'cat', 0.9)$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label, guidelines_version) VALUES (1, 1, 'cat', 2)$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label, assignment_id) VALUES (1, 2, 'cat', 1)$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (3, 1, 'cat'), (3, 1, 'dog')$$);
SELECT counts();
\x off

-- good judgments: a model may give a score; a named assignment is submitted
INSERT INTO labeling.judgments (task_id, worker_id, label, score) VALUES (3, 4, 'dog', 0.75);
INSERT INTO labeling.judgments (task_id, worker_id, label, assignment_id, guidelines_version)
VALUES (1, 1, 'cat', 1, 1);
-- task 1 reaches max_overlap (2) and is complete
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (1, 2, 'cat');
SELECT assignment_id, state, closed_at IS NOT NULL AS closed FROM labeling.assignments ORDER BY 1;
SELECT task_id, n_judgments, status FROM labeling.task_state ORDER BY task_id;

\x on
-- now the rules that look at earlier judgments
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label, assignment_id) VALUES (6, 1, 'cat', 1)$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label, assignment_id) VALUES (1, 1, 'cat', 1)$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (3, 4, 'cat')$$);
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (1, 3, 'cat')$$);
UPDATE labeling.tasks SET status = 'closed' WHERE task_id = 6;
SELECT * FROM try($$INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (6, 2, 'cat')$$);
SELECT * FROM try($$UPDATE labeling.judgments SET worker_id = 2 WHERE task_id = 3$$);
SELECT * FROM try($$UPDATE labeling.judgments SET label = 'bird' WHERE task_id = 3$$);
-- projects: a label in use stays; new guidelines under the same version
-- number get the next version
SELECT * FROM try($$UPDATE labeling.projects SET labels = '{dog,bird}' WHERE name = 'pets'$$);
SELECT * FROM try($$UPDATE labeling.projects SET labels = NULL, kind = 'side_by_side' WHERE name = 'pets'$$);
SELECT * FROM try($$UPDATE labeling.projects SET guidelines = 'v2', guidelines_version = 1 WHERE name = 'pets'$$);
SELECT counts();
\x off

-- the allowances: repeats and judgments on complete or closed tasks
UPDATE labeling.projects SET allow_repeat_judgments = true, allow_judgments_on_closed = true WHERE name = 'pets';
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (1, 2, 'cat'), (3, 4, 'dog'), (6, 2, 'dog');
SELECT task_id, n_judgments, status FROM labeling.task_state ORDER BY task_id;

-- guidelines: a new text raises the version and is kept
UPDATE labeling.projects SET guidelines = 'Cat or dog? Foxes are dogs.' WHERE name = 'pets';
SELECT project_id, version, guidelines FROM labeling.project_guidelines ORDER BY 1, 2;
INSERT INTO labeling.judgments (task_id, worker_id, label, guidelines_version) VALUES (2, 1, 'dog', 2);

\x on
-- comparisons
INSERT INTO labeling.assignments (task_id, worker_id, expires_at) VALUES (4, 1, now() + interval '1 hour');
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id) VALUES (4, 5, 'both', 1)$$);
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id) VALUES (4, 4, 'left', 1)$$);
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id) VALUES (4, 1, 'left', 1)$$);
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id) VALUES (1, 2, 'left', 1)$$);
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id, guidelines_version) VALUES (4, 5, 'left', 1, 3)$$);
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id, assignment_id) VALUES (4, 5, 'left', 2, (SELECT assignment_id FROM labeling.assignments WHERE task_id = 4))$$);
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id) VALUES (4, 5, 'left', 1), (5, 4, 'tie', 1)$$);
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id, assignment_id) VALUES (4, 5, 'right', 1, (SELECT assignment_id FROM labeling.assignments WHERE task_id = 4))$$);
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id) VALUES (5, 4, 'tie', 1)$$);
UPDATE labeling.tasks SET status = 'closed' WHERE task_id = 5;
SELECT * FROM try($$INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id) VALUES (5, 4, 'tie', 2)$$);
-- judgments in a side-by-side project, golden labels there
SELECT * FROM try($$INSERT INTO labeling.golden_labels (task_id, label) VALUES (5, 'left')$$);
-- quality-control rules and events
SELECT * FROM try($$INSERT INTO labeling.qc_rules (name, metric, threshold, action) VALUES ('x', 'speed', 1, 'ban')$$);
SELECT * FROM try($$INSERT INTO labeling.qc_rules (name, metric, threshold, action) VALUES ('x', 'agreement', 0.5, 'warn')$$);
SELECT * FROM try($$INSERT INTO labeling.qc_rules (name, metric, threshold, action) VALUES ('x', 'agreement', 0.5, 'ban')$$);
SELECT * FROM try($$INSERT INTO labeling.qc_rules (name, metric, threshold, action) VALUES ('x', 'golden_lower_bound', 1.5, 'ban')$$);
SELECT * FROM try($$INSERT INTO labeling.qc_rules (name, metric, threshold, action) VALUES ('x', 'median_seconds', -1, 'flag')$$);
SELECT * FROM try($$INSERT INTO labeling.qc_rules (name, metric, threshold, action, min_count) VALUES ('x', 'median_seconds', 2, 'flag', 0)$$);
SELECT * FROM try($$INSERT INTO labeling.qc_rules (name, metric, threshold, action, worker_kinds) VALUES ('x', 'median_seconds', 2, 'flag', '{human,cyborg}')$$);
SELECT * FROM try($$INSERT INTO labeling.qc_events (worker_id, action) VALUES (1, 'shout')$$);
SELECT * FROM try($$SELECT labeling.set_worker_status(1, 1, 'gone')$$);
SELECT * FROM try($$SELECT labeling.set_worker_status(1, 99, 'banned')$$);
\x off
SELECT counts();
SELECT comparison_id, left_task_id, right_task_id, winner, worker_id, assignment_id FROM labeling.comparisons ORDER BY 1;
SELECT assignment_id, state FROM labeling.assignments ORDER BY 1;

-- a plain error as psql shows it
\set VERBOSITY default
\set SHOW_CONTEXT never
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (2, 2, 'Cat');
