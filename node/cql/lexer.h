/*
 * lexer: CQL text -> tokens, as Cassandra 4.1's Lexer.g splits it.
 *
 * Keywords are case-insensitive; a keyword is an LEX_IDENT token with kw != 0 (the parser
 * decides whether an unreserved keyword is used as a name). Literal tokens keep their source
 * span only; the parser decodes them ('it''s' escapes, "quoted ""names""") into the AST arena.
 *
 * Differences from Lexer.g, on purpose:
 *  - '-' is always its own token. Lexer.g folds it into INTEGER/FLOAT/DURATION ("-5"), which
 *    makes "a-5" a syntax error there; the parser folds '-' before a numeric literal instead.
 *  - a '--' or '//' comment may end at end of input (Lexer.g wants a newline).
 *  - columns are counted in bytes (ANTLR counts UTF-16 units); lines are 1-based, columns 0-based.
 *
 * Longest match between rules, first rule on a tie, as ANTLR does: "P1D" is a duration (DURATION
 * is listed before IDENT), "P1Dx" an identifier, "123e4567-e89b-..." a uuid, "1..3" is
 * INTEGER RANGE INTEGER, "1mo2d" a duration, "0x" an empty blob.
 *
 * Pure, no allocation: the caller owns the token array. Thread rule: a lexer is used by one
 * thread; the keyword table is constant.
 */
#ifndef RINGDB_CQL_LEXER_H
#define RINGDB_CQL_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"

enum lexer_type {
    LEX_EOF = 0,
    LEX_IDENT,             /* letters, digits, '_'; kw set when it is a keyword */
    LEX_QUOTED_NAME,       /* "Name" with "" escapes; non-empty */
    LEX_EMPTY_QUOTED_NAME, /* "" */
    LEX_STRING,            /* 'text' with '' escapes, or $$text$$ */
    LEX_INTEGER,
    LEX_FLOAT,
    LEX_BOOLEAN, /* true / false, any case */
    LEX_DURATION,
    LEX_UUID,
    LEX_HEX, /* 0x..., any number of hex digits */
    LEX_QMARK,
    LEX_RANGE, /* .. */
    LEX_LPAREN,
    LEX_RPAREN,
    LEX_LBRACKET,
    LEX_RBRACKET,
    LEX_LBRACE,
    LEX_RBRACE,
    LEX_COMMA,
    LEX_SEMI,
    LEX_COLON,
    LEX_DOT,
    LEX_STAR,
    LEX_SLASH,
    LEX_PERCENT,
    LEX_PLUS,
    LEX_MINUS,
    LEX_EQ,
    LEX_LT,
    LEX_GT,
    LEX_LTE,
    LEX_GTE,
    LEX_NEQ,
    LEX_PLUS_EQ,
    LEX_MINUS_EQ,
    LEX_WS,      /* hidden: only returned by lexer_next */
    LEX_COMMENT, /* hidden: only returned by lexer_next */
    LEX_TYPE_COUNT
};

/*
 * Keywords: X(name, reserved). Reserved ones (Cassandra 4.1 reserved_keywords.txt) can never be
 * unquoted names. TABLE also spells COLUMNFAMILY, TABLES also COLUMNFAMILIES.
 */
#define LEXER_KEYWORDS(X)                                                                          \
    X(ACCESS, 0) X(ADD, 1) X(AGGREGATE, 0) X(AGGREGATES, 0) X(ALL, 0) X(ALLOW, 1) X(ALTER, 1)      \
    X(AND, 1) X(APPLY, 1) X(AS, 0) X(ASC, 1) X(ASCII, 0) X(AUTHORIZE, 1) X(BATCH, 1)               \
    X(BEGIN, 1) X(BIGINT, 0) X(BLOB, 0) X(BOOLEAN, 0) X(BY, 1) X(CALLED, 0) X(CAST, 0)             \
    X(CLUSTER, 0) X(CLUSTERING, 0) X(COMPACT, 0) X(CONTAINS, 0) X(COUNT, 0) X(COUNTER, 0)          \
    X(CREATE, 1) X(CUSTOM, 0) X(DATACENTERS, 0) X(DATE, 0) X(DECIMAL, 0) X(DEFAULT, 0)             \
    X(DELETE, 1) X(DESC, 1) X(DESCRIBE, 1) X(DISTINCT, 0) X(DOUBLE, 0) X(DROP, 1)                  \
    X(DURATION, 0) X(ENTRIES, 1) X(EXECUTE, 1) X(EXISTS, 0) X(FILTERING, 0) X(FINALFUNC, 0)        \
    X(FLOAT, 0) X(FROM, 1) X(FROZEN, 0) X(FULL, 1) X(FUNCTION, 0) X(FUNCTIONS, 0) X(GRANT, 1)      \
    X(GROUP, 0) X(HASHED, 0) X(IF, 1) X(IN, 1) X(INDEX, 1) X(INET, 0) X(INFINITY, 1)               \
    X(INITCOND, 0) X(INPUT, 0) X(INSERT, 1) X(INT, 0) X(INTERNALS, 0) X(INTO, 1) X(IS, 1)          \
    X(JSON, 0) X(KEY, 0) X(KEYS, 0) X(KEYSPACE, 1) X(KEYSPACES, 0) X(LANGUAGE, 0) X(LIKE, 0)       \
    X(LIMIT, 1) X(LIST, 0) X(LOGIN, 0) X(MAP, 0) X(MATERIALIZED, 1) X(MAXWRITETIME, 0)             \
    X(MBEAN, 0) X(MBEANS, 0) X(MODIFY, 1) X(NAN, 1) X(NOLOGIN, 0) X(NORECURSIVE, 1)                \
    X(NOSUPERUSER, 0) X(NOT, 1) X(NULL, 1) X(OF, 1) X(ON, 1) X(ONLY, 0) X(OPTIONS, 0) X(OR, 1)     \
    X(ORDER, 1) X(PARTITION, 0) X(PASSWORD, 0) X(PER, 0) X(PERMISSION, 0) X(PERMISSIONS, 0)        \
    X(PRIMARY, 1) X(RENAME, 1) X(REPLACE, 0) X(RETURNS, 0) X(REVOKE, 1) X(ROLE, 0) X(ROLES, 0)     \
    X(SCHEMA, 1) X(SELECT, 1) X(SET, 1) X(SFUNC, 0) X(SMALLINT, 0) X(STATIC, 0) X(STORAGE, 0)      \
    X(STYPE, 0) X(SUPERUSER, 0) X(TABLE, 1) X(TABLES, 0) X(TEXT, 0) X(TIME, 0) X(TIMESTAMP, 0)     \
    X(TIMEUUID, 0) X(TINYINT, 0) X(TO, 1) X(TOKEN, 1) X(TRIGGER, 0) X(TRUNCATE, 1) X(TTL, 0)       \
    X(TUPLE, 0) X(TYPE, 0) X(TYPES, 0) X(UNLOGGED, 1) X(UNSET, 0) X(UPDATE, 1) X(USE, 1)           \
    X(USER, 0) X(USERS, 0) X(USING, 1) X(UUID, 0) X(VALUES, 0) X(VARCHAR, 0) X(VARINT, 0)          \
    X(VIEW, 1) X(WHERE, 1) X(WITH, 1) X(WRITETIME, 0)

#define LEXER_KW_ENUM(name, reserved) KW_##name,
enum lexer_kw { KW_NONE = 0, LEXER_KEYWORDS(LEXER_KW_ENUM) KW_COUNT_ };
#undef LEXER_KW_ENUM

struct lexer_token {
    uint8_t type; /* enum lexer_type */
    uint8_t pad;
    uint16_t kw;     /* enum lexer_kw when type == LEX_IDENT */
    uint32_t offset; /* byte offset of the first character in the text */
    uint32_t len;    /* bytes of source text, quotes and escapes included */
    uint32_t line;   /* 1-based */
    uint32_t col;    /* 0-based byte column */
};

struct lexer {
    const char *text;
    size_t len;
    size_t pos;
    uint32_t line;
    uint32_t col;
};

/* Longest statement text accepted (a native-protocol frame is at most 256 MiB). */
#define LEXER_TEXT_MAX_BYTES (256u << 20)

void lexer_init(struct lexer *lx, const char *text, size_t len);
/*
 * Next token, hidden ones (whitespace, comments) included; LEX_EOF at the end, repeatedly.
 * On a bad character or an unterminated literal returns ERR_SYNTAX with Cassandra's text
 * ("line 1:7 no viable alternative at character '#'").
 */
int lexer_next(struct lexer *lx, struct lexer_token *t, struct errmsg *em);

/* The keyword spelt by s[0..n) (any case), or KW_NONE. */
enum lexer_kw lexer_keyword(const char *s, size_t n);
bool lexer_kw_reserved(enum lexer_kw kw);
/* A native type keyword: ASCII, BIGINT ... TEXT, VARCHAR, DATE, TIME. */
bool lexer_kw_is_native_type(enum lexer_kw kw);
/*
 * Whether an identifier spelt as this keyword may name a user type unquoted (Parser.g's
 * non_type_ident: not reserved, not a native type, not TTL/COUNT/WRITETIME/MAXWRITETIME/CAST/
 * JSON/DISTINCT). True for KW_NONE.
 */
bool lexer_kw_names_udt(enum lexer_kw kw);
/* Upper-case name of the keyword ("SELECT"); "TABLE" for KW_TABLE. */
const char *lexer_kw_name(enum lexer_kw kw);
/* How ANTLR names a token type in "expecting X": "')'", "IDENT", "STRING_LITERAL", "EOF". */
const char *lexer_type_name(enum lexer_type type);
/* For tests: the keyword spelling table is sorted (binary search relies on it). */
bool lexer_table_sorted(void);

#endif
