-- ---------------------------------------------------------------------------
-- Truth inference: dawid_skene_agg, one_coin_agg, glad_agg, wawa_agg
--
-- Each aggregate takes (task, worker, label [, gold_label [, options]]) with
-- task and worker keys of type bigint or text (all four combinations) and
-- returns a truth_model; the readers below turn a model into rows.  All
-- aggregates share one transition/combine/serialize/deserialize set (the
-- state is the judgments); EM runs in the final function.
-- ---------------------------------------------------------------------------

-- the model type
CREATE TYPE @extschema@.truth_model;

CREATE FUNCTION labeling_internal.truth_model_in(cstring) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_model_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.truth_model_out(@extschema@.truth_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'truth_model_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.truth_model_recv(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_model_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.truth_model_send(@extschema@.truth_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'truth_model_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.truth_model (
	INPUT = labeling_internal.truth_model_in,
	OUTPUT = labeling_internal.truth_model_out,
	RECEIVE = labeling_internal.truth_model_recv,
	SEND = labeling_internal.truth_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.truth_model IS
	'a fitted truth-inference model: posteriors per task, skills per worker, class priors and diagnostics; text form is JSON';
COMMENT ON FUNCTION labeling_internal.truth_model_in(cstring) IS 'truth_model text input';
COMMENT ON FUNCTION labeling_internal.truth_model_out(@extschema@.truth_model) IS 'truth_model text output';
COMMENT ON FUNCTION labeling_internal.truth_model_recv(internal) IS 'truth_model binary input';
COMMENT ON FUNCTION labeling_internal.truth_model_send(@extschema@.truth_model) IS 'truth_model binary output';

-- options
CREATE TYPE @extschema@.truth_options AS (
	max_iterations integer,
	tolerance double precision,
	smoothing double precision,
	warm_start @extschema@.truth_model,
	crowdkit_compat boolean
);
COMMENT ON TYPE @extschema@.truth_options IS
	'options of the truth-inference aggregates; NULL fields take the defaults (build it with labeling.truth_options(...))';

-- not STRICT: a NULL argument leaves that option at its default
CREATE FUNCTION @extschema@.truth_options(
		max_iterations integer DEFAULT NULL,
		tolerance double precision DEFAULT NULL,
		smoothing double precision DEFAULT NULL,
		warm_start @extschema@.truth_model DEFAULT NULL,
		crowdkit_compat boolean DEFAULT false)
	RETURNS @extschema@.truth_options
	AS 'MODULE_PATHNAME', 'truth_options_make'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_options(integer, double precision, double precision, @extschema@.truth_model, boolean) IS
	'checked options for dawid_skene_agg, one_coin_agg and glad_agg: max_iterations, tolerance, smoothing, warm_start, crowdkit_compat';

-- support functions shared by all truth-inference aggregates

-- not STRICT: rows with a NULL task, worker or label are skipped inside
CREATE FUNCTION labeling_internal.truth_transfn(internal, bigint, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, bigint, bigint, text) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, bigint, bigint, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, bigint, bigint, text, text) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, bigint, bigint, text, text, @extschema@.truth_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, bigint, bigint, text, text, @extschema@.truth_options) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, text, text, text) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, text, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, text, text, text, text) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, text, text, text, text, @extschema@.truth_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, text, text, text, text, @extschema@.truth_options) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, bigint, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, bigint, text, text) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, bigint, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, bigint, text, text, text) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, bigint, text, text, text, @extschema@.truth_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, bigint, text, text, text, @extschema@.truth_options) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, text, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, text, bigint, text) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, text, bigint, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, text, bigint, text, text) IS 'aggregate transition function';
CREATE FUNCTION labeling_internal.truth_transfn(internal, text, bigint, text, text, @extschema@.truth_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_transfn(internal, text, bigint, text, text, @extschema@.truth_options) IS 'aggregate transition function';
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION labeling_internal.truth_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.truth_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'truth_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.truth_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION labeling_internal.truth_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION labeling_internal.truth_deserialize(bytea, internal) IS 'aggregate deserialize function';

-- final functions: STABLE because unset options follow the labeling.* settings;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION labeling_internal.truth_dawid_skene_finalfn(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_dawid_skene_finalfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_dawid_skene_finalfn(internal) IS 'aggregate final function';
CREATE FUNCTION labeling_internal.truth_one_coin_finalfn(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_one_coin_finalfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_one_coin_finalfn(internal) IS 'aggregate final function';
CREATE FUNCTION labeling_internal.truth_glad_finalfn(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_glad_finalfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_glad_finalfn(internal) IS 'aggregate final function';
CREATE FUNCTION labeling_internal.truth_wawa_finalfn(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_wawa_finalfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.truth_wawa_finalfn(internal) IS 'aggregate final function';

-- dawid_skene_agg
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker bigint, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, bigint, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker bigint, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, bigint, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, bigint, text, text, @extschema@.truth_options) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker text, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker text, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, text, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, text, text, text, @extschema@.truth_options) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker text, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker text, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, text, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, text, text, text, @extschema@.truth_options) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker bigint, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, bigint, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker bigint, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, bigint, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_dawid_skene_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, bigint, text, text, @extschema@.truth_options) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';

-- one_coin_agg
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker bigint, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, bigint, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker bigint, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, bigint, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, bigint, text, text, @extschema@.truth_options) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker text, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker text, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, text, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, text, text, text, @extschema@.truth_options) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker text, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker text, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, text, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, text, text, text, @extschema@.truth_options) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker bigint, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, bigint, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker bigint, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, bigint, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_one_coin_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, bigint, text, text, @extschema@.truth_options) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';

-- glad_agg
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker bigint, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, bigint, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker bigint, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, bigint, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, bigint, text, text, @extschema@.truth_options) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker text, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker text, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, text, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, text, text, text, @extschema@.truth_options) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker text, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker text, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, text, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, text, text, text, @extschema@.truth_options) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker bigint, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, bigint, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker bigint, label text, gold_label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, bigint, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_glad_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, bigint, text, text, @extschema@.truth_options) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';

-- wawa_agg
CREATE AGGREGATE @extschema@.wawa_agg(task bigint, worker bigint, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_wawa_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.wawa_agg(bigint, bigint, text) IS
	'Wawa: majority vote weighted by each worker''s agreement with the majority';
CREATE AGGREGATE @extschema@.wawa_agg(task text, worker text, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_wawa_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.wawa_agg(text, text, text) IS
	'Wawa: majority vote weighted by each worker''s agreement with the majority';
CREATE AGGREGATE @extschema@.wawa_agg(task bigint, worker text, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_wawa_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.wawa_agg(bigint, text, text) IS
	'Wawa: majority vote weighted by each worker''s agreement with the majority';
CREATE AGGREGATE @extschema@.wawa_agg(task text, worker bigint, label text) (
	SFUNC = labeling_internal.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.truth_wawa_finalfn,
	COMBINEFUNC = labeling_internal.truth_combine,
	SERIALFUNC = labeling_internal.truth_serialize, DESERIALFUNC = labeling_internal.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.wawa_agg(text, bigint, text) IS
	'Wawa: majority vote weighted by each worker''s agreement with the majority';

-- readers
CREATE FUNCTION @extschema@.truth_tasks(model @extschema@.truth_model,
		OUT task text, OUT label text, OUT confidence double precision,
		OUT posterior @extschema@.label_dist, OUT judgments integer,
		OUT gold_label text, OUT difficulty double precision)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'truth_tasks'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.truth_tasks(@extschema@.truth_model) IS
	'one row per task (keys as text, in key order): most probable label, its probability, the posterior, judgments, gold label, GLAD difficulty';
-- not STRICT: the second argument only gives the key type and is usually NULL
CREATE FUNCTION @extschema@.truth_tasks(model @extschema@.truth_model, key_type anyelement,
		OUT task anyelement, OUT label text, OUT confidence double precision,
		OUT posterior @extschema@.label_dist, OUT judgments integer,
		OUT gold_label text, OUT difficulty double precision)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'truth_tasks'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.truth_tasks(@extschema@.truth_model, anyelement) IS
	'truth_tasks with task keys of the type of the second argument (e.g. NULL::bigint)';

CREATE FUNCTION @extschema@.truth_workers(model @extschema@.truth_model,
		OUT worker text, OUT skill double precision, OUT judgments integer,
		OUT confusion jsonb, OUT ability double precision)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'truth_workers'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.truth_workers(@extschema@.truth_model) IS
	'one row per worker (keys as text, in key order): skill, judgments, confusion matrix (true label -> answered label -> probability), GLAD ability';
-- not STRICT: the second argument only gives the key type and is usually NULL
CREATE FUNCTION @extschema@.truth_workers(model @extschema@.truth_model, key_type anyelement,
		OUT worker anyelement, OUT skill double precision, OUT judgments integer,
		OUT confusion jsonb, OUT ability double precision)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'truth_workers'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.truth_workers(@extschema@.truth_model, anyelement) IS
	'truth_workers with worker keys of the type of the second argument (e.g. NULL::bigint)';

CREATE FUNCTION @extschema@.truth_priors(model @extschema@.truth_model,
		OUT label text, OUT prior double precision)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'truth_priors'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.truth_priors(@extschema@.truth_model) IS
	'class priors of a model, labels in byte order';

CREATE FUNCTION @extschema@.truth_diagnostics(model @extschema@.truth_model,
		OUT method text, OUT iterations integer, OUT converged boolean,
		OUT objective double precision, OUT objective_history double precision[],
		OUT tasks integer, OUT workers integer, OUT judgments bigint,
		OUT labels integer, OUT gold_tasks integer,
		OUT max_iterations integer, OUT tolerance double precision,
		OUT smoothing double precision, OUT crowdkit_compat boolean)
	AS 'MODULE_PATHNAME', 'truth_diagnostics'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_diagnostics(@extschema@.truth_model) IS
	'how a model was fitted: method, EM iterations, convergence, objective per iteration, sizes and settings';

CREATE FUNCTION @extschema@.truth_label(model @extschema@.truth_model, task bigint) RETURNS text
	AS 'MODULE_PATHNAME', 'truth_label'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_label(@extschema@.truth_model, bigint) IS
	'most probable label of one task (NULL if the model does not know the task)';
CREATE FUNCTION @extschema@.truth_posterior(model @extschema@.truth_model, task bigint) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'truth_posterior'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_posterior(@extschema@.truth_model, bigint) IS
	'posterior of one task (NULL if the model does not know the task)';
CREATE FUNCTION @extschema@.truth_label(model @extschema@.truth_model, task text) RETURNS text
	AS 'MODULE_PATHNAME', 'truth_label'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_label(@extschema@.truth_model, text) IS
	'most probable label of one task (NULL if the model does not know the task)';
CREATE FUNCTION @extschema@.truth_posterior(model @extschema@.truth_model, task text) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'truth_posterior'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_posterior(@extschema@.truth_model, text) IS
	'posterior of one task (NULL if the model does not know the task)';
