-- ---------------------------------------------------------------------------
-- Access control: three group roles, row-level security, and deliberate
-- privileges on every object of the schema.  Runs last, so that it sees
-- every object the files before it created.
--
--   labeling_admin    runs the operation: reads and writes every table (the
--                     triggers run as the writer, so the state tables too),
--                     calls every function, acts for any worker in
--                     next_tasks() and submit().
--   labeling_analyst  reads every table and view; writes nothing, calls no
--                     function that writes or reads tables.
--   labeling_worker   calls next_tasks() and submit() for its own worker,
--                     reads my_assignments and, under row-level security,
--                     its own rows of workers and assignments (never the task
--                     of an assignment); nothing else: no judgments of others,
--                     no golden labels, no posteriors.
--
-- Roles belong to the cluster, not to the database: they are created NOLOGIN
-- when missing (so a second database, or CREATE EXTENSION after DROP
-- EXTENSION, reuses them) and DROP EXTENSION leaves them.  A worker's login
-- role is a member of labeling_worker and is named in workers.login_role.
-- PUBLIC gets nothing: no USAGE on the schema, and EXECUTE only on the
-- functions that read no table (IMMUTABLE: label_dist functions, the
-- aggregates' support functions, ...).
-- ---------------------------------------------------------------------------

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'labeling_admin') THEN
		CREATE ROLE labeling_admin NOLOGIN;
		COMMENT ON ROLE labeling_admin IS
			'labeling extension: runs the labeling operation (every table, every function, any worker)';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'labeling_analyst') THEN
		CREATE ROLE labeling_analyst NOLOGIN;
		COMMENT ON ROLE labeling_analyst IS
			'labeling extension: reads every table and view, writes nothing';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'labeling_worker') THEN
		CREATE ROLE labeling_worker NOLOGIN;
		COMMENT ON ROLE labeling_worker IS
			'labeling extension: next_tasks() and submit() for its own worker, and my_assignments';
	END IF;
END
$$;

GRANT USAGE ON SCHEMA @extschema@ TO labeling_admin, labeling_analyst, labeling_worker;
-- the triggers an admin's writes fire, and the analyses over the schema,
-- call the helpers of labeling_internal by name
GRANT USAGE ON SCHEMA labeling_internal TO labeling_admin, labeling_analyst;

-- The default privileges of every table, view and function of the
-- extension's schemas, applied at the end of the install script and again at
-- the end of every upgrade script, so that the objects an upgrade adds get
-- the same privileges as in a fresh install:
--   tables: admin reads and writes, analyst reads;
--   views: admin and analyst read (my_assignments is the workers' view);
--   functions that read or write tables (every non-IMMUTABLE one): for
--     labeling_admin only, who fires the triggers that call them.
-- The grants below it (workers' dispatch functions, analysts' read-only
-- analyses) are stated one by one.
CREATE FUNCTION labeling_internal.roles_grant_defaults()
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT format('%I.%I', n.nspname, c.relname) AS rel, c.relname, c.relkind
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN ('@extschema@', 'labeling_internal') AND c.relkind = ANY (ARRAY['r', 'v']::"char"[])
		ORDER BY c.relname
	LOOP
		IF r.relkind = 'r' THEN
			EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO labeling_admin', r.rel);
			EXECUTE format('GRANT SELECT ON TABLE %s TO labeling_analyst', r.rel);
		ELSIF r.relname <> 'my_assignments' THEN
			EXECUTE format('GRANT SELECT ON TABLE %s TO labeling_admin, labeling_analyst', r.rel);
		END IF;
	END LOOP;
	FOR r IN
		SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS fn
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname IN ('@extschema@', 'labeling_internal') AND p.prokind = 'f' AND p.provolatile <> 'i'
		ORDER BY 1
	LOOP
		EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', r.fn);
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO labeling_admin', r.fn);
	END LOOP;
END
$$;
COMMENT ON FUNCTION labeling_internal.roles_grant_defaults() IS
	'internal: the default privileges of the extension''s tables, views and functions (run by the install and upgrade scripts)';
SELECT labeling_internal.roles_grant_defaults();
GRANT SELECT ON @extschema@.my_assignments TO labeling_worker;

-- The workers get the two dispatch functions.
GRANT EXECUTE ON FUNCTION @extschema@.next_tasks(bigint, bigint, integer) TO labeling_worker;
GRANT EXECUTE ON FUNCTION @extschema@.submit(bigint, text, interval, double precision) TO labeling_worker;
-- analysts also run the read-only analyses over the schema's tables (they
-- are SECURITY INVOKER: they read only what the analyst may read)
GRANT EXECUTE ON FUNCTION @extschema@.latest_judgments(bigint) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.pairwise_kappa(integer, bigint) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.worker_agreement(bigint) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.fit_truth_model(text, bigint, boolean, @extschema@.truth_options) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.infer_labels(text, bigint, boolean, @extschema@.truth_options) TO labeling_analyst;

-- Row-level security on the two tables a worker reads: admins see and
-- change every row, analysts see every row, a worker sees its own rows
-- (and only the columns granted below: an assignment's task stays hidden).
-- Roles outside these three see no row even with a table privilege.
ALTER TABLE @extschema@.workers ENABLE ROW LEVEL SECURITY;
CREATE POLICY workers_admin ON @extschema@.workers
	FOR ALL TO labeling_admin USING (true) WITH CHECK (true);
CREATE POLICY workers_analyst ON @extschema@.workers
	FOR SELECT TO labeling_analyst USING (true);
CREATE POLICY workers_self ON @extschema@.workers
	FOR SELECT TO labeling_worker
	USING (login_role OPERATOR(pg_catalog.=) CURRENT_USER);
GRANT SELECT (worker_id, external_id, kind, model_version, status, login_role)
	ON @extschema@.workers TO labeling_worker;

ALTER TABLE @extschema@.assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY assignments_admin ON @extschema@.assignments
	FOR ALL TO labeling_admin USING (true) WITH CHECK (true);
CREATE POLICY assignments_analyst ON @extschema@.assignments
	FOR SELECT TO labeling_analyst USING (true);
CREATE POLICY assignments_own ON @extschema@.assignments
	FOR SELECT TO labeling_worker
	USING (worker_id OPERATOR(pg_catalog.=) (
		SELECT w.worker_id FROM @extschema@.workers w
		WHERE w.login_role OPERATOR(pg_catalog.=) CURRENT_USER));
GRANT SELECT (assignment_id, worker_id, issued_at, expires_at, state, closed_at,
			  guidelines_version, price)
	ON @extschema@.assignments TO labeling_worker;

COMMENT ON POLICY workers_admin ON @extschema@.workers IS 'admins see and change every worker';
COMMENT ON POLICY workers_analyst ON @extschema@.workers IS 'analysts see every worker';
COMMENT ON POLICY workers_self ON @extschema@.workers IS
	'a worker sees its own row: the one whose login_role is the querying role';
COMMENT ON POLICY assignments_admin ON @extschema@.assignments IS 'admins see and change every assignment';
COMMENT ON POLICY assignments_analyst ON @extschema@.assignments IS 'analysts see every assignment';
COMMENT ON POLICY assignments_own ON @extschema@.assignments IS
	'a worker sees its own assignments (without their task: task_id is not granted)';
