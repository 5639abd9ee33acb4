/*-------------------------------------------------------------------------
 *
 * beta_dist.h
 *	  The Beta distribution: regularised incomplete beta function and its
 *	  inverse (see beta_dist.c).  Used for the credible bounds of worker
 *	  skill estimates.
 *
 * IDENTIFICATION
 *	  src/beta_dist.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef BETA_DIST_H
#define BETA_DIST_H

/* Credible level of the bounds reported by the worker skill aggregates. */
#define SKILL_LOWER_P	0.025
#define SKILL_UPPER_P	0.975

extern double beta_log_beta(double a, double b);
extern void beta_inc(double a, double b, double x, double *lower, double *upper);
extern double beta_quantile(double p, double a, double b);
extern void beta_check_params(double a, double b, const char *what);

#endif							/* BETA_DIST_H */
