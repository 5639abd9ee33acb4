-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION labeling" to load this file. \quit

-- ---------------------------------------------------------------------------
-- label_dist: a probability distribution over text labels
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.label_dist;

CREATE FUNCTION @extschema@.label_dist_in(cstring) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'label_dist_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.label_dist_out(@extschema@.label_dist) RETURNS cstring
	AS 'MODULE_PATHNAME', 'label_dist_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.label_dist_recv(internal) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'label_dist_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.label_dist_send(@extschema@.label_dist) RETURNS bytea
	AS 'MODULE_PATHNAME', 'label_dist_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.label_dist (
	INPUT = @extschema@.label_dist_in,
	OUTPUT = @extschema@.label_dist_out,
	RECEIVE = @extschema@.label_dist_recv,
	SEND = @extschema@.label_dist_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.label_dist IS
	'probability distribution over text labels, written as a JSON object: {"cat": 0.75, "dog": 0.25}';

-- casts to and from jsonb
CREATE FUNCTION @extschema@.label_dist_to_jsonb(@extschema@.label_dist) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'label_dist_to_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.label_dist_from_jsonb(jsonb) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'label_dist_from_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.label_dist AS jsonb)
	WITH FUNCTION @extschema@.label_dist_to_jsonb(@extschema@.label_dist);
CREATE CAST (jsonb AS @extschema@.label_dist)
	WITH FUNCTION @extschema@.label_dist_from_jsonb(jsonb);
COMMENT ON FUNCTION @extschema@.label_dist_to_jsonb(@extschema@.label_dist) IS 'cast label_dist to jsonb';
COMMENT ON FUNCTION @extschema@.label_dist_from_jsonb(jsonb) IS 'cast a jsonb object of label probabilities to label_dist';

-- equality (the representation is canonical, so equal values are equal bytes)
CREATE FUNCTION @extschema@.label_dist_eq(@extschema@.label_dist, @extschema@.label_dist) RETURNS boolean
	AS 'MODULE_PATHNAME', 'label_dist_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.label_dist_ne(@extschema@.label_dist, @extschema@.label_dist) RETURNS boolean
	AS 'MODULE_PATHNAME', 'label_dist_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.label_dist_hash(@extschema@.label_dist) RETURNS integer
	AS 'MODULE_PATHNAME', 'label_dist_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.label_dist, RIGHTARG = @extschema@.label_dist,
	PROCEDURE = @extschema@.label_dist_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.label_dist, RIGHTARG = @extschema@.label_dist,
	PROCEDURE = @extschema@.label_dist_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.label_dist_hash_ops
	DEFAULT FOR TYPE @extschema@.label_dist USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.label_dist, @extschema@.label_dist),
	FUNCTION 1 @extschema@.label_dist_hash(@extschema@.label_dist);

-- accessors
CREATE FUNCTION @extschema@.top_label(@extschema@.label_dist) RETURNS text
	AS 'MODULE_PATHNAME', 'label_dist_top_label'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.top_label(@extschema@.label_dist) IS
	'most probable label; a tie goes to the smallest label in byte order';

CREATE FUNCTION @extschema@.confidence(@extschema@.label_dist) RETURNS double precision
	AS 'MODULE_PATHNAME', 'label_dist_confidence'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.confidence(@extschema@.label_dist) IS
	'probability of the most probable label';

CREATE FUNCTION @extschema@.probability(@extschema@.label_dist, text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'label_dist_probability'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability(@extschema@.label_dist, text) IS
	'probability of one label (0 when the label is not in the distribution)';

CREATE FUNCTION @extschema@.entropy(@extschema@.label_dist) RETURNS double precision
	AS 'MODULE_PATHNAME', 'label_dist_entropy'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.entropy(@extschema@.label_dist) IS
	'Shannon entropy in nats (natural logarithm)';

CREATE FUNCTION @extschema@.label_count(@extschema@.label_dist) RETURNS integer
	AS 'MODULE_PATHNAME', 'label_dist_label_count'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.label_count(@extschema@.label_dist) IS
	'number of labels in the distribution';

CREATE FUNCTION @extschema@.labels(@extschema@.label_dist) RETURNS text[]
	AS 'MODULE_PATHNAME', 'label_dist_labels'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.labels(@extschema@.label_dist) IS
	'the labels in byte order';

CREATE FUNCTION @extschema@.probabilities(@extschema@.label_dist) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'label_dist_probabilities'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probabilities(@extschema@.label_dist) IS
	'the probabilities, in the order of labels()';

CREATE FUNCTION @extschema@.label_probabilities(dist @extschema@.label_dist,
		OUT label text, OUT probability double precision)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$
		SELECT u.label, u.probability
		FROM ROWS FROM (pg_catalog.unnest(@extschema@.labels(dist)),
						pg_catalog.unnest(@extschema@.probabilities(dist)))
			AS u(label, probability)
	$$;
COMMENT ON FUNCTION @extschema@.label_probabilities(@extschema@.label_dist) IS
	'one row per label: (label, probability), labels in byte order';
-- ---------------------------------------------------------------------------
-- Vote aggregation: vote_dist (vote shares) and majority_vote
-- ---------------------------------------------------------------------------

-- not STRICT: NULL labels (and NULL weights) are skipped inside
CREATE FUNCTION @extschema@.vote_transfn(internal, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'vote_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.vote_weighted_transfn(internal, text, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'vote_weighted_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION @extschema@.vote_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'vote_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.vote_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'vote_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.vote_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'vote_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION @extschema@.vote_dist_finalfn(internal) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'vote_dist_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.majority_vote_finalfn(internal) RETURNS text
	AS 'MODULE_PATHNAME', 'majority_vote_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.vote_transfn(internal, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.vote_weighted_transfn(internal, text, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.vote_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION @extschema@.vote_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION @extschema@.vote_deserialize(bytea, internal) IS 'aggregate deserialize function';
COMMENT ON FUNCTION @extschema@.vote_dist_finalfn(internal) IS 'aggregate final function';
COMMENT ON FUNCTION @extschema@.majority_vote_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.vote_dist(label text) (
	SFUNC = @extschema@.vote_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.vote_dist_finalfn,
	COMBINEFUNC = @extschema@.vote_combine,
	SERIALFUNC = @extschema@.vote_serialize, DESERIALFUNC = @extschema@.vote_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.vote_dist(label text, weight double precision) (
	SFUNC = @extschema@.vote_weighted_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.vote_dist_finalfn,
	COMBINEFUNC = @extschema@.vote_combine,
	SERIALFUNC = @extschema@.vote_serialize, DESERIALFUNC = @extschema@.vote_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.majority_vote(label text) (
	SFUNC = @extschema@.vote_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.majority_vote_finalfn,
	COMBINEFUNC = @extschema@.vote_combine,
	SERIALFUNC = @extschema@.vote_serialize, DESERIALFUNC = @extschema@.vote_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.majority_vote(label text, weight double precision) (
	SFUNC = @extschema@.vote_weighted_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.majority_vote_finalfn,
	COMBINEFUNC = @extschema@.vote_combine,
	SERIALFUNC = @extschema@.vote_serialize, DESERIALFUNC = @extschema@.vote_deserialize,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.vote_dist(text) IS
	'share of votes per label, as a label_dist (NULL labels skipped)';
COMMENT ON AGGREGATE @extschema@.vote_dist(text, double precision) IS
	'share of the summed weight per label, as a label_dist (NULL labels and weights skipped)';
COMMENT ON AGGREGATE @extschema@.majority_vote(text) IS
	'most frequent label; a tie goes to the smallest label in byte order';
COMMENT ON AGGREGATE @extschema@.majority_vote(text, double precision) IS
	'label with the largest summed weight; a tie goes to the smallest label in byte order';
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

CREATE FUNCTION @extschema@.truth_model_in(cstring) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_model_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.truth_model_out(@extschema@.truth_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'truth_model_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.truth_model_recv(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_model_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.truth_model_send(@extschema@.truth_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'truth_model_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.truth_model (
	INPUT = @extschema@.truth_model_in,
	OUTPUT = @extschema@.truth_model_out,
	RECEIVE = @extschema@.truth_model_recv,
	SEND = @extschema@.truth_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.truth_model IS
	'a fitted truth-inference model: posteriors per task, skills per worker, class priors and diagnostics; text form is JSON';
COMMENT ON FUNCTION @extschema@.truth_model_in(cstring) IS 'truth_model text input';
COMMENT ON FUNCTION @extschema@.truth_model_out(@extschema@.truth_model) IS 'truth_model text output';
COMMENT ON FUNCTION @extschema@.truth_model_recv(internal) IS 'truth_model binary input';
COMMENT ON FUNCTION @extschema@.truth_model_send(@extschema@.truth_model) IS 'truth_model binary output';

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
CREATE FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text, text) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text, text, @extschema@.truth_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text, text, @extschema@.truth_options) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, text, text, text) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, text, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, text, text, text, text) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, text, text, text, text, @extschema@.truth_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, text, text, text, text, @extschema@.truth_options) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, bigint, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, bigint, text, text) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, bigint, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, bigint, text, text, text) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, bigint, text, text, text, @extschema@.truth_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, bigint, text, text, text, @extschema@.truth_options) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, text, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, text, bigint, text) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, text, bigint, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, text, bigint, text, text) IS 'aggregate transition function';
CREATE FUNCTION @extschema@.truth_transfn(internal, text, bigint, text, text, @extschema@.truth_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_transfn(internal, text, bigint, text, text, @extschema@.truth_options) IS 'aggregate transition function';
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION @extschema@.truth_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.truth_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'truth_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.truth_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'truth_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION @extschema@.truth_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION @extschema@.truth_deserialize(bytea, internal) IS 'aggregate deserialize function';

-- final functions: STABLE because unset options follow the labeling.* settings;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION @extschema@.truth_dawid_skene_finalfn(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_dawid_skene_finalfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_dawid_skene_finalfn(internal) IS 'aggregate final function';
CREATE FUNCTION @extschema@.truth_one_coin_finalfn(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_one_coin_finalfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_one_coin_finalfn(internal) IS 'aggregate final function';
CREATE FUNCTION @extschema@.truth_glad_finalfn(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_glad_finalfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_glad_finalfn(internal) IS 'aggregate final function';
CREATE FUNCTION @extschema@.truth_wawa_finalfn(internal) RETURNS @extschema@.truth_model
	AS 'MODULE_PATHNAME', 'truth_wawa_finalfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.truth_wawa_finalfn(internal) IS 'aggregate final function';

-- dawid_skene_agg
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker bigint, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, bigint, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker bigint, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, bigint, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, bigint, text, text, @extschema@.truth_options) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker text, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker text, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, text, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, text, text, text, @extschema@.truth_options) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker text, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker text, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, text, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task bigint, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(bigint, text, text, text, @extschema@.truth_options) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker bigint, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, bigint, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker bigint, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, bigint, text, text) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.dawid_skene_agg(task text, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_dawid_skene_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dawid_skene_agg(text, bigint, text, text, @extschema@.truth_options) IS
	'Dawid-Skene (full confusion matrix per worker, class priors) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';

-- one_coin_agg
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker bigint, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, bigint, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker bigint, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, bigint, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, bigint, text, text, @extschema@.truth_options) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker text, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker text, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, text, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, text, text, text, @extschema@.truth_options) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker text, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker text, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, text, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.one_coin_agg(task bigint, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(bigint, text, text, text, @extschema@.truth_options) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker bigint, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, bigint, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker bigint, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, bigint, text, text) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.one_coin_agg(task text, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_one_coin_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_agg(text, bigint, text, text, @extschema@.truth_options) IS
	'one-coin Dawid-Skene (one accuracy per worker) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';

-- glad_agg
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker bigint, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, bigint, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker bigint, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, bigint, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, bigint, text, text, @extschema@.truth_options) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker text, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker text, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, text, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, text, text, text, @extschema@.truth_options) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker text, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker text, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, text, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.glad_agg(task bigint, worker text, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(bigint, text, text, text, @extschema@.truth_options) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker bigint, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, bigint, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker bigint, label text, gold_label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, bigint, text, text) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label (NULL: unknown) fixes the class of its task';
CREATE AGGREGATE @extschema@.glad_agg(task text, worker bigint, label text, gold_label text, options @extschema@.truth_options) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_glad_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.glad_agg(text, bigint, text, text, @extschema@.truth_options) IS
	'GLAD (worker ability x task difficulty) fitted by EM; gold_label fixes the class of its task; options from labeling.truth_options()';

-- wawa_agg
CREATE AGGREGATE @extschema@.wawa_agg(task bigint, worker bigint, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_wawa_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.wawa_agg(bigint, bigint, text) IS
	'Wawa: majority vote weighted by each worker''s agreement with the majority';
CREATE AGGREGATE @extschema@.wawa_agg(task text, worker text, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_wawa_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.wawa_agg(text, text, text) IS
	'Wawa: majority vote weighted by each worker''s agreement with the majority';
CREATE AGGREGATE @extschema@.wawa_agg(task bigint, worker text, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_wawa_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.wawa_agg(bigint, text, text) IS
	'Wawa: majority vote weighted by each worker''s agreement with the majority';
CREATE AGGREGATE @extschema@.wawa_agg(task text, worker bigint, label text) (
	SFUNC = @extschema@.truth_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.truth_wawa_finalfn,
	COMBINEFUNC = @extschema@.truth_combine,
	SERIALFUNC = @extschema@.truth_serialize, DESERIALFUNC = @extschema@.truth_deserialize,
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
-- ---------------------------------------------------------------------------
-- Side-by-side ranking: bt_rank (Bradley-Terry-Davidson, optionally with a
-- per-worker noise model), the bt_model type, its readers, bt_fit and
-- bt_next_pairs
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.bt_model;

CREATE FUNCTION @extschema@.bt_model_in(cstring) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'bt_model_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_out(@extschema@.bt_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'bt_model_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_recv(internal) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'bt_model_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_model_send(@extschema@.bt_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'bt_model_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.bt_model (
	INPUT = @extschema@.bt_model_in,
	OUTPUT = @extschema@.bt_model_out,
	RECEIVE = @extschema@.bt_model_recv,
	SEND = @extschema@.bt_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.bt_model IS
	'a fitted side-by-side ranking (Bradley-Terry-Davidson) with its comparison counts; text form is JSON';
COMMENT ON FUNCTION @extschema@.bt_model_in(cstring) IS 'bt_model text input';
COMMENT ON FUNCTION @extschema@.bt_model_out(@extschema@.bt_model) IS 'bt_model text output';
COMMENT ON FUNCTION @extschema@.bt_model_recv(internal) IS 'bt_model binary input';
COMMENT ON FUNCTION @extschema@.bt_model_send(@extschema@.bt_model) IS 'bt_model binary output';

-- aggregate support functions
-- not STRICT: NULL items are skipped and a NULL winner is a tie, inside
CREATE FUNCTION @extschema@.bt_rank_transfn(internal, bigint, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_rank_transfn(internal, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: as above, and rows with a NULL worker are skipped
CREATE FUNCTION @extschema@.bt_rank_worker_transfn(internal, bigint, bigint, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_worker_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_rank_worker_transfn(internal, bigint, bigint, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_worker_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_rank_worker_transfn(internal, text, text, text, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_worker_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_rank_worker_transfn(internal, text, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_worker_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION @extschema@.bt_rank_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_rank_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'bt_rank_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bt_rank_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION @extschema@.bt_rank_finalfn(internal) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'bt_rank_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.bt_rank_transfn(internal, bigint, bigint, bigint) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.bt_rank_transfn(internal, text, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.bt_rank_worker_transfn(internal, bigint, bigint, bigint, bigint) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.bt_rank_worker_transfn(internal, bigint, bigint, bigint, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.bt_rank_worker_transfn(internal, text, text, text, bigint) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.bt_rank_worker_transfn(internal, text, text, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.bt_rank_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION @extschema@.bt_rank_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION @extschema@.bt_rank_deserialize(bytea, internal) IS 'aggregate deserialize function';
COMMENT ON FUNCTION @extschema@.bt_rank_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.bt_rank(left_item bigint, right_item bigint, winner bigint) (
	SFUNC = @extschema@.bt_rank_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.bt_rank_finalfn,
	COMBINEFUNC = @extschema@.bt_rank_combine,
	SERIALFUNC = @extschema@.bt_rank_serialize, DESERIALFUNC = @extschema@.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item text, right_item text, winner text) (
	SFUNC = @extschema@.bt_rank_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.bt_rank_finalfn,
	COMBINEFUNC = @extschema@.bt_rank_combine,
	SERIALFUNC = @extschema@.bt_rank_serialize, DESERIALFUNC = @extschema@.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item bigint, right_item bigint, winner bigint, worker bigint) (
	SFUNC = @extschema@.bt_rank_worker_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.bt_rank_finalfn,
	COMBINEFUNC = @extschema@.bt_rank_combine,
	SERIALFUNC = @extschema@.bt_rank_serialize, DESERIALFUNC = @extschema@.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item bigint, right_item bigint, winner bigint, worker text) (
	SFUNC = @extschema@.bt_rank_worker_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.bt_rank_finalfn,
	COMBINEFUNC = @extschema@.bt_rank_combine,
	SERIALFUNC = @extschema@.bt_rank_serialize, DESERIALFUNC = @extschema@.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item text, right_item text, winner text, worker bigint) (
	SFUNC = @extschema@.bt_rank_worker_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.bt_rank_finalfn,
	COMBINEFUNC = @extschema@.bt_rank_combine,
	SERIALFUNC = @extschema@.bt_rank_serialize, DESERIALFUNC = @extschema@.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item text, right_item text, winner text, worker text) (
	SFUNC = @extschema@.bt_rank_worker_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = @extschema@.bt_rank_finalfn,
	COMBINEFUNC = @extschema@.bt_rank_combine,
	SERIALFUNC = @extschema@.bt_rank_serialize, DESERIALFUNC = @extschema@.bt_rank_deserialize,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.bt_rank(bigint, bigint, bigint) IS
	'Bradley-Terry-Davidson ranking of side-by-side comparisons; winner = left or right item, NULL = tie';
COMMENT ON AGGREGATE @extschema@.bt_rank(text, text, text) IS
	'Bradley-Terry-Davidson ranking of side-by-side comparisons; winner = left or right item, NULL = tie';
COMMENT ON AGGREGATE @extschema@.bt_rank(bigint, bigint, bigint, bigint) IS
	'noisy Bradley-Terry-Davidson ranking with a reliability and noise shares per worker (EM)';
COMMENT ON AGGREGATE @extschema@.bt_rank(bigint, bigint, bigint, text) IS
	'noisy Bradley-Terry-Davidson ranking with a reliability and noise shares per worker (EM)';
COMMENT ON AGGREGATE @extschema@.bt_rank(text, text, text, bigint) IS
	'noisy Bradley-Terry-Davidson ranking with a reliability and noise shares per worker (EM)';
COMMENT ON AGGREGATE @extschema@.bt_rank(text, text, text, text) IS
	'noisy Bradley-Terry-Davidson ranking with a reliability and noise shares per worker (EM)';

-- refit with other options
-- not STRICT: a NULL model gives NULL; NULL options take their defaults
CREATE FUNCTION @extschema@.bt_fit(model @extschema@.bt_model,
		prior double precision DEFAULT NULL, ties text DEFAULT NULL, method text DEFAULT NULL,
		max_iter integer DEFAULT NULL, tol double precision DEFAULT NULL, noisy boolean DEFAULT NULL)
	RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'bt_fit'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_fit(@extschema@.bt_model, double precision, text, text, integer, double precision, boolean) IS
	'refit a bt_model: prior (default 1), ties davidson|ignore, method newton|mm, max_iter, tol, noisy';

-- readers
CREATE FUNCTION @extschema@.bt_scores(model @extschema@.bt_model,
		OUT item text, OUT score double precision, OUT rank integer,
		OUT se double precision, OUT lower double precision, OUT upper double precision,
		OUT strength double precision, OUT comparisons bigint, OUT wins bigint,
		OUT losses bigint, OUT ties bigint, OUT component integer)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'bt_scores'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.bt_scores(@extschema@.bt_model) IS
	'one row per item: score (log-strength), rank in its component, standard error, 95% interval, strength, counts, component';

CREATE FUNCTION @extschema@.bt_workers(model @extschema@.bt_model,
		OUT worker text, OUT reliability double precision, OUT noise_left double precision,
		OUT noise_right double precision, OUT noise_same double precision, OUT comparisons bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'bt_workers'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_workers(@extschema@.bt_model) IS
	'one row per worker of a noisy model: reliability and the shares of left, right and same among noise answers';

CREATE FUNCTION @extschema@.bt_summary(model @extschema@.bt_model) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'bt_summary'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bt_summary(@extschema@.bt_model) IS
	'counts, fit options and diagnostics (iterations, converged, log_posterior, gradient_max, tie_nu) of a bt_model';

CREATE FUNCTION @extschema@.bt_next_pairs(model @extschema@.bt_model, n integer,
		max_per_pair integer DEFAULT 5, connect boolean DEFAULT true,
		OUT left_item text, OUT right_item text, OUT reason text,
		OUT gain double precision, OUT comparisons integer)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'bt_next_pairs'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_next_pairs(@extschema@.bt_model, integer, integer, boolean) IS
	'the n pairs to compare next: connect components, then the largest expected reduction of score-difference variance';

CREATE FUNCTION @extschema@.bt_gradient_check(model @extschema@.bt_model,
		step double precision DEFAULT 1e-5, max_params integer DEFAULT 50,
		OUT kind text, OUT parameter text, OUT at_fit double precision,
		OUT analytic double precision, OUT finite_difference double precision)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'bt_gradient_check'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.bt_gradient_check(@extschema@.bt_model, double precision, integer) IS
	'diagnostic: analytic gradient (and Hessian-vector product) of the fit objective against finite differences';
-- ---------------------------------------------------------------------------
-- Worker skill (Beta-Binomial posterior on golden tasks) and inter-annotator
-- agreement: Krippendorff's alpha, Fleiss' kappa, Cohen's kappa.
-- ---------------------------------------------------------------------------

-- The Beta distribution
CREATE FUNCTION @extschema@.beta_cdf(x double precision, a double precision, b double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'beta_cdf'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.beta_cdf(double precision, double precision, double precision) IS
	'P(X <= x) for X ~ Beta(a, b): the regularised incomplete beta function I_x(a, b)';

CREATE FUNCTION @extschema@.beta_quantile(p double precision, a double precision, b double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'beta_quantile_sql'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.beta_quantile(double precision, double precision, double precision) IS
	'the p-quantile of Beta(a, b): the x with beta_cdf(x, a, b) = p';

-- ---------------------------------------------------------------------------
-- worker_skill
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.skill_estimate AS (
	n_answered		bigint,
	n_correct		bigint,
	accuracy		double precision,
	posterior_mean	double precision,
	lower_bound		double precision,
	upper_bound		double precision
);
COMMENT ON TYPE @extschema@.skill_estimate IS
	'a worker''s accuracy on golden tasks: counts, raw accuracy, and the mean and exact 95% equal-tailed credible bounds of its Beta posterior';

CREATE FUNCTION @extschema@.worker_skill_transfn(double precision[], text, text)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_transfn'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: NULL labels are skipped inside, NULL priors are an error
CREATE FUNCTION @extschema@.worker_skill_prior_transfn(double precision[], text, text,
		double precision, double precision)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_prior_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.worker_skill_bool_transfn(double precision[], boolean)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_bool_transfn'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: a NULL answer is skipped inside, NULL priors are an error
CREATE FUNCTION @extschema@.worker_skill_bool_prior_transfn(double precision[], boolean,
		double precision, double precision)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_bool_prior_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION @extschema@.worker_skill_combine(double precision[], double precision[])
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state gives NULL
CREATE FUNCTION @extschema@.worker_skill_finalfn(double precision[])
	RETURNS @extschema@.skill_estimate
	AS 'MODULE_PATHNAME', 'worker_skill_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.worker_skill_transfn(double precision[], text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.worker_skill_prior_transfn(double precision[], text, text, double precision, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.worker_skill_bool_transfn(double precision[], boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.worker_skill_bool_prior_transfn(double precision[], boolean, double precision, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.worker_skill_combine(double precision[], double precision[]) IS 'aggregate combine function';
COMMENT ON FUNCTION @extschema@.worker_skill_finalfn(double precision[]) IS 'aggregate final function';

-- state: {n_answered, n_correct, prior_correct, prior_wrong}; priors 0 = not given (Beta(1, 1))
CREATE AGGREGATE @extschema@.worker_skill(label text, golden_label text) (
	SFUNC = @extschema@.worker_skill_transfn, STYPE = double precision[],
	INITCOND = '{0,0,0,0}',
	FINALFUNC = @extschema@.worker_skill_finalfn,
	COMBINEFUNC = @extschema@.worker_skill_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.worker_skill(label text, golden_label text,
		prior_correct double precision, prior_wrong double precision) (
	SFUNC = @extschema@.worker_skill_prior_transfn, STYPE = double precision[],
	INITCOND = '{0,0,0,0}',
	FINALFUNC = @extschema@.worker_skill_finalfn,
	COMBINEFUNC = @extschema@.worker_skill_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.worker_skill(is_correct boolean) (
	SFUNC = @extschema@.worker_skill_bool_transfn, STYPE = double precision[],
	INITCOND = '{0,0,0,0}',
	FINALFUNC = @extschema@.worker_skill_finalfn,
	COMBINEFUNC = @extschema@.worker_skill_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.worker_skill(is_correct boolean,
		prior_correct double precision, prior_wrong double precision) (
	SFUNC = @extschema@.worker_skill_bool_prior_transfn, STYPE = double precision[],
	INITCOND = '{0,0,0,0}',
	FINALFUNC = @extschema@.worker_skill_finalfn,
	COMBINEFUNC = @extschema@.worker_skill_combine,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.worker_skill(text, text) IS
	'accuracy against golden labels with its Beta(1, 1) posterior: mean and exact 95% credible bounds (rows with a NULL label or golden label skipped)';
COMMENT ON AGGREGATE @extschema@.worker_skill(text, text, double precision, double precision) IS
	'accuracy against golden labels with its Beta(prior_correct, prior_wrong) posterior: mean and exact 95% credible bounds';
COMMENT ON AGGREGATE @extschema@.worker_skill(boolean) IS
	'share of true answers with its Beta(1, 1) posterior: mean and exact 95% credible bounds (NULLs skipped)';
COMMENT ON AGGREGATE @extschema@.worker_skill(boolean, double precision, double precision) IS
	'share of true answers with its Beta(prior_correct, prior_wrong) posterior: mean and exact 95% credible bounds';

-- ---------------------------------------------------------------------------
-- Contingency-table aggregates: worker_class_skill and cohen_kappa
-- ---------------------------------------------------------------------------

-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION @extschema@.agreement_pairs_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'agreement_pairs_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_pairs_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'agreement_pairs_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_pairs_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'agreement_pairs_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.agreement_pairs_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION @extschema@.agreement_pairs_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION @extschema@.agreement_pairs_deserialize(bytea, internal) IS 'aggregate deserialize function';

-- not STRICT: NULL labels are skipped inside
CREATE FUNCTION @extschema@.worker_class_skill_transfn(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'worker_class_skill_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: NULL labels are skipped inside, NULL priors are an error
CREATE FUNCTION @extschema@.worker_class_skill_prior_transfn(internal, text, text,
		double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'worker_class_skill_prior_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION @extschema@.worker_class_skill_finalfn(internal) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'worker_class_skill_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.worker_class_skill_transfn(internal, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.worker_class_skill_prior_transfn(internal, text, text, double precision, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.worker_class_skill_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.worker_class_skill(label text, golden_label text) (
	SFUNC = @extschema@.worker_class_skill_transfn, STYPE = internal, SSPACE = 512,
	FINALFUNC = @extschema@.worker_class_skill_finalfn,
	COMBINEFUNC = @extschema@.agreement_pairs_combine,
	SERIALFUNC = @extschema@.agreement_pairs_serialize,
	DESERIALFUNC = @extschema@.agreement_pairs_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.worker_class_skill(label text, golden_label text,
		prior_correct double precision, prior_wrong double precision) (
	SFUNC = @extschema@.worker_class_skill_prior_transfn, STYPE = internal, SSPACE = 512,
	FINALFUNC = @extschema@.worker_class_skill_finalfn,
	COMBINEFUNC = @extschema@.agreement_pairs_combine,
	SERIALFUNC = @extschema@.agreement_pairs_serialize,
	DESERIALFUNC = @extschema@.agreement_pairs_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.worker_class_skill(text, text) IS
	'skill per golden class as jsonb: recall with its Beta(1, 1) posterior bounds and the answers given (a row of the confusion matrix)';
COMMENT ON AGGREGATE @extschema@.worker_class_skill(text, text, double precision, double precision) IS
	'skill per golden class as jsonb, with a Beta(prior_correct, prior_wrong) prior';

-- not STRICT: rows with a NULL on either side are skipped inside
CREATE FUNCTION @extschema@.cohen_kappa_transfn(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'cohen_kappa_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION @extschema@.cohen_kappa_finalfn(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'cohen_kappa_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohen_kappa_transfn(internal, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.cohen_kappa_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.cohen_kappa(label_a text, label_b text) (
	SFUNC = @extschema@.cohen_kappa_transfn, STYPE = internal, SSPACE = 512,
	FINALFUNC = @extschema@.cohen_kappa_finalfn,
	COMBINEFUNC = @extschema@.agreement_pairs_combine,
	SERIALFUNC = @extschema@.agreement_pairs_serialize,
	DESERIALFUNC = @extschema@.agreement_pairs_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.cohen_kappa(text, text) IS
	'Cohen''s kappa between two raters, one row per item (rows with a NULL skipped; NULL when undefined)';

-- ---------------------------------------------------------------------------
-- Per-unit aggregates: fleiss_kappa and krippendorff_alpha
-- ---------------------------------------------------------------------------

-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION @extschema@.agreement_units_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'agreement_units_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_units_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'agreement_units_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.agreement_units_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'agreement_units_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.agreement_units_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION @extschema@.agreement_units_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION @extschema@.agreement_units_deserialize(bytea, internal) IS 'aggregate deserialize function';

-- not STRICT: rows with a NULL unit or label are skipped inside
CREATE FUNCTION @extschema@.fleiss_kappa_transfn(internal, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'fleiss_kappa_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.fleiss_kappa_transfn(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'fleiss_kappa_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION @extschema@.fleiss_kappa_finalfn(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'fleiss_kappa_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fleiss_kappa_transfn(internal, bigint, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.fleiss_kappa_transfn(internal, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.fleiss_kappa_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.fleiss_kappa(unit bigint, label text) (
	SFUNC = @extschema@.fleiss_kappa_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.fleiss_kappa_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.fleiss_kappa(unit text, label text) (
	SFUNC = @extschema@.fleiss_kappa_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.fleiss_kappa_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.fleiss_kappa(bigint, text) IS
	'Fleiss'' kappa, generalised to any number of ratings per unit (Gwet 2014); units rated once are left out';
COMMENT ON AGGREGATE @extschema@.fleiss_kappa(text, text) IS
	'Fleiss'' kappa, generalised to any number of ratings per unit (Gwet 2014); units rated once are left out';

-- not STRICT: rows with a NULL unit, coder or value are skipped inside; a
-- NULL metric is an error.  One C function serves every signature.
CREATE FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, double precision, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, double precision, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION @extschema@.krippendorff_finalfn(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'krippendorff_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, double precision, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, double precision, text) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.krippendorff_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, coder anyelement, value text) (
	SFUNC = @extschema@.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit text, coder anyelement, value text) (
	SFUNC = @extschema@.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, coder anyelement, value double precision) (
	SFUNC = @extschema@.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit text, coder anyelement, value double precision) (
	SFUNC = @extschema@.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, coder anyelement, value text, metric text) (
	SFUNC = @extschema@.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit text, coder anyelement, value text, metric text) (
	SFUNC = @extschema@.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, coder anyelement, value double precision, metric text) (
	SFUNC = @extschema@.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit text, coder anyelement, value double precision, metric text) (
	SFUNC = @extschema@.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = @extschema@.krippendorff_finalfn,
	COMBINEFUNC = @extschema@.agreement_units_combine,
	SERIALFUNC = @extschema@.agreement_units_serialize,
	DESERIALFUNC = @extschema@.agreement_units_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(bigint, anyelement, text) IS
	'Krippendorff''s alpha, nominal metric (every row is a value; units with one value and NULLs left out)';
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(text, anyelement, text) IS
	'Krippendorff''s alpha, nominal metric (every row is a value; units with one value and NULLs left out)';
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(bigint, anyelement, double precision) IS
	'Krippendorff''s alpha of numeric values taken as categories (nominal metric)';
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(text, anyelement, double precision) IS
	'Krippendorff''s alpha of numeric values taken as categories (nominal metric)';
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(bigint, anyelement, text, text) IS
	'Krippendorff''s alpha of text values; the metric must be nominal';
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(text, anyelement, text, text) IS
	'Krippendorff''s alpha of text values; the metric must be nominal';
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(bigint, anyelement, double precision, text) IS
	'Krippendorff''s alpha with the nominal, ordinal, interval or ratio metric';
COMMENT ON AGGREGATE @extschema@.krippendorff_alpha(text, anyelement, double precision, text) IS
	'Krippendorff''s alpha with the nominal, ordinal, interval or ratio metric';
-- ---------------------------------------------------------------------------
-- Schema: the tables of a labeling operation
--
-- Input tables (written by applications): projects, workers, tasks,
-- golden_labels, judgments, comparisons, assignments, qc_rules.
-- State tables (written by the triggers of 30_live_state.sql and by
-- refresh(), never by hand): project_guidelines, task_state, worker_state,
-- qc_events, refresh_runs, refresh_labels, refresh_workers.
--
-- CHECK constraints and defaults are parsed once, here, under CREATE
-- EXTENSION's search_path (pg_catalog is searched first), so the operators
-- they use are the built-in ones whatever the caller's search_path is later.
-- Rules a CHECK cannot express (they look at another table) are enforced by
-- the triggers, which report them under the constraint names listed in
-- README.md.  Identity columns are BY DEFAULT so that pg_dump can restore the
-- rows of these extension configuration tables with their original keys.
-- ---------------------------------------------------------------------------

CREATE TABLE @extschema@.projects (
	project_id			bigint GENERATED BY DEFAULT AS IDENTITY,
	name				text NOT NULL,
	kind				text NOT NULL DEFAULT 'classification',
	labels				text[],
	guidelines			text,
	guidelines_version	integer NOT NULL DEFAULT 1,
	min_overlap			integer NOT NULL DEFAULT 1,
	max_overlap			integer NOT NULL DEFAULT 5,
	target_confidence	double precision NOT NULL DEFAULT 0.95,
	golden_rate			double precision NOT NULL DEFAULT 0,
	price_per_judgment	numeric(12, 4) NOT NULL DEFAULT 0,
	min_hourly_pay		numeric(12, 4) NOT NULL DEFAULT 0,
	pay_period			text NOT NULL DEFAULT 'week',
	assignment_ttl		interval NOT NULL DEFAULT '30 minutes',
	max_open_per_worker	integer NOT NULL DEFAULT 10,
	allow_repeat_judgments boolean NOT NULL DEFAULT false,
	allow_judgments_on_closed boolean NOT NULL DEFAULT false,
	prior_correct		double precision NOT NULL DEFAULT 2,
	prior_wrong			double precision NOT NULL DEFAULT 1,
	refresh_method		text NOT NULL DEFAULT 'dawid_skene',
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT projects_pkey PRIMARY KEY (project_id),
	CONSTRAINT projects_name_key UNIQUE (name),
	CONSTRAINT projects_kind_check CHECK (kind IN ('classification', 'side_by_side')),
	CONSTRAINT projects_labels_check
		CHECK (labels IS NULL OR (pg_catalog.cardinality(labels) >= 1
								  AND pg_catalog.array_ndims(labels) = 1
								  AND pg_catalog.array_position(labels, NULL) IS NULL)),
	CONSTRAINT projects_labels_required_check
		CHECK (kind <> 'classification' OR labels IS NOT NULL),
	CONSTRAINT projects_overlap_check CHECK (min_overlap >= 1 AND max_overlap >= min_overlap),
	CONSTRAINT projects_target_confidence_check
		CHECK (target_confidence > 0 AND target_confidence <= 1),
	CONSTRAINT projects_golden_rate_check CHECK (golden_rate >= 0 AND golden_rate <= 1),
	CONSTRAINT projects_price_check CHECK (price_per_judgment >= 0),
	CONSTRAINT projects_min_hourly_pay_check CHECK (min_hourly_pay >= 0),
	CONSTRAINT projects_pay_period_check CHECK (pay_period IN ('day', 'week', 'month')),
	CONSTRAINT projects_assignment_ttl_check
		CHECK (assignment_ttl > '0'::interval AND assignment_ttl <= '7 days'::interval),
	CONSTRAINT projects_max_open_per_worker_check CHECK (max_open_per_worker >= 1),
	CONSTRAINT projects_guidelines_version_check CHECK (guidelines_version >= 1),
	CONSTRAINT projects_prior_check
		CHECK (prior_correct > 0 AND prior_wrong > 0
			   AND prior_correct < 'infinity' AND prior_wrong < 'infinity'),
	CONSTRAINT projects_refresh_method_check
		CHECK (refresh_method IN ('dawid_skene', 'one_coin', 'glad', 'wawa',
								  'majority_vote', 'weighted_vote'))
);
COMMENT ON TABLE @extschema@.projects IS
	'a labeling project: kind, allowed labels, guidelines, overlap and confidence targets, skill prior, price';
COMMENT ON COLUMN @extschema@.projects.labels IS
	'allowed labels (required for classification projects; the posterior spans all of them)';
COMMENT ON COLUMN @extschema@.projects.guidelines_version IS
	'current version of the guidelines; raised automatically when guidelines change';
COMMENT ON COLUMN @extschema@.projects.min_overlap IS
	'judgments a task needs before it can complete on confidence';
COMMENT ON COLUMN @extschema@.projects.max_overlap IS
	'judgments after which a task completes whatever its confidence';
COMMENT ON COLUMN @extschema@.projects.target_confidence IS
	'posterior probability of the top label at which a task completes';
COMMENT ON COLUMN @extschema@.projects.prior_correct IS
	'Beta prior of every worker''s accuracy: pseudo-count of correct answers';
COMMENT ON COLUMN @extschema@.projects.prior_wrong IS
	'Beta prior of every worker''s accuracy: pseudo-count of wrong answers';
COMMENT ON COLUMN @extschema@.projects.min_hourly_pay IS
	'floor of a worker''s effective hourly pay in a pay period; payouts tops up below it';
COMMENT ON COLUMN @extschema@.projects.pay_period IS
	'length of a pay period in the payouts view: day, week or month (UTC)';
COMMENT ON COLUMN @extschema@.projects.assignment_ttl IS
	'how long an assignment from next_tasks() stays open before it expires';
COMMENT ON COLUMN @extschema@.projects.max_open_per_worker IS
	'open assignments a worker may hold at once in the project';
COMMENT ON COLUMN @extschema@.projects.refresh_method IS
	'batch model refit by refresh(project) when no method is given';

CREATE TABLE @extschema@.project_guidelines (
	project_id			bigint NOT NULL,
	version				integer NOT NULL,
	guidelines			text,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT project_guidelines_pkey PRIMARY KEY (project_id, version),
	CONSTRAINT project_guidelines_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id) ON DELETE CASCADE
);
COMMENT ON TABLE @extschema@.project_guidelines IS
	'every version of every project''s guidelines (kept by a trigger on projects)';

CREATE TABLE @extschema@.workers (
	worker_id			bigint GENERATED BY DEFAULT AS IDENTITY,
	external_id			text NOT NULL,
	kind				text NOT NULL DEFAULT 'human',
	model_version		text,
	status				text NOT NULL DEFAULT 'active',
	login_role			name,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT workers_pkey PRIMARY KEY (worker_id),
	CONSTRAINT workers_external_id_key UNIQUE (external_id),
	CONSTRAINT workers_login_role_key UNIQUE (login_role),
	CONSTRAINT workers_login_role_check
		CHECK (login_role <> ALL (ARRAY['labeling_admin', 'labeling_analyst', 'labeling_worker']::name[])),
	CONSTRAINT workers_kind_check CHECK (kind IN ('human', 'expert', 'model')),
	CONSTRAINT workers_model_version_check CHECK (kind = 'model' OR model_version IS NULL),
	CONSTRAINT workers_status_check CHECK (status IN ('active', 'banned'))
);
COMMENT ON TABLE @extschema@.workers IS
	'people and models who give judgments: kind human, expert or model';
COMMENT ON COLUMN @extschema@.workers.login_role IS
	'the database role whose sessions act as this worker in next_tasks() and submit() (NULL: none)';
COMMENT ON COLUMN @extschema@.workers.status IS
	'account status in every project: banned workers'' judgments stop counting everywhere';

CREATE TABLE @extschema@.tasks (
	task_id				bigint GENERATED BY DEFAULT AS IDENTITY,
	project_id			bigint NOT NULL,
	external_id			text,
	payload				jsonb NOT NULL DEFAULT '{}',
	status				text NOT NULL DEFAULT 'open',
	priority			integer NOT NULL DEFAULT 0,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT tasks_pkey PRIMARY KEY (task_id),
	CONSTRAINT tasks_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id),
	CONSTRAINT tasks_external_id_key UNIQUE (project_id, external_id),
	CONSTRAINT tasks_status_check CHECK (status IN ('open', 'closed'))
);
CREATE INDEX tasks_project_idx ON @extschema@.tasks (project_id);
COMMENT ON TABLE @extschema@.tasks IS
	'items to label, with their payload (what the worker sees); status closed stops a task by hand';
COMMENT ON COLUMN @extschema@.tasks.status IS
	'open, or closed by hand; whether an open task still needs judgments is task_state.status';

CREATE TABLE @extschema@.golden_labels (
	task_id				bigint NOT NULL,
	label				text NOT NULL,
	expert_id			bigint,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT golden_labels_pkey PRIMARY KEY (task_id),
	CONSTRAINT golden_labels_task_fkey FOREIGN KEY (task_id)
		REFERENCES @extschema@.tasks (task_id),
	CONSTRAINT golden_labels_expert_fkey FOREIGN KEY (expert_id)
		REFERENCES @extschema@.workers (worker_id)
);
COMMENT ON TABLE @extschema@.golden_labels IS
	'true labels of golden tasks, from experts: they score workers and methods';

CREATE TABLE @extschema@.assignments (
	assignment_id		bigint GENERATED BY DEFAULT AS IDENTITY,
	task_id				bigint NOT NULL,
	worker_id			bigint NOT NULL,
	issued_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	expires_at			timestamptz NOT NULL,
	state				text NOT NULL DEFAULT 'issued',
	closed_at			timestamptz,
	guidelines_version	integer,
	price				numeric(12, 4),
	CONSTRAINT assignments_pkey PRIMARY KEY (assignment_id),
	CONSTRAINT assignments_task_fkey FOREIGN KEY (task_id)
		REFERENCES @extschema@.tasks (task_id),
	CONSTRAINT assignments_worker_fkey FOREIGN KEY (worker_id)
		REFERENCES @extschema@.workers (worker_id),
	CONSTRAINT assignments_state_check
		CHECK (state IN ('issued', 'submitted', 'expired', 'cancelled')),
	CONSTRAINT assignments_expiry_check CHECK (expires_at > issued_at),
	CONSTRAINT assignments_closed_at_check CHECK ((state = 'issued') = (closed_at IS NULL)),
	CONSTRAINT assignments_guidelines_version_check CHECK (guidelines_version >= 1),
	CONSTRAINT assignments_price_check CHECK (price >= 0)
);
CREATE INDEX assignments_task_idx ON @extschema@.assignments (task_id);
CREATE INDEX assignments_worker_idx ON @extschema@.assignments (worker_id);
CREATE UNIQUE INDEX assignments_open_key ON @extschema@.assignments (task_id, worker_id)
	WHERE state = 'issued';
COMMENT ON TABLE @extschema@.assignments IS
	'a task handed to a worker until expires_at; a judgment that names it marks it submitted';
COMMENT ON COLUMN @extschema@.assignments.guidelines_version IS
	'version of the guidelines shown with the task; submit() records it in the judgment';
COMMENT ON COLUMN @extschema@.assignments.price IS
	'price per judgment promised when the task was handed out (NULL: the project''s current price)';
COMMENT ON INDEX @extschema@.assignments_open_key IS
	'at most one open assignment per task and worker';

CREATE TABLE @extschema@.judgments (
	judgment_id			bigint GENERATED BY DEFAULT AS IDENTITY,
	task_id				bigint NOT NULL,
	worker_id			bigint NOT NULL,
	label				text NOT NULL,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	time_spent			interval,
	guidelines_version	integer,
	assignment_id		bigint,
	score				double precision,
	CONSTRAINT judgments_pkey PRIMARY KEY (judgment_id),
	CONSTRAINT judgments_task_fkey FOREIGN KEY (task_id)
		REFERENCES @extschema@.tasks (task_id),
	CONSTRAINT judgments_worker_fkey FOREIGN KEY (worker_id)
		REFERENCES @extschema@.workers (worker_id),
	CONSTRAINT judgments_assignment_fkey FOREIGN KEY (assignment_id)
		REFERENCES @extschema@.assignments (assignment_id),
	CONSTRAINT judgments_time_spent_check CHECK (time_spent >= '0'::interval),
	CONSTRAINT judgments_guidelines_version_check CHECK (guidelines_version >= 1),
	CONSTRAINT judgments_score_check CHECK (score >= 0 AND score <= 1)
);
CREATE INDEX judgments_task_idx ON @extschema@.judgments (task_id);
CREATE INDEX judgments_worker_idx ON @extschema@.judgments (worker_id);
COMMENT ON TABLE @extschema@.judgments IS
	'one row per answer a worker gave on a task of a classification project';
COMMENT ON COLUMN @extschema@.judgments.guidelines_version IS
	'version of the project guidelines the worker saw (NULL: not recorded)';
COMMENT ON COLUMN @extschema@.judgments.score IS
	'a model worker''s own probability for its label (stored, not used as a weight)';

CREATE TABLE @extschema@.comparisons (
	comparison_id		bigint GENERATED BY DEFAULT AS IDENTITY,
	left_task_id		bigint NOT NULL,
	right_task_id		bigint NOT NULL,
	winner				text NOT NULL,
	worker_id			bigint NOT NULL,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	time_spent			interval,
	guidelines_version	integer,
	assignment_id		bigint,
	CONSTRAINT comparisons_pkey PRIMARY KEY (comparison_id),
	CONSTRAINT comparisons_left_fkey FOREIGN KEY (left_task_id)
		REFERENCES @extschema@.tasks (task_id),
	CONSTRAINT comparisons_right_fkey FOREIGN KEY (right_task_id)
		REFERENCES @extschema@.tasks (task_id),
	CONSTRAINT comparisons_worker_fkey FOREIGN KEY (worker_id)
		REFERENCES @extschema@.workers (worker_id),
	CONSTRAINT comparisons_assignment_fkey FOREIGN KEY (assignment_id)
		REFERENCES @extschema@.assignments (assignment_id),
	CONSTRAINT comparisons_winner_check CHECK (winner IN ('left', 'right', 'tie')),
	CONSTRAINT comparisons_distinct_check CHECK (left_task_id <> right_task_id),
	CONSTRAINT comparisons_time_spent_check CHECK (time_spent >= '0'::interval),
	CONSTRAINT comparisons_guidelines_version_check CHECK (guidelines_version >= 1)
);
CREATE INDEX comparisons_left_idx ON @extschema@.comparisons (left_task_id);
CREATE INDEX comparisons_right_idx ON @extschema@.comparisons (right_task_id);
CREATE INDEX comparisons_worker_idx ON @extschema@.comparisons (worker_id);
COMMENT ON TABLE @extschema@.comparisons IS
	'one answer of a side-by-side project: which of two tasks (items) won, or a tie';

-- The live state, maintained by the triggers (30_live_state.sql).
CREATE TABLE @extschema@.task_state (
	task_id				bigint NOT NULL,
	project_id			bigint NOT NULL,
	n_judgments			integer NOT NULL DEFAULT 0,
	n_counted			integer NOT NULL DEFAULT 0,
	posterior			@extschema@.label_dist,
	label				text,
	confidence			double precision,
	status				text NOT NULL DEFAULT 'open',
	golden				boolean NOT NULL DEFAULT false,
	completed_at		timestamptz,
	priority			integer NOT NULL DEFAULT 0,
	needed				integer NOT NULL DEFAULT 0,
	assigned			integer NOT NULL DEFAULT 0,
	CONSTRAINT task_state_pkey PRIMARY KEY (task_id),
	CONSTRAINT task_state_task_fkey FOREIGN KEY (task_id)
		REFERENCES @extschema@.tasks (task_id) ON DELETE CASCADE,
	CONSTRAINT task_state_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id),
	CONSTRAINT task_state_counts_check CHECK (n_counted >= 0 AND n_counted <= n_judgments),
	CONSTRAINT task_state_status_check CHECK (status IN ('open', 'complete', 'closed')),
	CONSTRAINT task_state_posterior_check
		CHECK ((posterior IS NULL) = (n_counted = 0) AND (posterior IS NULL) = (label IS NULL)
			   AND (label IS NULL) = (confidence IS NULL)),
	CONSTRAINT task_state_completed_at_check CHECK ((status = 'complete') = (completed_at IS NOT NULL)),
	CONSTRAINT task_state_dispatch_check CHECK (needed >= 0 AND assigned >= 0)
) WITH (fillfactor = 80);
CREATE INDEX task_state_project_idx ON @extschema@.task_state (project_id);
COMMENT ON TABLE @extschema@.task_state IS
	'live state of every task: judgments, posterior, current label and confidence, status (kept by triggers)';
COMMENT ON COLUMN @extschema@.task_state.n_counted IS
	'judgments that count: those of workers not banned';
COMMENT ON COLUMN @extschema@.task_state.posterior IS
	'one-coin posterior over the project''s labels given the counted judgments and current worker skills';
COMMENT ON COLUMN @extschema@.task_state.completed_at IS
	'time of the last counted judgment when the task is complete';
COMMENT ON COLUMN @extschema@.task_state.priority IS
	'copy of tasks.priority, so that next_tasks() finds the open tasks in dispatch order with one index';
COMMENT ON COLUMN @extschema@.task_state.needed IS
	'judgments an open regular task may still need: all up to min_overlap, at least one, none past max_overlap (0 otherwise)';
COMMENT ON COLUMN @extschema@.task_state.assigned IS
	'issued assignments of a regular task of a classification project (0 for golden tasks): next_tasks() hands out up to needed';

CREATE TABLE @extschema@.worker_state (
	project_id			bigint NOT NULL,
	worker_id			bigint NOT NULL,
	n_judgments			bigint NOT NULL DEFAULT 0,
	golden_answered		bigint NOT NULL DEFAULT 0,
	golden_correct		bigint NOT NULL DEFAULT 0,
	golden_lower		double precision,
	golden_upper		double precision,
	model_judgments		bigint NOT NULL DEFAULT 0,
	model_correct		double precision NOT NULL DEFAULT 0,
	skill				double precision,
	timed_judgments		bigint NOT NULL DEFAULT 0,
	median_seconds		double precision,
	last_judgment_at	timestamptz,
	agreement			double precision,
	agreement_judgments	bigint NOT NULL DEFAULT 0,
	agreement_at		timestamptz,
	status				text NOT NULL DEFAULT 'active',
	status_changed_at	timestamptz,
	CONSTRAINT worker_state_pkey PRIMARY KEY (project_id, worker_id),
	CONSTRAINT worker_state_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id) ON DELETE CASCADE,
	CONSTRAINT worker_state_worker_fkey FOREIGN KEY (worker_id)
		REFERENCES @extschema@.workers (worker_id) ON DELETE CASCADE,
	CONSTRAINT worker_state_golden_check
		CHECK (golden_correct >= 0 AND golden_correct <= golden_answered),
	CONSTRAINT worker_state_skill_check CHECK (skill > 0 AND skill < 1),
	CONSTRAINT worker_state_status_check CHECK (status IN ('active', 'flagged', 'banned'))
) WITH (fillfactor = 80);
CREATE INDEX worker_state_worker_idx ON @extschema@.worker_state (worker_id);
COMMENT ON TABLE @extschema@.worker_state IS
	'live state of every worker in every project: golden record, skill, time, agreement, status (kept by triggers)';
COMMENT ON COLUMN @extschema@.worker_state.golden_lower IS
	'lower bound of the 95% equal-tailed credible interval of golden accuracy';
COMMENT ON COLUMN @extschema@.worker_state.model_correct IS
	'expected correct answers under the latest refresh() fit, on the model_judgments non-golden judgments it saw';
COMMENT ON COLUMN @extschema@.worker_state.skill IS
	'posterior mean accuracy from the project prior, golden answers and the latest fit: the weight of the worker''s votes';
COMMENT ON COLUMN @extschema@.worker_state.agreement IS
	'leave-one-out agreement with the live posteriors, as of agreement_at (the worker''s last judgment, or rebuild/refresh)';
COMMENT ON COLUMN @extschema@.worker_state.status IS
	'active, flagged (for review) or banned in this project (banned judgments stop counting)';

-- Quality control: rules as rows, and every decision with its evidence.
CREATE TABLE @extschema@.qc_rules (
	rule_id				bigint GENERATED BY DEFAULT AS IDENTITY,
	project_id			bigint,
	name				text NOT NULL,
	metric				text NOT NULL,
	threshold			double precision NOT NULL,
	min_count			integer NOT NULL DEFAULT 1,
	action				text NOT NULL,
	worker_kinds		text[],
	enabled				boolean NOT NULL DEFAULT true,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT qc_rules_pkey PRIMARY KEY (rule_id),
	CONSTRAINT qc_rules_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id) ON DELETE CASCADE,
	CONSTRAINT qc_rules_metric_check
		CHECK (metric IN ('golden_lower_bound', 'median_seconds', 'agreement')),
	CONSTRAINT qc_rules_action_check CHECK (action IN ('flag', 'ban')),
	CONSTRAINT qc_rules_agreement_flag_check CHECK (metric <> 'agreement' OR action = 'flag'),
	CONSTRAINT qc_rules_threshold_check
		CHECK (threshold >= 0 AND threshold < 'infinity'
			   AND (metric = 'median_seconds' OR threshold <= 1)),
	CONSTRAINT qc_rules_min_count_check CHECK (min_count >= 1),
	CONSTRAINT qc_rules_worker_kinds_check
		CHECK (worker_kinds IS NULL OR worker_kinds <@ ARRAY['human', 'expert', 'model'])
);
COMMENT ON TABLE @extschema@.qc_rules IS
	'quality-control rules: when metric < threshold after min_count observations, flag or ban (project NULL: every project)';

CREATE TABLE @extschema@.qc_events (
	event_id			bigint GENERATED BY DEFAULT AS IDENTITY,
	project_id			bigint,
	worker_id			bigint NOT NULL,
	rule_id				bigint,
	action				text NOT NULL,
	metric				text,
	value				double precision,
	threshold			double precision,
	evidence			jsonb NOT NULL DEFAULT '{}',
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_by			text NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT qc_events_pkey PRIMARY KEY (event_id),
	CONSTRAINT qc_events_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id) ON DELETE CASCADE,
	CONSTRAINT qc_events_worker_fkey FOREIGN KEY (worker_id)
		REFERENCES @extschema@.workers (worker_id) ON DELETE CASCADE,
	CONSTRAINT qc_events_rule_fkey FOREIGN KEY (rule_id)
		REFERENCES @extschema@.qc_rules (rule_id) ON DELETE SET NULL,
	CONSTRAINT qc_events_action_check CHECK (action IN ('flag', 'ban', 'unban', 'unflag'))
);
CREATE INDEX qc_events_worker_idx ON @extschema@.qc_events (worker_id, created_at);
COMMENT ON TABLE @extschema@.qc_events IS
	'every ban, flag and lifting of one, with the rule (NULL: by hand) and the evidence';

-- The batch model of each project, as stored by refresh(project).
CREATE TABLE @extschema@.refresh_runs (
	run_id				bigint GENERATED BY DEFAULT AS IDENTITY,
	project_id			bigint NOT NULL,
	method				text NOT NULL,
	started_at			timestamptz NOT NULL,
	finished_at			timestamptz NOT NULL,
	n_tasks				bigint NOT NULL,
	n_workers			bigint NOT NULL,
	n_judgments			bigint NOT NULL,
	golden_tasks		bigint NOT NULL,
	golden_accuracy		double precision,
	details				jsonb NOT NULL DEFAULT '{}',
	CONSTRAINT refresh_runs_pkey PRIMARY KEY (run_id),
	CONSTRAINT refresh_runs_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id) ON DELETE CASCADE
);
CREATE INDEX refresh_runs_project_idx ON @extschema@.refresh_runs (project_id, run_id);
COMMENT ON TABLE @extschema@.refresh_runs IS
	'one row per refresh(project): method, sizes, accuracy of the fit on golden tasks';

CREATE TABLE @extschema@.refresh_labels (
	task_id				bigint NOT NULL,
	project_id			bigint NOT NULL,
	run_id				bigint NOT NULL,
	label				text NOT NULL,
	confidence			double precision NOT NULL,
	posterior			@extschema@.label_dist NOT NULL,
	CONSTRAINT refresh_labels_pkey PRIMARY KEY (task_id),
	CONSTRAINT refresh_labels_task_fkey FOREIGN KEY (task_id)
		REFERENCES @extschema@.tasks (task_id) ON DELETE CASCADE,
	CONSTRAINT refresh_labels_run_fkey FOREIGN KEY (run_id)
		REFERENCES @extschema@.refresh_runs (run_id) ON DELETE CASCADE
);
CREATE INDEX refresh_labels_project_idx ON @extschema@.refresh_labels (project_id);
COMMENT ON TABLE @extschema@.refresh_labels IS
	'label, confidence and posterior of every task from the latest refresh() of its project';

CREATE TABLE @extschema@.refresh_workers (
	project_id			bigint NOT NULL,
	worker_id			bigint NOT NULL,
	run_id				bigint NOT NULL,
	n_judgments			bigint NOT NULL,
	expected_correct	double precision NOT NULL,
	skill				double precision,
	details				jsonb NOT NULL DEFAULT '{}',
	CONSTRAINT refresh_workers_pkey PRIMARY KEY (project_id, worker_id),
	CONSTRAINT refresh_workers_worker_fkey FOREIGN KEY (worker_id)
		REFERENCES @extschema@.workers (worker_id) ON DELETE CASCADE,
	CONSTRAINT refresh_workers_run_fkey FOREIGN KEY (run_id)
		REFERENCES @extschema@.refresh_runs (run_id) ON DELETE CASCADE,
	CONSTRAINT refresh_workers_counts_check
		CHECK (expected_correct >= 0 AND expected_correct <= n_judgments + 1e-9)
);
COMMENT ON TABLE @extschema@.refresh_workers IS
	'per worker of the latest refresh() of a project: non-golden judgments fitted, expected correct, skill';

-- pg_dump keeps the rows of these tables and the state of their sequences
-- (one call per statement: each call updates the same pg_extension row)
SELECT pg_catalog.pg_extension_config_dump('@extschema@.projects', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.project_guidelines', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.workers', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tasks', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.golden_labels', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assignments', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.judgments', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.comparisons', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.task_state', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.worker_state', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.qc_rules', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.qc_events', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.refresh_runs', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.refresh_labels', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.refresh_workers', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.projects_project_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.workers_worker_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tasks_task_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assignments_assignment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.judgments_judgment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.comparisons_comparison_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.qc_rules_rule_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.qc_events_event_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.refresh_runs_run_id_seq', '');
-- ---------------------------------------------------------------------------
-- Truth inference over the schema's own tables: one call for analysts.
--
--   SELECT * FROM labeling.infer_labels();                       -- Dawid-Skene
--   SELECT * FROM labeling.infer_labels('glad', project_id => 3);
--   SELECT labeling.fit_truth_model('dawid_skene', use_gold => true);
--
-- Judgments of banned workers (workers.status, or worker_state.status in
-- the task's project) are left out, as everywhere in the pipeline.
-- ---------------------------------------------------------------------------

-- not STRICT: NULL project_id means every project, NULL options the defaults
CREATE FUNCTION @extschema@.fit_truth_model(
		method text DEFAULT 'dawid_skene',
		project_id bigint DEFAULT NULL,
		use_gold boolean DEFAULT false,
		options @extschema@.truth_options DEFAULT NULL)
	RETURNS @extschema@.truth_model
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	m @extschema@.truth_model;
BEGIN
	IF method IS NULL OR method NOT IN ('dawid_skene', 'one_coin', 'glad', 'wawa') THEN
		RAISE EXCEPTION USING
			ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('unknown truth inference method %L', method),
			HINT = 'Use dawid_skene, one_coin, glad or wawa.';
	END IF;
	IF method = 'wawa' AND (coalesce(use_gold, false) OR options IS NOT NULL) THEN
		RAISE EXCEPTION USING
			ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'wawa takes no gold labels and no options';
	END IF;

	-- wawa takes (task, worker, label) only; the others gold and options too
	EXECUTE format($q$
		SELECT @extschema@.%I(j.task_id, j.worker_id, j.label %s)
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) j.task_id
		JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) j.worker_id
		LEFT JOIN @extschema@.worker_state ws
			ON ws.project_id OPERATOR(pg_catalog.=) t.project_id
		   AND ws.worker_id OPERATOR(pg_catalog.=) j.worker_id
		LEFT JOIN @extschema@.golden_labels g ON g.task_id OPERATOR(pg_catalog.=) j.task_id
		WHERE ($3 IS NULL OR t.project_id OPERATOR(pg_catalog.=) $3)
		  AND NOT @extschema@.live_worker_banned(ws.status, w.status)$q$,
		method || '_agg',
		CASE WHEN method = 'wawa' THEN '' ELSE ', CASE WHEN $1 THEN g.label END, $2' END)
	INTO m
	USING coalesce(use_gold, false), options, project_id;
	RETURN m;
END
$$;
COMMENT ON FUNCTION @extschema@.fit_truth_model(text, bigint, boolean, @extschema@.truth_options) IS
	'fit a truth-inference model (dawid_skene, one_coin, glad or wawa) on labeling.judgments of workers not banned, optionally one project and with golden_labels';

-- not STRICT: the same defaults as fit_truth_model
CREATE FUNCTION @extschema@.infer_labels(
		method text DEFAULT 'dawid_skene',
		project_id bigint DEFAULT NULL,
		use_gold boolean DEFAULT false,
		options @extschema@.truth_options DEFAULT NULL)
	RETURNS TABLE (task_id bigint, label text, confidence double precision,
				   posterior @extschema@.label_dist)
	LANGUAGE sql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
		SELECT t.task, t.label, t.confidence, t.posterior
		FROM @extschema@.truth_tasks(
			@extschema@.fit_truth_model(method, project_id, use_gold, options),
			NULL::bigint) AS t
	$$;
COMMENT ON FUNCTION @extschema@.infer_labels(text, bigint, boolean, @extschema@.truth_options) IS
	'one row per judged task of labeling.judgments: the inferred label, its probability and the posterior (see fit_truth_model)';
-- ---------------------------------------------------------------------------
-- Agreement over the schema's judgments: pairwise Cohen's kappa between
-- workers, and each worker's leave-one-out agreement with the majority.
--
-- Both read one answer per (task, worker): the latest judgment (largest
-- created_at, then judgment_id), so a worker who changed their mind is not
-- counted twice.
-- ---------------------------------------------------------------------------

-- Fully qualified, without SET search_path, so that it can be inlined.
CREATE FUNCTION @extschema@.latest_judgments(project_id bigint DEFAULT NULL,
		OUT task_id bigint, OUT worker_id bigint, OUT label text)
	RETURNS SETOF record
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
		SELECT DISTINCT ON (j.task_id, j.worker_id) j.task_id, j.worker_id, j.label
		FROM @extschema@.judgments j
		WHERE $1 IS NULL
		   OR j.task_id IN (SELECT t.task_id FROM @extschema@.tasks t
							WHERE t.project_id OPERATOR(pg_catalog.=) $1)
		ORDER BY j.task_id, j.worker_id, j.created_at DESC, j.judgment_id DESC
	$$;
COMMENT ON FUNCTION @extschema@.latest_judgments(bigint) IS
	'one answer per (task, worker): the latest judgment (largest created_at, then judgment_id); optionally of one project';

CREATE FUNCTION @extschema@.pairwise_kappa(min_overlap integer, project_id bigint DEFAULT NULL,
		OUT worker_a bigint, OUT worker_b bigint, OUT n_common bigint,
		OUT observed_agreement double precision, OUT kappa double precision)
	RETURNS SETOF record
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF min_overlap IS NULL OR min_overlap < 1 THEN
		RAISE EXCEPTION 'min_overlap must be a positive integer'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Got %s.', coalesce(min_overlap::text, 'NULL')),
				  HINT = 'It is the least number of tasks two workers must share to be compared.';
	END IF;
	RETURN QUERY
	WITH latest AS (
		SELECT * FROM @extschema@.latest_judgments(pairwise_kappa.project_id)
	)
	SELECT a.worker_id, b.worker_id, count(*),
		   avg(CASE WHEN a.label = b.label THEN 1.0 ELSE 0.0 END)::double precision,
		   @extschema@.cohen_kappa(a.label, b.label)
	FROM latest a
	JOIN latest b ON b.task_id = a.task_id AND b.worker_id > a.worker_id
	GROUP BY a.worker_id, b.worker_id
	HAVING count(*) >= pairwise_kappa.min_overlap
	ORDER BY a.worker_id, b.worker_id;
END
$$;
COMMENT ON FUNCTION @extschema@.pairwise_kappa(integer, bigint) IS
	'Cohen''s kappa between every two workers who share at least min_overlap tasks (latest judgment per task and worker; optionally one project)';

CREATE FUNCTION @extschema@.worker_agreement(project_id bigint DEFAULT NULL,
		OUT worker_id bigint, OUT n_tasks bigint, OUT n_compared bigint,
		OUT agreed double precision, OUT agreement double precision)
	RETURNS SETOF record
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- For each answer: the labels the *other* workers gave on the task, and
	-- the most frequent of them.  The answer agrees when it is that label; a
	-- tie among k top labels counts 1/k when the answer is one of them.
	RETURN QUERY
	WITH latest AS (
		SELECT * FROM @extschema@.latest_judgments(worker_agreement.project_id)
	),
	counts AS (
		SELECT l.task_id, l.label, count(*) AS n
		FROM latest l
		GROUP BY l.task_id, l.label
	),
	others AS (
		SELECT l.worker_id, l.task_id, (c.label = l.label) AS own,
			   c.n - (CASE WHEN c.label = l.label THEN 1 ELSE 0 END) AS votes
		FROM latest l
		JOIN counts c ON c.task_id = l.task_id
	),
	ranked AS (
		SELECT o.worker_id, o.task_id, o.own, o.votes,
			   max(o.votes) OVER (PARTITION BY o.worker_id, o.task_id) AS top
		FROM others o
	),
	per_answer AS (
		SELECT r.worker_id, r.task_id, max(r.top) AS top,
			   count(*) FILTER (WHERE r.votes = r.top) AS n_top,
			   bool_or(r.own AND r.votes = r.top) AS own_top
		FROM ranked r
		GROUP BY r.worker_id, r.task_id
	)
	SELECT p.worker_id,
		   count(*),
		   count(*) FILTER (WHERE p.top > 0),
		   coalesce(sum(1.0 / p.n_top) FILTER (WHERE p.top > 0 AND p.own_top), 0)::double precision,
		   (coalesce(sum(1.0 / p.n_top) FILTER (WHERE p.top > 0 AND p.own_top), 0)
			/ nullif(count(*) FILTER (WHERE p.top > 0), 0))::double precision
	FROM per_answer p
	GROUP BY p.worker_id
	ORDER BY p.worker_id;
END
$$;
COMMENT ON FUNCTION @extschema@.worker_agreement(bigint) IS
	'per worker: the share of their answers equal to the majority label of the OTHER workers on the task (leave-one-out; a tie of k labels counts 1/k)';
-- ---------------------------------------------------------------------------
-- The live posterior: one-coin posterior of a task, leave-one-out agreement,
-- and the credible bounds of a worker's golden accuracy (C, posterior.c; the
-- Beta quantile is beta_quantile from beta_dist.c)
-- ---------------------------------------------------------------------------

-- not STRICT: NULL labels and NULL skills are skipped inside; a NULL label
-- set is an error
CREATE FUNCTION @extschema@.one_coin_transfn(internal, text, double precision, text[])
	RETURNS internal
	AS 'MODULE_PATHNAME', 'one_coin_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION @extschema@.one_coin_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'one_coin_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.one_coin_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'one_coin_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.one_coin_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'one_coin_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: a NULL state (no votes) gives NULL
CREATE FUNCTION @extschema@.one_coin_finalfn(internal) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'one_coin_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.one_coin_transfn(internal, text, double precision, text[]) IS
	'aggregate transition function';
COMMENT ON FUNCTION @extschema@.one_coin_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION @extschema@.one_coin_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION @extschema@.one_coin_deserialize(bytea, internal) IS 'aggregate deserialize function';
COMMENT ON FUNCTION @extschema@.one_coin_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.one_coin_posterior(label text, skill double precision, labels text[]) (
	SFUNC = @extschema@.one_coin_transfn, STYPE = internal, SSPACE = 64,
	FINALFUNC = @extschema@.one_coin_finalfn,
	COMBINEFUNC = @extschema@.one_coin_combine,
	SERIALFUNC = @extschema@.one_coin_serialize, DESERIALFUNC = @extschema@.one_coin_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_posterior(text, double precision, text[]) IS
	'posterior over labels of one task given each vote and its worker''s accuracy (one-coin model, uniform prior)';

CREATE FUNCTION @extschema@.one_coin_loo_agrees(posterior @extschema@.label_dist, label text,
		skill double precision) RETURNS boolean
	AS 'MODULE_PATHNAME', 'one_coin_loo_agrees'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.one_coin_loo_agrees(@extschema@.label_dist, text, double precision) IS
	'is label the top label of a one-coin posterior once this vote (of a worker with this accuracy) is taken out';

-- The one place the credible bounds of golden accuracy come from: the
-- q-quantile of the Beta posterior Beta(prior_correct + correct,
-- prior_wrong + answered - correct).
CREATE FUNCTION @extschema@.accuracy_bound(q double precision, correct bigint, answered bigint,
		prior_correct double precision, prior_wrong double precision)
	RETURNS double precision
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$
		SELECT @extschema@.beta_quantile(q,
			prior_correct OPERATOR(pg_catalog.+) correct::double precision,
			prior_wrong OPERATOR(pg_catalog.+) (answered OPERATOR(pg_catalog.-) correct)::double precision)
	$$;
COMMENT ON FUNCTION @extschema@.accuracy_bound(double precision, bigint, bigint, double precision, double precision) IS
	'q-quantile of the Beta posterior of an accuracy after correct of answered, from a Beta(prior_correct, prior_wrong) prior';

-- The state shared by repeated_key and median: a list of 8-byte values
-- (C, live_values.c)
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION @extschema@.live_values_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'live_values_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.live_values_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'live_values_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.live_values_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'live_values_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.live_values_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION @extschema@.live_values_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION @extschema@.live_values_deserialize(bytea, internal) IS 'aggregate deserialize function';

-- repeated_key(key): the smallest key occurring twice in a group (C, live_repeat.c)
-- not STRICT: NULL keys are skipped inside
CREATE FUNCTION @extschema@.repeated_key_transfn(internal, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'repeated_key_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no keys) gives NULL
CREATE FUNCTION @extschema@.repeated_key_finalfn(internal) RETURNS bigint
	AS 'MODULE_PATHNAME', 'repeated_key_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.repeated_key_transfn(internal, bigint) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.repeated_key_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.repeated_key(key bigint) (
	SFUNC = @extschema@.repeated_key_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.repeated_key_finalfn,
	COMBINEFUNC = @extschema@.live_values_combine,
	SERIALFUNC = @extschema@.live_values_serialize,
	DESERIALFUNC = @extschema@.live_values_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.repeated_key(bigint) IS
	'the smallest key that occurs more than once in the group (NULL when all are distinct)';

-- float8_median(x): percentile_cont(0.5) with a hashable state (C, live_median.c)
-- not STRICT: NULL values are skipped inside
CREATE FUNCTION @extschema@.median_transfn(internal, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'median_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no values) gives NULL
CREATE FUNCTION @extschema@.median_finalfn(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'median_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.median_transfn(internal, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION @extschema@.median_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.float8_median(x double precision) (
	SFUNC = @extschema@.median_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = @extschema@.median_finalfn,
	COMBINEFUNC = @extschema@.live_values_combine,
	SERIALFUNC = @extschema@.live_values_serialize,
	DESERIALFUNC = @extschema@.live_values_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.float8_median(double precision) IS
	'the median, equal to percentile_cont(0.5) WITHIN GROUP (ORDER BY x), computable by hash aggregation';
-- ---------------------------------------------------------------------------
-- The live state: statement-level triggers keep task_state and worker_state
-- equal to a recomputation from the input tables, apply the quality-control
-- rules and NOTIFY listeners.
--
-- Every change goes through live_update(), in three phases that always take
-- their row locks in the same global order, so that concurrent writers never
-- lose an update and never deadlock each other within one statement:
--   1. workers: the worker_state rows of the (project, worker) pairs touched
--      are created if missing and locked in key order; their statistics are
--      recomputed from judgments and golden_labels under the lock; the
--      quality-control rules on a worker's own record (golden accuracy,
--      time) are applied.  Workers whose vote weight changed (new skill, or
--      banned) put every task they judged into phase 2.
--   2. tasks: the task_state rows are locked in task_id order; the rules
--      that depend on other writers (one judgment per worker, no judgment on
--      a complete task) are checked under the lock; each task's posterior,
--      label, confidence and status are recomputed from all its judgments
--      and the current skills.  Completions and reopenings are NOTIFYed.
--   3. agreement: the leave-one-out agreement of the workers of phase 1 is
--      recomputed against the new posteriors and the agreement rules are
--      applied (they only flag, so nothing goes back to phase 2).
-- Under READ COMMITTED each query of these functions takes a new snapshot,
-- so a recomputation made under a row lock sees every judgment committed by
-- the transactions that held the lock before: the last writer of a task or
-- worker computes from everything.  Under REPEATABLE READ or SERIALIZABLE a
-- lock on a row changed since the snapshot raises a serialization failure,
-- and the client retries.
--
-- All functions are SECURITY INVOKER with a pinned search_path (but for
-- live_analyze); the ones named live_* are internal.  Their array arguments
-- hold distinct keys (task ids, or (project, worker) pairs as two parallel
-- arrays): callers deduplicate, so that the planner sees the real sizes.
-- ---------------------------------------------------------------------------

-- True when a worker's judgments do not count in a project.
-- not STRICT: a NULL status is not banned
CREATE FUNCTION @extschema@.live_worker_banned(ws_status text, w_status text) RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
		SELECT ws_status OPERATOR(pg_catalog.=) 'banned' OR w_status OPERATOR(pg_catalog.=) 'banned'
	$$;
COMMENT ON FUNCTION @extschema@.live_worker_banned(text, text) IS
	'internal: is a worker banned in a project (worker_state.status) or everywhere (workers.status)';

-- Judgments an open regular task of a classification project may still
-- need before it can complete (the dispatch capacity of next_tasks): all of
-- those up to min_overlap, at least one while it is open, never past
-- max_overlap; 0 for golden, complete and closed tasks.
-- not STRICT: NULL counts are treated as no judgments
CREATE FUNCTION @extschema@.live_needed(status text, golden boolean, kind text, n_counted integer,
		min_overlap integer, max_overlap integer)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
		SELECT CASE WHEN status OPERATOR(pg_catalog.=) 'open' AND NOT golden
						 AND kind OPERATOR(pg_catalog.=) 'classification'
					THEN GREATEST(LEAST(max_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0),
										GREATEST(min_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0), 1)),
								  0)
					ELSE 0 END
	$$;
COMMENT ON FUNCTION @extschema@.live_needed(text, boolean, text, integer, integer, integer) IS
	'internal: judgments an open regular task may still need (task_state.needed)';

-- Phase 1a: create the missing worker_state rows and lock all of them, in key order.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION @extschema@.live_lock_workers(p_projects bigint[], p_workers bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	INSERT INTO @extschema@.worker_state (project_id, worker_id)
	SELECT k.project_id, k.worker_id
	FROM unnest(p_projects, p_workers) AS k(project_id, worker_id)
	ORDER BY k.project_id, k.worker_id
	ON CONFLICT (project_id, worker_id) DO NOTHING;

	PERFORM 1
	FROM @extschema@.worker_state ws
	JOIN unnest(p_projects, p_workers) AS k(project_id, worker_id)
	  ON ws.project_id = k.project_id AND ws.worker_id = k.worker_id
	ORDER BY ws.project_id, ws.worker_id
	FOR UPDATE OF ws;
END
$$;
COMMENT ON FUNCTION @extschema@.live_lock_workers(bigint[], bigint[]) IS
	'internal: create and lock worker_state rows in key order';

-- Phase 1b: recompute the statistics of locked workers; returns the pairs
-- whose skill (the weight of their votes) changed.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION @extschema@.live_worker_stats(p_projects bigint[], p_workers bigint[])
	RETURNS TABLE (project_id bigint, worker_id bigint)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan
	AS $$
BEGIN
	-- the judgments are filtered with = ANY on each key (estimated from the
	-- columns' statistics), aggregated in one hashable pass (float8_median() rather
	-- than percentile_cont), and only then matched to the pairs
	RETURN QUERY
	WITH s AS (
		SELECT t.project_id, j.worker_id,
			   count(*) AS n_judgments,
			   count(g.task_id) AS golden_answered,
			   count(g.task_id) FILTER (WHERE g.label = j.label) AS golden_correct,
			   count(j.time_spent) AS timed_judgments,
			   @extschema@.float8_median(date_part('epoch', j.time_spent)) AS median_seconds,
			   max(j.created_at) AS last_judgment_at
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id = j.task_id
		LEFT JOIN @extschema@.golden_labels g ON g.task_id = j.task_id
		WHERE j.worker_id = ANY (p_workers) AND t.project_id = ANY (p_projects)
		GROUP BY t.project_id, j.worker_id
	), f AS (
		SELECT k.project_id, k.worker_id,
			   coalesce(s.n_judgments, 0) AS n_judgments,
			   coalesce(s.golden_answered, 0) AS golden_answered,
			   coalesce(s.golden_correct, 0) AS golden_correct,
			   coalesce(s.timed_judgments, 0) AS timed_judgments,
			   s.last_judgment_at, s.median_seconds,
			   p.prior_correct, p.prior_wrong,
			   coalesce(rw.n_judgments, 0) AS model_judgments,
			   coalesce(rw.expected_correct, 0) AS model_correct
		FROM unnest(p_projects, p_workers) AS k(project_id, worker_id)
		JOIN @extschema@.projects p ON p.project_id = k.project_id
		LEFT JOIN s ON s.project_id = k.project_id AND s.worker_id = k.worker_id
		LEFT JOIN @extschema@.refresh_workers rw
		  ON rw.project_id = k.project_id AND rw.worker_id = k.worker_id
	), u AS (
		UPDATE @extschema@.worker_state ws
		SET n_judgments = f.n_judgments,
			golden_answered = f.golden_answered,
			golden_correct = f.golden_correct,
			golden_lower = @extschema@.accuracy_bound(0.025, f.golden_correct, f.golden_answered,
													  f.prior_correct, f.prior_wrong),
			golden_upper = @extschema@.accuracy_bound(0.975, f.golden_correct, f.golden_answered,
													  f.prior_correct, f.prior_wrong),
			model_judgments = f.model_judgments,
			model_correct = f.model_correct,
			skill = (f.prior_correct + f.golden_correct + f.model_correct)
				/ (f.prior_correct + f.prior_wrong + f.golden_answered + f.model_judgments),
			timed_judgments = f.timed_judgments,
			median_seconds = f.median_seconds,
			last_judgment_at = f.last_judgment_at
		FROM f
		JOIN @extschema@.worker_state old
		  ON old.project_id = f.project_id AND old.worker_id = f.worker_id
		WHERE ws.project_id = f.project_id AND ws.worker_id = f.worker_id
		RETURNING ws.project_id, ws.worker_id, old.skill AS old_skill, ws.skill AS new_skill
	)
	SELECT u.project_id, u.worker_id
	FROM u
	WHERE u.old_skill IS NOT NULL AND u.old_skill IS DISTINCT FROM u.new_skill;
END
$$;
COMMENT ON FUNCTION @extschema@.live_worker_stats(bigint[], bigint[]) IS
	'internal: recompute worker_state statistics and skill; returns the workers whose skill changed';

-- Send one NOTIFY per quality-control event.
-- not STRICT: a NULL array means no events
CREATE FUNCTION @extschema@.live_notify_events(p_events bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM pg_notify(
		CASE WHEN e.action = 'ban' OR e.action = 'unban'
			 THEN 'labeling_worker_ban' ELSE 'labeling_worker_flag' END,
		jsonb_build_object('event_id', e.event_id, 'project_id', e.project_id,
						   'worker_id', e.worker_id, 'action', e.action,
						   'rule_id', e.rule_id, 'metric', e.metric,
						   'value', e.value, 'threshold', e.threshold)::text)
	FROM @extschema@.qc_events e
	JOIN unnest(p_events) AS u(event_id) ON u.event_id = e.event_id
	ORDER BY e.event_id;
END
$$;
COMMENT ON FUNCTION @extschema@.live_notify_events(bigint[]) IS
	'internal: NOTIFY labeling_worker_ban / labeling_worker_flag for quality-control events';

-- Apply the enabled quality-control rules on the given metrics to locked
-- workers: a rule fires when metric < threshold after at least min_count
-- observations and its action is stronger than the worker's status.  Every
-- firing is stored in qc_events with its evidence.  Returns the pairs that
-- became banned.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION @extschema@.live_qc(p_projects bigint[], p_workers bigint[], p_metrics text[])
	RETURNS TABLE (project_id bigint, worker_id bigint)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_events bigint[];
BEGIN
	IF NOT EXISTS (SELECT 1 FROM @extschema@.qc_rules r
				   WHERE r.enabled AND r.metric = ANY (p_metrics)) THEN
		RETURN;
	END IF;
	WITH k AS (
		SELECT u.project_id, u.worker_id
		FROM unnest(p_projects, p_workers) AS u(project_id, worker_id)
	), fired AS (
		SELECT ws.project_id, ws.worker_id, r.rule_id, r.action, r.metric, r.threshold,
			   CASE WHEN r.metric = 'golden_lower_bound' THEN ws.golden_lower
					WHEN r.metric = 'median_seconds' THEN ws.median_seconds
					ELSE ws.agreement END AS value,
			   jsonb_build_object('rule', r.name, 'min_count', r.min_count,
								  'n_judgments', ws.n_judgments, 'skill', ws.skill)
			   || CASE
					WHEN r.metric = 'golden_lower_bound' THEN
						jsonb_build_object(
							'golden_answered', ws.golden_answered,
							'golden_correct', ws.golden_correct,
							'golden_lower', ws.golden_lower, 'golden_upper', ws.golden_upper,
							'prior_correct', p.prior_correct, 'prior_wrong', p.prior_wrong,
							'wrong_golden_answers', (
								SELECT coalesce(jsonb_agg(jsonb_build_object(
										   'judgment_id', x.judgment_id, 'task_id', x.task_id,
										   'label', x.label, 'golden_label', x.golden_label)
										   ORDER BY x.created_at DESC, x.judgment_id DESC), '[]')
								FROM (SELECT j.judgment_id, j.task_id, j.label, j.created_at,
											 g.label AS golden_label
									  FROM @extschema@.judgments j
									  JOIN @extschema@.tasks t ON t.task_id = j.task_id
									  JOIN @extschema@.golden_labels g ON g.task_id = j.task_id
									  WHERE j.worker_id = ws.worker_id
										AND t.project_id = ws.project_id
										AND j.label <> g.label
									  ORDER BY j.created_at DESC, j.judgment_id DESC
									  LIMIT 20) x))
					WHEN r.metric = 'median_seconds' THEN
						jsonb_build_object('median_seconds', ws.median_seconds,
										   'timed_judgments', ws.timed_judgments)
					ELSE
						jsonb_build_object('agreement', ws.agreement,
										   'agreement_judgments', ws.agreement_judgments,
										   'agreement_at', ws.agreement_at)
				  END AS evidence
		FROM k
		JOIN @extschema@.worker_state ws
		  ON ws.project_id = k.project_id AND ws.worker_id = k.worker_id
		JOIN @extschema@.workers w ON w.worker_id = ws.worker_id
		JOIN @extschema@.projects p ON p.project_id = ws.project_id
		JOIN @extschema@.qc_rules r
		  ON r.enabled
		 AND (r.project_id IS NULL OR r.project_id = ws.project_id)
		 AND (r.worker_kinds IS NULL OR w.kind = ANY (r.worker_kinds))
		 AND r.metric = ANY (p_metrics)
		WHERE ((r.action = 'ban' AND ws.status <> 'banned')
			   OR (r.action = 'flag' AND ws.status = 'active'))
		  AND ((r.metric = 'golden_lower_bound' AND ws.golden_answered >= r.min_count
				AND ws.golden_lower < r.threshold)
			   OR (r.metric = 'median_seconds' AND ws.timed_judgments >= r.min_count
				   AND ws.median_seconds < r.threshold)
			   OR (r.metric = 'agreement' AND ws.agreement_judgments >= r.min_count
				   AND ws.agreement < r.threshold))
	), ev AS (
		INSERT INTO @extschema@.qc_events
			(project_id, worker_id, rule_id, action, metric, value, threshold, evidence)
		SELECT f.project_id, f.worker_id, f.rule_id, f.action, f.metric, f.value, f.threshold,
			   f.evidence
		FROM fired f
		ORDER BY f.project_id, f.worker_id, f.rule_id
		RETURNING event_id
	)
	SELECT array_agg(ev.event_id ORDER BY ev.event_id) INTO v_events FROM ev;

	IF v_events IS NULL THEN
		RETURN;
	END IF;
	PERFORM @extschema@.live_notify_events(v_events);

	RETURN QUERY
	WITH d AS (
		SELECT e.project_id, e.worker_id, bool_or(e.action = 'ban') AS ban
		FROM @extschema@.qc_events e
		JOIN unnest(v_events) AS u(event_id) ON u.event_id = e.event_id
		GROUP BY e.project_id, e.worker_id
	), s AS (
		UPDATE @extschema@.worker_state ws
		SET status = CASE WHEN d.ban THEN 'banned' ELSE 'flagged' END,
			status_changed_at = now()
		FROM d
		WHERE ws.project_id = d.project_id AND ws.worker_id = d.worker_id
		RETURNING ws.project_id, ws.worker_id, ws.status
	)
	SELECT s.project_id, s.worker_id FROM s WHERE s.status = 'banned';
END
$$;
COMMENT ON FUNCTION @extschema@.live_qc(bigint[], bigint[], text[]) IS
	'internal: apply quality-control rules on some metrics to locked workers; returns the newly banned';

-- Phase 2: lock tasks in task_id order; check that no new judgment went to
-- a complete or closed task (p_new_tasks: the tasks of new judgments, or
-- NULL); recompute the tasks (with their dispatch capacity: needed, and the
-- assignments still issued), checking that no worker judged a task twice
-- unless the project allows it; NOTIFY completions and reopenings.  A
-- repeat can only come from the judgments of this statement: a project
-- cannot stop allowing repeats while it has some.
-- not STRICT: NULL arrays mean no tasks (and nothing to check)
CREATE FUNCTION @extschema@.live_tasks(p_tasks bigint[], p_new_tasks bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
	v_changed bigint[];
	v_repeat bigint;
BEGIN
	PERFORM 1
	FROM @extschema@.task_state ts
	WHERE ts.task_id = ANY (p_tasks)
	ORDER BY ts.task_id
	FOR UPDATE OF ts;

	IF p_new_tasks IS NOT NULL THEN
		-- no judgment on a complete or closed task (status before this statement)
		SELECT ts.task_id, ts.status, p.name INTO r
		FROM @extschema@.task_state ts
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE ts.task_id = ANY (p_new_tasks)
		  AND ts.status <> 'open' AND NOT p.allow_judgments_on_closed
		ORDER BY ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'task % is %', r.task_id, r.status
				USING ERRCODE = 'check_violation',
					  CONSTRAINT = 'judgments_task_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Project %L accepts no judgments on complete or closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;
	END IF;

	WITH agg AS (
		SELECT j.task_id,
			   count(*) AS n_judgments,
			   count(*) FILTER (WHERE NOT @extschema@.live_worker_banned(ws.status, w.status))
				   AS n_counted,
			   @extschema@.one_coin_posterior(j.label, ws.skill, p.labels)
				   FILTER (WHERE NOT @extschema@.live_worker_banned(ws.status, w.status))
				   AS posterior,
			   max(j.created_at) FILTER (WHERE NOT @extschema@.live_worker_banned(ws.status, w.status))
				   AS last_counted_at,
			   @extschema@.repeated_key(j.worker_id) FILTER (WHERE NOT p.allow_repeat_judgments)
				   AS repeated_worker
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id = j.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		JOIN @extschema@.worker_state ws
		  ON ws.project_id = t.project_id AND ws.worker_id = j.worker_id
		JOIN @extschema@.workers w ON w.worker_id = j.worker_id
		WHERE j.task_id = ANY (p_tasks)
		GROUP BY j.task_id
	), n AS (
		SELECT t.task_id, t.project_id, t.status AS task_status,
			   coalesce(a.n_judgments, 0) AS n_judgments,
			   coalesce(a.n_counted, 0) AS n_counted,
			   a.posterior, a.last_counted_at, a.repeated_worker,
			   @extschema@.top_label(a.posterior) AS label,
			   @extschema@.confidence(a.posterior) AS confidence,
			   g.task_id IS NOT NULL AS golden,
			   p.kind, p.min_overlap, p.max_overlap, p.target_confidence,
			   coalesce(i.issued, 0) AS issued
		FROM @extschema@.tasks t
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		LEFT JOIN agg a ON a.task_id = t.task_id
		LEFT JOIN @extschema@.golden_labels g ON g.task_id = t.task_id
		LEFT JOIN (SELECT x.task_id, count(*) AS issued
				   FROM @extschema@.assignments x
				   WHERE x.task_id = ANY (p_tasks) AND x.state = 'issued'
				   GROUP BY x.task_id) i ON i.task_id = t.task_id
		WHERE t.task_id = ANY (p_tasks)
	), s AS (
		SELECT n.*,
			   CASE WHEN n.task_status = 'closed' THEN 'closed'
					WHEN n.golden THEN 'open'
					WHEN n.n_counted >= n.max_overlap THEN 'complete'
					WHEN n.n_counted >= n.min_overlap
						 AND n.confidence >= n.target_confidence THEN 'complete'
					ELSE 'open' END AS status
		FROM n
	), upd AS (
		UPDATE @extschema@.task_state ts
		SET n_judgments = s.n_judgments,
			n_counted = s.n_counted,
			posterior = s.posterior,
			label = s.label,
			confidence = s.confidence,
			status = s.status,
			golden = s.golden,
			completed_at = CASE WHEN s.status = 'complete' THEN s.last_counted_at END,
			needed = @extschema@.live_needed(s.status, s.golden, s.kind, s.n_counted::integer,
											 s.min_overlap, s.max_overlap),
			assigned = CASE WHEN s.golden OR s.kind <> 'classification' THEN 0 ELSE s.issued END
		FROM s
		JOIN @extschema@.task_state old ON old.task_id = s.task_id
		WHERE ts.task_id = s.task_id
		RETURNING ts.task_id, ts.status, old.status AS old_status, s.repeated_worker
	)
	SELECT array_agg(upd.task_id ORDER BY upd.task_id)
			   FILTER (WHERE (upd.status = 'complete') <> (upd.old_status = 'complete')
						 AND (upd.status = 'complete' OR upd.status = 'open')),
		   min(upd.task_id) FILTER (WHERE upd.repeated_worker IS NOT NULL)
	INTO v_changed, v_repeat
	FROM upd;

	IF v_repeat IS NOT NULL THEN
		SELECT x.task_id, x.worker_id, p.name INTO r
		FROM (SELECT v_repeat AS task_id, @extschema@.repeated_key(j.worker_id) AS worker_id
			  FROM @extschema@.judgments j WHERE j.task_id = v_repeat) x
		JOIN @extschema@.tasks t ON t.task_id = x.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id;
		RAISE EXCEPTION 'worker % judged task % more than once', r.worker_id, r.task_id
			USING ERRCODE = 'unique_violation',
				  CONSTRAINT = 'judgments_one_per_worker',
				  SCHEMA = '@extschema@', TABLE = 'judgments',
				  DETAIL = format('Project %L takes one judgment per worker and task.', r.name),
				  HINT = 'Set projects.allow_repeat_judgments to accept more.';
	END IF;

	-- one NOTIFY per task that completed or reopened
	PERFORM pg_notify(
		CASE WHEN ts.status = 'complete' THEN 'labeling_task_complete' ELSE 'labeling_task_reopen' END,
		jsonb_build_object('project_id', ts.project_id, 'task_id', ts.task_id, 'status', ts.status,
						   'label', CASE WHEN octet_length(ts.label) <= 256 THEN ts.label END,
						   'confidence', ts.confidence, 'judgments', ts.n_counted)::text)
	FROM @extschema@.task_state ts
	JOIN unnest(v_changed) AS u(task_id) ON u.task_id = ts.task_id
	ORDER BY ts.task_id;
END
$$;
COMMENT ON FUNCTION @extschema@.live_tasks(bigint[], bigint[]) IS
	'internal: lock and recompute task_state rows, check rules needing the lock, NOTIFY completions';

-- Does one judgment agree with its task's posterior, leaving itself out?
-- The judgments of a banned worker are not in the posterior: compared as is.
CREATE FUNCTION @extschema@.live_agrees(ws_status text, w_status text, label text, task_label text,
		posterior @extschema@.label_dist, skill double precision)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
		SELECT CASE WHEN @extschema@.live_worker_banned(ws_status, w_status)
					THEN label OPERATOR(pg_catalog.=) task_label
					ELSE @extschema@.one_coin_loo_agrees(posterior, label, skill) END
	$$;
COMMENT ON FUNCTION @extschema@.live_agrees(text, text, text, text, @extschema@.label_dist, double precision) IS
	'internal: does a judgment agree with its task''s posterior without it';

-- Counted judgments a task needs for a worker's judgment on it to be
-- compared: another one, or the task's own for a banned worker.
CREATE FUNCTION @extschema@.live_agreement_min_counted(ws_status text, w_status text)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
		SELECT CASE WHEN @extschema@.live_worker_banned(ws_status, w_status) THEN 1 ELSE 2 END
	$$;
COMMENT ON FUNCTION @extschema@.live_agreement_min_counted(text, text) IS
	'internal: counted judgments a task needs before a worker''s judgment on it is compared';

-- Leave-one-out agreement of every worker with the current posteriors,
-- over their judgments on tasks with another counted judgment (or with one,
-- for a banned worker).  Callers filter on project_id and worker_id, which
-- the planner pushes into the grouping.
CREATE VIEW @extschema@.live_worker_agreement AS
SELECT ts.project_id,
	   j.worker_id,
	   pg_catalog.count(*) AS judgments,
	   pg_catalog.count(*) FILTER (
		   WHERE @extschema@.live_agrees(ws.status, w.status, j.label, ts.label,
										 ts.posterior, ws.skill)) AS agreeing
FROM @extschema@.judgments j
JOIN @extschema@.task_state ts ON ts.task_id OPERATOR(pg_catalog.=) j.task_id
JOIN @extschema@.worker_state ws
  ON ws.project_id OPERATOR(pg_catalog.=) ts.project_id
 AND ws.worker_id OPERATOR(pg_catalog.=) j.worker_id
JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) j.worker_id
WHERE ts.n_counted OPERATOR(pg_catalog.>=) @extschema@.live_agreement_min_counted(ws.status, w.status)
GROUP BY ts.project_id, j.worker_id;
COMMENT ON VIEW @extschema@.live_worker_agreement IS
	'per project and worker: judgments compared with the live posteriors leaving themselves out, and how many agree';

-- Phase 3: store the agreement of locked workers.
-- not STRICT: NULL arrays mean no workers
CREATE FUNCTION @extschema@.live_agreement(p_projects bigint[], p_workers bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan
	AS $$
BEGIN
	UPDATE @extschema@.worker_state ws
	SET agreement = CASE WHEN a.judgments > 0
						 THEN a.agreeing::double precision / a.judgments END,
		agreement_judgments = coalesce(a.judgments, 0),
		agreement_at = now()
	FROM unnest(p_projects, p_workers) AS k(project_id, worker_id)
	LEFT JOIN (SELECT * FROM @extschema@.live_worker_agreement v
			   WHERE v.worker_id = ANY (p_workers) AND v.project_id = ANY (p_projects)) a
	  ON a.project_id = k.project_id AND a.worker_id = k.worker_id
	WHERE ws.project_id = k.project_id AND ws.worker_id = k.worker_id;
END
$$;
COMMENT ON FUNCTION @extschema@.live_agreement(bigint[], bigint[]) IS
	'internal: store the leave-one-out agreement of locked workers';

-- The three phases.  p_tasks: tasks to recompute; (p_projects, p_workers):
-- worker pairs to recompute; p_new_tasks: the tasks of newly inserted
-- judgments (checked under the task lock), or NULL; p_qc: apply the
-- quality-control rules; p_cascade: treat every worker pair as changed (its
-- tasks are recomputed); p_agreement: recompute agreement (and apply the
-- agreement rules when p_qc).
-- not STRICT: NULL arrays mean no tasks or workers
CREATE FUNCTION @extschema@.live_update(p_tasks bigint[], p_projects bigint[], p_workers bigint[],
		p_new_tasks bigint[], p_qc boolean, p_cascade boolean, p_agreement boolean)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_cp bigint[];
	v_cw bigint[];
	v_tasks bigint[];
BEGIN
	-- phase 1: workers
	PERFORM @extschema@.live_lock_workers(p_projects, p_workers);
	IF p_cascade THEN
		PERFORM @extschema@.live_worker_stats(p_projects, p_workers);
		v_cp := p_projects;
		v_cw := p_workers;
	ELSE
		SELECT array_agg(c.project_id), array_agg(c.worker_id) INTO v_cp, v_cw
		FROM @extschema@.live_worker_stats(p_projects, p_workers) c;
	END IF;
	IF p_qc THEN
		SELECT v_cp || array_agg(b.project_id), v_cw || array_agg(b.worker_id) INTO v_cp, v_cw
		FROM @extschema@.live_qc(p_projects, p_workers,
								 ARRAY['golden_lower_bound', 'median_seconds']) b;
	END IF;

	-- phase 2: tasks, with every task judged by a worker whose weight changed
	-- (with several projects, by a worker whose weight changed in another
	-- project too: recomputing more is harmless)
	IF v_cp IS NULL THEN
		v_tasks := p_tasks;
	ELSE
		SELECT array_agg(x.task_id) INTO v_tasks
		FROM (SELECT u.task_id FROM unnest(p_tasks) AS u(task_id)
			  UNION
			  SELECT j.task_id
			  FROM @extschema@.judgments j
			  JOIN @extschema@.tasks t ON t.task_id = j.task_id
			  WHERE j.worker_id = ANY (v_cw) AND t.project_id = ANY (v_cp)) x;
	END IF;
	PERFORM @extschema@.live_tasks(v_tasks, p_new_tasks);

	-- phase 3: agreement
	IF p_agreement THEN
		PERFORM @extschema@.live_agreement(p_projects, p_workers);
		IF p_qc THEN
			PERFORM @extschema@.live_qc(p_projects, p_workers, ARRAY['agreement']);
		END IF;
	END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.live_update(bigint[], bigint[], bigint[], bigint[], boolean, boolean, boolean) IS
	'internal: recompute worker_state and task_state for the given workers and tasks, in lock order';

-- All tasks and worker pairs of a project, for the whole-project paths.
-- not STRICT: called only with a project id
CREATE FUNCTION @extschema@.live_update_project(p_project bigint, p_qc boolean)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	v_work_mem := @extschema@.live_bulk_mode(
		(SELECT count(*) FROM @extschema@.judgments j
		 JOIN @extschema@.tasks t ON t.task_id = j.task_id
		 WHERE t.project_id = p_project),
		'@extschema@.judgments'::regclass);
	SELECT array_agg(t.task_id ORDER BY t.task_id) INTO v_tasks
	FROM @extschema@.tasks t WHERE t.project_id = p_project;
	SELECT array_agg(p_project), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT j.worker_id
		  FROM @extschema@.judgments j
		  JOIN @extschema@.tasks t ON t.task_id = j.task_id
		  WHERE t.project_id = p_project
		  UNION
		  SELECT ws.worker_id FROM @extschema@.worker_state ws
		  WHERE ws.project_id = p_project) x;
	PERFORM @extschema@.live_update(v_tasks, v_projects, v_workers, NULL,
									p_qc, true, true);
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
END
$$;
COMMENT ON FUNCTION @extschema@.live_update_project(bigint, boolean) IS
	'internal: recompute the whole live state of one project';

CREATE FUNCTION @extschema@.rebuild(project_id bigint)
	RETURNS void
	LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM @extschema@.projects p WHERE p.project_id = rebuild.project_id) THEN
		RAISE EXCEPTION 'project % does not exist', rebuild.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM 1 FROM @extschema@.projects p WHERE p.project_id = rebuild.project_id
	FOR NO KEY UPDATE;
	PERFORM @extschema@.live_update_project(rebuild.project_id, false);
END
$$;
COMMENT ON FUNCTION @extschema@.rebuild(bigint) IS
	'recompute task_state and worker_state of a project from its judgments (statuses and events are kept; no rule is applied)';

-- Statistics for the planner after a bulk write.  The live functions plan
-- their queries for the sizes of the arrays they get (custom plans), but a
-- table just filled by the same transaction (or never analyzed since the
-- extension was created) has statistics that make a nested loop look
-- cheap where a hash join is right.  ANALYZE needs the table owner, so this
-- function runs as the extension owner; it takes no input and analyzes only
-- the extension's own tables, those that grew well past their statistics.
CREATE FUNCTION @extschema@.live_analyze()
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_table regclass;
BEGIN
	-- a table whose file grew past twice what its statistics describe
	FOR v_table IN
		SELECT c.oid FROM pg_class c
		WHERE c.oid = ANY (ARRAY['@extschema@.judgments', '@extschema@.tasks',
								 '@extschema@.golden_labels', '@extschema@.task_state',
								 '@extschema@.worker_state']::regclass[])
		  AND pg_relation_size(c.oid) / current_setting('block_size')::bigint > 2 * c.relpages + 8
		ORDER BY c.oid
	LOOP
		EXECUTE format('ANALYZE %s', v_table);
	END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.live_analyze() IS
	'internal: ANALYZE the tables the live functions read whose statistics are stale (runs as the extension owner)';

-- Bulk mode for a statement of p_rows rows written into p_table.  From 1000
-- rows on, every query of the statement is planned for the real sizes of
-- its arrays (custom plans) and gets at least 64MB of work_mem, so that its
-- hash tables and sorts stay in memory.  When the statement is also large
-- next to what the planner believes the table holds, the statistics are
-- refreshed, and nested loops and sorts are disabled: the planner cannot
-- estimate joins against the arrays' contents (it underestimates them by
-- orders of magnitude), and whole-table hash joins and hash aggregation are
-- right at that size.  The caller must SET plan_cache_mode, enable_nestloop
-- and enable_sort in its own SET clause, so that these end with it, and give
-- work_mem back with live_bulk_mode_end(the value returned here).
-- not STRICT: called only with a row count and a table
CREATE FUNCTION @extschema@.live_bulk_mode(p_rows bigint, p_table regclass)
	RETURNS text
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_work_mem text := current_setting('work_mem');
BEGIN
	IF p_rows < 1000 THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
	IF (SELECT s.setting::bigint < 65536 FROM pg_settings s WHERE s.name = 'work_mem') THEN
		PERFORM set_config('work_mem', '64MB', true);
	END IF;
	IF p_rows >= 0.2 * (SELECT greatest(c.reltuples, 0) FROM pg_class c WHERE c.oid = p_table) THEN
		PERFORM @extschema@.live_analyze();
		PERFORM set_config('enable_nestloop', 'off', true);
		PERFORM set_config('enable_sort', 'off', true);
	END IF;
	RETURN v_work_mem;
END
$$;
COMMENT ON FUNCTION @extschema@.live_bulk_mode(bigint, regclass) IS
	'internal: custom plans, memory and fresh statistics for a statement that writes many rows';

-- not STRICT: NULL means work_mem was not changed
CREATE FUNCTION @extschema@.live_bulk_mode_end(p_work_mem text)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF p_work_mem IS NOT NULL THEN
		PERFORM set_config('work_mem', p_work_mem, true);
	END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.live_bulk_mode_end(text) IS
	'internal: give back the work_mem changed by live_bulk_mode';

-- ---------------------------------------------------------------------------
-- Triggers on judgments
-- ---------------------------------------------------------------------------

-- Report the first judgment (in judgment_id order) that breaks a rule
-- checked without locks; raises, or returns quietly.
-- not STRICT: most columns of a judgment may be NULL
CREATE FUNCTION @extschema@.live_check_judgment(p_judgment_id bigint, p_task_id bigint,
		p_worker_id bigint, p_label text, p_score double precision, p_version integer,
		p_assignment_id bigint, p_check_assignment boolean)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	p @extschema@.projects;
	v_kind text;
	a @extschema@.assignments;
BEGIN
	SELECT pr.* INTO p
	FROM @extschema@.tasks t JOIN @extschema@.projects pr ON pr.project_id = t.project_id
	WHERE t.task_id = p_task_id;
	SELECT w.kind INTO v_kind FROM @extschema@.workers w WHERE w.worker_id = p_worker_id;

	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'task % belongs to side-by-side project %', p_task_id, quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_project_kind',
				  SCHEMA = '@extschema@', TABLE = 'judgments',
				  DETAIL = 'Judgments are for classification projects.',
				  HINT = 'Insert side-by-side answers into comparisons.';
	END IF;
	IF array_position(p.labels, p_label) IS NULL THEN
		RAISE EXCEPTION 'label % is not among the labels of project %',
				quote_literal(p_label), quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_label_allowed',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'label',
				  DETAIL = format('Judgment %s on task %s; the allowed labels are %s.',
								  p_judgment_id, p_task_id, array_to_string(p.labels, ', ')),
				  HINT = 'Fix the label, or add it to projects.labels.';
	END IF;
	IF p_score IS NOT NULL AND v_kind <> 'model' THEN
		RAISE EXCEPTION 'worker % is a % worker and cannot give a score', p_worker_id, v_kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_score_model_only',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'score',
				  DETAIL = 'Only model workers give a score with their label.',
				  HINT = 'Leave score NULL for human and expert workers.';
	END IF;
	IF p_version > p.guidelines_version THEN
		RAISE EXCEPTION 'guidelines version % of project % does not exist', p_version, quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_guidelines_version_current',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'guidelines_version',
				  DETAIL = format('The current version is %s.', p.guidelines_version);
	END IF;
	IF p_assignment_id IS NOT NULL THEN
		SELECT * INTO a FROM @extschema@.assignments x WHERE x.assignment_id = p_assignment_id;
		IF a.task_id <> p_task_id OR a.worker_id <> p_worker_id THEN
			RAISE EXCEPTION 'assignment % is for task % and worker %',
					p_assignment_id, a.task_id, a.worker_id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_match',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
					  DETAIL = format('The judgment is by worker %s on task %s.', p_worker_id, p_task_id);
		END IF;
		IF p_check_assignment AND a.state <> 'issued' THEN
			RAISE EXCEPTION 'assignment % is %', p_assignment_id, a.state
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
					  HINT = 'Only an issued assignment can be submitted, once.';
		END IF;
	END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.live_check_judgment(bigint, bigint, bigint, text, double precision, integer, bigint, boolean) IS
	'internal: raise the error for a judgment that breaks a rule checked without locks';

CREATE FUNCTION @extschema@.judgments_after_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_rows bigint;
	v_scores bigint;
	v_assignments bigint;
	v_distinct_assignments bigint;
	v_tasks bigint[];
	v_open_tasks bigint[];
	v_task_projects bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	SELECT count(*), count(n.score), count(n.assignment_id) INTO v_rows, v_scores, v_assignments
	FROM new_rows n;
	IF v_rows = 0 THEN
		RETURN NULL;
	END IF;
	v_work_mem := @extschema@.live_bulk_mode(v_rows, '@extschema@.judgments'::regclass);

	-- the first row (in judgment_id order) breaking a rule checked without
	-- locks; the score and assignment rules only when some row has one
	SELECT n.* INTO r
	FROM new_rows n
	JOIN @extschema@.tasks t ON t.task_id = n.task_id
	JOIN @extschema@.projects p ON p.project_id = t.project_id
	LEFT JOIN (SELECT pl.project_id, l.label
			   FROM @extschema@.projects pl, unnest(pl.labels) AS l(label)) al
	  ON al.project_id = t.project_id AND al.label = n.label
	WHERE p.kind <> 'classification'
	   OR al.label IS NULL
	   OR n.guidelines_version > p.guidelines_version
	ORDER BY n.judgment_id
	LIMIT 1;
	IF NOT FOUND AND v_scores > 0 THEN
		SELECT n.* INTO r
		FROM new_rows n JOIN @extschema@.workers w ON w.worker_id = n.worker_id
		WHERE n.score IS NOT NULL AND w.kind <> 'model'
		ORDER BY n.judgment_id
		LIMIT 1;
	END IF;
	IF NOT FOUND AND v_assignments > 0 THEN
		SELECT n.* INTO r
		FROM new_rows n JOIN @extschema@.assignments a ON a.assignment_id = n.assignment_id
		WHERE a.task_id <> n.task_id OR a.worker_id <> n.worker_id OR a.state <> 'issued'
		ORDER BY n.judgment_id
		LIMIT 1;
	END IF;
	IF FOUND THEN
		PERFORM @extschema@.live_check_judgment(r.judgment_id, r.task_id, r.worker_id, r.label,
												r.score, r.guidelines_version, r.assignment_id, true);
		RAISE EXCEPTION 'judgment % breaks a rule', r.judgment_id;	-- not reached
	END IF;

	-- the tasks, and the (project, worker) pairs, of the new judgments
	SELECT array_agg(x.task_id) INTO v_tasks FROM (SELECT DISTINCT n.task_id FROM new_rows n) x;
	SELECT array_agg(DISTINCT t.project_id) INTO v_task_projects
	FROM @extschema@.tasks t WHERE t.task_id = ANY (v_tasks);
	IF cardinality(v_task_projects) = 1 THEN
		SELECT array_agg(v_task_projects[1]), array_agg(x.worker_id) INTO v_projects, v_workers
		FROM (SELECT DISTINCT n.worker_id FROM new_rows n) x;
	ELSE
		SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
		FROM (SELECT DISTINCT t.project_id, n.worker_id
			  FROM new_rows n JOIN @extschema@.tasks t ON t.task_id = n.task_id) x;
	END IF;

	-- the assignments named are submitted now, each once
	IF v_assignments > 0 THEN
		SELECT count(DISTINCT n.assignment_id) INTO v_distinct_assignments FROM new_rows n;
		IF v_distinct_assignments <> v_assignments THEN
			RAISE EXCEPTION 'an assignment is submitted twice in one statement'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id';
		END IF;
		WITH s AS (
			UPDATE @extschema@.assignments a
			SET state = 'submitted', closed_at = now()
			FROM new_rows n
			WHERE a.assignment_id = n.assignment_id AND a.state = 'issued'
			RETURNING a.assignment_id
		)
		SELECT count(*) INTO v_distinct_assignments FROM s;
		IF v_distinct_assignments <> v_assignments THEN
			RAISE EXCEPTION 'an assignment was submitted or closed concurrently'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id';
		END IF;
	END IF;

	-- A judgment for an issued assignment is accepted on a task that
	-- completed after the assignment was issued (the worker was promised the
	-- task), never on a task closed by hand: only the tasks of the other
	-- judgments must be open, and the closed check of assigned ones runs
	-- under the task locks that live_update took.
	IF v_assignments = 0 THEN
		v_open_tasks := v_tasks;
	ELSE
		SELECT array_agg(DISTINCT n.task_id) INTO v_open_tasks
		FROM new_rows n WHERE n.assignment_id IS NULL;
	END IF;
	PERFORM @extschema@.live_update(v_tasks, v_projects, v_workers, v_open_tasks,
									true, false, true);
	IF v_assignments > 0 THEN
		SELECT ts.task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.task_state ts ON ts.task_id = n.task_id
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE n.assignment_id IS NOT NULL AND ts.status = 'closed'
		  AND NOT p.allow_judgments_on_closed
		ORDER BY ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'task % is closed', r.task_id
				USING ERRCODE = 'check_violation',
					  CONSTRAINT = 'judgments_task_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Project %L accepts no judgments on closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;
	END IF;
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.judgments_after_insert() IS
	'trigger: validate new judgments, then update task_state and worker_state, apply rules, NOTIFY';

-- UPDATE or DELETE of judgments.  An update may change the label, the
-- score, the guidelines version, the time or created_at, never the keys, so
-- the old rows name the tasks and workers to recompute in both cases.
CREATE FUNCTION @extschema@.judgments_after_change()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		SELECT o.judgment_id INTO r
		FROM old_rows o JOIN new_rows n ON n.judgment_id = o.judgment_id
		WHERE n.task_id <> o.task_id OR n.worker_id <> o.worker_id
		   OR n.assignment_id IS DISTINCT FROM o.assignment_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'the task, worker and assignment of a judgment cannot change'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_keys_immutable',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Judgment %s was updated.', r.judgment_id),
					  HINT = 'Delete the judgment and insert a new one.';
		END IF;
		FOR r IN
			SELECT n.* FROM new_rows n JOIN old_rows o ON o.judgment_id = n.judgment_id
			WHERE n.label <> o.label OR n.score IS DISTINCT FROM o.score
			   OR n.guidelines_version IS DISTINCT FROM o.guidelines_version
			ORDER BY n.judgment_id
		LOOP
			PERFORM @extschema@.live_check_judgment(r.judgment_id, r.task_id, r.worker_id, r.label,
													r.score, r.guidelines_version, r.assignment_id,
													false);
		END LOOP;
	END IF;

	SELECT array_agg(x.task_id) INTO v_tasks FROM (SELECT DISTINCT o.task_id FROM old_rows o) x;
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	v_work_mem := @extschema@.live_bulk_mode((SELECT count(*) FROM old_rows),
											 '@extschema@.judgments'::regclass);
	SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT DISTINCT t.project_id, o.worker_id
		  FROM old_rows o JOIN @extschema@.tasks t ON t.task_id = o.task_id) x;
	PERFORM @extschema@.live_update(v_tasks, v_projects, v_workers, NULL,
									true, false, true);
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.judgments_after_change() IS
	'trigger: after UPDATE (keys are immutable, changed rows are validated) or DELETE, update the live state';

CREATE FUNCTION @extschema@.judgments_after_truncate()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_project bigint;
BEGIN
	FOR v_project IN SELECT p.project_id FROM @extschema@.projects p ORDER BY p.project_id LOOP
		PERFORM @extschema@.live_update_project(v_project, false);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.judgments_after_truncate() IS
	'trigger: recompute the live state of every project after TRUNCATE judgments';

CREATE TRIGGER judgments_live_insert AFTER INSERT ON @extschema@.judgments
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.judgments_after_insert();
CREATE TRIGGER judgments_live_update AFTER UPDATE ON @extschema@.judgments
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.judgments_after_change();
CREATE TRIGGER judgments_live_delete AFTER DELETE ON @extschema@.judgments
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.judgments_after_change();
CREATE TRIGGER judgments_live_truncate AFTER TRUNCATE ON @extschema@.judgments
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.judgments_after_truncate();

-- ---------------------------------------------------------------------------
-- Triggers on tasks, golden_labels, workers, projects, comparisons
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.tasks_after_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	INSERT INTO @extschema@.task_state (task_id, project_id, status, priority, needed)
	SELECT n.task_id, n.project_id, x.status, n.priority,
		   @extschema@.live_needed(x.status, false, p.kind, 0, p.min_overlap, p.max_overlap)
	FROM new_rows n
	JOIN @extschema@.projects p ON p.project_id = n.project_id
	CROSS JOIN LATERAL (SELECT CASE WHEN n.status = 'closed' THEN 'closed' ELSE 'open' END AS status) x
	ORDER BY n.task_id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.tasks_after_insert() IS
	'trigger: create the task_state row of new tasks';

CREATE FUNCTION @extschema@.tasks_after_update()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
BEGIN
	SELECT o.task_id, o.project_id AS old_project, n.project_id AS new_project INTO r
	FROM old_rows o JOIN new_rows n ON n.task_id = o.task_id
	WHERE n.project_id <> o.project_id
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'a task cannot move to another project'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'tasks_project_immutable',
				  SCHEMA = '@extschema@', TABLE = 'tasks',
				  DETAIL = format('Task %s was moved from project %s to project %s.',
								  r.task_id, r.old_project, r.new_project),
				  HINT = 'Create a new task in the other project.';
	END IF;
	SELECT array_agg(n.task_id) INTO v_tasks
	FROM old_rows o JOIN new_rows n ON n.task_id = o.task_id
	WHERE n.status <> o.status OR n.priority <> o.priority;
	IF v_tasks IS NOT NULL THEN
		PERFORM @extschema@.live_tasks(v_tasks, NULL);
		-- the copy of the priority that orders next_tasks() (rows locked above)
		UPDATE @extschema@.task_state ts SET priority = n.priority
		FROM new_rows n
		WHERE ts.task_id = n.task_id AND ts.priority <> n.priority;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.tasks_after_update() IS
	'trigger: tasks stay in their project; closing, reopening or reprioritising a task updates its state';

CREATE TRIGGER tasks_live_insert AFTER INSERT ON @extschema@.tasks
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.tasks_after_insert();
CREATE TRIGGER tasks_live_update AFTER UPDATE ON @extschema@.tasks
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.tasks_after_update();

-- golden labels: validate, then recompute the golden tasks and their judges
CREATE FUNCTION @extschema@.golden_labels_after_change()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	IF TG_OP <> 'DELETE' THEN
		SELECT n.task_id, n.label, n.expert_id, p.name, p.kind, p.labels, w.kind AS expert_kind INTO r
		FROM new_rows n
		JOIN @extschema@.tasks t ON t.task_id = n.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		LEFT JOIN @extschema@.workers w ON w.worker_id = n.expert_id
		WHERE p.kind <> 'classification'
		   OR array_position(p.labels, n.label) IS NULL
		   OR w.kind <> 'expert'
		ORDER BY n.task_id
		LIMIT 1;
		IF FOUND THEN
			IF r.kind <> 'classification' THEN
				RAISE EXCEPTION 'task % belongs to side-by-side project %', r.task_id, quote_literal(r.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_project_kind',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels',
						  DETAIL = 'Golden labels are for classification projects.';
			ELSIF array_position(r.labels, r.label) IS NULL THEN
				RAISE EXCEPTION 'golden label % is not among the labels of project %',
						quote_literal(r.label), quote_literal(r.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_label_allowed',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels', COLUMN = 'label',
						  DETAIL = format('Task %s; the allowed labels are %s.',
										  r.task_id, array_to_string(r.labels, ', '));
			ELSE
				RAISE EXCEPTION 'worker % is a % worker, not an expert', r.expert_id, r.expert_kind
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_expert_kind',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels', COLUMN = 'expert_id',
						  DETAIL = 'Golden labels come from expert workers, never from models or the crowd.',
						  HINT = 'Leave expert_id NULL, or name a worker of kind expert.';
			END IF;
		END IF;
	END IF;

	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT n.task_id) INTO v_tasks FROM new_rows n;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT o.task_id) INTO v_tasks FROM old_rows o;
	ELSE
		SELECT array_agg(DISTINCT x.task_id) INTO v_tasks
		FROM (SELECT n.task_id FROM new_rows n UNION SELECT o.task_id FROM old_rows o) x;
	END IF;
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	v_work_mem := @extschema@.live_bulk_mode(cardinality(v_tasks),
											 '@extschema@.golden_labels'::regclass);
	SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT DISTINCT t.project_id, j.worker_id
		  FROM unnest(v_tasks) AS u(task_id)
		  JOIN @extschema@.judgments j ON j.task_id = u.task_id
		  JOIN @extschema@.tasks t ON t.task_id = j.task_id) x;
	PERFORM @extschema@.live_update(v_tasks, v_projects, v_workers, NULL,
									true, false, false);
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.golden_labels_after_change() IS
	'trigger: validate golden labels, then update golden records, skills and affected tasks';

CREATE TRIGGER golden_labels_live_insert AFTER INSERT ON @extschema@.golden_labels
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.golden_labels_after_change();
CREATE TRIGGER golden_labels_live_update AFTER UPDATE ON @extschema@.golden_labels
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.golden_labels_after_change();
CREATE TRIGGER golden_labels_live_delete AFTER DELETE ON @extschema@.golden_labels
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.golden_labels_after_change();

-- workers: a ban on the account (workers.status) applies in every project
CREATE FUNCTION @extschema@.workers_after_update()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_events bigint[];
	v_projects bigint[];
	v_workers bigint[];
BEGIN
	WITH ch AS (
		SELECT n.worker_id, n.status
		FROM old_rows o JOIN new_rows n ON n.worker_id = o.worker_id
		WHERE (n.status = 'banned') <> (o.status = 'banned')
	), ev AS (
		INSERT INTO @extschema@.qc_events (project_id, worker_id, action, evidence)
		SELECT NULL, ch.worker_id, CASE WHEN ch.status = 'banned' THEN 'ban' ELSE 'unban' END,
			   jsonb_build_object('source', 'workers.status')
		FROM ch ORDER BY ch.worker_id
		RETURNING event_id
	)
	SELECT array_agg(ev.event_id) INTO v_events FROM ev;
	IF v_events IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM @extschema@.live_notify_events(v_events);

	SELECT array_agg(ws.project_id), array_agg(ws.worker_id) INTO v_projects, v_workers
	FROM @extschema@.worker_state ws
	JOIN @extschema@.qc_events e ON e.worker_id = ws.worker_id
	JOIN unnest(v_events) AS u(event_id) ON u.event_id = e.event_id;
	IF v_projects IS NOT NULL THEN
		PERFORM @extschema@.live_update(NULL, v_projects, v_workers, NULL,
										false, true, true);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.workers_after_update() IS
	'trigger: record a ban or unban of a worker account and recompute the tasks it judged';

CREATE TRIGGER workers_live_update AFTER UPDATE ON @extschema@.workers
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.workers_after_update();

-- projects: labels are distinct; a change of guidelines raises the version;
-- a label in use cannot be removed; the kind cannot change once answered
CREATE FUNCTION @extschema@.projects_before_write()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_label text;
BEGIN
	SELECT l.label INTO v_label
	FROM unnest(NEW.labels) AS l(label)
	GROUP BY l.label HAVING count(*) > 1
	ORDER BY l.label COLLATE "C" LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'label % appears twice in the labels of project %',
				quote_literal(v_label), quote_literal(NEW.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_labels_distinct',
				  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'labels';
	END IF;
	IF TG_OP = 'UPDATE' THEN
		IF NEW.guidelines IS DISTINCT FROM OLD.guidelines
		   AND NEW.guidelines_version = OLD.guidelines_version THEN
			NEW.guidelines_version := OLD.guidelines_version + 1;
		END IF;
		IF NEW.guidelines_version < OLD.guidelines_version THEN
			RAISE EXCEPTION 'guidelines version of project % cannot go back from % to %',
					quote_literal(NEW.name), OLD.guidelines_version, NEW.guidelines_version
				USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_guidelines_version_monotonic',
					  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'guidelines_version';
		END IF;
		IF NEW.kind <> OLD.kind AND EXISTS (
				SELECT 1 FROM @extschema@.tasks t WHERE t.project_id = OLD.project_id) THEN
			RAISE EXCEPTION 'project % has tasks; its kind cannot change', quote_literal(NEW.name)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_kind_immutable',
					  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'kind';
		END IF;
		IF OLD.allow_repeat_judgments AND NOT NEW.allow_repeat_judgments THEN
			SELECT format('worker %s judged task %s more than once', j.worker_id, j.task_id) INTO v_label
			FROM @extschema@.judgments j
			JOIN @extschema@.tasks t ON t.task_id = j.task_id
			WHERE t.project_id = OLD.project_id
			GROUP BY j.task_id, j.worker_id HAVING count(*) > 1
			ORDER BY j.task_id, j.worker_id LIMIT 1;
			IF FOUND THEN
				RAISE EXCEPTION 'project % has repeated judgments', quote_literal(NEW.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_repeats_exist',
						  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'allow_repeat_judgments',
						  DETAIL = v_label || '.',
						  HINT = 'Delete the repeated judgments first.';
			END IF;
		END IF;
		IF NEW.labels IS DISTINCT FROM OLD.labels THEN
			SELECT x.label INTO v_label
			FROM (SELECT j.label FROM @extschema@.judgments j
				  JOIN @extschema@.tasks t ON t.task_id = j.task_id
				  WHERE t.project_id = OLD.project_id
				  UNION
				  SELECT g.label FROM @extschema@.golden_labels g
				  JOIN @extschema@.tasks t ON t.task_id = g.task_id
				  WHERE t.project_id = OLD.project_id) x
			WHERE NEW.labels IS NULL OR array_position(NEW.labels, x.label) IS NULL
			ORDER BY x.label COLLATE "C" LIMIT 1;
			IF FOUND THEN
				RAISE EXCEPTION 'label % of project % is in use and cannot be removed',
						quote_literal(v_label), quote_literal(NEW.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_labels_in_use',
						  SCHEMA = '@extschema@', TABLE = 'projects', COLUMN = 'labels',
						  HINT = 'Delete or relabel the judgments and golden labels that use it first.';
			END IF;
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.projects_before_write() IS
	'trigger: check labels and kind changes, raise the guidelines version when guidelines change';

CREATE FUNCTION @extschema@.projects_after_write()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_OP = 'INSERT' OR NEW.guidelines_version <> OLD.guidelines_version THEN
		INSERT INTO @extschema@.project_guidelines (project_id, version, guidelines)
		VALUES (NEW.project_id, NEW.guidelines_version, NEW.guidelines)
		ON CONFLICT (project_id, version) DO UPDATE SET guidelines = EXCLUDED.guidelines;
	END IF;
	IF TG_OP = 'UPDATE'
	   AND (NEW.labels IS DISTINCT FROM OLD.labels
			OR NEW.min_overlap <> OLD.min_overlap OR NEW.max_overlap <> OLD.max_overlap
			OR NEW.target_confidence <> OLD.target_confidence
			OR NEW.prior_correct <> OLD.prior_correct OR NEW.prior_wrong <> OLD.prior_wrong) THEN
		PERFORM @extschema@.live_update_project(NEW.project_id, true);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.projects_after_write() IS
	'trigger: keep project_guidelines, recompute the project when labels, overlap, target or prior change';

CREATE TRIGGER projects_check BEFORE INSERT OR UPDATE ON @extschema@.projects
	FOR EACH ROW EXECUTE FUNCTION @extschema@.projects_before_write();
CREATE TRIGGER projects_live AFTER INSERT OR UPDATE ON @extschema@.projects
	FOR EACH ROW EXECUTE FUNCTION @extschema@.projects_after_write();

-- comparisons: both items are tasks of one side-by-side project
CREATE FUNCTION @extschema@.comparisons_after_write()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
BEGIN
	SELECT n.comparison_id, n.left_task_id, n.right_task_id, n.worker_id, n.guidelines_version,
		   n.assignment_id, lt.project_id AS left_project, rt.project_id AS right_project,
		   p.name, p.kind, p.guidelines_version AS current_version,
		   a.worker_id AS a_worker, a.task_id AS a_task INTO r
	FROM new_rows n
	JOIN @extschema@.tasks lt ON lt.task_id = n.left_task_id
	JOIN @extschema@.tasks rt ON rt.task_id = n.right_task_id
	JOIN @extschema@.projects p ON p.project_id = lt.project_id
	LEFT JOIN @extschema@.assignments a ON a.assignment_id = n.assignment_id
	WHERE lt.project_id <> rt.project_id
	   OR p.kind <> 'side_by_side'
	   OR n.guidelines_version > p.guidelines_version
	   OR (n.assignment_id IS NOT NULL AND (a.worker_id <> n.worker_id
			OR (a.task_id <> n.left_task_id AND a.task_id <> n.right_task_id)))
	ORDER BY n.comparison_id
	LIMIT 1;
	IF FOUND THEN
		IF r.left_project <> r.right_project THEN
			RAISE EXCEPTION 'comparison % pairs tasks of projects % and %',
					r.comparison_id, r.left_project, r.right_project
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_same_project',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('Tasks %s and %s.', r.left_task_id, r.right_task_id);
		ELSIF r.kind <> 'side_by_side' THEN
			RAISE EXCEPTION 'project % is not a side-by-side project', quote_literal(r.name)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_project_kind',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  HINT = 'Insert classification answers into judgments.';
		ELSIF r.guidelines_version > r.current_version THEN
			RAISE EXCEPTION 'guidelines version % of project % does not exist',
					r.guidelines_version, quote_literal(r.name)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_guidelines_version_current',
					  SCHEMA = '@extschema@', TABLE = 'comparisons', COLUMN = 'guidelines_version',
					  DETAIL = format('The current version is %s.', r.current_version);
		ELSE
			RAISE EXCEPTION 'assignment % is for task % and worker %',
					r.assignment_id, r.a_task, r.a_worker
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_assignment_match',
					  SCHEMA = '@extschema@', TABLE = 'comparisons', COLUMN = 'assignment_id';
		END IF;
	END IF;

	IF TG_OP = 'INSERT' THEN
		-- lock both items in task_id order, then look for a repeated pair
		PERFORM 1
		FROM @extschema@.task_state ts
		JOIN (SELECT n.left_task_id AS task_id FROM new_rows n
			  UNION SELECT n.right_task_id FROM new_rows n) k ON k.task_id = ts.task_id
		ORDER BY ts.task_id
		FOR UPDATE OF ts;

		SELECT ts.task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.task_state ts
		  ON ts.task_id = n.left_task_id OR ts.task_id = n.right_task_id
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE ts.status = 'closed' AND NOT p.allow_judgments_on_closed
		ORDER BY n.comparison_id, ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'task % is closed', r.task_id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_task_open',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('Project %L accepts no comparisons of closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;

		SELECT n.worker_id, n.left_task_id, n.right_task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.tasks t ON t.task_id = n.left_task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		WHERE NOT p.allow_repeat_judgments
		  AND (SELECT count(*) FROM @extschema@.comparisons c
			   WHERE c.worker_id = n.worker_id
				 AND least(c.left_task_id, c.right_task_id) = least(n.left_task_id, n.right_task_id)
				 AND greatest(c.left_task_id, c.right_task_id)
					 = greatest(n.left_task_id, n.right_task_id)) > 1
		ORDER BY n.comparison_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'worker % already compared tasks % and %',
					r.worker_id, r.left_task_id, r.right_task_id
				USING ERRCODE = 'unique_violation', CONSTRAINT = 'comparisons_one_per_worker',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('Project %L takes one comparison per worker and pair.', r.name),
					  HINT = 'Set projects.allow_repeat_judgments to accept more.';
		END IF;

		UPDATE @extschema@.assignments a
		SET state = 'submitted', closed_at = now()
		FROM new_rows n
		WHERE a.assignment_id = n.assignment_id AND a.state = 'issued';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.comparisons_after_write() IS
	'trigger: check that comparisons pair two tasks of one side-by-side project, once per worker';

CREATE TRIGGER comparisons_live_insert AFTER INSERT ON @extschema@.comparisons
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.comparisons_after_write();
CREATE TRIGGER comparisons_live_update AFTER UPDATE ON @extschema@.comparisons
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.comparisons_after_write();

-- ---------------------------------------------------------------------------
-- Worker status by hand
-- ---------------------------------------------------------------------------

-- not STRICT: reason may be NULL; NULL keys are reported
CREATE FUNCTION @extschema@.set_worker_status(project_id bigint, worker_id bigint, status text,
		reason text DEFAULT NULL)
	RETURNS @extschema@.qc_events
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_old text;
	v_action text;
	e @extschema@.qc_events;
BEGIN
	IF status IS NULL OR NOT (status = 'active' OR status = 'flagged' OR status = 'banned') THEN
		RAISE EXCEPTION 'invalid worker status %', coalesce(quote_literal(status), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use active, flagged or banned.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM @extschema@.projects p WHERE p.project_id = set_worker_status.project_id)
	   OR NOT EXISTS (SELECT 1 FROM @extschema@.workers w WHERE w.worker_id = set_worker_status.worker_id) THEN
		RAISE EXCEPTION 'no project % or no worker %', set_worker_status.project_id, set_worker_status.worker_id
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	PERFORM @extschema@.live_lock_workers(ARRAY[set_worker_status.project_id],
										  ARRAY[set_worker_status.worker_id]);
	SELECT ws.status INTO v_old FROM @extschema@.worker_state ws
	WHERE ws.project_id = set_worker_status.project_id AND ws.worker_id = set_worker_status.worker_id;

	v_action := CASE WHEN status = 'banned' THEN 'ban'
					 WHEN status = 'flagged' THEN 'flag'
					 WHEN v_old = 'banned' THEN 'unban'
					 ELSE 'unflag' END;
	INSERT INTO @extschema@.qc_events (project_id, worker_id, action, evidence)
	VALUES (set_worker_status.project_id, set_worker_status.worker_id, v_action,
			jsonb_build_object('source', 'set_worker_status', 'reason', reason,
							   'previous_status', v_old))
	RETURNING * INTO e;
	UPDATE @extschema@.worker_state ws
	SET status = set_worker_status.status, status_changed_at = now()
	WHERE ws.project_id = set_worker_status.project_id AND ws.worker_id = set_worker_status.worker_id;
	PERFORM @extschema@.live_notify_events(ARRAY[e.event_id]);
	IF (v_old = 'banned') <> (status = 'banned') THEN
		PERFORM @extschema@.live_update(NULL, ARRAY[set_worker_status.project_id],
										ARRAY[set_worker_status.worker_id], NULL,
										false, true, true);
	END IF;
	RETURN e;
END
$$;
COMMENT ON FUNCTION @extschema@.set_worker_status(bigint, bigint, text, text) IS
	'ban, flag, unban or clear a worker in a project by hand; recorded in qc_events and NOTIFYed';
-- ---------------------------------------------------------------------------
-- refresh(project): refit the project's batch model and store its labels,
-- confidences and worker skills, in one transaction
--
-- The fit runs over the judgments that count (workers not banned).  Its
-- per-task posteriors go to refresh_labels; per worker, refresh_workers keeps
-- the judgments on non-golden tasks it saw and how many of them the fit
-- expects to be correct (the sum of the posterior probability of the
-- worker's label).  Floating-point sums are taken in value order, so the
-- same judgments give the same bits whatever the plan.  Those expected
-- counts then join the golden counts in
-- worker_state.skill, which weights the worker's votes in the live
-- posteriors: the whole project's live state is recomputed and the
-- quality-control rules are applied to every worker.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.refresh_methods()
	RETURNS SETOF text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
		SELECT m FROM pg_catalog.unnest(ARRAY['dawid_skene', 'one_coin', 'glad', 'wawa',
											  'majority_vote', 'weighted_vote']) AS u(m)
	$$;
COMMENT ON FUNCTION @extschema@.refresh_methods() IS
	'the batch models refresh(project, method) can fit';

-- not STRICT: method NULL means the project's refresh_method
CREATE FUNCTION @extschema@.refresh(project_id bigint, method text DEFAULT NULL)
	RETURNS @extschema@.refresh_runs
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	p @extschema@.projects;
	v_method text;
	v_started timestamptz := clock_timestamp();
	v_run @extschema@.refresh_runs;
	v_work_mem text;
	v_model @extschema@.truth_model;
	v_details jsonb;
BEGIN
	IF refresh.project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO p FROM @extschema@.projects x WHERE x.project_id = refresh.project_id
	FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % does not exist', refresh.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'refresh() fits classification models over judgments.';
	END IF;
	v_method := coalesce(refresh.method, p.refresh_method);
	IF NOT EXISTS (SELECT 1 FROM @extschema@.refresh_methods() m WHERE m = v_method) THEN
		RAISE EXCEPTION 'unknown refresh method %', quote_literal(v_method)
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = format('Available methods: %s.',
								(SELECT string_agg(m, ', ') FROM @extschema@.refresh_methods() m));
	END IF;
	v_work_mem := @extschema@.live_bulk_mode(
		(SELECT count(*) FROM @extschema@.judgments j
		 JOIN @extschema@.tasks t ON t.task_id = j.task_id
		 WHERE t.project_id = p.project_id),
		'@extschema@.judgments'::regclass);

	INSERT INTO @extschema@.refresh_runs (project_id, method, started_at, finished_at,
										  n_tasks, n_workers, n_judgments, golden_tasks)
	VALUES (p.project_id, v_method, v_started, v_started, 0, 0, 0, 0)
	RETURNING * INTO v_run;
	DELETE FROM @extschema@.refresh_labels rl WHERE rl.project_id = p.project_id;
	DELETE FROM @extschema@.refresh_workers rw WHERE rw.project_id = p.project_id;

	-- the fit: a posterior per task from the judgments that count
	IF v_method IN ('majority_vote', 'weighted_vote') THEN
		-- (majority_vote: vote shares; weighted_vote: shares of worker skill)
		INSERT INTO @extschema@.refresh_labels (task_id, project_id, run_id, label, confidence, posterior)
		SELECT f.task_id, p.project_id, v_run.run_id,
			   @extschema@.top_label(f.d), @extschema@.confidence(f.d), f.d
		FROM (SELECT j.task_id,
					 @extschema@.vote_dist(j.label, CASE WHEN v_method = 'weighted_vote'
														 THEN ws.skill ELSE 1.0 END
										   ORDER BY j.label, ws.skill) AS d
			  FROM @extschema@.judgments j
			  JOIN @extschema@.tasks t ON t.task_id = j.task_id
			  JOIN @extschema@.worker_state ws
				ON ws.project_id = t.project_id AND ws.worker_id = j.worker_id
			  JOIN @extschema@.workers w ON w.worker_id = j.worker_id
			  WHERE t.project_id = p.project_id
				AND NOT @extschema@.live_worker_banned(ws.status, w.status)
			  GROUP BY j.task_id) f
		WHERE f.d IS NOT NULL;
	ELSE
		-- a truth-inference model (fit_truth_model leaves out the same banned
		-- workers); golden labels are not given to it, so that the accuracy
		-- on the golden tasks below stays an honest measure
		v_model := @extschema@.fit_truth_model(v_method, p.project_id, false);
		INSERT INTO @extschema@.refresh_labels (task_id, project_id, run_id, label, confidence, posterior)
		SELECT m.task, p.project_id, v_run.run_id, m.label, m.confidence, m.posterior
		FROM @extschema@.truth_tasks(v_model, NULL::bigint) m;
		SELECT jsonb_build_object('iterations', d.iterations, 'converged', d.converged,
								  'objective', d.objective)
		INTO v_details
		FROM @extschema@.truth_diagnostics(v_model) d;
	END IF;

	-- what the fit says about each worker, on non-golden tasks
	INSERT INTO @extschema@.refresh_workers (project_id, worker_id, run_id, n_judgments,
											 expected_correct, skill)
	SELECT p.project_id, j.worker_id, v_run.run_id, count(*),
		   least(sum(x.probability ORDER BY x.probability), count(*)),
		   least(sum(x.probability ORDER BY x.probability), count(*)) / count(*)
	FROM @extschema@.refresh_labels rl
	JOIN @extschema@.judgments j ON j.task_id = rl.task_id
	JOIN @extschema@.worker_state ws ON ws.project_id = p.project_id AND ws.worker_id = j.worker_id
	JOIN @extschema@.workers w ON w.worker_id = j.worker_id
	LEFT JOIN @extschema@.golden_labels g ON g.task_id = rl.task_id
	CROSS JOIN LATERAL (SELECT @extschema@.probability(rl.posterior, j.label) AS probability) x
	WHERE rl.project_id = p.project_id
	  AND g.task_id IS NULL
	  AND NOT @extschema@.live_worker_banned(ws.status, w.status)
	GROUP BY j.worker_id
	ORDER BY j.worker_id;

	UPDATE @extschema@.refresh_runs r
	SET n_tasks = (SELECT count(*) FROM @extschema@.refresh_labels rl
				   WHERE rl.project_id = p.project_id),
		n_workers = (SELECT count(*) FROM @extschema@.refresh_workers rw
					 WHERE rw.project_id = p.project_id),
		n_judgments = (SELECT count(*) FROM @extschema@.refresh_labels rl
					   JOIN @extschema@.judgments j ON j.task_id = rl.task_id
					   JOIN @extschema@.worker_state ws
						 ON ws.project_id = p.project_id AND ws.worker_id = j.worker_id
					   JOIN @extschema@.workers w ON w.worker_id = j.worker_id
					   WHERE rl.project_id = p.project_id
						 AND NOT @extschema@.live_worker_banned(ws.status, w.status)),
		golden_tasks = g.n,
		golden_accuracy = g.accuracy,
		details = jsonb_build_object('prior_correct', p.prior_correct,
									 'prior_wrong', p.prior_wrong)
				  || coalesce(v_details, '{}')
	FROM (SELECT count(*) AS n,
				 avg(CASE WHEN rl.label = gl.label THEN 1.0 ELSE 0.0 END)::double precision AS accuracy
		  FROM @extschema@.refresh_labels rl
		  JOIN @extschema@.golden_labels gl ON gl.task_id = rl.task_id
		  WHERE rl.project_id = p.project_id) g
	WHERE r.run_id = v_run.run_id;

	-- the new skills weight every live posterior; rules see the new record
	PERFORM @extschema@.live_update_project(p.project_id, true);

	UPDATE @extschema@.refresh_runs r SET finished_at = clock_timestamp()
	WHERE r.run_id = v_run.run_id
	RETURNING * INTO v_run;
	PERFORM @extschema@.live_bulk_mode_end(v_work_mem);
	RETURN v_run;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh(bigint, text) IS
	'refit a project''s batch model (projects.refresh_method unless given), store labels and worker skills, recompute the live state';
-- ---------------------------------------------------------------------------
-- Views for dashboards
--
-- They read the live state (task_state, worker_state), the latest refresh
-- (refresh_labels, refresh_workers) and the input tables.  Everything is
-- schema-qualified and operators are written OPERATOR(pg_catalog.x), so the
-- views mean the same whatever the search_path of whoever created or reads
-- them.
-- ---------------------------------------------------------------------------

CREATE VIEW @extschema@.project_progress AS
SELECT p.project_id,
	   p.name,
	   p.kind,
	   pg_catalog.count(ts.task_id) AS tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'open' AND NOT ts.golden) AS open_tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'complete') AS complete_tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'closed') AS closed_tasks,
	   pg_catalog.count(ts.task_id) FILTER (WHERE ts.golden) AS golden_tasks,
	   coalesce(pg_catalog.sum(ts.n_judgments), 0)::bigint AS judgments,
	   coalesce(pg_catalog.sum(ts.n_counted), 0)::bigint AS counted_judgments,
	   c.comparisons,
	   pg_catalog.round(pg_catalog.avg(ts.n_counted) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'complete')::numeric, 2) AS avg_overlap,
	   pg_catalog.round(pg_catalog.avg(ts.confidence) FILTER (WHERE NOT ts.golden)::numeric, 4)
		   AS avg_confidence,
	   (coalesce(pg_catalog.sum(ts.n_judgments), 0) OPERATOR(pg_catalog.+) c.comparisons)
		   OPERATOR(pg_catalog.*) p.price_per_judgment AS spend
FROM @extschema@.projects p
LEFT JOIN @extschema@.task_state ts ON ts.project_id OPERATOR(pg_catalog.=) p.project_id
CROSS JOIN LATERAL (
	SELECT pg_catalog.count(*) AS comparisons
	FROM @extschema@.comparisons cm
	JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) cm.left_task_id
	WHERE t.project_id OPERATOR(pg_catalog.=) p.project_id) c
GROUP BY p.project_id, c.comparisons;
COMMENT ON VIEW @extschema@.project_progress IS
	'per project: tasks open, complete, closed and golden; judgments; average overlap of complete tasks; spend';

CREATE VIEW @extschema@.label_distribution AS
SELECT p.project_id,
	   l.label,
	   pg_catalog.count(ts.task_id) AS tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'complete') AS complete_tasks,
	   pg_catalog.round(pg_catalog.count(ts.task_id)::numeric OPERATOR(pg_catalog./)
		   nullif(pg_catalog.sum(pg_catalog.count(ts.task_id))
							 OVER (PARTITION BY p.project_id), 0), 4) AS share,
	   (SELECT pg_catalog.count(*)
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) j.task_id
		WHERE t.project_id OPERATOR(pg_catalog.=) p.project_id
		  AND j.label OPERATOR(pg_catalog.=) l.label) AS judgments
FROM @extschema@.projects p
CROSS JOIN LATERAL pg_catalog.unnest(p.labels) WITH ORDINALITY AS l(label, position)
LEFT JOIN @extschema@.task_state ts
  ON ts.project_id OPERATOR(pg_catalog.=) p.project_id
 AND ts.label OPERATOR(pg_catalog.=) l.label
 AND NOT ts.golden
GROUP BY p.project_id, l.label, l.position
ORDER BY p.project_id, l.position;
COMMENT ON VIEW @extschema@.label_distribution IS
	'per project and label: non-golden tasks whose current label it is (and their share), judgments giving it';

CREATE VIEW @extschema@.worker_quality AS
SELECT ws.project_id,
	   ws.worker_id,
	   w.external_id,
	   w.kind,
	   w.model_version,
	   CASE WHEN w.status OPERATOR(pg_catalog.=) 'banned' THEN 'banned' ELSE ws.status END AS status,
	   ws.n_judgments AS judgments,
	   ws.golden_answered,
	   ws.golden_correct,
	   pg_catalog.round((ws.golden_correct::numeric OPERATOR(pg_catalog./)
						 nullif(ws.golden_answered, 0)), 4) AS golden_accuracy,
	   pg_catalog.round(ws.golden_lower::numeric, 4) AS golden_lower,
	   pg_catalog.round(ws.golden_upper::numeric, 4) AS golden_upper,
	   pg_catalog.round(ws.skill::numeric, 4) AS skill,
	   pg_catalog.round(rw.skill::numeric, 4) AS fitted_skill,
	   pg_catalog.round((a.agreeing::numeric OPERATOR(pg_catalog./)
						 nullif(a.judgments, 0)), 4) AS agreement,
	   a.judgments AS agreement_judgments,
	   pg_catalog.round(ws.median_seconds::numeric, 1) AS median_seconds,
	   ws.last_judgment_at
FROM @extschema@.worker_state ws
JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) ws.worker_id
LEFT JOIN @extschema@.refresh_workers rw
  ON rw.project_id OPERATOR(pg_catalog.=) ws.project_id
 AND rw.worker_id OPERATOR(pg_catalog.=) ws.worker_id
LEFT JOIN @extschema@.live_worker_agreement a
  ON a.project_id OPERATOR(pg_catalog.=) ws.project_id
 AND a.worker_id OPERATOR(pg_catalog.=) ws.worker_id;
COMMENT ON VIEW @extschema@.worker_quality IS
	'per project and worker: golden accuracy with its 95% credible bounds, skill, live leave-one-out agreement, time, status';

CREATE VIEW @extschema@.tasks_needing_attention AS
SELECT ts.project_id,
	   ts.task_id,
	   t.external_id,
	   ts.status,
	   ts.n_counted AS judgments,
	   ts.label,
	   pg_catalog.round(ts.confidence::numeric, 4) AS confidence,
	   pg_catalog.round(@extschema@.entropy(ts.posterior)::numeric, 4) AS entropy,
	   CASE WHEN ts.status OPERATOR(pg_catalog.=) 'complete'
			THEN 'max overlap reached below target'
			WHEN ts.n_counted OPERATOR(pg_catalog.>=) p.min_overlap
			THEN 'below target confidence'
			ELSE 'below minimum overlap' END AS reason,
	   pg_catalog.rank() OVER (PARTITION BY ts.project_id
							   ORDER BY ts.confidence, @extschema@.entropy(ts.posterior) DESC,
										ts.task_id) AS attention_rank
FROM @extschema@.task_state ts
JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) ts.task_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) ts.project_id
WHERE NOT ts.golden
  AND ts.n_counted OPERATOR(pg_catalog.>) 0
  AND ts.status OPERATOR(pg_catalog.<>) 'closed'
  AND ts.confidence OPERATOR(pg_catalog.<) p.target_confidence
ORDER BY ts.project_id, attention_rank;
COMMENT ON VIEW @extschema@.tasks_needing_attention IS
	'judged tasks below the target confidence, least confident (then most disagreement, by entropy) first';

CREATE VIEW @extschema@.throughput_hourly AS
SELECT coalesce(j.project_id, c.project_id) AS project_id,
	   coalesce(j.hour, c.hour) AS hour,
	   coalesce(j.judgments, 0) AS judgments,
	   coalesce(j.workers, 0) AS workers,
	   coalesce(c.completed, 0) AS tasks_completed,
	   coalesce(j.judgments, 0) OPERATOR(pg_catalog.*) p.price_per_judgment AS spend
FROM (SELECT t.project_id, pg_catalog.date_trunc('hour', jj.created_at) AS hour,
			 pg_catalog.count(*) AS judgments,
			 pg_catalog.count(DISTINCT jj.worker_id) AS workers
	  FROM @extschema@.judgments jj
	  JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) jj.task_id
	  GROUP BY 1, 2) j
FULL JOIN (SELECT ts.project_id, pg_catalog.date_trunc('hour', ts.completed_at) AS hour,
				  pg_catalog.count(*) AS completed
		   FROM @extschema@.task_state ts
		   WHERE ts.completed_at IS NOT NULL
		   GROUP BY 1, 2) c
  ON c.project_id OPERATOR(pg_catalog.=) j.project_id AND c.hour OPERATOR(pg_catalog.=) j.hour
JOIN @extschema@.projects p
  ON p.project_id OPERATOR(pg_catalog.=) coalesce(j.project_id, c.project_id)
ORDER BY 1, 2;
COMMENT ON VIEW @extschema@.throughput_hourly IS
	'per project and hour (session time zone): judgments, distinct workers, tasks completed, spend';

CREATE VIEW @extschema@.task_labels AS
SELECT ts.project_id,
	   ts.task_id,
	   t.external_id,
	   ts.status,
	   ts.n_counted AS judgments,
	   ts.label,
	   ts.confidence,
	   rl.label AS fitted_label,
	   rl.confidence AS fitted_confidence,
	   r.method AS fitted_method,
	   g.label AS golden_label
FROM @extschema@.task_state ts
JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) ts.task_id
LEFT JOIN @extschema@.refresh_labels rl ON rl.task_id OPERATOR(pg_catalog.=) ts.task_id
LEFT JOIN @extschema@.refresh_runs r ON r.run_id OPERATOR(pg_catalog.=) rl.run_id
LEFT JOIN @extschema@.golden_labels g ON g.task_id OPERATOR(pg_catalog.=) ts.task_id;
COMMENT ON VIEW @extschema@.task_labels IS
	'per task: the live label and confidence, the label of the latest refresh() fit, the golden label';
-- ---------------------------------------------------------------------------
-- Task dispatch: next_tasks(worker, project, n) hands out assignments,
-- submit(assignment, label, ...) records the judgment.
--
-- Both run as the extension owner (SECURITY DEFINER, pinned search_path,
-- every name qualified) and act for one worker: the one whose
-- workers.login_role is the calling role (the role set by SET ROLE, else
-- the session user), or any worker when the calling role has the
-- privileges of labeling_admin.  The roles and grants are in 60_roles.sql.
--
-- The capacity of a task is in its task_state row: needed (judgments it may
-- still need: all up to min_overlap, at least one while open, none past
-- max_overlap; kept by the live triggers) and assigned (its issued
-- assignments, kept by the trigger on assignments below and by the live
-- triggers).  A task can be handed out while assigned < needed; the partial
-- index task_state_dispatch_idx holds exactly those open regular tasks, in
-- dispatch order (priority, then the most uncertain: lowest confidence, a
-- task without a judgment first), so a call never walks past full tasks.
--
-- next_tasks(), in one transaction:
--   1. checks who is calling, then locks the worker's row (one dispatch at
--      a time per worker) and reclaims the project's expired assignments
--      (rows locked with SKIP LOCKED);
--   2. locks up to n regular tasks with room, in dispatch order, with FOR
--      UPDATE SKIP LOCKED, skipping those the worker judged or holds.  A
--      dispatcher that assigns a task updates its row (assigned + 1, by the
--      trigger on assignments), so a dispatcher that reaches the row after
--      that commit re-evaluates it on the new version: never more issued
--      assignments than needed.  It runs in READ COMMITTED only, so that
--      what the worker judged and holds is read in a snapshot taken after
--      the worker's lock;
--   3. mixes in golden tasks: every slot of the batch is golden with
--      probability golden_rate (cryptographic randomness, which setseed()
--      cannot steer), and golden slots are only kept in front of a regular
--      task that exists, so a worker never gets golden tasks alone when the
--      queue is empty;
--   4. inserts the assignments in random order (their ids say nothing about
--      which is golden), with the project's price and guidelines version.
-- Lock order: workers row (waits), assignment and task_state rows (SKIP
-- LOCKED: never waits), then inserts.  The judgment triggers lock
-- assignment, worker_state, then task_state rows; neither side waits for a
-- lock while holding one the other waits for, so they cannot deadlock.
-- An issued assignment counts against its task until it is submitted,
-- cancelled, or reclaimed under its row lock; submit() holds that lock, so a
-- submission and a reclaim never both succeed.
-- ---------------------------------------------------------------------------

CREATE INDEX task_state_dispatch_idx ON @extschema@.task_state
	(project_id, priority DESC, confidence NULLS FIRST, task_id)
	WHERE status = 'open' AND NOT golden AND assigned < needed;
COMMENT ON INDEX @extschema@.task_state_dispatch_idx IS
	'open regular tasks with room for an assignment, in dispatch order: priority, then the most uncertain first';
CREATE INDEX task_state_golden_idx ON @extschema@.task_state (project_id, task_id)
	WHERE golden AND status = 'open';
COMMENT ON INDEX @extschema@.task_state_golden_idx IS
	'open golden tasks of a project, for next_tasks()';
CREATE INDEX assignments_expiry_idx ON @extschema@.assignments (expires_at)
	WHERE state = 'issued';
COMMENT ON INDEX @extschema@.assignments_expiry_idx IS
	'issued assignments by expiry, for reclaim_expired()';
CREATE INDEX assignments_worker_open_idx ON @extschema@.assignments (worker_id, task_id)
	WHERE state = 'issued';
COMMENT ON INDEX @extschema@.assignments_worker_open_idx IS
	'the assignments a worker holds';
CREATE INDEX judgments_assignment_idx ON @extschema@.judgments (assignment_id)
	WHERE assignment_id IS NOT NULL;
COMMENT ON INDEX @extschema@.judgments_assignment_idx IS
	'the judgment that submitted an assignment';

-- The role a dispatch call acts as.  Inside a SECURITY DEFINER function
-- current_user is the owner, but the role GUC still holds what SET ROLE set
-- (and SET ROLE cannot run inside a SECURITY DEFINER function).
CREATE FUNCTION @extschema@.dispatch_caller() RETURNS name
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
		SELECT CASE WHEN pg_catalog.current_setting('role') OPERATOR(pg_catalog.=) 'none'
					THEN SESSION_USER
					ELSE pg_catalog.current_setting('role')::pg_catalog.name END
	$$;
COMMENT ON FUNCTION @extschema@.dispatch_caller() IS
	'internal: the calling role of next_tasks() and submit(): the role set by SET ROLE, else the session user';

-- The worker a call may act for, or an error.  The check comes before any
-- lock, so that a refused call holds nothing.
-- not STRICT: a NULL worker is reported
CREATE FUNCTION @extschema@.dispatch_worker(p_worker_id bigint) RETURNS @extschema@.workers
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_role name := @extschema@.dispatch_caller();
	w @extschema@.workers;
BEGIN
	IF p_worker_id IS NULL THEN
		RAISE EXCEPTION 'worker_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT x.* INTO w FROM @extschema@.workers x WHERE x.worker_id = p_worker_id;
	IF w.login_role = v_role THEN
		RETURN w;
	END IF;
	IF pg_has_role(v_role, 'labeling_admin', 'USAGE') THEN
		IF w.worker_id IS NULL THEN
			RAISE EXCEPTION 'worker % does not exist', p_worker_id
				USING ERRCODE = 'no_data_found';
		END IF;
		RETURN w;
	END IF;
	RAISE EXCEPTION 'role % cannot act for worker %', v_role, p_worker_id
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = 'A session acts only for the worker whose workers.login_role is its role.',
			  HINT = 'Log in (or SET ROLE) as that worker''s role; members of labeling_admin act for any worker.';
END
$$;
COMMENT ON FUNCTION @extschema@.dispatch_worker(bigint) IS
	'internal: the workers row a call of next_tasks() or submit() may act for, or an insufficient_privilege error';

-- A uniform double in [0, 1) from the first 48 bits of gen_random_uuid()
-- (random in a version 4 UUID): the server's strong random source, which
-- the session's setseed() does not touch.  One expression: inlined.
CREATE FUNCTION @extschema@.dispatch_random() RETURNS double precision
	LANGUAGE sql VOLATILE PARALLEL SAFE
	AS $$
		SELECT (('x' OPERATOR(pg_catalog.||)
				 pg_catalog.substr(pg_catalog.replace(pg_catalog.gen_random_uuid()::pg_catalog.text, '-', ''),
								   1, 12))::pg_catalog.bit(48)::pg_catalog.int8)::pg_catalog.float8
			   OPERATOR(pg_catalog./) 281474976710656.0::pg_catalog.float8
	$$;
COMMENT ON FUNCTION @extschema@.dispatch_random() IS
	'internal: uniform random double in [0, 1) from the strong random source (not steered by setseed)';

-- The assigned count of the tasks whose assignments a statement wrote.
-- Statements of next_tasks(), reclaim_expired() and of admins run it (depth
-- 1): they hold, or take in task_id order, the locks of the regular tasks
-- involved, after their assignment rows, as the judgment triggers do.  From
-- inside another trigger (the judgment and comparison triggers marking an
-- assignment submitted) it does nothing: live_tasks() recomputes the count
-- under the locks it takes in its own order.  Golden tasks (and tasks of
-- side-by-side projects) keep 0 and are never locked here: many workers
-- hold the same golden task.
CREATE FUNCTION @extschema@.assignments_after_change()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_tasks bigint[];
BEGIN
	IF pg_trigger_depth() > 1 THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		UPDATE @extschema@.task_state ts SET assigned = 0 WHERE ts.assigned <> 0;
		RETURN NULL;
	ELSIF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT n.task_id) INTO v_tasks FROM new_rows n;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT o.task_id) INTO v_tasks FROM old_rows o;
	ELSE
		SELECT array_agg(DISTINCT x.task_id) INTO v_tasks
		FROM (SELECT n.task_id FROM new_rows n UNION ALL SELECT o.task_id FROM old_rows o) x;
	END IF;
	SELECT array_agg(ts.task_id ORDER BY ts.task_id) INTO v_tasks
	FROM @extschema@.task_state ts
	JOIN @extschema@.projects p ON p.project_id = ts.project_id
	WHERE ts.task_id = ANY (v_tasks) AND NOT ts.golden AND p.kind = 'classification';
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM 1 FROM @extschema@.task_state ts
	WHERE ts.task_id = ANY (v_tasks)
	ORDER BY ts.task_id
	FOR UPDATE OF ts;
	UPDATE @extschema@.task_state ts
	SET assigned = c.issued
	FROM (SELECT u.task_id,
				 (SELECT count(*) FROM @extschema@.assignments a
				  WHERE a.task_id = u.task_id AND a.state = 'issued') AS issued
		  FROM unnest(v_tasks) AS u(task_id)) c
	WHERE ts.task_id = c.task_id AND NOT ts.golden AND ts.assigned <> c.issued;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.assignments_after_change() IS
	'trigger: keep task_state.assigned, the issued assignments of regular tasks';

CREATE TRIGGER assignments_dispatch_insert AFTER INSERT ON @extschema@.assignments
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.assignments_after_change();
CREATE TRIGGER assignments_dispatch_update AFTER UPDATE ON @extschema@.assignments
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.assignments_after_change();
CREATE TRIGGER assignments_dispatch_delete AFTER DELETE ON @extschema@.assignments
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.assignments_after_change();
CREATE TRIGGER assignments_dispatch_truncate AFTER TRUNCATE ON @extschema@.assignments
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.assignments_after_change();

-- Mark a project's (or every project's) expired assignments expired.
-- Assignments whose row, or whose regular task's row, another transaction
-- holds (a submit or a dispatch in progress) are skipped: it never waits.
-- not STRICT: project_id NULL means every project
CREATE FUNCTION @extschema@.reclaim_expired(project_id bigint DEFAULT NULL,
		max_rows integer DEFAULT 1000)
	RETURNS integer
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_count integer;
BEGIN
	IF max_rows IS NULL OR max_rows < 1 THEN
		RAISE EXCEPTION 'max_rows must be at least 1'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM @extschema@.assignments a
				   WHERE a.state = 'issued' AND a.expires_at <= now()) THEN
		RETURN 0;
	END IF;
	WITH x AS (
		SELECT a.assignment_id
		FROM @extschema@.assignments a
		JOIN @extschema@.task_state ts ON ts.task_id = a.task_id
		WHERE a.state = 'issued' AND a.expires_at <= now()
		  AND (reclaim_expired.project_id IS NULL OR ts.project_id = reclaim_expired.project_id)
		  AND NOT ts.golden
		ORDER BY a.expires_at, a.assignment_id
		LIMIT max_rows
		FOR UPDATE OF a, ts SKIP LOCKED
	), g AS (
		-- golden tasks have no capacity to keep: their rows stay unlocked
		SELECT a.assignment_id
		FROM @extschema@.assignments a
		JOIN @extschema@.task_state ts ON ts.task_id = a.task_id
		WHERE a.state = 'issued' AND a.expires_at <= now()
		  AND (reclaim_expired.project_id IS NULL OR ts.project_id = reclaim_expired.project_id)
		  AND ts.golden
		ORDER BY a.expires_at, a.assignment_id
		LIMIT max_rows
		FOR UPDATE OF a SKIP LOCKED
	), u AS (
		UPDATE @extschema@.assignments a
		SET state = 'expired', closed_at = a.expires_at
		FROM (SELECT x.assignment_id FROM x UNION ALL SELECT g.assignment_id FROM g) r
		WHERE a.assignment_id = r.assignment_id
		RETURNING 1
	)
	SELECT count(*) INTO v_count FROM u;
	RETURN v_count;
END
$$;
COMMENT ON FUNCTION @extschema@.reclaim_expired(bigint, integer) IS
	'mark up to max_rows issued assignments past expires_at as expired (of one project, or all); returns how many';

-- not STRICT: NULL arguments are reported
CREATE FUNCTION @extschema@.next_tasks(worker_id bigint, project_id bigint, n integer DEFAULT 1)
	RETURNS TABLE (assignment_id bigint, payload jsonb, labels text[], guidelines_version integer,
				   price numeric, expires_at timestamptz)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	w @extschema@.workers;
	p @extschema@.projects;
	v_room integer;
	v_regular bigint[];
	v_take bigint[] := '{}';
	v_golden_slots integer := 0;
	v_pending integer;
	v_slots integer := 0;
	v_golden bigint[] := '{}';
	v_task bigint;
	v_seed bigint;
BEGIN
	w := @extschema@.dispatch_worker(next_tasks.worker_id);
	IF next_tasks.project_id IS NULL OR next_tasks.n IS NULL THEN
		RAISE EXCEPTION 'project_id and n must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF next_tasks.n < 1 OR next_tasks.n > 100 THEN
		RAISE EXCEPTION 'n must be between 1 and 100, not %', next_tasks.n
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'next_tasks runs in READ COMMITTED transactions only'
			USING ERRCODE = 'invalid_transaction_state',
				  DETAIL = format('The transaction is %s.', upper(current_setting('transaction_isolation'))),
				  HINT = 'What the worker judged and holds is read after the worker''s lock, in a new snapshot: call it in its own READ COMMITTED transaction.';
	END IF;
	SELECT x.* INTO p FROM @extschema@.projects x WHERE x.project_id = next_tasks.project_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % does not exist', next_tasks.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'next_tasks() hands out tasks of classification projects.';
	END IF;

	-- 1. one dispatch at a time per worker (a ban committed meanwhile is
	-- seen after the lock); expired assignments go back
	SELECT x.* INTO w FROM @extschema@.workers x WHERE x.worker_id = w.worker_id FOR NO KEY UPDATE;
	IF w.status = 'banned' OR EXISTS (
			SELECT 1 FROM @extschema@.worker_state ws
			WHERE ws.project_id = p.project_id AND ws.worker_id = w.worker_id
			  AND ws.status = 'banned') THEN
		RAISE EXCEPTION 'worker % is banned in project %', w.worker_id, quote_literal(p.name)
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	PERFORM @extschema@.reclaim_expired(p.project_id, 1000);
	SELECT next_tasks.n - greatest(count(*) + next_tasks.n - p.max_open_per_worker, 0) INTO v_room
	FROM @extschema@.assignments a
	JOIN @extschema@.tasks t ON t.task_id = a.task_id
	WHERE a.worker_id = w.worker_id AND a.state = 'issued' AND t.project_id = p.project_id;
	IF v_room <= 0 THEN
		RETURN;
	END IF;

	-- 2. lock regular tasks with room in dispatch order, skipping locked
	-- ones and those the worker judged or holds
	SELECT array_agg(c.task_id ORDER BY c.priority DESC, c.confidence NULLS FIRST, c.task_id)
	INTO v_regular
	FROM (SELECT ts.task_id, ts.priority, ts.confidence
		  FROM @extschema@.task_state ts
		  WHERE ts.project_id = p.project_id AND ts.status = 'open' AND NOT ts.golden
			AND ts.assigned < ts.needed
			AND NOT EXISTS (SELECT 1 FROM @extschema@.judgments j
							WHERE j.task_id = ts.task_id AND j.worker_id = w.worker_id)
			AND NOT EXISTS (SELECT 1 FROM @extschema@.assignments a
							WHERE a.task_id = ts.task_id AND a.worker_id = w.worker_id
							  AND a.state = 'issued')
		  ORDER BY ts.priority DESC, ts.confidence NULLS FIRST, ts.task_id
		  LIMIT v_room
		  FOR UPDATE OF ts SKIP LOCKED) c;

	-- 3. golden slots: a run of golden slots (each with probability
	-- golden_rate) in front of every regular task taken; a run cut short by
	-- the end of the batch is kept, since the regular task after it exists
	FOREACH v_task IN ARRAY coalesce(v_regular, '{}') LOOP
		v_pending := 0;
		IF p.golden_rate > 0 THEN
			WHILE v_slots < v_room AND @extschema@.dispatch_random() < p.golden_rate LOOP
				v_pending := v_pending + 1;
				v_slots := v_slots + 1;
			END LOOP;
		END IF;
		v_golden_slots := v_golden_slots + v_pending;
		EXIT WHEN v_slots >= v_room;
		v_take := v_take || v_task;
		v_slots := v_slots + 1;
		EXIT WHEN v_slots >= v_room;
	END LOOP;
	IF v_golden_slots > 0 THEN
		v_seed := (@extschema@.dispatch_random() * 9007199254740992)::bigint;
		-- golden tasks the worker has neither judged nor holds, in random
		-- order (no lock: a golden task has no overlap to protect)
		SELECT array_agg(g.task_id) INTO v_golden
		FROM (SELECT ts.task_id
			  FROM @extschema@.task_state ts
			  WHERE ts.project_id = p.project_id AND ts.golden AND ts.status = 'open'
				AND ts.task_id NOT IN (SELECT j.task_id FROM @extschema@.judgments j
									   WHERE j.worker_id = w.worker_id)
				AND ts.task_id NOT IN (SELECT a.task_id FROM @extschema@.assignments a
									   WHERE a.worker_id = w.worker_id AND a.state = 'issued')
			  ORDER BY hashint8(ts.task_id # v_seed), ts.task_id
			  LIMIT v_golden_slots) g;
	END IF;

	-- 4. the assignments, in random order
	RETURN QUERY
	WITH ins AS (
		INSERT INTO @extschema@.assignments AS a
			(task_id, worker_id, issued_at, expires_at, guidelines_version, price)
		SELECT c.task_id, w.worker_id, now(), now() + p.assignment_ttl,
			   p.guidelines_version, p.price_per_judgment
		FROM unnest(v_take || coalesce(v_golden, '{}')) AS c(task_id)
		ORDER BY @extschema@.dispatch_random()
		RETURNING a.assignment_id, a.task_id, a.guidelines_version, a.price, a.expires_at
	)
	SELECT i.assignment_id, t.payload, p.labels, i.guidelines_version, i.price, i.expires_at
	FROM ins i
	JOIN @extschema@.tasks t ON t.task_id = i.task_id
	ORDER BY i.assignment_id;
END
$$;
COMMENT ON FUNCTION @extschema@.next_tasks(bigint, bigint, integer) IS
	'hand up to n tasks of a project to a worker as assignments: most uncertain first, golden tasks mixed in at the project''s rate';

-- not STRICT: NULL arguments are reported; time_spent and score may be NULL
CREATE FUNCTION @extschema@.submit(assignment_id bigint, label text,
		time_spent interval DEFAULT NULL, score double precision DEFAULT NULL)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	a @extschema@.assignments;
	w @extschema@.workers;
	p @extschema@.projects;
	v_task_status text;
	v_since timestamptz;
	v_measured interval;
	v_judgment bigint;
BEGIN
	IF submit.assignment_id IS NULL THEN
		RAISE EXCEPTION 'assignment_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- who may submit it is checked before the row is locked
	SELECT x.* INTO a FROM @extschema@.assignments x WHERE x.assignment_id = submit.assignment_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'assignment % does not exist', submit.assignment_id
			USING ERRCODE = 'no_data_found';
	END IF;
	w := @extschema@.dispatch_worker(a.worker_id);
	SELECT x.* INTO a FROM @extschema@.assignments x WHERE x.assignment_id = submit.assignment_id
	FOR UPDATE;
	IF a.worker_id <> w.worker_id THEN
		RAISE EXCEPTION 'assignment % moved to another worker', a.assignment_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF a.state <> 'issued' THEN
		RAISE EXCEPTION 'assignment % is %', a.assignment_id, a.state
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
				  HINT = 'Only an issued assignment can be submitted, once.';
	END IF;
	IF a.expires_at <= now() THEN
		RAISE EXCEPTION 'assignment % expired', a.assignment_id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
				  DETAIL = format('It expired at %s.', a.expires_at),
				  HINT = 'Ask next_tasks() for new work.';
	END IF;
	IF submit.label IS NULL THEN
		RAISE EXCEPTION 'label must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;

	-- the rules the triggers check, reported without naming the task
	SELECT t.status INTO v_task_status FROM @extschema@.tasks t WHERE t.task_id = a.task_id;
	SELECT pr.* INTO p
	FROM @extschema@.tasks t JOIN @extschema@.projects pr ON pr.project_id = t.project_id
	WHERE t.task_id = a.task_id;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'submit() records judgments of classification projects.';
	END IF;
	IF v_task_status = 'closed' AND NOT p.allow_judgments_on_closed THEN
		RAISE EXCEPTION 'the task of assignment % was closed', a.assignment_id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_task_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments';
	END IF;
	IF array_position(p.labels, submit.label) IS NULL THEN
		RAISE EXCEPTION 'label % is not among the labels of project %',
				quote_literal(submit.label), quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_label_allowed',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'label',
				  DETAIL = format('The allowed labels are %s.', array_to_string(p.labels, ', '));
	END IF;
	IF submit.score IS NOT NULL AND w.kind <> 'model' THEN
		RAISE EXCEPTION 'worker % is a % worker and cannot give a score', w.worker_id, w.kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_score_model_only',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'score';
	END IF;
	IF submit.time_spent < '0'::interval THEN
		RAISE EXCEPTION 'time_spent must not be negative'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_time_spent_check',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'time_spent';
	END IF;

	-- time spent: measured since the assignment was issued or the worker's
	-- previous judgment in the project, whichever is later; a reported time
	-- may be shorter, never longer
	SELECT greatest(a.issued_at, max(ws.last_judgment_at)) INTO v_since
	FROM @extschema@.worker_state ws
	WHERE ws.project_id = p.project_id AND ws.worker_id = w.worker_id;
	v_measured := greatest(now() - v_since, '0'::interval);

	INSERT INTO @extschema@.judgments AS j
		(task_id, worker_id, label, time_spent, guidelines_version, assignment_id, score)
	VALUES (a.task_id, w.worker_id, submit.label,
			least(coalesce(submit.time_spent, v_measured), v_measured),
			a.guidelines_version, a.assignment_id, submit.score)
	RETURNING j.judgment_id INTO v_judgment;
	RETURN v_judgment;
END
$$;
COMMENT ON FUNCTION @extschema@.submit(bigint, text, interval, double precision) IS
	'record the judgment of an issued assignment (the caller''s own); returns the judgment id';

-- What a worker sees of their assignments: never the task id, its external
-- id or whether it is golden.  The view reads the tables as its owner and
-- keeps the rows of the worker whose login_role is the querying role.
CREATE VIEW @extschema@.my_assignments WITH (security_barrier) AS
SELECT a.assignment_id,
	   t.project_id,
	   p.name AS project,
	   p.labels,
	   a.guidelines_version,
	   g.guidelines,
	   t.payload,
	   a.price,
	   a.issued_at,
	   a.expires_at,
	   a.state,
	   a.closed_at,
	   j.label,
	   j.time_spent
FROM @extschema@.assignments a
JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) a.task_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) t.project_id
LEFT JOIN @extschema@.project_guidelines g
  ON g.project_id OPERATOR(pg_catalog.=) t.project_id
 AND g.version OPERATOR(pg_catalog.=) a.guidelines_version
LEFT JOIN @extschema@.judgments j ON j.assignment_id OPERATOR(pg_catalog.=) a.assignment_id
WHERE a.worker_id OPERATOR(pg_catalog.=) (
	SELECT w.worker_id FROM @extschema@.workers w
	WHERE w.login_role OPERATOR(pg_catalog.=) CURRENT_USER);
COMMENT ON VIEW @extschema@.my_assignments IS
	'the assignments of the worker whose login_role is the querying role, with payload, labels and guidelines (no task ids)';
-- ---------------------------------------------------------------------------
-- Pay: a price per judgment, bonus rules as rows, and payouts per worker and
-- pay period with an effective hourly pay and a top-up to the project's floor.
--
-- Every judgment and comparison of a human or expert worker is a pay item,
-- at the price its assignment promised (the project's current price when it
-- came without one), except those given while the worker was banned in the
-- project or everywhere (qc_events: after a ban, before the next unban).
-- Pay periods are days, weeks (from Monday) or months in UTC, so that the
-- result does not depend on the session's time zone.  A bonus rule grants
-- an amount per paid judgment, or once per period, to a worker whose metric
-- in the period reaches its threshold after at least min_count observations.
-- Effective hourly pay is (base + bonuses) / (paid judgments x median time
-- spent); below the project's min_hourly_pay the period gets a top-up to it.
-- The views only read, so payouts of past periods change only when their
-- inputs do (a judgment deleted, a golden label fixed, a rule edited): end a
-- rule with active_until rather than editing it.
-- ---------------------------------------------------------------------------

CREATE TABLE @extschema@.bonus_rules (
	rule_id				bigint GENERATED BY DEFAULT AS IDENTITY,
	project_id			bigint,
	name				text NOT NULL,
	metric				text NOT NULL,
	threshold			double precision NOT NULL,
	min_count			integer NOT NULL DEFAULT 1,
	amount				numeric(12, 4) NOT NULL,
	per					text NOT NULL DEFAULT 'judgment',
	active_from			timestamptz NOT NULL DEFAULT '-infinity',
	active_until		timestamptz NOT NULL DEFAULT 'infinity',
	enabled				boolean NOT NULL DEFAULT true,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT bonus_rules_pkey PRIMARY KEY (rule_id),
	CONSTRAINT bonus_rules_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id) ON DELETE CASCADE,
	CONSTRAINT bonus_rules_metric_check
		CHECK (metric IN ('golden_accuracy', 'golden_lower_bound', 'skill', 'judgments')),
	CONSTRAINT bonus_rules_threshold_check
		CHECK (threshold >= 0 AND threshold < 'infinity'
			   AND (metric = 'judgments' OR threshold <= 1)),
	CONSTRAINT bonus_rules_min_count_check CHECK (min_count >= 1),
	CONSTRAINT bonus_rules_amount_check CHECK (amount >= 0),
	CONSTRAINT bonus_rules_per_check CHECK (per IN ('judgment', 'period')),
	CONSTRAINT bonus_rules_active_check CHECK (active_from < active_until)
);
COMMENT ON TABLE @extschema@.bonus_rules IS
	'bonus rules: when metric >= threshold in a pay period after min_count observations, amount per paid judgment or per period (project NULL: every project)';
COMMENT ON COLUMN @extschema@.bonus_rules.metric IS
	'golden_accuracy or golden_lower_bound (golden answers of the period), skill (from golden answers up to the end of the period), judgments (paid judgments of the period)';
COMMENT ON COLUMN @extschema@.bonus_rules.active_from IS
	'the rule applies to pay periods starting in [active_from, active_until)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bonus_rules', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bonus_rules_rule_id_seq', '');

-- One row per paid-or-not item of work.
CREATE VIEW @extschema@.pay_items AS
WITH bans AS (
	SELECT e.project_id, e.worker_id, e.created_at AS banned_from,
		   coalesce(e.next_at, 'infinity') AS banned_until
	FROM (SELECT x.project_id, x.worker_id, x.action, x.created_at,
				 pg_catalog.lead(x.created_at) OVER (PARTITION BY x.project_id, x.worker_id
													 ORDER BY x.created_at, x.event_id) AS next_at
		  FROM @extschema@.qc_events x
		  WHERE x.action OPERATOR(pg_catalog.=) 'ban'
			 OR x.action OPERATOR(pg_catalog.=) 'unban') e
	WHERE e.action OPERATOR(pg_catalog.=) 'ban'
), items AS (
	SELECT t.project_id, j.worker_id, 'judgment'::text AS kind, j.judgment_id AS item_id,
		   j.created_at, j.time_spent, j.assignment_id,
		   g.task_id IS NOT NULL AS golden,
		   coalesce(g.label OPERATOR(pg_catalog.=) j.label, false) AS golden_correct
	FROM @extschema@.judgments j
	JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) j.task_id
	LEFT JOIN @extschema@.golden_labels g ON g.task_id OPERATOR(pg_catalog.=) j.task_id
	UNION ALL
	SELECT t.project_id, c.worker_id, 'comparison'::text, c.comparison_id,
		   c.created_at, c.time_spent, c.assignment_id, false, false
	FROM @extschema@.comparisons c
	JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) c.left_task_id
)
SELECT i.project_id,
	   i.worker_id,
	   i.kind,
	   i.item_id,
	   i.created_at,
	   pg_catalog.timezone('UTC', x.period) AS period_start,
	   pg_catalog.timezone('UTC', x.period OPERATOR(pg_catalog.+)
			('1 ' OPERATOR(pg_catalog.||) p.pay_period)::interval) AS period_end,
	   coalesce(a.price, p.price_per_judgment) AS price,
	   NOT EXISTS (
		   SELECT 1 FROM bans b
		   WHERE b.worker_id OPERATOR(pg_catalog.=) i.worker_id
			 AND (b.project_id OPERATOR(pg_catalog.=) i.project_id OR b.project_id IS NULL)
			 AND i.created_at OPERATOR(pg_catalog.>) b.banned_from
			 AND i.created_at OPERATOR(pg_catalog.<) b.banned_until) AS paid,
	   i.time_spent,
	   i.golden,
	   i.golden_correct
FROM items i
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) i.project_id
JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) i.worker_id
LEFT JOIN @extschema@.assignments a ON a.assignment_id OPERATOR(pg_catalog.=) i.assignment_id
CROSS JOIN LATERAL (SELECT pg_catalog.date_trunc(p.pay_period, pg_catalog.timezone('UTC', i.created_at))
					AS period) x
WHERE w.kind OPERATOR(pg_catalog.<>) 'model';
COMMENT ON VIEW @extschema@.pay_items IS
	'every judgment and comparison of a human or expert worker: pay period (UTC), price, paid (not given while banned), time, golden outcome';

-- Per project, worker and period: the counts the payouts start from.
CREATE VIEW @extschema@.pay_periods AS
SELECT s.*,
	   pg_catalog.sum(s.golden_answered) OVER w AS golden_answered_to_date,
	   pg_catalog.sum(s.golden_correct) OVER w AS golden_correct_to_date
FROM (SELECT i.project_id, i.worker_id, i.period_start, i.period_end,
			 pg_catalog.count(*) AS judgments,
			 pg_catalog.count(*) FILTER (WHERE i.paid) AS paid_judgments,
			 coalesce(pg_catalog.sum(i.price) FILTER (WHERE i.paid), 0) AS base_pay,
			 pg_catalog.count(*) FILTER (WHERE i.paid AND i.golden) AS golden_answered,
			 pg_catalog.count(*) FILTER (WHERE i.paid AND i.golden_correct) AS golden_correct,
			 pg_catalog.count(i.time_spent) FILTER (WHERE i.paid) AS timed_judgments,
			 @extschema@.float8_median(pg_catalog.date_part('epoch', i.time_spent)) FILTER (WHERE i.paid)
				 AS median_seconds
	  FROM @extschema@.pay_items i
	  GROUP BY i.project_id, i.worker_id, i.period_start, i.period_end) s
WINDOW w AS (PARTITION BY s.project_id, s.worker_id ORDER BY s.period_start);
COMMENT ON VIEW @extschema@.pay_periods IS
	'per project, worker and pay period: judgments, paid judgments, base pay, golden answers (in the period and to date), median seconds';

-- One row per bonus granted: the rule, the metric's value and the amount.
CREATE VIEW @extschema@.payout_bonuses AS
SELECT s.project_id,
	   s.worker_id,
	   s.period_start,
	   r.rule_id,
	   r.name AS rule,
	   r.metric,
	   m.value,
	   r.threshold,
	   m.observations,
	   r.per,
	   r.amount,
	   CASE WHEN r.per OPERATOR(pg_catalog.=) 'judgment'
			THEN r.amount OPERATOR(pg_catalog.*) s.paid_judgments
			ELSE r.amount END AS bonus
FROM @extschema@.pay_periods s
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) s.project_id
JOIN @extschema@.bonus_rules r
  ON r.enabled
 AND (r.project_id IS NULL OR r.project_id OPERATOR(pg_catalog.=) s.project_id)
 AND s.period_start OPERATOR(pg_catalog.>=) r.active_from
 AND s.period_start OPERATOR(pg_catalog.<) r.active_until
CROSS JOIN LATERAL (
	SELECT CASE WHEN r.metric OPERATOR(pg_catalog.=) 'golden_accuracy'
				THEN s.golden_correct::double precision
					 OPERATOR(pg_catalog./) NULLIF(s.golden_answered, 0)
				WHEN r.metric OPERATOR(pg_catalog.=) 'golden_lower_bound'
				THEN @extschema@.accuracy_bound(0.025, s.golden_correct, s.golden_answered,
												p.prior_correct, p.prior_wrong)
				WHEN r.metric OPERATOR(pg_catalog.=) 'skill'
				THEN (p.prior_correct OPERATOR(pg_catalog.+) s.golden_correct_to_date::double precision)
					 OPERATOR(pg_catalog./)
					 (p.prior_correct OPERATOR(pg_catalog.+) p.prior_wrong
					  OPERATOR(pg_catalog.+) s.golden_answered_to_date::double precision)
				ELSE s.paid_judgments::double precision END AS value,
		   CASE WHEN r.metric OPERATOR(pg_catalog.=) 'skill' THEN s.golden_answered_to_date
				WHEN r.metric OPERATOR(pg_catalog.=) 'judgments' THEN s.paid_judgments::numeric
				ELSE s.golden_answered::numeric END AS observations) m
WHERE s.paid_judgments OPERATOR(pg_catalog.>) 0
  AND m.observations OPERATOR(pg_catalog.>=) r.min_count
  AND m.value OPERATOR(pg_catalog.>=) r.threshold;
COMMENT ON VIEW @extschema@.payout_bonuses IS
	'every bonus granted: project, worker, period, the rule, its metric''s value against the threshold, the amount';

-- The work time of a period is paid judgments x median seconds, in numeric
-- so that the floor comparison and the top-up are exact.
CREATE VIEW @extschema@.payouts AS
SELECT s.project_id,
	   s.worker_id,
	   w.external_id,
	   s.period_start,
	   s.period_end,
	   s.judgments,
	   s.paid_judgments,
	   s.base_pay,
	   b.bonus_pay,
	   b.bonuses,
	   s.timed_judgments,
	   pg_catalog.round(s.median_seconds::numeric, 1) AS median_seconds,
	   pg_catalog.round(t.pay OPERATOR(pg_catalog.*) 3600
						OPERATOR(pg_catalog./) NULLIF(t.seconds, 0), 4) AS effective_hourly_pay,
	   p.min_hourly_pay,
	   coalesce((t.pay OPERATOR(pg_catalog.*) 3600)
				OPERATOR(pg_catalog.<) (p.min_hourly_pay OPERATOR(pg_catalog.*) t.seconds), false) AS below_floor,
	   f.top_up,
	   t.pay OPERATOR(pg_catalog.+) f.top_up AS total_pay
FROM @extschema@.pay_periods s
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) s.project_id
JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) s.worker_id
CROSS JOIN LATERAL (
	SELECT coalesce(pg_catalog.sum(pb.bonus), 0) AS bonus_pay,
		   coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
						'rule_id', pb.rule_id, 'rule', pb.rule, 'metric', pb.metric,
						'value', pb.value, 'threshold', pb.threshold, 'bonus', pb.bonus)
					ORDER BY pb.rule_id), '[]') AS bonuses
	FROM @extschema@.payout_bonuses pb
	WHERE pb.project_id OPERATOR(pg_catalog.=) s.project_id
	  AND pb.worker_id OPERATOR(pg_catalog.=) s.worker_id
	  AND pb.period_start OPERATOR(pg_catalog.=) s.period_start) b
CROSS JOIN LATERAL (
	SELECT s.base_pay OPERATOR(pg_catalog.+) b.bonus_pay AS pay,
		   s.paid_judgments::numeric OPERATOR(pg_catalog.*) s.median_seconds::numeric AS seconds) t
CROSS JOIN LATERAL (
	SELECT CASE WHEN (t.pay OPERATOR(pg_catalog.*) 3600)
					 OPERATOR(pg_catalog.<) (p.min_hourly_pay OPERATOR(pg_catalog.*) t.seconds)
				THEN pg_catalog.round(((p.min_hourly_pay OPERATOR(pg_catalog.*) t.seconds)
									   OPERATOR(pg_catalog.-) (t.pay OPERATOR(pg_catalog.*) 3600))
									  OPERATOR(pg_catalog./) 3600, 4)
				ELSE 0 END AS top_up) f;
COMMENT ON VIEW @extschema@.payouts IS
	'per project, worker and pay period: judgments paid, base pay, bonuses with their rules, effective hourly pay from the median time, below-floor flag and top-up';
-- ---------------------------------------------------------------------------
-- Access control: three group roles, row-level security, and deliberate
-- privileges on every object of the schema.  Runs last, so that it sees
-- every object the files before it created.
--
--   labeling_admin    runs the operation: reads and writes every table (the
--                     triggers run as the writer, so the state tables too),
--                     calls every function, acts for any worker in
--                     next_tasks() and submit().
--   labeling_analyst  reads every table and view; writes nothing, calls no
--                     function that writes or reads tables.
--   labeling_worker   calls next_tasks() and submit() for its own worker,
--                     reads my_assignments and, under row-level security,
--                     its own rows of workers and assignments (never the task
--                     of an assignment); nothing else: no judgments of others,
--                     no golden labels, no posteriors.
--
-- Roles belong to the cluster, not to the database: they are created NOLOGIN
-- when missing (so a second database, or CREATE EXTENSION after DROP
-- EXTENSION, reuses them) and DROP EXTENSION leaves them.  A worker's login
-- role is a member of labeling_worker and is named in workers.login_role.
-- PUBLIC gets nothing: no USAGE on the schema, and EXECUTE only on the
-- functions that read no table (IMMUTABLE: label_dist functions, the
-- aggregates' support functions, ...).
-- ---------------------------------------------------------------------------

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'labeling_admin') THEN
		CREATE ROLE labeling_admin NOLOGIN;
		COMMENT ON ROLE labeling_admin IS
			'labeling extension: runs the labeling operation (every table, every function, any worker)';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'labeling_analyst') THEN
		CREATE ROLE labeling_analyst NOLOGIN;
		COMMENT ON ROLE labeling_analyst IS
			'labeling extension: reads every table and view, writes nothing';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'labeling_worker') THEN
		CREATE ROLE labeling_worker NOLOGIN;
		COMMENT ON ROLE labeling_worker IS
			'labeling extension: next_tasks() and submit() for its own worker, and my_assignments';
	END IF;
END
$$;

GRANT USAGE ON SCHEMA @extschema@ TO labeling_admin, labeling_analyst, labeling_worker;

-- Tables and views: admin reads and writes the tables and reads the views;
-- analyst reads both; my_assignments is the workers' view.
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT pg_catalog.format('%I.%I', '@extschema@', c.relname) AS rel, c.relkind
		FROM pg_catalog.pg_class c
		WHERE c.relnamespace = '@extschema@'::pg_catalog.regnamespace
		  AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'v']::"char"[])
		ORDER BY c.relname
	LOOP
		IF r.relkind OPERATOR(pg_catalog.=) 'r' THEN
			EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO labeling_admin', r.rel);
			EXECUTE pg_catalog.format('GRANT SELECT ON TABLE %s TO labeling_analyst', r.rel);
		ELSIF r.rel OPERATOR(pg_catalog.<>) pg_catalog.format('%I.%I', '@extschema@', 'my_assignments') THEN
			EXECUTE pg_catalog.format('GRANT SELECT ON TABLE %s TO labeling_admin, labeling_analyst', r.rel);
		END IF;
	END LOOP;
END
$$;
GRANT SELECT ON @extschema@.my_assignments TO labeling_worker;

-- Functions: those that read or write tables (every non-IMMUTABLE one) are
-- for labeling_admin only, who fires the triggers that call them; the
-- workers get the two dispatch functions.
DO $$
DECLARE
	f text;
BEGIN
	FOR f IN
		SELECT pg_catalog.format('%I.%I(%s)', '@extschema@', p.proname,
								 pg_catalog.pg_get_function_identity_arguments(p.oid))
		FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = '@extschema@'::pg_catalog.regnamespace
		  AND p.prokind OPERATOR(pg_catalog.=) 'f'
		  AND p.provolatile OPERATOR(pg_catalog.<>) 'i'
		ORDER BY 1
	LOOP
		EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO labeling_admin', f);
	END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION @extschema@.next_tasks(bigint, bigint, integer) TO labeling_worker;
GRANT EXECUTE ON FUNCTION @extschema@.submit(bigint, text, interval, double precision) TO labeling_worker;
-- analysts also run the read-only analyses over the schema's tables (they
-- are SECURITY INVOKER: they read only what the analyst may read)
GRANT EXECUTE ON FUNCTION @extschema@.latest_judgments(bigint) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.pairwise_kappa(integer, bigint) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.worker_agreement(bigint) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.fit_truth_model(text, bigint, boolean, @extschema@.truth_options) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.infer_labels(text, bigint, boolean, @extschema@.truth_options) TO labeling_analyst;

-- Row-level security on the two tables a worker reads: admins see and
-- change every row, analysts see every row, a worker sees its own rows
-- (and only the columns granted below: an assignment's task stays hidden).
-- Roles outside these three see no row even with a table privilege.
ALTER TABLE @extschema@.workers ENABLE ROW LEVEL SECURITY;
CREATE POLICY workers_admin ON @extschema@.workers
	FOR ALL TO labeling_admin USING (true) WITH CHECK (true);
CREATE POLICY workers_analyst ON @extschema@.workers
	FOR SELECT TO labeling_analyst USING (true);
CREATE POLICY workers_self ON @extschema@.workers
	FOR SELECT TO labeling_worker
	USING (login_role OPERATOR(pg_catalog.=) CURRENT_USER);
GRANT SELECT (worker_id, external_id, kind, model_version, status, login_role)
	ON @extschema@.workers TO labeling_worker;

ALTER TABLE @extschema@.assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY assignments_admin ON @extschema@.assignments
	FOR ALL TO labeling_admin USING (true) WITH CHECK (true);
CREATE POLICY assignments_analyst ON @extschema@.assignments
	FOR SELECT TO labeling_analyst USING (true);
CREATE POLICY assignments_own ON @extschema@.assignments
	FOR SELECT TO labeling_worker
	USING (worker_id OPERATOR(pg_catalog.=) (
		SELECT w.worker_id FROM @extschema@.workers w
		WHERE w.login_role OPERATOR(pg_catalog.=) CURRENT_USER));
GRANT SELECT (assignment_id, worker_id, issued_at, expires_at, state, closed_at,
			  guidelines_version, price)
	ON @extschema@.assignments TO labeling_worker;

COMMENT ON POLICY workers_admin ON @extschema@.workers IS 'admins see and change every worker';
COMMENT ON POLICY workers_analyst ON @extschema@.workers IS 'analysts see every worker';
COMMENT ON POLICY workers_self ON @extschema@.workers IS
	'a worker sees its own row: the one whose login_role is the querying role';
COMMENT ON POLICY assignments_admin ON @extschema@.assignments IS 'admins see and change every assignment';
COMMENT ON POLICY assignments_analyst ON @extschema@.assignments IS 'analysts see every assignment';
COMMENT ON POLICY assignments_own ON @extschema@.assignments IS
	'a worker sees its own assignments (without their task: task_id is not granted)';
