/*-------------------------------------------------------------------------
 *
 * key_map.h
 *	  Interning of keys (text or bigint) to dense int32 ids, kept in an
 *	  aggregate memory context (see key_map.c).
 *
 *	  Every aggregate that maps tasks, workers, items or labels to array
 *	  indexes uses a KeyMap: ids are given in first-seen order, keys can be
 *	  read back by id, and the whole map serializes for parallel aggregation.
 *
 * IDENTIFICATION
 *	  src/key_map.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef KEY_MAP_H
#define KEY_MAP_H

#include "fmgr.h"
#include "lib/stringinfo.h"

typedef enum KeyKind
{
	KEY_TEXT = 't',				/* text keys, compared bytewise */
	KEY_INT8 = 'i'				/* bigint keys */
} KeyKind;

typedef struct KeyMapEntry
{
	uint32		hash;			/* hash of the key */
	int32		len;			/* KEY_TEXT: length of the key in bytes */
	int64		val;			/* KEY_INT8: the key; KEY_TEXT: offset in arena */
} KeyMapEntry;

typedef struct KeyMap
{
	MemoryContext mcxt;			/* where the map and its growth live */
	KeyKind		kind;			/* text or bigint keys */
	int32		n;				/* keys in use; ids are 0 .. n-1 */
	int32		cap;			/* allocated entries */
	KeyMapEntry *entries;		/* one per id */
	char	   *arena;			/* KEY_TEXT: key bytes, not NUL-terminated */
	Size		arenalen;		/* bytes used in arena */
	Size		arenacap;		/* bytes allocated for arena */
	int32	   *index;			/* open-addressing slots (-1 = empty), or NULL */
	int32		indexsize;		/* slots in index, a power of 2 */
} KeyMap;

extern void key_map_init(KeyMap *m, MemoryContext mcxt, KeyKind kind);
extern KeyMap *key_map_create(MemoryContext mcxt, KeyKind kind);
extern void key_map_release(KeyMap *m);
extern int32 key_map_intern_text(KeyMap *m, const char *key, int len, bool *isnew);
extern int32 key_map_intern_int(KeyMap *m, int64 key, bool *isnew);
extern int32 key_map_find_text(const KeyMap *m, const char *key, int len);
extern int32 key_map_find_int(const KeyMap *m, int64 key);
extern int32 key_map_intern_datum(KeyMap *m, Datum key, bool *isnew);
extern Datum key_map_get_datum(const KeyMap *m, int32 id);
extern int	key_map_cmp_ids(const KeyMap *m, int32 a, int32 b);
extern int32 *key_map_sorted_ids(const KeyMap *m);
extern void key_map_serialize(const KeyMap *m, StringInfo buf);
extern void key_map_deserialize_into(KeyMap *m, StringInfo buf);
extern KeyMap *key_map_deserialize(StringInfo buf, MemoryContext mcxt);
extern Size key_map_memory(const KeyMap *m);
extern KeyKind key_kind_of_arg(FunctionCallInfo fcinfo, int argno, const char *what);

/*
 * The 64-bit finaliser of MurmurHash3: a bijection of uint64 that mixes
 * every input bit into every output bit (hash of bigint keys; its inverse
 * is in agreement_units.c).
 */
static inline uint64
key_mix64(uint64 h)
{
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/* Accessors for text keys */
#define KEY_MAP_TEXT(m, id)		((m)->arena + (m)->entries[id].val)
#define KEY_MAP_TEXTLEN(m, id)	((m)->entries[id].len)
/* Accessor for bigint keys */
#define KEY_MAP_INT(m, id)		((m)->entries[id].val)

#endif							/* KEY_MAP_H */
