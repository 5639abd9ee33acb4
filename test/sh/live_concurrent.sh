#!/usr/bin/env bash
# test/sh/live_concurrent.sh - concurrent inserts from several connections
# on the same tasks lose no update.
#
# Eight psql clients insert single judgments (autocommit) on the same twelve
# tasks at once: golden answers change skills (so every task of a worker is
# recomputed), a ban rule fires, and neighbouring clients race for the same
# (task, worker) pairs, of which exactly one may win.  Two clients run
# REPEATABLE READ, where a lost race is a serialization failure instead.
# Judgments on a task that completed meanwhile are refused, as they must be.
# Afterwards:
#   * every (task, worker) pair is stored at most once, and every statement
#     that reported success is stored;
#   * no deadlock was detected;
#   * task_state and worker_state equal a recomputation (rebuild()).
# Runs against the cluster of test/run_all.sh (PGHOST, PGPORT, PGUSER).
set -euo pipefail
PSQL="${PG_BINDIR:+$PG_BINDIR/}psql"
db=pipeline_concurrent
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" <<'EOF'
CREATE EXTENSION labeling;
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence)
VALUES ('race', '{a,b,c}', 2, 100, 0.999);
INSERT INTO labeling.workers (external_id) SELECT 'w' || i FROM generate_series(1, 16) i;
INSERT INTO labeling.tasks (project_id, external_id) SELECT 1, 't' || i FROM generate_series(1, 12) i;
INSERT INTO labeling.golden_labels (task_id, label) VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO labeling.qc_rules (project_id, name, metric, threshold, min_count, action)
VALUES (1, 'bound', 'golden_lower_bound', 0.1, 3, 'ban'),
	   (1, 'agreement', 'agreement', 0.2, 4, 'flag');
EOF

# client c owns workers 2c-1 and 2c and also tries worker 2c+1 (owned by
# client c+1): every pair is attempted once or twice, in different orders
clients=8
for c in $(seq 1 "$clients"); do
	{
		if [ "$c" -ge 7 ]; then
			echo "SET default_transaction_isolation = 'repeatable read';"
		fi
		for round in 1 2; do
			for k in $(seq 1 12); do
				t=$(( (k * (c + 3) + round * 5) % 12 + 1 ))
				for w in $((2 * c - 1)) $((2 * c)) $((2 * c % 16 + 1)); do
					l=$(( (t * 7 + w * 3 + round) % 3 ))
					label=$(echo a b c | cut -d' ' -f$((l + 1)))
					echo "INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES ($t, $w, '$label', '$(( (t + w) % 9 + 1 )) s');"
				done
			done
		done
	} >"$work/client$c.sql"
done

for c in $(seq 1 "$clients"); do
	"$PSQL" -X -d "$db" -f "$work/client$c.sql" >"$work/client$c.out" 2>"$work/client$c.err" &
done
wait

ok=$(cat "$work"/client*.out | grep -c '^INSERT 0 1$' || true)
dups=$(cat "$work"/client*.err | grep -c 'judged task .* more than once' || true)
serial=$(cat "$work"/client*.err | grep -c 'could not serialize access' || true)
deadlocks=$(cat "$work"/client*.err | grep -c 'deadlock detected' || true)
complete=$(cat "$work"/client*.err | grep -c 'ERROR:  task [0-9]* ([^)]*) is complete' || true)
other=$(cat "$work"/client*.err | grep '^psql.*ERROR' |
	grep -v 'more than once\|could not serialize access\|ERROR:  task [0-9]* ([^)]*) is complete' || true)
echo "inserted $ok; refused: repeats $dups, complete tasks $complete; serialization failures $serial; deadlocks $deadlocks"
[ -z "$other" ] || fail "unexpected errors: $other"
[ "$deadlocks" = 0 ] || fail "deadlocks"
[ "$dups" -gt 0 ] || fail "the clients never raced for a pair"

"$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$db" -v ok="$ok" >"$work/check.out" <<'EOF'
SELECT 'stored ' || count(*) || ' reported ' || :ok FROM labeling.judgments;
SELECT 'repeated_pairs ' || count(*) FROM (
	SELECT task_id, worker_id FROM labeling.judgments GROUP BY 1, 2 HAVING count(*) > 1) d;
SELECT 'task_counts_off ' || count(*) FROM labeling.task_state ts
WHERE ts.n_judgments <> (SELECT count(*) FROM labeling.judgments j WHERE j.task_id = ts.task_id);
SELECT 'bans ' || count(*) FROM labeling.qc_events WHERE action = 'ban';
CREATE TEMP TABLE saved_ts AS SELECT * FROM labeling.task_state;
CREATE TEMP TABLE saved_ws AS
SELECT project_id, worker_id, n_judgments, golden_answered, golden_correct, golden_lower, golden_upper,
	   model_judgments, model_correct, skill, timed_judgments, median_seconds, last_judgment_at, status
FROM labeling.worker_state;
SELECT labeling.rebuild(1);
SELECT 'task_state_diff ' || count(*) FROM (
	(SELECT * FROM saved_ts EXCEPT SELECT * FROM labeling.task_state)
	UNION ALL (SELECT * FROM labeling.task_state EXCEPT SELECT * FROM saved_ts)) d;
SELECT 'worker_state_diff ' || count(*) FROM (
	(SELECT * FROM saved_ws
	 EXCEPT SELECT project_id, worker_id, n_judgments, golden_answered, golden_correct, golden_lower,
				   golden_upper, model_judgments, model_correct, skill, timed_judgments, median_seconds,
				   last_judgment_at, status FROM labeling.worker_state)
	UNION ALL
	(SELECT project_id, worker_id, n_judgments, golden_answered, golden_correct, golden_lower,
			golden_upper, model_judgments, model_correct, skill, timed_judgments, median_seconds,
			last_judgment_at, status FROM labeling.worker_state
	 EXCEPT SELECT * FROM saved_ws)) d;
EOF
cat "$work/check.out"
grep -qx "stored $ok reported $ok" "$work/check.out" || fail "stored judgments differ from reported successes"
grep -qx 'repeated_pairs 0' "$work/check.out" || fail "a (task, worker) pair is stored twice"
grep -qx 'task_counts_off 0' "$work/check.out" || fail "task_state counts are off"
grep -qx 'task_state_diff 0' "$work/check.out" || fail "task_state differs from a recomputation"
grep -qx 'worker_state_diff 0' "$work/check.out" || fail "worker_state differs from a recomputation"
"$PSQL" -X -q -d postgres -c "DROP DATABASE $db"
echo "pipeline_concurrent: ok"
