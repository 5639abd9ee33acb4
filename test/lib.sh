#!/usr/bin/env bash
# test/lib.sh - shared set-up for the demo, the test suite and the benchmarks.
#
# Sourced, not run.  Provides:
#   labeling_install_deps   apt-get install what is missing (as root)
#   labeling_build          build with warnings as errors and install the extension
#   labeling_cluster_start  start a throwaway cluster as the postgres user in a
#                           mktemp -d work area; exports PGHOST/PGPORT/PGUSER
#   labeling_cluster_stop   stop it and remove the work area (also run on exit)
#
# Environment:
#   PG_CONFIG            pg_config of the PostgreSQL to build against and run
#                        (default: the machine's PostgreSQL 15)
#   LABELING_SKIP_DEPS=1 do not call apt-get (packages already installed)
#   LABELING_PG_CONF     extra lines for postgresql.conf of the throwaway cluster

set -euo pipefail

LABELING_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LABELING_ROOT
: "${PG_CONFIG:=/usr/lib/postgresql/15/bin/pg_config}"
export PG_CONFIG

LABELING_PACKAGES=(postgresql-15 postgresql-server-dev-15 postgresql-15-pgtap
	postgresql-contrib build-essential libipc-run-perl perl)

labeling_log() { printf '== %s\n' "$*" >&2; }

labeling_install_deps() {
	[ "${LABELING_SKIP_DEPS:-0}" = 1 ] && return 0
	local missing=() p
	for p in "${LABELING_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		if [ "$(id -u)" != 0 ]; then
			echo "missing packages: ${missing[*]} (run as root to install them)" >&2
			return 1
		fi
		labeling_log "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
	id postgres >/dev/null 2>&1 || { echo "no postgres user after installing postgresql-15" >&2; return 1; }
}

# Build with warnings as errors, then install into $PG_CONFIG's PostgreSQL.
labeling_build() {
	local cflags="-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers"
	labeling_log "building labeling (warnings are errors)"
	make -C "$LABELING_ROOT" -s clean PG_CONFIG="$PG_CONFIG" >/dev/null
	make -C "$LABELING_ROOT" -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" PG_CFLAGS="$cflags" >/dev/null
	make -C "$LABELING_ROOT" -s install PG_CONFIG="$PG_CONFIG" >/dev/null
	PG_BINDIR=$("$PG_CONFIG" --bindir)
	export PG_BINDIR
}

# A TCP port nobody listens on (the cluster also listens on a private socket).
labeling_free_port() {
	local port
	for port in $(seq $((50000 + RANDOM % 10000)) 65000); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

labeling_cluster_start() {
	PG_BINDIR=$("$PG_CONFIG" --bindir)
	export PG_BINDIR
	LABELING_WORK=$(mktemp -d /tmp/labeling.XXXXXX)
	export LABELING_WORK
	chmod 755 "$LABELING_WORK"
	chown postgres: "$LABELING_WORK"
	trap labeling_cluster_stop EXIT
	local port
	port=$(labeling_free_port)
	labeling_log "starting a throwaway cluster in $LABELING_WORK on port $port"
	# the postgres user may not enter the current directory: run from the work area
	(cd "$LABELING_WORK" && runuser -u postgres -- "$PG_BINDIR/initdb" -D "$LABELING_WORK/data" \
		-A trust -U postgres -E UTF8 --locale=C.UTF-8) >"$LABELING_WORK/initdb.log" 2>&1 ||
		{ cat "$LABELING_WORK/initdb.log" >&2; return 1; }
	{
		echo "port = $port"
		echo "listen_addresses = '127.0.0.1'"
		echo "unix_socket_directories = '$LABELING_WORK'"
		echo "fsync = off"
		echo "max_connections = 60"
		echo "${LABELING_PG_CONF:-}"
	} >>"$LABELING_WORK/data/postgresql.conf"
	(cd "$LABELING_WORK" && runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$LABELING_WORK/data" \
		-l "$LABELING_WORK/server.log" -w start) >/dev/null ||
		{ cat "$LABELING_WORK/server.log" >&2; return 1; }
	export PGHOST="$LABELING_WORK" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
}

labeling_cluster_stop() {
	if [ -n "${LABELING_WORK:-}" ] && [ -d "$LABELING_WORK" ]; then
		if [ -f "$LABELING_WORK/data/postmaster.pid" ]; then
			(cd / && runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$LABELING_WORK/data" -m fast -w stop) \
				>/dev/null 2>&1 || true
		fi
		rm -rf "$LABELING_WORK"
		LABELING_WORK=
	fi
}

# psql with the settings every script wants.
labeling_psql() {
	"$PG_BINDIR/psql" -X -v ON_ERROR_STOP=1 -q "$@"
}
