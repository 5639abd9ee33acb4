-- ---------------------------------------------------------------------------
-- The live posterior: one-coin posterior of a task, leave-one-out agreement,
-- and the credible bounds of a worker's golden accuracy (C, live_posterior.c; the
-- Beta quantile is beta_quantile from beta_dist.c)
-- ---------------------------------------------------------------------------

-- not STRICT: NULL labels and NULL skills are skipped inside; a NULL label
-- set is an error
CREATE FUNCTION labeling_internal.one_coin_transfn(internal, text, double precision, text[])
	RETURNS internal
	AS 'MODULE_PATHNAME', 'one_coin_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION labeling_internal.one_coin_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'one_coin_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.one_coin_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'one_coin_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.one_coin_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'one_coin_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: a NULL state (no votes) gives NULL
CREATE FUNCTION labeling_internal.one_coin_finalfn(internal) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'one_coin_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION labeling_internal.one_coin_transfn(internal, text, double precision, text[]) IS
	'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.one_coin_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION labeling_internal.one_coin_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION labeling_internal.one_coin_deserialize(bytea, internal) IS 'aggregate deserialize function';
COMMENT ON FUNCTION labeling_internal.one_coin_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.one_coin_posterior(label text, skill double precision, labels text[]) (
	SFUNC = labeling_internal.one_coin_transfn, STYPE = internal, SSPACE = 64,
	FINALFUNC = labeling_internal.one_coin_finalfn,
	COMBINEFUNC = labeling_internal.one_coin_combine,
	SERIALFUNC = labeling_internal.one_coin_serialize, DESERIALFUNC = labeling_internal.one_coin_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.one_coin_posterior(text, double precision, text[]) IS
	'posterior over labels of one task given each vote and its worker''s accuracy (one-coin model, uniform prior)';

CREATE FUNCTION labeling_internal.one_coin_loo_agrees(posterior @extschema@.label_dist, label text,
		skill double precision) RETURNS boolean
	AS 'MODULE_PATHNAME', 'one_coin_loo_agrees'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.one_coin_loo_agrees(@extschema@.label_dist, text, double precision) IS
	'is label the top label of a one-coin posterior once this vote (of a worker with this accuracy) is taken out';

-- The one place the credible bounds of golden accuracy come from: the
-- q-quantile of the Beta posterior Beta(prior_correct + correct,
-- prior_wrong + answered - correct).
CREATE FUNCTION @extschema@.accuracy_bound(q double precision, correct bigint, answered bigint,
		prior_correct double precision, prior_wrong double precision)
	RETURNS double precision
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN @extschema@.beta_quantile(q,
		prior_correct OPERATOR(pg_catalog.+) correct::double precision,
		prior_wrong OPERATOR(pg_catalog.+) (answered OPERATOR(pg_catalog.-) correct)::double precision);
COMMENT ON FUNCTION @extschema@.accuracy_bound(double precision, bigint, bigint, double precision, double precision) IS
	'q-quantile of the Beta posterior of an accuracy after correct of answered, from a Beta(prior_correct, prior_wrong) prior';

-- The state shared by repeated_key and median: a list of 8-byte values
-- (C, live_values.c)
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION labeling_internal.live_values_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'live_values_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.live_values_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'live_values_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.live_values_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'live_values_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.live_values_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION labeling_internal.live_values_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION labeling_internal.live_values_deserialize(bytea, internal) IS 'aggregate deserialize function';

-- repeated_key(key): the smallest key occurring twice in a group (C, live_repeat.c)
-- not STRICT: NULL keys are skipped inside
CREATE FUNCTION labeling_internal.repeated_key_transfn(internal, bigint) RETURNS internal
	AS 'MODULE_PATHNAME', 'repeated_key_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no keys) gives NULL
CREATE FUNCTION labeling_internal.repeated_key_finalfn(internal) RETURNS bigint
	AS 'MODULE_PATHNAME', 'repeated_key_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.repeated_key_transfn(internal, bigint) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.repeated_key_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE labeling_internal.repeated_key(key bigint) (
	SFUNC = labeling_internal.repeated_key_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = labeling_internal.repeated_key_finalfn,
	COMBINEFUNC = labeling_internal.live_values_combine,
	SERIALFUNC = labeling_internal.live_values_serialize,
	DESERIALFUNC = labeling_internal.live_values_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE labeling_internal.repeated_key(bigint) IS
	'the smallest key that occurs more than once in the group (NULL when all are distinct)';

-- float8_median(x): percentile_cont(0.5) with a hashable state (C, live_median.c)
-- not STRICT: NULL values are skipped inside
CREATE FUNCTION labeling_internal.median_transfn(internal, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'median_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no values) gives NULL
CREATE FUNCTION labeling_internal.median_finalfn(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'median_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.median_transfn(internal, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.median_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.float8_median(x double precision) (
	SFUNC = labeling_internal.median_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = labeling_internal.median_finalfn,
	COMBINEFUNC = labeling_internal.live_values_combine,
	SERIALFUNC = labeling_internal.live_values_serialize,
	DESERIALFUNC = labeling_internal.live_values_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.float8_median(double precision) IS
	'the median, equal to percentile_cont(0.5) WITHIN GROUP (ORDER BY x), computable by hash aggregation';
