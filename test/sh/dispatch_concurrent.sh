#!/usr/bin/env bash
# test/sh/dispatch_concurrent.sh - 16 simulated workers fetch and submit at
# once (pgbench, one client per worker, for DISPATCH_SECONDS, default 20;
# test/bench/dispatch_bench.sh runs the same load for a minute).
#
# Each client logs in as the application role dispatch_app and acts as its
# worker through SET ROLE; it alternates next_tasks(worker, project, 1) and
# submit(), abandons 3% of its tasks (they expire after 3 s and are
# reclaimed by later dispatches), and writes every submit that succeeded
# into a ledger after its commit.  Any error other than a submit arriving
# after its assignment expired aborts the client and fails the test.
# Afterwards (test/bench/dispatch_check.sql):
#   * no lost submission (every ledger entry is stored under its assignment)
#     and nothing stored that no client saw succeed;
#   * no duplicate judgment, no regular task over max_overlap, no open task
#     with more issued assignments than it still needs, no assignment of a
#     task the worker had judged or held, no submitted assignment without
#     its judgment;
#   * task_state and worker_state equal a recomputation (rebuild()).
# Runs against the cluster of test/run_all.sh (PGHOST, PGPORT, PGUSER).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PSQL="${PG_BINDIR:+$PG_BINDIR/}psql"
PGBENCH="${PG_BINDIR:+$PG_BINDIR/}pgbench"
seconds=${DISPATCH_SECONDS:-20}
workers=16
db=dispatch_concurrent
work=$(mktemp -d)
cleanup() {
	"$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	"$PSQL" -X -q -d postgres -At -c "SELECT format('DROP ROLE %I;', rolname) FROM pg_roles
		WHERE rolname ~ '^dispatch_(w[0-9]+|app)$' ORDER BY rolname DESC" 2>/dev/null |
		"$PSQL" -X -q -d postgres >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup
work=$(mktemp -d)
"$PSQL" -X -q -d postgres -c "CREATE DATABASE $db"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" -v tasks=3000 -v golden=150 -v workers=$workers -v ttl='3 seconds' \
	-f "$here/bench/dispatch_setup.sql"

"$PGBENCH" -n -U dispatch_app -c $workers -j 2 -T "$seconds" -D workers=$workers -D abandon=3 \
	-D ledger=1 -D phase=0 -D role=0 -D aid=0 -D truth=1 -D jid=0 -f "$here/bench/dispatch_cycle.pgbench" "$db" \
	>"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out"; fail "pgbench failed"; }
cat "$work/pgbench.out"
! grep -q 'aborted' "$work/pgbench.out" || fail "a client was aborted"

"$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$db" -f "$here/bench/dispatch_check.sql" >"$work/check.out"
cat "$work/check.out"
value() { sed -n "s/^$1 //p" "$work/check.out"; }
for k in lost_submissions unreported_judgments duplicate_judgments over_max_overlap over_assigned \
		 assigned_off assignments_on_complete assigned_after_judging held_twice submitted_mismatch \
		 task_state_diff worker_state_diff; do
	[ "$(value $k)" = 0 ] || fail "$k is $(value $k)"
done
[ "$(value judgments)" = "$(value ledger)" ] || fail "judgments and ledger differ"
[ "$(value judgments)" -ge 200 ] || fail "too little work done: $(value judgments) judgments"
[ "$(value expired)" -gt 0 ] || fail "no assignment expired and was reclaimed"
[ "$(value golden_judgments)" -gt 0 ] || fail "no golden task was handed out"
echo "dispatch_concurrent: ok"
