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
 *	  A hash table of units touched once per row is bound by memory latency
 *	  when a table's judgments of a task are spread out (several cache
 *	  misses per row).  So rows are only appended, as (unit key, value id)
 *	  entries, to one of 16 partitions chosen by the top bits of the key;
 *	  the tails of the partitions stay in cache.  When a big partition
 *	  fills up it is radix-sorted on the key in place and equal (unit,
 *	  value) entries are summed; it grows (4x) only if that did not free
 *	  half of it, so memory stays proportional to the distinct (unit, value)
 *	  pairs.  At the end every partition is sorted the same way, and
 *	  since a unit lives in exactly one partition the final functions read
 *	  the partitions one after the other, each unit's cells contiguous.
 *	  Every step writes memory sequentially (a radix pass scatters into at
 *	  most 2048 buckets, 256 out of cache) and the work is linear in rows.
 *	  A small tally (a GROUP BY with many groups) keeps a single partition.
 *
 *	  Unit keys: a bigint unit is mixed by the 64-bit MurmurHash3 finaliser,
 *	  a bijection, so equal keys mean equal units and the bits are uniform
 *	  for partitioning and sorting.  Text units are interned by a KeyMap and
 *	  their id is mixed the same way.  Values are interned by a KeyMap
 *	  (text, or the bits of a float8 with -0 folded into 0).  Consecutive
 *	  rows of the same unit and value (input clustered by task) collapse
 *	  into one entry while appending.
 *
 * IDENTIFICATION
 *	  src/agreement_units.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "agreement_units.h"
#include "labeling.h"

/* Serialized format version (first byte). */
#define UNIT_TALLY_FORMAT	1

/* A single-partition tally is split into partitions at this many entries. */
#define UNIT_SPLIT_AT		(1 << 16)

/* Partitions start with this many entries. */
#define UNIT_PART_MIN		64

/*
 * A full partition of at least this many entries (4 MB) is compacted before
 * it may grow; smaller ones just grow, since sorting them early would save
 * little memory and cost a sort.
 */
#define UNIT_COMPACT_MIN	(1 << 18)

/* Radix sort: digits of this many bits; smaller slices use insertion sort. */
#define RADIX_BITS			11
#define RADIX_SIZE			(1 << RADIX_BITS)
#define RADIX_SMALL			32
#define RADIX_IN_CACHE		(1 << 15)	/* entries (512 kB) */
#define RADIX_BITS_BIG		8

/* Metric names by AgreementMetric code. */
const char *const agreement_metric_names[] = {"none", "nominal", "ordinal", "interval", "ratio"};

/*
 * The inverse of key_mix64 (key_map.h): h ^= h >> 33 is an involution, and
 * the multipliers are odd, so they have inverses modulo 2^64.
 */
static inline uint64
unmix64(uint64 h)
{
	h ^= h >> 33;
	h *= UINT64CONST(0x9cb4b2f8129337db);
	h ^= h >> 33;
	h *= UINT64CONST(0x4f74430c22a54005);
	h ^= h >> 33;
	return h;
}

UnitTally *
unit_tally_create(MemoryContext mcxt, KeyKind unitkind, KeyKind valuekind, int32 metric)
{
	UnitTally  *t = MemoryContextAllocZero(mcxt, sizeof(UnitTally));

	t->mcxt = mcxt;
	t->unitkind = unitkind;
	if (unitkind == KEY_TEXT)
		key_map_init(&t->units, mcxt, KEY_TEXT);
	key_map_init(&t->values, mcxt, valuekind);
	t->metric = metric;
	t->lastunit = -1;
	t->lastvalue = -1;
	t->partbits = 0;
	t->parts = MemoryContextAllocZero(mcxt, sizeof(UnitPart));
	return t;
}

/* ---------------------------------------------------------------------------
 * Sorting and merging entries
 * ---------------------------------------------------------------------------
 */

static inline int
entry_cmp(const UnitEntry *a, const UnitEntry *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->value > b->value) - (a->value < b->value);
}

static int
entry_qsort_cmp(const void *a, const void *b)
{
	return entry_cmp((const UnitEntry *) a, (const UnitEntry *) b);
}

static void
insertion_sort(UnitEntry *a, int64 n)
{
	int64		i;

	for (i = 1; i < n; i++)
	{
		UnitEntry	x = a[i];
		int64		j = i;

		while (j > 0 && entry_cmp(&a[j - 1], &x) > 0)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
}

/*
 * Radix sort by (key, value), most significant digit first.  "hi" is the
 * number of top key bits still to sort on (64 at the start; 0 when all keys
 * of a slice are equal).  Digits have up to RADIX_BITS bits, fewer for
 * small slices, so that a slice is spread over about as many buckets as it
 * has entries.  The two functions below call each other so that every
 * level scatters from one array into the other, never copying back.
 */
static void radix_sort_to(UnitEntry *in, UnitEntry *out, int64 n, int hi);

/* Scatter in[0 .. n-1] into out by the digit below bit hi; bucket starts in start[]. */
static int
radix_scatter(const UnitEntry *in, UnitEntry *out, int64 n, int hi, int64 *start)
{
	int64		pos[RADIX_SIZE];
	int64		i;
	int			bits;
	int			shift;
	int			nb;
	int			d;

	for (bits = 4; bits < RADIX_BITS && ((int64) 1 << bits) < n; bits++)
		;
	/* out of cache, scatter into fewer buckets: fewer pages written at once */
	if (n > RADIX_IN_CACHE)
		bits = Min(bits, RADIX_BITS_BIG);
	bits = Min(bits, hi);
	shift = hi - bits;
	nb = 1 << bits;
	memset(start, 0, sizeof(int64) * (nb + 1));
	for (i = 0; i < n; i++)
		start[((in[i].key >> shift) & (nb - 1)) + 1]++;
	for (d = 0; d < nb; d++)
		start[d + 1] += start[d];
	memcpy(pos, start, sizeof(int64) * nb);
	for (i = 0; i < n; i++)
		out[pos[(in[i].key >> shift) & (nb - 1)]++] = in[i];
	return bits;
}

/* Sort a[0 .. n-1] in place; tmp is scratch space of n entries. */
static void
radix_sort(UnitEntry *a, UnitEntry *tmp, int64 n, int hi)
{
	int64		start[RADIX_SIZE + 1];
	int			bits;
	int			d;

	if (n <= RADIX_SMALL)
	{
		insertion_sort(a, n);
		return;
	}
	if (hi <= 0)
	{
		/* one key: order by value (only long runs of one unit get here) */
		qsort(a, n, sizeof(UnitEntry), entry_qsort_cmp);
		return;
	}
	bits = radix_scatter(a, tmp, n, hi, start);
	for (d = 0; d < (1 << bits); d++)
	{
		int64		len = start[d + 1] - start[d];

		if (len > 0)
			radix_sort_to(tmp + start[d], a + start[d], len, hi - bits);
		if ((d & 255) == 255)
			CHECK_FOR_INTERRUPTS();
	}
}

/* Sort in[0 .. n-1] into out[0 .. n-1]; in is clobbered. */
static void
radix_sort_to(UnitEntry *in, UnitEntry *out, int64 n, int hi)
{
	int64		start[RADIX_SIZE + 1];
	int			bits;
	int			d;

	if (n <= RADIX_SMALL || hi <= 0)
	{
		memcpy(out, in, sizeof(UnitEntry) * n);
		radix_sort(out, in, n, hi);
		return;
	}
	bits = radix_scatter(in, out, n, hi, start);
	for (d = 0; d < (1 << bits); d++)
	{
		int64		len = start[d + 1] - start[d];

		if (len > 1)
			radix_sort(out + start[d], in + start[d], len, hi - bits);
	}
}

/* Add b's count into a's, or fail cleanly on overflow. */
static inline void
entry_add_count(UnitEntry *a, const UnitEntry *b)
{
	uint64		c = (uint64) a->count + b->count;

	if (c > PG_UINT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows with the same unit and value"),
				 errdetail("At most %u are supported.", PG_UINT32_MAX)));
	a->count = (uint32) c;
}

/* Sum the counts of equal neighbours of a sorted array; the new length. */
static int64
compact_sorted(UnitEntry *a, int64 n)
{
	int64		out = 0;
	int64		i;

	for (i = 0; i < n; i++)
	{
		if (out > 0 && a[out - 1].key == a[i].key && a[out - 1].value == a[i].value)
			entry_add_count(&a[out - 1], &a[i]);
		else
			a[out++] = a[i];
	}
	return out;
}

/* Sort and compact a partition in place. */
static void
unit_part_sort(UnitTally *t, UnitPart *p)
{
	if (p->nsorted == p->n)
		return;
	if (t->scratchcap < p->n)
	{
		if (t->scratch)
			pfree(t->scratch);
		t->scratchcap = p->cap;
		t->scratch = MemoryContextAllocHuge(t->mcxt, sizeof(UnitEntry) * t->scratchcap);
	}
	radix_sort(p->e, t->scratch, p->n, 64 - t->partbits);
	p->n = compact_sorted(p->e, p->n);
	p->nsorted = p->n;
}

static inline int32
unit_part_of(const UnitTally *t, uint64 key)
{
	return t->partbits == 0 ? 0 : (int32) (key >> (64 - t->partbits));
}

static void unit_tally_append(UnitTally *t, uint64 key, uint32 value, uint32 count);

/* Spread the entries of a single-partition tally over 1 << UNIT_PART_BITS. */
static void
unit_tally_split(UnitTally *t)
{
	UnitPart	old = t->parts[0];
	int64		i;

	pfree(t->parts);
	t->partbits = UNIT_PART_BITS;
	t->parts = MemoryContextAllocZero(t->mcxt, sizeof(UnitPart) << UNIT_PART_BITS);
	for (i = 0; i < old.n; i++)
		unit_tally_append(t, old.e[i].key, old.e[i].value, old.e[i].count);
	pfree(old.e);
}

/* Make room in a full partition: compact it, and grow it unless that freed half. */
static void
unit_part_full(UnitTally *t, UnitPart *p)
{
	if (p->cap == 0)
	{
		p->cap = UNIT_PART_MIN;
		p->e = MemoryContextAlloc(t->mcxt, sizeof(UnitEntry) * p->cap);
		return;
	}
	/* small partitions just grow; big ones are compacted first */
	if (p->cap >= UNIT_COMPACT_MIN)
		unit_part_sort(t, p);
	if (p->n > p->cap / 2)
	{
		/* grow 4x: fewer copies of a partition that keeps growing */
		p->cap *= 4;
		p->e = repalloc_huge(p->e, sizeof(UnitEntry) * p->cap);
	}
}

/* Append count rows of (key, value) to their partition. */
static void
unit_tally_append(UnitTally *t, uint64 key, uint32 value, uint32 count)
{
	UnitPart   *p = &t->parts[unit_part_of(t, key)];
	UnitEntry  *e;

	if (p->n > p->nsorted)
	{
		/* the previous row of this partition, if unsorted yet */
		e = &p->e[p->n - 1];
		if (e->key == key && e->value == value && e->count <= PG_UINT32_MAX - count)
		{
			e->count += count;
			return;
		}
	}
	if (p->n == p->cap)
	{
		if (t->partbits == 0 && p->n >= UNIT_SPLIT_AT)
		{
			unit_tally_split(t);
			p = &t->parts[unit_part_of(t, key)];
		}
		if (p->n == p->cap)
			unit_part_full(t, p);
	}
	e = &p->e[p->n++];
	e->key = key;
	e->value = value;
	e->count = count;
#if defined(__GNUC__) || defined(__clang__)
	/* the partition's next cache lines, written some rows from now */
	if (p->n + 8 <= p->cap)
		__builtin_prefetch(&p->e[p->n + 8], 1);
#endif
}

/* Sort and compact every partition: call before iterating over the units. */
void
unit_tally_finish(UnitTally *t)
{
	int32		i;

	for (i = 0; i < (1 << t->partbits); i++)
	{
		unit_part_sort(t, &t->parts[i]);
		if ((i & 15) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/* ---------------------------------------------------------------------------
 * Rows
 * ---------------------------------------------------------------------------
 */

/* Id of a text unit (interned on first sight; the previous one is cached). */
static int32
unit_tally_text_unit(UnitTally *t, text *key)
{
	int			len = VARSIZE_ANY_EXHDR(key);
	bool		isnew;

	if (t->lastunit >= 0 && KEY_MAP_TEXTLEN(&t->units, t->lastunit) == len &&
		memcmp(KEY_MAP_TEXT(&t->units, t->lastunit), VARDATA_ANY(key), len) == 0)
		return t->lastunit;
	t->lastunit = key_map_intern_text(&t->units, VARDATA_ANY(key), len, &isnew);
	return t->lastunit;
}

/* Count one row: a unit given as a Datum of the tally's unit kind. */
void
unit_tally_add_row(UnitTally *t, Datum unit, int32 value)
{
	uint64		key;

	if (t->unitkind == KEY_INT8)
		key = key_mix64((uint64) DatumGetInt64(unit));
	else
		key = key_mix64((uint64) unit_tally_text_unit(t, DatumGetTextPP(unit)));
	unit_tally_append(t, key, (uint32) value, 1);
}

/* Equal bytes?  Labels are short: a loop beats a call to memcmp. */
static inline bool
bytes_equal(const char *a, const char *b, int len)
{
	int			i;

	if (len > 16)
		return memcmp(a, b, len) == 0;
	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Id of a text value (the previous one is cached). */
int32
unit_tally_text_value(UnitTally *t, text *value)
{
	int			len = VARSIZE_ANY_EXHDR(value);
	bool		isnew;

	const char *s = VARDATA_ANY(value);
	int32		v;

	if (t->lastvalue >= 0 && KEY_MAP_TEXTLEN(&t->values, t->lastvalue) == len &&
		bytes_equal(KEY_MAP_TEXT(&t->values, t->lastvalue), s, len))
		return t->lastvalue;
	/* a handful of labels: comparing the bytes beats hashing them */
	for (v = 0; v < t->values.n && v < 8; v++)
		if (KEY_MAP_TEXTLEN(&t->values, v) == len && bytes_equal(KEY_MAP_TEXT(&t->values, v), s, len))
			return t->lastvalue = v;
	t->lastvalue = key_map_intern_text(&t->values, s, len, &isnew);
	return t->lastvalue;
}

/* Id of a numeric value (finite, checked by the caller); -0 is 0. */
int32
unit_tally_float8_value(UnitTally *t, double v)
{
	int64		bits;
	bool		isnew;
	int32		id;

	if (v == 0.0)
		v = 0.0;
	memcpy(&bits, &v, sizeof(double));
	if (t->lastvalue >= 0 && KEY_MAP_INT(&t->values, t->lastvalue) == bits)
		return t->lastvalue;
	/* a rating scale has a handful of values: a scan beats hashing */
	for (id = 0; id < t->values.n && id < 8; id++)
		if (KEY_MAP_INT(&t->values, id) == bits)
			return t->lastvalue = id;
	t->lastvalue = key_map_intern_int(&t->values, bits, &isnew);
	return t->lastvalue;
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

/* Map the value ids of src to (new or existing) ids of dst. */
static uint32 *
unit_tally_value_map(UnitTally *dst, const UnitTally *src)
{
	uint32	   *vmap = palloc(sizeof(uint32) * Max(src->values.n, 1));
	int32		v;

	for (v = 0; v < src->values.n; v++)
	{
		bool		isnew;

		if (src->values.kind == KEY_INT8)
			vmap[v] = key_map_intern_int(&dst->values, KEY_MAP_INT(&src->values, v), &isnew);
		else
			vmap[v] = key_map_intern_text(&dst->values, KEY_MAP_TEXT(&src->values, v),
										  KEY_MAP_TEXTLEN(&src->values, v), &isnew);
	}
	return vmap;
}

/*
 * Add every count of src (sorted or not) into dst.  Text units are looked
 * up once per run of equal keys of src; src is read, not changed.
 */
void
unit_tally_merge(UnitTally *dst, const UnitTally *src)
{
	uint32	   *vmap;
	int32		part;

	if (dst->metric != src->metric)
		agreement_metric_mismatch(dst->metric, src->metric);
	vmap = unit_tally_value_map(dst, src);
	for (part = 0; part < (1 << src->partbits); part++)
	{
		const UnitEntry *e = src->parts[part].e;
		int64		n = src->parts[part].n;
		int64		i;
		uint64		lastkey = 0;
		uint64		newkey = 0;
		bool		havelast = false;

		for (i = 0; i < n; i++)
		{
			uint64		key = e[i].key;

			if ((i & 65535) == 0)
				CHECK_FOR_INTERRUPTS();
			if (src->unitkind == KEY_TEXT)
			{
				/* the key of a text unit is its local id, mixed: remap it */
				if (!havelast || key != lastkey)
				{
					uint64		id = unmix64(key);
					bool		isnew;

					if (id >= (uint64) src->units.n)
						elog(ERROR, "unit_tally_merge: unknown unit key");
					newkey = key_mix64((uint64) key_map_intern_text(&dst->units,
																KEY_MAP_TEXT(&src->units, id),
																KEY_MAP_TEXTLEN(&src->units, id),
																&isnew));
					lastkey = key;
					havelast = true;
				}
				key = newkey;
			}
			unit_tally_append(dst, key, vmap[e[i].value], e[i].count);
		}
	}
	dst->lastunit = -1;
	dst->lastvalue = -1;
	pfree(vmap);
}

/* ---------------------------------------------------------------------------
 * Aggregate support functions
 * ---------------------------------------------------------------------------
 */

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
		s1 = unit_tally_create(aggcontext, s2->unitkind, s2->values.kind, s2->metric);
	unit_tally_merge(s1, s2);
	PG_RETURN_POINTER(s1);
}

/*
 * Aggregate serialize function: format byte, metric, the kinds of the unit
 * and value keys, the unit map (text units), the value map, the number of
 * entries, then (key, value id, count) per entry, in key order.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(agreement_units_serialize);
Datum
agreement_units_serialize(PG_FUNCTION_ARGS)
{
	UnitTally  *t;
	StringInfoData buf;
	int64		n = 0;
	int64		i;
	int32		part;

	(void) labeling_agg_context(fcinfo, "agreement_units_serialize");
	t = (UnitTally *) PG_GETARG_POINTER(0);
	unit_tally_finish(t);
	for (part = 0; part < (1 << t->partbits); part++)
		n += t->parts[part].n;
	if ((double) n * 16 + t->values.arenalen + t->units.arenalen +
		12.0 * ((double) t->values.n + t->units.n) + 1024 > (double) (MaxAllocSize - VARHDRSZ))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("partial agreement state too large to pass between parallel workers"),
				 errdetail("It holds " INT64_FORMAT " (unit, value) pairs.", n),
				 errhint("Run the query with max_parallel_workers_per_gather = 0.")));
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, UNIT_TALLY_FORMAT);
	pq_sendint32(&buf, t->metric);
	pq_sendbyte(&buf, (int) t->unitkind);
	pq_sendbyte(&buf, (int) t->values.kind);
	if (t->unitkind == KEY_TEXT)
		key_map_serialize(&t->units, &buf);
	key_map_serialize(&t->values, &buf);
	pq_sendint64(&buf, n);
	for (part = 0; part < (1 << t->partbits); part++)
	{
		const UnitPart *p = &t->parts[part];

		for (i = 0; i < p->n; i++)
		{
			pq_sendint64(&buf, (int64) p->e[i].key);
			pq_sendint32(&buf, (int32) p->e[i].value);
			pq_sendint32(&buf, (int32) p->e[i].count);
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

/* Aggregate deserialize function; every field is checked, order is not trusted */
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
	int64		n;
	int64		i;
	int32		v;

	(void) labeling_agg_context(fcinfo, "agreement_units_deserialize");
	b = PG_GETARG_BYTEA_PP(0);
	labeling_state_reader(b, &buf, UNIT_TALLY_FORMAT, "agreement unit tally");
	metric = pq_getmsgint(&buf, 4);
	if (metric < METRIC_NONE || metric > METRIC_RATIO)
		unit_tally_corrupt("bad metric");
	unitkind = get_key_kind(&buf);
	valuekind = get_key_kind(&buf);
	if (valuekind == KEY_TEXT && metric > METRIC_NOMINAL)
		unit_tally_corrupt("text values with a numeric metric");
	t = unit_tally_create(CurrentMemoryContext, unitkind, valuekind, metric);
	if (unitkind == KEY_TEXT)
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

	n = pq_getmsgint64(&buf);
	if (n < 0 || n > (int64) ((buf.len - buf.cursor) / 16) || n * 16 != buf.len - buf.cursor)
		unit_tally_corrupt("inconsistent size");
	for (i = 0; i < n; i++)
	{
		uint64		key = (uint64) pq_getmsgint64(&buf);
		uint32		value = (uint32) pq_getmsgint(&buf, 4);
		uint32		count = (uint32) pq_getmsgint(&buf, 4);

		if (value >= (uint32) t->values.n)
			unit_tally_corrupt("value id out of range");
		if (count < 1)
			unit_tally_corrupt("bad count");
		if (unitkind == KEY_TEXT && unmix64(key) >= (uint64) t->units.n)
			unit_tally_corrupt("unit id out of range");
		unit_tally_append(t, key, value, count);
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(t);
}
