/*
 * cql_ident: identifier quoting as Cassandra 4.1 prints names (see cql_ident.h).
 * The reserved list is Cassandra 4.1's ReservedKeywords (the words its grammar refuses as bare
 * identifiers); non-reserved keywords such as "key", "type" or "text" print bare, as there.
 */
#include "storage/cql_ident.h"

#include <string.h>
#include <strings.h>

static const char *const reserved[] = {
    "ADD",    "ALLOW",       "ALTER",  "AND",          "APPLY",    "ASC",      "AUTHORIZE",
    "BATCH",  "BEGIN",       "BY",     "COLUMNFAMILY", "CREATE",   "DEFAULT",  "DELETE",
    "DESC",   "DESCRIBE",    "DROP",   "ENTRIES",      "EXECUTE",  "FROM",     "FULL",
    "GRANT",  "IF",          "IN",     "INDEX",        "INFINITY", "INSERT",   "INTO",
    "IS",     "KEYSPACE",    "LIMIT",  "MATERIALIZED", "MBEAN",    "MBEANS",   "MODIFY",
    "NAN",    "NORECURSIVE", "NOT",    "NULL",         "OF",       "ON",       "OR",
    "ORDER",  "PRIMARY",     "RENAME", "REPLACE",      "REVOKE",   "SCHEMA",   "SELECT",
    "SET",    "TABLE",       "TO",     "TOKEN",        "TRUNCATE", "UNLOGGED", "UNSET",
    "UPDATE", "USE",         "USING",  "VIEW",         "WHERE",    "WITH",
};

bool cql_ident_is_reserved(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strlen(reserved[i]) == len && strncasecmp(reserved[i], s, len) == 0) return true;
    return false;
}

bool cql_ident_needs_quote(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || s[0] < 'a' || s[0] > 'z') return true;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return true;
    }
    return cql_ident_is_reserved(s, len);
}

static void append_quoted(struct buf *out, const char *s, size_t len, char q)
{
    buf_put_u8(out, (uint8_t)q);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == q) buf_put_u8(out, (uint8_t)q);
        buf_put_u8(out, (uint8_t)s[i]);
    }
    buf_put_u8(out, (uint8_t)q);
}

void cql_ident_append(struct buf *out, const char *s)
{
    if (cql_ident_needs_quote(s))
        append_quoted(out, s, strlen(s), '"');
    else
        buf_append(out, s, strlen(s));
}

void cql_ident_append_string(struct buf *out, const char *s, size_t len)
{
    append_quoted(out, s, len, '\'');
}
