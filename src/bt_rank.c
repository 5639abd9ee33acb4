/*-------------------------------------------------------------------------
 *
 * bt_rank.c
 *	  The bt_rank aggregates (side-by-side ranking) and bt_fit.
 *
 *	  bt_rank(left, right, winner [, worker]) takes item keys of type bigint
 *	  or text; winner is the left or the right item, or NULL for a tie
 *	  ("same").  Rows with a NULL item (or a NULL worker) are skipped and
 *	  counted (bt_summary reports them); comparing an item with itself, or a
 *	  winner that is neither item, is an error.
 *
 *	  The transition type is INTERNAL: a pointer to a BtState (bt_state.c),
 *	  a sparse table of comparison cells in the aggregate context.  States
 *	  combine by adding counts, so the aggregate is parallel-safe.  The final
 *	  function fits the model with the default options (bt_fit.c, and
 *	  bt_noisy.c with a worker column) and returns a bt_model; bt_fit refits
 *	  a model with other options.
 *
 * IDENTIFICATION
 *	  src/bt_rank.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "bt.h"
#include "labeling.h"

/* A key argument as a C string, for messages. */
static char *
bt_arg_cstring(FunctionCallInfo fcinfo, int argno, KeyKind kind)
{
	if (kind == KEY_INT8)
		return psprintf(INT64_FORMAT, PG_GETARG_INT64(argno));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* Shared body of the two transition functions. */
static Datum
bt_rank_accum(FunctionCallInfo fcinfo, bool has_worker, const char *caller)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, caller);
	BtState    *s = PG_ARGISNULL(0) ? NULL : (BtState *) PG_GETARG_POINTER(0);
	KeyKind		kind;
	int32		a = 0,
				b = 0,
				w = 0;
	int			outcome;

	if (s == NULL)
		s = bt_state_create(aggcontext, key_kind_of_arg(fcinfo, 1, "item"), has_worker,
							has_worker ? key_kind_of_arg(fcinfo, 4, "worker") : KEY_TEXT);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (has_worker && PG_ARGISNULL(4)))
	{
		/* an unknown item or worker: skip the row, but count it */
		s->rows_skipped++;
		PG_RETURN_POINTER(s);
	}
	kind = s->items.kind;
	if (kind == KEY_INT8)
	{
		int64		l = PG_GETARG_INT64(1);
		int64		r = PG_GETARG_INT64(2);

		if (l == r)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("an item cannot be compared with itself"),
					 errdetail("Left and right item are both " INT64_FORMAT ".", l)));
		if (PG_ARGISNULL(3))
			outcome = BT_TIE;
		else if (PG_GETARG_INT64(3) == l)
			outcome = BT_WIN_A;
		else if (PG_GETARG_INT64(3) == r)
			outcome = BT_WIN_B;
		else
			outcome = -1;
		if (outcome >= 0)
		{
			a = key_map_intern_int(&s->items, l, NULL);
			b = key_map_intern_int(&s->items, r, NULL);
		}
	}
	else
	{
		text	   *lt = PG_GETARG_TEXT_PP(1);
		text	   *rt = PG_GETARG_TEXT_PP(2);
		const char *l = VARDATA_ANY(lt);
		const char *r = VARDATA_ANY(rt);
		int			llen = VARSIZE_ANY_EXHDR(lt);
		int			rlen = VARSIZE_ANY_EXHDR(rt);

		if (llen == rlen && memcmp(l, r, llen) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("an item cannot be compared with itself"),
					 errdetail("Left and right item are both \"%s\".",
							   text_to_cstring(lt))));
		if (PG_ARGISNULL(3))
			outcome = BT_TIE;
		else
		{
			text	   *wt = PG_GETARG_TEXT_PP(3);
			const char *wv = VARDATA_ANY(wt);
			int			wlen = VARSIZE_ANY_EXHDR(wt);

			if (wlen == llen && memcmp(wv, l, llen) == 0)
				outcome = BT_WIN_A;
			else if (wlen == rlen && memcmp(wv, r, rlen) == 0)
				outcome = BT_WIN_B;
			else
				outcome = -1;
		}
		if (outcome >= 0)
		{
			a = key_map_intern_text(&s->items, l, llen, NULL);
			b = key_map_intern_text(&s->items, r, rlen, NULL);
		}
	}
	if (outcome < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("winner must be the left or the right item"),
				 errdetail("Winner %s%s%s is neither left item %s%s%s nor right item %s%s%s.",
						   kind == KEY_TEXT ? "\"" : "", bt_arg_cstring(fcinfo, 3, kind),
						   kind == KEY_TEXT ? "\"" : "",
						   kind == KEY_TEXT ? "\"" : "", bt_arg_cstring(fcinfo, 1, kind),
						   kind == KEY_TEXT ? "\"" : "",
						   kind == KEY_TEXT ? "\"" : "", bt_arg_cstring(fcinfo, 2, kind),
						   kind == KEY_TEXT ? "\"" : ""),
				 errhint("Pass NULL as the winner for a tie (\"same\"), e.g. NULLIF(answer, '=').")));
	if (has_worker)
		w = key_map_intern_datum(&s->workers, PG_GETARG_DATUM(4), NULL);
	bt_state_add(s, w, a, b, outcome);
	s->rows++;
	PG_RETURN_POINTER(s);
}

/* Aggregate transition function: one comparison */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_rank_transfn);
Datum
bt_rank_transfn(PG_FUNCTION_ARGS)
{
	return bt_rank_accum(fcinfo, false, "bt_rank_transfn");
}

/* Aggregate transition function: one comparison by one worker */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_rank_worker_transfn);
Datum
bt_rank_worker_transfn(PG_FUNCTION_ARGS)
{
	return bt_rank_accum(fcinfo, true, "bt_rank_worker_transfn");
}

/* Aggregate combine function: add the right state's counts into the left */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_rank_combine);
Datum
bt_rank_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "bt_rank_combine");
	BtState    *s1 = PG_ARGISNULL(0) ? NULL : (BtState *) PG_GETARG_POINTER(0);
	BtState    *s2 = PG_ARGISNULL(1) ? NULL : (BtState *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	/* state2 may live in a shorter-lived context: copy it into aggcontext */
	if (s1 == NULL)
		s1 = bt_state_create(aggcontext, s2->items.kind, s2->has_worker,
							 s2->has_worker ? s2->workers.kind : KEY_TEXT);
	if (s1->has_worker != s2->has_worker || s1->items.kind != s2->items.kind ||
		(s1->has_worker && s1->workers.kind != s2->workers.kind))
		elog(ERROR, "bt_rank_combine: states of different kinds");
	bt_state_merge(s1, s2);
	PG_RETURN_POINTER(s1);
}

/* Aggregate serialize function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_rank_serialize);
Datum
bt_rank_serialize(PG_FUNCTION_ARGS)
{
	(void) labeling_agg_context(fcinfo, "bt_rank_serialize");
	PG_RETURN_BYTEA_P(bt_state_serialize((BtState *) PG_GETARG_POINTER(0)));
}

/* Aggregate deserialize function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_rank_deserialize);
Datum
bt_rank_deserialize(PG_FUNCTION_ARGS)
{
	(void) labeling_agg_context(fcinfo, "bt_rank_deserialize");
	PG_RETURN_POINTER(bt_state_deserialize(PG_GETARG_BYTEA_PP(0), CurrentMemoryContext));
}

/*
 * Fit a comparison table and build the model in the caller's context; the
 * fit's scratch memory lives in a temporary context.
 */
static BtModel *
bt_fit_and_build(const BtData *d, const BtFitOptions *o, MemoryContext tmp)
{
	MemoryContext old = MemoryContextSwitchTo(tmp);
	BtFit	   *fit = bt_fit_data(d, o);

	MemoryContextSwitchTo(old);
	return bt_model_build(d, o, fit);
}

/* Aggregate final function: fit with the default options; NULL without rows */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_rank_finalfn);
Datum
bt_rank_finalfn(PG_FUNCTION_ARGS)
{
	BtState    *s = PG_ARGISNULL(0) ? NULL : (BtState *) PG_GETARG_POINTER(0);
	MemoryContext tmp;
	MemoryContext old;
	BtFitOptions o;
	BtData	   *d;
	BtModel    *m;

	(void) labeling_agg_context(fcinfo, "bt_rank_finalfn");
	if (s == NULL || s->rows == 0)
		PG_RETURN_NULL();

	/*
	 * bt_data_from_state applies the rows still queued in the state
	 * (bt_state_flush): that changes its representation, not its contents,
	 * so the state stays valid for more rows or another final call
	 * (FINALFUNC_MODIFY = READ_ONLY holds).
	 */
	tmp = AllocSetContextCreate(CurrentMemoryContext, "bt_rank fit", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(tmp);
	d = bt_data_from_state(s);
	MemoryContextSwitchTo(old);
	bt_fit_options_default(&o, s->has_worker);
	m = bt_fit_and_build(d, &o, tmp);
	MemoryContextDelete(tmp);
	PG_RETURN_POINTER(m);
}

/* Parse the ties option; NULL gives the method's default. */
static BtTies
bt_parse_ties(FunctionCallInfo fcinfo, int argno, BtMethod method)
{
	char	   *s;

	if (PG_ARGISNULL(argno))
		return method == BT_METHOD_MM ? BT_TIES_IGNORE : BT_TIES_DAVIDSON;
	s = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (strcmp(s, "davidson") == 0)
		return BT_TIES_DAVIDSON;
	if (strcmp(s, "ignore") == 0)
		return BT_TIES_IGNORE;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown ties option \"%s\"", s),
			 errhint("Use 'davidson' (ties modelled) or 'ignore' (ties dropped).")));
	return BT_TIES_DAVIDSON;	/* keep the compiler quiet */
}

/*
 * bt_fit(model, prior, ties, method, max_iter, tol, noisy): refit a model's
 * comparisons with other options; NULL options take their defaults.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_fit);
Datum
bt_fit(PG_FUNCTION_ARGS)
{
	BtModel    *m;
	BtModelView v;
	BtFitOptions o;
	BtData	   *d;
	MemoryContext tmp;
	BtModel    *res;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	m = PG_GETARG_BT_MODEL_P(0);
	bt_model_view(m, &v);

	/* noisy: default = the model has a worker column */
	o.noisy = PG_ARGISNULL(6) ? (m->worker_kind != 0) : PG_GETARG_BOOL(6);
	if (o.noisy && m->worker_kind == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the noisy model needs a worker column"),
				 errdetail("This model was aggregated without workers."),
				 errhint("Aggregate with bt_rank(left, right, winner, worker).")));

	o.method = BT_METHOD_NEWTON;
	if (!PG_ARGISNULL(3))
	{
		char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(3));

		if (strcmp(s, "newton") == 0)
			o.method = BT_METHOD_NEWTON;
		else if (strcmp(s, "mm") == 0)
			o.method = BT_METHOD_MM;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown method \"%s\"", s),
					 errhint("Use 'newton' or 'mm'.")));
	}
	if (o.method == BT_METHOD_MM && o.noisy)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method \"mm\" is not available for the noisy model"),
				 errhint("Use method => 'newton' (EM with Newton M-steps), or noisy => false.")));
	o.ties = bt_parse_ties(fcinfo, 2, o.method);
	if (o.method == BT_METHOD_MM && o.ties == BT_TIES_DAVIDSON)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method \"mm\" cannot model ties"),
				 errhint("Use ties => 'ignore' with method => 'mm', or method => 'newton'.")));

	o.prior = PG_ARGISNULL(1) ? BT_DEFAULT_PRIOR : PG_GETARG_FLOAT8(1);
	if (isnan(o.prior) || isinf(o.prior))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("prior must be finite")));
	if (o.prior < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior must not be negative"),
				 errdetail("Got %g.", o.prior),
				 errhint("The prior is a number of virtual wins and losses per item; 0 disables it.")));

	if (PG_ARGISNULL(4))
		o.max_iter = o.noisy ? BT_DEFAULT_EM_ITER :
			o.method == BT_METHOD_MM ? BT_DEFAULT_MM_ITER : BT_DEFAULT_NEWTON_ITER;
	else
		o.max_iter = PG_GETARG_INT32(4);
	if (o.max_iter < 1 || o.max_iter > BT_MAX_ITER)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be between 1 and %d", BT_MAX_ITER),
				 errdetail("Got %d.", o.max_iter)));

	o.tol = PG_ARGISNULL(5) ? (o.noisy ? BT_DEFAULT_EM_TOL : BT_DEFAULT_TOL) : PG_GETARG_FLOAT8(5);
	if (isnan(o.tol) || isinf(o.tol))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("tol must be finite")));
	if (o.tol < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tol must not be negative"),
				 errdetail("Got %g.", o.tol),
				 errhint("Use 0 to run exactly max_iter iterations.")));

	tmp = AllocSetContextCreate(CurrentMemoryContext, "bt_fit", ALLOCSET_DEFAULT_SIZES);
	d = bt_data_from_model(&v);
	res = bt_fit_and_build(d, &o, tmp);
	MemoryContextDelete(tmp);
	PG_RETURN_POINTER(res);
}
