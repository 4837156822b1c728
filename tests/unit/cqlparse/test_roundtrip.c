/*
 * parse -> print -> parse -> print is a fixed point, and the two ASTs are equal, for every
 * statement the front end must accept: the client strings of client-requirements.md (drivers,
 * cqlsh, cqlengine, COPY), the examples of the language list, and awkward corners.
 */
#include "cqlparse_util.h"

static const char *const valid[] = {
    /* Python driver control connection and schema queries, verbatim */
    "SELECT * FROM system.peers_v2",
    "SELECT * FROM system.local WHERE key='local'",
    "SELECT * FROM system.peers",
    "SELECT schema_version FROM system.local WHERE key='local'",
    "SELECT host_id, peer, peer_port, native_address, native_port, schema_version FROM "
    "system.peers_v2",
    "SELECT peer, host_id, rpc_address, schema_version FROM system.peers",
    "SELECT host_id, cluster_name, data_center, rack, partitioner, release_version, "
    "schema_version FROM system.local WHERE key='local'",
    "SELECT host_id, peer, peer_port, data_center, rack, native_address, native_port, "
    "release_version, schema_version FROM system.peers_v2",
    "SELECT rpc_address FROM system.local WHERE key='local'",
    "SELECT * FROM system_schema.keyspaces",
    "SELECT * FROM system_schema.tables",
    "SELECT * FROM system_schema.columns",
    "SELECT * FROM system_schema.types",
    "SELECT * FROM system_schema.functions",
    "SELECT * FROM system_schema.aggregates",
    "SELECT * FROM system_schema.triggers",
    "SELECT * FROM system_schema.indexes",
    "SELECT * FROM system_schema.views",
    "SELECT * from system_virtual_schema.keyspaces",
    "SELECT * from system_virtual_schema.tables",
    "SELECT * from system_virtual_schema.columns",
    "SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'ks'",
    "SELECT * FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'",
    "SELECT * FROM system_schema.views WHERE keyspace_name = 'ks' AND view_name = 't'",
    "SELECT * FROM system_schema.types WHERE keyspace_name = 'ks' AND type_name = 'u'",
    "SELECT * FROM system_schema.functions WHERE keyspace_name = 'ks' AND function_name = 'f' "
    "AND argument_types = ['int']",
    "SELECT * FROM system_schema.aggregates WHERE keyspace_name = 'ks' AND aggregate_name = 'a' "
    "AND argument_types = ['int', 'text']",
    /* Node.js driver */
    "SELECT * FROM system_schema.tables where keyspace_name = 'ks'",
    "SELECT * FROM system_schema.columns WHERE keyspace_name='ks' AND table_name='t'",
    "SELECT schema_version FROM system.local",
    "SELECT schema_version FROM system.peers",
    "SELECT * FROM system_virtual_schema.tables where keyspace_name = 'ks' and table_name='t'",
    /* cqlsh */
    "select * from system.local where key = 'local'",
    "select * from system.local;",
    "SELECT * FROM system_traces.sessions WHERE session_id = 123e4567-e89b-12d3-a456-426614174000",
    "USE \"ks\"",
    "USE ks",
    "USE ks;",
    "SELECT a, b FROM ks.t WHERE token(a, b) > -9223372036854775808 AND token(a, b) <= 0",
    "SELECT a, b FROM ks.t WHERE token(a, b) > 3074457345618258602",
    "SELECT \"a\", \"b\" FROM ks.t WHERE token(\"a\") <= -3074457345618258603",
    "INSERT INTO ks.t (\"a\", \"b\") VALUES (?, ?)",
    "INSERT INTO ks.t (\"a\", \"b\") VALUES (?, ?)USING TTL 3600",
    "UPDATE ks.t SET c = c + 1 WHERE a = 1",
    "SELECT * FROM ks.t WHERE \"a\" = ?",
    "BEGIN UNLOGGED BATCH INSERT INTO ks.t (a, b) VALUES (?, ?); INSERT INTO ks.t (a, b) "
    "VALUES (?, ?) APPLY BATCH",
    "BEGIN COUNTER BATCH UPDATE ks.t SET c = c + 1 WHERE a = 1 UPDATE ks.t SET c = c + 2 WHERE "
    "a = 2 APPLY BATCH",
    /* cqlengine */
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': "
    "'1'}  AND durable_writes = true",
    "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': '3'}  AND "
    "durable_writes = true",
    "CREATE TABLE ks.user (\"id\" uuid , \"bucket\" int , \"ts\" timestamp , \"name\" text , "
    "\"tags\" set<text> , \"m\" map<text, int> , \"c\" bigint , PRIMARY KEY ((\"bucket\"), \"id\", "
    "\"ts\")) WITH CLUSTERING ORDER BY (\"id\" ASC, \"ts\" DESC)",
    "ALTER TABLE ks.user add \"col\" text",
    "ALTER TABLE ks.user WITH comment = 'x' AND gc_grace_seconds = 10",
    "CREATE INDEX ON ks.user (\"name\")",
    "CREATE TYPE ks.address (\"street\" text , \"zip\" int)",
    /* literals as drivers interpolate them */
    "INSERT INTO t (a, b, c, d, e) VALUES ('it''s', 0x01ff, True, NULL, "
    "123e4567-e89b-12d3-a456-426614174000)",
    "INSERT INTO t (a, b, c, d) VALUES (1704164645678, '2024-01-02', '01:02:03.004000', "
    "123456789012345678901234567890123)",
    "INSERT INTO t (a, b, c, d) VALUES ([1, 2], {3, 4}, {'a': 1}, [1, 'x'])",
    "INSERT INTO t (a, b, c) VALUES (1mo2d3ns, 1h30m, P1DT2H)",
    "INSERT INTO t (a, b, c, d, e) VALUES (NaN, Infinity, -Infinity, -NaN, 1.5e-10)",
    "INSERT INTO t (a, b, c, d) VALUES (-1, -1.5, -1h, -P1D)",
    "INSERT INTO t (a, b, c) VALUES ({}, {f: 1, g: 'x'}, (1, 'x'))",
    "INSERT INTO t (a, b, c) VALUES ((int) ?, (text) :x, $$pg 'style' \"x\"$$)",
    "INSERT INTO t (a) VALUES (0x)",
    "INSERT INTO t (a, b) VALUES (FALSE, false)",
    "INSERT INTO t (a) VALUES ([[1, 2], [3]])",
    "INSERT INTO t (a) VALUES ({'k': {1, 2}, 'l': {}})",
    "INSERT INTO t (a) VALUES ({address: {street: 'x', zip: 1}, \"Mixed\": 2})",
    "INSERT INTO t (a) VALUES ((1))",
    "INSERT INTO t (a) VALUES (((1, 2), (3, 4)))",
    "insert into T (A) values (1)",
    "INSERT INTO t (a) VALUES (?) IF NOT EXISTS USING TTL ? AND TIMESTAMP ?",
    "INSERT INTO t (a) VALUES (:a) USING TIMESTAMP 123 AND TTL 10",
    "INSERT INTO t JSON '{\"a\": 1}'",
    "INSERT INTO t JSON ? DEFAULT NULL",
    "INSERT INTO t JSON :j DEFAULT UNSET IF NOT EXISTS USING TTL 5",
    /* UPDATE */
    "UPDATE t SET a = 1, b = 'x' WHERE k = 1",
    "UPDATE t SET l = l + [1], l = [0] + l, s = s - {'a'}, m = m + {'k': 1} WHERE k = 1",
    "UPDATE t SET c = c - 1 WHERE k = 1",
    "UPDATE t SET c = c -1 WHERE k = 1",
    "UPDATE t SET c += 3, d -= 2 WHERE k = 1",
    "UPDATE t SET m['k'] = 'v', l[2] = 5, u.x = 3, u.y = 4 WHERE k = 1",
    "UPDATE t USING TTL 10 AND TIMESTAMP 123 SET a = 1 WHERE k = 1",
    "UPDATE t SET a = 1 WHERE k = 1 IF EXISTS",
    "UPDATE t SET a = 1 WHERE k = 1 IF a = 2 AND b != 3 AND m['k'] = 'v' AND u.f > 1 AND c IN "
    "(1, 2) AND d IN ? AND m['x'] IN (1) AND u.g IN ?",
    "UPDATE t SET a = ? WHERE k IN ? AND c = ?",
    "UPDATE t SET l = [1, 2] + [3] + l WHERE k = 1",
    "UPDATE t SET a = now() WHERE k = 1",
    "UPDATE t SET \"Mixed\" = \"Mixed\" + 1 WHERE k = 1",
    /* DELETE */
    "DELETE FROM t WHERE k = 1",
    "DELETE a, b FROM ks.t WHERE k = 1",
    "DELETE m['k'], l[1], u.f FROM t USING TIMESTAMP 5 WHERE k = 1 AND c > 2 IF EXISTS",
    "DELETE FROM t WHERE k = 1 AND c >= 1 AND c < 5",
    "DELETE FROM t WHERE k IN (1, 2, 3) IF a = 1",
    "DELETE FROM t WHERE (c1, c2) >= (1, 2) AND k = 1",
    /* BATCH */
    "BEGIN BATCH INSERT INTO t (a) VALUES (1); UPDATE t SET a = 2 WHERE k = 1; DELETE FROM t "
    "WHERE k = 2; APPLY BATCH;",
    "BEGIN BATCH USING TIMESTAMP 123 INSERT INTO t (a) VALUES (?) APPLY BATCH",
    "BEGIN BATCH APPLY BATCH",
    "begin unlogged batch insert into t (a) values (:x); apply batch",
    /* SELECT */
    "SELECT DISTINCT a FROM t",
    "SELECT JSON a, b AS x FROM t",
    "SELECT JSON * FROM t",
    "SELECT JSON DISTINCT a FROM t",
    "SELECT json FROM t",
    "SELECT json, distinct FROM t",
    "SELECT distinct FROM t",
    "SELECT COUNT(*) FROM t",
    "SELECT count(*) AS n, COUNT(1) FROM t",
    "SELECT writetime(c), ttl(c), WRITETIME(u.f), maxwritetime(c) FROM t",
    "SELECT now(), uuid(), toTimestamp(now()), toDate(x), toUnixTimestamp(x) FROM t",
    "SELECT minTimeuuid('2013-01-01 00:05+0000'), maxTimeuuid('2013-01-01'), dateOf(x), "
    "unixTimestampOf(x) FROM t",
    "SELECT token(a, b), blobAsText(b), textAsBlob('a'), bigintAsBlob(3) FROM t",
    "SELECT CAST(x AS text), CAST(count(*) AS double) FROM t",
    "SELECT ks.f(a, 1), \"MyFunc\"(a), ks.\"F\"() FROM t",
    "SELECT a.b.c, m['k'], l[1..2], l[..2], l[1..], s[?] FROM t",
    "SELECT (int) x, (frozen<list<int>>) ?, (text) 'a' FROM t",
    "SELECT a + b * c, (a + b) * c, a - (b - c), -a, - -1, -(1), a % 2 / 3 FROM t",
    "SELECT (a, b), [a, b], {a, b}, {a: b}, {} FROM t",
    "SELECT 1, 'x', NULL, ?, :n FROM t",
    "SELECT -a.b, (-a).b, (a + b).c FROM t",
    "SELECT * FROM t WHERE a = ? AND b IN ? AND c < 1 AND d <= 2 AND e > 3 AND f >= 4 AND g "
    "!= 5 AND s CONTAINS 1 AND m CONTAINS KEY 'k' LIMIT ? ALLOW FILTERING",
    "SELECT * FROM t WHERE (a, b) > (1, 2) AND (c, d) IN ((1, 2), (3, 4)) AND (e, f) IN ? AND "
    "(g) = ? AND (h, i) IN (?, ?) AND (j, k) IN () AND (l, m) <= ?",
    "SELECT * FROM t WHERE a = :x AND b = :\"Y\" GROUP BY a ORDER BY b DESC PER PARTITION LIMIT "
    "2 LIMIT 10",
    "SELECT * FROM t WHERE m['k'] = 1 AND n LIKE 'a%' AND v IS NOT NULL",
    "SELECT * FROM t WHERE (a = 1) AND ((b = 2))",
    "SELECT * FROM t WHERE a IN () AND b IN (1) AND c IN (?, ?)",
    "SELECT * FROM t WHERE token(k) > token(?)",
    "SELECT * FROM t ORDER BY a, b ASC, c DESC",
    "SELECT * FROM t PER PARTITION LIMIT ?",
    "SELECT * FROM t GROUP BY a, b LIMIT 1",
    "SELECT * FROM t WHERE \"\" = 1",
    "SELECT a AS \"Alias\", b AS ttl FROM t",
    "SELECT key, ttl, type, date, time, keys, values, as, count, writetime, cast, json, filtering "
    "FROM t",
    "SELECT \"select\", \"true\", \"Key\" FROM \"Ks\".\"Table\"",
    "SELECT * FROM t -- trailing comment\n",
    "/* leading */ SELECT * FROM t;;",
    "SELECT * FROM t LIMIT -1",
    /* DDL */
    "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', "
    "'replication_factor': 3}",
    "CREATE SCHEMA ks WITH replication = {'class': 'SimpleStrategy'}",
    "ALTER KEYSPACE ks WITH durable_writes = false",
    "ALTER KEYSPACE IF EXISTS ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': "
    "2, 'dc2': 1}",
    "DROP KEYSPACE ks",
    "DROP KEYSPACE IF EXISTS ks",
    "CREATE TABLE t (k int PRIMARY KEY, v text)",
    "CREATE TABLE IF NOT EXISTS ks.t (k int, c int, v text, PRIMARY KEY (k, c))",
    "CREATE TABLE t (a int, b int, c int static, d frozen<map<text, frozen<list<int>>>>, e "
    "tuple<int, text>, f frozen<addr>, g 'org.apache.cassandra.db.marshal.UTF8Type', h "
    "ks.addr, i list<frozen<tuple<int, int>>>, j set<frozen<set<int>>>, PRIMARY KEY ((a, b), c))",
    "CREATE TABLE t (a ascii, b bigint, c blob, d boolean, e counter, f decimal, g double, h "
    "duration, i float, j inet, k int, l smallint, m text, n timestamp, o tinyint, p uuid, q "
    "varchar, r varint, s timeuuid, t date, u time, PRIMARY KEY (a))",
    "CREATE TABLE t (k int PRIMARY KEY, v int) WITH compaction = {'class': "
    "'LeveledCompactionStrategy', 'sstable_size_in_mb': 160} AND gc_grace_seconds = 10 AND "
    "comment = 'x' AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'} AND "
    "bloom_filter_fp_chance = 0.01 AND default_time_to_live = 0 AND speculative_retry = "
    "'99PERCENTILE' AND read_repair = 'BLOCKING' AND extensions = {}",
    "CREATE TABLE t (k int, c1 int, c2 text, v int, PRIMARY KEY (k, c1, c2)) WITH CLUSTERING "
    "ORDER BY (c1 DESC, c2 ASC) AND comment = 'c'",
    "CREATE TABLE t (k int, v int, PRIMARY KEY (k),)",
    "CREATE COLUMNFAMILY t (key text PRIMARY KEY, ttl int, type int, date date, time time, keys "
    "int, values int, json int, distinct int)",
    "CREATE TABLE t (k int PRIMARY KEY) WITH caching = ALL",
    "ALTER TABLE t ADD c int",
    "ALTER TABLE t ADD s int static",
    "ALTER TABLE t ADD (a int, b text static)",
    "ALTER TABLE IF EXISTS t ADD IF NOT EXISTS a int",
    "ALTER TABLE t DROP c",
    "ALTER TABLE t DROP (a, b) USING TIMESTAMP 10",
    "ALTER TABLE t DROP IF EXISTS a",
    "ALTER TABLE t RENAME a TO b",
    "ALTER TABLE t RENAME IF EXISTS a TO b AND c TO d",
    "ALTER TABLE t ALTER c TYPE blob",
    "ALTER TABLE t WITH comment = 'y'",
    "DROP TABLE t",
    "DROP TABLE IF EXISTS ks.t",
    "DROP COLUMNFAMILY t",
    "TRUNCATE t",
    "TRUNCATE TABLE ks.t",
    "TRUNCATE COLUMNFAMILY t;",
    "CREATE TYPE IF NOT EXISTS ks.addr (street text, zip int, tags set<text>,)",
    "CREATE TYPE \"Addr\" (\"Street\" text)",
    "ALTER TYPE addr ADD country text",
    "ALTER TYPE addr ALTER zip TYPE bigint",
    "ALTER TYPE addr RENAME zip TO code AND street TO st",
    "DROP TYPE addr",
    "DROP TYPE IF EXISTS ks.addr",
    "CREATE INDEX ON t (v)",
    "CREATE INDEX idx ON ks.t (v)",
    "CREATE INDEX IF NOT EXISTS idx ON t (keys(m))",
    "CREATE INDEX ON t (values(m))",
    "CREATE INDEX ON t (entries(m))",
    "CREATE INDEX ON t (full(l))",
    "CREATE INDEX ON t (keys)",
    "CREATE INDEX ON t (values)",
    "CREATE CUSTOM INDEX idx ON t (v) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH "
    "OPTIONS = {'mode': 'CONTAINS'}",
    "DROP INDEX idx",
    "DROP INDEX IF EXISTS ks.idx",
    /* auth */
    "CREATE ROLE bob",
    "CREATE ROLE IF NOT EXISTS bob WITH PASSWORD = 'x' AND LOGIN = true AND SUPERUSER = false "
    "AND OPTIONS = {'a': 'b'}",
    "CREATE ROLE 'Bob' WITH LOGIN = True",
    "CREATE ROLE \"Bob\" WITH HASHED PASSWORD = '$2a$10$x'",
    "CREATE ROLE r WITH ACCESS TO ALL DATACENTERS",
    "CREATE ROLE r WITH ACCESS TO DATACENTERS {'dc1', 'dc2'}",
    "ALTER ROLE bob WITH PASSWORD = 'y'",
    "ALTER ROLE IF EXISTS bob WITH SUPERUSER = true AND LOGIN = false",
    "DROP ROLE bob",
    "DROP ROLE IF EXISTS bob",
    "CREATE USER alice",
    "CREATE USER IF NOT EXISTS Alice WITH PASSWORD 'pw' SUPERUSER",
    "CREATE USER 'carol' WITH PASSWORD 'pw' NOSUPERUSER",
    "ALTER USER alice WITH PASSWORD 'z'",
    "ALTER USER alice SUPERUSER",
    "DROP USER alice",
    "DROP USER IF EXISTS 'Alice'",
    "LIST ROLES",
    "LIST ROLES OF bob",
    "LIST ROLES OF bob NORECURSIVE",
    "LIST ROLES NORECURSIVE",
    "LIST USERS",
    "GRANT admin TO bob",
    "REVOKE admin FROM bob",
    "GRANT all TO bob",
    "GRANT SELECT ON KEYSPACE ks TO bob",
    "GRANT ALL PERMISSIONS ON ALL KEYSPACES TO bob",
    "GRANT ALL ON ALL KEYSPACES TO bob",
    "GRANT MODIFY, SELECT ON TABLE ks.t TO bob",
    "GRANT SELECT PERMISSION, MODIFY PERMISSION ON ks.t TO bob",
    "GRANT ALL ON ks.t TO bob",
    "GRANT CREATE ON ALL ROLES TO bob",
    "GRANT ALTER ON ROLE alice TO bob",
    "GRANT EXECUTE ON ALL FUNCTIONS TO bob",
    "GRANT EXECUTE ON ALL FUNCTIONS IN KEYSPACE ks TO bob",
    "REVOKE EXECUTE ON FUNCTION ks.f(int, text) FROM bob",
    "REVOKE EXECUTE ON FUNCTION f() FROM bob",
    "GRANT SELECT ON ALL MBEANS TO bob",
    "GRANT SELECT ON MBEAN 'org.apache.cassandra.db:type=Tables' TO bob",
    "GRANT DESCRIBE ON MBEANS 'org.apache.cassandra.db:*' TO bob",
    "LIST ALL PERMISSIONS",
    "LIST ALL PERMISSIONS OF bob",
    "LIST ALL ON KEYSPACE ks OF bob NORECURSIVE",
    "LIST SELECT ON ks.t",
    "LIST SELECT, MODIFY OF bob",
    /* DESCRIBE */
    "DESCRIBE KEYSPACES",
    "DESC KEYSPACES;",
    "DESCRIBE TABLES",
    "DESC COLUMNFAMILIES",
    "DESCRIBE TYPES",
    "DESCRIBE FUNCTIONS",
    "DESCRIBE AGGREGATES",
    "DESCRIBE KEYSPACE",
    "DESCRIBE KEYSPACE ks",
    "DESCRIBE ONLY KEYSPACE ks WITH INTERNALS",
    "DESCRIBE SCHEMA",
    "DESCRIBE FULL SCHEMA",
    "DESCRIBE CLUSTER",
    "DESCRIBE TABLE ks.t",
    "DESC TABLE t WITH INTERNALS",
    "DESCRIBE INDEX ks.idx",
    "DESCRIBE MATERIALIZED VIEW ks.v",
    "DESCRIBE TYPE ks.addr",
    "DESCRIBE FUNCTION ks.f",
    "DESCRIBE AGGREGATE ks.a",
    "DESCRIBE ks.t",
    "DESCRIBE t",
    "DESC \"Ks\".\"T\"",
    "DESC type",
    "DESC only",
    "DESCRIBE \"keyspaces\"",
    /* parsed only to be refused by the executor */
    "CREATE FUNCTION ks.f(a int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS 'return "
    "a;'",
    "CREATE OR REPLACE FUNCTION IF NOT EXISTS f(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE "
    "java AS $$ return a; $$;",
    "CREATE AGGREGATE ks.a(int) SFUNC f STYPE int FINALFUNC g INITCOND (0, 0)",
    "DROP FUNCTION IF EXISTS ks.f(int)",
    "DROP AGGREGATE ks.a",
    "CREATE MATERIALIZED VIEW ks.v AS SELECT * FROM t WHERE a IS NOT NULL AND b IS NOT NULL "
    "PRIMARY KEY (a, b) WITH comment = 'x'",
    "ALTER MATERIALIZED VIEW ks.v WITH comment = 'y'",
    "DROP MATERIALIZED VIEW IF EXISTS ks.v",
    "CREATE TRIGGER tr ON t USING 'org.Trig'",
    "DROP TRIGGER tr ON t",
};

Test(roundtrip, print_is_a_fixed_point_and_reparses_equal)
{
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        struct arena a;
        arena_init(&a, 0);
        struct ast_stmt *s1 = must_parse(&a, valid[i]);
        char *p1 = print_stmt(&a, s1);
        struct ast_stmt *s2 = must_parse(&a, p1);
        char *p2 = print_stmt(&a, s2);
        cr_expect_str_eq(p1, p2, "input: %s\n  print 1: %s\n  print 2: %s", valid[i], p1, p2);
        cr_expect(ast_equal_stmt(s1, s2), "AST differs after print: %s\n  printed: %s", valid[i],
                  p1);
        arena_deinit(&a);
    }
}

/* The canonical text itself, for a sample that shows each printing rule. */
Test(roundtrip, canonical_text)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"select * from system.local where key='local';",
         "SELECT * FROM system.local WHERE key = 'local'"},
        {"INSERT INTO ks.t (\"a\", \"B\") VALUES (?, ?)USING TTL 3600",
         "INSERT INTO ks.t (a, \"B\") VALUES (?, ?) USING TTL 3600"},
        {"CREATE TABLE ks.user (\"id\" uuid , \"bucket\" int , PRIMARY KEY ((\"bucket\"), \"id\")) "
         "WITH CLUSTERING ORDER BY (\"id\" DESC)",
         "CREATE TABLE ks.user (id uuid, bucket int, PRIMARY KEY ((bucket), id)) WITH CLUSTERING "
         "ORDER BY (id DESC)"},
        {"CREATE TABLE t (k int PRIMARY KEY, v text static)",
         "CREATE TABLE t (k int, v text STATIC, PRIMARY KEY ((k)))"},
        {"UPDATE t SET c += 1, l = [1] + l WHERE k = 1",
         "UPDATE t SET c = c + 1, l = [1] + l WHERE k = 1"},
        {"SELECT (a + b) * c, a + b * c, - -1, -(1), (-a).b FROM t",
         "SELECT (a + b) * c, a + b * c, - -1, -(1), (-a).b FROM t"},
        {"SELECT toTimestamp(now()), COUNT(*), count(1), TOKEN(a), ttl(x) FROM t",
         "SELECT totimestamp(now()), COUNT(*), count(1), token(a), TTL(x) FROM t"},
        {"SELECT json, \"distinct\", key FROM \"select\"",
         "SELECT \"json\", \"distinct\", key FROM \"select\""},
        {"INSERT INTO t (a, b) VALUES ($$x'y$$, 'it''s')",
         "INSERT INTO t (a, b) VALUES ('x''y', 'it''s')"},
        {"INSERT INTO t (a, b, c) VALUES (-NaN, - Infinity, - 5)",
         "INSERT INTO t (a, b, c) VALUES (NaN, -Infinity, -5)"},
        {"CREATE USER Alice WITH PASSWORD 'x'", "CREATE USER 'Alice' WITH PASSWORD 'x'"},
        {"GRANT ALL ON TABLE t TO Bob", "GRANT ALL PERMISSIONS ON TABLE t TO bob"},
        {"GRANT CREATE, SELECT ON TABLE t TO bob", "GRANT SELECT ON TABLE t TO bob"},
        {"desc type", "DESCRIBE \"type\""},
        {"CREATE TABLE t (k int PRIMARY KEY, u \"text\")",
         "CREATE TABLE t (k int, u \"text\", PRIMARY KEY ((k)))"},
        {"DELETE FROM t WHERE k=1 IF EXISTS;", "DELETE FROM t WHERE k = 1 IF EXISTS"},
        {"BEGIN BATCH INSERT INTO t (a) VALUES (1) APPLY BATCH",
         "BEGIN BATCH INSERT INTO t (a) VALUES (1); APPLY BATCH"},
        {"create function F(a int) returns null on null input returns int language java as 'x'",
         "create function F(a int) returns null on null input returns int language java as 'x'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct arena a;
        arena_init(&a, 0);
        char *p = print_stmt(&a, must_parse(&a, cases[i].in));
        cr_expect_str_eq(p, cases[i].out, "input: %s\n  printed:  %s\n  expected: %s", cases[i].in,
                         p, cases[i].out);
        arena_deinit(&a);
    }
}
