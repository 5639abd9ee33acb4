/*-------------------------------------------------------------------------
 *
 * truth_glad_cg.c
 *	  The M-step optimiser of GLAD under crowdkit_compat: nonlinear
 *	  conjugate gradient (Polak-Ribiere+, with the Gilbert-Nocedal
 *	  sufficient-descent check) and strong-Wolfe line searches, following
 *	  the algorithm scipy 1.10.1 runs for minimize(method="CG") — the one
 *	  Crowd-Kit 1.4.1 calls with tol=1e-2 and maxiter=25:
 *
 *	  - the line search first tries the More-Thuente method (MINPACK-2
 *	    dcsrch/dcstep: safeguarded cubic and quadratic interpolation in an
 *	    interval of uncertainty) with c1 = 1e-4, c2 = 0.4, xtol = 1e-14,
 *	    and an initial step from the previous decrease;
 *	  - if that fails, or the step does not give sufficient descent, it
 *	    falls back to the bracketing-and-zoom search of Nocedal and Wright
 *	    (Algorithms 3.5 and 3.6) with cubic, then quadratic, then bisection
 *	    trial steps;
 *	  - CG stops when the largest gradient component is at most gtol, after
 *	    maxiter iterations, or when no step is found.
 *
 *	  The objective and its gradient come from a callback, evaluated once
 *	  per trial point (the last point is cached).  This file knows nothing
 *	  about GLAD.
 *
 *	  References: J. J. More and D. J. Thuente, "Line search algorithms with
 *	  guaranteed sufficient decrease", ACM TOMS 20 (1994) 286-307;
 *	  J. Nocedal and S. J. Wright, "Numerical Optimization", 2nd ed., 2006;
 *	  J. C. Gilbert and J. Nocedal, SIAM J. Optim. 2 (1992) 21-42.
 *
 * IDENTIFICATION
 *	  src/truth_glad_cg.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "truth_glad_cg.h"

/* Line-search parameters of scipy's CG. */
#define LS_C1		1e-4
#define LS_C2		0.4
#define LS_AMIN		1e-100
#define LS_AMAX		1e100
#define LS_XTOL		1e-14
#define MT_MAXITER	99			/* evaluations (100 calls, the first one starts) */
#define WOLFE2_MAXITER	10
#define ZOOM_MAXITER	10
#define PR_SIGMA3	0.01

/* The objective along the ray xk + s pk, with a one-point cache. */
typedef struct LineFn
{
	int			n;
	const double *xk;
	const double *pk;
	double	   *x;				/* trial point */
	double	   *g;				/* gradient at the cached point */
	CgObjective fn;
	void	   *ctx;
	bool		cached;
	double		s;				/* cached step */
	double		f;				/* objective at the cached step */
	int			nfev;
} LineFn;

static double
dot(const double *a, const double *b, int n)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static double
max_abs(const double *a, int n)
{
	double		m = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		m = Max(m, fabs(a[i]));
	return m;
}

/* Evaluate at step s (objective and gradient), unless cached. */
static void
line_at(LineFn *lf, double s)
{
	int			i;

	if (lf->cached && lf->s == s)
		return;
	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < lf->n; i++)
		lf->x[i] = lf->xk[i] + s * lf->pk[i];
	lf->f = lf->fn(lf->ctx, lf->x, lf->g);
	lf->s = s;
	lf->cached = true;
	lf->nfev++;
}

static double
phi(LineFn *lf, double s)
{
	line_at(lf, s);
	return lf->f;
}

static double
derphi(LineFn *lf, double s)
{
	line_at(lf, s);
	return dot(lf->g, lf->pk, lf->n);
}

/* Initial step of both searches: from the last decrease, at most 1. */
static double
initial_step(double phi0, double old_phi0, double derphi0)
{
	double		a = 1.0;

	if (derphi0 != 0.0)
	{
		a = Min(1.0, 1.01 * 2.0 * (phi0 - old_phi0) / derphi0);
		if (a < 0.0)
			a = 1.0;
	}
	return a;
}

static double
sign_of(double v)
{
	return (v > 0.0) - (v < 0.0);
}

/*
 * One safeguarded step of More and Thuente: update the interval
 * [stx, sty] (values f, derivatives d) with the trial stp, and propose the
 * next trial step.
 */
static void
mt_step(double *stx, double *fx, double *dx, double *sty, double *fy, double *dy,
		double *stp, double fp, double dp, bool *brackt, double stpmin, double stpmax)
{
	double		sgnd = sign_of(dp) * sign_of(*dx);
	double		theta;
	double		s;
	double		gamma;
	double		p;
	double		q;
	double		r;
	double		stpc;
	double		stpq;
	double		stpf;

	if (fp > *fx)
	{
		/* higher value: minimum bracketed; cubic, or cubic/quadratic average */
		theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
		s = Max(Max(fabs(theta), fabs(*dx)), fabs(dp));
		gamma = s * sqrt((theta / s) * (theta / s) - (*dx / s) * (dp / s));
		if (*stp < *stx)
			gamma = -gamma;
		p = (gamma - *dx) + theta;
		q = ((gamma - *dx) + gamma) + dp;
		r = p / q;
		stpc = *stx + r * (*stp - *stx);
		stpq = *stx + ((*dx / ((*fx - fp) / (*stp - *stx) + *dx)) / 2.0) * (*stp - *stx);
		if (fabs(stpc - *stx) <= fabs(stpq - *stx))
			stpf = stpc;
		else
			stpf = stpc + (stpq - stpc) / 2.0;
		*brackt = true;
	}
	else if (sgnd < 0.0)
	{
		/* lower value, derivatives of opposite sign: cubic or secant */
		theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
		s = Max(Max(fabs(theta), fabs(*dx)), fabs(dp));
		gamma = s * sqrt((theta / s) * (theta / s) - (*dx / s) * (dp / s));
		if (*stp > *stx)
			gamma = -gamma;
		p = (gamma - dp) + theta;
		q = ((gamma - dp) + gamma) + *dx;
		r = p / q;
		stpc = *stp + r * (*stx - *stp);
		stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
		stpf = (fabs(stpc - *stp) > fabs(stpq - *stp)) ? stpc : stpq;
		*brackt = true;
	}
	else if (fabs(dp) < fabs(*dx))
	{
		/* lower value, same sign, derivative decreasing in magnitude */
		theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
		s = Max(Max(fabs(theta), fabs(*dx)), fabs(dp));
		gamma = s * sqrt(Max(0.0, (theta / s) * (theta / s) - (*dx / s) * (dp / s)));
		if (*stp > *stx)
			gamma = -gamma;
		p = (gamma - dp) + theta;
		q = (gamma + (*dx - dp)) + gamma;
		r = p / q;
		if (r < 0.0 && gamma != 0.0)
			stpc = *stp + r * (*stx - *stp);
		else if (*stp > *stx)
			stpc = stpmax;
		else
			stpc = stpmin;
		stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
		if (*brackt)
		{
			stpf = (fabs(stpc - *stp) < fabs(stpq - *stp)) ? stpc : stpq;
			if (*stp > *stx)
				stpf = Min(*stp + 0.66 * (*sty - *stp), stpf);
			else
				stpf = Max(*stp + 0.66 * (*sty - *stp), stpf);
		}
		else
		{
			stpf = (fabs(stpc - *stp) > fabs(stpq - *stp)) ? stpc : stpq;
			stpf = Min(Max(stpf, stpmin), stpmax);
		}
	}
	else
	{
		/* lower value, same sign, derivative not decreasing */
		if (*brackt)
		{
			theta = 3.0 * (fp - *fy) / (*sty - *stp) + *dy + dp;
			s = Max(Max(fabs(theta), fabs(*dy)), fabs(dp));
			gamma = s * sqrt((theta / s) * (theta / s) - (*dy / s) * (dp / s));
			if (*stp > *sty)
				gamma = -gamma;
			p = (gamma - dp) + theta;
			q = ((gamma - dp) + gamma) + *dy;
			r = p / q;
			stpf = *stp + r * (*sty - *stp);
		}
		else if (*stp > *stx)
			stpf = stpmax;
		else
			stpf = stpmin;
	}

	/* update the interval */
	if (fp > *fx)
	{
		*sty = *stp;
		*fy = fp;
		*dy = dp;
	}
	else
	{
		if (sgnd < 0.0)
		{
			*sty = *stx;
			*fy = *fx;
			*dy = *dx;
		}
		*stx = *stp;
		*fx = fp;
		*dx = dp;
	}
	*stp = stpf;
}

/*
 * More-Thuente line search for a step satisfying the strong Wolfe
 * conditions.  Returns false when it fails (no step, warning or error).
 */
static bool
mt_search(LineFn *lf, double phi0, double old_phi0, double derphi0,
		  double *stp_out, double *phi_out)
{
	double		stp = initial_step(phi0, old_phi0, derphi0);
	double		f = phi0;
	double		g = derphi0;
	double		ftol = LS_C1;
	double		gtol = LS_C2;
	double		xtol = LS_XTOL;
	double		stpmin = LS_AMIN;
	double		stpmax = LS_AMAX;
	bool		brackt = false;
	int			stage = 1;
	double		finit = f;
	double		ginit = g;
	double		gtest = ftol * ginit;
	double		width = stpmax - stpmin;
	double		width1 = width / 0.5;
	double		stx = 0.0,
				fx = finit,
				gx = ginit;
	double		sty = 0.0,
				fy = finit,
				gy = ginit;
	double		stmin = 0.0;
	double		stmax = stp + 4.0 * stp;
	int			it;

	if (stp < stpmin || stp > stpmax || g >= 0.0)
		return false;

	for (it = 0; it < MT_MAXITER; it++)
	{
		double		ftest;

		if (!isfinite(stp))
			return false;
		f = phi(lf, stp);
		g = derphi(lf, stp);

		ftest = finit + stp * gtest;
		if (stage == 1 && f <= ftest && g >= 0.0)
			stage = 2;

		/* convergence beats the warnings, as in MINPACK */
		if (f <= ftest && fabs(g) <= gtol * -ginit)
		{
			*stp_out = stp;
			*phi_out = f;
			return true;
		}
		if ((brackt && (stp <= stmin || stp >= stmax)) ||
			(brackt && stmax - stmin <= xtol * stmax) ||
			(stp == stpmax && f <= ftest && g <= gtest) ||
			(stp == stpmin && (f > ftest || g >= gtest)))
			return false;

		if (stage == 1 && f <= fx && f > ftest)
		{
			/* modified function while the decrease is not sufficient */
			double		fm = f - stp * gtest;
			double		fxm = fx - stx * gtest;
			double		fym = fy - sty * gtest;
			double		gm = g - gtest;
			double		gxm = gx - gtest;
			double		gym = gy - gtest;

			mt_step(&stx, &fxm, &gxm, &sty, &fym, &gym, &stp, fm, gm, &brackt, stmin, stmax);
			fx = fxm + stx * gtest;
			fy = fym + sty * gtest;
			gx = gxm + gtest;
			gy = gym + gtest;
		}
		else
			mt_step(&stx, &fx, &gx, &sty, &fy, &gy, &stp, f, g, &brackt, stmin, stmax);

		if (brackt)
		{
			if (fabs(sty - stx) >= 0.66 * width1)
				stp = stx + 0.5 * (sty - stx);
			width1 = width;
			width = fabs(sty - stx);
			stmin = Min(stx, sty);
			stmax = Max(stx, sty);
		}
		else
		{
			stmin = stp + 1.1 * (stp - stx);
			stmax = stp + 4.0 * (stp - stx);
		}
		stp = Min(Max(stp, stpmin), stpmax);
		if ((brackt && (stp <= stmin || stp >= stmax)) ||
			(brackt && stmax - stmin <= xtol * stmax))
			stp = stx;
	}
	return false;
}

/* Minimiser of the cubic through (a, fa, fpa), (b, fb), (c, fc), or NaN. */
static double
cubic_min(double a, double fa, double fpa, double b, double fb, double c, double fc)
{
	double		C = fpa;
	double		db = b - a;
	double		dc = c - a;
	double		denom = (db * dc) * (db * dc) * (db - dc);
	double		u = fb - fa - C * db;
	double		v = fc - fa - C * dc;
	double		A;
	double		B;
	double		radical;
	double		xmin;

	if (denom == 0.0 || !isfinite(denom))
		return get_float8_nan();
	A = (dc * dc * u - db * db * v) / denom;
	B = (-dc * dc * dc * u + db * db * db * v) / denom;
	radical = B * B - 3.0 * A * C;
	if (radical < 0.0 || A == 0.0)
		return get_float8_nan();
	xmin = a + (-B + sqrt(radical)) / (3.0 * A);
	return isfinite(xmin) ? xmin : get_float8_nan();
}

/* Minimiser of the quadratic through (a, fa, fpa), (b, fb), or NaN. */
static double
quad_min(double a, double fa, double fpa, double b, double fb)
{
	double		db = b - a;
	double		B;
	double		xmin;

	if (db == 0.0)
		return get_float8_nan();
	B = (fb - fa - fpa * db) / (db * db);
	if (B == 0.0)
		return get_float8_nan();
	xmin = a - fpa / (2.0 * B);
	return isfinite(xmin) ? xmin : get_float8_nan();
}

/* Sufficient-descent test of the Polak-Ribiere+ step (see cg_minimize). */
typedef struct CgStep
{
	bool		valid;
	double		alpha;
	double		gnorm;
	double	   *x;				/* x_{k+1} */
	double	   *p;				/* p_{k+1} */
	double	   *g;				/* g_{k+1} */
} CgStep;

typedef struct CgState
{
	int			n;
	double	   *xk;
	double	   *pk;
	double	   *gk;
	double		deltak;
	double		gtol;
	CgStep		step;
} CgState;

/* Polak-Ribiere+ step for alpha with the gradient g1 there. */
static void
pr_step(CgState *cg, double alpha, const double *g1)
{
	double		yg = 0.0;
	double		beta;
	int			i;

	for (i = 0; i < cg->n; i++)
	{
		cg->step.x[i] = cg->xk[i] + alpha * cg->pk[i];
		yg += (g1[i] - cg->gk[i]) * g1[i];
	}
	beta = Max(0.0, yg / cg->deltak);
	for (i = 0; i < cg->n; i++)
	{
		cg->step.g[i] = g1[i];
		cg->step.p[i] = -g1[i] + beta * cg->pk[i];
	}
	cg->step.gnorm = max_abs(g1, cg->n);
	cg->step.alpha = alpha;
	cg->step.valid = true;
}

static bool
descent_ok(CgState *cg, double alpha, const double *g1)
{
	pr_step(cg, alpha, g1);
	if (cg->step.gnorm <= cg->gtol)
		return true;
	return dot(cg->step.p, cg->step.g, cg->n) <= -PR_SIGMA3 * dot(cg->step.g, cg->step.g, cg->n);
}

/* Accept alpha in the zoom/bracketing search if descent holds there. */
static bool
wolfe2_extra(LineFn *lf, CgState *cg, double alpha)
{
	line_at(lf, alpha);
	return descent_ok(cg, alpha, lf->g);
}

/* Nocedal-Wright zoom between a_lo and a_hi. */
static bool
zoom(LineFn *lf, CgState *cg, double a_lo, double a_hi, double phi_lo, double phi_hi,
	 double derphi_lo, double phi0, double derphi0, double *a_star, double *phi_star)
{
	double		phi_rec = phi0;
	double		a_rec = 0.0;
	int			i = 0;

	for (;;)
	{
		double		dalpha = a_hi - a_lo;
		double		a = dalpha < 0.0 ? a_hi : a_lo;
		double		b = dalpha < 0.0 ? a_lo : a_hi;
		double		a_j = get_float8_nan();
		double		cchk = 0.0;
		double		phi_aj;

		if (i > 0)
		{
			cchk = 0.2 * dalpha;
			a_j = cubic_min(a_lo, phi_lo, derphi_lo, a_hi, phi_hi, a_rec, phi_rec);
		}
		if (i == 0 || isnan(a_j) || a_j > b - cchk || a_j < a + cchk)
		{
			double		qchk = 0.1 * dalpha;

			a_j = quad_min(a_lo, phi_lo, derphi_lo, a_hi, phi_hi);
			if (isnan(a_j) || a_j > b - qchk || a_j < a + qchk)
				a_j = a_lo + 0.5 * dalpha;
		}
		phi_aj = phi(lf, a_j);
		if (phi_aj > phi0 + LS_C1 * a_j * derphi0 || phi_aj >= phi_lo)
		{
			phi_rec = phi_hi;
			a_rec = a_hi;
			a_hi = a_j;
			phi_hi = phi_aj;
		}
		else
		{
			double		derphi_aj = derphi(lf, a_j);

			if (fabs(derphi_aj) <= -LS_C2 * derphi0 && wolfe2_extra(lf, cg, a_j))
			{
				*a_star = a_j;
				*phi_star = phi_aj;
				return true;
			}
			if (derphi_aj * (a_hi - a_lo) >= 0.0)
			{
				phi_rec = phi_hi;
				a_rec = a_hi;
				a_hi = a_lo;
				phi_hi = phi_lo;
			}
			else
			{
				phi_rec = phi_lo;
				a_rec = a_lo;
			}
			a_lo = a_j;
			phi_lo = phi_aj;
			derphi_lo = derphi_aj;
		}
		i++;
		if (i > ZOOM_MAXITER)
			return false;
	}
}

/* Bracketing search for the strong Wolfe conditions, then zoom. */
static bool
wolfe2_search(LineFn *lf, CgState *cg, double phi0, double old_phi0, double derphi0,
			  double *a_star, double *phi_star)
{
	double		alpha0 = 0.0;
	double		alpha1 = Min(initial_step(phi0, old_phi0, derphi0), LS_AMAX);
	double		phi_a1 = phi(lf, alpha1);
	double		phi_a0 = phi0;
	double		derphi_a0 = derphi0;
	int			i;

	for (i = 0; i < WOLFE2_MAXITER; i++)
	{
		double		derphi_a1;

		if (alpha1 == 0.0 || alpha0 == LS_AMAX)
			return false;
		if (phi_a1 > phi0 + LS_C1 * alpha1 * derphi0 || (phi_a1 >= phi_a0 && i > 0))
			return zoom(lf, cg, alpha0, alpha1, phi_a0, phi_a1, derphi_a0,
						phi0, derphi0, a_star, phi_star);
		derphi_a1 = derphi(lf, alpha1);
		if (fabs(derphi_a1) <= -LS_C2 * derphi0 && wolfe2_extra(lf, cg, alpha1))
		{
			*a_star = alpha1;
			*phi_star = phi_a1;
			return true;
		}
		if (derphi_a1 >= 0.0)
			return zoom(lf, cg, alpha1, alpha0, phi_a1, phi_a0, derphi_a1,
						phi0, derphi0, a_star, phi_star);
		alpha0 = alpha1;
		alpha1 = Min(2.0 * alpha1, LS_AMAX);
		phi_a0 = phi_a1;
		phi_a1 = phi(lf, alpha1);
		derphi_a0 = derphi_a1;
	}
	/* scipy returns the last step without the Wolfe conditions here */
	*a_star = alpha1;
	*phi_star = phi_a1;
	return true;
}

/*
 * Minimise fn from x (updated in place) by Polak-Ribiere+ CG.  Returns the
 * number of CG iterations run.
 */
int
cg_minimize(int n, double *x, CgObjective fn, void *ctx, int maxiter, double gtol)
{
	CgState		cg;
	LineFn		lf;
	double	   *g0 = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	double		old_fval;
	double		old_old_fval;
	double		gnorm;
	int			k = 0;
	int			i;

	memset(&cg, 0, sizeof(cg));
	cg.n = n;
	cg.gtol = gtol;
	cg.xk = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	cg.pk = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	cg.gk = g0;
	cg.step.x = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	cg.step.p = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	cg.step.g = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	memset(&lf, 0, sizeof(lf));
	lf.n = n;
	lf.x = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	lf.g = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	lf.fn = fn;
	lf.ctx = ctx;

	memcpy(cg.xk, x, sizeof(double) * n);
	old_fval = fn(ctx, cg.xk, cg.gk);
	{
		double		norm2 = sqrt(dot(cg.gk, cg.gk, n));

		old_old_fval = old_fval + norm2 / 2.0;
	}
	for (i = 0; i < n; i++)
		cg.pk[i] = -cg.gk[i];
	gnorm = max_abs(cg.gk, n);

	while (gnorm > gtol && k < maxiter)
	{
		double		derphi0 = dot(cg.gk, cg.pk, n);
		double		alpha = 0.0;
		double		fnew = 0.0;
		bool		found;

		cg.deltak = dot(cg.gk, cg.gk, n);
		cg.step.valid = false;
		lf.xk = cg.xk;
		lf.pk = cg.pk;
		lf.cached = false;

		found = mt_search(&lf, old_fval, old_old_fval, derphi0, &alpha, &fnew);
		if (found)
		{
			line_at(&lf, alpha);
			found = descent_ok(&cg, alpha, lf.g);
		}
		if (!found)
		{
			cg.step.valid = false;
			lf.cached = false;
			found = wolfe2_search(&lf, &cg, old_fval, old_old_fval, derphi0, &alpha, &fnew);
		}
		if (!found)
			break;				/* no step: keep the current point */
		if (!cg.step.valid || cg.step.alpha != alpha)
		{
			line_at(&lf, alpha);
			pr_step(&cg, alpha, lf.g);
		}
		old_old_fval = old_fval;
		old_fval = fnew;
		memcpy(cg.xk, cg.step.x, sizeof(double) * n);
		memcpy(cg.pk, cg.step.p, sizeof(double) * n);
		memcpy(cg.gk, cg.step.g, sizeof(double) * n);
		gnorm = cg.step.gnorm;
		k++;
	}
	memcpy(x, cg.xk, sizeof(double) * n);
	return k;
}
