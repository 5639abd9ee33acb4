/*-------------------------------------------------------------------------
 *
 * agreement_skill.c
 *	  worker_skill(label, golden_label [, prior_correct, prior_wrong]) and
 *	  worker_skill(is_correct [, prior_correct, prior_wrong]): a worker's
 *	  accuracy on golden tasks as a Beta-Binomial posterior, returned as the
 *	  composite type skill_estimate (n_answered, n_correct, accuracy,
 *	  posterior_mean, lower_bound, upper_bound).
 *
 *	  With a Beta(prior_correct, prior_wrong) prior (default Beta(1, 1)) and
 *	  c correct answers out of n, the posterior is Beta(c + prior_correct,
 *	  n - c + prior_wrong); the bounds are its exact 2.5% and 97.5%
 *	  quantiles (beta_dist.c).  The lower bound is the one to rank or ban
 *	  by: it grows with the evidence, so 1 of 1 correct (0.158) stays far
 *	  below 95 of 100 (0.888).
 *
 *	  The state is a float8[4] {n_answered, n_correct, prior_correct,
 *	  prior_wrong}, updated in place in the aggregate context and checked
 *	  on every call (a transition function over a SQL type can be called
 *	  directly with a hand-made array).  Priors of 0 in the state mean "not
 *	  given yet"; given priors must be the same in every row.  Rows with a
 *	  NULL label or golden label are skipped; a NULL prior is an error.
 *
 * IDENTIFICATION
 *	  src/agreement_skill.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "beta_dist.h"
#include "labeling.h"
#include "agreement_skill.h"

#define SKILL_STATE_LEN		4
#define SKILL_N				0
#define SKILL_CORRECT		1
#define SKILL_PRIOR_C		2
#define SKILL_PRIOR_W		3

/* Check that a state array is a float8[4] of sane counts; return its data. */
static double *
skill_state_check(ArrayType *arr, const char *caller)
{
	double	   *v;

	if (ARR_NDIM(arr) != 1 || ARR_DIMS(arr)[0] != SKILL_STATE_LEN ||
		ARR_HASNULL(arr) || ARR_ELEMTYPE(arr) != FLOAT8OID)
		elog(ERROR, "%s: expected a float8[%d] state array", caller, SKILL_STATE_LEN);
	v = (double *) ARR_DATA_PTR(arr);
	if (!(v[SKILL_N] >= 0.0 && v[SKILL_CORRECT] >= 0.0 &&
		  v[SKILL_CORRECT] <= v[SKILL_N] && v[SKILL_N] < 9007199254740992.0 &&
		  v[SKILL_PRIOR_C] >= 0.0 && v[SKILL_PRIOR_W] >= 0.0 &&
		  isfinite(v[SKILL_PRIOR_C]) && isfinite(v[SKILL_PRIOR_W])))
		elog(ERROR, "%s: invalid state array", caller);
	return v;
}

/* The state array to update: in place inside an aggregate, else a copy. */
static ArrayType *
skill_state_arg(FunctionCallInfo fcinfo, const char *caller)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);

	if (!AggCheckCallContext(fcinfo, NULL))
		arr = PG_GETARG_ARRAYTYPE_P_COPY(0);
	(void) skill_state_check(arr, caller);
	return arr;
}

/*
 * Priors must be positive and finite.  Exported for worker_class_skill,
 * which takes the same arguments.
 */
void
skill_check_priors(FunctionCallInfo fcinfo, int argno, double *prior_correct,
				   double *prior_wrong)
{
	if (PG_ARGISNULL(argno) || PG_ARGISNULL(argno + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("prior_correct and prior_wrong must not be NULL"),
				 errhint("Leave both out for the uniform Beta(1, 1) prior.")));
	*prior_correct = PG_GETARG_FLOAT8(argno);
	*prior_wrong = PG_GETARG_FLOAT8(argno + 1);
	if (isnan(*prior_correct) || isnan(*prior_wrong) ||
		!(*prior_correct > 0.0) || !(*prior_wrong > 0.0) ||
		*prior_correct > SKILL_MAX_PRIOR || *prior_wrong > SKILL_MAX_PRIOR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior_correct and prior_wrong must be positive and finite"),
				 errdetail("Got prior_correct = %g, prior_wrong = %g.",
						   *prior_correct, *prior_wrong),
				 errhint("They are the pseudo-counts of a Beta prior on accuracy, "
						 "e.g. 1 and 1 (uniform) or 8 and 2 (about 80%% expected); "
						 "each must lie in (0, %g].", SKILL_MAX_PRIOR)));
}

/*
 * Record the priors in a state: the first given ones stick, later ones must
 * be equal.  Shared with worker_class_skill.
 */
void
skill_merge_priors(double *state_c, double *state_w, double prior_c, double prior_w)
{
	if (prior_c == 0.0 && prior_w == 0.0)
		return;
	if (*state_c == 0.0 && *state_w == 0.0)
	{
		*state_c = prior_c;
		*state_w = prior_w;
		return;
	}
	if (*state_c != prior_c || *state_w != prior_w)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior_correct and prior_wrong must be the same in every row"),
				 errdetail("Got (%g, %g) after (%g, %g).", prior_c, prior_w, *state_c, *state_w)));
}

/* Add one answer; is_correct as given. */
static Datum
skill_accum(FunctionCallInfo fcinfo, bool is_correct, bool with_priors, const char *caller)
{
	ArrayType  *arr = skill_state_arg(fcinfo, caller);
	double	   *v = (double *) ARR_DATA_PTR(arr);

	if (with_priors)
	{
		double		pc;
		double		pw;

		skill_check_priors(fcinfo, PG_NARGS() - 2, &pc, &pw);
		skill_merge_priors(&v[SKILL_PRIOR_C], &v[SKILL_PRIOR_W], pc, pw);
	}
	v[SKILL_N] += 1.0;
	if (is_correct)
		v[SKILL_CORRECT] += 1.0;
	PG_RETURN_ARRAYTYPE_P(arr);
}

/* Skip a row with a NULL answer: the state, unchanged (priors still checked). */
static Datum
skill_skip(FunctionCallInfo fcinfo, bool with_priors, const char *caller)
{
	ArrayType  *arr = skill_state_arg(fcinfo, caller);

	if (with_priors)
	{
		double	   *v = (double *) ARR_DATA_PTR(arr);
		double		pc;
		double		pw;

		skill_check_priors(fcinfo, PG_NARGS() - 2, &pc, &pw);
		skill_merge_priors(&v[SKILL_PRIOR_C], &v[SKILL_PRIOR_W], pc, pw);
	}
	PG_RETURN_ARRAYTYPE_P(arr);
}

/* Are two labels (text datums) equal, byte for byte? */
static bool
labels_equal(FunctionCallInfo fcinfo)
{
	text	   *a = PG_GETARG_TEXT_PP(1);
	text	   *b = PG_GETARG_TEXT_PP(2);
	Size		alen = VARSIZE_ANY_EXHDR(a);

	return alen == VARSIZE_ANY_EXHDR(b) && memcmp(VARDATA_ANY(a), VARDATA_ANY(b), alen) == 0;
}

/* Transition: worker_skill(label, golden_label); STRICT, so NULLs never get here */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_skill_transfn);
Datum
worker_skill_transfn(PG_FUNCTION_ARGS)
{
	return skill_accum(fcinfo, labels_equal(fcinfo), false, "worker_skill_transfn");
}

/* Transition: worker_skill(label, golden_label, prior_correct, prior_wrong) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_skill_prior_transfn);
Datum
worker_skill_prior_transfn(PG_FUNCTION_ARGS)
{
	const char *caller = "worker_skill_prior_transfn";

	if (PG_ARGISNULL(0))
		elog(ERROR, "%s: NULL state", caller);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return skill_skip(fcinfo, true, caller);
	return skill_accum(fcinfo, labels_equal(fcinfo), true, caller);
}

/* Transition: worker_skill(is_correct); STRICT */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_skill_bool_transfn);
Datum
worker_skill_bool_transfn(PG_FUNCTION_ARGS)
{
	return skill_accum(fcinfo, PG_GETARG_BOOL(1), false, "worker_skill_bool_transfn");
}

/* Transition: worker_skill(is_correct, prior_correct, prior_wrong) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_skill_bool_prior_transfn);
Datum
worker_skill_bool_prior_transfn(PG_FUNCTION_ARGS)
{
	const char *caller = "worker_skill_bool_prior_transfn";

	if (PG_ARGISNULL(0))
		elog(ERROR, "%s: NULL state", caller);
	if (PG_ARGISNULL(1))
		return skill_skip(fcinfo, true, caller);
	return skill_accum(fcinfo, PG_GETARG_BOOL(1), true, caller);
}

/* Combine: add the counts; the priors must agree */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_skill_combine);
Datum
worker_skill_combine(PG_FUNCTION_ARGS)
{
	const char *caller = "worker_skill_combine";
	ArrayType  *a1;
	ArrayType  *a2;
	double	   *v1;
	double	   *v2;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	a1 = skill_state_arg(fcinfo, caller);
	a2 = PG_GETARG_ARRAYTYPE_P(1);
	v1 = (double *) ARR_DATA_PTR(a1);
	v2 = skill_state_check(a2, caller);
	skill_merge_priors(&v1[SKILL_PRIOR_C], &v1[SKILL_PRIOR_W],
					   v2[SKILL_PRIOR_C], v2[SKILL_PRIOR_W]);
	v1[SKILL_N] += v2[SKILL_N];
	v1[SKILL_CORRECT] += v2[SKILL_CORRECT];
	PG_RETURN_ARRAYTYPE_P(a1);
}

/*
 * Fill the fields of one estimate: counts, raw accuracy, posterior mean and
 * the equal-tailed 95% credible interval of Beta(c + pc, n - c + pw).
 */
void
skill_estimate_compute(double n, double c, double prior_c, double prior_w,
					   SkillEstimate *est)
{
	double		a = c + prior_c;
	double		b = n - c + prior_w;

	beta_check_params(a, b, "posterior parameters");
	est->n_answered = n;
	est->n_correct = c;
	est->accuracy = (n > 0.0) ? c / n : NAN;
	est->posterior_mean = a / (a + b);
	est->lower_bound = beta_quantile(SKILL_LOWER_P, a, b);
	est->upper_bound = beta_quantile(SKILL_UPPER_P, a, b);
}

/* Final: the skill_estimate composite; NULL when no row was counted */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(worker_skill_finalfn);
Datum
worker_skill_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *arr;
	double	   *v;
	double		prior_c;
	double		prior_w;
	SkillEstimate est;
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	arr = PG_GETARG_ARRAYTYPE_P(0);
	v = skill_state_check(arr, "worker_skill_finalfn");
	if (v[SKILL_N] == 0.0)
		PG_RETURN_NULL();
	prior_c = v[SKILL_PRIOR_C] > 0.0 ? v[SKILL_PRIOR_C] : 1.0;
	prior_w = v[SKILL_PRIOR_W] > 0.0 ? v[SKILL_PRIOR_W] : 1.0;
	skill_estimate_compute(v[SKILL_N], v[SKILL_CORRECT], prior_c, prior_w, &est);

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "worker_skill_finalfn: return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (tupdesc->natts != 6)
		elog(ERROR, "worker_skill_finalfn: skill_estimate must have 6 columns");
	values[0] = Int64GetDatum((int64) est.n_answered);
	values[1] = Int64GetDatum((int64) est.n_correct);
	values[2] = Float8GetDatum(est.accuracy);
	values[3] = Float8GetDatum(est.posterior_mean);
	values[4] = Float8GetDatum(est.lower_bound);
	values[5] = Float8GetDatum(est.upper_bound);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
