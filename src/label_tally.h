/*-------------------------------------------------------------------------
 *
 * label_tally.h
 *	  A label -> summed weight table kept in an aggregate memory context
 *	  (see label_tally.c).
 *
 * IDENTIFICATION
 *	  src/label_tally.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LABEL_TALLY_H
#define LABEL_TALLY_H

#include "key_map.h"
#include "labeling.h"

typedef struct LabelTally
{
	KeyMap		labels;			/* label -> id, ids in first-seen order */
	double	   *weights;		/* summed weight per label id */
	int32		wcap;			/* allocated weights */
} LabelTally;

extern LabelTally *label_tally_create(MemoryContext mcxt);
extern void label_tally_add(LabelTally *t, const char *label, int len, double weight);
extern void label_tally_merge(LabelTally *dst, const LabelTally *src);
extern LabelMass *label_tally_sorted_items(const LabelTally *t);
extern bytea *label_tally_serialize(const LabelTally *t);
extern LabelTally *label_tally_deserialize(bytea *b, MemoryContext mcxt);

#endif							/* LABEL_TALLY_H */
