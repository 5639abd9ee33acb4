/*-------------------------------------------------------------------------
 *
 * agreement_pairs.c
 *	  A sparse contingency table of two label columns, and the aggregate
 *	  support functions (combine, serialize, deserialize) of the aggregates
 *	  whose state it is: cohen_kappa (agreement_kappa_cohen.c) and worker_class_skill
 *	  (agreement_skill_class.c).
 *
 *	  Both columns share one label KeyMap; each (first, second) pair that
 *	  occurs gets a dense id from a second KeyMap keyed by the two label ids
 *	  packed in an int64, and its row count sits in a parallel array.  Only
 *	  pairs that occur take space, so K labels cost O(pairs seen), not K^2.
 *	  param[] carries aggregate arguments that must be equal in every row
 *	  (worker_class_skill's priors) across parallel workers.
 *
 * IDENTIFICATION
 *	  src/agreement_pairs.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "agreement_pairs.h"
#include "labeling.h"
#include "agreement_skill.h"

/* Serialized format version (first byte). */
#define PAIR_TALLY_FORMAT	1

PairTally *
pair_tally_create(MemoryContext mcxt)
{
	PairTally  *t = MemoryContextAllocZero(mcxt, sizeof(PairTally));

	t->mcxt = mcxt;
	key_map_init(&t->labels, mcxt, KEY_TEXT);
	key_map_init(&t->pairs, mcxt, KEY_INT8);
	t->ccap = 8;
	t->counts = MemoryContextAlloc(mcxt, sizeof(int64) * t->ccap);
	memset(t->small, -1, sizeof(t->small));
	return t;
}

/* Id of a label (interned on first sight). */
int32
pair_tally_label(PairTally *t, text *label)
{
	const char *s = VARDATA_ANY(label);
	int			len = VARSIZE_ANY_EXHDR(label);
	bool		isnew;
	int32		id;

	/* a handful of labels: comparing the bytes beats hashing them */
	for (id = 0; id < t->labels.n && id < PAIR_SMALL; id++)
		if (KEY_MAP_TEXTLEN(&t->labels, id) == len &&
			(len == 0 || (KEY_MAP_TEXT(&t->labels, id)[0] == s[0] &&
						  memcmp(KEY_MAP_TEXT(&t->labels, id), s, len) == 0)))
			return id;
	id = key_map_intern_text(&t->labels, s, len, &isnew);

	if (isnew && t->labels.n > LABELING_MAX_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct labels"),
				 errdetail("At most %d distinct labels are supported.", LABELING_MAX_LABELS)));
	return id;
}

/* Add count rows to the cell (first, second). */
void
pair_tally_add_ids(PairTally *t, int32 first, int32 second, int64 count)
{
	bool		isnew = false;
	int32		pid;

	if (first < PAIR_SMALL && second < PAIR_SMALL && t->small[first][second] >= 0)
		pid = t->small[first][second];
	else
	{
		pid = key_map_intern_int(&t->pairs, ((int64) first << 32) | (int64) second, &isnew);
		if (first < PAIR_SMALL && second < PAIR_SMALL)
			t->small[first][second] = pid;
	}
	if (isnew)
	{
		if (pid >= t->ccap)
		{
			t->ccap *= 2;
			t->counts = repalloc_huge(t->counts, sizeof(int64) * t->ccap);
		}
		t->counts[pid] = 0;
	}
	if (pg_add_s64_overflow(t->counts[pid], count, &t->counts[pid]))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("row count out of range")));
}

/* Add every cell of src into dst (whose labels get new ids as needed). */
void
pair_tally_merge(PairTally *dst, const PairTally *src)
{
	int32	   *idmap = palloc(sizeof(int32) * Max(src->labels.n, 1));
	int32		i;

	skill_merge_priors(&dst->param[0], &dst->param[1], src->param[0], src->param[1]);
	for (i = 0; i < src->labels.n; i++)
	{
		bool		isnew;

		idmap[i] = key_map_intern_text(&dst->labels, KEY_MAP_TEXT(&src->labels, i),
									   KEY_MAP_TEXTLEN(&src->labels, i), &isnew);
	}
	for (i = 0; i < src->pairs.n; i++)
		pair_tally_add_ids(dst, idmap[PAIR_FIRST(src, i)], idmap[PAIR_SECOND(src, i)],
						   src->counts[i]);
	pfree(idmap);
}

/* Aggregate combine function: add the right table into the left one */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(agreement_pairs_combine);
Datum
agreement_pairs_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "agreement_pairs_combine");
	PairTally  *s1 = PG_ARGISNULL(0) ? NULL : (PairTally *) PG_GETARG_POINTER(0);
	PairTally  *s2 = PG_ARGISNULL(1) ? NULL : (PairTally *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	/* state2 may live in a shorter-lived context: copy it into aggcontext */
	if (s1 == NULL)
		s1 = pair_tally_create(aggcontext);
	pair_tally_merge(s1, s2);
	PG_RETURN_POINTER(s1);
}

/*
 * Aggregate serialize function: format byte, the two params, the label map,
 * the cell count, then (first id, second id, count) per cell.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(agreement_pairs_serialize);
Datum
agreement_pairs_serialize(PG_FUNCTION_ARGS)
{
	PairTally  *t;
	StringInfoData buf;
	int32		i;

	(void) labeling_agg_context(fcinfo, "agreement_pairs_serialize");
	t = (PairTally *) PG_GETARG_POINTER(0);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PAIR_TALLY_FORMAT);
	pq_sendfloat8(&buf, t->param[0]);
	pq_sendfloat8(&buf, t->param[1]);
	key_map_serialize(&t->labels, &buf);
	pq_sendint32(&buf, t->pairs.n);
	for (i = 0; i < t->pairs.n; i++)
	{
		pq_sendint32(&buf, PAIR_FIRST(t, i));
		pq_sendint32(&buf, PAIR_SECOND(t, i));
		pq_sendint64(&buf, t->counts[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
pair_tally_corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized contingency table: %s", what)));
}

/* Aggregate deserialize function; every field is checked */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(agreement_pairs_deserialize);
Datum
agreement_pairs_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	StringInfoData buf;
	PairTally  *t;
	int32		npairs;
	int32		i;

	(void) labeling_agg_context(fcinfo, "agreement_pairs_deserialize");
	b = PG_GETARG_BYTEA_PP(0);
	labeling_state_reader(b, &buf, PAIR_TALLY_FORMAT, "agreement pair tally");
	t = pair_tally_create(CurrentMemoryContext);
	t->param[0] = pq_getmsgfloat8(&buf);
	t->param[1] = pq_getmsgfloat8(&buf);
	if (!(t->param[0] >= 0.0 && t->param[1] >= 0.0 &&
		  isfinite(t->param[0]) && isfinite(t->param[1])))
		pair_tally_corrupt("bad parameters");
	key_map_deserialize_into(&t->labels, &buf);
	if (t->labels.n > LABELING_MAX_LABELS)
		pair_tally_corrupt("too many labels");
	npairs = pq_getmsgint(&buf, 4);
	if (npairs < 0 || (Size) npairs * 16 != (Size) (buf.len - buf.cursor))
		pair_tally_corrupt("inconsistent size");
	for (i = 0; i < npairs; i++)
	{
		int32		first = pq_getmsgint(&buf, 4);
		int32		second = pq_getmsgint(&buf, 4);
		int64		count = pq_getmsgint64(&buf);

		if (first < 0 || first >= t->labels.n || second < 0 || second >= t->labels.n)
			pair_tally_corrupt("label id out of range");
		if (count < 1)
			pair_tally_corrupt("bad count");
		pair_tally_add_ids(t, first, second, count);
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(t);
}
