# Prints the request frames used by test_captured.c exactly as the DataStax Python driver
# 3.25 encodes them. Run: /usr/bin/python3 tests/unit/cqlproto/capture_requests.py
from cassandra import ConsistencyLevel as CL
from cassandra.protocol import (ProtocolHandler, OptionsMessage, StartupMessage, QueryMessage,
    RegisterMessage, ExecuteMessage, PrepareMessage, BatchMessage, AuthResponseMessage)
from cassandra.connection import locally_supported_compressions, DRIVER_NAME, DRIVER_VERSION
import binascii
comp = locally_supported_compressions['lz4'][0]
def enc(msg, stream, ver, c=None):
    return ProtocolHandler.encode_message(msg, stream, ver, c, False)
def show(name, b):
    h = binascii.hexlify(b).decode()
    print(f"{name} ({len(b)}):")
    for i in range(0, len(h), 64): print("  " + h[i:i+64])
for v in (0x42, 0x41, 5, 4):
    show(f"options_v{v:#x}", enc(OptionsMessage(), 0, v))
opts = {'DRIVER_NAME': DRIVER_NAME, 'DRIVER_VERSION': DRIVER_VERSION, 'COMPRESSION': 'lz4'}
show("startup", enc(StartupMessage(cqlversion='3.4.5', options=opts), 1, 4))
show("register", enc(RegisterMessage(event_list=["TOPOLOGY_CHANGE","STATUS_CHANGE","SCHEMA_CHANGE"]), 2, 4))
q = QueryMessage("SELECT * FROM system.local WHERE key='local'", CL.LOCAL_ONE, fetch_size=5000, timestamp=1704164645678123)
show("query24", enc(q, 3, 4))
show("query24_lz4", enc(q, 3, 4, comp))
q = QueryMessage("select * from system.local where key = 'local'", CL.ONE, serial_consistency_level=CL.SERIAL, fetch_size=100, timestamp=1704164645678123)
show("query34", enc(q, 4, 4))
show("auth_lz4", enc(AuthResponseMessage(b"\x00cassandra\x00cassandra"), 5, 4, comp))
e = ExecuteMessage(b"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", [b"\x00\x00\x00\x01", None, b"abc"], CL.QUORUM, fetch_size=5000, paging_state=b"\xde\xad", timestamp=42, skip_meta=True)
show("execute", enc(e, 6, 4))
from cassandra.query import BatchType
b = BatchMessage(BatchType.UNLOGGED, [(False, "INSERT INTO ks.t (a, b) VALUES (1, 2)", ()), (True, b"\xaa\xbb", [b"\x00\x00\x00\x07", None])], CL.LOCAL_QUORUM, serial_consistency_level=CL.LOCAL_SERIAL, timestamp=7)
show("batch", enc(b, 7, 4))
show("prepare", enc(PrepareMessage("INSERT INTO ks.t (a, b) VALUES (?, ?)"), 8, 4))
big = QueryMessage("SELECT * FROM ks.t WHERE a IN (" + ", ".join(str(i) for i in range(100)) + ")", CL.LOCAL_ONE, fetch_size=5000, timestamp=1)
show("query_big_lz4", enc(big, 9, 4, comp))
