#!/usr/bin/env bash
# test/sh/bench_smoke.sh - the crowd generator, the benchmark harness and the accuracy harness
# work: gen_crowd is exact, deterministic and models what it says; bench.sh and accuracy.sh run
# end to end at a tiny size against the running test cluster (PGHOST/PGPORT/PGUSER), pick up
# method files, and fail loudly on a broken method.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---------------------------------------------------------------- gen_crowd
gen="$tmp/gen_crowd"
cc -O2 -std=c99 -Wall -Wextra -Werror -o "$gen" "$root/test/bench/gen_crowd.c" -lm

"$gen" --judgments 5000 --classes 3 --truth --gold "$tmp/gold.csv" --workers-file "$tmp/w.csv" >"$tmp/a.csv"
[ "$(head -n 1 "$tmp/a.csv")" = "task,worker,label,true_label" ] || fail "header"
[ "$(($(wc -l <"$tmp/a.csv") - 1))" = 5000 ] || fail "not exactly 5000 judgments"
"$gen" --judgments 5000 --classes 3 --truth >"$tmp/b.csv"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || fail "same seed, different output"
"$gen" --judgments 5000 --classes 3 --truth --seed 2 >"$tmp/c.csv"
cmp -s "$tmp/a.csv" "$tmp/c.csv" && fail "another seed, same output"
"$gen" --judgments 5000 --classes 3 --truth --order task >"$tmp/d.csv"
cmp -s "$tmp/a.csv" "$tmp/d.csv" && fail "--order task did not change the order"
[ "$(sort "$tmp/a.csv" | md5sum)" = "$(sort "$tmp/d.csv" | md5sum)" ] || fail "--order changed the rows"
# overlap 5 exactly: 1000 tasks of 5 distinct workers; labels c0..c2; the truth agrees with gold
awk -F, 'NR > 1 { n[$1]++; if (seen[$1 "," $2]++) dup++; if ($3 !~ /^c[0-2]$/) bad++ }
	END { for (t in n) { tasks++; if (n[t] != 5) wrong++ } exit !(tasks == 1000 && !wrong && !dup && !bad) }' \
	"$tmp/a.csv" || fail "tasks, overlap, distinct workers or labels"
[ "$(($(wc -l <"$tmp/gold.csv") - 1))" = 1000 ] || fail "gold has not one line per task"
awk -F, 'NR == FNR { if (FNR > 1) g[$1] = $2; next } FNR > 1 && g[$1] != $4 { bad++ } END { exit bad > 0 }' \
	"$tmp/gold.csv" "$tmp/a.csv" || fail "true_label differs from gold"

# kinds are dealt exactly, and each kind answers as documented (accuracy vs the truth)
"$gen" --judgments 60000 --classes 4 --workers 100 --spammers 0.2 --adversaries 0.1 --mediocre 0.3 \
	--truth --key-type text --workers-file "$tmp/w.csv" >"$tmp/e.csv"
[ "$(sed -n 2p "$tmp/e.csv" | cut -d, -f1,2 | sed 's/[0-9]//g')" = "task-,worker-" ] || fail "text keys"
[ "$(tail -n +2 "$tmp/w.csv" | cut -d, -f2 | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')" = \
	"adversary=10 good=40 mediocre=30 spammer_constant=10 spammer_random=10 " ] || fail "worker kinds"
awk -F, 'NR == FNR { if (FNR > 1) kind[$1] = $2; next }
	FNR > 1 { k = kind[$2]; n[k]++; if ($3 == $4) ok[k]++ }
	END {
		for (k in n) acc[k] = ok[k] / n[k]
		# K = 4: chance is 0.25; good >= 0.7, mediocre in (0.3, 0.62), adversaries mostly wrong
		exit !(acc["good"] > 0.7 && acc["mediocre"] > 0.3 && acc["mediocre"] < 0.62 &&
			   acc["spammer_random"] > 0.2 && acc["spammer_random"] < 0.3 && acc["adversary"] < 0.1)
	}' "$tmp/w.csv" "$tmp/e.csv" || fail "worker kinds do not answer as documented"

# bad options are refused
for args in "--classes 1" "--overlap 0" "--overlap 5:3" "--spammers 1.5" "--spammers 0.6 --mediocre 0.6" \
	"--classes 3 --priors 1,2" "--priors 0,0" "--key-type uuid" "--bogus"; do
	set +e
	# shellcheck disable=SC2086
	"$gen" $args >/dev/null 2>&1
	status=$?
	set -e
	[ "$status" = 2 ] || fail "gen_crowd $args: exit status $status, not 2"
done

# ---------------------------------------------------------------- bench.sh
# the repository's method files plus one of our own
export BENCH_NO_BUILD=1 ACCURACY_NO_BUILD=1 LABELING_SKIP_DEPS=1
printf '# test\nmy_mv | SELECT task, labeling.majority_vote(label) FROM judgments GROUP BY task\n' >"$tmp/my.bench"
BENCH_SIZES=2000 BENCH_CLASSES=3 BENCH_RUNS=1 BENCH_OUT="$tmp/bench" \
	BENCH_METHOD_FILES="$(echo "$root"/test/bench/*.bench) $tmp/my.bench" \
	"$root/test/bench/bench.sh" >"$tmp/bench.log" 2>&1 || { cat "$tmp/bench.log"; fail "bench.sh"; }
csv="$tmp/bench/results.csv"
# the 3 baselines and every line of the method files, each with a time, a rate and a plan
expected=$((3 + $(cat "$root"/test/bench/*.bench "$tmp/my.bench" | grep -cv -e '^#' -e '^[[:space:]]*$')))
[ "$(($(wc -l <"$csv") - 1))" = "$expected" ] || fail "bench.sh: not $expected methods in $csv"
awk -F, 'NR > 1 && !($9 != "" && $11 != "" && $12 > 0 && $8 ~ /Agg/) { bad++ } END { exit bad > 0 }' "$csv" ||
	fail "bench.sh: a method without time, rate or plan"
grep -q '^crowd_2k_k3,2000,3,int,400,.*"count(\*)",.*,1\.00,[0-9.]*,[0-9.-]*,1$' "$csv" || fail "count(*) row"
grep -q '"mode() GROUP BY task",.*,1\.00,[0-9.-]*,1$' "$csv" || fail "mode() row"
grep -q '"majority_vote","HashAgg < SeqScan"' "$csv" || fail "majority_vote row"
grep -q '"my_mv","HashAgg < SeqScan"' "$csv" || fail "my_mv row"
[ "$(($(wc -l <"$tmp/bench/runs.csv") - 1))" = "$expected" ] || fail "runs.csv: not one line per run"
# a broken method fails the run
printf 'broken | SELECT task, no_such_function(label) FROM judgments GROUP BY task\n' >"$tmp/bad.bench"
if BENCH_SIZES=1000 BENCH_CLASSES=2 BENCH_RUNS=1 BENCH_OUT="$tmp/bench2" BENCH_METHOD_FILES="$tmp/bad.bench" \
	"$root/test/bench/bench.sh" >"$tmp/bench2.log" 2>&1; then
	fail "bench.sh succeeded with a broken method"
fi

# ---------------------------------------------------------------- accuracy.sh
# a shared folder with an identical copy (counted once) and a changed copy (its own row)
mkdir -p "$tmp/shared"
cp -r "$root/test/data/gal-adult2" "$tmp/shared/"
cp -r "$root/test/data/welinder-bluebird" "$tmp/shared/"
sed -i '2d' "$tmp/shared/welinder-bluebird/judgments.csv"
ACCURACY_SHARED="$tmp/shared" ACCURACY_DATASETS='^(gal-adult2|welinder-bluebird)' ACCURACY_OUT="$tmp/acc" \
	"$root/test/bench/accuracy.sh" >"$tmp/acc.log" 2>&1 || { cat "$tmp/acc.log"; fail "accuracy.sh"; }
md="$tmp/acc/accuracy.md"
[ "$(cut -d'|' -f2 "$md" | sed 's/^ *//; s/ *$//' | tail -n +3 | tr '\n' ',')" = \
	'gal-adult2,welinder-bluebird,welinder-bluebird (shared),mean (2 datasets),' ] || fail "accuracy.sh rows"
# majority_vote scores exactly as Crowd-Kit's MV on the bundled sets (same tie rule, same scoring)
awk -F'|' 'NR == 1 { for (i = 2; i <= NF; i++) { gsub(/ /, "", $i); col[$i] = i } }
	NR > 2 && $2 !~ /shared|mean/ { if ($col["majority_vote"] != $col["ck:mv"] || $col["ck:mv"] + 0 <= 0) bad++ }
	/shared/ { if ($col["ck:mv"] !~ /-/ || $col["majority_vote"] !~ /[0-9]/) bad++ }
	END { exit bad > 0 }' "$md" || { cat "$md"; fail "majority_vote differs from ck:mv"; }
# a failing method: ERR in the table, listed, exit status 1
printf 'broken | SELECT task FROM judgments\nmv | SELECT task, labeling.majority_vote(label) FROM judgments GROUP BY task\n' >"$tmp/bad.accuracy"
set +e
ACCURACY_METHOD_FILES="$tmp/bad.accuracy" ACCURACY_SHARED=none ACCURACY_REFERENCE=0 \
	ACCURACY_DATASETS='^gal-adult2$' ACCURACY_OUT="$tmp/acc2" "$root/test/bench/accuracy.sh" >"$tmp/acc2.log" 2>&1
status=$?
set -e
[ "$status" = 1 ] || { cat "$tmp/acc2.log"; fail "accuracy.sh with a broken method: status $status"; }
grep -q '^gal-adult2 / broken: ' "$tmp/acc2.log" || fail "the error is not listed"
grep -q '^| gal-adult2 | 333 | ERR | [0-9.]* |$' "$tmp/acc2/accuracy.md" || { cat "$tmp/acc2/accuracy.md"; fail "no ERR cell"; }
echo "ok"
