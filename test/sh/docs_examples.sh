#!/usr/bin/env bash
# test/sh/docs_examples.sh - the documentation runs:
#   * every SQL example of README.md and docs/*.md runs, file by file, each in
#     a fresh database, and prints the output the documentation shows
#     (test/docs_examples.pl; the convention is in DEVELOPER.md);
#   * every link (of those files and of DEVELOPER.md) to a file of the clone
#     or to a heading leads somewhere;
#   * every function, aggregate, type, table, view and setting of the
#     extension is named in docs/labeling-reference.md.
# Runs against the cluster of test/run_all.sh (PGHOST, PGPORT, PGUSER).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
PSQL="${PG_BINDIR:+$PG_BINDIR/}psql"
status=0

perl "$root/test/docs_examples.pl" || status=1

# the objects of the extension, by name
db=docs_objects
"$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
names=$("$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<'EOF'
CREATE EXTENSION labeling;
LOAD 'labeling';			-- defines the settings
WITH member AS (
	SELECT d.classid, d.objid
	FROM pg_depend d
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'labeling')
)
SELECT p.proname FROM member m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
UNION
SELECT t.typname FROM member m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
UNION
SELECT c.relname FROM member m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
WHERE c.relkind IN ('r', 'v', 'm', 'p')
UNION
SELECT s.name FROM pg_settings s WHERE s.name LIKE 'labeling.%'
ORDER BY 1;
EOF
)
"$PSQL" -X -q -d postgres -c "DROP DATABASE $db"

count=0
missing=()
for name in $names; do
	count=$((count + 1))
	# named in code: `name`, `name(...)`, `labeling.name`
	grep -Eq "\`(labeling\.)?${name//./\\.}[\`( ]" "$root/docs/labeling-reference.md" || missing+=("$name")
done
if [ "$count" -lt 100 ]; then
	echo "FAIL: only $count objects of the extension found"
	status=1
elif [ ${#missing[@]} -gt 0 ]; then
	echo "FAIL: docs/labeling-reference.md does not name: ${missing[*]}"
	status=1
else
	echo "ok     every one of the $count objects of the extension is named in docs/labeling-reference.md"
fi
exit $status
