-- Access control as each role meets it: labeling_admin runs everything,
-- labeling_analyst reads and writes nothing, labeling_worker only dispatches
-- and submits for its own worker and reads its own assignments; a role in
-- none of them gets nothing.  (sql/roles_privileges.sql lists the grants.)
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
-- the group roles stay when the extension goes, and are reused
SELECT rolname, rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolbypassrls
FROM pg_roles WHERE rolname LIKE 'labeling\_%' ORDER BY 1;
CREATE EXTENSION labeling;
DROP ROLE IF EXISTS regress_lab_admin, regress_lab_analyst, regress_lab_w1, regress_lab_w2,
	regress_lab_w3, regress_lab_nobody, regress_lab_app;
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT rolname, rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolbypassrls,
	   shobj_description(oid, 'pg_authid') AS comment
FROM pg_roles WHERE rolname LIKE 'labeling\_%' ORDER BY 1;

CREATE ROLE regress_lab_admin IN ROLE labeling_admin;
CREATE ROLE regress_lab_analyst IN ROLE labeling_analyst;
CREATE ROLE regress_lab_w1 IN ROLE labeling_worker;
CREATE ROLE regress_lab_w2 IN ROLE labeling_worker;
CREATE ROLE regress_lab_w3;                      -- mapped to a worker, but not in labeling_worker
CREATE ROLE regress_lab_nobody;
-- an application server: NOINHERIT, it acts only through SET ROLE
CREATE ROLE regress_lab_app NOINHERIT IN ROLE regress_lab_w1, regress_lab_w2;

-- the admin sets up a project (the triggers run as the admin)
SET ROLE regress_lab_admin;
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence, golden_rate,
							   price_per_judgment)
VALUES ('acl', '{cat,dog}', 1, 3, 0.9, 0, 0.05);
INSERT INTO labeling.workers (external_id, login_role) VALUES
	('w1', 'regress_lab_w1'), ('w2', 'regress_lab_w2'), ('w3', 'regress_lab_w3'), ('expert', NULL);
UPDATE labeling.workers SET kind = 'expert' WHERE external_id = 'expert';
INSERT INTO labeling.tasks (project_id, external_id, payload)
SELECT 1, 't' || i, jsonb_build_object('n', i) FROM generate_series(1, 6) i;
INSERT INTO labeling.golden_labels (task_id, label, expert_id) VALUES (6, 'cat', 4);
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (5, 3, 'dog');
-- the admin may act for any worker
SELECT count(*) AS handed_to_w2 FROM labeling.next_tasks(2, 1, 1);
SELECT (labeling.refresh(1)).n_judgments;
-- but TRUNCATE is left to the owner
TRUNCATE labeling.judgments;
RESET ROLE;
-- a worker login cannot be one of the group roles, nor two workers
\set VERBOSITY terse
UPDATE labeling.workers SET login_role = 'labeling_worker' WHERE worker_id = 4;
UPDATE labeling.workers SET login_role = 'regress_lab_w1' WHERE worker_id = 4;
\set VERBOSITY default

-- a worker: next_tasks and submit for itself only
SET ROLE regress_lab_w1;
SELECT x.payload, x.labels, x.price FROM labeling.next_tasks(1, 1, 2) x ORDER BY x.payload->>'n';
SELECT count(*) FROM labeling.next_tasks(2, 1, 1);
SELECT count(*) FROM labeling.next_tasks(4, 1, 1);
SELECT count(*) FROM labeling.next_tasks(999, 1, 1);
SELECT labeling.submit((SELECT assignment_id FROM labeling.my_assignments ORDER BY payload->>'n' LIMIT 1),
					   'cat') > 0 AS submitted;
-- w2's assignment (handed out by the admin above)
SELECT labeling.submit(1, 'cat');
-- its own assignments, without the task: through my_assignments ...
SELECT project, labels, payload, price, state, label FROM labeling.my_assignments ORDER BY payload->>'n';
-- ... and through row-level security on assignments and workers
SELECT worker_id, state FROM labeling.assignments ORDER BY state;
SELECT worker_id, external_id, login_role FROM labeling.workers;
SELECT task_id FROM labeling.assignments;
SELECT * FROM labeling.assignments;
SELECT created_at FROM labeling.workers;
-- never judgments, golden labels, posteriors, tasks, other state or views
SELECT count(*) FROM labeling.judgments;
SELECT count(*) FROM labeling.golden_labels;
SELECT count(*) FROM labeling.task_state;
SELECT count(*) FROM labeling.worker_state;
SELECT count(*) FROM labeling.tasks;
SELECT count(*) FROM labeling.projects;
SELECT count(*) FROM labeling.refresh_labels;
SELECT count(*) FROM labeling.qc_events;
SELECT count(*) FROM labeling.task_labels;
SELECT count(*) FROM labeling.worker_quality;
SELECT count(*) FROM labeling.payouts;
SELECT count(*) FROM labeling.pay_items;
-- no writes but through submit
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (1, 1, 'cat');
UPDATE labeling.assignments SET expires_at = expires_at + interval '1 day';
DELETE FROM labeling.assignments;
UPDATE labeling.workers SET login_role = 'regress_lab_w2';
-- no other function that reads or writes tables
SELECT labeling.refresh(1);
SELECT labeling.rebuild(1);
SELECT labeling.set_worker_status(1, 1, 'active');
SELECT labeling.reclaim_expired();
SELECT labeling_internal.live_analyze();
SELECT labeling_internal.dispatch_worker(2);
SELECT labeling_internal.dispatch_caller();
SELECT labeling_internal.dispatch_random();
SELECT labeling_internal.live_update(ARRAY[1], NULL, NULL, NULL, false, false, false);
-- the pure functions stay available
SELECT labeling.top_label('{"cat": 0.75, "dog": 0.25}');
-- a leaky function in a query sees only the rows the worker may see
CREATE FUNCTION pg_temp.leak(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
	RAISE NOTICE 'saw %', $1;
	RETURN true;
END $$;
SELECT count(*) FROM labeling.my_assignments WHERE pg_temp.leak(project || ' ' || labels::text);
SELECT count(*) FROM labeling.assignments WHERE pg_temp.leak('worker ' || worker_id);
RESET ROLE;
DROP FUNCTION pg_temp.leak(text);

-- w2 sees its own assignment and nothing of w1's
SET ROLE regress_lab_w2;
SELECT payload, state FROM labeling.my_assignments;
SELECT assignment_id, worker_id FROM labeling.assignments;
SELECT labeling.submit((SELECT min(assignment_id) FROM labeling.my_assignments), 'dog') > 0 AS submitted;
RESET ROLE;

-- mapped to a worker but not a member of labeling_worker: nothing
SET ROLE regress_lab_w3;
SELECT count(*) FROM labeling.next_tasks(3, 1, 1);
SELECT count(*) FROM labeling.my_assignments;
RESET ROLE;

-- an application server logs in as itself and acts as a worker through SET
-- ROLE, never as itself, and for one worker per role
SET SESSION AUTHORIZATION regress_lab_app;
SELECT count(*) FROM labeling.next_tasks(1, 1, 1);
SET ROLE regress_lab_admin;
SET ROLE regress_lab_w2;
SELECT session_user, current_user;
SELECT count(*) FROM labeling.next_tasks(2, 1, 1);
SELECT count(*) FROM labeling.next_tasks(1, 1, 1);
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- an analyst reads everything and changes nothing
SET ROLE regress_lab_analyst;
SELECT count(*) AS judgments FROM labeling.judgments;
SELECT count(*) AS golden FROM labeling.golden_labels;
SELECT count(*) AS assignments FROM labeling.assignments;
SELECT count(*) AS workers FROM labeling.workers;
SELECT count(*) AS task_states FROM labeling.task_state;
SELECT task, n_counted FROM (SELECT t.external_id AS task, ts.n_counted FROM labeling.task_state ts
							 JOIN labeling.tasks t USING (task_id) WHERE ts.n_counted > 0) x ORDER BY 1;
SELECT count(*) AS payouts FROM labeling.payouts;
SELECT count(*) AS quality FROM labeling.worker_quality;
-- and runs the analyses: truth inference over the schema and over its own query
SELECT count(*) AS inferred FROM labeling.infer_labels('dawid_skene', 1);
SELECT (labeling.truth_diagnostics(labeling.dawid_skene_agg(task_id, worker_id, label))).tasks
FROM labeling.judgments;
SELECT count(*) FROM labeling.my_assignments;
INSERT INTO labeling.tasks (project_id) VALUES (1);
UPDATE labeling.projects SET golden_rate = 0.5;
DELETE FROM labeling.golden_labels;
INSERT INTO labeling.bonus_rules (name, metric, threshold, amount) VALUES ('x', 'judgments', 1, 1);
SELECT labeling.refresh(1);
SELECT labeling.next_tasks(1, 1, 1);
SELECT labeling.submit(1, 'cat');
RESET ROLE;

-- a role in none of the groups cannot even see the schema
SET ROLE regress_lab_nobody;
SELECT count(*) FROM labeling.tasks;
SELECT labeling.next_tasks(1, 1, 1);
SELECT labeling.top_label('{"cat": 1}');
RESET ROLE;

-- a role with a table privilege granted by hand but in none of the groups
-- sees no row of a table under row-level security (assignments; tasks has
-- none, only privileges)
GRANT USAGE ON SCHEMA labeling TO regress_lab_nobody;
GRANT SELECT ON labeling.assignments, labeling.tasks TO regress_lab_nobody;
SET ROLE regress_lab_nobody;
SELECT count(*) AS assignments FROM labeling.assignments;
SELECT count(*) AS tasks FROM labeling.tasks;
RESET ROLE;
REVOKE ALL ON labeling.assignments, labeling.tasks FROM regress_lab_nobody;
REVOKE USAGE ON SCHEMA labeling FROM regress_lab_nobody;

DROP ROLE regress_lab_admin, regress_lab_analyst, regress_lab_w1, regress_lab_w2,
	regress_lab_w3, regress_lab_nobody, regress_lab_app;
