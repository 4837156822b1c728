'use strict';
// The DataStax Node.js driver (cassandra-driver 4.10.0, pinned in package.json) against a real
// ringdb node, unmodified: connect, prepared inserts and selects, paging with eachRow + pageState
// and with client.stream, logged and unlogged batches, a round trip of the common types, errors.
//
// Run by run_node.py, which starts the node and sets RINGDB_ADDRESS and RINGDB_PORT:
//   node --test test_node_driver.js
const test = require('node:test');
const assert = require('node:assert/strict');
const cassandra = require('cassandra-driver');

const { types } = cassandra;
const address = process.env.RINGDB_ADDRESS || '127.0.0.1';
const port = Number(process.env.RINGDB_PORT || 9042);
const KS = 'node_ks';

let client;
const warnings = [];

function newClient(keyspace) {
  const c = new cassandra.Client({
    contactPoints: [`${address}:${port}`],
    localDataCenter: 'datacenter1',
    protocolOptions: { port },
    // Generous: the suite also runs under ASan on a loaded machine.
    socketOptions: { connectTimeout: 15000, readTimeout: 60000 },
    keyspace,
  });
  c.on('log', (level, className, message) => {
    if (level === 'warning' || level === 'error') warnings.push(`${level} ${className}: ${message}`);
  });
  return c;
}

test.before(async () => {
  client = newClient();
  await client.connect();
  await client.execute(`CREATE KEYSPACE ${KS} WITH replication = ` +
                       "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  await client.execute(`CREATE TABLE ${KS}.kv (k int PRIMARY KEY, v text)`);
  await client.execute(`CREATE TABLE ${KS}.rows (pk int, ck int, v text, PRIMARY KEY (pk, ck))`);
  await client.execute(`CREATE TYPE ${KS}.phone (kind text, number text)`);
  await client.execute(`CREATE TABLE ${KS}.types (id int PRIMARY KEY, a ascii, t text, i int,
    bi bigint, si smallint, ti tinyint, vi varint, de decimal, f float, d double, b boolean,
    u uuid, tu timeuuid, ts timestamp, dt date, tm time, du duration, ip inet, bl blob,
    l list<int>, s set<text>, m map<text, int>, tup tuple<int, text>, ph frozen<phone>,
    phones list<frozen<phone>>)`);
});

test.after(async () => {
  if (client) await client.shutdown();
  assert.deepEqual(warnings, [], 'the driver logged warnings');
});

test('connects and reads system.local', async () => {
  const hosts = client.hosts.values();
  assert.equal(hosts.length, 1);
  assert.match(hosts[0].cassandraVersion, /^4\.1\./);
  assert.equal(hosts[0].datacenter, 'datacenter1');
  assert.equal(client.getState().getConnectedHosts().length, 1);
  assert.equal(client.controlConnection.protocolVersion, 4);
  const rs = await client.execute("SELECT release_version, cluster_name FROM system.local WHERE key = 'local'");
  assert.match(rs.first().release_version, /^4\.1\./);
  assert.equal(rs.first().cluster_name, 'Test Cluster');
  assert.equal(client.metadata.keyspaces[KS].strategy, 'org.apache.cassandra.locator.SimpleStrategy');
  const table = await client.metadata.getTable(KS, 'rows');
  assert.deepEqual(table.partitionKeys.map((c) => c.name), ['pk']);
  assert.deepEqual(table.clusteringKeys.map((c) => c.name), ['ck']);
});

test('connects with a keyspace', async () => {
  const c = newClient(KS);
  try {
    await c.connect();
    await c.execute('INSERT INTO kv (k, v) VALUES (?, ?)', [42, 'in ks'], { prepare: true });
    const rs = await c.execute('SELECT v FROM kv WHERE k = ?', [42], { prepare: true });
    assert.equal(rs.first().v, 'in ks');
  } finally {
    await c.shutdown();
  }
});

test('prepared inserts and selects', async () => {
  const ins = `INSERT INTO ${KS}.kv (k, v) VALUES (?, ?)`;
  await Promise.all([...Array(50).keys()].map((k) =>
    client.execute(ins, [k, `v${k}`], { prepare: true })));
  for (const k of [0, 17, 49]) {
    const rs = await client.execute(`SELECT k, v FROM ${KS}.kv WHERE k = ?`, [k], { prepare: true });
    assert.equal(rs.rowLength, 1);
    assert.equal(rs.first().v, `v${k}`);
  }
  const rs = await client.execute(`SELECT v FROM ${KS}.kv WHERE k IN ?`, [[1, 2, 3]], { prepare: true });
  assert.deepEqual(rs.rows.map((r) => r.v).sort(), ['v1', 'v2', 'v3']);
  // Simple (unprepared) statement with parameters: a JS number is a double unless hinted.
  await client.execute(`UPDATE ${KS}.kv SET v = ? WHERE k = ?`, ['simple', 5], { hints: ['text', 'int'] });
  const r5 = await client.execute(`SELECT v FROM ${KS}.kv WHERE k = 5`);
  assert.equal(r5.first().v, 'simple');
});

test('paging with eachRow + pageState and with stream', async () => {
  const ins = `INSERT INTO ${KS}.rows (pk, ck, v) VALUES (?, ?, ?)`;
  const total = 3 * 700;
  for (let start = 0; start < total; start += 100) {
    await Promise.all([...Array(100).keys()].map((i) => {
      const n = start + i;
      return client.execute(ins, [n % 3, Math.floor(n / 3), `r${n}`], { prepare: true });
    }));
  }
  const q = `SELECT pk, ck, v FROM ${KS}.rows`;
  // eachRow with autoPage off: one page per call, resumed with result.pageState.
  let pageState;
  let pages = 0;
  const seen = [];
  do {
    const result = await new Promise((resolve, reject) => {
      client.eachRow(q, [], { prepare: true, fetchSize: 250, pageState },
        (n, row) => seen.push(`${row.pk}/${row.ck}`),
        (err, res) => (err ? reject(err) : resolve(res)));
    });
    pages++;
    pageState = result.pageState;
  } while (pageState);
  assert.equal(seen.length, total);
  assert.equal(new Set(seen).size, total);
  assert.ok(pages === Math.ceil(total / 250) || pages === Math.ceil(total / 250) + 1, `pages=${pages}`);
  // eachRow with autoPage.
  let n = 0;
  await new Promise((resolve, reject) => {
    client.eachRow(q, [], { prepare: true, fetchSize: 333, autoPage: true }, () => n++,
      (err) => (err ? reject(err) : resolve()));
  });
  assert.equal(n, total);
  // execute + pageState across separate calls, one partition, in clustering order.
  const part = `SELECT ck FROM ${KS}.rows WHERE pk = ?`;
  let rs = await client.execute(part, [1], { prepare: true, fetchSize: 300 });
  const cks = rs.rows.map((r) => r.ck);
  while (rs.pageState) {
    rs = await client.execute(part, [1], { prepare: true, fetchSize: 300, pageState: rs.pageState });
    cks.push(...rs.rows.map((r) => r.ck));
  }
  assert.deepEqual(cks, [...Array(700).keys()]);
  // client.stream
  const streamed = await new Promise((resolve, reject) => {
    let count = 0;
    client.stream(q, [], { prepare: true, fetchSize: 200 })
      .on('readable', function onReadable() {
        while (this.read()) count++;
      })
      .on('end', () => resolve(count))
      .on('error', reject);
  });
  assert.equal(streamed, total);
  // Async iteration over every page.
  let iterated = 0;
  for await (const row of await client.execute(q, [], { prepare: true, fetchSize: 500 })) {
    assert.ok(row.v.startsWith('r'));
    iterated++;
  }
  assert.equal(iterated, total);
});

test('batches: logged and unlogged', async () => {
  const ins = `INSERT INTO ${KS}.rows (pk, ck, v) VALUES (?, ?, ?)`;
  await client.batch([...Array(10).keys()].map((i) => ({ query: ins, params: [100, i, `b${i}`] })),
    { prepare: true });
  await client.batch([
    { query: ins, params: [101, 0, 'u0'] },
    { query: `UPDATE ${KS}.rows SET v = ? WHERE pk = ? AND ck = ?`, params: ['u1', 101, 1] },
  ], { prepare: true, logged: false });
  await client.batch([
    `INSERT INTO ${KS}.rows (pk, ck, v) VALUES (102, 0, 'plain')`,
  ]);
  let rs = await client.execute(`SELECT ck, v FROM ${KS}.rows WHERE pk = 100`);
  assert.deepEqual(rs.rows.map((r) => r.v), [...Array(10).keys()].map((i) => `b${i}`));
  rs = await client.execute(`SELECT ck, v FROM ${KS}.rows WHERE pk = 101`);
  assert.deepEqual(rs.rows.map((r) => r.v), ['u0', 'u1']);
  rs = await client.execute(`SELECT v FROM ${KS}.rows WHERE pk = 102`);
  assert.equal(rs.first().v, 'plain');
});

test('type round trip', async () => {
  const values = {
    id: 1,
    a: 'ascii',
    t: 'text ✓ 😀',
    i: -2147483648,
    bi: types.Long.fromString('-9223372036854775808'),
    si: 32767,
    ti: -128,
    vi: types.Integer.fromString('123456789012345678901234567890'),
    de: types.BigDecimal.fromString('-12345678901234567890.0001'),
    f: 1.5,
    d: Math.PI,
    b: true,
    u: types.Uuid.random(),
    tu: types.TimeUuid.now(),
    ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
    dt: types.LocalDate.fromString('2024-01-02'),
    tm: types.LocalTime.fromString('01:02:03.123456789'),
    du: new types.Duration(1, 2, types.Long.fromNumber(3)),
    ip: types.InetAddress.fromString('2001:db8::1'),
    bl: Buffer.from([0, 1, 2, 255]),
    l: [3, 1, 2],
    s: ['a', 'b'],
    m: { x: 1, y: 2 },
    tup: new types.Tuple(7, 'seven'),
    ph: { kind: 'home', number: '123' },
    phones: [{ kind: 'work', number: '456' }, { kind: 'cell', number: null }],
  };
  const cols = Object.keys(values);
  await client.execute(`INSERT INTO ${KS}.types (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    cols.map((c) => values[c]), { prepare: true });
  const row = (await client.execute(`SELECT * FROM ${KS}.types WHERE id = ?`, [1], { prepare: true })).first();
  const same = {
    bi: (a, b) => a.equals(b),
    vi: (a, b) => a.equals(b),
    de: (a, b) => a.equals(b),
    u: (a, b) => a.equals(b),
    tu: (a, b) => a.equals(b),
    ts: (a, b) => a.getTime() === b.getTime(),
    dt: (a, b) => a.equals(b),
    tm: (a, b) => a.equals(b),
    du: (a, b) => a.equals(b),
    ip: (a, b) => a.equals(b),
    bl: (a, b) => a.equals(b),
    tup: (a, b) => a.get(0) === b.get(0) && a.get(1) === b.get(1),
  };
  for (const c of cols) {
    const eq = same[c];
    if (eq) assert.ok(eq(values[c], row[c]), `${c}: wrote ${values[c]}, read ${row[c]}`);
    else assert.deepEqual(row[c], values[c], c);
  }
  // Nulls read back as null.
  await client.execute(`INSERT INTO ${KS}.types (id, t, l) VALUES (?, ?, ?)`, [2, null, null], { prepare: true });
  const r2 = (await client.execute(`SELECT t, l, i FROM ${KS}.types WHERE id = 2`)).first();
  assert.deepEqual([r2.t, r2.l, r2.i], [null, null, null]);
});

test('errors are ResponseErrors with CQL codes', async () => {
  const codes = types.responseErrorCodes;
  await assert.rejects(client.execute(`SELECT * FROM ${KS}.nope`),
    (e) => e instanceof cassandra.errors.ResponseError && e.code === codes.invalid);
  await assert.rejects(client.execute('SELEC 1'),
    (e) => e instanceof cassandra.errors.ResponseError && e.code === codes.syntaxError);
  await assert.rejects(client.execute(`CREATE TABLE ${KS}.kv (k int PRIMARY KEY)`),
    (e) => e instanceof cassandra.errors.ResponseError && e.code === codes.alreadyExists);
});
