/*-------------------------------------------------------------------------
 *
 * beta_dist.c
 *	  The Beta distribution: the regularised incomplete beta function
 *	  I_x(a, b) (its CDF) and the inverse (its quantile function), with the
 *	  SQL functions beta_cdf(x, a, b) and beta_quantile(p, a, b).
 *
 *	  I_x(a, b) is evaluated by its continued fraction (Abramowitz & Stegun
 *	  26.5.8) on whichever side of the mean it converges fast, so the smaller
 *	  tail is always computed directly and keeps its relative precision.  The
 *	  prefactor x^a (1-x)^b / B(a, b) is computed in log space; when both
 *	  parameters are large it uses Stirling's series and Loader's deviance
 *	  form (bd0), which avoid the cancellation of lgamma differences, so
 *	  worker counts in the millions keep full precision.
 *
 *	  The quantile is found by Halley steps on the smaller tail, kept inside
 *	  a bracket that shrinks every step (falling back to bisection, geometric
 *	  near zero), from a starting point given by A&S 26.5.22 or by the tail
 *	  power laws.  It converges to a few ulps of the exact quantile.
 *
 * IDENTIFICATION
 *	  src/beta_dist.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"

#include "beta_dist.h"
#include "labeling.h"

/* log(sqrt(2 pi)) */
#define LN_SQRT_2PI		0.918938533204672741780329736406

/* From here on the Stirling series is used for log Gamma. */
#define STIRLING_MIN	10.0

/*
 * Largest accepted parameter.  The continued fraction needs ~sqrt(a) steps
 * and its rounding grows with them: I_x keeps ~1e-13 relative accuracy up
 * to 1e7 and ~1e-10 at 1e12 (quantiles stay far more accurate, since the
 * distribution is then very narrow).
 */
#define BETA_MAX_PARAM	1e12

/*
 * Stirling's error: lgamma(x) - ((x - 1/2) log x - x + log sqrt(2 pi)),
 * for x > 0.  The Bernoulli series to x^-13 is exact to ~1e-17 for x >= 10.
 */
static double
stirling_error(double x)
{
	if (x >= STIRLING_MIN)
	{
		double		x2 = 1.0 / (x * x);

		return (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 * (1.0 / 1680 -
				x2 * (1.0 / 1188 - x2 * (691.0 / 360360 - x2 / 156.0)))))) / x;
	}
	return lgamma(x) - ((x - 0.5) * log(x) - x + LN_SQRT_2PI);
}

/*
 * Loader's deviance term x log(x / np) + np - x, summed as a series when x
 * is close to np, where the direct form cancels.
 */
static double
bd0(double x, double np)
{
	if (fabs(x - np) < 0.1 * (x + np))
	{
		double		v = (x - np) / (x + np);
		double		s = (x - np) * v;
		double		term = 2.0 * x * v;
		double		v2 = v * v;
		int			j;

		for (j = 1; j < 1000; j++)
		{
			double		s1;

			term *= v2;
			s1 = s + term / (2 * j + 1);
			if (s1 == s)
				break;
			s = s1;
		}
		return s;
	}
	return x * log(x / np) + np - x;
}

/* log B(a, b) for a, b > 0, without cancellation for large arguments. */
double
beta_log_beta(double a, double b)
{
	double		p = Min(a, b);
	double		q = Max(a, b);
	double		s = p + q;

	if (q < STIRLING_MIN)
		return lgamma(p) + lgamma(q) - lgamma(s);
	if (p < STIRLING_MIN)
	{
		/* lgamma(q) - lgamma(p + q) by Stirling, then the small lgamma(p) */
		return lgamma(p) + stirling_error(q) - stirling_error(s)
			- (q - 0.5) * log1p(p / q) - p * log(s) + p;
	}
	return LN_SQRT_2PI - 0.5 * log(s) + (p - 0.5) * log(p / s) +
		(q - 0.5) * log1p(-p / s) +
		stirling_error(p) + stirling_error(q) - stirling_error(s);
}

/*
 * log(x^a y^b / B(a, b)) where y = 1 - x.  Whichever of x and y is below
 * 1/2 is taken as exact and the other's logarithm comes from log1p.
 */
static double
beta_log_prefactor(double a, double b, double x, double y)
{
	double		lx;
	double		ly;

	if (Min(a, b) >= STIRLING_MIN)
	{
		double		s = a + b;

		return -bd0(a, x * s) - bd0(b, y * s) +
			0.5 * (log(a) + log(b) - log(s)) - LN_SQRT_2PI -
			stirling_error(a) - stirling_error(b) + stirling_error(s);
	}
	lx = (x <= 0.5) ? log(x) : log1p(-y);
	ly = (y <= 0.5) ? log(y) : log1p(-x);
	return a * lx + b * ly - beta_log_beta(a, b);
}

/*
 * One step of the modified Lentz method for a continued fraction
 * 1 / (1 + d_1 / (1 + d_2 / ...)): update c and d with the next coefficient
 * d_j and return the factor by which the value changes.
 */
static inline double
lentz_step(double *c, double *d, double coef)
{
	const double tiny = 1e-300;

	*d = 1.0 + coef * *d;
	if (fabs(*d) < tiny)
		*d = tiny;
	*c = 1.0 + coef / *c;
	if (fabs(*c) < tiny)
		*c = tiny;
	*d = 1.0 / *d;
	return *d * *c;
}

/*
 * The continued fraction of I_x(a, b) / (x^a y^b / (a B(a, b))), evaluated
 * by the modified Lentz method.  It converges in O(sqrt(max(a, b))) terms
 * for x < (a + 1) / (a + b + 2).
 */
static double
beta_cont_frac(double a, double b, double x)
{
	double		maxit = 1000.0 + 20.0 * sqrt(Max(a, b));
	double		c = 1.0;
	double		d;
	double		h;
	double		m;

	/* 1 / (1 + d_1) with d_1 = -(a + b) x / (a + 1) */
	d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1.0 / d;
	h = d;
	for (m = 1.0; m <= maxit; m += 1.0)
	{
		double		m2 = 2.0 * m;
		double		delta;

		/* even step: d_2m = m (b - m) x / ((a + 2m - 1)(a + 2m)) */
		h *= lentz_step(&c, &d, m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)));
		/* odd step: d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) */
		delta = lentz_step(&c, &d, -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)));
		h *= delta;
		if (fabs(delta - 1.0) <= DBL_EPSILON)
			return h;
		if (fmod(m, 4096.0) == 0.0)
			CHECK_FOR_INTERRUPTS();
	}
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("incomplete beta function did not converge"),
			 errdetail("a = %g, b = %g, x = %g.", a, b, x)));
	return h;					/* keep compiler quiet */
}

/*
 * The regularised incomplete beta function: *lower = I_x(a, b) = P(X <= x)
 * and *upper = 1 - I_x(a, b) for X ~ Beta(a, b).  The smaller tail is the
 * one computed directly.  a, b > 0.
 */
void
beta_inc(double a, double b, double x, double *lower, double *upper)
{
	double		y;
	double		tail;

	if (!(x > 0.0))
	{
		*lower = 0.0;
		*upper = 1.0;
		return;
	}
	if (!(x < 1.0))
	{
		*lower = 1.0;
		*upper = 0.0;
		return;
	}
	y = 1.0 - x;
	if (x < (a + 1.0) / (a + b + 2.0))
	{
		tail = exp(beta_log_prefactor(a, b, x, y) - log(a)) * beta_cont_frac(a, b, x);
		*lower = Min(Max(tail, 0.0), 1.0);
		*upper = 1.0 - *lower;
	}
	else
	{
		/* 1 - I_x(a, b) = I_y(b, a) */
		tail = exp(beta_log_prefactor(b, a, y, x) - log(b)) * beta_cont_frac(b, a, y);
		*upper = Min(Max(tail, 0.0), 1.0);
		*lower = 1.0 - *upper;
	}
}

/* A rough standard normal upper quantile for 0 < p <= 1/2 (A&S 26.2.23). */
static double
rough_normal_upper(double p)
{
	double		t = sqrt(-2.0 * log(p));

	return t - (2.515517 + t * (0.802853 + t * 0.010328)) /
		(1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
}

/* A starting point for the quantile iteration; only needs to be near. */
static double
beta_initial_guess(double p, double a, double b)
{
	double		x;

	if (a >= 1.0 && b >= 1.0)
	{
		/* A&S 26.5.22: a Cornish-Fisher-like transform of a normal quantile */
		double		y = (p <= 0.5) ? rough_normal_upper(p) : -rough_normal_upper(1.0 - p);
		double		r = (y * y - 3.0) / 6.0;
		double		h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
		double		w = y * sqrt(h + r) / h -
			(1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (r + 5.0 / 6.0 - 2.0 / (3.0 * h));

		x = a / (a + b * exp(2.0 * w));
	}
	else
	{
		/*
		 * Near 0, I_x ~ x^a / (a B); near 1, 1 - I_x ~ (1 - x)^b / (b B).
		 * Pick the side by where p falls relative to those laws at the mean.
		 */
		double		lb = beta_log_beta(a, b);
		double		mean = a / (a + b);
		double		t = exp(a * log(mean) - log(a));
		double		u = exp(b * log1p(-mean) - log(b));

		if (p < t / (t + u))
			x = exp((log(p) + log(a) + lb) / a);
		else
			x = -expm1((log1p(-p) + log(b) + lb) / b);
	}
	if (!(x > 0.0 && x < 1.0))
		x = 0.5;
	return x;
}

/*
 * The p-quantile of Beta(a, b): the x with I_x(a, b) = p.  a, b > 0 and
 * 0 <= p <= 1 (checked by the callers).
 */
double
beta_quantile(double p, double a, double b)
{
	bool		lower_tail = (p <= 0.5);
	double		target = lower_tail ? p : 1.0 - p;
	double		lo = 0.0;
	double		hi = 1.0;
	double		x;
	int			iter;

	if (p <= 0.0)
		return 0.0;
	if (p >= 1.0)
		return 1.0;

	x = beta_initial_guess(p, a, b);
	for (iter = 0; iter < 2000; iter++)
	{
		double		y = 1.0 - x;
		double		lw;
		double		up;
		double		h;
		double		f;
		double		xn = -1.0;

		CHECK_FOR_INTERRUPTS();
		beta_inc(a, b, x, &lw, &up);
		/* h increases with x; the root is where h = 0 */
		h = lower_tail ? lw - target : target - up;
		if (h == 0.0)
			return x;
		if (h < 0.0)
			lo = x;
		else
			hi = x;

		/* Halley step: f = density, f'/f = (a - 1)/x - (b - 1)/y */
		f = exp(beta_log_prefactor(a, b, x, y)) / (x * y);
		if (f > 0.0 && isfinite(f))
		{
			double		dx = -h / f;
			double		corr = 1.0 + 0.5 * dx * ((a - 1.0) / x - (b - 1.0) / y);

			if (corr > 0.5 && corr < 2.0)
				dx /= corr;
			xn = x + dx;
		}
		if (!(xn > lo && xn < hi))
		{
			/* out of the bracket: bisect it (geometrically near zero) */
			if (lo == 0.0)
				xn = hi / 16.0;
			else if (hi > 16.0 * lo)
				xn = sqrt(lo * hi);
			else
				xn = lo + 0.5 * (hi - lo);
			if (!(xn > lo && xn < hi))
				return x;		/* the bracket is down to adjacent doubles */
		}
		if (fabs(xn - x) <= 4.0 * DBL_EPSILON * xn)
			return xn;
		x = xn;
	}
	return x;
}

/* Beta parameters must be positive and finite (and not absurdly large). */
void
beta_check_params(double a, double b, const char *what)
{
	if (isnan(a) || isnan(b) || !(a > 0.0) || !(b > 0.0) ||
		a > BETA_MAX_PARAM || b > BETA_MAX_PARAM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be positive and finite", what),
				 errdetail("Got a = %g, b = %g.", a, b),
				 errhint("Both shape parameters must lie in (0, %g].", BETA_MAX_PARAM)));
}

/* beta_cdf(x, a, b): P(X <= x) for X ~ Beta(a, b) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(beta_cdf);
Datum
beta_cdf(PG_FUNCTION_ARGS)
{
	double		x = PG_GETARG_FLOAT8(0);
	double		a = PG_GETARG_FLOAT8(1);
	double		b = PG_GETARG_FLOAT8(2);
	double		lower;
	double		upper;

	beta_check_params(a, b, "Beta shape parameters");
	if (isnan(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("beta_cdf is not defined at NaN")));
	beta_inc(a, b, x, &lower, &upper);
	PG_RETURN_FLOAT8(lower);
}

/* beta_quantile(p, a, b): the x with P(X <= x) = p for X ~ Beta(a, b) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(beta_quantile_sql);
Datum
beta_quantile_sql(PG_FUNCTION_ARGS)
{
	double		p = PG_GETARG_FLOAT8(0);
	double		a = PG_GETARG_FLOAT8(1);
	double		b = PG_GETARG_FLOAT8(2);

	beta_check_params(a, b, "Beta shape parameters");
	if (!(p >= 0.0 && p <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("probability must be between 0 and 1"),
				 errdetail("Got %g.", p)));
	PG_RETURN_FLOAT8(beta_quantile(p, a, b));
}
