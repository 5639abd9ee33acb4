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
 *	  posterior never decreases).  EM is accelerated by SQUAREM: two EM steps
 *	  give a direction, the extrapolated point is stabilised by a third step
 *	  and kept only if the marginal posterior did not decrease.  Stops when
 *	  no parameter (scores, log nu, logit q_w, log rho_w) moved by tol or more
 *	  in a cycle, or after max_iter EM steps.
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

#include "bt.h"
#include "squarem.h"

/* Newton steps per M-step */
#define BT_EM_NEWTON_STEPS	2
/* Starting reliability of every worker */
#define BT_EM_START_RELIABILITY	0.8

/*
 * The E-step at (x, rel, noise): the r-weighted pair table into w (same
 * pairs as p), and when the sums are given, per worker the model mass, the
 * noise mass per outcome and the answer count.  Returns the marginal
 * log-likelihood (without priors); with w NULL only that is computed.  Tie
 * answers count only when has_eta.
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

	if (w)
	{
		memset(w->wa, 0, sizeof(double) * (Size) p->npairs);
		memset(w->wb, 0, sizeof(double) * (Size) p->npairs);
		memset(w->t, 0, sizeof(double) * (Size) p->npairs);
	}
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
			ll += cnt * log(l);
			if (!w)
				continue;
			r = l > 0.0 ? q * pr[o] / l : 0.0;
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
	BtPairs		zero;
	BtObjective obj;
	double		f;

	f = bt_estep(d, p, cell_pair, has_eta, x, rel, noise, NULL, NULL, NULL, NULL);
	/* the priors on scores and eta: the plain objective of an empty table */
	zero = *p;
	zero.npairs = 0;
	obj.pairs = &zero;
	obj.prior = prior;
	obj.has_eta = has_eta;
	obj.eta_prior = has_eta;
	f += bt_objective(&obj, x);
	f += bt_worker_log_prior(d->workers.n, has_eta, rel, noise);
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
	bt_pairs_free(w);
	return gmax;
}

/*
 * The EM map of the noisy model, on a parameter vector in unconstrained
 * coordinates: nx scores (and log nu), then logit(q_w) per worker, then
 * log rho_w(o) per worker and modelled outcome.
 */
typedef struct BtEm
{
	const BtData *d;
	const BtPairs *p;			/* raw pair counts */
	const int32 *cell_pair;
	BtPairs    *w;				/* r-weighted pairs of the last E-step */
	BtNewton	nt;				/* Newton solver on w */
	BtFitOptions inner;			/* options of the M-step's Newton steps */
	BtFit	   *scratch;
	bool		has_eta;
	int			nout;
	int32		nx;
	int32		nw;
	int32		len;			/* length of a parameter vector */
	double	   *rel;			/* natural parameters of the vector at hand */
	double	   *noise;
	double	   *msum;			/* E-step sums per worker */
	double	   *nsum;
	double	   *cnt;
} BtEm;

/*
 * Reliabilities and noise shares from unconstrained coordinates: lq[w] =
 * logit(q_w), and u[stride * w + o] for the nout modelled outcomes (a
 * softmax gives the shares; outcomes not modelled get 0).
 */
void
bt_worker_params(int32 nw, int nout, const double *lq, const double *u, int stride,
				 double *rel, double *noise)
{
	int32		i;
	int			o;

	for (i = 0; i < nw; i++)
	{
		const double *ui = u + (Size) stride * i;
		double		mx = ui[0],
					sum = 0.0;

		rel[i] = 1.0 / (1.0 + exp(-lq[i]));
		for (o = 1; o < nout; o++)
			mx = Max(mx, ui[o]);
		for (o = 0; o < nout; o++)
			sum += exp(ui[o] - mx);
		for (o = 0; o < BT_NOUTCOMES; o++)
			noise[BT_NOUTCOMES * (Size) i + o] = o < nout ? exp(ui[o] - mx) / sum : 0.0;
	}
}

static void
bt_em_unpack(BtEm *em, const double *v)
{
	bt_worker_params(em->nw, em->nout, v + em->nx, v + em->nx + em->nw, em->nout,
					 em->rel, em->noise);
}

static void
bt_em_pack(BtEm *em, double *v)
{
	int32		i;
	int			o;

	for (i = 0; i < em->nw; i++)
	{
		double		q = em->rel[i];

		v[em->nx + i] = log(q / (1.0 - q));
		for (o = 0; o < em->nout; o++)
			v[em->nx + em->nw + (Size) em->nout * i + o] = log(em->noise[BT_NOUTCOMES * (Size) i + o]);
	}
}

/* One EM step: vout = M(vin). */
static void
bt_em_step(BtEm *em, const double *vin, double *vout)
{
	int32		i;
	int			o;

	CHECK_FOR_INTERRUPTS();
	bt_em_unpack(em, vin);
	(void) bt_estep(em->d, em->p, em->cell_pair, em->has_eta, vin, em->rel, em->noise,
					em->w, em->msum, em->nsum, em->cnt);
	/* workers: closed forms (MAP with the Beta and Dirichlet priors) */
	for (i = 0; i < em->nw; i++)
	{
		double		tot = em->nout;

		em->rel[i] = (em->msum[i] + 1.0) / (em->cnt[i] + 2.0);
		for (o = 0; o < em->nout; o++)
			tot += em->nsum[BT_NOUTCOMES * (Size) i + o];
		for (o = 0; o < em->nout; o++)
			em->noise[BT_NOUTCOMES * (Size) i + o] = (em->nsum[BT_NOUTCOMES * (Size) i + o] + 1.0) / tot;
	}
	bt_em_pack(em, vout);
	/* scores (and log nu): Newton steps on the r-weighted posterior */
	memcpy(vout, vin, sizeof(double) * em->nx);
	bt_newton_run(&em->nt, &em->inner, vout, em->scratch);
}

static double
bt_em_objective(BtEm *em, const double *v)
{
	bt_em_unpack(em, v);
	return bt_noisy_objective(em->d, em->p, em->cell_pair, em->has_eta, em->inner.prior,
							  v, em->rel, em->noise);
}

/*
 * Fit the noisy model of a table with a worker column: EM accelerated by
 * SQUAREM (Varadhan and Roland 2008, scheme S3): two EM steps give a
 * direction, the extrapolated point is stabilised by a third step and kept
 * only if the marginal posterior did not decrease (else the plain EM point
 * is kept), so every cycle is monotone like EM.
 */
void
bt_fit_noisy(const BtData *d, const BtFitOptions *o, BtFit *fit)
{
	BtEm		em;
	int32	   *cell_pair;
	BtPairs    *p = bt_pairs_from_data(d, o->ties == BT_TIES_DAVIDSON, &cell_pair);
	int32		n = p->nitems;
	double	   *v0,
			   *v1,
			   *v2,
			   *vp,
			   *v3,
			   *gx,
			   *grel,
			   *gnoise;
	double		f0;
	int32		steps = 0;
	int32		i;
	int			k;

	memset(&em, 0, sizeof(em));
	em.d = d;
	em.p = p;
	em.cell_pair = cell_pair;
	em.has_eta = bt_ties_modelled(p, o->ties);
	em.nout = em.has_eta ? BT_NOUTCOMES : 2;
	em.nx = n + (em.has_eta ? 1 : 0);
	em.nw = d->workers.n;
	em.len = em.nx + em.nw + em.nout * em.nw;
	em.rel = fit->reliability;
	em.noise = fit->noise;
	em.msum = bt_alloc(sizeof(double) * Max(em.nw, 1));
	em.nsum = bt_alloc(sizeof(double) * BT_NOUTCOMES * Max(em.nw, 1));
	em.cnt = bt_alloc(sizeof(double) * Max(em.nw, 1));
	em.scratch = bt_fit_alloc(0, 0);
	v0 = bt_alloc0(sizeof(double) * (em.len + 1));
	v1 = bt_alloc0(sizeof(double) * (em.len + 1));
	v2 = bt_alloc0(sizeof(double) * (em.len + 1));
	vp = bt_alloc0(sizeof(double) * (em.len + 1));
	v3 = bt_alloc0(sizeof(double) * (em.len + 1));

	/* start: the plain fit of all answers, every worker fairly reliable */
	em.inner = *o;
	em.inner.method = BT_METHOD_NEWTON;
	em.inner.noisy = false;
	em.inner.max_iter = BT_DEFAULT_NEWTON_ITER;
	em.inner.tol = 1e-6;
	bt_fit_plain(p, &em.inner, v0, false, em.scratch, NULL);
	for (i = 0; i < em.nw; i++)
	{
		em.rel[i] = BT_EM_START_RELIABILITY;
		for (k = 0; k < BT_NOUTCOMES; k++)
			em.noise[BT_NOUTCOMES * (Size) i + k] = k < em.nout ? 1.0 / em.nout : 0.0;
	}
	bt_em_pack(&em, v0);

	/* the weighted table and its solver (the E-step fills the weights) */
	em.w = bt_pairs_alloc(n, p->npairs);
	memcpy(em.w->a, p->a, sizeof(int32) * (Size) p->npairs);
	memcpy(em.w->b, p->b, sizeof(int32) * (Size) p->npairs);
	(void) bt_estep(d, p, cell_pair, em.has_eta, v0, em.rel, em.noise, em.w, NULL, NULL, NULL);
	bt_newton_init(&em.nt, em.w, o);
	em.inner.max_iter = BT_EM_NEWTON_STEPS;
	em.inner.tol = Min(o->tol, 1e-6) * 0.1;

	f0 = bt_em_objective(&em, v0);
	fit->converged = false;
	while (steps < o->max_iter)
	{
		double		f3,
					change = 0.0;

		bt_em_step(&em, v0, v1);
		bt_em_step(&em, v1, v2);
		steps += 2;
		squarem_extrapolate(v0, v1, v2, em.len, squarem_step_length(v0, v1, v2, em.len), vp);
		bt_em_step(&em, vp, v3);
		steps++;
		f3 = bt_em_objective(&em, v3);
		if (!(f3 >= f0 - 1e-12 * (1.0 + fabs(f0))))
		{
			/* the extrapolation overshot: keep the plain EM point */
			memcpy(v3, v2, sizeof(double) * em.len);
			f3 = bt_em_objective(&em, v3);
		}
		for (i = 0; i < em.len; i++)
			change = Max(change, fabs(v3[i] - v0[i]));
		memcpy(v0, v3, sizeof(double) * em.len);
		f0 = f3;
		if (change < o->tol)
		{
			fit->converged = true;
			break;
		}
	}
	fit->iterations = steps;
	bt_em_unpack(&em, v0);

	/* standard errors etc. from the weighted table of the final E-step */
	(void) bt_estep(d, p, cell_pair, em.has_eta, v0, em.rel, em.noise, em.w, NULL, NULL, NULL);
	em.inner = *o;
	em.inner.method = BT_METHOD_NEWTON;
	bt_fit_finish(em.w, &em.inner, v0, fit, NULL);
	/* components of the raw comparison graph */
	fit->ncomponents = bt_components(p, fit->component);
	fit->log_posterior = bt_noisy_objective(d, p, cell_pair, em.has_eta, o->prior,
											v0, em.rel, em.noise);
	gx = bt_alloc(sizeof(double) * (n + 1));
	grel = bt_alloc(sizeof(double) * Max(em.nw, 1));
	gnoise = bt_alloc(sizeof(double) * BT_NOUTCOMES * Max(em.nw, 1));
	fit->gradient_max = bt_noisy_gradient(d, p, cell_pair, em.has_eta, o->prior, v0,
										  em.rel, em.noise, gx, grel, gnoise);
	fit->nu = em.has_eta ? exp(v0[n]) : 0.0;
}
