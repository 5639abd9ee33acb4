/*-------------------------------------------------------------------------
 *
 * bt_refmm.c
 *	  An independent re-implementation of Crowd-Kit 1.4.1's BradleyTerry
 *	  (crowdkit/aggregation/pairwise/bradley_terry.py), written from the
 *	  description in test/data/reference/crowdkit-1.4.1/README.md section
 *	  4.8, for the accuracy script (Python is not available here).
 *
 *	  Input (stdin): CSV lines "left,right,winner" (no header, no quoting;
 *	  rows with a tie or no answer already dropped).  Items are the distinct
 *	  values of the three columns, in byte order.  M[i][j] = number of times
 *	  i beat j, T = M + M', w_i = row sums of M.  MM iteration from p = 1:
 *	  Z_ij = T_ij / (p_i + p_j) where T_ij > 0, p_j = w_j / sum_i Z_ij, then p
 *	  is normalised to sum 1.  Crowd-Kit runs exactly 2 iterations whenever
 *	  tol > 0 (an aliasing bug), so "2" reproduces its default; "1000" its
 *	  tol = 0 run.  Dense n x n matrices, like Crowd-Kit.
 *
 *	  Output (stdout): "item,score" lines in byte order of the items.
 *
 *	  Usage: bt_refmm ITERATIONS < comparisons.csv > scores.csv
 *
 * IDENTIFICATION
 *	  test/bench/bt_refmm.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Row
{
	char	   *f[3];
} Row;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
find(char **items, int n, const char *key)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(items[mid], key);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	int			iters;
	Row		   *rows = NULL;
	size_t		nrows = 0,
				caprows = 0;
	char		line[4096];
	char	  **all;
	char	  **items;
	int			n = 0;
	double	   *M,
			   *T,
			   *w,
			   *p,
			   *den;
	size_t		i,
				j;
	int			it;

	if (argc != 2 || (iters = atoi(argv[1])) < 1)
	{
		fprintf(stderr, "usage: bt_refmm ITERATIONS < comparisons.csv\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin))
	{
		char	   *s = line,
				   *tok;
		int			k;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (nrows == caprows)
		{
			caprows = caprows ? 2 * caprows : 1024;
			rows = realloc(rows, sizeof(Row) * caprows);
		}
		for (k = 0; k < 3; k++)
		{
			tok = strsep(&s, ",");
			if (tok == NULL)
			{
				fprintf(stderr, "bad line %zu\n", nrows + 1);
				return 1;
			}
			rows[nrows].f[k] = strdup(tok);
		}
		nrows++;
	}

	/* items: distinct values of left, right and winner, in byte order */
	all = malloc(sizeof(char *) * (3 * nrows + 1));
	for (i = 0; i < nrows; i++)
		for (j = 0; j < 3; j++)
			all[3 * i + j] = rows[i].f[j];
	qsort(all, 3 * nrows, sizeof(char *), cmp_str);
	items = malloc(sizeof(char *) * (3 * nrows + 1));
	for (i = 0; i < 3 * nrows; i++)
		if (n == 0 || strcmp(items[n - 1], all[i]) != 0)
			items[n++] = all[i];
	if ((size_t) n * n > 200u * 1000 * 1000)
	{
		fprintf(stderr, "too many items for dense matrices: %d\n", n);
		return 1;
	}

	M = calloc((size_t) n * n, sizeof(double));
	T = calloc((size_t) n * n, sizeof(double));
	w = calloc(n, sizeof(double));
	p = malloc(sizeof(double) * n);
	den = malloc(sizeof(double) * n);
	for (i = 0; i < nrows; i++)
	{
		int			l = find(items, n, rows[i].f[0]);
		int			r = find(items, n, rows[i].f[1]);
		int			win = find(items, n, rows[i].f[2]);
		int			lose = (win == l) ? r : l;

		M[(size_t) win * n + lose] += 1.0;
	}
	for (i = 0; i < (size_t) n; i++)
		for (j = 0; j < (size_t) n; j++)
		{
			T[i * n + j] = M[i * n + j] + M[j * n + i];
			w[i] += M[i * n + j];
		}
	for (i = 0; i < (size_t) n; i++)
		p[i] = 1.0;
	for (it = 0; it < iters; it++)
	{
		double		sum = 0.0;

		for (j = 0; j < (size_t) n; j++)
			den[j] = 0.0;
		for (i = 0; i < (size_t) n; i++)
			for (j = 0; j < (size_t) n; j++)
				if (T[i * n + j] > 0.0)
					den[j] += T[i * n + j] / (p[i] + p[j]);
		for (j = 0; j < (size_t) n; j++)
		{
			p[j] = den[j] > 0.0 ? w[j] / den[j] : 0.0;
			sum += p[j];
		}
		for (j = 0; j < (size_t) n; j++)
			p[j] /= sum;
	}
	for (i = 0; i < (size_t) n; i++)
		printf("%s,%.17g\n", items[i], p[i]);
	return 0;
}
