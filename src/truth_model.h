/*-------------------------------------------------------------------------
 *
 * truth_model.h
 *	  Declarations shared by the truth-inference sources: the aggregate state
 *	  of dawid_skene_agg, one_coin_agg, glad_agg and wawa_agg (judgments kept
 *	  column-wise in chunks), their options, the dense problem the final
 *	  functions fit, the fit result, and the truth_model varlena with its
 *	  section layout.
 *
 *	  Files:
 *	    truth_model_agg.c		transition, combine, serialize, deserialize
 *	    truth_model_options.c	the truth_options composite, settings
 *	    truth_model_data.c		state -> dense sorted problem (TruthData)
 *	    truth_model_final.c		the four final functions
 *	    truth_model_type.c		varlena layout, builder, checks, send/recv
 *	    truth_model_text.c		text input and output
 *	    truth_model_readers.c	set-returning and scalar readers
 *	    truth_dawid_skene.c			Dawid-Skene and one-coin EM
 *	    squarem.c				SQUAREM extrapolation (shared with bt_noisy.c)
 *	    truth_glad.c					GLAD EM
 *	    truth_glad_cg.c				scipy's conjugate gradient (GLAD under
 *	    						crowdkit_compat)
 *	    truth_wawa.c					worker agreement with the majority
 *
 * IDENTIFICATION
 *	  src/truth_model.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRUTH_MODEL_H
#define TRUTH_MODEL_H

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "key_map.h"
#include "labeling.h"

typedef enum TruthMethod
{
	TRUTH_DAWID_SKENE = 1,
	TRUTH_ONE_COIN = 2,
	TRUTH_GLAD = 3,
	TRUTH_WAWA = 4
} TruthMethod;

#define TRUTH_METHOD_MAX	4

/* Crowd-Kit 1.4.1 defaults, used with crowdkit_compat */
#define CROWDKIT_MAX_ITERATIONS	100
#define CROWDKIT_TOLERANCE		1e-5
#define CROWDKIT_EPS			1e-10

/*
 * Options as given by a labeling.truth_options value.  Unset fields are
 * marked (max_iterations 0, NaN doubles) and resolved to GUC or method
 * defaults by truth_settings_resolve().
 */
typedef struct TruthOptions
{
	int32		max_iterations; /* 0: not given */
	double		tolerance;		/* NaN: not given */
	double		smoothing;		/* NaN: not given */
	bool		crowdkit_compat;
	struct varlena *warm_start; /* a detoasted truth_model, or NULL */
} TruthOptions;

/* Settings a fit runs with, every field resolved. */
typedef struct TruthSettings
{
	TruthMethod method;
	int32		max_iterations;
	double		tolerance;
	double		smoothing;
	bool		crowdkit_compat;
	const struct TruthModel *warm_start;	/* or NULL */
} TruthSettings;

/* ----------------------------------------------------------------
 * Aggregate state
 * ----------------------------------------------------------------
 */

/* Options of a state: no row seen yet, NULL on every row, or given. */
#define TRUTH_OPTIONS_UNSEEN	0
#define TRUTH_OPTIONS_NULL		1
#define TRUTH_OPTIONS_GIVEN		2

/* Labels remembered by the transition function, to skip hashing them. */
#define TRUTH_RECENT_LABELS	8

/*
 * Judgments are kept column-wise in fixed-size chunks (18 bytes each, never
 * copied as the state grows): bigint task and worker keys as they are (they
 * are grouped only in the final function: judgments usually arrive grouped
 * by task, and hashing millions of keys row by row costs more than the rest
 * of the transition); text keys as ids of the key maps state->tasks and
 * state->workers; labels as ids of state->labels.
 */
#define TRUTH_CHUNK_BITS	16
#define TRUTH_CHUNK_SIZE	(1 << TRUTH_CHUNK_BITS)
#define TRUTH_CHUNK_MASK	(TRUTH_CHUNK_SIZE - 1)
#define TRUTH_SLAB_CHUNKS	16

typedef struct TruthChunk
{
	int64		task[TRUTH_CHUNK_SIZE];
	int64		worker[TRUTH_CHUNK_SIZE];
	uint16		label[TRUTH_CHUNK_SIZE];
} TruthChunk;

#define TRUTH_ROW_TASK(s, j)	((s)->chunks[(j) >> TRUTH_CHUNK_BITS]->task[(j) & TRUTH_CHUNK_MASK])
#define TRUTH_ROW_WORKER(s, j)	((s)->chunks[(j) >> TRUTH_CHUNK_BITS]->worker[(j) & TRUTH_CHUNK_MASK])
#define TRUTH_ROW_LABEL(s, j)	((s)->chunks[(j) >> TRUTH_CHUNK_BITS]->label[(j) & TRUTH_CHUNK_MASK])

/* At most this many judgments in one aggregate (row numbers are int32). */
#define TRUTH_MAX_JUDGMENTS		PG_INT32_MAX

/*
 * Bigint task keys: the rows form runs of nondecreasing keys.  Up to this
 * many runs are merged in the final function; beyond it the keys are
 * grouped with a radix sort or a hash map.
 */
#define TRUTH_MAX_RUNS		64

typedef struct TruthState
{
	MemoryContext mcxt;			/* aggregate context: everything lives here */
	KeyKind		task_kind;		/* bigint (raw keys) or text (interned) */
	KeyMap		tasks;			/* text task keys -> id */
	KeyMap		workers;		/* text worker keys -> id; its kind is the
								 * kind of the worker keys (bigint keys are
								 * not interned: the map stays empty) */
	KeyMap		labels;			/* label -> id (text), gold labels included */
	int32		last_task;		/* text tasks: id of the previous row's task */
	int32		last_worker;	/* text workers: id of the previous row's
								 * worker, or -1 */
	int32		recent_labels[TRUTH_RECENT_LABELS];	/* ids of labels seen
														 * lately, -1 = empty */
	int32		recent_len[TRUTH_RECENT_LABELS];	/* their lengths, -1 = empty */
	uint64		recent_packed[TRUTH_RECENT_LABELS]; /* their bytes if at most
													 * 8, as an integer */
	int32		next_recent;	/* slot of recent_labels to replace next */
	int64		n;				/* judgments */
	int32		nchunks;
	int32		chunkcap;
	TruthChunk **chunks;
	char	   *slab_next;		/* where the next chunk is cut from */
	int32		slab_left;		/* chunks left in the current slab */
	int32		nruns;			/* bigint tasks: runs of nondecreasing keys,
								 * or -1 once there are more than
								 * TRUTH_MAX_RUNS */
	int64		run_start[TRUTH_MAX_RUNS];	/* first row of each run */
	KeyMap		gold_tasks;		/* tasks with a gold label (task keys) */
	int32	   *gold_label;		/* per gold_tasks id: label id */
	int32		goldcap;
	int8		options_mode;	/* TRUTH_OPTIONS_UNSEEN, _NULL or _GIVEN */
	TruthOptions options;		/* valid with TRUTH_OPTIONS_GIVEN */
	char	   *options_raw;	/* bytes of the options value, to check that
								 * every row gives the same options */
	Size		options_rawlen;
	const void *options_ptr;	/* the last options datum seen equal */
} TruthState;

/* ----------------------------------------------------------------
 * The dense problem a final function fits
 * ----------------------------------------------------------------
 *
 * Classes are the labels in byte order, tasks and workers are in key order
 * (numeric for bigint, byte order for text).  Rows are grouped by task; each
 * row is a "pair" id, a (worker, class) combination that occurs in the data.
 * Pairs are numbered in (worker, class) order and rows within a task are
 * sorted by pair, so every sum the fits take runs in an order that depends
 * only on the multiset of judgments, not on the order rows arrived in (a
 * parallel plan gives bit-identical results).
 */
typedef struct TruthData
{
	const TruthState *state;
	int32		ntasks;
	int32		nworkers;
	int32		nclasses;
	int32		npairs;
	int64		n;				/* rows */
	int32	   *class_label;	/* class -> label id in state->labels */
	int64	   *task_key;		/* task -> bigint key, or id in state->tasks */
	int64	   *worker_key;		/* worker -> bigint key, or id in
								 * state->workers */
	int64	   *task_start;		/* ntasks + 1 offsets into row_pair */
	int32	   *row_pair;		/* n */
	int32	   *pair_worker;	/* npairs */
	int32	   *pair_class;		/* npairs */
	int32	   *worker_pair_start;	/* nworkers + 1 offsets into pairs */
	int32	   *worker_n;		/* judgments per worker */
	int32	   *gold;			/* per task: class, or -1 */
	int32		ngold;			/* tasks with a gold class */
} TruthData;

/* What a fit produces (arrays in the fit's memory context). */
typedef struct TruthFit
{
	double	   *post;			/* ntasks x nclasses posteriors */
	double	   *priors;			/* nclasses */
	double	   *task_beta;		/* GLAD: log inverse difficulty per task */
	double	   *worker_skill;	/* nworkers */
	double	   *worker_alpha;	/* GLAD: ability per worker */
	double	   *pair_e;			/* DS: npairs x nclasses, P(label of pair |
								 * class) */
	double	   *worker_rest;	/* DS: nworkers x nclasses, weight of the
								 * pooled matrix for labels the worker never
								 * gave */
	double	   *pooled_e;		/* DS: nclasses x nclasses pooled confusion,
								 * P(label k | class c) at [k * K + c] */
	double	   *history;		/* objective after each iteration */
	int32		iterations;
	bool		converged;
	bool		warm_started;
} TruthFit;

/* ----------------------------------------------------------------
 * The truth_model varlena
 * ----------------------------------------------------------------
 *
 * A fixed header, then sections at offsets computed from the header by
 * truth_model_view(): doubles (priors, objective history, posteriors, GLAD
 * betas, worker skills, GLAD alphas, DS confusion columns per pair, DS
 * pooled-matrix weight per worker, DS pooled matrix), int64 keys, int32 arrays (judgment counts, gold
 * classes, DS pair ranges and classes, string offsets) and finally the key
 * and label bytes.  Tasks, workers and labels are stored sorted by key, so
 * lookups are binary searches and the text form is canonical.
 */
#define TRUTH_MODEL_FORMAT	1

#define TRUTH_FLAG_CONVERGED	0x01
#define TRUTH_FLAG_COMPAT		0x02
#define TRUTH_FLAG_WARM_START	0x04
#define TRUTH_FLAGS_ALL			0x07

typedef struct TruthModel
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		format;			/* TRUTH_MODEL_FORMAT */
	uint8		method;			/* TruthMethod */
	uint8		task_kind;		/* KeyKind of task keys */
	uint8		worker_kind;	/* KeyKind of worker keys */
	uint8		flags;			/* TRUTH_FLAG_* */
	uint8		pad1;
	uint16		pad2;
	int32		nclasses;
	int32		ntasks;
	int32		nworkers;
	int32		npairs;			/* DS only, else 0 */
	int32		iterations;
	int32		nhistory;
	int32		max_iterations;
	int32		label_bytes;	/* bytes of all label strings */
	int32		task_key_bytes; /* text task keys: bytes of all keys */
	int32		worker_key_bytes;	/* text worker keys: bytes of all keys */
	int64		njudgments;
	double		tolerance;
	double		smoothing;
	/* sections follow, see truth_model_view() */
} TruthModel;

#define TRUTH_MODEL_HDRSZ	MAXALIGN(sizeof(TruthModel))

#define TRUTH_IS_DS(m)		((m)->method == TRUTH_DAWID_SKENE)
#define TRUTH_IS_GLAD(m)	((m)->method == TRUTH_GLAD)

/*
 * The sections of a model, in layout order: X(field, element type, element
 * count, present), with m the header.  Doubles first, then int64, int32 and
 * bytes, so no section needs padding.
 */
#define TRUTH_MODEL_SECTIONS(X, m) \
	X(priors, double, (Size) (m)->nclasses, true) \
	X(history, double, (Size) (m)->nhistory, true) \
	X(post, double, (Size) (m)->ntasks * (m)->nclasses, true) \
	X(task_beta, double, (Size) (m)->ntasks, TRUTH_IS_GLAD(m)) \
	X(worker_skill, double, (Size) (m)->nworkers, true) \
	X(worker_alpha, double, (Size) (m)->nworkers, TRUTH_IS_GLAD(m)) \
	X(pair_e, double, (Size) (m)->npairs * (m)->nclasses, TRUTH_IS_DS(m)) \
	X(worker_rest, double, (Size) (m)->nworkers * (m)->nclasses, TRUTH_IS_DS(m)) \
	X(pooled_e, double, (Size) (m)->nclasses * (m)->nclasses, TRUTH_IS_DS(m)) \
	X(task_int, int64, (Size) (m)->ntasks, (m)->task_kind == KEY_INT8) \
	X(worker_int, int64, (Size) (m)->nworkers, (m)->worker_kind == KEY_INT8) \
	X(task_n, int32, (Size) (m)->ntasks, true) \
	X(task_gold, int32, (Size) (m)->ntasks, true) \
	X(worker_n, int32, (Size) (m)->nworkers, true) \
	X(worker_pair_start, int32, (Size) (m)->nworkers + 1, TRUTH_IS_DS(m)) \
	X(pair_class, int32, (Size) (m)->npairs, TRUTH_IS_DS(m)) \
	X(task_off, int32, (Size) (m)->ntasks + 1, (m)->task_kind == KEY_TEXT) \
	X(worker_off, int32, (Size) (m)->nworkers + 1, (m)->worker_kind == KEY_TEXT) \
	X(label_off, int32, (Size) (m)->nclasses + 1, true) \
	X(task_str, char, (Size) (m)->task_key_bytes, (m)->task_kind == KEY_TEXT) \
	X(worker_str, char, (Size) (m)->worker_key_bytes, (m)->worker_kind == KEY_TEXT) \
	X(label_str, char, (Size) (m)->label_bytes, true)

#define TRUTH_VIEW_FIELD(field, type, count, present)	type *field;

/*
 * Typed pointers into a model's sections (NULL when absent).  Text keys and
 * labels are *_off (n + 1 offsets) into *_str.
 */
typedef struct TruthModelView
{
	const TruthModel *m;
	TRUTH_MODEL_SECTIONS(TRUTH_VIEW_FIELD, unused)
} TruthModelView;

/*
 * A model being assembled from text or binary input: the header (counts),
 * every section as a separate array, and the string sections' buffers.
 */
typedef struct TruthModelParts
{
	TruthModel	hdr;
	TruthModelView a;
	StringInfoData task_buf;
	StringInfoData worker_buf;
	StringInfoData label_buf;
} TruthModelParts;

#define DatumGetTruthModelP(X)		((TruthModel *) PG_DETOAST_DATUM(X))
#define PG_GETARG_TRUTH_MODEL_P(n)	DatumGetTruthModelP(PG_GETARG_DATUM(n))

/* truth_model_agg.c */
extern void truth_state_check_classes(const TruthState *state);

/* truth_model_options.c */
extern void truth_options_from_datum(Datum d, TruthOptions *opts, MemoryContext mcxt);
extern bool truth_options_equal(const TruthOptions *a, const TruthOptions *b);
extern void truth_options_serialize(const TruthOptions *opts, StringInfo buf);
extern void truth_options_deserialize(StringInfo buf, TruthOptions *opts, MemoryContext mcxt);
extern void truth_settings_resolve(const TruthState *state, TruthMethod method,
								   TruthSettings *settings);
extern const char *truth_method_name(TruthMethod method);
extern TruthMethod truth_method_from_name(const char *name, int len);

/* truth_model_data.c */
extern TruthData *truth_data_build(const TruthState *state);
extern void truth_init_majority(const TruthData *d, double *q);
extern bool truth_init_warm_start(const TruthData *d, const TruthModel *warm, double *q);
extern void truth_apply_gold(const TruthData *d, double *q);
extern int32 truth_argmax(const double *p, int32 k);
extern bool truth_fit_record(TruthFit *fit, int32 iteration, double objective, double tolerance);

/* truth_dawid_skene.c */
extern TruthFit *dawid_skene_fit(const TruthData *d, const TruthSettings *s);
extern TruthFit *one_coin_fit(const TruthData *d, const TruthSettings *s);

/* truth_glad.c */
extern TruthFit *glad_fit(const TruthData *d, const TruthSettings *s);

/* truth_wawa.c */
extern TruthFit *wawa_fit(const TruthData *d, const TruthSettings *s);

/* truth_model_text.c */
extern void truth_append_json_string(StringInfo buf, const char *s, int len);

/* truth_model_type.c */
extern Size truth_model_view(const TruthModel *m, TruthModelView *v);
extern TruthModel *truth_model_alloc(const TruthModel *hdr, TruthModelView *v);
extern TruthModel *truth_model_from_fit(const TruthData *d, const TruthFit *fit,
										const TruthSettings *s);
extern void truth_model_check(const TruthModel *m);
extern const TruthModel *truth_model_checked(Datum d);
extern void truth_model_parts_alloc(TruthModelParts *p);
extern TruthModel *truth_model_assemble(TruthModelParts *p);
extern int32 truth_model_find(const TruthModelView *v, bool task, int64 ikey,
							  const char *skey, int slen);
extern int32 truth_model_find_data_task(const TruthModelView *v, const TruthData *d, int32 t);
extern int32 truth_model_find_data_worker(const TruthModelView *v, const TruthData *d, int32 w);
extern int32 truth_model_find_label(const TruthModelView *v, const char *label, int len);
extern double truth_model_confusion(const TruthModelView *v, int32 worker,
									int32 observed, int32 truth);

#define TRUTH_TASK_TEXT(v, t)		((v)->task_str + (v)->task_off[t])
#define TRUTH_TASK_TEXTLEN(v, t)	((v)->task_off[(t) + 1] - (v)->task_off[t])
#define TRUTH_WORKER_TEXT(v, w)		((v)->worker_str + (v)->worker_off[w])
#define TRUTH_WORKER_TEXTLEN(v, w)	((v)->worker_off[(w) + 1] - (v)->worker_off[w])
#define TRUTH_LABEL(v, c)			((v)->label_str + (v)->label_off[c])
#define TRUTH_LABELLEN(v, c)		((v)->label_off[(c) + 1] - (v)->label_off[c])

#endif							/* TRUTH_MODEL_H */
