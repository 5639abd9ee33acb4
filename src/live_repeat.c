/*-------------------------------------------------------------------------
 *
 * live_repeat.c
 *	  The aggregate repeated_key(bigint) -> bigint: the smallest key that
 *	  occurs more than once in the group, or NULL when every key is
 *	  distinct.  The live triggers use it per task over worker ids, in the
 *	  pass that recomputes the task's posterior, to enforce one judgment per
 *	  worker and task without a separate grouping of all new judgments.
 *
 *	  The state is a growable array of keys in the aggregate context;
 *	  combine concatenates, the final function sorts and scans.  Groups are
 *	  small (the judgments of one task), so this is cheap.
 *
 * IDENTIFICATION
 *	  src/live_repeat.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "labeling.h"

/* Serialized format version (first byte of repeated_key_serialize). */
#define REPEATED_KEY_FORMAT		1

typedef struct RepeatedKeyState
{
	int64		n;				/* keys in use */
	int64		cap;			/* allocated keys */
	int64	   *keys;			/* the keys, in arrival order */
} RepeatedKeyState;

static RepeatedKeyState *
repeated_key_state_create(MemoryContext mcxt, int64 cap)
{
	RepeatedKeyState *s = MemoryContextAlloc(mcxt, sizeof(RepeatedKeyState));

	s->n = 0;
	s->cap = Max(cap, 8);
	s->keys = MemoryContextAlloc(mcxt, sizeof(int64) * s->cap);
	return s;
}

/* Make room for extra more keys (growth happens in the state's context). */
static void
repeated_key_reserve(RepeatedKeyState *s, int64 extra)
{
	if (s->n + extra <= s->cap)
		return;
	while (s->n + extra > s->cap)
		s->cap *= 2;
	if ((Size) s->cap * sizeof(int64) > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many keys in one group")));
	s->keys = repalloc_huge(s->keys, sizeof(int64) * s->cap);
}

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* Aggregate transition function: remember one key (NULL keys are skipped) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(repeated_key_transfn);
Datum
repeated_key_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "repeated_key_transfn");
	RepeatedKeyState *s = PG_ARGISNULL(0) ? NULL : (RepeatedKeyState *) PG_GETARG_POINTER(0);
	MemoryContext old;

	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	old = MemoryContextSwitchTo(aggcontext);
	if (s == NULL)
		s = repeated_key_state_create(aggcontext, 8);
	repeated_key_reserve(s, 1);
	MemoryContextSwitchTo(old);
	s->keys[s->n++] = PG_GETARG_INT64(1);
	PG_RETURN_POINTER(s);
}

/* Aggregate combine function: append the right keys to the left state */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(repeated_key_combine);
Datum
repeated_key_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "repeated_key_combine");
	RepeatedKeyState *s1 = PG_ARGISNULL(0) ? NULL : (RepeatedKeyState *) PG_GETARG_POINTER(0);
	RepeatedKeyState *s2 = PG_ARGISNULL(1) ? NULL : (RepeatedKeyState *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	old = MemoryContextSwitchTo(aggcontext);
	if (s1 == NULL)
		s1 = repeated_key_state_create(aggcontext, s2->n);
	repeated_key_reserve(s1, s2->n);
	MemoryContextSwitchTo(old);
	memcpy(s1->keys + s1->n, s2->keys, sizeof(int64) * s2->n);
	s1->n += s2->n;
	PG_RETURN_POINTER(s1);
}

/* Aggregate serialize function: format byte, count, keys */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(repeated_key_serialize);
Datum
repeated_key_serialize(PG_FUNCTION_ARGS)
{
	RepeatedKeyState *s = (RepeatedKeyState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int64		i;

	(void) labeling_agg_context(fcinfo, "repeated_key_serialize");
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, REPEATED_KEY_FORMAT);
	pq_sendint64(&buf, s->n);
	for (i = 0; i < s->n; i++)
		pq_sendint64(&buf, s->keys[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Aggregate deserialize function; the count must match the length */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(repeated_key_deserialize);
Datum
repeated_key_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	RepeatedKeyState *s;
	int64		n;
	int64		i;

	(void) labeling_agg_context(fcinfo, "repeated_key_deserialize");
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (pq_getmsgbyte(&buf) != REPEATED_KEY_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported serialized repeated_key state format")));
	n = pq_getmsgint64(&buf);
	if (n < 0 || n != (buf.len - buf.cursor) / (int64) sizeof(int64) ||
		(buf.len - buf.cursor) % sizeof(int64) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("serialized repeated_key state has inconsistent size")));
	s = repeated_key_state_create(CurrentMemoryContext, n);
	for (i = 0; i < n; i++)
		s->keys[i] = pq_getmsgint64(&buf);
	s->n = n;
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(s);
}

/* Aggregate final function: the smallest repeated key, or NULL */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(repeated_key_finalfn);
Datum
repeated_key_finalfn(PG_FUNCTION_ARGS)
{
	RepeatedKeyState *s = PG_ARGISNULL(0) ? NULL : (RepeatedKeyState *) PG_GETARG_POINTER(0);
	int64	   *keys;
	int64		i;

	(void) labeling_agg_context(fcinfo, "repeated_key_finalfn");
	if (s == NULL || s->n < 2)
		PG_RETURN_NULL();
	/* sort a copy: the state belongs to the aggregate */
	keys = palloc_extended(sizeof(int64) * s->n, MCXT_ALLOC_HUGE);
	memcpy(keys, s->keys, sizeof(int64) * s->n);
	qsort(keys, s->n, sizeof(int64), int64_cmp);
	for (i = 1; i < s->n; i++)
		if (keys[i] == keys[i - 1])
			PG_RETURN_INT64(keys[i]);
	PG_RETURN_NULL();
}
