#!/usr/bin/env bash
# test/demo.sh - the main job on a fresh Debian 12 machine, as root:
# install what is missing, build (warnings are errors) and install the
# extension, start a throwaway PostgreSQL 15 cluster, load a bundled real crowd
# dataset with gold labels into the extension's schema, run every aggregator,
# print accuracy per method, the first labels with their confidence and the
# best and worst workers, then stop the cluster and remove it.
#
# Usage: ./test/demo.sh [dataset]   (default: gal-adult2; any folder of test/data)
source "$(dirname "$0")/lib.sh"

dataset=${1:-gal-adult2}
data="$LABELING_ROOT/test/data/$dataset"
[ -f "$data/judgments.csv" ] || { echo "no dataset $dataset under test/data" >&2; exit 1; }

labeling_install_deps
labeling_build
labeling_cluster_start
labeling_psql -d postgres -c 'CREATE DATABASE labeling_demo'
labeling_log "dataset $dataset: $(($(wc -l <"$data/judgments.csv") - 1)) judgments"
cd "$LABELING_ROOT"
labeling_psql -d labeling_demo -v dataset="$dataset" \
	-c 'CREATE TEMP TABLE raw_judgments (task text, worker text, label text)' \
	-c 'CREATE TEMP TABLE raw_gold (task text, label text)' \
	-c "\\copy raw_judgments FROM '$data/judgments.csv' WITH (FORMAT csv, HEADER true)" \
	-c "\\copy raw_gold FROM '$data/gold.csv' WITH (FORMAT csv, HEADER true)" \
	-f test/demo.sql
