#!/usr/bin/env bash
# test/bench/live_overlap.sh - dynamic overlap on real crowds: judgments
# saved against fixed overlap, and accuracy kept.
#
# For each dataset (test/data/<name>: judgments.csv, gold.csv), one gold task
# in ten becomes a golden task (it scores the workers); accuracy is measured
# on the other gold tasks.  The dataset's judgments are replayed one INSERT at
# a time in a fixed order (sorted by a hash of task and worker, the same on
# every run), through the live triggers, into a project with min_overlap 3,
# no cap on overlap and a target confidence; a judgment whose task is already
# complete is skipped, as a dispatcher would no longer hand that task out.
# Printed per dataset and target:
#   used     judgments inserted (the rest were saved), and the share saved;
#   acc_dyn  accuracy of the live labels at the end of the replay;
#   acc_mv   accuracy of majority vote over all judgments (fixed overlap);
#   acc_oc   accuracy of the same one-coin posterior over all judgments,
#            with the final golden-based skills (fixed overlap);
#   ms/insert  replay time per inserted judgment (one INSERT statement each,
#            through every trigger, plus the status check of the replay).
#
# Usage: ./test/bench/live_overlap.sh [targets="0.95 0.99"] [datasets...]
source "$(dirname "$0")/../lib.sh"

targets=${1:-"0.95 0.99"}
shift || true
datasets=("$@")
[ ${#datasets[@]} -gt 0 ] || datasets=(gal-adult2 welinder-bluebird act-sp-amt)
labeling_install_deps
labeling_build
labeling_cluster_start
out="$LABELING_WORK/overlap.txt"

for ds in "${datasets[@]}"; do
	data="$LABELING_ROOT/test/data/$ds"
	[ -f "$data/judgments.csv" ] || { echo "no dataset $ds" >&2; exit 1; }
	for target in $targets; do
		db="overlap_$(echo "$ds$target" | tr -c 'a-z0-9\n' '_')"
		labeling_psql -d postgres -c "CREATE DATABASE $db"
		labeling_psql -d "$db" -At -v target="$target" -v ds="$ds" \
			-c 'CREATE TABLE raw (task text, worker text, label text)' \
			-c 'CREATE TABLE gold (task text, label text)' \
			-c "\\copy raw FROM '$data/judgments.csv' WITH (FORMAT csv, HEADER true)" \
			-c "\\copy gold FROM '$data/gold.csv' WITH (FORMAT csv, HEADER true)" -f - <<'EOF' | tee -a "$out"
CREATE EXTENSION labeling;
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence,
							   allow_repeat_judgments)
SELECT :'ds', array_agg(DISTINCT label ORDER BY label), 3, 100000, :target, true FROM raw;
INSERT INTO labeling.workers (external_id) SELECT DISTINCT worker FROM raw ORDER BY 1;
INSERT INTO labeling.tasks (project_id, external_id) SELECT 1, task FROM (SELECT DISTINCT task FROM raw) t ORDER BY 2;
-- one gold task in ten (by a hash of its name) is golden; the rest measure accuracy
CREATE TABLE split AS
SELECT t.task_id, g.label, abs(hashtext(g.task)) % 10 = 0 AS golden
FROM gold g JOIN labeling.tasks t ON t.external_id = g.task;
INSERT INTO labeling.golden_labels (task_id, label) SELECT task_id, label FROM split WHERE golden;
CREATE TABLE stream AS
SELECT row_number() OVER (ORDER BY hashtext(r.task || '|' || r.worker), r.task, r.worker, r.label) AS n,
	   t.task_id, w.worker_id, r.label
FROM raw r JOIN labeling.tasks t ON t.external_id = r.task JOIN labeling.workers w ON w.external_id = r.worker;
-- the replay: one statement per judgment, skipped once its task is complete
SELECT clock_timestamp() AS replay_start \gset
DO $$
DECLARE
	s record;
BEGIN
	FOR s IN SELECT * FROM stream ORDER BY n LOOP
		IF (SELECT status FROM labeling.task_state WHERE task_id = s.task_id) = 'open' THEN
			INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (s.task_id, s.worker_id, s.label);
		END IF;
	END LOOP;
END $$;
SELECT round((extract(epoch FROM clock_timestamp() - :'replay_start'::timestamptz) * 1000
			 / (SELECT count(*) FROM labeling.judgments))::numeric, 2) AS ms_per_insert \gset
-- fixed overlap: every judgment, with the skills the golden tasks gave
CREATE TABLE fixed AS
SELECT s.task_id, labeling.majority_vote(s.label) AS mv,
	   labeling.top_label(labeling.one_coin_posterior(s.label, coalesce(ws.skill, 2.0 / 3),
													  (SELECT labels FROM labeling.projects))) AS oc
FROM stream s LEFT JOIN labeling.worker_state ws ON ws.worker_id = s.worker_id
GROUP BY s.task_id;
SELECT format('RESULT %s %s %s %s %s %s %s %s %s', :'ds', :target,
	(SELECT count(*) FROM stream),
	(SELECT count(*) FROM labeling.judgments),
	(SELECT count(*) FROM split WHERE NOT golden),
	round(avg((ts.label = sp.label)::int), 4),
	round(avg((f.mv = sp.label)::int), 4),
	round(avg((f.oc = sp.label)::int), 4), :ms_per_insert)
FROM split sp
JOIN labeling.task_state ts USING (task_id)
JOIN fixed f USING (task_id)
WHERE NOT sp.golden;
EOF
		labeling_psql -d postgres -c "DROP DATABASE $db"
	done
done

echo
echo "Dynamic overlap (min_overlap 3, no cap, 10% of gold as golden tasks; accuracy on the other gold tasks)"
awk '$1 == "RESULT" {
		printf "%-20s %6s %8d %8d %7.1f%% %6d %8.4f %8.4f %8.4f %9.2f\n", $2, $3, $4, $5, 100 * (1 - $5 / $4), $6, $7, $8, $9, $10
	}
	BEGIN { printf "%-20s %6s %8s %8s %8s %6s %8s %8s %8s %9s\n", "dataset", "target", "all", "used", "saved", "gold", "acc_dyn", "acc_mv", "acc_oc", "ms/insert" }' "$out"
