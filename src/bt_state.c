/*-------------------------------------------------------------------------
 *
 * bt_state.c
 *	  The state of the bt_rank aggregate: items (and workers) interned to
 *	  dense ids by KeyMaps, and a hash table of comparison cells.
 *
 *	  A cell counts the outcomes (a wins, b wins, tie) of one unordered pair
 *	  {a, b} (stored with a < b), or, for the noisy model, of one worker on
 *	  one ordered (left, right) pair.  That table is a sufficient statistic
 *	  of both models, so memory grows with the number of distinct cells, not
 *	  with items squared.  States combine by adding counts; serialization is
 *	  field by field and deserialization checks every field.
 *
 * IDENTIFICATION
 *	  src/bt_state.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "bradley_terry.h"

/* Serialized format version (first byte of bt_state_serialize). */
#define BT_STATE_FORMAT		1

static inline uint32
bt_cell_hash(int32 worker, int32 a, int32 b)
{
	uint64		h = ((uint64) (uint32) a << 32) | (uint32) b;

	h ^= (uint64) (uint32) worker * UINT64CONST(0x9e3779b97f4a7c15);
	/* the 64-bit finaliser of MurmurHash3 */
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (uint32) h;
}

/* Rebuild the index with at least twice as many slots as cells allocated. */
static void
bt_state_reindex(BtState *s)
{
	Size		size = 64;
	uint32		mask;
	int32		i;

	while (size < 2 * (Size) s->cellcap)
		size *= 2;
	if (s->index)
		pfree(s->index);
	s->index = MemoryContextAllocHuge(s->mcxt, sizeof(int32) * size);
	memset(s->index, -1, sizeof(int32) * size);
	s->indexsize = (int32) size;
	mask = (uint32) size - 1;
	for (i = 0; i < s->ncells; i++)
	{
		const BtCell *c = &s->cells[i];
		uint32		slot = bt_cell_hash(c->worker, c->a, c->b) & mask;

		while (s->index[slot] >= 0)
			slot = (slot + 1) & mask;
		s->index[slot] = i;
	}
}

BtState *
bt_state_create(MemoryContext mcxt, KeyKind item_kind, bool has_worker,
				KeyKind worker_kind)
{
	BtState    *s = MemoryContextAllocZero(mcxt, sizeof(BtState));

	s->mcxt = mcxt;
	s->has_worker = has_worker;
	key_map_init(&s->items, mcxt, item_kind);
	if (has_worker)
		key_map_init(&s->workers, mcxt, worker_kind);
	s->cellcap = 16;
	s->cells = MemoryContextAlloc(mcxt, sizeof(BtCell) * s->cellcap);
	bt_state_reindex(s);
	return s;
}

/* The cell of (worker, a, b), created with zero counts when absent. */
static inline BtCell *
bt_state_cell(BtState *s, int32 worker, int32 a, int32 b)
{
	uint32		mask = (uint32) s->indexsize - 1;
	uint32		slot = bt_cell_hash(worker, a, b) & mask;
	int32		id;
	BtCell	   *c;

	while ((id = s->index[slot]) >= 0)
	{
		c = &s->cells[id];
		if (c->a == a && c->b == b && c->worker == worker)
			return c;
		slot = (slot + 1) & mask;
	}
	if (s->ncells >= BT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct comparison pairs"),
				 errdetail("bt_rank supports at most %d distinct pairs (distinct worker and pair combinations with a worker column).",
						   BT_MAX_CELLS)));
	if (s->ncells == s->cellcap)
	{
		s->cellcap *= 2;
		s->cells = repalloc_huge(s->cells, sizeof(BtCell) * s->cellcap);
		bt_state_reindex(s);
		return bt_state_cell(s, worker, a, b);
	}
	id = s->ncells++;
	c = &s->cells[id];
	c->worker = worker;
	c->a = a;
	c->b = b;
	c->n[0] = c->n[1] = c->n[2] = 0;
	s->index[slot] = id;
	return c;
}

/*
 * Count one outcome (BT_WIN_A: a won, BT_WIN_B: b won, BT_TIE) count times.
 * Without a worker column the pair is stored as (min, max).
 */
void
bt_state_add(BtState *s, int32 worker, int32 a, int32 b, int outcome, int32 count)
{
	BtCell	   *c;

	Assert(a != b && outcome >= 0 && outcome < BT_NOUTCOMES);
	if (!s->has_worker && a > b)
	{
		int32		tmp = a;

		a = b;
		b = tmp;
		if (outcome != BT_TIE)
			outcome = 1 - outcome;
	}
	c = bt_state_cell(s, worker, a, b);
	if (c->n[outcome] > PG_INT32_MAX - count)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many comparisons of one pair"),
				 errdetail("One pair may be compared at most %d times with the same outcome.",
						   PG_INT32_MAX)));
	c->n[outcome] += count;
}

/* Map every key of src to its id in dst (interning new keys). */
static int32 *
bt_state_remap(KeyMap *dst, const KeyMap *src)
{
	int32	   *map = bt_alloc(sizeof(int32) * Max(src->n, 1));
	int32		i;

	for (i = 0; i < src->n; i++)
	{
		if (src->kind == KEY_INT8)
			map[i] = key_map_intern_int(dst, KEY_MAP_INT(src, i), NULL);
		else
			map[i] = key_map_intern_text(dst, KEY_MAP_TEXT(src, i),
										 KEY_MAP_TEXTLEN(src, i), NULL);
	}
	return map;
}

/* Add every cell of src into dst (same item and worker key kinds). */
void
bt_state_merge(BtState *dst, const BtState *src)
{
	int32	   *imap = bt_state_remap(&dst->items, &src->items);
	int32	   *wmap = src->has_worker ? bt_state_remap(&dst->workers, &src->workers) : NULL;
	int32		i;
	int			o;

	Assert(dst->has_worker == src->has_worker);
	for (i = 0; i < src->ncells; i++)
	{
		const BtCell *c = &src->cells[i];
		int32		w = wmap ? wmap[c->worker] : 0;

		CHECK_FOR_INTERRUPTS();
		for (o = 0; o < BT_NOUTCOMES; o++)
			if (c->n[o] > 0)
				bt_state_add(dst, w, imap[c->a], imap[c->b], o, c->n[o]);
	}
	dst->rows += src->rows;
	dst->rows_skipped += src->rows_skipped;
	pfree(imap);
	if (wmap)
		pfree(wmap);
}

/*
 * Serialize: format byte, worker flag, item key map, worker key map (with a
 * worker column), rows, rows skipped, cell count, then per cell worker, a,
 * b and the three counts as int32.
 */
bytea *
bt_state_serialize(const BtState *s)
{
	StringInfoData buf;
	int32		i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BT_STATE_FORMAT);
	pq_sendbyte(&buf, s->has_worker ? 1 : 0);
	key_map_serialize(&s->items, &buf);
	if (s->has_worker)
		key_map_serialize(&s->workers, &buf);
	pq_sendint64(&buf, s->rows);
	pq_sendint64(&buf, s->rows_skipped);
	pq_sendint32(&buf, s->ncells);
	for (i = 0; i < s->ncells; i++)
	{
		const BtCell *c = &s->cells[i];

		pq_sendint32(&buf, c->worker);
		pq_sendint32(&buf, c->a);
		pq_sendint32(&buf, c->b);
		pq_sendint32(&buf, c->n[0]);
		pq_sendint32(&buf, c->n[1]);
		pq_sendint32(&buf, c->n[2]);
	}
	return pq_endtypsend(&buf);
}

static void
bt_state_corrupt(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized bt_rank state"),
			 errdetail("%s", detail)));
}

/* Deserialize into a new state in mcxt; the input is treated as hostile. */
BtState *
bt_state_deserialize(bytea *b, MemoryContext mcxt)
{
	StringInfoData buf;
	BtState    *s;
	int			has_worker;
	int			item_kind;
	int			worker_kind = KEY_TEXT;
	int32		ncells;
	int32		i;

	/* wrap the bytea without copying; we never write through buf */
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	if (buf.len < 3 || pq_getmsgbyte(&buf) != BT_STATE_FORMAT)
		bt_state_corrupt("Unsupported format.");
	has_worker = pq_getmsgbyte(&buf);
	if (has_worker != 0 && has_worker != 1)
		bt_state_corrupt("Bad worker flag.");
	item_kind = (unsigned char) buf.data[buf.cursor];
	if (item_kind != KEY_TEXT && item_kind != KEY_INT8)
		bt_state_corrupt("Bad item key kind.");
	s = bt_state_create(mcxt, (KeyKind) item_kind, false, KEY_TEXT);
	key_map_deserialize_into(&s->items, &buf);
	if (has_worker)
	{
		if (buf.cursor >= buf.len)
			bt_state_corrupt("Missing worker keys.");
		worker_kind = (unsigned char) buf.data[buf.cursor];
		if (worker_kind != KEY_TEXT && worker_kind != KEY_INT8)
			bt_state_corrupt("Bad worker key kind.");
		s->has_worker = true;
		key_map_init(&s->workers, mcxt, (KeyKind) worker_kind);
		key_map_deserialize_into(&s->workers, &buf);
	}
	s->rows = pq_getmsgint64(&buf);
	s->rows_skipped = pq_getmsgint64(&buf);
	ncells = pq_getmsgint(&buf, 4);
	if (s->rows < 0 || s->rows_skipped < 0 || ncells < 0 || ncells > BT_MAX_CELLS ||
		(Size) ncells * 24 != (Size) (buf.len - buf.cursor))
		bt_state_corrupt("Inconsistent counts or size.");
	for (i = 0; i < ncells; i++)
	{
		int32		w = pq_getmsgint(&buf, 4);
		int32		a = pq_getmsgint(&buf, 4);
		int32		bb = pq_getmsgint(&buf, 4);
		int32		n[BT_NOUTCOMES];
		BtCell	   *c;
		int			o;

		for (o = 0; o < BT_NOUTCOMES; o++)
			n[o] = pq_getmsgint(&buf, 4);
		if (a < 0 || a >= s->items.n || bb < 0 || bb >= s->items.n || a == bb ||
			n[0] < 0 || n[1] < 0 || n[2] < 0 || (int64) n[0] + n[1] + n[2] == 0 ||
			(!has_worker && (a > bb || w != 0)) ||
			(has_worker && (w < 0 || w >= s->workers.n)))
			bt_state_corrupt("Invalid cell.");
		c = bt_state_cell(s, w, a, bb);
		if (c->n[0] != 0 || c->n[1] != 0 || c->n[2] != 0)
			bt_state_corrupt("Duplicate cell.");
		for (o = 0; o < BT_NOUTCOMES; o++)
			c->n[o] = n[o];
	}
	pq_getmsgend(&buf);
	return s;
}
