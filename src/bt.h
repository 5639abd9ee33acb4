/*-------------------------------------------------------------------------
 *
 * bt.h
 *	  Declarations shared by the side-by-side ranking sources (bt_rank and
 *	  its readers): the sparse comparison state of the aggregate, the sorted
 *	  comparison table the fit works on, the fit options and results, and
 *	  the on-disk layout of the bt_model type.
 *
 *	  Files: bt_state.c (aggregate state: hash of comparison cells),
 *	  bt_data.c (sorted table, pair collapsing, components),
 *	  bt_fit.c (Bradley-Terry-Davidson fit: Newton and MM),
 *	  bt_solve.c (linear algebra: Newton systems, standard errors),
 *	  bt_noisy.c (per-worker noisy model, EM),
 *	  bt_model.c (bt_model layout, build, validation),
 *	  bt_model_io.c (text and binary I/O), bt_rank.c (aggregate and
 *	  bt_fit SQL functions), bt_read.c (readers), bt_next_pairs.c,
 *	  bt_gradient_check.c.
 *
 * IDENTIFICATION
 *	  src/bt.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef BRADLEY_TERRY_H
#define BRADLEY_TERRY_H

#include "fmgr.h"
#include "access/tupdesc.h"
#include "lib/stringinfo.h"
#include "utils/tuplestore.h"

#include <math.h>

#include "key_map.h"
#include "labeling.h"

/* Allocations that may exceed 1 GB (huge), optionally zeroed */
#define bt_alloc(size)		palloc_extended((size), MCXT_ALLOC_HUGE)
#define bt_alloc0(size)		palloc_extended((size), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO)

/* Outcome slots of a comparison cell */
#define BT_WIN_A		0		/* the first item (a) won */
#define BT_WIN_B		1		/* the second item (b) won */
#define BT_TIE			2		/* "same" */
#define BT_NOUTCOMES	3

/* At most this many distinct cells (pairs, or worker x ordered pair) */
#define BT_MAX_CELLS	(20 * 1000 * 1000)

/*
 * A comparison cell: counts of the three outcomes of item a against item b.
 * Without a worker column the pair is canonical (a < b by id at
 * aggregation time, by key order in a BtData) and worker is 0; with a worker
 * column, a is the left item, b the right one and worker the worker id.
 */
typedef struct BtCell
{
	int32		worker;			/* worker id, 0 without a worker column */
	int32		a;				/* first (left) item id */
	int32		b;				/* second (right) item id */
	int32		n[BT_NOUTCOMES];	/* wins of a, wins of b, ties */
} BtCell;

/* Rows queued by bt_state_add before they touch the table */
#define BT_PENDING		16

typedef struct BtPending
{
	uint32		hash;			/* hash of (worker, a, b) */
	int32		worker;
	int32		a;
	int32		b;
	int32		outcome;
} BtPending;

/*
 * The aggregate state: items (and workers) interned to dense ids, and a
 * hash table of cells.  Memory grows with the number of distinct cells, not
 * with items squared.  Everything lives in mcxt (the aggregate context).
 */
typedef struct BtState
{
	MemoryContext mcxt;			/* where the state and its growth live */
	bool		has_worker;		/* noisy model: cells are per worker */
	KeyMap		items;			/* item key -> id */
	KeyMap		workers;		/* worker key -> id (has_worker only) */
	int64		rows;			/* comparisons counted */
	int64		rows_skipped;	/* rows skipped: NULL item or worker */
	int32		ncells;			/* cells in use */
	int32		nslots;			/* slots in the table, a power of 2 */
	BtCell	   *slots;			/* open addressing, linear probing: the cells
								 * themselves (one cache miss per lookup);
								 * a < 0 marks an empty slot */
	int64		nflat;			/* cells merged from other states */
	int64		flatcap;		/* allocated entries of flat */
	BtCell	   *flat;			/* merged cells, in this state's ids; a pair may
								 * repeat (summed by bt_data_from_state) */
	int32		npending;		/* rows queued (bt_state_flush applies them) */
	int32		pending_head;	/* oldest queued row */
	BtPending	pending[BT_PENDING];
} BtState;

/* bt_state.c */
extern BtState *bt_state_create(MemoryContext mcxt, KeyKind item_kind,
								bool has_worker, KeyKind worker_kind);
extern void bt_state_add(BtState *s, int32 worker, int32 a, int32 b, int outcome);
extern void bt_state_flush(BtState *s);
extern void bt_state_merge(BtState *dst, BtState *src);
extern bytea *bt_state_serialize(BtState *s);
extern BtState *bt_state_deserialize(bytea *b, MemoryContext mcxt);

/* Keys of items or workers, in ascending key order (id = position). */
typedef struct BtKeys
{
	KeyKind		kind;			/* KEY_TEXT or KEY_INT8 */
	int32		n;				/* number of keys */
	int64	   *ints;			/* KEY_INT8: the keys */
	const char **strs;			/* KEY_TEXT: key bytes (not NUL-terminated) */
	int32	   *lens;			/* KEY_TEXT: key lengths */
} BtKeys;

/*
 * The comparison table in canonical form: items (and workers) numbered in
 * key order, cells sorted by (worker, a, b); without workers a < b.
 */
typedef struct BtData
{
	BtKeys		items;
	bool		has_worker;
	BtKeys		workers;		/* n = 0 without a worker column */
	int32		ncells;
	const BtCell *cells;
	int64		rows;			/* comparisons counted */
	int64		rows_skipped;	/* rows skipped (NULL item or worker) */
} BtData;

/*
 * Unordered pairs with (possibly fractional) outcome counts: what the
 * Bradley-Terry-Davidson likelihood needs.  a < b; sorted by (a, b).
 */
typedef struct BtPairs
{
	int32		nitems;
	int32		npairs;
	int32	   *a;
	int32	   *b;
	double	   *wa;				/* wins of a */
	double	   *wb;				/* wins of b */
	double	   *t;				/* ties */
} BtPairs;

/* bt_data.c */
extern BtData *bt_data_from_state(BtState *s);
extern BtPairs *bt_pairs_alloc(int32 nitems, int32 npairs);
extern BtPairs *bt_pairs_from_data(const BtData *d, bool keep_ties,
								   int32 **cell_pair);
extern void bt_pairs_free(BtPairs *p);
extern int32 *bt_group(const int32 *key, int32 n, int32 nkeys, int32 **start);
extern int32 bt_components(const BtPairs *p, int32 *component);
extern int	bt_keys_cmp(const BtKeys *k, int32 i, int32 j);
extern Datum bt_keys_datum(const BtKeys *k, int32 i);
extern char *bt_keys_cstring(const BtKeys *k, int32 i);

/* Fit methods and tie handling */
typedef enum BtMethod
{
	BT_METHOD_NEWTON = 'n',		/* Newton on the log-posterior */
	BT_METHOD_MM = 'm'			/* Hunter's MM iteration */
} BtMethod;

typedef enum BtTies
{
	BT_TIES_DAVIDSON = 'd',		/* Davidson (1970) tie parameter nu */
	BT_TIES_IGNORE = 'i'		/* ties are dropped (Crowd-Kit) */
} BtTies;

/* Defaults (documented in README and in the SQL comments) */
#define BT_DEFAULT_PRIOR		1.0
#define BT_DEFAULT_TOL			1e-9
#define BT_DEFAULT_NEWTON_ITER	100
#define BT_DEFAULT_MM_ITER		10000
#define BT_DEFAULT_EM_ITER		1000
#define BT_DEFAULT_EM_TOL		1e-7
#define BT_MAX_ITER				1000000

/* Weak prior on the tie parameter: this many virtual ties and virtual
 * decisive comparisons between two equal items. */
#define BT_TIE_PRIOR			0.5

/* Components up to this size get exact (dense) standard errors. */
#define BT_SE_EXACT_MAX			200
/* Components up to this size are solved densely inside Newton's method. */
#define BT_DENSE_BLOCK_MAX		64

typedef struct BtFitOptions
{
	BtMethod	method;
	BtTies		ties;
	double		prior;			/* virtual wins and losses per item */
	int32		max_iter;		/* iteration cap */
	double		tol;			/* convergence: max score change < tol */
	bool		noisy;			/* per-worker noisy model (EM) */
} BtFitOptions;

/* Fit results; arrays have nitems (items) or nworkers (workers) entries. */
typedef struct BtFit
{
	int32		nitems;
	int32		nworkers;
	double	   *theta;			/* log-strength */
	double	   *se;				/* standard error, NaN when unavailable */
	int32	   *component;		/* 1-based component id */
	int32		ncomponents;
	double		nu;				/* Davidson tie parameter, 0 without ties */
	int32		iterations;
	bool		converged;
	double		log_posterior;	/* objective at the fit */
	double		gradient_max;	/* max |gradient| at the fit */
	double	   *reliability;	/* per worker: P(answer follows the model) */
	double	   *noise;			/* per worker x 3: noise answer shares */
} BtFit;

/*
 * The plain objective (Bradley-Terry-Davidson log-likelihood plus priors),
 * evaluated on a pair table.  x holds nitems scores followed by eta =
 * log(nu) when ties are modelled (has_eta).
 */
typedef struct BtObjective
{
	const BtPairs *pairs;
	double		prior;			/* item prior strength (virtual games) */
	bool		has_eta;		/* ties modelled: x[nitems] = log nu */
	bool		eta_prior;		/* weak prior on eta (BT_TIE_PRIOR) */
} BtObjective;

/* bt_fit.c */
extern void bt_fit_options_default(BtFitOptions *o, bool noisy);
extern double bt_objective(const BtObjective *obj, const double *x);
extern double bt_gradient(const BtObjective *obj, const double *x, double *g);
extern void bt_hessian_vector(const BtObjective *obj, const double *x,
							  const double *v, double *out);
extern BtFit *bt_fit_alloc(int32 nitems, int32 nworkers);
extern bool bt_ties_modelled(const BtPairs *p, BtTies ties);
extern BtFit *bt_fit_data(const BtData *d, const BtFitOptions *o);

/* Per-item accumulators of one pass over the pairs (one cache line each) */
typedef struct BtItemAcc
{
	double		x;				/* score */
	double		g;				/* gradient */
	double		d;				/* J_ii */
	double		pad;
} BtItemAcc;

/*
 * Newton system: the information matrix (negative Hessian) of a
 * BtObjective at a point, in sparse form, with helpers to solve J dx = g.
 */
typedef struct BtSystem
{
	const BtPairs *pairs;
	int32		n;				/* unknowns: nitems (+1 with eta) */
	bool		has_eta;
	double	   *diag;			/* J_ii */
	double	   *w;				/* per pair: Laplacian weight n*c */
	double	   *ea;				/* per pair: J(a, eta) */
	double	   *eb;				/* per pair: J(b, eta) */
	double	   *prior_info;		/* per item: prior part of J_ii */
	const int32 *component;		/* per item: 1-based component id */
	int32		ncomponents;
	const int32 *comp_start;	/* members of component c: members[comp_start[c]
								 * .. comp_start[c + 1]) */
	const int32 *members;		/* items grouped by component, in id order */
	const int32 *local;			/* per item: position within its component */
	BtItemAcc  *acc;			/* scratch of bt_eval, nitems */
	double	   *mv;				/* scratch of bt_system_matvec, 2 * nitems */
} BtSystem;

/* A reusable Newton solver for one pair table (bt_fit.c) */
typedef struct BtNewton
{
	BtObjective obj;
	BtSystem	sys;			/* after a run: J at the result */
	double		f;				/* after a run: the objective at the result */
	double		gmax;			/* after a run: max |gradient| at the result */
} BtNewton;

extern void bt_newton_init(BtNewton *nt, const BtPairs *p, const BtFitOptions *o);
extern void bt_newton_run(BtNewton *nt, const BtFitOptions *o, double *x, BtFit *fit);
extern void bt_fit_plain(const BtPairs *p, const BtFitOptions *o, double *x, bool warm,
						 BtFit *fit, BtNewton *solver);
extern void bt_fit_finish(const BtPairs *p, const BtFitOptions *o, const double *x,
						  BtFit *fit, const BtNewton *solver);

/* bt_solve.c */
extern void bt_system_matvec(const BtSystem *s, const double *v, double *out);
extern int	bt_system_solve(const BtSystem *s, const double *g, double *dx,
							double rtol, int maxit);
extern void bt_system_standard_errors(const BtSystem *s, double *se);

/* bt_noisy.c */
extern void bt_fit_noisy(const BtData *d, const BtFitOptions *o, BtFit *fit);
extern double bt_noisy_objective(const BtData *d, const BtPairs *p,
								 const int32 *cell_pair, bool has_eta,
								 double prior, const double *x,
								 const double *rel, const double *noise);
extern void bt_worker_params(int32 nw, int nout, const double *lq, const double *u,
							 int stride, double *rel, double *noise);
extern double bt_noisy_gradient(const BtData *d, const BtPairs *p,
								const int32 *cell_pair, bool has_eta,
								double prior, const double *x,
								const double *rel, const double *noise,
								double *gx, double *grel, double *gnoise);

/* Half a score difference, clamped so that exp() of it stays finite */
static inline double
bt_half_diff(double d)
{
	double		h = d * 0.5;

	return h > 350.0 ? 350.0 : h < -350.0 ? -350.0 : h;
}

/*
 * Davidson outcome probabilities for score difference d = theta_a -
 * theta_b: (e, 1/e, nu) / (e + 1/e + nu) with e = exp(d / 2).
 */
static inline void
bt_probs(double d, double nu, double *pa, double *pb, double *pt)
{
	double		x = exp(bt_half_diff(d));
	double		s;

	s = x + 1.0 / x + nu;
	*pa = x / s;
	*pb = (1.0 / x) / s;
	*pt = nu / s;
}

/*
 * bt_model: the fitted model with its sufficient statistics (the cells), so
 * it can be refitted (bt_fit), read (bt_scores, bt_workers, bt_summary) and
 * asked for the next pairs to compare.
 *
 * Layout after the fixed header, each array 8-byte aligned:
 *	double theta[nitems], se[nitems]
 *	double reliability[nworkers], noise[3 * nworkers]
 *	int32 component[nitems]
 *	BtCell cells[ncells]
 *	item keys, then worker keys: KEY_INT8: int64 keys[n];
 *	  KEY_TEXT: int32 offsets[n + 1] then the bytes
 * Items and workers are in ascending key order (bytewise for text); cells
 * are sorted by (worker, a, b), a < b without workers.
 */
#define BT_MODEL_VERSION	1

#define BT_FLAG_CONVERGED	0x01
#define BT_FLAG_NOISY		0x02

typedef struct BtModel
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;		/* BT_MODEL_VERSION */
	uint8		item_kind;		/* KEY_TEXT or KEY_INT8 */
	uint8		worker_kind;	/* 0 without worker column, else KeyKind */
	uint8		method;			/* BtMethod */
	uint8		ties;			/* BtTies */
	uint8		flags;			/* BT_FLAG_* */
	int16		reserved;		/* zero */
	int32		nitems;
	int32		nworkers;
	int32		ncells;
	int32		ncomponents;
	int32		max_iter;
	int32		iterations;
	int64		rows;			/* comparisons counted */
	int64		rows_skipped;	/* rows skipped (NULL item or worker) */
	double		prior;
	double		tol;
	double		nu;
	double		log_posterior;
	double		gradient_max;
	double		data[FLEXIBLE_ARRAY_MEMBER];
} BtModel;

/* Pointers into a model (or into a model being built). */
typedef struct BtModelView
{
	const BtModel *m;
	const double *theta;
	const double *se;
	const double *reliability;
	const double *noise;
	const int32 *component;
	const BtCell *cells;
	BtKeys		items;
	BtKeys		workers;
} BtModelView;

#define DatumGetBtModelP(X)		((BtModel *) PG_DETOAST_DATUM(X))
#define PG_GETARG_BT_MODEL_P(n)	DatumGetBtModelP(PG_GETARG_DATUM(n))

/* bt_model.c */
extern BtModel *bt_model_build(const BtData *d, const BtFitOptions *o,
							   const BtFit *fit);
extern void bt_model_view(const BtModel *m, BtModelView *v);
extern void bt_model_validate(const BtModel *m, Size size);
extern BtData *bt_data_from_model(const BtModelView *v);
extern void bt_model_options(const BtModel *m, BtFitOptions *o);
extern const char *bt_method_name(int method);
extern const char *bt_ties_name(int ties);

/* bt_read.c */
extern Tuplestorestate *bt_srf_begin(FunctionCallInfo fcinfo, TupleDesc *tupdesc);

#endif							/* BRADLEY_TERRY_H */
