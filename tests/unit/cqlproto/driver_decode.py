#!/usr/bin/python3
# Decodes the response frames printed by tests/progs/cqlproto_emit with the DataStax Python
# driver's own decoder (cassandra.protocol.ProtocolHandler, the Cython one when compiled) and
# checks every field the driver extracts. Exit 77 (ctest "skipped") without the driver.
# Usage: driver_decode.py <path to cqlproto_emit>
import binascii
import subprocess
import sys

try:
    from cassandra.protocol import ProtocolHandler
    from cassandra.connection import locally_supported_compressions
    from cassandra.util import Date, Duration
except ImportError:
    print("python3-cassandra not installed: skipped")
    sys.exit(77)

decompress = locally_supported_compressions['lz4'][1]
failures = []


def check(name, cond, what):
    if not cond:
        failures.append(f"{name}: {what}")


def decode(hexstr):
    b = binascii.unhexlify(hexstr)
    version, flags = b[0] & 0x7f, b[1]
    stream = int.from_bytes(b[2:4], 'big', signed=True)
    length = int.from_bytes(b[5:9], 'big')
    assert b[0] & 0x80, "not a response"
    assert length == len(b) - 9, "length field"
    return ProtocolHandler.decode_message(version, {}, stream, flags, b[4], b[9:], decompress, None)


def check_rows(name, m):
    check(name, m.kind == 2, "kind")
    check(name, m.paging_state == b'\xca\xfe', "paging state")
    check(name, m.column_names == ['a', 't', 'm', 'l', 'tu'], m.column_names)
    check(name, all(c[0] == 'ks' and c[1] == 't' for c in m.column_metadata), "table spec")
    r0, r1 = m.parsed_rows
    check(name, r0[0] == 1 and r0[1] == 'h\u00e9llo', r0[:2])
    check(name, dict(r0[2]) == {'x': 1, 'y': 2}, r0[2])
    check(name, len(r0[3]) == 1 and r0[3][0].street == 'Main' and r0[3][0].zip == 12345, r0[3])
    check(name, r0[4] == (7, Date(19724), Duration(1, 2, 3)), r0[4])
    check(name, r1 == (2, '', None, None, None), r1)


def main():
    out = subprocess.run([sys.argv[1]], capture_output=True, text=True, check=True).stdout
    msgs = {}
    for line in out.splitlines():
        name, hexstr = line.split()
        try:
            msgs[name] = decode(hexstr)
        except Exception as e:  # the driver could not decode our frame at all
            failures.append(f"{name}: {type(e).__name__}: {e}")
    for name in ('rows_v4', 'rows_v4_lz4', 'rows_v3'):
        if name in msgs:
            check_rows(name, msgs[name])
    m = msgs.get('prepared_v4')
    if m:
        check('prepared_v4', m.query_id == b'0123456789abcdef', m.query_id)
        check('prepared_v4', m.pk_indexes == [0], m.pk_indexes)
        check('prepared_v4', [c.name for c in m.bind_metadata] == ['a', 't', 'b'], m.bind_metadata)
        check('prepared_v4', m.bind_metadata[2].table_name == 'u', "per-column table spec")
        check('prepared_v4', [c[2] for c in m.column_metadata] == ['a', 't'], m.column_metadata)
    m = msgs.get('prepared_v3')
    if m:
        check('prepared_v3', m.pk_indexes is None and len(m.bind_metadata) == 3, m.bind_metadata)
    expect = {
        'set_keyspace': lambda m: m.new_keyspace == 'ks',
        'schema_table': lambda m: m.schema_change_event == {
            'target_type': 'TABLE', 'change_type': 'CREATED', 'keyspace': 'ks', 'table': 't'},
        'schema_function': lambda m: m.schema_change_event['function'].name == 'f' and
        m.schema_change_event['function'].argument_types == ['int', 'text'],
        'void_traced_warned': lambda m: m.kind == 1 and m.warnings == ['careful'] and
        str(m.trace_id) == '11111111-1111-1111-1111-111111111111',
        'err_version': lambda m: m.code == 0x0A and m.stream_id == 0 and
        'unsupported protocol version' in m.message,
        'err_unavailable': lambda m: m.info == {
            'consistency': 4, 'required_replicas': 3, 'alive_replicas': 1},
        'err_write_timeout': lambda m: m.info['write_type'] == 0 and
        m.info['required_responses'] == 2,
        'err_read_timeout': lambda m: m.info['data_retrieved'] is True and
        m.info['received_responses'] == 1,
        'err_read_failure': lambda m: m.info['failures'] == 1 and m.info['data_retrieved'],
        'err_write_failure': lambda m: m.info['failures'] == 1 and m.info['write_type'] == 0,
        'err_function_failure': lambda m: m.info == {
            'keyspace': 'ks', 'function': 'f', 'arg_types': ['int']},
        'err_already_exists': lambda m: m.info == {'keyspace': 'ks', 'table': 't'},
        'err_unprepared': lambda m: m.info == b'\x01\x02\x03',
        'err_syntax': lambda m: m.code == 0x2000 and m.message == 'msg',
        'err_invalid': lambda m: m.code == 0x2200,
        'err_auth': lambda m: m.code == 0x0100,
        'err_overloaded': lambda m: m.code == 0x1001,
        'supported': lambda m: m.cql_versions == ['3.4.6'] and
        m.options == {'COMPRESSION': ['lz4'], 'PROTOCOL_VERSIONS': ['3/v3', '4/v4']},
        'ready': lambda m: type(m).__name__ == 'ReadyMessage',
        'authenticate': lambda m: m.authenticator ==
        'org.apache.cassandra.auth.PasswordAuthenticator',
        'auth_success': lambda m: type(m).__name__ == 'AuthSuccessMessage',
        'auth_challenge': lambda m: m.challenge == b'tok',
        'event_topology': lambda m: m.stream_id == -1 and m.event_args == {
            'change_type': 'NEW_NODE', 'address': ('127.0.0.2', 9042)},
        'event_status': lambda m: m.event_args == {'change_type': 'DOWN', 'address': ('::1', 9042)},
        'event_schema': lambda m: m.event_args == {
            'target_type': 'KEYSPACE', 'change_type': 'CREATED', 'keyspace': 'ks'},
    }
    for name, pred in expect.items():
        if name not in msgs:
            failures.append(f"{name}: not emitted")
        elif not pred(msgs[name]):
            failures.append(f"{name}: unexpected {vars(msgs[name])}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(msgs)} frames decoded by the Python driver, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
