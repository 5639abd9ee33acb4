#!/usr/bin/env bash
# test/bench/bench.sh - the benchmark harness (make bench).
#
# Self-contained like test/demo.sh: installs what is missing, builds and installs the extension
# (warnings are errors), compiles the crowd generator (test/bench/gen_crowd.c), starts a throwaway
# cluster tuned for benchmarking, loads synthetic crowds into UNLOGGED tables and times every
# method on each of them, then stops the cluster and removes it.
#
# For every dataset (judgments x classes) and method it prints: the median and the fastest of
# BENCH_RUNS runs (wall clock), the median CPU time of the backend, judgments per second (at the
# median), the peak memory of the backend, the time relative to count(*) and to mode() WITHIN
# GROUP over the same table in the same run, the CPU time relative to mode()'s, and the plan
# shape.  Runs are interleaved (run 1 of every method, then run 2, ...) so that load from other
# processes spreads over all methods alike, and each ratio is the median over runs of the ratio
# within a run (paired by run).  Every run is also written to runs.csv.  The CPU time (user + system of the backend,
# from /proc/<pid>/stat, 10 ms resolution) does not count the time the backend waits for a CPU,
# so it is the steadier figure on a busy machine; like the memory, it covers the leader only for
# plans with a Gather.
#
# Methods: the baselines below, then every line "name | SQL" of test/bench/*.bench (sorted by file
# name).  Adding a method is one line in the .bench file of its feature.  The SQL runs with
# search_path = <dataset schema>, public, where these tables live:
#   judgments(task, worker, label text, weight float8)   task and worker bigint (or text, see
#                                                         BENCH_KEY_TYPE); weight = the worker's
#                                                         true expected accuracy
#   gold(task, label text)                                the true label of every task
# Each run is one fresh backend (a new connection) that first loads the library and reads the
# table once (warm-up), then executes  SELECT count(q.*) FROM (<SQL>) q  so that every output
# row is computed and none is sent to the client; the time is psql's \timing of that statement.
#
# Peak memory: the kernel's peak resident set of the backend (VmHWM in /proc/<pid>/status) is
# reset (/proc/<pid>/clear_refs) after the warm-up; peak = VmHWM after the query - VmRSS before
# it - the growth of its shared-memory pages (RssShmem: shared buffers it mapped, not its own
# memory).  It counts everything the backend allocated (hash tables, sorts, aggregate states),
# at its high-water mark.  Parallel workers are other processes: for plans with a Gather, the
# figure covers the leader only (the plan column shows the Gather).
#
# Environment (defaults in brackets):
#   BENCH_SIZES      judgments per dataset ["1000000 10000000"]
#   BENCH_CLASSES    numbers of classes K ["2 5"]
#   BENCH_RUNS       timed runs per method and dataset; the median is reported [5]
#   BENCH_METHODS    only the methods whose name matches this grep -E pattern (the baselines
#                    always run) [all]
#   BENCH_METHOD_FILES the method files to read, space-separated [test/bench/*.bench]
#   BENCH_KEY_TYPE   int | text: type of the task and worker keys [int]
#   BENCH_OVERLAP    judgments per task, N or A:B (see gen_crowd.c) [5]
#   BENCH_GEN_ARGS   more gen_crowd options, e.g. "--spammers 0.3" [none]
#   BENCH_SEED       generator seed [1]
#   BENCH_OUT        folder for results.csv, results.md and runs.csv [test/bench/out]
#   BENCH_SHARED_BUFFERS, BENCH_WORK_MEM, BENCH_PARALLEL (max_parallel_workers_per_gather),
#   BENCH_JIT        server settings [1GB, 1GB, 2, off]; see bench_settings below
#   BENCH_NO_BUILD=1 use the installed extension and a running cluster (PGHOST/PGPORT/PGUSER),
#                    as the shell tests do
# Plus PG_CONFIG and LABELING_SKIP_DEPS as in test/lib.sh.
#
# Examples:
#   make bench                                                  # 1M and 10M, K = 2 and 5
#   BENCH_SIZES=1000000 BENCH_CLASSES=5 BENCH_RUNS=3 test/bench/bench.sh   # a quick run
#   BENCH_METHODS='^majority_vote$' BENCH_SIZES=10000000 BENCH_CLASSES=5 test/bench/bench.sh
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/bench_lib.sh"

bench_dir="$LABELING_ROOT/test/bench"
: "${BENCH_SIZES:=1000000 10000000}"
: "${BENCH_CLASSES:=2 5}"
: "${BENCH_RUNS:=5}"
: "${BENCH_METHODS:=}"
: "${BENCH_KEY_TYPE:=int}"
: "${BENCH_OVERLAP:=5}"
: "${BENCH_GEN_ARGS:=}"
: "${BENCH_SEED:=1}"
: "${BENCH_OUT:=$bench_dir/out}"
: "${BENCH_SHARED_BUFFERS:=1GB}"
: "${BENCH_WORK_MEM:=1GB}"
: "${BENCH_PARALLEL:=2}"
: "${BENCH_JIT:=off}"

case "$BENCH_KEY_TYPE" in
int) key_sql=bigint ;;
text) key_sql=text ;;
*) echo "BENCH_KEY_TYPE must be int or text" >&2; exit 2 ;;
esac
[[ "$BENCH_RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_RUNS must be a positive integer" >&2; exit 2; }

# Server settings for benchmarking (appended to postgresql.conf of the throwaway cluster):
# - shared_buffers 1GB: the 1M tables stay in shared buffers; a 10M table (575 MB) is larger than
#   a quarter of it, so its sequential scans use a small ring and read the OS page cache, as on
#   any server whose tables exceed its buffers.
# - work_mem 1GB (hash_mem_multiplier stays 2): neither the sort of mode() nor the hash tables of
#   the GROUP BY spill to disk at 10M judgments, so the comparison is of in-memory algorithms.
# - max_parallel_workers_per_gather 2 (the default): the planner may use parallel plans.
# - jit off: JIT compilation time varies from run to run and these queries are dominated by
#   hashing, sorting and the aggregates, not by expression evaluation.
# - autovacuum off: the tables are vacuumed and analyzed once after loading; nothing runs in the
#   background during the timings.
bench_settings() {
	cat <<EOF
shared_buffers = '$BENCH_SHARED_BUFFERS'
work_mem = '$BENCH_WORK_MEM'
max_parallel_workers_per_gather = $BENCH_PARALLEL
jit = $BENCH_JIT
autovacuum = off
EOF
}

# The baselines, then every method of test/bench/*.bench.
method_names=()
method_sqls=()
add_method() {		# add_method <name> <sql>
	method_names+=("$1")
	method_sqls+=("$2")
}
add_method 'count(*)' 'SELECT count(*) FROM judgments'
add_method 'count(*) GROUP BY task' 'SELECT task, count(*) FROM judgments GROUP BY task'
add_method 'mode() GROUP BY task' \
	'SELECT task, mode() WITHIN GROUP (ORDER BY label) FROM judgments GROUP BY task'

# shellcheck disable=SC2086
bench_read_methods "$BENCH_METHODS" ${BENCH_METHOD_FILES:-"$bench_dir"/*.bench}

size_label() {		# 1000000 -> 1m, 100000 -> 100k
	local n=$1
	if [ $((n % 1000000)) = 0 ]; then echo "$((n / 1000000))m"
	elif [ $((n % 1000)) = 0 ]; then echo "$((n / 1000))k"
	else echo "$n"; fi
}

# One timed run in a fresh backend: prints "<wall ms> <cpu ms> <peak kB>".
bench_run() {		# bench_run <schema> <sql>
	local out ms before after
	out=$(labeling_psql -d "$BENCH_DB" -At -F ' ' <<EOF
SET search_path = $1, public;
SELECT 'warmup', labeling.label_count('{"a": 1}'), count(*) FROM judgments;
SELECT bench.reset_peak();
SELECT 'before', * FROM bench.usage();
\\timing on
SELECT 'rows', count(q.*) FROM ($2) q;
\\timing off
SELECT 'after', * FROM bench.usage();
EOF
	) || { echo "query failed: $2" >&2; return 1; }
	ms=$(awk '/^Time: /{print $2; exit}' <<<"$out")
	before=$(awk '$1 == "before"' <<<"$out")
	after=$(awk '$1 == "after"' <<<"$out")
	# cpu = ticks after - ticks before; peak = HWM after - RSS before - growth of shared memory
	awk -v ms="$ms" -v b="$before" -v a="$after" -v hz="$clk_tck" 'BEGIN {
		split(b, x, " "); split(a, y, " ")
		p = y[3] - x[2] - (y[4] - x[4])
		printf "%s %.0f %d\n", ms, (y[5] - x[5]) * 1000 / hz, (p < 0 ? 0 : p) }'
}
clk_tck=$(getconf CLK_TCK)

# The median over runs of the ratio a_r / b_r of two lists of per-run figures (each a
# space-separated string), paired by run: each run of a method is compared with the run of the
# reference made minutes apart, which cancels most of the slow changes in the machine's load.
paired_ratio() {	# paired_ratio "<a_1 a_2 ...>" "<b_1 b_2 ...>"
	# shellcheck disable=SC2086
	paste -d ' ' <(printf '%s\n' $1) <(printf '%s\n' $2) | awk '$2 > 0 { print $1 / $2 }' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "-"
			else printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# the smallest of the numbers given as arguments (median() is in bench_lib.sh)
minimum() { printf '%s\n' "$@" | sort -g | head -n 1; }

labeling_install_deps
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	labeling_build
	LABELING_PG_CONF="$(bench_settings)" labeling_cluster_start
else
	PG_BINDIR=$("$PG_CONFIG" --bindir)
	export PG_BINDIR
fi
labeling_log "compiling the crowd generator"
cc -O2 -std=c99 -Wall -Wextra -Werror -o "$bench_dir/gen_crowd" "$bench_dir/gen_crowd.c" -lm
gen="$bench_dir/gen_crowd"

BENCH_DB=labeling_bench
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
labeling_psql -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB"
labeling_psql -d "$BENCH_DB" -c 'CREATE EXTENSION labeling' -f "$bench_dir/bench.sql"

mkdir -p "$BENCH_OUT"
csv="$BENCH_OUT/results.csv"
md="$BENCH_OUT/results.md"
runs_csv="$BENCH_OUT/runs.csv"
echo "dataset,method,run,wall_ms,cpu_ms,peak_kb" >"$runs_csv"
echo "dataset,judgments,classes,key_type,tasks,workers,method,plan,median_s,min_s,cpu_s,judgments_per_s,peak_mb,x_count,x_mode,cpu_x_mode,runs" >"$csv"
: >"$md"

# The environment, so that every table can be traced back to its machine and settings.
{
	echo "labeling $(git -C "$LABELING_ROOT" describe --always --dirty 2>/dev/null || echo '?')," \
		"$(labeling_psql -d "$BENCH_DB" -At -c 'SELECT version()' | sed 's/ on .*//')," \
		"$(nproc) CPUs ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo))," \
		"load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "settings: $(labeling_psql -d "$BENCH_DB" -At -c "SELECT string_agg(name || '=' ||
		current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers',
		'work_mem', 'hash_mem_multiplier', 'max_parallel_workers_per_gather', 'jit')")"
	echo "runs per method: $BENCH_RUNS (median reported); data: gen_crowd --overlap $BENCH_OVERLAP" \
		"--seed $BENCH_SEED --key-type $BENCH_KEY_TYPE $BENCH_GEN_ARGS"
} | tee -a "$md"

for n in $BENCH_SIZES; do
	for k in $BENCH_CLASSES; do
		schema="crowd_$(size_label "$n")_k$k"
		[ "$BENCH_KEY_TYPE" = text ] && schema="${schema}_text"
		labeling_log "generating and loading $n judgments, K=$k into $schema"
		labeling_psql -d "$BENCH_DB" -c "CREATE SCHEMA $schema" \
			-c "CREATE UNLOGGED TABLE $schema.judgments (task $key_sql, worker $key_sql, label text, weight float8)" \
			-c "CREATE UNLOGGED TABLE $schema.gold (task $key_sql, label text)"
		gold=$(mktemp)
		# shellcheck disable=SC2086
		"$gen" --judgments "$n" --classes "$k" --overlap "$BENCH_OVERLAP" --seed "$BENCH_SEED" \
			--key-type "$BENCH_KEY_TYPE" --weights --gold "$gold" $BENCH_GEN_ARGS |
			labeling_psql -d "$BENCH_DB" -c "COPY $schema.judgments FROM STDIN (FORMAT csv, HEADER true)"
		read -r ntasks nworkers tsize < <(labeling_psql -d "$BENCH_DB" -At -F ' ' \
			-c "\\copy $schema.gold FROM '$gold' WITH (FORMAT csv, HEADER true)" \
			-c "VACUUM (FREEZE, ANALYZE) $schema.judgments" -c "VACUUM (FREEZE, ANALYZE) $schema.gold" \
			-c "SELECT count(DISTINCT task), count(DISTINCT worker),
					   pg_size_pretty(pg_table_size('$schema.judgments')) FROM $schema.judgments")
		rm -f "$gold"
		title="$n judgments, K=$k, $ntasks tasks, $nworkers workers, $BENCH_KEY_TYPE keys, table $tsize"
		labeling_log "$title: $BENCH_RUNS runs of ${#method_names[@]} methods"

		times=()
		cpus=()
		peaks=()
		mapfile -t plans < <({
			echo "SET search_path = $schema, public;"
			for i in "${!method_names[@]}"; do
				echo "SELECT bench.plan_shape(\$q\$${method_sqls[i]}\$q\$);"
			done
		} | labeling_psql -d "$BENCH_DB" -At)
		[ ${#plans[@]} = ${#method_names[@]} ] || { echo "cannot plan every method" >&2; exit 1; }
		for r in $(seq "$BENCH_RUNS"); do
			for i in "${!method_names[@]}"; do
				res=$(bench_run "$schema" "${method_sqls[i]}") || exit 1
				read -r ms cpu kb <<<"$res"
				[ -n "$ms" ] || { echo "no timing for ${method_names[i]}" >&2; exit 1; }
				times[i]+="$ms "
				cpus[i]+="$cpu "
				peaks[i]+="$kb "
			done
			labeling_log "run $r of $BENCH_RUNS done"
		done

		title="$title; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
		echo
		echo "== $title"
		{
			echo
			echo "**$title**"
			echo
			echo "| method | median s | min s | CPU s | judgments/s | peak MB | × count(*) | × mode() | CPU × mode() | plan |"
			echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
		} >>"$md"
		printf '%-26s %8s %8s %8s %11s %8s %10s %8s %12s  %s\n' method 'median s' 'min s' 'CPU s' \
			judgments/s 'peak MB' 'x count(*)' 'x mode()' 'CPU x mode()' plan
		for i in "${!method_names[@]}"; do
			# shellcheck disable=SC2086
			read -r s smin cs rate mb < <(awk -v t="$(median ${times[i]})" \
				-v tmin="$(minimum ${times[i]})" -v c="$(median ${cpus[i]})" -v kb="$(median ${peaks[i]})" \
				-v n="$n" 'BEGIN { printf "%.3f %.3f %.2f %.0f %.0f\n", t / 1000, tmin / 1000, c / 1000,
					n / (t / 1000), kb / 1024 }')
			# the references, count(*) and mode(), are the baselines 0 and 2
			xc=$(paired_ratio "${times[i]}" "${times[0]}")
			xm=$(paired_ratio "${times[i]}" "${times[2]}")
			xcm=$(paired_ratio "${cpus[i]}" "${cpus[2]}")
			r=0
			for ms in ${times[i]}; do
				read -r -a c <<<"${cpus[i]}"
				read -r -a p <<<"${peaks[i]}"
				echo "$schema,\"${method_names[i]}\",$((r + 1)),$ms,${c[r]},${p[r]}" >>"$runs_csv"
				r=$((r + 1))
			done
			printf '%-26s %8s %8s %8s %11s %8s %10s %8s %12s  %s\n' "${method_names[i]}" "$s" "$smin" \
				"$cs" "$rate" "$mb" "$xc" "$xm" "$xcm" "${plans[i]}"
			echo "| \`${method_names[i]}\` | $s | $smin | $cs | $rate | $mb | $xc | $xm | $xcm | ${plans[i]} |" >>"$md"
			echo "$schema,$n,$k,$BENCH_KEY_TYPE,$ntasks,$nworkers,\"${method_names[i]}\",\"${plans[i]}\",$s,$smin,$cs,$rate,$mb,$xc,$xm,$xcm,$BENCH_RUNS" >>"$csv"
		done
		echo
		labeling_psql -d "$BENCH_DB" -c "DROP SCHEMA $schema CASCADE"
	done
done
labeling_log "results: $csv and $md"
