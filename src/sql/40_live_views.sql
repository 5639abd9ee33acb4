-- ---------------------------------------------------------------------------
-- Views for dashboards
--
-- They read the live state (task_state, worker_state), the latest refresh
-- (refresh_labels, refresh_workers) and the input tables.  Everything is
-- schema-qualified and operators are written OPERATOR(pg_catalog.x), so the
-- views mean the same whatever the search_path of whoever created or reads
-- them.
-- ---------------------------------------------------------------------------

CREATE VIEW @extschema@.project_progress AS
SELECT p.project_id,
	   p.name,
	   p.kind,
	   pg_catalog.count(ts.task_id) AS tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'open' AND NOT ts.golden) AS open_tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'complete') AS complete_tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'closed') AS closed_tasks,
	   pg_catalog.count(ts.task_id) FILTER (WHERE ts.golden) AS golden_tasks,
	   coalesce(pg_catalog.sum(ts.n_judgments), 0)::bigint AS judgments,
	   coalesce(pg_catalog.sum(ts.n_counted), 0)::bigint AS counted_judgments,
	   c.comparisons,
	   pg_catalog.round(pg_catalog.avg(ts.n_counted) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'complete')::numeric, 2) AS avg_overlap,
	   pg_catalog.round(pg_catalog.avg(ts.confidence) FILTER (WHERE NOT ts.golden)::numeric, 4)
		   AS avg_confidence,
	   (coalesce(pg_catalog.sum(ts.n_judgments), 0) OPERATOR(pg_catalog.+) c.comparisons)
		   OPERATOR(pg_catalog.*) p.price_per_judgment AS spend
FROM @extschema@.projects p
LEFT JOIN @extschema@.task_state ts ON ts.project_id OPERATOR(pg_catalog.=) p.project_id
CROSS JOIN LATERAL (
	SELECT pg_catalog.count(*) AS comparisons
	FROM @extschema@.comparisons cm
	JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) cm.left_task_id
	WHERE t.project_id OPERATOR(pg_catalog.=) p.project_id) c
GROUP BY p.project_id, c.comparisons;
COMMENT ON VIEW @extschema@.project_progress IS
	'per project: tasks open, complete, closed and golden; judgments; average overlap of complete tasks; spend';

CREATE VIEW @extschema@.label_distribution AS
SELECT p.project_id,
	   l.label,
	   pg_catalog.count(ts.task_id) AS tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'complete') AS complete_tasks,
	   pg_catalog.round(pg_catalog.count(ts.task_id)::numeric OPERATOR(pg_catalog./)
		   nullif(pg_catalog.sum(pg_catalog.count(ts.task_id))
							 OVER (PARTITION BY p.project_id), 0), 4) AS share,
	   (SELECT pg_catalog.count(*)
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) j.task_id
		WHERE t.project_id OPERATOR(pg_catalog.=) p.project_id
		  AND j.label OPERATOR(pg_catalog.=) l.label) AS judgments,
	   p.name AS project
FROM @extschema@.projects p
CROSS JOIN LATERAL pg_catalog.unnest(p.labels) WITH ORDINALITY AS l(label, position)
LEFT JOIN @extschema@.task_state ts
  ON ts.project_id OPERATOR(pg_catalog.=) p.project_id
 AND ts.label OPERATOR(pg_catalog.=) l.label
 AND NOT ts.golden
GROUP BY p.project_id, l.label, l.position
ORDER BY p.project_id, l.position;
COMMENT ON VIEW @extschema@.label_distribution IS
	'per project and label: non-golden tasks whose current label it is (and their share), judgments giving it';

CREATE VIEW @extschema@.worker_quality AS
SELECT ws.project_id,
	   ws.worker_id,
	   w.external_id,
	   w.kind,
	   w.model_version,
	   CASE WHEN w.status OPERATOR(pg_catalog.=) 'banned' THEN 'banned' ELSE ws.status END AS status,
	   ws.n_judgments AS judgments,
	   ws.golden_answered,
	   ws.golden_correct,
	   pg_catalog.round((ws.golden_correct::numeric OPERATOR(pg_catalog./)
						 nullif(ws.golden_answered, 0)), 4) AS golden_accuracy,
	   pg_catalog.round(ws.golden_lower::numeric, 4) AS golden_lower,
	   pg_catalog.round(ws.golden_upper::numeric, 4) AS golden_upper,
	   pg_catalog.round(ws.skill::numeric, 4) AS skill,
	   pg_catalog.round(rw.skill::numeric, 4) AS fitted_skill,
	   pg_catalog.round((a.agreeing::numeric OPERATOR(pg_catalog./)
						 nullif(a.judgments, 0)), 4) AS agreement,
	   a.judgments AS agreement_judgments,
	   pg_catalog.round(ws.median_seconds::numeric, 1) AS median_seconds,
	   ws.last_judgment_at,
	   p.name AS project
FROM @extschema@.worker_state ws
JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) ws.worker_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) ws.project_id
LEFT JOIN @extschema@.refresh_workers rw
  ON rw.project_id OPERATOR(pg_catalog.=) ws.project_id
 AND rw.worker_id OPERATOR(pg_catalog.=) ws.worker_id
LEFT JOIN labeling_internal.live_worker_agreement a
  ON a.project_id OPERATOR(pg_catalog.=) ws.project_id
 AND a.worker_id OPERATOR(pg_catalog.=) ws.worker_id;
COMMENT ON VIEW @extschema@.worker_quality IS
	'per project and worker: golden accuracy with its 95% credible bounds, skill, live leave-one-out agreement, time, status';

CREATE VIEW @extschema@.tasks_needing_attention AS
SELECT ts.project_id,
	   ts.task_id,
	   t.external_id,
	   ts.status,
	   ts.n_counted AS judgments,
	   ts.label,
	   pg_catalog.round(ts.confidence::numeric, 4) AS confidence,
	   pg_catalog.round(@extschema@.entropy(ts.posterior)::numeric, 4) AS entropy,
	   CASE WHEN ts.status OPERATOR(pg_catalog.=) 'complete'
			THEN 'max overlap reached below target'
			WHEN ts.n_counted OPERATOR(pg_catalog.>=) p.min_overlap
			THEN 'below target confidence'
			ELSE 'below minimum overlap' END AS reason,
	   pg_catalog.rank() OVER (PARTITION BY ts.project_id
							   ORDER BY ts.confidence, @extschema@.entropy(ts.posterior) DESC,
										ts.task_id) AS attention_rank,
	   p.name AS project
FROM @extschema@.task_state ts
JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) ts.task_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) ts.project_id
WHERE NOT ts.golden
  AND ts.n_counted OPERATOR(pg_catalog.>) 0
  AND ts.status OPERATOR(pg_catalog.<>) 'closed'
  AND ts.confidence OPERATOR(pg_catalog.<) p.target_confidence
ORDER BY ts.project_id, attention_rank;
COMMENT ON VIEW @extschema@.tasks_needing_attention IS
	'judged tasks below the target confidence, least confident (then most disagreement, by entropy) first';

CREATE VIEW @extschema@.throughput_hourly AS
SELECT coalesce(j.project_id, c.project_id) AS project_id,
	   coalesce(j.hour, c.hour) AS hour,
	   coalesce(j.judgments, 0) AS judgments,
	   coalesce(j.workers, 0) AS workers,
	   coalesce(c.completed, 0) AS tasks_completed,
	   coalesce(j.judgments, 0) OPERATOR(pg_catalog.*) p.price_per_judgment AS spend,
	   p.name AS project
FROM (SELECT t.project_id, pg_catalog.date_trunc('hour', jj.created_at) AS hour,
			 pg_catalog.count(*) AS judgments,
			 pg_catalog.count(DISTINCT jj.worker_id) AS workers
	  FROM @extschema@.judgments jj
	  JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) jj.task_id
	  GROUP BY 1, 2) j
FULL JOIN (SELECT ts.project_id, pg_catalog.date_trunc('hour', ts.completed_at) AS hour,
				  pg_catalog.count(*) AS completed
		   FROM @extschema@.task_state ts
		   WHERE ts.completed_at IS NOT NULL
		   GROUP BY 1, 2) c
  ON c.project_id OPERATOR(pg_catalog.=) j.project_id AND c.hour OPERATOR(pg_catalog.=) j.hour
JOIN @extschema@.projects p
  ON p.project_id OPERATOR(pg_catalog.=) coalesce(j.project_id, c.project_id)
ORDER BY 1, 2;
COMMENT ON VIEW @extschema@.throughput_hourly IS
	'per project and hour (session time zone): judgments, distinct workers, tasks completed, spend';

CREATE VIEW @extschema@.task_labels AS
SELECT ts.project_id,
	   ts.task_id,
	   t.external_id,
	   ts.status,
	   ts.n_counted AS judgments,
	   ts.label,
	   ts.confidence,
	   rl.label AS fitted_label,
	   rl.confidence AS fitted_confidence,
	   r.method AS fitted_method,
	   g.label AS golden_label,
	   p.name AS project
FROM @extschema@.task_state ts
JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) ts.task_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) ts.project_id
LEFT JOIN @extschema@.refresh_labels rl ON rl.task_id OPERATOR(pg_catalog.=) ts.task_id
LEFT JOIN @extschema@.refresh_runs r ON r.run_id OPERATOR(pg_catalog.=) rl.run_id
LEFT JOIN @extschema@.golden_labels g ON g.task_id OPERATOR(pg_catalog.=) ts.task_id;
COMMENT ON VIEW @extschema@.task_labels IS
	'per task: the live label and confidence, the label of the latest refresh() fit, the golden label';
