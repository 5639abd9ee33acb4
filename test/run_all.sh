#!/usr/bin/env bash
# test/run_all.sh - the whole test suite on a fresh Debian 12 machine, as root.
#
# Installs what is missing, builds with warnings as errors, installs the
# extension, starts a throwaway cluster, then runs
#   1. pg_regress (make installcheck) against it: one result per sql/*.sql;
#   2. every shell test test/sh/*.sh against it (exit status 0 = pass);
#   3. every TAP test test/t/*.pl (they start their own clusters);
# and ends with a plain "N passed, N failed" line (exit status 1 on failure).
#
# Usage: ./test/run_all.sh [name-filter]   (a filter runs only matching tests)
source "$(dirname "$0")/lib.sh"

filter=${1:-}
passed=0
failed=0
failures=()

record() {		# record <name> <status>
	if [ "$2" = 0 ]; then
		passed=$((passed + 1))
		printf 'ok     %s\n' "$1"
	else
		failed=$((failed + 1))
		failures+=("$1")
		printf 'FAILED %s\n' "$1"
	fi
}

labeling_install_deps
labeling_build
labeling_cluster_start
cd "$LABELING_ROOT"

# 1. pg_regress
regress=$(ls sql/*.sql | sed 's|sql/\(.*\)\.sql|\1|' | grep -e "$filter" || true)
if [ -n "$regress" ]; then
	labeling_log "pg_regress: $(echo $regress | wc -w) tests"
	rm -rf results regression.diffs regression.out
	set +e
	make -s installcheck PG_CONFIG="$PG_CONFIG" REGRESS="$(echo $regress)" >"$LABELING_WORK/regress.log" 2>&1
	set -e
	for t in $regress; do
		if grep -Eq "^(not )?ok [0-9]+ +- $t |^test $t +\.\.\. ok|^ +$t +\.\.\. ok" "$LABELING_WORK/regress.log"; then
			if grep -Eq "^not ok [0-9]+ +- $t |^test $t +\.\.\. FAILED|^ +$t +\.\.\. FAILED" "$LABELING_WORK/regress.log"; then
				record "regress/$t" 1
			else
				record "regress/$t" 0
			fi
		else
			record "regress/$t" 1
		fi
	done
	if [ -s regression.diffs ]; then
		labeling_log "regression.diffs:"
		cat regression.diffs
	elif grep -q -i "error" "$LABELING_WORK/regress.log" && [ "$failed" -gt 0 ]; then
		cat "$LABELING_WORK/regress.log"
	fi
fi

# 2. shell tests against the throwaway cluster
for t in test/sh/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	echo "$name" | grep -q -e "$filter" || continue
	labeling_log "shell test $name"
	set +e
	bash "$t" >"$LABELING_WORK/$name.log" 2>&1
	status=$?
	set -e
	[ "$status" = 0 ] || tail -n 40 "$LABELING_WORK/$name.log"
	record "sh/$name" "$status"
done

# 3. TAP tests, as the postgres user (initdb refuses root) in a copy of test/
#    that postgres can read even when the clone sits under /root.
taps=$(ls test/t/*.pl 2>/dev/null | grep -e "$filter" || true)
if [ -n "$taps" ]; then
	tapdir="$LABELING_WORK/tap"
	mkdir -p "$tapdir"
	cp -r test "$tapdir/test"
	chown -R postgres: "$tapdir"
	pgxs=$("$PG_CONFIG" --pgxs)
	perlinc="$(dirname "$pgxs")/../../src/test/perl"
	for t in $taps; do
		name=$(basename "$t" .pl)
		labeling_log "TAP test $name"
		set +e
		mkdir -p "$tapdir/$name" && chown postgres: "$tapdir/$name"
		(cd "$tapdir" && runuser -u postgres -- env PATH="$PG_BINDIR:$PATH" \
			TESTDIR="$tapdir/$name" PG_CONFIG="$PG_CONFIG" LABELING_DATA="$tapdir/test/data" \
			PG_REGRESS="$(dirname "$pgxs")/../../src/test/regress/pg_regress" \
			prove -I "$perlinc" -I test/perl "test/t/$name.pl") >"$LABELING_WORK/$name.tap.log" 2>&1
		status=$?
		set -e
		if [ "$status" != 0 ]; then
			tail -n 40 "$LABELING_WORK/$name.tap.log"
			for f in "$tapdir/$name"/tmp_check/log/*; do
				[ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
			done
		fi
		record "tap/$name" "$status"
	done
fi

echo
[ "$failed" = 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
