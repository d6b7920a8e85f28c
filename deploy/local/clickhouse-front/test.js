'use strict';
// Tests of the local ClickHouse stand-in, over HTTP, against a real server.js process on a free port with
// a temporary data directory. No dependencies beyond Node itself and the chdb package server.js loads.
//
//   npm test            (or: node test.js)

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SERVER = path.join(__dirname, 'server.js');
const LOCAL_MODULES = path.resolve(__dirname, '..', '..', '..', '.local', 'clickhouse-front', 'node_modules');
const MAX_BODY = 1024 * 1024;
const SECRET_MARKER = 'payload-that-must-never-be-logged';

let port;
let dataDir;
let server; // { child, output: string[] }

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function childEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('CLICKHOUSE_')) delete env[k];
  Object.assign(env, {
    CLICKHOUSE_FRONT_PORT: String(port),
    CLICKHOUSE_FRONT_DATA_DIR: dataDir,
    CLICKHOUSE_FRONT_POOL_SIZE: '2',
    CLICKHOUSE_FRONT_MAX_BODY_BYTES: String(MAX_BODY),
    CLICKHOUSE_USER: 'svc',
    CLICKHOUSE_PASSWORD: 's3cret',
  });
  if (fs.existsSync(LOCAL_MODULES)) {
    env.NODE_PATH = [LOCAL_MODULES, env.NODE_PATH].filter(Boolean).join(path.delimiter);
  }
  return env;
}

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    const onData = (d) => output.push(d.toString());
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 60 s:\n${output.join('')}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output.join('')}`));
    });
    const poll = () => {
      if (output.join('').includes(' listening on ')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, output });
      } else {
        setTimeout(poll, 50);
      }
    };
    poll();
  });
}

function stopServer(s) {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) { resolve(s.child.exitCode); return; }
    s.child.once('exit', (code) => resolve(code));
    s.child.kill('SIGTERM');
  });
}

// One HTTP request: { status, headers, body: Buffer }.
function request({ method = 'POST', query = {}, headers = {}, body, pathname = '/' } = {}) {
  const qs = new URLSearchParams(query).toString();
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: pathname + (qs ? `?${qs}` : ''), headers,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function sql(text, opts = {}) {
  const r = await request({ ...opts, body: text });
  return r;
}

async function ok(text, opts = {}) {
  const r = await sql(text, opts);
  assert.equal(r.status, 200, `${text}\n→ ${r.status} ${r.body.toString()}`);
  return r;
}

function summary(r) {
  return JSON.parse(r.headers['x-clickhouse-summary']);
}

// --- RowBinary helpers --------------------------------------------------------------------------------

function varint(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

function rbString(buf) {
  return Buffer.concat([varint(buf.length), buf]);
}

function rbUInt64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

class Reader {
  constructor(buf) { this.buf = buf; this.pos = 0; }
  get done() { return this.pos >= this.buf.length; }
  varint() {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.pos++];
      n += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return n;
      shift += 7;
    }
  }
  bytes(n) { const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  string() { return this.bytes(this.varint()); }
  uint64() { const v = this.buf.readBigUInt64LE(this.pos); this.pos += 8; return v; }
}

// --- lifecycle ------------------------------------------------------------------------------------------

before(async () => {
  port = await freePort();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chfront-test-'));
  server = await startServer();
  await ok('CREATE DATABASE IF NOT EXISTS sbtest');
  await ok('CREATE TABLE sbtest.events (id UInt64, s String, b String) ENGINE = MergeTree ORDER BY id');
});

after(async () => {
  if (server) await stopServer(server);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

// --- tests ----------------------------------------------------------------------------------------------

test('ping, root and unknown paths', async () => {
  for (const pathname of ['/ping', '/']) {
    const r = await request({ method: 'GET', pathname });
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'Ok.\n');
  }
  const r = await request({ method: 'GET', pathname: '/nope' });
  assert.equal(r.status, 404);
  const union = await ok('(SELECT 1) UNION ALL (SELECT 2)');
  assert.deepEqual(union.body.toString().split('\n').sort(), ['', '1', '2']);
  // A column called "format" is not a FORMAT clause; a trailing FORMAT clause is.
  const col = await ok('SELECT number AS format FROM numbers(1)');
  assert.equal(col.headers['x-clickhouse-format'], 'TabSeparated');
  const fmt = await ok('SELECT 1 AS format FORMAT JSONEachRow SETTINGS max_threads = 1');
  assert.equal(fmt.headers['x-clickhouse-format'], 'JSONEachRow');
  assert.equal(fmt.body.toString(), '{"format":1}\n');
  const empty = await sql(' -- nothing\n');
  assert.equal(empty.headers['x-clickhouse-exception-code'], '62');
  const q = await request({ method: 'GET', query: { query: 'SELECT 1' } });
  assert.equal(q.status, 200);
  assert.equal(q.body.toString(), '1\n');
  assert.ok(q.headers['x-clickhouse-query-id']);
  assert.equal(q.headers['x-clickhouse-format'], 'TabSeparated');
  assert.ok(q.headers['x-clickhouse-server-display-name']);
  assert.equal(summary(q).result_rows, '1');
});

test('INSERT FORMAT JSONEachRow in the body survives blank lines', async () => {
  const rows = [
    { id: 1, s: `two\n\nlines ${SECRET_MARKER}`, b: '' },
    { id: 2, s: 'after a blank line', b: '' },
    { id: 3, s: 'last', b: '' },
  ];
  // Raw blank lines between rows are legal JSONEachRow; chDB's inline insert would stop at the first one.
  const body = `INSERT INTO sbtest.events FORMAT JSONEachRow\n${JSON.stringify(rows[0])}\n\n` +
    `${JSON.stringify(rows[1])}\n\n\n${JSON.stringify(rows[2])}\n`;
  const r = await ok(body);
  assert.equal(summary(r).written_rows, '3');
  const back = await ok('SELECT id, s FROM sbtest.events WHERE id IN (1, 2, 3) ORDER BY id FORMAT JSONEachRow');
  const got = back.body.toString().trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(got, rows.map(({ id, s }) => ({ id, s })));
});

test('INSERT FORMAT RowBinary in the body keeps 0x0A 0x0A bytes exact', async () => {
  const blobs = [
    Buffer.from([0x0a, 0x0a, 0x00, 0xff, 0x0a, 0x0a, 0x0a, 0x0d, 0x0a]),
    Buffer.from('\n\nSELECT 1; DROP TABLE sbtest.events\n\n', 'latin1'),
    Buffer.from([0x80, 0x81, 0xfe, 0x0a, 0x0a]),
  ];
  // id 2570 = 0x0A0A: the blank-line bytes also sit inside the integer.
  const ids = [2570, 0x0a0a0a0a, 10];
  const rows = ids.map((id, i) => Buffer.concat([rbUInt64(id), rbString(Buffer.from(`bin-${i}`)), rbString(blobs[i])]));
  const body = Buffer.concat([Buffer.from('INSERT INTO sbtest.events (id, s, b) \n FORMAT RowBinary \n'), ...rows]);
  const r = await ok(body);
  assert.equal(summary(r).written_rows, '3');
  const back = await ok(`SELECT id, hex(b) FROM sbtest.events WHERE id IN (${ids.join(',')}) ORDER BY id`);
  const expected = ids.map((id, i) => [id, blobs[i]])
    .sort((a, b) => a[0] - b[0])
    .map(([id, blob]) => `${id}\t${blob.toString('hex').toUpperCase()}`)
    .join('\n') + '\n';
  assert.equal(back.body.toString(), expected);
  const tableStill = await ok('EXISTS TABLE sbtest.events');
  assert.equal(tableStill.body.toString(), '1\n');
});

test('INSERT with ?query= and the data as body (client-v2 JSONEachRow stream path)', async () => {
  const data = [{ id: 100, s: 'via query param', b: 'x' }, { id: 101, s: 'second', b: 'y' }]
    .map((r) => JSON.stringify(r)).join('\n') + '\n';
  const r = await request({
    query: { query: 'INSERT INTO events FORMAT JSONEachRow', wait_end_of_query: '1' },
    headers: { 'X-ClickHouse-Database': 'sbtest' },
    body: data,
  });
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(summary(r).written_rows, '2');
  const back = await ok('SELECT count() FROM sbtest.events WHERE id IN (100, 101)');
  assert.equal(back.body.toString(), '2\n');
});

test('INSERT … VALUES with raw blank lines, and a gzip-compressed body', async () => {
  const r = await ok("INSERT INTO sbtest.events (id, s, b) VALUES (200, 'raw\n\nlines', ''),\n\n(201, 'x', '')");
  assert.equal(summary(r).written_rows, '2');
  const back = await ok('SELECT s FROM sbtest.events WHERE id = 200 FORMAT JSONEachRow');
  assert.deepEqual(JSON.parse(back.body.toString()), { s: 'raw\n\nlines' });
  const gz = require('node:zlib').gzipSync(Buffer.from('SELECT count() FROM sbtest.events WHERE id IN (200, 201)'));
  const z = await ok(gz, { headers: { 'Content-Encoding': 'gzip' } });
  assert.equal(z.body.toString(), '2\n');
});

test('SELECT as RowBinaryWithNamesAndTypes passes binary through untouched', async () => {
  const r = await ok('SELECT id, s, b FROM sbtest.events WHERE id IN (10, 2570) ORDER BY id', {
    headers: { 'X-ClickHouse-Format': 'RowBinaryWithNamesAndTypes' },
  });
  assert.equal(r.headers['x-clickhouse-format'], 'RowBinaryWithNamesAndTypes');
  const head = Buffer.concat([varint(3), rbString(Buffer.from('id')), rbString(Buffer.from('s')),
    rbString(Buffer.from('b')), rbString(Buffer.from('UInt64')), rbString(Buffer.from('String')),
    rbString(Buffer.from('String'))]);
  assert.deepEqual(r.body.subarray(0, head.length), head);
  const rd = new Reader(r.body.subarray(head.length));
  const rows = [];
  while (!rd.done) rows.push([rd.uint64(), rd.string().toString(), rd.string()]);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0][0], 10n);
  assert.deepEqual(rows[0][2], Buffer.from([0x80, 0x81, 0xfe, 0x0a, 0x0a]));
  assert.deepEqual(rows[1][0], 2570n);
  assert.deepEqual(rows[1][2], Buffer.from([0x0a, 0x0a, 0x00, 0xff, 0x0a, 0x0a, 0x0a, 0x0d, 0x0a]));
});

test('param_ values are bound by the engine as ClickHouse text', async () => {
  const r = await ok('SELECT {s:String} AS s, {n:UInt32} + 1 AS n, {a:Array(String)} AS a, ' +
    '(SELECT count() FROM sbtest.events WHERE s = {q:String}) AS c FORMAT JSONEachRow', {
    query: { param_s: 'tab\\there', param_n: '41', param_a: "['x','y\\'z']", param_q: "last' OR 1=1 --" },
  });
  assert.deepEqual(JSON.parse(r.body.toString()), { s: 'tab\there', n: 42, a: ['x', "y'z"], c: 0 });
  const one = await ok('SELECT count() FROM sbtest.events WHERE s = {q:String}', { query: { param_q: 'last' } });
  assert.equal(one.body.toString(), '1\n');
});

test('errors carry the ClickHouse code in header and body', async () => {
  const bad = await sql('SELEC 1');
  assert.equal(bad.status, 400);
  assert.equal(bad.headers['x-clickhouse-exception-code'], '62');
  assert.match(bad.body.toString(), /^Code: 62\. DB::Exception: /);

  const unknown = await sql('SELECT * FROM sbtest.no_such_table');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers['x-clickhouse-exception-code'], '60');
  assert.match(unknown.body.toString(), /^Code: 60\. DB::Exception: .*UNKNOWN_TABLE/);

  const noDb = await sql('SELECT 1', { headers: { 'X-ClickHouse-Database': 'no_such_db' } });
  assert.equal(noDb.headers['x-clickhouse-exception-code'], '81');
  assert.equal(noDb.status, 404);

  const multi = await sql('SELECT 1; DROP TABLE sbtest.events');
  assert.equal(multi.headers['x-clickhouse-exception-code'], '62');
  assert.equal((await ok('EXISTS TABLE sbtest.events')).body.toString(), '1\n');

  const readonlyGet = await request({ method: 'GET', query: { query: 'DROP TABLE sbtest.events' } });
  assert.equal(readonlyGet.headers['x-clickhouse-exception-code'], '164');
  assert.equal((await ok('EXISTS TABLE sbtest.events')).body.toString(), '1\n');
});

test('basic auth: default with empty password and the configured user pass, others get 401 / 516', async () => {
  const basic = (u, p) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  assert.equal((await sql('SELECT 1', { headers: basic('default', '') })).status, 200);
  assert.equal((await sql('SELECT 1', { headers: basic('svc', 's3cret') })).status, 200);
  assert.equal((await sql('SELECT 1', { headers: { 'X-ClickHouse-User': 'svc', 'X-ClickHouse-Key': 's3cret' } })).status, 200);
  for (const headers of [basic('svc', 'wrong'), basic('default', 'x'), basic('mallory', '')]) {
    const r = await sql('SELECT 1', { headers });
    assert.equal(r.status, 401);
    assert.equal(r.headers['x-clickhouse-exception-code'], '516');
    assert.match(r.body.toString(), /^Code: 516\. DB::Exception: /);
  }
});

test('two slow queries run at the same time', async () => {
  const t0 = Date.now();
  const [a, b] = await Promise.all([ok('SELECT sleep(1)'), ok('SELECT sleep(1)')]);
  const ms = Date.now() - t0;
  assert.equal(a.body.toString(), '0\n');
  assert.equal(b.body.toString(), '0\n');
  // Serial execution would take >= 2 s.
  assert.ok(ms < 1900, `two sleep(1) queries took ${ms} ms: not concurrent`);
});

test('URL settings apply to one query only; unknown ones are ignored', async () => {
  const r = await ok("SELECT getSetting('max_threads')", { query: { max_threads: '7', no_such_setting: '1', wait_end_of_query: '1', compress: '0', session_id: 'abc', max_result_rows: '1000' } });
  assert.equal(r.body.toString(), '7\n');
  for (let i = 0; i < 4; i++) { // whichever pooled session answers
    const d = await ok("SELECT getSetting('max_threads')");
    assert.notEqual(d.body.toString(), '7\n');
  }
});

test('request bodies above the limit get 413', async () => {
  const big = Buffer.alloc(MAX_BODY + 1024, 0x20);
  big.write('SELECT 1', 0);
  const r = await sql(big);
  assert.equal(r.status, 413);
  assert.equal((await ok('SELECT 2')).body.toString(), '2\n');
});

test('the query log has one line per query and never the inserted data', () => {
  const log = server.output.join('');
  assert.ok(!log.includes(SECRET_MARKER), 'inserted data leaked into the log');
  assert.match(log, / POST 200 [\d.]+ms rows=3 qid=\S+ INSERT INTO sbtest\.events FORMAT JSONEachRow\n/);
});

test('data persists across a restart on the same data directory', async () => {
  const before = (await ok('SELECT count(), sum(id) FROM sbtest.events')).body.toString();
  assert.equal(await stopServer(server), 0);
  server = await startServer();
  const afterRestart = (await ok('SELECT count(), sum(id) FROM sbtest.events')).body.toString();
  assert.equal(afterRestart, before);
  // 3 JSONEachRow rows + 3 RowBinary rows + 2 rows through ?query= + 2 VALUES rows
  assert.equal(afterRestart, `10\t${1 + 2 + 3 + 2570 + 0x0a0a0a0a + 10 + 100 + 101 + 200 + 201}\n`);
});
