/*-------------------------------------------------------------------------
 *
 * label_tally.c
 *	  A table of label -> summed weight: the state of the vote aggregates
 *	  (vote_dist, majority_vote) and a building block for other per-group
 *	  label counts.  Labels are interned by a KeyMap (key_map.c); the
 *	  weights sit in a parallel array indexed by label id.  All growth
 *	  happens in the memory context given at creation.
 *
 * IDENTIFICATION
 *	  src/label_tally.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"

#include "label_tally.h"

/* Serialized format version (first byte of label_tally_serialize). */
#define LABEL_TALLY_FORMAT		1

LabelTally *
label_tally_create(MemoryContext mcxt)
{
	LabelTally *t = MemoryContextAlloc(mcxt, sizeof(LabelTally));

	key_map_init(&t->labels, mcxt, KEY_TEXT);
	t->wcap = 4;
	t->weights = MemoryContextAlloc(mcxt, sizeof(double) * t->wcap);
	return t;
}

/* Add weight to label (a new label starts at 0). */
void
label_tally_add(LabelTally *t, const char *label, int len, double weight)
{
	bool		isnew;
	int32		id = key_map_intern_text(&t->labels, label, len, &isnew);

	if (isnew)
	{
		if (t->labels.n > LABELING_MAX_LABELS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct labels in one group"),
					 errdetail("At most %d distinct labels are supported.",
							   LABELING_MAX_LABELS)));
		if (id >= t->wcap)
		{
			t->wcap *= 2;
			t->weights = repalloc(t->weights, sizeof(double) * t->wcap);
		}
		t->weights[id] = 0.0;
	}
	t->weights[id] += weight;
}

/* Add every label of src into dst. */
void
label_tally_merge(LabelTally *dst, const LabelTally *src)
{
	int32		i;

	for (i = 0; i < src->labels.n; i++)
		label_tally_add(dst, KEY_MAP_TEXT(&src->labels, i),
						KEY_MAP_TEXTLEN(&src->labels, i), src->weights[i]);
}

/*
 * Labels and weights as LabelMass items (pointing into the tally), sorted in
 * byte order of the labels.  Allocated in CurrentMemoryContext.
 */
LabelMass *
label_tally_sorted_items(const LabelTally *t)
{
	LabelMass  *items = palloc(sizeof(LabelMass) * Max(t->labels.n, 1));
	int32		i;

	for (i = 0; i < t->labels.n; i++)
	{
		items[i].label = KEY_MAP_TEXT(&t->labels, i);
		items[i].len = KEY_MAP_TEXTLEN(&t->labels, i);
		items[i].mass = t->weights[i];
	}
	qsort(items, t->labels.n, sizeof(LabelMass), label_mass_cmp);
	return items;
}

/* Serialize: format byte, the label key map, then one float8 weight per label. */
bytea *
label_tally_serialize(const LabelTally *t)
{
	StringInfoData buf;
	int32		i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, LABEL_TALLY_FORMAT);
	key_map_serialize(&t->labels, &buf);
	for (i = 0; i < t->labels.n; i++)
		pq_sendfloat8(&buf, t->weights[i]);
	return pq_endtypsend(&buf);
}

/* Deserialize into a new tally in mcxt; every field is checked. */
LabelTally *
label_tally_deserialize(bytea *b, MemoryContext mcxt)
{
	StringInfoData buf;
	LabelTally *t;
	int32		i;

	/* wrap the bytea without copying; we never write through buf */
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	if (pq_getmsgbyte(&buf) != LABEL_TALLY_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported serialized label tally format")));
	t = label_tally_create(mcxt);
	key_map_deserialize_into(&t->labels, &buf);
	if (t->labels.n > LABELING_MAX_LABELS ||
		(Size) t->labels.n * sizeof(double) != (Size) (buf.len - buf.cursor))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("serialized label tally has inconsistent size")));
	t->wcap = Max(t->labels.n, 1);
	t->weights = MemoryContextAlloc(mcxt, sizeof(double) * t->wcap);
	for (i = 0; i < t->labels.n; i++)
	{
		double		w = pq_getmsgfloat8(&buf);

		if (!isfinite(w) || w < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid weight in serialized label tally")));
		t->weights[i] = w;
	}
	pq_getmsgend(&buf);
	return t;
}
