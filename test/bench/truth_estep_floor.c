/*
 * test/bench/truth_estep_floor.c - the memory floor of one Dawid-Skene E-step with the M-step's soft
 * counts taken in the same pass (the loop of estep_k in src/truth_dawid_skene.c), outside PostgreSQL:
 * 10M judgments of 2M tasks (5 each) by 50,000 workers of heavy-tailed activity, K = 5, rows of a
 * task sorted by (worker, label) pair, and the table rows of the next rows prefetched as the
 * extension does.  It prints the seconds of each iteration (the first one also pays the page
 * faults of its arrays).
 *
 *   cc -O2 -o /tmp/estep_floor test/bench/truth_estep_floor.c -lm && /tmp/estep_floor [layout] [order]
 *
 * layout: "separate" (log-confusion table and soft counts in two arrays, as the extension does)
 *         or "interleaved" (one row of 2K values per pair);
 * order:  "key" (workers numbered in key order, unrelated to activity, as the extension does)
 *         or "activity" (the busiest workers first, so the hot rows share cache lines).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define K			5
#define TASKS		2000000L
#define PER_TASK	5
#define WORKERS		50000L
#define AHEAD		24

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	int			interleaved = argc > 1 && strcmp(argv[1], "interleaved") == 0;
	int			by_activity = argc > 2 && strcmp(argv[2], "activity") == 0;
	long		n = TASKS * PER_TASK;
	long		npairs = WORKERS * K;
	long		stride = interleaved ? 2 * K : K;
	double	   *cumulative = malloc(sizeof(double) * WORKERS);
	long	   *number = malloc(sizeof(long) * WORKERS);
	int		   *row_pair = malloc(sizeof(int) * n);
	double	   *table = aligned_alloc(64, sizeof(double) * npairs * stride);
	double	   *counts = interleaved ? table + K : aligned_alloc(64, sizeof(double) * npairs * K);
	double	   *q = malloc(sizeof(double) * TASKS * K);
	double		total = 0.0;
	long		w;
	long		j;
	long		t;
	int			it;

	/* activity of the worker of rank r proportional to (r + 50)^-0.9 */
	for (w = 0; w < WORKERS; w++)
	{
		total += pow(w + 50.0, -0.9);
		cumulative[w] = total;
		number[w] = w;
	}
	for (j = 0; j < n; j++)
	{
		double		u = (double) (next_random() % 1000000007ULL) / 1000000007.0 * total;
		long		lo = 0;
		long		hi = WORKERS - 1;

		while (lo < hi)
		{
			long		mid = (lo + hi) / 2;

			if (cumulative[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		row_pair[j] = (int) (lo * K + (long) (next_random() % K));
	}
	/* the same judgments either way; only the numbering of the workers differs */
	if (!by_activity)
	{
		for (w = WORKERS - 1; w > 0; w--)
		{
			long		k = (long) (next_random() % (uint64_t) (w + 1));
			long		tmp = number[w];

			number[w] = number[k];
			number[k] = tmp;
		}
		for (j = 0; j < n; j++)
			row_pair[j] = (int) (number[row_pair[j] / K] * K + row_pair[j] % K);
	}
	for (t = 0; t < TASKS; t++)
	{
		int		   *a = row_pair + t * PER_TASK;
		int			i;

		for (i = 1; i < PER_TASK; i++)
		{
			int			v = a[i];
			int			k = i - 1;

			while (k >= 0 && a[k] > v)
			{
				a[k + 1] = a[k];
				k--;
			}
			a[k + 1] = v;
		}
	}
	for (j = 0; j < npairs * stride; j++)
		table[j] = -1.0 - (double) (j % 7) * 0.1;

	for (it = 1; it <= 4; it++)
	{
		double		start = seconds();
		double		ll = 0.0;

		for (j = 0; j < npairs; j++)
			memset(counts + j * stride, 0, sizeof(double) * K);
		for (t = 0; t < TASKS; t++)
		{
			long		r0 = t * PER_TASK;
			long		r1 = r0 + PER_TASK;
			double		L[K];
			double		m;
			double		sum = 0.0;
			double	   *qt = q + t * K;
			long		r;
			int			c;
			int			best = 0;

			for (r = r1; r < r1 + AHEAD && r < n; r++)
			{
				__builtin_prefetch(table + (long) row_pair[r] * stride);
				__builtin_prefetch(table + (long) row_pair[r] * stride + stride - 1);
				if (!interleaved)
				{
					__builtin_prefetch(counts + (long) row_pair[r] * K, 1);
					__builtin_prefetch(counts + (long) row_pair[r] * K + K - 1, 1);
				}
			}
			for (c = 0; c < K; c++)
				L[c] = -1.6;
			for (r = r0; r < r1; r++)
				for (c = 0; c < K; c++)
					L[c] += table[(long) row_pair[r] * stride + c];
			for (c = 1; c < K; c++)
				if (L[c] > L[best])
					best = c;
			m = L[best];
			for (c = 0; c < K; c++)
			{
				qt[c] = c == best ? 1.0 : exp(L[c] - m);
				sum += qt[c];
			}
			for (c = 0; c < K; c++)
				qt[c] /= sum;
			ll += m + log(sum);
			for (r = r0; r < r1; r++)
				for (c = 0; c < K; c++)
					counts[(long) row_pair[r] * stride + c] += qt[c];
		}
		printf("%s, workers in %s order, iteration %d: %.3f s (log-likelihood %.6g)\n",
			   interleaved ? "interleaved" : "separate", by_activity ? "activity" : "key", it,
			   seconds() - start, ll);
	}
	return 0;
}
