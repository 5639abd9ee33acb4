#!/usr/bin/env bash
# test/bench/truth_iterations.sh - how many EM iterations (E-steps) the default fits of
# dawid_skene_agg, one_coin_agg and glad_agg take on every bundled dataset of test/data/, and
# whether they converged.
#
# Self-contained like the demo: builds and installs the extension, starts a throwaway cluster,
# loads each dataset's judgments.csv (text keys), prints one line per dataset and the range.
#
#   ./test/bench/truth_iterations.sh
#
# Environment: PG_CONFIG, LABELING_SKIP_DEPS as in test/lib.sh.
source "$(dirname "$0")/../lib.sh"

labeling_install_deps
labeling_build
labeling_cluster_start

labeling_psql -c 'CREATE EXTENSION labeling;
	CREATE TABLE fits (dataset text, method text, iterations int, converged bool);'
for dir in "$LABELING_ROOT"/test/data/*/; do
	[ -f "$dir/judgments.csv" ] || continue
	name=$(basename "$dir")
	labeling_psql -v name="$name" <<SQL
CREATE TEMP TABLE j (task text, worker text, label text);
\copy j FROM '$dir/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO fits
SELECT :'name', 'dawid_skene', (labeling.truth_diagnostics(labeling.dawid_skene_agg(task, worker, label))).iterations,
	   (labeling.truth_diagnostics(labeling.dawid_skene_agg(task, worker, label))).converged FROM j
UNION ALL
SELECT :'name', 'one_coin', (labeling.truth_diagnostics(labeling.one_coin_agg(task, worker, label))).iterations,
	   (labeling.truth_diagnostics(labeling.one_coin_agg(task, worker, label))).converged FROM j
UNION ALL
SELECT :'name', 'glad', (labeling.truth_diagnostics(labeling.glad_agg(task, worker, label))).iterations,
	   (labeling.truth_diagnostics(labeling.glad_agg(task, worker, label))).converged FROM j;
SQL
done
labeling_psql -P footer=off <<'SQL'
SELECT dataset, string_agg(method || ' ' || iterations || CASE WHEN converged THEN '' ELSE ' (not converged)' END,
						   ', ' ORDER BY method) AS "E-steps"
FROM fits GROUP BY dataset ORDER BY dataset;
SELECT method, min(iterations) AS fewest, max(iterations) AS most, bool_and(converged) AS all_converged
FROM fits GROUP BY method ORDER BY method;
SQL
