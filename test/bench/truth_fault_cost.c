/*
 * test/bench/truth_fault_cost.c - what touching fresh memory costs on this machine, with 4 kB pages and
 * with transparent huge pages requested by madvise(MADV_HUGEPAGE), as the truth-inference fits do
 * for their large arrays (labeling_alloc_large in src/labeling.c).
 *
 *   cc -O2 -o /tmp/fault_cost test/bench/truth_fault_cost.c && /tmp/fault_cost [MB] [rounds]
 *
 * Each round mallocs MB megabytes, writes one byte per 4 kB page (so every page faults once),
 * then frees them; prints the seconds of each round, without and then with the madvise.  The
 * first round with huge pages can be slow while the kernel assembles free huge pages.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double
touch_fresh(size_t size, int huge)
{
	double		start = seconds();
	char	   *p = malloc(size);
	size_t		i;

	if (p == NULL)
	{
		perror("malloc");
		exit(1);
	}
#ifdef MADV_HUGEPAGE
	if (huge)
	{
		uintptr_t	a = ((uintptr_t) p + 4095) & ~(uintptr_t) 4095;
		uintptr_t	e = ((uintptr_t) p + size) & ~(uintptr_t) 4095;

		if (e > a)
			(void) madvise((void *) a, e - a, MADV_HUGEPAGE);
	}
#endif
	for (i = 0; i < size; i += 4096)
		((volatile char *) p)[i] = 1;
	free(p);
	return seconds() - start;
}

int
main(int argc, char **argv)
{
	size_t		mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 400;
	int			rounds = argc > 2 ? atoi(argv[2]) : 3;
	int			huge;
	int			r;

	for (huge = 0; huge <= 1; huge++)
		for (r = 0; r < rounds; r++)
			printf("%zu MB, %s pages, round %d: %.3f s\n", mb, huge ? "huge" : "4 kB", r + 1,
				   touch_fresh(mb << 20, huge));
	return 0;
}
