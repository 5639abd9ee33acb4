#!/usr/bin/env bash
# test/sh/live_notify.sh - NOTIFY on task completion, reopening, bans and
# flags: a listening psql session receives one notification per event, whose
# payload is the event_id alone (any role can LISTEN); the event read back
# from task_events / qc_events has the documented content; nothing comes
# from a rolled-back transaction; a worker's login hears the ids but cannot
# read the events.
# Runs against the cluster of test/run_all.sh (PGHOST, PGPORT, PGUSER).
set -euo pipefail
PSQL="${PG_BINDIR:+$PG_BINDIR/}psql"
db=pipeline_notify
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" <<'EOF'
CREATE EXTENSION labeling;
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence)
VALUES ('pets', '{cat,dog}', 2, 5, 0.75);
INSERT INTO labeling.workers (external_id) VALUES ('a'), ('b'), ('c');
INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 't1'), (1, 't2'), (1, 'g1'), (1, 'g2'), (1, 't3');
INSERT INTO labeling.golden_labels (task_id, label) VALUES (3, 'cat'), (4, 'dog');
INSERT INTO labeling.qc_rules (project_id, name, metric, threshold, min_count, action) VALUES
	(1, 'bound', 'golden_lower_bound', 0.3, 2, 'ban'),
	(1, 'speed', 'median_seconds', 2, 1, 'flag');
EOF

# a worker's login listens too
"$PSQL" -X -q -d "$db" -c "DROP ROLE IF EXISTS notify_worker" -c "CREATE ROLE notify_worker LOGIN IN ROLE labeling_worker"
"$PSQL" -X -d "$db" -U notify_worker >"$work/worker.out" 2>&1 <<'EOF' &
LISTEN labeling_task_complete;
LISTEN labeling_task_reopen;
LISTEN labeling_worker_ban;
LISTEN labeling_worker_flag;
SELECT pg_sleep(6);
SELECT 'done';
SELECT count(*) FROM labeling.task_events;
SELECT count(*) FROM labeling.qc_events;
EOF
worker_listener=$!

# the listener: LISTEN, wait while the events happen, then report them
# (notifications reach the client in commit order)
"$PSQL" -X -d "$db" >"$work/listen.out" 2>&1 <<'EOF' &
LISTEN labeling_task_complete;
LISTEN labeling_task_reopen;
LISTEN labeling_worker_ban;
LISTEN labeling_worker_flag;
SELECT pg_sleep(6);
SELECT 'done';
EOF
listener=$!
sleep 2

"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" <<'EOF'
-- t1 completes: a and b say cat (4/5 >= 0.75 with two judgments)
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (1, 1, 'cat', '5s'), (1, 2, 'cat', '6s');
-- a rolled-back completion of t2 sends nothing
BEGIN;
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (2, 1, 'dog', '5s'), (2, 2, 'dog', '6s');
ROLLBACK;
-- c is fast: flagged at once
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (5, 3, 'dog', '1s');
-- b misses a golden task: b's skill falls to 1/2, a coin flip, and t1
-- (2/3 now) reopens; b misses the second: banned (t1 stays open)
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (3, 2, 'dog', '5s');
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (4, 2, 'cat', '5s');
-- lifting the ban by hand is an event too
SELECT (labeling.set_worker_status(1, 2, 'active', 'appeal')).event_id IS NOT NULL;
EOF
wait "$listener"
wait "$worker_listener"

# psql prints: Asynchronous notification "<channel>" with payload "<json>" received from server process with PID <n>.
grep '^Asynchronous notification' "$work/listen.out" |
	sed -E 's/^Asynchronous notification "([a-z_]+)" with payload "(.*)" received from server process with PID [0-9]+\.$/\1\t\2/' \
	>"$work/events.tsv"
cat "$work/events.tsv"
# the events, read back as their listener would
"$PSQL" -X -q -A -t -d "$db" >"$work/rows.tsv" <<'EOF'
SELECT 'task', event_id, to_jsonb(e) - 'created_at' - 'event_id' FROM labeling.task_events e
UNION ALL
SELECT 'worker', event_id, to_jsonb(e) - 'created_at' - 'evidence' - 'created_by' FROM labeling.qc_events e;
EOF
python3 - "$work/events.tsv" "$work/rows.tsv" <<'EOF' || fail "notifications are not as documented"
import json, sys
events = [line.rstrip('\n').split('\t', 1) for line in open(sys.argv[1])]
rows = {}
for line in open(sys.argv[2]):
    kind, eid, row = line.rstrip('\n').split('|', 2)
    rows[(kind, int(eid))] = json.loads(row)
for ch, p in events:
    assert p.isdigit(), 'payload is not an event id: %r' % p
got = [(ch, rows[('task' if ch.startswith('labeling_task') else 'worker', int(p))]) for ch, p in events]
def take(channel, **fields):
    for i, (ch, p) in enumerate(got):
        if ch == channel and all(p.get(k) == v for k, v in fields.items()):
            return got.pop(i)[1]
    sys.exit('missing %s %s in %s' % (channel, fields, events))
c1 = take('labeling_task_complete', task_id=1, project_id=1, status='complete', label='cat', judgments=2)
assert abs(c1['confidence'] - 0.8) < 1e-12, c1
f = take('labeling_worker_flag', worker_id=3, project_id=1, action='flag', metric='median_seconds')
assert f['value'] == 1 and f['threshold'] == 2 and isinstance(f['event_id'], int) and f['rule_id'] == 2, f
b = take('labeling_worker_ban', worker_id=2, project_id=1, action='ban', metric='golden_lower_bound', rule_id=1)
assert b['value'] < 0.3, b
r = take('labeling_task_reopen', task_id=1, status='open', judgments=2, label='cat')
assert abs(r['confidence'] - 2 / 3) < 1e-12, r
u = take('labeling_worker_ban', worker_id=2, project_id=1, action='unban', rule_id=None)
if got:
    sys.exit('unexpected notifications: %s' % got)
print('payloads ok')
EOF
cat "$work/worker.out"
# the worker heard the same ids and nothing else, and cannot read the events
[ "$(grep -c '^Asynchronous notification' "$work/worker.out")" = "$(wc -l <"$work/events.tsv")" ] ||
	fail "the worker's login did not hear the same notifications"
if grep '^Asynchronous notification' "$work/worker.out" | grep -qv 'with payload "[0-9]*" received'; then
	fail "a worker's notification carries more than an event id"
fi
[ "$(grep -c 'permission denied for table' "$work/worker.out")" = 2 ] ||
	fail "a worker can read task_events or qc_events"

"$PSQL" -X -q -d postgres -c "DROP DATABASE $db" -c "DROP ROLE notify_worker"
echo "pipeline_notify: ok"
