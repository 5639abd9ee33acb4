/*-------------------------------------------------------------------------
 *
 * squarem.h
 *	  The SQUAREM extrapolation (Varadhan and Roland 2008, scheme S3) shared
 *	  by the accelerated EM fits: Dawid-Skene and one-coin (truth_dawid_skene.c)
 *	  and the noisy Bradley-Terry model (bt_noisy.c).
 *
 * IDENTIFICATION
 *	  src/squarem.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef SQUAREM_H
#define SQUAREM_H

extern double squarem_step_length(const double *t0, const double *t1, const double *t2, Size n);
extern void squarem_extrapolate(const double *t0, const double *t1, const double *t2, Size n,
								double a, double *out);

#endif							/* SQUAREM_H */
