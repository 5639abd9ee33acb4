/*-------------------------------------------------------------------------
 *
 * label_dist.c
 *	  The label_dist type: a probability distribution over text labels.
 *
 *	  Text form is a JSON object mapping labels to probabilities, e.g.
 *	  {"cat": 0.75, "dog": 0.25}.  Labels are kept sorted in byte order.
 *	  Probabilities are read as JSON numbers exactly as RFC 8259 writes them
 *	  (any length, correctly rounded: jsonb prints tiny ones as long plain
 *	  decimals) and printed in the shortest form that reads back to the same
 *	  double, so text, binary and jsonb round-trip exactly.  This file
 *	  also holds the builder used by every aggregate that returns a
 *	  label_dist, binary send/receive, the jsonb casts, equality/hash and
 *	  the accessor functions (top_label, confidence, probability, ...).
 *
 * IDENTIFICATION
 *	  src/label_dist.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "labeling.h"

/*
 * Compare two labels in byte order; on a common prefix the shorter sorts
 * first.  This is the order of COLLATE "C" and of Python's str.
 */
int
label_cmp(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* qsort comparator for LabelMass by label */
int
label_mass_cmp(const void *a, const void *b)
{
	const LabelMass *x = (const LabelMass *) a;
	const LabelMass *y = (const LabelMass *) b;

	return label_cmp(x->label, x->len, y->label, y->len);
}

/*
 * Build a label_dist from n labels with their masses.
 *
 * The items are sorted in place.  Duplicate labels are an error.  With
 * normalise, masses are divided by their sum (taken in label order, so the
 * result does not depend on input order); a zero or non-finite sum returns
 * NULL.  Without normalise, the masses are stored as they are and must be
 * valid probabilities summing to 1 within LABEL_DIST_SUM_TOLERANCE.
 */
LabelDist *
label_dist_build(LabelMass *items, int n, bool normalise)
{
	Size		strbytes = 0;
	Size		size;
	LabelDist  *ld;
	double		total = 0.0;
	char	   *strings;
	int32	   *offsets;
	int			i;

	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a label distribution needs at least one label")));
	if (n > LABELING_MAX_LABELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many labels in a label distribution"),
				 errdetail("A label_dist holds at most %d labels; got %d.",
						   LABELING_MAX_LABELS, n)));

	qsort(items, n, sizeof(LabelMass), label_mass_cmp);

	for (i = 0; i < n; i++)
	{
		if (i > 0 && label_cmp(items[i - 1].label, items[i - 1].len,
							   items[i].label, items[i].len) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("duplicate label \"%.*s\" in label distribution",
							items[i].len, items[i].label)));
		if (!isfinite(items[i].mass))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("probability of label \"%.*s\" is not finite",
							items[i].len, items[i].label)));
		if (items[i].mass < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("probability of label \"%.*s\" is negative",
							items[i].len, items[i].label)));
		if (!normalise && items[i].mass > 1.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("probability of label \"%.*s\" is greater than 1",
							items[i].len, items[i].label)));
		total += items[i].mass;
		strbytes += items[i].len + 1;
	}

	if (normalise)
	{
		if (!(total > 0.0) || !isfinite(total))
			return NULL;
	}
	else if (fabs(total - 1.0) > LABEL_DIST_SUM_TOLERANCE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("probabilities of a label distribution must sum to 1"),
				 errdetail("They sum to %.17g.", total),
				 errhint("The sum may differ from 1 by at most %g.",
						 LABEL_DIST_SUM_TOLERANCE)));

	size = LABEL_DIST_HDRSZ + (sizeof(double) + sizeof(int32)) * (Size) n + strbytes;
	if (!AllocSizeIsValid(size))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("label distribution is too large")));

	ld = (LabelDist *) palloc0(size);
	SET_VARSIZE(ld, size);
	ld->nlabels = n;
	offsets = LD_OFFSETS(ld);
	strings = LD_STRINGS(ld);

	strbytes = 0;
	for (i = 0; i < n; i++)
	{
		double		p = normalise ? items[i].mass / total : items[i].mass;

		/* canonical (+0.0 for -0.0) so that equality can be bytewise */
		ld->probs[i] = labeling_canonical_double(p);
		offsets[i] = (int32) strbytes;
		memcpy(strings + strbytes, items[i].label, items[i].len);
		strings[strbytes + items[i].len] = '\0';
		strbytes += items[i].len + 1;
	}
	return ld;
}

/* Index of a label in ld, or -1 (binary search, labels are sorted). */
int
label_dist_find(const LabelDist *ld, const char *label, int len)
{
	int			lo = 0;
	int			hi = ld->nlabels - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		const char *s = LD_LABEL(ld, mid);
		int			c = label_cmp(s, strlen(s), label, len);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Index of the most probable label; a tie goes to the smallest label. */
int
label_dist_argmax(const LabelDist *ld)
{
	int			best = 0;
	int			i;

	for (i = 1; i < ld->nlabels; i++)
		if (ld->probs[i] > ld->probs[best])
			best = i;
	return best;
}

/* ----------------------------------------------------------------
 * Text input
 * ----------------------------------------------------------------
 */

/* Parser state for the text form. */
typedef struct LabelDistParser
{
	const char *input;			/* whole input, for messages */
	const char *p;				/* current position */
	StringInfoData strings;		/* unescaped labels, NUL separated */
} LabelDistParser;

static void pg_attribute_noreturn()
label_dist_syntax_error(LabelDistParser *ps, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type label_dist: \"%s\"", ps->input),
			 errdetail("%s", detail),
			 errhint("Write a JSON object of labels and probabilities, for example {\"cat\": 0.75, \"dog\": 0.25}.")));
}

/* JSON's whitespace: space, tab, line feed, carriage return (nothing else) */
static inline bool
json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
skip_ws(LabelDistParser *ps)
{
	while (json_ws(*ps->p))
		ps->p++;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static pg_wchar
parse_hex4(LabelDistParser *ps)
{
	pg_wchar	v = 0;
	int			i;

	for (i = 0; i < 4; i++)
	{
		int			h = hex_value(ps->p[i]);

		if (h < 0)
			label_dist_syntax_error(ps, "\"\\u\" must be followed by four hexadecimal digits.");
		v = (v << 4) | h;
	}
	ps->p += 4;
	return v;
}

/*
 * Parse a JSON string at ps->p (which points at the opening quote) and append
 * its unescaped bytes to ps->strings.  Returns the label's length.
 */
static int
parse_label(LabelDistParser *ps)
{
	int			start = ps->strings.len;

	if (*ps->p != '"')
		label_dist_syntax_error(ps, "Expected a label in double quotes.");
	ps->p++;
	for (;;)
	{
		char		c = *ps->p;

		if (c == '\0')
			label_dist_syntax_error(ps, "Unterminated label.");
		if (c == '"')
		{
			ps->p++;
			break;
		}
		if ((unsigned char) c < 0x20)
			label_dist_syntax_error(ps, "Control characters in labels must be escaped.");
		if (c != '\\')
		{
			appendStringInfoChar(&ps->strings, c);
			ps->p++;
			continue;
		}
		ps->p++;
		c = *ps->p++;
		switch (c)
		{
			case '"':
			case '\\':
			case '/':
				appendStringInfoChar(&ps->strings, c);
				break;
			case 'b':
				appendStringInfoChar(&ps->strings, '\b');
				break;
			case 'f':
				appendStringInfoChar(&ps->strings, '\f');
				break;
			case 'n':
				appendStringInfoChar(&ps->strings, '\n');
				break;
			case 'r':
				appendStringInfoChar(&ps->strings, '\r');
				break;
			case 't':
				appendStringInfoChar(&ps->strings, '\t');
				break;
			case 'u':
				{
					pg_wchar	cp = parse_hex4(ps);
					unsigned char mb[MAX_MULTIBYTE_CHAR_LEN + 1];

					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						pg_wchar	lo;

						if (ps->p[0] != '\\' || ps->p[1] != 'u')
							label_dist_syntax_error(ps, "Unicode high surrogate must be followed by a low surrogate.");
						ps->p += 2;
						lo = parse_hex4(ps);
						if (lo < 0xDC00 || lo > 0xDFFF)
							label_dist_syntax_error(ps, "Unicode high surrogate must be followed by a low surrogate.");
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					}
					else if (cp >= 0xDC00 && cp <= 0xDFFF)
						label_dist_syntax_error(ps, "Unicode low surrogate must follow a high surrogate.");
					if (cp == 0)
						label_dist_syntax_error(ps, "\\u0000 cannot be stored in a label.");
					pg_unicode_to_server(cp, mb);
					appendStringInfoString(&ps->strings, (char *) mb);
					break;
				}
			default:
				label_dist_syntax_error(ps, "Invalid escape sequence in a label.");
		}
	}
	appendStringInfoChar(&ps->strings, '\0');
	return ps->strings.len - start - 1;
}

/*
 * The text at p up to the next JSON delimiter, for messages: at most 40
 * bytes (whole characters), with "..." when cut.
 */
static char *
token_excerpt(const char *p)
{
	int			len = strcspn(p, " \t\n\r,}");
	int			cut = pg_mbcliplen(p, len, 40);

	return psprintf("%.*s%s", cut, p, cut < len ? "..." : "");
}

/*
 * Parse a probability: a JSON number (RFC 8259), of any length, rounded
 * correctly to the nearest double.  Its range is the builder's to check.
 */
static double
parse_probability(LabelDistParser *ps)
{
	const char *start = ps->p;
	const char *end = labeling_json_number_end(start);
	double		v;

	if (*start == '\0' || *start == ',' || *start == '}' || json_ws(*start))
		label_dist_syntax_error(ps, "Expected a probability after \":\".");
	if (end == NULL ||
		!(*end == '\0' || *end == ',' || *end == '}' || json_ws(*end)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type label_dist: \"%s\"", ps->input),
				 *start == '"' ?
				 errdetail("A probability must be a JSON number, not a string.") :
				 errdetail("Probability \"%s\" is not a JSON number.", token_excerpt(start)),
				 errhint("Write probabilities as JSON numbers, for example 0.25 or 1e-300: no \"+\" sign, no leading \".\" or zeros, no hexadecimal, NaN or Infinity.")));
	if (!labeling_json_number_to_double(start, end - start, &v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("probability \"%s\" is out of range for type double precision",
						token_excerpt(start)),
				 errdetail("A probability lies between 0 and 1.")));
	ps->p = end;
	return v;
}

/* Parse the text form into a label_dist (in CurrentMemoryContext). */
static LabelDist *
label_dist_parse(const char *str)
{
	LabelDistParser ps;
	LabelMass  *items;
	int		   *offs;
	int			n = 0;
	int			cap = 8;
	int			i;

	ps.input = str;
	ps.p = str;
	initStringInfo(&ps.strings);
	items = palloc(sizeof(LabelMass) * cap);
	offs = palloc(sizeof(int) * cap);

	skip_ws(&ps);
	if (*ps.p != '{')
		label_dist_syntax_error(&ps, "Expected \"{\".");
	ps.p++;
	skip_ws(&ps);
	if (*ps.p == '}')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type label_dist: \"%s\"", str),
				 errdetail("A label distribution needs at least one label.")));
	for (;;)
	{
		if (n == cap)
		{
			cap *= 2;
			items = repalloc(items, sizeof(LabelMass) * cap);
			offs = repalloc(offs, sizeof(int) * cap);
		}
		skip_ws(&ps);
		offs[n] = ps.strings.len;
		items[n].len = parse_label(&ps);
		skip_ws(&ps);
		if (*ps.p != ':')
			label_dist_syntax_error(&ps, "Expected \":\" after a label.");
		ps.p++;
		skip_ws(&ps);
		items[n].mass = parse_probability(&ps);
		n++;
		skip_ws(&ps);
		if (*ps.p == ',')
		{
			ps.p++;
			continue;
		}
		if (*ps.p == '}')
		{
			ps.p++;
			break;
		}
		label_dist_syntax_error(&ps, "Expected \",\" or \"}\" after a probability.");
	}
	skip_ws(&ps);
	if (*ps.p != '\0')
		label_dist_syntax_error(&ps, "Unexpected text after \"}\".");

	/* the string buffer may have moved while growing: resolve pointers now */
	for (i = 0; i < n; i++)
		items[i].label = ps.strings.data + offs[i];

	return label_dist_build(items, n, false);
}

/* ----------------------------------------------------------------
 * Text output
 * ----------------------------------------------------------------
 */

static char *
label_dist_to_cstring(const LabelDist *ld)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < ld->nlabels; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, LD_LABEL(ld, i));
		appendStringInfoString(&buf, ": ");
		labeling_append_double(&buf, ld->probs[i]);
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/* Text input */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_in);
Datum
label_dist_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_LABEL_DIST_P(label_dist_parse(str));
}

/* Text output */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_out);
Datum
label_dist_out(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);

	PG_RETURN_CSTRING(label_dist_to_cstring(ld));
}

/*
 * Binary output: int32 count, then per label a NUL-terminated string (in
 * the client encoding) and a float8 (canonical: never -0.0).
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_send);
Datum
label_dist_send(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, ld->nlabels);
	for (i = 0; i < ld->nlabels; i++)
	{
		pq_sendstring(&buf, LD_LABEL(ld, i));
		labeling_send_double(&buf, ld->probs[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input: validated exactly like text input */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_recv);
Datum
label_dist_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	LabelMass  *items;
	int			n;
	int			i;

	n = pq_getmsgint(buf, 4);
	/* each label needs at least 1 byte of string and 8 of probability */
	if (n < 1 || n > LABELING_MAX_LABELS || n > (buf->len - buf->cursor) / 9)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid label count %d in external label_dist value", n)));
	items = palloc(sizeof(LabelMass) * n);
	for (i = 0; i < n; i++)
	{
		const char *s = pq_getmsgstring(buf);

		items[i].label = s;
		items[i].len = strlen(s);
		items[i].mass = pq_getmsgfloat8(buf);
	}
	pq_getmsgend(buf);
	PG_RETURN_LABEL_DIST_P(label_dist_build(items, n, false));
}

/* Cast to jsonb: the text form is already a JSON object */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_to_jsonb);
Datum
label_dist_to_jsonb(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in,
										CStringGetDatum(label_dist_to_cstring(ld))));
}

/* Cast from jsonb: accepts exactly what the text input accepts */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_from_jsonb);
Datum
label_dist_from_jsonb(PG_FUNCTION_ARGS)
{
	Datum		text = DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(0));

	PG_RETURN_LABEL_DIST_P(label_dist_parse(DatumGetCString(text)));
}

/* ----------------------------------------------------------------
 * Equality and hashing (bytewise: the representation is canonical)
 * ----------------------------------------------------------------
 */
static bool
label_dist_equal(LabelDist *a, LabelDist *b)
{
	return VARSIZE(a) == VARSIZE(b) &&
		memcmp(a, b, VARSIZE(a)) == 0;
}

/* = operator */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_eq);
Datum
label_dist_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(label_dist_equal(PG_GETARG_LABEL_DIST_P(0),
									PG_GETARG_LABEL_DIST_P(1)));
}

/* <> operator */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_ne);
Datum
label_dist_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!label_dist_equal(PG_GETARG_LABEL_DIST_P(0),
									 PG_GETARG_LABEL_DIST_P(1)));
}

/* Hash support for the = operator */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_hash);
Datum
label_dist_hash(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);

	PG_RETURN_UINT32(hash_bytes((const unsigned char *) ld + VARHDRSZ,
								VARSIZE(ld) - VARHDRSZ));
}

/* ----------------------------------------------------------------
 * Accessors
 * ----------------------------------------------------------------
 */

/* Most probable label; ties go to the smallest label in byte order */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_top_label);
Datum
label_dist_top_label(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);

	PG_RETURN_TEXT_P(cstring_to_text(LD_LABEL(ld, label_dist_argmax(ld))));
}

/* Probability of the most probable label */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_confidence);
Datum
label_dist_confidence(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);

	PG_RETURN_FLOAT8(ld->probs[label_dist_argmax(ld)]);
}

/* Probability of one label (0 when the label is absent) */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_probability);
Datum
label_dist_probability(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);
	text	   *label = PG_GETARG_TEXT_PP(1);
	int			i = label_dist_find(ld, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));

	PG_RETURN_FLOAT8(i < 0 ? 0.0 : ld->probs[i]);
}

/* Shannon entropy in nats (natural logarithm); zero-probability labels add 0 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_entropy);
Datum
label_dist_entropy(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);
	double		h = 0.0;
	int			i;

	for (i = 0; i < ld->nlabels; i++)
		if (ld->probs[i] > 0.0)
			h -= ld->probs[i] * log(ld->probs[i]);
	/* -0.0 for a certain distribution prints as "-0": normalise */
	PG_RETURN_FLOAT8(h <= 0.0 ? 0.0 : h);
}

/* Number of labels in the distribution */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_label_count);
Datum
label_dist_label_count(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);

	PG_RETURN_INT32(ld->nlabels);
}

/* The labels, in byte order, as text[] */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_labels);
Datum
label_dist_labels(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);
	Datum	   *elems = palloc(sizeof(Datum) * ld->nlabels);
	int			i;

	for (i = 0; i < ld->nlabels; i++)
		elems[i] = PointerGetDatum(cstring_to_text(LD_LABEL(ld, i)));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, ld->nlabels, TEXTOID, -1, false, TYPALIGN_INT));
}

/* The probabilities, in label order, as float8[] */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(label_dist_probabilities);
Datum
label_dist_probabilities(PG_FUNCTION_ARGS)
{
	LabelDist  *ld = PG_GETARG_LABEL_DIST_P(0);
	Datum	   *elems = palloc(sizeof(Datum) * ld->nlabels);
	int			i;

	for (i = 0; i < ld->nlabels; i++)
		elems[i] = Float8GetDatum(ld->probs[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, ld->nlabels, FLOAT8OID,
										  sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
