/*-------------------------------------------------------------------------
 *
 * agreement_kappa_fleiss.c
 *	  fleiss_kappa(unit, label): Fleiss' kappa for any number of raters per
 *	  unit.
 *
 *	  Fleiss (1971) assumes the same number of raters on every unit.  With a
 *	  varying number we use the generalisation of K. L. Gwet, Handbook of
 *	  Inter-Rater Reliability (4th ed., 2014), "Fleiss' generalized kappa"
 *	  (also irrCAC's fleiss.kappa.raw), over the units with r_u >= 2 ratings:
 *
 *	    p_a = 1/n' sum_u sum_k r_uk (r_uk - 1) / (r_u (r_u - 1))
 *	    pi_k = 1/n' sum_u r_uk / r_u
 *	    p_e = sum_k pi_k^2,     kappa = (p_a - p_e) / (1 - p_e)
 *
 *	  n' is the number of such units.  Every unit weighs the same (a unit
 *	  with 20 ratings does not count 10 times one with 2), and with a
 *	  constant number of raters this is exactly Fleiss (1971).  Units rated
 *	  once carry no agreement and are dropped from both terms (Gwet keeps
 *	  them in pi_k; the two agree when every unit has two ratings or more).
 *	  NULL units or labels are skipped; no unit with two ratings, or
 *	  p_e = 1 (a single label in use), gives NULL.  The state is the
 *	  per-unit label counts shared with krippendorff_alpha.
 *
 * IDENTIFICATION
 *	  src/agreement_kappa_fleiss.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "agreement_units.h"
#include "labeling.h"

/* Aggregate transition function: one rating of a unit */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(fleiss_kappa_transfn);
Datum
fleiss_kappa_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "fleiss_kappa_transfn");
	UnitTally  *state = PG_ARGISNULL(0) ? NULL : (UnitTally *) PG_GETARG_POINTER(0);
	int32		value;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		/* missing unit or label: skip the row */
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	if (state == NULL)
		state = unit_tally_create(aggcontext, key_kind_of_arg(fcinfo, 1, "unit"),
								  KEY_TEXT, METRIC_NONE);
	value = unit_tally_text_value(state, PG_GETARG_TEXT_PP(2));
	unit_tally_add_row(state, PG_GETARG_DATUM(1), value);
	PG_RETURN_POINTER(state);
}

/* Aggregate final function: kappa, or NULL when it is undefined */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(fleiss_kappa_finalfn);
Datum
fleiss_kappa_finalfn(PG_FUNCTION_ARGS)
{
	UnitTally  *t = PG_ARGISNULL(0) ? NULL : (UnitTally *) PG_GETARG_POINTER(0);
	CompSum		agree = {0.0, 0.0};
	CompSum    *share;
	double		units = 0.0;
	double		p_a;
	double		p_e = 0.0;
	UnitIter	it;
	const UnitEntry *cells;
	int64		nc;
	int64		c;

	(void) labeling_agg_context(fcinfo, "fleiss_kappa_finalfn");
	if (t == NULL)
		PG_RETURN_NULL();
	unit_tally_finish(t);
	share = palloc0(sizeof(CompSum) * Max(t->values.n, 1));
	unit_iter_init(&it, t);
	while (unit_iter_next(&it, &cells, &nc))
	{
		double		r = 0.0;
		double		pairs = 0.0;

		for (c = 0; c < nc; c++)
			r += (double) cells[c].count;
		if (r < 2.0)
			continue;
		units += 1.0;
		for (c = 0; c < nc; c++)
		{
			double		x = (double) cells[c].count;

			pairs += x * (x - 1.0);
			comp_sum_add(&share[cells[c].value], x / r);
		}
		comp_sum_add(&agree, pairs / (r * (r - 1.0)));
	}
	if (units == 0.0)
		PG_RETURN_NULL();
	p_a = comp_sum_value(&agree) / units;
	for (c = 0; c < t->values.n; c++)
	{
		double		pi = comp_sum_value(&share[c]) / units;

		p_e += pi * pi;
	}
	if (!(p_e < 1.0))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((p_a - p_e) / (1.0 - p_e));
}
