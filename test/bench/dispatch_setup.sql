-- test/bench/dispatch_setup.sql - the load of the dispatch concurrency test
-- and benchmark (psql variables: tasks, golden, workers, ttl).
--
-- One project of 4 labels (min_overlap 2, max_overlap 4, target 0.9,
-- golden_rate 0.1); :tasks regular and :golden golden tasks whose payload
-- carries the index of their true label (so that simulated workers can
-- answer well; golden and regular payloads look alike); :workers workers,
-- each with a login role dispatch_w<i> in labeling_worker, and an
-- application login dispatch_app (NOINHERIT) that is a member of all of
-- them and acts through SET ROLE.  public.ledger is where clients write
-- down, after the commit, every submit that succeeded; public.try_submit()
-- turns the one expected refusal (an assignment that expired before its
-- submit) into 0 and a row of public.late.
CREATE EXTENSION labeling;
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence, golden_rate,
							   price_per_judgment, min_hourly_pay, assignment_ttl, max_open_per_worker)
VALUES ('load', '{a,b,c,d}', 2, 4, 0.9, 0.1, 0.05, 6, :'ttl', 5);
SELECT format('CREATE ROLE dispatch_w%s IN ROLE labeling_worker', i)
FROM generate_series(1, :workers) i \gexec
CREATE ROLE dispatch_app LOGIN NOINHERIT;
SELECT format('GRANT dispatch_w%s TO dispatch_app', i) FROM generate_series(1, :workers) i \gexec
INSERT INTO labeling.workers (external_id, login_role)
SELECT 'w' || i, 'dispatch_w' || i FROM generate_series(1, :workers) i;
INSERT INTO labeling.tasks (project_id, external_id, payload)
SELECT 1, 't' || i, jsonb_build_object('truth', 1 + abs(hashint4(i)) % 4)
FROM generate_series(1, :tasks + :golden) i;
-- every (tasks + golden) / golden-th task is golden
INSERT INTO labeling.golden_labels (task_id, label)
SELECT t.task_id, (ARRAY['a', 'b', 'c', 'd'])[(t.payload->>'truth')::int]
FROM labeling.tasks t
WHERE t.task_id % ((:tasks + :golden) / :golden) = 0
LIMIT :golden;
ANALYZE;

CREATE TABLE public.ledger (assignment_id bigint PRIMARY KEY, judgment_id bigint NOT NULL);
CREATE TABLE public.late (assignment_id bigint PRIMARY KEY);
GRANT INSERT ON public.ledger, public.late TO labeling_worker;
CREATE FUNCTION public.try_submit(p_assignment bigint, p_label text) RETURNS bigint
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN labeling.submit(p_assignment, p_label);
EXCEPTION WHEN check_violation THEN
	IF SQLERRM NOT LIKE 'assignment % expired' THEN
		RAISE;
	END IF;
	INSERT INTO public.late VALUES (p_assignment);
	RETURN 0;
END
$$;
