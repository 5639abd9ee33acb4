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
-- Triggers and privileges: the restore guard on every table kept by pg_dump,
-- the default privileges of every object, then the grants stated one by one
-- ===========================================================================

SELECT @extschema@.live_restore_guards();
SELECT @extschema@.roles_grant_defaults();
