#!/usr/bin/env bash
# test/bench/live_insert_latency.sh - how long one judgment INSERT takes with every live trigger, on a
# project of a given size.
#
# Self-contained like the demo: builds and installs the extension, starts a throwaway cluster,
# creates one classification project (labels a, b, c; target confidence 0.99999999 so tasks stay
# open; max overlap 20) with TASKS tasks, 2,000 workers, one golden task in 20 and 4 judgments per
# task, then, from one session as an application would, inserts judgments of one busy worker
# (about 4 * TASKS / 2000 judgments already) one INSERT at a time: 2 warm-up inserts, RUNS on
# regular tasks and RUNS on golden tasks (a golden answer changes the worker's skill, so every task
# the worker judged is recomputed).  Prints the median and the largest time of each kind, as psql's
# \timing measures them (client round trip included).
#
#   ./test/bench/live_insert_latency.sh                 # 100,000 tasks, 21 inserts of each kind
#   ./test/bench/live_insert_latency.sh 500 21          # a small project
#
# Environment: PG_CONFIG, LABELING_SKIP_DEPS as in test/lib.sh.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/bench_lib.sh"

tasks=${1:-100000}
runs=${2:-21}

labeling_install_deps
labeling_build
labeling_cluster_start

labeling_psql -q -v tasks="$tasks" <<'SQL'
CREATE EXTENSION labeling;
INSERT INTO labeling.projects (name, labels, max_overlap, target_confidence)
VALUES ('latency', '{a,b,c}', 20, 0.99999999);
INSERT INTO labeling.workers (external_id) SELECT 'w' || i FROM generate_series(1, 2000) i;
INSERT INTO labeling.tasks (project_id, external_id) SELECT 1, 't' || i FROM generate_series(1, :tasks) i;
INSERT INTO labeling.golden_labels (task_id, label) SELECT task_id, 'a' FROM labeling.tasks WHERE task_id % 20 = 0;
INSERT INTO labeling.judgments (task_id, worker_id, label)
SELECT t, 1 + (t * 7 + k * 331) % 2000, CASE WHEN (t + k) % 5 = 0 THEN 'b' ELSE 'a' END
FROM generate_series(1, :tasks) t, generate_series(1, 4) k;
ANALYZE;
-- tasks worker 1 has not judged, regular and golden, numbered
CREATE TABLE latency_tasks AS
SELECT t.task_id, g.task_id IS NOT NULL AS golden,
	   row_number() OVER (PARTITION BY g.task_id IS NOT NULL ORDER BY t.task_id) AS n
FROM labeling.tasks t
LEFT JOIN labeling.golden_labels g USING (task_id)
WHERE NOT EXISTS (SELECT 1 FROM labeling.judgments j WHERE j.task_id = t.task_id AND j.worker_id = 1);
SQL

script="$LABELING_WORK/inserts.sql"
{
	echo '\timing on'
	for kind in warmup regular golden; do
		case $kind in
			warmup) n=2 golden=false offset=0 ;;
			regular) n=$runs golden=false offset=2 ;;
			golden) n=$runs golden=true offset=0 ;;
		esac
		for i in $(seq 1 "$n"); do
			echo "\\echo $kind"
			echo "INSERT INTO labeling.judgments (task_id, worker_id, label) SELECT task_id, 1, 'a' FROM latency_tasks WHERE golden = $golden AND n = $((i + offset));"
		done
	done
} >"$script"
chmod 644 "$script"

busy=$(labeling_psql -Atq -c "SELECT count(*) FROM labeling.judgments WHERE worker_id = 1")
times=$(labeling_psql -f "$script" | awk '
	/^(warmup|regular|golden)$/ { kind = $1; next }
	/^Time: / && kind != "warmup" { print kind, $2 }')
for kind in regular golden; do
	# shellcheck disable=SC2207
	t=($(awk -v k="$kind" '$1 == k { print $2 }' <<<"$times"))
	[ "${#t[@]}" = "$runs" ] || { echo "expected $runs $kind inserts, timed ${#t[@]}" >&2; exit 1; }
	largest=$(printf '%s\n' "${t[@]}" | sort -g | tail -n 1)
	printf '%-8s median %.2f ms, largest %.2f ms (%d inserts)\n' "$kind:" "$(median "${t[@]}")" "$largest" "$runs"
done | { echo "project of $tasks tasks, worker with $busy judgments, one INSERT per judgment"; cat; }
