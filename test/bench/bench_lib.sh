#!/usr/bin/env bash
# test/bench/bench_lib.sh - sourced by the benchmark scripts: the method files, and the median.
#
# A method file (test/bench/<feature>.bench, test/bench/<feature>.accuracy) holds one method per
# line, "name | SQL"; lines starting with # and blank lines are skipped.  The name ends at the
# first " | ", so the SQL may contain "|" and "||".

# bench_read_methods <filter> <file>...: append every method of the files, in order, to the arrays
# method_names and method_sqls; with a non-empty filter (a grep -E pattern) only the methods whose
# name matches.  A malformed line is an error (exit status 2).
bench_read_methods() {
	local filter=$1 f line name
	shift
	for f in "$@"; do
		[ -e "$f" ] || continue
		while IFS= read -r line || [ -n "$line" ]; do
			[[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
			if [[ "$line" != *" | "* ]]; then
				echo "$f: not a 'name | SQL' line: $line" >&2
				exit 2
			fi
			name="${line%% | *}"
			name="${name%"${name##*[![:space:]]}"}"
			[ -n "$filter" ] && ! grep -Eq -- "$filter" <<<"$name" && continue
			method_names+=("$name")
			method_sqls+=("${line#* | }")
		done <"$f"
	done
}

# median <number>...: the median of the numbers (the mean of the middle two for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
