/*-------------------------------------------------------------------------
 *
 * agreement_kappa_cohen.c
 *	  cohen_kappa(label_a, label_b): Cohen's (1960) kappa between two raters
 *	  who labeled the same items, one row per item.
 *
 *	  kappa = (p_o - p_e) / (1 - p_e) with p_o the share of rows where the
 *	  two labels are equal and p_e = sum_k (row_k / n)(col_k / n) the
 *	  agreement expected from the two raters' own label frequencies,
 *	  computed as (n agree - sum_k row_k col_k) / (n^2 - sum_k row_k col_k)
 *	  from exact integer sums (exact below 2^53), so 0.4 comes out as 0.4.  The
 *	  state is a contingency table (agreement_pairs.c), so the aggregate is
 *	  linear in rows and parallel-safe.  Rows with a NULL on either side are
 *	  skipped; no rows, or p_e = 1 (both raters always gave the same single
 *	  label, so kappa is 0/0), give NULL.
 *
 * IDENTIFICATION
 *	  src/agreement_kappa_cohen.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "agreement_pairs.h"
#include "labeling.h"

/* Aggregate transition function: one item labeled by both raters */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(cohen_kappa_transfn);
Datum
cohen_kappa_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "cohen_kappa_transfn");
	PairTally  *state = PG_ARGISNULL(0) ? NULL : (PairTally *) PG_GETARG_POINTER(0);
	int32		a;
	int32		b;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		/* only one rater answered: not a pair, skip the row */
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	if (state == NULL)
		state = pair_tally_create(aggcontext);
	a = pair_tally_label(state, PG_GETARG_TEXT_PP(1));
	b = pair_tally_label(state, PG_GETARG_TEXT_PP(2));
	pair_tally_add_ids(state, a, b, 1);
	PG_RETURN_POINTER(state);
}

/* Aggregate final function: kappa, or NULL when undefined */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(cohen_kappa_finalfn);
Datum
cohen_kappa_finalfn(PG_FUNCTION_ARGS)
{
	PairTally  *t = PG_ARGISNULL(0) ? NULL : (PairTally *) PG_GETARG_POINTER(0);
	double	   *rows;
	double	   *cols;
	double		n = 0.0;
	double		agree = 0.0;
	double		expected = 0.0;
	int32		i;

	(void) labeling_agg_context(fcinfo, "cohen_kappa_finalfn");
	if (t == NULL || t->pairs.n == 0)
		PG_RETURN_NULL();
	rows = palloc0(sizeof(double) * t->labels.n);
	cols = palloc0(sizeof(double) * t->labels.n);
	/* counts are integers: these sums are exact below 2^53 rows */
	for (i = 0; i < t->pairs.n; i++)
	{
		double		c = (double) t->counts[i];

		n += c;
		rows[PAIR_FIRST(t, i)] += c;
		cols[PAIR_SECOND(t, i)] += c;
		if (PAIR_FIRST(t, i) == PAIR_SECOND(t, i))
			agree += c;
	}
	for (i = 0; i < t->labels.n; i++)
		expected += rows[i] * cols[i];
	/* expected == n^2 exactly when both raters used one and the same label */
	if (expected >= n * n)
		PG_RETURN_NULL();
	/* (p_o - p_e) / (1 - p_e) times n^2 / n^2: integers, one rounding */
	PG_RETURN_FLOAT8((n * agree - expected) / (n * n - expected));
}
