/*-------------------------------------------------------------------------
 *
 * truth_model_readers.c
 *	  Readers of a truth_model: per task (truth_tasks), per worker
 *	  (truth_workers), class priors (truth_priors), diagnostics
 *	  (truth_diagnostics), and scalar lookups of one task (truth_label,
 *	  truth_posterior).
 *
 *	  Keys come back as text, or in the type of the optional second
 *	  argument (bigint, integer or text: truth_tasks(m, NULL::bigint)).
 *	  Rows come in key order.  Posteriors are label_dist values; the label
 *	  of a task is its most probable one, a tie going to the smallest label
 *	  in byte order.
 *
 * IDENTIFICATION
 *	  src/truth_model_readers.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"

#include "truth_model.h"

/* State of a set-returning reader across calls. */
typedef struct ReaderState
{
	const TruthModel *m;
	TruthModelView v;
	Oid			keytype;		/* type of the key column */
	LabelMass  *items;			/* one per class, for label_dist_build */
} ReaderState;

/* The key of task or worker i as a Datum of type keytype. */
static Datum
key_datum(const TruthModelView *v, bool task, int32 i, Oid keytype)
{
	const TruthModel *m = v->m;
	bool		is_int = (task ? m->task_kind : m->worker_kind) == KEY_INT8;
	int64		ikey = 0;
	char	   *skey = NULL;
	int			slen = 0;

	if (is_int)
		ikey = task ? v->task_int[i] : v->worker_int[i];
	else if (task)
	{
		skey = TRUTH_TASK_TEXT(v, i);
		slen = TRUTH_TASK_TEXTLEN(v, i);
	}
	else
	{
		skey = TRUTH_WORKER_TEXT(v, i);
		slen = TRUTH_WORKER_TEXTLEN(v, i);
	}

	if (keytype == TEXTOID)
	{
		if (is_int)
			return CStringGetTextDatum(psprintf(INT64_FORMAT, ikey));
		return PointerGetDatum(cstring_to_text_with_len(skey, slen));
	}
	if (!is_int)
		ikey = DatumGetInt64(DirectFunctionCall1(int8in, CStringGetDatum(pnstrdup(skey, slen))));
	if (keytype == INT8OID)
		return Int64GetDatum(ikey);
	if (ikey < PG_INT32_MIN || ikey > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("key " INT64_FORMAT " is out of range for type integer", ikey),
				 errhint("Ask for bigint keys: pass NULL::bigint.")));
	return Int32GetDatum((int32) ikey);
}

/* What a set-returning reader has one row for. */
typedef enum ReaderRows
{
	ROWS_TASKS,
	ROWS_WORKERS,
	ROWS_CLASSES
} ReaderRows;

/* First call of a set-returning reader: model, view, result type. */
static ReaderState *
reader_init(FunctionCallInfo fcinfo, FuncCallContext *funcctx)
{
	MemoryContext old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
	ReaderState *rs = palloc0(sizeof(ReaderState));
	TupleDesc	tupdesc;
	int32		c;

	rs->m = truth_model_checked(PG_GETARG_DATUM(0));
	truth_model_view(rs->m, &rs->v);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	rs->keytype = TupleDescAttr(tupdesc, 0)->atttypid;
	if (rs->keytype != TEXTOID && rs->keytype != INT8OID && rs->keytype != INT4OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("keys can be returned as bigint, integer or text"),
				 errdetail("Asked for %s.", format_type_be(rs->keytype))));
	funcctx->tuple_desc = BlessTupleDesc(tupdesc);
	rs->items = palloc(sizeof(LabelMass) * rs->m->nclasses);
	for (c = 0; c < rs->m->nclasses; c++)
	{
		rs->items[c].label = TRUTH_LABEL(&rs->v, c);
		rs->items[c].len = TRUTH_LABELLEN(&rs->v, c);
	}
	MemoryContextSwitchTo(old);
	return rs;
}

/*
 * Every call of a set-returning reader: set up on the first call, then the
 * context of this call (rows in key order).  A NULL model has no rows (the
 * forms with a key type are not STRICT: the key type is passed as a NULL).
 */
static FuncCallContext *
reader_call(FunctionCallInfo fcinfo, ReaderRows rows)
{
	if (SRF_IS_FIRSTCALL())
	{
		FuncCallContext *funcctx = SRF_FIRSTCALL_INIT();
		ReaderState *rs;

		funcctx->max_calls = 0;
		if (PG_ARGISNULL(0))
			return SRF_PERCALL_SETUP();
		rs = reader_init(fcinfo, funcctx);
		funcctx->user_fctx = rs;
		funcctx->max_calls = rows == ROWS_TASKS ? rs->m->ntasks :
			rows == ROWS_WORKERS ? rs->m->nworkers : rs->m->nclasses;
	}
	return SRF_PERCALL_SETUP();
}

/* A task's posterior as a label_dist. */
static LabelDist *
task_posterior(ReaderState *rs, int32 t)
{
	int32		K = rs->m->nclasses;
	int32		c;

	/* items hold the labels in byte order already: set the masses */
	for (c = 0; c < K; c++)
		rs->items[c].mass = rs->v.post[(Size) t * K + c];
	return label_dist_build(rs->items, K, false);
}

/* truth_tasks(model [, key type]): one row per task, in key order */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_tasks);
Datum
truth_tasks(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx = reader_call(fcinfo, ROWS_TASKS);
	ReaderState *rs = (ReaderState *) funcctx->user_fctx;

	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int32		t = (int32) funcctx->call_cntr;
		int32		K = rs->m->nclasses;
		const double *p = rs->v.post + (Size) t * K;
		int32		best = truth_argmax(p, K);
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		values[0] = key_datum(&rs->v, true, t, rs->keytype);
		values[1] = PointerGetDatum(cstring_to_text_with_len(TRUTH_LABEL(&rs->v, best),
															 TRUTH_LABELLEN(&rs->v, best)));
		values[2] = Float8GetDatum(p[best]);
		values[3] = PointerGetDatum(task_posterior(rs, t));
		values[4] = Int32GetDatum(rs->v.task_n[t]);
		if (rs->v.task_gold[t] >= 0)
			values[5] = PointerGetDatum(cstring_to_text_with_len(TRUTH_LABEL(&rs->v, rs->v.task_gold[t]),
																 TRUTH_LABELLEN(&rs->v, rs->v.task_gold[t])));
		else
			nulls[5] = true;
		if (rs->v.task_beta)
			values[6] = Float8GetDatum(exp(-rs->v.task_beta[t]));
		else
			nulls[6] = true;
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* {"true label": {"answered label": P, ...}, ...} of a DS or one-coin worker */
static Datum
worker_confusion(ReaderState *rs, int32 w)
{
	int32		K = rs->m->nclasses;
	StringInfoData buf;
	int32		c;
	int32		k;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (c = 0; c < K; c++)
	{
		if (c > 0)
			appendStringInfoString(&buf, ", ");
		truth_append_json_string(&buf, TRUTH_LABEL(&rs->v, c), TRUTH_LABELLEN(&rs->v, c));
		appendStringInfoString(&buf, ": {");
		for (k = 0; k < K; k++)
		{
			if (k > 0)
				appendStringInfoString(&buf, ", ");
			truth_append_json_string(&buf, TRUTH_LABEL(&rs->v, k), TRUTH_LABELLEN(&rs->v, k));
			appendStringInfoString(&buf, ": ");
			labeling_append_double(&buf, truth_model_confusion(&rs->v, w, k, c));
		}
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* truth_workers(model [, key type]): one row per worker, in key order */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_workers);
Datum
truth_workers(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx = reader_call(fcinfo, ROWS_WORKERS);
	ReaderState *rs = (ReaderState *) funcctx->user_fctx;

	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int32		w = (int32) funcctx->call_cntr;
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		int			method = rs->m->method;

		values[0] = key_datum(&rs->v, false, w, rs->keytype);
		values[1] = Float8GetDatum(rs->v.worker_skill[w]);
		values[2] = Int32GetDatum(rs->v.worker_n[w]);
		if (method == TRUTH_DAWID_SKENE || method == TRUTH_ONE_COIN)
			values[3] = worker_confusion(rs, w);
		else
			nulls[3] = true;
		if (rs->v.worker_alpha)
			values[4] = Float8GetDatum(rs->v.worker_alpha[w]);
		else
			nulls[4] = true;
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* truth_priors(model): (label, prior) per class, labels in byte order */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_priors);
Datum
truth_priors(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx = reader_call(fcinfo, ROWS_CLASSES);
	ReaderState *rs = (ReaderState *) funcctx->user_fctx;

	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int32		c = (int32) funcctx->call_cntr;
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = PointerGetDatum(cstring_to_text_with_len(TRUTH_LABEL(&rs->v, c),
															 TRUTH_LABELLEN(&rs->v, c)));
		values[1] = Float8GetDatum(rs->v.priors[c]);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* truth_diagnostics(model): how the model was fitted */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_diagnostics);
Datum
truth_diagnostics(PG_FUNCTION_ARGS)
{
	const TruthModel *m = truth_model_checked(PG_GETARG_DATUM(0));
	TruthModelView v;
	TupleDesc	tupdesc;
	Datum		values[14];
	bool		nulls[14];
	Datum	   *hist;
	int32		ngold = 0;
	int32		i;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	truth_model_view(m, &v);
	memset(nulls, 0, sizeof(nulls));
	hist = palloc(sizeof(Datum) * Max(m->nhistory, 1));
	for (i = 0; i < m->nhistory; i++)
		hist[i] = Float8GetDatum(v.history[i]);
	for (i = 0; i < m->ntasks; i++)
		ngold += v.task_gold[i] >= 0;

	values[0] = CStringGetTextDatum(truth_method_name((TruthMethod) m->method));
	values[1] = Int32GetDatum(m->iterations);
	values[2] = BoolGetDatum((m->flags & TRUTH_FLAG_CONVERGED) != 0);
	if (m->nhistory > 0)
		values[3] = Float8GetDatum(v.history[m->nhistory - 1]);
	else
		nulls[3] = true;
	values[4] = PointerGetDatum(construct_array(hist, m->nhistory, FLOAT8OID, sizeof(float8),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[5] = Int32GetDatum(m->ntasks);
	values[6] = Int32GetDatum(m->nworkers);
	values[7] = Int64GetDatum(m->njudgments);
	values[8] = Int32GetDatum(m->nclasses);
	values[9] = Int32GetDatum(ngold);
	values[10] = Int32GetDatum(m->max_iterations);
	values[11] = Float8GetDatum(m->tolerance);
	values[12] = Float8GetDatum(m->smoothing);
	values[13] = BoolGetDatum((m->flags & TRUTH_FLAG_COMPAT) != 0);
	if (m->method == TRUTH_WAWA)
		nulls[10] = nulls[11] = nulls[12] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* Index of the task given as argument 1 (bigint or text), or -1. */
static int32
lookup_task(FunctionCallInfo fcinfo, TruthModelView *v)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	const TruthModel *m = truth_model_checked(PG_GETARG_DATUM(0));

	truth_model_view(m, v);
	if (argtype == INT8OID)
	{
		int64		key = PG_GETARG_INT64(1);

		if (m->task_kind == KEY_INT8)
			return truth_model_find(v, true, key, NULL, 0);
		else
		{
			char	   *s = psprintf(INT64_FORMAT, key);

			return truth_model_find(v, true, 0, s, strlen(s));
		}
	}
	else
	{
		text	   *key = PG_GETARG_TEXT_PP(1);

		if (m->task_kind == KEY_TEXT)
			return truth_model_find(v, true, 0, VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key));
		else
		{
			char	   *s = text_to_cstring(key);
			int64		ikey;
			char	   *end;

			errno = 0;
			ikey = strtoll(s, &end, 10);
			if (*s == '\0' || *end != '\0' || errno != 0)
				return -1;		/* not an integer: no such task */
			return truth_model_find(v, true, ikey, NULL, 0);
		}
	}
}

/* truth_label(model, task): the task's most probable label, or NULL */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_label);
Datum
truth_label(PG_FUNCTION_ARGS)
{
	TruthModelView v;
	int32		t = lookup_task(fcinfo, &v);
	int32		best;

	if (t < 0)
		PG_RETURN_NULL();
	best = truth_argmax(v.post + (Size) t * v.m->nclasses, v.m->nclasses);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(TRUTH_LABEL(&v, best), TRUTH_LABELLEN(&v, best)));
}

/* truth_posterior(model, task): the task's posterior, or NULL */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_posterior);
Datum
truth_posterior(PG_FUNCTION_ARGS)
{
	TruthModelView v;
	int32		t = lookup_task(fcinfo, &v);
	ReaderState rs;
	int32		c;

	if (t < 0)
		PG_RETURN_NULL();
	rs.m = v.m;
	rs.v = v;
	rs.items = palloc(sizeof(LabelMass) * v.m->nclasses);
	for (c = 0; c < v.m->nclasses; c++)
	{
		rs.items[c].label = TRUTH_LABEL(&v, c);
		rs.items[c].len = TRUTH_LABELLEN(&v, c);
	}
	PG_RETURN_POINTER(task_posterior(&rs, t));
}
