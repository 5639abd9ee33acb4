/*-------------------------------------------------------------------------
 *
 * vote_tally.c
 *	  A table of label -> summed weight per group: the state of the vote
 *	  aggregates (vote_dist, majority_vote) and a building block for other
 *	  per-group label counts.
 *
 *	  A GROUP BY over millions of tasks keeps millions of tallies alive at
 *	  once, and the hash aggregate visits them in input order, i.e. at random.
 *	  The cost is then memory traffic, not arithmetic, so a tally is one small
 *	  allocation: a header and (label id, weight) items, 64 bytes for up to 3
 *	  labels.  The label texts live once in a dictionary (a KeyMap, key_map.c)
 *	  shared by every tally of the same aggregate call site, kept in the
 *	  function's fn_extra (label_tally_dict), which lives as long as the query
 *	  and so outlives every tally.  Tallies with more than
 *	  LABEL_TALLY_LINEAR_MAX labels append an open-addressing index of their
 *	  items, so a group with thousands of labels stays O(1) per row.
 *
 *	  Functions that may grow a tally return it: the caller must use the
 *	  returned pointer (repalloc may move it).
 *
 * IDENTIFICATION
 *	  src/vote_tally.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "libpq/pqformat.h"

#include "vote_tally.h"

/* Serialized format version (first byte of label_tally_serialize). */
#define LABEL_TALLY_FORMAT		1

/* Scan items linearly up to this capacity, then keep an index. */
#define LABEL_TALLY_LINEAR_MAX	16

/* Capacities are 2^k - 1, so that header plus items fill a power of 2. */
#define LABEL_TALLY_MIN_CAP		3

/* Slots of the index of a tally of capacity cap (0: no index). */
static inline Size
tally_index_size(int32 cap)
{
	Size		size = 32;

	if (cap <= LABEL_TALLY_LINEAR_MAX)
		return 0;
	while (size < 2 * (Size) cap)
		size *= 2;
	return size;
}

static inline Size
tally_bytes(int32 cap)
{
	return offsetof(LabelTally, items) + sizeof(LabelTallyItem) * cap +
		sizeof(int32) * tally_index_size(cap);
}

static inline int32 *
tally_index(const LabelTally *t)
{
	return (int32 *) (t->items + t->cap);
}

/* Position of label id in the tally, or -1; *slot gets the free index slot. */
static inline int32
tally_find(const LabelTally *t, int32 id, uint32 *slot)
{
	int32		i;

	if (t->cap <= LABEL_TALLY_LINEAR_MAX)
	{
		for (i = 0; i < t->n; i++)
			if (t->items[i].id == id)
				return i;
		return -1;
	}
	else
	{
		const int32 *index = tally_index(t);
		uint32		mask = (uint32) tally_index_size(t->cap) - 1;
		uint32		s = murmurhash32((uint32) id) & mask;

		while ((i = index[s]) >= 0)
		{
			if (t->items[i].id == id)
				return i;
			s = (s + 1) & mask;
		}
		*slot = s;
		return -1;
	}
}

/* Fill the index (if the capacity calls for one) from the items. */
static void
tally_reindex(LabelTally *t)
{
	Size		size = tally_index_size(t->cap);
	int32	   *index = tally_index(t);
	int32		i;

	if (size == 0)
		return;
	memset(index, -1, sizeof(int32) * size);
	for (i = 0; i < t->n; i++)
	{
		uint32		s = murmurhash32((uint32) t->items[i].id) & (uint32) (size - 1);

		while (index[s] >= 0)
			s = (s + 1) & (uint32) (size - 1);
		index[s] = i;
	}
}

static LabelTally *
tally_alloc(MemoryContext mcxt, KeyMap *dict, int32 cap)
{
	LabelTally *t = MemoryContextAlloc(mcxt, tally_bytes(cap));

	t->dict = dict;
	t->n = 0;
	t->cap = cap;
	tally_reindex(t);
	return t;
}

/*
 * The label dictionary of an aggregate call site: created on first use in
 * the function's fn_mcxt (query lifetime) and kept in fn_extra.
 */
KeyMap *
label_tally_dict(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;

	if (flinfo->fn_extra == NULL)
		flinfo->fn_extra = key_map_create(flinfo->fn_mcxt, KEY_TEXT);
	return (KeyMap *) flinfo->fn_extra;
}

/*
 * An empty tally in mcxt, with room for LABEL_TALLY_MIN_CAP labels: most
 * groups of a classification task see few distinct labels, and the smaller
 * the tallies, the fewer pages a large GROUP BY touches.
 */
LabelTally *
label_tally_create(MemoryContext mcxt, KeyMap *dict)
{
	return tally_alloc(mcxt, dict, LABEL_TALLY_MIN_CAP);
}

/* Add weight to the label with dictionary id `id`; returns the tally. */
static LabelTally *
tally_add_id(LabelTally *t, int32 id, double weight)
{
	uint32		slot = 0;
	int32		pos = tally_find(t, id, &slot);

	if (pos >= 0)
	{
		t->items[pos].weight += weight;
		return t;
	}
	if (t->n >= LABELING_MAX_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct labels in one group"),
				 errdetail("At most %d distinct labels are supported.",
						   LABELING_MAX_LABELS)));
	if (t->n == t->cap)
	{
		/* repalloc keeps the items; the index is rebuilt behind them */
		int32		newcap = 2 * t->cap + 1;

		t = repalloc(t, tally_bytes(newcap));
		t->cap = newcap;
		tally_reindex(t);
		(void) tally_find(t, id, &slot);
	}
	t->items[t->n].id = id;
	t->items[t->n].weight = weight;
	if (t->cap > LABEL_TALLY_LINEAR_MAX)
		tally_index(t)[slot] = t->n;
	t->n++;
	return t;
}

/* Add weight to label (a new label starts at 0); returns the tally. */
LabelTally *
label_tally_add(LabelTally *t, const char *label, int len, double weight)
{
	return tally_add_id(t, key_map_intern_text(t->dict, label, len, NULL), weight);
}

/* Add every label of src into dst; returns dst. */
LabelTally *
label_tally_merge(LabelTally *dst, const LabelTally *src)
{
	int32		i;

	for (i = 0; i < src->n; i++)
	{
		int32		id = src->items[i].id;

		if (src->dict != dst->dict)
			id = key_map_intern_text(dst->dict, LABEL_TALLY_TEXT(src, i),
									 LABEL_TALLY_TEXTLEN(src, i), NULL);
		dst = tally_add_id(dst, id, src->items[i].weight);
	}
	return dst;
}

/*
 * Labels and weights as LabelMass items (pointing into the dictionary, valid
 * until it grows), sorted in byte order of the labels.  Allocated in
 * CurrentMemoryContext.
 */
LabelMass *
label_tally_sorted_items(const LabelTally *t)
{
	LabelMass  *items = palloc(sizeof(LabelMass) * Max(t->n, 1));
	int32		i;

	for (i = 0; i < t->n; i++)
	{
		items[i].label = LABEL_TALLY_TEXT(t, i);
		items[i].len = LABEL_TALLY_TEXTLEN(t, i);
		items[i].mass = t->items[i].weight;
	}
	qsort(items, t->n, sizeof(LabelMass), label_mass_cmp);
	return items;
}

/*
 * Serialize: format byte, key kind byte ('t'), int32 count, the labels in
 * item order (int32 length plus bytes), then one float8 weight per label.
 */
bytea *
label_tally_serialize(const LabelTally *t)
{
	StringInfoData buf;
	int32		i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, LABEL_TALLY_FORMAT);
	pq_sendbyte(&buf, (int) KEY_TEXT);
	pq_sendint32(&buf, t->n);
	for (i = 0; i < t->n; i++)
	{
		pq_sendint32(&buf, LABEL_TALLY_TEXTLEN(t, i));
		pq_sendbytes(&buf, LABEL_TALLY_TEXT(t, i), LABEL_TALLY_TEXTLEN(t, i));
	}
	for (i = 0; i < t->n; i++)
		pq_sendfloat8(&buf, t->items[i].weight);
	return pq_endtypsend(&buf);
}

static void
tally_corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized label tally: %s", what)));
}

/*
 * Deserialize into a new tally in mcxt whose labels are interned into dict;
 * every field is checked.
 */
LabelTally *
label_tally_deserialize(bytea *b, MemoryContext mcxt, KeyMap *dict)
{
	StringInfoData buf;
	LabelTally *t;
	int32		n;
	int32		cap = LABEL_TALLY_MIN_CAP;
	int32		i;

	labeling_state_reader(b, &buf, LABEL_TALLY_FORMAT, "label tally");
	if (pq_getmsgbyte(&buf) != (int) KEY_TEXT)
		tally_corrupt("bad key kind");
	n = pq_getmsgint(&buf, 4);
	/* each label takes at least a length word and a weight */
	if (n < 0 || n > LABELING_MAX_LABELS ||
		(Size) n * (sizeof(int32) + sizeof(double)) > (Size) (buf.len - buf.cursor))
		tally_corrupt("bad label count");
	while (cap < n)
		cap = 2 * cap + 1;
	t = tally_alloc(mcxt, dict, cap);
	for (i = 0; i < n; i++)
	{
		int32		len = pq_getmsgint(&buf, 4);
		int32		id;
		uint32		slot = 0;

		if (len < 0 || len > buf.len - buf.cursor)
			tally_corrupt("bad label length");
		id = key_map_intern_text(dict, pq_getmsgbytes(&buf, len), len, NULL);
		if (tally_find(t, id, &slot) >= 0)
			tally_corrupt("duplicate label");
		t->items[i].id = id;
		t->items[i].weight = 0.0;
		if (t->cap > LABEL_TALLY_LINEAR_MAX)
			tally_index(t)[slot] = i;
		t->n = i + 1;
	}
	if ((Size) n * sizeof(double) != (Size) (buf.len - buf.cursor))
		tally_corrupt("inconsistent size");
	for (i = 0; i < n; i++)
	{
		double		w = pq_getmsgfloat8(&buf);

		if (!isfinite(w) || w < 0.0)
			tally_corrupt("invalid weight");
		t->items[i].weight = w;
	}
	pq_getmsgend(&buf);
	return t;
}
