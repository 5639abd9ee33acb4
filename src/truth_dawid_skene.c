/*-------------------------------------------------------------------------
 *
 * truth_dawid_skene.c
 *	  Dawid-Skene (full confusion matrix per worker) and one-coin Dawid-Skene
 *	  (one accuracy per worker) fitted by EM on the dense problem of
 *	  truth_model_data.c.
 *
 *	  Default mode: penalised EM with empirical-Bayes shrinkage of strength
 *	  s (settings->smoothing, in pseudo-judgments):
 *	    Dawid-Skene  e_w(k|c) = (n_w(k,c) + s E(k|c)) / (n_w(c) + s), where E
 *	                 is the pooled confusion matrix of all workers (0.01 added
 *	                 to every cell); class priors pi_c = (n_c + s) / (T + K s);
 *	    one-coin     s_w = (sum of q over the worker's answers + s S) /
 *	                 (n_w + s), where S is the pooled accuracy; class priors
 *	                 shrunk halfway to uniform, pi_c = (n_c + T/K) / (2 T),
 *	                 because with a symmetric error model the priors can run
 *	                 away (Crowd-Kit's one-coin collapses to one class on
 *	                 welinder-bluebird).
 *	  A worker with few answers gets the crowd's confusion matrix (or
 *	  accuracy), one with many answers their own.  The strength was chosen
 *	  with the accuracy harness (README, "Truth inference").  The fit starts
 *	  from the soft majority vote (or a warm-start model), runs M-step then
 *	  E-step, accelerated by SQUAREM (see em_accelerated), and stops when a
 *	  plain EM step changes the marginal log-likelihood per judgment
 *	  (computed exactly in the E-step; gold tasks count with their gold
 *	  class) by at most the tolerance.  Each E-step also takes the sums of
 *	  the next M-step, so an iteration reads the judgments once.

 *	  crowdkit_compat: Crowd-Kit 1.4.1's DawidSkene and OneCoinDawidSkene
 *	  step for step: counts clipped to 1e-10 and normalised over the labels a
 *	  worker used, priors floored at 1e-10, E-step in base 2, its loss (with
 *	  the prior term once per judgment) and its stop rule
 *	  (loss_i - loss_{i-1} < tol), and posteriors floored at 1e-10 on output;
 *	  plain EM, no acceleration.
 *
 *	  Both loops call CHECK_FOR_INTERRUPTS() every iteration.
 *
 * IDENTIFICATION
 *	  src/truth_dawid_skene.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "squarem.h"
#include "truth_model.h"

/* Floor of probabilities before a logarithm in default mode. */
#define LOG_FLOOR	1e-300

/*
 * Pseudo-count of every cell of the pooled confusion matrix (and of the
 * pooled one-coin accuracy): only enough to keep them off 0 and 1; more
 * would pull small crowds toward uninformative workers.
 */
#define POOLED_EPS	0.01

/* Working arrays of one fit. */
typedef struct EmWork
{
	const TruthData *d;
	int32		K;
	bool		one_coin;
	bool		compat;
	double		strength;		/* shrinkage strength s (default mode) */
	double	   *q;				/* ntasks x K posteriors */
	double	   *e;				/* npairs x K: P(pair's label | class) */
	double	   *logE;			/* npairs x K: log e (base 2 in compat) */
	double	   *lnE;			/* compat: npairs x K natural log of e */
	double	   *counts;			/* npairs x K soft counts */
	double	   *agree;			/* one-coin: nworkers, sum of q of the class
								 * each answer gave */
	double	   *qsum;			/* K: sum of the posteriors over tasks */
	double	   *rest;			/* DS: nworkers x K weight of the pooled matrix */
	double	   *pooled;			/* DS: K x K pooled confusion E(k|c) at [k*K+c] */
	double		pooled_skill;	/* one-coin: pooled accuracy S */
	double	   *skill;			/* one-coin: nworkers */
	double	   *priors;			/* K */
	double	   *logpi;			/* K: log priors (base 2 in compat) */
	double	   *L;				/* K scratch */
} EmWork;

static void *
alloc_doubles(Size count)
{
	return labeling_alloc_large(CurrentMemoryContext, sizeof(double) * Max(count, 1));
}

static inline double
safe_log(double x)
{
	return log(Max(x, LOG_FLOOR));
}

/*
 * Software prefetch of the table rows that the next rows will touch.  Rows
 * are random (one per worker and answered label); with millions of
 * judgments the table outgrows the cache, and every loop below would wait on
 * memory for each row.  The row numbers are known in advance, so the loops
 * ask for the rows ROW_PREFETCH_AHEAD judgments early; the arithmetic is
 * unchanged.  *cursor is the next row not yet prefetched.
 */
#define ROW_PREFETCH_AHEAD 24

#if defined(__GNUC__) || defined(__clang__)
#define prefetch_row(p, write)	__builtin_prefetch((p), (write))
#else
#define prefetch_row(p, write)	((void) 0)
#endif

static inline void
prefetch_rows(const TruthData *d, int64 *cursor, int32 next_task, const double *table,
			  int32 K, bool write)
{
	int64		upto = d->task_start[next_task] + ROW_PREFETCH_AHEAD;

	if (upto > d->task_start[d->ntasks])
		upto = d->task_start[d->ntasks];
	for (; *cursor < upto; (*cursor)++)
	{
		const double *p = table + (Size) d->row_pair[*cursor] * K;

		if (write)
		{
			prefetch_row(p, 1);
			prefetch_row(p + K - 1, 1);
		}
		else
		{
			prefetch_row(p, 0);
			prefetch_row(p + K - 1, 0);
		}
	}
}

/*
 * Sums the M-step needs, from the current posteriors: DS soft counts
 * counts[p][c] = sum over rows of pair p of q_task(c), or one-coin agreement
 * agree[w] = sum over the worker's rows of q_task(class answered); and
 * qsum[c] = sum over tasks of q_task(c).  The default-mode E-step takes the
 * same sums as it goes (estep), in the same order.
 */
static void
accumulate_sums(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int64		pf = 0;
	int32		t;
	int32		c;

	memset(w->qsum, 0, sizeof(double) * K);
	if (w->one_coin)
		memset(w->agree, 0, sizeof(double) * d->nworkers);
	else
		memset(w->counts, 0, sizeof(double) * (Size) d->npairs * K);
	for (t = 0; t < d->ntasks; t++)
	{
		const double *qt = w->q + (Size) t * K;
		int64		r;

		if (w->one_coin)
			for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
			{
				int32		pr = d->row_pair[r];

				w->agree[d->pair_worker[pr]] += qt[d->pair_class[pr]];
			}
		else
		{
			prefetch_rows(d, &pf, t + 1, w->counts, K, true);
			for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
			{
				double	   *cp = w->counts + (Size) d->row_pair[r] * K;

				for (c = 0; c < K; c++)
					cp[c] += qt[c];
			}
		}
		for (c = 0; c < K; c++)
			w->qsum[c] += qt[c];
	}
}

/* Class priors from the summed posteriors (accumulate_sums or estep). */
static void
update_priors(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int32		c;

	for (c = 0; c < K; c++)
	{
		w->priors[c] = w->qsum[c];
		if (w->compat)
			w->priors[c] /= (double) d->ntasks;
		else if (w->one_coin)
			w->priors[c] = (w->priors[c] + (double) d->ntasks / K) / (2.0 * d->ntasks);
		else
			w->priors[c] = (w->priors[c] + w->strength) / ((double) d->ntasks + K * w->strength);
		w->logpi[c] = w->compat ? log2(Max(w->priors[c], CROWDKIT_EPS)) : safe_log(w->priors[c]);
	}
}

/* Pooled confusion matrix of all workers, lightly smoothed. */
static void
pooled_confusion(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	double	   *tot = w->L;
	int32		p;
	int32		c;
	int32		k;

	memset(w->pooled, 0, sizeof(double) * K * K);
	memset(tot, 0, sizeof(double) * K);
	for (p = 0; p < d->npairs; p++)
		for (c = 0; c < K; c++)
			w->pooled[d->pair_class[p] * K + c] += w->counts[(Size) p * K + c];
	for (k = 0; k < K; k++)
		for (c = 0; c < K; c++)
			tot[c] += w->pooled[k * K + c];
	for (k = 0; k < K; k++)
		for (c = 0; c < K; c++)
			w->pooled[k * K + c] = (w->pooled[k * K + c] + POOLED_EPS) / (tot[c] + K * POOLED_EPS);
}

/* Dawid-Skene M-step: confusion columns of every pair, from the soft counts. */
static void
ds_mstep(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int32		wk;

	pooled_confusion(w);
	for (wk = 0; wk < d->nworkers; wk++)
	{
		int32		p0 = d->worker_pair_start[wk];
		int32		p1 = d->worker_pair_start[wk + 1];
		double	   *rest = w->rest + (Size) wk * K;
		int32		c;
		int32		p;

		for (c = 0; c < K; c++)
		{
			double		tot = 0.0;

			if (w->compat)
			{
				for (p = p0; p < p1; p++)
				{
					double	   *cp = w->counts + (Size) p * K + c;

					*cp = Max(*cp, CROWDKIT_EPS);
					tot += *cp;
				}
				for (p = p0; p < p1; p++)
				{
					Size		i = (Size) p * K + c;

					w->e[i] = w->counts[i] / tot;
					w->logE[i] = log2(w->e[i]);
					w->lnE[i] = log(w->e[i]);
				}
				rest[c] = 0.0;
				continue;
			}
			for (p = p0; p < p1; p++)
				tot += w->counts[(Size) p * K + c];
			tot += w->strength;
			/* no evidence about class c at all: the pooled column */
			rest[c] = tot > 0.0 ? w->strength / tot : 1.0;
			for (p = p0; p < p1; p++)
			{
				Size		i = (Size) p * K + c;
				double		prior = w->pooled[d->pair_class[p] * K + c];

				w->e[i] = tot > 0.0 ? (w->counts[i] + w->strength * prior) / tot : prior;
				w->logE[i] = safe_log(w->e[i]);
			}
		}
	}
}

static void one_coin_columns(EmWork *w);

/*
 * One-coin M-step: accuracy per worker from the agreement sums, and the
 * confusion columns it implies.
 */
static void
one_coin_mstep(EmWork *w)
{
	const TruthData *d = w->d;
	int32		wk;

	memcpy(w->skill, w->agree, sizeof(double) * d->nworkers);
	if (!w->compat)
	{
		/* pooled accuracy, lightly smoothed */
		double		agree = 0.0;

		for (wk = 0; wk < d->nworkers; wk++)
			agree += w->skill[wk];
		w->pooled_skill = (agree + POOLED_EPS) / ((double) d->n + 2.0 * POOLED_EPS);
	}
	for (wk = 0; wk < d->nworkers; wk++)
	{
		if (w->compat)
			w->skill[wk] /= (double) d->worker_n[wk];
		else
			w->skill[wk] = (w->skill[wk] + w->strength * w->pooled_skill) /
				((double) d->worker_n[wk] + w->strength);
	}
	one_coin_columns(w);
}

/* One-coin confusion columns (and their logs) implied by the accuracies. */
static void
one_coin_columns(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int32		p;

	for (p = 0; p < d->npairs; p++)
	{
		double		s = w->skill[d->pair_worker[p]];
		double		on = s;
		double		off = (1.0 - s) / (K - 1);
		int32		c;

		if (w->compat)
		{
			on = Min(Max(on, CROWDKIT_EPS), 1.0 - CROWDKIT_EPS);
			off = Min(Max(off, CROWDKIT_EPS), 1.0 - CROWDKIT_EPS);
		}
		for (c = 0; c < K; c++)
		{
			Size		i = (Size) p * K + c;

			w->e[i] = (c == d->pair_class[p]) ? on : off;
			if (w->compat)
			{
				w->logE[i] = log2(w->e[i]);
				w->lnE[i] = log(w->e[i]);
			}
			else
				w->logE[i] = safe_log(w->e[i]);
		}
	}
}

/* The E-step for K classes (see estep). */
static pg_attribute_always_inline double
estep_k(EmWork *w, bool sums, const int32 K)
{
	const TruthData *d = w->d;
	const int32 *row_pair = d->row_pair;
	const int64 *task_start = d->task_start;
	const double *logE = w->logE;
	double	   *counts = w->counts;
	double		L[LABELING_MAX_CLASSES];
	double		ll = 0.0;
	int64		pf = 0;
	int64		pfc = 0;
	int32		t;
	int32		c;

	if (sums)
	{
		memset(w->qsum, 0, sizeof(double) * K);
		if (w->one_coin)
			memset(w->agree, 0, sizeof(double) * d->nworkers);
		else
			memset(counts, 0, sizeof(double) * (Size) d->npairs * K);
	}
	for (t = 0; t < d->ntasks; t++)
	{
		double	   *qt = w->q + (Size) t * K;
		int64		r0 = task_start[t];
		int64		r1 = task_start[t + 1];
		int64		r;
		double		m;
		double		sum = 0.0;
		int32		best = 0;

		prefetch_rows(d, &pf, t + 1, logE, K, false);
		for (c = 0; c < K; c++)
			L[c] = w->logpi[c];
		for (r = r0; r < r1; r++)
		{
			const double *lp = logE + (Size) row_pair[r] * K;

			for (c = 0; c < K; c++)
				L[c] += lp[c];
		}
		for (c = 1; c < K; c++)
			if (L[c] > L[best])
				best = c;
		m = L[best];
		for (c = 0; c < K; c++)
		{
			/* exp(0) is exactly 1: no call for the largest term */
			qt[c] = c == best ? 1.0 : w->compat ? exp2(L[c] - m) : exp(L[c] - m);
			sum += qt[c];
		}
		for (c = 0; c < K; c++)
			qt[c] /= sum;
		if (d->gold[t] >= 0)
		{
			ll += L[d->gold[t]];
			for (c = 0; c < K; c++)
				qt[c] = 0.0;
			qt[d->gold[t]] = 1.0;
		}
		else
			ll += m + log(sum);
		if (!sums)
			continue;
		if (w->one_coin)
		{
			for (r = r0; r < r1; r++)
				w->agree[d->pair_worker[row_pair[r]]] += qt[d->pair_class[row_pair[r]]];
		}
		else
		{
			prefetch_rows(d, &pfc, t + 1, counts, K, true);
			for (r = r0; r < r1; r++)
			{
				double	   *cp = counts + (Size) row_pair[r] * K;

				for (c = 0; c < K; c++)
					cp[c] += qt[c];
			}
		}
		for (c = 0; c < K; c++)
			w->qsum[c] += qt[c];
	}
	return ll;
}

/*
 * E-step: posteriors from the priors and confusion columns.  Returns the
 * log-likelihood of the data (default mode; gold tasks contribute the joint
 * probability of their answers and gold class).  With sums, also takes the
 * sums of the next M-step (as accumulate_sums does, in the same order) while
 * each task's rows are in cache: one pass over the judgments per iteration
 * instead of two.  Copies for K = 2..8 have K as a constant, so the running
 * sums stay in registers and the loops unroll; every addition happens in
 * the same order as in the generic copy.
 */
static double
estep(EmWork *w, bool sums)
{
	switch (w->K)
	{
		case 2:
			return estep_k(w, sums, 2);
		case 3:
			return estep_k(w, sums, 3);
		case 4:
			return estep_k(w, sums, 4);
		case 5:
			return estep_k(w, sums, 5);
		case 6:
			return estep_k(w, sums, 6);
		case 7:
			return estep_k(w, sums, 7);
		case 8:
			return estep_k(w, sums, 8);
	}
	return estep_k(w, sums, w->K);
}

/*
 * Crowd-Kit's loss: expected joint log-likelihood with the log prior added
 * once per judgment, plus the entropy of the floored posteriors, divided by
 * the number of judgments.  Floors the posteriors in place, as Crowd-Kit
 * does.
 */
static double
crowdkit_loss(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	double		joint = 0.0;
	double		entropy = 0.0;
	double	   *lnpi = w->L;
	int32		t;
	int32		c;

	for (c = 0; c < K; c++)
		lnpi[c] = log(Max(w->priors[c], CROWDKIT_EPS));
	for (t = 0; t < d->ntasks; t++)
	{
		double	   *qt = w->q + (Size) t * K;
		int64		r;

		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
		{
			const double *le = w->lnE + (Size) d->row_pair[r] * K;

			for (c = 0; c < K; c++)
				joint += qt[c] * (le[c] + lnpi[c]);
		}
		for (c = 0; c < K; c++)
		{
			qt[c] = Max(qt[c], CROWDKIT_EPS);
			entropy -= qt[c] * log(qt[c]);
		}
	}
	return (joint + entropy) / (double) d->n;
}

/* A fit with one class: nothing to infer. */
static TruthFit *
single_class_fit(const TruthData *d, bool one_coin)
{
	TruthFit   *fit = palloc0(sizeof(TruthFit));
	int32		i;

	fit->post = alloc_doubles(d->ntasks);
	for (i = 0; i < d->ntasks; i++)
		fit->post[i] = 1.0;
	fit->priors = alloc_doubles(1);
	fit->priors[0] = 1.0;
	fit->worker_skill = alloc_doubles(d->nworkers);
	for (i = 0; i < d->nworkers; i++)
		fit->worker_skill[i] = 1.0;
	if (!one_coin)
	{
		fit->pair_e = alloc_doubles(d->npairs);
		for (i = 0; i < d->npairs; i++)
			fit->pair_e[i] = 1.0;
		fit->worker_rest = alloc_doubles(d->nworkers);
		memset(fit->worker_rest, 0, sizeof(double) * d->nworkers);
		fit->pooled_e = alloc_doubles(1);
		fit->pooled_e[0] = 1.0;
	}
	fit->history = alloc_doubles(0);
	fit->iterations = 0;
	fit->converged = true;
	return fit;
}

/* DS skill: expected accuracy under the class priors. */
static void
ds_skills(EmWork *w, double *skill)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int32		wk;

	for (wk = 0; wk < d->nworkers; wk++)
	{
		double		s = 0.0;
		int32		p;
		int32		c;

		/* labels never given: e(c|c) = rest * pooled(c|c) */
		for (c = 0; c < K; c++)
			s += w->priors[c] * w->rest[(Size) wk * K + c] * w->pooled[c * K + c];
		for (p = d->worker_pair_start[wk]; p < d->worker_pair_start[wk + 1]; p++)
		{
			c = d->pair_class[p];
			s += w->priors[c] * (w->e[(Size) p * K + c] -
								 w->rest[(Size) wk * K + c] * w->pooled[c * K + c]);
		}
		skill[wk] = s;
	}
}

/*
 * EM acceleration (default mode): SQUAREM (squarem.c).  The parameters
 * are the confusion columns of every pair (one-coin: the accuracy of every
 * worker) and the class priors.  A cycle takes two plain EM steps
 * theta0 -> theta1 -> theta2, then jumps to
 *   theta' = theta0 + 2 a r + a^2 v,  r = theta1 - theta0,
 *   v = theta2 - 2 theta1 + theta0,   a = |r| / |v| (at least 1, at most the
 *   step bound)
 * and takes an EM step from there.  The jump is kept only if its
 * log-likelihood is at least that of theta0's E-step; otherwise the cycle
 * goes on from theta2, as plain EM would, and the step bound shrinks.  The
 * combination keeps every column summing to 1 (the weights sum to 1); an
 * overshoot below 0 is lifted to half the smallest of the three values.
 * Convergence is only declared on plain steps, so the model that comes out
 * is always an M-step's parameters with the E-step's posteriors, as in
 * plain EM.  On the 10M-judgment benchmark crowd Dawid-Skene takes 17
 * E-steps instead of 27.
 */
#define SQUAREM_STEP_MAX0	4.0
#define SQUAREM_STEP_GROW	4.0
#define SQUAREM_STEP_LIMIT	1024.0

/* Length of the parameter vector. */
static Size
param_count(const EmWork *w)
{
	return (w->one_coin ? (Size) w->d->nworkers : (Size) w->d->npairs * w->K) + w->K;
}

static void
param_save(const EmWork *w, double *dst)
{
	Size		n = w->one_coin ? (Size) w->d->nworkers : (Size) w->d->npairs * w->K;

	memcpy(dst, w->one_coin ? w->skill : w->e, sizeof(double) * n);
	memcpy(dst + n, w->priors, sizeof(double) * w->K);
}

/* Install a parameter vector: values, then the logs the E-step reads. */
static void
param_load(EmWork *w, const double *src)
{
	Size		n = w->one_coin ? (Size) w->d->nworkers : (Size) w->d->npairs * w->K;
	Size		i;
	double		tot = 0.0;
	int32		c;

	if (w->one_coin)
	{
		memcpy(w->skill, src, sizeof(double) * n);
		one_coin_columns(w);
	}
	else
	{
		memcpy(w->e, src, sizeof(double) * n);
		for (i = 0; i < n; i++)
			w->logE[i] = safe_log(w->e[i]);
	}
	for (c = 0; c < w->K; c++)
		tot += src[n + c];
	for (c = 0; c < w->K; c++)
	{
		w->priors[c] = src[n + c] / tot;
		w->logpi[c] = safe_log(w->priors[c]);
	}
}

/*
 * The jump (squarem_extrapolate) from theta0 (t0), theta1 (t1) and theta2
 * (t2) into out, kept in the parameter space: a value overshooting below
 * half the smallest of the three is lifted to that, and a one-coin
 * accuracy (the first nskill values) stays below halfway from the largest
 * of the three to 1.  The priors are renormalised by param_load.
 */
static void
squarem_jump(const double *t0, const double *t1, const double *t2, Size n, Size nskill,
			 double a, double *out)
{
	Size		i;

	squarem_extrapolate(t0, t1, t2, n, a, out);
	for (i = 0; i < n; i++)
	{
		double		lo = Min(Min(t0[i], t1[i]), t2[i]);

		if (!(out[i] >= lo / 2.0))
			out[i] = lo / 2.0;
		if (i < nskill)
		{
			double		hi = Max(Max(t0[i], t1[i]), t2[i]);

			if (!(out[i] <= (1.0 + hi) / 2.0))
				out[i] = (1.0 + hi) / 2.0;
		}
	}
}

/* The M-step of the default mode, from the sums of the last E-step. */
static void
mstep(EmWork *w)
{
	update_priors(w);
	if (w->one_coin)
		one_coin_mstep(w);
	else
		ds_mstep(w);
}

/*
 * Record the objective of an E-step (iteration it); on a plain step, report
 * whether it moved by at most the tolerance from base, the objective of the
 * E-step the current parameters were fitted to.
 */
static bool
record_step(TruthFit *fit, int32 it, double ll, double base, bool plain, double tolerance)
{
	fit->history[it - 1] = ll;
	fit->iterations = it;
	if (plain && !isnan(base) && fabs(ll - base) <= tolerance)
		fit->converged = true;
	return fit->converged;
}

/*
 * Default-mode EM with SQUAREM: each E-step also takes the sums of the next
 * M-step (estep with sums).
 */
static void
em_accelerated(EmWork *w, TruthFit *fit, const TruthSettings *s)
{
	const TruthData *d = w->d;
	Size		n = param_count(w);
	Size		nskill = w->one_coin ? (Size) d->nworkers : 0;
	double	   *t0 = alloc_doubles(n);
	double	   *t1 = alloc_doubles(n);
	double	   *t2 = alloc_doubles(n);
	double	   *tj = alloc_doubles(n);
	double		step_max = SQUAREM_STEP_MAX0;
	double		base = get_float8_nan();	/* objective the parameters come from */
	double		ll0;
	double		ll;
	int32		it = 0;
	int32		max = s->max_iterations;

	accumulate_sums(w);
	mstep(w);
	for (;;)
	{
		double		a;

		/* two plain steps: theta0 -> theta1 -> theta2 */
		CHECK_FOR_INTERRUPTS();
		param_save(w, t0);
		ll0 = estep(w, true) / (double) d->n;
		if (record_step(fit, ++it, ll0, base, true, s->tolerance) || it == max)
			break;
		mstep(w);
		base = ll0;

		CHECK_FOR_INTERRUPTS();
		param_save(w, t1);
		ll = estep(w, true) / (double) d->n;
		if (record_step(fit, ++it, ll, base, true, s->tolerance) || it == max)
			break;
		mstep(w);
		base = ll;

		/* the jump, if there is room for it and a step after it */
		if (it + 2 > max)
			continue;
		param_save(w, t2);
		a = Min(squarem_step_length(t0, t1, t2, n), step_max);
		if (a <= 1.0)
			continue;
		squarem_jump(t0, t1, t2, n, nskill, a, tj);
		param_load(w, tj);
		CHECK_FOR_INTERRUPTS();
		ll = estep(w, true) / (double) d->n;
		(void) record_step(fit, ++it, ll, base, false, s->tolerance);
		if (ll >= ll0)
		{
			/* kept: fit the parameters to it */
			mstep(w);
			base = ll;
			if (a >= step_max)
				step_max = Min(step_max * SQUAREM_STEP_GROW, SQUAREM_STEP_LIMIT);
		}
		else
		{
			/* worse than where the cycle began: back to theta2 */
			param_load(w, t2);
			if (a >= step_max)
				step_max = Max(SQUAREM_STEP_MAX0, step_max / SQUAREM_STEP_GROW);
		}
	}
	pfree(t0);
	pfree(t1);
	pfree(t2);
	pfree(tj);
}

static TruthFit *
em_fit(const TruthData *d, const TruthSettings *s, bool one_coin)
{
	EmWork		w;
	TruthFit   *fit;
	int32		K = d->nclasses;
	int32		it;

	if (K == 1)
		return single_class_fit(d, one_coin);

	memset(&w, 0, sizeof(w));
	w.d = d;
	w.K = K;
	w.one_coin = one_coin;
	w.compat = s->crowdkit_compat;
	w.strength = s->smoothing;
	w.q = alloc_doubles((Size) d->ntasks * K);
	w.e = alloc_doubles((Size) d->npairs * K);
	w.logE = alloc_doubles((Size) d->npairs * K);
	if (w.compat)
		w.lnE = alloc_doubles((Size) d->npairs * K);
	w.priors = alloc_doubles(K);
	w.qsum = alloc_doubles(K);
	w.logpi = alloc_doubles(K);
	w.L = alloc_doubles(K);
	if (one_coin)
	{
		w.skill = alloc_doubles(d->nworkers);
		w.agree = alloc_doubles(d->nworkers);
	}
	else
	{
		w.counts = alloc_doubles((Size) d->npairs * K);
		w.rest = alloc_doubles((Size) d->nworkers * K);
		w.pooled = alloc_doubles((Size) K * K);
	}

	fit = palloc0(sizeof(TruthFit));
	fit->history = alloc_doubles(s->max_iterations);

	/* start: soft majority vote, earlier model, gold */
	truth_init_majority(d, w.q);
	if (s->warm_start)
		fit->warm_started = truth_init_warm_start(d, s->warm_start, w.q);
	truth_apply_gold(d, w.q);

	if (w.compat)
	{
		/* Crowd-Kit: priors and errors from the start, then E, priors, M */
		double		loss = -get_float8_infinity();

		accumulate_sums(&w);
		update_priors(&w);
		if (one_coin)
			one_coin_mstep(&w);
		else
			ds_mstep(&w);
		for (it = 1; it <= s->max_iterations; it++)
		{
			double		new_loss;

			CHECK_FOR_INTERRUPTS();
			(void) estep(&w, true);
			update_priors(&w);
			if (one_coin)
				one_coin_mstep(&w);
			else
				ds_mstep(&w);
			new_loss = crowdkit_loss(&w);
			fit->history[it - 1] = new_loss;
			fit->iterations = it;
			if (new_loss - loss < s->tolerance)
			{
				fit->converged = true;
				break;
			}
			loss = new_loss;
		}
	}
	else
		em_accelerated(&w, fit, s);

	fit->post = w.q;
	fit->priors = w.priors;
	if (one_coin)
		fit->worker_skill = w.skill;
	else
	{
		fit->pair_e = w.e;
		fit->worker_rest = w.rest;
		fit->pooled_e = w.pooled;
		fit->worker_skill = alloc_doubles(d->nworkers);
		ds_skills(&w, fit->worker_skill);
	}
	return fit;
}

TruthFit *
dawid_skene_fit(const TruthData *d, const TruthSettings *s)
{
	return em_fit(d, s, false);
}

TruthFit *
one_coin_fit(const TruthData *d, const TruthSettings *s)
{
	return em_fit(d, s, true);
}
