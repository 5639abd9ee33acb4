/*-------------------------------------------------------------------------
 *
 * bt_model.c
 *	  The bt_model type's layout: building a model from a comparison table
 *	  and its fit, pointing into one (BtModelView), turning it back into a
 *	  comparison table (to refit it), and checking a model that comes from
 *	  outside (text or binary input) before it is built.
 *
 *	  The layout is described in bt.h.  Items and workers are in key order,
 *	  cells sorted and doubles canonical (+0.0 for -0.0, one NaN), so equal
 *	  inputs give byte-equal models.
 *
 * IDENTIFICATION
 *	  src/bt_model.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "utils/float.h"
#include "utils/memutils.h"

#include "bt.h"

/* Largest model we build (a varlena is limited to 1 GB). */
#define BT_MODEL_MAX_SIZE	((Size) MaxAllocSize)

/* Byte offsets of the arrays of a model with the given sizes. */
typedef struct BtLayout
{
	Size		theta;
	Size		se;
	Size		reliability;
	Size		noise;
	Size		component;
	Size		cells;
	Size		item_keys;
	Size		worker_keys;
	Size		total;
} BtLayout;

/* Bytes of a key array: int64 keys, or int32 offsets[n + 1] plus bytes. */
static Size
bt_keys_size(int kind, int32 n, Size textbytes)
{
	if (n == 0 && kind == 0)
		return 0;
	if (kind == KEY_INT8)
		return sizeof(int64) * (Size) n;
	return MAXALIGN(sizeof(int32) * ((Size) n + 1) + textbytes);
}

static void
bt_layout(BtLayout *l, int32 nitems, int32 nworkers, int32 ncells,
		  int item_kind, Size item_bytes, int worker_kind, Size worker_bytes)
{
	Size		off = offsetof(BtModel, data);

	l->theta = off;
	off += sizeof(double) * (Size) nitems;
	l->se = off;
	off += sizeof(double) * (Size) nitems;
	l->reliability = off;
	off += sizeof(double) * (Size) nworkers;
	l->noise = off;
	off += sizeof(double) * BT_NOUTCOMES * (Size) nworkers;
	l->component = off;
	off += MAXALIGN(sizeof(int32) * (Size) nitems);
	l->cells = off;
	off += MAXALIGN(sizeof(BtCell) * (Size) ncells);
	l->item_keys = off;
	off += bt_keys_size(item_kind, nitems, item_bytes);
	l->worker_keys = off;
	off += worker_kind ? bt_keys_size(worker_kind, nworkers, worker_bytes) : 0;
	l->total = off;
}

static Size
bt_keys_textbytes(const BtKeys *k)
{
	Size		s = 0;
	int32		i;

	if (k->kind == KEY_TEXT)
		for (i = 0; i < k->n; i++)
			s += k->lens[i];
	return s;
}

static void
bt_keys_write(char *dst, const BtKeys *k)
{
	int32		i;

	if (k->kind == KEY_INT8)
		memcpy(dst, k->ints, sizeof(int64) * (Size) k->n);
	else
	{
		int32	   *offs = (int32 *) dst;
		char	   *bytes = dst + sizeof(int32) * ((Size) k->n + 1);
		int32		pos = 0;

		for (i = 0; i < k->n; i++)
		{
			offs[i] = pos;
			memcpy(bytes + pos, k->strs[i], k->lens[i]);
			pos += k->lens[i];
		}
		offs[k->n] = pos;
	}
}

static void
bt_keys_read(const char *src, int kind, int32 n, BtKeys *k)
{
	int32		i;

	k->kind = kind;
	k->n = n;
	k->ints = NULL;
	k->strs = NULL;
	k->lens = NULL;
	if (kind == KEY_INT8)
		k->ints = (int64 *) src;
	else if (kind == KEY_TEXT)
	{
		const int32 *offs = (const int32 *) src;
		const char *bytes = src + sizeof(int32) * ((Size) n + 1);

		k->strs = bt_alloc(sizeof(char *) * Max(n, 1));
		k->lens = bt_alloc(sizeof(int32) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			k->strs[i] = bytes + offs[i];
			k->lens[i] = offs[i + 1] - offs[i];
		}
	}
}

/*
 * Copy n doubles in canonical form (+0.0 for -0.0, one NaN), so that equal
 * models are equal bytes whether they come from a fit, text or binary.
 */
static void
bt_canonical_copy(char *dst, const double *src, Size n)
{
	double	   *d = (double *) dst;
	Size		i;

	for (i = 0; i < n; i++)
		d[i] = labeling_canonical_double(src[i]);
}

/* Build the model varlena (in CurrentMemoryContext). */
BtModel *
bt_model_build(const BtData *d, const BtFitOptions *o, const BtFit *fit)
{
	BtLayout	l;
	BtModel    *m;
	char	   *base;
	int32		nworkers = d->has_worker ? d->workers.n : 0;
	Size		ibytes = bt_keys_textbytes(&d->items);
	Size		wbytes = d->has_worker ? bt_keys_textbytes(&d->workers) : 0;

	bt_layout(&l, d->items.n, nworkers, d->ncells, d->items.kind, ibytes,
			  d->has_worker ? d->workers.kind : 0, wbytes);
	if (l.total > BT_MODEL_MAX_SIZE || ibytes > PG_INT32_MAX || wbytes > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bt_model would be too large"),
				 errdetail("The model needs %zu bytes; at most %zu are allowed.",
						   l.total, BT_MODEL_MAX_SIZE),
				 errhint("Rank fewer items or pairs per model, for example with GROUP BY.")));
	/* not zeroed (it is large): the header and every padding gap are */
	m = bt_alloc(l.total);
	memset(m, 0, offsetof(BtModel, data));
	base = (char *) m;
	memset(base + l.component, 0, l.cells - l.component);
	memset(base + l.item_keys, 0, l.total - l.item_keys);
	SET_VARSIZE(m, l.total);
	m->version = BT_MODEL_VERSION;
	m->item_kind = d->items.kind;
	m->worker_kind = d->has_worker ? d->workers.kind : 0;
	m->method = o->method;
	m->ties = o->ties;
	m->flags = (fit->converged ? BT_FLAG_CONVERGED : 0) | (o->noisy ? BT_FLAG_NOISY : 0);
	m->nitems = d->items.n;
	m->nworkers = nworkers;
	m->ncells = d->ncells;
	m->ncomponents = fit->ncomponents;
	m->max_iter = o->max_iter;
	m->iterations = fit->iterations;
	m->rows = d->rows;
	m->rows_skipped = d->rows_skipped;
	m->prior = labeling_canonical_double(o->prior);
	m->tol = labeling_canonical_double(o->tol);
	m->nu = labeling_canonical_double(fit->nu);
	m->log_posterior = labeling_canonical_double(fit->log_posterior);
	m->gradient_max = labeling_canonical_double(fit->gradient_max);

	bt_canonical_copy(base + l.theta, fit->theta, d->items.n);
	bt_canonical_copy(base + l.se, fit->se, d->items.n);
	if (nworkers > 0)
	{
		if (o->noisy)
		{
			bt_canonical_copy(base + l.reliability, fit->reliability, nworkers);
			bt_canonical_copy(base + l.noise, fit->noise, BT_NOUTCOMES * (Size) nworkers);
		}
		else
		{
			int32		i;
			double	   *rel = (double *) (base + l.reliability);
			double	   *noise = (double *) (base + l.noise);

			/* not fitted: reliability NaN (unknown), no noise shares */
			for (i = 0; i < nworkers; i++)
				rel[i] = get_float8_nan();
			for (i = 0; i < BT_NOUTCOMES * nworkers; i++)
				noise[i] = get_float8_nan();
		}
	}
	memcpy(base + l.component, fit->component, sizeof(int32) * (Size) d->items.n);
	if (d->ncells > 0)
		memcpy(base + l.cells, d->cells, sizeof(BtCell) * (Size) d->ncells);
	bt_keys_write(base + l.item_keys, &d->items);
	if (d->has_worker)
		bt_keys_write(base + l.worker_keys, &d->workers);
	return m;
}

/* Point v into model m (checking the version and the size). */
void
bt_model_view(const BtModel *m, BtModelView *v)
{
	BtLayout	l;
	const char *base = (const char *) m;
	Size		ibytes = 0,
				wbytes = 0;
	Size		size = VARSIZE(m);
	int			pass;

	if (size < offsetof(BtModel, data) || m->version != BT_MODEL_VERSION ||
		m->nitems < 0 || m->nworkers < 0 || m->ncells < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid bt_model value"),
				 errdetail("Unsupported version or corrupt header.")));

	/*
	 * The byte counts of text keys are stored at the end of their offsets:
	 * lay out without them, read the item bytes, then the worker bytes.
	 */
	for (pass = 0; pass < 3; pass++)
	{
		bt_layout(&l, m->nitems, m->nworkers, m->ncells, m->item_kind, ibytes,
				  m->worker_kind, wbytes);
		if (l.total > size || (pass == 2 && l.total != size))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid bt_model value"),
					 errdetail("The size does not match the contents.")));
		if (pass == 0 && m->item_kind == KEY_TEXT)
			ibytes = ((const int32 *) (base + l.item_keys))[m->nitems];
		if (pass == 1 && m->worker_kind == KEY_TEXT)
			wbytes = ((const int32 *) (base + l.worker_keys))[m->nworkers];
	}
	v->m = m;
	v->theta = (const double *) (base + l.theta);
	v->se = (const double *) (base + l.se);
	v->reliability = (const double *) (base + l.reliability);
	v->noise = (const double *) (base + l.noise);
	v->component = (const int32 *) (base + l.component);
	v->cells = (const BtCell *) (base + l.cells);
	bt_keys_read(base + l.item_keys, m->item_kind, m->nitems, &v->items);
	bt_keys_read(base + l.worker_keys, m->worker_kind, m->nworkers, &v->workers);
	if (!m->worker_kind)
		v->workers.kind = KEY_TEXT;
}

/* The comparison table of a model (pointing into it), to refit it. */
BtData *
bt_data_from_model(const BtModelView *v)
{
	BtData	   *d = palloc0(sizeof(BtData));

	d->items = v->items;
	d->has_worker = v->m->worker_kind != 0;
	d->workers = v->workers;
	d->ncells = v->m->ncells;
	d->cells = v->cells;
	d->rows = v->m->rows;
	d->rows_skipped = v->m->rows_skipped;
	return d;
}

/* The options a model was fitted with. */
void
bt_model_options(const BtModel *m, BtFitOptions *o)
{
	o->method = (BtMethod) m->method;
	o->ties = (BtTies) m->ties;
	o->prior = m->prior;
	o->max_iter = m->max_iter;
	o->tol = m->tol;
	o->noisy = (m->flags & BT_FLAG_NOISY) != 0;
}

const char *
bt_method_name(int method)
{
	return method == BT_METHOD_MM ? "mm" : "newton";
}

const char *
bt_ties_name(int ties)
{
	return ties == BT_TIES_IGNORE ? "ignore" : "davidson";
}
