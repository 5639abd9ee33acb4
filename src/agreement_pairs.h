/*-------------------------------------------------------------------------
 *
 * agreement_pairs.h
 *	  A contingency table of two label columns (see agreement_pairs.c): the
 *	  state of cohen_kappa (rater A x rater B) and worker_class_skill
 *	  (golden label x answer).
 *
 * IDENTIFICATION
 *	  src/agreement_pairs.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef AGREEMENT_PAIRS_H
#define AGREEMENT_PAIRS_H

#include "key_map.h"

/* Pairs of the first PAIR_SMALL labels are found by direct indexing. */
#define PAIR_SMALL	8

typedef struct PairTally
{
	MemoryContext mcxt;			/* where the table and its growth live */
	KeyMap		labels;			/* labels of both columns -> id */
	KeyMap		pairs;			/* (first id << 32 | second id) -> pair id */
	int64	   *counts;			/* rows per pair id */
	int32		ccap;			/* allocated counts */
	double		param[2];		/* worker_class_skill's priors; 0 = not given */
	int32		small[PAIR_SMALL][PAIR_SMALL];	/* pair ids of the first labels, -1 = none yet */
} PairTally;

#define PAIR_FIRST(t, pid)	((int32) (KEY_MAP_INT(&(t)->pairs, (pid)) >> 32))
#define PAIR_SECOND(t, pid) ((int32) (KEY_MAP_INT(&(t)->pairs, (pid)) & 0x7fffffff))

extern PairTally *pair_tally_create(MemoryContext mcxt);
extern int32 pair_tally_label(PairTally *t, text *label);
extern void pair_tally_add_ids(PairTally *t, int32 first, int32 second, int64 count);
extern void pair_tally_merge(PairTally *dst, const PairTally *src);

#endif							/* AGREEMENT_PAIRS_H */
