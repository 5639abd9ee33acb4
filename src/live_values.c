/*-------------------------------------------------------------------------
 *
 * live_values.c
 *	  The state shared by the float8_median(float8) and repeated_key(bigint)
 *	  aggregates: a growable array of 8-byte values in the aggregate
 *	  context.  The transition step (live_values_accum) skips NULLs; the
 *	  combine, serialize and deserialize functions here serve both
 *	  aggregates (combine concatenates; deserialize checks that the count
 *	  matches the length).  Each aggregate sorts a copy in its own final
 *	  function (live_median.c, live_repeat.c).
 *
 * IDENTIFICATION
 *	  src/live_values.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "labeling.h"
#include "live_values.h"

/* Serialized format version (first byte of live_values_serialize). */
#define LIVE_VALUES_FORMAT		1

static LiveValues *
live_values_create(MemoryContext mcxt, int64 cap)
{
	LiveValues *s = MemoryContextAlloc(mcxt, sizeof(LiveValues));

	s->n = 0;
	s->cap = Max(cap, 8);
	s->v = MemoryContextAllocHuge(mcxt, sizeof(uint64) * s->cap);
	return s;
}

/* Make room for extra more values; growth stays in the array's context. */
static void
live_values_reserve(LiveValues *s, int64 extra)
{
	if (s->n + extra <= s->cap)
		return;
	while (s->n + extra > s->cap)
		s->cap *= 2;
	if ((Size) s->cap * sizeof(uint64) > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many values in one group")));
	s->v = repalloc_huge(s->v, sizeof(uint64) * s->cap);
}

/*
 * The body of a transition function (state, value): append word unless the
 * value argument is NULL, creating the state in the aggregate context.
 */
Datum
live_values_accum(FunctionCallInfo fcinfo, const char *caller, uint64 word)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, caller);
	LiveValues *s = PG_ARGISNULL(0) ? NULL : (LiveValues *) PG_GETARG_POINTER(0);

	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	if (s == NULL)
		s = live_values_create(aggcontext, 8);
	live_values_reserve(s, 1);
	s->v[s->n++] = word;
	PG_RETURN_POINTER(s);
}

/* A sorted copy of the values in CurrentMemoryContext (the state stays as it is). */
uint64 *
live_values_sorted(const LiveValues *s, int (*cmp) (const void *, const void *))
{
	uint64	   *copy = palloc_extended(sizeof(uint64) * Max(s->n, 1), MCXT_ALLOC_HUGE);

	memcpy(copy, s->v, sizeof(uint64) * s->n);
	qsort(copy, s->n, sizeof(uint64), cmp);
	return copy;
}

/* Aggregate combine function: append the right values to the left state */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(live_values_combine);
Datum
live_values_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "live_values_combine");
	LiveValues *s1 = PG_ARGISNULL(0) ? NULL : (LiveValues *) PG_GETARG_POINTER(0);
	LiveValues *s2 = PG_ARGISNULL(1) ? NULL : (LiveValues *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
		s1 = live_values_create(aggcontext, s2->n);
	live_values_reserve(s1, s2->n);
	memcpy(s1->v + s1->n, s2->v, sizeof(uint64) * s2->n);
	s1->n += s2->n;
	PG_RETURN_POINTER(s1);
}

/* Aggregate serialize function: format byte, count, values */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(live_values_serialize);
Datum
live_values_serialize(PG_FUNCTION_ARGS)
{
	LiveValues *s = (LiveValues *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int64		i;

	(void) labeling_agg_context(fcinfo, "live_values_serialize");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, LIVE_VALUES_FORMAT);
	pq_sendint64(&buf, s->n);
	for (i = 0; i < s->n; i++)
		pq_sendint64(&buf, (int64) s->v[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Aggregate deserialize function; the count must match the length */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(live_values_deserialize);
Datum
live_values_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	LiveValues *s;
	int64		n;
	int64		i;

	(void) labeling_agg_context(fcinfo, "live_values_deserialize");
	labeling_state_reader(b, &buf, LIVE_VALUES_FORMAT, "value list");
	n = pq_getmsgint64(&buf);
	if (n < 0 || (buf.len - buf.cursor) % sizeof(uint64) != 0 ||
		n != (buf.len - buf.cursor) / (int64) sizeof(uint64))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("serialized value list has inconsistent size")));
	s = live_values_create(CurrentMemoryContext, n);
	for (i = 0; i < n; i++)
		s->v[i] = (uint64) pq_getmsgint64(&buf);
	s->n = n;
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(s);
}
