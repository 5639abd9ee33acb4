#!/usr/bin/env bash
# test/bench/bt_bench.sh - bt_rank benchmark.
#
# Builds, installs and starts a throwaway cluster (test/lib.sh), generates
# deterministic comparisons in SQL (test/bench/bt_gen.sql) for 10k, 100k and
# 1M comparisons over 1k, 10k and 100k items, and times, with the default
# planner settings, count(*) and bt_rank(l, r, w) (fit to convergence) over
# the same table: median of BT_BENCH_RUNS runs (default 3), each in the same
# session.  Then the noisy model (a worker column) at 10k and 100k
# comparisons.  Prints a markdown table.
#
# Usage: test/bench/bt_bench.sh            (as root, like test/run_all.sh)
#        BT_BENCH_SIZES="10000:1000 1000000:100000" test/bench/bt_bench.sh
source "$(dirname "$0")/../lib.sh"

runs=${BT_BENCH_RUNS:-3}
sizes=${BT_BENCH_SIZES:-"10000:1000 10000:10000 10000:100000 100000:1000 100000:10000 100000:100000 1000000:1000 1000000:10000 1000000:100000"}
noisy_sizes=${BT_BENCH_NOISY_SIZES:-"10000:1000 100000:1000"}

labeling_install_deps
labeling_build
labeling_cluster_start
cd "$LABELING_ROOT"
labeling_psql -d postgres -c 'CREATE DATABASE bt_bench'
labeling_psql -d bt_bench -c 'CREATE EXTENSION labeling'

# median wall seconds of a statement, and the last run's bt_summary when the
# statement yields a bt_model (in the caller's session)
cat >"$LABELING_WORK/timing.sql" <<'EOF'
CREATE FUNCTION pg_temp.timeit(q text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	ts float8[] := '{}';
BEGIN
	FOR i IN 1 .. n LOOP
		t0 := clock_timestamp();
		EXECUTE q;
		ts := ts || extract(epoch FROM clock_timestamp() - t0)::float8;
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ts) x);
END $$;
EOF

printf '| comparisons | items | distinct pairs | components | count(*) s | bt_rank s | ratio | Newton iterations | converged | max gradient |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n'
for size in $sizes; do
	n=${size%%:*}
	items=${size##*:}
	labeling_psql -d bt_bench -At -F '|' \
		-f test/bench/bt_gen.sql -f "$LABELING_WORK/timing.sql" -f - <<EOF
SELECT pg_temp.bt_generate('c', 1, $items, $n);
SELECT pg_temp.timeit('SELECT count(*) FROM c', 1);	-- warm the cache
WITH t AS (SELECT pg_temp.timeit('SELECT count(*) FROM c', $runs) AS cnt,
				  pg_temp.timeit('SELECT labeling.bt_rank(l, r, w) FROM c', $runs) AS bt),
s AS (SELECT labeling.bt_summary(labeling.bt_rank(l, r, w)) AS s FROM c)
SELECT '| ' || $n || ' | ' || $items || ' | ' || (s->>'pairs') || ' | ' || (s->>'components') || ' | '
	   || round(cnt::numeric, 3) || ' | ' || round(bt::numeric, 3) || ' | ' || round((bt / cnt)::numeric, 1)
	   || ' | ' || (s->>'iterations') || ' | ' || (s->>'converged') || ' | '
	   || to_char((s->>'gradient_max')::float8, '9.9EEEE') || ' |'
FROM t, s;
DROP TABLE c;
EOF
done | grep '^|'

printf '\nnoisy model (worker column, 50 workers of whom 10 answer at random, ties nu = 0.3):\n\n'
printf '| comparisons | items | workers | bt_rank s (noisy) | bt_rank s (plain) | EM iterations | converged |\n'
printf '|---:|---:|---:|---:|---:|---:|---|\n'
for size in $noisy_sizes; do
	n=${size%%:*}
	items=${size##*:}
	labeling_psql -d bt_bench -At -F '|' \
		-f test/bench/bt_gen.sql -f "$LABELING_WORK/timing.sql" -f - <<EOF
SELECT pg_temp.bt_generate('c', 2, $items, $n, 0.3, 50, 10);
WITH t AS (SELECT pg_temp.timeit('SELECT labeling.bt_rank(l, r, w, worker) FROM c', $runs) AS noisy,
				  pg_temp.timeit('SELECT labeling.bt_rank(l, r, w) FROM c', $runs) AS plain),
s AS (SELECT labeling.bt_summary(labeling.bt_rank(l, r, w, worker)) AS s FROM c)
SELECT '| ' || $n || ' | ' || $items || ' | ' || (s->>'workers') || ' | ' || round(noisy::numeric, 3)
	   || ' | ' || round(plain::numeric, 3) || ' | ' || (s->>'iterations') || ' | ' || (s->>'converged') || ' |'
FROM t, s;
DROP TABLE c;
EOF
done | grep '^|'
