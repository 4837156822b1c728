#!/usr/bin/python3
"""
Feeds the system_schema / system_virtual_schema rows ringdb generates (tests/progs/schema_rows)
to the DataStax Python driver's own schema parser (SchemaParserV4, the one it picks for
release_version 4.1.3) and checks the metadata it builds: keyspaces and their replication,
tables with partition/clustering keys in order, clustering order, static columns, column
types, indexes (target), UDTs, virtual keyspaces; and that no table failed to parse and that
export_as_string works. Exit 77 (skip) when the driver is not installed.
"""
import json
import subprocess
import sys

try:
    from cassandra.metadata import SchemaParserV4
except ImportError:
    print("python3-cassandra not installed: skipped")
    sys.exit(77)

STATEMENTS = [
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
    "CREATE KEYSPACE nts WITH replication = {'class': 'NetworkTopologyStrategy', "
    "'datacenter1': 2} AND durable_writes = false",
    "CREATE TYPE ks.addr (street text, zip int)",
    "CREATE TABLE ks.ev (a int, b text, c timestamp, d uuid, s int static, "
    "m map<text, int>, home frozen<addr>, \"Mixed\" text, "
    "PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC) "
    "AND comment = 'events' AND gc_grace_seconds = 3600",
    "CREATE INDEX ON ks.ev (keys(m))",
    "CREATE INDEX byhome ON ks.ev (home)",
    "CREATE TABLE ks.counts (k text PRIMARY KEY, n counter)",
]


class Offline(SchemaParserV4):
    """A schema parser that reads rows from ringdb's generator instead of a connection."""

    def __init__(self, rows):
        super().__init__(None, 1.0)
        self._rows = rows

    def _query_all(self):
        r = self._rows
        self.keyspaces_result = r["keyspaces"]
        self.tables_result = r["tables"]
        self.columns_result = r["columns"]
        self.types_result = r["types"]
        self.functions_result = r["functions"]
        self.aggregates_result = r["aggregates"]
        self.triggers_result = r["triggers"]
        self.indexes_result = r["indexes"]
        self.views_result = r["views"]
        self.virtual_keyspaces_result = r["virtual_keyspaces"]
        self.virtual_tables_result = r["virtual_tables"]
        self.virtual_columns_result = r["virtual_columns"]
        self._aggregate_results()


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def main():
    prog = sys.argv[1]
    out = subprocess.run([prog] + STATEMENTS, check=True, capture_output=True, timeout=60)
    rows = json.loads(out.stdout)
    keyspaces = {k.name: k for k in Offline(rows).get_all_keyspaces()}

    for name in ("system", "system_schema", "system_auth", "system_distributed",
                 "system_traces", "ks", "nts", "system_views", "system_virtual_schema"):
        check(name in keyspaces, "keyspace %s known to the driver" % name)
    for ks in keyspaces.values():
        check(getattr(ks, "_exc_info", None) is None, "keyspace %s parsed" % ks.name)
        for t in ks.tables.values():
            check(getattr(t, "_exc_info", None) is None, "table %s.%s parsed" % (ks.name, t.name))
            check(not t.is_compact_storage or ks.virtual,
                  "%s.%s is a CQL (compound) table" % (ks.name, t.name))
            t.export_as_string()

    ks = keyspaces["ks"]
    check(ks.replication_strategy.name == "SimpleStrategy", "SimpleStrategy")
    check(ks.replication_strategy.replication_factor == 3, "rf 3")
    check(ks.durable_writes is True, "durable_writes")
    nts = keyspaces["nts"]
    check(nts.durable_writes is False, "nts durable_writes false")
    check(nts.replication_strategy.dc_replication_factors.get("datacenter1") == 2, "nts dc rf")
    check(keyspaces["system"].replication_strategy.name == "LocalStrategy", "LocalStrategy")

    ev = ks.tables["ev"]
    check([c.name for c in ev.partition_key] == ["a", "b"], "partition key order")
    check([c.name for c in ev.clustering_key] == ["c", "d"], "clustering order")
    check(ev.columns["c"].is_reversed and not ev.columns["d"].is_reversed, "DESC clustering")
    check(ev.columns["s"].is_static, "static column")
    check(ev.columns["m"].cql_type == "map<text, int>", "map type: %s" % ev.columns["m"].cql_type)
    check(ev.columns["home"].cql_type == "frozen<addr>", "udt type")
    check("Mixed" in ev.columns, "quoted column name")
    check(ev.options.get("comment") == "events", "comment option")
    check(ev.options.get("gc_grace_seconds") == 3600, "gc_grace_seconds option")
    check(ev.indexes["ev_m_idx"].index_options.get("target") == "keys(m)", "index target")
    check(ev.indexes["byhome"].index_options.get("target") == "home", "index target")
    cql = ev.export_as_string()
    check("PRIMARY KEY ((a, b), c, d)" in cql, "driver CQL primary key: " + cql)
    check("CLUSTERING ORDER BY (c DESC, d ASC)" in cql, "driver CQL clustering order")
    check("CREATE INDEX ev_m_idx ON ks.ev (keys(m));" in cql, "driver CQL index")

    addr = ks.user_types["addr"]
    check(list(addr.field_names) == ["street", "zip"], "udt fields")
    check(list(addr.field_types) == ["text", "int"], "udt field types")

    local = keyspaces["system"].tables["local"]
    check(len(local.columns) == 20, "system.local has its 20 columns")
    check(local.columns["tokens"].cql_type == "set<text>", "tokens set<text>")
    peers = keyspaces["system"].tables["peers_v2"]
    check([c.name for c in peers.clustering_key] == ["peer_port"], "peers_v2 clustering")

    views = keyspaces["system_views"]
    check(views.virtual, "system_views is virtual")
    check("settings" in views.tables, "virtual tables known")
    check("name" in views.tables["settings"].columns, "virtual columns known")
    print("ok: %d keyspaces, %d tables parsed by the Python driver" %
          (len(keyspaces), sum(len(k.tables) for k in keyspaces.values())))


if __name__ == "__main__":
    main()
