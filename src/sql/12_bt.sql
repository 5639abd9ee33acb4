-- ---------------------------------------------------------------------------
-- Side-by-side ranking: bt_rank (Bradley-Terry-Davidson, optionally with a
-- per-worker noise model), the bt_model type, its readers, bt_fit and
-- bt_next_pairs
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.bt_model;

CREATE FUNCTION labeling_internal.bt_model_in(cstring) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'bt_model_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_model_out(@extschema@.bt_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'bt_model_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_model_recv(internal) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'bt_model_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_model_send(@extschema@.bt_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'bt_model_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.bt_model (
	INPUT = labeling_internal.bt_model_in,
	OUTPUT = labeling_internal.bt_model_out,
	RECEIVE = labeling_internal.bt_model_recv,
	SEND = labeling_internal.bt_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.bt_model IS
	'a fitted side-by-side ranking (Bradley-Terry-Davidson) with its comparison counts; text form is JSON';
COMMENT ON FUNCTION labeling_internal.bt_model_in(cstring) IS 'bt_model text input';
COMMENT ON FUNCTION labeling_internal.bt_model_out(@extschema@.bt_model) IS 'bt_model text output';
COMMENT ON FUNCTION labeling_internal.bt_model_recv(internal) IS 'bt_model binary input';
COMMENT ON FUNCTION labeling_internal.bt_model_send(@extschema@.bt_model) IS 'bt_model binary output';

-- aggregate support functions
-- not STRICT: NULL items are skipped and a NULL winner is a tie, inside
CREATE FUNCTION labeling_internal.bt_rank_transfn(internal, bigint, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_rank_transfn(internal, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: as above, and rows with a NULL worker are skipped
CREATE FUNCTION labeling_internal.bt_rank_worker_transfn(internal, bigint, bigint, bigint, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_worker_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_rank_worker_transfn(internal, bigint, bigint, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_worker_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_rank_worker_transfn(internal, text, text, text, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_worker_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_rank_worker_transfn(internal, text, text, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_worker_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION labeling_internal.bt_rank_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_rank_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'bt_rank_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.bt_rank_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'bt_rank_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION labeling_internal.bt_rank_finalfn(internal) RETURNS @extschema@.bt_model
	AS 'MODULE_PATHNAME', 'bt_rank_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION labeling_internal.bt_rank_transfn(internal, bigint, bigint, bigint) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.bt_rank_transfn(internal, text, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.bt_rank_worker_transfn(internal, bigint, bigint, bigint, bigint) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.bt_rank_worker_transfn(internal, bigint, bigint, bigint, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.bt_rank_worker_transfn(internal, text, text, text, bigint) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.bt_rank_worker_transfn(internal, text, text, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.bt_rank_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION labeling_internal.bt_rank_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION labeling_internal.bt_rank_deserialize(bytea, internal) IS 'aggregate deserialize function';
COMMENT ON FUNCTION labeling_internal.bt_rank_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.bt_rank(left_item bigint, right_item bigint, winner bigint) (
	SFUNC = labeling_internal.bt_rank_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.bt_rank_finalfn,
	COMBINEFUNC = labeling_internal.bt_rank_combine,
	SERIALFUNC = labeling_internal.bt_rank_serialize, DESERIALFUNC = labeling_internal.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item text, right_item text, winner text) (
	SFUNC = labeling_internal.bt_rank_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.bt_rank_finalfn,
	COMBINEFUNC = labeling_internal.bt_rank_combine,
	SERIALFUNC = labeling_internal.bt_rank_serialize, DESERIALFUNC = labeling_internal.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item bigint, right_item bigint, winner bigint, worker bigint) (
	SFUNC = labeling_internal.bt_rank_worker_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.bt_rank_finalfn,
	COMBINEFUNC = labeling_internal.bt_rank_combine,
	SERIALFUNC = labeling_internal.bt_rank_serialize, DESERIALFUNC = labeling_internal.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item bigint, right_item bigint, winner bigint, worker text) (
	SFUNC = labeling_internal.bt_rank_worker_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.bt_rank_finalfn,
	COMBINEFUNC = labeling_internal.bt_rank_combine,
	SERIALFUNC = labeling_internal.bt_rank_serialize, DESERIALFUNC = labeling_internal.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item text, right_item text, winner text, worker bigint) (
	SFUNC = labeling_internal.bt_rank_worker_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.bt_rank_finalfn,
	COMBINEFUNC = labeling_internal.bt_rank_combine,
	SERIALFUNC = labeling_internal.bt_rank_serialize, DESERIALFUNC = labeling_internal.bt_rank_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bt_rank(left_item text, right_item text, winner text, worker text) (
	SFUNC = labeling_internal.bt_rank_worker_transfn, STYPE = internal, SSPACE = 4096,
	FINALFUNC = labeling_internal.bt_rank_finalfn,
	COMBINEFUNC = labeling_internal.bt_rank_combine,
	SERIALFUNC = labeling_internal.bt_rank_serialize, DESERIALFUNC = labeling_internal.bt_rank_deserialize,
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
