/*-------------------------------------------------------------------------
 *
 * truth_model_options.c
 *	  Options of the truth-inference aggregates: the labeling.truth_options
 *	  composite and its constructor, validation, serialization for parallel
 *	  states, and the resolution of unset options to the GUC defaults
 *	  (labeling.max_iterations, labeling.tolerance, labeling.smoothing) or to
 *	  Crowd-Kit's settings under crowdkit_compat.
 *
 * IDENTIFICATION
 *	  src/truth_model_options.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "executor/executor.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "truth_model.h"

/* Attribute numbers of labeling.truth_options */
#define OPT_MAX_ITERATIONS	1
#define OPT_TOLERANCE		2
#define OPT_SMOOTHING		3
#define OPT_WARM_START		4
#define OPT_CROWDKIT_COMPAT 5
#define OPT_NATTS			5

/* Largest accepted max_iterations and smoothing. */
#define TRUTH_MAX_ITERATIONS_LIMIT	1000000
#define TRUTH_MAX_SMOOTHING			1e6

static const char *const method_names[TRUTH_METHOD_MAX + 1] = {
	NULL, "dawid_skene", "one_coin", "glad", "wawa"
};

const char *
truth_method_name(TruthMethod method)
{
	Assert(method >= 1 && method <= TRUTH_METHOD_MAX);
	return method_names[method];
}

/* The method of a name, or 0. */
TruthMethod
truth_method_from_name(const char *name, int len)
{
	int			i;

	for (i = 1; i <= TRUTH_METHOD_MAX; i++)
		if ((int) strlen(method_names[i]) == len && memcmp(method_names[i], name, len) == 0)
			return (TruthMethod) i;
	return (TruthMethod) 0;
}

static void
check_max_iterations(int32 v)
{
	if (v < 1 || v > TRUTH_MAX_ITERATIONS_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iterations must be between 1 and %d", TRUTH_MAX_ITERATIONS_LIMIT),
				 errdetail("Got %d.", v)));
}

static void
check_nonnegative(const char *name, double v, double limit)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be finite", name),
				 errdetail("Got %g.", v)));
	if (v < 0.0 || v > limit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and %g", name, limit),
				 errdetail("Got %g.", v)));
}

/* Checks that do not depend on the method or the data. */
static void
truth_options_check(const TruthOptions *o)
{
	if (o->max_iterations != 0)
		check_max_iterations(o->max_iterations);
	if (!isnan(o->tolerance))
		check_nonnegative("tolerance", o->tolerance, 1.0);
	if (!isnan(o->smoothing))
		check_nonnegative("smoothing", o->smoothing, TRUTH_MAX_SMOOTHING);
	if (o->crowdkit_compat)
	{
		if (!isnan(o->smoothing) && o->smoothing != 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crowdkit_compat runs without smoothing"),
					 errdetail("Crowd-Kit 1.4.1 has no smoothing prior; got smoothing %g.", o->smoothing),
					 errhint("Leave smoothing unset or 0 with crowdkit_compat.")));
		if (o->warm_start != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("crowdkit_compat cannot start from an earlier model"),
					 errhint("Leave warm_start unset with crowdkit_compat.")));
	}
}

/*
 * Parse and check a labeling.truth_options value.  The warm-start model (if
 * any) is copied into mcxt, or only pointed at with a NULL mcxt.
 */
void
truth_options_from_datum(Datum d, TruthOptions *o, MemoryContext mcxt)
{
	HeapTupleHeader th = DatumGetHeapTupleHeader(d);
	bool		isnull;
	Datum		v;

	memset(o, 0, sizeof(TruthOptions));
	o->tolerance = get_float8_nan();
	o->smoothing = get_float8_nan();

	v = GetAttributeByNum(th, OPT_MAX_ITERATIONS, &isnull);
	if (!isnull)
	{
		o->max_iterations = DatumGetInt32(v);
		if (o->max_iterations == 0)
			check_max_iterations(0);
	}
	v = GetAttributeByNum(th, OPT_TOLERANCE, &isnull);
	if (!isnull)
	{
		o->tolerance = DatumGetFloat8(v);
		if (isnan(o->tolerance))
			check_nonnegative("tolerance", o->tolerance, 1.0);
	}
	v = GetAttributeByNum(th, OPT_SMOOTHING, &isnull);
	if (!isnull)
	{
		o->smoothing = DatumGetFloat8(v);
		if (isnan(o->smoothing))
			check_nonnegative("smoothing", o->smoothing, TRUTH_MAX_SMOOTHING);
	}
	v = GetAttributeByNum(th, OPT_CROWDKIT_COMPAT, &isnull);
	o->crowdkit_compat = !isnull && DatumGetBool(v);
	v = GetAttributeByNum(th, OPT_WARM_START, &isnull);
	if (!isnull)
	{
		const TruthModel *m = truth_model_checked(v);

		if (mcxt == NULL)
			o->warm_start = (struct varlena *) m;
		else
		{
			o->warm_start = MemoryContextAlloc(mcxt, VARSIZE(m));
			memcpy(o->warm_start, m, VARSIZE(m));
		}
	}
	truth_options_check(o);
}

static bool
same_double(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

bool
truth_options_equal(const TruthOptions *a, const TruthOptions *b)
{
	if (a->max_iterations != b->max_iterations ||
		!same_double(a->tolerance, b->tolerance) ||
		!same_double(a->smoothing, b->smoothing) ||
		a->crowdkit_compat != b->crowdkit_compat)
		return false;
	if ((a->warm_start == NULL) != (b->warm_start == NULL))
		return false;
	return a->warm_start == NULL ||
		(VARSIZE(a->warm_start) == VARSIZE(b->warm_start) &&
		 memcmp(a->warm_start, b->warm_start, VARSIZE(a->warm_start)) == 0);
}

void
truth_options_serialize(const TruthOptions *o, StringInfo buf)
{
	pq_sendint32(buf, o->max_iterations);
	pq_sendfloat8(buf, o->tolerance);
	pq_sendfloat8(buf, o->smoothing);
	pq_sendbyte(buf, o->crowdkit_compat ? 1 : 0);
	pq_sendbyte(buf, o->warm_start ? 1 : 0);
	if (o->warm_start)
	{
		pq_sendint32(buf, VARSIZE(o->warm_start));
		pq_sendbytes(buf, (const char *) o->warm_start, VARSIZE(o->warm_start));
	}
}

void
truth_options_deserialize(StringInfo buf, TruthOptions *o, MemoryContext mcxt)
{
	int			flag;

	memset(o, 0, sizeof(TruthOptions));
	o->max_iterations = pq_getmsgint(buf, 4);
	o->tolerance = pq_getmsgfloat8(buf);
	o->smoothing = pq_getmsgfloat8(buf);
	flag = pq_getmsgbyte(buf);
	if (flag != 0 && flag != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid truth inference options")));
	o->crowdkit_compat = (flag == 1);
	flag = pq_getmsgbyte(buf);
	if (flag == 1)
	{
		int32		len = pq_getmsgint(buf, 4);
		struct varlena *m;

		if (len < (int32) TRUTH_MODEL_HDRSZ || len > buf->len - buf->cursor)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid warm-start model in truth inference options")));
		m = MemoryContextAlloc(mcxt, len);
		memcpy(m, pq_getmsgbytes(buf, len), len);
		if (VARSIZE_ANY(m) != (Size) len || VARATT_IS_EXTENDED(m))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid warm-start model in truth inference options")));
		truth_model_check((TruthModel *) m);
		o->warm_start = m;
	}
	else if (flag != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid truth inference options")));
	truth_options_check(o);
}

/*
 * Settings of one fit: the options given, else Crowd-Kit's settings under
 * crowdkit_compat, else the GUCs.
 */
void
truth_settings_resolve(const TruthState *state, TruthMethod method, TruthSettings *s)
{
	const TruthOptions *o = state->options_mode == TRUTH_OPTIONS_GIVEN ? &state->options : NULL;

	memset(s, 0, sizeof(TruthSettings));
	s->method = method;
	s->crowdkit_compat = o && o->crowdkit_compat;
	if (o && o->max_iterations != 0)
		s->max_iterations = o->max_iterations;
	else
		s->max_iterations = s->crowdkit_compat ? CROWDKIT_MAX_ITERATIONS : labeling_max_iterations;
	if (o && !isnan(o->tolerance))
		s->tolerance = o->tolerance;
	else
		s->tolerance = s->crowdkit_compat ? CROWDKIT_TOLERANCE : labeling_tolerance;
	if (o && !isnan(o->smoothing))
		s->smoothing = o->smoothing;
	else
		s->smoothing = s->crowdkit_compat ? 0.0 : labeling_smoothing;
	if (method == TRUTH_GLAD)
	{
		if (o && !isnan(o->smoothing))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("glad_agg has no smoothing option"),
					 errdetail("GLAD is regularised by its N(1, 1) priors on worker abilities and task difficulties."),
					 errhint("Leave smoothing unset for glad_agg.")));
		s->smoothing = 0.0;
	}

	if (o && o->warm_start)
	{
		const TruthModel *w = (const TruthModel *) o->warm_start;

		if (w->task_kind != state->task_kind || w->worker_kind != state->workers.kind)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("warm-start model has keys of other types than this aggregate"),
					 errdetail("The model has %s task keys and %s worker keys; the aggregate gets %s and %s.",
							   w->task_kind == KEY_INT8 ? "bigint" : "text",
							   w->worker_kind == KEY_INT8 ? "bigint" : "text",
							   state->task_kind == KEY_INT8 ? "bigint" : "text",
							   state->workers.kind == KEY_INT8 ? "bigint" : "text")));
		s->warm_start = w;
	}
}

/* labeling.truth_options(...): an options value, checked */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_options_make);
Datum
truth_options_make(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[OPT_NATTS];
	bool		nulls[OPT_NATTS];
	Datum		result;
	TruthOptions o;
	int			i;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (tupdesc->natts != OPT_NATTS)
		elog(ERROR, "labeling.truth_options must have %d attributes", OPT_NATTS);
	for (i = 0; i < OPT_NATTS; i++)
	{
		nulls[i] = PG_ARGISNULL(i);
		values[i] = nulls[i] ? (Datum) 0 : PG_GETARG_DATUM(i);
	}
	if (!nulls[OPT_WARM_START - 1])
		values[OPT_WARM_START - 1] = PointerGetDatum(PG_DETOAST_DATUM(values[OPT_WARM_START - 1]));
	result = HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
	/* the same checks as the aggregates run */
	truth_options_from_datum(result, &o, NULL);
	PG_RETURN_DATUM(result);
}
