/*-------------------------------------------------------------------------
 *
 * bt_gradient_check.c
 *	  bt_gradient_check(model, step, max_params): compares every analytic
 *	  derivative the fit uses with central finite differences of the
 *	  objective, at a point moved away from the fit (where the gradient is
 *	  not zero), and reports the analytic gradient at the fit itself (about
 *	  zero when the fit converged to a stationary point).
 *
 *	  Plain model: the gradient of the log-posterior in the scores and
 *	  log(nu), and the information matrix (the negative Hessian, which
 *	  Newton's method uses) times a fixed vector, against differences of the
 *	  gradient.  Noisy model: the gradient of the marginal log-posterior in
 *	  the scores, log(nu), logit(reliability) and the softmax coordinates of
 *	  each worker's noise shares.
 *
 * IDENTIFICATION
 *	  src/bt_gradient_check.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "bt.h"

/* Everything needed to evaluate the objective in unconstrained coordinates. */
typedef struct BtCheck
{
	const BtData *d;
	BtPairs    *p;
	int32	   *cell_pair;
	bool		noisy;
	bool		has_eta;
	double		prior;
	int32		nitems;
	int32		nworkers;
	int32		nx;				/* scores (+ eta) */
	int32		ntotal;			/* nx + workers * (1 + 3) when noisy */
	int			nout;			/* noise outcomes modelled */
	double	   *rel;			/* scratch: reliabilities */
	double	   *noise;			/* scratch: noise shares */
} BtCheck;

/* Reliabilities and noise shares from logit / softmax coordinates. */
static void
bt_check_workers(BtCheck *ck, const double *z)
{
	bt_worker_params(ck->nworkers, ck->nout, z + ck->nx, z + ck->nx + ck->nworkers,
					 BT_NOUTCOMES, ck->rel, ck->noise);
}

static double
bt_check_f(BtCheck *ck, const double *z)
{
	if (!ck->noisy)
	{
		BtObjective obj = {ck->p, ck->prior, ck->has_eta, ck->has_eta};

		return bt_objective(&obj, z);
	}
	bt_check_workers(ck, z);
	return bt_noisy_objective(ck->d, ck->p, ck->cell_pair, ck->has_eta, ck->prior,
							  z, ck->rel, ck->noise);
}

/* Analytic gradient in the same coordinates (length ntotal). */
static void
bt_check_g(BtCheck *ck, const double *z, double *g)
{
	if (!ck->noisy)
	{
		BtObjective obj = {ck->p, ck->prior, ck->has_eta, ck->has_eta};

		(void) bt_gradient(&obj, z, g);
		return;
	}
	bt_check_workers(ck, z);
	(void) bt_noisy_gradient(ck->d, ck->p, ck->cell_pair, ck->has_eta, ck->prior, z,
							 ck->rel, ck->noise, g, g + ck->nx, g + ck->nx + ck->nworkers);
}

static char *
bt_check_name(BtCheck *ck, const BtModelView *v, int32 k)
{
	int32		w;

	if (k < ck->nitems)
		return psprintf("score[%s]", bt_keys_cstring(&v->items, k));
	if (k < ck->nx)
		return pstrdup("log_nu");
	k -= ck->nx;
	if (k < ck->nworkers)
		return psprintf("logit_reliability[%s]", bt_keys_cstring(&v->workers, k));
	k -= ck->nworkers;
	w = k / BT_NOUTCOMES;
	return psprintf("%s[%s]", k % BT_NOUTCOMES == BT_WIN_A ? "noise_left" :
					k % BT_NOUTCOMES == BT_WIN_B ? "noise_right" : "noise_same",
					bt_keys_cstring(&v->workers, w));
}

static void
bt_check_emit(Tuplestorestate *ts, TupleDesc tupdesc, const char *kind, char *name,
			  double at_fit, double analytic, double numeric)
{
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	values[0] = CStringGetTextDatum(kind);
	values[1] = CStringGetTextDatum(name);
	if (isnan(at_fit))
		nulls[2] = true;
	else
		values[2] = Float8GetDatum(at_fit);
	values[3] = Float8GetDatum(analytic);
	values[4] = Float8GetDatum(numeric);
	tuplestore_putvalues(ts, tupdesc, values, nulls);
}

/* bt_gradient_check(model, step, max_params) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_gradient_check);
Datum
bt_gradient_check(PG_FUNCTION_ARGS)
{
	BtModel    *m = PG_GETARG_BT_MODEL_P(0);
	double		h = PG_GETARG_FLOAT8(1);
	int32		max_params = PG_GETARG_INT32(2);
	TupleDesc	tupdesc;
	Tuplestorestate *ts;
	BtModelView v;
	BtCheck		ck;
	double	   *z0,
			   *z,
			   *zt,
			   *g0,
			   *g,
			   *gp,
			   *gm,
			   *dir,
			   *jv;
	int32		nsel,
				s,
				i;
	int			o;

	if (!(h > 0.0) || !isfinite(h))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("step must be a positive finite number")));
	if (max_params < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_params must be at least 1")));
	ts = bt_srf_begin(fcinfo, &tupdesc);
	bt_model_view(m, &v);

	memset(&ck, 0, sizeof(ck));
	ck.d = bt_data_from_model(&v);
	ck.p = bt_pairs_from_data(ck.d, m->ties == BT_TIES_DAVIDSON, &ck.cell_pair);
	ck.noisy = (m->flags & BT_FLAG_NOISY) != 0;
	ck.has_eta = bt_ties_modelled(ck.p, (BtTies) m->ties);
	ck.prior = m->prior;
	ck.nitems = m->nitems;
	ck.nworkers = ck.noisy ? m->nworkers : 0;
	ck.nx = m->nitems + (ck.has_eta ? 1 : 0);
	ck.ntotal = ck.nx + ck.nworkers * (1 + BT_NOUTCOMES);
	ck.nout = ck.has_eta ? BT_NOUTCOMES : 2;
	ck.rel = bt_alloc(sizeof(double) * Max(ck.nworkers, 1));
	ck.noise = bt_alloc(sizeof(double) * BT_NOUTCOMES * Max(ck.nworkers, 1));

	z0 = bt_alloc0(sizeof(double) * (ck.ntotal + 1));
	z = bt_alloc0(sizeof(double) * (ck.ntotal + 1));
	zt = bt_alloc0(sizeof(double) * (ck.ntotal + 1));
	g0 = bt_alloc0(sizeof(double) * (ck.ntotal + 1));
	g = bt_alloc0(sizeof(double) * (ck.ntotal + 1));
	gp = bt_alloc0(sizeof(double) * (ck.ntotal + 1));
	gm = bt_alloc0(sizeof(double) * (ck.ntotal + 1));
	dir = bt_alloc0(sizeof(double) * (ck.ntotal + 1));
	jv = bt_alloc0(sizeof(double) * (ck.ntotal + 1));

	/* the fit in unconstrained coordinates */
	memcpy(z0, v.theta, sizeof(double) * m->nitems);
	if (ck.has_eta)
		z0[m->nitems] = log(m->nu);
	for (i = 0; i < ck.nworkers; i++)
	{
		double		q = v.reliability[i];

		z0[ck.nx + i] = log(q / (1.0 - q));
		for (o = 0; o < BT_NOUTCOMES; o++)
		{
			double		r = v.noise[BT_NOUTCOMES * (Size) i + o];

			z0[ck.nx + ck.nworkers + BT_NOUTCOMES * (Size) i + o] = r > 0.0 ? log(r) : 0.0;
		}
	}
	bt_check_g(&ck, z0, g0);

	/* a deterministic point away from the fit, and a direction */
	for (i = 0; i < ck.ntotal; i++)
	{
		z[i] = z0[i] + 0.25 * sin(1.7 * i + 0.3);
		dir[i] = cos(0.9 * i + 0.1);
	}
	bt_check_g(&ck, z, g);

	nsel = Min(max_params, ck.ntotal);
	for (s = 0; s < nsel; s++)
	{
		int32		k = (int32) ((int64) s * ck.ntotal / nsel);
		double		fp,
					fm;

		CHECK_FOR_INTERRUPTS();
		/* softmax coordinates of outcomes that are not modelled do not exist */
		if (k >= ck.nx + ck.nworkers &&
			(k - ck.nx - ck.nworkers) % BT_NOUTCOMES >= ck.nout)
			continue;
		memcpy(zt, z, sizeof(double) * ck.ntotal);
		zt[k] = z[k] + h;
		fp = bt_check_f(&ck, zt);
		zt[k] = z[k] - h;
		fm = bt_check_f(&ck, zt);
		bt_check_emit(ts, tupdesc, "gradient", bt_check_name(&ck, &v, k),
					  g0[k], g[k], (fp - fm) / (2.0 * h));
	}

	/* the information matrix times dir, against differences of the gradient */
	if (!ck.noisy)
	{
		BtObjective obj = {ck.p, ck.prior, ck.has_eta, ck.has_eta};

		bt_hessian_vector(&obj, z, dir, jv);
		for (i = 0; i < ck.ntotal; i++)
			zt[i] = z[i] + h * dir[i];
		bt_check_g(&ck, zt, gp);
		for (i = 0; i < ck.ntotal; i++)
			zt[i] = z[i] - h * dir[i];
		bt_check_g(&ck, zt, gm);
		nsel = Min(max_params, ck.nx);
		for (s = 0; s < nsel; s++)
		{
			int32		k = (int32) ((int64) s * ck.nx / nsel);

			bt_check_emit(ts, tupdesc, "hessian_vector", bt_check_name(&ck, &v, k),
						  get_float8_nan(), jv[k], -(gp[k] - gm[k]) / (2.0 * h));
		}
	}
	return (Datum) 0;
}
