/*-------------------------------------------------------------------------
 *
 * live_posterior.c
 *	  The live posterior of a task under the one-coin worker model: the
 *	  aggregate one_coin_posterior(label, skill, labels) -> label_dist and
 *	  the leave-one-out check one_coin_loo_agrees(posterior, label, skill).
 *
 *	  A worker with accuracy p answers the true class with probability p and
 *	  each of the K - 1 other classes with probability (1 - p) / (K - 1).
 *	  With a uniform class prior, the log posterior of class k is, up to a
 *	  constant, the sum over the judgments that chose k of
 *	      logit(p_j) + log(K - 1)
 *	  so the aggregate keeps one score per class of the project's label set
 *	  and the final function takes a softmax.  Scores are sums of weights
 *	  in units of 2^-52 kept as 128-bit integers: a weight (|w| < 32) is
 *	  rounded only below its last bit when |w| < 2, and the sum is exact, so
 *	  the posterior does not depend on the order of the votes (hash or
 *	  sorted grouping, parallel workers give the same bits).
 *	  Skills are clamped into
 *	  [1e-6, 1 - 1e-6] so that a perfect or hopeless worker gives a large
 *	  finite weight; a worker below chance (p < 1/K) gets a negative weight,
 *	  which is what the model says such a vote is worth.
 *
 *	  The label set (the project's labels, any order, no NULLs, no
 *	  duplicates) is passed with every row; it is turned once into a uniform
 *	  label_dist (sorted, distinct, searchable) and cached per call site,
 *	  keyed by the bytes of the array, so a GROUP BY over many tasks of a
 *	  few projects does no per-group sorting.  The posterior spans every
 *	  label of the set, voted or not.
 *
 *	  The state is INTERNAL with combine, serialize and deserialize
 *	  functions, so the aggregate is parallel-safe like vote_dist.
 *
 * IDENTIFICATION
 *	  src/live_posterior.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int128.h"
#include "libpq/pqformat.h"
#include "nodes/pg_list.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "labeling.h"

/* Skills are clamped into [POSTERIOR_SKILL_EPS, 1 - POSTERIOR_SKILL_EPS]. */
#define POSTERIOR_SKILL_EPS		1e-6

/* Weights are rounded to multiples of 1 / POSTERIOR_SCALE (2^-52). */
#define POSTERIOR_SCALE			4503599627370496.0

/* Serialized format version (first byte of one_coin_serialize). */
#define ONE_COIN_FORMAT			2

/*
 * A project's label set: the labels as a uniform label_dist, which keeps
 * them distinct, sorted in byte order and searchable (label_dist_find).
 */
typedef struct LabelSet
{
	LabelDist  *labels;			/* the labels, sorted, each at 1/n */
	char	   *src;			/* bytes of the source array, or NULL */
	Size		srclen;			/* length of src */
} LabelSet;

#define LABEL_SET_SIZE(set)		((set)->labels->nlabels)

/* Transition state: one score per label of the set. */
typedef struct OneCoinState
{
	const LabelSet *set;		/* the label set (cached, or owned) */
	int64		nvotes;			/* votes counted */
	INT128	   *score;			/* log-odds score per label, set order, in
								 * units of 1 / POSTERIOR_SCALE */
} OneCoinState;

/* Per-call-site cache of label sets, kept in fn_extra. */
typedef struct LabelSetCache
{
	List	   *sets;			/* LabelSet *, in fn_mcxt */
} LabelSetCache;

/*
 * Build a label set in mcxt from n labels (sorted here; distinct, or an
 * error from label_dist_build).
 */
static LabelSet *
label_set_build(LabelMass *items, int n, MemoryContext mcxt)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	LabelSet   *set = palloc(sizeof(LabelSet));
	int			i;

	for (i = 0; i < n; i++)
		items[i].mass = 1.0;
	set->labels = label_dist_build(items, n, true);
	set->src = NULL;
	set->srclen = 0;
	MemoryContextSwitchTo(old);
	return set;
}

/*
 * Build a label set from a text[] in mcxt: one dimension, no NULLs, at least
 * one label, no duplicates.
 */
static LabelSet *
label_set_from_array(ArrayType *arr, MemoryContext mcxt)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	LabelMass  *items;
	int			i;

	if (ARR_ELEMTYPE(arr) != TEXTOID)
		elog(ERROR, "label set must be a text array");
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("label set must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label set must not be empty")));
	items = palloc(sizeof(LabelMass) * n);
	for (i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("label set must not contain NULL")));
		t = DatumGetTextPP(elems[i]);
		items[i].label = VARDATA_ANY(t);
		items[i].len = VARSIZE_ANY_EXHDR(t);
	}
	return label_set_build(items, n, mcxt);
}

/* Do two label sets hold the same labels?  (The representation is canonical.) */
static bool
label_set_equal(const LabelSet *a, const LabelSet *b)
{
	return a == b ||
		(VARSIZE(a->labels) == VARSIZE(b->labels) &&
		 memcmp(a->labels, b->labels, VARSIZE(a->labels)) == 0);
}

/* Is set the one built from these array bytes? */
static inline bool
label_set_matches(const LabelSet *set, const char *data, Size len)
{
	return set->src != NULL && set->srclen == len &&
		memcmp(set->src, data, len) == 0;
}

/*
 * The label set of the array argument argno, from the state's own set, the
 * call site's cache, or built and cached in fn_mcxt.
 */
static const LabelSet *
label_set_lookup(FunctionCallInfo fcinfo, int argno, const LabelSet *hint)
{
	struct varlena *packed = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	const char *data = VARDATA_ANY(packed);
	Size		len = VARSIZE_ANY_EXHDR(packed);
	LabelSetCache *cache = (LabelSetCache *) fcinfo->flinfo->fn_extra;
	MemoryContext old;
	LabelSet   *set;
	ListCell   *lc;

	if (hint != NULL && label_set_matches(hint, data, len))
		return hint;
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LabelSetCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	foreach(lc, cache->sets)
	{
		set = (LabelSet *) lfirst(lc);
		if (label_set_matches(set, data, len))
			return set;
	}

	set = label_set_from_array(DatumGetArrayTypeP(PG_GETARG_DATUM(argno)),
							   fcinfo->flinfo->fn_mcxt);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	set->src = palloc(Max(len, 1));
	memcpy(set->src, data, len);
	set->srclen = len;
	cache->sets = lappend(cache->sets, set);
	MemoryContextSwitchTo(old);
	return set;
}

/* A skill must be a finite probability. */
static void
check_skill(double skill)
{
	if (isnan(skill) || isinf(skill))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("worker skill must be finite"),
				 errdetail("Got %g.", skill)));
	if (skill < 0.0 || skill > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("worker skill must be between 0 and 1"),
				 errdetail("Got %g.", skill)));
}

/* a += b */
static inline void
int128_add_int128(INT128 *a, INT128 b)
{
#if USE_NATIVE_INT128
	*a += b;
#else
	a->hi += b.hi;
	int128_add_uint64(a, b.lo);
#endif
}

static inline double
int128_to_double(INT128 v)
{
#if USE_NATIVE_INT128
	return (double) v;
#else
	return (double) v.hi * 18446744073709551616.0 + (double) v.lo;
#endif
}

static inline int64
int128_high(INT128 v)
{
#if USE_NATIVE_INT128
	return (int64) (v >> 64);
#else
	return v.hi;
#endif
}

static inline uint64
int128_low(INT128 v)
{
#if USE_NATIVE_INT128
	return (uint64) v;
#else
	return v.lo;
#endif
}

static inline INT128
int128_from_parts(int64 hi, uint64 lo)
{
	INT128		v = int64_to_int128(hi);

#if USE_NATIVE_INT128
	v *= (int128) 1 << 32;
	v *= (int128) 1 << 32;
	v += (int128) lo;
#else
	v.lo = lo;
#endif
	return v;
}

/*
 * Log-odds weight of one vote by a worker of accuracy skill among nlabels
 * classes: logit(p) + log(K - 1), with p clamped; 0 when K = 1.
 */
static double
one_coin_weight(double skill, int32 nlabels)
{
	double		p = Min(Max(skill, POSTERIOR_SKILL_EPS), 1.0 - POSTERIOR_SKILL_EPS);

	if (nlabels < 2)
		return 0.0;
	return log(p) - log1p(-p) + log((double) (nlabels - 1));
}

static OneCoinState *
one_coin_state_create(MemoryContext mcxt, const LabelSet *set)
{
	OneCoinState *s = MemoryContextAlloc(mcxt, sizeof(OneCoinState));

	s->set = set;
	s->nvotes = 0;
	s->score = MemoryContextAllocZero(mcxt, sizeof(INT128) * LABEL_SET_SIZE(set));
	return s;
}

static void
label_set_mismatch(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("label set differs between rows of one group"),
			 errhint("Aggregate each project's tasks with that project's labels.")));
}

/* Aggregate transition function: add one vote (label, skill) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(one_coin_transfn);
Datum
one_coin_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "one_coin_transfn");
	OneCoinState *state = PG_ARGISNULL(0) ? NULL : (OneCoinState *) PG_GETARG_POINTER(0);
	const LabelSet *set;
	text	   *label;
	double		skill;
	int32		k;

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("label set must not be NULL"),
				 errhint("Pass the project's labels, e.g. projects.labels.")));
	/* a NULL label or a NULL skill skips the row */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	skill = PG_GETARG_FLOAT8(2);
	check_skill(skill);

	set = label_set_lookup(fcinfo, 3, state ? state->set : NULL);
	if (state == NULL)
		state = one_coin_state_create(aggcontext, set);
	else if (set != state->set && !label_set_equal(set, state->set))
		label_set_mismatch();

	label = PG_GETARG_TEXT_PP(1);
	k = label_dist_find(set->labels, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label \"%.*s\" is not in the label set",
						(int) VARSIZE_ANY_EXHDR(label), VARDATA_ANY(label)),
				 errdetail("The label set has %d labels.", LABEL_SET_SIZE(set))));
	/* |weight| < 2^5, so the weight in units of 2^-52 fits in an int64 */
	int128_add_int64(&state->score[k],
					 (int64) llround(one_coin_weight(skill, LABEL_SET_SIZE(set)) * POSTERIOR_SCALE));
	state->nvotes++;
	PG_RETURN_POINTER(state);
}

/* Aggregate combine function: add the right scores into the left state */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(one_coin_combine);
Datum
one_coin_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "one_coin_combine");
	OneCoinState *s1 = PG_ARGISNULL(0) ? NULL : (OneCoinState *) PG_GETARG_POINTER(0);
	OneCoinState *s2 = PG_ARGISNULL(1) ? NULL : (OneCoinState *) PG_GETARG_POINTER(1);
	int32		i;

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
	{
		/* copy state2's label set into aggcontext: it may be short-lived */
		LabelSet   *set = MemoryContextAlloc(aggcontext, sizeof(LabelSet));

		set->labels = MemoryContextAlloc(aggcontext, VARSIZE(s2->set->labels));
		memcpy(set->labels, s2->set->labels, VARSIZE(s2->set->labels));
		set->src = NULL;
		set->srclen = 0;
		s1 = one_coin_state_create(aggcontext, set);
	}
	else if (!label_set_equal(s1->set, s2->set))
		label_set_mismatch();
	for (i = 0; i < LABEL_SET_SIZE(s1->set); i++)
		int128_add_int128(&s1->score[i], s2->score[i]);
	s1->nvotes += s2->nvotes;
	PG_RETURN_POINTER(s1);
}

/* Aggregate serialize function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(one_coin_serialize);
Datum
one_coin_serialize(PG_FUNCTION_ARGS)
{
	OneCoinState *s = (OneCoinState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int32		i;

	(void) labeling_agg_context(fcinfo, "one_coin_serialize");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, ONE_COIN_FORMAT);
	pq_sendint32(&buf, LABEL_SET_SIZE(s->set));
	for (i = 0; i < LABEL_SET_SIZE(s->set); i++)
	{
		const char *label = LD_LABEL(s->set->labels, i);
		int32		len = strlen(label);

		pq_sendint32(&buf, len);
		pq_sendbytes(&buf, label, len);
	}
	pq_sendint64(&buf, s->nvotes);
	for (i = 0; i < LABEL_SET_SIZE(s->set); i++)
	{
		pq_sendint64(&buf, int128_high(s->score[i]));
		pq_sendint64(&buf, (int64) int128_low(s->score[i]));
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
one_coin_bad_serial(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized one-coin posterior state"),
			 errdetail("%s", what)));
}

/* Aggregate deserialize function; every field is checked */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(one_coin_deserialize);
Datum
one_coin_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	LabelSet   *set;
	LabelMass  *items;
	OneCoinState *s;
	int32		n;
	int32		i;

	(void) labeling_agg_context(fcinfo, "one_coin_deserialize");
	labeling_state_reader(b, &buf, ONE_COIN_FORMAT, "one-coin posterior state");
	n = pq_getmsgint(&buf, 4);
	/* each label takes at least 4 + 16 bytes */
	if (n < 1 || n > LABELING_MAX_LABELS || (Size) n * 20 > (Size) (buf.len - buf.cursor))
		one_coin_bad_serial("Label count out of range.");
	items = palloc(sizeof(LabelMass) * n);
	for (i = 0; i < n; i++)
	{
		int32		len = pq_getmsgint(&buf, 4);

		if (len < 0 || len > buf.len - buf.cursor)
			one_coin_bad_serial("Label length out of range.");
		items[i].label = pq_getmsgbytes(&buf, len);
		items[i].len = len;
		if (memchr(items[i].label, '\0', len) != NULL)
			one_coin_bad_serial("Label contains a zero byte.");
		if (i > 0 && label_cmp(items[i - 1].label, items[i - 1].len, items[i].label, len) >= 0)
			one_coin_bad_serial("Labels are not sorted and distinct.");
	}
	set = label_set_build(items, n, CurrentMemoryContext);
	s = one_coin_state_create(CurrentMemoryContext, set);
	s->nvotes = pq_getmsgint64(&buf);
	if (s->nvotes < 0)
		one_coin_bad_serial("Negative vote count.");
	for (i = 0; i < n; i++)
	{
		int64		hi = pq_getmsgint64(&buf);
		uint64		lo = (uint64) pq_getmsgint64(&buf);

		s->score[i] = int128_from_parts(hi, lo);
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(s);
}

/* Aggregate final function: softmax of the scores; NULL without votes */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(one_coin_finalfn);
Datum
one_coin_finalfn(PG_FUNCTION_ARGS)
{
	OneCoinState *s = PG_ARGISNULL(0) ? NULL : (OneCoinState *) PG_GETARG_POINTER(0);
	const LabelSet *set;
	LabelMass  *items;
	LabelDist  *ld;
	double	   *score;
	double		best;
	int32		n;
	int32		i;

	(void) labeling_agg_context(fcinfo, "one_coin_finalfn");
	if (s == NULL || s->nvotes == 0)
		PG_RETURN_NULL();
	set = s->set;
	n = LABEL_SET_SIZE(set);
	score = palloc(sizeof(double) * n);
	for (i = 0; i < n; i++)
		score[i] = int128_to_double(s->score[i]) / POSTERIOR_SCALE;
	best = score[0];
	for (i = 1; i < n; i++)
		best = Max(best, score[i]);
	items = palloc(sizeof(LabelMass) * n);
	for (i = 0; i < n; i++)
	{
		items[i].label = LD_LABEL(set->labels, i);
		items[i].len = strlen(items[i].label);
		items[i].mass = exp(score[i] - best);
	}
	ld = label_dist_build(items, n, true);
	if (ld == NULL)
		elog(ERROR, "one-coin posterior has no mass");
	PG_RETURN_LABEL_DIST_P(ld);
}

/*
 * Does label agree with the posterior once this one vote (by a worker of
 * accuracy skill) is taken out of it?  The vote multiplied the label's
 * probability by exp(w) before normalising, so the leave-one-out posterior
 * is the posterior with that label's probability divided by exp(w); the
 * vote agrees when its label is still the top label (ties to the smallest
 * label, as everywhere).
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(one_coin_loo_agrees);
Datum
one_coin_loo_agrees(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);
	text	   *label = PG_GETARG_TEXT_PP(1);
	double		skill = PG_GETARG_FLOAT8(2);
	int			l;
	int			best = -1;
	double		pl;
	int			k;

	check_skill(skill);
	l = label_dist_find(ld, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
	if (l < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label \"%.*s\" is not in the posterior",
						(int) VARSIZE_ANY_EXHDR(label), VARDATA_ANY(label))));
	pl = ld->probs[l] * exp(-one_coin_weight(skill, ld->nlabels));
	for (k = 0; k < ld->nlabels; k++)
		if (k != l && (best < 0 || ld->probs[k] > ld->probs[best]))
			best = k;
	if (best < 0)
		PG_RETURN_BOOL(true);	/* a single class: nothing to disagree with */
	PG_RETURN_BOOL(pl > ld->probs[best] || (pl == ld->probs[best] && l < best));
}
