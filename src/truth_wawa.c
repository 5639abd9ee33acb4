/*-------------------------------------------------------------------------
 *
 * truth_wawa.c
 *	  Wawa (worker agreement with aggregate), as in Crowd-Kit 1.4.1: a
 *	  worker's skill is the share of their answers that agree with the
 *	  majority vote (identical (task, worker, label) rows counted once, ties
 *	  of the vote to the smallest label), and each task's posterior is the
 *	  skill-weighted vote share (every row counts).  Closed form: no
 *	  iterations, no options.  A task whose workers all have skill 0 gets
 *	  its plain vote shares (Crowd-Kit would divide by zero).
 *
 * IDENTIFICATION
 *	  src/truth_wawa.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "truth_model.h"

TruthFit *
wawa_fit(const TruthData *d, const TruthSettings *s)
{
	TruthFit   *fit = palloc0(sizeof(TruthFit));
	int32		K = d->nclasses;
	double	   *q = palloc_extended(sizeof(double) * Max((Size) d->ntasks * K, 1), MCXT_ALLOC_HUGE);
	double	   *skill = palloc0(sizeof(double) * Max(d->nworkers, 1));
	int32	   *answers = palloc0(sizeof(int32) * Max(d->nworkers, 1));
	int32		t;
	int32		c;
	int32		i;

	/* majority vote, then agreement per worker over distinct answers */
	truth_init_majority(d, q);
	for (t = 0; t < d->ntasks; t++)
	{
		int32		mv = truth_argmax(q + (Size) t * K, K);
		int64		r;

		if ((t & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
		{
			int32		p = d->row_pair[r];

			/* rows of a task are sorted by pair: duplicates are adjacent */
			if (r > d->task_start[t] && d->row_pair[r - 1] == p)
				continue;
			answers[d->pair_worker[p]]++;
			if (d->pair_class[p] == mv)
				skill[d->pair_worker[p]] += 1.0;
		}
	}
	for (i = 0; i < d->nworkers; i++)
		skill[i] /= (double) answers[i];

	/* skill-weighted vote shares */
	for (t = 0; t < d->ntasks; t++)
	{
		double	   *qt = q + (Size) t * K;
		double		total = 0.0;
		int64		r;

		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
			total += skill[d->pair_worker[d->row_pair[r]]];
		if (!(total > 0.0))
			continue;			/* keep the plain vote shares */
		memset(qt, 0, sizeof(double) * K);
		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
		{
			int32		p = d->row_pair[r];

			qt[d->pair_class[p]] += skill[d->pair_worker[p]];
		}
		for (c = 0; c < K; c++)
			qt[c] /= total;
	}

	fit->priors = palloc0(sizeof(double) * K);
	for (t = 0; t < d->ntasks; t++)
		for (c = 0; c < K; c++)
			fit->priors[c] += q[(Size) t * K + c];
	for (c = 0; c < K; c++)
		fit->priors[c] /= (double) d->ntasks;
	fit->post = q;
	fit->worker_skill = skill;
	fit->history = palloc(sizeof(double));
	fit->iterations = 0;
	fit->converged = true;
	pfree(answers);
	return fit;
}
