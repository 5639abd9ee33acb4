-- test/bench/bench.sql - helpers of the benchmark harness (test/bench/bench.sh), created in the
-- schema bench of the throwaway benchmark database.  Not part of the extension.

CREATE SCHEMA bench;

-- The plan of a query as a short chain of node names, top first, following the first child:
-- 'HashAgg < SeqScan', 'FinalizeAgg < Gather(2) < PartialAgg < ParallelSeqScan'.
CREATE FUNCTION bench.plan_shape(query text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	plan json;
	node json;
	name text;
	shape text := '';
BEGIN
	EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || query INTO plan;
	node := plan -> 0 -> 'Plan';
	LOOP
		name := replace(node ->> 'Node Type', ' ', '');
		IF name = 'Aggregate' THEN
			name := CASE node ->> 'Strategy' WHEN 'Hashed' THEN 'HashAgg' WHEN 'Sorted' THEN 'GroupAgg'
											 WHEN 'Mixed' THEN 'MixedAgg' ELSE 'Agg' END;
			IF node ->> 'Partial Mode' <> 'Simple' THEN
				name := (node ->> 'Partial Mode') || name;
			END IF;
		ELSIF name IN ('Gather', 'GatherMerge') THEN
			name := name || '(' || (node ->> 'Workers Planned') || ')';
		ELSIF (node ->> 'Parallel Aware')::boolean THEN
			name := 'Parallel' || name;
		END IF;
		shape := shape || CASE WHEN shape = '' THEN '' ELSE ' < ' END || name;
		EXIT WHEN node -> 'Plans' IS NULL;
		node := node -> 'Plans' -> 0;
	END LOOP;
	RETURN shape;
END
$$;

-- Resources of this backend from /proc/self: resident memory now, peak resident memory (since
-- the last reset through bench.reset_peak()) and the part of the resident set that is shared
-- memory, in kB (status); CPU time used so far, user plus system, in clock ticks (stat, fields
-- 14 and 15, counted after the ")" that ends the command name).
CREATE FUNCTION bench.usage(OUT rss_kb bigint, OUT hwm_kb bigint, OUT shmem_kb bigint,
							OUT cpu_ticks bigint)
LANGUAGE sql VOLATILE AS $$
	SELECT (regexp_match(s, 'VmRSS:\s+(\d+) kB'))[1]::bigint,
		   (regexp_match(s, 'VmHWM:\s+(\d+) kB'))[1]::bigint,
		   (regexp_match(s, 'RssShmem:\s+(\d+) kB'))[1]::bigint,
		   split_part(f, ' ', 12)::bigint + split_part(f, ' ', 13)::bigint
	FROM pg_read_file('/proc/self/status') s,
		 substring(pg_read_file('/proc/self/stat') FROM '\) (.*)$') f
$$;

-- Reset the kernel's peak-resident counter (VmHWM) of this backend to its current resident size
-- (Linux: "5" written to /proc/<pid>/clear_refs).  Where /proc does not allow it, the peak stays
-- the one since the backend started, which after a fresh connection and the warm-up is close.
CREATE FUNCTION bench.reset_peak() RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	COPY (SELECT 5) TO '/proc/self/clear_refs';
	RETURN true;
EXCEPTION WHEN OTHERS THEN
	RETURN false;
END
$$;
