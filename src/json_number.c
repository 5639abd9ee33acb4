/*-------------------------------------------------------------------------
 *
 * json_number.c
 *	  Doubles in the text and binary forms of the extension's types: JSON
 *	  numbers read exactly as RFC 8259 writes them (any length, correctly
 *	  rounded), written in their shortest exact form, and stored and sent in
 *	  one canonical form (+0.0 for -0.0, one quiet NaN), so that equal
 *	  values are equal bytes and every round trip is exact.
 *
 * IDENTIFICATION
 *	  src/json_number.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "utils/float.h"

#include "labeling.h"

/* Numbers up to this many bytes are converted without an allocation. */
#define SHORT_NUMBER_LEN	64

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The end of the JSON number that starts at p, or NULL when no JSON number
 * starts there.  The grammar of RFC 8259, section 6:
 *
 *	  number = [ "-" ] ( "0" / [1-9] *DIGIT ) [ "." 1*DIGIT ]
 *			   [ ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT ]
 *
 * The caller checks what follows: "01" ends after "0", which leaves "1".
 */
const char *
labeling_json_number_end(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (is_digit(*p))
			p++;
	else
		return NULL;
	if (*p == '.')
	{
		p++;
		if (!is_digit(*p))
			return NULL;
		while (is_digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return NULL;
		while (is_digit(*p))
			p++;
	}
	return p;
}

/*
 * Convert the len bytes at num, a JSON number (as checked by
 * labeling_json_number_end or PostgreSQL's JSON lexer), to the nearest
 * double, in canonical form.  Any length is read exactly (strtod rounds
 * correctly, ties to even, as float8in relies on); a magnitude below the
 * smallest denormal rounds to 0.  Returns false when the magnitude is
 * beyond the largest double.
 */
bool
labeling_json_number_to_double(const char *num, size_t len, double *result)
{
	char		shortbuf[SHORT_NUMBER_LEN];
	char	   *copy = len < sizeof(shortbuf) ? shortbuf : palloc(len + 1);
	char	   *end;
	double		v;

	memcpy(copy, num, len);
	copy[len] = '\0';
	errno = 0;
	v = strtod(copy, &end);
	if (end != copy + len)
		elog(ERROR, "\"%s\" is not a JSON number", copy);
	if (copy != shortbuf)
		pfree(copy);
	if (isinf(v))
		return false;
	*result = labeling_canonical_double(v);
	return true;
}

/* v with -0.0 as +0.0 and every NaN as the one quiet NaN. */
double
labeling_canonical_double(double v)
{
	if (v == 0.0)
		return 0.0;
	if (isnan(v))
		return get_float8_nan();
	return v;
}

/*
 * Append a finite double in its shortest exact form (what float8out prints
 * with extra_float_digits >= 1), -0.0 as 0.
 */
void
labeling_append_double(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(labeling_canonical_double(v), tmp);
	appendStringInfoString(buf, tmp);
}

/* Send a double in canonical form (binary output). */
void
labeling_send_double(StringInfo buf, double v)
{
	pq_sendfloat8(buf, labeling_canonical_double(v));
}
