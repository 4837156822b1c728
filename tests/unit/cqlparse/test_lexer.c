/* Unit tests for the CQL lexer: token kinds as Lexer.g splits them, keywords, errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "node/cql/lexer.h"

/* Significant tokens of s as "TYPE:text" joined by spaces. */
static void lex(const char *s, char *out, size_t cap)
{
    struct lexer lx;
    struct lexer_token t;
    struct errmsg em;
    size_t o = 0;
    lexer_init(&lx, s, strlen(s));
    out[0] = '\0';
    for (int guard = 0; guard < 1000; guard++) {
        int rc = lexer_next(&lx, &t, &em);
        cr_assert_eq(rc, 0, "lexing %s: %s", s, em.text);
        if (t.type == LEX_EOF) return;
        if (t.type == LEX_WS || t.type == LEX_COMMENT) continue;
        o += (size_t)snprintf(out + o, cap - o, "%s%s:%.*s", o ? " " : "",
                              lexer_type_name((enum lexer_type)t.type), (int)t.len, s + t.offset);
    }
    cr_assert_fail("no EOF");
}

Test(lexer, keyword_table_sorted_and_complete)
{
    cr_assert(lexer_table_sorted());
    cr_assert_eq(lexer_keyword("select", 6), KW_SELECT);
    cr_assert_eq(lexer_keyword("SeLeCt", 6), KW_SELECT);
    cr_assert_eq(lexer_keyword("COLUMNFAMILY", 12), KW_TABLE);
    cr_assert_eq(lexer_keyword("columnfamilies", 14), KW_TABLES);
    cr_assert_eq(lexer_keyword("selects", 7), KW_NONE);
    cr_assert_eq(lexer_keyword("a", 1), KW_NONE);
    cr_assert(lexer_kw_reserved(KW_FROM));
    cr_assert(lexer_kw_reserved(KW_TOKEN));
    cr_assert_not(lexer_kw_reserved(KW_KEY));
    cr_assert_not(lexer_kw_reserved(KW_TTL));
    cr_assert_not(lexer_kw_reserved(KW_TYPE));
    cr_assert_str_eq(lexer_kw_name(KW_WRITETIME), "WRITETIME");
}

Test(lexer, token_kinds_table)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"SELECT * FROM t;", "IDENT:SELECT '*':* IDENT:FROM IDENT:t ';':;"},
        {"'it''s'", "STRING_LITERAL:'it''s'"},
        {"$$a 'b' $c$$", "STRING_LITERAL:$$a 'b' $c$$"},
        {"\"Quoted \"\"x\"\"\"", "QUOTED_NAME:\"Quoted \"\"x\"\"\""},
        {"\"\"", "EMPTY_QUOTED_NAME:\"\""},
        {"42 -7 1.5 1. 2e10 3.5E-3", "INTEGER:42 '-':- INTEGER:7 FLOAT:1.5 FLOAT:1. FLOAT:2e10 "
                                     "FLOAT:3.5E-3"},
        {"1..3", "INTEGER:1 RANGE:.. INTEGER:3"},
        {"0x 0x01FF", "HEXNUMBER:0x HEXNUMBER:0x01FF"},
        {"123e4567-e89b-12d3-a456-426614174000 deadbeef-0000-0000-0000-000000000000",
         "UUID:123e4567-e89b-12d3-a456-426614174000 UUID:deadbeef-0000-0000-0000-000000000000"},
        {"1mo2d3ns 1h30m 10s 5ms 7us 9µs 2y3w",
         "DURATION:1mo2d3ns DURATION:1h30m DURATION:10s DURATION:5ms DURATION:7us DURATION:9µs "
         "DURATION:2y3w"},
        {"P1DT2H PT30M P2W P1Y2M3D P2024-01-02T03:04:05 P1Dx",
         "DURATION:P1DT2H DURATION:PT30M DURATION:P2W DURATION:P1Y2M3D "
         "DURATION:P2024-01-02T03:04:05 IDENT:P1Dx"},
        {"true FALSE True trueish", "BOOLEAN:true BOOLEAN:FALSE BOOLEAN:True IDENT:trueish"},
        {"a<=b>=c!=d+=e-=f", "IDENT:a '<=':<= IDENT:b '>=':>= IDENT:c '!=':!= IDENT:d '+=':+= "
                             "IDENT:e '-=':-= IDENT:f"},
        {"?:x", "QMARK:? ':':: IDENT:x"},
        {"a -- comment\nb // c\nd /* e */ f", "IDENT:a IDENT:b IDENT:d IDENT:f"},
        {"x -- comment at the end", "IDENT:x"},
        {"map<text,frozen<list<int>>>", "IDENT:map '<':< IDENT:text ',':, IDENT:frozen '<':< "
                                        "IDENT:list '<':< IDENT:int '>':> '>':> '>':>"},
        {"VALUES (?, ?)USING TTL", "IDENT:VALUES '(':( QMARK:? ',':, QMARK:? ')':) IDENT:USING "
                                   "IDENT:TTL"},
    };
    char out[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lex(cases[i].in, out, sizeof out);
        cr_expect_str_eq(out, cases[i].out, "input %s", cases[i].in);
    }
}

Test(lexer, positions_are_line_and_byte_column)
{
    const char *s = "SELECT a\n  FROM t";
    struct lexer lx;
    struct lexer_token t;
    lexer_init(&lx, s, strlen(s));
    int seen = 0;
    while (lexer_next(&lx, &t, NULL) == 0 && t.type != LEX_EOF) {
        if (t.type != LEX_IDENT || t.kw != KW_FROM) continue;
        cr_assert_eq(t.line, 2);
        cr_assert_eq(t.col, 2);
        cr_assert_eq(t.offset, 11);
        seen = 1;
    }
    cr_assert(seen);
}

Test(lexer, errors_name_the_character_and_position)
{
    static const struct {
        const char *in;
        const char *msg;
    } cases[] = {
        {"SELECT # FROM t", "line 1:7 no viable alternative at character '#'"},
        {"a\n !", "line 2:1 no viable alternative at character '!'"},
        {"'open", "line 1:5 mismatched character '<EOF>' expecting '''"},
        {"\"open", "line 1:5 mismatched character '<EOF>' expecting '\"'"},
        {"$$open", "line 1:6 mismatched character '<EOF>' expecting '$'"},
        {"/* open", "line 1:7 mismatched character '<EOF>' expecting '*'"},
        {"$x", "line 1:0 no viable alternative at character '$'"},
        {"a\x01", "line 1:1 no viable alternative at character '\\x01'"},
        {"\"a\0b\"", "line 1:2 no viable alternative at character '\\x00'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lexer lx;
        struct lexer_token t;
        struct errmsg em;
        size_t len = strlen(cases[i].in);
        if (i == sizeof cases / sizeof cases[0] - 1) len = 5;
        lexer_init(&lx, cases[i].in, len);
        int rc = 0;
        for (int guard = 0; guard < 100 && rc == 0; guard++) {
            rc = lexer_next(&lx, &t, &em);
            if (rc == 0 && t.type == LEX_EOF) break;
        }
        cr_assert_eq(rc, ERR_SYNTAX, "input %zu", i);
        cr_expect_str_eq(em.text, cases[i].msg);
    }
}
