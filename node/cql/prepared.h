/*
 * prepared: the prepared-statement cache (Cassandra's QueryProcessor.preparedStatements).
 *
 * Ids are Cassandra's: MD5(keyspace + query text) when the preparing session has a keyspace,
 * MD5(query text) otherwise, so every node computes the same id and a driver re-preparing on
 * another host (or after UNPREPARED) gets the id it expects.
 *
 * An entry owns its query text, its parsed and analysed statement (stmt.h) in its own arena,
 * and references on the table schemas it was analysed with. Entries are reference counted:
 * the cache holds one, each running EXECUTE holds one, so eviction never frees a statement
 * in use. The cache is bounded by bytes and by count and evicts the least recently used
 * entry; a statement whose table changed (ALTER/DROP/CREATE) is removed when an EXECUTE finds
 * it stale, and the client is told UNPREPARED so it prepares again with fresh metadata, as
 * Cassandra evicts statements on schema changes.
 *
 * Thread rule: every function is thread-safe (one mutex; lookups are O(1)).
 */
#ifndef RINGDB_CQL_PREPARED_H
#define RINGDB_CQL_PREPARED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/cql/ast.h"

#define PREPARED_ID_LEN 16
#define PREPARED_CACHE_BYTES_DEFAULT (64u << 20)
#define PREPARED_CACHE_COUNT_DEFAULT 100000u

struct stmt;

struct prepared {
    atomic_int refs;
    uint8_t id[PREPARED_ID_LEN];
    struct arena arena;   /* everything below */
    const char *keyspace; /* the session keyspace at PREPARE ("" when none) */
    const char *text;
    size_t text_len;
    const struct ast_stmt *ast;
    struct stmt *st; /* NULL for statements run like a QUERY (USE, DDL ...) */
    size_t bytes;    /* accounted size */
    /* Private (the cache's). */
    struct prepared *hnext, *prev, *next;
    bool cached;
};

struct prepared_cache;

int prepared_cache_create(size_t max_bytes, uint32_t max_count, struct prepared_cache **out);
void prepared_cache_destroy(struct prepared_cache *c); /* accepts NULL */

/* Cassandra's statement id. */
void prepared_id(const char *keyspace, const char *text, size_t len, uint8_t out[PREPARED_ID_LEN]);

/* A new, uncached entry for (keyspace, text) with refs = 1; the caller fills ast and st in
   its arena. */
struct prepared *prepared_new(const char *keyspace, const char *text, size_t len);
void prepared_ref(struct prepared *p);
void prepared_unref(struct prepared *p); /* accepts NULL */

/* The entry with this id, referenced, or NULL. */
struct prepared *prepared_get(struct prepared_cache *c, const uint8_t *id, size_t id_len);
/* Caches p (one reference is taken for the cache) and returns the cached entry, referenced:
   p itself, or an entry that was cached first with the same id (p is then left alone). */
struct prepared *prepared_put(struct prepared_cache *c, struct prepared *p);
/* Removes the entry with p's id if it is p (a stale statement). */
void prepared_remove(struct prepared_cache *c, struct prepared *p);
/* Entries and bytes held (tests, metrics). */
void prepared_stats(struct prepared_cache *c, uint32_t *count, size_t *bytes);

#endif
