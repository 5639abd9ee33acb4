/*-------------------------------------------------------------------------
 *
 * labeling.h
 *	  Declarations shared by the C sources of the labeling extension: the
 *	  label_dist varlena layout and its builder, limits, and the small
 *	  helpers every aggregate uses (argument checks, label comparison).
 *
 * IDENTIFICATION
 *	  src/labeling.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LABELING_H
#define LABELING_H

#include "fmgr.h"
#include "lib/stringinfo.h"

/* Before PostgreSQL 16, PG_FUNCTION_INFO_V1 does not export on Windows. */
#if PG_VERSION_NUM < 160000
#define FUNCTION_PREFIX PGDLLEXPORT
#else
#define FUNCTION_PREFIX
#endif

/*
 * Limits.  A label_dist holds at most LABELING_MAX_LABELS labels; models
 * that keep a K x K confusion matrix per worker are limited to
 * LABELING_MAX_CLASSES classes.
 */
#define LABELING_MAX_LABELS		1000000
#define LABELING_MAX_CLASSES	1000

/* Tolerance on the sum of a label_dist's probabilities (text/binary input). */
#define LABEL_DIST_SUM_TOLERANCE	1e-6

/*
 * label_dist: a probability distribution over text labels.
 *
 * On disk: the varlena header, the label count, then nlabels float8
 * probabilities, then nlabels int32 offsets (into the string area), then the
 * labels as NUL-terminated strings.  Labels are distinct and sorted in byte
 * order (memcmp, shorter first on a common prefix), which is what makes
 * equality bytewise and lookups a binary search.
 */
typedef struct LabelDist
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		nlabels;		/* number of labels, >= 1 */
	double		probs[FLEXIBLE_ARRAY_MEMBER];	/* probability per label */
	/* int32 offsets[nlabels] and the label strings follow */
} LabelDist;

#define LABEL_DIST_HDRSZ		offsetof(LabelDist, probs)
#define LD_PROBS(ld)			((ld)->probs)
#define LD_OFFSETS(ld)			((int32 *) ((char *) (ld)->probs + sizeof(double) * (ld)->nlabels))
#define LD_STRINGS(ld)			((char *) (LD_OFFSETS(ld) + (ld)->nlabels))
#define LD_LABEL(ld, i)			(LD_STRINGS(ld) + LD_OFFSETS(ld)[i])

#define DatumGetLabelDistP(X)	((LabelDist *) PG_DETOAST_DATUM(X))
#define PG_GETARG_LABEL_DIST_P(n)	DatumGetLabelDistP(PG_GETARG_DATUM(n))
#define PG_RETURN_LABEL_DIST_P(x)	PG_RETURN_POINTER(x)

/* One label with its (not yet normalised) mass, used to build a label_dist. */
typedef struct LabelMass
{
	const char *label;			/* label bytes, need not be NUL-terminated */
	int			len;			/* length of label in bytes */
	double		mass;			/* probability, or weight to be normalised */
} LabelMass;

/* label_dist.c */
extern int	label_cmp(const char *a, int alen, const char *b, int blen);
extern int	label_mass_cmp(const void *a, const void *b);
extern LabelDist *label_dist_build(LabelMass *items, int n, bool normalise);
extern int	label_dist_find(const LabelDist *ld, const char *label, int len);
extern int	label_dist_argmax(const LabelDist *ld);

/* json_number.c: doubles in text (JSON) and binary forms */
extern const char *labeling_json_number_end(const char *p);
extern bool labeling_json_number_to_double(const char *num, size_t len, double *result);
extern double labeling_canonical_double(double v);
extern void labeling_append_double(StringInfo buf, double v);
extern void labeling_send_double(StringInfo buf, double v);

/* Settings (GUCs, labeling.c): defaults of the truth-inference fits. */
extern PGDLLIMPORT int labeling_max_iterations;
extern PGDLLIMPORT double labeling_tolerance;
extern PGDLLIMPORT double labeling_smoothing;

/* Helpers for aggregate support functions. */
extern MemoryContext labeling_agg_context(FunctionCallInfo fcinfo, const char *caller);
extern void *labeling_alloc_large(MemoryContext mcxt, Size size);
extern void labeling_advise_huge_pages(void *p, Size size);
extern void labeling_check_weight(double weight);
extern void labeling_state_reader(bytea *b, StringInfo buf, int format, const char *what);

#endif							/* LABELING_H */
