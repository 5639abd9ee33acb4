/*-------------------------------------------------------------------------
 *
 * label_tally.h
 *	  A growable label -> weight table kept in an aggregate memory context
 *	  (see label_tally.c).
 *
 * IDENTIFICATION
 *	  src/label_tally.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LABEL_TALLY_H
#define LABEL_TALLY_H

#include "labeling.h"

typedef struct LabelTallyEntry
{
	uint32		hash;			/* hash_bytes of the label */
	int32		len;			/* label length in bytes */
	int32		off;			/* offset of the label in the string arena */
	double		weight;			/* accumulated weight */
} LabelTallyEntry;

typedef struct LabelTally
{
	MemoryContext mcxt;			/* where the tally and its growth live */
	int32		n;				/* labels in use */
	int32		cap;			/* allocated entries */
	LabelTallyEntry *entries;	/* n entries, in first-seen order */
	char	   *strings;		/* label bytes, not NUL-terminated */
	int32		strlen;			/* bytes used in strings */
	int32		strcap;			/* bytes allocated for strings */
	int32	   *index;			/* open-addressing slots (-1 = empty), or NULL */
	int32		indexsize;		/* slots in index, a power of 2 */
} LabelTally;

extern LabelTally *label_tally_create(MemoryContext mcxt);
extern void label_tally_add(LabelTally *t, const char *label, int len, double weight);
extern void label_tally_merge(LabelTally *dst, const LabelTally *src);
extern LabelMass *label_tally_sorted_items(const LabelTally *t);
extern bytea *label_tally_serialize(const LabelTally *t);
extern LabelTally *label_tally_deserialize(bytea *b, MemoryContext mcxt);

#endif							/* LABEL_TALLY_H */
