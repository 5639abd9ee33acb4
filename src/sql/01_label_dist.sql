-- ---------------------------------------------------------------------------
-- label_dist: a probability distribution over text labels
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.label_dist;

CREATE FUNCTION labeling_internal.label_dist_in(cstring) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'label_dist_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.label_dist_out(@extschema@.label_dist) RETURNS cstring
	AS 'MODULE_PATHNAME', 'label_dist_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.label_dist_recv(internal) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'label_dist_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.label_dist_send(@extschema@.label_dist) RETURNS bytea
	AS 'MODULE_PATHNAME', 'label_dist_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.label_dist (
	INPUT = labeling_internal.label_dist_in,
	OUTPUT = labeling_internal.label_dist_out,
	RECEIVE = labeling_internal.label_dist_recv,
	SEND = labeling_internal.label_dist_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.label_dist IS
	'probability distribution over text labels, written as a JSON object: {"cat": 0.75, "dog": 0.25}';

-- casts to and from jsonb
CREATE FUNCTION labeling_internal.label_dist_to_jsonb(@extschema@.label_dist) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'label_dist_to_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.label_dist_from_jsonb(jsonb) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'label_dist_from_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.label_dist AS jsonb)
	WITH FUNCTION labeling_internal.label_dist_to_jsonb(@extschema@.label_dist);
CREATE CAST (jsonb AS @extschema@.label_dist)
	WITH FUNCTION labeling_internal.label_dist_from_jsonb(jsonb);
COMMENT ON FUNCTION labeling_internal.label_dist_to_jsonb(@extschema@.label_dist) IS 'cast label_dist to jsonb';
COMMENT ON FUNCTION labeling_internal.label_dist_from_jsonb(jsonb) IS 'cast a jsonb object of label probabilities to label_dist';

-- equality (the representation is canonical, so equal values are equal bytes)
CREATE FUNCTION labeling_internal.label_dist_eq(@extschema@.label_dist, @extschema@.label_dist) RETURNS boolean
	AS 'MODULE_PATHNAME', 'label_dist_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.label_dist_ne(@extschema@.label_dist, @extschema@.label_dist) RETURNS boolean
	AS 'MODULE_PATHNAME', 'label_dist_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION labeling_internal.label_dist_hash(@extschema@.label_dist) RETURNS integer
	AS 'MODULE_PATHNAME', 'label_dist_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.label_dist_in(cstring) IS
	'label_dist text input';
COMMENT ON FUNCTION labeling_internal.label_dist_out(@extschema@.label_dist) IS
	'label_dist text output';
COMMENT ON FUNCTION labeling_internal.label_dist_recv(internal) IS
	'label_dist binary input';
COMMENT ON FUNCTION labeling_internal.label_dist_send(@extschema@.label_dist) IS
	'label_dist binary output';
COMMENT ON FUNCTION labeling_internal.label_dist_eq(@extschema@.label_dist, @extschema@.label_dist) IS
	'the = operator of label_dist: same labels, same probabilities';
COMMENT ON FUNCTION labeling_internal.label_dist_ne(@extschema@.label_dist, @extschema@.label_dist) IS
	'the <> operator of label_dist';
COMMENT ON FUNCTION labeling_internal.label_dist_hash(@extschema@.label_dist) IS
	'hash of a label_dist, for hash joins and GROUP BY';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.label_dist, RIGHTARG = @extschema@.label_dist,
	PROCEDURE = labeling_internal.label_dist_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.label_dist, RIGHTARG = @extschema@.label_dist,
	PROCEDURE = labeling_internal.label_dist_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.label_dist_hash_ops
	DEFAULT FOR TYPE @extschema@.label_dist USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.label_dist, @extschema@.label_dist),
	FUNCTION 1 labeling_internal.label_dist_hash(@extschema@.label_dist);

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
	BEGIN ATOMIC
		SELECT u.label, u.probability
		FROM ROWS FROM (pg_catalog.unnest(@extschema@.labels(dist)),
						pg_catalog.unnest(@extschema@.probabilities(dist)))
			AS u(label, probability);
	END;
COMMENT ON FUNCTION @extschema@.label_probabilities(@extschema@.label_dist) IS
	'one row per label: (label, probability), labels in byte order';
