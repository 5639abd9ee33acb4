#!/usr/bin/env bash
# test/bench/accuracy.sh - the accuracy harness (make accuracy).
#
# Self-contained like test/demo.sh: installs what is missing, builds and installs the extension
# (warnings are errors), starts a throwaway cluster, loads every dataset, runs every method on
# every dataset, prints accuracy against gold as a table datasets x methods with a mean row, then
# stops the cluster and removes it.
#
# Datasets: every folder with judgments.csv (task,worker,label) and gold.csv (task,label) under
# test/data/, then under the shared dataset folder when it exists: ../shared/datasets relative to
# the repository (or to the main checkout, for a git worktree), or ACCURACY_SHARED.  A shared
# dataset with the same content as a bundled one is the same dataset and is counted once; one with
# the same name and other content is shown as "<name> (shared)".
#
# Methods: every line "name | SQL" of test/bench/*.accuracy (sorted by file name); adding a method
# is one line in the .accuracy file of its feature.  The SQL must yield (task, label) from the
# dataset's tables, on the search_path:
#   judgments(task text, worker text, label text)   every row of judgments.csv, as strings
#   gold(task text, label text)                     gold.csv (a method that trains on gold is
#                                                   scored on its own training tasks too)
# Then, unless ACCURACY_REFERENCE=0, the Crowd-Kit 1.4.1 reference outputs bundled in
# test/data/reference/crowdkit-1.4.1/<dataset>/<m>_tasks.csv as columns ck:mv, ck:wawa, ck:ds,
# ck:ocds and ck:glad (ds_gold10 is left out: it trains on gold), scored the same way.
#
# Scoring (as in test/data/reference/crowdkit-1.4.1/README.md, section 5): the scored tasks are
# those with a gold label and at least one judgment (column n); a task is correct when the
# predicted label equals the gold label as a string; a task without a prediction counts as wrong.
# Accuracy is in percent.  The mean row is the unweighted mean over the datasets on which every
# method has a score.  A method that fails on a dataset shows ERR (the errors are listed below the
# table) and makes the script exit with status 1.
#
# Environment:
#   ACCURACY_METHODS   only methods whose name matches this grep -E pattern [all]
#   ACCURACY_METHOD_FILES  the method files to read, space-separated [test/bench/*.accuracy]
#   ACCURACY_DATASETS  only datasets whose name matches this grep -E pattern [all]
#   ACCURACY_SHARED    the shared dataset folder, or "none" [see above]
#   ACCURACY_REFERENCE 0 to leave out the Crowd-Kit columns [1]
#   ACCURACY_OUT       folder for accuracy.csv and accuracy.md [test/bench/out]
#   ACCURACY_NO_BUILD=1 use the installed extension and a running cluster (PGHOST/PGPORT/PGUSER),
#                      as the shell tests do
# Plus PG_CONFIG and LABELING_SKIP_DEPS as in test/lib.sh.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/bench_lib.sh"

bench_dir="$LABELING_ROOT/test/bench"
: "${ACCURACY_METHODS:=}"
: "${ACCURACY_DATASETS:=}"
: "${ACCURACY_REFERENCE:=1}"
: "${ACCURACY_OUT:=$bench_dir/out}"
reference_dir="$LABELING_ROOT/test/data/reference/crowdkit-1.4.1"
reference_methods="mv wawa ds ocds glad"

# ---------------------------------------------------------------- methods
method_names=()
method_sqls=()
# shellcheck disable=SC2086
bench_read_methods "$ACCURACY_METHODS" ${ACCURACY_METHOD_FILES:-"$bench_dir"/*.accuracy}
if [ "$ACCURACY_REFERENCE" != 0 ]; then
	for m in $reference_methods; do
		method_names+=("ck:$m")
		method_sqls+=("SELECT task, label FROM ck_$m")
	done
fi
[ ${#method_names[@]} -gt 0 ] || { echo "no methods" >&2; exit 2; }

# ---------------------------------------------------------------- datasets
shared="${ACCURACY_SHARED:-}"
if [ -z "$shared" ]; then
	common=$(git -C "$LABELING_ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
	for cand in "$LABELING_ROOT/../shared/datasets" ${common:+"$(dirname "$common")/../shared/datasets"}; do
		if [ -d "$cand" ]; then
			shared=$(cd "$cand" && pwd -P)
			break
		fi
	done
fi
[ "$shared" = none ] && shared=

dataset_names=()
dataset_dirs=()
dataset_refs=()			# reference folder of the dataset, or empty
declare -A seen_content=() seen_name=()
skipped=()
# bundled datasets first, each list in byte order of the names
mapfile -t dirs < <(printf '%s\n' "$LABELING_ROOT"/test/data/*/ | sed 's|/$||' | LC_ALL=C sort)
if [ -n "$shared" ]; then
	mapfile -t -O "${#dirs[@]}" dirs < <(printf '%s\n' "$shared"/*/ | sed 's|/$||' | LC_ALL=C sort)
fi
for dir in "${dirs[@]}"; do
	[ -f "$dir/judgments.csv" ] && [ -f "$dir/gold.csv" ] || continue
	name=$(basename "$dir")
	content=$(cat "$dir/judgments.csv" "$dir/gold.csv" | md5sum | cut -d' ' -f1)
	if [ -n "${seen_content[$content]:-}" ]; then
		skipped+=("${seen_content[$content]}")
		continue
	fi
	ref=
	if [ -n "${seen_name[$name]:-}" ]; then
		name="$name (shared)"
	elif [ -f "$reference_dir/$name/mv_tasks.csv" ]; then
		ref="$reference_dir/$name"
	elif [ -n "$shared" ] && [ -f "$shared/../reference/crowdkit-1.4.1/$name/mv_tasks.csv" ]; then
		ref="$shared/../reference/crowdkit-1.4.1/$name"
	fi
	[ -n "$ACCURACY_DATASETS" ] && ! grep -Eq -- "$ACCURACY_DATASETS" <<<"$name" && continue
	seen_content[$content]=$name
	seen_name[$name]=1
	dataset_names+=("$name")
	dataset_dirs+=("$dir")
	dataset_refs+=("$ref")
done
[ ${#dataset_names[@]} -gt 0 ] || { echo "no datasets" >&2; exit 2; }

# ---------------------------------------------------------------- run
labeling_install_deps
if [ "${ACCURACY_NO_BUILD:-0}" != 1 ]; then
	labeling_build
	labeling_cluster_start
else
	PG_BINDIR=$("$PG_CONFIG" --bindir)
	export PG_BINDIR
fi
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
db=labeling_accuracy
labeling_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
labeling_psql -d "$db" -c 'CREATE EXTENSION labeling' -f "$bench_dir/accuracy.sql"

csv_quote() { local v=${1//\"/\"\"}; printf '"%s"' "$v"; }

labeling_log "${#dataset_names[@]} datasets x ${#method_names[@]} methods${shared:+ (shared datasets: $shared)}"
[ ${#skipped[@]} = 0 ] || labeling_log "counted once (same data in test/data and $shared): ${skipped[*]}"
# one psql script: the methods, then per dataset its tables, its reference outputs and the scores
{
	echo "COPY accuracy.methods FROM STDIN (FORMAT csv);"
	for i in "${!method_names[@]}"; do
		echo "$i,$(csv_quote "${method_names[i]}"),$(csv_quote "${method_sqls[i]}")"
	done
	echo '\.'
	for i in "${!dataset_names[@]}"; do
		name=${dataset_names[i]}
		dir=${dataset_dirs[i]}
		ref=${dataset_refs[i]}
		schema=$(printf 'dataset_%02d' "$i")
		echo "CREATE SCHEMA $schema;"
		echo "COPY accuracy.datasets FROM STDIN (FORMAT csv);"
		echo "$i,$(csv_quote "$name"),$schema"
		echo '\.'
		echo "CREATE TABLE $schema.judgments (task text, worker text, label text);"
		echo "CREATE TABLE $schema.gold (task text, label text);"
		echo "\\copy $schema.judgments FROM '$dir/judgments.csv' WITH (FORMAT csv, HEADER true)"
		echo "\\copy $schema.gold FROM '$dir/gold.csv' WITH (FORMAT csv, HEADER true)"
		echo "ANALYZE $schema.judgments; ANALYZE $schema.gold;"
		declare -A have_ref=()
		for m in $reference_methods; do
			[ "$ACCURACY_REFERENCE" != 0 ] && [ -n "$ref" ] && [ -f "$ref/${m}_tasks.csv" ] || continue
			# the reference files have no quoted fields (README section 3): the first two columns
			echo "CREATE TABLE $schema.ck_$m (task text, label text);"
			echo "\\copy $schema.ck_$m FROM PROGRAM 'cut -d, -f1,2 \"$ref/${m}_tasks.csv\"' WITH (FORMAT csv, HEADER true)"
			have_ref[ck:$m]=1
		done
		for j in "${!method_names[@]}"; do
			m=${method_names[j]}
			[[ "$m" == ck:* ]] && [ -z "${have_ref[$m]:-}" ] && continue
			echo "SELECT accuracy.score((SELECT name FROM accuracy.datasets WHERE ord = $i),"
			echo "                      (SELECT name FROM accuracy.methods WHERE ord = $j));"
		done
		unset have_ref
	done
} | labeling_psql -d "$db" >/dev/null

# ---------------------------------------------------------------- report
mkdir -p "$ACCURACY_OUT"
labeling_psql -d "$db" -At -F '|' -c 'SELECT * FROM accuracy.report()' >"$ACCURACY_OUT/accuracy.cells"

# pivot: one line per dataset, one column per method; "text" or "markdown"
pivot() {
	awk -F '|' -v fmt="$1" '
	{
		if (!($1 in rowseen)) { rowseen[$1] = 1; rows[++nr] = $1; n[$1] = $2 }
		if (!($3 in colseen)) { colseen[$3] = 1; cols[++nc] = $3 }
		cell[$1, $3] = $4
	}
	END {
		w0 = length("dataset"); wn = length("n")
		for (r = 1; r <= nr; r++) { if (length(rows[r]) > w0) w0 = length(rows[r]); if (length(n[rows[r]]) > wn) wn = length(n[rows[r]]) }
		for (c = 1; c <= nc; c++) { w[c] = length(cols[c]); if (w[c] < 6) w[c] = 6 }
		if (fmt == "markdown") {
			line = "| dataset | n"; sep = "|---|---:"
			for (c = 1; c <= nc; c++) { line = line " | " cols[c]; sep = sep "|---:" }
			print line " |"; print sep "|"
			for (r = 1; r <= nr; r++) {
				line = "| " rows[r] " | " n[rows[r]]
				for (c = 1; c <= nc; c++) line = line " | " cell[rows[r], cols[c]]
				print line " |"
			}
		} else {
			line = sprintf("%-" w0 "s  %" wn "s", "dataset", "n")
			for (c = 1; c <= nc; c++) line = line sprintf("  %" w[c] "s", cols[c])
			hdr = line; print line
			for (r = 1; r <= nr; r++) {
				if (r == nr && nr > 1) {	# a rule above the mean row
					line = ""; for (i = 0; i < length(hdr); i++) line = line "-"; print line
				}
				line = sprintf("%-" w0 "s  %" wn "s", rows[r], n[rows[r]])
				for (c = 1; c <= nc; c++) line = line sprintf("  %" w[c] "s", cell[rows[r], cols[c]])
				print line
			}
		}
	}' "$ACCURACY_OUT/accuracy.cells"
}

echo
echo "Accuracy against gold (%), ${#dataset_names[@]} datasets; n = scored tasks (gold label and >= 1 judgment)"
pivot text
[ "$ACCURACY_REFERENCE" != 0 ] && echo "ck:* = Crowd-Kit 1.4.1 reference outputs (test/data/reference/crowdkit-1.4.1), scored the same way"
pivot markdown >"$ACCURACY_OUT/accuracy.md"
labeling_psql -d "$db" -c "\\copy (SELECT * FROM accuracy.results ORDER BY dataset, method) TO '$ACCURACY_OUT/accuracy.csv' WITH (FORMAT csv, HEADER true)"
rm -f "$ACCURACY_OUT/accuracy.cells"

errors=$(labeling_psql -d "$db" -At -F ': ' -c \
	"SELECT dataset || ' / ' || method, error FROM accuracy.results WHERE error IS NOT NULL ORDER BY 1")
if [ -n "$errors" ]; then
	echo
	echo "Errors:"
	echo "$errors"
	exit 1
fi
labeling_log "results: $ACCURACY_OUT/accuracy.md and accuracy.csv"
