-- ---------------------------------------------------------------------------
-- Vote aggregation: vote_dist (vote shares) and majority_vote
-- ---------------------------------------------------------------------------

-- not STRICT: NULL labels (and NULL weights) are skipped inside
CREATE FUNCTION labeling_internal.vote_transfn(internal, text) RETURNS internal
	AS 'MODULE_PATHNAME', 'vote_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.vote_weighted_transfn(internal, text, double precision) RETURNS internal
	AS 'MODULE_PATHNAME', 'vote_weighted_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- not STRICT: must handle a NULL state on either side
CREATE FUNCTION labeling_internal.vote_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'vote_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.vote_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'vote_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.vote_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'vote_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- not STRICT: a NULL state (no rows) gives NULL
CREATE FUNCTION labeling_internal.vote_dist_finalfn(internal) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'vote_dist_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION labeling_internal.majority_vote_finalfn(internal) RETURNS text
	AS 'MODULE_PATHNAME', 'majority_vote_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION labeling_internal.vote_transfn(internal, text) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.vote_weighted_transfn(internal, text, double precision) IS 'aggregate transition function';
COMMENT ON FUNCTION labeling_internal.vote_combine(internal, internal) IS 'aggregate combine function';
COMMENT ON FUNCTION labeling_internal.vote_serialize(internal) IS 'aggregate serialize function';
COMMENT ON FUNCTION labeling_internal.vote_deserialize(bytea, internal) IS 'aggregate deserialize function';
COMMENT ON FUNCTION labeling_internal.vote_dist_finalfn(internal) IS 'aggregate final function';
COMMENT ON FUNCTION labeling_internal.majority_vote_finalfn(internal) IS 'aggregate final function';

CREATE AGGREGATE @extschema@.vote_dist(label text) (
	SFUNC = labeling_internal.vote_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = labeling_internal.vote_dist_finalfn,
	COMBINEFUNC = labeling_internal.vote_combine,
	SERIALFUNC = labeling_internal.vote_serialize, DESERIALFUNC = labeling_internal.vote_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.vote_dist(label text, weight double precision) (
	SFUNC = labeling_internal.vote_weighted_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = labeling_internal.vote_dist_finalfn,
	COMBINEFUNC = labeling_internal.vote_combine,
	SERIALFUNC = labeling_internal.vote_serialize, DESERIALFUNC = labeling_internal.vote_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.majority_vote(label text) (
	SFUNC = labeling_internal.vote_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = labeling_internal.majority_vote_finalfn,
	COMBINEFUNC = labeling_internal.vote_combine,
	SERIALFUNC = labeling_internal.vote_serialize, DESERIALFUNC = labeling_internal.vote_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.majority_vote(label text, weight double precision) (
	SFUNC = labeling_internal.vote_weighted_transfn, STYPE = internal, SSPACE = 128,
	FINALFUNC = labeling_internal.majority_vote_finalfn,
	COMBINEFUNC = labeling_internal.vote_combine,
	SERIALFUNC = labeling_internal.vote_serialize, DESERIALFUNC = labeling_internal.vote_deserialize,
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
