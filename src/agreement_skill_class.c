/*-------------------------------------------------------------------------
 *
 * agreement_skill_class.c
 *	  worker_class_skill(label, golden_label [, prior_correct, prior_wrong])
 *	  -> jsonb: a worker's skill per golden class, for workers who are good
 *	  on one class and bad on another.
 *
 *	  The state is a contingency table golden label x answer
 *	  (agreement_pairs.c).  The result has one key per golden class:
 *
 *	    {"cat": {"n_answered": 10, "n_correct": 8, "accuracy": 0.8,
 *	             "posterior_mean": 0.75, "lower_bound": 0.4822...,
 *	             "upper_bound": 0.9398..., "answers": {"cat": 8, "dog": 2}}}
 *
 *	  i.e. the worker's recall on that class with its Beta-Binomial
 *	  posterior (agreement_skill.c, same priors and bounds), plus the row of
 *	  the confusion matrix: what the worker answered when the gold was that
 *	  class.  Rows with a NULL label or golden label are skipped.  Numbers
 *	  are written in the shortest form that reads back to the same double.
 *
 * IDENTIFICATION
 *	  src/agreement_skill_class.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "agreement_pairs.h"
#include "labeling.h"
#include "agreement_skill.h"

/* Shared body of the two transition functions. */
static Datum
class_skill_accum(FunctionCallInfo fcinfo, bool with_priors, const char *caller)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, caller);
	PairTally  *state = PG_ARGISNULL(0) ? NULL : (PairTally *) PG_GETARG_POINTER(0);
	double		pc = 0.0;
	double		pw = 0.0;
	int32		gold;
	int32		answer;

	if (with_priors)
		skill_check_priors(fcinfo, 3, &pc, &pw);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		/* no answer or no gold: skip the row */
		if (state == NULL)
			PG_RETURN_NULL();
		skill_merge_priors(&state->param[0], &state->param[1], pc, pw);
		PG_RETURN_POINTER(state);
	}
	if (state == NULL)
		state = pair_tally_create(aggcontext);
	skill_merge_priors(&state->param[0], &state->param[1], pc, pw);
	answer = pair_tally_label(state, PG_GETARG_TEXT_PP(1));
	gold = pair_tally_label(state, PG_GETARG_TEXT_PP(2));
	pair_tally_add_ids(state, gold, answer, 1);
	PG_RETURN_POINTER(state);
}

/* Aggregate transition function: one answer against its golden label */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_class_skill_transfn);
Datum
worker_class_skill_transfn(PG_FUNCTION_ARGS)
{
	return class_skill_accum(fcinfo, false, "worker_class_skill_transfn");
}

/* Aggregate transition function: the same, with a Beta prior */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_class_skill_prior_transfn);
Datum
worker_class_skill_prior_transfn(PG_FUNCTION_ARGS)
{
	return class_skill_accum(fcinfo, true, "worker_class_skill_prior_transfn");
}

/* Sort support: pair ids by (rank of golden label, rank of answer). */
static const PairTally *sort_tally;
static const int32 *sort_rank;

static int
pair_rank_cmp(const void *a, const void *b)
{
	int32		pa = *(const int32 *) a;
	int32		pb = *(const int32 *) b;
	int32		fa = sort_rank[PAIR_FIRST(sort_tally, pa)];
	int32		fb = sort_rank[PAIR_FIRST(sort_tally, pb)];

	if (fa != fb)
		return (fa > fb) - (fa < fb);
	fa = sort_rank[PAIR_SECOND(sort_tally, pa)];
	fb = sort_rank[PAIR_SECOND(sort_tally, pb)];
	return (fa > fb) - (fa < fb);
}

static void
append_label(StringInfo buf, const PairTally *t, int32 id)
{
	char	   *s = pnstrdup(KEY_MAP_TEXT(&t->labels, id), KEY_MAP_TEXTLEN(&t->labels, id));

	escape_json(buf, s);
	pfree(s);
}

/* Aggregate final function: the per-class jsonb; NULL when no row counted */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_class_skill_finalfn);
Datum
worker_class_skill_finalfn(PG_FUNCTION_ARGS)
{
	PairTally  *t = PG_ARGISNULL(0) ? NULL : (PairTally *) PG_GETARG_POINTER(0);
	double		prior_c;
	double		prior_w;
	int32	   *sorted;
	int32	   *rank;
	int32	   *order;
	int32		i;
	int32		start;
	StringInfoData buf;

	(void) labeling_agg_context(fcinfo, "worker_class_skill_finalfn");
	if (t == NULL || t->pairs.n == 0)
		PG_RETURN_NULL();
	prior_c = t->param[0] > 0.0 ? t->param[0] : 1.0;
	prior_w = t->param[1] > 0.0 ? t->param[1] : 1.0;

	/* rank of every label in byte order, then the cells in that order */
	sorted = key_map_sorted_ids(&t->labels);
	rank = palloc(sizeof(int32) * t->labels.n);
	for (i = 0; i < t->labels.n; i++)
		rank[sorted[i]] = i;
	order = palloc(sizeof(int32) * t->pairs.n);
	for (i = 0; i < t->pairs.n; i++)
		order[i] = i;
	sort_tally = t;
	sort_rank = rank;
	qsort(order, t->pairs.n, sizeof(int32), pair_rank_cmp);
	sort_tally = NULL;
	sort_rank = NULL;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (start = 0; start < t->pairs.n;)
	{
		int32		gold = PAIR_FIRST(t, order[start]);
		int32		end = start;
		double		n = 0.0;
		double		correct = 0.0;
		SkillEstimate est;

		while (end < t->pairs.n && PAIR_FIRST(t, order[end]) == gold)
		{
			n += (double) t->counts[order[end]];
			if (PAIR_SECOND(t, order[end]) == gold)
				correct += (double) t->counts[order[end]];
			end++;
		}
		skill_estimate_compute(n, correct, prior_c, prior_w, &est);

		if (start > 0)
			appendStringInfoString(&buf, ", ");
		append_label(&buf, t, gold);
		appendStringInfo(&buf, ": {\"n_answered\": %.0f, \"n_correct\": %.0f, \"accuracy\": ",
						 n, correct);
		labeling_append_double(&buf, est.accuracy);
		appendStringInfoString(&buf, ", \"posterior_mean\": ");
		labeling_append_double(&buf, est.posterior_mean);
		appendStringInfoString(&buf, ", \"lower_bound\": ");
		labeling_append_double(&buf, est.lower_bound);
		appendStringInfoString(&buf, ", \"upper_bound\": ");
		labeling_append_double(&buf, est.upper_bound);
		appendStringInfoString(&buf, ", \"answers\": {");
		for (i = start; i < end; i++)
		{
			if (i > start)
				appendStringInfoString(&buf, ", ");
			append_label(&buf, t, PAIR_SECOND(t, order[i]));
			appendStringInfo(&buf, ": " INT64_FORMAT, t->counts[order[i]]);
		}
		appendStringInfoString(&buf, "}}");
		start = end;
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
