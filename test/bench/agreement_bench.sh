#!/usr/bin/env bash
# test/bench/agreement_bench.sh - benchmark of the worker-skill and agreement
# aggregates: each one over 10M judgments (a deterministic synthetic crowd in
# an UNLOGGED table), timed against count(*) over the same table in the same
# run (interleaved, median of the rounds), in wall time and in backend CPU
# time.  Builds and installs the extension and uses a throwaway cluster, like
# the test suite.
#
# Usage: ./test/bench/agreement_bench.sh [rows] [rounds] [parallel] [order]
#   rows      judgments (default 10000000)
#   rounds    timed rounds per aggregate (default 3)
#   parallel  max_parallel_workers_per_gather (default 0: serial)
#   order     scattered (default) or clustered (stored in task order)
source "$(dirname "$0")/../lib.sh"

rows=${1:-10000000}
rounds=${2:-3}
parallel=${3:-0}
order=${4:-scattered}

export LABELING_PG_CONF="shared_buffers = 1GB
max_parallel_workers = 4"
labeling_install_deps
labeling_build
labeling_cluster_start
labeling_psql -d postgres -c 'CREATE DATABASE labeling_bench'
labeling_psql -d labeling_bench -c 'CREATE EXTENSION labeling'
labeling_log "benchmark: $rows judgments, $rounds rounds, parallel $parallel, $order order"
cd "$LABELING_ROOT"
labeling_psql -d labeling_bench -v rows="$rows" -v runs="$rounds" -v parallel="$parallel" \
	-v order="$order" -f test/bench/agreement_bench.sql
