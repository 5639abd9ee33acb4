/*-------------------------------------------------------------------------
 *
 * bt_solve.c
 *	  Linear algebra for the Bradley-Terry-Davidson fit: solving the Newton
 *	  system J dx = g, where J is the information matrix (the negative
 *	  Hessian of the log-posterior), and standard errors from J.
 *
 *	  In the scores J is a weighted graph Laplacian plus the diagonal of the
 *	  prior, so it is sparse (one entry per compared pair); with ties
 *	  modelled one dense row and column for eta = log(nu) is added.  The
 *	  system is solved by conjugate gradients with a two-level
 *	  preconditioner: an exact (Cholesky) solve on every small component,
 *	  Jacobi plus a coarse correction along each large component's constant
 *	  vector (the direction only the prior pins down), and Jacobi for eta.
 *
 *	  Standard errors are sqrt(diag(J^-1)) of the scores with eta held at
 *	  its estimate: exact (dense Cholesky) for components of at most
 *	  BT_SE_EXACT_MAX items; for larger ones 1/J_ii plus the variance of the
 *	  component's level, 1 / (sum of the prior's information over it).
 *
 * IDENTIFICATION
 *	  src/bt_solve.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "bt.h"

/* Packed lower triangle: element (i, j), j <= i */
#define PK(i, j)	((Size) (i) * ((i) + 1) / 2 + (j))

/*
 * In-place Cholesky factorisation of a packed symmetric matrix.  A pivot
 * that is not clearly positive is replaced by ridge (for semidefinite
 * blocks, used only as a preconditioner).  Returns false if that happened.
 */
static bool
chol_packed(double *a, int n, double ridge)
{
	bool		ok = true;
	int			i,
				j,
				k;

	for (j = 0; j < n; j++)
	{
		double		d = a[PK(j, j)];

		for (k = 0; k < j; k++)
			d -= a[PK(j, k)] * a[PK(j, k)];
		if (!(d > ridge))
		{
			ok = false;
			d = Max(ridge, 1e-300);
		}
		d = sqrt(d);
		a[PK(j, j)] = d;
		for (i = j + 1; i < n; i++)
		{
			double		s = a[PK(i, j)];

			for (k = 0; k < j; k++)
				s -= a[PK(i, k)] * a[PK(j, k)];
			a[PK(i, j)] = s / d;
		}
	}
	return ok;
}

/* Solve L L' x = b in place with a packed factor. */
static void
chol_solve_packed(const double *l, int n, double *b)
{
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
		double		s = b[i];

		for (k = 0; k < i; k++)
			s -= l[PK(i, k)] * b[k];
		b[i] = s / l[PK(i, i)];
	}
	for (i = n - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (k = i + 1; k < n; k++)
			s -= l[PK(k, i)] * b[k];
		b[i] = s / l[PK(i, i)];
	}
}

/* out = J v */
void
bt_system_matvec(const BtSystem *s, const double *v, double *out)
{
	const BtPairs *p = s->pairs;
	int32		n = p->nitems;
	int32		i;
	double		veta = s->has_eta ? v[n] : 0.0;
	double		oeta = 0.0;
	double	   *mv = s->mv;		/* (v_i, out_i) side by side: one cache line */

	for (i = 0; i < n; i++)
	{
		mv[2 * i] = v[i];
		mv[2 * i + 1] = s->diag[i] * v[i];
	}
	for (i = 0; i < p->npairs; i++)
	{
		int32		a = p->a[i];
		int32		b = p->b[i];
		double		w = s->w[i];
		double		va = mv[2 * a];
		double		vb = mv[2 * b];

		mv[2 * a + 1] -= w * vb;
		mv[2 * b + 1] -= w * va;
		if (s->has_eta)
		{
			mv[2 * a + 1] += s->ea[i] * veta;
			mv[2 * b + 1] += s->eb[i] * veta;
			oeta += s->ea[i] * va + s->eb[i] * vb;
		}
	}
	for (i = 0; i < n; i++)
		out[i] = mv[2 * i + 1];
	if (s->has_eta)
		out[n] = oeta + s->diag[n] * veta;
}

/* The preconditioner of one solve. */
typedef struct BtPrecond
{
	const BtSystem *s;
	double	   *blocks;			/* packed Cholesky factors of small components */
	Size	   *block_off;		/* per component: offset in blocks, or -1 */
	double	   *level_inv;		/* per component: 1 / (1' J 1), 0 if none */
	double	   *tmp;			/* scratch, BT_DENSE_BLOCK_MAX */
} BtPrecond;

static void
bt_precond_init(BtPrecond *pc, const BtSystem *s)
{
	const BtPairs *p = s->pairs;
	int32		nc = s->ncomponents;
	Size		total = 0;
	int32		c,
				i;

	pc->s = s;
	pc->block_off = bt_alloc(sizeof(Size) * (nc + 1));
	pc->level_inv = bt_alloc0(sizeof(double) * (nc + 1));
	pc->tmp = palloc(sizeof(double) * BT_DENSE_BLOCK_MAX);
	for (c = 1; c <= nc; c++)
	{
		int32		size = s->comp_start[c + 1] - s->comp_start[c];

		if (size <= BT_DENSE_BLOCK_MAX)
		{
			pc->block_off[c] = total;
			total += PK(size, 0);
		}
		else
			pc->block_off[c] = (Size) -1;
	}
	pc->blocks = bt_alloc0(sizeof(double) * Max(total, 1));

	/* diagonal and prior sums */
	for (i = 0; i < p->nitems; i++)
	{
		c = s->component[i];
		if (pc->block_off[c] != (Size) -1)
		{
			int32		li = s->local[i];

			pc->blocks[pc->block_off[c] + PK(li, li)] = s->diag[i];
		}
		else
			pc->level_inv[c] += s->prior_info[i];
	}
	/* off-diagonal entries of the small blocks */
	for (i = 0; i < p->npairs; i++)
	{
		int32		a = p->a[i];

		c = s->component[a];
		if (pc->block_off[c] != (Size) -1 && s->w[i] != 0.0)
		{
			int32		la = s->local[a];
			int32		lb = s->local[p->b[i]];

			pc->blocks[pc->block_off[c] + PK(Max(la, lb), Min(la, lb))] -= s->w[i];
		}
	}
	for (c = 1; c <= nc; c++)
	{
		int32		size = s->comp_start[c + 1] - s->comp_start[c];

		if (pc->block_off[c] != (Size) -1)
		{
			double	   *blk = pc->blocks + pc->block_off[c];
			double		maxd = 0.0;
			int32		k;

			for (k = 0; k < size; k++)
				maxd = Max(maxd, blk[PK(k, k)]);
			(void) chol_packed(blk, size, 1e-12 * Max(maxd, 1e-300));
		}
		else
			pc->level_inv[c] = pc->level_inv[c] > 0.0 ? 1.0 / pc->level_inv[c] : 0.0;
	}
}

/* z = M^-1 r */
static void
bt_precond_apply(const BtPrecond *pc, const double *r, double *z)
{
	const BtSystem *s = pc->s;
	int32		nc = s->ncomponents;
	int32		c,
				k;

	for (c = 1; c <= nc; c++)
	{
		int32		start = s->comp_start[c];
		int32		size = s->comp_start[c + 1] - start;
		const int32 *mem = s->members + start;

		if (pc->block_off[c] != (Size) -1)
		{
			for (k = 0; k < size; k++)
				pc->tmp[k] = r[mem[k]];
			chol_solve_packed(pc->blocks + pc->block_off[c], size, pc->tmp);
			for (k = 0; k < size; k++)
				z[mem[k]] = pc->tmp[k];
		}
		else
		{
			double		sum = 0.0;

			for (k = 0; k < size; k++)
			{
				int32		i = mem[k];

				z[i] = s->diag[i] > 0.0 ? r[i] / s->diag[i] : 0.0;
				sum += r[i];
			}
			if (pc->level_inv[c] > 0.0)
			{
				sum *= pc->level_inv[c];
				for (k = 0; k < size; k++)
					z[mem[k]] += sum;
			}
		}
	}
	if (s->has_eta)
	{
		int32		n = s->pairs->nitems;

		z[n] = s->diag[n] > 0.0 ? r[n] / s->diag[n] : 0.0;
	}
}

static double
dot(const double *x, const double *y, int32 n)
{
	double		s = 0.0;
	int32		i;

	for (i = 0; i < n; i++)
		s += x[i] * y[i];
	return s;
}

/*
 * Solve J dx = g by preconditioned conjugate gradients, to a residual of
 * rtol * |g| or maxit iterations.  Returns the iterations used.
 */
int
bt_system_solve(const BtSystem *s, const double *g, double *dx, double rtol, int maxit)
{
	int32		n = s->n;
	double	   *r = bt_alloc(sizeof(double) * n);
	double	   *z = bt_alloc(sizeof(double) * n);
	double	   *pv = bt_alloc(sizeof(double) * n);
	double	   *q = bt_alloc(sizeof(double) * n);
	BtPrecond	pc;
	double		gnorm = sqrt(dot(g, g, n));
	double		rz;
	int			it;

	memset(dx, 0, sizeof(double) * n);
	if (gnorm == 0.0)
		return 0;
	bt_precond_init(&pc, s);
	memcpy(r, g, sizeof(double) * n);
	bt_precond_apply(&pc, r, z);
	memcpy(pv, z, sizeof(double) * n);
	rz = dot(r, z, n);
	for (it = 1; it <= maxit; it++)
	{
		double		pq,
					alpha,
					rz_new,
					beta;
		int32		i;

		CHECK_FOR_INTERRUPTS();
		bt_system_matvec(s, pv, q);
		pq = dot(pv, q, n);
		if (!(pq > 0.0) || !(rz > 0.0))
			break;
		alpha = rz / pq;
		for (i = 0; i < n; i++)
		{
			dx[i] += alpha * pv[i];
			r[i] -= alpha * q[i];
		}
		if (sqrt(dot(r, r, n)) <= rtol * gnorm)
			break;
		bt_precond_apply(&pc, r, z);
		rz_new = dot(r, z, n);
		beta = rz_new / rz;
		rz = rz_new;
		for (i = 0; i < n; i++)
			pv[i] = z[i] + beta * pv[i];
	}
	pfree(r);
	pfree(z);
	pfree(pv);
	pfree(q);
	return Min(it, maxit);
}

/*
 * Standard errors of the scores (eta held fixed); NaN where the prior is 0
 * (the level of a component is then not identified).
 */
void
bt_system_standard_errors(const BtSystem *s, double *se)
{
	const BtPairs *p = s->pairs;
	int32		nc = s->ncomponents;
	double	   *prior_sum = bt_alloc0(sizeof(double) * (nc + 1));
	int32	   *pair_comp;
	int32	   *pair_start;
	int32	   *pair_list;
	int32		c,
				i;

	for (i = 0; i < p->nitems; i++)
		prior_sum[s->component[i]] += s->prior_info[i];

	/* pairs grouped by component, for the dense blocks */
	pair_comp = bt_alloc(sizeof(int32) * Max(p->npairs, 1));
	for (i = 0; i < p->npairs; i++)
		pair_comp[i] = s->component[p->a[i]];
	pair_list = bt_group(pair_comp, p->npairs, nc, &pair_start);
	pfree(pair_comp);

	for (c = 1; c <= nc; c++)
	{
		int32		start = s->comp_start[c];
		int32		size = s->comp_start[c + 1] - start;
		const int32 *mem = s->members + start;
		int32		k;

		CHECK_FOR_INTERRUPTS();
		if (!(prior_sum[c] > 0.0))
		{
			for (k = 0; k < size; k++)
				se[mem[k]] = get_float8_nan();
			continue;
		}
		if (size <= BT_SE_EXACT_MAX)
		{
			double	   *l = palloc0(sizeof(double) * PK(size, 0));
			double	   *y = palloc(sizeof(double) * size);
			int32		j;

			for (k = 0; k < size; k++)
				l[PK(k, k)] = s->diag[mem[k]];
			for (j = pair_start[c]; j < pair_start[c + 1]; j++)
			{
				int32		pi = pair_list[j];
				int32		la = s->local[p->a[pi]];
				int32		lb = s->local[p->b[pi]];

				l[PK(Max(la, lb), Min(la, lb))] -= s->w[pi];
			}
			if (!chol_packed(l, size, 0.0))
			{
				for (k = 0; k < size; k++)
					se[mem[k]] = get_float8_nan();
			}
			else
			{
				/* (J^-1)_kk = |L^-1 e_k|^2 */
				for (k = 0; k < size; k++)
				{
					double		ss = 0.0;
					int32		r,
								q;

					for (r = k; r < size; r++)
					{
						double		v = (r == k) ? 1.0 : 0.0;

						for (q = k; q < r; q++)
							v -= l[PK(r, q)] * y[q];
						y[r] = v / l[PK(r, r)];
						ss += y[r] * y[r];
					}
					se[mem[k]] = sqrt(ss);
				}
			}
			pfree(l);
			pfree(y);
		}
		else
		{
			double		level = 1.0 / prior_sum[c];

			for (k = 0; k < size; k++)
			{
				int32		it = mem[k];

				se[it] = s->diag[it] > 0.0 ? sqrt(1.0 / s->diag[it] + level) : get_float8_nan();
			}
		}
	}
	pfree(prior_sum);
	pfree(pair_start);
	pfree(pair_list);
}
