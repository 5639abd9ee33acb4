/*-------------------------------------------------------------------------
 *
 * vote_tally.h
 *	  A compact label -> summed weight table, one per group, kept in an
 *	  aggregate memory context (see vote_tally.c).
 *
 * IDENTIFICATION
 *	  src/vote_tally.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LABEL_TALLY_H
#define LABEL_TALLY_H

#include "key_map.h"
#include "labeling.h"

/* One label of a tally. */
typedef struct LabelTallyItem
{
	double		weight;			/* summed weight */
	int32		id;				/* label id in the tally's dictionary */
} LabelTallyItem;

/*
 * The label texts live once in a dictionary (a KeyMap of text keys) shared
 * by all the tallies of one aggregate call site; a tally holds only ids and
 * weights, in one allocation, so that a group costs one cache line or two.
 * The dictionary only grows, and outlives the tallies that point to it.
 */
typedef struct LabelTally
{
	KeyMap	   *dict;			/* shared label dictionary (not owned) */
	int32		n;				/* labels in use, in first-seen order */
	int32		cap;			/* allocated items */
	LabelTallyItem items[FLEXIBLE_ARRAY_MEMBER];
	/* beyond LABEL_TALLY_LINEAR_MAX items: int32 index slots follow */
} LabelTally;

/* Text and length of the i-th label of a tally. */
#define LABEL_TALLY_TEXT(t, i)		KEY_MAP_TEXT((t)->dict, (t)->items[i].id)
#define LABEL_TALLY_TEXTLEN(t, i)	KEY_MAP_TEXTLEN((t)->dict, (t)->items[i].id)

extern KeyMap *label_tally_dict(FunctionCallInfo fcinfo);
extern LabelTally *label_tally_create(MemoryContext mcxt, KeyMap *dict);
extern LabelTally *label_tally_add(LabelTally *t, const char *label, int len, double weight);
extern LabelTally *label_tally_merge(LabelTally *dst, const LabelTally *src);
extern LabelMass *label_tally_sorted_items(const LabelTally *t);
extern bytea *label_tally_serialize(const LabelTally *t);
extern LabelTally *label_tally_deserialize(bytea *b, MemoryContext mcxt, KeyMap *dict);

#endif							/* LABEL_TALLY_H */
