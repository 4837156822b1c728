"""The DataStax Python driver (python3-cassandra 3.25) against a real ringdb node, unmodified,
the way an application uses it against Cassandra 4.1.

One node per test class (setUpClass). Each class is also one ctest entry
(`test_python_driver.py ClassName`), so a class lands once it passes on main.

  ConnectTest    handshake with lz4, no driver warnings, protocol step-down to v4,
                 system.local, token map
  TypesTest      every CQL type, simple (client-side interpolated) and prepared, read back equal
  PagingTest     20,000 rows with fetch_size 1000: pages, rows, order; paging_state resume
  PreparedTest   pk_indexes -> routing_key_indexes, routing keys and tokens, deterministic ids
  BatchTest      logged and unlogged; prepared and simple statements
  CountersTest   counter updates, counter batches
  MetadataTest   cluster.metadata follows DDL (keyspace, table, columns, clustering order, UDT)
  ErrorsTest     errors map to the driver's exception classes

Usage: /usr/bin/python3 test_python_driver.py [--ringdb PATH] [ClassName ...]
"""
import datetime
import decimal
import hashlib
import math
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ringdb_harness as rh  # noqa: E402

from cassandra import (AlreadyExists, ConsistencyLevel, InvalidRequest,  # noqa: E402
                       Unavailable)
from cassandra.connection import lz4_compress  # noqa: E402
from cassandra.protocol import ConfigurationException, SyntaxException  # noqa: E402
from cassandra.query import (BatchStatement, BatchType, SimpleStatement,  # noqa: E402
                             PreparedStatement, UNSET_VALUE)
from cassandra.policies import FallthroughRetryPolicy  # noqa: E402
from cassandra.util import Date, Duration, Time  # noqa: E402


class Session:
    """A connected cluster + session for one test class, failing on any driver warning."""

    def __init__(self, node, keyspace=None, **kw):
        self.capture = rh.DriverLogCapture().__enter__()
        self.cluster = rh.cluster(node, **kw)
        try:
            self.session = self.cluster.connect(keyspace)
        except BaseException:
            self.close()
            raise

    def close(self):
        try:
            self.cluster.shutdown()
        finally:
            self.capture.__exit__(None, None, None)
        return self.capture.messages()


class DriverTestCase(rh.NodeTestCase):
    """A node and a connected session per class; tearDown fails on driver warnings."""

    keyspace = None
    allowed_warnings = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.conn = Session(cls.node)
            cls.session = cls.conn.session
            cls.cluster = cls.conn.cluster
            if cls.keyspace:
                cls.session.execute(
                    "CREATE KEYSPACE %s WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}" % cls.keyspace)
                cls.session.set_keyspace(cls.keyspace)
        except BaseException:
            super().tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.conn.close()
        finally:
            super().tearDownClass()

    def tearDown(self):
        msgs = [m for m in self.conn.capture.messages()
                if not any(a in m for a in self.allowed_warnings)]
        self.conn.capture.records.clear()
        self.assertEqual(msgs, [], "the driver logged warnings")


class ConnectTest(rh.NodeTestCase):
    def test_connect_lz4_without_warnings(self):
        with rh.DriverLogCapture() as cap:
            cluster = rh.cluster(self.node, compression=True)
            try:
                session = cluster.connect()
                rows = list(session.execute("SELECT release_version FROM system.local"))
                self.assertEqual(len(rows), 1)
                control = cluster.control_connection._connection
                self.assertIs(control.compressor, lz4_compress, "control connection not lz4")
                pools = session.get_pools()
                self.assertEqual(len(pools), 1)
                for pool in pools:
                    self.assertIs(pool._connection.compressor, lz4_compress, "pool not lz4")
                self.assertEqual(cluster.protocol_version, 4)
            finally:
                cluster.shutdown()
        self.assertEqual(cap.messages(), [])

    def test_protocol_step_down_to_v4(self):
        # Without protocol_version the driver starts at DSE_V2 and steps down to v4; the
        # only warnings allowed are its own "Downgrading core protocol version" ones.
        from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
        from cassandra.policies import RoundRobinPolicy
        with rh.DriverLogCapture() as cap:
            cluster = Cluster([self.node.address], port=self.node.port, execution_profiles={
                EXEC_PROFILE_DEFAULT: ExecutionProfile(load_balancing_policy=RoundRobinPolicy())})
            try:
                session = cluster.connect()
                self.assertEqual(cluster.protocol_version, 4)
                self.assertEqual(session.execute("SELECT key FROM system.local").one().key,
                                 "local")
            finally:
                cluster.shutdown()
        other = [m for m in cap.messages() if "Downgrading core protocol version" not in m]
        self.assertEqual(other, [])

    def test_system_local(self):
        s = Session(self.node)
        try:
            row = s.session.execute("SELECT * FROM system.local").one()
            self.assertTrue(row.release_version.startswith("4.1."), row.release_version)
            self.assertEqual(row.key, "local")
            self.assertEqual(row.cluster_name, "Test Cluster")
            self.assertEqual(row.data_center, rh.DC)
            self.assertEqual(row.rack, "rack1")
            self.assertEqual(row.partitioner, "org.apache.cassandra.dht.Murmur3Partitioner")
            self.assertEqual(row.native_protocol_version, "4")
            self.assertEqual([int(p) for p in row.cql_version.split(".")][:2], [3, 4])
            self.assertEqual(len(row.tokens), 16)
            self.assertIsInstance(row.host_id, uuid.UUID)
            self.assertIsInstance(row.schema_version, uuid.UUID)
            self.assertEqual(row.rpc_address, self.node.address)
            # The driver's view agrees with the row.
            meta = s.cluster.metadata
            self.assertEqual(meta.cluster_name, "Test Cluster")
            self.assertEqual(meta.partitioner, "org.apache.cassandra.dht.Murmur3Partitioner")
            hosts = meta.all_hosts()
            self.assertEqual(len(hosts), 1)
            self.assertEqual(hosts[0].release_version, row.release_version)
            self.assertEqual(hosts[0].host_id, row.host_id)
            self.assertEqual(hosts[0].datacenter, rh.DC)
            self.assertEqual(len(meta.token_map.ring), 16)
            self.assertEqual(list(s.session.execute("SELECT * FROM system.peers_v2")), [])
            self.assertEqual(list(s.session.execute("SELECT * FROM system.peers")), [])
            for ks in ("system", "system_schema", "system_auth", "system_distributed",
                       "system_traces"):
                self.assertIn(ks, meta.keyspaces)
            self.assertIn("local", meta.keyspaces["system"].tables)
        finally:
            self.assertEqual(s.close(), [])

    def test_connect_with_keyspace_and_use(self):
        s = Session(self.node)
        try:
            s.session.execute("CREATE KEYSPACE \"MixedCase\" WITH replication = "
                              "{'class': 'SimpleStrategy', 'replication_factor': 1}")
            s.session.execute("CREATE TABLE \"MixedCase\".t (k int PRIMARY KEY, v int)")
            s.session.execute("USE \"MixedCase\"")
            s.session.execute("INSERT INTO t (k, v) VALUES (1, 2)")
            self.assertEqual(s.session.keyspace, "MixedCase")
        finally:
            self.assertEqual(s.close(), [])
        # connect('ks') sends USE "ks" on every pool connection.
        s = Session(self.node, keyspace="MixedCase")
        try:
            self.assertEqual(s.session.execute("SELECT v FROM t WHERE k = 1").one().v, 2)
        finally:
            self.assertEqual(s.close(), [])


# Every CQL type: (column, cql type, [values to round-trip]). Values compare with ==, except
# where `same` (below) says otherwise.
UDT_DDL = "CREATE TYPE addr (street text, number int, tags frozen<set<text>>)"
TYPES = [
    ("a", "ascii", ["", "plain ascii ~!@#$%^&*()", "it's"]),
    ("t", "text", ["", "héllo wörld ✓ 😀", "x" * 100000, "quote ' and \" and \\"]),
    ("vc", "varchar", ["varchar", "ünï"]),
    ("i", "int", [0, -2**31, 2**31 - 1]),
    ("bi", "bigint", [-2**63, 2**63 - 1, 1]),
    ("si", "smallint", [-32768, 32767]),
    ("ti", "tinyint", [-128, 127]),
    ("vi", "varint", [0, -1, 2**64, -(2**200) + 17, 10**100]),
    ("de", "decimal", [decimal.Decimal("0"), decimal.Decimal("-1.5"),
                       decimal.Decimal("123456789012345678901234567890.000000001"),
                       decimal.Decimal("1E+10"), decimal.Decimal("-0.00000000000000000001")]),
    ("f", "float", [1.5, -0.0, float("inf"), float("-inf"), float("nan"), 3.4028234663852886e38]),
    ("d", "double", [0.1, float("nan"), float("inf"), float("-inf"), 1.7976931348623157e308,
                     5e-324]),
    ("b", "boolean", [True, False]),
    ("u", "uuid", [uuid.UUID("00000000-0000-0000-0000-000000000000"), uuid.uuid4()]),
    ("tu", "timeuuid", [uuid.uuid1(), uuid.UUID("e2a4e1a0-a9d8-11ee-8000-000000000000")]),
    ("ts", "timestamp", [datetime.datetime(2024, 1, 2, 3, 4, 5, 678000),
                         datetime.datetime(1900, 1, 1), datetime.datetime(1970, 1, 1),
                         datetime.datetime(2038, 1, 19, 3, 14, 8, 123000),
                         datetime.datetime(9999, 12, 31, 23, 59, 59)]),
    ("dt", "date", [datetime.date(2024, 1, 2), datetime.date(1970, 1, 1), Date(-719162),
                    Date(-1000000), Date(2**31 - 1)]),
    ("tm", "time", [Time(datetime.time(1, 2, 3, 4000)), Time(0), Time(86399999999999)]),
    ("du", "duration", [Duration(1, 2, 3), Duration(0, 0, 0), Duration(-14, -3, -5000000000),
                        Duration(0, 0, 1)]),
    ("ip", "inet", ["192.168.1.1", "::1", "2001:db8::ff00:42:8329", "0.0.0.0"]),
    ("bl", "blob", [b"", bytes(range(256)), b"\x00" * 10]),
    ("l", "list<int>", [[1, 2, 3, 1], [-5]]),
    ("s", "set<text>", [{"a", "b", "c"}, {"only"}]),
    ("m", "map<text, int>", [{"a": 1, "b": 2}, {"k": -1}]),
    ("fl", "frozen<list<int>>", [[], [3, 2, 1]]),
    ("fs", "frozen<set<int>>", [set(), {5, -5, 0}]),
    ("fm", "frozen<map<int, text>>", [{}, {1: "one", 2: "two"}]),
    ("nest", "list<frozen<map<text, frozen<set<int>>>>>", [[{"x": {1, 2}}, {"y": set()}]]),
    ("tup", "tuple<int, text, double>", [(1, "x", 2.5), (None, "y", None)]),
    ("ftup", "frozen<tuple<bigint, frozen<list<text>>>>", [(7, ["a", "b"])]),
    ("ud", "addr", ["udt"]),
    ("fud", "frozen<addr>", ["udt"]),
    ("fudl", "list<frozen<addr>>", ["udt-list"]),
]


class Addr:
    """The Python class registered for the addr UDT (used by simple statements)."""

    def __init__(self, street=None, number=None, tags=None):
        self.street, self.number, self.tags = street, number, tags

    def __eq__(self, o):
        return (self.street, self.number, set(self.tags or ())) == \
            (o.street, o.number, set(o.tags or ()))

    def __repr__(self):
        return "Addr(%r, %r, %r)" % (self.street, self.number, self.tags)


def expand_udt(marker):
    if marker == "udt":
        return [Addr("Main St", 42, {"home"}), Addr("Empty", None, None)]
    return [[Addr("a", 1, {"x"}), Addr("b", 2, set())]]


def same(cql_type, want, got):
    """Whether a value read back equals the value written, by CQL semantics."""
    if want is None:
        return got is None
    if cql_type in ("float", "double") and isinstance(want, float) and math.isnan(want):
        return isinstance(got, float) and math.isnan(got)
    if cql_type in ("float",) and want == 0 and str(want).startswith("-"):
        return got == 0 and math.copysign(1, got) < 0
    if cql_type.startswith("set") and want == set():
        return got is None  # an empty non-frozen collection is no collection at all
    if cql_type in ("list<int>", "map<text, int>") and not want:
        return got is None
    if cql_type == "date":
        want = want if isinstance(want, Date) else Date(want)
        return isinstance(got, Date) and want.days_from_epoch == got.days_from_epoch
    if cql_type == "time":
        want = want if isinstance(want, Time) else Time(want)
        return isinstance(got, Time) and want.nanosecond_time == got.nanosecond_time
    if cql_type.startswith("set") or cql_type.startswith("frozen<set"):
        return set(got) == want
    if cql_type.startswith("map") or cql_type.startswith("frozen<map"):
        return dict(got) == want
    if cql_type.startswith("list<frozen<map"):
        return [{k: set(v) for k, v in m.items()} for m in got] == want
    if cql_type.startswith("frozen<list") or cql_type.startswith("list"):
        return list(got) == list(want)
    if cql_type.startswith("frozen<tuple"):
        return (got[0], list(got[1])) == (want[0], want[1])
    return got == want


class TypesTest(DriverTestCase):
    keyspace = "types_ks"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session.execute(UDT_DDL)
        cols = ", ".join("%s %s" % (c, t) for c, t, _ in TYPES)
        cls.session.execute("CREATE TABLE all_types (id int PRIMARY KEY, %s)" % cols)
        cls.cluster.register_user_type(cls.keyspace, "addr", Addr)

    def cases(self):
        for col, cql_type, values in TYPES:
            if values and isinstance(values[0], str) and values[0].startswith("udt"):
                values = expand_udt(values[0])
            for v in values:
                yield col, cql_type, v

    def roundtrip(self, write, base_id):
        n = 0
        for col, cql_type, v in self.cases():
            n += 1
            key = base_id + n
            try:
                write(col, key, v)
            except Exception as e:
                raise AssertionError("writing %s %s = %r: %s" % (col, cql_type, v, e)) from e
            for how in ("simple", "prepared"):
                if how == "simple":
                    row = self.session.execute("SELECT %s FROM all_types WHERE id = %%s" % col,
                                               (key,)).one()
                else:
                    ps = self.session.prepare("SELECT %s FROM all_types WHERE id = ?" % col)
                    row = self.session.execute(ps, (key,)).one()
                self.assertIsNotNone(row, "no row for %s=%r" % (col, v))
                got = getattr(row, col)
                self.assertTrue(same(cql_type, v, got),
                                "%s %s (%s read): wrote %r, read %r" % (col, cql_type, how, v, got))
        return n

    def test_simple_statements(self):
        def write(col, key, v):
            self.session.execute("INSERT INTO all_types (id, %s) VALUES (%%s, %%s)" % col,
                                 (key, v))
        self.roundtrip(write, 1000)

    def test_prepared_statements(self):
        stmts = {}

        def write(col, key, v):
            if col not in stmts:
                stmts[col] = self.session.prepare(
                    "INSERT INTO all_types (id, %s) VALUES (?, ?)" % col)
            self.session.execute(stmts[col], (key, v))
        self.roundtrip(write, 2000)

    def test_udt_as_tuple_without_registered_class(self):
        s = Session(self.node, keyspace=self.keyspace)
        try:
            ps = s.session.prepare("INSERT INTO all_types (id, fud) VALUES (?, ?)")
            s.session.execute(ps, (3001, ("dict st", 7, {"t"})))
            got = s.session.execute("SELECT fud FROM all_types WHERE id = 3001").one().fud
            self.assertEqual((got.street, got.number, set(got.tags)), ("dict st", 7, {"t"}))
            self.assertEqual(type(got).__name__, "addr")
        finally:
            self.assertEqual(s.close(), [])

    def test_all_columns_in_one_row_and_nulls(self):
        values = {}
        for col, cql_type, v in self.cases():
            values.setdefault(col, (cql_type, v))
        cols = list(values)
        ps = self.session.prepare("INSERT INTO all_types (id, %s) VALUES (?, %s)"
                                  % (", ".join(cols), ", ".join("?" * len(cols))))
        self.session.execute(ps, [4000] + [values[c][1] for c in cols])
        row = self.session.execute("SELECT * FROM all_types WHERE id = 4000").one()
        for c in cols:
            self.assertTrue(same(values[c][0], values[c][1], getattr(row, c)), c)
        # Nulls: by prepared statement, and unset leaves values alone.
        self.session.execute(ps, [4001] + [None] * len(cols))
        row = self.session.execute("SELECT * FROM all_types WHERE id = 4001").one()
        self.assertIsNotNone(row)
        self.assertTrue(all(getattr(row, c) is None for c in cols), row)
        self.session.execute(ps, [4000] + [UNSET_VALUE] * len(cols))
        row = self.session.execute("SELECT * FROM all_types WHERE id = 4000").one()
        self.assertTrue(same("int", values["i"][1], row.i))
        # Simple statement with NULL.
        self.session.execute("INSERT INTO all_types (id, t, i) VALUES (%s, %s, %s)",
                             (4002, None, None))
        self.assertIsNone(self.session.execute(
            "SELECT t FROM all_types WHERE id = 4002").one().t)

    def test_in_and_token_reads(self):
        ins = self.session.prepare("INSERT INTO all_types (id, i) VALUES (?, ?)")
        for k in range(5000, 5010):
            self.session.execute(ins, (k, k * 10))
        rows = self.session.execute("SELECT id, i FROM all_types WHERE id IN (5001, 5003, 5009)")
        self.assertEqual(sorted((r.id, r.i) for r in rows),
                         [(5001, 50010), (5003, 50030), (5009, 50090)])
        ps = self.session.prepare("SELECT id, i FROM all_types WHERE id IN ?")
        rows = self.session.execute(ps, ([5002, 5004],))
        self.assertEqual(sorted(r.i for r in rows), [50020, 50040])


class PagingTest(DriverTestCase):
    keyspace = "paging_ks"
    PARTITIONS = 20
    ROWS = 1000

    @classmethod
    def setUpClass(cls):
        from cassandra.concurrent import execute_concurrent_with_args
        super().setUpClass()
        cls.session.execute("CREATE TABLE rows (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
        cls.session.execute("CREATE TABLE rev (pk int, ck int, v int, PRIMARY KEY (pk, ck)) "
                            "WITH CLUSTERING ORDER BY (ck DESC)")
        ins = cls.session.prepare("INSERT INTO rows (pk, ck, v) VALUES (?, ?, ?)")
        args = [(p, c, "v%d.%d" % (p, c)) for p in range(cls.PARTITIONS) for c in range(cls.ROWS)]
        res = execute_concurrent_with_args(cls.session, ins, args, concurrency=64)
        assert all(ok for ok, _ in res), [r for ok, r in res if not ok][:3]
        ins = cls.session.prepare("INSERT INTO rev (pk, ck, v) VALUES (?, ?, ?)")
        res = execute_concurrent_with_args(cls.session, ins, [(1, c, c) for c in range(2500)],
                                           concurrency=64)
        assert all(ok for ok, _ in res)

    def pages(self, query, params=None, fetch_size=1000):
        """All pages of a query, one list of rows per page, through the driver's paging."""
        stmt = SimpleStatement(query, fetch_size=fetch_size)
        rs = self.session.execute(stmt, params)
        out = [list(rs.current_rows)]
        while rs.has_more_pages:
            rs.fetch_next_page()
            out.append(list(rs.current_rows))
        return out

    def test_full_scan_pages(self):
        pages = self.pages("SELECT token(pk), pk, ck, v FROM rows")
        # Cassandra may end with an empty page when the last one filled up exactly.
        if len(pages) == self.PARTITIONS + 1:
            self.assertEqual(pages[-1], [])
            pages.pop()
        self.assertEqual(len(pages), self.PARTITIONS)
        self.assertTrue(all(len(p) == 1000 for p in pages), [len(p) for p in pages])
        rows = [r for p in pages for r in p]
        self.assertEqual(len(rows), self.PARTITIONS * self.ROWS)
        seen, last = set(), None
        token_class = self.cluster.metadata.token_map.token_class
        for r in rows:
            if last is None or r.pk != last.pk:
                self.assertNotIn(r.pk, seen, "partition %d split" % r.pk)
                seen.add(r.pk)
                if last is not None:
                    self.assertLess(last.system_token_pk, r.system_token_pk, "token order")
                key = r.pk.to_bytes(4, "big", signed=True)
                self.assertEqual(token_class.from_key(key).value, r.system_token_pk)
            else:
                self.assertEqual(r.ck, last.ck + 1, "clustering order in partition %d" % r.pk)
            self.assertEqual(r.v, "v%d.%d" % (r.pk, r.ck))
            last = r
        self.assertEqual(seen, set(range(self.PARTITIONS)))

    def test_iterating_fetches_every_page(self):
        rs = self.session.execute(SimpleStatement("SELECT pk, ck FROM rows", fetch_size=777))
        self.assertEqual(sum(1 for _ in rs), self.PARTITIONS * self.ROWS)

    def test_single_partition_prepared_and_limit(self):
        ps = self.session.prepare("SELECT ck FROM rows WHERE pk = ?")
        ps.fetch_size = 300
        cks = [r.ck for r in self.session.execute(ps, (7,))]
        self.assertEqual(cks, list(range(self.ROWS)))
        pages = self.pages("SELECT ck FROM rows WHERE pk = 3 AND ck >= 100 LIMIT 450",
                           fetch_size=200)
        self.assertEqual([len(p) for p in pages][:3], [200, 200, 50])
        self.assertEqual([r.ck for p in pages for r in p], list(range(100, 550)))
        self.assertEqual(sum(len(p) for p in self.pages("SELECT * FROM rows LIMIT 2500")), 2500)

    def test_reversed_and_desc_order(self):
        cks = [r.ck for p in self.pages("SELECT ck FROM rev WHERE pk = 1", fetch_size=1000)
               for r in p]
        self.assertEqual(cks, list(range(2499, -1, -1)))
        cks = [r.ck for p in self.pages("SELECT ck FROM rev WHERE pk = 1 ORDER BY ck ASC",
                                        fetch_size=1000) for r in p]
        self.assertEqual(cks, list(range(2500)))
        cks = [r.ck for p in self.pages("SELECT ck FROM rows WHERE pk = 2 ORDER BY ck DESC",
                                        fetch_size=300) for r in p]
        self.assertEqual(cks, list(range(self.ROWS - 1, -1, -1)))

    def test_paging_state_resume(self):
        # The paging state is self-contained: a fresh execute with it continues the query.
        stmt = SimpleStatement("SELECT pk, ck FROM rows", fetch_size=1500)
        first = self.session.execute(stmt)
        state = first.paging_state
        self.assertIsNotNone(state)
        got = [(r.pk, r.ck) for r in first.current_rows]
        while state is not None:
            rs = self.session.execute(stmt, paging_state=state)
            got.extend((r.pk, r.ck) for r in rs.current_rows)
            state = rs.paging_state
        self.assertEqual(len(got), self.PARTITIONS * self.ROWS)
        self.assertEqual(len(set(got)), len(got))
        ps = self.session.prepare("SELECT ck FROM rows WHERE pk = ?")
        ps.fetch_size = 400
        rs = self.session.execute(ps, (4,))
        rest = self.session.execute(ps, (4,), paging_state=rs.paging_state)
        self.assertEqual([r.ck for r in rest.current_rows], list(range(400, 800)))


class PreparedTest(DriverTestCase):
    keyspace = "prep_ks"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session.execute("CREATE TABLE one (k text PRIMARY KEY, v int)")
        cls.session.execute("CREATE TABLE two (a int, b text, c int, v int, "
                            "PRIMARY KEY ((a, b), c))")
        # Record what the server sent as pk_indexes, before any driver fallback.
        cls.seen_pk_indexes = {}
        orig = PreparedStatement.from_message.__func__

        def spy(klass, query_id, column_metadata, pk_indexes, *args):
            cls.seen_pk_indexes[args[1]] = pk_indexes
            return orig(klass, query_id, column_metadata, pk_indexes, *args)
        PreparedStatement.from_message = classmethod(spy)
        cls.orig_from_message = orig

    @classmethod
    def tearDownClass(cls):
        PreparedStatement.from_message = classmethod(cls.orig_from_message)
        super().tearDownClass()

    def test_pk_indexes_single_and_composite(self):
        cases = [
            ("INSERT INTO one (k, v) VALUES (?, ?)", [0]),
            ("INSERT INTO one (v, k) VALUES (:val, :key)", [1]),
            ("SELECT v FROM one WHERE k = :x", [0]),
            ("UPDATE one SET v = ? WHERE k = ?", [1]),
            ("DELETE FROM one WHERE k = ?", [0]),
            ("INSERT INTO two (v, c, b, a) VALUES (?, ?, ?, ?)", [3, 2]),
            ("INSERT INTO two (a, b, c, v) VALUES (:p, :q, :r, :s)", [0, 1]),
            ("SELECT * FROM two WHERE b = ? AND a = ? AND c = ?", [1, 0]),
            ("UPDATE two SET v = ? WHERE a = ? AND b = ? AND c = ?", [1, 2]),
        ]
        for query, want in cases:
            ps = self.session.prepare(query)
            self.assertEqual(list(self.seen_pk_indexes.get(query) or []), want, query)
            self.assertEqual(list(ps.routing_key_indexes), want, query)
        # Not every pk column bound: no pk indexes (pk_count 0).
        for query in ("SELECT * FROM two WHERE a = ? AND b = 'x'",
                      "SELECT * FROM two WHERE token(a, b) > ?",
                      "INSERT INTO one (k, v) VALUES ('fixed', ?)"):
            self.session.prepare(query)
            self.assertFalse(self.seen_pk_indexes.get(query), query)

    def test_routing_key_and_token(self):
        ps = self.session.prepare("INSERT INTO two (a, b, c, v) VALUES (?, ?, ?, ?)")
        bound = ps.bind((5, "five", 1, 2))
        want = b"".join(len(p).to_bytes(2, "big") + p + b"\x00"
                        for p in ((5).to_bytes(4, "big"), b"five"))
        self.assertEqual(bound.routing_key, want)
        self.session.execute(bound)
        meta = self.cluster.metadata
        token = meta.token_map.token_class.from_key(bound.routing_key)
        row = self.session.execute("SELECT token(a, b) AS t FROM two WHERE a = 5 AND b = 'five'"
                                   ).one()
        self.assertEqual(row.t, token.value)
        replicas = meta.get_replicas(self.keyspace, bound.routing_key)
        self.assertEqual([h.address for h in replicas], [self.node.address])
        ps1 = self.session.prepare("INSERT INTO one (k, v) VALUES (?, ?)")
        b1 = ps1.bind(("abc", 1))
        self.assertEqual(b1.routing_key, b"abc")
        self.session.execute(b1)
        row = self.session.execute("SELECT token(k) FROM one WHERE k = 'abc'").one()
        self.assertEqual(row[0], -5434086359492102041)  # Cassandra's murmur3 of "abc"

    def test_ids_are_deterministic(self):
        q = "SELECT v FROM one WHERE k = ?"
        p1 = self.session.prepare(q)
        p2 = self.session.prepare(q)
        self.assertEqual(p1.query_id, p2.query_id)
        # Cassandra: MD5(keyspace + query) with a session keyspace, MD5(query) without one.
        self.assertEqual(p1.query_id, hashlib.md5((self.keyspace + q).encode()).digest())
        s = Session(self.node)
        try:
            q2 = "SELECT v FROM prep_ks.one WHERE k = ?"
            p3 = s.session.prepare(q2)
            self.assertEqual(p3.query_id, hashlib.md5(q2.encode()).digest())
            s.session.execute(p3, ("abc",))
        finally:
            self.assertEqual(s.close(), [])

    def test_result_metadata_and_skip_metadata(self):
        self.session.execute("INSERT INTO two (a, b, c, v) VALUES (1, 'x', 2, 3)")
        ps = self.session.prepare("SELECT c, v, b FROM two WHERE a = ? AND b = ?")
        self.assertEqual([c[2] for c in ps.result_metadata], ["c", "v", "b"])
        self.assertEqual([c.name for c in ps.column_metadata], ["a", "b"])
        row = self.session.execute(ps, (1, "x")).one()
        self.assertEqual(tuple(row), (2, 3, "x"))
        # Named markers bound by name.
        ps = self.session.prepare("SELECT v FROM two WHERE a = :aa AND b = :bb AND c = :cc")
        self.assertEqual(self.session.execute(ps, {"aa": 1, "bb": "x", "cc": 2}).one().v, 3)


class BatchTest(DriverTestCase):
    keyspace = "batch_ks"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session.execute("CREATE TABLE t (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
        cls.session.execute("CREATE TABLE c (pk int PRIMARY KEY, n counter)")

    def rows(self, pk):
        return [(r.ck, r.v) for r in self.session.execute(
            "SELECT ck, v FROM t WHERE pk = %s", (pk,))]

    def test_logged_and_unlogged_prepared(self):
        ins = self.session.prepare("INSERT INTO t (pk, ck, v) VALUES (?, ?, ?)")
        for pk, kind in ((1, BatchType.LOGGED), (2, BatchType.UNLOGGED)):
            b = BatchStatement(batch_type=kind)
            for ck in range(10):
                b.add(ins, (pk, ck, "p%d" % ck))
            self.session.execute(b)
            self.assertEqual(self.rows(pk), [(ck, "p%d" % ck) for ck in range(10)])

    def test_simple_and_mixed(self):
        b = BatchStatement(batch_type=BatchType.LOGGED)
        b.add(SimpleStatement("INSERT INTO t (pk, ck, v) VALUES (%s, %s, %s)"), (3, 1, "s1"))
        b.add("INSERT INTO t (pk, ck, v) VALUES (3, 2, 's2')")
        b.add(self.session.prepare("UPDATE t SET v = ? WHERE pk = ? AND ck = ?"), ("u3", 3, 3))
        b.add("DELETE FROM t WHERE pk = 4 AND ck = 0")
        self.session.execute(b)
        self.assertEqual(self.rows(3), [(1, "s1"), (2, "s2"), (3, "u3")])
        # Several partitions in one logged batch; then a CQL-text batch.
        b = BatchStatement()
        for pk in range(10, 15):
            b.add("INSERT INTO t (pk, ck, v) VALUES (%s, 0, 'multi')", (pk,))
        self.session.execute(b)
        for pk in range(10, 15):
            self.assertEqual(self.rows(pk), [(0, "multi")])
        self.session.execute("BEGIN UNLOGGED BATCH "
                             "INSERT INTO t (pk, ck, v) VALUES (20, 1, 'a'); "
                             "INSERT INTO t (pk, ck, v) VALUES (20, 2, 'b') USING TTL 1000; "
                             "APPLY BATCH")
        self.assertEqual(self.rows(20), [(1, "a"), (2, "b")])

    def test_batch_timestamp_and_delete_order(self):
        # All statements of a batch share one timestamp: a delete and an insert of the same
        # row in one batch, the insert wins only with a later USING TIMESTAMP.
        self.session.execute("BEGIN BATCH USING TIMESTAMP 1000 "
                             "INSERT INTO t (pk, ck, v) VALUES (30, 1, 'x'); "
                             "APPLY BATCH")
        self.session.execute("BEGIN BATCH "
                             "DELETE FROM t USING TIMESTAMP 2000 WHERE pk = 30 AND ck = 1; "
                             "INSERT INTO t (pk, ck, v) VALUES (30, 1, 'y') USING TIMESTAMP 3000; "
                             "APPLY BATCH")
        self.assertEqual(self.rows(30), [(1, "y")])
        wt = self.session.execute("SELECT writetime(v) FROM t WHERE pk = 30 AND ck = 1").one()
        self.assertEqual(wt[0], 3000)


class CountersTest(DriverTestCase):
    keyspace = "counter_ks"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session.execute("CREATE TABLE counters (id int PRIMARY KEY, n counter, m counter)")

    def test_counters(self):
        upd = self.session.prepare("UPDATE counters SET n = n + ?, m = m - ? WHERE id = ?")
        for _ in range(3):
            self.session.execute(upd, (5, 2, 100))
        self.session.execute("UPDATE counters SET n = n + %s WHERE id = %s", (-20, 100))
        row = self.session.execute("SELECT n, m FROM counters WHERE id = 100").one()
        self.assertEqual((row.n, row.m), (-5, -6))

    def test_counter_batch(self):
        upd = self.session.prepare("UPDATE counters SET n = n + ? WHERE id = ?")
        b = BatchStatement(batch_type=BatchType.COUNTER)
        for pk in range(3):
            b.add(upd, (pk + 1, pk))
            b.add(upd, (10, pk))
        self.session.execute(b)
        rows = self.session.execute("SELECT id, n FROM counters WHERE id IN (0, 1, 2)")
        self.assertEqual(sorted((r.id, r.n) for r in rows), [(0, 11), (1, 12), (2, 13)])
        with self.assertRaises(InvalidRequest):
            b = BatchStatement(batch_type=BatchType.LOGGED)
            b.add(upd, (1, 0))
            self.session.execute(b)


class MetadataTest(DriverTestCase):
    def test_ddl_is_visible_in_metadata(self):
        s = self.session
        s.execute("CREATE KEYSPACE meta_ks WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = true")
        ks = self.cluster.metadata.keyspaces["meta_ks"]
        self.assertEqual(ks.replication_strategy.export_for_schema(),
                         "{'class': 'SimpleStrategy', 'replication_factor': '1'}")
        self.assertTrue(ks.durable_writes)
        s.execute("CREATE TYPE meta_ks.point (x double, y double, label text)")
        udt = self.cluster.metadata.keyspaces["meta_ks"].user_types["point"]
        self.assertEqual(udt.field_names, ["x", "y", "label"])
        self.assertEqual(udt.field_types, ["double", "double", "text"])
        s.execute("CREATE TABLE meta_ks.events (day date, bucket int, at timestamp, id uuid, "
                  "what text, tags set<text>, attrs map<text, frozen<list<int>>>, "
                  "where_ frozen<point>, owner text static, "
                  "PRIMARY KEY ((day, bucket), at, id)) "
                  "WITH CLUSTERING ORDER BY (at DESC, id ASC) AND comment = 'the events'")
        t = self.cluster.metadata.keyspaces["meta_ks"].tables["events"]
        self.assertEqual([c.name for c in t.partition_key], ["day", "bucket"])
        self.assertEqual([c.name for c in t.clustering_key], ["at", "id"])
        self.assertEqual([t.columns[c].is_reversed for c in ("at", "id")], [True, False])
        self.assertEqual({n: c.cql_type for n, c in t.columns.items()}, {
            "day": "date", "bucket": "int", "at": "timestamp", "id": "uuid", "what": "text",
            "tags": "set<text>", "attrs": "map<text, frozen<list<int>>>",
            "where_": "frozen<point>", "owner": "text"})
        self.assertTrue(t.columns["owner"].is_static)
        self.assertEqual(list(t.columns)[:4], ["day", "bucket", "at", "id"])
        self.assertEqual(t.options.get("comment"), "the events")
        cql = t.export_as_string()
        self.assertIn("PRIMARY KEY ((day, bucket), at, id)", cql)
        self.assertIn("CLUSTERING ORDER BY (at DESC, id ASC)", cql)

        s.execute("ALTER TABLE meta_ks.events ADD extra varint")
        t = self.cluster.metadata.keyspaces["meta_ks"].tables["events"]
        self.assertEqual(t.columns["extra"].cql_type, "varint")
        s.execute("ALTER TABLE meta_ks.events DROP what")
        t = self.cluster.metadata.keyspaces["meta_ks"].tables["events"]
        self.assertNotIn("what", t.columns)
        s.execute("ALTER TABLE meta_ks.events RENAME id TO event_id")
        t = self.cluster.metadata.keyspaces["meta_ks"].tables["events"]
        self.assertEqual([c.name for c in t.clustering_key], ["at", "event_id"])
        s.execute("ALTER TABLE meta_ks.events WITH comment = 'changed' AND gc_grace_seconds = 3600")
        t = self.cluster.metadata.keyspaces["meta_ks"].tables["events"]
        self.assertEqual((t.options["comment"], t.options["gc_grace_seconds"]), ("changed", 3600))
        s.execute("ALTER TYPE meta_ks.point ADD z double")
        udt = self.cluster.metadata.keyspaces["meta_ks"].user_types["point"]
        self.assertEqual(udt.field_names, ["x", "y", "label", "z"])
        s.execute("ALTER TYPE meta_ks.point RENAME label TO name")
        udt = self.cluster.metadata.keyspaces["meta_ks"].user_types["point"]
        self.assertEqual(udt.field_names, ["x", "y", "name", "z"])
        s.execute("ALTER KEYSPACE meta_ks WITH replication = "
                  "{'class': 'NetworkTopologyStrategy', 'datacenter1': 1} AND durable_writes = false")
        ks = self.cluster.metadata.keyspaces["meta_ks"]
        self.assertEqual(ks.replication_strategy.export_for_schema(),
                         "{'class': 'NetworkTopologyStrategy', 'datacenter1': '1'}")
        self.assertFalse(ks.durable_writes)

        s.execute("DROP TABLE meta_ks.events")
        self.assertNotIn("events", self.cluster.metadata.keyspaces["meta_ks"].tables)
        s.execute("DROP TYPE meta_ks.point")
        self.assertNotIn("point", self.cluster.metadata.keyspaces["meta_ks"].user_types)
        s.execute("DROP KEYSPACE meta_ks")
        self.assertNotIn("meta_ks", self.cluster.metadata.keyspaces)

    def test_schema_agreement_and_refresh(self):
        self.session.execute("CREATE KEYSPACE agree_ks WITH replication = "
                             "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        rs = self.session.execute("CREATE TABLE agree_ks.t (k int PRIMARY KEY)")
        self.assertTrue(rs.response_future.is_schema_agreed)
        self.assertTrue(self.cluster.control_connection.wait_for_schema_agreement())
        v1 = self.session.execute("SELECT schema_version FROM system.local").one()[0]
        self.session.execute("ALTER TABLE agree_ks.t ADD v int")
        v2 = self.session.execute("SELECT schema_version FROM system.local").one()[0]
        self.assertNotEqual(v1, v2)
        self.cluster.refresh_schema_metadata()
        self.assertIn("v", self.cluster.metadata.keyspaces["agree_ks"].tables["t"].columns)


class ErrorsTest(DriverTestCase):
    keyspace = "err_ks"
    # Cassandra 4.1 warns the client about RF 3 on one node; the driver logs server warnings.
    allowed_warnings = ("Server warning: Your replication factor 3 for keyspace rf3 is higher "
                        "than the number of nodes 1",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session.execute("CREATE TABLE t (k int PRIMARY KEY, v int)")
        cls.session.execute("CREATE KEYSPACE rf3 WITH replication = "
                            "{'class': 'SimpleStrategy', 'replication_factor': 3}")
        cls.session.execute("CREATE TABLE rf3.t (k int PRIMARY KEY, v int)")

    def test_invalid_request(self):
        for q in ("SELECT * FROM no_such_table",
                  "SELECT * FROM no_such_ks.t",
                  "SELECT nope FROM t",
                  "INSERT INTO t (k, v) VALUES ('text', 1)",
                  "SELECT * FROM t WHERE v = 1",
                  "INSERT INTO t (v) VALUES (1)"):
            with self.assertRaises(InvalidRequest, msg=q):
                self.session.execute(q)

    def test_syntax_error(self):
        for q in ("SELEC * FROM t", "SELECT * FROM t WHERE", "INSERT INTO t (k) VALUES (1"):
            with self.assertRaises(SyntaxException, msg=q):
                self.session.execute(q)

    def test_already_exists(self):
        with self.assertRaises(AlreadyExists) as cm:
            self.session.execute("CREATE TABLE t (k int PRIMARY KEY)")
        self.assertEqual((cm.exception.keyspace, cm.exception.table), ("err_ks", "t"))
        with self.assertRaises(AlreadyExists) as cm:
            self.session.execute("CREATE KEYSPACE err_ks WITH replication = "
                                 "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        self.assertEqual(cm.exception.keyspace, "err_ks")
        self.assertFalse(cm.exception.table)
        # IF NOT EXISTS: no error.
        self.session.execute("CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY)")

    def test_configuration_exception(self):
        with self.assertRaises(ConfigurationException):
            self.session.execute("CREATE KEYSPACE bad WITH replication = {'class': 'NoSuchStrategy'}")

    def test_unavailable_quorum_rf3_one_node(self):
        from cassandra.cluster import ExecutionProfile
        from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy
        self.cluster.add_execution_profile("quorum", ExecutionProfile(
            load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=rh.DC)),
            retry_policy=FallthroughRetryPolicy(), consistency_level=ConsistencyLevel.QUORUM))
        for q in ("INSERT INTO rf3.t (k, v) VALUES (1, 1)", "SELECT * FROM rf3.t WHERE k = 1"):
            with self.assertRaises(Unavailable, msg=q) as cm:
                self.session.execute(q, execution_profile="quorum")
            e = cm.exception
            self.assertEqual((e.consistency, e.required_replicas, e.alive_replicas),
                             (ConsistencyLevel.QUORUM, 2, 1), q)
        # ONE works on the same keyspace.
        self.session.execute(SimpleStatement("INSERT INTO rf3.t (k, v) VALUES (1, 1)",
                                             consistency_level=ConsistencyLevel.ONE))
        self.assertEqual(self.session.execute(SimpleStatement(
            "SELECT v FROM rf3.t WHERE k = 1", consistency_level=ConsistencyLevel.ONE)).one().v, 1)


if __name__ == "__main__":
    rh.main()
