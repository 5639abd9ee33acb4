/*-------------------------------------------------------------------------
 *
 * truth_model_agg.c
 *	  The aggregate state shared by dawid_skene_agg, one_coin_agg, glad_agg
 *	  and wawa_agg: transition, combine, serialize and deserialize functions.
 *
 *	  The state collects judgments column-wise (18 bytes each, in chunks
 *	  that are never copied): task and worker keys (bigint keys as they are,
 *	  text keys as ids of a key map) and label ids; plus the gold label of
 *	  each task given in the optional fourth column, and the options of the
 *	  optional fifth column.  Task and worker keys are bigint or text (the
 *	  kind is read from the argument types on the first row); labels are
 *	  text.  Rows with a NULL task, worker or label are skipped.  Nothing is
 *	  fitted here: EM runs in the final functions (truth_model_final.c).
 *
 *	  Bigint keys are not hashed here: the state only notes where the task
 *	  keys stop being nondecreasing (runs), and the final function groups
 *	  the rows (truth_model_data.c).
 *
 *	  Serialize writes the key maps with pq_* calls and the judgments as
 *	  raw column arrays (states only travel between the processes of one
 *	  server); deserialize builds the state in the aggregate context and
 *	  checks every count, id and option, so a corrupted or hostile bytea
 *	  gives an error, never a crash.  Combine moves the right state into
 *	  the left one, remapping ids through the left key maps; the chunks of a
 *	  deserialized state are taken over, not copied.
 *
 * IDENTIFICATION
 *	  src/truth_model_agg.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "truth_model.h"

/* First byte of a serialized state. */
#define TRUTH_STATE_FORMAT	2

/*
 * A serialized state stores each column at the narrowest of two widths that
 * holds all its values: keys as int32 or int64, label ids as uint8 or
 * uint16 (flags below).  Parallel plans copy a state several times on its
 * way to the leader, so half the bytes is half the copying.
 */
#define TRUTH_SER_TASK32	0x01
#define TRUTH_SER_WORKER32	0x02
#define TRUTH_SER_LABEL8	0x04
#define TRUTH_SER_FLAGS		0x07

/* Values converted at a time when writing or reading a narrow column. */
#define TRUTH_SER_BLOCK		4096

/* Raw options values up to this size are compared byte by byte on every row. */
#define OPTIONS_ALWAYS_COMPARE	8192

static TruthState *
truth_state_create(MemoryContext mcxt, KeyKind task_kind, KeyKind worker_kind)
{
	TruthState *s = MemoryContextAllocZero(mcxt, sizeof(TruthState));

	s->mcxt = mcxt;
	s->task_kind = task_kind;
	key_map_init(&s->tasks, mcxt, KEY_TEXT);
	key_map_init(&s->workers, mcxt, worker_kind);
	key_map_init(&s->labels, mcxt, KEY_TEXT);
	key_map_init(&s->gold_tasks, mcxt, task_kind);
	s->chunkcap = 4;
	s->chunks = MemoryContextAlloc(mcxt, sizeof(TruthChunk *) * s->chunkcap);
	s->last_task = s->last_worker = -1;
	memset(s->recent_labels, -1, sizeof(s->recent_labels));
	memset(s->recent_len, -1, sizeof(s->recent_len));
	return s;
}

/*
 * Id of a text key, remembering the last one: rows often come grouped by
 * task, so most rows skip the hash lookup.  Returns whether the key is new
 * to the map.
 */
static inline int32
intern_cached(KeyMap *m, Datum key, int32 *last, bool *isnew)
{
	text	   *t = DatumGetTextPP(key);
	const char *p = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	*isnew = false;
	if (*last < 0 || KEY_MAP_TEXTLEN(m, *last) != len ||
		memcmp(KEY_MAP_TEXT(m, *last), p, len) != 0)
		*last = key_map_intern_text(m, p, len, isnew);
	if ((Pointer) t != DatumGetPointer(key))
		pfree(t);
	return *last;
}

/*
 * Id of a label: a handful of labels repeat on every row, so the last few
 * are compared before the label is hashed; labels of up to 8 bytes (most)
 * are compared as one integer.
 */
static inline int32
intern_label(TruthState *s, text *t, bool *isnew)
{
	const char *p = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	uint64		packed = 0;
	int			i;
	int32		id;

	*isnew = false;
	if (len <= 8)
	{
		for (i = 0; i < len; i++)
			packed |= (uint64) (unsigned char) p[i] << (8 * i);
		for (i = 0; i < TRUTH_RECENT_LABELS; i++)
			if (s->recent_len[i] == len && s->recent_packed[i] == packed)
				return s->recent_labels[i];
	}
	else
	{
		for (i = 0; i < TRUTH_RECENT_LABELS; i++)
		{
			id = s->recent_labels[i];
			if (s->recent_len[i] == len &&
				memcmp(KEY_MAP_TEXT(&s->labels, id), p, len) == 0)
				return id;
		}
	}
	id = key_map_intern_text(&s->labels, p, len, isnew);
	s->recent_labels[s->next_recent] = id;
	s->recent_len[s->next_recent] = len;
	s->recent_packed[s->next_recent] = packed;
	s->next_recent = (s->next_recent + 1) % TRUTH_RECENT_LABELS;
	return id;
}

/* The number of distinct labels (gold ones included) must stay in bounds. */
void
truth_state_check_classes(const TruthState *state)
{
	if (state->labels.n > LABELING_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct labels for truth inference"),
				 errdetail("Truth inference supports at most %d distinct labels (gold labels included).",
						   LABELING_MAX_CLASSES),
				 errhint("Use majority_vote or vote_dist for more labels.")));
}

static void pg_attribute_noreturn()
truth_state_too_many(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many judgments for one truth inference aggregate"),
			 errdetail("At most %d judgments are supported.", TRUTH_MAX_JUDGMENTS),
			 errhint("Fit groups of tasks separately (GROUP BY).")));
}

/* Room for one more chunk pointer. */
static void
truth_state_reserve_chunk(TruthState *s)
{
	if (s->nchunks == s->chunkcap)
	{
		s->chunkcap *= 2;
		s->chunks = repalloc_huge(s->chunks, sizeof(TruthChunk *) * s->chunkcap);
	}
}

/*
 * Append an empty chunk.  Chunks are cut from slabs that grow with the state
 * (up to TRUTH_SLAB_CHUNKS chunks, about 19 MB, backed by huge pages), so
 * a small state stays small and a large one takes few page faults.  Chunks
 * are never freed one by one: they go with the aggregate context.
 */
static void
truth_state_new_chunk(TruthState *s)
{
	truth_state_reserve_chunk(s);
	if (s->slab_left == 0)
	{
		int32		nslab = Min(Max(s->nchunks, 1), TRUTH_SLAB_CHUNKS);

		s->slab_next = labeling_alloc_large(s->mcxt, sizeof(TruthChunk) * nslab);
		s->slab_left = nslab;
	}
	s->chunks[s->nchunks++] = (TruthChunk *) s->slab_next;
	s->slab_next += sizeof(TruthChunk);
	s->slab_left--;
}

/* Bigint task keys: note where a key below the previous one starts a run. */
static inline void
truth_state_note_run(TruthState *s, int64 task)
{
	if (s->nruns >= 0 && (s->n == 0 || task < TRUTH_ROW_TASK(s, s->n - 1)))
	{
		if (s->nruns == TRUTH_MAX_RUNS)
			s->nruns = -1;
		else
			s->run_start[s->nruns++] = s->n;
	}
}

static inline void
truth_state_append(TruthState *s, int64 task, int64 worker, int32 label)
{
	TruthChunk *c;
	int32		i = (int32) (s->n & TRUTH_CHUNK_MASK);

	if (s->n >= TRUTH_MAX_JUDGMENTS)
		truth_state_too_many();
	if (i == 0)
		truth_state_new_chunk(s);
	if (s->task_kind == KEY_INT8)
		truth_state_note_run(s, task);
	c = s->chunks[s->nchunks - 1];
	c->task[i] = task;
	c->worker[i] = worker;
	c->label[i] = (uint16) label;
	s->n++;
}

/* Recount the runs of bigint task keys from scratch (after a merge). */
static void
truth_state_recount_runs(TruthState *s)
{
	int64		n = s->n;
	int64		j;
	int64		prev = 0;

	s->nruns = 0;
	if (s->task_kind != KEY_INT8)
		return;
	for (j = 0; j < n; j++)
	{
		int64		key = TRUTH_ROW_TASK(s, j);

		if (j == 0 || key < prev)
		{
			if (s->nruns == TRUTH_MAX_RUNS)
			{
				s->nruns = -1;
				return;
			}
			s->run_start[s->nruns++] = j;
		}
		prev = key;
	}
}

/* Printable task key of the gold map entry id, for messages. */
static char *
gold_task_name(const TruthState *s, int32 id)
{
	if (s->gold_tasks.kind == KEY_INT8)
		return psprintf(INT64_FORMAT, KEY_MAP_INT(&s->gold_tasks, id));
	return pnstrdup(KEY_MAP_TEXT(&s->gold_tasks, id), KEY_MAP_TEXTLEN(&s->gold_tasks, id));
}

/*
 * Record the gold label (a label id) of a task given by its key: ikey for
 * bigint tasks, skey/slen for text tasks.
 */
static void
truth_state_set_gold(TruthState *s, int64 ikey, const char *skey, int slen, int32 label)
{
	bool		isnew;
	int32		id = s->gold_tasks.kind == KEY_INT8 ?
		key_map_intern_int(&s->gold_tasks, ikey, &isnew) :
		key_map_intern_text(&s->gold_tasks, skey, slen, &isnew);

	if (id >= s->goldcap)
	{
		int32		newcap = Max(64, s->goldcap * 2);

		s->gold_label = s->gold_label == NULL ?
			MemoryContextAllocHuge(s->mcxt, sizeof(int32) * newcap) :
			repalloc_huge(s->gold_label, sizeof(int32) * newcap);
		s->goldcap = newcap;
	}
	if (isnew)
		s->gold_label[id] = label;
	else if (s->gold_label[id] != label)
	{
		const KeyMap *l = &s->labels;

		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("conflicting gold labels for task \"%s\"", gold_task_name(s, id)),
				 errdetail("Both \"%.*s\" and \"%.*s\" are given as its gold label.",
						   KEY_MAP_TEXTLEN(l, s->gold_label[id]), KEY_MAP_TEXT(l, s->gold_label[id]),
						   KEY_MAP_TEXTLEN(l, label), KEY_MAP_TEXT(l, label)),
				 errhint("Give each task at most one gold label.")));
	}
}

static void pg_attribute_noreturn()
truth_options_differ(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("truth inference options must be the same on every row"),
			 errhint("Pass a constant, e.g. labeling.truth_options(max_iterations => 50).")));
}

/*
 * Take the options of one row.  Every row must give the same options (or
 * NULL on every row).  The options are parsed once; later rows are compared
 * with the bytes of the first one.
 */
static void
truth_state_take_options(TruthState *s, Datum d, bool isnull)
{
	struct varlena *raw;
	Size		len;

	if (isnull)
	{
		if (s->options_mode == TRUTH_OPTIONS_GIVEN)
			truth_options_differ();
		s->options_mode = TRUTH_OPTIONS_NULL;
		return;
	}
	if (s->options_mode == TRUTH_OPTIONS_NULL)
		truth_options_differ();

	raw = (struct varlena *) DatumGetPointer(d);
	if (VARATT_IS_EXTENDED(raw))
		raw = pg_detoast_datum_packed(raw);
	len = VARSIZE_ANY(raw);
	if (s->options_mode == TRUTH_OPTIONS_GIVEN && s->options_raw == NULL)
	{
		/* options that came through combine: compare them parsed */
		TruthOptions opts;

		truth_options_from_datum(PointerGetDatum(raw), &opts, CurrentMemoryContext);
		if (!truth_options_equal(&opts, &s->options))
			truth_options_differ();
		s->options_raw = MemoryContextAlloc(s->mcxt, len);
		memcpy(s->options_raw, raw, len);
		s->options_rawlen = len;
	}
	if (s->options_mode == TRUTH_OPTIONS_GIVEN)
	{
		/* large values (with a warm-start model) at the same address: same */
		if ((const void *) DatumGetPointer(d) == s->options_ptr &&
			len > OPTIONS_ALWAYS_COMPARE && len == s->options_rawlen)
			return;
		if (len != s->options_rawlen || memcmp(raw, s->options_raw, len) != 0)
			truth_options_differ();
		s->options_ptr = DatumGetPointer(d);
		return;
	}

	/* first options seen: parse, validate and keep a copy of the bytes */
	truth_options_from_datum(PointerGetDatum(raw), &s->options, s->mcxt);
	s->options_raw = MemoryContextAlloc(s->mcxt, len);
	memcpy(s->options_raw, raw, len);
	s->options_rawlen = len;
	s->options_ptr = DatumGetPointer(d);
	s->options_mode = TRUTH_OPTIONS_GIVEN;
}

/* Aggregate transition function of every truth-inference aggregate */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_transfn);
Datum
truth_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "truth_transfn");
	TruthState *s = PG_ARGISNULL(0) ? NULL : (TruthState *) PG_GETARG_POINTER(0);
	int			nargs = PG_NARGS();
	int64		task;
	int64		worker;
	int32		label;
	bool		isnew;

	/* a row without task, worker or label carries no judgment */
	if (nargs < 4 || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}

	if (s == NULL)
		s = truth_state_create(aggcontext,
							   key_kind_of_arg(fcinfo, 1, "task"),
							   key_kind_of_arg(fcinfo, 2, "worker"));
	if (nargs >= 6)
		truth_state_take_options(s, PG_GETARG_DATUM(5), PG_ARGISNULL(5));

	if (s->task_kind == KEY_INT8)
		task = PG_GETARG_INT64(1);
	else
		task = intern_cached(&s->tasks, PG_GETARG_DATUM(1), &s->last_task, &isnew);
	if (s->workers.kind == KEY_INT8)
		worker = PG_GETARG_INT64(2);
	else
		worker = intern_cached(&s->workers, PG_GETARG_DATUM(2), &s->last_worker, &isnew);
	label = intern_label(s, PG_GETARG_TEXT_PP(3), &isnew);
	if (isnew)
		truth_state_check_classes(s);
	truth_state_append(s, task, worker, label);

	if (nargs >= 5 && !PG_ARGISNULL(4))
	{
		text	   *gt = PG_GETARG_TEXT_PP(4);
		int32		gold = key_map_intern_text(&s->labels, VARDATA_ANY(gt),
											   VARSIZE_ANY_EXHDR(gt), &isnew);

		if (isnew)
			truth_state_check_classes(s);
		if (s->task_kind == KEY_INT8)
			truth_state_set_gold(s, task, NULL, 0, gold);
		else
			truth_state_set_gold(s, 0, KEY_MAP_TEXT(&s->tasks, task),
								 KEY_MAP_TEXTLEN(&s->tasks, task), gold);
	}
	PG_RETURN_POINTER(s);
}

/* Map of src's ids into dst's key map (interning what dst lacks); NULL if identity. */
static int32 *
truth_map_ids(KeyMap *dst, const KeyMap *src)
{
	int32	   *map = palloc_extended(sizeof(int32) * Max(src->n, 1), MCXT_ALLOC_HUGE);
	bool		identity = true;
	int32		i;

	for (i = 0; i < src->n; i++)
	{
		if (src->kind == KEY_INT8)
			map[i] = key_map_intern_int(dst, KEY_MAP_INT(src, i), NULL);
		else
			map[i] = key_map_intern_text(dst, KEY_MAP_TEXT(src, i), KEY_MAP_TEXTLEN(src, i), NULL);
		identity = identity && map[i] == i;
	}
	if (identity)
	{
		pfree(map);
		return NULL;
	}
	return map;
}

/* Remap the first n rows of a chunk through the id maps (NULL: identity). */
static void
truth_chunk_remap(TruthChunk *c, int32 n, const int32 *tmap, const int32 *wmap,
				  const int32 *lmap)
{
	int32		i;

	if (tmap)
		for (i = 0; i < n; i++)
			c->task[i] = tmap[c->task[i]];
	if (wmap)
		for (i = 0; i < n; i++)
			c->worker[i] = wmap[c->worker[i]];
	if (lmap)
		for (i = 0; i < n; i++)
			c->label[i] = (uint16) lmap[c->label[i]];
}

/*
 * Move src's judgments into dst, remapping ids through dst's key maps.
 * When src lives in dst's memory context (a state deserialize made for this
 * aggregate), its full chunks are taken over, remapped in place, and src is
 * used up; otherwise its rows are copied and src is left alone.  Row order
 * does not matter to the fits (truth_model_data.c sorts everything), so
 * taken-over chunks go before dst's partly filled last chunk.
 */
static void
truth_state_merge(TruthState *dst, TruthState *src)
{
	int32	   *tmap = NULL;
	int32	   *wmap = NULL;
	int32	   *lmap;
	int32		i;
	int64		j;
	bool		take = (src->mcxt == dst->mcxt);

	if (src->task_kind != dst->task_kind || src->workers.kind != dst->workers.kind)
		elog(ERROR, "cannot combine truth inference states with different key types");

	/* options: equal, NULL on both sides, or not seen on one side */
	if (src->options_mode != TRUTH_OPTIONS_UNSEEN)
	{
		if (dst->options_mode == TRUTH_OPTIONS_UNSEEN)
		{
			dst->options_mode = src->options_mode;
			dst->options = src->options;
			if (src->options.warm_start)
			{
				Size		len = VARSIZE(src->options.warm_start);

				dst->options.warm_start = MemoryContextAlloc(dst->mcxt, len);
				memcpy(dst->options.warm_start, src->options.warm_start, len);
			}
		}
		else if (dst->options_mode != src->options_mode ||
				 (src->options_mode == TRUTH_OPTIONS_GIVEN &&
				  !truth_options_equal(&dst->options, &src->options)))
			truth_options_differ();
	}

	if (src->task_kind == KEY_TEXT)
		tmap = truth_map_ids(&dst->tasks, &src->tasks);
	if (src->workers.kind == KEY_TEXT)
		wmap = truth_map_ids(&dst->workers, &src->workers);
	lmap = truth_map_ids(&dst->labels, &src->labels);
	truth_state_check_classes(dst);

	if (take && src->n > 0)
	{
		int32		dfull = (int32) (dst->n >> TRUTH_CHUNK_BITS);
		int32		dtail = (int32) (dst->n & TRUTH_CHUNK_MASK);
		int32		sfull = (int32) (src->n >> TRUTH_CHUNK_BITS);
		int32		stail = (int32) (src->n & TRUTH_CHUNK_MASK);
		TruthChunk *dlast = dtail > 0 ? dst->chunks[dfull] : NULL;
		TruthChunk *slast = stail > 0 ? src->chunks[sfull] : NULL;

		if (dst->n + src->n > TRUTH_MAX_JUDGMENTS)
			truth_state_too_many();
		/* dst's full chunks, src's full chunks, then dst's last chunk */
		dst->nchunks = dfull;
		for (i = 0; i < sfull; i++)
		{
			CHECK_FOR_INTERRUPTS();
			truth_chunk_remap(src->chunks[i], TRUTH_CHUNK_SIZE, tmap, wmap, lmap);
			truth_state_reserve_chunk(dst);
			dst->chunks[dst->nchunks++] = src->chunks[i];
		}
		dst->n = (int64) dst->nchunks << TRUTH_CHUNK_BITS;
		if (dlast)
		{
			truth_state_reserve_chunk(dst);
			dst->chunks[dst->nchunks++] = dlast;
			dst->n += dtail;
		}
		/* src's last rows one by one */
		if (slast)
		{
			truth_chunk_remap(slast, stail, tmap, wmap, lmap);
			dst->nruns = -1;	/* recounted below */
			for (i = 0; i < stail; i++)
				truth_state_append(dst, slast->task[i], slast->worker[i], slast->label[i]);
		}
		pfree(src->chunks);
		src->chunks = NULL;
		src->nchunks = 0;
		src->n = 0;
		truth_state_recount_runs(dst);
	}
	else
	{
		for (j = 0; j < src->n; j++)
		{
			int64		t = TRUTH_ROW_TASK(src, j);
			int64		w = TRUTH_ROW_WORKER(src, j);
			int32		l = TRUTH_ROW_LABEL(src, j);

			if ((j & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			truth_state_append(dst, tmap ? tmap[t] : t, wmap ? wmap[w] : w, lmap ? lmap[l] : l);
		}
	}
	for (i = 0; i < src->gold_tasks.n; i++)
	{
		int32		g = lmap ? lmap[src->gold_label[i]] : src->gold_label[i];

		if (src->gold_tasks.kind == KEY_INT8)
			truth_state_set_gold(dst, KEY_MAP_INT(&src->gold_tasks, i), NULL, 0, g);
		else
			truth_state_set_gold(dst, 0, KEY_MAP_TEXT(&src->gold_tasks, i),
								 KEY_MAP_TEXTLEN(&src->gold_tasks, i), g);
	}
	if (tmap)
		pfree(tmap);
	if (wmap)
		pfree(wmap);
	if (lmap)
		pfree(lmap);
	if (take)
	{
		/* src is used up: give its key maps back (text keys can be large) */
		key_map_release(&src->tasks);
		key_map_release(&src->workers);
		key_map_release(&src->labels);
		key_map_release(&src->gold_tasks);
		if (src->gold_label)
			pfree(src->gold_label);
		src->gold_label = NULL;
		src->goldcap = 0;
	}
}

/*
 * Aggregate combine function: move the right state into the left one.  A
 * right state that deserialize built in the aggregate context is taken over
 * rather than copied.
 */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_combine);
Datum
truth_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = labeling_agg_context(fcinfo, "truth_combine");
	TruthState *s1 = PG_ARGISNULL(0) ? NULL : (TruthState *) PG_GETARG_POINTER(0);
	TruthState *s2 = PG_ARGISNULL(1) ? NULL : (TruthState *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
	{
		/* state2 may live in a shorter-lived context: then copy it */
		if (s2->mcxt == aggcontext)
			PG_RETURN_POINTER(s2);
		s1 = truth_state_create(aggcontext, s2->task_kind, s2->workers.kind);
	}
	truth_state_merge(s1, s2);
	PG_RETURN_POINTER(s1);
}

/* Whether every key of a column fits in an int32. */
static bool
truth_keys_fit_int32(const TruthState *s, bool task)
{
	int64		j;

	for (j = 0; j < s->n; j++)
	{
		int64		v = task ? TRUTH_ROW_TASK(s, j) : TRUTH_ROW_WORKER(s, j);

		if (v < PG_INT32_MIN || v > PG_INT32_MAX)
			return false;
	}
	return true;
}

/* Append cnt int64 keys, narrowed to int32 if narrow. */
static void
truth_write_keys(StringInfo buf, const int64 *keys, int32 cnt, bool narrow)
{
	int32		tmp[TRUTH_SER_BLOCK];
	int32		i;
	int32		k;

	if (!narrow)
	{
		appendBinaryStringInfoNT(buf, (const char *) keys, sizeof(int64) * cnt);
		return;
	}
	for (i = 0; i < cnt; i += TRUTH_SER_BLOCK)
	{
		int32		m = Min(cnt - i, TRUTH_SER_BLOCK);

		for (k = 0; k < m; k++)
			tmp[k] = (int32) keys[i + k];
		appendBinaryStringInfoNT(buf, (const char *) tmp, sizeof(int32) * m);
	}
}

/* Append cnt label ids, narrowed to uint8 if narrow. */
static void
truth_write_labels(StringInfo buf, const uint16 *labels, int32 cnt, bool narrow)
{
	uint8		tmp[TRUTH_SER_BLOCK];
	int32		i;
	int32		k;

	if (!narrow)
	{
		appendBinaryStringInfoNT(buf, (const char *) labels, sizeof(uint16) * cnt);
		return;
	}
	for (i = 0; i < cnt; i += TRUTH_SER_BLOCK)
	{
		int32		m = Min(cnt - i, TRUTH_SER_BLOCK);

		for (k = 0; k < m; k++)
			tmp[k] = (uint8) labels[i + k];
		appendBinaryStringInfoNT(buf, (const char *) tmp, m);
	}
}

/* Read cnt keys of the given width into keys. */
static void
truth_read_keys(StringInfo buf, int64 *keys, int32 cnt, bool narrow)
{
	const char *src = pq_getmsgbytes(buf, (narrow ? sizeof(int32) : sizeof(int64)) * cnt);
	int32		tmp[TRUTH_SER_BLOCK];
	int32		i;
	int32		k;

	if (!narrow)
	{
		memcpy(keys, src, sizeof(int64) * cnt);
		return;
	}
	for (i = 0; i < cnt; i += TRUTH_SER_BLOCK)
	{
		int32		m = Min(cnt - i, TRUTH_SER_BLOCK);

		memcpy(tmp, src + sizeof(int32) * i, sizeof(int32) * m);
		for (k = 0; k < m; k++)
			keys[i + k] = tmp[k];
	}
}

/* Read cnt label ids of the given width into labels. */
static void
truth_read_labels(StringInfo buf, uint16 *labels, int32 cnt, bool narrow)
{
	const char *src = pq_getmsgbytes(buf, (narrow ? 1 : sizeof(uint16)) * cnt);
	int32		k;

	if (!narrow)
	{
		memcpy(labels, src, sizeof(uint16) * cnt);
		return;
	}
	for (k = 0; k < cnt; k++)
		labels[k] = (unsigned char) src[k];
}

/* Aggregate serialize function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_serialize);
Datum
truth_serialize(PG_FUNCTION_ARGS)
{
	TruthState *s;
	StringInfoData buf;
	Size		need;
	int64		done;
	int32		i;
	int			flags;

	(void) labeling_agg_context(fcinfo, "truth_serialize");
	s = (TruthState *) PG_GETARG_POINTER(0);

	flags = (truth_keys_fit_int32(s, true) ? TRUTH_SER_TASK32 : 0) |
		(truth_keys_fit_int32(s, false) ? TRUTH_SER_WORKER32 : 0) |
		(s->labels.n <= 256 ? TRUTH_SER_LABEL8 : 0);
	need = (Size) s->n * (2 * sizeof(int64) + sizeof(uint16)) + key_map_memory(&s->tasks) +
		key_map_memory(&s->workers) + key_map_memory(&s->labels) +
		key_map_memory(&s->gold_tasks) + sizeof(int32) * (Size) s->gold_tasks.n +
		(s->options.warm_start ? VARSIZE(s->options.warm_start) : 0) + 1024;
	if (!AllocSizeIsValid(need))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("truth inference state of a parallel worker is too large to pass to the leader"),
				 errdetail("The state holds " INT64_FORMAT " judgments.", s->n),
				 errhint("Disable parallel aggregation for this query: SET max_parallel_workers_per_gather = 0.")));

	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, (int) need);
	labeling_advise_huge_pages(buf.data, buf.maxlen);
	pq_sendbyte(&buf, TRUTH_STATE_FORMAT);
	pq_sendbyte(&buf, s->options_mode);
	if (s->options_mode == TRUTH_OPTIONS_GIVEN)
		truth_options_serialize(&s->options, &buf);
	pq_sendbyte(&buf, (int) s->task_kind);
	key_map_serialize(&s->tasks, &buf);
	key_map_serialize(&s->workers, &buf);
	key_map_serialize(&s->labels, &buf);
	pq_sendint64(&buf, s->n);
	pq_sendbyte(&buf, flags);

	/*
	 * The rows in native byte order, chunk by chunk, column by column: the
	 * state only travels between processes of one server.
	 */
	for (i = 0, done = 0; done < s->n; i++)
	{
		const TruthChunk *c = s->chunks[i];
		int32		cnt = (int32) Min(s->n - done, TRUTH_CHUNK_SIZE);

		truth_write_keys(&buf, c->task, cnt, (flags & TRUTH_SER_TASK32) != 0);
		truth_write_keys(&buf, c->worker, cnt, (flags & TRUTH_SER_WORKER32) != 0);
		truth_write_labels(&buf, c->label, cnt, (flags & TRUTH_SER_LABEL8) != 0);
		done += cnt;
	}
	key_map_serialize(&s->gold_tasks, &buf);
	for (i = 0; i < s->gold_tasks.n; i++)
		pq_sendint32(&buf, s->gold_label[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void pg_attribute_noreturn()
truth_state_corrupt(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid truth inference state: %s", what)));
}

/* Aggregate deserialize function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(truth_deserialize);
Datum
truth_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	StringInfoData buf;
	TruthState *s;
	TruthOptions opts;
	int			mode;
	int			kind;
	int			wkind;
	int64		n;
	int64		done;
	int32		i;
	int			flags;
	int64		row_bytes;
	MemoryContext aggcontext;

	/*
	 * Built in the aggregate context, so that the combine function can take
	 * the state over instead of copying it.
	 */
	aggcontext = labeling_agg_context(fcinfo, "truth_deserialize");
	b = PG_GETARG_BYTEA_PP(0);
	labeling_state_reader(b, &buf, TRUTH_STATE_FORMAT, "truth inference state");
	mode = pq_getmsgbyte(&buf);
	if (mode != TRUTH_OPTIONS_UNSEEN && mode != TRUTH_OPTIONS_NULL && mode != TRUTH_OPTIONS_GIVEN)
		truth_state_corrupt("bad options marker");
	memset(&opts, 0, sizeof(opts));
	if (mode == TRUTH_OPTIONS_GIVEN)
		truth_options_deserialize(&buf, &opts, aggcontext);

	kind = pq_getmsgbyte(&buf);
	if (kind != KEY_INT8 && kind != KEY_TEXT)
		truth_state_corrupt("bad task key kind");
	s = truth_state_create(aggcontext, (KeyKind) kind, KEY_INT8);
	s->options_mode = mode;
	s->options = opts;
	key_map_deserialize_into(&s->tasks, &buf);
	if (buf.cursor >= buf.len)
		truth_state_corrupt("missing worker keys");
	wkind = (unsigned char) buf.data[buf.cursor];
	if (wkind != KEY_INT8 && wkind != KEY_TEXT)
		truth_state_corrupt("bad worker key kind");
	key_map_init(&s->workers, aggcontext, (KeyKind) wkind);
	key_map_deserialize_into(&s->workers, &buf);
	key_map_deserialize_into(&s->labels, &buf);
	truth_state_check_classes(s);
	if (s->task_kind == KEY_INT8 && s->tasks.n != 0)
		truth_state_corrupt("bigint task keys with a text key map");
	if (s->workers.kind == KEY_INT8 && s->workers.n != 0)
		truth_state_corrupt("bigint worker keys with a key map");

	n = pq_getmsgint64(&buf);
	flags = pq_getmsgbyte(&buf);
	if ((flags & ~TRUTH_SER_FLAGS) != 0)
		truth_state_corrupt("bad column widths");
	row_bytes = ((flags & TRUTH_SER_TASK32) ? 4 : 8) + ((flags & TRUTH_SER_WORKER32) ? 4 : 8) +
		((flags & TRUTH_SER_LABEL8) ? 1 : 2);
	if (n < 0 || n > TRUTH_MAX_JUDGMENTS ||
		n > (int64) (buf.len - buf.cursor) / row_bytes)
		truth_state_corrupt("bad judgment count");
	for (done = 0; done < n; done += TRUTH_CHUNK_SIZE)
	{
		int32		cnt = (int32) Min(n - done, TRUTH_CHUNK_SIZE);
		TruthChunk *c;
		int32		i;

		CHECK_FOR_INTERRUPTS();
		truth_state_new_chunk(s);
		c = s->chunks[s->nchunks - 1];
		truth_read_keys(&buf, c->task, cnt, (flags & TRUTH_SER_TASK32) != 0);
		truth_read_keys(&buf, c->worker, cnt, (flags & TRUTH_SER_WORKER32) != 0);
		truth_read_labels(&buf, c->label, cnt, (flags & TRUTH_SER_LABEL8) != 0);
		s->n += cnt;
		for (i = 0; i < cnt; i++)
			if (c->label[i] >= s->labels.n ||
				(s->task_kind == KEY_TEXT && (c->task[i] < 0 || c->task[i] >= s->tasks.n)) ||
				(s->workers.kind == KEY_TEXT && (c->worker[i] < 0 || c->worker[i] >= s->workers.n)))
				truth_state_corrupt("id out of range");
	}
	truth_state_recount_runs(s);

	/* gold labels: keys, then one label id each */
	{
		KeyMap	   *gm = key_map_deserialize(&buf, CurrentMemoryContext);

		if (gm->kind != s->task_kind)
			truth_state_corrupt("gold task keys of the wrong kind");
		if ((Size) (buf.len - buf.cursor) != sizeof(int32) * (Size) gm->n)
			truth_state_corrupt("truncated gold labels");
		for (i = 0; i < gm->n; i++)
		{
			int32		g = pq_getmsgint(&buf, 4);

			if (g < 0 || g >= s->labels.n)
				truth_state_corrupt("gold label out of range");
			if (gm->kind == KEY_INT8)
				truth_state_set_gold(s, KEY_MAP_INT(gm, i), NULL, 0, g);
			else
				truth_state_set_gold(s, 0, KEY_MAP_TEXT(gm, i), KEY_MAP_TEXTLEN(gm, i), g);
		}
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(s);
}
