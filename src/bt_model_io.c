/*-------------------------------------------------------------------------
 *
 * bt_model_io.c
 *	  Text and binary input/output of the bt_model type.
 *
 *	  The text form is one JSON object with a fixed key order:
 *	    {"bt_model": 1, "item_type": "text", "worker_type": null,
 *	     "method": "newton", "ties": "davidson", "prior": 1, "max_iter": 100,
 *	     "tol": 1e-09, "noisy": false, "iterations": 6, "converged": true,
 *	     "log_posterior": ..., "gradient_max": ..., "nu": ..., "components": 1,
 *	     "comparisons": 12, "rows_skipped": 0,
 *	     "items": [[key, score, se, component], ...],
 *	     "workers": [[key, reliability, noise_left, noise_right, noise_same], ...],
 *	     "cells": [[worker, a, b, a_wins, b_wins, ties], ...]}
 *	  Doubles are printed in their shortest exact form and read as JSON
 *	  numbers of any length, correctly rounded (json_number.c), so text
 *	  output and input round-trip exactly; a value that is not available
 *	  (NaN) is null, and infinities are the strings "Infinity" /
 *	  "-Infinity".  Stored and sent doubles are canonical (+0.0 for -0.0, one
 *	  NaN), so text and binary give the same bytes.  Cells refer to
 *	  items and workers by position (0-based) in their lists.
 *
 *	  Input (text or binary) is checked completely before a model is built
 *	  (bt_model_check): keys sorted and distinct, cells sorted, canonical and
 *	  in range, counts consistent, options valid, fitted values in range and
 *	  components equal to those of the comparison graph.
 *
 * IDENTIFICATION
 *	  src/bt_model_io.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "bt.h"

/* A model read from text or binary input, before it is checked and built. */
typedef struct BtModelInput
{
	BtData		d;
	BtFitOptions o;
	BtFit	   *fit;
	BtCell	   *cells;			/* writable alias of d.cells */
} BtModelInput;

static void
bt_input_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid bt_model value"),
			 errdetail("%s", detail)));
}

static bool
bt_is_code(int c, const char *codes)
{
	return c != 0 && strchr(codes, c) != NULL;
}

/*
 * Check a model read from outside; every reader may then trust the value.
 */
static void
bt_model_check(BtModelInput *in)
{
	const BtData *d = &in->d;
	const BtFitOptions *o = &in->o;
	const BtFit *f = in->fit;
	int64		total = 0;
	int32	   *comp;
	int32		ncomp;
	BtPairs    *p;
	int32		i;

	if (!bt_is_code(o->method, "nm") || !bt_is_code(o->ties, "di"))
		bt_input_error("Unknown method or ties option.");
	if (o->method == BT_METHOD_MM && (o->ties != BT_TIES_IGNORE || o->noisy))
		bt_input_error("Method mm needs ties 'ignore' and no noisy model.");
	if (o->noisy && !d->has_worker)
		bt_input_error("A noisy model needs workers.");
	if (!isfinite(o->prior) || o->prior < 0.0 || !isfinite(o->tol) || o->tol < 0.0 ||
		o->max_iter < 1 || o->max_iter > BT_MAX_ITER ||
		f->iterations < 0 || f->iterations > o->max_iter)
		bt_input_error("Invalid prior, tol, max_iter or iterations.");
	if (!isfinite(f->nu) || f->nu < 0.0 || (o->ties == BT_TIES_IGNORE && f->nu != 0.0) ||
		isnan(f->log_posterior) || isnan(f->gradient_max) || f->gradient_max < 0.0)
		bt_input_error("Invalid nu, log_posterior or gradient_max.");
	if (d->rows_skipped < 0)
		bt_input_error("Invalid rows_skipped.");

	for (i = 1; i < d->items.n; i++)
		if (bt_keys_cmp(&d->items, i - 1, i) >= 0)
			bt_input_error("Items must be distinct and in ascending order.");
	for (i = 1; i < d->workers.n; i++)
		if (bt_keys_cmp(&d->workers, i - 1, i) >= 0)
			bt_input_error("Workers must be distinct and in ascending order.");

	for (i = 0; i < d->ncells; i++)
	{
		const BtCell *c = &d->cells[i];

		if (c->a < 0 || c->a >= d->items.n || c->b < 0 || c->b >= d->items.n ||
			c->a == c->b || c->worker < 0 ||
			(d->has_worker ? c->worker >= d->workers.n : (c->worker != 0 || c->a > c->b)))
			bt_input_error("A cell refers to an unknown item or worker, or is not canonical.");
		if (c->n[0] < 0 || c->n[1] < 0 || c->n[2] < 0 ||
			(int64) c->n[0] + c->n[1] + c->n[2] == 0)
			bt_input_error("A cell has a negative or no count.");
		if (i > 0)
		{
			const BtCell *q = &d->cells[i - 1];

			if (q->worker > c->worker ||
				(q->worker == c->worker && (q->a > c->a || (q->a == c->a && q->b >= c->b))))
				bt_input_error("Cells must be distinct and sorted by (worker, a, b).");
		}
		total += (int64) c->n[0] + c->n[1] + c->n[2];
	}
	if (total != d->rows || d->rows == 0)
		bt_input_error("The comparison count does not match the cells.");

	for (i = 0; i < d->items.n; i++)
	{
		double		th = f->theta[i];
		double		se = f->se[i];

		if (isnan(th) || th == get_float8_infinity() ||
			(th == -get_float8_infinity() && o->prior > 0.0))
			bt_input_error("Invalid score.");
		if (!(isnan(se) || (isfinite(se) && se >= 0.0)))
			bt_input_error("Invalid standard error.");
	}
	for (i = 0; i < d->workers.n; i++)
	{
		double		q = f->reliability[i];
		const double *rho = f->noise + BT_NOUTCOMES * (Size) i;
		int			k;

		if (o->noisy ? !(q >= 0.0 && q <= 1.0) : !isnan(q))
			bt_input_error("Invalid worker reliability.");
		for (k = 0; k < BT_NOUTCOMES; k++)
			if (o->noisy ? !(rho[k] >= 0.0 && rho[k] <= 1.0) : !isnan(rho[k]))
				bt_input_error("Invalid worker noise share.");
	}

	/* components must be those of the comparison graph */
	p = bt_pairs_from_data(d, o->ties == BT_TIES_DAVIDSON, NULL);
	comp = bt_alloc(sizeof(int32) * Max(d->items.n, 1));
	ncomp = bt_components(p, comp);
	if (ncomp != f->ncomponents ||
		memcmp(comp, f->component, sizeof(int32) * (Size) d->items.n) != 0)
		bt_input_error("The components do not match the comparisons.");
}

/* Allocate the arrays of an input model once its sizes are known. */
static void
bt_input_alloc(BtModelInput *in, int item_kind, int32 nitems, int worker_kind,
			   int32 nworkers, int32 ncells)
{
	BtKeys	   *ks[2] = {&in->d.items, &in->d.workers};
	int			kinds[2] = {item_kind, worker_kind};
	int32		ns[2] = {nitems, nworkers};
	int			j;

	if (nitems < 0 || nworkers < 0 || ncells < 0 || ncells > BT_MAX_CELLS ||
		(worker_kind == 0 && nworkers != 0))
		bt_input_error("Invalid item, worker or cell count.");
	for (j = 0; j < 2; j++)
	{
		BtKeys	   *k = ks[j];
		Size		n = Max(ns[j], 1);

		k->kind = kinds[j] ? kinds[j] : KEY_TEXT;
		k->n = ns[j];
		k->ints = bt_alloc(sizeof(int64) * n);
		k->strs = bt_alloc(sizeof(char *) * n);
		k->lens = bt_alloc(sizeof(int32) * n);
	}
	in->d.has_worker = worker_kind != 0;
	in->d.ncells = ncells;
	in->cells = bt_alloc(sizeof(BtCell) * Max(ncells, 1));
	in->d.cells = in->cells;
	in->fit = bt_fit_alloc(nitems, nworkers);
	if (nworkers == 0)
	{
		in->fit->reliability = palloc(sizeof(double));
		in->fit->noise = palloc(sizeof(double) * BT_NOUTCOMES);
	}
}

/* ----------------------------------------------------------------
 * Text output
 * ----------------------------------------------------------------
 */

static void
bt_out_double(StringInfo buf, double v)
{
	if (isnan(v))
		appendStringInfoString(buf, "null");
	else if (isinf(v))
		appendStringInfoString(buf, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
	else
		labeling_append_double(buf, v);
}

static void
bt_out_key(StringInfo buf, const BtKeys *k, int32 i)
{
	if (k->kind == KEY_INT8)
		appendStringInfo(buf, INT64_FORMAT, k->ints[i]);
	else
	{
		char	   *s = pnstrdup(k->strs[i], k->lens[i]);

		escape_json(buf, s);
		pfree(s);
	}
}

static const char *
bt_kind_name(int kind)
{
	return kind == KEY_INT8 ? "\"bigint\"" : kind == KEY_TEXT ? "\"text\"" : "null";
}

/* Text output */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_model_out);
Datum
bt_model_out(PG_FUNCTION_ARGS)
{
	BtModel    *m = PG_GETARG_BT_MODEL_P(0);
	BtModelView v;
	StringInfoData buf;
	int32		i;

	bt_model_view(m, &v);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"bt_model\": %d, \"item_type\": %s, \"worker_type\": %s",
					 BT_MODEL_VERSION, bt_kind_name(m->item_kind), bt_kind_name(m->worker_kind));
	appendStringInfo(&buf, ", \"method\": \"%s\", \"ties\": \"%s\", \"prior\": ",
					 bt_method_name(m->method), bt_ties_name(m->ties));
	bt_out_double(&buf, m->prior);
	appendStringInfo(&buf, ", \"max_iter\": %d, \"tol\": ", m->max_iter);
	bt_out_double(&buf, m->tol);
	appendStringInfo(&buf, ", \"noisy\": %s, \"iterations\": %d, \"converged\": %s, \"log_posterior\": ",
					 (m->flags & BT_FLAG_NOISY) ? "true" : "false", m->iterations,
					 (m->flags & BT_FLAG_CONVERGED) ? "true" : "false");
	bt_out_double(&buf, m->log_posterior);
	appendStringInfoString(&buf, ", \"gradient_max\": ");
	bt_out_double(&buf, m->gradient_max);
	appendStringInfoString(&buf, ", \"nu\": ");
	bt_out_double(&buf, m->nu);
	appendStringInfo(&buf, ", \"components\": %d, \"comparisons\": " INT64_FORMAT
					 ", \"rows_skipped\": " INT64_FORMAT ", \"items\": [",
					 m->ncomponents, m->rows, m->rows_skipped);
	for (i = 0; i < m->nitems; i++)
	{
		CHECK_FOR_INTERRUPTS();
		appendStringInfoString(&buf, i > 0 ? ", [" : "[");
		bt_out_key(&buf, &v.items, i);
		appendStringInfoString(&buf, ", ");
		bt_out_double(&buf, v.theta[i]);
		appendStringInfoString(&buf, ", ");
		bt_out_double(&buf, v.se[i]);
		appendStringInfo(&buf, ", %d]", v.component[i]);
	}
	appendStringInfoString(&buf, "], \"workers\": [");
	for (i = 0; i < m->nworkers; i++)
	{
		int			k;

		appendStringInfoString(&buf, i > 0 ? ", [" : "[");
		bt_out_key(&buf, &v.workers, i);
		appendStringInfoString(&buf, ", ");
		bt_out_double(&buf, v.reliability[i]);
		for (k = 0; k < BT_NOUTCOMES; k++)
		{
			appendStringInfoString(&buf, ", ");
			bt_out_double(&buf, v.noise[BT_NOUTCOMES * (Size) i + k]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "], \"cells\": [");
	for (i = 0; i < m->ncells; i++)
	{
		const BtCell *c = &v.cells[i];

		CHECK_FOR_INTERRUPTS();
		appendStringInfo(&buf, "%s[%d, %d, %d, %d, %d, %d]", i > 0 ? ", " : "",
						 c->worker, c->a, c->b, c->n[0], c->n[1], c->n[2]);
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

/* ----------------------------------------------------------------
 * Text input: a strict reader of the layout above (any JSON whitespace)
 * ----------------------------------------------------------------
 */

typedef struct BtParser
{
	const char *s;				/* the whole input */
	const char *p;				/* current position */
	StringInfoData str;			/* last string token */
} BtParser;

static void
bt_syntax_error(BtParser *ps, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type bt_model"),
			 errdetail("Expected %s at character %d.", what, (int) (ps->p - ps->s) + 1)));
}

static void
bt_ws(BtParser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static void
bt_expect(BtParser *ps, char c)
{
	char		what[8];

	bt_ws(ps);
	if (*ps->p != c)
	{
		snprintf(what, sizeof(what), "\"%c\"", c);
		bt_syntax_error(ps, what);
	}
	ps->p++;
}

static bool
bt_word(BtParser *ps, const char *w)
{
	size_t		len = strlen(w);

	bt_ws(ps);
	if (strncmp(ps->p, w, len) == 0)
	{
		ps->p += len;
		return true;
	}
	return false;
}

static int
bt_hex4(BtParser *ps)
{
	int			v = 0;
	int			i;

	for (i = 0; i < 4; i++)
	{
		char		c = *ps->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
		{
			ps->p--;
			bt_syntax_error(ps, "four hexadecimal digits");
		}
	}
	return v;
}

/* A JSON string into ps->str (escapes resolved, \u in the server encoding). */
static void
bt_string(BtParser *ps)
{
	bt_expect(ps, '"');
	resetStringInfo(&ps->str);
	for (;;)
	{
		char		c = *ps->p;

		if (c == '\0')
			bt_syntax_error(ps, "a closing quote");
		ps->p++;
		if (c == '"')
			break;
		if ((unsigned char) c < 0x20)
		{
			ps->p--;
			bt_syntax_error(ps, "an escaped control character");
		}
		if (c != '\\')
		{
			appendStringInfoChar(&ps->str, c);
			continue;
		}
		c = *ps->p++;
		switch (c)
		{
			case '"':
			case '\\':
			case '/':
				appendStringInfoChar(&ps->str, c);
				break;
			case 'b':
				appendStringInfoChar(&ps->str, '\b');
				break;
			case 'f':
				appendStringInfoChar(&ps->str, '\f');
				break;
			case 'n':
				appendStringInfoChar(&ps->str, '\n');
				break;
			case 'r':
				appendStringInfoChar(&ps->str, '\r');
				break;
			case 't':
				appendStringInfoChar(&ps->str, '\t');
				break;
			case 'u':
				{
					pg_wchar	cp = bt_hex4(ps);
					unsigned char mb[MAX_MULTIBYTE_CHAR_LEN + 1];

					if (is_utf16_surrogate_first(cp))
					{
						if (ps->p[0] != '\\' || ps->p[1] != 'u')
							bt_syntax_error(ps, "a low surrogate");
						ps->p += 2;
						cp = surrogate_pair_to_codepoint(cp, bt_hex4(ps));
					}
					else if (is_utf16_surrogate_second(cp))
						bt_syntax_error(ps, "no lone low surrogate");
					if (cp == 0)
						bt_syntax_error(ps, "no \\u0000");
					pg_unicode_to_server(cp, mb);
					appendStringInfoString(&ps->str, (char *) mb);
					break;
				}
			default:
				ps->p--;
				bt_syntax_error(ps, "a valid escape");
		}
	}
	/* the result must be valid in the server encoding */
	(void) pg_verifymbstr(ps->str.data, ps->str.len, false);
}

static void
bt_key(BtParser *ps, const char *name)
{
	char		what[64];

	bt_string(ps);
	if (strcmp(ps->str.data, name) != 0)
	{
		snprintf(what, sizeof(what), "key \"%s\"", name);
		bt_syntax_error(ps, what);
	}
	bt_expect(ps, ':');
}

/* A JSON integer (no fraction or exponent) as int64. */
static int64
bt_int64(BtParser *ps)
{
	bool		neg = false;
	int64		v = 0;
	const char *start;

	bt_ws(ps);
	if (*ps->p == '-')
	{
		neg = true;
		ps->p++;
	}
	start = ps->p;
	if (*ps->p == '0' && ps->p[1] >= '0' && ps->p[1] <= '9')
		bt_syntax_error(ps, "an integer without leading zeros");
	while (*ps->p >= '0' && *ps->p <= '9')
	{
		/* accumulate negatively so that INT64_MIN fits */
		if (pg_mul_s64_overflow(v, 10, &v) || pg_sub_s64_overflow(v, *ps->p - '0', &v))
			bt_syntax_error(ps, "an integer in range");
		ps->p++;
	}
	if (ps->p == start)
		bt_syntax_error(ps, "an integer");
	if (!neg)
	{
		if (v == PG_INT64_MIN)
			bt_syntax_error(ps, "an integer in range");
		v = -v;
	}
	return v;
}

static int32
bt_int32(BtParser *ps)
{
	int64		v = bt_int64(ps);

	if (v < PG_INT32_MIN || v > PG_INT32_MAX)
		bt_syntax_error(ps, "a 32-bit integer");
	return (int32) v;
}

/* A JSON number, null (NaN) or "Infinity" / "-Infinity". */
static double
bt_double(BtParser *ps)
{
	const char *start;
	const char *end;
	double		v;

	bt_ws(ps);
	if (bt_word(ps, "null"))
		return get_float8_nan();
	if (*ps->p == '"')
	{
		bt_string(ps);
		if (strcmp(ps->str.data, "Infinity") == 0)
			return get_float8_infinity();
		if (strcmp(ps->str.data, "-Infinity") == 0)
			return -get_float8_infinity();
		bt_syntax_error(ps, "a number");
	}
	start = ps->p;
	end = labeling_json_number_end(start);
	if (end == NULL)
		bt_syntax_error(ps, "a JSON number");
	if (!labeling_json_number_to_double(start, end - start, &v))
		bt_syntax_error(ps, "a number in the range of double precision");
	ps->p = end;
	return v;
}

static bool
bt_bool(BtParser *ps)
{
	if (bt_word(ps, "true"))
		return true;
	if (bt_word(ps, "false"))
		return false;
	bt_syntax_error(ps, "true or false");
	return false;
}

static int
bt_kind(BtParser *ps, bool nullable)
{
	if (nullable && bt_word(ps, "null"))
		return 0;
	bt_string(ps);
	if (strcmp(ps->str.data, "bigint") == 0)
		return KEY_INT8;
	if (strcmp(ps->str.data, "text") == 0)
		return KEY_TEXT;
	bt_syntax_error(ps, "\"bigint\" or \"text\"");
	return 0;
}

/*
 * Count the elements of the array at ps->p without consuming it; *end gets
 * the position just after its closing bracket.
 */
static int32
bt_count_array(BtParser *ps, const char **end)
{
	const char *p;
	int			depth = 0;
	bool		instr = false;
	int64		n = 0;

	bt_ws(ps);
	if (*ps->p != '[')
		bt_syntax_error(ps, "\"[\"");
	p = ps->p + 1;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == ']')
	{
		*end = p + 1;
		return 0;
	}
	for (p = ps->p; *p; p++)
	{
		if (instr)
		{
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				instr = false;
		}
		else if (*p == '"')
			instr = true;
		else if (*p == '[' || *p == '{')
			depth++;
		else if (*p == ']' || *p == '}')
		{
			if (--depth == 0)
				break;
		}
		else if (*p == ',' && depth == 1)
			n++;
	}
	if (*p == '\0')
		bt_syntax_error(ps, "a closed array");
	if (n >= PG_INT32_MAX)
		bt_syntax_error(ps, "a shorter array");
	*end = p + 1;
	return (int32) n + 1;
}

static void
bt_parse_key_into(BtParser *ps, BtKeys *k, int32 i)
{
	if (k->kind == KEY_INT8)
		k->ints[i] = bt_int64(ps);
	else
	{
		bt_string(ps);
		k->strs[i] = pstrdup(ps->str.data);
		k->lens[i] = ps->str.len;
	}
}

/* Text input */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_model_in);
Datum
bt_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	BtParser	ps;
	BtModelInput in;
	BtFit		scalars;
	int			item_kind,
				worker_kind;
	int32		nitems,
				nworkers,
				ncells;
	int32		i;
	const char *items_at;

	memset(&in, 0, sizeof(in));
	memset(&scalars, 0, sizeof(scalars));
	ps.s = ps.p = str;
	initStringInfo(&ps.str);
	bt_expect(&ps, '{');
	bt_key(&ps, "bt_model");
	if (bt_int32(&ps) != BT_MODEL_VERSION)
		bt_syntax_error(&ps, "bt_model version 1");
	bt_expect(&ps, ',');
	bt_key(&ps, "item_type");
	item_kind = bt_kind(&ps, false);
	bt_expect(&ps, ',');
	bt_key(&ps, "worker_type");
	worker_kind = bt_kind(&ps, true);
	bt_expect(&ps, ',');
	bt_key(&ps, "method");
	bt_string(&ps);
	if (strcmp(ps.str.data, "newton") == 0)
		in.o.method = BT_METHOD_NEWTON;
	else if (strcmp(ps.str.data, "mm") == 0)
		in.o.method = BT_METHOD_MM;
	else
		bt_syntax_error(&ps, "method \"newton\" or \"mm\"");
	bt_expect(&ps, ',');
	bt_key(&ps, "ties");
	bt_string(&ps);
	if (strcmp(ps.str.data, "davidson") == 0)
		in.o.ties = BT_TIES_DAVIDSON;
	else if (strcmp(ps.str.data, "ignore") == 0)
		in.o.ties = BT_TIES_IGNORE;
	else
		bt_syntax_error(&ps, "ties \"davidson\" or \"ignore\"");
	bt_expect(&ps, ',');
	bt_key(&ps, "prior");
	in.o.prior = bt_double(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "max_iter");
	in.o.max_iter = bt_int32(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "tol");
	in.o.tol = bt_double(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "noisy");
	in.o.noisy = bt_bool(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "iterations");
	scalars.iterations = bt_int32(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "converged");
	scalars.converged = bt_bool(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "log_posterior");
	scalars.log_posterior = bt_double(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "gradient_max");
	scalars.gradient_max = bt_double(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "nu");
	scalars.nu = bt_double(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "components");
	scalars.ncomponents = bt_int32(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "comparisons");
	in.d.rows = bt_int64(&ps);
	bt_expect(&ps, ',');
	bt_key(&ps, "rows_skipped");
	in.d.rows_skipped = bt_int64(&ps);
	bt_expect(&ps, ',');

	/* the sizes come from the lists: count them first, then read them */
	bt_key(&ps, "items");
	items_at = ps.p;
	nitems = bt_count_array(&ps, &ps.p);
	bt_expect(&ps, ',');
	bt_key(&ps, "workers");
	nworkers = bt_count_array(&ps, &ps.p);
	bt_expect(&ps, ',');
	bt_key(&ps, "cells");
	ncells = bt_count_array(&ps, &ps.p);
	ps.p = items_at;
	bt_input_alloc(&in, item_kind, nitems, worker_kind, nworkers, ncells);
	in.fit->iterations = scalars.iterations;
	in.fit->converged = scalars.converged;
	in.fit->log_posterior = scalars.log_posterior;
	in.fit->gradient_max = scalars.gradient_max;
	in.fit->nu = scalars.nu;
	in.fit->ncomponents = scalars.ncomponents;

	bt_expect(&ps, '[');
	for (i = 0; i < nitems; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			bt_expect(&ps, ',');
		bt_expect(&ps, '[');
		bt_parse_key_into(&ps, &in.d.items, i);
		bt_expect(&ps, ',');
		in.fit->theta[i] = bt_double(&ps);
		bt_expect(&ps, ',');
		in.fit->se[i] = bt_double(&ps);
		bt_expect(&ps, ',');
		in.fit->component[i] = bt_int32(&ps);
		bt_expect(&ps, ']');
	}
	bt_expect(&ps, ']');
	bt_expect(&ps, ',');

	bt_key(&ps, "workers");
	bt_expect(&ps, '[');
	for (i = 0; i < nworkers; i++)
	{
		int			k;

		if (i > 0)
			bt_expect(&ps, ',');
		bt_expect(&ps, '[');
		bt_parse_key_into(&ps, &in.d.workers, i);
		bt_expect(&ps, ',');
		in.fit->reliability[i] = bt_double(&ps);
		for (k = 0; k < BT_NOUTCOMES; k++)
		{
			bt_expect(&ps, ',');
			in.fit->noise[BT_NOUTCOMES * (Size) i + k] = bt_double(&ps);
		}
		bt_expect(&ps, ']');
	}
	bt_expect(&ps, ']');
	bt_expect(&ps, ',');

	bt_key(&ps, "cells");
	bt_expect(&ps, '[');
	for (i = 0; i < ncells; i++)
	{
		BtCell	   *c = &in.cells[i];

		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			bt_expect(&ps, ',');
		bt_expect(&ps, '[');
		c->worker = bt_int32(&ps);
		bt_expect(&ps, ',');
		c->a = bt_int32(&ps);
		bt_expect(&ps, ',');
		c->b = bt_int32(&ps);
		bt_expect(&ps, ',');
		c->n[0] = bt_int32(&ps);
		bt_expect(&ps, ',');
		c->n[1] = bt_int32(&ps);
		bt_expect(&ps, ',');
		c->n[2] = bt_int32(&ps);
		bt_expect(&ps, ']');
	}
	bt_expect(&ps, ']');
	bt_expect(&ps, '}');
	bt_ws(&ps);
	if (*ps.p != '\0')
		bt_syntax_error(&ps, "the end of the input");

	bt_model_check(&in);
	PG_RETURN_POINTER(bt_model_build(&in.d, &in.o, in.fit));
}

/* ----------------------------------------------------------------
 * Binary I/O
 * ----------------------------------------------------------------
 */

static void
bt_send_key(StringInfo buf, const BtKeys *k, int32 i)
{
	if (k->kind == KEY_INT8)
		pq_sendint64(buf, k->ints[i]);
	else
	{
		char	   *s = pnstrdup(k->strs[i], k->lens[i]);

		pq_sendstring(buf, s);
		pfree(s);
	}
}

/*
 * Binary output: version, key kinds, method, ties, flags, the counts, the
 * fit's scalars, then the items (key, score, se, component), the workers
 * (key, reliability, three noise shares) and the cells (six int32).  Text
 * keys are NUL-terminated strings in the client encoding.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_model_send);
Datum
bt_model_send(PG_FUNCTION_ARGS)
{
	BtModel    *m = PG_GETARG_BT_MODEL_P(0);
	BtModelView v;
	StringInfoData buf;
	int32		i;
	int			k;

	bt_model_view(m, &v);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, m->version);
	pq_sendbyte(&buf, m->item_kind);
	pq_sendbyte(&buf, m->worker_kind);
	pq_sendbyte(&buf, m->method);
	pq_sendbyte(&buf, m->ties);
	pq_sendbyte(&buf, m->flags);
	pq_sendint32(&buf, m->nitems);
	pq_sendint32(&buf, m->nworkers);
	pq_sendint32(&buf, m->ncells);
	pq_sendint32(&buf, m->ncomponents);
	pq_sendint32(&buf, m->max_iter);
	pq_sendint32(&buf, m->iterations);
	pq_sendint64(&buf, m->rows);
	pq_sendint64(&buf, m->rows_skipped);
	labeling_send_double(&buf, m->prior);
	labeling_send_double(&buf, m->tol);
	labeling_send_double(&buf, m->nu);
	labeling_send_double(&buf, m->log_posterior);
	labeling_send_double(&buf, m->gradient_max);
	for (i = 0; i < m->nitems; i++)
	{
		bt_send_key(&buf, &v.items, i);
		labeling_send_double(&buf, v.theta[i]);
		labeling_send_double(&buf, v.se[i]);
		pq_sendint32(&buf, v.component[i]);
	}
	for (i = 0; i < m->nworkers; i++)
	{
		bt_send_key(&buf, &v.workers, i);
		labeling_send_double(&buf, v.reliability[i]);
		for (k = 0; k < BT_NOUTCOMES; k++)
			labeling_send_double(&buf, v.noise[BT_NOUTCOMES * (Size) i + k]);
	}
	for (i = 0; i < m->ncells; i++)
	{
		const BtCell *c = &v.cells[i];

		pq_sendint32(&buf, c->worker);
		pq_sendint32(&buf, c->a);
		pq_sendint32(&buf, c->b);
		for (k = 0; k < BT_NOUTCOMES; k++)
			pq_sendint32(&buf, c->n[k]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
bt_recv_key(StringInfo buf, BtKeys *k, int32 i)
{
	if (k->kind == KEY_INT8)
		k->ints[i] = pq_getmsgint64(buf);
	else
	{
		const char *s = pq_getmsgstring(buf);

		k->strs[i] = s;
		k->lens[i] = strlen(s);
	}
}

/* Binary input: the format of bt_model_send, checked like text input */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(bt_model_recv);
Datum
bt_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	BtModelInput in;
	int			item_kind,
				worker_kind,
				flags;
	int32		nitems,
				nworkers,
				ncells;
	Size		left;
	int32		i;
	int			k;

	memset(&in, 0, sizeof(in));
	if (pq_getmsgbyte(buf) != BT_MODEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary bt_model version")));
	item_kind = pq_getmsgbyte(buf);
	worker_kind = pq_getmsgbyte(buf);
	in.o.method = (BtMethod) pq_getmsgbyte(buf);
	in.o.ties = (BtTies) pq_getmsgbyte(buf);
	flags = pq_getmsgbyte(buf);
	if (!bt_is_code(item_kind, "ti") || (worker_kind != 0 && !bt_is_code(worker_kind, "ti")) ||
		(flags & ~(BT_FLAG_CONVERGED | BT_FLAG_NOISY)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary bt_model header")));
	in.o.noisy = (flags & BT_FLAG_NOISY) != 0;
	nitems = pq_getmsgint(buf, 4);
	nworkers = pq_getmsgint(buf, 4);
	ncells = pq_getmsgint(buf, 4);
	/* every item, worker and cell takes more than 8 bytes */
	left = buf->len - buf->cursor;
	if (nitems < 0 || nworkers < 0 || ncells < 0 ||
		(Size) nitems + nworkers + ncells > left / 8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("insufficient data left in message")));
	bt_input_alloc(&in, item_kind, nitems, worker_kind, nworkers, ncells);
	in.fit->converged = (flags & BT_FLAG_CONVERGED) != 0;
	in.fit->ncomponents = pq_getmsgint(buf, 4);
	in.o.max_iter = pq_getmsgint(buf, 4);
	in.fit->iterations = pq_getmsgint(buf, 4);
	in.d.rows = pq_getmsgint64(buf);
	in.d.rows_skipped = pq_getmsgint64(buf);
	in.o.prior = pq_getmsgfloat8(buf);
	in.o.tol = pq_getmsgfloat8(buf);
	in.fit->nu = pq_getmsgfloat8(buf);
	in.fit->log_posterior = pq_getmsgfloat8(buf);
	in.fit->gradient_max = pq_getmsgfloat8(buf);
	for (i = 0; i < nitems; i++)
	{
		bt_recv_key(buf, &in.d.items, i);
		in.fit->theta[i] = pq_getmsgfloat8(buf);
		in.fit->se[i] = pq_getmsgfloat8(buf);
		in.fit->component[i] = pq_getmsgint(buf, 4);
	}
	for (i = 0; i < nworkers; i++)
	{
		bt_recv_key(buf, &in.d.workers, i);
		in.fit->reliability[i] = pq_getmsgfloat8(buf);
		for (k = 0; k < BT_NOUTCOMES; k++)
			in.fit->noise[BT_NOUTCOMES * (Size) i + k] = pq_getmsgfloat8(buf);
	}
	for (i = 0; i < ncells; i++)
	{
		BtCell	   *c = &in.cells[i];

		c->worker = pq_getmsgint(buf, 4);
		c->a = pq_getmsgint(buf, 4);
		c->b = pq_getmsgint(buf, 4);
		for (k = 0; k < BT_NOUTCOMES; k++)
			c->n[k] = pq_getmsgint(buf, 4);
	}
	bt_model_check(&in);
	PG_RETURN_POINTER(bt_model_build(&in.d, &in.o, in.fit));
}
