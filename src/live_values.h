/*-------------------------------------------------------------------------
 *
 * live_values.h
 *	  A growable array of 8-byte values (bigint or float8 bits) kept in an
 *	  aggregate context: the state of the median and repeated_key
 *	  aggregates (see live_values.c).
 *
 * IDENTIFICATION
 *	  src/live_values.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LIVE_VALUES_H
#define LIVE_VALUES_H

#include "fmgr.h"

typedef struct LiveValues
{
	int64		n;				/* values in use */
	int64		cap;			/* allocated values */
	uint64	   *v;				/* the values' bits, in arrival order */
} LiveValues;

extern Datum live_values_accum(FunctionCallInfo fcinfo, const char *caller, uint64 word);
extern uint64 *live_values_sorted(const LiveValues *s, int (*cmp) (const void *, const void *));

#endif							/* LIVE_VALUES_H */
