/*-------------------------------------------------------------------------
 *
 * truth_model_final.c
 *	  The final functions of dawid_skene_agg, one_coin_agg, glad_agg and
 *	  wawa_agg: resolve the settings, build the dense problem, fit, and
 *	  return the model.
 *
 *	  All fitting happens here, in a temporary memory context that is
 *	  deleted before returning; the aggregate state is only read, so the
 *	  final function may run more than once on the same state (window
 *	  aggregates).  No judgments (or only skipped rows) give NULL.
 *
 * IDENTIFICATION
 *	  src/truth_model_final.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "truth_model.h"

static Datum
truth_final(FunctionCallInfo fcinfo, TruthMethod method, const char *caller)
{
	const TruthState *state;
	TruthSettings settings;
	MemoryContext fitcxt;
	MemoryContext oldcxt;
	TruthData  *d;
	TruthFit   *fit = NULL;
	TruthModel *model;

	(void) labeling_agg_context(fcinfo, caller);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (const TruthState *) PG_GETARG_POINTER(0);
	if (state->n == 0)
		PG_RETURN_NULL();
	truth_settings_resolve(state, method, &settings);

	fitcxt = AllocSetContextCreate(CurrentMemoryContext, "truth inference fit",
								   ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(fitcxt);
	d = truth_data_build(state);
	switch (method)
	{
		case TRUTH_DAWID_SKENE:
			fit = dawid_skene_fit(d, &settings);
			break;
		case TRUTH_ONE_COIN:
			fit = one_coin_fit(d, &settings);
			break;
		case TRUTH_GLAD:
			fit = glad_fit(d, &settings);
			break;
		case TRUTH_WAWA:
			fit = wawa_fit(d, &settings);
			break;
	}
	MemoryContextSwitchTo(oldcxt);
	model = truth_model_from_fit(d, fit, &settings);
	MemoryContextDelete(fitcxt);
	PG_RETURN_POINTER(model);
}

/* Final function of dawid_skene_agg */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_dawid_skene_finalfn);
Datum
truth_dawid_skene_finalfn(PG_FUNCTION_ARGS)
{
	return truth_final(fcinfo, TRUTH_DAWID_SKENE, "truth_dawid_skene_finalfn");
}

/* Final function of one_coin_agg */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_one_coin_finalfn);
Datum
truth_one_coin_finalfn(PG_FUNCTION_ARGS)
{
	return truth_final(fcinfo, TRUTH_ONE_COIN, "truth_one_coin_finalfn");
}

/* Final function of glad_agg */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_glad_finalfn);
Datum
truth_glad_finalfn(PG_FUNCTION_ARGS)
{
	return truth_final(fcinfo, TRUTH_GLAD, "truth_glad_finalfn");
}

/* Final function of wawa_agg */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_wawa_finalfn);
Datum
truth_wawa_finalfn(PG_FUNCTION_ARGS)
{
	return truth_final(fcinfo, TRUTH_WAWA, "truth_wawa_finalfn");
}
