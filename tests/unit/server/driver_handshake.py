#!/usr/bin/python3
"""The DataStax Python driver (3.25, Debian's python3-cassandra) against our protocol server.

Runs tests/bench/cql_server_bench (the real server with a trivial executor) and uses the
driver's own connection class, so the driver itself judges our frames:
  - protocol versions 0x42, 0x41 and 5 are refused in the way that makes the driver step down
    (ProtocolVersionUnsupported, not a generic failure);
  - v3 and v4 handshakes with lz4 (compression switched on right after READY), then QUERY,
    PREPARE, EXECUTE (write: Void; read: one row, with and without skip_metadata), OPTIONS as a
    heartbeat, and several requests in flight on one connection.
Usage: driver_handshake.py path/to/cql_server_bench. Exit 77 (skipped) without the driver.
"""
import re
import subprocess
import sys
import time

try:
    from cassandra import ConsistencyLevel
    from cassandra.connection import DefaultEndPoint, ProtocolVersionUnsupported
    from cassandra.io.asyncorereactor import AsyncoreConnection
    from cassandra.protocol import (ExecuteMessage, OptionsMessage, PrepareMessage,
                                    QueryMessage, SupportedMessage)
    import lz4  # noqa: F401  (the driver only offers lz4 when it can import it)
except ImportError as e:
    print("skipped: %s" % e)
    sys.exit(77)


def start(bench):
    p = subprocess.Popen([bench, "--port", "0", "--loops", "2"], stderr=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        m = re.search(r"cql server listening address=\S+ port=(\d+)", line)
        if m:
            return p, int(m.group(1))
        if not line and p.poll() is not None:
            break
    p.kill()
    raise SystemExit("cql_server_bench did not start")


def check_step_down(ep):
    for v in (0x42, 0x41, 5):
        try:
            AsyncoreConnection.factory(ep, 5, protocol_version=v)
        except ProtocolVersionUnsupported:
            continue
        raise AssertionError("version %#x was not refused as unsupported" % v)


def check_session(ep, version):
    c = AsyncoreConnection.factory(ep, 5, protocol_version=version, compression=True)
    try:
        assert c.compressor is not None, "lz4 was not negotiated"
        r = c.wait_for_response(QueryMessage(query="SELECT 1", consistency_level=ConsistencyLevel.ONE))
        assert r.kind == 1, r
        ins = c.wait_for_response(PrepareMessage(query="INSERT INTO ks.t (key, value) VALUES (?, ?)"))
        sel = c.wait_for_response(PrepareMessage(query="SELECT value FROM ks.t WHERE key = ?"))
        assert ins.query_id == b"bench-insert" and sel.query_id == b"bench-select"
        w = c.wait_for_response(ExecuteMessage(ins.query_id, [b"k", b"v" * 100], ConsistencyLevel.ONE))
        assert w.kind == 1, w
        rd = c.wait_for_response(ExecuteMessage(sel.query_id, [b"k"], ConsistencyLevel.ONE))
        assert rd.kind == 2 and len(rd.parsed_rows) == 1, rd
        assert rd.parsed_rows[0][0] == b"\0" * 100
        assert isinstance(c.wait_for_response(OptionsMessage()), SupportedMessage)
        many = c.wait_for_responses(*[QueryMessage(query="q%d" % i, consistency_level=ConsistencyLevel.ONE)
                                      for i in range(50)])
        assert len(many) == 50 and all(m.kind == 1 for m in many)
    finally:
        c.close()


def main():
    AsyncoreConnection.initialize_reactor()
    p, port = start(sys.argv[1])
    try:
        ep = DefaultEndPoint("127.0.0.1", port)
        check_step_down(ep)
        for v in (3, 4):
            check_session(ep, v)
    finally:
        p.terminate()
        rc = p.wait(timeout=30)
    assert rc == 0, "cql_server_bench exited %d" % rc
    print("PASS driver_handshake")


if __name__ == "__main__":
    main()
