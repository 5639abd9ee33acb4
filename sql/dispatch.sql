-- Task dispatch: next_tasks() hands out the most uncertain tasks first, never
-- a task the worker judged or holds, never a complete task, never more
-- issued assignments than a task still needs; expired assignments are
-- reclaimed; submit() records the judgment.  (Run as a superuser, who may
-- act for any worker; sql/roles.sql checks who may act for whom.  Golden
-- tasks are in sql/dispatch_golden.sql.)
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;
\set SHOW_CONTEXT never

INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence,
							   price_per_judgment, max_open_per_worker, assignment_ttl, guidelines)
VALUES ('disp', '{a,b,c}', 2, 3, 0.8, 0.10, 4, '10 minutes', 'Pick the letter.');
INSERT INTO labeling.projects (name, kind) VALUES ('pairs', 'side_by_side');
INSERT INTO labeling.workers (external_id) SELECT 'w' || i FROM generate_series(1, 6) i;
INSERT INTO labeling.workers (external_id, kind, model_version) VALUES ('m1', 'model', 'v1');
-- t1..t8 are tasks 1..8; t3 has priority 2, t5 priority 1
INSERT INTO labeling.tasks (project_id, external_id, payload, priority)
SELECT 1, 't' || i, jsonb_build_object('text', 'item ' || i),
	   CASE i WHEN 3 THEN 2 WHEN 5 THEN 1 ELSE 0 END
FROM generate_series(1, 8) i;
INSERT INTO labeling.tasks (project_id, external_id) VALUES (2, 'i1'), (2, 'i2');

-- judgments given outside dispatch, by w5 and w6:
--   t1 one 'a' (confidence 2/3), t2 two 'a' (8/9: complete), t4 'a' and 'b'
--   (4/9 each), t5 and t6 one 'a' each; t3, t7, t8 have none
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES
	(1, 6, 'a'), (2, 5, 'a'), (2, 6, 'a'), (4, 5, 'a'), (4, 6, 'b'), (5, 6, 'a'), (6, 6, 'a');

CREATE VIEW st AS
SELECT t.external_id AS task, t.priority, ts.n_counted AS n, round(ts.confidence::numeric, 4) AS confidence,
	   ts.status, ts.needed, ts.assigned
FROM labeling.task_state ts JOIN labeling.tasks t USING (task_id)
WHERE t.project_id = 1
ORDER BY ts.task_id;
-- take(worker, n): the tasks next_tasks() hands out, by external id
CREATE FUNCTION take(p_worker bigint, p_n integer, p_project bigint DEFAULT 1) RETURNS text
	LANGUAGE plpgsql AS $$
DECLARE
	v_ids bigint[];
	v_tasks text;
BEGIN
	SELECT array_agg(x.assignment_id) INTO v_ids FROM labeling.next_tasks(p_worker, p_project, p_n) x;
	SELECT coalesce(string_agg(t.external_id, ' ' ORDER BY t.task_id), '-') INTO v_tasks
	FROM labeling.assignments a JOIN labeling.tasks t ON t.task_id = a.task_id
	WHERE a.assignment_id = ANY (v_ids);
	RETURN v_tasks;
END
$$;
-- refused(statement): the error message, assignment ids masked (they come
-- in random order within a batch)
CREATE FUNCTION refused(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN regexp_replace(SQLERRM, 'assignment [0-9]+', 'assignment N');
END
$$;
-- the issued assignment of a worker on a task
CREATE FUNCTION aid(p_worker bigint, p_task text) RETURNS bigint LANGUAGE sql AS $$
	SELECT a.assignment_id FROM labeling.assignments a JOIN labeling.tasks t USING (task_id)
	WHERE a.worker_id = p_worker AND t.external_id = p_task AND a.state = 'issued'
$$;
SELECT * FROM st;

-- what a worker gets: payload, labels, guidelines version, price, expiry
SELECT x.assignment_id, x.payload, x.labels, x.guidelines_version, x.price,
	   x.expires_at - now() AS ttl
FROM labeling.next_tasks(1, 1, 1) x;
-- dispatch order: priority, then the most uncertain: no judgment first (in
-- task order), then the lowest confidence; t2 is complete
SELECT take(1, 2) AS w1;
-- w1 holds 4 = max_open_per_worker: one more fits, then nothing until one
-- is submitted
SELECT take(1, 5) AS w1;
SELECT take(1, 1) AS w1;
-- a task takes issued assignments up to what it still needs: 2 while it has
-- no judgment (min_overlap 2), 1 once it has min_overlap - 1 or more: t5
-- (w1 holds it) is full, t3, t7 and t8 take one more
SELECT take(2, 4) AS w2;
-- w3 gets what is left, lowest confidence first; w6 judged t1, t4, t5 and
-- t6 and the rest is full
SELECT take(3, 4) AS w3;
SELECT take(6, 4) AS w6;
SELECT * FROM st;

-- submit: the judgment names the assignment, the guidelines version shown
-- and the time since the assignment was issued (a reported time may be
-- shorter, never longer)
UPDATE labeling.projects SET guidelines = 'Pick the letter, carefully.' WHERE project_id = 1;
UPDATE labeling.assignments SET issued_at = now() - interval '2 minutes' WHERE assignment_id = aid(1, 't3');
UPDATE labeling.assignments SET issued_at = now() - interval '1 hour' WHERE assignment_id = aid(2, 't3');
SELECT labeling.submit(aid(1, 't3'), 'a', '1 hour') IS NOT NULL AS submitted;
SELECT labeling.submit(aid(2, 't3'), 'a', '0.5 s') IS NOT NULL AS submitted;
SELECT t.external_id AS task, w.external_id AS worker, j.label, j.guidelines_version,
	   j.time_spent BETWEEN '2 minutes' AND '3 minutes' AS about_2_minutes, j.time_spent = '0.5 s' AS reported,
	   a.state, a.closed_at = j.created_at AS closed
FROM labeling.judgments j
JOIN labeling.tasks t USING (task_id)
JOIN labeling.workers w USING (worker_id)
JOIN labeling.assignments a USING (assignment_id)
ORDER BY j.judgment_id;
-- t3 is complete (two 'a', confidence 0.8889): nobody gets it any more
SELECT * FROM st WHERE task = 't3';
SELECT take(4, 4) AS w4;

-- refusals, each leaving the data as it was
SELECT count(*) AS judgments_before FROM labeling.judgments;
SELECT labeling.submit(aid(1, 't5'), 'z');
SELECT labeling.submit(aid(1, 't5'), NULL);
SELECT labeling.submit(aid(1, 't5'), 'a', '-1 s');
SELECT labeling.submit(aid(1, 't5'), 'a', NULL, 0.9);
SELECT labeling.submit(NULL, 'a');
SELECT labeling.submit(999, 'a');
SELECT labeling.submit((SELECT min(assignment_id) FROM labeling.assignments WHERE state = 'submitted'), 'a');
SELECT count(*) AS judgments_after FROM labeling.judgments;
SELECT take(5, 0);
SELECT take(5, 101);
SELECT take(NULL, 1);
SELECT take(5, NULL);
SELECT take(99, 1);
SELECT take(5, 1, 99);
SELECT take(5, 1, 2);
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT take(5, 1);
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT take(5, 1);
ROLLBACK;
-- a banned worker gets nothing: banned in the project, or everywhere
SELECT (labeling.set_worker_status(1, 5, 'banned', 'test')).action;
SELECT take(5, 1);
SELECT (labeling.set_worker_status(1, 5, 'active', 'test')).action;
UPDATE labeling.workers SET status = 'banned' WHERE worker_id = 5;
SELECT take(5, 1);
UPDATE labeling.workers SET status = 'active' WHERE worker_id = 5;
SELECT count(*) AS assignments_of_w5 FROM labeling.assignments WHERE worker_id = 5;

-- expiry: w2's assignments run out; a late submit is refused, and the next
-- dispatch in the project reclaims them (closed at their expiry time), so
-- that w5 gets t7 and t8
UPDATE labeling.assignments SET issued_at = now() - interval '1 hour', expires_at = now() - interval '1 minute'
WHERE worker_id = 2 AND state = 'issued';
SELECT refused($$SELECT labeling.submit(aid(2, 't7'), 'a')$$);
SELECT * FROM st;
SELECT take(5, 4) AS w5;
SELECT t.external_id AS task, a.state, a.closed_at = a.expires_at AS closed_at_expiry
FROM labeling.assignments a JOIN labeling.tasks t USING (task_id)
WHERE a.worker_id = 2 ORDER BY t.task_id;
SELECT labeling.reclaim_expired() AS reclaimed;
SELECT labeling.reclaim_expired(max_rows => 0);
-- a cancelled assignment cannot be submitted
UPDATE labeling.assignments SET state = 'cancelled', closed_at = now() WHERE assignment_id = aid(5, 't8');
SELECT refused($$SELECT labeling.submit((SELECT max(assignment_id) FROM labeling.assignments
										 WHERE state = 'cancelled'), 'a')$$);

-- a task that completes after an assignment was issued still takes that
-- judgment (the worker was promised it): t7, held by w1 and w5, completes
-- with two judgments given outside dispatch, then w1 submits
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (7, 6, 'b'), (7, 4, 'b');
SELECT * FROM st WHERE task = 't7';
SELECT labeling.submit(aid(1, 't7'), 'b') IS NOT NULL AS submitted;
SELECT * FROM st WHERE task = 't7';
UPDATE labeling.assignments SET state = 'cancelled', closed_at = now() WHERE assignment_id = aid(5, 't7');
-- without an assignment a judgment on a complete task is refused
INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (7, 3, 'b');
-- a task closed by hand refuses even an assigned judgment
UPDATE labeling.tasks SET status = 'closed' WHERE external_id = 't8';
SELECT labeling.submit(aid(1, 't8'), 'b');
INSERT INTO labeling.judgments (task_id, worker_id, label, assignment_id) VALUES (8, 1, 'b', aid(1, 't8'));
UPDATE labeling.tasks SET status = 'open' WHERE external_id = 't8';
SELECT labeling.submit(aid(1, 't8'), 'b') IS NOT NULL AS submitted;

-- the invariants after all of this: assigned counts the issued
-- assignments (through dispatch, reclaim, cancellation by hand, submit and
-- judgments given directly), and equals a recomputation
SELECT count(*) AS assigned_off FROM labeling.task_state ts
WHERE ts.assigned <> CASE WHEN ts.golden THEN 0 ELSE
	(SELECT count(*) FROM labeling.assignments a WHERE a.task_id = ts.task_id AND a.state = 'issued') END;
CREATE TEMP TABLE saved_ts AS SELECT * FROM labeling.task_state;
SELECT labeling.rebuild(1);
SELECT count(*) AS differs_from_rebuild FROM (
	(SELECT * FROM saved_ts EXCEPT SELECT * FROM labeling.task_state)
	UNION ALL (SELECT * FROM labeling.task_state EXCEPT SELECT * FROM saved_ts)) d;
SELECT count(*) AS assigned_after_judging
FROM labeling.assignments a JOIN labeling.judgments j
  ON j.task_id = a.task_id AND j.worker_id = a.worker_id AND j.assignment_id IS DISTINCT FROM a.assignment_id
WHERE j.created_at <= a.issued_at;
SELECT count(*) AS over_max_overlap FROM labeling.task_state ts JOIN labeling.projects p USING (project_id)
WHERE ts.n_counted > p.max_overlap;
SELECT count(*) AS submitted_without_judgment FROM labeling.assignments a
WHERE a.state = 'submitted' AND NOT EXISTS (SELECT 1 FROM labeling.judgments j WHERE j.assignment_id = a.assignment_id);
SELECT count(*) AS overfull FROM labeling.task_state ts WHERE ts.status = 'open' AND ts.assigned > ts.needed;

-- a change of priority reaches the dispatch order (task_state.priority)
INSERT INTO labeling.workers (external_id) VALUES ('w8');
INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 't9'), (1, 't10');
UPDATE labeling.tasks SET priority = 5 WHERE external_id = 't10';
SELECT task, priority FROM st WHERE task IN ('t9', 't10');
SELECT take(8, 1) AS w8;

-- project settings are checked
\set VERBOSITY terse
UPDATE labeling.projects SET assignment_ttl = '0 s' WHERE project_id = 1;
UPDATE labeling.projects SET assignment_ttl = '8 days' WHERE project_id = 1;
UPDATE labeling.projects SET max_open_per_worker = 0 WHERE project_id = 1;
\set VERBOSITY default
