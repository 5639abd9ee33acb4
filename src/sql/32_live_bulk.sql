-- ---------------------------------------------------------------------------
-- Bulk mode of the live functions: fresh statistics, custom plans and memory
-- for a statement that writes many rows (see 31_live_update.sql).
-- ---------------------------------------------------------------------------

-- Statistics for the planner after a bulk write.  The live functions plan
-- their queries for the sizes of the arrays they get (custom plans), but a
-- table just filled by the same transaction (or never analyzed since the
-- extension was created) has statistics that make a nested loop look
-- cheap where a hash join is right.  ANALYZE needs the table owner, so this
-- function runs as the extension owner; it takes no input and analyzes only
-- the extension's own tables, those that grew well past their statistics.
CREATE FUNCTION labeling_internal.live_analyze()
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_table regclass;
BEGIN
	-- a table whose file grew past twice what its statistics describe
	FOR v_table IN
		SELECT c.oid FROM pg_class c
		WHERE c.oid = ANY (ARRAY['@extschema@.judgments', '@extschema@.tasks',
								 '@extschema@.golden_labels', '@extschema@.task_state',
								 '@extschema@.worker_state']::regclass[])
		  AND pg_relation_size(c.oid) / current_setting('block_size')::bigint > 2 * c.relpages + 8
		ORDER BY c.oid
	LOOP
		EXECUTE format('ANALYZE %s', v_table);
	END LOOP;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_analyze() IS
	'internal: ANALYZE the tables the live functions read whose statistics are stale (runs as the extension owner)';

-- Bulk mode for a statement of p_rows rows written into p_table.  From 1000
-- rows on, every query of the statement is planned for the real sizes of
-- its arrays (custom plans) and gets at least 64MB of work_mem, so that its
-- hash tables and sorts stay in memory.  When the statement is also large
-- next to what the planner believes the table holds, the statistics are
-- refreshed, and nested loops and sorts are disabled: the planner cannot
-- estimate joins against the arrays' contents (it underestimates them by
-- orders of magnitude), and whole-table hash joins and hash aggregation are
-- right at that size.  The caller must SET plan_cache_mode, enable_nestloop
-- and enable_sort in its own SET clause, so that these end with it, and give
-- work_mem back with live_bulk_mode_end(the value returned here).
-- not STRICT: called only with a row count and a table
CREATE FUNCTION labeling_internal.live_bulk_mode(p_rows bigint, p_table regclass)
	RETURNS text
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_work_mem text := current_setting('work_mem');
BEGIN
	IF p_rows < 1000 THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
	IF (SELECT s.setting::bigint < 65536 FROM pg_settings s WHERE s.name = 'work_mem') THEN
		PERFORM set_config('work_mem', '64MB', true);
	END IF;
	IF p_rows >= 0.2 * (SELECT greatest(c.reltuples, 0) FROM pg_class c WHERE c.oid = p_table) THEN
		PERFORM labeling_internal.live_analyze();
		PERFORM set_config('enable_nestloop', 'off', true);
		PERFORM set_config('enable_sort', 'off', true);
	END IF;
	RETURN v_work_mem;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_bulk_mode(bigint, regclass) IS
	'internal: custom plans, memory and fresh statistics for a statement that writes many rows';

-- not STRICT: NULL means work_mem was not changed
CREATE FUNCTION labeling_internal.live_bulk_mode_end(p_work_mem text)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF p_work_mem IS NOT NULL THEN
		PERFORM set_config('work_mem', p_work_mem, true);
	END IF;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_bulk_mode_end(text) IS
	'internal: give back the work_mem changed by live_bulk_mode';

