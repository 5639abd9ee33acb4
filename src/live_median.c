/*-------------------------------------------------------------------------
 *
 * live_median.c
 *	  The aggregate median(float8) -> float8, equal to
 *	  percentile_cont(0.5) WITHIN GROUP (ORDER BY x) to the bit, but with an
 *	  internal state that hash aggregation can use: the live triggers
 *	  compute every worker's median time in the same pass as the worker's
 *	  other statistics, instead of sorting all judgments by worker first.
 *
 *	  The state is a growable array of values in the aggregate context;
 *	  combine concatenates, the final function sorts (NaN last, as float8
 *	  ordering does) and interpolates like percentile_cont.
 *
 * IDENTIFICATION
 *	  src/live_median.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "labeling.h"

/* Serialized format version (first byte of median_serialize). */
#define MEDIAN_FORMAT		1

typedef struct MedianState
{
	int64		n;				/* values in use */
	int64		cap;			/* allocated values */
	double	   *values;			/* the values, in arrival order */
} MedianState;

static MedianState *
median_state_create(MemoryContext mcxt, int64 cap)
{
	MedianState *s = MemoryContextAlloc(mcxt, sizeof(MedianState));

	s->n = 0;
	s->cap = Max(cap, 8);
	s->values = MemoryContextAllocHuge(mcxt, sizeof(double) * s->cap);
	return s;
}

/* Make room for extra more values (growth stays in the state's context). */
static void
median_reserve(MedianState *s, int64 extra)
{
	if (s->n + extra <= s->cap)
		return;
	while (s->n + extra > s->cap)
		s->cap *= 2;
	if ((Size) s->cap * sizeof(double) > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many values in one group")));
	s->values = repalloc_huge(s->values, sizeof(double) * s->cap);
}

/* float8 order with NaN after everything, as PostgreSQL sorts float8 */
static int
median_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	if (isnan(x))
		return isnan(y) ? 0 : 1;
	if (isnan(y))
		return -1;
	return (x > y) - (x < y);
}

/* Aggregate transition function: remember one value (NULLs are skipped) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(median_transfn);
Datum
median_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "median_transfn");
	MedianState *s = PG_ARGISNULL(0) ? NULL : (MedianState *) PG_GETARG_POINTER(0);
	MemoryContext old;

	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	old = MemoryContextSwitchTo(aggcontext);
	if (s == NULL)
		s = median_state_create(aggcontext, 8);
	median_reserve(s, 1);
	MemoryContextSwitchTo(old);
	s->values[s->n++] = PG_GETARG_FLOAT8(1);
	PG_RETURN_POINTER(s);
}

/* Aggregate combine function: append the right values to the left state */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(median_combine);
Datum
median_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "median_combine");
	MedianState *s1 = PG_ARGISNULL(0) ? NULL : (MedianState *) PG_GETARG_POINTER(0);
	MedianState *s2 = PG_ARGISNULL(1) ? NULL : (MedianState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	old = MemoryContextSwitchTo(aggcontext);
	if (s1 == NULL)
		s1 = median_state_create(aggcontext, s2->n);
	median_reserve(s1, s2->n);
	MemoryContextSwitchTo(old);
	memcpy(s1->values + s1->n, s2->values, sizeof(double) * s2->n);
	s1->n += s2->n;
	PG_RETURN_POINTER(s1);
}

/* Aggregate serialize function: format byte, count, values */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(median_serialize);
Datum
median_serialize(PG_FUNCTION_ARGS)
{
	MedianState *s = (MedianState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int64		i;

	(void) labeling_agg_context(fcinfo, "median_serialize");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, MEDIAN_FORMAT);
	pq_sendint64(&buf, s->n);
	for (i = 0; i < s->n; i++)
		pq_sendfloat8(&buf, s->values[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Aggregate deserialize function; the count must match the length */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(median_deserialize);
Datum
median_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	MedianState *s;
	int64		n;
	int64		i;

	(void) labeling_agg_context(fcinfo, "median_deserialize");
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (pq_getmsgbyte(&buf) != MEDIAN_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported serialized median state format")));
	n = pq_getmsgint64(&buf);
	if (n < 0 || (buf.len - buf.cursor) % sizeof(double) != 0 ||
		n != (buf.len - buf.cursor) / (int64) sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("serialized median state has inconsistent size")));
	s = median_state_create(CurrentMemoryContext, n);
	for (i = 0; i < n; i++)
		s->values[i] = pq_getmsgfloat8(&buf);
	s->n = n;
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(s);
}

/*
 * Aggregate final function: the middle value, or between the two middle
 * values lo + (hi - lo) / 2 exactly as percentile_cont(0.5) computes it;
 * NULL without values.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(median_finalfn);
Datum
median_finalfn(PG_FUNCTION_ARGS)
{
	MedianState *s = PG_ARGISNULL(0) ? NULL : (MedianState *) PG_GETARG_POINTER(0);
	double	   *v;
	int64		k;
	double		lo;
	double		hi;

	(void) labeling_agg_context(fcinfo, "median_finalfn");
	if (s == NULL || s->n == 0)
		PG_RETURN_NULL();
	/* sort a copy: the state belongs to the aggregate */
	v = palloc_extended(sizeof(double) * s->n, MCXT_ALLOC_HUGE);
	memcpy(v, s->values, sizeof(double) * s->n);
	qsort(v, s->n, sizeof(double), median_cmp);
	k = (s->n - 1) / 2;
	lo = v[k];
	if (s->n % 2 == 1)
		PG_RETURN_FLOAT8(lo);
	hi = v[k + 1];
	PG_RETURN_FLOAT8(lo + (hi - lo) * 0.5);
}
