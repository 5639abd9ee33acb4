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
 *	  with items squared.  The table is open addressing with the cells in the
 *	  slots (one cache miss per row).  States combine by addition: the other
 *	  state's cells are appended in this state's ids and equal cells are
 *	  summed when the final function sorts them.  Serialization is field by
 *	  field and deserialization checks every field.
 *
 * IDENTIFICATION
 *	  src/bt_state.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "bt.h"

/* Serialized format version (first byte of bt_state_serialize). */
#define BT_STATE_FORMAT		1

static inline uint32
bt_cell_hash(int32 worker, int32 a, int32 b)
{
	uint32		h = hash_combine(murmurhash32((uint32) a), murmurhash32((uint32) b));

	return worker ? hash_combine(h, murmurhash32((uint32) worker)) : h;
}

/* Maximum load of the slot table: 3/4 */
#define BT_SLOT_FULL(s)	((Size) (s)->ncells * 4 >= (Size) (s)->nslots * 3)

/* Prefetch a slot (a hint only) */
#if defined(__GNUC__) || defined(__clang__)
#define BT_PREFETCH(p)	__builtin_prefetch(p, 1, 0)
#else
#define BT_PREFETCH(p)	((void) 0)
#endif

/* Allocate an empty slot table of nslots (a power of 2) slots. */
static BtCell *
bt_slots_alloc(MemoryContext mcxt, int32 nslots)
{
	BtCell	   *slots = MemoryContextAllocHuge(mcxt, sizeof(BtCell) * (Size) nslots);
	int32		i;

	for (i = 0; i < nslots; i++)
		slots[i].a = -1;		/* empty */
	return slots;
}

/* Double the slot table and re-insert every cell. */
static void
bt_state_grow(BtState *s)
{
	int32		oldn = s->nslots;
	BtCell	   *old = s->slots;
	uint32		mask;
	int32		i;

	if (oldn >= (1 << 30))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct comparison pairs")));
	s->nslots = oldn * 2;
	s->slots = bt_slots_alloc(s->mcxt, s->nslots);
	mask = (uint32) s->nslots - 1;
	/* in batches: prefetch the new slots of a batch, then insert it */
	for (i = 0; i < oldn; i += BT_PENDING)
	{
		uint32		slot[BT_PENDING];
		int32		idx[BT_PENDING];
		int			m = 0,
					k;

		for (k = i; k < Min(i + BT_PENDING, oldn); k++)
		{
			if (old[k].a < 0)
				continue;
			slot[m] = bt_cell_hash(old[k].worker, old[k].a, old[k].b) & mask;
			BT_PREFETCH(&s->slots[slot[m]]);
			idx[m++] = k;
		}
		for (k = 0; k < m; k++)
		{
			uint32		sl = slot[k];

			while (s->slots[sl].a >= 0)
				sl = (sl + 1) & mask;
			s->slots[sl] = old[idx[k]];
		}
	}
	pfree(old);
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
	s->nslots = 64;
	s->slots = bt_slots_alloc(mcxt, s->nslots);
	return s;
}

/* The cell of (worker, a, b) with the given hash, created when absent. */
static inline BtCell *
bt_state_cell(BtState *s, uint32 hash, int32 worker, int32 a, int32 b)
{
	uint32		mask = (uint32) s->nslots - 1;
	uint32		slot = hash & mask;
	BtCell	   *c;

	for (;;)
	{
		c = &s->slots[slot];
		if (c->a < 0)
			break;
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
	if (BT_SLOT_FULL(s))
	{
		bt_state_grow(s);
		return bt_state_cell(s, hash, worker, a, b);
	}
	s->ncells++;
	c->worker = worker;
	c->a = a;
	c->b = b;
	c->n[0] = c->n[1] = c->n[2] = 0;
	return c;
}

/* Apply the oldest pending row (see bt_state_add). */
static void
bt_state_apply(BtState *s)
{
	const BtPending *pd = &s->pending[s->pending_head];
	BtCell	   *c = bt_state_cell(s, pd->hash, pd->worker, pd->a, pd->b);

	if (c->n[pd->outcome] == PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many comparisons of one pair"),
				 errdetail("One pair may be compared at most %d times with the same outcome.",
						   PG_INT32_MAX)));
	c->n[pd->outcome]++;
	s->pending_head = (s->pending_head + 1) % BT_PENDING;
	s->npending--;
}

/*
 * Count one comparison: outcome BT_WIN_A (a won), BT_WIN_B (b won) or
 * BT_TIE.  Without a worker column the pair is stored as (min, max).
 *
 * The table is far larger than the CPU caches, so every row costs a cache
 * miss; rows are queued for BT_PENDING rows with their slot prefetched, so
 * the misses of consecutive rows overlap.  bt_state_flush applies the queue.
 */
void
bt_state_add(BtState *s, int32 worker, int32 a, int32 b, int outcome)
{
	BtPending  *pd;

	Assert(a != b && outcome >= 0 && outcome < BT_NOUTCOMES);
	if (!s->has_worker && a > b)
	{
		int32		tmp = a;

		a = b;
		b = tmp;
		if (outcome != BT_TIE)
			outcome = 1 - outcome;
	}
	if (s->npending == BT_PENDING)
		bt_state_apply(s);
	pd = &s->pending[(s->pending_head + s->npending) % BT_PENDING];
	pd->worker = worker;
	pd->a = a;
	pd->b = b;
	pd->outcome = outcome;
	pd->hash = bt_cell_hash(worker, a, b);
	BT_PREFETCH(&s->slots[pd->hash & ((uint32) s->nslots - 1)]);
	s->npending++;
}

/* Apply every queued row. */
void
bt_state_flush(BtState *s)
{
	while (s->npending > 0)
		bt_state_apply(s);
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

/* Make room for n more merged cells. */
static void
bt_state_flat_reserve(BtState *s, int64 n)
{
	int64		need = s->nflat + n;

	if (need + s->ncells > 2 * (int64) BT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct comparison pairs"),
				 errdetail("bt_rank supports at most %d distinct pairs (distinct worker and pair combinations with a worker column).",
						   BT_MAX_CELLS)));
	if (need <= s->flatcap)
		return;
	s->flatcap = Max(need, 2 * s->flatcap);
	if (s->flat == NULL)
		s->flat = MemoryContextAllocHuge(s->mcxt, sizeof(BtCell) * s->flatcap);
	else
		s->flat = repalloc_huge(s->flat, sizeof(BtCell) * s->flatcap);
}

/* Append a cell of another state, with its ids mapped into s. */
static inline void
bt_state_flat_append(BtState *s, const BtCell *c, const int32 *imap, const int32 *wmap)
{
	BtCell	   *d = &s->flat[s->nflat++];

	*d = *c;
	d->a = imap[c->a];
	d->b = imap[c->b];
	d->worker = wmap ? wmap[c->worker] : 0;
	if (!s->has_worker && d->a > d->b)
	{
		int32		t = d->a;

		d->a = d->b;
		d->b = t;
		t = d->n[BT_WIN_A];
		d->n[BT_WIN_A] = d->n[BT_WIN_B];
		d->n[BT_WIN_B] = t;
	}
}

/*
 * Add src into dst (same key kinds).  The counts are added lazily: src's
 * cells are appended, in dst's ids, to dst's list of merged cells, and the
 * final function sums equal cells while it sorts them (which it does
 * anyway).  That keeps combining as cheap as copying, so parallel workers
 * pay off even when most pairs are distinct.
 */
void
bt_state_merge(BtState *dst, BtState *src)
{
	int32	   *imap = bt_state_remap(&dst->items, &src->items);
	int32	   *wmap = src->has_worker ? bt_state_remap(&dst->workers, &src->workers) : NULL;
	int64		i;

	bt_state_flush(dst);
	bt_state_flush(src);
	Assert(dst->has_worker == src->has_worker);
	bt_state_flat_reserve(dst, (int64) src->ncells + src->nflat);
	for (i = 0; i < src->nslots; i++)
	{
		if (src->slots[i].a < 0)
			continue;
		bt_state_flat_append(dst, &src->slots[i], imap, wmap);
	}
	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < src->nflat; i++)
		bt_state_flat_append(dst, &src->flat[i], imap, wmap);
	dst->rows += src->rows;
	dst->rows_skipped += src->rows_skipped;
	pfree(imap);
	if (wmap)
		pfree(wmap);
}

static void
bt_send_cell(StringInfo buf, const BtCell *c)
{
	pq_sendint32(buf, c->worker);
	pq_sendint32(buf, c->a);
	pq_sendint32(buf, c->b);
	pq_sendint32(buf, c->n[0]);
	pq_sendint32(buf, c->n[1]);
	pq_sendint32(buf, c->n[2]);
}

/*
 * Serialize: format byte, worker flag, item key map, worker key map (with a
 * worker column), rows, rows skipped, cell count (int64), then per cell
 * worker, a, b and the three counts as int32.  Merged cells are written as
 * they are (a pair may appear more than once).
 */
bytea *
bt_state_serialize(BtState *s)
{
	StringInfoData buf;
	int64		i;

	bt_state_flush(s);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BT_STATE_FORMAT);
	pq_sendbyte(&buf, s->has_worker ? 1 : 0);
	key_map_serialize(&s->items, &buf);
	if (s->has_worker)
		key_map_serialize(&s->workers, &buf);
	pq_sendint64(&buf, s->rows);
	pq_sendint64(&buf, s->rows_skipped);
	pq_sendint64(&buf, (int64) s->ncells + s->nflat);
	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].a >= 0)
			bt_send_cell(&buf, &s->slots[i]);
	for (i = 0; i < s->nflat; i++)
		bt_send_cell(&buf, &s->flat[i]);
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

/*
 * Deserialize into a new state in mcxt, its cells in the merged list; the
 * input is treated as hostile (every id and count is checked).
 */
BtState *
bt_state_deserialize(bytea *b, MemoryContext mcxt)
{
	StringInfoData buf;
	BtState    *s;
	int			has_worker;
	int			item_kind;
	int			worker_kind;
	int64		ncells;
	int64		i;

	labeling_state_reader(b, &buf, BT_STATE_FORMAT, "Bradley-Terry state");
	if (buf.len < 3)
		bt_state_corrupt("Truncated.");
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
	ncells = pq_getmsgint64(&buf);
	if (s->rows < 0 || s->rows_skipped < 0 || ncells < 0 ||
		ncells > 2 * (int64) BT_MAX_CELLS ||
		(Size) ncells * 24 != (Size) (buf.len - buf.cursor))
		bt_state_corrupt("Inconsistent counts or size.");
	bt_state_flat_reserve(s, ncells);
	for (i = 0; i < ncells; i++)
	{
		BtCell	   *c = &s->flat[i];
		int			o;

		c->worker = pq_getmsgint(&buf, 4);
		c->a = pq_getmsgint(&buf, 4);
		c->b = pq_getmsgint(&buf, 4);
		for (o = 0; o < BT_NOUTCOMES; o++)
			c->n[o] = pq_getmsgint(&buf, 4);
		if (c->a < 0 || c->a >= s->items.n || c->b < 0 || c->b >= s->items.n || c->a == c->b ||
			c->n[0] < 0 || c->n[1] < 0 || c->n[2] < 0 ||
			(int64) c->n[0] + c->n[1] + c->n[2] == 0 ||
			(!has_worker && (c->a > c->b || c->worker != 0)) ||
			(has_worker && (c->worker < 0 || c->worker >= s->workers.n)))
			bt_state_corrupt("Invalid cell.");
	}
	s->nflat = ncells;
	pq_getmsgend(&buf);
	return s;
}
