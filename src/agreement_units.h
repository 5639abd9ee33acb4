/*-------------------------------------------------------------------------
 *
 * agreement_units.h
 *	  Per-unit value counts (see agreement_units.c): the state of
 *	  krippendorff_alpha and fleiss_kappa.
 *
 * IDENTIFICATION
 *	  src/agreement_units.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef AGREEMENT_UNITS_H
#define AGREEMENT_UNITS_H

#include <math.h>

#include "miscadmin.h"

#include "key_map.h"

/* The distance metric of krippendorff_alpha (0 for fleiss_kappa). */
typedef enum AgreementMetric
{
	METRIC_NONE = 0,
	METRIC_NOMINAL = 1,
	METRIC_ORDINAL = 2,
	METRIC_INTERVAL = 3,
	METRIC_RATIO = 4
} AgreementMetric;

/*
 * One (unit, value) count.  key identifies the unit: a bijective mix of the
 * bigint unit key, or of the text unit's id in the unit KeyMap, so equal
 * keys are equal units and the keys are spread evenly for radix sorting.
 */
typedef struct UnitEntry
{
	uint64		key;			/* the unit */
	uint32		value;			/* value id */
	uint32		count;			/* rows with this value in this unit, >= 1 */
} UnitEntry;

/*
 * Entries are kept in partitions by the top bits of their key, so a unit's
 * entries are all in one partition and the partitions, each sorted, are in
 * key order one after the other.  A small tally has a single partition.
 */
typedef struct UnitPart
{
	UnitEntry  *e;				/* entries */
	int64		n;				/* entries in use */
	int64		cap;			/* allocated entries */
	int64		nsorted;		/* e[0 .. nsorted-1] sorted, no duplicates */
} UnitPart;

typedef struct UnitTally
{
	MemoryContext mcxt;			/* where the tally and its growth live */
	KeyKind		unitkind;		/* bigint or text units */
	KeyMap		units;			/* text units only: unit text -> id */
	KeyMap		values;			/* value -> id: text, or float8 bits as int8 */
	int32		metric;			/* krippendorff_alpha's metric; 0 for fleiss_kappa */
	int32		lastunit;		/* text units: id of the previous row's unit, or -1 */
	int32		lastvalue;		/* id of the previous row's value, or -1 */
	int32		partbits;		/* log2 of the number of partitions: 0 or UNIT_PART_BITS */
	UnitPart   *parts;			/* 1 << partbits partitions */
	UnitEntry  *scratch;		/* radix sort scratch space, kept for reuse */
	int64		scratchcap;		/* allocated entries of scratch */
} UnitTally;

#define UNIT_PART_BITS		4

/*
 * Iteration over the units of a finished tally (unit_tally_finish), in key
 * order: each call gives the cells of the next unit.
 */
typedef struct UnitIter
{
	const UnitTally *t;
	int32		part;			/* current partition */
	int64		pos;			/* next entry in it */
	uint32		units;			/* units returned, for interrupt checks */
} UnitIter;

static inline void
unit_iter_init(UnitIter *it, const UnitTally *t)
{
	it->t = t;
	it->part = 0;
	it->pos = 0;
	it->units = 0;
}

static inline bool
unit_iter_next(UnitIter *it, const UnitEntry **cells, int64 *ncells)
{
	int32		nparts = 1 << it->t->partbits;

	while (it->part < nparts)
	{
		const UnitPart *p = &it->t->parts[it->part];

		if (it->pos < p->n)
		{
			int64		i = it->pos;
			int64		j = i + 1;

			while (j < p->n && p->e[j].key == p->e[i].key)
				j++;
			*cells = &p->e[i];
			*ncells = j - i;
			it->pos = j;
			if ((++it->units & 65535) == 0)
				CHECK_FOR_INTERRUPTS();
			return true;
		}
		it->part++;
		it->pos = 0;
	}
	return false;
}

/* A compensated (Neumaier) sum: the result is exact to about one ulp. */
typedef struct CompSum
{
	double		sum;
	double		comp;
} CompSum;

static inline void
comp_sum_add(CompSum *s, double x)
{
	double		t = s->sum + x;

	if (fabs(s->sum) >= fabs(x))
		s->comp += (s->sum - t) + x;
	else
		s->comp += (x - t) + s->sum;
	s->sum = t;
}

static inline double
comp_sum_value(const CompSum *s)
{
	return s->sum + s->comp;
}

extern UnitTally *unit_tally_create(MemoryContext mcxt, KeyKind unitkind,
									KeyKind valuekind, int32 metric);
extern void unit_tally_add_row(UnitTally *t, Datum unit, int32 value);
extern int32 unit_tally_text_value(UnitTally *t, text *value);
extern int32 unit_tally_float8_value(UnitTally *t, double v);
extern double unit_tally_value_float8(const UnitTally *t, int32 value);
extern void unit_tally_finish(UnitTally *t);
extern void unit_tally_merge(UnitTally *dst, const UnitTally *src);
extern void agreement_metric_mismatch(int32 had, int32 got);
extern const char *const agreement_metric_names[];

#endif							/* AGREEMENT_UNITS_H */
