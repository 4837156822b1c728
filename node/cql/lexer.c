/*
 * lexer: see lexer.h. A hand-written scanner: one switch on the first byte, then the longest
 * match among the rules that can start with it, ties going to the rule Lexer.g lists first.
 * Every loop is bounded by the text length; positions are tracked as we go.
 */
#include "node/cql/lexer.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "node/base/assert.h"

struct kw_entry {
    const char *name;
    uint8_t len;
    enum lexer_kw kw;
    bool reserved;
};

#define LEXER_KW_ENTRY(n, r) {#n, sizeof(#n) - 1, KW_##n, r},
static const struct kw_entry kw_table[] = {LEXER_KEYWORDS(LEXER_KW_ENTRY)};
#undef LEXER_KW_ENTRY
#define KW_TABLE_LEN (sizeof kw_table / sizeof kw_table[0])
#define KW_LEN_MAX 14 /* COLUMNFAMILIES */

static_assert(KW_TABLE_LEN == KW_COUNT_ - 1, "one table entry per keyword");

void lexer_init(struct lexer *lx, const char *text, size_t len)
{
    lx->text = text;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
    lx->col = 0;
}

/* up[0..n) (upper case) against an upper-case keyword; strcmp's sign. */
static int kw_cmp(const char *up, size_t n, const char *name, size_t m)
{
    size_t k = n < m ? n : m;
    for (size_t i = 0; i < k; i++) /* short words: a loop beats a memcmp call */
        if (up[i] != name[i]) return (unsigned char)up[i] < (unsigned char)name[i] ? -1 : 1;
    return n < m ? -1 : n > m ? 1 : 0;
}

enum lexer_kw lexer_keyword(const char *s, size_t n)
{
    char up[KW_LEN_MAX];
    if (n < 2 || n > KW_LEN_MAX) return KW_NONE;
    for (size_t i = 0; i < n; i++) up[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
    if (kw_cmp(up, n, "COLUMNFAMILY", 12) == 0) return KW_TABLE;
    if (kw_cmp(up, n, "COLUMNFAMILIES", 14) == 0) return KW_TABLES;
    size_t lo = 0, hi = KW_TABLE_LEN;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = kw_cmp(up, n, kw_table[mid].name, kw_table[mid].len);
        if (c == 0) return kw_table[mid].kw;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return KW_NONE;
}

bool lexer_table_sorted(void)
{
    for (size_t i = 1; i < KW_TABLE_LEN; i++)
        if (strcasecmp(kw_table[i - 1].name, kw_table[i].name) >= 0) return false;
    for (size_t i = 0; i < KW_TABLE_LEN; i++)
        if (kw_table[i].kw != (enum lexer_kw)(i + 1)) return false;
    return true;
}

bool lexer_kw_reserved(enum lexer_kw kw)
{
    if (kw == KW_NONE || kw >= KW_COUNT_) return false;
    return kw_table[kw - 1].reserved;
}

bool lexer_kw_is_native_type(enum lexer_kw kw)
{
    static const enum lexer_kw natives[] = {
        KW_ASCII,    KW_BIGINT, KW_BLOB,    KW_BOOLEAN,  KW_COUNTER,   KW_DECIMAL,  KW_DOUBLE,
        KW_DURATION, KW_FLOAT,  KW_INET,    KW_INT,      KW_SMALLINT,  KW_TEXT,     KW_TIMESTAMP,
        KW_TINYINT,  KW_UUID,   KW_VARCHAR, KW_VARINT,   KW_TIMEUUID,  KW_DATE,     KW_TIME};
    for (size_t i = 0; i < sizeof natives / sizeof natives[0]; i++)
        if (natives[i] == kw) return true;
    return false;
}

bool lexer_kw_names_udt(enum lexer_kw kw)
{
    if (kw == KW_NONE) return true;
    if (lexer_kw_reserved(kw) || lexer_kw_is_native_type(kw)) return false;
    return kw != KW_TTL && kw != KW_COUNT && kw != KW_WRITETIME && kw != KW_MAXWRITETIME &&
           kw != KW_CAST && kw != KW_JSON && kw != KW_DISTINCT;
}

const char *lexer_kw_name(enum lexer_kw kw)
{
    if (kw == KW_NONE || kw >= KW_COUNT_) return "";
    return kw_table[kw - 1].name;
}

const char *lexer_type_name(enum lexer_type type)
{
    static const char *const names[LEX_TYPE_COUNT] = {
        [LEX_EOF] = "EOF",           [LEX_IDENT] = "IDENT",
        [LEX_QUOTED_NAME] = "QUOTED_NAME", [LEX_EMPTY_QUOTED_NAME] = "EMPTY_QUOTED_NAME",
        [LEX_STRING] = "STRING_LITERAL", [LEX_INTEGER] = "INTEGER",
        [LEX_FLOAT] = "FLOAT",       [LEX_BOOLEAN] = "BOOLEAN",
        [LEX_DURATION] = "DURATION", [LEX_UUID] = "UUID",
        [LEX_HEX] = "HEXNUMBER",     [LEX_QMARK] = "QMARK",
        [LEX_RANGE] = "RANGE",       [LEX_LPAREN] = "'('",
        [LEX_RPAREN] = "')'",        [LEX_LBRACKET] = "'['",
        [LEX_RBRACKET] = "']'",      [LEX_LBRACE] = "'{'",
        [LEX_RBRACE] = "'}'",        [LEX_COMMA] = "','",
        [LEX_SEMI] = "';'",          [LEX_COLON] = "':'",
        [LEX_DOT] = "'.'",           [LEX_STAR] = "'*'",
        [LEX_SLASH] = "'/'",         [LEX_PERCENT] = "'%'",
        [LEX_PLUS] = "'+'",          [LEX_MINUS] = "'-'",
        [LEX_EQ] = "'='",            [LEX_LT] = "'<'",
        [LEX_GT] = "'>'",            [LEX_LTE] = "'<='",
        [LEX_GTE] = "'>='",          [LEX_NEQ] = "'!='",
        [LEX_PLUS_EQ] = "'+='",      [LEX_MINUS_EQ] = "'-='",
        [LEX_WS] = "WS",             [LEX_COMMENT] = "COMMENT",
    };
    if ((unsigned)type >= LEX_TYPE_COUNT || !names[type]) return "?";
    return names[type];
}

/* ---- character classes ---- */

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}
static bool is_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_ident_char(int c)
{
    return is_letter(c) || is_digit(c) || c == '_';
}

static int at(const struct lexer *lx, size_t i)
{
    return i < lx->len ? (unsigned char)lx->text[i] : -1;
}

/* ---- matchers: each returns the length matched at position i, 0 for no match ---- */

static size_t match_uuid(const struct lexer *lx, size_t i)
{
    static const int groups[5] = {8, 4, 4, 4, 12};
    size_t n = 0;
    for (int g = 0; g < 5; g++) {
        if (g > 0) {
            if (at(lx, i + n) != '-') return 0;
            n++;
        }
        for (int k = 0; k < groups[g]; k++, n++)
            if (!is_hex(at(lx, i + n))) return 0;
    }
    return n;
}

static size_t match_digits(const struct lexer *lx, size_t i)
{
    size_t n = 0;
    while (is_digit(at(lx, i + n))) n++;
    return n;
}

/* A duration unit (y mo w d h m s ms us µs ns, any case) at i: its length or 0. */
static size_t match_unit(const struct lexer *lx, size_t i)
{
    int c = at(lx, i), d = at(lx, i + 1);
    int lc = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    int ld = (d >= 'A' && d <= 'Z') ? d + 32 : d;
    if (c == 0xC2 && d == 0xB5 && (at(lx, i + 2) | 32) == 's') return 3; /* µs in UTF-8 */
    switch (lc) {
    case 'm': return (ld == 'o' || ld == 's') ? 2 : 1;
    case 'u':
    case 'n': return ld == 's' ? 2 : 0;
    case 'y':
    case 'w':
    case 'd':
    case 'h':
    case 's': return 1;
    default: return 0;
    }
}

/* DIGIT+ UNIT (DIGIT+ UNIT)* at i. */
static size_t match_unit_duration(const struct lexer *lx, size_t i)
{
    size_t n = 0;
    for (;;) {
        size_t d = match_digits(lx, i + n);
        if (d == 0) break;
        size_t u = match_unit(lx, i + n + d);
        if (u == 0) break;
        n += d + u;
    }
    return n;
}

/* DIGIT+ followed by the designator c (upper case only, as in Lexer.g). */
static size_t match_designated(const struct lexer *lx, size_t i, char c)
{
    size_t d = match_digits(lx, i);
    return (d > 0 && at(lx, i + d) == c) ? d + 1 : 0;
}

/* 'T' then H [M] [S] | M [S] | S. */
static size_t match_iso_time(const struct lexer *lx, size_t i)
{
    if (at(lx, i) != 'T') return 0;
    size_t n = 1, m;
    static const char order[3] = {'H', 'M', 'S'};
    bool any = false;
    for (int k = 0; k < 3; k++) {
        if ((m = match_designated(lx, i + n, order[k])) > 0) {
            n += m;
            any = true;
        }
    }
    return any ? n : 0;
}

/* P DDDD-DD-DDTDD:DD:DD (ISO 8601 alternative format), after the 'P'. */
static size_t match_iso_alternative(const struct lexer *lx, size_t i)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    for (size_t k = 0; shape[k]; k++) {
        int c = at(lx, i + k);
        if (shape[k] == 'd' ? !is_digit(c) : c != shape[k]) return 0;
    }
    return sizeof shape - 1;
}

/* An ISO 8601 duration starting with 'P' at i. */
static size_t match_iso_duration(const struct lexer *lx, size_t i)
{
    if (at(lx, i) != 'P') return 0;
    size_t n = 1, m;
    if ((m = match_iso_alternative(lx, i + 1)) > 0) return 1 + m;
    if ((m = match_iso_time(lx, i + 1)) > 0) return 1 + m;
    if ((m = match_designated(lx, i + 1, 'W')) > 0) return 1 + m;
    static const char order[3] = {'Y', 'M', 'D'};
    bool any = false;
    for (int k = 0; k < 3; k++) {
        if ((m = match_designated(lx, i + n, order[k])) > 0) {
            n += m;
            any = true;
        }
    }
    if (!any) return 0;
    return n + match_iso_time(lx, i + n);
}

/* INTEGER or FLOAT at i (a digit): sets *type. "1..2" leaves the dots alone. */
static size_t match_number(const struct lexer *lx, size_t i, uint8_t *type)
{
    size_t n = match_digits(lx, i);
    *type = LEX_INTEGER;
    if (at(lx, i + n) == '.' && at(lx, i + n + 1) != '.') {
        n++;
        n += match_digits(lx, i + n);
        *type = LEX_FLOAT;
    }
    if ((at(lx, i + n) | 32) == 'e') {
        size_t e = 1;
        if (at(lx, i + n + e) == '+' || at(lx, i + n + e) == '-') e++;
        size_t d = match_digits(lx, i + n + e);
        if (d > 0) {
            n += e + d;
            *type = LEX_FLOAT;
        }
    }
    return n;
}

/* ---- token production ---- */

static void set_err_char(const struct lexer *lx, size_t i, struct errmsg *em, uint32_t line,
                         uint32_t col)
{
    int c = at(lx, i);
    char shown[8];
    if (c < 0)
        snprintf(shown, sizeof shown, "<EOF>");
    else if (c < 0x20 || c >= 0x7f)
        snprintf(shown, sizeof shown, "\\x%02x", (unsigned)c);
    else
        snprintf(shown, sizeof shown, "%c", c);
    errmsg_set(em, ERR_SYNTAX, "line %u:%u no viable alternative at character '%s'", line, col,
               shown);
}

/* Unterminated literal: ANTLR reports the missing closer at end of input. */
static int set_err_eof(const struct lexer *lx, struct errmsg *em, const char *expecting)
{
    uint32_t line = 1, col = 0;
    for (size_t k = 0; k < lx->len; k++) {
        if (lx->text[k] == '\n') {
            line++;
            col = 0;
        } else {
            col++;
        }
    }
    return errmsg_set(em, ERR_SYNTAX, "line %u:%u mismatched character '<EOF>' expecting %s", line,
                      col, expecting);
}

/* Quoted string or name: closer q, doubled q is an escape. Returns length incl. quotes or 0. */
static size_t match_quoted(const struct lexer *lx, size_t i, char q)
{
    size_t n = 1;
    while (i + n < lx->len) {
        if (lx->text[i + n] == q) {
            if (at(lx, i + n + 1) == q) {
                n += 2;
                continue;
            }
            return n + 1;
        }
        n++;
    }
    return 0;
}

static size_t match_pg_string(const struct lexer *lx, size_t i)
{
    for (size_t n = 2; i + n + 1 < lx->len; n++)
        if (lx->text[i + n] == '$' && lx->text[i + n + 1] == '$') return n + 2;
    return 0;
}

static size_t match_comment(const struct lexer *lx, size_t i, bool *unterminated)
{
    *unterminated = false;
    if (lx->text[i + 1] == '*') {
        for (size_t n = 2; i + n + 1 < lx->len; n++)
            if (lx->text[i + n] == '*' && lx->text[i + n + 1] == '/') return n + 2;
        *unterminated = true;
        return 0;
    }
    size_t n = 2;
    while (i + n < lx->len && lx->text[i + n] != '\n' && lx->text[i + n] != '\r') n++;
    return n;
}

/* Identifier-like at i (a letter): IDENT, BOOLEAN, UUID or ISO duration. */
static size_t scan_word(const struct lexer *lx, size_t i, struct lexer_token *t)
{
    size_t n = 1;
    while (is_ident_char(at(lx, i + n))) n++;
    size_t u = is_hex(at(lx, i)) ? match_uuid(lx, i) : 0;
    if (u > n) {
        t->type = LEX_UUID;
        return u;
    }
    size_t d = match_iso_duration(lx, i);
    if (d >= n) {
        t->type = LEX_DURATION;
        return d;
    }
    t->type = LEX_IDENT;
    if ((n == 4 && strncasecmp(lx->text + i, "true", 4) == 0) ||
        (n == 5 && strncasecmp(lx->text + i, "false", 5) == 0)) {
        t->type = LEX_BOOLEAN;
        return n;
    }
    t->kw = (uint16_t)lexer_keyword(lx->text + i, n);
    return n;
}

/* Number-like at i (a digit): HEX, UUID, DURATION, FLOAT or INTEGER. */
static size_t scan_numeric(const struct lexer *lx, size_t i, struct lexer_token *t)
{
    size_t u = match_uuid(lx, i);
    if (u > 0) {
        t->type = LEX_UUID;
        return u;
    }
    if (at(lx, i) == '0' && (at(lx, i + 1) | 32) == 'x') {
        size_t n = 2;
        while (is_hex(at(lx, i + n))) n++;
        t->type = LEX_HEX;
        return n;
    }
    uint8_t type;
    size_t num = match_number(lx, i, &type);
    size_t dur = match_unit_duration(lx, i);
    if (dur > num) {
        t->type = LEX_DURATION;
        return dur;
    }
    t->type = type;
    return num;
}

static size_t scan_punct(const struct lexer *lx, size_t i, struct lexer_token *t)
{
    int c = at(lx, i), d = at(lx, i + 1);
    static const struct {
        char c;
        char d;
        uint8_t type;
    } two[] = {{'<', '=', LEX_LTE}, {'>', '=', LEX_GTE},     {'!', '=', LEX_NEQ},
               {'+', '=', LEX_PLUS_EQ}, {'-', '=', LEX_MINUS_EQ}, {'.', '.', LEX_RANGE}};
    for (size_t k = 0; k < sizeof two / sizeof two[0]; k++) {
        if (c == two[k].c && d == two[k].d) {
            t->type = two[k].type;
            return 2;
        }
    }
    static const char one[] = "()[]{},;:.*/%+-=<>?";
    static const uint8_t one_types[] = {
        LEX_LPAREN, LEX_RPAREN, LEX_LBRACKET, LEX_RBRACKET, LEX_LBRACE, LEX_RBRACE, LEX_COMMA,
        LEX_SEMI,   LEX_COLON,  LEX_DOT,      LEX_STAR,     LEX_SLASH,  LEX_PERCENT, LEX_PLUS,
        LEX_MINUS,  LEX_EQ,     LEX_LT,       LEX_GT,       LEX_QMARK};
    static_assert(sizeof one - 1 == sizeof one_types, "one type per character");
    const char *hit = c > 0 ? strchr(one, c) : NULL;
    if (!hit) return 0;
    t->type = one_types[hit - one];
    return 1;
}

/* Scans the token at lx->pos into t (type and length); 0 or an error code. */
static int scan(struct lexer *lx, struct lexer_token *t, size_t *len, struct errmsg *em)
{
    size_t i = lx->pos;
    int c = at(lx, i);
    bool unterminated;
    *len = 0;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        size_t n = 1;
        for (int w = at(lx, i + n); w == ' ' || w == '\t' || w == '\n' || w == '\r';
             w = at(lx, i + n))
            n++;
        t->type = LEX_WS;
        *len = n;
    } else if ((c == '-' && at(lx, i + 1) == '-') ||
               (c == '/' && (at(lx, i + 1) == '/' || at(lx, i + 1) == '*'))) {
        t->type = LEX_COMMENT;
        *len = match_comment(lx, i, &unterminated);
        if (unterminated) return set_err_eof(lx, em, "'*'");
    } else if (c == '\'' || c == '"') {
        *len = match_quoted(lx, i, (char)c);
        if (*len == 0) return set_err_eof(lx, em, c == '\'' ? "'''" : "'\"'");
        const char *nul = c == '"' ? memchr(lx->text + i, '\0', *len) : NULL;
        if (nul) { /* a name is a C string; Cassandra would take it, nobody needs it */
            set_err_char(lx, (size_t)(nul - lx->text), em, lx->line,
                         lx->col + (uint32_t)(nul - lx->text - i));
            return ERR_SYNTAX;
        }
        t->type = c == '\'' ? LEX_STRING : *len == 2 ? LEX_EMPTY_QUOTED_NAME : LEX_QUOTED_NAME;
    } else if (c == '$' && at(lx, i + 1) == '$') {
        *len = match_pg_string(lx, i);
        if (*len == 0) return set_err_eof(lx, em, "'$'");
        t->type = LEX_STRING;
    } else if (is_letter(c)) {
        *len = scan_word(lx, i, t);
    } else if (is_digit(c)) {
        *len = scan_numeric(lx, i, t);
    } else {
        *len = scan_punct(lx, i, t);
    }
    if (*len == 0) {
        set_err_char(lx, i, em, lx->line, lx->col);
        return ERR_SYNTAX;
    }
    return 0;
}

int lexer_next(struct lexer *lx, struct lexer_token *t, struct errmsg *em)
{
    memset(t, 0, sizeof *t);
    t->offset = (uint32_t)lx->pos;
    t->line = lx->line;
    t->col = lx->col;
    if (lx->len > LEXER_TEXT_MAX_BYTES)
        return errmsg_set(em, ERR_LIMIT, "statement of %zu bytes is longer than the %u allowed",
                          lx->len, LEXER_TEXT_MAX_BYTES);
    if (lx->pos >= lx->len) {
        t->type = LEX_EOF;
        return 0;
    }
    size_t len;
    int rc = scan(lx, t, &len, em);
    if (rc != 0) return rc;
    ASSERT(len > 0 && lx->pos + len <= lx->len);
    t->len = (uint32_t)len;
    for (size_t k = lx->pos; k < lx->pos + len; k++) {
        if (lx->text[k] == '\n') {
            lx->line++;
            lx->col = 0;
        } else {
            lx->col++;
        }
    }
    lx->pos += len;
    return 0;
}
