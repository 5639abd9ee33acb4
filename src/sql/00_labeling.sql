-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION labeling" to load this file. \quit

-- ---------------------------------------------------------------------------
-- The extension's two schemas and its version.
--
-- labeling holds what users call: types, aggregates, functions, tables and
-- views.  labeling_internal holds the support functions nobody calls by hand
-- (type I/O, aggregate transition/combine/serialize/final functions, trigger
-- functions and the live pipeline's helpers), so that \df labeling.* lists
-- what a user calls.  Both are created by the extension and dropped with it.
-- ---------------------------------------------------------------------------

COMMENT ON SCHEMA @extschema@ IS
	'labeling extension: crowdsourced data labeling (types, aggregates, the labeling operation''s tables, views and functions)';
CREATE SCHEMA labeling_internal;
COMMENT ON SCHEMA labeling_internal IS
	'labeling extension: internal support functions (type I/O, aggregate support, triggers, live pipeline helpers); nothing to call by hand';

CREATE FUNCTION @extschema@.version() RETURNS text
	AS 'MODULE_PATHNAME', 'labeling_version'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.version() IS
	'version of the loaded labeling library (pg_extension.extversion is the version of the SQL objects)';
