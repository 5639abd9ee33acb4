/*-------------------------------------------------------------------------
 *
 * bt_read.c
 *	  Readers of a bt_model: bt_scores (one row per item), bt_workers (one
 *	  row per worker) and bt_summary (the fit's settings and diagnostics as
 *	  jsonb).  Rows come in key order (numeric for bigint keys, byte order
 *	  for text keys).
 *
 * IDENTIFICATION
 *	  src/bt_read.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

#include "bt.h"

/* z for a two-sided 95% normal interval */
#define BT_Z95	1.959963984540054

/* Set up a materialised set-returning call; returns the tuple store. */
Tuplestorestate *
bt_srf_begin(FunctionCallInfo fcinfo, TupleDesc *tupdesc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;
	Tuplestorestate *ts;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	*tupdesc = CreateTupleDescCopy(*tupdesc);
	ts = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = ts;
	rsinfo->setDesc = *tupdesc;
	MemoryContextSwitchTo(old);
	return ts;
}

/* A float8 datum, NULL when NaN (not available). */
static inline void
bt_set_float(Datum *values, bool *nulls, int i, double v)
{
	if (isnan(v))
		nulls[i] = true;
	else
		values[i] = Float8GetDatum(v);
}

static const BtModelView *rank_view;	/* qsort has no context argument */

/* Order items by component, then score descending, then key. */
static int
bt_rank_cmp(const void *pa, const void *pb)
{
	int32		a = *(const int32 *) pa;
	int32		b = *(const int32 *) pb;
	const BtModelView *v = rank_view;

	if (v->component[a] != v->component[b])
		return v->component[a] < v->component[b] ? -1 : 1;
	if (v->theta[a] != v->theta[b])
		return v->theta[a] > v->theta[b] ? -1 : 1;
	return (a > b) - (a < b);
}

/*
 * bt_scores(model): per item score (log-strength), rank within its
 * component, standard error and 95% interval, strength (scores as
 * probabilities summing to 1 over all items), comparisons, wins, losses,
 * ties and component.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_scores);
Datum
bt_scores(PG_FUNCTION_ARGS)
{
	BtModel    *m = PG_GETARG_BT_MODEL_P(0);
	BtModelView v;
	TupleDesc	tupdesc;
	Tuplestorestate *ts = bt_srf_begin(fcinfo, &tupdesc);
	int32		n;
	int64	   *cnt;
	int32	   *order;
	int32	   *rank;
	double		mx = -get_float8_infinity();
	double		sum = 0.0;
	int32		i;

	bt_model_view(m, &v);
	n = m->nitems;
	/* wins, losses, ties per item */
	cnt = bt_alloc0(sizeof(int64) * 3 * Max(n, 1));
	for (i = 0; i < m->ncells; i++)
	{
		const BtCell *c = &v.cells[i];

		cnt[3 * (Size) c->a + 0] += c->n[BT_WIN_A];
		cnt[3 * (Size) c->a + 1] += c->n[BT_WIN_B];
		cnt[3 * (Size) c->a + 2] += c->n[BT_TIE];
		cnt[3 * (Size) c->b + 0] += c->n[BT_WIN_B];
		cnt[3 * (Size) c->b + 1] += c->n[BT_WIN_A];
		cnt[3 * (Size) c->b + 2] += c->n[BT_TIE];
	}
	/* ranks within components */
	order = bt_alloc(sizeof(int32) * Max(n, 1));
	rank = bt_alloc(sizeof(int32) * Max(n, 1));
	for (i = 0; i < n; i++)
		order[i] = i;
	rank_view = &v;
	qsort(order, n, sizeof(int32), bt_rank_cmp);
	rank_view = NULL;
	for (i = 0; i < n; i++)
		rank[order[i]] = (i > 0 && v.component[order[i]] == v.component[order[i - 1]]) ?
			rank[order[i - 1]] + 1 : 1;
	/* strengths normalised over all items */
	for (i = 0; i < n; i++)
		mx = Max(mx, v.theta[i]);
	if (isfinite(mx))
		for (i = 0; i < n; i++)
			sum += exp(v.theta[i] - mx);

	for (i = 0; i < n; i++)
	{
		Datum		values[12];
		bool		nulls[12];
		double		th = v.theta[i];
		double		se = v.se[i];
		int64		w = cnt[3 * (Size) i],
					l = cnt[3 * (Size) i + 1],
					t = cnt[3 * (Size) i + 2];

		CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		if (v.items.kind == KEY_INT8)
			values[0] = CStringGetTextDatum(bt_keys_cstring(&v.items, i));
		else
			values[0] = bt_keys_datum(&v.items, i);
		values[1] = Float8GetDatum(th);
		values[2] = Int32GetDatum(rank[i]);
		bt_set_float(values, nulls, 3, se);
		bt_set_float(values, nulls, 4, th - BT_Z95 * se);
		bt_set_float(values, nulls, 5, th + BT_Z95 * se);
		values[6] = Float8GetDatum(sum > 0.0 ? exp(th - mx) / sum : 0.0);
		values[7] = Int64GetDatum(w + l + t);
		values[8] = Int64GetDatum(w);
		values[9] = Int64GetDatum(l);
		values[10] = Int64GetDatum(t);
		values[11] = Int32GetDatum(v.component[i]);
		tuplestore_putvalues(ts, tupdesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * bt_workers(model): per worker reliability (probability that an answer
 * follows the model) and the shares of "left", "right" and "same" among
 * noise answers, with the worker's comparison count.  Reliability and
 * shares are NULL when the model was not fitted as noisy; no rows without
 * a worker column.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_workers);
Datum
bt_workers(PG_FUNCTION_ARGS)
{
	BtModel    *m = PG_GETARG_BT_MODEL_P(0);
	BtModelView v;
	TupleDesc	tupdesc;
	Tuplestorestate *ts = bt_srf_begin(fcinfo, &tupdesc);
	int64	   *cnt;
	bool		modelled_ties = (m->flags & BT_FLAG_NOISY) && m->ties == BT_TIES_DAVIDSON && m->nu > 0.0;
	int32		i;

	bt_model_view(m, &v);
	if (m->nworkers == 0)
		return (Datum) 0;
	cnt = bt_alloc0(sizeof(int64) * m->nworkers);
	for (i = 0; i < m->ncells; i++)
		cnt[v.cells[i].worker] += (int64) v.cells[i].n[0] + v.cells[i].n[1] + v.cells[i].n[2];
	for (i = 0; i < m->nworkers; i++)
	{
		Datum		values[6];
		bool		nulls[6];
		const double *rho = v.noise + BT_NOUTCOMES * (Size) i;

		memset(nulls, 0, sizeof(nulls));
		values[0] = CStringGetTextDatum(bt_keys_cstring(&v.workers, i));
		bt_set_float(values, nulls, 1, v.reliability[i]);
		bt_set_float(values, nulls, 2, rho[BT_WIN_A]);
		bt_set_float(values, nulls, 3, rho[BT_WIN_B]);
		if (modelled_ties)
			bt_set_float(values, nulls, 4, rho[BT_TIE]);
		else
			nulls[4] = true;
		values[5] = Int64GetDatum(cnt[i]);
		tuplestore_putvalues(ts, tupdesc, values, nulls);
	}
	return (Datum) 0;
}

/* Append a JSON number (shortest exact form), or null when not finite. */
static void
bt_json_double(StringInfo buf, const char *key, double v)
{
	appendStringInfo(buf, ", \"%s\": ", key);
	if (!isfinite(v))
		appendStringInfoString(buf, "null");
	else
		labeling_append_double(buf, v);
}

/* bt_summary(model): the fit's settings and diagnostics as jsonb. */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_summary);
Datum
bt_summary(PG_FUNCTION_ARGS)
{
	BtModel    *m = PG_GETARG_BT_MODEL_P(0);
	BtModelView v;
	BtData	   *d;
	BtPairs    *p;
	StringInfoData buf;
	int64		ties = 0;
	int32		i;

	bt_model_view(m, &v);
	d = bt_data_from_model(&v);
	p = bt_pairs_from_data(d, true, NULL);
	for (i = 0; i < m->ncells; i++)
		ties += v.cells[i].n[BT_TIE];
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"items\": %d, \"pairs\": %d, \"workers\": %d",
					 m->nitems, p->npairs, m->nworkers);
	appendStringInfo(&buf, ", \"comparisons\": " INT64_FORMAT ", \"ties\": " INT64_FORMAT
					 ", \"rows_skipped\": " INT64_FORMAT ", \"components\": %d",
					 m->rows, ties, m->rows_skipped, m->ncomponents);
	appendStringInfo(&buf, ", \"method\": \"%s\", \"tie_model\": \"%s\", \"noisy\": %s",
					 bt_method_name(m->method), bt_ties_name(m->ties),
					 (m->flags & BT_FLAG_NOISY) ? "true" : "false");
	bt_json_double(&buf, "prior", m->prior);
	appendStringInfo(&buf, ", \"max_iter\": %d", m->max_iter);
	bt_json_double(&buf, "tol", m->tol);
	appendStringInfo(&buf, ", \"iterations\": %d, \"converged\": %s", m->iterations,
					 (m->flags & BT_FLAG_CONVERGED) ? "true" : "false");
	bt_json_double(&buf, "log_posterior", m->log_posterior);
	bt_json_double(&buf, "gradient_max", m->gradient_max);
	bt_json_double(&buf, "tie_nu", m->nu);
	bt_json_double(&buf, "tie_probability_equal", m->nu / (2.0 + m->nu));
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
