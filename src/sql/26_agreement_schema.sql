-- ---------------------------------------------------------------------------
-- Agreement over the schema's judgments: pairwise Cohen's kappa between
-- workers, and each worker's leave-one-out agreement with the majority.
--
-- Both read one answer per (task, worker): the latest judgment (largest
-- created_at, then judgment_id), so a worker who changed their mind is not
-- counted twice.
-- ---------------------------------------------------------------------------

-- A SQL-standard body (names and operators bound when it is created, so the
-- caller's search_path cannot reach it) without SET, so that it can be inlined.
CREATE FUNCTION @extschema@.latest_judgments(project_id bigint DEFAULT NULL,
		OUT task_id bigint, OUT worker_id bigint, OUT label text)
	RETURNS SETOF record
	LANGUAGE sql STABLE PARALLEL SAFE
	BEGIN ATOMIC
		SELECT DISTINCT ON (j.task_id, j.worker_id) j.task_id, j.worker_id, j.label
		FROM @extschema@.judgments j
		WHERE latest_judgments.project_id IS NULL
		   OR EXISTS (SELECT 1 FROM @extschema@.tasks t
					  WHERE t.task_id OPERATOR(pg_catalog.=) j.task_id
						AND t.project_id OPERATOR(pg_catalog.=) latest_judgments.project_id)
		ORDER BY j.task_id, j.worker_id, j.created_at DESC, j.judgment_id DESC;
	END;
COMMENT ON FUNCTION @extschema@.latest_judgments(bigint) IS
	'one answer per (task, worker): the latest judgment (largest created_at, then judgment_id); optionally of one project';

CREATE FUNCTION @extschema@.pairwise_kappa(min_overlap integer, project_id bigint DEFAULT NULL,
		OUT worker_a bigint, OUT worker_b bigint, OUT n_common bigint,
		OUT observed_agreement double precision, OUT kappa double precision,
		OUT worker_a_external_id text, OUT worker_b_external_id text)
	RETURNS SETOF record
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF min_overlap IS NULL OR min_overlap < 1 THEN
		RAISE EXCEPTION 'min_overlap must be a positive integer'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Got %s.', coalesce(min_overlap::text, 'NULL')),
				  HINT = 'It is the least number of tasks two workers must share to be compared.';
	END IF;
	RETURN QUERY
	WITH latest AS (
		SELECT * FROM @extschema@.latest_judgments(pairwise_kappa.project_id)
	)
	SELECT k.worker_a, k.worker_b, k.n_common, k.observed_agreement, k.kappa,
		   wa.external_id, wb.external_id
	FROM (SELECT a.worker_id AS worker_a, b.worker_id AS worker_b, count(*) AS n_common,
				 avg(CASE WHEN a.label = b.label THEN 1.0 ELSE 0.0 END)::double precision
					 AS observed_agreement,
				 @extschema@.cohen_kappa(a.label, b.label) AS kappa
		  FROM latest a
		  JOIN latest b ON b.task_id = a.task_id AND b.worker_id > a.worker_id
		  GROUP BY a.worker_id, b.worker_id
		  HAVING count(*) >= pairwise_kappa.min_overlap) k
	LEFT JOIN @extschema@.workers wa ON wa.worker_id = k.worker_a
	LEFT JOIN @extschema@.workers wb ON wb.worker_id = k.worker_b
	ORDER BY k.worker_a, k.worker_b;
END
$$;
COMMENT ON FUNCTION @extschema@.pairwise_kappa(integer, bigint) IS
	'Cohen''s kappa between every two workers who share at least min_overlap tasks (latest judgment per task and worker; optionally one project)';

CREATE FUNCTION @extschema@.worker_agreement(project_id bigint DEFAULT NULL,
		OUT worker_id bigint, OUT n_tasks bigint, OUT n_compared bigint,
		OUT agreed double precision, OUT agreement double precision, OUT external_id text)
	RETURNS SETOF record
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- For each answer: the labels the *other* workers gave on the task, and
	-- the most frequent of them.  The answer agrees when it is that label; a
	-- tie among k top labels counts 1/k when the answer is one of them.
	RETURN QUERY
	WITH latest AS (
		SELECT * FROM @extschema@.latest_judgments(worker_agreement.project_id)
	),
	counts AS (
		SELECT l.task_id, l.label, count(*) AS n
		FROM latest l
		GROUP BY l.task_id, l.label
	),
	others AS (
		SELECT l.worker_id, l.task_id, (c.label = l.label) AS own,
			   c.n - (CASE WHEN c.label = l.label THEN 1 ELSE 0 END) AS votes
		FROM latest l
		JOIN counts c ON c.task_id = l.task_id
	),
	ranked AS (
		SELECT o.worker_id, o.task_id, o.own, o.votes,
			   max(o.votes) OVER (PARTITION BY o.worker_id, o.task_id) AS top
		FROM others o
	),
	per_answer AS (
		SELECT r.worker_id, r.task_id, max(r.top) AS top,
			   count(*) FILTER (WHERE r.votes = r.top) AS n_top,
			   bool_or(r.own AND r.votes = r.top) AS own_top
		FROM ranked r
		GROUP BY r.worker_id, r.task_id
	)
	SELECT p.worker_id,
		   count(*),
		   count(*) FILTER (WHERE p.top > 0),
		   coalesce(sum(1.0 / p.n_top) FILTER (WHERE p.top > 0 AND p.own_top), 0)::double precision,
		   (coalesce(sum(1.0 / p.n_top) FILTER (WHERE p.top > 0 AND p.own_top), 0)
			/ nullif(count(*) FILTER (WHERE p.top > 0), 0))::double precision,
		   (SELECT w.external_id FROM @extschema@.workers w WHERE w.worker_id = p.worker_id)
	FROM per_answer p
	GROUP BY p.worker_id
	ORDER BY p.worker_id;
END
$$;
COMMENT ON FUNCTION @extschema@.worker_agreement(bigint) IS
	'per worker: the share of their answers equal to the majority label of the OTHER workers on the task (leave-one-out; a tie of k labels counts 1/k)';
