/*-------------------------------------------------------------------------
 *
 * agreement_skill.h
 *	  The Beta-Binomial skill estimate shared by worker_skill (agreement_skill.c)
 *	  and worker_class_skill (agreement_skill_class.c).
 *
 * IDENTIFICATION
 *	  src/agreement_skill.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef WORKER_SKILL_H
#define WORKER_SKILL_H

#include "fmgr.h"

/* Largest accepted prior pseudo-count. */
#define SKILL_MAX_PRIOR		1e9

/* One posterior summary: the fields of the SQL type skill_estimate. */
typedef struct SkillEstimate
{
	double		n_answered;		/* golden answers counted */
	double		n_correct;		/* of which equal to the golden label */
	double		accuracy;		/* n_correct / n_answered */
	double		posterior_mean; /* (c + pc) / (n + pc + pw) */
	double		lower_bound;	/* 2.5% quantile of the posterior */
	double		upper_bound;	/* 97.5% quantile of the posterior */
} SkillEstimate;

extern void skill_check_priors(FunctionCallInfo fcinfo, int argno,
							   double *prior_correct, double *prior_wrong);
extern void skill_merge_priors(double *state_c, double *state_w,
							   double prior_c, double prior_w);
extern void skill_estimate_compute(double n, double c, double prior_c,
								   double prior_w, SkillEstimate *est);

#endif							/* WORKER_SKILL_H */
