/*-------------------------------------------------------------------------
 *
 * live_beta.c
 *	  The Beta quantile behind the credible bounds of a worker's golden
 *	  accuracy in worker_state (live_beta_quantile(p, a, b)).
 *
 *	  The regularized incomplete beta function I_x(a, b) is evaluated by its
 *	  continued fraction (modified Lentz method), on the side of the mean
 *	  where it converges fast, using the symmetry
 *	  I_x(a, b) = 1 - I_{1-x}(b, a).  The quantile inverts I_x by bisection
 *	  on [0, 1] until the bracket stops shrinking, so it is exact to the last
 *	  representable digit near the answer; I_x is monotone, so bisection
 *	  cannot fail.
 *
 * IDENTIFICATION
 *	  src/live_beta.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"

#include "labeling.h"

#define BETA_CF_MAX_ITER	100000
#define BETA_CF_TINY		1e-300

/*
 * One step of the modified Lentz method for a continued fraction with
 * partial numerator aa and denominator 1: update c and d, return the factor
 * that multiplies the running value.
 */
static inline double
lentz_step(double aa, double *c, double *d)
{
	*d = 1.0 + aa * *d;
	if (fabs(*d) < BETA_CF_TINY)
		*d = BETA_CF_TINY;
	*c = 1.0 + aa / *c;
	if (fabs(*c) < BETA_CF_TINY)
		*c = BETA_CF_TINY;
	*d = 1.0 / *d;
	return *d * *c;
}

/* Continued fraction of I_x(a, b) (without its prefactor). */
static double
beta_cf(double a, double b, double x)
{
	double		qab = a + b;
	double		qap = a + 1.0;
	double		qam = a - 1.0;
	double		c = 1.0;
	double		d = 1.0 - qab * x / qap;
	double		h;
	int			m;

	if (fabs(d) < BETA_CF_TINY)
		d = BETA_CF_TINY;
	d = 1.0 / d;
	h = d;
	for (m = 1; m <= BETA_CF_MAX_ITER; m++)
	{
		int			m2 = 2 * m;
		double		del;

		/* even step, then odd step */
		h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &c, &d);
		del = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &c, &d);
		h *= del;
		if (fabs(del - 1.0) <= DBL_EPSILON)
			return h;
		if ((m & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("incomplete beta function did not converge"),
			 errdetail("a = %g, b = %g, x = %g.", a, b, x)));
	return 0.0;					/* keep the compiler quiet */
}

/* Regularized incomplete beta function I_x(a, b), a, b > 0. */
static double
beta_cdf(double x, double a, double b)
{
	double		lbt;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1.0) / (a + b + 2.0))
		return exp(lbt) * beta_cf(a, b, x) / a;
	return 1.0 - exp(lbt) * beta_cf(b, a, 1.0 - x) / b;
}

/* The p-quantile of Beta(a, b) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(live_beta_quantile);
Datum
live_beta_quantile(PG_FUNCTION_ARGS)
{
	double		p = PG_GETARG_FLOAT8(0);
	double		a = PG_GETARG_FLOAT8(1);
	double		b = PG_GETARG_FLOAT8(2);
	double		lo = 0.0;
	double		hi = 1.0;

	if (!(p >= 0.0 && p <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("probability must be between 0 and 1"),
				 errdetail("Got %g.", p)));
	if (!(a > 0.0 && b > 0.0) || isinf(a) || isinf(b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Beta parameters must be positive and finite"),
				 errdetail("Got a = %g, b = %g.", a, b)));
	if (p == 0.0)
		PG_RETURN_FLOAT8(0.0);
	if (p == 1.0)
		PG_RETURN_FLOAT8(1.0);
	for (;;)
	{
		double		mid = lo + (hi - lo) / 2.0;

		if (mid <= lo || mid >= hi)
			break;
		if (beta_cdf(mid, a, b) < p)
			lo = mid;
		else
			hi = mid;
	}
	PG_RETURN_FLOAT8(hi);
}
