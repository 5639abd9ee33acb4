#!/usr/bin/env bash
# test/bench/truth_accuracy.sh - accuracy of the truth-inference methods on every bundled dataset.
#
# Until the accuracy harness (test/bench/accuracy.sh) is on main this script does its job for the
# methods of test/bench/truth_inference.accuracy: installs what is missing, builds and installs
# the extension, starts a throwaway cluster, loads every dataset of test/data, runs every method,
# and prints accuracy against gold (percent) as a markdown table, datasets x methods, with the
# Crowd-Kit 1.4.1 reference columns (test/data/reference/crowdkit-1.4.1, <m>_meta.json) and a mean
# row.  Scoring as in that reference's README, section 5: tasks with a gold label and at least
# one judgment; a task without a prediction counts as wrong.
#
#   test/bench/truth_accuracy.sh              # the default methods
#   TRUTH_GRID=1 test/bench/truth_accuracy.sh # plus the smoothing strengths 0..10 of
#                                             # dawid_skene and one_coin (how the default was chosen)
#
# Environment: PG_CONFIG, LABELING_SKIP_DEPS as in test/lib.sh; TRUTH_NO_BUILD=1 to use the
# installed extension and a running cluster (PGHOST/PGPORT/PGUSER).
source "$(dirname "$0")/../lib.sh"

bench_dir="$LABELING_ROOT/test/bench"
data_dir="$LABELING_ROOT/test/data"
ref_dir="$data_dir/reference/crowdkit-1.4.1"

if [ "${TRUTH_NO_BUILD:-0}" != 1 ]; then
	labeling_install_deps
	labeling_build
	labeling_cluster_start
fi
PG_BINDIR=${PG_BINDIR:-$("$PG_CONFIG" --bindir)}
db=truth_accuracy
labeling_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
labeling_psql -d "$db" -c "CREATE EXTENSION labeling"

# methods: "name | SQL" lines
names=()
sqls=()
while IFS= read -r line || [ -n "$line" ]; do
	[[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
	name="${line%% | *}"
	names+=("${name%"${name##*[![:space:]]}"}")
	sqls+=("${line#* | }")
done <"$bench_dir/truth_inference.accuracy"
if [ "${TRUTH_GRID:-0}" = 1 ]; then
	for s in 0 0.5 1 2 3 5 10; do
		for m in dawid_skene one_coin; do
			names+=("$m s=$s")
			sqls+=("SELECT task, label FROM labeling.truth_tasks((SELECT labeling.${m}_agg(task, worker, label, NULL, labeling.truth_options(smoothing => $s)) FROM judgments))")
		done
	done
fi

# one schema per dataset with judgments and gold as text; results in public.scores
labeling_psql -d "$db" -c "CREATE TABLE scores (dataset text, method text, correct bigint, n bigint)"
datasets=()
for dir in "$data_dir"/*/; do
	d=$(basename "$dir")
	[ -f "$dir/judgments.csv" ] && [ -f "$dir/gold.csv" ] || continue
	datasets+=("$d")
	schema="ds_$(echo "$d" | tr -c 'a-z0-9\n' '_')"
	labeling_psql -d "$db" \
		-c "CREATE SCHEMA $schema" \
		-c "CREATE TABLE $schema.judgments (task text, worker text, label text)" \
		-c "CREATE TABLE $schema.gold (task text, label text)" \
		-c "\\copy $schema.judgments FROM '$dir/judgments.csv' WITH (FORMAT csv, HEADER true)" \
		-c "\\copy $schema.gold FROM '$dir/gold.csv' WITH (FORMAT csv, HEADER true)" \
		-c "ANALYZE $schema.judgments"
	for i in "${!names[@]}"; do
		labeling_psql -d "$db" -v ON_ERROR_STOP=1 -c "SET search_path = $schema, public" -c "
			INSERT INTO public.scores
			SELECT '$d', \$n\$${names[$i]}\$n\$, count(*) FILTER (WHERE p.label = g.label), count(*)
			FROM gold g LEFT JOIN (${sqls[$i]}) p(task, label) USING (task)
			WHERE g.task IN (SELECT task FROM judgments)"
	done
	# Crowd-Kit's accuracy from its meta files
	for m in mv wawa ds ds_gold10 ocds glad; do
		f="$ref_dir/$d/${m}_meta.json"
		[ -f "$f" ] || continue
		acc=$(sed -n 's/^ *"accuracy_vs_gold": *\([0-9.eE-]*\),*$/\1/p' "$f")
		n=$(sed -n 's/^ *"accuracy_n_tasks": *\([0-9]*\),*$/\1/p' "$f")
		labeling_psql -d "$db" -c "INSERT INTO scores VALUES ('$d', 'ck:$m', round($acc * $n), $n)"
	done
done

# the table: one row per dataset, one column per method, then the mean
labeling_psql -d "$db" -At -F ' | ' -c "
	WITH m AS (SELECT DISTINCT method, CASE WHEN method LIKE 'ck:%' THEN 1 ELSE 0 END AS ck FROM scores),
	cols AS (SELECT method, row_number() OVER (ORDER BY ck, method) AS k FROM m),
	acc AS (SELECT s.dataset, c.k, 100.0 * s.correct / s.n AS a, s.n FROM scores s JOIN cols c USING (method))
	SELECT '| dataset | n | ' || string_agg(method, ' | ' ORDER BY k) || ' |' FROM cols
	UNION ALL
	SELECT '|---|---|' || string_agg('---|', '' ORDER BY k) FROM cols
	UNION ALL
	(SELECT '| ' || dataset || ' | ' || max(n) || ' | ' || string_agg(to_char(a, 'FM990.00'), ' | ' ORDER BY k) || ' |'
	 FROM acc GROUP BY dataset ORDER BY dataset)
	UNION ALL
	SELECT '| **mean** | | ' || string_agg(to_char(a, 'FM990.00'), ' | ' ORDER BY k) || ' |'
	FROM (SELECT k, avg(a) AS a FROM acc GROUP BY k) s"
