/**
 * The real-browser driver (test/support/chromium.ts, chromium-browser.ts) against the fixture,
 * without oauthctl: a hand-built authorization request, a tiny loopback listener, headless
 * Chromium as the user. If these pass, a failing CLI test that uses the Chromium browser command
 * is about the CLI.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startFixture, type Fixture } from '../fixtures/server.js';
import {
  approveDevice,
  chromiumBrowserArgv,
  chromiumBrowserCommand,
  launchChromium,
  signInAndConsent,
  type LaunchedChromium,
} from '../support/chromium.js';

type Json = Record<string, unknown>;

let fixture: Fixture;
let metadata: { token_endpoint: string; device_authorization_endpoint: string; authorization_endpoint: string };
let logDir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  fixture = await startFixture();
  metadata = (await (await fetch(`${fixture.issuer}/.well-known/openid-configuration`)).json()) as typeof metadata;
  logDir = mkdtempSync(join(tmpdir(), 'oauthctl-chromium-test-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await fixture?.close();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

interface Callback {
  redirectUri: string;
  /** Query of every request to /callback, in order. */
  hits: URLSearchParams[];
  /** Every request path (favicon and all), for debugging. */
  paths: string[];
  next(timeoutMs?: number): Promise<URLSearchParams>;
}

/** A loopback listener on 127.0.0.1:0 that records /callback queries; closed after each test. */
async function callbackServer(): Promise<Callback> {
  const hits: URLSearchParams[] = [];
  const paths: string[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    paths.push(url.pathname);
    if (url.pathname !== '/callback') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    hits.push(url.searchParams);
    const ok = url.searchParams.has('code');
    res
      .writeHead(ok ? 200 : 400, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(`<!DOCTYPE html><title>${ok ? 'Signed in' : 'Failed'}</title><h1 id="${ok ? 'done' : 'failed'}">You can close this window.</h1>`);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    hits,
    paths,
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (hits.length === 0) {
        if (Date.now() > deadline) throw new Error('no callback arrived');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return hits[0] as URLSearchParams;
    },
  };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(redirectUri: string, challenge: string, state: string, nonce: string): string {
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: fixture.clients.publicNative.id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid offline_access',
    // offline_access needs consent; oidc-provider requires the prompt to be asked for.
    prompt: 'consent',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

async function tokenRequest(form: Record<string, string>): Promise<{ status: number; body: Json }> {
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

interface BrowserRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  log: string;
  elapsedMs: number;
}

/** Runs chromium-browser.ts exactly as the CLI would: the command's words, then the URL. */
function runBrowserCommand(url: string, env: Record<string, string> = {}): Promise<BrowserRun> {
  const logFile = join(logDir, `browser-${randomBytes(4).toString('hex')}.log`);
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('OAUTHCTL_')) childEnv[key] = value;
  }
  Object.assign(childEnv, { OAUTHCTL_TEST_BROWSER_LOG: logFile }, env);
  const [command, ...args] = chromiumBrowserArgv();
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // A different cwd on purpose: the command must not depend on where the CLI runs.
    const child = spawn(command, [...args, url], { env: childEnv, cwd: tmpdir(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 55_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8');
      } catch {
        // No log written.
      }
      resolve({ code, signal, stderr, log, elapsedMs: Date.now() - started });
    });
  });
}

function describeRun(run: BrowserRun): string {
  return `exit ${run.code} ${run.signal ?? ''} after ${run.elapsedMs} ms\nstderr:\n${run.stderr}\nlog:\n${run.log}`;
}

// ---------------------------------------------------------------------------------------------

describe('chromium-browser.ts as a browser command', () => {
  it('has a command line that works from any directory', () => {
    const command = chromiumBrowserCommand();
    expect(command).toContain('chromium-browser.ts');
    expect(command.split(' ')).toEqual(chromiumBrowserArgv());
  });

  it('signs in, consents and lands on the loopback listener; the code redeems for tokens', async () => {
    const callback = await callbackServer();
    const { verifier, challenge } = pkce();
    const state = randomBytes(12).toString('base64url');
    const nonce = randomBytes(12).toString('base64url');

    const run = await runBrowserCommand(authorizationUrl(callback.redirectUri, challenge, state, nonce));
    expect(run.code, describeRun(run)).toBe(0);
    console.info(`chromium-browser.ts authorization-code login: ${run.elapsedMs} ms (process start to exit)`);

    const query = await callback.next();
    expect(callback.hits).toHaveLength(1);
    expect(query.get('state')).toBe(state);
    expect(query.get('iss')).toBe(fixture.issuer);
    const code = query.get('code');
    expect(code).toBeTruthy();
    // The log tells what happened but never holds the code.
    expect(run.log).toMatch(/RESULT callback http:\/\/127\.0\.0\.1:\d+\/callback status 200/);
    expect(run.log).not.toContain(code as string);

    const tokens = await tokenRequest({
      grant_type: 'authorization_code',
      code: code as string,
      redirect_uri: callback.redirectUri,
      client_id: fixture.clients.publicNative.id,
      code_verifier: verifier,
    });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(tokens.body['token_type']).toBe('Bearer');
    expect(typeof tokens.body['access_token']).toBe('string');
    expect(typeof tokens.body['refresh_token']).toBe('string');
    const idToken = decodeJwt(tokens.body['id_token'] as string);
    expect(idToken.sub).toBe('alice');
    expect(idToken['nonce']).toBe(nonce);
  });

  it('signs in as another user when told to', async () => {
    const callback = await callbackServer();
    const { verifier, challenge } = pkce();
    const run = await runBrowserCommand(authorizationUrl(callback.redirectUri, challenge, 'st-bob', 'n-bob'), {
      OAUTHCTL_TEST_USERNAME: 'bob',
      OAUTHCTL_TEST_PASSWORD: 'builder',
    });
    expect(run.code, describeRun(run)).toBe(0);
    const query = await callback.next();
    const tokens = await tokenRequest({
      grant_type: 'authorization_code',
      code: query.get('code') ?? '',
      redirect_uri: callback.redirectUri,
      client_id: fixture.clients.publicNative.id,
      code_verifier: verifier,
    });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(decodeJwt(tokens.body['id_token'] as string).sub).toBe('bob');
  });

  it('denies consent: the callback carries error=access_denied and the state', async () => {
    const callback = await callbackServer();
    const { challenge } = pkce();
    const state = randomBytes(12).toString('base64url');
    const run = await runBrowserCommand(authorizationUrl(callback.redirectUri, challenge, state, 'n'), { OAUTHCTL_TEST_CONSENT: 'deny' });
    expect(run.code, describeRun(run)).toBe(0);
    const query = await callback.next();
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe(state);
    expect(query.has('code')).toBe(false);
    expect(run.log).toMatch(/status 400 params error,state/);
  });

  it('fails fast, exit 1 with a reason, on a wrong password', async () => {
    const callback = await callbackServer();
    const { challenge } = pkce();
    const run = await runBrowserCommand(authorizationUrl(callback.redirectUri, challenge, 's', 'n'), { OAUTHCTL_TEST_PASSWORD: 'nope' });
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toContain('login rejected for alice');
    expect(callback.hits).toHaveLength(0);
  });

  it('device mode: confirms verification_uri_complete, signs in, consents; polling yields tokens', async () => {
    const device = await deviceAuthorization();
    const polling = pollDeviceToken(device.device_code, device.interval);
    const run = await runBrowserCommand(device.verification_uri_complete, { OAUTHCTL_TEST_DEVICE: '1' });
    expect(run.code, describeRun(run)).toBe(0);
    console.info(`chromium-browser.ts device approval: ${run.elapsedMs} ms (process start to exit)`);
    expect(run.log).toMatch(/RESULT device success/);
    const tokens = await polling;
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(typeof tokens.body['access_token']).toBe('string');
    expect(decodeJwt(tokens.body['id_token'] as string).sub).toBe('alice');
  });

  it('device mode with consent=deny aborts: polling ends with access_denied', async () => {
    const device = await deviceAuthorization();
    const run = await runBrowserCommand(device.verification_uri_complete, { OAUTHCTL_TEST_DEVICE: '1', OAUTHCTL_TEST_CONSENT: 'deny' });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.log).toMatch(/RESULT device aborted/);
    const tokens = await pollDeviceToken(device.device_code, device.interval);
    expect(tokens.status).toBe(400);
    expect(tokens.body['error']).toBe('access_denied');
  });
});

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  interval: number;
}

async function deviceAuthorization(): Promise<DeviceAuthorization> {
  const response = await fetch(metadata.device_authorization_endpoint, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: fixture.clients.device.id, scope: 'openid offline_access' }).toString(),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as DeviceAuthorization;
  expect(body.verification_uri_complete).toContain(fixture.issuer);
  return body;
}

/** RFC 8628 §3.4 polling, bounded to 30 s: resolves with the first answer that is not pending. */
async function pollDeviceToken(deviceCode: string, intervalSeconds = 1): Promise<{ status: number; body: Json }> {
  let interval = intervalSeconds * 1000;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const answer = await tokenRequest({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: deviceCode,
      client_id: fixture.clients.device.id,
    });
    const error = answer.body['error'];
    if (error === 'slow_down') interval += 1000;
    else if (error !== 'authorization_pending') return answer;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  throw new Error('device token polling timed out');
}

describe('chromium.ts helpers in-process', () => {
  let chromium: LaunchedChromium;

  beforeAll(async () => {
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('signInAndConsent resolves once the loopback page has loaded', async () => {
    const callback = await callbackServer();
    const { challenge } = pkce();
    const page = await chromium.context.newPage();
    try {
      const result = await signInAndConsent(page, authorizationUrl(callback.redirectUri, challenge, 'in-process', 'n'));
      expect(result.callback).toBe(callback.redirectUri);
      expect(result.status).toBe(200);
      expect(result.params).toContain('code');
      expect(callback.hits[0]?.get('state')).toBe('in-process');
      expect(await page.title()).toBe('Signed in');
    } finally {
      await page.close();
    }
  });

  it('approveDevice types the user code at verification_uri when given { uri, userCode }', async () => {
    const device = await deviceAuthorization();
    // A fresh context: the session from the previous test would skip the login page.
    const context = await chromium.browser.newContext();
    try {
      const page = await context.newPage();
      const result = await approveDevice(page, { uri: device.verification_uri, userCode: device.user_code }, { username: 'bob' });
      expect(result.outcome).toBe('success');
      const tokens = await pollDeviceToken(device.device_code, device.interval);
      expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
      expect(decodeJwt(tokens.body['id_token'] as string).sub).toBe('bob');
    } finally {
      await context.close();
    }
  });

  it('close() removes the profile directory', async () => {
    const extra = await launchChromium();
    const { existsSync } = await import('node:fs');
    expect(existsSync(extra.userDataDir)).toBe(true);
    await extra.close();
    await extra.close();
    expect(existsSync(extra.userDataDir)).toBe(false);
  });
});
