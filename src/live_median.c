/*-------------------------------------------------------------------------
 *
 * live_median.c
 *	  The aggregate float8_median(float8) -> float8, equal to
 *	  percentile_cont(0.5) WITHIN GROUP (ORDER BY x) to the bit, but with an
 *	  internal state that hash aggregation can use: the live triggers
 *	  compute every worker's median time in the same pass as the worker's
 *	  other statistics, instead of sorting all judgments by worker first.
 *	  The state and its combine/serialize/deserialize functions are shared
 *	  with repeated_key (live_values.c); the final function sorts (NaN last,
 *	  as float8 ordering does) and interpolates like percentile_cont.
 *
 * IDENTIFICATION
 *	  src/live_median.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "labeling.h"
#include "live_values.h"

static inline double
bits_to_float8(uint64 w)
{
	double		d;

	memcpy(&d, &w, sizeof(d));
	return d;
}

/* float8 order with NaN after everything, as PostgreSQL sorts float8 */
static int
median_cmp(const void *a, const void *b)
{
	double		x = bits_to_float8(*(const uint64 *) a);
	double		y = bits_to_float8(*(const uint64 *) b);

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
	double		x = PG_ARGISNULL(1) ? 0.0 : PG_GETARG_FLOAT8(1);
	uint64		w;

	memcpy(&w, &x, sizeof(w));
	return live_values_accum(fcinfo, "median_transfn", w);
}

/*
 * Aggregate final function: the middle value, or between the two middle
 * values lo + (hi - lo) * 0.5 exactly as percentile_cont(0.5) computes it;
 * NULL without values.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(median_finalfn);
Datum
median_finalfn(PG_FUNCTION_ARGS)
{
	LiveValues *s = PG_ARGISNULL(0) ? NULL : (LiveValues *) PG_GETARG_POINTER(0);
	uint64	   *v;
	int64		k;
	double		lo;
	double		hi;

	(void) labeling_agg_context(fcinfo, "median_finalfn");
	if (s == NULL || s->n == 0)
		PG_RETURN_NULL();
	v = live_values_sorted(s, median_cmp);
	k = (s->n - 1) / 2;
	lo = bits_to_float8(v[k]);
	if (s->n % 2 == 1)
		PG_RETURN_FLOAT8(lo);
	hi = bits_to_float8(v[k + 1]);
	PG_RETURN_FLOAT8(lo + (hi - lo) * 0.5);
}
