/*-------------------------------------------------------------------------
 *
 * vote_agg.c
 *	  The vote aggregates: vote_dist(label [, weight]) -> label_dist (vote
 *	  shares) and majority_vote(label [, weight]) -> text.
 *
 *	  The transition type is INTERNAL: a pointer to a LabelTally (label ->
 *	  summed weight, vote_tally.c) allocated in the aggregate context, whose
 *	  label texts live in a dictionary shared by the call site.  Both aggregates
 *	  share the transition, combine, serialize and deserialize functions and
 *	  differ only in their final function.  NULL labels and NULL weights are
 *	  skipped; negative, NaN or infinite weights are an error.  Ties in
 *	  majority_vote go to the smallest label in byte order (COLLATE "C").
 *
 * IDENTIFICATION
 *	  src/vote_agg.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "vote_tally.h"
#include "labeling.h"

/* Shared body of the two transition functions. */
static Datum
vote_accum(FunctionCallInfo fcinfo, double weight, const char *caller)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, caller);
	LabelTally *state = PG_ARGISNULL(0) ? NULL : (LabelTally *) PG_GETARG_POINTER(0);
	text	   *label;

	if (PG_ARGISNULL(1))
	{
		/* NULL label: skip the row, keep whatever was accumulated */
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	label = PG_GETARG_TEXT_PP(1);

	if (state == NULL)
		state = label_tally_create(aggcontext, label_tally_dict(fcinfo));
	/* the tally may move when it grows */
	state = label_tally_add(state, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label), weight);
	PG_RETURN_POINTER(state);
}

/* Aggregate transition function: one unweighted vote */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(vote_transfn);
Datum
vote_transfn(PG_FUNCTION_ARGS)
{
	return vote_accum(fcinfo, 1.0, "vote_transfn");
}

/* Aggregate transition function: one weighted vote */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(vote_weighted_transfn);
Datum
vote_weighted_transfn(PG_FUNCTION_ARGS)
{
	double		weight;

	if (PG_ARGISNULL(2))
	{
		/* NULL weight: skip the row like any SQL aggregate skips NULLs */
		(void) labeling_agg_context(fcinfo, "vote_weighted_transfn");
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	weight = PG_GETARG_FLOAT8(2);
	labeling_check_weight(weight);
	return vote_accum(fcinfo, weight, "vote_weighted_transfn");
}

/* Aggregate combine function: add the right tally into the left one */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(vote_combine);
Datum
vote_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "vote_combine");
	LabelTally *s1 = PG_ARGISNULL(0) ? NULL : (LabelTally *) PG_GETARG_POINTER(0);
	LabelTally *s2 = PG_ARGISNULL(1) ? NULL : (LabelTally *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	/* state2 may live in a shorter-lived context: copy it into aggcontext */
	if (s1 == NULL)
		s1 = label_tally_create(aggcontext, label_tally_dict(fcinfo));
	s1 = label_tally_merge(s1, s2);
	PG_RETURN_POINTER(s1);
}

/* Aggregate serialize function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(vote_serialize);
Datum
vote_serialize(PG_FUNCTION_ARGS)
{
	(void) labeling_agg_context(fcinfo, "vote_serialize");
	PG_RETURN_BYTEA_P(label_tally_serialize((LabelTally *) PG_GETARG_POINTER(0)));
}

/* Aggregate deserialize function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(vote_deserialize);
Datum
vote_deserialize(PG_FUNCTION_ARGS)
{
	(void) labeling_agg_context(fcinfo, "vote_deserialize");
	PG_RETURN_POINTER(label_tally_deserialize(PG_GETARG_BYTEA_PP(0),
											  CurrentMemoryContext,
											  label_tally_dict(fcinfo)));
}

/* Final function of vote_dist: the vote shares; NULL without positive votes */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(vote_dist_finalfn);
Datum
vote_dist_finalfn(PG_FUNCTION_ARGS)
{
	LabelTally *state = PG_ARGISNULL(0) ? NULL : (LabelTally *) PG_GETARG_POINTER(0);
	LabelDist  *ld;

	(void) labeling_agg_context(fcinfo, "vote_dist_finalfn");
	if (state == NULL || state->n == 0)
		PG_RETURN_NULL();
	ld = label_dist_build(label_tally_sorted_items(state), state->n, true);
	if (ld == NULL)
		PG_RETURN_NULL();
	PG_RETURN_LABEL_DIST_P(ld);
}

/*
 * Final function of majority_vote: the label with the largest total weight,
 * the smallest label in byte order on a tie; NULL without positive votes.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(majority_vote_finalfn);
Datum
majority_vote_finalfn(PG_FUNCTION_ARGS)
{
	LabelTally *state = PG_ARGISNULL(0) ? NULL : (LabelTally *) PG_GETARG_POINTER(0);
	int32		best = 0;
	int32		i;

	(void) labeling_agg_context(fcinfo, "majority_vote_finalfn");
	if (state == NULL || state->n == 0)
		PG_RETURN_NULL();
	for (i = 1; i < state->n; i++)
	{
		double		w = state->items[i].weight;
		double		wbest = state->items[best].weight;

		if (w > wbest ||
			(w == wbest &&
			 label_cmp(LABEL_TALLY_TEXT(state, i), LABEL_TALLY_TEXTLEN(state, i),
					   LABEL_TALLY_TEXT(state, best), LABEL_TALLY_TEXTLEN(state, best)) < 0))
			best = i;
	}
	if (!(state->items[best].weight > 0.0))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(LABEL_TALLY_TEXT(state, best),
											  LABEL_TALLY_TEXTLEN(state, best)));
}
