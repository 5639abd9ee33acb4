/*-------------------------------------------------------------------------
 *
 * truth_glad.c
 *	  GLAD (Whitehill et al., 2009): each worker has an ability alpha, each
 *	  task an inverse difficulty exp(beta); a worker answers a task
 *	  correctly with probability sigmoid(alpha * exp(beta)) and otherwise
 *	  picks one of the K - 1 wrong labels uniformly.  Priors N(1, 1) on every
 *	  alpha and beta, as in Crowd-Kit.
 *
 *	  EM: the E-step computes the task posteriors exactly; the M-step
 *	  maximises the expected complete-data log posterior Q(alpha, beta) by
 *	  block coordinate ascent: every alpha given the betas (each a strictly
 *	  concave one-dimensional problem: safeguarded Newton), then every beta
 *	  given the alphas (Newton where the curvature is negative, a gradient
 *	  step otherwise, always with backtracking so Q never decreases).  That
 *	  is a generalised EM, so the log posterior (marginal log-likelihood
 *	  plus the log priors) never decreases; the fit stops when it changes
 *	  by at most the tolerance per judgment.
 *
 *	  Class priors stay uniform, as in Crowd-Kit (learning them made GLAD
 *	  collapse toward the majority class on the gal-* datasets; see README).
 *	  GLAD has no smoothing option: its N(1, 1) priors regularise it.
 *
 *	  crowdkit_compat follows Crowd-Kit's loop and stop rule (Q / (N K)
 *	  after each M-step; the reported posteriors are those of the E-step
 *	  before the last M-step) and runs its M-step the way scipy 1.10.1 does
 *	  (25 iterations of Polak-Ribiere+ CG, truth_glad_cg.c).  Rounding differences
 *	  grow through those CG iterations, so compat results agree with
 *	  Crowd-Kit's on labels and to about 1e-4 on the loss, not to the last
 *	  digit.
 *
 * IDENTIFICATION
 *	  src/truth_glad.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "truth_glad_cg.h"
#include "truth_model.h"

/* Newton iterations per parameter per M-step, and their step tolerance. */
#define GLAD_NEWTON_ITERS	3
#define GLAD_NEWTON_TOL		1e-9
/* Largest change of one beta per Newton step (beta is a log scale). */
#define GLAD_MAX_BETA_STEP	2.0
/* Crowd-Kit's M-step: scipy CG with tol=1e-2, maxiter=25. */
#define GLAD_COMPAT_CG_ITERS	25
#define GLAD_COMPAT_CG_GTOL		1e-2

typedef struct GladWork
{
	const TruthData *d;
	int32		K;
	bool		compat;
	double		lK1;			/* log(K - 1) */
	double	   *alpha;			/* nworkers */
	double	   *beta;			/* ntasks */
	double	   *expb;			/* ntasks: exp(beta) */
	double	   *q;				/* ntasks x K */
	double	   *A;				/* n: posterior of the row's own label */
	double	   *priors;			/* K */
	double	   *logpi;			/* K */
	double	   *L;				/* K scratch */
	double	   *blockA;			/* n: A of the rows of the current block */
	double	   *blockc;			/* n: coefficient of the block's parameter */
	int64	   *wrow_start;		/* nworkers + 1 */
	int64	   *wrow;			/* n: rows (task order) grouped by worker */
	int32	   *row_task;		/* n: task of each row */
} GladWork;

static void *
alloc_array(Size count, Size size)
{
	return palloc_extended(Max(count, 1) * size, MCXT_ALLOC_HUGE);
}

/* Crowd-Kit's softplus: log(1 + exp(x)), exact outside [-30, 30]. */
static inline double
softplus(double x)
{
	if (x > 30.0)
		return x;
	if (x < -30.0)
		return 0.0;
	return log1p(exp(x));
}

static inline double
sigmoid(double x)
{
	return x >= 0.0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}

/*
 * log sigmoid(x), log(1 - sigmoid(x)) and sigmoid(x) from one exp and one
 * log1p, stable for any x (default mode; crowdkit_compat keeps Crowd-Kit's
 * clipped softplus).
 */
static inline void
log_sigmoids(double x, double *lsig, double *l1msig, double *sig)
{
	double		e = exp(-fabs(x));
	double		l = log1p(e);

	if (x >= 0.0)
	{
		*lsig = -l;
		*l1msig = -x - l;
		*sig = 1.0 / (1.0 + e);
	}
	else
	{
		*lsig = x - l;
		*l1msig = -l;
		*sig = e / (1.0 + e);
	}
}

/* log N(x - 1 | 0, 1) */
static inline double
log_normal_prior(double x)
{
	return -0.5 * (x - 1.0) * (x - 1.0) - 0.5 * log(2.0 * M_PI);
}

/*
 * E-step: posteriors from alpha, beta and the priors; A = posterior of each
 * row's own label.  Returns the log marginal likelihood.
 */
static double
glad_estep(GladWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	double		ll = 0.0;
	int32		t;

	for (t = 0; t < d->ntasks; t++)
	{
		double	   *qt = w->q + (Size) t * K;
		double		base = 0.0;
		double		m;
		double		sum = 0.0;
		int64		r;
		int32		c;

		for (c = 0; c < K; c++)
			w->L[c] = w->logpi[c];
		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
		{
			int32		p = d->row_pair[r];
			double		x = w->alpha[d->pair_worker[p]] * w->expb[t];
			double		right;
			double		wrong;

			if (w->compat)
			{
				/* Crowd-Kit's softplus, clipped at +-30 */
				right = -softplus(-x);
				wrong = -softplus(x);
			}
			else
			{
				double		sig;

				log_sigmoids(x, &right, &wrong, &sig);
			}
			wrong -= w->lK1;

			base += wrong;
			w->L[d->pair_class[p]] += right - wrong;
		}
		m = -get_float8_infinity();
		for (c = 0; c < K; c++)
		{
			w->L[c] += base;
			m = Max(m, w->L[c]);
		}
		for (c = 0; c < K; c++)
		{
			qt[c] = exp(w->L[c] - m);
			sum += qt[c];
		}
		for (c = 0; c < K; c++)
			qt[c] /= sum;
		if (d->gold[t] >= 0)
		{
			memset(qt, 0, sizeof(double) * K);
			qt[d->gold[t]] = 1.0;
			ll += w->L[d->gold[t]];
		}
		else
			ll += m + log(sum);
	}
	return ll;
}

static void
glad_row_posteriors(GladWork *w)
{
	const TruthData *d = w->d;
	int32		t;

	for (t = 0; t < d->ntasks; t++)
	{
		int64		r;

		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
			w->A[r] = w->q[(Size) t * w->K + d->pair_class[d->row_pair[r]]];
	}
}

/*
 * Sums over the rows of one worker (alpha block) or one task (beta block)
 * at x_r = scale * c_r: the expected complete-data log-likelihood, and the
 * first and second derivative of it with respect to scale (before the
 * chain rule of the beta parameterisation).
 */
static double
row_sums(const GladWork *w, const double *A, const double *c, int64 n, double scale,
		 double *g, double *h)
{
	double		f = 0.0;
	double		gs = 0.0;
	double		hs = 0.0;
	int64		r;

	for (r = 0; r < n; r++)
	{
		double		lsig;
		double		l1msig;
		double		sig;

		log_sigmoids(scale * c[r], &lsig, &l1msig, &sig);
		f += A[r] * lsig + (1.0 - A[r]) * (l1msig - w->lK1);
		gs += (A[r] - sig) * c[r];
		hs += sig * (1.0 - sig) * c[r] * c[r];
	}
	*g = gs;
	*h = hs;
	return f;
}

/*
 * Q restricted to one coordinate, with its first and second derivative:
 * alpha of a worker (x_r = alpha * exp(beta_r), concave), or beta of a task
 * (x_r = alpha_r * exp(beta)).
 */
static double
coordinate_objective(const GladWork *w, const double *A, const double *c, int64 n,
					 bool is_alpha, double v, double *g, double *h)
{
	double		gs;
	double		hs;
	double		f;

	if (is_alpha)
	{
		f = row_sums(w, A, c, n, v, &gs, &hs);
		*g = gs - (v - 1.0);
		*h = -hs - 1.0;
	}
	else
	{
		double		u = exp(v);

		f = row_sums(w, A, c, n, u, &gs, &hs);
		*g = u * gs - (v - 1.0);
		*h = u * gs - u * u * hs - 1.0;
	}
	return f + log_normal_prior(v);
}

/*
 * Maximise one coordinate: Newton where the curvature is negative, else a
 * gradient step; every step is halved until the objective does not
 * decrease, so the result is never worse than the start.
 */
static double
maximize_coordinate(const GladWork *w, const double *A, const double *c, int64 n,
					bool is_alpha, double x, int iters)
{
	double		g;
	double		h;
	double		f = coordinate_objective(w, A, c, n, is_alpha, x, &g, &h);
	int			it;

	for (it = 0; it < iters; it++)
	{
		double		step = h < 0.0 ? -g / h : g;
		int			halvings;
		bool		accepted = false;

		if (!is_alpha)
			step = Max(Min(step, GLAD_MAX_BETA_STEP), -GLAD_MAX_BETA_STEP);
		if (fabs(step) < GLAD_NEWTON_TOL)
			break;
		for (halvings = 0; halvings < 40; halvings++)
		{
			double		gn;
			double		hn;
			double		fn = coordinate_objective(w, A, c, n, is_alpha, x + step, &gn, &hn);

			if (fn >= f)
			{
				x += step;
				f = fn;
				g = gn;
				h = hn;
				accepted = true;
				break;
			}
			step /= 2.0;
		}
		if (!accepted)
			break;
	}
	return x;
}

/*
 * One block sweep: every alpha given the betas, then every beta given the
 * alphas.  Each block first gathers its rows' inputs into sequential
 * arrays, so the Newton iterations stream through memory.
 */
static void
glad_sweep(GladWork *w, int iters)
{
	const TruthData *d = w->d;
	int64		r;
	int32		i;

	/* alpha block: rows in worker order, c_r = exp(beta of the row's task) */
	for (r = 0; r < d->n; r++)
	{
		int64		row = w->wrow[r];

		w->blockA[r] = w->A[row];
		w->blockc[r] = w->expb[w->row_task[row]];
	}
	for (i = 0; i < d->nworkers; i++)
	{
		int64		r0 = w->wrow_start[i];

		w->alpha[i] = maximize_coordinate(w, w->blockA + r0, w->blockc + r0,
										  w->wrow_start[i + 1] - r0, true, w->alpha[i], iters);
	}

	/* beta block: rows in task order, c_r = alpha of the row's worker */
	for (r = 0; r < d->n; r++)
		w->blockc[r] = w->alpha[d->pair_worker[d->row_pair[r]]];
	for (i = 0; i < d->ntasks; i++)
	{
		int64		r0 = d->task_start[i];

		w->beta[i] = maximize_coordinate(w, w->A + r0, w->blockc + r0,
										 d->task_start[i + 1] - r0, false, w->beta[i], iters);
		w->expb[i] = exp(w->beta[i]);
	}
}

/* Log N(1, 1) priors of every alpha and beta. */
static double
glad_log_prior(GladWork *w)
{
	const TruthData *d = w->d;
	double		lp = 0.0;
	int32		i;

	for (i = 0; i < d->nworkers; i++)
		lp += log_normal_prior(w->alpha[i]);
	for (i = 0; i < d->ntasks; i++)
		lp += log_normal_prior(w->beta[i]);
	return lp;
}

/* Crowd-Kit's Q: expected complete-data log-likelihood plus log priors. */
static double
glad_q(GladWork *w)
{
	const TruthData *d = w->d;
	double		Q = 0.0;
	int32		t;

	for (t = 0; t < d->ntasks; t++)
	{
		int64		r;

		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
		{
			double		x = w->alpha[d->pair_worker[d->row_pair[r]]] * w->expb[t];

			Q += w->A[r] * -softplus(-x) + (1.0 - w->A[r]) * (-softplus(x) - w->lK1);
		}
	}
	return Q + glad_log_prior(w);
}

/* Rows grouped by worker (for the alpha updates), and the task of each row. */
static void
glad_index_rows(GladWork *w)
{
	const TruthData *d = w->d;
	int64	   *fill;
	int64		r;
	int32		t;
	int32		i;

	w->row_task = alloc_array(d->n, sizeof(int32));
	for (t = 0; t < d->ntasks; t++)
		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
			w->row_task[r] = t;
	w->wrow_start = alloc_array(d->nworkers + 1, sizeof(int64));
	memset(w->wrow_start, 0, sizeof(int64) * (d->nworkers + 1));
	for (i = 0; i < d->nworkers; i++)
		w->wrow_start[i + 1] = w->wrow_start[i] + d->worker_n[i];
	fill = alloc_array(d->nworkers, sizeof(int64));
	memcpy(fill, w->wrow_start, sizeof(int64) * d->nworkers);
	w->wrow = alloc_array(d->n, sizeof(int64));
	for (r = 0; r < d->n; r++)
		w->wrow[fill[d->pair_worker[d->row_pair[r]]]++] = r;
	pfree(fill);
}

/* Start from alpha = beta = 1, or from an earlier GLAD model's values. */
static void
glad_init_params(GladWork *w, const TruthModel *warm)
{
	const TruthData *d = w->d;
	TruthModelView v;
	int32		i;

	for (i = 0; i < d->nworkers; i++)
		w->alpha[i] = 1.0;
	for (i = 0; i < d->ntasks; i++)
		w->beta[i] = 1.0;
	if (warm != NULL && warm->method == TRUTH_GLAD)
	{
		truth_model_view(warm, &v);
		for (i = 0; i < d->ntasks; i++)
		{
			int32		mt = truth_model_find_data_task(&v, d, i);

			if (mt >= 0)
				w->beta[i] = v.task_beta[mt];
		}
		for (i = 0; i < d->nworkers; i++)
		{
			int32		mw = truth_model_find_data_worker(&v, d, i);

			if (mw >= 0)
				w->alpha[i] = v.worker_alpha[mw];
		}
	}
	for (i = 0; i < d->ntasks; i++)
		w->expb[i] = exp(w->beta[i]);
}

/*
 * Crowd-Kit's M-step objective: -Q at x = (alphas, betas), and its
 * gradient; NaN counts as +infinity, as in Crowd-Kit.
 */
static double
glad_neg_q(void *ctx, const double *x, double *grad)
{
	GladWork   *w = (GladWork *) ctx;
	const TruthData *d = w->d;
	int32		W = d->nworkers;
	double		Q = 0.0;
	int32		t;
	int32		i;

	memcpy(w->alpha, x, sizeof(double) * W);
	memcpy(w->beta, x + W, sizeof(double) * d->ntasks);
	for (t = 0; t < d->ntasks; t++)
		w->expb[t] = exp(w->beta[t]);
	for (i = 0; i < W; i++)
		grad[i] = w->alpha[i] - 1.0;
	for (t = 0; t < d->ntasks; t++)
	{
		double		gb = 0.0;
		int64		r;

		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
		{
			int32		wk = d->pair_worker[d->row_pair[r]];
			double		xr = w->alpha[wk] * w->expb[t];
			double		diff = w->A[r] - 1.0 / (1.0 + exp(-xr));	/* scipy's expit */

			Q += w->A[r] * -softplus(-xr) + (1.0 - w->A[r]) * (-softplus(xr) - w->lK1);
			gb += diff * w->alpha[wk] * w->expb[t];
			grad[wk] -= diff * w->expb[t];
		}
		grad[W + t] = -(gb - (w->beta[t] - 1.0));
	}
	for (i = 0; i < W; i++)
		Q += log_normal_prior(w->alpha[i]);
	for (t = 0; t < d->ntasks; t++)
		Q += log_normal_prior(w->beta[t]);
	return isnan(Q) ? get_float8_infinity() : -Q;
}

TruthFit *
glad_fit(const TruthData *d, const TruthSettings *s)
{
	GladWork	w;
	TruthFit   *fit = palloc0(sizeof(TruthFit));
	int32		K = d->nclasses;
	int32		it;
	int32		i;
	double	   *out_q = NULL;

	memset(&w, 0, sizeof(w));
	w.d = d;
	w.K = K;
	w.compat = s->crowdkit_compat;
	w.lK1 = K > 1 ? log((double) (K - 1)) : 0.0;
	w.alpha = alloc_array(d->nworkers, sizeof(double));
	w.beta = alloc_array(d->ntasks, sizeof(double));
	w.expb = alloc_array(d->ntasks, sizeof(double));
	w.q = alloc_array((Size) d->ntasks * K, sizeof(double));
	w.A = alloc_array(d->n, sizeof(double));
	w.blockA = alloc_array(d->n, sizeof(double));
	w.blockc = alloc_array(d->n, sizeof(double));
	w.priors = alloc_array(K, sizeof(double));
	w.logpi = alloc_array(K, sizeof(double));
	w.L = alloc_array(K, sizeof(double));
	fit->history = alloc_array(s->max_iterations, sizeof(double));

	for (i = 0; i < K; i++)
	{
		w.priors[i] = 1.0 / K;
		w.logpi[i] = log(1.0 / K);
	}
	glad_init_params(&w, s->warm_start);
	glad_index_rows(&w);

	if (K == 1)
	{
		/* one class: every posterior is 1; nothing to fit */
		for (i = 0; i < d->ntasks; i++)
			w.q[i] = 1.0;
		fit->converged = true;
	}
	else if (w.compat)
	{
		double		Q;
		int32		n = d->nworkers + d->ntasks;
		double	   *x = alloc_array(n, sizeof(double));

		(void) glad_estep(&w);
		glad_row_posteriors(&w);
		Q = glad_q(&w);
		out_q = alloc_array((Size) d->ntasks * K, sizeof(double));
		for (it = 1; it <= s->max_iterations; it++)
		{
			double		last = Q;

			CHECK_FOR_INTERRUPTS();
			(void) glad_estep(&w);
			glad_row_posteriors(&w);
			memcpy(out_q, w.q, sizeof(double) * (Size) d->ntasks * K);
			memcpy(x, w.alpha, sizeof(double) * d->nworkers);
			memcpy(x + d->nworkers, w.beta, sizeof(double) * d->ntasks);
			(void) cg_minimize(n, x, glad_neg_q, &w, GLAD_COMPAT_CG_ITERS, GLAD_COMPAT_CG_GTOL);
			memcpy(w.alpha, x, sizeof(double) * d->nworkers);
			memcpy(w.beta, x + d->nworkers, sizeof(double) * d->ntasks);
			for (i = 0; i < d->ntasks; i++)
				w.expb[i] = exp(w.beta[i]);
			Q = glad_q(&w) / ((double) d->n * K);
			fit->history[it - 1] = Q;
			fit->iterations = it;
			if (Q - last < s->tolerance)
			{
				fit->converged = true;
				break;
			}
		}
		w.q = out_q;
	}
	else
	{
		bool		warm_q = false;

		/* start: E-step at the initial parameters, or a warm start */
		(void) glad_estep(&w);
		if (s->warm_start)
			warm_q = truth_init_warm_start(d, s->warm_start, w.q);
		truth_apply_gold(d, w.q);
		fit->warm_started = warm_q || (s->warm_start && s->warm_start->method == TRUTH_GLAD);
		for (it = 1; it <= s->max_iterations; it++)
		{
			CHECK_FOR_INTERRUPTS();
			glad_row_posteriors(&w);
			glad_sweep(&w, GLAD_NEWTON_ITERS);
			if (truth_fit_record(fit, it, (glad_estep(&w) + glad_log_prior(&w)) / (double) d->n,
								 s->tolerance))
				break;
		}
	}

	fit->post = w.q;
	fit->priors = w.priors;
	fit->task_beta = w.beta;
	fit->worker_alpha = w.alpha;
	fit->worker_skill = alloc_array(d->nworkers, sizeof(double));
	for (i = 0; i < d->nworkers; i++)
	{
		double		sum = 0.0;
		int64		j;

		for (j = w.wrow_start[i]; j < w.wrow_start[i + 1]; j++)
			sum += sigmoid(w.alpha[i] * w.expb[w.row_task[w.wrow[j]]]);
		fit->worker_skill[i] = sum / (double) d->worker_n[i];
	}
	return fit;
}
