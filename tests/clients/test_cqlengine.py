"""cqlengine (the object mapper shipped with the Python driver 3.25) against a real ringdb node:
connection.setup, create_keyspace_simple, sync_table (and a second sync after a field is added
to the model: ALTER TABLE ADD), save/get/filter/update/delete, a model with set and map columns
and a clustering key in DESC order. cqlengine reads cluster.metadata after every DDL, so this
also checks the SCHEMA_CHANGE -> agreement -> refresh path.

Usage: /usr/bin/python3 test_cqlengine.py [--ringdb PATH]
"""
import datetime
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ringdb_harness as rh  # noqa: E402

os.environ.setdefault("CQLENG_ALLOW_SCHEMA_MANAGEMENT", "1")  # no warning on sync_table

from cassandra.cqlengine import (ValidationError, columns, connection, management,  # noqa: E402
                                 models)
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy  # noqa: E402

KS = "engine_ks"


class Event(models.Model):
    __keyspace__ = KS
    __table_name__ = "event"
    bucket = columns.Integer(partition_key=True)
    id = columns.UUID(primary_key=True, default=uuid.uuid4)
    ts = columns.DateTime(primary_key=True, clustering_order="DESC")
    name = columns.Text()
    tags = columns.Set(columns.Text)
    counts = columns.Map(columns.Text, columns.Integer)
    size = columns.BigInt()


class EventV2(models.Model):
    """The same table with one more field: the second sync_table must ALTER TABLE ADD it."""
    __keyspace__ = KS
    __table_name__ = "event"
    bucket = columns.Integer(partition_key=True)
    id = columns.UUID(primary_key=True, default=uuid.uuid4)
    ts = columns.DateTime(primary_key=True, clustering_order="DESC")
    name = columns.Text()
    tags = columns.Set(columns.Text)
    counts = columns.Map(columns.Text, columns.Integer)
    size = columns.BigInt()
    note = columns.Text()
    score = columns.Double()


class User(models.Model):
    __keyspace__ = KS
    email = columns.Text(primary_key=True)
    name = columns.Text(required=True)
    age = columns.Integer()
    joined = columns.Date()


class CqlengineTest(rh.NodeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.capture = rh.DriverLogCapture().__enter__()
        connection.setup([cls.node.address], KS, port=cls.node.port, protocol_version=4,
                         control_connection_timeout=15, connect_timeout=15,
                         load_balancing_policy=TokenAwarePolicy(
                             DCAwareRoundRobinPolicy(local_dc=rh.DC)))

    @classmethod
    def tearDownClass(cls):
        try:
            connection.unregister_connection("default")
        finally:
            cls.capture.__exit__(None, None, None)
            super().tearDownClass()

    def tearDown(self):
        msgs = self.capture.messages()
        self.capture.records.clear()
        self.assertEqual(msgs, [], "the driver logged warnings")

    def test_1_keyspace_and_sync(self):
        management.create_keyspace_simple(KS, 1)
        meta = connection.get_cluster().metadata
        self.assertIn(KS, meta.keyspaces)
        management.create_keyspace_simple(KS, 1)  # already there: no-op
        management.sync_table(Event)
        table = meta.keyspaces[KS].tables["event"]
        self.assertEqual([c.name for c in table.partition_key], ["bucket"])
        self.assertEqual([c.name for c in table.clustering_key], ["id", "ts"])
        self.assertEqual([table.columns[c].is_reversed for c in ("id", "ts")], [False, True])
        self.assertEqual(table.columns["tags"].cql_type, "set<text>")
        self.assertEqual(table.columns["counts"].cql_type, "map<text, int>")
        management.sync_table(Event)  # unchanged model: nothing to do
        management.sync_table(User)
        self.assertIn("user", meta.keyspaces[KS].tables)

    def test_2_save_get_filter_update_delete(self):
        u = User.create(email="ann@example.com", name="Ann", age=31,
                        joined=datetime.date(2024, 1, 2))
        got = User.get(email="ann@example.com")
        self.assertEqual((got.name, got.age), ("Ann", 31))
        self.assertEqual(got.joined.date(), datetime.date(2024, 1, 2))
        u.age = 32
        u.save()
        self.assertEqual(User.get(email="ann@example.com").age, 32)
        User.objects(email="ann@example.com").update(name="Annie")
        self.assertEqual(User.get(email="ann@example.com").name, "Annie")
        User.create(email="bob@example.com", name="Bob")
        self.assertEqual(sorted(x.email for x in User.objects.all()),
                         ["ann@example.com", "bob@example.com"])
        self.assertEqual(self.capture.messages(), [], "the driver logged warnings")
        self.assertEqual(User.objects.count(), 2)
        # Cassandra 4.1 warns about an aggregate over all partitions, and so does ringdb.
        self.assertEqual(self.capture.messages(),
                         ["WARNING: Server warning: Aggregation query used without partition key"])
        self.capture.records.clear()
        User.get(email="bob@example.com").delete()
        with self.assertRaises(User.DoesNotExist):
            User.get(email="bob@example.com")
        with self.assertRaises(ValidationError):
            User.create(email="nobody@example.com")  # name is required

    def test_3_collections_and_desc_clustering(self):
        base = datetime.datetime(2024, 5, 1, 12, 0, 0)
        ids = [uuid.UUID(int=1), uuid.UUID(int=2)]
        for i in range(6):
            Event.create(bucket=1, id=ids[i % 2], ts=base + datetime.timedelta(minutes=i),
                         name="e%d" % i, tags={"t%d" % i, "all"}, counts={"n": i})
        rows = list(Event.objects(bucket=1))
        self.assertEqual(len(rows), 6)
        # Clustered by id ASC, then ts DESC within an id.
        self.assertEqual([(r.id, r.name) for r in rows],
                         [(ids[0], "e4"), (ids[0], "e2"), (ids[0], "e0"),
                          (ids[1], "e5"), (ids[1], "e3"), (ids[1], "e1")])
        e = Event.objects(bucket=1, id=ids[0]).limit(1).get()
        self.assertEqual(e.name, "e4")
        self.assertEqual(e.tags, {"t4", "all"})
        self.assertEqual(e.counts, {"n": 4})
        # Collection updates: add to a set, put into a map, remove from a set.
        Event.objects(bucket=1, id=ids[0], ts=e.ts).update(tags__add={"new"},
                                                          counts__update={"m": 7})
        e2 = Event.get(bucket=1, id=ids[0], ts=e.ts)
        self.assertEqual(e2.tags, {"t4", "all", "new"})
        self.assertEqual(e2.counts, {"n": 4, "m": 7})
        Event.objects(bucket=1, id=ids[0], ts=e.ts).update(tags__remove={"all"})
        self.assertEqual(Event.get(bucket=1, id=ids[0], ts=e.ts).tags, {"t4", "new"})
        # Range on the DESC clustering column within one id.
        later = list(Event.objects(bucket=1, id=ids[1],
                                   ts__gt=base + datetime.timedelta(minutes=2)))
        self.assertEqual([r.name for r in later], ["e5", "e3"])
        # TTL, then a delete of one row.
        Event.ttl(3600).create(bucket=2, id=ids[0], ts=base, name="ttl")
        self.assertEqual(Event.get(bucket=2, id=ids[0], ts=base).name, "ttl")
        Event.objects(bucket=2, id=ids[0], ts=base).delete()
        self.assertEqual(Event.objects(bucket=2).count(), 0)

    def test_4_sync_adds_a_field(self):
        management.sync_table(EventV2)
        table = connection.get_cluster().metadata.keyspaces[KS].tables["event"]
        self.assertEqual(table.columns["note"].cql_type, "text")
        self.assertEqual(table.columns["score"].cql_type, "double")
        base = datetime.datetime(2024, 6, 1)
        EventV2.create(bucket=3, id=uuid.UUID(int=3), ts=base, name="v2", note="added",
                       score=1.5)
        got = EventV2.get(bucket=3, id=uuid.UUID(int=3), ts=base)
        self.assertEqual((got.note, got.score), ("added", 1.5))
        # Old rows read back with the new fields as None.
        old = list(EventV2.objects(bucket=1))[0]
        self.assertIsNone(old.note)

    def test_5_drop(self):
        management.drop_table(User)
        self.assertNotIn("user", connection.get_cluster().metadata.keyspaces[KS].tables)
        management.drop_keyspace(KS)
        self.assertNotIn(KS, connection.get_cluster().metadata.keyspaces)


if __name__ == "__main__":
    rh.main()
