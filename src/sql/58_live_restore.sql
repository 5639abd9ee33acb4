-- ---------------------------------------------------------------------------
-- Dump and restore: the restore guard (src/live_restore.c) on every table of
-- the extension.  A session restoring a dump (check_function_bodies and
-- row_security off, as every pg_restore session and pg_dump script sets
-- them) that writes into one of these tables runs the rest of that
-- transaction with session_replication_role = replica, so the rows load as
-- they were dumped (live state and events included) in whatever order or
-- parallelism the restore uses; only a superuser may restore that way.
-- ---------------------------------------------------------------------------

-- not STRICT: a trigger function
CREATE FUNCTION labeling_internal.live_restore_guard() RETURNS trigger
	AS 'MODULE_PATHNAME', 'live_restore_guard'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION labeling_internal.live_restore_guard() IS
	'trigger: in a session restoring a dump, load the rows as dumped (session_replication_role = replica for the transaction; superuser only)';

-- Give every table whose rows pg_dump keeps (extconfig) its guard, once.
-- Run by the install script and again by every upgrade script, so that the
-- tables an upgrade adds are guarded as in a fresh install.
CREATE FUNCTION labeling_internal.live_restore_guards()
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
					   r.relname || '_restore_guard', r.tbl, 'labeling_internal.live_restore_guard');
		EXECUTE format('COMMENT ON TRIGGER %I ON %s IS %L', r.relname || '_restore_guard', r.tbl,
					   'a session restoring a dump loads the rows as dumped (see live_restore_guard)');
	END LOOP;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_restore_guards() IS
	'internal: give every table of the extension kept by pg_dump its restore guard trigger (run by the install and upgrade scripts)';
SELECT labeling_internal.live_restore_guards();
