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

/* One (unit, value) count; the cells of a unit form a linked list. */
typedef struct UnitCell
{
	int64		count;			/* rows with this value in this unit */
	int32		value;			/* value id */
	int32		next;			/* next cell of the same unit, or -1 */
} UnitCell;

typedef struct UnitTally
{
	MemoryContext mcxt;			/* where the tally and its growth live */
	KeyMap		units;			/* unit key (bigint or text) -> unit id */
	KeyMap		values;			/* value -> value id: text, or float8 bits as int8 */
	int32	   *first;			/* per unit id: its first cell, or -1 */
	int32		firstcap;		/* allocated entries of first */
	UnitCell   *cells;			/* all cells */
	int32		ncells;			/* cells in use */
	int32		cellcap;		/* allocated cells */
	int32		metric;			/* krippendorff_alpha's metric; 0 for fleiss_kappa */
	int32		lastunit;		/* id of the previous row's unit, or -1 */
} UnitTally;

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

/* Iterate over the cells of unit u. */
#define UNIT_CELLS_FOREACH(t, u, c) \
	for ((c) = (t)->first[(u)]; (c) >= 0; (c) = (t)->cells[(c)].next)

extern UnitTally *unit_tally_create(MemoryContext mcxt, KeyKind unitkind,
									KeyKind valuekind, int32 metric);
extern int32 unit_tally_unit(UnitTally *t, Datum unit);
extern void unit_tally_add(UnitTally *t, int32 unit, int32 value, int64 count);
extern void unit_tally_merge(UnitTally *dst, const UnitTally *src);
extern void agreement_metric_mismatch(int32 had, int32 got);
extern const char *const agreement_metric_names[];
extern double unit_tally_value_float8(const UnitTally *t, int32 value);
extern int32 unit_tally_value_from_float8(UnitTally *t, double v);

#endif							/* AGREEMENT_UNITS_H */
