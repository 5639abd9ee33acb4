/*-------------------------------------------------------------------------
 *
 * key_map.c
 *	  Interning of text or bigint keys to dense int32 ids.
 *
 *	  Ids are handed out in first-seen order.  Text keys live once in a byte
 *	  arena.  Lookups use a linear scan over cached hashes while the map is
 *	  small (a task's few labels) and an open-addressing index beyond that
 *	  (a million tasks), so the same structure serves per-group states and
 *	  whole-table models.  All memory is allocated in the context given at
 *	  creation (normally the aggregate context).
 *
 * IDENTIFICATION
 *	  src/key_map.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "key_map.h"
#include "labeling.h"

/* Scan linearly up to this many keys, then build a hash index. */
#define KEY_MAP_LINEAR_MAX	8

/* At most this many keys in one map (ids are int32). */
#define KEY_MAP_MAX_KEYS	(PG_INT32_MAX / 4)

/* Initialise a map in place (e.g. embedded in an aggregate state). */
void
key_map_init(KeyMap *m, MemoryContext mcxt, KeyKind kind)
{
	memset(m, 0, sizeof(KeyMap));
	m->mcxt = mcxt;
	m->kind = kind;
	m->cap = 4;
	m->entries = MemoryContextAlloc(mcxt, sizeof(KeyMapEntry) * m->cap);
	if (kind == KEY_TEXT)
	{
		m->arenacap = 32;
		m->arena = MemoryContextAlloc(mcxt, m->arenacap);
	}
}

/* Free the arrays of a map initialised in place (the map itself is not freed). */
void
key_map_release(KeyMap *m)
{
	if (m->entries)
		pfree(m->entries);
	if (m->arena)
		pfree(m->arena);
	if (m->index)
		pfree(m->index);
	m->entries = NULL;
	m->arena = NULL;
	m->index = NULL;
	m->n = m->cap = 0;
	m->arenalen = m->arenacap = 0;
	m->indexsize = 0;
}

KeyMap *
key_map_create(MemoryContext mcxt, KeyKind kind)
{
	KeyMap	   *m = MemoryContextAlloc(mcxt, sizeof(KeyMap));

	key_map_init(m, mcxt, kind);
	return m;
}

static inline uint32
hash_int8_key(int64 key)
{
	return (uint32) key_mix64((uint64) key);
}

/* Rebuild the open-addressing index, sized for the current capacity. */
static void
key_map_reindex(KeyMap *m)
{
	Size		size = 16;
	int32		i;

	while (size < 2 * (Size) m->cap)
		size *= 2;
	if (m->index)
		pfree(m->index);
	m->index = MemoryContextAllocHuge(m->mcxt, sizeof(int32) * size);
	memset(m->index, -1, sizeof(int32) * size);
	m->indexsize = (int32) size;
	for (i = 0; i < m->n; i++)
	{
		uint32		slot = m->entries[i].hash & (size - 1);

		while (m->index[slot] >= 0)
			slot = (slot + 1) & (size - 1);
		m->index[slot] = i;
	}
}

static inline bool
key_matches(const KeyMap *m, int32 id, uint32 hash, const char *key, int len, int64 ikey)
{
	const KeyMapEntry *e = &m->entries[id];

	if (e->hash != hash)
		return false;
	if (m->kind == KEY_INT8)
		return e->val == ikey;
	return e->len == len && memcmp(m->arena + e->val, key, len) == 0;
}

/* Id of the key or -1; *slot gets the free index slot when an index exists. */
static inline int32
key_map_lookup(const KeyMap *m, uint32 hash, const char *key, int len, int64 ikey,
			   uint32 *slot)
{
	int32		id;

	if (m->index == NULL)
	{
		for (id = 0; id < m->n; id++)
			if (key_matches(m, id, hash, key, len, ikey))
				return id;
		return -1;
	}
	else
	{
		uint32		mask = m->indexsize - 1;
		uint32		s = hash & mask;

		while ((id = m->index[s]) >= 0)
		{
			if (key_matches(m, id, hash, key, len, ikey))
				return id;
			s = (s + 1) & mask;
		}
		*slot = s;
		return -1;
	}
}

static void
key_map_grow(KeyMap *m)
{
	int32		newcap;

	if (m->n >= KEY_MAP_MAX_KEYS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct keys"),
				 errdetail("At most %d distinct keys are supported.", KEY_MAP_MAX_KEYS)));
	newcap = m->cap * 2;
	m->entries = repalloc_huge(m->entries, sizeof(KeyMapEntry) * newcap);
	m->cap = newcap;
}

/* Register a new id for the key (already known to be absent). */
static int32
key_map_insert(KeyMap *m, uint32 hash, const char *key, int len, int64 ikey,
			   uint32 slot)
{
	int32		id;

	if (m->n == m->cap)
		key_map_grow(m);
	id = m->n;
	m->entries[id].hash = hash;
	m->entries[id].len = len;
	if (m->kind == KEY_INT8)
		m->entries[id].val = ikey;
	else
	{
		if (m->arenalen + len > m->arenacap)
		{
			Size		newcap = m->arenacap;

			while (newcap < m->arenalen + len)
				newcap *= 2;
			if (newcap > (Size) PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("keys are too large"),
						 errdetail("The distinct keys of one aggregate may take at most 2 GB.")));
			m->arena = repalloc_huge(m->arena, newcap);
			m->arenacap = newcap;
		}
		m->entries[id].val = (int64) m->arenalen;
		memcpy(m->arena + m->arenalen, key, len);
		m->arenalen += len;
	}
	m->n++;

	if (m->index != NULL && 2 * (Size) m->n <= (Size) m->indexsize)
		m->index[slot] = id;
	else if (m->n > KEY_MAP_LINEAR_MAX)
		key_map_reindex(m);
	return id;
}

int32
key_map_intern_text(KeyMap *m, const char *key, int len, bool *isnew)
{
	uint32		hash = hash_bytes((const unsigned char *) key, len);
	uint32		slot = 0;
	int32		id;

	Assert(m->kind == KEY_TEXT);
	id = key_map_lookup(m, hash, key, len, 0, &slot);
	if (isnew)
		*isnew = (id < 0);
	if (id >= 0)
		return id;
	return key_map_insert(m, hash, key, len, 0, slot);
}

int32
key_map_intern_int(KeyMap *m, int64 key, bool *isnew)
{
	uint32		hash = hash_int8_key(key);
	uint32		slot = 0;
	int32		id;

	Assert(m->kind == KEY_INT8);
	id = key_map_lookup(m, hash, NULL, 0, key, &slot);
	if (isnew)
		*isnew = (id < 0);
	if (id >= 0)
		return id;
	return key_map_insert(m, hash, NULL, 0, key, slot);
}

int32
key_map_find_text(const KeyMap *m, const char *key, int len)
{
	uint32		slot;

	return key_map_lookup(m, hash_bytes((const unsigned char *) key, len), key, len, 0, &slot);
}

int32
key_map_find_int(const KeyMap *m, int64 key)
{
	uint32		slot;

	return key_map_lookup(m, hash_int8_key(key), NULL, 0, key, &slot);
}

/* Intern a key given as a Datum of type text (KEY_TEXT) or int8 (KEY_INT8). */
int32
key_map_intern_datum(KeyMap *m, Datum key, bool *isnew)
{
	if (m->kind == KEY_INT8)
		return key_map_intern_int(m, DatumGetInt64(key), isnew);
	else
	{
		text	   *t = DatumGetTextPP(key);
		int32		id = key_map_intern_text(m, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), isnew);

		if ((Pointer) t != DatumGetPointer(key))
			pfree(t);
		return id;
	}
}

/* The key of an id as a new Datum (text or int8) in CurrentMemoryContext. */
Datum
key_map_get_datum(const KeyMap *m, int32 id)
{
	Assert(id >= 0 && id < m->n);
	if (m->kind == KEY_INT8)
		return Int64GetDatum(KEY_MAP_INT(m, id));
	return PointerGetDatum(cstring_to_text_with_len(KEY_MAP_TEXT(m, id), KEY_MAP_TEXTLEN(m, id)));
}

/* Compare the keys of two ids: numeric order for bigint, byte order for text. */
int
key_map_cmp_ids(const KeyMap *m, int32 a, int32 b)
{
	if (m->kind == KEY_INT8)
		return (KEY_MAP_INT(m, a) > KEY_MAP_INT(m, b)) - (KEY_MAP_INT(m, a) < KEY_MAP_INT(m, b));
	return label_cmp(KEY_MAP_TEXT(m, a), KEY_MAP_TEXTLEN(m, a),
					 KEY_MAP_TEXT(m, b), KEY_MAP_TEXTLEN(m, b));
}

static const KeyMap *sort_map;	/* qsort has no context argument */

static int
sort_ids_cmp(const void *a, const void *b)
{
	return key_map_cmp_ids(sort_map, *(const int32 *) a, *(const int32 *) b);
}

/* All ids ordered by key, in CurrentMemoryContext. */
int32 *
key_map_sorted_ids(const KeyMap *m)
{
	int32	   *ids = palloc_extended(sizeof(int32) * Max(m->n, 1), MCXT_ALLOC_HUGE);
	int32		i;

	for (i = 0; i < m->n; i++)
		ids[i] = i;
	sort_map = m;
	qsort(ids, m->n, sizeof(int32), sort_ids_cmp);
	sort_map = NULL;
	return ids;
}

/*
 * Append the map to buf: kind byte, int32 count, then the keys in id order
 * (int64, or int32 length plus bytes).
 */
void
key_map_serialize(const KeyMap *m, StringInfo buf)
{
	int32		i;

	pq_sendbyte(buf, (int) m->kind);
	pq_sendint32(buf, m->n);
	for (i = 0; i < m->n; i++)
	{
		if (m->kind == KEY_INT8)
			pq_sendint64(buf, KEY_MAP_INT(m, i));
		else
		{
			pq_sendint32(buf, KEY_MAP_TEXTLEN(m, i));
			pq_sendbytes(buf, KEY_MAP_TEXT(m, i), KEY_MAP_TEXTLEN(m, i));
		}
	}
}

/*
 * Read a map written by key_map_serialize into m, which must be freshly
 * initialised (key_map_init); ids are preserved.
 */
void
key_map_deserialize_into(KeyMap *m, StringInfo buf)
{
	int			kind = pq_getmsgbyte(buf);
	int32		n;
	int32		i;

	if (kind != (int) m->kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid key kind %d in serialized key map", kind)));
	n = pq_getmsgint(buf, 4);
	if (n < 0 || n > KEY_MAP_MAX_KEYS ||
		(Size) n * (kind == KEY_INT8 ? 8 : 4) > (Size) (buf->len - buf->cursor))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid key count %d in serialized key map", n)));
	for (i = 0; i < n; i++)
	{
		bool		isnew;

		if (kind == KEY_INT8)
			key_map_intern_int(m, pq_getmsgint64(buf), &isnew);
		else
		{
			int32		len = pq_getmsgint(buf, 4);

			if (len < 0 || len > buf->len - buf->cursor)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("insufficient data left in message")));
			key_map_intern_text(m, pq_getmsgbytes(buf, len), len, &isnew);
		}
		if (!isnew)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("duplicate key in serialized key map")));
	}
}

/* Read a map written by key_map_serialize into a new map in mcxt. */
KeyMap *
key_map_deserialize(StringInfo buf, MemoryContext mcxt)
{
	int			kind;
	KeyMap	   *m;

	if (buf->cursor >= buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("insufficient data left in message")));
	kind = (unsigned char) buf->data[buf->cursor];
	if (kind != KEY_TEXT && kind != KEY_INT8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid key kind %d in serialized key map", kind)));
	m = key_map_create(mcxt, (KeyKind) kind);
	key_map_deserialize_into(m, buf);
	return m;
}

/* Approximate bytes used, for memory reports. */
Size
key_map_memory(const KeyMap *m)
{
	return sizeof(KeyMap) + sizeof(KeyMapEntry) * m->cap + m->arenacap +
		sizeof(int32) * m->indexsize;
}

/*
 * The kind of keys an aggregate gets in argument argno (bigint or text),
 * read from the call's argument types on the first row; what names the
 * keys in the message ("task", "unit", ...).
 */
KeyKind
key_kind_of_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (type == INT8OID)
		return KEY_INT8;
	if (type == TEXTOID)
		return KEY_TEXT;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("%s keys must be bigint or text", what),
			 errdetail("Got type %s.", type == InvalidOid ? "unknown" : format_type_be(type))));
	pg_unreachable();
}
