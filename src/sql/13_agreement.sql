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

CREATE FUNCTION labeling_internal.worker_skill_transfn(double precision[], text, text)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_transfn'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: NULL labels are skipped inside, NULL priors are an error
CREATE FUNCTION labeling_internal.worker_skill_prior_transfn(double precision[], text, text,
		double precision, double precision)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_prior_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.worker_skill_bool_transfn(double precision[], boolean)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_bool_transfn'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: a NULL answer is skipped inside, NULL priors are an error
CREATE FUNCTION labeling_internal.worker_skill_bool_prior_transfn(double precision[], boolean,
		double precision, double precision)
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_bool_prior_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION labeling_internal.worker_skill_combine(double precision[], double precision[])
	RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'worker_skill_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state gives NULL
CREATE FUNCTION labeling_internal.worker_skill_finalfn(double precision[])
	RETURNS @extschema@.skill_estimate
	AS 'MODULE_PATHNAME', 'worker_skill_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION labeling_internal.worker_skill_transfn(double precision[], text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.worker_skill_prior_transfn(double precision[], text, text, double precision, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.worker_skill_bool_transfn(double precision[], boolean) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.worker_skill_bool_prior_transfn(double precision[], boolean, double precision, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.worker_skill_combine(double precision[], double precision[]) IS 'aggregate combine function';
COMMENT ON FUNCTION labeling_internal.worker_skill_finalfn(double precision[]) IS 'aggregate final function';

-- state: {n_answered, n_correct, prior_correct, prior_wrong}; priors 0 = not given (Beta(1, 1))
CREATE AGGREGATE @extschema@.worker_skill(label text, golden_label text) (
	SFUNC = labeling_internal.worker_skill_transfn, STYPE = double precision[],
	INITCOND = '{0,0,0,0}',
	FINALFUNC = labeling_internal.worker_skill_finalfn,
	COMBINEFUNC = labeling_internal.worker_skill_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.worker_skill(label text, golden_label text,
		prior_correct double precision, prior_wrong double precision) (
	SFUNC = labeling_internal.worker_skill_prior_transfn, STYPE = double precision[],
	INITCOND = '{0,0,0,0}',
	FINALFUNC = labeling_internal.worker_skill_finalfn,
	COMBINEFUNC = labeling_internal.worker_skill_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.worker_skill(is_correct boolean) (
	SFUNC = labeling_internal.worker_skill_bool_transfn, STYPE = double precision[],
	INITCOND = '{0,0,0,0}',
	FINALFUNC = labeling_internal.worker_skill_finalfn,
	COMBINEFUNC = labeling_internal.worker_skill_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.worker_skill(is_correct boolean,
		prior_correct double precision, prior_wrong double precision) (
	SFUNC = labeling_internal.worker_skill_bool_prior_transfn, STYPE = double precision[],
	INITCOND = '{0,0,0,0}',
	FINALFUNC = labeling_internal.worker_skill_finalfn,
	COMBINEFUNC = labeling_internal.worker_skill_combine,
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
CREATE FUNCTION labeling_internal.agreement_pairs_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'agreement_pairs_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.agreement_pairs_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'agreement_pairs_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.agreement_pairs_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'agreement_pairs_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.agreement_pairs_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION labeling_internal.agreement_pairs_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION labeling_internal.agreement_pairs_deserialize(bytea, internal) IS 'aggregate deserialize function';

-- not STRICT: NULL labels are skipped inside
CREATE FUNCTION labeling_internal.worker_class_skill_transfn(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'worker_class_skill_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: NULL labels are skipped inside, NULL priors are an error
CREATE FUNCTION labeling_internal.worker_class_skill_prior_transfn(internal, text, text,
		double precision, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'worker_class_skill_prior_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION labeling_internal.worker_class_skill_finalfn(internal) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'worker_class_skill_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.worker_class_skill_transfn(internal, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.worker_class_skill_prior_transfn(internal, text, text, double precision, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.worker_class_skill_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.worker_class_skill(label text, golden_label text) (
	SFUNC = labeling_internal.worker_class_skill_transfn, STYPE = internal, SSPACE = 512,
	FINALFUNC = labeling_internal.worker_class_skill_finalfn,
	COMBINEFUNC = labeling_internal.agreement_pairs_combine,
	SERIALFUNC = labeling_internal.agreement_pairs_serialize,
	DESERIALFUNC = labeling_internal.agreement_pairs_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.worker_class_skill(label text, golden_label text,
		prior_correct double precision, prior_wrong double precision) (
	SFUNC = labeling_internal.worker_class_skill_prior_transfn, STYPE = internal, SSPACE = 512,
	FINALFUNC = labeling_internal.worker_class_skill_finalfn,
	COMBINEFUNC = labeling_internal.agreement_pairs_combine,
	SERIALFUNC = labeling_internal.agreement_pairs_serialize,
	DESERIALFUNC = labeling_internal.agreement_pairs_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.worker_class_skill(text, text) IS
	'skill per golden class as jsonb: recall with its Beta(1, 1) posterior bounds and the answers given (a row of the confusion matrix)';
COMMENT ON AGGREGATE @extschema@.worker_class_skill(text, text, double precision, double precision) IS
	'skill per golden class as jsonb, with a Beta(prior_correct, prior_wrong) prior';

-- not STRICT: rows with a NULL on either side are skipped inside
CREATE FUNCTION labeling_internal.cohen_kappa_transfn(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'cohen_kappa_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION labeling_internal.cohen_kappa_finalfn(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'cohen_kappa_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.cohen_kappa_transfn(internal, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.cohen_kappa_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.cohen_kappa(label_a text, label_b text) (
	SFUNC = labeling_internal.cohen_kappa_transfn, STYPE = internal, SSPACE = 512,
	FINALFUNC = labeling_internal.cohen_kappa_finalfn,
	COMBINEFUNC = labeling_internal.agreement_pairs_combine,
	SERIALFUNC = labeling_internal.agreement_pairs_serialize,
	DESERIALFUNC = labeling_internal.agreement_pairs_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.cohen_kappa(text, text) IS
	'Cohen''s kappa between two raters, one row per item (rows with a NULL skipped; NULL when undefined)';

-- ---------------------------------------------------------------------------
-- Per-unit aggregates: fleiss_kappa and krippendorff_alpha
-- ---------------------------------------------------------------------------

-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION labeling_internal.agreement_units_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'agreement_units_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.agreement_units_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'agreement_units_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.agreement_units_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'agreement_units_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.agreement_units_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION labeling_internal.agreement_units_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION labeling_internal.agreement_units_deserialize(bytea, internal) IS 'aggregate deserialize function';

-- not STRICT: rows with a NULL unit or label are skipped inside
CREATE FUNCTION labeling_internal.fleiss_kappa_transfn(internal, bigint, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'fleiss_kappa_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.fleiss_kappa_transfn(internal, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'fleiss_kappa_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION labeling_internal.fleiss_kappa_finalfn(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'fleiss_kappa_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.fleiss_kappa_transfn(internal, bigint, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.fleiss_kappa_transfn(internal, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.fleiss_kappa_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.fleiss_kappa(unit bigint, label text) (
	SFUNC = labeling_internal.fleiss_kappa_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.fleiss_kappa_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.fleiss_kappa(unit text, label text) (
	SFUNC = labeling_internal.fleiss_kappa_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.fleiss_kappa_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.fleiss_kappa(bigint, text) IS
	'Fleiss'' kappa, generalised to any number of ratings per unit (Gwet 2014); units rated once are left out';
COMMENT ON AGGREGATE @extschema@.fleiss_kappa(text, text) IS
	'Fleiss'' kappa, generalised to any number of ratings per unit (Gwet 2014); units rated once are left out';

-- not STRICT: rows with a NULL unit, coder or value are skipped inside; a
-- NULL metric is an error.  One C function serves every signature.
CREATE FUNCTION labeling_internal.krippendorff_transfn(internal, bigint, anyelement, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.krippendorff_transfn(internal, text, anyelement, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.krippendorff_transfn(internal, bigint, anyelement, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.krippendorff_transfn(internal, text, anyelement, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.krippendorff_transfn(internal, bigint, anyelement, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.krippendorff_transfn(internal, text, anyelement, text, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.krippendorff_transfn(internal, bigint, anyelement, double precision, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.krippendorff_transfn(internal, text, anyelement, double precision, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'krippendorff_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION labeling_internal.krippendorff_finalfn(internal) RETURNS double precision
	AS 'MODULE_PATHNAME', 'krippendorff_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.krippendorff_transfn(internal, bigint, anyelement, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.krippendorff_transfn(internal, text, anyelement, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.krippendorff_transfn(internal, bigint, anyelement, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.krippendorff_transfn(internal, text, anyelement, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.krippendorff_transfn(internal, bigint, anyelement, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.krippendorff_transfn(internal, text, anyelement, text, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.krippendorff_transfn(internal, bigint, anyelement, double precision, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.krippendorff_transfn(internal, text, anyelement, double precision, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.krippendorff_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, coder anyelement, value text) (
	SFUNC = labeling_internal.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.krippendorff_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit text, coder anyelement, value text) (
	SFUNC = labeling_internal.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.krippendorff_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, coder anyelement, value double precision) (
	SFUNC = labeling_internal.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.krippendorff_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit text, coder anyelement, value double precision) (
	SFUNC = labeling_internal.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.krippendorff_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, coder anyelement, value text, metric text) (
	SFUNC = labeling_internal.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.krippendorff_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit text, coder anyelement, value text, metric text) (
	SFUNC = labeling_internal.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.krippendorff_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit bigint, coder anyelement, value double precision, metric text) (
	SFUNC = labeling_internal.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.krippendorff_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.krippendorff_alpha(unit text, coder anyelement, value double precision, metric text) (
	SFUNC = labeling_internal.krippendorff_transfn, STYPE = internal, SSPACE = 65536,
	FINALFUNC = labeling_internal.krippendorff_finalfn,
	COMBINEFUNC = labeling_internal.agreement_units_combine,
	SERIALFUNC = labeling_internal.agreement_units_serialize,
	DESERIALFUNC = labeling_internal.agreement_units_deserialize,
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
