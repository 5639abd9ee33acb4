#!/usr/bin/env bash
# test/bench/live_copy.sh - COPY of judgments with the live triggers on
# versus off (issue target: on >= half the throughput of off).
#
# Builds and installs the extension, starts a throwaway cluster (test/lib.sh),
# generates a seeded synthetic crowd (N judgments, 10 per task, 5 labels,
# N/200 workers of accuracy 0.55-0.95 with 5% spammers, 10% golden tasks,
# times of 2-60 s) and writes it to a CSV file once.  Then, ROUNDS times:
#   off: ALTER TABLE judgments DISABLE TRIGGER USER (the foreign keys stay),
#        COPY the file, reset;
#   on:  COPY the file with the triggers (validation, worker and task state,
#        golden records, agreement, NOTIFY of every completed task), check
#        that task_state and worker_state equal rebuild(), reset.
# Each COPY is timed by the server (clock_timestamp) and by the backend's own
# CPU time (/proc/self/stat), which is steadier on a shared machine.  Prints
# the median of each, rows per second and the on/off throughput ratio.
#
# Usage: ./test/bench/live_copy.sh [judgments=1000000] [rounds=3]
source "$(dirname "$0")/../lib.sh"

n=${1:-1000000}
rounds=${2:-3}
labeling_install_deps
labeling_build
LABELING_PG_CONF="shared_buffers = 256MB
max_wal_size = 4GB
checkpoint_timeout = 30min" labeling_cluster_start
labeling_psql -d postgres -c 'CREATE DATABASE pipeline_bench'
csv="$LABELING_WORK/judgments.csv"
ticks=$(getconf CLK_TCK)

labeling_psql -d pipeline_bench -v n="$n" -v csv="$csv" <<'EOF'
CREATE EXTENSION labeling;
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence, price_per_judgment)
VALUES ('bench', '{a,b,c,d,e}', 3, 10, 0.95, 0.01);
INSERT INTO labeling.workers (external_id)
SELECT 'w' || i FROM generate_series(1, greatest(:n / 200, 100)) i;
INSERT INTO labeling.tasks (project_id, external_id)
SELECT 1, 't' || i FROM generate_series(1, :n / 10) i;
-- true label of task t: labels[1 + h(t) % 5]; every 10th task is golden
CREATE TABLE truth AS
SELECT t.task_id, (ARRAY['a','b','c','d','e'])[1 + abs(hashint8(t.task_id)) % 5] AS label
FROM labeling.tasks t;
INSERT INTO labeling.golden_labels (task_id, label)
SELECT task_id, label FROM truth WHERE task_id % 10 = 0;
-- worker accuracy 0.55-0.95, every 20th worker a spammer (answers at random)
CREATE TABLE crowd AS
SELECT w.worker_id, 0.55 + 0.4 * (abs(hashint8(w.worker_id * 31)) % 1000) / 1000.0 AS accuracy,
	   w.worker_id % 20 = 0 AS spammer
FROM labeling.workers w;
CREATE TABLE stage AS
SELECT x.task_id, x.worker_id,
	   CASE WHEN NOT c.spammer AND (abs(hashint8(x.task_id * 16 + x.k)) % 1000) / 1000.0 < c.accuracy
			THEN tr.label
			ELSE (ARRAY['a','b','c','d','e'])[1 + abs(hashint8(x.task_id * 64 + x.k)) % 5] END AS label,
	   make_interval(secs => 2 + abs(hashint8(x.task_id * 128 + x.k)) % 59) AS time_spent
FROM (SELECT t.task_id, k,
			 1 + (t.task_id * 7919 + k * 104729) % (SELECT count(*) FROM labeling.workers) AS worker_id
	  FROM labeling.tasks t, generate_series(1, 10) k) x
JOIN crowd c ON c.worker_id = x.worker_id
JOIN truth tr ON tr.task_id = x.task_id
ORDER BY x.task_id, x.k;
COPY stage TO :'csv' WITH (FORMAT csv);
DROP TABLE stage;
-- back to no judgments: task_state all open, worker_state empty
CREATE FUNCTION bench_reset() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	ALTER TABLE labeling.judgments DISABLE TRIGGER USER;
	TRUNCATE labeling.judgments;
	ALTER TABLE labeling.judgments ENABLE TRIGGER USER;
	DELETE FROM labeling.worker_state;
	DELETE FROM labeling.qc_events;
	UPDATE labeling.task_state SET n_judgments = 0, n_counted = 0, posterior = NULL, label = NULL,
		confidence = NULL, status = 'open', completed_at = NULL;
END $$;
-- backend CPU time in clock ticks (utime + stime of /proc/self/stat)
CREATE FUNCTION bench_cpu() RETURNS bigint LANGUAGE sql AS $$
	SELECT (f[12])::bigint + (f[13])::bigint
	FROM (SELECT string_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ') AS f) s
$$;
SELECT bench_reset();
EOF
labeling_psql -d pipeline_bench -c 'VACUUM ANALYZE'

run_copy() {	# run_copy <off|on> <round>
	local mode=$1 round=$2 disable="" enable="" check=""
	if [ "$mode" = off ]; then
		disable="ALTER TABLE labeling.judgments DISABLE TRIGGER USER;"
		enable="ALTER TABLE labeling.judgments ENABLE TRIGGER USER;"
	else
		check="CREATE TEMP TABLE before_ts AS SELECT * FROM labeling.task_state;
CREATE TEMP TABLE before_ws AS SELECT project_id, worker_id, n_judgments, golden_answered, golden_correct,
	golden_lower, golden_upper, skill, timed_judgments, median_seconds, agreement, status FROM labeling.worker_state;
SELECT labeling.rebuild(1);
SELECT 'CHECK task_state ' || CASE WHEN (SELECT count(*) FROM (SELECT * FROM before_ts EXCEPT SELECT * FROM labeling.task_state
	UNION ALL SELECT * FROM labeling.task_state EXCEPT SELECT * FROM before_ts) d) = 0 THEN 'equal' ELSE 'DIFFERENT' END;
SELECT 'CHECK worker_state ' || CASE WHEN (SELECT count(*) FROM (SELECT * FROM before_ws EXCEPT SELECT project_id, worker_id,
	n_judgments, golden_answered, golden_correct, golden_lower, golden_upper, skill, timed_judgments, median_seconds,
	agreement, status FROM labeling.worker_state) d) = 0 THEN 'equal' ELSE 'DIFFERENT' END;
SELECT 'STATS ' || count(*) FILTER (WHERE status = 'complete') || ' complete of ' || count(*) FROM labeling.task_state;"
	fi
	labeling_psql -d pipeline_bench -At <<EOF
$disable
SELECT clock_timestamp() AS t0, bench_cpu() AS c0 \gset
COPY labeling.judgments (task_id, worker_id, label, time_spent) FROM '$csv' WITH (FORMAT csv);
SELECT 'RESULT $mode $round ' || round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 3)
	|| ' ' || round((bench_cpu() - :c0)::numeric / $ticks, 3);
$enable
$check
SELECT bench_reset();
EOF
	labeling_psql -d pipeline_bench -c 'VACUUM ANALYZE labeling.judgments, labeling.task_state, labeling.worker_state'
}

out="$LABELING_WORK/results.txt"
for r in $(seq 1 "$rounds"); do
	run_copy off "$r" | tee -a "$out"
	run_copy on "$r" | tee -a "$out"
done

echo
echo "COPY of $n judgments, $rounds rounds (median; wall = server time, cpu = backend CPU time)"
awk -v n="$n" '
	$1 == "RESULT" { wall[$2] = wall[$2] " " $4; cpu[$2] = cpu[$2] " " $5 }
	function median(s,   a, k, i, j, t) {
		k = split(s, a, " ")
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	END {
		mo = median(wall["off"]); mn = median(wall["on"]); co = median(cpu["off"]); cn = median(cpu["on"])
		printf "%-10s %10s %12s %10s %12s\n", "triggers", "wall s", "rows/s", "cpu s", "rows/cpu-s"
		printf "%-10s %10.2f %12.0f %10.2f %12.0f\n", "off", mo, n / mo, co, n / co
		printf "%-10s %10.2f %12.0f %10.2f %12.0f\n", "on", mn, n / mn, cn, n / cn
		printf "throughput on/off: %.2f (wall), %.2f (cpu)\n", mo / mn, co / cn
	}' "$out"
grep -h '^CHECK\|^STATS' "$out" | sort | uniq -c
! grep -q DIFFERENT "$out"
