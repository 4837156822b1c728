/*
 * Invalid statements: the error code and Cassandra's message, position and snippet included.
 * ANTLR's quirks are kept: at end of input the position is "line 0:-1" and there is no snippet,
 * no snippet either when the offending token is among the last two of the text, and the
 * snippet's lines are joined without their line breaks (ErrorCollector appends them so).
 */
#include "cqlparse_util.h"

static const struct {
    const char *in;
    int code;
    const char *msg;
} cases[] = {
    {"SELECT * FORM t WHERE a = 1", ERR_SYNTAX,
     "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM] t...)"},
    {"SELECT * FORM t", ERR_SYNTAX,
     "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM] t)"},
    {"SELECT * FORM", ERR_SYNTAX, "line 1:9 mismatched input 'FORM' expecting K_FROM"},
    {"SELEC * FROM t", ERR_SYNTAX, "line 1:0 no viable alternative at input 'SELEC' ([SELEC] *...)"},
    {"SELECT * FROM", ERR_SYNTAX, "line 0:-1 no viable alternative at input '<EOF>'"},
    {"SELECT *", ERR_SYNTAX, "line 0:-1 mismatched input '<EOF>' expecting K_FROM"},
    {"", ERR_SYNTAX, "line 0:-1 no viable alternative at input '<EOF>'"},
    {";", ERR_SYNTAX, "line 1:0 no viable alternative at input ';'"},
    {"SELECT * FROM t garbage", ERR_SYNTAX, "line 1:16 mismatched input 'garbage' expecting EOF"},
    {"SELECT * FROM t WHERE a = 1 AND AND b = 2 LIMIT 10 ALLOW FILTERING", ERR_SYNTAX,
     "line 1:32 no viable alternative at input 'AND' (...WHERE a = 1 AND [AND] b...)"},
    {"SELECT a, b, c, d, e, f FORM t WHERE k = 1", ERR_SYNTAX,
     "line 1:24 mismatched input 'FORM' expecting K_FROM (..., d, e, f [FORM] t...)"},
    {"SELECT *\nFROM t\nWHERE a == 1", ERR_SYNTAX,
     "line 3:9 no viable alternative at input '=' (...FROM tWHERE a =[=] 1)"},
    {"SELECT * FROM t WHERE a = 'x' LIMIT 'y'", ERR_SYNTAX,
     "line 1:36 no viable alternative at input 'y'"},
    {"INSERT INTO t (a, b) VALUES (1)", ERR_INVALID, "Unmatched column names/values"},
    {"INSERT INTO t (a) VALUES ()", ERR_SYNTAX, "line 1:26 no viable alternative at input ')'"},
    {"INSERT INTO t (a) VALUES (1) USING TTL 1 IF NOT EXISTS", ERR_SYNTAX,
     "line 1:41 mismatched input 'IF' expecting EOF (...(1) USING TTL 1 [IF] NOT...)"},
    {"INSERT INTO t (a) VALUES ('open)", ERR_SYNTAX,
     "line 1:32 mismatched character '<EOF>' expecting '''"},
    {"SELECT # FROM t", ERR_SYNTAX, "line 1:7 no viable alternative at character '#'"},
    {"SELECT * FROM t /* open", ERR_SYNTAX, "line 1:23 mismatched character '<EOF>' expecting '*'"},
    {"SELECT * FROM ?", ERR_SYNTAX, "Bind variables cannot be used for table names"},
    {"USE ?", ERR_SYNTAX, "Bind variables cannot be used for keyspace names"},
    {"SELECT * FROM t WHERE a IN (1, 2", ERR_SYNTAX,
     "line 0:-1 mismatched input '<EOF>' expecting ')'"},
    {"SELECT * FROM t WHERE select = 1", ERR_SYNTAX,
     "line 1:22 no viable alternative at input 'select' (SELECT * FROM t WHERE [select] =...)"},
    {"UPDATE t SET a = b + 1 WHERE k = 1", ERR_SYNTAX,
     "Only expressions of the form X = X +<value> are supported."},
    {"UPDATE t SET a = b - 1 WHERE k = 1", ERR_SYNTAX,
     "Only expressions of the form X = X -<value> are supported."},
    {"UPDATE t SET a = [1] + b WHERE k = 1", ERR_SYNTAX,
     "Only expressions of the form X = <value> + X are supported."},
    {"UPDATE t SET a = 1, a = 2 WHERE k = 1", ERR_SYNTAX, "Multiple incompatible setting of column a"},
    {"UPDATE t SET u.f = 1, u.f = 2 WHERE k = 1", ERR_SYNTAX,
     "Multiple incompatible setting of column u"},
    {"UPDATE t SET a = 1", ERR_SYNTAX, "line 0:-1 mismatched input '<EOF>' expecting K_WHERE"},
    {"DELETE FROM t", ERR_SYNTAX, "line 0:-1 mismatched input '<EOF>' expecting K_WHERE"},
    {"DELETE FROM t USING TTL 1 WHERE k = 1", ERR_SYNTAX,
     "line 1:20 mismatched input 'TTL' expecting K_TIMESTAMP (DELETE FROM t USING [TTL] 1...)"},
    {"BEGIN BATCH SELECT * FROM t APPLY BATCH", ERR_SYNTAX,
     "line 1:12 mismatched input 'SELECT' expecting K_APPLY (BEGIN BATCH [SELECT] *...)"},
    {"CREATE TABLE t (a int) WITH COMPACT STORAGE", ERR_INVALID,
     "Compact tables are not allowed in Cassandra starting with 4.0 version."},
    {"ALTER TABLE t DROP COMPACT STORAGE", ERR_INVALID,
     "Compact tables are not allowed in Cassandra starting with 4.0 version."},
    {"CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))", ERR_INVALID,
     "Multiple PRIMARY KEY specified for table 't' (exactly one required)"},
    {"CREATE TABLE ks.t (a int PRIMARY KEY, b int PRIMARY KEY)", ERR_INVALID,
     "Multiple PRIMARY KEY specified for table 'ks.t' (exactly one required)"},
    {"CREATE TABLE t (a int)", ERR_INVALID,
     "No PRIMARY KEY specifed for table 't' (exactly one required)"},
    {"CREATE TABLE \"Ks\".\"T\" (a int)", ERR_INVALID,
     "No PRIMARY KEY specifed for table 'Ks.T' (exactly one required)"},
    {"CREATE TABLE t (k int PRIMARY KEY) WITH CLUSTERING ORDER BY (c)", ERR_SYNTAX,
     "line 1:62 no viable alternative at input ')'"},
    {"CREATE TABLE t (a frozen<int> PRIMARY KEY)", ERR_SYNTAX,
     "frozen<> is only allowed on collections, tuples, and user-defined types (got int)"},
    {"CREATE TYPE int (a int)", ERR_SYNTAX,
     "line 1:12 no viable alternative at input 'int' (CREATE TYPE [int] (...)"},
    {"CREATE TYPE ks.byte (a int)", ERR_SYNTAX, "Invalid (reserved) user type name byte"},
    {"CREATE KEYSPACE ks WITH replication = {'class': ?}", ERR_SYNTAX,
     "Invalid property value: ? for property: 'class' (bind variables are not supported in DDL "
     "queries)"},
    {"CREATE KEYSPACE ks WITH replication = {?: 'x'}", ERR_SYNTAX,
     "Invalid property name: ? (bind variables are not supported in DDL queries)"},
    {"CREATE KEYSPACE ks WITH replication = {'a': 1, 'a': 2}", ERR_SYNTAX,
     "Multiple definition for property a"},
    {"CREATE KEYSPACE ks WITH a = 1 AND a = 2", ERR_SYNTAX, "Multiple definition for property a"},
    {"CREATE KEYSPACE ks WITH a = [1]", ERR_SYNTAX,
     "line 1:28 no viable alternative at input '[' (...KEYSPACE ks WITH a = [[]1])"},
    {"CREATE INDEX ? ON t (a)", ERR_SYNTAX, "Bind variables cannot be used for index names"},
    {"CREATE ROLE r WITH LOGIN = true AND LOGIN = false", ERR_SYNTAX,
     "Multiple definition for property LOGIN"},
    {"CREATE ROLE r WITH PASSWORD = 'a' AND HASHED PASSWORD = 'b'", ERR_SYNTAX,
     "Options 'password' and 'hashed password' are mutually exclusive"},
    {"CREATE ROLE r WITH LOGIN = 'yes'", ERR_SYNTAX,
     "line 1:27 mismatched input 'yes' expecting BOOLEAN"},
    {"CREATE USER \"Bob\"", ERR_SYNTAX,
     "Quoted strings are are not supported for user names and USER is deprecated, please use "
     "ROLE"},
    {"GRANT EXECUTE ON TABLE t TO bob", ERR_SYNTAX,
     "Resource type DataResource does not support any of the requested permissions"},
    {"GRANT SELECT ON ROLE r TO bob", ERR_SYNTAX,
     "Resource type RoleResource does not support any of the requested permissions"},
    {"CREATE SOMETHING x", ERR_SYNTAX,
     "line 1:7 no viable alternative at input 'SOMETHING' (CREATE [SOMETHING] x)"},
    {"DESCRIBE TABLE", ERR_SYNTAX, "line 0:-1 no viable alternative at input '<EOF>'"},
    {"DESCRIBE KEYSPACES WITH", ERR_SYNTAX,
     "line 0:-1 mismatched input '<EOF>' expecting K_INTERNALS"},
    {"SELECT (list<int>) FROM t", ERR_SYNTAX,
     "line 1:12 mismatched input '<' expecting ')' (SELECT (list[<]int>...)"},
    {"SELECT * FROM t WHERE token(a) IN (1)", ERR_SYNTAX,
     "line 1:31 no viable alternative at input 'IN' (... t WHERE token(a) [IN] (...)"},
};

Test(errors, code_message_and_position)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct arena a;
        struct errmsg em;
        arena_init(&a, 0);
        int rc = must_fail(&a, cases[i].in, &em);
        cr_expect_eq(rc, cases[i].code, "input: %s\n  code %s, message: %s", cases[i].in,
                     err_name(rc), em.text);
        cr_expect_str_eq(em.text, cases[i].msg, "input: %s\n  got:      %s\n  expected: %s",
                         cases[i].in, em.text, cases[i].msg);
        arena_deinit(&a);
    }
}
