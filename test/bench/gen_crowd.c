/*-------------------------------------------------------------------------
 *
 * gen_crowd.c
 *	  Seeded generator of synthetic crowds for the benchmark harness
 *	  (test/bench/bench.sh) and for anyone who needs judgments with a known
 *	  truth.  Standalone C99, no PostgreSQL headers; bench.sh compiles it with
 *	  the system cc:  cc -O2 -o test/bench/gen_crowd test/bench/gen_crowd.c
 *
 *	  Output: CSV on stdout, ready for COPY ... FROM STDIN (FORMAT csv, HEADER):
 *
 *		task,worker,label[,true_label][,weight]
 *
 *	  Model (everything drawn from one seeded PRNG, so the same options and
 *	  seed give byte-identical output on every machine):
 *
 *	  - K classes named c0 .. c<K-1>, zero-padded to a common width so that
 *		byte order is numeric order (c00 .. c99 for K = 100).
 *	  - Tasks 1, 2, ... each get a true class drawn from the class priors
 *		(--priors) and an overlap: a fixed number of judgments, or one drawn
 *		uniformly from A..B per task (--overlap A:B).  Tasks are generated
 *		until exactly --judgments rows exist (the last task may get fewer).
 *	  - The workers of a task are distinct, drawn with a heavy-tailed
 *		activity (worker index = floor(W * u^2), u uniform: worker 1 is the
 *		most active, as in real crowds where a few workers do much of the
 *		work).
 *	  - Every worker has a kind and its own confusion matrix P(answer | truth):
 *		  good		 accuracy a = 1/K + (1-1/K) * U(0.6, 0.95) on average,
 *					 mediocre	 a = 1/K + (1-1/K) * U(0.1, 0.45); for both the
 *					 accuracy on each true class is a jittered by U(-0.05, 0.05),
 *					 and a wrong answer goes to the "neighbour" class (c+1) mod K
 *					 with a per-worker probability U(0, 0.7), otherwise uniformly
 *					 to another class (so matrices are asymmetric and differ
 *					 between workers);
 *		  spammer	 half of them answer uniformly at random, half always give
 *					 one fixed label;
 *		  adversary	 answers the permuted truth (c + s) mod K (s fixed per worker
 *					 in 1..K-1) with probability U(0.7, 0.95), otherwise another
 *					 class uniformly (for K = 2: a worker who mostly lies).
 *		The kinds are dealt exactly: round(W * fraction) spammers, adversaries
 *		and mediocre workers, the rest good, over a random permutation of the
 *		workers (so kind and activity are independent).
 *	  - Row order: --order random (default) shuffles all rows, as judgments
 *		arrive interleaved across tasks; --order task writes them task by task.
 *
 *	  Options (defaults in brackets):
 *		--judgments N		rows to write [1000000]
 *		--classes K			number of classes, 2..1000 [2]
 *		--overlap O | A:B	judgments per task, fixed or uniform in A..B [5]
 *		--workers W			number of workers [max(2 * max overlap, N / 200)]
 *		--seed S			PRNG seed, any unsigned 64-bit integer [1]
 *		--spammers F		fraction of spammers [0.1]
 *		--adversaries F		fraction of adversaries [0.05]
 *		--mediocre F		fraction of mediocre workers [0.3]
 *		--priors P			uniform | harmonic (p_c proportional to 1/(c+1)) |
 *							a comma-separated list of K weights [harmonic]
 *		--key-type T		int (1, 2, ...) | text (task-1, worker-1, ...) [int]
 *		--order O			random | task [random]
 *		--truth				add the column true_label
 *		--weights			add the column weight: the worker's expected accuracy
 *							under the priors (what a perfect skill estimate gives)
 *		--gold FILE			also write task,label (the truth of every task)
 *		--workers-file FILE also write worker,kind,accuracy,n_judgments
 *		--no-header			omit the CSV header line
 *
 *	  PRNG: xoshiro256** (Blackman and Vigna), seeded through splitmix64;
 *	  separate streams for the workers, the tasks and the shuffle, so that
 *	  e.g. --order does not change the crowd.  Bounded integers use Lemire's
 *	  unbiased multiply-and-reject method; doubles take the top 53 bits.  No
 *	  libc rand(), no floating-point formatting of random values (weights are
 *	  printed with %.4f), so the output does not depend on the platform.
 *
 *	  Example (10M judgments, 5 classes, text keys, with a gold file):
 *		gen_crowd --judgments 10000000 --classes 5 --key-type text \
 *			--gold gold.csv | psql -c "COPY j FROM STDIN (FORMAT csv, HEADER)"
 *
 * IDENTIFICATION
 *	  test/bench/gen_crowd.c
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLASSES		1000
#define MAX_OVERLAP		1000

typedef enum WorkerKind
{
	W_GOOD,
	W_MEDIOCRE,
	W_SPAM_RANDOM,
	W_SPAM_CONSTANT,
	W_ADVERSARY
} WorkerKind;

static const char *const kind_names[] = {
	"good", "mediocre", "spammer_random", "spammer_constant", "adversary"
};

typedef struct Worker
{
	WorkerKind	kind;
	int			fixed;			/* constant spammer: its label; adversary: shift */
	double		neighbour;		/* P(error goes to class c+1) for good/mediocre */
	double		accuracy;		/* adversary: P(permuted truth) */
	double		expected;		/* expected accuracy under the priors */
	long long	n;				/* judgments written */
	float	   *acc;			/* good/mediocre: accuracy per true class (K) */
} Worker;

/* ---------------------------------------------------------------- PRNG */

typedef struct Rng
{
	uint64_t	s[4];
} Rng;

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Stream number `stream` of seed `seed`. */
static void
rng_seed(Rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t	x = seed ^ (stream * UINT64_C(0xd1b54a32d192ed03));
	int			i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t
rng_next(Rng *r)
{
	uint64_t   *s = r->s;
	uint64_t	result = rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform double in [0, 1). */
static inline double
rng_double(Rng *r)
{
	return (double) (rng_next(r) >> 11) * 0x1.0p-53;
}

static inline double
rng_range(Rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_double(r);
}

/* Uniform integer in [0, n), n >= 1, unbiased (Lemire 2019). */
static inline uint32_t
rng_below(Rng *r, uint32_t n)
{
	uint64_t	m = (rng_next(r) >> 32) * (uint64_t) n;
	uint32_t	low = (uint32_t) m;

	if (low < n)
	{
		uint32_t	threshold = (uint32_t) (-n) % n;

		while (low < threshold)
		{
			m = (rng_next(r) >> 32) * (uint64_t) n;
			low = (uint32_t) m;
		}
	}
	return (uint32_t) (m >> 32);
}

/* ---------------------------------------------------------------- output */

static char outbuf[1 << 16];
static size_t outlen;

static void
out_flush(void)
{
	if (outlen > 0 && fwrite(outbuf, 1, outlen, stdout) != outlen)
	{
		fprintf(stderr, "gen_crowd: write error: %s\n", strerror(errno));
		exit(1);
	}
	outlen = 0;
}

static inline void
out_bytes(const char *s, size_t n)
{
	if (outlen + n > sizeof(outbuf))
		out_flush();
	memcpy(outbuf + outlen, s, n);
	outlen += n;
}

static inline void
out_uint(unsigned long long v)
{
	char		tmp[24];
	int			i = sizeof(tmp);

	do
	{
		tmp[--i] = (char) ('0' + v % 10);
		v /= 10;
	} while (v > 0);
	out_bytes(tmp + i, sizeof(tmp) - i);
}

/* ---------------------------------------------------------------- options */

typedef struct Options
{
	long long	judgments;
	int			classes;
	int			overlap_min;
	int			overlap_max;
	long long	workers;
	uint64_t	seed;
	double		spammers;
	double		adversaries;
	double		mediocre;
	const char *priors;
	int			text_keys;
	int			shuffle;
	int			truth;
	int			weights;
	const char *gold_file;
	const char *workers_file;
	int			header;
} Options;

static void
usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "gen_crowd: %s\n", msg);
	fprintf(stderr,
			"usage: gen_crowd [--judgments N] [--classes K] [--overlap O|A:B] [--workers W]\n"
			"                 [--seed S] [--spammers F] [--adversaries F] [--mediocre F]\n"
			"                 [--priors uniform|harmonic|p1,p2,...] [--key-type int|text]\n"
			"                 [--order random|task] [--truth] [--weights] [--gold FILE]\n"
			"                 [--workers-file FILE] [--no-header]\n"
			"See the comment at the top of test/bench/gen_crowd.c.\n");
	exit(2);
}

static long long
parse_int(const char *opt, const char *s, long long lo, long long hi)
{
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
	{
		fprintf(stderr, "gen_crowd: %s must be an integer in [%lld, %lld], not \"%s\"\n",
				opt, lo, hi, s);
		exit(2);
	}
	return v;
}

static double
parse_fraction(const char *opt, const char *s)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v <= 1.0))
	{
		fprintf(stderr, "gen_crowd: %s must be a fraction in [0, 1], not \"%s\"\n", opt, s);
		exit(2);
	}
	return v;
}

/* 0 for the value c0, 1 for c1, else an error. */
static int
parse_choice(const char *opt, const char *v, const char *c0, const char *c1)
{
	if (strcmp(v, c0) == 0)
		return 0;
	if (strcmp(v, c1) == 0)
		return 1;
	fprintf(stderr, "gen_crowd: %s must be %s or %s, not \"%s\"\n", opt, c0, c1, v);
	exit(2);
}

static void
parse_options(int argc, char **argv, Options *o)
{
	int			i;

	memset(o, 0, sizeof(*o));
	o->judgments = 1000000;
	o->classes = 2;
	o->overlap_min = o->overlap_max = 5;
	o->seed = 1;
	o->spammers = 0.1;
	o->adversaries = 0.05;
	o->mediocre = 0.3;
	o->priors = "harmonic";
	o->shuffle = 1;
	o->header = 1;

	for (i = 1; i < argc; i++)
	{
		const char *a = argv[i];
		const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;

#define NEEDVAL() do { if (v == NULL) usage("missing value"); i++; } while (0)
		if (strcmp(a, "--judgments") == 0)
		{
			NEEDVAL();
			o->judgments = parse_int(a, v, 1, INT32_MAX);
		}
		else if (strcmp(a, "--classes") == 0)
		{
			NEEDVAL();
			o->classes = (int) parse_int(a, v, 2, MAX_CLASSES);
		}
		else if (strcmp(a, "--overlap") == 0)
		{
			const char *colon;

			NEEDVAL();
			colon = strchr(v, ':');
			if (colon == NULL)
				o->overlap_min = o->overlap_max = (int) parse_int(a, v, 1, MAX_OVERLAP);
			else
			{
				char		lo[32];

				if ((size_t) (colon - v) >= sizeof(lo))
					usage("bad --overlap");
				memcpy(lo, v, colon - v);
				lo[colon - v] = '\0';
				o->overlap_min = (int) parse_int(a, lo, 1, MAX_OVERLAP);
				o->overlap_max = (int) parse_int(a, colon + 1, o->overlap_min, MAX_OVERLAP);
			}
		}
		else if (strcmp(a, "--workers") == 0)
		{
			NEEDVAL();
			o->workers = parse_int(a, v, 1, INT32_MAX);
		}
		else if (strcmp(a, "--seed") == 0)
		{
			char	   *end;

			NEEDVAL();
			errno = 0;
			o->seed = strtoull(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || *v == '-')
				usage("--seed must be an unsigned integer");
		}
		else if (strcmp(a, "--spammers") == 0)
		{
			NEEDVAL();
			o->spammers = parse_fraction(a, v);
		}
		else if (strcmp(a, "--adversaries") == 0)
		{
			NEEDVAL();
			o->adversaries = parse_fraction(a, v);
		}
		else if (strcmp(a, "--mediocre") == 0)
		{
			NEEDVAL();
			o->mediocre = parse_fraction(a, v);
		}
		else if (strcmp(a, "--priors") == 0)
		{
			NEEDVAL();
			o->priors = v;
		}
		else if (strcmp(a, "--key-type") == 0)
		{
			NEEDVAL();
			o->text_keys = parse_choice(a, v, "int", "text");
		}
		else if (strcmp(a, "--order") == 0)
		{
			NEEDVAL();
			o->shuffle = parse_choice(a, v, "task", "random");
		}
		else if (strcmp(a, "--gold") == 0)
		{
			NEEDVAL();
			o->gold_file = v;
		}
		else if (strcmp(a, "--workers-file") == 0)
		{
			NEEDVAL();
			o->workers_file = v;
		}
		else if (strcmp(a, "--truth") == 0)
			o->truth = 1;
		else if (strcmp(a, "--weights") == 0)
			o->weights = 1;
		else if (strcmp(a, "--no-header") == 0)
			o->header = 0;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			usage(NULL);
		else
		{
			fprintf(stderr, "gen_crowd: unknown option \"%s\"\n", a);
			usage(NULL);
		}
#undef NEEDVAL
	}

	if (o->spammers + o->adversaries + o->mediocre > 1.0 + 1e-12)
		usage("--spammers + --adversaries + --mediocre must not exceed 1");
	if (o->workers == 0)
	{
		o->workers = o->judgments / 200;
		if (o->workers < 2LL * o->overlap_max)
			o->workers = 2LL * o->overlap_max;
	}
	if (o->workers < o->overlap_max)
		usage("--workers must be at least the (maximum) overlap");
}

/* Class priors as a cumulative distribution. */
static void
parse_priors(const Options *o, double *cdf)
{
	int			k = o->classes;
	double		w[MAX_CLASSES];
	double		total = 0.0;
	int			c;

	if (strcmp(o->priors, "uniform") == 0)
		for (c = 0; c < k; c++)
			w[c] = 1.0;
	else if (strcmp(o->priors, "harmonic") == 0)
		for (c = 0; c < k; c++)
			w[c] = 1.0 / (c + 1);
	else
	{
		const char *p = o->priors;

		for (c = 0; c < k; c++)
		{
			char	   *end;

			errno = 0;
			w[c] = strtod(p, &end);
			if (errno != 0 || end == p || !(w[c] >= 0.0) || !isfinite(w[c]) ||
				(c < k - 1 ? *end != ',' : *end != '\0'))
				usage("--priors needs uniform, harmonic or exactly K comma-separated non-negative weights");
			p = end + 1;
		}
	}
	for (c = 0; c < k; c++)
		total += w[c];
	if (!(total > 0.0))
		usage("--priors: the weights must not all be zero");
	for (c = 0; c < k; c++)
		cdf[c] = (c > 0 ? cdf[c - 1] : 0.0) + w[c] / total;
	cdf[k - 1] = 1.0;
}

static int
draw_class(Rng *r, const double *cdf, int k)
{
	double		u = rng_double(r);
	int			lo = 0,
				hi = k - 1;

	/* smallest c with u < cdf[c] */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (u < cdf[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* A class other than `not`, uniformly. */
static inline int
other_class(Rng *r, int k, int not)
{
	int			c = (int) rng_below(r, (uint32_t) (k - 1));

	return c >= not ? c + 1 : c;
}

/* ---------------------------------------------------------------- crowd */

static Worker *
make_workers(const Options *o, const double *cdf)
{
	long long	nw = o->workers;
	int			k = o->classes;
	Worker	   *ws = calloc(nw, sizeof(Worker));
	long long  *perm = malloc(sizeof(long long) * nw);
	long long	n_spam = llround(nw * o->spammers);
	long long	n_adv = llround(nw * o->adversaries);
	long long	n_med = llround(nw * o->mediocre);
	long long	i;
	Rng			r;

	if (ws == NULL || perm == NULL)
	{
		fprintf(stderr, "gen_crowd: out of memory\n");
		exit(1);
	}
	if (n_spam + n_adv + n_med > nw)
		n_med = nw - n_spam - n_adv;
	rng_seed(&r, o->seed, 1);
	for (i = 0; i < nw; i++)
		perm[i] = i;
	for (i = nw - 1; i > 0; i--)
	{
		long long	j = (long long) rng_below(&r, (uint32_t) (i + 1));
		long long	t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < nw; i++)
	{
		Worker	   *w = &ws[perm[i]];

		if (i < n_spam)
			w->kind = (i % 2 == 0) ? W_SPAM_RANDOM : W_SPAM_CONSTANT;
		else if (i < n_spam + n_adv)
			w->kind = W_ADVERSARY;
		else if (i < n_spam + n_adv + n_med)
			w->kind = W_MEDIOCRE;
		else
			w->kind = W_GOOD;
	}
	free(perm);

	/* parameters, in worker order so they do not depend on the dealing */
	for (i = 0; i < nw; i++)
	{
		Worker	   *w = &ws[i];
		double		chance = 1.0 / k;
		int			c;

		switch (w->kind)
		{
			case W_GOOD:
			case W_MEDIOCRE:
				{
					double		base = w->kind == W_GOOD ? rng_range(&r, 0.6, 0.95) : rng_range(&r, 0.1, 0.45);
					double		a = chance + (1.0 - chance) * base;

					w->acc = malloc(sizeof(float) * k);
					if (w->acc == NULL)
					{
						fprintf(stderr, "gen_crowd: out of memory\n");
						exit(1);
					}
					w->neighbour = rng_range(&r, 0.0, 0.7);
					w->expected = 0.0;
					for (c = 0; c < k; c++)
					{
						double		ac = a + rng_range(&r, -0.05, 0.05);

						if (ac > 1.0)
							ac = 1.0;
						w->acc[c] = (float) ac;
						w->expected += (cdf[c] - (c > 0 ? cdf[c - 1] : 0.0)) * w->acc[c];
					}
					w->accuracy = a;
					break;
				}
			case W_SPAM_RANDOM:
				w->expected = chance;
				break;
			case W_SPAM_CONSTANT:
				w->fixed = (int) rng_below(&r, (uint32_t) k);
				w->expected = cdf[w->fixed] - (w->fixed > 0 ? cdf[w->fixed - 1] : 0.0);
				break;
			case W_ADVERSARY:
				w->fixed = 1 + (int) rng_below(&r, (uint32_t) (k - 1));
				w->accuracy = rng_range(&r, 0.7, 0.95);
				/* correct only when the "other class" draw hits the truth */
				w->expected = (1.0 - w->accuracy) / (k - 1);
				break;
		}
	}
	return ws;
}

/* The answer of worker w to a task whose true class is c. */
static inline int
answer(Rng *r, const Worker *w, int c, int k)
{
	switch (w->kind)
	{
		case W_GOOD:
		case W_MEDIOCRE:
			if (rng_double(r) < w->acc[c])
				return c;
			if (rng_double(r) < w->neighbour)
				return (c + 1) % k;
			return other_class(r, k, c);
		case W_SPAM_RANDOM:
			return (int) rng_below(r, (uint32_t) k);
		case W_SPAM_CONSTANT:
			return w->fixed;
		case W_ADVERSARY:
			{
				int			p = (c + w->fixed) % k;

				if (rng_double(r) < w->accuracy)
					return p;
				return other_class(r, k, p);
			}
	}
	return c;
}

/* A worker index with heavy-tailed activity: floor(W * u^2). */
static inline int32_t
draw_worker(Rng *r, long long nw)
{
	double		u = rng_double(r);
	long long	i = (long long) (nw * u * u);

	return (int32_t) (i < nw ? i : nw - 1);
}

/* ---------------------------------------------------------------- main */

typedef struct Row
{
	int32_t		task;			/* 0-based */
	int32_t		worker;			/* 0-based */
	int16_t		label;
} Row;

static void
write_key(int text_keys, const char *prefix, long long id)
{
	if (text_keys)
		out_bytes(prefix, strlen(prefix));
	out_uint((unsigned long long) id);
}

static void
write_label(int c, int width)
{
	char		tmp[8];
	int			i;

	tmp[0] = 'c';
	for (i = width; i >= 1; i--)
	{
		tmp[i] = (char) ('0' + c % 10);
		c /= 10;
	}
	out_bytes(tmp, width + 1);
}

static void
write_row(const Options *o, const Row *row, const int16_t *truth,
		  const Worker *ws, int width)
{
	write_key(o->text_keys, "task-", (long long) row->task + 1);
	out_bytes(",", 1);
	write_key(o->text_keys, "worker-", (long long) row->worker + 1);
	out_bytes(",", 1);
	write_label(row->label, width);
	if (o->truth)
	{
		out_bytes(",", 1);
		write_label(truth[row->task], width);
	}
	if (o->weights)
	{
		char		tmp[32];
		int			n = snprintf(tmp, sizeof(tmp), ",%.4f", ws[row->worker].expected);

		out_bytes(tmp, n);
	}
	out_bytes("\n", 1);
}

static FILE *
open_out(const char *path)
{
	FILE	   *f = fopen(path, "w");

	if (f == NULL)
	{
		fprintf(stderr, "gen_crowd: cannot open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void
close_out(FILE *f, const char *path)
{
	if (ferror(f) || fclose(f) != 0)
	{
		fprintf(stderr, "gen_crowd: error writing %s\n", path);
		exit(1);
	}
}

static void
write_label_file(FILE *f, int c, int width)
{
	fprintf(f, "c%0*d", width, c);
}

int
main(int argc, char **argv)
{
	Options		o;
	double		cdf[MAX_CLASSES];
	Worker	   *ws;
	Row		   *rows;
	int16_t    *truth;
	long long	n = 0,
				ntasks = 0,
				captasks,
				i;
	int			width = 1;
	int			kk;
	Rng			rt,
				rs;

	parse_options(argc, argv, &o);
	parse_priors(&o, cdf);
	for (kk = o.classes - 1; kk >= 10; kk /= 10)
		width++;

	ws = make_workers(&o, cdf);
	/* every task has at least one judgment, so there are at most N tasks */
	captasks = o.judgments / o.overlap_min + 1;
	truth = malloc(sizeof(int16_t) * captasks);
	rows = malloc(sizeof(Row) * o.judgments);
	if (truth == NULL || rows == NULL)
	{
		fprintf(stderr, "gen_crowd: out of memory for %lld rows\n", o.judgments);
		return 1;
	}

	rng_seed(&rt, o.seed, 2);
	while (n < o.judgments)
	{
		int			c = draw_class(&rt, cdf, o.classes);
		int			m = o.overlap_min +
			(int) rng_below(&rt, (uint32_t) (o.overlap_max - o.overlap_min + 1));
		int32_t		chosen[MAX_OVERLAP];
		int			j;

		if (m > o.judgments - n)
			m = (int) (o.judgments - n);
		truth[ntasks] = (int16_t) c;
		for (j = 0; j < m; j++)
		{
			int32_t		w;
			int			tries = 0,
						dup;

			/* distinct workers per task: rejection, then the first unused */
			do
			{
				int			q;

				w = tries < 1000 ? draw_worker(&rt, o.workers) : (int32_t) (tries - 1000);
				dup = 0;
				for (q = 0; q < j; q++)
					if (chosen[q] == w)
						dup = 1;
				tries++;
			} while (dup);
			chosen[j] = w;
			rows[n].task = (int32_t) ntasks;
			rows[n].worker = w;
			rows[n].label = (int16_t) answer(&rt, &ws[w], c, o.classes);
			ws[w].n++;
			n++;
		}
		ntasks++;
	}

	if (o.shuffle)
	{
		rng_seed(&rs, o.seed, 3);
		for (i = n - 1; i > 0; i--)
		{
			long long	j = (long long) rng_below(&rs, (uint32_t) (i + 1));
			Row			t = rows[i];

			rows[i] = rows[j];
			rows[j] = t;
		}
	}

	if (o.header)
	{
		const char *h = "task,worker,label";

		out_bytes(h, strlen(h));
		if (o.truth)
			out_bytes(",true_label", 11);
		if (o.weights)
			out_bytes(",weight", 7);
		out_bytes("\n", 1);
	}
	for (i = 0; i < n; i++)
		write_row(&o, &rows[i], truth, ws, width);
	out_flush();
	if (fflush(stdout) != 0 || ferror(stdout))
	{
		fprintf(stderr, "gen_crowd: write error on stdout\n");
		return 1;
	}

	if (o.gold_file)
	{
		FILE	   *f = open_out(o.gold_file);

		fprintf(f, "task,label\n");
		for (i = 0; i < ntasks; i++)
		{
			fprintf(f, "%s%lld,", o.text_keys ? "task-" : "", i + 1);
			write_label_file(f, truth[i], width);
			fputc('\n', f);
		}
		close_out(f, o.gold_file);
	}
	if (o.workers_file)
	{
		FILE	   *f = open_out(o.workers_file);

		fprintf(f, "worker,kind,accuracy,n_judgments\n");
		for (i = 0; i < o.workers; i++)
			fprintf(f, "%s%lld,%s,%.4f,%lld\n", o.text_keys ? "worker-" : "", i + 1,
					kind_names[ws[i].kind], ws[i].expected, ws[i].n);
		close_out(f, o.workers_file);
	}
	return 0;
}
