/*-------------------------------------------------------------------------
 *
 * label_tally.c
 *	  A small growable table of label -> accumulated weight, the state of
 *	  the vote aggregates (vote_dist, majority_vote) and a building block
 *	  for other per-group label counts.
 *
 *	  Labels are stored once in a string arena; lookups compare a cached
 *	  hash first and switch from a linear scan to an open-addressing index
 *	  once the table holds more than a few labels, so both the common case
 *	  (a task with 2-10 labels) and a long tail of labels stay cheap.  All
 *	  growth happens in the memory context given at creation (the aggregate
 *	  context), never in the per-row context.
 *
 * IDENTIFICATION
 *	  src/label_tally.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "label_tally.h"
#include "labeling.h"

/* Use a hash index once a tally holds more than this many labels. */
#define LABEL_TALLY_LINEAR_MAX	8

/* Serialized format version (first byte of label_tally_serialize). */
#define LABEL_TALLY_FORMAT		1

LabelTally *
label_tally_create(MemoryContext mcxt)
{
	LabelTally *t = MemoryContextAllocZero(mcxt, sizeof(LabelTally));

	t->mcxt = mcxt;
	t->cap = 4;
	t->entries = MemoryContextAlloc(mcxt, sizeof(LabelTallyEntry) * t->cap);
	t->strcap = 32;
	t->strings = MemoryContextAlloc(mcxt, t->strcap);
	return t;
}

/* (Re)build the open-addressing index over all entries. */
static void
label_tally_reindex(LabelTally *t)
{
	int			size = 16;
	int			i;

	while (size < 2 * t->cap)
		size *= 2;
	if (t->index)
		pfree(t->index);
	t->index = MemoryContextAlloc(t->mcxt, sizeof(int32) * size);
	memset(t->index, -1, sizeof(int32) * size);
	t->indexsize = size;
	for (i = 0; i < t->n; i++)
	{
		uint32		slot = t->entries[i].hash & (size - 1);

		while (t->index[slot] >= 0)
			slot = (slot + 1) & (size - 1);
		t->index[slot] = i;
	}
}

static inline bool
entry_matches(const LabelTally *t, const LabelTallyEntry *e,
			  uint32 hash, const char *label, int len)
{
	return e->hash == hash && e->len == len &&
		memcmp(t->strings + e->off, label, len) == 0;
}

/* Index of label in t, or -1; *slot_out gets the index slot to insert at. */
static int
label_tally_lookup(const LabelTally *t, uint32 hash, const char *label, int len,
				   int *slot_out)
{
	int			i;

	if (t->index == NULL)
	{
		for (i = 0; i < t->n; i++)
			if (entry_matches(t, &t->entries[i], hash, label, len))
				return i;
		*slot_out = -1;
		return -1;
	}
	else
	{
		uint32		mask = t->indexsize - 1;
		uint32		slot = hash & mask;

		while ((i = t->index[slot]) >= 0)
		{
			if (entry_matches(t, &t->entries[i], hash, label, len))
				return i;
			slot = (slot + 1) & mask;
		}
		*slot_out = slot;
		return -1;
	}
}

/* Add weight to label (inserting it at weight 0 first if new). */
void
label_tally_add(LabelTally *t, const char *label, int len, double weight)
{
	uint32		hash = hash_bytes((const unsigned char *) label, len);
	int			slot;
	int			i = label_tally_lookup(t, hash, label, len, &slot);
	LabelTallyEntry *e;

	if (i >= 0)
	{
		t->entries[i].weight += weight;
		return;
	}

	if (t->n >= LABELING_MAX_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct labels in one group"),
				 errdetail("At most %d distinct labels are supported.",
						   LABELING_MAX_LABELS)));

	if (t->n == t->cap)
	{
		t->cap *= 2;
		t->entries = repalloc(t->entries, sizeof(LabelTallyEntry) * t->cap);
	}
	if ((Size) t->strlen + len > (Size) t->strcap)
	{
		Size		newcap = t->strcap;

		while (newcap < (Size) t->strlen + len)
			newcap *= 2;
		if (!AllocSizeIsValid(newcap))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("labels in one group are too large")));
		t->strings = repalloc(t->strings, newcap);
		t->strcap = newcap;
	}

	e = &t->entries[t->n];
	e->hash = hash;
	e->len = len;
	e->off = t->strlen;
	e->weight = weight;
	memcpy(t->strings + t->strlen, label, len);
	t->strlen += len;
	t->n++;

	if (t->index != NULL && 2 * t->n <= t->indexsize)
		t->index[slot] = t->n - 1;
	else if (t->n > LABEL_TALLY_LINEAR_MAX)
		label_tally_reindex(t);
}

/* Add every label of src into dst. */
void
label_tally_merge(LabelTally *dst, const LabelTally *src)
{
	int			i;

	for (i = 0; i < src->n; i++)
		label_tally_add(dst, src->strings + src->entries[i].off,
						src->entries[i].len, src->entries[i].weight);
}

/*
 * Labels and weights as LabelMass items (pointing into the tally), sorted
 * in byte order of the labels.  Allocated in CurrentMemoryContext.
 */
LabelMass *
label_tally_sorted_items(const LabelTally *t)
{
	LabelMass  *items = palloc(sizeof(LabelMass) * Max(t->n, 1));
	int			i;

	for (i = 0; i < t->n; i++)
	{
		items[i].label = t->strings + t->entries[i].off;
		items[i].len = t->entries[i].len;
		items[i].mass = t->entries[i].weight;
	}
	qsort(items, t->n, sizeof(LabelMass), label_mass_cmp);
	return items;
}

/*
 * Serialize: format byte, int32 count, then per label int32 length, the
 * bytes, and the float8 weight.
 */
bytea *
label_tally_serialize(const LabelTally *t)
{
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, LABEL_TALLY_FORMAT);
	pq_sendint32(&buf, t->n);
	for (i = 0; i < t->n; i++)
	{
		pq_sendint32(&buf, t->entries[i].len);
		pq_sendbytes(&buf, t->strings + t->entries[i].off, t->entries[i].len);
		pq_sendfloat8(&buf, t->entries[i].weight);
	}
	return pq_endtypsend(&buf);
}

/* Deserialize into a new tally in mcxt; every field is checked. */
LabelTally *
label_tally_deserialize(bytea *b, MemoryContext mcxt)
{
	StringInfoData buf;
	LabelTally *t;
	int			n;
	int			i;

	/* wrap the bytea without copying; we never write through buf */
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	if (pq_getmsgbyte(&buf) != LABEL_TALLY_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported serialized label tally format")));
	n = pq_getmsgint(&buf, 4);
	if (n < 0 || n > LABELING_MAX_LABELS || n > (buf.len - buf.cursor) / 12)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid label count %d in serialized label tally", n)));

	t = label_tally_create(mcxt);
	for (i = 0; i < n; i++)
	{
		int			len = pq_getmsgint(&buf, 4);
		const char *label;
		double		w;

		if (len < 0 || len > buf.len - buf.cursor)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("insufficient data left in message")));
		label = pq_getmsgbytes(&buf, len);
		w = pq_getmsgfloat8(&buf);
		if (!isfinite(w) || w < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid weight in serialized label tally")));
		label_tally_add(t, label, len, w);
	}
	pq_getmsgend(&buf);
	return t;
}
