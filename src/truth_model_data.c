/*-------------------------------------------------------------------------
 *
 * truth_model_data.c
 *	  Turn a truth-inference aggregate state into the dense, sorted problem
 *	  the fits work on (TruthData, see truth_model.h), and the starting
 *	  posteriors they share: soft majority vote, a warm start from an
 *	  earlier model, and gold labels.
 *
 *	  Classes are the labels in byte order; tasks and workers are in key
 *	  order.  Bigint keys are grouped here, the cheapest way their values
 *	  allow: workers by a direct table when their keys span not much more
 *	  than the data (serial ids), else a hash map; tasks by merging runs of
 *	  nondecreasing keys, a counting sort (narrow spans), a radix sort
 *	  (spans under 2^32) or a hash map.  Each row becomes a pair id ((worker, class) combinations that
 *	  occur, numbered in that order) grouped by task and sorted within the
 *	  task, so every later sum is taken in an order fixed by the data alone.
 *	  Everything is allocated in CurrentMemoryContext (the final function's
 *	  temporary context); the state is only read.
 *
 * IDENTIFICATION
 *	  src/truth_model_data.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "truth_model.h"

/* Use a dense (worker, class) -> pair table up to this many cells. */
#define DENSE_PAIR_TABLE_MAX	(1 << 24)

static void *
alloc_array(Size count, Size size)
{
	return labeling_alloc_large(CurrentMemoryContext, Max(count, 1) * size);
}

/*
 * rank[id] = position of key id in key order.  Keys that arrive in order
 * (common for bigint ids) skip the sort.
 */
static int32 *
key_ranks(const KeyMap *m, int32 **order_out)
{
	int32	   *rank = alloc_array(m->n, sizeof(int32));
	int32	   *order;
	int32		i;
	bool		sorted = true;

	for (i = 1; i < m->n && sorted; i++)
		sorted = key_map_cmp_ids(m, i - 1, i) < 0;
	if (sorted)
	{
		order = alloc_array(m->n, sizeof(int32));
		for (i = 0; i < m->n; i++)
			order[i] = i;
	}
	else
		order = key_map_sorted_ids(m);
	for (i = 0; i < m->n; i++)
		rank[order[i]] = i;
	*order_out = order;
	return rank;
}

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* Sort a short run of pair ids (rows of one task). */
static void
sort_rows(int32 *a, int64 n)
{
	int64		i;

	if (n > 32)
	{
		qsort(a, n, sizeof(int32), cmp_int32);
		return;
	}
	for (i = 1; i < n; i++)
	{
		int32		v = a[i];
		int64		j = i - 1;

		while (j >= 0 && a[j] > v)
		{
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

/*
 * Smallest bigint key of the tasks (task) or workers of the rows (into
 * *kmin), and the span max - min as an unsigned number (never overflows).
 */
static uint64
key_span(const TruthState *s, bool task, int64 *kmin)
{
	int64		lo = task ? TRUTH_ROW_TASK(s, 0) : TRUTH_ROW_WORKER(s, 0);
	int64		hi = lo;
	int64		j;

	for (j = 1; j < s->n; j++)
	{
		int64		key = task ? TRUTH_ROW_TASK(s, j) : TRUTH_ROW_WORKER(s, j);

		lo = Min(lo, key);
		hi = Max(hi, key);
	}
	*kmin = lo;
	return (uint64) hi - (uint64) lo;
}

/*
 * Largest span of bigint keys (max - min) that is ranked with a direct
 * table (4 bytes per possible key) rather than a hash map or a radix sort:
 * twice the judgments, or a million keys, whichever is more.
 */
static bool
direct_span_ok(uint64 span, int64 n)
{
	return span < (uint64) Max(n, 1 << 20) * 2;
}

/*
 * Bigint keys of the tasks (task) or workers of every row, ranked through a
 * hash map: rank_of_row[j] gets the rank of row j's key in key order; returns
 * the distinct keys in key order, and their number in *nkeys.
 */
static int64 *
hash_rank_keys(const TruthState *s, bool task, int32 *rank_of_row, int32 *nkeys)
{
	KeyMap	   *km = key_map_create(CurrentMemoryContext, KEY_INT8);
	int32		last = -1;
	int32	   *rank;
	int32	   *sorted;
	int64	   *keys;
	int64		j;
	int32		i;

	for (j = 0; j < s->n; j++)
	{
		int64		key = task ? TRUTH_ROW_TASK(s, j) : TRUTH_ROW_WORKER(s, j);

		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (last < 0 || KEY_MAP_INT(km, last) != key)
			last = key_map_intern_int(km, key, NULL);
		rank_of_row[j] = last;
	}
	rank = key_ranks(km, &sorted);
	*nkeys = km->n;
	keys = alloc_array(km->n, sizeof(int64));
	for (i = 0; i < km->n; i++)
		keys[i] = KEY_MAP_INT(km, sorted[i]);
	for (j = 0; j < s->n; j++)
		rank_of_row[j] = rank[rank_of_row[j]];
	pfree(rank);
	pfree(sorted);
	return keys;
}

/*
 * Rank the workers: d->nworkers, d->worker_key (in key order) and, for each
 * judgment in state order, its worker's rank (returned).  Bigint keys over a
 * span not much larger than the data go through a direct table (which
 * lists them in key order as it goes), others through a hash map; text keys
 * were interned by the transition function.
 */
static int32 *
worker_ranks(TruthData *d)
{
	const TruthState *s = d->state;
	int64		n = s->n;
	int32	   *rank_of_row = alloc_array(n, sizeof(int32));
	int32	   *rank;
	int32	   *sorted;
	int64		j;
	int32		w;

	if (s->workers.kind == KEY_TEXT)
	{
		rank = key_ranks(&s->workers, &sorted);
		d->nworkers = s->workers.n;
		d->worker_key = alloc_array(d->nworkers, sizeof(int64));
		for (w = 0; w < d->nworkers; w++)
			d->worker_key[w] = sorted[w];
		for (j = 0; j < n; j++)
			rank_of_row[j] = rank[TRUTH_ROW_WORKER(s, j)];
		pfree(sorted);
	}
	else
	{
		int64		kmin;
		uint64		span = key_span(s, false, &kmin);

		if (direct_span_ok(span, n))
		{
			Size		cells = (Size) span + 1;
			uint64		v;

			rank = alloc_array(cells, sizeof(int32));
			memset(rank, 0, sizeof(int32) * cells);
			for (j = 0; j < n; j++)
				rank[(uint64) TRUTH_ROW_WORKER(s, j) - (uint64) kmin] = 1;
			d->nworkers = 0;
			for (v = 0; v < cells; v++)
				if (rank[v])
					d->nworkers++;
			d->worker_key = alloc_array(d->nworkers, sizeof(int64));
			for (v = 0, w = 0; v < cells; v++)
				if (rank[v])
				{
					d->worker_key[w] = (int64) ((uint64) kmin + v);
					rank[v] = w++;
				}
			CHECK_FOR_INTERRUPTS();
			for (j = 0; j < n; j++)
				rank_of_row[j] = rank[(uint64) TRUTH_ROW_WORKER(s, j) - (uint64) kmin];
		}
		else
		{
			d->worker_key = hash_rank_keys(s, false, rank_of_row, &d->nworkers);
			rank = NULL;
		}
	}
	if (rank)
		pfree(rank);
	return rank_of_row;
}

/*
 * Number the (worker rank, class) combinations that occur.  rows holds the
 * worker rank of each judgment (state order) and gets its pair id instead.
 * Pairs are numbered in (worker, class) order.
 */
static void
build_pairs(TruthData *d, const int32 *lclass, int32 *rows)
{
	const TruthState *s = d->state;
	int64		K = d->nclasses;
	int64		cells = (int64) d->nworkers * K;
	int64		j;
	int32		p;

	if (cells <= DENSE_PAIR_TABLE_MAX)
	{
		int32	   *table = alloc_array(cells, sizeof(int32));
		int64		c;

		memset(table, 0, sizeof(int32) * Max(cells, 1));
		for (j = 0; j < s->n; j++)
			table[rows[j] * K + lclass[TRUTH_ROW_LABEL(s, j)]] = 1;
		p = 0;
		for (c = 0; c < cells; c++)
			table[c] = table[c] ? p++ : -1;
		d->npairs = p;
		d->pair_worker = alloc_array(p, sizeof(int32));
		d->pair_class = alloc_array(p, sizeof(int32));
		for (c = 0; c < cells; c++)
			if (table[c] >= 0)
			{
				d->pair_worker[table[c]] = (int32) (c / K);
				d->pair_class[table[c]] = (int32) (c % K);
			}
		CHECK_FOR_INTERRUPTS();
		for (j = 0; j < s->n; j++)
			rows[j] = table[rows[j] * K + lclass[TRUTH_ROW_LABEL(s, j)]];
		pfree(table);
	}
	else
	{
		/* many workers and classes: intern the combinations, then sort them */
		KeyMap	   *km = key_map_create(CurrentMemoryContext, KEY_INT8);
		int64	   *keys;
		int32	   *remap;
		int32		i;

		for (j = 0; j < s->n; j++)
		{
			if ((j & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			rows[j] = key_map_intern_int(km, (int64) rows[j] * K + lclass[TRUTH_ROW_LABEL(s, j)], NULL);
		}
		d->npairs = km->n;
		keys = alloc_array(km->n, sizeof(int64));
		for (i = 0; i < km->n; i++)
			keys[i] = KEY_MAP_INT(km, i);
		qsort(keys, km->n, sizeof(int64), cmp_int64);
		d->pair_worker = alloc_array(km->n, sizeof(int32));
		d->pair_class = alloc_array(km->n, sizeof(int32));
		remap = alloc_array(km->n, sizeof(int32));
		for (i = 0; i < km->n; i++)
		{
			d->pair_worker[i] = (int32) (keys[i] / K);
			d->pair_class[i] = (int32) (keys[i] % K);
			remap[key_map_find_int(km, keys[i])] = i;
		}
		for (j = 0; j < s->n; j++)
			rows[j] = remap[rows[j]];
	}
}

/* Task key of judgment j (bigint tasks). */
#define JKEY(s, j)	TRUTH_ROW_TASK(s, j)

/*
 * Merge the runs of nondecreasing bigint task keys into one order of row
 * numbers (ties keep row order).  NULL means the rows are in order already.
 */
static int32 *
merge_runs(const TruthState *s)
{
	int32		R = s->nruns;
	int64		head[TRUTH_MAX_RUNS];	/* next row of each run */
	int64		end[TRUTH_MAX_RUNS];	/* end of each run */
	int32		heap[TRUTH_MAX_RUNS];	/* runs, smallest head key on top */
	int32		nheap = 0;
	int32	   *order;
	int64		i;
	int32		r;

	if (R <= 1)
		return NULL;

#define HEAP_LESS(a, b) \
	(JKEY(s, head[a]) < JKEY(s, head[b]) || \
	 (JKEY(s, head[a]) == JKEY(s, head[b]) && (a) < (b)))

	for (r = 0; r < R; r++)
	{
		head[r] = s->run_start[r];
		end[r] = r + 1 < R ? s->run_start[r + 1] : s->n;
	}
	for (r = 0; r < R; r++)
	{
		/* sift up */
		int32		k = nheap++;

		heap[k] = r;
		while (k > 0 && HEAP_LESS(heap[k], heap[(k - 1) / 2]))
		{
			int32		tmp = heap[k];

			heap[k] = heap[(k - 1) / 2];
			heap[(k - 1) / 2] = tmp;
			k = (k - 1) / 2;
		}
	}
	order = palloc_extended(sizeof(int32) * s->n, MCXT_ALLOC_HUGE);
	for (i = 0; i < s->n; i++)
	{
		int32		top = heap[0];
		int32		k = 0;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		order[i] = (int32) head[top]++;
		if (head[top] == end[top])
			heap[0] = heap[--nheap];
		/* sift down */
		for (;;)
		{
			int32		l = 2 * k + 1;
			int32		m = k;
			int32		tmp;

			if (l < nheap && HEAP_LESS(heap[l], heap[m]))
				m = l;
			if (l + 1 < nheap && HEAP_LESS(heap[l + 1], heap[m]))
				m = l + 1;
			if (m == k)
				break;
			tmp = heap[k];
			heap[k] = heap[m];
			heap[m] = tmp;
			k = m;
		}
	}
#undef HEAP_LESS
	return order;
}

/* Counting sort of the rows by task rank: order and task_start. */
static int32 *
order_by_rank(TruthData *d, const int32 *rank_of_row)
{
	int64	   *fill;
	int32	   *order;
	int64		j;
	int32		t;

	d->task_start = alloc_array(d->ntasks + 1, sizeof(int64));
	memset(d->task_start, 0, sizeof(int64) * (d->ntasks + 1));
	for (j = 0; j < d->n; j++)
		d->task_start[rank_of_row[j] + 1]++;
	for (t = 0; t < d->ntasks; t++)
		d->task_start[t + 1] += d->task_start[t];
	fill = alloc_array(d->ntasks, sizeof(int64));
	memcpy(fill, d->task_start, sizeof(int64) * d->ntasks);
	order = alloc_array(d->n, sizeof(int32));
	for (j = 0; j < d->n; j++)
		order[fill[rank_of_row[j]]++] = (int32) j;
	pfree(fill);
	return order;
}

/*
 * Bigint task keys in no useful order over a span not much larger than the
 * data (direct_span_ok: e.g. serial ids): a counting sort on key - smallest
 * key, with a table of one counter per possible key.  Rows of one task keep
 * their order.  Fills d->ntasks, d->task_key and d->task_start and returns
 * the pair of every row in task order.
 */
static int32 *
counting_group_tasks(TruthData *d, const int32 *pair_of_row, int64 kmin, uint64 span)
{
	const TruthState *s = d->state;
	int64		n = s->n;
	Size		cells = (Size) span + 1;
	int32	   *pos = alloc_array(cells, sizeof(int32));
	int32	   *row_pair;
	int64		j;
	int64		at;
	uint64		v;
	int32		t;

	memset(pos, 0, sizeof(int32) * cells);
	for (j = 0; j < n; j++)
		pos[(uint64) JKEY(s, j) - (uint64) kmin]++;
	d->ntasks = 0;
	for (v = 0; v < cells; v++)
		if (pos[v] > 0)
			d->ntasks++;
	d->task_key = alloc_array(d->ntasks, sizeof(int64));
	d->task_start = alloc_array(d->ntasks + 1, sizeof(int64));
	for (v = 0, t = 0, at = 0; v < cells; v++)
		if (pos[v] > 0)
		{
			int32		cnt = pos[v];

			d->task_key[t] = (int64) ((uint64) kmin + v);
			d->task_start[t++] = at;
			pos[v] = (int32) at;
			at += cnt;
		}
	d->task_start[d->ntasks] = n;
	CHECK_FOR_INTERRUPTS();
	row_pair = alloc_array(n, sizeof(int32));
	for (j = 0; j < n; j++)
		row_pair[pos[(uint64) JKEY(s, j) - (uint64) kmin]++] = pair_of_row[j];
	pfree(pos);
	return row_pair;
}

/*
 * Bigint task keys in no useful order that span less than 2^32 (but too
 * much for counting_group_tasks, to which narrower spans are passed): a stable
 * LSD radix sort of (key - smallest key, pair id of the row) packed into
 * one uint64, on the bytes of the key part that can differ (three passes of
 * 256 buckets for 2M consecutive keys), then a cut at key changes.  The
 * pair ids ride along, so the rows come out in task order without a gather
 * through a permutation.  Fills d->ntasks, d->task_key and d->task_start
 * and returns the pair of every row in task order; NULL when the keys span
 * 2^32 or more.
 */
static int32 *
radix_group_tasks(TruthData *d, const int32 *pair_of_row)
{
	const TruthState *s = d->state;
	int64		n = s->n;
	int64		kmin;
	uint64		span = key_span(s, true, &kmin);
	uint64	   *a;
	uint64	   *b;
	int32	   *row_pair;
	int			shift;
	int64		j;
	int32		t;

	if (direct_span_ok(span, n))
		return counting_group_tasks(d, pair_of_row, kmin, span);
	if (span >= (UINT64CONST(1) << 32))
		return NULL;

	a = alloc_array(n, sizeof(uint64));
	b = alloc_array(n, sizeof(uint64));
	for (j = 0; j < n; j++)
		a[j] = (((uint64) JKEY(s, j) - (uint64) kmin) << 32) | (uint32) pair_of_row[j];
	for (shift = 32; shift < 64 && (span >> (shift - 32)) != 0; shift += 8)
	{
		int64		start[256];
		uint64	   *tmp;
		int			c;

		CHECK_FOR_INTERRUPTS();
		memset(start, 0, sizeof(start));
		for (j = 0; j < n; j++)
			start[(a[j] >> shift) & 0xFF]++;
		for (c = 0, j = 0; c < 256; c++)
		{
			int64		cnt = start[c];

			start[c] = j;
			j += cnt;
		}
		for (j = 0; j < n; j++)
			b[start[(a[j] >> shift) & 0xFF]++] = a[j];
		tmp = a;
		a = b;
		b = tmp;
	}
	pfree(b);

	d->ntasks = 0;
	for (j = 0; j < n; j++)
		if (j == 0 || (a[j] >> 32) != (a[j - 1] >> 32))
			d->ntasks++;
	d->task_key = alloc_array(d->ntasks, sizeof(int64));
	d->task_start = alloc_array(d->ntasks + 1, sizeof(int64));
	row_pair = alloc_array(n, sizeof(int32));
	t = -1;
	for (j = 0; j < n; j++)
	{
		if (j == 0 || (a[j] >> 32) != (a[j - 1] >> 32))
		{
			t++;
			d->task_key[t] = (int64) ((uint64) kmin + (a[j] >> 32));
			d->task_start[t] = j;
		}
		row_pair[j] = (int32) (a[j] & UINT64CONST(0xFFFFFFFF));
	}
	d->task_start[d->ntasks] = n;
	pfree(a);
	return row_pair;
}

/* pair_of_row permuted into the order of the rows: row_pair[j] = pair_of_row[order[j]]. */
static int32 *
gather_pairs(int64 n, const int32 *order, const int32 *pair_of_row)
{
	int32	   *row_pair = alloc_array(n, sizeof(int32));
	int64		j;

	for (j = 0; j < n; j++)
		row_pair[j] = pair_of_row[order[j]];
	return row_pair;
}

/*
 * Group the rows by task: d->ntasks, d->task_key (in key order),
 * d->task_start; returns the pair of every row in task order (pair_of_row
 * itself when the rows are in task order already).
 */
static int32 *
group_tasks(TruthData *d, int32 *pair_of_row)
{
	const TruthState *s = d->state;
	int32	   *rank_of_row;
	int32	   *order;
	int32	   *sorted;
	int32	   *rank;
	int32	   *row_pair;
	int64		j;
	int32		t;

	if (s->task_kind == KEY_INT8 && s->nruns >= 0)
	{
		/* nondecreasing runs: merge them, then cut at key changes */
		int64		prev = 0;

		order = merge_runs(s);
		d->ntasks = 0;
		for (j = 0; j < s->n; j++)
		{
			int64		key = JKEY(s, order ? order[j] : j);

			if (j == 0 || key != prev)
				d->ntasks++;
			prev = key;
		}
		d->task_key = alloc_array(d->ntasks, sizeof(int64));
		d->task_start = alloc_array(d->ntasks + 1, sizeof(int64));
		t = -1;
		for (j = 0; j < s->n; j++)
		{
			int64		key = JKEY(s, order ? order[j] : j);

			if (j == 0 || key != prev)
			{
				t++;
				d->task_key[t] = key;
				d->task_start[t] = j;
			}
			prev = key;
		}
		d->task_start[d->ntasks] = s->n;
		if (order == NULL)
			return pair_of_row;
		row_pair = gather_pairs(s->n, order, pair_of_row);
		pfree(order);
		return row_pair;
	}

	if (s->task_kind == KEY_INT8 && (row_pair = radix_group_tasks(d, pair_of_row)) != NULL)
		return row_pair;

	rank_of_row = alloc_array(s->n, sizeof(int32));
	if (s->task_kind == KEY_INT8)
	{
		/* bigint keys in no useful order spanning 2^32 or more: hash them */
		d->task_key = hash_rank_keys(s, true, rank_of_row, &d->ntasks);
	}
	else
	{
		/* text keys: interned already */
		rank = key_ranks(&s->tasks, &sorted);
		d->ntasks = s->tasks.n;
		d->task_key = alloc_array(d->ntasks, sizeof(int64));
		for (t = 0; t < d->ntasks; t++)
			d->task_key[t] = sorted[t];
		for (j = 0; j < s->n; j++)
			rank_of_row[j] = rank[JKEY(s, j)];
		pfree(rank);
		pfree(sorted);
	}
	order = order_by_rank(d, rank_of_row);
	pfree(rank_of_row);
	row_pair = gather_pairs(s->n, order, pair_of_row);
	pfree(order);
	return row_pair;
}

/* Build the dense problem from an aggregate state (with n > 0). */
TruthData *
truth_data_build(const TruthState *s)
{
	TruthData  *d = palloc0(sizeof(TruthData));
	int32	   *lclass;
	int32	   *pair_of_row;
	int64		j;
	int32		i;

	d->state = s;
	d->n = s->n;
	d->nclasses = s->labels.n;
	truth_state_check_classes(s);

	lclass = key_ranks(&s->labels, &d->class_label);
	pair_of_row = worker_ranks(d);
	CHECK_FOR_INTERRUPTS();
	build_pairs(d, lclass, pair_of_row);
	CHECK_FOR_INTERRUPTS();

	/* rows in task order, then each task's rows sorted by pair */
	d->row_pair = group_tasks(d, pair_of_row);
	if (d->row_pair != pair_of_row)
		pfree(pair_of_row);
	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < d->ntasks; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		sort_rows(d->row_pair + d->task_start[i], d->task_start[i + 1] - d->task_start[i]);
	}
	/* pairs of each worker, judgments per worker */
	d->worker_pair_start = alloc_array(d->nworkers + 1, sizeof(int32));
	memset(d->worker_pair_start, 0, sizeof(int32) * (d->nworkers + 1));
	for (i = 0; i < d->npairs; i++)
		d->worker_pair_start[d->pair_worker[i] + 1]++;
	for (i = 0; i < d->nworkers; i++)
		d->worker_pair_start[i + 1] += d->worker_pair_start[i];
	d->worker_n = alloc_array(d->nworkers, sizeof(int32));
	memset(d->worker_n, 0, sizeof(int32) * d->nworkers);
	for (j = 0; j < s->n; j++)
		d->worker_n[d->pair_worker[d->row_pair[j]]]++;

	/* gold classes per task */
	d->gold = alloc_array(d->ntasks, sizeof(int32));
	d->ngold = 0;
	for (i = 0; i < d->ntasks; i++)
	{
		int32		g = -1;

		if (s->gold_tasks.n > 0)
			g = s->task_kind == KEY_INT8 ?
				key_map_find_int(&s->gold_tasks, d->task_key[i]) :
				key_map_find_text(&s->gold_tasks, KEY_MAP_TEXT(&s->tasks, d->task_key[i]),
								  KEY_MAP_TEXTLEN(&s->tasks, d->task_key[i]));
		d->gold[i] = g >= 0 ? lclass[s->gold_label[g]] : -1;
		d->ngold += (g >= 0);
	}
	pfree(lclass);
	return d;
}

/* Index of the largest value; a tie goes to the smallest index. */
int32
truth_argmax(const double *p, int32 k)
{
	int32		best = 0;
	int32		c;

	for (c = 1; c < k; c++)
		if (p[c] > p[best])
			best = c;
	return best;
}

/*
 * Record the objective after an iteration; returns whether the fit has
 * converged: the objective moved by at most the tolerance since the
 * previous iteration.
 */
bool
truth_fit_record(TruthFit *fit, int32 iteration, double objective, double tolerance)
{
	fit->history[iteration - 1] = objective;
	fit->iterations = iteration;
	if (iteration > 1 && fabs(objective - fit->history[iteration - 2]) <= tolerance)
		fit->converged = true;
	return fit->converged;
}

/* q = vote shares of every task (every row counts, duplicates included). */
void
truth_init_majority(const TruthData *d, double *q)
{
	int32		K = d->nclasses;
	int32		t;

	memset(q, 0, sizeof(double) * (Size) d->ntasks * K);
	for (t = 0; t < d->ntasks; t++)
	{
		double	   *qt = q + (Size) t * K;
		int64		n = d->task_start[t + 1] - d->task_start[t];
		int64		r;
		int32		c;

		for (r = d->task_start[t]; r < d->task_start[t + 1]; r++)
			qt[d->pair_class[d->row_pair[r]]] += 1.0;
		for (c = 0; c < K; c++)
			qt[c] /= (double) n;
	}
}

/* Gold tasks get a one-hot posterior on their gold class. */
void
truth_apply_gold(const TruthData *d, double *q)
{
	int32		K = d->nclasses;
	int32		t;

	if (d->ngold == 0)
		return;
	for (t = 0; t < d->ntasks; t++)
		if (d->gold[t] >= 0)
		{
			memset(q + (Size) t * K, 0, sizeof(double) * K);
			q[(Size) t * K + d->gold[t]] = 1.0;
		}
}

/*
 * Replace the posteriors of the tasks an earlier model knows by that model's
 * posteriors (labels matched by name; a label the model lacks gets 0).
 * Tasks the model does not know keep what q holds.  Returns whether any
 * task was found.
 */
bool
truth_init_warm_start(const TruthData *d, const TruthModel *warm, double *q)
{
	const TruthState *s = d->state;
	TruthModelView v;
	int32		K = d->nclasses;
	int32	   *cmap;			/* our class -> model class, or -1 */
	int32		t;
	int32		c;
	bool		found = false;

	truth_model_view(warm, &v);
	cmap = palloc(sizeof(int32) * K);
	for (c = 0; c < K; c++)
	{
		int32		id = d->class_label[c];

		cmap[c] = truth_model_find_label(&v, KEY_MAP_TEXT(&s->labels, id),
										 KEY_MAP_TEXTLEN(&s->labels, id));
	}
	for (t = 0; t < d->ntasks; t++)
	{
		int32		mt;
		double		sum = 0.0;
		double	   *qt = q + (Size) t * K;

		mt = truth_model_find_data_task(&v, d, t);
		if (mt < 0)
			continue;
		for (c = 0; c < K; c++)
			sum += cmap[c] >= 0 ? v.post[(Size) mt * warm->nclasses + cmap[c]] : 0.0;
		if (!(sum > 0.0))
			continue;			/* no mass on any of our labels: keep q */
		for (c = 0; c < K; c++)
			qt[c] = cmap[c] >= 0 ? v.post[(Size) mt * warm->nclasses + cmap[c]] / sum : 0.0;
		found = true;
	}
	pfree(cmap);
	return found;
}
