/*-------------------------------------------------------------------------
 *
 * truth_model_text.c
 *	  Text input and output of truth_model.
 *
 *	  The text form is a JSON object with its keys in a fixed order:
 *
 *	    {"format": 1, "method": "dawid_skene", "task_type": "bigint",
 *	     "worker_type": "text", "labels": ["a", "b"], "judgments": 6,
 *	     "iterations": 4, "converged": true, "max_iterations": 100,
 *	     "tolerance": 1e-07, "smoothing": 0.01, "crowdkit_compat": false,
 *	     "warm_start": false, "priors": [0.5, 0.5],
 *	     "confusion_prior": [[P(label | class)...] per class] (dawid_skene),
 *	     "objective": [...],
 *	     "tasks": [[key, judgments, gold label or null, [posterior], beta?], ...],
 *	     "workers": [[key, judgments, skill, ...], ...]}
 *
 *	  Workers carry, after their skill: for dawid_skene their confusion
 *	  columns ([[observed label, [P(label | class) per class]], ...]) and
 *	  per class the weight of the pooled matrix (confusion_prior) for the
 *	  labels they never gave; for glad
 *	  their ability alpha; nothing more for one_coin and wawa.  Tasks carry
 *	  GLAD's beta last.  Doubles are written in their shortest exact form
 *	  and read back correctly rounded whatever their length (json_number.c),
 *	  so output -> input -> output is the identity.  Input is parsed with
 *	  PostgreSQL's JSON lexer, token by token (no tree is built), and the
 *	  result goes through the full consistency check.
 *
 * IDENTIFICATION
 *	  src/truth_model_text.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"

#include "truth_model.h"

/* ----------------------------------------------------------------
 * Output
 * ----------------------------------------------------------------
 */

/* A string of len bytes (not NUL-terminated) as a JSON string. */
void
truth_append_json_string(StringInfo buf, const char *s, int len)
{
	char	   *z = pnstrdup(s, len);

	escape_json(buf, z);
	pfree(z);
}

static void
append_doubles(StringInfo buf, const double *a, int32 n)
{
	int32		i;

	appendStringInfoChar(buf, '[');
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		labeling_append_double(buf, a[i]);
	}
	appendStringInfoChar(buf, ']');
}

static void
append_key(StringInfo buf, const TruthModelView *v, bool task, int32 i)
{
	const TruthModel *m = v->m;

	if ((task ? m->task_kind : m->worker_kind) == KEY_INT8)
		appendStringInfo(buf, INT64_FORMAT, task ? v->task_int[i] : v->worker_int[i]);
	else if (task)
		truth_append_json_string(buf, TRUTH_TASK_TEXT(v, i), TRUTH_TASK_TEXTLEN(v, i));
	else
		truth_append_json_string(buf, TRUTH_WORKER_TEXT(v, i), TRUTH_WORKER_TEXTLEN(v, i));
}

static char *
truth_model_to_cstring(const TruthModel *m)
{
	TruthModelView v;
	StringInfoData buf;
	Size		K = m->nclasses;
	int32		i;
	int32		c;

	truth_model_view(m, &v);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"format\": %d, \"method\": \"%s\", \"task_type\": \"%s\", \"worker_type\": \"%s\", \"labels\": [",
					 m->format, truth_method_name((TruthMethod) m->method),
					 m->task_kind == KEY_INT8 ? "bigint" : "text",
					 m->worker_kind == KEY_INT8 ? "bigint" : "text");
	for (c = 0; c < m->nclasses; c++)
	{
		if (c > 0)
			appendStringInfoString(&buf, ", ");
		truth_append_json_string(&buf, TRUTH_LABEL(&v, c), TRUTH_LABELLEN(&v, c));
	}
	appendStringInfo(&buf, "], \"judgments\": " INT64_FORMAT ", \"iterations\": %d, \"converged\": %s, \"max_iterations\": %d, \"tolerance\": ",
					 m->njudgments, m->iterations,
					 (m->flags & TRUTH_FLAG_CONVERGED) ? "true" : "false", m->max_iterations);
	labeling_append_double(&buf, m->tolerance);
	appendStringInfoString(&buf, ", \"smoothing\": ");
	labeling_append_double(&buf, m->smoothing);
	appendStringInfo(&buf, ", \"crowdkit_compat\": %s, \"warm_start\": %s, \"priors\": ",
					 (m->flags & TRUTH_FLAG_COMPAT) ? "true" : "false",
					 (m->flags & TRUTH_FLAG_WARM_START) ? "true" : "false");
	append_doubles(&buf, v.priors, m->nclasses);
	if (v.pooled_e)
	{
		/* one row per true class: P(answered label | that class) */
		appendStringInfoString(&buf, ", \"confusion_prior\": [");
		for (c = 0; c < m->nclasses; c++)
		{
			int32		k;

			if (c > 0)
				appendStringInfoString(&buf, ", ");
			appendStringInfoChar(&buf, '[');
			for (k = 0; k < m->nclasses; k++)
			{
				if (k > 0)
					appendStringInfoString(&buf, ", ");
				labeling_append_double(&buf, v.pooled_e[k * K + c]);
			}
			appendStringInfoChar(&buf, ']');
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, ", \"objective\": ");
	append_doubles(&buf, v.history, m->nhistory);

	appendStringInfoString(&buf, ", \"tasks\": [");
	for (i = 0; i < m->ntasks; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoChar(&buf, '[');
		append_key(&buf, &v, true, i);
		appendStringInfo(&buf, ", %d, ", v.task_n[i]);
		if (v.task_gold[i] >= 0)
			truth_append_json_string(&buf, TRUTH_LABEL(&v, v.task_gold[i]), TRUTH_LABELLEN(&v, v.task_gold[i]));
		else
			appendStringInfoString(&buf, "null");
		appendStringInfoString(&buf, ", ");
		append_doubles(&buf, v.post + i * K, m->nclasses);
		if (v.task_beta)
		{
			appendStringInfoString(&buf, ", ");
			labeling_append_double(&buf, v.task_beta[i]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "], \"workers\": [");
	for (i = 0; i < m->nworkers; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoChar(&buf, '[');
		append_key(&buf, &v, false, i);
		appendStringInfo(&buf, ", %d, ", v.worker_n[i]);
		labeling_append_double(&buf, v.worker_skill[i]);
		if (v.worker_alpha)
		{
			appendStringInfoString(&buf, ", ");
			labeling_append_double(&buf, v.worker_alpha[i]);
		}
		if (v.pair_e)
		{
			int32		p;

			appendStringInfoString(&buf, ", [");
			for (p = v.worker_pair_start[i]; p < v.worker_pair_start[i + 1]; p++)
			{
				if (p > v.worker_pair_start[i])
					appendStringInfoString(&buf, ", ");
				appendStringInfoChar(&buf, '[');
				truth_append_json_string(&buf, TRUTH_LABEL(&v, v.pair_class[p]), TRUTH_LABELLEN(&v, v.pair_class[p]));
				appendStringInfoString(&buf, ", ");
				append_doubles(&buf, v.pair_e + (Size) p * K, m->nclasses);
				appendStringInfoChar(&buf, ']');
			}
			appendStringInfoString(&buf, "], ");
			append_doubles(&buf, v.worker_rest + (Size) i * K, m->nclasses);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "]}");
	return buf.data;
}

/* Text output function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_model_out);
Datum
truth_model_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(truth_model_to_cstring(truth_model_checked(PG_GETARG_DATUM(0))));
}

/* ----------------------------------------------------------------
 * Input
 * ----------------------------------------------------------------
 */

typedef struct ModelParser
{
	JsonLexContext *lex;
	const char *input;
	/* growable arrays (bytes) */
	StringInfoData priors;
	StringInfoData history;
	StringInfoData post;
	StringInfoData task_beta;
	StringInfoData task_int;
	StringInfoData task_off;
	StringInfoData task_n;
	StringInfoData task_gold;
	StringInfoData worker_skill;
	StringInfoData worker_alpha;
	StringInfoData worker_int;
	StringInfoData worker_off;
	StringInfoData worker_n;
	StringInfoData worker_pair_start;
	StringInfoData pair_class;
	StringInfoData pair_e;
	StringInfoData worker_rest;
	StringInfoData pooled_e;
	StringInfoData label_off;
	TruthModelParts parts;
} ModelParser;

static void pg_attribute_noreturn()
syntax_error(ModelParser *ps, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type truth_model"),
			 errdetail("%s", detail),
			 errhint("A truth_model is written by the truth-inference aggregates; its text form is JSON with keys in a fixed order.")));
}

static JsonTokenType
next_token(ModelParser *ps)
{
	JsonParseErrorType err = json_lex(ps->lex);

	if (err != JSON_SUCCESS)
		syntax_error(ps, json_errdetail(err, ps->lex));
	return ps->lex->token_type;
}

static void
expect(ModelParser *ps, JsonTokenType t, const char *what)
{
	if (next_token(ps) != t)
		syntax_error(ps, psprintf("Expected %s.", what));
}

/* "key": */
static void
expect_key(ModelParser *ps, const char *key, bool first)
{
	if (!first)
		expect(ps, JSON_TOKEN_COMMA, "\",\"");
	if (next_token(ps) != JSON_TOKEN_STRING || strcmp(ps->lex->strval->data, key) != 0)
		syntax_error(ps, psprintf("Expected the key \"%s\".", key));
	expect(ps, JSON_TOKEN_COLON, "\":\"");
}

static char *
token_text(ModelParser *ps)
{
	return pnstrdup(ps->lex->token_start, ps->lex->token_terminator - ps->lex->token_start);
}

/*
 * A number token (already read, so valid JSON) as a finite double: any
 * length, correctly rounded.
 */
static double
number_value(ModelParser *ps)
{
	int			len = ps->lex->token_terminator - ps->lex->token_start;
	double		v;

	if (ps->lex->token_type != JSON_TOKEN_NUMBER)
		syntax_error(ps, "Expected a number.");
	if (!labeling_json_number_to_double(ps->lex->token_start, len, &v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("number \"%.*s%s\" in truth_model is out of range for type double precision",
						Min(len, 40), ps->lex->token_start, len > 40 ? "..." : "")));
	return v;
}

static double
parse_double(ModelParser *ps)
{
	next_token(ps);
	return number_value(ps);
}

static int64
int_value(ModelParser *ps, int64 min, int64 max)
{
	char	   *tok;
	char	   *end;
	long long	v;

	if (ps->lex->token_type != JSON_TOKEN_NUMBER)
		syntax_error(ps, "Expected an integer.");
	tok = token_text(ps);
	errno = 0;
	v = strtoll(tok, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		syntax_error(ps, psprintf("Expected an integer between " INT64_FORMAT " and " INT64_FORMAT ", got %s.",
								  min, max, tok));
	pfree(tok);
	return (int64) v;
}

static int64
parse_int(ModelParser *ps, int64 min, int64 max)
{
	next_token(ps);
	return int_value(ps, min, max);
}

static bool
parse_boolean(ModelParser *ps)
{
	JsonTokenType t = next_token(ps);

	if (t != JSON_TOKEN_TRUE && t != JSON_TOKEN_FALSE)
		syntax_error(ps, "Expected true or false.");
	return t == JSON_TOKEN_TRUE;
}

/* The string token just read, appended to str; its offset goes to offs. */
static void
take_string(ModelParser *ps, StringInfo str, StringInfo offs)
{
	int32		off = str->len;

	if (ps->lex->token_type != JSON_TOKEN_STRING)
		syntax_error(ps, "Expected a string.");
	appendBinaryStringInfo(offs, (char *) &off, sizeof(int32));
	appendBinaryStringInfo(str, ps->lex->strval->data, ps->lex->strval->len);
}

static const char *
parse_name(ModelParser *ps)
{
	if (next_token(ps) != JSON_TOKEN_STRING)
		syntax_error(ps, "Expected a string.");
	return pstrdup(ps->lex->strval->data);
}

/* After an element of an array: true if another one follows. */
static bool
more_elements(ModelParser *ps)
{
	JsonTokenType t = next_token(ps);

	if (t == JSON_TOKEN_COMMA)
		return true;
	if (t != JSON_TOKEN_ARRAY_END)
		syntax_error(ps, "Expected \",\" or \"]\".");
	return false;
}

/* [d, d, ...] of exactly n doubles (n < 0: any number); returns the count. */
static int32
parse_doubles(ModelParser *ps, StringInfo out, int32 n)
{
	int32		count = 0;

	expect(ps, JSON_TOKEN_ARRAY_START, "\"[\"");
	if (next_token(ps) != JSON_TOKEN_ARRAY_END)
	{
		do
		{
			double		v;

			if (count > 0)
				next_token(ps);
			v = number_value(ps);
			appendBinaryStringInfo(out, (char *) &v, sizeof(double));
			count++;
		} while (more_elements(ps));
	}
	if (n >= 0 && count != n)
		syntax_error(ps, psprintf("Expected %d numbers, got %d.", n, count));
	return count;
}

static void
append_int32(StringInfo out, int32 v)
{
	appendBinaryStringInfo(out, (char *) &v, sizeof(int32));
}

/* A label string token (already read) as a class index. */
static int32
label_class(ModelParser *ps)
{
	TruthModelView v;
	int32		c;

	if (ps->lex->token_type != JSON_TOKEN_STRING)
		syntax_error(ps, "Expected a label.");
	v.m = &ps->parts.hdr;
	v.label_off = ps->parts.a.label_off;
	v.label_str = ps->parts.label_buf.data;
	c = truth_model_find_label(&v, ps->lex->strval->data, ps->lex->strval->len);
	if (c < 0)
		syntax_error(ps, psprintf("Label \"%s\" is not among the model's labels.", ps->lex->strval->data));
	return c;
}

/* A task or worker key (already read). */
static void
take_key(ModelParser *ps, KeyKind kind, StringInfo ints, StringInfo str, StringInfo offs)
{
	if (kind == KEY_INT8)
	{
		int64		k = int_value(ps, PG_INT64_MIN, PG_INT64_MAX);

		appendBinaryStringInfo(ints, (char *) &k, sizeof(int64));
	}
	else
		take_string(ps, str, offs);
}

static KeyKind
parse_key_type(ModelParser *ps)
{
	const char *t = parse_name(ps);

	if (strcmp(t, "bigint") == 0)
		return KEY_INT8;
	if (strcmp(t, "text") == 0)
		return KEY_TEXT;
	syntax_error(ps, "A key type is \"bigint\" or \"text\".");
}

static void
parse_task(ModelParser *ps)
{
	TruthModel *h = &ps->parts.hdr;
	int32		gold = -1;

	expect(ps, JSON_TOKEN_ARRAY_START, "\"[\" starting a task");
	next_token(ps);
	take_key(ps, (KeyKind) h->task_kind, &ps->task_int, &ps->parts.task_buf, &ps->task_off);
	expect(ps, JSON_TOKEN_COMMA, "\",\"");
	append_int32(&ps->task_n, (int32) parse_int(ps, 0, PG_INT32_MAX));
	expect(ps, JSON_TOKEN_COMMA, "\",\"");
	if (next_token(ps) != JSON_TOKEN_NULL)
		gold = label_class(ps);
	append_int32(&ps->task_gold, gold);
	expect(ps, JSON_TOKEN_COMMA, "\",\"");
	parse_doubles(ps, &ps->post, h->nclasses);
	if (h->method == TRUTH_GLAD)
	{
		double		beta;

		expect(ps, JSON_TOKEN_COMMA, "\",\"");
		beta = parse_double(ps);
		appendBinaryStringInfo(&ps->task_beta, (char *) &beta, sizeof(double));
	}
	expect(ps, JSON_TOKEN_ARRAY_END, "\"]\" ending a task");
	h->ntasks++;
}

static void
parse_worker(ModelParser *ps)
{
	TruthModel *h = &ps->parts.hdr;
	double		skill;

	expect(ps, JSON_TOKEN_ARRAY_START, "\"[\" starting a worker");
	next_token(ps);
	take_key(ps, (KeyKind) h->worker_kind, &ps->worker_int, &ps->parts.worker_buf, &ps->worker_off);
	expect(ps, JSON_TOKEN_COMMA, "\",\"");
	append_int32(&ps->worker_n, (int32) parse_int(ps, 0, PG_INT32_MAX));
	expect(ps, JSON_TOKEN_COMMA, "\",\"");
	skill = parse_double(ps);
	appendBinaryStringInfo(&ps->worker_skill, (char *) &skill, sizeof(double));
	if (h->method == TRUTH_GLAD)
	{
		double		alpha;

		expect(ps, JSON_TOKEN_COMMA, "\",\"");
		alpha = parse_double(ps);
		appendBinaryStringInfo(&ps->worker_alpha, (char *) &alpha, sizeof(double));
	}
	if (h->method == TRUTH_DAWID_SKENE)
	{
		append_int32(&ps->worker_pair_start, h->npairs);
		expect(ps, JSON_TOKEN_COMMA, "\",\"");
		expect(ps, JSON_TOKEN_ARRAY_START, "\"[\" starting confusion columns");
		if (next_token(ps) != JSON_TOKEN_ARRAY_END)
		{
			do
			{
				if (ps->lex->token_type != JSON_TOKEN_ARRAY_START)
					next_token(ps);
				if (ps->lex->token_type != JSON_TOKEN_ARRAY_START)
					syntax_error(ps, "Expected \"[\" starting a confusion column.");
				next_token(ps);
				append_int32(&ps->pair_class, label_class(ps));
				expect(ps, JSON_TOKEN_COMMA, "\",\"");
				parse_doubles(ps, &ps->pair_e, h->nclasses);
				expect(ps, JSON_TOKEN_ARRAY_END, "\"]\" ending a confusion column");
				h->npairs++;
			} while (more_elements(ps));
		}
		expect(ps, JSON_TOKEN_COMMA, "\",\"");
		parse_doubles(ps, &ps->worker_rest, h->nclasses);
	}
	expect(ps, JSON_TOKEN_ARRAY_END, "\"]\" ending a worker");
	h->nworkers++;
}

/* Parse a list of entries: [entry, entry, ...] */
static void
parse_entries(ModelParser *ps, void (*entry) (ModelParser *))
{
	expect(ps, JSON_TOKEN_ARRAY_START, "\"[\"");
	for (;;)
	{
		entry(ps);
		if (!more_elements(ps))
			break;
	}
}

static TruthModel *
truth_model_parse(char *str)
{
	ModelParser ps;
	TruthModel *h = &ps.parts.hdr;
	StringInfoData *bufs[] = {&ps.priors, &ps.history, &ps.post, &ps.task_beta,
		&ps.task_int, &ps.task_off, &ps.task_n, &ps.task_gold, &ps.worker_skill,
		&ps.worker_alpha, &ps.worker_int, &ps.worker_off, &ps.worker_n,
		&ps.worker_pair_start, &ps.pair_class, &ps.pair_e, &ps.worker_rest, &ps.pooled_e,
	&ps.label_off, &ps.parts.task_buf, &ps.parts.worker_buf, &ps.parts.label_buf};
	const char *method;
	int			i;

	memset(&ps, 0, sizeof(ps));
	for (i = 0; i < lengthof(bufs); i++)
		initStringInfo(bufs[i]);
	ps.input = str;
#if PG_VERSION_NUM >= 170000
	ps.lex = makeJsonLexContextCstringLen(NULL, str, strlen(str), GetDatabaseEncoding(), true);
#else
	ps.lex = makeJsonLexContextCstringLen(str, strlen(str), GetDatabaseEncoding(), true);
#endif

	expect(&ps, JSON_TOKEN_OBJECT_START, "\"{\"");
	expect_key(&ps, "format", true);
	if (parse_int(&ps, 0, 255) != TRUTH_MODEL_FORMAT)
		syntax_error(&ps, psprintf("Only format %d is known.", TRUTH_MODEL_FORMAT));
	expect_key(&ps, "method", false);
	method = parse_name(&ps);
	h->method = truth_method_from_name(method, strlen(method));
	if (h->method == 0)
		syntax_error(&ps, "Unknown method.");
	expect_key(&ps, "task_type", false);
	h->task_kind = parse_key_type(&ps);
	expect_key(&ps, "worker_type", false);
	h->worker_kind = parse_key_type(&ps);

	expect_key(&ps, "labels", false);
	expect(&ps, JSON_TOKEN_ARRAY_START, "\"[\"");
	do
	{
		next_token(&ps);
		take_string(&ps, &ps.parts.label_buf, &ps.label_off);
		h->nclasses++;
		if (h->nclasses > LABELING_MAX_CLASSES)
			syntax_error(&ps, "Too many labels.");
	} while (more_elements(&ps));
	append_int32(&ps.label_off, ps.parts.label_buf.len);
	ps.parts.a.label_off = (int32 *) ps.label_off.data;
	for (i = 1; i < h->nclasses; i++)
	{
		int32	   *o = ps.parts.a.label_off;

		if (label_cmp(ps.parts.label_buf.data + o[i - 1], o[i] - o[i - 1],
					  ps.parts.label_buf.data + o[i], o[i + 1] - o[i]) >= 0)
			syntax_error(&ps, "Labels must be distinct and in byte order.");
	}

	expect_key(&ps, "judgments", false);
	h->njudgments = parse_int(&ps, 1, PG_INT64_MAX);
	expect_key(&ps, "iterations", false);
	h->iterations = (int32) parse_int(&ps, 0, PG_INT32_MAX);
	expect_key(&ps, "converged", false);
	h->flags |= parse_boolean(&ps) ? TRUTH_FLAG_CONVERGED : 0;
	expect_key(&ps, "max_iterations", false);
	h->max_iterations = (int32) parse_int(&ps, 0, PG_INT32_MAX);
	expect_key(&ps, "tolerance", false);
	h->tolerance = parse_double(&ps);
	expect_key(&ps, "smoothing", false);
	h->smoothing = parse_double(&ps);
	expect_key(&ps, "crowdkit_compat", false);
	h->flags |= parse_boolean(&ps) ? TRUTH_FLAG_COMPAT : 0;
	expect_key(&ps, "warm_start", false);
	h->flags |= parse_boolean(&ps) ? TRUTH_FLAG_WARM_START : 0;
	expect_key(&ps, "priors", false);
	parse_doubles(&ps, &ps.priors, h->nclasses);
	if (h->method == TRUTH_DAWID_SKENE)
	{
		StringInfoData rows;
		int32		c;
		int32		k;

		/* rows per true class, stored column-major as [k * K + c] */
		initStringInfo(&rows);
		expect_key(&ps, "confusion_prior", false);
		expect(&ps, JSON_TOKEN_ARRAY_START, "\"[\"");
		for (c = 0; c < h->nclasses; c++)
		{
			if (c > 0)
				expect(&ps, JSON_TOKEN_COMMA, "\",\"");
			parse_doubles(&ps, &rows, h->nclasses);
		}
		expect(&ps, JSON_TOKEN_ARRAY_END, "\"]\"");
		enlargeStringInfo(&ps.pooled_e, sizeof(double) * h->nclasses * h->nclasses);
		for (k = 0; k < h->nclasses; k++)
			for (c = 0; c < h->nclasses; c++)
				appendBinaryStringInfo(&ps.pooled_e,
									   rows.data + sizeof(double) * ((Size) c * h->nclasses + k),
									   sizeof(double));
	}
	expect_key(&ps, "objective", false);
	h->nhistory = parse_doubles(&ps, &ps.history, -1);
	if (h->nhistory != h->iterations)
		syntax_error(&ps, psprintf("The objective has %d values for %d iterations.",
								   h->nhistory, h->iterations));
	expect_key(&ps, "tasks", false);
	parse_entries(&ps, parse_task);
	expect_key(&ps, "workers", false);
	parse_entries(&ps, parse_worker);
	expect(&ps, JSON_TOKEN_OBJECT_END, "\"}\"");
	expect(&ps, JSON_TOKEN_END, "the end of input");

	if (h->task_kind == KEY_TEXT)
		append_int32(&ps.task_off, ps.parts.task_buf.len);
	if (h->worker_kind == KEY_TEXT)
		append_int32(&ps.worker_off, ps.parts.worker_buf.len);
	if (h->method == TRUTH_DAWID_SKENE)
		append_int32(&ps.worker_pair_start, h->npairs);

	ps.parts.a.priors = (double *) ps.priors.data;
	ps.parts.a.history = (double *) ps.history.data;
	ps.parts.a.post = (double *) ps.post.data;
	ps.parts.a.task_beta = (double *) ps.task_beta.data;
	ps.parts.a.worker_skill = (double *) ps.worker_skill.data;
	ps.parts.a.worker_alpha = (double *) ps.worker_alpha.data;
	ps.parts.a.pair_e = (double *) ps.pair_e.data;
	ps.parts.a.worker_rest = (double *) ps.worker_rest.data;
	ps.parts.a.pooled_e = (double *) ps.pooled_e.data;
	ps.parts.a.task_int = (int64 *) ps.task_int.data;
	ps.parts.a.worker_int = (int64 *) ps.worker_int.data;
	ps.parts.a.task_n = (int32 *) ps.task_n.data;
	ps.parts.a.task_gold = (int32 *) ps.task_gold.data;
	ps.parts.a.worker_n = (int32 *) ps.worker_n.data;
	ps.parts.a.worker_pair_start = (int32 *) ps.worker_pair_start.data;
	ps.parts.a.pair_class = (int32 *) ps.pair_class.data;
	ps.parts.a.task_off = (int32 *) ps.task_off.data;
	ps.parts.a.worker_off = (int32 *) ps.worker_off.data;
	return truth_model_assemble(&ps.parts);
}

/* Text input function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_model_in);
Datum
truth_model_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(truth_model_parse(PG_GETARG_CSTRING(0)));
}
