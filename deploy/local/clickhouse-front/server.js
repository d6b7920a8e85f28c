'use strict';
// LOCAL STAND-IN for a ClickHouse server, for development and tests only.
//
// Serves the part of ClickHouse's HTTP interface that com.clickhouse:client-v2 uses, on top of chDB
// (the ClickHouse engine as an in-process library, npm package `chdb`). Production talks to a real
// ClickHouse; nothing here is meant to be deployed. See README.md for the subset and the differences.

const http = require('http');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const crypto = require('crypto');
const { promisify } = require('util');

// chdb is installed outside the source tree (stack.sh: .local/clickhouse-front/node_modules, found through
// NODE_PATH); a plain `npm ci` in this folder works too.
function resolveChdb() {
  try {
    return require.resolve('chdb');
  } catch (e) {
    const local = path.resolve(__dirname, '..', '..', '..', '.local', 'clickhouse-front', 'node_modules', 'chdb');
    try {
      return require.resolve(local);
    } catch (_) {
      throw new Error('npm package chdb not found: run deploy/local/stack.sh start clickhouse (or npm ci here)');
    }
  }
}
const chdbPath = resolveChdb();
const chdb = require(chdbPath);

// ---------------------------------------------------------------------------------------------------
// Configuration (environment only, so stack.sh and test.js drive it the same way)

function envInt(name, def) {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function portFromUrl(u) {
  try {
    const p = new URL(u).port;
    return p ? Number(p) : undefined;
  } catch (_) {
    return undefined;
  }
}

const config = {
  host: process.env.CLICKHOUSE_FRONT_HOST || '127.0.0.1',
  port: envInt('CLICKHOUSE_FRONT_PORT', portFromUrl(process.env.CLICKHOUSE_URL || '') || 8123),
  dataDir: path.resolve(process.env.CLICKHOUSE_FRONT_DATA_DIR || path.join(process.cwd(), 'data')),
  poolSize: Math.max(1, envInt('CLICKHOUSE_FRONT_POOL_SIZE', 2)),
  maxBodyBytes: envInt('CLICKHOUSE_FRONT_MAX_BODY_BYTES', 256 * 1024 * 1024),
  user: process.env.CLICKHOUSE_USER || '',
  password: process.env.CLICKHOUSE_PASSWORD || '',
  displayName: process.env.CLICKHOUSE_FRONT_DISPLAY_NAME || 'switchboard-clickhouse-front',
  spoolDir: process.env.CLICKHOUSE_FRONT_SPOOL_DIR || '',
};

// ---------------------------------------------------------------------------------------------------
// chDB access
//
// Everything goes through the async APIs: they run on the libuv pool and return bytes, so the event
// loop never blocks and binary formats (RowBinary*, Native, Parquet) pass through untouched.
//
// `param_<name>` values arrive from HTTP already in ClickHouse's "escaped" text form. The public
// queryBindAsync() would escape strings a second time, so bound queries call the addon's
// connection-level entry point with the raw values, exactly as a ClickHouse server binds them.
// chDB's binding state is not isolated between connections, so bound queries are serialized
// process-wide (the library does the same for its own bind API); unbound queries run in parallel.

function loadNativeAddon() {
  const loader = path.join(path.dirname(chdbPath), 'dist', 'loader.js');
  const native = require(loader).loadNative();
  if (typeof native.QueryAsyncConnection !== 'function') {
    throw new Error(`chdb ${chdb.version().chdb}: no QueryAsyncConnection in the native addon; ` +
      'this front is written against chdb 3.4.x (see package.json)');
  }
  return native;
}
const native = loadNativeAddon();

let boundChain = Promise.resolve();
function runBound(start) {
  const p = boundChain.then(start);
  boundChain = p.then(() => {}, () => {});
  return p;
}

function normalizeResult(r) {
  // Session.queryAsync gives a ChdbResult (bytes()), the addon gives { bytes, rowsRead, ... }.
  const bytes = typeof r.bytes === 'function' ? r.bytes() : r.bytes;
  const buf = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.alloc(0);
  return { body: buf, rows: Number(r.rowsRead) || 0, bytes: Number(r.bytesRead) || 0, elapsed: Number(r.elapsed) || 0 };
}

class PooledSession {
  constructor(dir) {
    this.session = new chdb.Session(dir);
    this.database = 'default'; // null when unknown (a client ran USE itself)
    this.dirty = false; // connection state changed in a way we cannot undo: replace it
  }

  async run(sql, format, params) {
    if (params && Object.keys(params).length > 0) {
      const conn = this.session.connection;
      return normalizeResult(await runBound(() => native.QueryAsyncConnection(conn, sql, format, params)));
    }
    return normalizeResult(await this.session.queryAsync(sql, { format }));
  }

  close() {
    this.session.close();
  }
}

class SessionPool {
  constructor(dir, size) {
    this.dir = dir;
    this.idle = [];
    this.waiters = [];
    for (let i = 0; i < size; i++) this.idle.push(new PooledSession(dir));
    this.all = new Set(this.idle);
  }

  acquire() {
    if (this.idle.length > 0) return Promise.resolve(this.idle.pop());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(s) {
    if (s.dirty) {
      this.all.delete(s);
      try { s.close(); } catch (_) { /* replaced below either way */ }
      s = new PooledSession(this.dir);
      this.all.add(s);
    }
    const next = this.waiters.shift();
    if (next) next(s); else this.idle.push(s);
  }

  closeAll() {
    for (const s of this.all) {
      try { s.close(); } catch (_) { /* shutting down */ }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Errors, shaped like ClickHouse's: body "Code: N. DB::Exception: ...", header X-ClickHouse-Exception-Code,
// HTTP status from the error name (same table as ClickHouse's exceptionCodeToHTTPStatus).

const STATUS_BY_ERROR_NAME = new Map();
for (const n of ['BAD_ARGUMENTS', 'CANNOT_COMPILE_REGEXP', 'CANNOT_PARSE_TEXT', 'CANNOT_PARSE_ESCAPE_SEQUENCE',
  'CANNOT_PARSE_QUOTED_STRING', 'CANNOT_PARSE_DATE', 'CANNOT_PARSE_DATETIME', 'CANNOT_PARSE_NUMBER',
  'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING', 'CANNOT_PARSE_IPV4', 'CANNOT_PARSE_IPV6',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'CANNOT_PARSE_UUID', 'DUPLICATE_COLUMN', 'ILLEGAL_COLUMN',
  'UNKNOWN_ELEMENT_IN_AST', 'UNKNOWN_TYPE_OF_AST_NODE', 'THERE_IS_NO_COLUMN', 'TOO_DEEP_AST', 'TOO_BIG_AST',
  'UNEXPECTED_AST_STRUCTURE', 'SYNTAX_ERROR', 'INCORRECT_DATA', 'TYPE_MISMATCH',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE']) STATUS_BY_ERROR_NAME.set(n, 400);
for (const n of ['UNKNOWN_TABLE', 'UNKNOWN_FUNCTION', 'UNKNOWN_IDENTIFIER', 'UNKNOWN_TYPE', 'UNKNOWN_STORAGE',
  'UNKNOWN_DATABASE', 'UNKNOWN_SETTING', 'UNKNOWN_DIRECTION_OF_SORTING', 'UNKNOWN_AGGREGATE_FUNCTION',
  'UNKNOWN_FORMAT', 'UNKNOWN_DATABASE_ENGINE', 'UNKNOWN_TYPE_OF_QUERY', 'UNKNOWN_ROLE']) STATUS_BY_ERROR_NAME.set(n, 404);
for (const [n, s] of [['REQUIRED_PASSWORD', 401], ['AUTHENTICATION_FAILED', 401], ['UNKNOWN_USER', 401],
  ['WRONG_PASSWORD', 401], ['ACCESS_DENIED', 403], ['READONLY', 403], ['QUERY_IS_TOO_LARGE', 413],
  ['NOT_IMPLEMENTED', 501], ['SOCKET_TIMEOUT', 503], ['CANNOT_OPEN_FILE', 503], ['HTTP_LENGTH_REQUIRED', 411],
  ['TIMEOUT_EXCEEDED', 408], ['CANNOT_SCHEDULE_TASK', 503], ['UNSUPPORTED_MEDIA_TYPE', 415]]) {
  STATUS_BY_ERROR_NAME.set(n, s);
}

// Codes of the errors this front raises itself (the numbers are ClickHouse's, checked at start-up).
const OWN_ERROR_CODES = {
  UNSUPPORTED_METHOD: 1, BAD_ARGUMENTS: 36, SYNTAX_ERROR: 62, UNKNOWN_COMPRESSION_METHOD: 89,
  READONLY: 164, QUERY_IS_TOO_LARGE: 229, STD_EXCEPTION: 1001, AUTHENTICATION_FAILED: 516,
};

class ClickHouseError extends Error {
  constructor(name, message, status) {
    super(message);
    this.code = OWN_ERROR_CODES[name];
    this.codeName = name;
    this.status = status || STATUS_BY_ERROR_NAME.get(name) || 500;
  }
}

function fromEngineError(e) {
  let message = String(e && e.message != null ? e.message : e);
  // chDB sometimes nests the same prefix several times: keep one.
  message = message.replace(/^(Code: \d+\. DB::Exception: )+/, (m, one) => one);
  const m = /^Code: (\d+)\./.exec(message);
  const code = m ? Number(m[1]) : (e && Number.isInteger(e.clickhouseCode) ? e.clickhouseCode : OWN_ERROR_CODES.STD_EXCEPTION);
  if (!m) message = `Code: ${code}. DB::Exception: ${message}`;
  const names = message.match(/\(([A-Z][A-Z0-9_]+)\)/g) || [];
  const name = names.length ? names[names.length - 1].slice(1, -1) : '';
  const err = new Error(message);
  err.code = code;
  err.codeName = name;
  err.status = STATUS_BY_ERROR_NAME.get(name) || 500;
  return err;
}

// ---------------------------------------------------------------------------------------------------
// A small SQL scanner: enough to find statement boundaries, the FORMAT / VALUES that start INSERT data,
// and the query's first keyword, while skipping strings, quoted identifiers and comments. It works on
// 'latin1' strings so that character offsets are byte offsets into the request body.

function isWordStart(c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';
}
function isWordChar(c) {
  return isWordStart(c) || (c >= '0' && c <= '9') || c === '$';
}

// Yields { type: 'word'|'quoted'|'punct', start, end, depth } until the end or a stop() says so.
function* tokens(s, from = 0) {
  let i = from;
  let depth = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (c === '-' && s[i + 1] === '-') { while (i < n && s[i] !== '\n') i++; continue; }
    if (c === '#' && (s[i + 1] === ' ' || s[i + 1] === '!')) { while (i < n && s[i] !== '\n') i++; continue; }
    if (c === '/' && s[i + 1] === '*') {
      const e = s.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      continue;
    }
    if (c === '\'' || c === '"' || c === '`') {
      const start = i++;
      while (i < n) {
        if (s[i] === '\\') { i += 2; continue; }
        if (s[i] === c) {
          if (s[i + 1] === c) { i += 2; continue; }
          i++;
          break;
        }
        i++;
      }
      yield { type: c === '\'' ? 'string' : 'quoted', start, end: i, depth };
      continue;
    }
    if (isWordStart(c)) {
      const start = i;
      while (i < n && isWordChar(s[i])) i++;
      yield { type: 'word', start, end: i, depth, upper: s.slice(start, i).toUpperCase() };
      continue;
    }
    if (c === '(' || c === '[') depth++;
    if ((c === ')' || c === ']') && depth > 0) depth--;
    yield { type: 'punct', start: i, end: i + 1, depth, ch: c };
    i++;
  }
}

// Describes an SQL text (latin1 string): first keyword, end of the first statement, whether more
// statements follow, the explicit output FORMAT of a query, and for INSERT where inline data starts.
function scanStatement(s) {
  const out = { empty: true, keyword: '', end: s.length, trailing: false, format: null, insert: null };
  let prev = null;
  let insertSettingsAt = -1;
  let candidate = null; // "FORMAT <name>" seen: an output format only if the statement ends or SETTINGS follows
  const it = tokens(s);
  for (let t = it.next(); !t.done; t = it.next()) {
    const tok = t.value;
    out.empty = false;
    if (candidate) {
      if ((tok.type === 'word' && tok.upper === 'SETTINGS') || (tok.type === 'punct' && tok.ch === ';')) out.format = candidate;
      candidate = null;
    }
    if (out.keyword === '' && tok.type === 'word') { // "(SELECT …) UNION …" starts with a parenthesis
      out.keyword = tok.upper;
      if (out.keyword === 'INSERT') out.insert = { data: false };
    }
    if (tok.type === 'punct' && tok.ch === ';' && tok.depth === 0) {
      out.end = tok.start;
      for (let r = it.next(); !r.done; r = it.next()) {
        if (!(r.value.type === 'punct' && r.value.ch === ';')) { out.trailing = true; break; }
      }
      return out;
    }
    if (tok.type === 'word' && tok.depth === 0) {
      const prevIsWordFormat = prev && prev.type === 'word' && prev.upper === 'FORMAT' && prev.depth === 0;
      if (prevIsWordFormat) {
        candidate = s.slice(tok.start, tok.end);
        if (out.insert && !out.insert.data && !out.insert.noData) {
          out.format = candidate;
          // ClickHouse: data starts after the spaces that follow the format name and one line break.
          let d = tok.end;
          while (d < s.length && (s[d] === ' ' || s[d] === '\t' || s[d] === '\f')) d++;
          if (s[d] === '\r') d++;
          if (s[d] === '\n') d++;
          Object.assign(out.insert, {
            data: true, format: out.format, formatAt: prev.start, settingsAt: insertSettingsAt, dataStart: d,
          });
          out.end = tok.end;
          return out;
        }
      } else if (out.insert && !out.insert.data && !out.insert.noData) {
        if (tok.upper === 'VALUES') {
          Object.assign(out.insert, {
            data: true, format: 'Values', formatAt: tok.start, settingsAt: insertSettingsAt, dataStart: tok.end,
          });
          out.end = tok.end;
          return out;
        }
        if (tok.upper === 'SETTINGS') insertSettingsAt = tok.start;
        // INSERT ... SELECT / FROM INFILE: no inline data, the statement runs as it is.
        if (tok.upper === 'SELECT' || tok.upper === 'WITH' || tok.upper === 'INFILE') out.insert.noData = true;
      }
    }
    prev = tok;
  }
  if (candidate) out.format = candidate;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// HTTP plumbing

// URL parameters that belong to the HTTP interface, not to query settings.
const HTTP_ONLY_PARAMS = new Set([
  'query', 'database', 'default_format', 'user', 'password', 'query_id', 'session_id', 'session_timeout',
  'session_check', 'compress', 'decompress', 'buffer_size', 'wait_end_of_query', 'send_progress_in_http_headers',
  'http_headers_progress_interval_ms', 'enable_http_compression', 'http_zlib_compression_level',
  'http_native_compression_disable_checksumming_on_decompress', 'add_http_cors_header', 'stacktrace', 'role',
  'quota_key', 'client_protocol_version', 'http_response_buffer_size', 'http_wait_end_of_query',
  'cancel_http_readonly_queries_on_client_close', 'http_write_exception_in_output_format',
  'http_response_headers', 'readonly', 'max_query_size', 'network_compression_method',
]);

// Statements a GET request may run (ClickHouse runs GET requests as readonly).
const READ_ONLY_KEYWORDS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS', 'EXPLAIN', 'CHECK']);

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function contentTypeFor(format) {
  const f = (format || '').toLowerCase();
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f.startsWith('csv')) return 'text/csv; charset=UTF-8';
  if (f.startsWith('rowbinary') || f === 'native' || f.startsWith('parquet') || f.startsWith('arrow')
    || f === 'orc' || f === 'avro' || f.startsWith('protobuf') || f === 'msgpack') return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}

function quoteIdent(name) {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

function settingLiteral(v) {
  if (/^-?\d+(\.\d+)?$/.test(v)) return v;
  return '\'' + v.replace(/\\/g, '\\\\').replace(/'/g, '\\\'') + '\'';
}

function credentials(req, url) {
  const auth = req.headers.authorization;
  if (auth && /^basic /i.test(auth)) {
    const raw = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = raw.indexOf(':');
    return i < 0 ? { user: raw, password: '' } : { user: raw.slice(0, i), password: raw.slice(i + 1) };
  }
  if (req.headers['x-clickhouse-user'] !== undefined) {
    return { user: String(req.headers['x-clickhouse-user']), password: String(req.headers['x-clickhouse-key'] || '') };
  }
  if (url.searchParams.has('user')) {
    return { user: url.searchParams.get('user'), password: url.searchParams.get('password') || '' };
  }
  return { user: 'default', password: '' };
}

function accepted({ user, password }) {
  const same = (a, b) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && crypto.timingSafeEqual(x, y);
  };
  if (user === 'default' && password === '') return true;
  return config.user !== '' && same(user, config.user) && same(password, config.password);
}

class BodyTooLarge extends Error {}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) { reject(new BodyTooLarge()); return; }
    const chunks = [];
    let size = 0;
    let failed = false;
    req.on('data', (c) => {
      if (failed) return;
      size += c.length;
      if (size > limit) { failed = true; reject(new BodyTooLarge()); return; }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)); });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
    req.on('close', () => {
      if (!failed && !req.complete) { failed = true; reject(new Error('client closed the connection mid-request')); }
    });
  });
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

async function decodeBody(req, body) {
  const enc = String(req.headers['content-encoding'] || '').trim().toLowerCase();
  const opts = { maxOutputLength: config.maxBodyBytes };
  try {
    if (enc === '' || enc === 'identity' || body.length === 0) return body;
    if (enc === 'gzip' || enc === 'x-gzip') return await gunzip(body, opts);
    if (enc === 'deflate') return await inflate(body, opts);
    if (enc === 'br') return await brotli(body, opts);
  } catch (e) {
    if (e && e.code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLarge();
    throw new ClickHouseError('BAD_ARGUMENTS', `Cannot decompress the request body (${enc}): ${e.message}`);
  }
  throw new ClickHouseError('UNKNOWN_COMPRESSION_METHOD',
    `Content-Encoding '${enc}' is not supported by the local ClickHouse stand-in (gzip, deflate, br are)`, 400);
}

let spoolDir = null;
function pickSpoolDir() {
  for (const d of [config.spoolDir, '/dev/shm', os.tmpdir()]) {
    if (!d) continue;
    try {
      fs.accessSync(d, fs.constants.W_OK);
      return d;
    } catch (_) { /* next */ }
  }
  return os.tmpdir();
}
let spoolSeq = 0;

// ---------------------------------------------------------------------------------------------------
// One request

let pool;
let serverInfo = { version: '', timezone: 'UTC' };
let inFlight = 0;

function oneLine(s, max = 80) {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}

function logLine(fields) {
  const { method, status, ms, rows, queryId, code, sql } = fields;
  process.stdout.write(`${new Date().toISOString()} ${method} ${status} ${ms.toFixed(1)}ms rows=${rows} ` +
    `qid=${queryId}${code ? ` code=${code}` : ''} ${sql}\n`);
}

function summaryHeader(s) {
  const out = {};
  for (const k of ['read_rows', 'read_bytes', 'written_rows', 'written_bytes', 'total_rows_to_read',
    'result_rows', 'result_bytes', 'elapsed_ns']) out[k] = String(s[k] || 0);
  return JSON.stringify(out);
}

function commonHeaders(res, queryId, format) {
  res.setHeader('X-ClickHouse-Server-Display-Name', config.displayName);
  res.setHeader('X-ClickHouse-Query-Id', queryId);
  res.setHeader('X-ClickHouse-Format', format);
  res.setHeader('X-ClickHouse-Timezone', serverInfo.timezone);
}

function sendError(res, err, queryId, format) {
  const body = err.message.endsWith('\n') ? err.message : err.message + '\n';
  commonHeaders(res, queryId, format);
  res.setHeader('X-ClickHouse-Exception-Code', String(err.code));
  res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
  if (err.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="ClickHouse server HTTP API"');
  res.statusCode = err.status;
  res.end(body);
}

async function handleQuery(req, res, url, started) {
  const queryId = url.searchParams.get('query_id') || crypto.randomUUID();
  let format = req.headers['x-clickhouse-format'] || url.searchParams.get('default_format') || 'TabSeparated';
  let logSql = '';
  let rows = 0;
  let errorCode = 0;
  try {
    const creds = credentials(req, url);
    if (!accepted(creds)) {
      throw new ClickHouseError('AUTHENTICATION_FAILED', `Code: 516. DB::Exception: ${creds.user}: Authentication ` +
        'failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)', 401);
    }
    if (url.searchParams.get('compress') === '1' || url.searchParams.get('decompress') === '1') {
      throw new ClickHouseError('UNSUPPORTED_METHOD', 'Code: 1. DB::Exception: The local ClickHouse stand-in does ' +
        'not implement ClickHouse\'s native compression (compress=1 / decompress=1). Build client-v2 with ' +
        'compressServerResponse(false) and compressClientRequest(false). (UNSUPPORTED_METHOD)', 400);
    }

    const database = req.headers['x-clickhouse-database'] || url.searchParams.get('database') || 'default';
    const params = {};
    const settings = [];
    for (const [k, v] of url.searchParams) {
      if (k.startsWith('param_')) params[k.slice(6)] = v;
      else if (!HTTP_ONLY_PARAMS.has(k) && SETTING_NAME.test(k)) settings.push([k, v]);
    }

    // The statement: SQL in ?query=, in the body, or both (ClickHouse joins them with a line break).
    const queryParam = url.searchParams.get('query');
    const body = req.method === 'POST' ? await decodeBody(req, await readBody(req, config.maxBodyBytes)) : Buffer.alloc(0);
    let text; // latin1 view (offsets = bytes)
    let tail = null; // body bytes that follow `text` when ?query= carries the statement
    if (queryParam !== null) {
      text = Buffer.from(queryParam + (body.length ? '\n' : ''), 'utf8').toString('latin1');
      if (body.length) tail = body;
    } else {
      text = body.toString('latin1');
    }
    let st = scanStatement(text);
    if (tail && !(st.insert && st.insert.data)) {
      // Not an INSERT whose data starts in ?query=: the body continues the statement.
      text += tail.toString('latin1');
      tail = null;
      st = scanStatement(text);
    }
    const utf8 = (a, b) => Buffer.from(text.slice(a, b), 'latin1').toString('utf8');

    if (st.empty) throw new ClickHouseError('SYNTAX_ERROR', 'Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)');
    if (st.trailing) {
      throw new ClickHouseError('SYNTAX_ERROR', 'Code: 62. DB::Exception: Multi-statements are not allowed. (SYNTAX_ERROR)');
    }
    if (req.method === 'GET' && !READ_ONLY_KEYWORDS.has(st.keyword)) {
      throw new ClickHouseError('READONLY', 'Code: 164. DB::Exception: Cannot execute query in readonly mode: ' +
        'a GET request only runs read queries; use POST. (READONLY)');
    }

    let sql;
    let dataBuf = null;
    let insertFormat = null;
    if (st.insert && st.insert.data) {
      const ins = st.insert;
      const headEnd = ins.settingsAt >= 0 ? ins.settingsAt : ins.formatAt;
      const settingsClause = ins.settingsAt >= 0 ? utf8(ins.settingsAt, ins.formatAt) : '';
      insertFormat = ins.format;
      const inText = Buffer.from(text.slice(ins.dataStart), 'latin1');
      dataBuf = tail ? (inText.length ? Buffer.concat([inText, tail]) : tail) : inText;
      sql = { prefix: utf8(0, headEnd).trim(), settingsClause: settingsClause.trim() };
      logSql = oneLine(`${utf8(0, ins.formatAt).trim()} FORMAT ${insertFormat}`);
    } else {
      sql = utf8(0, st.end).trim();
      logSql = oneLine(sql);
      if (st.format) format = st.format;
    }

    const session = await pool.acquire();
    let result;
    let spool = null;
    const applied = [];
    try {
      if (session.database !== database) {
        await session.run(`USE ${quoteIdent(database)}`, 'TabSeparated');
        session.database = database;
      }
      for (const [k, v] of settings) {
        try {
          await session.run(`SET ${k} = ${settingLiteral(v)}`, 'TabSeparated');
          applied.push(k);
        } catch (_) {
          // A setting this engine does not take is left out, as if the client had not sent it.
        }
      }
      if (dataBuf !== null) {
        // Never inline: chDB ends inline INSERT data at the first blank line (and would run what follows
        // as SQL). The engine reads the exact bytes from a file instead.
        spool = path.join(spoolDir, `chfront-${process.pid}-${++spoolSeq}-${crypto.randomBytes(4).toString('hex')}.data`);
        await fs.promises.writeFile(spool, dataBuf, { mode: 0o600 });
        const stmt = `${sql.prefix} FROM INFILE '${spool}' COMPRESSION 'none'` +
          `${sql.settingsClause ? ' ' + sql.settingsClause : ''} FORMAT ${insertFormat}`;
        result = await session.run(stmt, format, params);
      } else {
        result = await session.run(sql, format, params);
        if (st.keyword === 'USE') session.database = null;
        if (st.keyword === 'SET') session.dirty = true;
      }
    } finally {
      if (spool) fs.promises.unlink(spool).catch(() => {});
      for (const k of applied) {
        try {
          await session.run(`SET ${k} = DEFAULT`, 'TabSeparated');
        } catch (_) {
          session.dirty = true;
        }
      }
      pool.release(session);
    }

    rows = result.rows;
    const elapsedNs = Math.round(result.elapsed * 1e9);
    const isInsert = dataBuf !== null || (st.insert !== null);
    const summary = isInsert
      ? { read_rows: rows, read_bytes: result.bytes, written_rows: rows, written_bytes: result.bytes,
        result_rows: rows, result_bytes: result.bytes, elapsed_ns: elapsedNs }
      : { read_rows: rows, read_bytes: result.bytes, result_rows: rows, result_bytes: result.body.length,
        elapsed_ns: elapsedNs };
    commonHeaders(res, queryId, format);
    res.setHeader('X-ClickHouse-Summary', summaryHeader(summary));
    res.setHeader('Content-Type', contentTypeFor(format));
    res.statusCode = 200;
    res.end(result.body);
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      const err = new ClickHouseError('QUERY_IS_TOO_LARGE', `Code: 229. DB::Exception: Request body is larger than ` +
        `${config.maxBodyBytes} bytes (CLICKHOUSE_FRONT_MAX_BODY_BYTES). (QUERY_IS_TOO_LARGE)`, 413);
      res.setHeader('Connection', 'close');
      errorCode = err.code;
      sendError(res, err, queryId, format);
      res.on('finish', () => req.destroy());
    } else {
      const err = e instanceof ClickHouseError ? withOwnMessage(e) : fromEngineError(e);
      errorCode = err.code;
      sendError(res, err, queryId, format);
    }
  } finally {
    logLine({ method: req.method, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6,
      rows, queryId, code: errorCode, sql: logSql });
  }
}

function withOwnMessage(e) {
  if (!/^Code: \d+\./.test(e.message)) e.message = `Code: ${e.code}. DB::Exception: ${e.message}. (${e.codeName})`;
  return e;
}

function handle(req, res) {
  const started = process.hrtime.bigint();
  let url;
  try {
    url = new URL(req.url, 'http://localhost');
  } catch (_) {
    res.statusCode = 400;
    res.end('Bad request URI\n');
    return;
  }
  const p = url.pathname;
  if ((p === '/ping' || p === '/replicas_status') && (req.method === 'GET' || req.method === 'HEAD')) {
    res.setHeader('Content-Type', 'text/html; charset=UTF-8');
    res.end('Ok.\n');
    return;
  }
  if (p !== '/') {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
    res.end(`There is no handle ${p}\n\nUse / or /ping for health checks.\n`);
    return;
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && !url.searchParams.has('query')) {
    res.setHeader('Content-Type', 'text/html; charset=UTF-8');
    res.end('Ok.\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'POST') {
    res.statusCode = 405;
    res.setHeader('Allow', 'GET, POST');
    res.end('Method not allowed\n');
    return;
  }
  inFlight++;
  handleQuery(req, res, url, started)
    .catch((e) => {
      process.stderr.write(`${new Date().toISOString()} request failed: ${e && e.stack ? e.stack : e}\n`);
      if (!res.headersSent) { res.statusCode = 500; res.end(); } else { res.destroy(); }
    })
    .finally(() => { inFlight--; });
}

// ---------------------------------------------------------------------------------------------------
// Start-up and shutdown

async function main() {
  fs.mkdirSync(config.dataDir, { recursive: true });
  spoolDir = pickSpoolDir();
  pool = new SessionPool(config.dataDir, config.poolSize);

  const probe = await pool.acquire();
  try {
    const info = (await probe.run('SELECT version(), timezone()', 'TabSeparated')).body.toString('utf8').trim().split('\t');
    serverInfo = { version: info[0], timezone: info[1] || 'UTC' };
    const names = Object.keys(OWN_ERROR_CODES).map((n) => `'${n}'`).join(',');
    const codes = (await probe.run(`SELECT number, errorCodeToName(number) AS n FROM numbers(2000) WHERE n IN (${names})`,
      'TabSeparated')).body.toString('utf8').trim().split('\n');
    for (const line of codes) {
      const [num, name] = line.split('\t');
      if (name) OWN_ERROR_CODES[name] = Number(num);
    }
  } finally {
    pool.release(probe);
  }

  const server = http.createServer({ maxHeaderSize: 1024 * 1024 }, handle);
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.requestTimeout = 0; // large inserts and long queries: the client decides
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  process.stdout.write(`${new Date().toISOString()} clickhouse-front (LOCAL STAND-IN for ClickHouse) listening on ` +
    `http://${config.host}:${server.address().port} engine=chDB ${serverInfo.version} data=${config.dataDir} ` +
    `pool=${config.poolSize} spool=${spoolDir} pid=${process.pid}\n`);

  let stopping = false;
  const stop = (sig) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${new Date().toISOString()} ${sig}: stopping\n`);
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + 10_000;
    const wait = () => {
      if (inFlight > 0 && Date.now() < deadline) { setTimeout(wait, 50); return; }
      server.closeAllConnections();
      pool.closeAll();
      process.exit(0);
    };
    wait();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`clickhouse-front: failed to start: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
