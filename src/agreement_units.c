/*-------------------------------------------------------------------------
 *
 * agreement_units.c
 *	  Per-unit value counts: for every unit (task), how many rows gave each
 *	  value.  This is all that Krippendorff's alpha and Fleiss' kappa need
 *	  (their coincidence matrices and per-unit agreements are functions of
 *	  it), so both aggregates are linear in rows and never look at pairs of
 *	  judgments.  This file holds the structure and the aggregate support
 *	  functions both share: combine, serialize and deserialize.
 *
 *	  Units and values are interned by KeyMaps (key_map.c).  Each unit owns
 *	  a linked list of (value, count) cells in one pool; a unit has a few
 *	  values, so the list is short.  The previous row's unit is cached,
 *	  which makes input clustered by unit (the usual order of a judgments
 *	  table) cost one comparison instead of a hash lookup.  Numeric values
 *	  are interned by the bits of their float8 (-0 is folded into 0).
 *
 * IDENTIFICATION
 *	  src/agreement_units.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "agreement_units.h"
#include "labeling.h"

/* Serialized format version (first byte). */
#define UNIT_TALLY_FORMAT	1

/* At most this many (unit, value) cells (ids are int32). */
#define UNIT_TALLY_MAX_CELLS	(PG_INT32_MAX / 2)

/* Metric names by AgreementMetric code. */
const char *const agreement_metric_names[] = {"none", "nominal", "ordinal", "interval", "ratio"};

UnitTally *
unit_tally_create(MemoryContext mcxt, KeyKind unitkind, KeyKind valuekind, int32 metric)
{
	UnitTally  *t = MemoryContextAllocZero(mcxt, sizeof(UnitTally));

	t->mcxt = mcxt;
	key_map_init(&t->units, mcxt, unitkind);
	key_map_init(&t->values, mcxt, valuekind);
	t->firstcap = 16;
	t->first = MemoryContextAlloc(mcxt, sizeof(int32) * t->firstcap);
	t->cellcap = 16;
	t->cells = MemoryContextAlloc(mcxt, sizeof(UnitCell) * t->cellcap);
	t->metric = metric;
	t->lastunit = -1;
	return t;
}

/* Register a unit id just handed out by the unit map. */
static void
unit_tally_new_unit(UnitTally *t, int32 id)
{
	if (id >= t->firstcap)
	{
		t->firstcap *= 2;
		t->first = repalloc_huge(t->first, sizeof(int32) * t->firstcap);
	}
	t->first[id] = -1;
}

/*
 * Id of a unit given as a Datum of the unit map's kind (int8 or text),
 * interned on first sight.
 */
int32
unit_tally_unit(UnitTally *t, Datum unit)
{
	int32		id;
	bool		isnew;

	if (t->units.kind == KEY_INT8)
	{
		int64		key = DatumGetInt64(unit);

		if (t->lastunit >= 0 && KEY_MAP_INT(&t->units, t->lastunit) == key)
			return t->lastunit;
		id = key_map_intern_int(&t->units, key, &isnew);
	}
	else
	{
		text	   *key = DatumGetTextPP(unit);
		int			len = VARSIZE_ANY_EXHDR(key);

		if (t->lastunit >= 0 && KEY_MAP_TEXTLEN(&t->units, t->lastunit) == len &&
			memcmp(KEY_MAP_TEXT(&t->units, t->lastunit), VARDATA_ANY(key), len) == 0)
			return t->lastunit;
		id = key_map_intern_text(&t->units, VARDATA_ANY(key), len, &isnew);
	}
	if (isnew)
		unit_tally_new_unit(t, id);
	t->lastunit = id;
	return id;
}

/* Add count rows of a value to a unit. */
void
unit_tally_add(UnitTally *t, int32 unit, int32 value, int64 count)
{
	int32		c;
	UnitCell   *cell;

	UNIT_CELLS_FOREACH(t, unit, c)
	{
		if (t->cells[c].value == value)
		{
			if (pg_add_s64_overflow(t->cells[c].count, count, &t->cells[c].count))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("row count out of range")));
			return;
		}
	}
	if (t->ncells == t->cellcap)
	{
		if (t->ncells >= UNIT_TALLY_MAX_CELLS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct (unit, value) pairs"),
					 errdetail("At most %d are supported.", UNIT_TALLY_MAX_CELLS)));
		t->cellcap = Min(t->cellcap * 2, UNIT_TALLY_MAX_CELLS);
		t->cells = repalloc_huge(t->cells, sizeof(UnitCell) * t->cellcap);
	}
	c = t->ncells++;
	cell = &t->cells[c];
	cell->count = count;
	cell->value = value;
	cell->next = t->first[unit];
	t->first[unit] = c;
}

/* The float8 a numeric value id stands for. */
double
unit_tally_value_float8(const UnitTally *t, int32 value)
{
	int64		bits = KEY_MAP_INT(&t->values, value);
	double		v;

	memcpy(&v, &bits, sizeof(double));
	return v;
}

/* Id of a numeric value (finite, checked by the caller); -0 is 0. */
int32
unit_tally_value_from_float8(UnitTally *t, double v)
{
	int64		bits;
	bool		isnew;

	if (v == 0.0)
		v = 0.0;
	memcpy(&bits, &v, sizeof(double));
	return key_map_intern_int(&t->values, bits, &isnew);
}

/* The metric of an aggregate cannot change from row to row. */
void
agreement_metric_mismatch(int32 had, int32 got)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("the metric of krippendorff_alpha must be the same in every row"),
			 errdetail("Got \"%s\" after \"%s\".",
					   agreement_metric_names[got], agreement_metric_names[had])));
}

/* Add every count of src into dst. */
void
unit_tally_merge(UnitTally *dst, const UnitTally *src)
{
	int32	   *vmap;
	int32		u;

	if (dst->metric != src->metric)
		agreement_metric_mismatch(dst->metric, src->metric);
	vmap = palloc(sizeof(int32) * Max(src->values.n, 1));
	for (u = 0; u < src->values.n; u++)
	{
		bool		isnew;

		if (src->values.kind == KEY_INT8)
			vmap[u] = key_map_intern_int(&dst->values, KEY_MAP_INT(&src->values, u), &isnew);
		else
			vmap[u] = key_map_intern_text(&dst->values, KEY_MAP_TEXT(&src->values, u),
										  KEY_MAP_TEXTLEN(&src->values, u), &isnew);
	}
	for (u = 0; u < src->units.n; u++)
	{
		int32		du;
		int32		c;
		bool		isnew;

		if ((u & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (src->units.kind == KEY_INT8)
			du = key_map_intern_int(&dst->units, KEY_MAP_INT(&src->units, u), &isnew);
		else
			du = key_map_intern_text(&dst->units, KEY_MAP_TEXT(&src->units, u),
									 KEY_MAP_TEXTLEN(&src->units, u), &isnew);
		if (isnew)
			unit_tally_new_unit(dst, du);
		UNIT_CELLS_FOREACH(src, u, c)
			unit_tally_add(dst, du, vmap[src->cells[c].value], src->cells[c].count);
	}
	dst->lastunit = -1;
	pfree(vmap);
}

/* Aggregate combine function: add the right tally into the left one */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(agreement_units_combine);
Datum
agreement_units_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "agreement_units_combine");
	UnitTally  *s1 = PG_ARGISNULL(0) ? NULL : (UnitTally *) PG_GETARG_POINTER(0);
	UnitTally  *s2 = PG_ARGISNULL(1) ? NULL : (UnitTally *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	/* state2 may live in a shorter-lived context: copy it into aggcontext */
	if (s1 == NULL)
		s1 = unit_tally_create(aggcontext, s2->units.kind, s2->values.kind, s2->metric);
	unit_tally_merge(s1, s2);
	PG_RETURN_POINTER(s1);
}

/*
 * Aggregate serialize function: format byte, metric, the kinds of the unit
 * and value keys, the unit map, the value map, then per unit its cell count
 * and (value id, count) per cell.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(agreement_units_serialize);
Datum
agreement_units_serialize(PG_FUNCTION_ARGS)
{
	UnitTally  *t;
	StringInfoData buf;
	int32		u;

	(void) labeling_agg_context(fcinfo, "agreement_units_serialize");
	t = (UnitTally *) PG_GETARG_POINTER(0);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, UNIT_TALLY_FORMAT);
	pq_sendint32(&buf, t->metric);
	pq_sendbyte(&buf, (int) t->units.kind);
	pq_sendbyte(&buf, (int) t->values.kind);
	key_map_serialize(&t->units, &buf);
	key_map_serialize(&t->values, &buf);
	for (u = 0; u < t->units.n; u++)
	{
		int32		c;
		int32		n = 0;

		UNIT_CELLS_FOREACH(t, u, c)
			n++;
		pq_sendint32(&buf, n);
		UNIT_CELLS_FOREACH(t, u, c)
		{
			pq_sendint32(&buf, t->cells[c].value);
			pq_sendint64(&buf, t->cells[c].count);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
unit_tally_corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized unit tally: %s", what)));
}

/* Read a key kind byte. */
static KeyKind
get_key_kind(StringInfo buf)
{
	int			kind = pq_getmsgbyte(buf);

	if (kind != KEY_TEXT && kind != KEY_INT8)
		unit_tally_corrupt("bad key kind");
	return (KeyKind) kind;
}

/* Aggregate deserialize function; every field is checked */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(agreement_units_deserialize);
Datum
agreement_units_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	StringInfoData buf;
	UnitTally  *t;
	int32		metric;
	KeyKind		unitkind;
	KeyKind		valuekind;
	int32		u;
	int32		v;

	(void) labeling_agg_context(fcinfo, "agreement_units_deserialize");
	b = PG_GETARG_BYTEA_PP(0);
	/* wrap the bytea without copying; we never write through buf */
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	if (pq_getmsgbyte(&buf) != UNIT_TALLY_FORMAT)
		unit_tally_corrupt("unsupported format");
	metric = pq_getmsgint(&buf, 4);
	if (metric < METRIC_NONE || metric > METRIC_RATIO)
		unit_tally_corrupt("bad metric");
	unitkind = get_key_kind(&buf);
	valuekind = get_key_kind(&buf);
	if (valuekind == KEY_TEXT && metric > METRIC_NOMINAL)
		unit_tally_corrupt("text values with a numeric metric");
	t = unit_tally_create(CurrentMemoryContext, unitkind, valuekind, metric);
	key_map_deserialize_into(&t->units, &buf);
	key_map_deserialize_into(&t->values, &buf);

	/* numeric values must be what the transition function accepts */
	for (v = 0; valuekind == KEY_INT8 && v < t->values.n; v++)
	{
		double		x = unit_tally_value_float8(t, v);

		if (!isfinite(x) || (metric == METRIC_RATIO && x < 0.0) ||
			(x == 0.0 && signbit(x)))
			unit_tally_corrupt("bad value");
	}

	for (u = 0; u < t->units.n; u++)
	{
		int32		n = pq_getmsgint(&buf, 4);
		int32		i;

		unit_tally_new_unit(t, u);
		if (n < 1 || (Size) n * 12 > (Size) (buf.len - buf.cursor))
			unit_tally_corrupt("bad cell count");
		for (i = 0; i < n; i++)
		{
			int32		value = pq_getmsgint(&buf, 4);
			int64		count = pq_getmsgint64(&buf);

			if (value < 0 || value >= t->values.n)
				unit_tally_corrupt("value id out of range");
			if (count < 1)
				unit_tally_corrupt("bad count");
			unit_tally_add(t, u, value, count);
		}
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(t);
}
