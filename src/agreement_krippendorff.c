/*-------------------------------------------------------------------------
 *
 * agreement_krippendorff.c
 *	  krippendorff_alpha(unit, coder, value [, metric]): Krippendorff's alpha
 *	  reliability with the nominal, ordinal, interval and ratio metrics, as
 *	  defined in K. Krippendorff, "Computing Krippendorff's Alpha-
 *	  Reliability" (2011):
 *
 *	    alpha = 1 - D_o / D_e,
 *	    D_o = 1/n sum_c sum_k o_ck delta^2_ck,
 *	    D_e = 1/(n (n - 1)) sum_c sum_k n_c n_k delta^2_ck,
 *
 *	  with o_ck = sum_u (values c,k paired in unit u) / (m_u - 1) the
 *	  coincidence matrix, n_c its margins and n the number of pairable
 *	  values (those in units with m_u >= 2 values).  The state holds only the
 *	  per-unit value counts (agreement_units.c), and the sums are taken per
 *	  unit, never over pairs of judgments:
 *
 *	  - nominal: sum_u (m_u^2 - sum_c n_uc^2) / (m_u - 1), the very formula
 *	    of Crowd-Kit / nltk (binary distance);
 *	  - interval: sum_{c,k} n_c n_k (x_c - x_k)^2 = 2 m SS (SS = the sum of
 *	    squared deviations from the mean), per unit and overall;
 *	  - ordinal: Krippendorff's ordinal distance (sum_{g=c..k} n_g -
 *	    (n_c + n_k)/2)^2 equals (A_k - A_c)^2 with A_g = N_g - n_g/2, N_g the
 *	    cumulative margin up to g (the mid-rank), so it is the interval
 *	    metric on the mid-ranks of the pairable values;
 *	  - ratio: ((c - k) / (c + k))^2 has no such form; it costs
 *	    O(sum_u v_u^2 + V^2) for v_u distinct values per unit and V overall,
 *	    which is small for rating scales.
 *
 *	  Every row is one value: a coder who answers a unit twice counts twice,
 *	  as in Crowd-Kit's alpha_krippendorff; the coder is otherwise not used
 *	  (alpha depends only on the values per unit) and rows with a NULL unit,
 *	  coder or value are skipped.  Units with a single value are not
 *	  pairable and drop out.  No pairable value, or no variation at all
 *	  (D_e = 0), gives NULL.
 *
 * IDENTIFICATION
 *	  src/agreement_krippendorff.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "agreement_units.h"
#include "labeling.h"

/*
 * The metric named by the metric argument, parsed once per query: the
 * argument's bytes and code are cached in fn_extra.
 */
typedef struct MetricCache
{
	int32		metric;			/* parsed code */
	int			len;			/* length of the name */
	char		name[16];		/* the name as given */
} MetricCache;

static int32 krippendorff_metric(text *name);

static int32
krippendorff_metric_cached(FunctionCallInfo fcinfo, text *name)
{
	MetricCache *cache = (MetricCache *) fcinfo->flinfo->fn_extra;
	int			len = VARSIZE_ANY_EXHDR(name);

	if (cache != NULL && cache->len == len && memcmp(cache->name, VARDATA_ANY(name), len) == 0)
		return cache->metric;
	if (cache == NULL)
		cache = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(MetricCache));
	cache->metric = krippendorff_metric(name);
	/* valid names are short; remember only those */
	cache->len = len <= (int) sizeof(cache->name) ? len : -1;
	if (cache->len >= 0)
		memcpy(cache->name, VARDATA_ANY(name), len);
	return cache->metric;
}

/* The metric named by a metric argument; an unknown name is an error. */
static int32
krippendorff_metric(text *name)
{
	char	   *s = text_to_cstring(name);
	int32		m;

	for (m = METRIC_NOMINAL; m <= METRIC_RATIO; m++)
		if (pg_strcasecmp(s, agreement_metric_names[m]) == 0)
		{
			pfree(s);
			return m;
		}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown metric \"%s\" for krippendorff_alpha", s),
			 errhint("The metric must be one of: nominal, ordinal, interval, ratio.")));
	return METRIC_NONE;			/* keep compiler quiet */
}

/*
 * Aggregate transition function of every form: (unit, coder, value) and
 * (unit, coder, value, metric), unit bigint or text, value text or float8.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(krippendorff_transfn);
Datum
krippendorff_transfn(PG_FUNCTION_ARGS)
{
	const char *caller = "krippendorff_transfn";
	MemoryContext aggcontext = labeling_agg_context(fcinfo, caller);
	UnitTally  *state = PG_ARGISNULL(0) ? NULL : (UnitTally *) PG_GETARG_POINTER(0);
	int32		metric = METRIC_NOMINAL;
	bool		text_values;
	int32		value;

	if (PG_NARGS() > 4)
	{
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the metric of krippendorff_alpha must not be NULL"),
					 errhint("The metric must be one of: nominal, ordinal, interval, ratio.")));
		metric = krippendorff_metric_cached(fcinfo, PG_GETARG_TEXT_PP(4));
	}
	if (state != NULL)
	{
		if (state->metric != metric)
			agreement_metric_mismatch(state->metric, metric);
		text_values = (state->values.kind == KEY_TEXT);
	}
	else
		text_values = (get_fn_expr_argtype(fcinfo->flinfo, 3) == TEXTOID);
	if (text_values && metric != METRIC_NOMINAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s metric needs numeric values", agreement_metric_names[metric]),
				 errhint("Cast the values to double precision, or use the nominal metric for text.")));

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		/* missing unit, coder or value: skip the row */
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	if (state == NULL)
		state = unit_tally_create(aggcontext, key_kind_of_arg(fcinfo, 1, "unit"),
								  text_values ? KEY_TEXT : KEY_INT8, metric);

	if (text_values)
		value = unit_tally_text_value(state, PG_GETARG_TEXT_PP(3));
	else
	{
		double		v = PG_GETARG_FLOAT8(3);

		if (isnan(v) || isinf(v))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("krippendorff_alpha values must be finite"),
					 errdetail("Got %g.", v)));
		if (metric == METRIC_RATIO && v < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the ratio metric needs values that are not negative"),
					 errdetail("Got %g.", v),
					 errhint("Ratio scales start at an absolute zero; use the interval metric otherwise.")));
		value = unit_tally_float8_value(state, v);
	}
	unit_tally_add_row(state, PG_GETARG_DATUM(1), value);
	PG_RETURN_POINTER(state);
}

/* The number of values m_u of a unit, from its cells. */
static inline double
unit_size(const UnitEntry *cells, int64 ncells)
{
	double		m = 0.0;
	int64		c;

	for (c = 0; c < ncells; c++)
		m += (double) cells[c].count;
	return m;
}

/* Nominal: Crowd-Kit's formula, alpha = 1 - D_o / D_e. */
static bool
alpha_nominal(const UnitTally *t, const double *margin, double n, double *alpha)
{
	CompSum		dsum = {0.0, 0.0};
	double		sq = 0.0;
	double		d_o;
	double		d_e;
	UnitIter	it;
	const UnitEntry *cells;
	int64		nc;
	int64		c;

	unit_iter_init(&it, t);
	while (unit_iter_next(&it, &cells, &nc))
	{
		double		m = unit_size(cells, nc);
		double		within = 0.0;

		if (m < 2.0)
			continue;
		for (c = 0; c < nc; c++)
		{
			double		x = (double) cells[c].count;

			within += x * x;
		}
		comp_sum_add(&dsum, (m * m - within) / (m - 1.0));
	}
	for (c = 0; c < t->values.n; c++)
		sq += margin[c] * margin[c];
	d_o = comp_sum_value(&dsum) / n;
	d_e = (n * n - sq) / (n * (n - 1.0));
	if (!(d_e > 0.0))
		return false;
	*alpha = 1.0 - d_o / d_e;
	return true;
}

/* qsort support: value ids by their float8 */
static const UnitTally *sort_tally;

static int
value_float8_cmp(const void *a, const void *b)
{
	double		x = unit_tally_value_float8(sort_tally, *(const int32 *) a);
	double		y = unit_tally_value_float8(sort_tally, *(const int32 *) b);

	return (x > y) - (x < y);
}

/*
 * The coordinate of every value for the interval metric (the value itself)
 * or the ordinal one (its mid-rank among the pairable values), centred on
 * the pairable mean and scaled, which leaves alpha unchanged.
 */
static double *
value_coordinates(const UnitTally *t, const double *margin, double n, bool ordinal)
{
	double	   *x = palloc(sizeof(double) * Max(t->values.n, 1));
	CompSum		mean = {0.0, 0.0};
	double		scale = 0.0;
	double		mu;
	int32		v;

	if (ordinal)
	{
		int32	   *order = palloc(sizeof(int32) * Max(t->values.n, 1));
		double		cum = 0.0;

		for (v = 0; v < t->values.n; v++)
			order[v] = v;
		sort_tally = t;
		qsort(order, t->values.n, sizeof(int32), value_float8_cmp);
		sort_tally = NULL;
		for (v = 0; v < t->values.n; v++)
		{
			cum += margin[order[v]];
			x[order[v]] = cum - margin[order[v]] / 2.0;
		}
		pfree(order);
	}
	else
		for (v = 0; v < t->values.n; v++)
			x[v] = unit_tally_value_float8(t, v);

	for (v = 0; v < t->values.n; v++)
		comp_sum_add(&mean, margin[v] * x[v]);
	mu = comp_sum_value(&mean) / n;
	for (v = 0; v < t->values.n; v++)
	{
		x[v] -= mu;
		if (margin[v] > 0.0)
			scale = Max(scale, fabs(x[v]));
	}
	if (scale > 0.0)
		for (v = 0; v < t->values.n; v++)
			x[v] /= scale;
	return x;
}

/* Interval and ordinal: squared differences of coordinates, via variances. */
static bool
alpha_interval(const UnitTally *t, const double *margin, double n, bool ordinal,
			   double *alpha)
{
	double	   *x = value_coordinates(t, margin, n, ordinal);
	CompSum		within = {0.0, 0.0};
	CompSum		total = {0.0, 0.0};
	double		ss;
	UnitIter	it;
	const UnitEntry *cells;
	int64		nc;
	int64		c;

	unit_iter_init(&it, t);
	while (unit_iter_next(&it, &cells, &nc))
	{
		double		m = unit_size(cells, nc);
		double		mean = 0.0;
		double		ssu = 0.0;

		if (m < 2.0)
			continue;
		for (c = 0; c < nc; c++)
			mean += (double) cells[c].count * x[cells[c].value];
		mean /= m;
		for (c = 0; c < nc; c++)
		{
			double		d = x[cells[c].value] - mean;

			ssu += (double) cells[c].count * d * d;
		}
		/* sum_{c,k in u} n_c n_k (x_c - x_k)^2 / (m_u - 1) = 2 m_u SS_u / (m_u - 1) */
		comp_sum_add(&within, m * ssu / (m - 1.0));
	}
	/* the coordinates are centred on the pairable mean */
	for (c = 0; c < t->values.n; c++)
		comp_sum_add(&total, margin[c] * x[c] * x[c]);
	ss = comp_sum_value(&total);
	if (!(ss > 0.0))
		return false;
	/* D_o = 2 within / n, D_e = 2 SS / (n - 1) */
	*alpha = 1.0 - (n - 1.0) * comp_sum_value(&within) / (n * ss);
	return true;
}

/* The ratio metric's squared difference. */
static inline double
ratio_delta2(double c, double k)
{
	double		s = c + k;
	double		d;

	if (s == 0.0)
		return 0.0;
	d = (c - k) / s;
	return d * d;
}

/* Ratio: explicit sums over the distinct values of each unit and overall. */
static bool
alpha_ratio(const UnitTally *t, const double *margin, double n, double *alpha)
{
	double	   *x = palloc(sizeof(double) * Max(t->values.n, 1));
	int32	   *used = palloc(sizeof(int32) * Max(t->values.n, 1));
	int32		nused = 0;
	double		scale = 0.0;
	CompSum		within = {0.0, 0.0};
	CompSum		expected = {0.0, 0.0};
	double		e;
	UnitIter	it;
	const UnitEntry *cells;
	int64		nc;
	int64		c;
	int64		k;

	/* values are >= 0; scaling by the largest keeps c + k finite */
	for (c = 0; c < t->values.n; c++)
	{
		x[c] = unit_tally_value_float8(t, c);
		if (margin[c] > 0.0)
		{
			used[nused++] = c;
			scale = Max(scale, x[c]);
		}
	}
	if (scale > 0.0)
		for (c = 0; c < t->values.n; c++)
			x[c] /= scale;

	unit_iter_init(&it, t);
	while (unit_iter_next(&it, &cells, &nc))
	{
		double		m = unit_size(cells, nc);
		double		su = 0.0;

		if (m < 2.0)
			continue;
		if (nc > 64)
			CHECK_FOR_INTERRUPTS();
		for (c = 0; c < nc; c++)
			for (k = c + 1; k < nc; k++)
				su += (double) cells[c].count * (double) cells[k].count *
					ratio_delta2(x[cells[c].value], x[cells[k].value]);
		comp_sum_add(&within, 2.0 * su / (m - 1.0));
	}
	for (c = 0; c < nused; c++)
	{
		double		row = 0.0;

		CHECK_FOR_INTERRUPTS();
		for (k = c + 1; k < nused; k++)
			row += margin[used[k]] * ratio_delta2(x[used[c]], x[used[k]]);
		comp_sum_add(&expected, 2.0 * margin[used[c]] * row);
	}
	e = comp_sum_value(&expected);
	if (!(e > 0.0))
		return false;
	/* D_o = within / n, D_e = expected / (n (n - 1)) */
	*alpha = 1.0 - (n - 1.0) * comp_sum_value(&within) / e;
	return true;
}

/* Aggregate final function: alpha, or NULL when it is undefined */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(krippendorff_finalfn);
Datum
krippendorff_finalfn(PG_FUNCTION_ARGS)
{
	UnitTally  *t = PG_ARGISNULL(0) ? NULL : (UnitTally *) PG_GETARG_POINTER(0);
	double	   *margin;
	double		n = 0.0;
	double		alpha = 0.0;
	bool		defined = false;
	UnitIter	it;
	const UnitEntry *cells;
	int64		nc;
	int64		c;

	(void) labeling_agg_context(fcinfo, "krippendorff_finalfn");
	if (t == NULL)
		PG_RETURN_NULL();
	unit_tally_finish(t);

	/* the margins n_c of the pairable values, and n */
	margin = palloc0(sizeof(double) * Max(t->values.n, 1));
	unit_iter_init(&it, t);
	while (unit_iter_next(&it, &cells, &nc))
	{
		double		m = unit_size(cells, nc);

		if (m < 2.0)
			continue;
		n += m;
		for (c = 0; c < nc; c++)
			margin[cells[c].value] += (double) cells[c].count;
	}
	if (n == 0.0)
		PG_RETURN_NULL();

	switch (t->metric)
	{
		case METRIC_NOMINAL:
			defined = alpha_nominal(t, margin, n, &alpha);
			break;
		case METRIC_ORDINAL:
			defined = alpha_interval(t, margin, n, true, &alpha);
			break;
		case METRIC_INTERVAL:
			defined = alpha_interval(t, margin, n, false, &alpha);
			break;
		case METRIC_RATIO:
			defined = alpha_ratio(t, margin, n, &alpha);
			break;
		default:
			elog(ERROR, "krippendorff_finalfn: bad metric %d", t->metric);
	}
	if (!defined)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(alpha);
}
