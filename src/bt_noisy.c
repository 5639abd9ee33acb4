/*-------------------------------------------------------------------------
 *
 * bt_noisy.c
 *	  The noisy Bradley-Terry-Davidson model of bt_rank with a worker
 *	  column, fitted by EM.
 *
 *	  Model.  Worker w answers a comparison of left item a and right item b
 *	  by the Bradley-Terry-Davidson model (bt_fit.c) with probability q_w
 *	  (the worker's reliability); otherwise the answer is noise: "left",
 *	  "right" or "same" with the worker's own shares rho_w, which capture a
 *	  position bias (and a habit of answering "same").  The probability of
 *	  outcome o is  q_w P_BT(o | a, b) + (1 - q_w) rho_w(o).
 *
 *	  Priors (MAP).  The item and tie priors of bt_fit.c; q_w ~ Beta(2, 2)
 *	  (one virtual answer of each kind); rho_w ~ Dirichlet(2, ..., 2) over
 *	  the outcomes modelled (left, right, and "same" when ties are
 *	  modelled).
 *
 *	  EM.  E-step: the posterior r that an answer followed the model,
 *	  r = q P_BT(o) / (q P_BT(o) + (1 - q) rho(o)).  M-step: closed forms for
 *	  q_w and rho_w, and for the scores a few warm-started Newton steps on
 *	  the Bradley-Terry-Davidson posterior with every answer weighted by r
 *	  (each step increases it, so this is a generalised EM: the marginal
 *	  posterior never decreases).  Stops when no parameter moved by tol or
 *	  more, or at max_iter iterations.
 *
 *	  The marginal objective and its gradient are here too (the gradient in
 *	  the scores is the r-weighted Bradley-Terry-Davidson gradient, by
 *	  Fisher's identity); bt_gradient_check compares them with finite
 *	  differences, and the gradient is ~0 at a converged fit.
 *
 * IDENTIFICATION
 *	  src/bt_noisy.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "bradley_terry.h"

/* Newton steps per M-step */
#define BT_EM_NEWTON_STEPS	5
/* Starting reliability of every worker */
#define BT_EM_START_RELIABILITY	0.8

/*
 * The E-step at (x, rel, noise): the r-weighted pair table into w (same
 * pairs as p), and when the sums are given, per worker the model mass, the
 * noise mass per outcome and the answer count.  Returns the marginal
 * log-likelihood (without priors).  Tie answers count only when has_eta.
 */
static double
bt_estep(const BtData *d, const BtPairs *p, const int32 *cell_pair, bool has_eta,
		 const double *x, const double *rel, const double *noise,
		 BtPairs *w, double *model_sum, double *noise_sum, double *count)
{
	int32		n = p->nitems;
	double		nu = has_eta ? exp(x[n]) : 0.0;
	int			nout = has_eta ? BT_NOUTCOMES : 2;
	double		ll = 0.0;
	int32		i;

	memset(w->wa, 0, sizeof(double) * (Size) p->npairs);
	memset(w->wb, 0, sizeof(double) * (Size) p->npairs);
	memset(w->t, 0, sizeof(double) * (Size) p->npairs);
	if (model_sum)
	{
		memset(model_sum, 0, sizeof(double) * (Size) d->workers.n);
		memset(noise_sum, 0, sizeof(double) * BT_NOUTCOMES * (Size) d->workers.n);
		memset(count, 0, sizeof(double) * (Size) d->workers.n);
	}
	for (i = 0; i < d->ncells; i++)
	{
		const BtCell *c = &d->cells[i];
		int32		k = cell_pair[i];
		bool		flip = c->a > c->b;
		double		q = rel[c->worker];
		const double *rho = noise + BT_NOUTCOMES * (Size) c->worker;
		double		pr[BT_NOUTCOMES];
		int			o;

		bt_probs(x[c->a] - x[c->b], nu, &pr[BT_WIN_A], &pr[BT_WIN_B], &pr[BT_TIE]);
		for (o = 0; o < nout; o++)
		{
			double		cnt = c->n[o];
			double		l,
						r;

			if (cnt <= 0.0)
				continue;
			l = q * pr[o] + (1.0 - q) * rho[o];
			r = l > 0.0 ? q * pr[o] / l : 0.0;
			ll += cnt * log(l);
			if (o == BT_TIE)
				w->t[k] += cnt * r;
			else if ((o == BT_WIN_A) != flip)
				w->wa[k] += cnt * r;
			else
				w->wb[k] += cnt * r;
			if (model_sum)
			{
				model_sum[c->worker] += cnt * r;
				noise_sum[BT_NOUTCOMES * (Size) c->worker + o] += cnt * (1.0 - r);
				count[c->worker] += cnt;
			}
		}
	}
	return ll;
}

/* Log-density of the worker priors (up to constants). */
static double
bt_worker_log_prior(int32 nworkers, bool has_eta, const double *rel, const double *noise)
{
	int			nout = has_eta ? BT_NOUTCOMES : 2;
	double		f = 0.0;
	int32		w;
	int			o;

	for (w = 0; w < nworkers; w++)
	{
		f += log(rel[w]) + log(1.0 - rel[w]);
		for (o = 0; o < nout; o++)
			f += log(noise[BT_NOUTCOMES * (Size) w + o]);
	}
	return f;
}

/*
 * The marginal log-posterior of the noisy model at scores x (and log nu
 * when has_eta), reliabilities rel and noise shares noise.
 */
double
bt_noisy_objective(const BtData *d, const BtPairs *p, const int32 *cell_pair,
				   bool has_eta, double prior, const double *x,
				   const double *rel, const double *noise)
{
	BtPairs    *w = bt_pairs_alloc(p->nitems, p->npairs);
	BtPairs		zero;
	BtObjective obj;
	double		f;

	f = bt_estep(d, p, cell_pair, has_eta, x, rel, noise, w, NULL, NULL, NULL);
	/* the priors on scores and eta: the plain objective of an empty table */
	zero = *p;
	zero.npairs = 0;
	obj.pairs = &zero;
	obj.prior = prior;
	obj.has_eta = has_eta;
	obj.eta_prior = has_eta;
	f += bt_objective(&obj, x);
	f += bt_worker_log_prior(d->workers.n, has_eta, rel, noise);
	pfree(w->a);
	pfree(w->b);
	pfree(w->wa);
	pfree(w->wb);
	pfree(w->t);
	pfree(w);
	return f;
}

/*
 * Gradient of the marginal log-posterior: gx in the scores (and log nu),
 * grel in logit(q_w), gnoise in the softmax coordinates of rho_w (3 per
 * worker; 0 for an outcome not modelled).  Returns max |gradient|.
 */
double
bt_noisy_gradient(const BtData *d, const BtPairs *p, const int32 *cell_pair,
				  bool has_eta, double prior, const double *x,
				  const double *rel, const double *noise,
				  double *gx, double *grel, double *gnoise)
{
	BtPairs    *w = bt_pairs_alloc(p->nitems, p->npairs);
	BtObjective obj;
	int32		n = p->nitems;
	int32		nw = d->workers.n;
	double		nu = has_eta ? exp(x[n]) : 0.0;
	int			nout = has_eta ? BT_NOUTCOMES : 2;
	double	   *dq = bt_alloc0(sizeof(double) * Max(nw, 1));
	double	   *drho = bt_alloc0(sizeof(double) * BT_NOUTCOMES * Max(nw, 1));
	double		gmax;
	int32		i;
	int			o;

	/* scores: the r-weighted plain gradient (Fisher's identity) */
	memcpy(w->a, p->a, sizeof(int32) * (Size) p->npairs);
	memcpy(w->b, p->b, sizeof(int32) * (Size) p->npairs);
	(void) bt_estep(d, p, cell_pair, has_eta, x, rel, noise, w, NULL, NULL, NULL);
	obj.pairs = w;
	obj.prior = prior;
	obj.has_eta = has_eta;
	obj.eta_prior = has_eta;
	gmax = bt_gradient(&obj, x, gx);

	/* workers, in q and rho first */
	for (i = 0; i < d->ncells; i++)
	{
		const BtCell *c = &d->cells[i];
		double		q = rel[c->worker];
		const double *rho = noise + BT_NOUTCOMES * (Size) c->worker;
		double		pr[BT_NOUTCOMES];

		bt_probs(x[c->a] - x[c->b], nu, &pr[BT_WIN_A], &pr[BT_WIN_B], &pr[BT_TIE]);
		for (o = 0; o < nout; o++)
		{
			double		l;

			if (c->n[o] <= 0)
				continue;
			l = q * pr[o] + (1.0 - q) * rho[o];
			dq[c->worker] += c->n[o] * (pr[o] - rho[o]) / l;
			drho[BT_NOUTCOMES * (Size) c->worker + o] += c->n[o] * (1.0 - q) / l;
		}
	}
	for (i = 0; i < nw; i++)
	{
		double		q = rel[i];
		const double *rho = noise + BT_NOUTCOMES * (Size) i;
		double	   *dr = drho + BT_NOUTCOMES * (Size) i;
		double		mean = 0.0;

		dq[i] += 1.0 / q - 1.0 / (1.0 - q);
		grel[i] = q * (1.0 - q) * dq[i];
		gmax = Max(gmax, fabs(grel[i]));
		for (o = 0; o < nout; o++)
		{
			dr[o] += 1.0 / rho[o];
			mean += rho[o] * dr[o];
		}
		for (o = 0; o < BT_NOUTCOMES; o++)
		{
			double		gg = o < nout ? rho[o] * (dr[o] - mean) : 0.0;

			gnoise[BT_NOUTCOMES * (Size) i + o] = gg;
			gmax = Max(gmax, fabs(gg));
		}
	}
	pfree(dq);
	pfree(drho);
	pfree(w->a);
	pfree(w->b);
	pfree(w->wa);
	pfree(w->wb);
	pfree(w->t);
	pfree(w);
	return gmax;
}

/* Fit the noisy model of a table with a worker column. */
void
bt_fit_noisy(const BtData *d, const BtFitOptions *o, BtFit *fit)
{
	int32	   *cell_pair;
	BtPairs    *p = bt_pairs_from_data(d, o->ties == BT_TIES_DAVIDSON, &cell_pair);
	BtPairs    *w = bt_pairs_alloc(p->nitems, p->npairs);
	int32		n = p->nitems;
	int32		nw = d->workers.n;
	bool		has_eta = bt_ties_modelled(p, o->ties);
	int			nout = has_eta ? BT_NOUTCOMES : 2;
	double	   *x = bt_alloc0(sizeof(double) * (n + 1));
	double	   *xold = bt_alloc(sizeof(double) * (n + 1));
	double	   *rel = fit->reliability;
	double	   *noise = fit->noise;
	double	   *msum = bt_alloc(sizeof(double) * Max(nw, 1));
	double	   *nsum = bt_alloc(sizeof(double) * BT_NOUTCOMES * Max(nw, 1));
	double	   *cnt = bt_alloc(sizeof(double) * Max(nw, 1));
	double	   *gx,
			   *grel,
			   *gnoise;
	BtFitOptions inner = *o;
	BtFit	   *scratch = bt_fit_alloc(0, 0);
	int32		it,
				i;
	int			k;

	memcpy(w->a, p->a, sizeof(int32) * (Size) p->npairs);
	memcpy(w->b, p->b, sizeof(int32) * (Size) p->npairs);

	/* start: the plain fit of all answers, every worker fairly reliable */
	inner.method = BT_METHOD_NEWTON;
	inner.noisy = false;
	inner.max_iter = BT_DEFAULT_NEWTON_ITER;
	inner.tol = 1e-6;
	bt_fit_plain(p, &inner, x, false, scratch);
	for (i = 0; i < nw; i++)
	{
		rel[i] = BT_EM_START_RELIABILITY;
		for (k = 0; k < BT_NOUTCOMES; k++)
			noise[BT_NOUTCOMES * (Size) i + k] = k < nout ? 1.0 / nout : 0.0;
	}

	inner.max_iter = BT_EM_NEWTON_STEPS;
	inner.tol = Min(o->tol, 1e-6) * 0.1;
	fit->converged = false;
	for (it = 1; it <= o->max_iter; it++)
	{
		double		change = 0.0;

		CHECK_FOR_INTERRUPTS();
		(void) bt_estep(d, p, cell_pair, has_eta, x, rel, noise, w, msum, nsum, cnt);

		/* M-step: workers */
		for (i = 0; i < nw; i++)
		{
			double		q = (msum[i] + 1.0) / (cnt[i] + 2.0);
			double		tot = nout;

			change = Max(change, fabs(q - rel[i]));
			rel[i] = q;
			for (k = 0; k < nout; k++)
				tot += nsum[BT_NOUTCOMES * (Size) i + k];
			for (k = 0; k < nout; k++)
			{
				double		r = (nsum[BT_NOUTCOMES * (Size) i + k] + 1.0) / tot;

				change = Max(change, fabs(r - noise[BT_NOUTCOMES * (Size) i + k]));
				noise[BT_NOUTCOMES * (Size) i + k] = r;
			}
		}

		/* M-step: scores (and log nu), Newton on the weighted posterior */
		memcpy(xold, x, sizeof(double) * (n + 1));
		bt_fit_plain(w, &inner, x, true, scratch);
		for (i = 0; i < n + (has_eta ? 1 : 0); i++)
			change = Max(change, fabs(x[i] - xold[i]));
		if (change < o->tol)
		{
			fit->converged = true;
			break;
		}
	}
	fit->iterations = Min(it, o->max_iter);

	/* standard errors etc. from the weighted table of the final E-step */
	(void) bt_estep(d, p, cell_pair, has_eta, x, rel, noise, w, NULL, NULL, NULL);
	inner = *o;
	inner.method = BT_METHOD_NEWTON;
	bt_fit_finish(w, &inner, x, fit);
	/* components of the raw comparison graph */
	fit->ncomponents = bt_components(p, fit->component);
	fit->log_posterior = bt_noisy_objective(d, p, cell_pair, has_eta, o->prior,
											x, rel, noise);
	gx = bt_alloc(sizeof(double) * (n + 1));
	grel = bt_alloc(sizeof(double) * Max(nw, 1));
	gnoise = bt_alloc(sizeof(double) * BT_NOUTCOMES * Max(nw, 1));
	fit->gradient_max = bt_noisy_gradient(d, p, cell_pair, has_eta, o->prior, x,
										  rel, noise, gx, grel, gnoise);
	fit->nu = has_eta ? exp(x[n]) : 0.0;
}
