/*-------------------------------------------------------------------------
 *
 * truth_model_type.c
 *	  The truth_model varlena: section layout, assembly from a fit or from
 *	  parsed parts (text and binary input), consistency checks, key and
 *	  label lookups, and binary send/receive.
 *
 *	  A model is written once by a final function (or by input) and then
 *	  only read.  Values built from outside (text input, binary receive,
 *	  warm-start models inside serialized aggregate states) are checked in
 *	  full by truth_model_check(); values read from storage get the cheap
 *	  header and size check of truth_model_checked().  Every double is
 *	  stored and sent in canonical form (+0.0 for -0.0; no field admits NaN),
 *	  so equal models are equal bytes.
 *
 * IDENTIFICATION
 *	  src/truth_model_type.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "truth_model.h"

/* Tolerance on sums of probabilities (posteriors, priors, confusion columns). */
#define TRUTH_SUM_TOLERANCE		1e-6

#define IS_DS(m)	TRUTH_IS_DS(m)
#define IS_GLAD(m)	TRUTH_IS_GLAD(m)

/*
 * Lay the sections of a model with header m out from base; with a NULL base
 * only the total size is computed.  Returns the total size in bytes.
 */
static Size
truth_model_layout(const TruthModel *m, char *base, TruthModelView *v)
{
	Size		off = TRUTH_MODEL_HDRSZ;

#define SECTION(field, type, count, present) \
	do { \
		if (base != NULL) \
			v->field = (present) ? (type *) (base + off) : NULL; \
		if (present) \
			off += sizeof(type) * (count); \
	} while (0);

	if (base != NULL)
		v->m = m;
	TRUTH_MODEL_SECTIONS(SECTION, m)
#undef SECTION
	return off;
}

static void pg_attribute_noreturn()
truth_model_invalid(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid truth_model value"),
			 errdetail("%s", detail)));
}

/* Header fields in range (everything the layout depends on). */
static bool
truth_model_header_ok(const TruthModel *m)
{
	return m->format == TRUTH_MODEL_FORMAT &&
		m->method >= 1 && m->method <= TRUTH_METHOD_MAX &&
		(m->task_kind == KEY_INT8 || m->task_kind == KEY_TEXT) &&
		(m->worker_kind == KEY_INT8 || m->worker_kind == KEY_TEXT) &&
		(m->flags & ~TRUTH_FLAGS_ALL) == 0 &&
		m->nclasses >= 1 && m->nclasses <= LABELING_MAX_CLASSES &&
		m->ntasks >= 1 && m->nworkers >= 1 &&
		m->npairs >= 0 && (IS_DS(m) ? m->npairs >= 1 : m->npairs == 0) &&
		m->iterations >= 0 && m->nhistory == m->iterations &&
		m->max_iterations >= 0 &&
		m->label_bytes >= 0 && m->task_key_bytes >= 0 && m->worker_key_bytes >= 0 &&
		(m->task_kind == KEY_TEXT || m->task_key_bytes == 0) &&
		(m->worker_kind == KEY_TEXT || m->worker_key_bytes == 0) &&
		m->njudgments >= 1;
}

/* Pointers into a model's sections; returns its size. */
Size
truth_model_view(const TruthModel *m, TruthModelView *v)
{
	return truth_model_layout(m, (char *) m, v);
}

/* Detoast a stored model and check its header and size (cheap). */
const TruthModel *
truth_model_checked(Datum d)
{
	TruthModel *m = DatumGetTruthModelP(d);

	if (VARSIZE(m) < TRUTH_MODEL_HDRSZ || !truth_model_header_ok(m) ||
		truth_model_layout(m, NULL, NULL) != VARSIZE(m))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted truth_model value")));
	return m;
}

/*
 * Allocate a zeroed model with the header fields of hdr (counts and
 * scalars), fill in v.  Errors if it would exceed the varlena limit.
 */
TruthModel *
truth_model_alloc(const TruthModel *hdr, TruthModelView *v)
{
	Size		size;
	TruthModel *m;

	if (!truth_model_header_ok(hdr))
		truth_model_invalid("Inconsistent counts.");
	size = truth_model_layout(hdr, NULL, NULL);
	if (!AllocSizeIsValid(size))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("truth_model would be too large"),
				 errdetail("%d tasks, %d workers and %d labels need %zu bytes; a value holds at most 1 GB.",
						   hdr->ntasks, hdr->nworkers, hdr->nclasses, size),
				 errhint("Fit fewer tasks at once (e.g. per project), or use fewer labels.")));
	/* every section is written by the caller: only the header is zeroed */
	m = labeling_alloc_large(CurrentMemoryContext, size);
	memset(m, 0, TRUTH_MODEL_HDRSZ);
	memcpy(m, hdr, sizeof(TruthModel));
	SET_VARSIZE(m, size);
	truth_model_view(m, v);
	return m;
}

static int
cmp_keys(const TruthModelView *v, bool task, int32 a, int32 b)
{
	const TruthModel *m = v->m;

	if ((task ? m->task_kind : m->worker_kind) == KEY_INT8)
	{
		const int64 *k = task ? v->task_int : v->worker_int;

		return (k[a] > k[b]) - (k[a] < k[b]);
	}
	if (task)
		return label_cmp(TRUTH_TASK_TEXT(v, a), TRUTH_TASK_TEXTLEN(v, a),
						 TRUTH_TASK_TEXT(v, b), TRUTH_TASK_TEXTLEN(v, b));
	return label_cmp(TRUTH_WORKER_TEXT(v, a), TRUTH_WORKER_TEXTLEN(v, a),
					 TRUTH_WORKER_TEXT(v, b), TRUTH_WORKER_TEXTLEN(v, b));
}

/* Offsets of n strings: start at 0, never decrease, end at total. */
static void
check_offsets(const int32 *off, int32 n, int32 total, const char *what)
{
	int32		i;

	if (off[0] != 0 || off[n] != total)
		truth_model_invalid(psprintf("Bad %s offsets.", what));
	for (i = 0; i < n; i++)
		if (off[i + 1] < off[i])
			truth_model_invalid(psprintf("Bad %s offsets.", what));
}

static void
check_strings(const char *str, int32 len, const char *what)
{
	if (memchr(str, '\0', len) != NULL)
		truth_model_invalid(psprintf("A %s contains a zero byte.", what));
	(void) pg_verify_mbstr(GetDatabaseEncoding(), str, len, false);
}

static void
check_probability(double p, const char *what)
{
	if (!isfinite(p) || p < 0.0 || p > 1.0)
		truth_model_invalid(psprintf("A %s is not a probability: %.17g.", what, p));
}

static void
check_sum(double sum, const char *what)
{
	if (fabs(sum - 1.0) > TRUTH_SUM_TOLERANCE)
		truth_model_invalid(psprintf("A %s sums to %.17g, not 1.", what, sum));
}

/* Full consistency check of a model built from outside. */
void
truth_model_check(const TruthModel *m)
{
	TruthModelView v;
	Size		K;
	int64		total;
	int32		i;
	int32		c;

	if (VARSIZE(m) < TRUTH_MODEL_HDRSZ || !truth_model_header_ok(m) ||
		truth_model_layout(m, NULL, NULL) != VARSIZE(m))
		truth_model_invalid("Inconsistent header.");
	truth_model_view(m, &v);
	K = m->nclasses;
	if (!isfinite(m->tolerance) || m->tolerance < 0.0 ||
		!isfinite(m->smoothing) || m->smoothing < 0.0)
		truth_model_invalid("Bad settings.");
	if (m->iterations > m->max_iterations && m->method != TRUTH_WAWA)
		truth_model_invalid("More iterations than max_iterations.");

	/* labels, keys: sorted and distinct */
	check_offsets(v.label_off, m->nclasses, m->label_bytes, "label");
	check_strings(v.label_str, m->label_bytes, "label");
	for (c = 1; c < m->nclasses; c++)
		if (label_cmp(TRUTH_LABEL(&v, c - 1), TRUTH_LABELLEN(&v, c - 1),
					  TRUTH_LABEL(&v, c), TRUTH_LABELLEN(&v, c)) >= 0)
			truth_model_invalid("Labels are not distinct and in byte order.");
	if (m->task_kind == KEY_TEXT)
	{
		check_offsets(v.task_off, m->ntasks, m->task_key_bytes, "task key");
		check_strings(v.task_str, m->task_key_bytes, "task key");
	}
	if (m->worker_kind == KEY_TEXT)
	{
		check_offsets(v.worker_off, m->nworkers, m->worker_key_bytes, "worker key");
		check_strings(v.worker_str, m->worker_key_bytes, "worker key");
	}
	for (i = 1; i < m->ntasks; i++)
		if (cmp_keys(&v, true, i - 1, i) >= 0)
			truth_model_invalid("Task keys are not distinct and sorted.");
	for (i = 1; i < m->nworkers; i++)
		if (cmp_keys(&v, false, i - 1, i) >= 0)
			truth_model_invalid("Worker keys are not distinct and sorted.");

	/* probabilities */
	{
		double		sum = 0.0;

		for (c = 0; c < m->nclasses; c++)
		{
			check_probability(v.priors[c], "class prior");
			sum += v.priors[c];
		}
		check_sum(sum, "set of class priors");
	}
	for (i = 0; i < m->ntasks; i++)
	{
		double		sum = 0.0;

		for (c = 0; c < m->nclasses; c++)
		{
			check_probability(v.post[i * K + c], "posterior probability");
			sum += v.post[i * K + c];
		}
		check_sum(sum, "posterior");
		if (v.task_gold[i] < -1 || v.task_gold[i] >= m->nclasses)
			truth_model_invalid("Gold label out of range.");
		if (IS_GLAD(m) && !isfinite(v.task_beta[i]))
			truth_model_invalid("A task difficulty is not finite.");
	}
	for (i = 0; i < m->nhistory; i++)
		if (!isfinite(v.history[i]))
			truth_model_invalid("An objective value is not finite.");

	/* judgment counts */
	total = 0;
	for (i = 0; i < m->ntasks; i++)
	{
		if (v.task_n[i] < 1)
			truth_model_invalid("A task has no judgments.");
		total += v.task_n[i];
	}
	if (total != m->njudgments)
		truth_model_invalid("Judgments per task do not add up.");
	total = 0;
	for (i = 0; i < m->nworkers; i++)
	{
		if (v.worker_n[i] < 1)
			truth_model_invalid("A worker has no judgments.");
		total += v.worker_n[i];
		check_probability(v.worker_skill[i], "worker skill");
		if (IS_GLAD(m) && !isfinite(v.worker_alpha[i]))
			truth_model_invalid("A worker ability is not finite.");
	}
	if (total != m->njudgments)
		truth_model_invalid("Judgments per worker do not add up.");

	/* Dawid-Skene confusion columns: pooled matrix, then each worker's */
	if (IS_DS(m))
	{
		for (c = 0; c < m->nclasses; c++)
		{
			double		sum = 0.0;
			int32		k;

			for (k = 0; k < m->nclasses; k++)
			{
				check_probability(v.pooled_e[k * K + c], "pooled confusion probability");
				sum += v.pooled_e[k * K + c];
			}
			check_sum(sum, "pooled confusion matrix column");
		}
		if (v.worker_pair_start[0] != 0 || v.worker_pair_start[m->nworkers] != m->npairs)
			truth_model_invalid("Bad confusion ranges.");
		for (i = 0; i < m->nworkers; i++)
		{
			int32		p0 = v.worker_pair_start[i];
			int32		p1 = v.worker_pair_start[i + 1];
			int32		p;

			if (p1 <= p0 || p1 - p0 > m->nclasses)
				truth_model_invalid("Bad confusion ranges.");
			for (p = p0; p < p1; p++)
				if (v.pair_class[p] < 0 || v.pair_class[p] >= m->nclasses ||
					(p > p0 && v.pair_class[p] <= v.pair_class[p - 1]))
					truth_model_invalid("Bad confusion labels.");
			for (c = 0; c < m->nclasses; c++)
			{
				/* given labels, plus the pooled share of the others */
				double		unused = 1.0;
				double		sum = 0.0;

				check_probability(v.worker_rest[i * K + c], "confusion weight");
				for (p = p0; p < p1; p++)
				{
					check_probability(v.pair_e[p * K + c], "confusion probability");
					sum += v.pair_e[p * K + c];
					unused -= v.pooled_e[v.pair_class[p] * K + c];
				}
				check_sum(sum + v.worker_rest[i * K + c] * unused, "confusion matrix column");
			}
		}
	}
}

static void
canonical_doubles(double *a, Size n)
{
	Size		i;

	for (i = 0; a != NULL && i < n; i++)
		a[i] = labeling_canonical_double(a[i]);
}

/*
 * Every double of a model in canonical form (+0.0 for -0.0), so that equal
 * models are equal bytes and print the same.
 */
static void
truth_model_canonicalize(TruthModel *m)
{
	TruthModelView v;
	Size		K = m->nclasses;

	truth_model_view(m, &v);
	m->tolerance = labeling_canonical_double(m->tolerance);
	m->smoothing = labeling_canonical_double(m->smoothing);
	canonical_doubles(v.priors, K);
	canonical_doubles(v.history, m->nhistory);
	canonical_doubles(v.post, m->ntasks * K);
	canonical_doubles(v.task_beta, m->ntasks);
	canonical_doubles(v.worker_skill, m->nworkers);
	canonical_doubles(v.worker_alpha, m->nworkers);
	canonical_doubles(v.pair_e, m->npairs * K);
	canonical_doubles(v.worker_rest, m->nworkers * K);
	canonical_doubles(v.pooled_e, K * K);
}

/*
 * Assemble a model from parsed parts (text or binary input) and check it.
 * The parts' header gives the counts; its byte counts are taken from the
 * string buffers.
 */
TruthModel *
truth_model_assemble(TruthModelParts *p)
{
	TruthModelView v;
	TruthModel *m;

	p->hdr.format = TRUTH_MODEL_FORMAT;
	p->hdr.label_bytes = p->label_buf.len;
	p->hdr.task_key_bytes = p->hdr.task_kind == KEY_TEXT ? p->task_buf.len : 0;
	p->hdr.worker_key_bytes = p->hdr.worker_kind == KEY_TEXT ? p->worker_buf.len : 0;
	p->a.task_str = p->task_buf.data;
	p->a.worker_str = p->worker_buf.data;
	p->a.label_str = p->label_buf.data;
	m = truth_model_alloc(&p->hdr, &v);

#define COPY(field, type, count, present) \
	if (present) \
		memcpy(v.field, p->a.field, sizeof(type) * (count));
	TRUTH_MODEL_SECTIONS(COPY, &p->hdr)
#undef COPY
	truth_model_canonicalize(m);
	truth_model_check(m);
	return m;
}

/*
 * Allocate the arrays of parts for the counts in its header (the string
 * sections grow in their buffers instead).
 */
void
truth_model_parts_alloc(TruthModelParts *p)
{
#define ALLOC(field, type, count, present) \
	if (sizeof(type) > 1) \
		p->a.field = palloc_extended(sizeof(type) * Max((count), 1), MCXT_ALLOC_HUGE);
	TRUTH_MODEL_SECTIONS(ALLOC, &p->hdr)
#undef ALLOC
}

/*
 * The keys of a model section in order: bigint keys into ints, or text keys
 * (ids of km) into n + 1 offsets off and the bytes str.
 */
static void
write_keys(const KeyMap *km, KeyKind kind, const int64 *keys, int32 n, int64 *ints,
		   int32 *off, char *str)
{
	Size		bytes = 0;
	int32		i;

	if (kind == KEY_INT8)
	{
		memcpy(ints, keys, sizeof(int64) * n);
		return;
	}
	for (i = 0; i < n; i++)
	{
		int32		id = (int32) keys[i];
		int32		len = KEY_MAP_TEXTLEN(km, id);

		off[i] = (int32) bytes;
		memcpy(str + bytes, KEY_MAP_TEXT(km, id), len);
		bytes += len;
	}
	off[n] = (int32) bytes;
}

/* Build the model of a fit, in CurrentMemoryContext. */
TruthModel *
truth_model_from_fit(const TruthData *d, const TruthFit *fit, const TruthSettings *s)
{
	const TruthState *st = d->state;
	TruthModel	hdr;
	TruthModelView v;
	TruthModel *m;
	Size		K = d->nclasses;
	Size		bytes;
	int32		i;

	memset(&hdr, 0, sizeof(hdr));
	hdr.format = TRUTH_MODEL_FORMAT;
	hdr.method = (uint8) s->method;
	hdr.task_kind = (uint8) st->task_kind;
	hdr.worker_kind = (uint8) st->workers.kind;
	hdr.flags = (fit->converged ? TRUTH_FLAG_CONVERGED : 0) |
		(s->crowdkit_compat ? TRUTH_FLAG_COMPAT : 0) |
		(fit->warm_started ? TRUTH_FLAG_WARM_START : 0);
	hdr.nclasses = d->nclasses;
	hdr.ntasks = d->ntasks;
	hdr.nworkers = d->nworkers;
	hdr.npairs = s->method == TRUTH_DAWID_SKENE ? d->npairs : 0;
	hdr.iterations = fit->iterations;
	hdr.nhistory = fit->iterations;
	hdr.njudgments = d->n;
	if (s->method != TRUTH_WAWA)
	{
		hdr.max_iterations = s->max_iterations;
		hdr.tolerance = s->tolerance;
		hdr.smoothing = s->smoothing;
	}
	for (bytes = 0, i = 0; i < d->nclasses; i++)
		bytes += KEY_MAP_TEXTLEN(&st->labels, d->class_label[i]);
	hdr.label_bytes = (int32) bytes;
	if (st->task_kind == KEY_TEXT)
	{
		if (st->tasks.arenalen > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("truth_model would be too large")));
		hdr.task_key_bytes = (int32) st->tasks.arenalen;
	}
	if (st->workers.kind == KEY_TEXT)
	{
		if (st->workers.arenalen > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("truth_model would be too large")));
		hdr.worker_key_bytes = (int32) st->workers.arenalen;
	}

	m = truth_model_alloc(&hdr, &v);
	memcpy(v.priors, fit->priors, sizeof(double) * K);
	memcpy(v.history, fit->history, sizeof(double) * fit->iterations);
	memcpy(v.post, fit->post, sizeof(double) * d->ntasks * K);
	for (i = 0; i < d->ntasks; i++)
	{
		v.task_n[i] = (int32) (d->task_start[i + 1] - d->task_start[i]);
		v.task_gold[i] = d->gold[i];
	}
	if (v.task_beta)
		memcpy(v.task_beta, fit->task_beta, sizeof(double) * d->ntasks);
	memcpy(v.worker_skill, fit->worker_skill, sizeof(double) * d->nworkers);
	if (v.worker_alpha)
		memcpy(v.worker_alpha, fit->worker_alpha, sizeof(double) * d->nworkers);
	memcpy(v.worker_n, d->worker_n, sizeof(int32) * d->nworkers);
	if (v.pair_e)
	{
		memcpy(v.pair_e, fit->pair_e, sizeof(double) * d->npairs * K);
		memcpy(v.worker_rest, fit->worker_rest, sizeof(double) * d->nworkers * K);
		memcpy(v.pooled_e, fit->pooled_e, sizeof(double) * K * K);
		memcpy(v.worker_pair_start, d->worker_pair_start, sizeof(int32) * (d->nworkers + 1));
		memcpy(v.pair_class, d->pair_class, sizeof(int32) * d->npairs);
	}

	/* labels, then keys, in sorted order */
	for (bytes = 0, i = 0; i < d->nclasses; i++)
	{
		int32		id = d->class_label[i];
		int32		len = KEY_MAP_TEXTLEN(&st->labels, id);

		v.label_off[i] = (int32) bytes;
		memcpy(v.label_str + bytes, KEY_MAP_TEXT(&st->labels, id), len);
		bytes += len;
	}
	v.label_off[d->nclasses] = (int32) bytes;
	write_keys(&st->tasks, st->task_kind, d->task_key, d->ntasks, v.task_int, v.task_off,
			   v.task_str);
	write_keys(&st->workers, st->workers.kind, d->worker_key, d->nworkers, v.worker_int,
			   v.worker_off, v.worker_str);
	truth_model_canonicalize(m);
	return m;
}

/* Binary search of n sorted bigint keys; the index of key or -1. */
static int32
find_int_key(const int64 *keys, int32 n, int64 key)
{
	int32		lo = 0;
	int32		hi = n - 1;

	while (lo <= hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (keys[mid] == key)
			return mid;
		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Binary search of n texts in byte order, text i being str[off[i] ..
 * off[i + 1]); the index of key/len or -1.
 */
static int32
find_text_key(const char *str, const int32 *off, int32 n, const char *key, int len)
{
	int32		lo = 0;
	int32		hi = n - 1;

	while (lo <= hi)
	{
		int32		mid = lo + (hi - lo) / 2;
		int			cmp = label_cmp(str + off[mid], off[mid + 1] - off[mid], key, len);

		if (cmp == 0)
			return mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Index of a key among a model's tasks (task) or workers (!task), or -1:
 * ikey for bigint keys, skey/slen for text keys.
 */
int32
truth_model_find(const TruthModelView *v, bool task, int64 ikey, const char *skey, int slen)
{
	const TruthModel *m = v->m;

	if (task)
		return m->task_kind == KEY_INT8 ?
			find_int_key(v->task_int, m->ntasks, ikey) :
			find_text_key(v->task_str, v->task_off, m->ntasks, skey, slen);
	return m->worker_kind == KEY_INT8 ?
		find_int_key(v->worker_int, m->nworkers, ikey) :
		find_text_key(v->worker_str, v->worker_off, m->nworkers, skey, slen);
}

/* Index of task t of a dense problem among a model's tasks, or -1. */
int32
truth_model_find_data_task(const TruthModelView *v, const TruthData *d, int32 t)
{
	const TruthState *s = d->state;

	if (s->task_kind == KEY_INT8)
		return truth_model_find(v, true, d->task_key[t], NULL, 0);
	return truth_model_find(v, true, 0, KEY_MAP_TEXT(&s->tasks, d->task_key[t]),
							KEY_MAP_TEXTLEN(&s->tasks, d->task_key[t]));
}

/* Index of worker w of a dense problem among a model's workers, or -1. */
int32
truth_model_find_data_worker(const TruthModelView *v, const TruthData *d, int32 w)
{
	const TruthState *s = d->state;

	if (s->workers.kind == KEY_INT8)
		return truth_model_find(v, false, d->worker_key[w], NULL, 0);
	return truth_model_find(v, false, 0, KEY_MAP_TEXT(&s->workers, d->worker_key[w]),
							KEY_MAP_TEXTLEN(&s->workers, d->worker_key[w]));
}

/* Class index of a label, or -1. */
int32
truth_model_find_label(const TruthModelView *v, const char *label, int len)
{
	return find_text_key(v->label_str, v->label_off, v->m->nclasses, label, len);
}

/*
 * P(worker answers class observed | truth is class truth) under a DS or
 * one-coin model; NaN for methods without a confusion matrix.
 */
double
truth_model_confusion(const TruthModelView *v, int32 worker, int32 observed, int32 truth)
{
	const TruthModel *m = v->m;
	int32		K = m->nclasses;

	if (IS_DS(m))
	{
		int32		lo = v->worker_pair_start[worker];
		int32		hi = v->worker_pair_start[worker + 1] - 1;

		/* the worker's labels are sorted: binary search */
		while (lo <= hi)
		{
			int32		mid = lo + (hi - lo) / 2;

			if (v->pair_class[mid] == observed)
				return v->pair_e[(Size) mid * K + truth];
			if (v->pair_class[mid] < observed)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
		/* a label the worker never gave: their share of the pooled matrix */
		return v->worker_rest[(Size) worker * K + truth] *
			v->pooled_e[(Size) observed * K + truth];
	}
	if (m->method == TRUTH_ONE_COIN)
	{
		double		s = v->worker_skill[worker];
		double		e;

		if (K == 1)
			return 1.0;
		e = (observed == truth) ? s : (1.0 - s) / (K - 1);
		if (m->flags & TRUTH_FLAG_COMPAT)
			e = Min(Max(e, CROWDKIT_EPS), 1.0 - CROWDKIT_EPS);
		return e;
	}
	return get_float8_nan();
}

/* ----------------------------------------------------------------
 * Binary send and receive
 * ----------------------------------------------------------------
 *
 * Header scalars, then the strings (labels, text keys) each as an int32
 * length and bytes in the client encoding, then every numeric section in
 * layout order.
 */

static void
send_doubles(StringInfo buf, const double *a, Size n)
{
	Size		i;

	for (i = 0; a != NULL && i < n; i++)
		labeling_send_double(buf, a[i]);
}

static void
send_int32s(StringInfo buf, const int32 *a, Size n)
{
	Size		i;

	for (i = 0; a != NULL && i < n; i++)
		pq_sendint32(buf, a[i]);
}

static void
send_strings(StringInfo buf, const int32 *off, const char *str, int32 n)
{
	int32		i;

	for (i = 0; i < n; i++)
		pq_sendcountedtext(buf, str + off[i], off[i + 1] - off[i], false);
}

/* Binary output function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_model_send);
Datum
truth_model_send(PG_FUNCTION_ARGS)
{
	const TruthModel *m = truth_model_checked(PG_GETARG_DATUM(0));
	TruthModelView v;
	StringInfoData buf;
	Size		K = m->nclasses;
	Size		T = m->ntasks;
	Size		W = m->nworkers;
	Size		P = m->npairs;
	Size		i;

	truth_model_view(m, &v);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, m->format);
	pq_sendbyte(&buf, m->method);
	pq_sendbyte(&buf, m->task_kind);
	pq_sendbyte(&buf, m->worker_kind);
	pq_sendbyte(&buf, m->flags);
	pq_sendint32(&buf, m->nclasses);
	pq_sendint32(&buf, m->ntasks);
	pq_sendint32(&buf, m->nworkers);
	pq_sendint32(&buf, m->npairs);
	pq_sendint32(&buf, m->iterations);
	pq_sendint32(&buf, m->max_iterations);
	pq_sendint64(&buf, m->njudgments);
	labeling_send_double(&buf, m->tolerance);
	labeling_send_double(&buf, m->smoothing);

	send_strings(&buf, v.label_off, v.label_str, m->nclasses);
	if (m->task_kind == KEY_TEXT)
		send_strings(&buf, v.task_off, v.task_str, m->ntasks);
	else
		for (i = 0; i < T; i++)
			pq_sendint64(&buf, v.task_int[i]);
	if (m->worker_kind == KEY_TEXT)
		send_strings(&buf, v.worker_off, v.worker_str, m->nworkers);
	else
		for (i = 0; i < W; i++)
			pq_sendint64(&buf, v.worker_int[i]);

	send_doubles(&buf, v.priors, K);
	send_doubles(&buf, v.history, m->nhistory);
	send_doubles(&buf, v.post, T * K);
	send_doubles(&buf, v.task_beta, T);
	send_doubles(&buf, v.worker_skill, W);
	send_doubles(&buf, v.worker_alpha, W);
	send_doubles(&buf, v.pair_e, P * K);
	send_doubles(&buf, v.worker_rest, W * K);
	send_doubles(&buf, v.pooled_e, K * K);
	send_int32s(&buf, v.task_n, T);
	send_int32s(&buf, v.task_gold, T);
	send_int32s(&buf, v.worker_n, W);
	send_int32s(&buf, v.worker_pair_start, W + 1);
	send_int32s(&buf, v.pair_class, P);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
recv_need(StringInfo buf, Size count, Size size)
{
	if (count > (Size) (buf->len - buf->cursor) / size)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("insufficient data left in message")));
}

static void
recv_doubles(StringInfo buf, double *a, Size n, bool present)
{
	Size		i;

	if (!present)
		return;
	recv_need(buf, n, sizeof(double));
	for (i = 0; i < n; i++)
		a[i] = pq_getmsgfloat8(buf);
}

static void
recv_int32s(StringInfo buf, int32 *a, Size n, bool present)
{
	Size		i;

	if (!present)
		return;
	recv_need(buf, n, sizeof(int32));
	for (i = 0; i < n; i++)
		a[i] = pq_getmsgint(buf, 4);
}

static void
recv_strings(StringInfo buf, int32 n, int32 *off, StringInfo str)
{
	int32		i;

	recv_need(buf, n, sizeof(int32));
	for (i = 0; i < n; i++)
	{
		int32		len = pq_getmsgint(buf, 4);
		int			nbytes;
		char	   *s;

		if (len < 0 || len > buf->len - buf->cursor)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("insufficient data left in message")));
		s = pq_getmsgtext(buf, len, &nbytes);
		off[i] = str->len;
		appendBinaryStringInfo(str, s, nbytes);
		pfree(s);
	}
	off[n] = str->len;
}

/* Binary input function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_model_recv);
Datum
truth_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	TruthModelParts p;
	TruthModel *h = &p.hdr;
	Size		K;
	Size		T;
	Size		W;
	Size		P;
	Size		i;

	memset(&p, 0, sizeof(p));
	h->format = pq_getmsgbyte(buf);
	h->method = pq_getmsgbyte(buf);
	h->task_kind = pq_getmsgbyte(buf);
	h->worker_kind = pq_getmsgbyte(buf);
	h->flags = pq_getmsgbyte(buf);
	h->nclasses = pq_getmsgint(buf, 4);
	h->ntasks = pq_getmsgint(buf, 4);
	h->nworkers = pq_getmsgint(buf, 4);
	h->npairs = pq_getmsgint(buf, 4);
	h->iterations = pq_getmsgint(buf, 4);
	h->nhistory = h->iterations;
	h->max_iterations = pq_getmsgint(buf, 4);
	h->njudgments = pq_getmsgint64(buf);
	h->tolerance = pq_getmsgfloat8(buf);
	h->smoothing = pq_getmsgfloat8(buf);
	if (!truth_model_header_ok(h))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid truth_model header in binary input")));
	K = h->nclasses;
	T = h->ntasks;
	W = h->nworkers;
	P = h->npairs;
	/* every task and worker takes at least 4 bytes: bound the allocations */
	recv_need(buf, T + W + P, sizeof(int32));
	recv_need(buf, T * K, sizeof(double));
	truth_model_parts_alloc(&p);

	initStringInfo(&p.label_buf);
	initStringInfo(&p.task_buf);
	initStringInfo(&p.worker_buf);
	recv_strings(buf, h->nclasses, p.a.label_off, &p.label_buf);
	if (h->task_kind == KEY_TEXT)
		recv_strings(buf, h->ntasks, p.a.task_off, &p.task_buf);
	else
	{
		recv_need(buf, T, sizeof(int64));
		for (i = 0; i < T; i++)
			p.a.task_int[i] = pq_getmsgint64(buf);
	}
	if (h->worker_kind == KEY_TEXT)
		recv_strings(buf, h->nworkers, p.a.worker_off, &p.worker_buf);
	else
	{
		recv_need(buf, W, sizeof(int64));
		for (i = 0; i < W; i++)
			p.a.worker_int[i] = pq_getmsgint64(buf);
	}

	recv_doubles(buf, p.a.priors, K, true);
	recv_doubles(buf, p.a.history, h->nhistory, true);
	recv_doubles(buf, p.a.post, T * K, true);
	recv_doubles(buf, p.a.task_beta, T, IS_GLAD(h));
	recv_doubles(buf, p.a.worker_skill, W, true);
	recv_doubles(buf, p.a.worker_alpha, W, IS_GLAD(h));
	recv_doubles(buf, p.a.pair_e, P * K, IS_DS(h));
	recv_doubles(buf, p.a.worker_rest, W * K, IS_DS(h));
	recv_doubles(buf, p.a.pooled_e, K * K, IS_DS(h));
	recv_int32s(buf, p.a.task_n, T, true);
	recv_int32s(buf, p.a.task_gold, T, true);
	recv_int32s(buf, p.a.worker_n, W, true);
	recv_int32s(buf, p.a.worker_pair_start, W + 1, IS_DS(h));
	recv_int32s(buf, p.a.pair_class, P, IS_DS(h));
	PG_RETURN_POINTER(truth_model_assemble(&p));
}
