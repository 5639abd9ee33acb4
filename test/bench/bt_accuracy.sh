#!/usr/bin/env bash
# test/bench/bt_accuracy.sh - accuracy of bt_rank against known truth and
# against Crowd-Kit 1.4.1's BradleyTerry.
#
# 1. Seeded synthetic data (test/bench/bt_gen.sql: true scores ~ N(0, 1),
#    uniform random pairs) at several comparison budgets: Spearman
#    correlation of the scores with the true scores, for
#      ck-2     Crowd-Kit BradleyTerry with its defaults (stops after 2 MM
#               iterations), re-implemented in test/bench/bt_refmm.c
#      ck-1000  the same after 1000 MM iterations (tol = 0)
#      ml       bt_rank, prior 0 (maximum likelihood, Newton)
#      bt_rank  bt_rank with its defaults (Davidson ties, prior 1)
#      noisy    bt_rank with the worker column (only on the noisy sets)
#    Every row is the mean over BT_ACC_SEEDS seeds (default 5); "bt_rank >=
#    both ck" counts the seeds where bt_rank is at least as good as both
#    Crowd-Kit runs.  Crowd-Kit cannot model ties: its runs get the decisive
#    rows only.  The
#    coverage columns are the share of items whose true score (shifted by
#    the mean difference) lies in the 95% interval of bt_rank and of the
#    noisy model.
# 2. urbano-musicsim-pairwise: agreement with the authors' reference ranking
#    (Spearman and Kendall tau-b, pooled over queries, as in the reference
#    README), and bt_refmm checked against the stored Crowd-Kit outputs.
#
# Usage: test/bench/bt_accuracy.sh      (as root, like test/run_all.sh)
source "$(dirname "$0")/../lib.sh"

labeling_install_deps
labeling_build
labeling_cluster_start
cd "$LABELING_ROOT"
work="$LABELING_WORK/bt_accuracy"
mkdir -p "$work"
chmod 777 "$work"
cc -O2 -Wall -o "$work/bt_refmm" test/bench/bt_refmm.c
labeling_psql -d postgres -c 'CREATE DATABASE bt_acc'
labeling_psql -d bt_acc -c 'CREATE EXTENSION labeling'

# Spearman with average ranks for ties (ck-* give 0 to every item without a win)
cat >"$work/spearman.sql" <<'EOF'
CREATE FUNCTION pg_temp.spearman(est regclass) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE r numeric;
BEGIN
	EXECUTE format($q$
		WITH j AS (SELECT e.item, e.score, t.theta FROM %s e JOIN truth t USING (item)),
		rk AS (SELECT rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS rs,
					  rank() OVER (ORDER BY theta) + (count(*) OVER (PARTITION BY theta) - 1) / 2.0 AS rt FROM j)
		SELECT round(corr(rs, rt)::numeric, 4) FROM rk$q$, est) INTO r;
	RETURN r;
END $$;
EOF

printf '| set | items | comparisons | ties (mean) | workers (random) | ck-2 | ck-1000 | ml | bt_rank | noisy | bt_rank >= both ck | 95%% interval coverage (bt_rank / noisy) |\n'
printf '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n'
labeling_psql -d bt_acc -c 'CREATE TABLE results (o int, name text, seed int, items int, n int, ties bigint,
	workers text, ck2 float8, ck1000 float8, ml float8, bt float8, noisy float8, cov_bt float8, cov_noisy float8)'
# name:items:comparisons:nu:workers:spammers; every set with seeds 1..$seeds
seeds=${BT_ACC_SEEDS:-5}
o=0
for spec in \
	plain:100:300:0:1:0 plain:100:1000:0:1:0 plain:100:3000:0:1:0 \
	plain:1000:2000:0:1:0 plain:1000:5000:0:1:0 plain:1000:10000:0:1:0 \
	plain:1000:20000:0:1:0 plain:1000:50000:0:1:0 \
	ties:1000:5000:0.5:1:0 ties:1000:20000:0.5:1:0 \
	noisy:1000:5000:0.3:50:10 noisy:1000:20000:0.3:50:10
do
	o=$((o + 1))
	IFS=: read -r name items n nu workers spammers <<<"$spec"
	for s in $(seq 1 "$seeds"); do
		seed=$((1000 * o + s))
		labeling_psql -d bt_acc -At -f test/bench/bt_gen.sql -f - <<EOF >/dev/null
SET client_min_messages = warning;
DROP TABLE IF EXISTS c, truth;
SELECT pg_temp.bt_generate('c', $seed, $items, $n, $nu, $workers, $spammers);
CREATE TABLE truth AS SELECT * FROM pg_temp.bt_truth_table($seed, $items);
\copy (SELECT l, r, w FROM c WHERE w IS NOT NULL ORDER BY k) TO '$work/decisive.csv' WITH (FORMAT csv)
EOF
		"$work/bt_refmm" 2 <"$work/decisive.csv" >"$work/ck2.csv"
		"$work/bt_refmm" 1000 <"$work/decisive.csv" >"$work/ck1000.csv"
		labeling_psql -d bt_acc -At -f "$work/spearman.sql" -f - <<EOF
SET client_min_messages = warning;
DROP TABLE IF EXISTS ck2, ck1000, ml, bt, noisy;
CREATE TABLE ck2 (item text, score float8);
CREATE TABLE ck1000 (item text, score float8);
\copy ck2 FROM '$work/ck2.csv' WITH (FORMAT csv)
\copy ck1000 FROM '$work/ck1000.csv' WITH (FORMAT csv)
CREATE TABLE m AS SELECT labeling.bt_rank(l, r, w) AS m,
	CASE WHEN $workers > 1 THEN labeling.bt_rank(l, r, w, worker) END AS mn FROM c;
CREATE TABLE ml AS SELECT item, score FROM labeling.bt_scores((SELECT labeling.bt_fit(m, prior => 0) FROM m));
CREATE TABLE bt AS SELECT item, score, lower, upper FROM labeling.bt_scores((SELECT m FROM m));
CREATE TABLE noisy AS SELECT item, score, lower, upper FROM labeling.bt_scores((SELECT mn FROM m)) WHERE (SELECT mn FROM m) IS NOT NULL;
WITH shift AS (SELECT avg(bt.score - t.theta) AS d FROM bt JOIN truth t USING (item)),
nshift AS (SELECT avg(noisy.score - t.theta) AS d FROM noisy JOIN truth t USING (item))
INSERT INTO results SELECT $o, '$name', $seed, $items, $n, (SELECT count(*) FILTER (WHERE w IS NULL) FROM c),
	CASE WHEN $workers > 1 THEN '$workers ($spammers)' ELSE '-' END,
	pg_temp.spearman('ck2'), pg_temp.spearman('ck1000'), pg_temp.spearman('ml'), pg_temp.spearman('bt'),
	pg_temp.spearman('noisy'),
	(SELECT avg((t.theta + shift.d BETWEEN bt.lower AND bt.upper)::int) FROM bt JOIN truth t USING (item), shift),
	(SELECT avg((t.theta + nshift.d BETWEEN noisy.lower AND noisy.upper)::int) FROM noisy JOIN truth t USING (item), nshift);
DROP TABLE m;
EOF
	done
done
labeling_psql -d bt_acc -At -f - <<EOF
SELECT '| ' || name || ' | ' || items || ' | ' || n || ' | ' || round(avg(ties)) || ' | ' || min(workers) || ' | '
	   || round(avg(ck2)::numeric, 4) || ' | ' || round(avg(ck1000)::numeric, 4) || ' | '
	   || round(avg(ml)::numeric, 4) || ' | ' || round(avg(bt)::numeric, 4) || ' | '
	   || coalesce(round(avg(noisy)::numeric, 4)::text, '-') || ' | '
	   || count(*) FILTER (WHERE bt >= greatest(ck2, ck1000)) || '/' || count(*) || ' | '
	   || round(100 * avg(cov_bt)::numeric, 1) || '% / '
	   || coalesce(round(100 * avg(cov_noisy)::numeric, 1) || '%', '-') || ' |'
FROM results GROUP BY o, name, items, n ORDER BY o;
EOF

printf '\nurbano-musicsim-pairwise, agreement with the reference ranking (pooled over 11 queries):\n\n'
data=test/data/urbano-musicsim-pairwise
ref=test/data/reference/crowdkit-1.4.1/urbano-musicsim-pairwise
# decisive rows in file order, for bt_refmm
awk -F, 'NR > 1 && $4 != "" && $4 != "=" { print $2 "," $3 "," $4 }' "$data/comparisons.csv" >"$work/urbano.csv"
"$work/bt_refmm" 2 <"$work/urbano.csv" >"$work/u2.csv"
"$work/bt_refmm" 1000 <"$work/urbano.csv" >"$work/u1000.csv"
labeling_psql -d bt_acc -At -f - <<EOF
CREATE TABLE ucmp (worker text, l text, r text, label text);
\copy ucmp FROM '$data/comparisons.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE uref (item text, grp int);
\copy uref FROM '$data/reference_ranking.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE u2 (item text, score float8);
\copy u2 FROM '$work/u2.csv' WITH (FORMAT csv)
CREATE TABLE u1000 (item text, score float8);
\copy u1000 FROM '$work/u1000.csv' WITH (FORMAT csv)
CREATE TABLE ck_u2 (item text, score float8);
\copy ck_u2 FROM '$ref/bt_scores.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE ck_u1000 (item text, score float8);
\copy ck_u1000 FROM '$ref/bt_converged_scores.csv' WITH (FORMAT csv, HEADER true)
SELECT 'bt_refmm vs Crowd-Kit reference files: max |difference| 2 iterations '
	   || (SELECT max(abs(a.score - b.score)) FROM u2 a JOIN ck_u2 b USING (item))
	   || ', 1000 iterations ' || (SELECT max(abs(a.score - b.score)) FROM u1000 a JOIN ck_u1000 b USING (item));
CREATE FUNCTION pg_temp.agree(est regclass, OUT spearman numeric, OUT kendall numeric) LANGUAGE plpgsql AS \$\$
BEGIN
	EXECUTE format(\$q\$
		WITH s AS (SELECT e.item, e.score, -r.grp AS g FROM %s e JOIN uref r USING (item)),
		rk AS (SELECT rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS rs,
					  rank() OVER (ORDER BY g) + (count(*) OVER (PARTITION BY g) - 1) / 2.0 AS rg FROM s),
		p AS (SELECT sign(a.score - b.score) AS ds, sign(a.g - b.g) AS dg FROM s a JOIN s b ON a.item < b.item)
		SELECT round(corr(rs, rg)::numeric, 3),
			   (SELECT round((sum(ds * dg) / sqrt(sum(abs(ds)) * sum(abs(dg))))::numeric, 3) FROM p)
		FROM rk\$q\$, est) INTO spearman, kendall;
END \$\$;
CREATE TABLE u_bt_decisive AS SELECT item, score FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, label) FROM ucmp WHERE label <> '='));
CREATE TABLE u_bt_ties AS SELECT item, score FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, NULLIF(label, '=')) FROM ucmp WHERE label IS NOT NULL));
CREATE TABLE u_bt_noisy AS SELECT item, score FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, NULLIF(label, '='), worker) FROM ucmp WHERE label IS NOT NULL));
SELECT '';
SELECT '| method | Spearman | Kendall tau-b |';
SELECT '|---|---:|---:|';
SELECT '| ' || m || ' | ' || a.spearman || ' | ' || a.kendall || ' |' FROM (VALUES
	(1, 'Crowd-Kit BradleyTerry defaults (2 iterations; bt_refmm)', 'u2'),
	(2, 'Crowd-Kit BradleyTerry 1000 iterations (bt_refmm)', 'u1000'),
	(3, 'bt_rank, ties dropped (same input as Crowd-Kit)', 'u_bt_decisive'),
	(4, 'bt_rank, ties modelled (Davidson)', 'u_bt_ties'),
	(5, 'bt_rank, noisy workers', 'u_bt_noisy')) v(o, m, t),
	LATERAL pg_temp.agree(t::regclass) a ORDER BY o;
EOF
