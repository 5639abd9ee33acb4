#!/usr/bin/env bash
# test/bench/truth_phases.sh - where the time of a Dawid-Skene fit goes: the whole fit against the
# same fit stopped after one EM iteration (collecting the rows, building the dense problem, one
# iteration, writing the model), in a serial plan, so the difference is the remaining iterations;
# and the whole fit in the plan the planner picks by default (parallel for a large table).
#
# Self-contained like the demo: builds and installs the extension, starts a throwaway cluster,
# generates a seeded crowd with test/bench/gen_crowd.c (JUDGMENTS judgments, K classes, bigint
# keys, shuffled rows; the benchmark harness's data), loads it into an UNLOGGED table and times
# SELECT labeling.dawid_skene_agg(task, worker, label) IS NOT NULL FROM j
# RUNS times each of the three ways, interleaved (IS NOT NULL: the fit runs in full, but the 100+ MB model is not
# copied into a result row); prints the medians, and the EM iterations (E-steps) and final
# log-likelihood per judgment of the whole fit.
#
#   ./test/bench/truth_phases.sh                  # 10M judgments, K = 5, 3 runs
#   ./test/bench/truth_phases.sh 1000000 2 5
#
# Environment: PG_CONFIG, LABELING_SKIP_DEPS as in test/lib.sh.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/bench_lib.sh"

judgments=${1:-10000000}
classes=${2:-5}
runs=${3:-3}

labeling_install_deps
labeling_build
labeling_cluster_start

gen="$LABELING_WORK/gen_crowd"
cc -O2 -std=c99 -o "$gen" "$LABELING_ROOT/test/bench/gen_crowd.c" -lm
"$gen" --judgments "$judgments" --classes "$classes" >"$LABELING_WORK/crowd.csv"
chmod 644 "$LABELING_WORK/crowd.csv"

labeling_psql -v csv="$LABELING_WORK/crowd.csv" <<'SQL'
CREATE EXTENSION labeling;
CREATE UNLOGGED TABLE j (task bigint, worker bigint, label text);
COPY j FROM :'csv' WITH (FORMAT csv, HEADER true);
VACUUM ANALYZE j;
SQL

fit="SELECT labeling.dawid_skene_agg(task, worker, label) IS NOT NULL FROM j;"
{
	echo '\timing on'
	echo "SET max_parallel_workers_per_gather = 0; SET work_mem = '1GB';"
	echo 'SELECT count(*) FROM j;'
	for i in $(seq 1 "$runs"); do
		echo 'SET labeling.max_iterations = 1;'
		echo '\echo one'
		echo "$fit"
		echo 'RESET labeling.max_iterations;'
		echo '\echo all'
		echo "$fit"
		echo 'RESET max_parallel_workers_per_gather;'
		echo '\echo par'
		echo "$fit"
		echo 'SET max_parallel_workers_per_gather = 0;'
	done
	echo '\timing off'
	echo "SELECT 'objective', (labeling.truth_diagnostics(m)).objective, 'iterations', (labeling.truth_diagnostics(m)).iterations FROM (SELECT labeling.dawid_skene_agg(task, worker, label) AS m FROM j) f;"
} >"$LABELING_WORK/phases.sql"
chmod 644 "$LABELING_WORK/phases.sql"

out=$(labeling_psql -At -f "$LABELING_WORK/phases.sql" | awk '
	/^(one|all|par)$/ { kind = $1; next }
	/^Time: / && kind != "" { print kind, $2; kind = ""; next }
	/^objective\|/ { split($0, f, "|"); objective = f[2]; last = f[4] }
	END { print "iterations", last; print "objective", objective }')
# shellcheck disable=SC2207
one=($(awk '$1 == "one" { print $2 / 1000 }' <<<"$out"))
# shellcheck disable=SC2207
all=($(awk '$1 == "all" { print $2 / 1000 }' <<<"$out"))
# shellcheck disable=SC2207
par=($(awk '$1 == "par" { print $2 / 1000 }' <<<"$out"))
iterations=$(awk '$1 == "iterations" { print $2 }' <<<"$out")
objective=$(awk '$1 == "objective" { print $2 }' <<<"$out")
one_s=$(median "${one[@]}")
all_s=$(median "${all[@]}")
par_s=$(median "${par[@]}")
echo "$judgments judgments, K = $classes, serial plan, median of $runs runs"
printf 'fit stopped after 1 EM iteration: %.2f s\n' "$one_s"
printf 'whole fit (%d iterations):        %.2f s\n' "$iterations" "$all_s"
awk -v a="$all_s" -v o="$one_s" -v i="$iterations" \
	'BEGIN { printf "the other %d iterations:           %.2f s (%.3f s each)\n", i - 1, a - o, (a - o) / (i - 1) }'
printf 'whole fit, the planner'"'"'s default plan (parallel when it picks one): %.2f s\n' "$par_s"
echo "log-likelihood per judgment at the end of the fit: $objective"
