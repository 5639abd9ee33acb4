/*-------------------------------------------------------------------------
 *
 * bt_fit.c
 *	  The Bradley-Terry-Davidson fit of bt_rank.
 *
 *	  Model.  Item i has a score theta_i (log-strength).  A comparison of a
 *	  and b ends in a win of a, a win of b or a tie with probabilities
 *	  proportional to e^theta_a, e^theta_b and nu * e^((theta_a+theta_b)/2)
 *	  (Davidson 1970; nu = 0 is plain Bradley-Terry).  With ties => 'ignore'
 *	  ties are dropped and nu = 0.
 *
 *	  Prior.  Every item gets `prior` virtual wins and `prior` virtual losses
 *	  against a reference item of score 0, i.e. the log-prior
 *	  prior * (log sigma(theta) + log sigma(-theta)).  It keeps items that
 *	  never lost or never won finite, anchors every component of the
 *	  comparison graph at the reference score, and is weak (default 1: one
 *	  virtual win and one virtual loss).  When ties are modelled, log(nu)
 *	  gets BT_TIE_PRIOR virtual ties and as many virtual decisive games
 *	  between two equal items, so that data made only of ties stays finite.
 *
 *	  Methods.  'newton': Newton's method on the (concave) log-posterior in
 *	  (theta, log nu), with the exact Hessian, solved by preconditioned
 *	  conjugate gradients (bt_solve.c) and an Armijo backtracking line
 *	  search.  'mm': Hunter's (2004) minorise-maximise iteration, with the
 *	  prior as games against the reference item; with prior 0 it is exactly
 *	  Crowd-Kit's BradleyTerry iteration (strengths renormalised to sum 1 at
 *	  every step).  Newton stops when its step (the predicted change to the
 *	  optimum) would move no score by tol or more, MM when its last iteration
 *	  moved no score by tol or more; both at max_iter iterations at most.
 *
 * IDENTIFICATION
 *	  src/bt_fit.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "bt.h"

void
bt_fit_options_default(BtFitOptions *o, bool noisy)
{
	o->method = BT_METHOD_NEWTON;
	o->ties = BT_TIES_DAVIDSON;
	o->prior = BT_DEFAULT_PRIOR;
	o->max_iter = noisy ? BT_DEFAULT_EM_ITER : BT_DEFAULT_NEWTON_ITER;
	o->tol = noisy ? BT_DEFAULT_EM_TOL : BT_DEFAULT_TOL;
	o->noisy = noisy;
}

/*
 * One pass over the pairs at x: the log-posterior into *f (when f is not
 * NULL), its gradient into g (when g is not NULL) and the information
 * matrix J (negative Hessian) into sys (when sys is not NULL).  Returns
 * max |g| (0 without g).
 */
static double
bt_eval(const BtObjective *obj, const double *x, double *g, BtSystem *sys, double *f)
{
	const BtPairs *p = obj->pairs;
	int32		n = p->nitems;
	bool		has_eta = obj->has_eta;
	double		eta = has_eta ? x[n] : 0.0;
	double		nu = has_eta ? exp(eta) : 0.0;
	double		fsum = 0.0;
	double		geta = 0.0;
	double		jeta = 0.0;
	double		gmax = 0.0;
	BtItemAcc  *acc = NULL;
	int32		i;

	Assert(g != NULL || sys == NULL);
	/*
	 * Per-item values sit together (score, gradient, J_ii): one cache line
	 * per item touched, which matters when the items do not fit in cache.
	 */
	if (g)
	{
		acc = sys ? sys->acc : bt_alloc(sizeof(BtItemAcc) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			acc[i].x = x[i];
			acc[i].g = 0.0;
			acc[i].d = 0.0;
		}
	}
	for (i = 0; i < p->npairs; i++)
	{
		int32		a = p->a[i];
		int32		b = p->b[i];
		double		wa = p->wa[i],
					wb = p->wb[i],
					t = p->t[i];
		double		cnt = wa + wb + t;
		double		h,
					e,
					s,
					pa,
					pb,
					pt,
					ma,
					mb;

		if (cnt <= 0.0)
		{
			if (sys)
			{
				sys->w[i] = 0.0;
				if (has_eta)
					sys->ea[i] = sys->eb[i] = 0.0;
			}
			continue;
		}
		/* as bt_probs: P = (e, 1/e, nu) / s with e = exp((theta_a - theta_b) / 2) */
		h = bt_half_diff(acc ? acc[a].x - acc[b].x : x[a] - x[b]);
		e = exp(h);
		s = e + 1.0 / e + nu;
		if (f)
		{
			double		ls = log(s);

			fsum += wa * (h - ls) + wb * (-h - ls);
			if (t > 0.0)
				fsum += t * (eta - ls);
		}
		if (!g)
			continue;
		pa = e / s;
		pb = (1.0 / e) / s;
		pt = nu / s;
		ma = pa + 0.5 * pt;
		mb = pb + 0.5 * pt;
		acc[a].g += wa + 0.5 * t - cnt * ma;
		acc[b].g += wb + 0.5 * t - cnt * mb;
		if (has_eta)
			geta += t - cnt * pt;
		if (sys)
		{
			double		w = cnt * (pa * pb + 0.25 * pt * (1.0 - pt));

			sys->w[i] = w;
			acc[a].d += w;
			acc[b].d += w;
			if (has_eta)
			{
				sys->ea[i] = cnt * pt * (0.5 - ma);
				sys->eb[i] = cnt * pt * (0.5 - mb);
				jeta += cnt * pt * (1.0 - pt);
			}
		}
	}
	if (g)
	{
		for (i = 0; i < n; i++)
		{
			g[i] = acc[i].g;
			if (sys)
				sys->diag[i] = acc[i].d;
		}
		if (!sys)
			pfree(acc);
	}
	for (i = 0; i < n; i++)
	{
		if (obj->prior > 0.0)
		{
			/* log sigma(x) + log sigma(-x) = -|x| - 2 log(1 + e^-|x|) */
			double		ax = fabs(x[i]);
			double		e = exp(-ax);
			double		sg = (x[i] >= 0.0 ? 1.0 : e) / (1.0 + e);

			if (f)
				fsum += obj->prior * (-ax - 2.0 * log1p(e));
			if (g)
				g[i] += obj->prior * (1.0 - 2.0 * sg);
			if (sys)
			{
				double		pi = 2.0 * obj->prior * sg * (1.0 - sg);

				sys->prior_info[i] = pi;
				sys->diag[i] += pi;
			}
		}
		else if (sys)
			sys->prior_info[i] = 0.0;
		if (g)
			gmax = Max(gmax, fabs(g[i]));
	}
	if (has_eta)
	{
		if (obj->eta_prior)
		{
			if (f)
				fsum += BT_TIE_PRIOR * (eta + M_LN2 - 2.0 * log(2.0 + nu));
			geta += BT_TIE_PRIOR * (2.0 - nu) / (2.0 + nu);
			jeta += BT_TIE_PRIOR * 4.0 * nu / ((2.0 + nu) * (2.0 + nu));
		}
		if (g)
		{
			g[n] = geta;
			gmax = Max(gmax, fabs(geta));
		}
		if (sys)
			sys->diag[n] = jeta;
	}
	if (f)
		*f = fsum;
	return gmax;
}

/* The log-posterior at x (scores, then log nu when has_eta). */
double
bt_objective(const BtObjective *obj, const double *x)
{
	double		f;

	(void) bt_eval(obj, x, NULL, NULL, &f);
	return f;
}

/* Gradient of the log-posterior; returns max |g|. */
double
bt_gradient(const BtObjective *obj, const double *x, double *g)
{
	return bt_eval(obj, x, g, NULL, NULL);
}

/* The component layout of a system (computed once per fit). */
static void
bt_system_layout(BtSystem *s, const BtPairs *p, int32 *component, int32 ncomp)
{
	int32		n = p->nitems;
	int32	   *start;
	int32	   *members = bt_group(component, n, ncomp, &start);
	int32	   *local = bt_alloc(sizeof(int32) * Max(n, 1));
	int32		c,
				k;

	for (c = 1; c <= ncomp; c++)
		for (k = start[c]; k < start[c + 1]; k++)
			local[members[k]] = k - start[c];
	s->component = component;
	s->ncomponents = ncomp;
	s->comp_start = start;
	s->members = members;
	s->local = local;
}

static void
bt_system_alloc(BtSystem *s, const BtPairs *p, bool has_eta)
{
	Size		np = Max(p->npairs, 1);

	s->pairs = p;
	s->has_eta = has_eta;
	s->n = p->nitems + (has_eta ? 1 : 0);
	s->diag = bt_alloc(sizeof(double) * (p->nitems + 1));
	s->prior_info = bt_alloc(sizeof(double) * Max(p->nitems, 1));
	s->w = bt_alloc(sizeof(double) * np);
	s->ea = has_eta ? bt_alloc(sizeof(double) * np) : NULL;
	s->eb = has_eta ? bt_alloc(sizeof(double) * np) : NULL;
	s->acc = bt_alloc(sizeof(BtItemAcc) * Max(p->nitems, 1));
	s->mv = bt_alloc(sizeof(double) * 2 * Max(p->nitems, 1));
}

/* out = J v, the information matrix at x times v (for gradient checks). */
void
bt_hessian_vector(const BtObjective *obj, const double *x, const double *v, double *out)
{
	BtSystem	s;
	double	   *g = palloc(sizeof(double) * (obj->pairs->nitems + 1));

	memset(&s, 0, sizeof(s));
	bt_system_alloc(&s, obj->pairs, obj->has_eta);
	(void) bt_eval(obj, x, g, &s, NULL);
	bt_system_matvec(&s, v, out);
	pfree(g);
	pfree(s.diag);
	pfree(s.prior_info);
	pfree(s.acc);
	pfree(s.mv);
	pfree(s.w);
	if (s.ea)
	{
		pfree(s.ea);
		pfree(s.eb);
	}
}

BtFit *
bt_fit_alloc(int32 nitems, int32 nworkers)
{
	BtFit	   *f = palloc0(sizeof(BtFit));
	Size		n = Max(nitems, 1);

	f->nitems = nitems;
	f->nworkers = nworkers;
	f->theta = bt_alloc0(sizeof(double) * n);
	f->se = bt_alloc0(sizeof(double) * n);
	f->component = bt_alloc0(sizeof(int32) * n);
	if (nworkers > 0)
	{
		f->reliability = bt_alloc0(sizeof(double) * nworkers);
		f->noise = bt_alloc0(sizeof(double) * BT_NOUTCOMES * nworkers);
	}
	return f;
}

/* Whether ties are modelled on this pair table: Davidson and any tie seen. */
bool
bt_ties_modelled(const BtPairs *p, BtTies ties)
{
	int32		i;

	if (ties != BT_TIES_DAVIDSON)
		return false;
	for (i = 0; i < p->npairs; i++)
		if (p->t[i] > 0.0)
			return true;
	return false;
}

/* Starting log(nu): the tie share, with the tie prior, as if all were equal. */
static double
bt_initial_eta(const BtPairs *p)
{
	double		tot = 0.0,
				ties = 0.0;
	int32		i;

	for (i = 0; i < p->npairs; i++)
	{
		tot += p->wa[i] + p->wb[i] + p->t[i];
		ties += p->t[i];
	}
	return log(2.0 * (ties + BT_TIE_PRIOR) / (tot - ties + BT_TIE_PRIOR));
}

/*
 * Without a prior the scores of a component are defined up to a common
 * shift (J is singular along the component's constant vector): remove each
 * component's mean from v, so that Newton's steps and the convergence test
 * see only the identified part.
 */
static void
bt_gauge_project(const BtSystem *s, double *v)
{
	int32		c,
				k;

	for (c = 1; c <= s->ncomponents; c++)
	{
		int32		start = s->comp_start[c];
		int32		size = s->comp_start[c + 1] - start;
		double		mean = 0.0;

		for (k = 0; k < size; k++)
			mean += v[s->members[start + k]];
		mean /= size;
		for (k = 0; k < size; k++)
			v[s->members[start + k]] -= mean;
	}
}

/*
 * Newton's method with backtracking; x is updated in place.  Every trial
 * point is evaluated in one pass (objective, gradient and J), so an accepted
 * step costs one pass over the pairs plus the conjugate-gradient solve.
 */
static void
bt_newton(BtNewton *nt, const BtFitOptions *o, double *x, BtFit *fit)
{
	const BtObjective *obj = &nt->obj;
	BtSystem   *sys = &nt->sys;
	int32		nx = sys->n;
	double	   *g = bt_alloc(sizeof(double) * nx);
	double	   *gt = bt_alloc(sizeof(double) * nx);
	double	   *dx = bt_alloc(sizeof(double) * nx);
	double	   *xt = bt_alloc(sizeof(double) * nx);
	double		f;
	double		gmax;
	int32		steps = 0;

	fit->converged = false;
	gmax = bt_eval(obj, x, g, sys, &f);
	while (steps < o->max_iter)
	{
		double		gnorm = 0.0,
					gmax_t = gmax,
					slope = 0.0,
					alpha = 1.0,
					ft = f,
					noise,
					step = 0.0;
		int32		i;
		int			cgit = 0;
		bool		accepted = false;

		CHECK_FOR_INTERRUPTS();
		if (obj->prior <= 0.0)
			bt_gauge_project(sys, g);
		for (i = 0; i < nx; i++)
			gnorm += g[i] * g[i];
		gnorm = sqrt(gnorm);
		if (gnorm > 0.0)
			cgit = bt_system_solve(sys, g, dx, Max(Min(0.1, gnorm), 1e-12),
								   Min(Max(2 * nx, 50), 1000));
		else
			memset(dx, 0, sizeof(double) * nx);
		if (obj->prior <= 0.0)
			bt_gauge_project(sys, dx);
		for (i = 0; i < nx; i++)
		{
			slope += g[i] * dx[i];
			step = Max(step, fabs(dx[i]));
		}

		/*
		 * The Newton step is the predicted distance to the optimum: when it
		 * would move no score by tol, the scores are converged (and x, with
		 * its objective, gradient and J, is the result).
		 */
		if (step < o->tol)
		{
			fit->converged = true;
			break;
		}

		/*
		 * slope / 2 is the increase the Newton step predicts.  Near the
		 * optimum it drowns in the objective's rounding noise, so a step that
		 * does not lower the objective by more than that noise is accepted
		 * (Newton steps are exact there) and the scores still converge.
		 */
		if (!(slope > 0.0))
		{
			/* no ascent direction: the gradient is at rounding level */
			fit->converged = (step < o->tol);
			break;
		}
		step = 0.0;
		noise = 1e-12 * (1.0 + fabs(f));
		while (alpha > 1e-10)
		{
			for (i = 0; i < nx; i++)
				xt[i] = x[i] + alpha * dx[i];
			gmax_t = bt_eval(obj, xt, gt, sys, &ft);
			if (ft >= f + 1e-4 * alpha * slope - noise)
			{
				accepted = true;
				break;
			}
			alpha *= 0.5;
		}
#ifdef BT_TRACE
		elog(NOTICE, "newton %d: f %.15g |g| %g cg %d alpha %g", steps, f, gnorm, cgit, alpha);
#else
		(void) cgit;
#endif
		if (!accepted)
		{
			/* no increase found: J and g must describe x again */
			gmax = bt_eval(obj, x, g, sys, &f);
			break;
		}
		for (i = 0; i < nx; i++)
			step = Max(step, fabs(xt[i] - x[i]));
		memcpy(x, xt, sizeof(double) * nx);
		memcpy(g, gt, sizeof(double) * nx);
		f = ft;
		gmax = gmax_t;
		steps++;
		if (step < o->tol)
		{
			fit->converged = true;
			break;
		}
	}
	fit->iterations = steps;
	nt->f = f;
	nt->gmax = gmax;
	pfree(g);
	pfree(gt);
	pfree(dx);
	pfree(xt);
}

/*
 * Hunter's MM iteration (ties ignored).  Strengths p = e^theta; the prior
 * adds `prior` wins and `prior` games against a reference of strength 1.
 * With prior 0 the strengths are renormalised to sum 1 at every step, as
 * Crowd-Kit does; items without wins then get strength 0 (score -Infinity).
 */
static void
bt_mm(const BtPairs *p, const BtFitOptions *o, double *x, BtFit *fit)
{
	int32		n = p->nitems;
	double		lambda = o->prior;
	double	   *wins = bt_alloc0(sizeof(double) * Max(n, 1));
	double	   *den = bt_alloc(sizeof(double) * Max(n, 1));
	double	   *pw = bt_alloc(sizeof(double) * Max(n, 1));
	int32		it,
				i;

	for (i = 0; i < p->npairs; i++)
	{
		wins[p->a[i]] += p->wa[i];
		wins[p->b[i]] += p->wb[i];
	}
	for (i = 0; i < n; i++)
		pw[i] = exp(x[i]);
	fit->converged = false;
	for (it = 1; it <= o->max_iter; it++)
	{
		double		change = 0.0;
		double		sum = 0.0;

		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < n; i++)
			den[i] = lambda > 0.0 ? 2.0 * lambda / (pw[i] + 1.0) : 0.0;
		for (i = 0; i < p->npairs; i++)
		{
			double		cnt = p->wa[i] + p->wb[i];
			double		s = pw[p->a[i]] + pw[p->b[i]];
			double		z;

			if (cnt <= 0.0 || s <= 0.0)
				continue;
			z = cnt / s;
			den[p->a[i]] += z;
			den[p->b[i]] += z;
		}
		for (i = 0; i < n; i++)
		{
			double		num = wins[i] + lambda;

			den[i] = (num > 0.0 && den[i] > 0.0) ? num / den[i] : 0.0;
			sum += den[i];
		}
		if (lambda <= 0.0 && sum > 0.0)
			for (i = 0; i < n; i++)
				den[i] /= sum;
		for (i = 0; i < n; i++)
		{
			double		d;

			if (den[i] == pw[i])
				continue;
			if (den[i] <= 0.0 || pw[i] <= 0.0)
				d = get_float8_infinity();
			else
				d = fabs(log(den[i]) - log(pw[i]));
			change = Max(change, d);
			pw[i] = den[i];
		}
		if (change < o->tol)
		{
			fit->converged = true;
			break;
		}
	}
	fit->iterations = Min(it, o->max_iter);
	for (i = 0; i < n; i++)
		x[i] = pw[i] > 0.0 ? log(pw[i]) : -get_float8_infinity();
	pfree(wins);
	pfree(den);
	pfree(pw);
}

/*
 * Fit the plain model on a pair table: Newton or MM per o->method, from x
 * (warm start; else from zero).  x holds nitems scores and, when ties are
 * modelled, log nu.  Fills iterations and converged; bt_fit_finish fills
 * the rest.
 */
void
bt_fit_plain(const BtPairs *p, const BtFitOptions *o, double *x, bool warm, BtFit *fit,
			 BtNewton *solver)
{
	int32		n = p->nitems;
	bool		has_eta = bt_ties_modelled(p, o->ties);

	if (!warm)
	{
		memset(x, 0, sizeof(double) * n);
		if (o->method == BT_METHOD_NEWTON)
		{
			/* start Newton from smoothed log-odds of winning */
			double	   *won = bt_alloc0(sizeof(double) * Max(n, 1));
			double	   *lost = bt_alloc0(sizeof(double) * Max(n, 1));
			int32		i;

			for (i = 0; i < p->npairs; i++)
			{
				won[p->a[i]] += p->wa[i] + 0.5 * p->t[i];
				lost[p->a[i]] += p->wb[i] + 0.5 * p->t[i];
				won[p->b[i]] += p->wb[i] + 0.5 * p->t[i];
				lost[p->b[i]] += p->wa[i] + 0.5 * p->t[i];
			}
			for (i = 0; i < n; i++)
				x[i] = log((won[i] + 1.0) / (lost[i] + 1.0));
			pfree(won);
			pfree(lost);
		}
		if (has_eta)
			x[n] = bt_initial_eta(p);
	}
	if (o->method == BT_METHOD_MM)
		bt_mm(p, o, x, fit);
	else
	{
		BtNewton	local;
		BtNewton   *nt = solver ? solver : &local;

		bt_newton_init(nt, p, o);
		bt_newton_run(nt, o, x, fit);
	}
}

/*
 * A Newton solver for one pair table: the objective, the component layout
 * and the system's arrays, set up once and reused by bt_newton_run (the EM
 * loop of the noisy model changes the weights, not the pairs).
 */
void
bt_newton_init(BtNewton *nt, const BtPairs *p, const BtFitOptions *o)
{
	int32		n = p->nitems;
	bool		has_eta = bt_ties_modelled(p, o->ties);
	int32	   *component = bt_alloc(sizeof(int32) * Max(n, 1));
	int32		ncomp = bt_components(p, component);

	nt->obj.pairs = p;
	nt->obj.prior = o->prior;
	nt->obj.has_eta = has_eta;
	nt->obj.eta_prior = has_eta;
	memset(&nt->sys, 0, sizeof(nt->sys));
	bt_system_alloc(&nt->sys, p, has_eta);
	bt_system_layout(&nt->sys, p, component, ncomp);
}

/* Newton's method from x (scores, then log nu when ties are modelled). */
void
bt_newton_run(BtNewton *nt, const BtFitOptions *o, double *x, BtFit *fit)
{
	bt_newton(nt, o, x, fit);
}

/*
 * Everything but the iteration itself: components, nu, the objective and
 * its gradient at x, standard errors, and with prior 0 the Crowd-Kit
 * normalisation (strengths summing to 1).  When the Newton solver that
 * produced x is given, its last evaluation (at x) is reused.
 */
void
bt_fit_finish(const BtPairs *p, const BtFitOptions *o, const double *x, BtFit *fit,
			  const BtNewton *solver)
{
	int32		n = p->nitems;
	bool		has_eta = bt_ties_modelled(p, o->ties);
	BtSystem	local;
	const BtSystem *sys = solver ? &solver->sys : &local;
	int32		i;

	fit->nu = has_eta ? exp(x[n]) : 0.0;
	if (solver)
	{
		fit->ncomponents = solver->sys.ncomponents;
		memcpy(fit->component, solver->sys.component, sizeof(int32) * n);
		fit->log_posterior = solver->f;
		fit->gradient_max = solver->gmax;
	}
	else
	{
		BtObjective obj = {p, o->prior, has_eta, has_eta};
		double	   *g = bt_alloc(sizeof(double) * (n + 1));

		fit->ncomponents = bt_components(p, fit->component);
		memset(&local, 0, sizeof(local));
		bt_system_alloc(&local, p, has_eta);
		bt_system_layout(&local, p, fit->component, fit->ncomponents);
		fit->gradient_max = bt_eval(&obj, x, g, &local, &fit->log_posterior);
		pfree(g);
	}
	memcpy(fit->theta, x, sizeof(double) * n);
	if (o->prior > 0.0)
		bt_system_standard_errors(sys, fit->se);
	else
	{
		double		mx = -get_float8_infinity();
		double		sum = 0.0;

		for (i = 0; i < n; i++)
		{
			fit->se[i] = get_float8_nan();
			mx = Max(mx, fit->theta[i]);
		}
		if (isfinite(mx))
		{
			for (i = 0; i < n; i++)
				sum += exp(fit->theta[i] - mx);
			mx += log(sum);
			for (i = 0; i < n; i++)
				fit->theta[i] -= mx;
		}
	}
}

/* Fit a canonical table with the given options. */
BtFit *
bt_fit_data(const BtData *d, const BtFitOptions *o)
{
	BtFit	   *fit = bt_fit_alloc(d->items.n, o->noisy ? d->workers.n : 0);

	if (o->noisy)
		bt_fit_noisy(d, o, fit);
	else
	{
		BtPairs    *p = bt_pairs_from_data(d, o->ties == BT_TIES_DAVIDSON, NULL);
		double	   *x = bt_alloc0(sizeof(double) * (d->items.n + 1));
		BtNewton	nt;

		bt_fit_plain(p, o, x, false, fit, &nt);
		bt_fit_finish(p, o, x, fit, o->method == BT_METHOD_NEWTON ? &nt : NULL);
	}
	return fit;
}
