/*-------------------------------------------------------------------------
 *
 * live_repeat.c
 *	  The aggregate repeated_key(bigint) -> bigint: the smallest key that
 *	  occurs more than once in the group, or NULL when every key is
 *	  distinct.  The live triggers use it per task over worker ids, in the
 *	  pass that recomputes the task's posterior, to enforce one judgment per
 *	  worker and task without a separate grouping of all new judgments.
 *	  The state and its combine/serialize/deserialize functions are shared
 *	  with median (live_values.c); the final function sorts and scans.
 *
 * IDENTIFICATION
 *	  src/live_repeat.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "labeling.h"
#include "live_values.h"

static int
int64_bits_cmp(const void *a, const void *b)
{
	int64		x = (int64) *(const uint64 *) a;
	int64		y = (int64) *(const uint64 *) b;

	return (x > y) - (x < y);
}

/* Aggregate transition function: remember one key (NULL keys are skipped) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(repeated_key_transfn);
Datum
repeated_key_transfn(PG_FUNCTION_ARGS)
{
	return live_values_accum(fcinfo, "repeated_key_transfn",
							 PG_ARGISNULL(1) ? 0 : (uint64) PG_GETARG_INT64(1));
}

/* Aggregate final function: the smallest repeated key, or NULL */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(repeated_key_finalfn);
Datum
repeated_key_finalfn(PG_FUNCTION_ARGS)
{
	LiveValues *s = PG_ARGISNULL(0) ? NULL : (LiveValues *) PG_GETARG_POINTER(0);
	uint64	   *v;
	int64		i;

	(void) labeling_agg_context(fcinfo, "repeated_key_finalfn");
	if (s == NULL || s->n < 2)
		PG_RETURN_NULL();
	v = live_values_sorted(s, int64_bits_cmp);
	for (i = 1; i < s->n; i++)
		if (v[i] == v[i - 1])
			PG_RETURN_INT64((int64) v[i]);
	PG_RETURN_NULL();
}
