/*-------------------------------------------------------------------------
 *
 * dawid_skene.c
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
 *	  E-step, and stops when the marginal log-likelihood per judgment
 *	  (computed exactly in the E-step; gold tasks count with their gold
 *	  class) changes by at most the tolerance.

 *	  crowdkit_compat: Crowd-Kit 1.4.1's DawidSkene and OneCoinDawidSkene
 *	  step for step: counts clipped to 1e-10 and normalised over the labels a
 *	  worker used, priors floored at 1e-10, E-step in base 2, its loss (with
 *	  the prior term once per judgment) and its stop rule
 *	  (loss_i - loss_{i-1} < tol), and posteriors floored at 1e-10 on output.
 *
 *	  Both loops call CHECK_FOR_INTERRUPTS() every iteration.
 *
 * IDENTIFICATION
 *	  src/dawid_skene.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

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
	return palloc_extended(sizeof(double) * Max(count, 1), MCXT_ALLOC_HUGE);
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
 * The two inner loops of EM, over the rows of one task:
 *   gather:  L[c] += table[row_pair[r] * K + c]   (E-step)
 *   scatter: table[row_pair[r] * K + c] += q[c]   (M-step soft counts)
 * Copies for K = 2..8 have K as a constant, so the K running values stay in
 * registers and the loads of successive rows overlap; the additions happen
 * in the same order as in the generic loop, so results are identical.
 */
#define DEFINE_ROW_LOOPS(KK) \
static void \
gather_##KK(const int32 *rows, int64 n, const double *table, double *L) \
{ \
	double		acc[KK]; \
	int64		r; \
	int			c; \
\
	for (c = 0; c < KK; c++) \
		acc[c] = L[c]; \
	for (r = 0; r < n; r++) \
	{ \
		const double *lp = table + (Size) rows[r] * KK; \
\
		for (c = 0; c < KK; c++) \
			acc[c] += lp[c]; \
	} \
	for (c = 0; c < KK; c++) \
		L[c] = acc[c]; \
} \
static void \
scatter_##KK(const int32 *rows, int64 n, double *table, const double *q) \
{ \
	double		v[KK]; \
	int64		r; \
	int			c; \
\
	for (c = 0; c < KK; c++) \
		v[c] = q[c]; \
	for (r = 0; r < n; r++) \
	{ \
		double	   *cp = table + (Size) rows[r] * KK; \
\
		for (c = 0; c < KK; c++) \
			cp[c] += v[c]; \
	} \
}

DEFINE_ROW_LOOPS(2)
DEFINE_ROW_LOOPS(3)
DEFINE_ROW_LOOPS(4)
DEFINE_ROW_LOOPS(5)
DEFINE_ROW_LOOPS(6)
DEFINE_ROW_LOOPS(7)
DEFINE_ROW_LOOPS(8)

static void
gather_rows(const int32 *rows, int64 n, const double *table, int32 K, double *L)
{
	int64		r;
	int32		c;

	switch (K)
	{
		case 2:
			gather_2(rows, n, table, L);
			return;
		case 3:
			gather_3(rows, n, table, L);
			return;
		case 4:
			gather_4(rows, n, table, L);
			return;
		case 5:
			gather_5(rows, n, table, L);
			return;
		case 6:
			gather_6(rows, n, table, L);
			return;
		case 7:
			gather_7(rows, n, table, L);
			return;
		case 8:
			gather_8(rows, n, table, L);
			return;
	}
	for (r = 0; r < n; r++)
	{
		const double *lp = table + (Size) rows[r] * K;

		for (c = 0; c < K; c++)
			L[c] += lp[c];
	}
}

static void
scatter_rows(const int32 *rows, int64 n, double *table, int32 K, const double *q)
{
	int64		r;
	int32		c;

	switch (K)
	{
		case 2:
			scatter_2(rows, n, table, q);
			return;
		case 3:
			scatter_3(rows, n, table, q);
			return;
		case 4:
			scatter_4(rows, n, table, q);
			return;
		case 5:
			scatter_5(rows, n, table, q);
			return;
		case 6:
			scatter_6(rows, n, table, q);
			return;
		case 7:
			scatter_7(rows, n, table, q);
			return;
		case 8:
			scatter_8(rows, n, table, q);
			return;
	}
	for (r = 0; r < n; r++)
	{
		double	   *cp = table + (Size) rows[r] * K;

		for (c = 0; c < K; c++)
			cp[c] += q[c];
	}
}

/* counts[p][c] = sum over rows of pair p of q_task(c) */
static void
soft_counts(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int64		pf = 0;
	int32		t;

	memset(w->counts, 0, sizeof(double) * (Size) d->npairs * K);
	for (t = 0; t < d->ntasks; t++)
	{
		prefetch_rows(d, &pf, t + 1, w->counts, K, true);
		scatter_rows(d->row_pair + d->task_start[t], d->task_start[t + 1] - d->task_start[t],
					 w->counts, K, w->q + (Size) t * K);
	}
}

/* Class priors from the posteriors. */
static void
update_priors(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int32		t;
	int32		c;

	memset(w->priors, 0, sizeof(double) * K);
	for (t = 0; t < d->ntasks; t++)
		for (c = 0; c < K; c++)
			w->priors[c] += w->q[(Size) t * K + c];
	for (c = 0; c < K; c++)
	{
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

/* Dawid-Skene M-step: confusion columns of every pair. */
static void
ds_mstep(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int32		wk;

	soft_counts(w);
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

/* One-coin M-step: accuracy per worker, and the confusion columns it implies. */
static void
one_coin_mstep(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	int32		t;
	int32		wk;
	int32		p;

	memset(w->skill, 0, sizeof(double) * d->nworkers);
	for (t = 0; t < d->ntasks; t++)
	{
		const double *qt = w->q + (Size) t * K;
		int64		r;

		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
		{
			int32		pr = d->row_pair[r];

			w->skill[d->pair_worker[pr]] += qt[d->pair_class[pr]];
		}
	}
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

/*
 * E-step: posteriors from the priors and confusion columns.  Returns the
 * log-likelihood of the data (default mode; gold tasks contribute the joint
 * probability of their answers and gold class).
 */
static double
estep(EmWork *w)
{
	const TruthData *d = w->d;
	int32		K = w->K;
	double	   *L = w->L;
	double		ll = 0.0;
	int64		pf = 0;
	int32		t;

	for (t = 0; t < d->ntasks; t++)
	{
		double	   *qt = w->q + (Size) t * K;
		double		m;
		double		sum = 0.0;
		int32		c;

		prefetch_rows(d, &pf, t + 1, w->logE, K, false);
		memcpy(L, w->logpi, sizeof(double) * K);
		gather_rows(d->row_pair + d->task_start[t], d->task_start[t + 1] - d->task_start[t],
					w->logE, K, L);
		m = L[0];
		for (c = 1; c < K; c++)
			m = Max(m, L[c]);
		for (c = 0; c < K; c++)
		{
			qt[c] = w->compat ? exp2(L[c] - m) : exp(L[c] - m);
			sum += qt[c];
		}
		for (c = 0; c < K; c++)
			qt[c] /= sum;
		if (d->gold[t] >= 0)
			ll += L[d->gold[t]];
		else
			ll += m + log(sum);
	}
	if (d->ngold > 0)
		truth_apply_gold(d, w->q);
	return ll;
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
	w.logpi = alloc_doubles(K);
	w.L = alloc_doubles(K);
	if (one_coin)
		w.skill = alloc_doubles(d->nworkers);
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

		update_priors(&w);
		if (one_coin)
			one_coin_mstep(&w);
		else
			ds_mstep(&w);
		for (it = 1; it <= s->max_iterations; it++)
		{
			double		new_loss;

			CHECK_FOR_INTERRUPTS();
			(void) estep(&w);
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
	{
		for (it = 1; it <= s->max_iterations; it++)
		{
			CHECK_FOR_INTERRUPTS();
			update_priors(&w);
			if (one_coin)
				one_coin_mstep(&w);
			else
				ds_mstep(&w);
			if (truth_fit_record(fit, it, estep(&w) / (double) d->n, s->tolerance))
				break;
		}
	}

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
