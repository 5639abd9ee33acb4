-- labeling 0.1.0 -> 0.2.0
--
-- Every change to the extension's SQL objects since 0.1.0, in the order the
-- changes were made.  The upgrade test (test/t/004_upgrade.pl) checks that a
-- 0.1.0 database updated with this script has the catalog of a fresh 0.2.0
-- install and keeps every row.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION labeling UPDATE TO '0.2.0'" to load this file. \quit
