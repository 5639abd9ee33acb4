/*-------------------------------------------------------------------------
 *
 * labeling.c
 *	  Module entry point of the labeling extension (module magic) and the
 *	  small helpers shared by every aggregate's support functions.
 *
 * IDENTIFICATION
 *	  src/labeling.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "labeling.h"

#if PG_VERSION_NUM >= 180000
PG_MODULE_MAGIC_EXT(.name = "labeling",.version = LABELING_VERSION);
#else
PG_MODULE_MAGIC;
#endif

/*
 * The aggregate memory context of the current call, or an error when a
 * support function taking "internal" is called outside an aggregate.
 */
MemoryContext
labeling_agg_context(FunctionCallInfo fcinfo, const char *caller)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context", caller);
	return aggcontext;
}

/* A vote weight must be finite and not negative. */
void
labeling_check_weight(double weight)
{
	if (isnan(weight) || isinf(weight))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("vote weight must be finite"),
				 errdetail("Got %g.", weight)));
	if (weight < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vote weight must not be negative"),
				 errdetail("Got %g.", weight),
				 errhint("Use 0 to give a vote no weight.")));
}
