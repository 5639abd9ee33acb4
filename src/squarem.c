/*-------------------------------------------------------------------------
 *
 * squarem.c
 *	  The SQUAREM extrapolation (Varadhan and Roland 2008, "Simple and
 *	  globally convergent methods for accelerating the convergence of any EM
 *	  algorithm", Scand. J. Statist. 35, scheme S3).  From a parameter vector
 *	  theta0 and two EM steps theta1 = F(theta0), theta2 = F(theta1), with
 *	  r = theta1 - theta0 and v = theta2 - 2 theta1 + theta0, the step length
 *	  is a = |r| / |v| and the jump goes to theta0 + 2 a r + a^2 v (a = 1
 *	  gives theta2, plain EM).  The caller takes an EM step from the jump
 *	  and keeps it only if its objective did not fall (the safeguard that
 *	  makes the scheme monotone), and bounds or clamps as its parameters
 *	  need.
 *
 * IDENTIFICATION
 *	  src/squarem.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "squarem.h"

/* |r| / |v|, at least 1 (1 when r or v is zero: no direction to follow). */
double
squarem_step_length(const double *t0, const double *t1, const double *t2, Size n)
{
	double		rr = 0.0;
	double		vv = 0.0;
	double		a;
	Size		i;

	for (i = 0; i < n; i++)
	{
		double		r = t1[i] - t0[i];
		double		v = t2[i] - 2.0 * t1[i] + t0[i];

		rr += r * r;
		vv += v * v;
	}
	if (!(vv > 0.0))
		return 1.0;
	a = sqrt(rr / vv);
	return a > 1.0 ? a : 1.0;
}

/* out = theta0 + 2 a r + a^2 v, element by element (out may be t0). */
void
squarem_extrapolate(const double *t0, const double *t1, const double *t2, Size n, double a,
					double *out)
{
	Size		i;

	for (i = 0; i < n; i++)
	{
		double		r = t1[i] - t0[i];
		double		v = t2[i] - 2.0 * t1[i] + t0[i];

		out[i] = t0[i] + 2.0 * a * r + a * a * v;
	}
}
