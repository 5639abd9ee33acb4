/*-------------------------------------------------------------------------
 *
 * bt_next_pairs.c
 *	  bt_next_pairs(model, n, max_per_pair, connect): the n comparisons to
 *	  ask next, chosen to reduce the uncertainty of the ranking most.
 *
 *	  1. Connect: when the comparison graph has several components, their
 *	     items cannot be ranked against each other at all.  With connect,
 *	     each component other than the largest first gets one pair: its
 *	     median-score item against the item of the largest component whose
 *	     score is closest (reason 'connect').
 *	  2. Refine: candidates are, within each component, every item and its
 *	     BT_NEXT_NEIGHBOURS next items in score order (the pairs whose order
 *	     is in doubt).  One more comparison of i and j adds information
 *	     I = P_i P_j + P_tie (1 - P_tie) / 4 about theta_i - theta_j, whose
 *	     variance is about V = se_i^2 + se_j^2; the expected reduction of
 *	     that variance is V^2 I / (1 + V I) (the gain).  Pairs are taken
 *	     greedily by gain; after each choice the two items' variances are
 *	     updated as if the comparison had been made (1/v += I), so one
 *	     uncertain item does not take the whole batch (lazy greedy, with a
 *	     heap).  A pair already compared max_per_pair times or more is never
 *	     proposed.
 *	  Output pairs have the smaller key on the left; show them in random
 *	  order to workers.
 *
 * IDENTIFICATION
 *	  src/bt_next_pairs.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "bt.h"

/* Candidates per item: its next items in score order */
#define BT_NEXT_NEIGHBOURS	5

typedef struct BtCand
{
	int32		i;
	int32		j;
	double		gain;
} BtCand;

/* Hash of compared pairs -> comparison count */
typedef struct BtPairCount
{
	uint64	   *keys;			/* ((a + 1) << 32) | b; 0 = empty slot */
	int32	   *counts;
	uint32		mask;
} BtPairCount;

static inline uint32
bt_pc_hash(uint64 k)
{
	return hash_combine(murmurhash32((uint32) (k >> 32)), murmurhash32((uint32) k));
}

static void
bt_pc_build(BtPairCount *pc, const BtPairs *p)
{
	Size		size = 16;
	int32		i;

	while (size < 2 * (Size) p->npairs)
		size *= 2;
	pc->keys = bt_alloc0(sizeof(uint64) * size);
	pc->counts = bt_alloc0(sizeof(int32) * size);
	pc->mask = (uint32) size - 1;
	for (i = 0; i < p->npairs; i++)
	{
		/* +1 on a so that no key is 0 */
		uint64		k = ((uint64) (p->a[i] + 1) << 32) | (uint32) p->b[i];
		uint32		s = bt_pc_hash(k) & pc->mask;
		double		n = p->wa[i] + p->wb[i] + p->t[i];

		while (pc->keys[s] != 0)
			s = (s + 1) & pc->mask;
		pc->keys[s] = k;
		pc->counts[s] = n > PG_INT32_MAX ? PG_INT32_MAX : (int32) n;
	}
}

static int32
bt_pc_get(const BtPairCount *pc, int32 a, int32 b)
{
	uint64		k;
	uint32		s;

	if (a > b)
	{
		int32		t = a;

		a = b;
		b = t;
	}
	k = ((uint64) (a + 1) << 32) | (uint32) b;
	s = bt_pc_hash(k) & pc->mask;
	while (pc->keys[s] != 0)
	{
		if (pc->keys[s] == k)
			return pc->counts[s];
		s = (s + 1) & pc->mask;
	}
	return 0;
}

/* Information about theta_i - theta_j in one comparison. */
static double
bt_pair_info(double d, double nu)
{
	double		pa,
				pb,
				pt;

	bt_probs(d, nu, &pa, &pb, &pt);
	return pa * pb + 0.25 * pt * (1.0 - pt);
}

static double
bt_gain(const double *theta, const double *var, double nu, int32 i, int32 j)
{
	double		v = var[i] + var[j];
	double		info = bt_pair_info(theta[i] - theta[j], nu);

	return v * v * info / (1.0 + v * info);
}

/* Max-heap of candidate indexes by gain (ties: lower index first). */
typedef struct BtHeap
{
	int32	   *h;
	int32		n;
	const BtCand *c;
} BtHeap;

static inline bool
bt_heap_before(const BtHeap *hp, int32 x, int32 y)
{
	if (hp->c[x].gain != hp->c[y].gain)
		return hp->c[x].gain > hp->c[y].gain;
	return x < y;
}

static void
bt_heap_push(BtHeap *hp, int32 x)
{
	int32		k = hp->n++;

	while (k > 0)
	{
		int32		parent = (k - 1) / 2;

		if (!bt_heap_before(hp, x, hp->h[parent]))
			break;
		hp->h[k] = hp->h[parent];
		k = parent;
	}
	hp->h[k] = x;
}

static int32
bt_heap_pop(BtHeap *hp)
{
	int32		top = hp->h[0];
	int32		x = hp->h[--hp->n];
	int32		k = 0;

	for (;;)
	{
		int32		l = 2 * k + 1;
		int32		best;

		if (l >= hp->n)
			break;
		best = (l + 1 < hp->n && bt_heap_before(hp, hp->h[l + 1], hp->h[l])) ? l + 1 : l;
		if (!bt_heap_before(hp, hp->h[best], x))
			break;
		hp->h[k] = hp->h[best];
		k = best;
	}
	if (hp->n > 0)
		hp->h[k] = x;
	return top;
}

static const double *sort_theta;	/* qsort has no context argument */

/* Items by score descending, then id */
static int
bt_score_cmp(const void *pa, const void *pb)
{
	int32		a = *(const int32 *) pa;
	int32		b = *(const int32 *) pb;

	if (sort_theta[a] != sort_theta[b])
		return sort_theta[a] > sort_theta[b] ? -1 : 1;
	return (a > b) - (a < b);
}

static void
bt_emit_pair(Tuplestorestate *ts, TupleDesc tupdesc, const BtModelView *v,
			 int32 i, int32 j, const char *reason, double gain, int32 count)
{
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (bt_keys_cmp(&v->items, i, j) > 0)
	{
		int32		t = i;

		i = j;
		j = t;
	}
	values[0] = CStringGetTextDatum(bt_keys_cstring(&v->items, i));
	values[1] = CStringGetTextDatum(bt_keys_cstring(&v->items, j));
	values[2] = CStringGetTextDatum(reason);
	if (isnan(gain))
		nulls[3] = true;
	else
		values[3] = Float8GetDatum(gain);
	values[4] = Int32GetDatum(count);
	tuplestore_putvalues(ts, tupdesc, values, nulls);
}

/* bt_next_pairs(model, n, max_per_pair, connect) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_next_pairs);
Datum
bt_next_pairs(PG_FUNCTION_ARGS)
{
	BtModel    *m = PG_GETARG_BT_MODEL_P(0);
	int32		want = PG_GETARG_INT32(1);
	int32		max_per_pair = PG_GETARG_INT32(2);
	bool		connect = PG_GETARG_BOOL(3);
	TupleDesc	tupdesc;
	Tuplestorestate *ts;
	BtModelView v;
	BtPairs    *p;
	BtPairCount pc;
	int32		n,
				nc,
				i,
				c;
	int32	   *order;
	int32	   *start;
	double	   *var;
	BtCand	   *cand;
	int32		ncand = 0;
	BtHeap		heap;
	int32		emitted = 0;

	if (want < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the number of pairs must not be negative"),
				 errdetail("Got %d.", want)));
	if (max_per_pair < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_per_pair must be at least 1"),
				 errdetail("Got %d.", max_per_pair)));
	ts = bt_srf_begin(fcinfo, &tupdesc);
	bt_model_view(m, &v);
	n = m->nitems;
	nc = m->ncomponents;
	var = bt_alloc(sizeof(double) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		if (isnan(v.se[i]) || !isfinite(v.theta[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bt_next_pairs needs a model with standard errors"),
					 errdetail("The model was fitted with prior 0, so its scores have no standard errors."),
					 errhint("Refit it with bt_fit(model, prior => 1).")));
		var[i] = v.se[i] * v.se[i];
	}
	if (want == 0 || n < 2)
		return (Datum) 0;

	p = bt_pairs_from_data(bt_data_from_model(&v), true, NULL);
	bt_pc_build(&pc, p);

	/* items grouped by component, each group by score descending */
	order = bt_group(v.component, n, nc, &start);
	sort_theta = v.theta;
	for (c = 1; c <= nc; c++)
		qsort(order + start[c], start[c + 1] - start[c], sizeof(int32), bt_score_cmp);
	sort_theta = NULL;

	/* 1. connect the other components to the largest one */
	if (connect && nc > 1)
	{
		int32	   *comps = palloc(sizeof(int32) * nc);
		int32		big;
		int32		k;

		for (c = 1; c <= nc; c++)
			comps[c - 1] = c;
		/* by size descending, then id (insertion sort keeps it simple) */
		for (k = 1; k < nc; k++)
		{
			int32		x = comps[k];
			int32		sx = start[x + 1] - start[x];
			int32		q = k - 1;

			while (q >= 0 && (start[comps[q] + 1] - start[comps[q]]) < sx)
			{
				comps[q + 1] = comps[q];
				q--;
			}
			comps[q + 1] = x;
		}
		big = comps[0];
		for (k = 1; k < nc && emitted < want; k++)
		{
			int32		cc = comps[k];
			int32		size = start[cc + 1] - start[cc];
			int32		item = order[start[cc] + size / 2];
			int32		lo = start[big],
						hi = start[big + 1] - 1;
			int32		best;

			/* the item of the largest component with the closest score */
			while (lo < hi)
			{
				int32		mid = (lo + hi) / 2;

				if (v.theta[order[mid]] > v.theta[item])
					lo = mid + 1;
				else
					hi = mid;
			}
			best = lo;
			if (best > start[big] &&
				fabs(v.theta[order[best - 1]] - v.theta[item]) <=
				fabs(v.theta[order[best]] - v.theta[item]))
				best--;
			bt_emit_pair(ts, tupdesc, &v, item, order[best], "connect",
						 get_float8_nan(), 0);
			emitted++;
		}
		pfree(comps);
	}

	/* 2. refine: neighbours in score order within each component */
	cand = bt_alloc(sizeof(BtCand) * (Size) n * BT_NEXT_NEIGHBOURS);
	for (c = 1; c <= nc; c++)
	{
		int32		k,
					q;

		for (k = start[c]; k < start[c + 1]; k++)
			for (q = k + 1; q < start[c + 1] && q <= k + BT_NEXT_NEIGHBOURS; q++)
			{
				int32		a = order[k],
							b = order[q];

				if (bt_pc_get(&pc, a, b) >= max_per_pair)
					continue;
				cand[ncand].i = a;
				cand[ncand].j = b;
				cand[ncand].gain = bt_gain(v.theta, var, m->nu, a, b);
				ncand++;
			}
	}
	heap.h = bt_alloc(sizeof(int32) * Max(ncand, 1));
	heap.n = 0;
	heap.c = cand;
	for (i = 0; i < ncand; i++)
		bt_heap_push(&heap, i);
	while (emitted < want && heap.n > 0)
	{
		int32		x = bt_heap_pop(&heap);
		BtCand	   *cd = &cand[x];
		double		g = bt_gain(v.theta, var, m->nu, cd->i, cd->j);
		double		info;

		CHECK_FOR_INTERRUPTS();
		if (g < cd->gain && heap.n > 0 && g < cand[heap.h[0]].gain)
		{
			/* stale: the items got other comparisons in this batch */
			cd->gain = g;
			bt_heap_push(&heap, x);
			continue;
		}
		bt_emit_pair(ts, tupdesc, &v, cd->i, cd->j, "refine", g,
					 bt_pc_get(&pc, cd->i, cd->j));
		emitted++;
		info = bt_pair_info(v.theta[cd->i] - v.theta[cd->j], m->nu);
		var[cd->i] = 1.0 / (1.0 / var[cd->i] + info);
		var[cd->j] = 1.0 / (1.0 / var[cd->j] + info);
	}
	return (Datum) 0;
}
