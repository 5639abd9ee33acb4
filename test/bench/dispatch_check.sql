-- test/bench/dispatch_check.sql - the invariants after a dispatch load, one
-- "name value" line each (run as a superuser, psql -At).
SELECT 'judgments ' || count(*) FROM labeling.judgments;
SELECT 'ledger ' || count(*) FROM public.ledger;
-- every submit the clients saw succeed is stored, under its assignment
SELECT 'lost_submissions ' || count(*) FROM public.ledger l
WHERE NOT EXISTS (SELECT 1 FROM labeling.judgments j
				  WHERE j.judgment_id = l.judgment_id AND j.assignment_id = l.assignment_id);
-- and nothing is stored that no client saw succeed
SELECT 'unreported_judgments ' || count(*) FROM labeling.judgments j
WHERE NOT EXISTS (SELECT 1 FROM public.ledger l WHERE l.judgment_id = j.judgment_id);
SELECT 'duplicate_judgments ' || count(*) FROM (
	SELECT task_id, worker_id FROM labeling.judgments GROUP BY 1, 2 HAVING count(*) > 1) d;
SELECT 'over_max_overlap ' || count(*) FROM labeling.task_state ts JOIN labeling.projects p USING (project_id)
WHERE NOT ts.golden AND (ts.n_judgments > p.max_overlap OR ts.n_counted > p.max_overlap);
-- open tasks hold no more issued assignments than they still need
SELECT 'over_assigned ' || count(*) FROM labeling.task_state ts JOIN labeling.projects p USING (project_id)
WHERE NOT ts.golden AND ts.status = 'open'
  AND (SELECT count(*) FROM labeling.assignments a WHERE a.task_id = ts.task_id AND a.state = 'issued')
	  > least(p.max_overlap - ts.n_counted, greatest(p.min_overlap - ts.n_counted, 1));
SELECT 'assigned_off ' || count(*) FROM labeling.task_state ts
WHERE ts.assigned <> CASE WHEN ts.golden THEN 0 ELSE
	(SELECT count(*) FROM labeling.assignments a WHERE a.task_id = ts.task_id AND a.state = 'issued') END;
SELECT 'assignments_on_complete ' || count(*) FROM labeling.assignments a
JOIN labeling.task_state ts USING (task_id)
WHERE a.state = 'issued' AND ts.status <> 'open' AND a.issued_at > ts.completed_at;
-- never a task the worker had judged, or held
SELECT 'assigned_after_judging ' || count(*) FROM labeling.assignments a
JOIN labeling.judgments j ON j.task_id = a.task_id AND j.worker_id = a.worker_id
WHERE j.assignment_id <> a.assignment_id AND j.created_at <= a.issued_at;
SELECT 'held_twice ' || count(*) FROM (
	SELECT a.task_id, a.worker_id FROM labeling.assignments a
	WHERE a.state IN ('issued', 'submitted') GROUP BY 1, 2 HAVING count(*) > 1) d;
SELECT 'submitted_mismatch ' || count(*) FROM labeling.assignments a
WHERE (a.state = 'submitted') <> EXISTS (SELECT 1 FROM labeling.judgments j WHERE j.assignment_id = a.assignment_id);
SELECT 'expired ' || count(*) FROM labeling.assignments WHERE state = 'expired';
SELECT 'late ' || count(*) FROM public.late;
SELECT 'golden_judgments ' || count(*) FROM labeling.judgments j JOIN labeling.golden_labels g USING (task_id);
SELECT 'complete_tasks ' || count(*) FROM labeling.task_state WHERE status = 'complete';
-- the live state equals a recomputation from the judgments (agreement and
-- status times are as of the last change, not recomputed)
CREATE TEMP TABLE saved AS
SELECT 'task' AS kind, to_jsonb(ts) AS r FROM labeling.task_state ts
UNION ALL
SELECT 'worker', to_jsonb(ws) - ARRAY['agreement', 'agreement_judgments', 'agreement_at', 'status_changed_at']
FROM labeling.worker_state ws;
SELECT labeling.rebuild(1);
CREATE TEMP TABLE rebuilt AS
SELECT 'task' AS kind, to_jsonb(ts) AS r FROM labeling.task_state ts
UNION ALL
SELECT 'worker', to_jsonb(ws) - ARRAY['agreement', 'agreement_judgments', 'agreement_at', 'status_changed_at']
FROM labeling.worker_state ws;
SELECT x.kind || '_state_diff ' || count(d.kind)
FROM (VALUES ('task'), ('worker')) x(kind)
LEFT JOIN ((SELECT * FROM saved EXCEPT SELECT * FROM rebuilt)
		   UNION ALL (SELECT * FROM rebuilt EXCEPT SELECT * FROM saved)) d ON d.kind = x.kind
GROUP BY x.kind ORDER BY x.kind;
