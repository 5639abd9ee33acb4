#!/usr/bin/env bash
# test/bench/dispatch_bench.sh - dispatch throughput and submit latency with
# 16 clients, and the cost of next_tasks() next to outstanding assignments.
#
# Builds and installs the extension, starts a throwaway cluster (test/lib.sh,
# fsync off, track_functions = pl), loads one project of TASKS regular tasks
# and TASKS/20 golden tasks (test/bench/dispatch_setup.sql: 4 labels,
# min_overlap 2, max_overlap 4, target 0.9, golden_rate 0.1), then:
#   1. cycle: 16 pgbench clients, one worker each, logged in as the
#      application role and acting through SET ROLE, alternate
#      next_tasks(worker, project, 1) and submit() for SECONDS seconds
#      (test/bench/dispatch_cycle.pgbench, no think time, nothing
#      abandoned).  Reports assignments and judgments per second, the
#      latency percentiles of fetch and submit transactions as the clients
#      saw them (pgbench per-transaction log, numbered from 1: odd
#      transactions of a client fetch, even ones submit), the mean server
#      time of each function
#      (pg_stat_user_functions), and checks the invariants of
#      test/bench/dispatch_check.sql (no duplicate, no over-assignment,
#      state equal to rebuild()); then the median of the same two calls
#      from one session (100 cycles, no other client) for worker 1, who has
#      hundreds of judgments by then, and for a worker without any.
#   2. outstanding: the latency of single next_tasks() calls (median of 200,
#      one session) when K tasks at the head of the dispatch order are fully
#      assigned to other workers and not yet judged, for K = 0, 1000, 10000:
#      a call walks past them.  (Each call's assignment is cancelled before
#      the next, so that every call starts from the same queue.)
#
# Usage: ./test/bench/dispatch_bench.sh [seconds=60] [tasks=100000]
source "$(dirname "$0")/../lib.sh"

seconds=${1:-60}
tasks=${2:-100000}
clients=16
labeling_install_deps
labeling_build
LABELING_PG_CONF="shared_buffers = 256MB
track_functions = pl
max_wal_size = 4GB" labeling_cluster_start
db=dispatch_bench
bench="$LABELING_ROOT/test/bench"
labeling_psql -d postgres -c "CREATE DATABASE $db"
labeling_psql -d "$db" -v tasks="$tasks" -v golden=$((tasks / 20)) -v workers=$((clients + 2)) \
	-v ttl='10 minutes' -f "$bench/dispatch_setup.sql" >/dev/null
labeling_psql -d "$db" -c 'VACUUM ANALYZE' -c 'SELECT pg_stat_reset()' >/dev/null

# 1. the fetch/submit cycle
logdir="$LABELING_WORK/pgbench_log"
mkdir -p "$logdir"
(cd "$logdir" && "$PG_BINDIR/pgbench" -n -U dispatch_app -c $clients -j 2 -T "$seconds" \
	-D workers=$clients -D abandon=0 -D ledger=0 -D phase=0 -D role=0 -D aid=0 -D truth=1 -D jid=0 \
	-l --log-prefix=cycle -f "$bench/dispatch_cycle.pgbench" "$db") >"$LABELING_WORK/pgbench.out" 2>&1 ||
	{ cat "$LABELING_WORK/pgbench.out"; exit 1; }
cat "$LABELING_WORK/pgbench.out"
! grep -q aborted "$LABELING_WORK/pgbench.out"

labeling_psql -d "$db" -At -v seconds="$seconds" <<'EOF'
SELECT format('cycle: %s s, %s assignments (%s/s), %s judgments (%s/s), %s golden judgments, %s complete tasks',
	:seconds, a.n, round(a.n / :seconds::numeric, 1), j.n, round(j.n / :seconds::numeric, 1), g.n, c.n)
FROM (SELECT count(*) AS n FROM labeling.assignments) a,
	 (SELECT count(*) AS n FROM labeling.judgments) j,
	 (SELECT count(*) AS n FROM labeling.judgments JOIN labeling.golden_labels USING (task_id)) g,
	 (SELECT count(*) AS n FROM labeling.task_state WHERE status = 'complete') c;
SELECT format('server time per call: %s %s ms (%s calls)', funcname, round((total_time / calls)::numeric, 2), calls)
FROM pg_stat_user_functions WHERE schemaname = 'labeling' AND funcname IN ('next_tasks', 'submit')
ORDER BY funcname;
EOF
# per-transaction latencies (microseconds, 3rd field); odd transaction
# numbers (2nd field, from 1) are fetches, even ones submits
cat "$logdir"/cycle.* | awk '{ print ($2 % 2 ? "fetch" : "submit"), $3 }' >"$LABELING_WORK/latency.txt"
for kind in fetch submit; do
	grep "^$kind " "$LABELING_WORK/latency.txt" | cut -d' ' -f2 | sort -n | awk -v kind="$kind" '
		{ v[NR] = $1 }
		END {
			printf "%s latency (client, ms): n %d  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", kind, NR,
				v[int(NR * 0.5) + 1] / 1000, v[int(NR * 0.9) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000, v[NR] / 1000
		}'
done

labeling_psql -d "$db" -At -f "$bench/dispatch_check.sql" >"$LABELING_WORK/check.out"
grep -v '^$' "$LABELING_WORK/check.out" | grep -v '^ledger\|^lost_\|^unreported_\|^late' | tr '\n' ' '
echo
for k in duplicate_judgments over_max_overlap over_assigned assigned_off assignments_on_complete assigned_after_judging \
		 held_twice submitted_mismatch task_state_diff worker_state_diff; do
	grep -qx "$k 0" "$LABELING_WORK/check.out" || { echo "FAILED: $k"; exit 1; }
done

# 1b. the same calls from one session: 100 fetch/submit cycles of worker 1
# (who has hundreds of judgments by now), then of a worker without any
for w in 1 $((clients + 1)); do
	labeling_psql -d "$db" -At -v w=$w <<'EOF'
CREATE TEMP TABLE one (fetch_ms double precision, submit_ms double precision);
SELECT count(*) AS before FROM labeling.judgments WHERE worker_id = :w \gset
SET bench.worker = :'w';
DO $$
DECLARE
	t0 timestamptz;
	t1 timestamptz;
	r record;
	i integer;
	w bigint := current_setting('bench.worker')::bigint;
BEGIN
	FOR i IN 1..100 LOOP
		t0 := clock_timestamp();
		SELECT x.assignment_id, (x.payload->>'truth')::int AS truth INTO r
		FROM labeling.next_tasks(w, 1, 1) x;
		t1 := clock_timestamp();
		PERFORM labeling.submit(r.assignment_id, (ARRAY['a', 'b', 'c', 'd'])[r.truth]);
		INSERT INTO one VALUES (extract(epoch FROM t1 - t0) * 1000, extract(epoch FROM clock_timestamp() - t1) * 1000);
	END LOOP;
END
$$;
SELECT format('one session, worker %s with %s judgments before, 100 cycles: next_tasks median %s ms, submit median %s ms',
	:w, :before, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY fetch_ms)::numeric, 2),
	round(percentile_cont(0.5) WITHIN GROUP (ORDER BY submit_ms)::numeric, 2))
FROM one;
EOF
done

# 2. next_tasks() next to K outstanding assignments: the first K open tasks
# in dispatch order are held by two other workers (min_overlap 2: full)
h1=$((clients + 1))
h2=$((clients + 2))
for k in 0 1000 10000; do
	labeling_psql -d "$db" -At -v k=$k -v h1=$h1 -v h2=$h2 -v w=1 <<'EOF'
UPDATE labeling.assignments SET state = 'cancelled', closed_at = now() WHERE state = 'issued';
UPDATE labeling.projects SET max_open_per_worker = 100000;
INSERT INTO labeling.assignments (task_id, worker_id, expires_at)
SELECT t.task_id, h.w, now() + interval '1 hour'
FROM (SELECT ts.task_id FROM labeling.task_state ts
	  WHERE ts.project_id = 1 AND ts.status = 'open' AND NOT ts.golden AND ts.n_counted = 0
	  ORDER BY ts.priority DESC, ts.confidence NULLS FIRST, ts.task_id LIMIT :k) t,
	 (VALUES (:h1), (:h2)) h(w);
VACUUM ANALYZE labeling.assignments;
CREATE TEMP TABLE lat (ms double precision);
DO $$
DECLARE
	t0 timestamptz;
	i integer;
BEGIN
	FOR i IN 1..200 LOOP
		t0 := clock_timestamp();
		PERFORM count(*) FROM labeling.next_tasks(1, 1, 1);
		INSERT INTO lat VALUES (extract(epoch FROM clock_timestamp() - t0) * 1000);
		-- give it back, so that every call starts from the same queue
		UPDATE labeling.assignments SET state = 'cancelled', closed_at = now()
		WHERE worker_id = 1 AND state = 'issued';
	END LOOP;
END
$$;
SELECT format('next_tasks with %s full tasks ahead (%s outstanding assignments): median %s ms, p90 %s ms',
	:k, 2 * :k, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2),
	round(percentile_cont(0.9) WITHIN GROUP (ORDER BY ms)::numeric, 2))
FROM lat;
EOF
done
