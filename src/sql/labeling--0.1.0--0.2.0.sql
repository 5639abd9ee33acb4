-- labeling 0.1.0 -> 0.2.0
--
-- Every change to the extension's SQL objects since 0.1.0, in the order the
-- changes were made.  The upgrade test (test/t/004_upgrade.pl) checks that a
-- 0.1.0 database updated with this script has the catalog of a fresh 0.2.0
-- install and keeps every row.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION labeling UPDATE TO '0.2.0'" to load this file. \quit

-- ===========================================================================
-- New functions
-- ===========================================================================

-- not STRICT: a trigger function
CREATE FUNCTION @extschema@.live_restore_guard() RETURNS trigger
	AS 'MODULE_PATHNAME', 'live_restore_guard'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.live_restore_guard() IS
	'trigger: in a session restoring a dump, load the rows as dumped (session_replication_role = replica for the transaction; superuser only)';

-- Give every table whose rows pg_dump keeps (extconfig) its guard, once.
-- Run by the install script and again by every upgrade script, so that the
-- tables an upgrade adds are guarded as in a fresh install.
CREATE FUNCTION @extschema@.live_restore_guards()
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT c.oid::regclass AS tbl, c.relname
		FROM pg_extension e
		CROSS JOIN LATERAL unnest(e.extconfig) AS x(oid)
		JOIN pg_class c ON c.oid = x.oid
		WHERE e.extname = 'labeling' AND c.relkind = 'r'
		  AND NOT EXISTS (SELECT 1 FROM pg_trigger t
						  WHERE t.tgrelid = c.oid AND t.tgname = c.relname || '_restore_guard')
		ORDER BY c.relname
	LOOP
		EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()',
					   r.relname || '_restore_guard', r.tbl, '@extschema@.live_restore_guard');
		EXECUTE format('COMMENT ON TRIGGER %I ON %s IS %L', r.relname || '_restore_guard', r.tbl,
					   'a session restoring a dump loads the rows as dumped (see live_restore_guard)');
	END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.live_restore_guards() IS
	'internal: give every table of the extension kept by pg_dump its restore guard trigger (run by the install and upgrade scripts)';

-- The default privileges of every table, view and function of the
-- extension's schema, applied at the end of the install script and again at
-- the end of every upgrade script, so that the objects an upgrade adds get
-- the same privileges as in a fresh install:
--   tables: admin reads and writes, analyst reads;
--   views: admin and analyst read (my_assignments is the workers' view);
--   functions that read or write tables (every non-IMMUTABLE one): for
--     labeling_admin only, who fires the triggers that call them.
-- The grants below it (workers' dispatch functions, analysts' read-only
-- analyses) are stated one by one.
CREATE FUNCTION @extschema@.roles_grant_defaults()
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
		WHERE n.nspname = '@extschema@' AND c.relkind = ANY (ARRAY['r', 'v']::"char"[])
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
		WHERE n.nspname = '@extschema@' AND p.prokind = 'f' AND p.provolatile <> 'i'
		ORDER BY 1
	LOOP
		EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', r.fn);
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO labeling_admin', r.fn);
	END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.roles_grant_defaults() IS
	'internal: the default privileges of the extension''s tables, views and functions (run by the install and upgrade scripts)';

-- ===========================================================================
-- Changed functions, each in its current definition
-- ===========================================================================

-- SQL functions get SQL-standard bodies: their names and operators are bound
-- when they are created, so no caller's search_path reaches them (0.1.0's
-- latest_judgments resolved its = through the caller's search_path).
CREATE OR REPLACE FUNCTION @extschema@.label_probabilities(dist @extschema@.label_dist,
		OUT label text, OUT probability double precision)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	BEGIN ATOMIC
		SELECT u.label, u.probability
		FROM ROWS FROM (pg_catalog.unnest(@extschema@.labels(dist)),
						pg_catalog.unnest(@extschema@.probabilities(dist)))
			AS u(label, probability);
	END;
COMMENT ON FUNCTION @extschema@.label_probabilities(@extschema@.label_dist) IS
	'one row per label: (label, probability), labels in byte order';

-- A SQL-standard body (names and operators bound when it is created, so the
-- caller's search_path cannot reach it) without SET, so that it can be inlined.
CREATE OR REPLACE FUNCTION @extschema@.latest_judgments(project_id bigint DEFAULT NULL,
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

-- The one place the credible bounds of golden accuracy come from: the
-- q-quantile of the Beta posterior Beta(prior_correct + correct,
-- prior_wrong + answered - correct).
CREATE OR REPLACE FUNCTION @extschema@.accuracy_bound(q double precision, correct bigint, answered bigint,
		prior_correct double precision, prior_wrong double precision)
	RETURNS double precision
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN @extschema@.beta_quantile(q,
		prior_correct OPERATOR(pg_catalog.+) correct::double precision,
		prior_wrong OPERATOR(pg_catalog.+) (answered OPERATOR(pg_catalog.-) correct)::double precision);
COMMENT ON FUNCTION @extschema@.accuracy_bound(double precision, bigint, bigint, double precision, double precision) IS
	'q-quantile of the Beta posterior of an accuracy after correct of answered, from a Beta(prior_correct, prior_wrong) prior';

-- True when a worker's judgments do not count in a project.
-- not STRICT: a NULL status is not banned
CREATE OR REPLACE FUNCTION @extschema@.live_worker_banned(ws_status text, w_status text) RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ws_status OPERATOR(pg_catalog.=) 'banned' OR w_status OPERATOR(pg_catalog.=) 'banned';
COMMENT ON FUNCTION @extschema@.live_worker_banned(text, text) IS
	'internal: is a worker banned in a project (worker_state.status) or everywhere (workers.status)';

-- Judgments an open regular task of a classification project may still
-- need before it can complete (the dispatch capacity of next_tasks): all of
-- those up to min_overlap, at least one while it is open, never past
-- max_overlap; 0 for golden, complete and closed tasks.
-- not STRICT: NULL counts are treated as no judgments
CREATE OR REPLACE FUNCTION @extschema@.live_needed(status text, golden boolean, kind text, n_counted integer,
		min_overlap integer, max_overlap integer)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN status OPERATOR(pg_catalog.=) 'open' AND NOT golden
					 AND kind OPERATOR(pg_catalog.=) 'classification'
				THEN GREATEST(LEAST(max_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0),
									GREATEST(min_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0), 1)),
							  0)
				ELSE 0 END;
COMMENT ON FUNCTION @extschema@.live_needed(text, boolean, text, integer, integer, integer) IS
	'internal: judgments an open regular task may still need (task_state.needed)';

-- Does one judgment agree with its task's posterior, leaving itself out?
-- The judgments of a banned worker are not in the posterior: compared as is.
CREATE OR REPLACE FUNCTION @extschema@.live_agrees(ws_status text, w_status text, label text, task_label text,
		posterior @extschema@.label_dist, skill double precision)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN @extschema@.live_worker_banned(ws_status, w_status)
				THEN label OPERATOR(pg_catalog.=) task_label
				ELSE @extschema@.one_coin_loo_agrees(posterior, label, skill) END;
COMMENT ON FUNCTION @extschema@.live_agrees(text, text, text, text, @extschema@.label_dist, double precision) IS
	'internal: does a judgment agree with its task''s posterior without it';

-- Counted judgments a task needs for a worker's judgment on it to be
-- compared: another one, or the task's own for a banned worker.
CREATE OR REPLACE FUNCTION @extschema@.live_agreement_min_counted(ws_status text, w_status text)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN @extschema@.live_worker_banned(ws_status, w_status) THEN 1 ELSE 2 END;
COMMENT ON FUNCTION @extschema@.live_agreement_min_counted(text, text) IS
	'internal: counted judgments a task needs before a worker''s judgment on it is compared';

CREATE OR REPLACE FUNCTION @extschema@.refresh_methods()
	RETURNS SETOF text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	BEGIN ATOMIC
		SELECT u.m FROM pg_catalog.unnest(ARRAY['dawid_skene', 'one_coin', 'glad', 'wawa',
												'majority_vote', 'weighted_vote']) AS u(m);
	END;
COMMENT ON FUNCTION @extschema@.refresh_methods() IS
	'the batch models refresh(project, method) can fit';

-- The role a dispatch call acts as.  Inside a SECURITY DEFINER function
-- current_user is the owner, but the role GUC still holds what SET ROLE set
-- (and SET ROLE cannot run inside a SECURITY DEFINER function).
CREATE OR REPLACE FUNCTION @extschema@.dispatch_caller() RETURNS name
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN CASE WHEN pg_catalog.current_setting('role') OPERATOR(pg_catalog.=) 'none'
				THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END;
COMMENT ON FUNCTION @extschema@.dispatch_caller() IS
	'internal: the calling role of next_tasks() and submit(): the role set by SET ROLE, else the session user';

-- A uniform double in [0, 1) from the first 48 bits of gen_random_uuid()
-- (random in a version 4 UUID): the server's strong random source, which
-- the session's setseed() does not touch.  One expression: inlined.
CREATE OR REPLACE FUNCTION @extschema@.dispatch_random() RETURNS double precision
	LANGUAGE sql VOLATILE PARALLEL SAFE
	RETURN (('x' OPERATOR(pg_catalog.||)
			 pg_catalog.substr(pg_catalog.replace(pg_catalog.gen_random_uuid()::pg_catalog.text, '-', ''),
							   1, 12))::pg_catalog.bit(48)::pg_catalog.int8)::pg_catalog.float8
		   OPERATOR(pg_catalog./) 281474976710656.0::pg_catalog.float8;
COMMENT ON FUNCTION @extschema@.dispatch_random() IS
	'internal: uniform random double in [0, 1) from the strong random source (not steered by setseed)';

-- ===========================================================================
-- Triggers and privileges: the restore guard on every table kept by pg_dump,
-- the default privileges of every object, then the grants stated one by one
-- ===========================================================================

SELECT @extschema@.live_restore_guards();
SELECT @extschema@.roles_grant_defaults();
