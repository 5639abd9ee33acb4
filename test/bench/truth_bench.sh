#!/usr/bin/env bash
# test/bench/truth_bench.sh - benchmark of the truth-inference aggregates.
#
# Until the benchmark harness (test/bench/bench.sh, with its crowd generator) is on main, this
# script times the methods of test/bench/truth_inference.bench on synthetic crowds built in SQL
# from deterministic hashes: N judgments, 5 per task, K classes, one worker per 1000 judgments;
# 80% of the workers answer right with an accuracy between 0.55 and 0.95, 15% answer at random,
# 5% always give the next label (adversaries).  Tables are UNLOGGED with bigint task and worker
# keys.
#
# Every method runs TRUTH_RUNS times, interleaved with the baselines count(*) and
# mode() WITHIN GROUP (ORDER BY label) ... GROUP BY task over the same table, each run in a fresh
# backend after a warm-up read of the table.  Printed per dataset and method: the median wall
# time, the median CPU time of the backend (user + system from /proc/<pid>/stat; steadier than
# wall time on a busy machine, and it covers the leader only for a parallel plan), the medians
# of the per-run ratios to count(*) and to mode(), judgments per second, and the peak memory of
# the backend (VmHWM after the query minus VmRSS before it, after resetting the high-water mark).
#
#   test/bench/truth_bench.sh                                   # 1M and 10M, K = 2 and 5
#   TRUTH_SIZES=1000000 TRUTH_CLASSES=5 TRUTH_RUNS=3 test/bench/truth_bench.sh
#
# Environment: TRUTH_SIZES ["1000000 10000000"], TRUTH_CLASSES ["2 5"], TRUTH_RUNS [3],
# TRUTH_METHODS (grep -E on the method name) [all], TRUTH_PARALLEL
# (max_parallel_workers_per_gather) [2]; PG_CONFIG, LABELING_SKIP_DEPS as in test/lib.sh.
source "$(dirname "$0")/../lib.sh"

: "${TRUTH_SIZES:=1000000 10000000}"
: "${TRUTH_CLASSES:=2 5}"
: "${TRUTH_RUNS:=3}"
: "${TRUTH_METHODS:=}"
: "${TRUTH_PARALLEL:=2}"
bench_dir="$LABELING_ROOT/test/bench"

LABELING_PG_CONF="shared_buffers = 1GB
work_mem = 1GB
jit = off
max_parallel_workers_per_gather = $TRUTH_PARALLEL"
export LABELING_PG_CONF
labeling_install_deps
labeling_build
labeling_cluster_start
db=truth_bench
labeling_psql -d postgres -c "CREATE DATABASE $db"
labeling_psql -d "$db" -c "CREATE EXTENSION labeling"

names=("count(*)" "mode() per task")
sqls=("SELECT count(*) FROM judgments" "SELECT task, mode() WITHIN GROUP (ORDER BY label) FROM judgments GROUP BY task")
while IFS= read -r line || [ -n "$line" ]; do
	[[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
	name="${line%% | *}"
	name="${name%"${name##*[![:space:]]}"}"
	[ -n "$TRUTH_METHODS" ] && ! grep -Eq -- "$TRUTH_METHODS" <<<"$name" && continue
	names+=("$name")
	sqls+=("${line#* | }")
done <"$bench_dir/truth_inference.bench"

# cpu_ticks <pid>: user + system clock ticks of a process
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

# run_once <schema> <sql>: prints "wall_ms cpu_ms peak_mb" of one run in a fresh backend
run_once() {
	local schema=$1 sql=$2 pid line t0 t1 rss hwm ms
	coproc PSQL { "$PG_BINDIR/psql" -X -q -At -d "$db" 2>&1; }
	echo "SET search_path = $schema, public; SELECT pg_backend_pid();" >&"${PSQL[1]}"
	read -r pid <&"${PSQL[0]}"
	echo "SELECT count(*) FROM judgments;" >&"${PSQL[1]}"	# warm-up: library and table
	read -r line <&"${PSQL[0]}"
	echo 5 >"/proc/$pid/clear_refs"
	rss=$(kb "$pid" VmRSS)
	t0=$(cpu_ticks "$pid")
	printf '\\timing on\nSELECT count(q.*) FROM (%s) q;\n\\timing off\n' "$sql" >&"${PSQL[1]}"
	while read -r line <&"${PSQL[0]}"; do
		case "$line" in
			Time:*) ms=$(awk '{print $2}' <<<"$line"); break ;;
			ERROR*) echo "error: $line" >&2; break ;;
		esac
	done
	t1=$(cpu_ticks "$pid")
	hwm=$(kb "$pid" VmHWM)
	echo '\q' >&"${PSQL[1]}"
	wait "$PSQL_PID" 2>/dev/null || true
	awk -v ms="${ms:-nan}" -v c=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v h="$hwm" -v r="$rss" \
		'BEGIN {printf "%s %.0f %.1f\n", ms, 1000 * c / hz, (h - r) / 1024}'
}

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "| judgments | K | method | median s | CPU s | x count(*) | x mode() | judgments/s | peak MB |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in $TRUTH_SIZES; do
	for k in $TRUTH_CLASSES; do
		schema="n${n}_k${k}"
		workers=$((n / 1000 > 100 ? n / 1000 : 100))
		labeling_log "generating $n judgments, K = $k, $workers workers"
		labeling_psql -d "$db" -c "CREATE SCHEMA $schema" -c "
			CREATE UNLOGGED TABLE $schema.judgments AS
			WITH w AS (
				SELECT w AS worker,
					   CASE WHEN abs(hashint8(w * 7 + 1)) % 100 < 80 THEN 'good'
							WHEN abs(hashint8(w * 7 + 1)) % 100 < 95 THEN 'spammer' ELSE 'adversary' END AS kind,
					   0.55 + 0.40 * (abs(hashint8(w * 13 + 5)) % 1000) / 1000.0 AS accuracy
				FROM generate_series(0, $workers - 1) w
			), j AS (
				SELECT i, i / 5 AS task, abs(hashint8(i * 3 + 11)) % $workers AS worker,
					   abs(hashint8(i / 5 + 1000000)) % $k AS truth
				FROM generate_series(0, $n - 1) i
			)
			SELECT j.task, j.worker,
				   'c' || CASE w.kind
					   WHEN 'spammer' THEN abs(hashint8(j.i * 17 + 3)) % $k
					   WHEN 'adversary' THEN (j.truth + 1) % $k
					   ELSE CASE WHEN abs(hashint8(j.i * 31 + 7)) % 1000 < 1000 * w.accuracy THEN j.truth
								 ELSE abs(hashint8(j.i * 17 + 3)) % $k END END AS label,
				   w.accuracy::float8 AS weight
			FROM j JOIN w USING (worker)" \
			-c "CREATE UNLOGGED TABLE $schema.gold AS SELECT DISTINCT task, 'c' || abs(hashint8(task + 1000000)) % $k AS label FROM $schema.judgments" \
			-c "VACUUM ANALYZE $schema.judgments"
		declare -A wall=() cpu=() peak=() rcount=() rmode=()
		for run in $(seq 1 "$TRUTH_RUNS"); do
			declare -A this=()
			for i in "${!names[@]}"; do
				read -r ms cms mb < <(run_once "$schema" "${sqls[$i]}")
				this[$i]=$ms
				wall[$i]+="$ms "; cpu[$i]+="$cms "; peak[$i]+="$mb "
			done
			for i in "${!names[@]}"; do
				rcount[$i]+="$(awk -v a="${this[$i]}" -v b="${this[0]}" 'BEGIN {print a / b}') "
				rmode[$i]+="$(awk -v a="${this[$i]}" -v b="${this[1]}" 'BEGIN {print a / b}') "
			done
		done
		for i in "${!names[@]}"; do
			w=$(tr ' ' '\n' <<<"${wall[$i]}" | grep . | median)
			c=$(tr ' ' '\n' <<<"${cpu[$i]}" | grep . | median)
			p=$(tr ' ' '\n' <<<"${peak[$i]}" | grep . | sort -g | tail -1)
			rc=$(tr ' ' '\n' <<<"${rcount[$i]}" | grep . | median)
			rm=$(tr ' ' '\n' <<<"${rmode[$i]}" | grep . | median)
			awk -v n="$n" -v k="$k" -v name="${names[$i]}" -v w="$w" -v c="$c" -v rc="$rc" -v rm="$rm" -v p="$p" \
				'BEGIN {printf "| %d | %d | %s | %.2f | %.2f | %.1f | %.2f | %.2fM | %.0f |\n",
						n, k, name, w / 1000, c / 1000, rc, rm, n / (w / 1000) / 1e6, p}'
		done
		unset wall cpu peak rcount rmode
		labeling_psql -d "$db" -c "DROP SCHEMA $schema CASCADE"
	done
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
