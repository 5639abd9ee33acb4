/*-------------------------------------------------------------------------
 *
 * bt_data.c
 *	  The canonical comparison table of side-by-side ranking (BtData): items
 *	  and workers renumbered in key order, cells sorted by (worker, a, b).
 *	  Because the fit only ever sees this canonical form, a model does not
 *	  depend on the input order or on how a parallel aggregate was split.
 *
 *	  Also here: collapsing cells into unordered pairs with outcome counts
 *	  (what the Bradley-Terry-Davidson likelihood needs), connected
 *	  components of the comparison graph, and key accessors.
 *
 * IDENTIFICATION
 *	  src/bt_data.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/memutils.h"

#include "bt.h"
#include "labeling.h"

/* Keys of a map in ascending key order; *rank maps old id -> position. */
static void
bt_keys_from_map(const KeyMap *m, BtKeys *k, int32 **rank)
{
	int32	   *order = key_map_sorted_ids(m);
	int32	   *r = bt_alloc(sizeof(int32) * Max(m->n, 1));
	int32		i;

	k->kind = m->kind;
	k->n = m->n;
	k->ints = NULL;
	k->strs = NULL;
	k->lens = NULL;
	if (m->kind == KEY_INT8)
		k->ints = bt_alloc(sizeof(int64) * Max(m->n, 1));
	else
	{
		k->strs = bt_alloc(sizeof(char *) * Max(m->n, 1));
		k->lens = bt_alloc(sizeof(int32) * Max(m->n, 1));
	}
	for (i = 0; i < m->n; i++)
	{
		int32		id = order[i];

		r[id] = i;
		if (m->kind == KEY_INT8)
			k->ints[i] = KEY_MAP_INT(m, id);
		else
		{
			k->strs[i] = KEY_MAP_TEXT(m, id);
			k->lens[i] = KEY_MAP_TEXTLEN(m, id);
		}
	}
	pfree(order);
	*rank = r;
}

/* One stable counting-sort pass of cells on one int32 field in [0, range). */
static void
bt_radix_pass(const BtCell *src, BtCell *dst, int64 n, int field, int32 range)
{
	int32	   *count = bt_alloc0(sizeof(int32) * ((Size) range + 1));
	int64		i;

#define FIELD(c) (field == 0 ? (c)->worker : field == 1 ? (c)->a : (c)->b)
	for (i = 0; i < n; i++)
		count[FIELD(&src[i]) + 1]++;
	for (i = 0; i < range; i++)
		count[i + 1] += count[i];
	for (i = 0; i < n; i++)
		dst[count[FIELD(&src[i])]++] = src[i];
#undef FIELD
	pfree(count);
}

/* Sort cells by (worker, a, b) with LSD radix passes. */
static void
bt_sort_cells(BtCell *cells, int64 n, int32 nitems, int32 nworkers)
{
	BtCell	   *tmp;

	if (n < 2)
		return;
	tmp = bt_alloc(sizeof(BtCell) * n);
	bt_radix_pass(cells, tmp, n, 2, nitems);
	bt_radix_pass(tmp, cells, n, 1, nitems);
	if (nworkers > 1)
	{
		bt_radix_pass(cells, tmp, n, 0, nworkers);
		memcpy(cells, tmp, sizeof(BtCell) * n);
	}
	pfree(tmp);
}

/* Map a state's cell to canonical ids (key order); a < b without workers. */
static inline BtCell
bt_canonical_cell(const BtCell *src, const int32 *irank, const int32 *wrank)
{
	BtCell		c = *src;

	c.a = irank[c.a];
	c.b = irank[c.b];
	if (wrank)
		c.worker = wrank[c.worker];
	else if (c.a > c.b)
	{
		int32		tmp = c.a;

		c.a = c.b;
		c.b = tmp;
		tmp = c.n[BT_WIN_A];
		c.n[BT_WIN_A] = c.n[BT_WIN_B];
		c.n[BT_WIN_B] = tmp;
	}
	return c;
}

/*
 * The canonical table of an aggregate state, in CurrentMemoryContext: the
 * state's own cells and its merged cells, renumbered, sorted, and equal
 * cells summed.  Text keys point into the state's key maps, which must
 * outlive the result.
 */
BtData *
bt_data_from_state(BtState *s)
{
	BtData	   *d = palloc0(sizeof(BtData));
	int32	   *irank;
	int32	   *wrank = NULL;
	BtCell	   *cells;
	int64		total;
	int64		i,
				j = 0;

	bt_state_flush(s);
	total = (int64) s->ncells + s->nflat;
	bt_keys_from_map(&s->items, &d->items, &irank);
	d->has_worker = s->has_worker;
	if (s->has_worker)
		bt_keys_from_map(&s->workers, &d->workers, &wrank);
	else
		d->workers.kind = KEY_TEXT;
	d->rows = s->rows;
	d->rows_skipped = s->rows_skipped;

	/*
	 * Sort by (worker, a, b) with LSD radix passes; the first pass (on b)
	 * reads the state's cells directly and renumbers them on the way.
	 */
	{
		int32	   *count = bt_alloc0(sizeof(int32) * ((Size) d->items.n + 1));
		BtCell	   *tmp = bt_alloc(sizeof(BtCell) * Max(total, 1));
		BtCell		c;

		for (i = 0; i < s->nslots; i++)
			if (s->slots[i].a >= 0)
				count[bt_canonical_cell(&s->slots[i], irank, wrank).b + 1]++;
		for (i = 0; i < s->nflat; i++)
			count[bt_canonical_cell(&s->flat[i], irank, wrank).b + 1]++;
		for (i = 0; i < d->items.n; i++)
			count[i + 1] += count[i];
		for (i = 0; i < s->nslots; i++)
			if (s->slots[i].a >= 0)
			{
				c = bt_canonical_cell(&s->slots[i], irank, wrank);
				tmp[count[c.b]++] = c;
				j++;
			}
		for (i = 0; i < s->nflat; i++)
		{
			c = bt_canonical_cell(&s->flat[i], irank, wrank);
			tmp[count[c.b]++] = c;
			j++;
		}
		Assert(j == total);
		pfree(count);
		cells = bt_alloc(sizeof(BtCell) * Max(total, 1));
		bt_radix_pass(tmp, cells, total, 1, d->items.n);
		if (d->workers.n > 1)
		{
			bt_radix_pass(cells, tmp, total, 0, d->workers.n);
			pfree(cells);
			cells = tmp;
		}
		else
			pfree(tmp);
	}
	pfree(irank);
	if (wrank)
		pfree(wrank);

	/* sum equal cells (merged from parallel workers) */
	j = 0;
	for (i = 0; i < total; i++)
	{
		if (j > 0 && cells[j - 1].worker == cells[i].worker &&
			cells[j - 1].a == cells[i].a && cells[j - 1].b == cells[i].b)
		{
			int			o;

			for (o = 0; o < BT_NOUTCOMES; o++)
			{
				if (cells[j - 1].n[o] > PG_INT32_MAX - cells[i].n[o])
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("too many comparisons of one pair"),
							 errdetail("One pair may be compared at most %d times with the same outcome.",
									   PG_INT32_MAX)));
				cells[j - 1].n[o] += cells[i].n[o];
			}
		}
		else
			cells[j++] = cells[i];
	}
	if (j > BT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct comparison pairs"),
				 errdetail("bt_rank supports at most %d distinct pairs (distinct worker and pair combinations with a worker column).",
						   BT_MAX_CELLS)));
	d->ncells = (int32) j;
	d->cells = cells;
	return d;
}

BtPairs *
bt_pairs_alloc(int32 nitems, int32 npairs)
{
	BtPairs    *p = palloc(sizeof(BtPairs));
	Size		n = Max(npairs, 1);

	p->nitems = nitems;
	p->npairs = npairs;
	p->a = bt_alloc(sizeof(int32) * n);
	p->b = bt_alloc(sizeof(int32) * n);
	p->wa = bt_alloc(sizeof(double) * n);
	p->wb = bt_alloc(sizeof(double) * n);
	p->t = bt_alloc(sizeof(double) * n);
	return p;
}

/*
 * Collapse the cells into unordered pairs (a < b) with their outcome counts;
 * ties are zeroed unless keep_ties.  When cell_pair is given, it receives
 * for every cell the index of its pair (the cell is reversed when its
 * a > b).
 */
BtPairs *
bt_pairs_from_data(const BtData *d, bool keep_ties, int32 **cell_pair)
{
	BtPairs    *p;
	BtCell	   *keys;
	int32	   *cp = NULL;
	int32		n = d->ncells;
	int32		np;
	int32		i;

	if (!d->has_worker)
	{
		/* cells are already unique canonical pairs, sorted by (a, b) */
		p = bt_pairs_alloc(d->items.n, n);
		if (cell_pair)
			cp = bt_alloc(sizeof(int32) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			const BtCell *c = &d->cells[i];

			p->a[i] = c->a;
			p->b[i] = c->b;
			p->wa[i] = c->n[BT_WIN_A];
			p->wb[i] = c->n[BT_WIN_B];
			p->t[i] = keep_ties ? c->n[BT_TIE] : 0.0;
			if (cp)
				cp[i] = i;
		}
		if (cell_pair)
			*cell_pair = cp;
		return p;
	}

	/* canonical (min, max) keys of every cell, tagged with the cell index */
	keys = bt_alloc(sizeof(BtCell) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		const BtCell *c = &d->cells[i];

		keys[i].worker = 0;
		keys[i].a = Min(c->a, c->b);
		keys[i].b = Max(c->a, c->b);
		keys[i].n[0] = i;
	}
	bt_sort_cells(keys, n, d->items.n, 0);
	np = 0;
	for (i = 0; i < n; i++)
		if (i == 0 || keys[i].a != keys[i - 1].a || keys[i].b != keys[i - 1].b)
			np++;
	p = bt_pairs_alloc(d->items.n, np);
	cp = bt_alloc(sizeof(int32) * Max(n, 1));
	np = -1;
	for (i = 0; i < n; i++)
	{
		const BtCell *c = &d->cells[keys[i].n[0]];
		bool		flip = c->a > c->b;

		if (i == 0 || keys[i].a != keys[i - 1].a || keys[i].b != keys[i - 1].b)
		{
			np++;
			p->a[np] = keys[i].a;
			p->b[np] = keys[i].b;
			p->wa[np] = p->wb[np] = p->t[np] = 0.0;
		}
		cp[keys[i].n[0]] = np;
		p->wa[np] += flip ? c->n[BT_WIN_B] : c->n[BT_WIN_A];
		p->wb[np] += flip ? c->n[BT_WIN_A] : c->n[BT_WIN_B];
		if (keep_ties)
			p->t[np] += c->n[BT_TIE];
	}
	pfree(keys);
	if (cell_pair)
		*cell_pair = cp;
	else
		pfree(cp);
	return p;
}

static int32
uf_find(int32 *parent, int32 x)
{
	while (parent[x] != x)
	{
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

/*
 * Connected components of the comparison graph (pairs with at least one
 * counted outcome).  component[i] gets a 1-based id; ids are numbered in
 * the order of each component's first item (items are in key order), so
 * component 1 holds the smallest key.  Returns the number of components.
 */
int32
bt_components(const BtPairs *p, int32 *component)
{
	int32		n = p->nitems;
	int32	   *parent = bt_alloc(sizeof(int32) * Max(n, 1));
	int32		ncomp = 0;
	int32		i;

	for (i = 0; i < n; i++)
		parent[i] = i;
	for (i = 0; i < p->npairs; i++)
	{
		int32		ra,
					rb;

		if (p->wa[i] + p->wb[i] + p->t[i] <= 0.0)
			continue;
		ra = uf_find(parent, p->a[i]);
		rb = uf_find(parent, p->b[i]);
		if (ra != rb)
		{
			/* the smaller index becomes the root */
			if (ra < rb)
				parent[rb] = ra;
			else
				parent[ra] = rb;
		}
	}
	for (i = 0; i < n; i++)
	{
		int32		r = uf_find(parent, i);

		if (r == i)
			component[i] = ++ncomp;
		else
			component[i] = component[r];	/* r < i, already numbered */
	}
	pfree(parent);
	return ncomp;
}

/* Compare keys i and j: numeric order for bigint, byte order for text. */
int
bt_keys_cmp(const BtKeys *k, int32 i, int32 j)
{
	if (k->kind == KEY_INT8)
		return (k->ints[i] > k->ints[j]) - (k->ints[i] < k->ints[j]);
	return label_cmp(k->strs[i], k->lens[i], k->strs[j], k->lens[j]);
}

/* Key i as a Datum (int8 or text) in CurrentMemoryContext. */
Datum
bt_keys_datum(const BtKeys *k, int32 i)
{
	if (k->kind == KEY_INT8)
		return Int64GetDatum(k->ints[i]);
	return PointerGetDatum(cstring_to_text_with_len(k->strs[i], k->lens[i]));
}

/* Key i as a palloc'd C string (bigint keys in decimal). */
char *
bt_keys_cstring(const BtKeys *k, int32 i)
{
	if (k->kind == KEY_INT8)
		return psprintf(INT64_FORMAT, k->ints[i]);
	return pnstrdup(k->strs[i], k->lens[i]);
}

void
bt_pairs_free(BtPairs *p)
{
	pfree(p->a);
	pfree(p->b);
	pfree(p->wa);
	pfree(p->wb);
	pfree(p->t);
	pfree(p);
}

/*
 * Group 0 .. n-1 by key[i] in 1 .. nkeys (a stable counting sort): returns
 * the indexes grouped by key, in index order within a group; group k is
 * result[start[k] .. start[k + 1]) (start has nkeys + 2 entries).
 */
int32 *
bt_group(const int32 *key, int32 n, int32 nkeys, int32 **start)
{
	int32	   *st = bt_alloc0(sizeof(int32) * ((Size) nkeys + 2));
	int32	   *fill = bt_alloc(sizeof(int32) * ((Size) nkeys + 2));
	int32	   *out = bt_alloc(sizeof(int32) * Max(n, 1));
	int32		i;

	for (i = 0; i < n; i++)
		st[key[i] + 1]++;
	for (i = 1; i <= nkeys; i++)
		st[i + 1] += st[i];
	memcpy(fill, st, sizeof(int32) * ((Size) nkeys + 2));
	for (i = 0; i < n; i++)
		out[fill[key[i]]++] = i;
	pfree(fill);
	*start = st;
	return out;
}
