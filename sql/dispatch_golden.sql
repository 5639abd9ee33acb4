-- Golden tasks in dispatch: mixed in at the project's rate, in random places
-- of a batch, never alone when the regular queue is empty, never twice to a
-- worker, and nothing a worker sees tells them apart.  The draws come from
-- the server's strong random source, so these checks are statistical, with
-- bounds six standard deviations wide.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;
\set SHOW_CONTEXT never

-- overlap 1000: every regular task can be held by every worker at once
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence, golden_rate,
							   max_open_per_worker)
VALUES ('gold', '{x,y}', 1000, 1000, 0.99, 1.0, 100),
	   ('seed', '{x,y}', 1000, 1000, 0.99, 0.5, 100);
INSERT INTO labeling.workers (external_id) SELECT 'w' || i FROM generate_series(1, 260) i;
-- project 1: r1..r6 (tasks 1-6) and golden g1..g10 (7-16), payloads alike;
-- project 2: 30 regular and 30 golden tasks
INSERT INTO labeling.tasks (project_id, external_id, payload)
SELECT 1, 'r' || i, jsonb_build_object('image', 'img' || i || '.png') FROM generate_series(1, 6) i
UNION ALL
SELECT 1, 'g' || i, jsonb_build_object('image', 'img' || (100 + i) || '.png') FROM generate_series(1, 10) i
UNION ALL
SELECT 2, 's' || i, '{}' FROM generate_series(1, 60) i;
INSERT INTO labeling.golden_labels (task_id, label)
SELECT t.task_id, 'x' FROM labeling.tasks t
WHERE t.external_id LIKE 'g%' OR (t.project_id = 2 AND t.task_id % 2 = 0);

-- got(worker, project, n): the batch in the order handed out, golden marked *
CREATE FUNCTION got(p_worker bigint, p_project bigint, p_n integer) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	v_ids bigint[];
	v text;
BEGIN
	SELECT array_agg(x.assignment_id) INTO v_ids FROM labeling.next_tasks(p_worker, p_project, p_n) x;
	SELECT coalesce(string_agg(CASE WHEN ts.golden THEN 'G' ELSE 'R' END, '' ORDER BY a.assignment_id), '-') INTO v
	FROM labeling.assignments a JOIN labeling.task_state ts USING (task_id)
	WHERE a.assignment_id = ANY (v_ids);
	RETURN v;
END
$$;

-- golden_rate 1: every slot is golden while a regular task is available
SELECT got(1, 1, 4) AS w1;
-- submitted golden tasks are not handed out again: the next four are others
SELECT count(labeling.submit(a.assignment_id, 'x')) AS submitted
FROM labeling.assignments a WHERE a.worker_id = 1;
SELECT got(1, 1, 4) AS w1;
SELECT count(DISTINCT a.task_id) AS distinct_golden, count(*) AS assignments
FROM labeling.assignments a WHERE a.worker_id = 1;
-- nor are expired or cancelled ones: worker 3 lets four golden tasks expire
-- and has one cancelled, then asks again until the golden pool (10) is spent
SELECT got(3, 1, 4) AS w3;
UPDATE labeling.assignments SET expires_at = issued_at + interval '1 microsecond'
WHERE worker_id = 3 AND state = 'issued';
SELECT labeling.reclaim_expired(1) AS reclaimed;
SELECT got(3, 1, 1) AS w3;
UPDATE labeling.assignments SET state = 'cancelled', closed_at = now()
WHERE worker_id = 3 AND state = 'issued';
SELECT got(3, 1, 4) || got(3, 1, 4) AS w3;
SELECT count(*) AS assignments, count(DISTINCT a.task_id) AS distinct_tasks,
	   count(*) FILTER (WHERE ts.golden) AS golden
FROM labeling.assignments a JOIN labeling.task_state ts USING (task_id) WHERE a.worker_id = 3;
-- with no regular task available, no golden task alone either
UPDATE labeling.tasks SET status = 'closed' WHERE project_id = 1 AND external_id LIKE 'r%';
SELECT got(2, 1, 4) AS w2;
UPDATE labeling.tasks SET status = 'open' WHERE project_id = 1 AND external_id LIKE 'r%';
-- golden_rate 0: never
UPDATE labeling.projects SET golden_rate = 0 WHERE project_id = 1;
SELECT got(2, 1, 4) AS w2;

-- golden_rate 0.3: 250 batches of 4 from fresh workers
UPDATE labeling.projects SET golden_rate = 0.3 WHERE project_id = 1;
CREATE TABLE batches (worker bigint, position integer, golden boolean, task_id bigint,
					  expires_at timestamptz, price numeric, guidelines_version integer, payload_keys text);
DO $$
DECLARE
	w bigint;
	v_ids bigint[];
BEGIN
	FOR w IN 10..259 LOOP
		SELECT array_agg(x.assignment_id) INTO v_ids FROM labeling.next_tasks(w, 1, 4) x;
		INSERT INTO batches
		SELECT w, row_number() OVER (ORDER BY a.assignment_id), ts.golden, a.task_id,
			   a.expires_at, a.price, a.guidelines_version,
			   (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(t.payload) k)
		FROM labeling.assignments a
		JOIN labeling.task_state ts USING (task_id)
		JOIN labeling.tasks t USING (task_id)
		WHERE a.assignment_id = ANY (v_ids);
	END LOOP;
END
$$;
-- every batch is full, and the golden share is 0.3 (300 of 1000 expected,
-- standard deviation 14.5)
SELECT count(*) AS slots, count(DISTINCT worker) AS batches,
	   count(*) FILTER (WHERE golden) BETWEEN 213 AND 387 AS golden_share_ok
FROM batches;
-- golden tasks sit anywhere in a batch (75 per position expected, sd 7.2)
SELECT position, count(*) FILTER (WHERE golden) BETWEEN 32 AND 118 AS golden_here_ok
FROM batches GROUP BY position ORDER BY position;
-- batches of every kind occur: all regular (0.24 expected), mixed, all golden (0.008)
SELECT count(*) FILTER (WHERE g = 0) > 0 AS all_regular, count(*) FILTER (WHERE g BETWEEN 1 AND 3) > 0 AS mixed
FROM (SELECT worker, count(*) FILTER (WHERE golden) AS g FROM batches GROUP BY worker) b;
-- what a worker sees is alike within a batch: one expiry, price, version,
-- payloads of the same shape
SELECT count(*) AS batches_with_differences
FROM (SELECT worker FROM batches GROUP BY worker
	  HAVING count(DISTINCT (expires_at, price, guidelines_version, payload_keys)) > 1) d;
-- no golden task twice to a worker
SELECT count(*) AS repeated FROM (SELECT worker, task_id FROM batches GROUP BY 1, 2 HAVING count(*) > 1) d;
-- nothing returned or shown to workers names the task or its goldenness
SELECT p.proname, p.proargnames
FROM pg_proc p WHERE p.oid = 'labeling.next_tasks'::regproc;
SELECT string_agg(column_name::text, ', ' ORDER BY ordinal_position) AS my_assignments_columns
FROM information_schema.columns WHERE table_schema = 'labeling' AND table_name = 'my_assignments';

-- setseed() does not steer the draws: the same seed before two batches of
-- 20 (golden_rate 0.5) gives two different patterns (equal with probability 2^-20)
SELECT setseed(0.42);
SELECT got(1, 2, 20) AS a \gset
SELECT setseed(0.42);
SELECT got(2, 2, 20) AS b \gset
SELECT length(:'a') = 20 AND length(:'b') = 20 AS full, :'a' <> :'b' AS different;
-- dispatch_random is uniform on [0, 1)
SELECT min(r) >= 0 AND max(r) < 1 AS in_range, abs(avg(r) - 0.5) < 6 * sqrt(1.0 / 12 / 20000) AS mean_ok
FROM (SELECT labeling_internal.dispatch_random() AS r FROM generate_series(1, 20000)) x;
