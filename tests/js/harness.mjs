// Starts the real orgroot binary for the JavaScript end-to-end tests and builds
// AWS SDK v3 clients pointed at it. Paths are derived from this file's location.
import { spawn } from 'node:child_process';
import { createHmac, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Nothing from a real AWS setup may reach the SDK.
for (const name of Object.keys(process.env)) {
  if (name.startsWith('AWS_')) delete process.env[name];
}
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const DEFAULT_ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

export const AKIA_RE = /^AKIA[A-Z0-9]{16}$/;
export const ASIA_RE = /^ASIA[A-Z0-9]{16}$/;
export const SECRET_RE = /^[A-Za-z0-9/+]{40}$/;
export const AIDA_RE = /^AIDA[A-Z0-9]{17}$/;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function binaryPath() {
  return process.env.ORGROOT_BIN
    ? path.resolve(process.env.ORGROOT_BIN)
    : path.join(repoRoot, 'build', 'orgroot');
}

export function randomAccessKeyId(prefix = 'AKIA') {
  let s = prefix;
  for (let i = 0; i < 16; i++) s += BASE32[randomInt(BASE32.length)];
  return s;
}

export function randomSecret() {
  let s = '';
  for (let i = 0; i < 40; i++) s += SECRET_CHARS[randomInt(SECRET_CHARS.length)];
  return s;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `orgroot server` on a free port with a fresh data directory and waits (<= 10 s)
 * for GET /_orgroot/health. Returns { endpoint, port, admin, adminArn, dataDir, stop, kill }.
 * `stop()` sends SIGTERM and resolves to the exit code.
 */
export async function startServer({ args = [], admin, accountId } = {}) {
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(`orgroot binary not found at ${bin} (build it, or set ORGROOT_BIN)`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'orgroot-js-e2e-'));
  const creds = admin ?? { accessKeyId: randomAccessKeyId(), secretAccessKey: randomSecret() };
  const argv = ['server', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir,
    '--admin-access-key-id', creds.accessKeyId,
    '--admin-secret-access-key', creds.secretAccessKey, ...args];
  if (accountId) argv.push('--account-id', accountId);
  const env = { ...process.env };
  delete env.ORGROOT_ADMIN_ACCESS_KEY_ID;
  delete env.ORGROOT_ADMIN_SECRET_ACCESS_KEY;
  const proc = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let log = '';
  const keep = (chunk) => { log = (log + chunk.toString()).slice(-8000); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
    // A failed spawn (binary missing or being relinked) reports 'error' instead of 'exit'.
    proc.on('error', (error) => resolve({ code: null, signal: null, error: String(error) }));
  });
  let exitInfo = null;
  exited.then((info) => { exitInfo = info; });

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  let healthy = false;
  let last = '';
  while (Date.now() < deadline) {
    if (exitInfo) break;
    try {
      const res = await fetch(`${endpoint}/_orgroot/health`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) { await res.json(); healthy = true; break; }
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await sleep(50);
  }
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  if (!healthy) {
    if (!exitInfo) { proc.kill('SIGKILL'); await exited; }
    cleanup();
    throw new Error(`orgroot did not become healthy (${exitInfo ? `exited ${JSON.stringify(exitInfo)}` : last})\n${log}`);
  }

  return {
    endpoint,
    port,
    dataDir,
    admin: creds,
    accountId: accountId ?? DEFAULT_ACCOUNT,
    adminArn: `arn:aws:iam::${accountId ?? DEFAULT_ACCOUNT}:user/admin`,
    log: () => log,
    async stop() {
      if (!exitInfo) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
      return exitInfo.code;
    },
    async kill() {
      if (!exitInfo) { proc.kill('SIGKILL'); await exited; }
      cleanup();
    },
  };
}

/** Client options for an AWS SDK v3 client: endpoint, region, credentials, no retries. */
export function clientConfig(server, credentials = server.admin, extra = {}) {
  return { region: REGION, endpoint: server.endpoint, credentials, maxAttempts: 1, ...extra };
}

/** Awaits `promise`, expects it to reject with an AWS service error; returns the error. */
export async function expectServiceError(promise, { name, status, message, messagePrefix }, assert) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${name}, but the call succeeded`);
  const detail = `got ${err.name} (${err.$metadata?.httpStatusCode}): ${err.message}`;
  assert.equal(err.name, name, detail);
  if (status !== undefined) assert.equal(err.$metadata?.httpStatusCode, status, detail);
  if (message !== undefined) assert.equal(err.message, message, detail);
  if (messagePrefix !== undefined) assert.ok(err.message.startsWith(messagePrefix), detail);
  return err;
}

export function readText(p) {
  return readFileSync(p, 'utf8');
}

// The bytes of a Base32 (RFC 4648) text, as virtual MFA seeds are given.
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; let value = 0; const out = [];
  for (const c of text.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

// RFC 6238 code (SHA-1, 30 s, 6 digits) of a Base32 seed, `offset` steps from `atMs`: what an
// authenticator app shows for a virtual MFA device.
export function totp(seedB32, atMs, offset = 0) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30) + offset));
  const mac = createHmac('sha1', base32Decode(seedB32)).update(msg).digest();
  const o = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
