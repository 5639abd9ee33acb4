# Makefile for the labeling extension (PGXS)
#
#   make && make install            build and install into the PostgreSQL of $(PG_CONFIG)
#                                   (the manuals of docs/ too)
#   make installcheck               pg_regress against a running server (PGHOST/PGPORT/PGUSER)
#   make prove_installcheck         TAP tests under test/t (they start their own servers)
#   make bench / make accuracy      benchmark and accuracy harnesses (test/bench/)
#
# The whole suite on a fresh machine: ./test/run_all.sh (see README.md and
# DEVELOPER.md).

EXTENSION = labeling
EXTVERSION := $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = labeling
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
PGFILEDESC = "labeling - crowdsourced data labeling inside PostgreSQL"

# The install script of the current version is built from the ordered SQL
# sources in src/sql/.  The install scripts of released versions
# (src/sql/labeling--X.Y.Z.sql, frozen as released) and the hand-written
# upgrade scripts (src/sql/labeling--A--B.sql) ship as they are.
SQL_SOURCES = $(sort $(wildcard src/sql/[0-9][0-9]_*.sql))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out src/sql/$(EXTENSION)--$(EXTVERSION).sql,$(wildcard src/sql/$(EXTENSION)--*.sql))

# The manuals, installed into $(pg_config --docdir)/extension/, a directory
# every extension shares: hence the labeling- prefix of their names.
DOCS = $(sort $(wildcard docs/labeling-*.md))

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

PG_CPPFLAGS = -DLABELING_VERSION="\"$(EXTVERSION)\""
SHLIB_LINK = -lm

EXTRA_CLEAN = $(DATA_built) test/bench/gen_crowd

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(DATA_built): $(SQL_SOURCES) $(EXTENSION).control
	cat $(SQL_SOURCES) > $@

# Every object depends on the shared header.
$(OBJS): $(wildcard src/*.h)

# TAP tests need PostgreSQL::Test::Cluster, shipped with the server headers.
PROVE ?= prove
PROVE_FLAGS += -I $(dir $(PGXS))../../src/test/perl -I test/perl
prove_installcheck:
	PATH="$(bindir):$$PATH" PG_REGRESS="$(dir $(PGXS))../../src/test/regress/pg_regress" \
	TESTDIR="$(CURDIR)" $(PROVE) $(PROVE_FLAGS) test/t/*.pl

bench:
	test/bench/bench.sh

accuracy:
	test/bench/accuracy.sh

.PHONY: prove_installcheck bench accuracy
