/*-------------------------------------------------------------------------
 *
 * truth_glad_cg.h
 *	  Nonlinear conjugate gradient with strong-Wolfe line searches, as
 *	  scipy 1.10.1 runs it (see truth_glad_cg.c); used by GLAD's crowdkit_compat
 *	  M-step.
 *
 * IDENTIFICATION
 *	  src/truth_glad_cg.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GLAD_CG_H
#define GLAD_CG_H

/* Objective to minimise: returns f(x) and stores its gradient in grad. */
typedef double (*CgObjective) (void *ctx, const double *x, double *grad);

extern int	cg_minimize(int n, double *x, CgObjective fn, void *ctx, int maxiter, double gtol);

#endif							/* GLAD_CG_H */
