/*-------------------------------------------------------------------------
 *
 * labeling.c
 *	  Module entry point of the labeling extension (module magic) and the
 *	  small helpers shared by every aggregate's support functions.
 *
 * IDENTIFICATION
 *	  src/labeling.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#ifndef WIN32
#include <sys/mman.h>
#endif

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "labeling.h"

#if PG_VERSION_NUM >= 180000
PG_MODULE_MAGIC_EXT(.name = "labeling",.version = LABELING_VERSION);
#else
PG_MODULE_MAGIC;
#endif

/* Defaults of the truth-inference fits (see README, "Truth inference"). */
int			labeling_max_iterations = 100;
double		labeling_tolerance = 1e-6;
double		labeling_smoothing = 3.0;

void		_PG_init(void);

/* Module load: define the settings under the reserved prefix "labeling". */
void
_PG_init(void)
{
	DefineCustomIntVariable("labeling.max_iterations",
							"Maximum EM iterations of the truth-inference aggregates.",
							"Used when the options of an aggregate give no max_iterations.",
							&labeling_max_iterations,
							100, 1, 1000000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("labeling.tolerance",
							 "Convergence tolerance of the truth-inference aggregates.",
							 "EM stops when the log posterior per judgment changes by at most this much.",
							 &labeling_tolerance,
							 1e-6, 0.0, 1.0,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("labeling.smoothing",
							 "Shrinkage strength of dawid_skene_agg and one_coin_agg.",
							 "Pseudo-judgments that pull each worker's confusion matrix (or accuracy) toward the crowd's.",
							 &labeling_smoothing,
							 3.0, 0.0, 1000000.0,
							 PGC_USERSET, 0, NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("labeling");
#else
	EmitWarningsOnPlaceholders("labeling");
#endif
}

FUNCTION_PREFIX PG_FUNCTION_INFO_V1(labeling_version);

/* labeling.version(): the version of the loaded library */
Datum
labeling_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(LABELING_VERSION));
}

/*
 * The aggregate memory context of the current call, or an error when a
 * support function taking "internal" is called outside an aggregate.
 */
MemoryContext
labeling_agg_context(FunctionCallInfo fcinfo, const char *caller)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context", caller);
	return aggcontext;
}

/*
 * Start reading a serialized aggregate state: buf wraps the bytea without
 * copying (nothing writes through it) and is left after the format byte,
 * which must be format; otherwise an error naming the state (what).
 */
void
labeling_state_reader(bytea *b, StringInfo buf, int format, const char *what)
{
	buf->data = VARDATA_ANY(b);
	buf->len = VARSIZE_ANY_EXHDR(b);
	buf->maxlen = buf->len;
	buf->cursor = 0;
	if (buf->len < 1 || pq_getmsgbyte(buf) != format)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported serialized %s format", what)));
}

/* Arrays at least this large are backed by huge pages where the kernel can. */
#define LABELING_HUGE_PAGES_MIN		((Size) 4 * 1024 * 1024)

/*
 * Ask the kernel to back a large array with transparent huge pages (Linux
 * madvise(MADV_HUGEPAGE); a no-op elsewhere, for small arrays, or when the
 * kernel declines).  The fits fill arrays of hundreds of megabytes once;
 * with 4 kB pages every page costs a fault when first touched, which on
 * virtual machines costs more than filling it.  Call before touching p.
 */
void
labeling_advise_huge_pages(void *p, Size size)
{
#ifdef MADV_HUGEPAGE
	uintptr_t	start = TYPEALIGN(4096, (uintptr_t) p);
	uintptr_t	end = TYPEALIGN_DOWN(4096, (uintptr_t) p + size);

	if (size >= LABELING_HUGE_PAGES_MIN && end > start)
		(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
#endif
}

/* A large array (any size up to 1 GB and beyond) in mcxt, see above. */
void *
labeling_alloc_large(MemoryContext mcxt, Size size)
{
	void	   *p = MemoryContextAllocExtended(mcxt, Max(size, 1), MCXT_ALLOC_HUGE);

	labeling_advise_huge_pages(p, size);
	return p;
}

/* A vote weight must be finite and not negative. */
void
labeling_check_weight(double weight)
{
	if (isnan(weight) || isinf(weight))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("vote weight must be finite"),
				 errdetail("Got %g.", weight)));
	if (weight < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vote weight must not be negative"),
				 errdetail("Got %g.", weight),
				 errhint("Use 0 to give a vote no weight.")));
}
