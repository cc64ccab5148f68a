/**
 * Rich Authorization Requests (RFC 9396) through the built CLI against the fixture's oidc-provider,
 * whose `features.richAuthorizationRequests` knows one type, `payment_initiation`, and validates it:
 * `--authorization-details JSON|@FILE` in a browser login (headless Chromium), client_credentials
 * and token_exchange; the answer's details kept, shown and renewed; bad input refused before any
 * request; an unknown type refused by the server.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumBrowserCommand } from '../support/chromium.js';
import { runCli, useFixture } from './cli.js';
import { introspectAsServer } from './lifecycle-helpers.js';
import { expireStored, storedEntry } from './more-grants-helpers.js';

const t = useFixture();

/** RFC 9396 §2's example, as the fixture's validator wants it. */
const PAYMENT = [
  {
    type: 'payment_initiation',
    actions: ['initiate', 'status'],
    locations: ['https://example.com/payments'],
    instructedAmount: { currency: 'EUR', amount: '123.50' },
    creditorName: 'Merchant A',
  },
];
const PAYMENT_JSON = JSON.stringify(PAYMENT);

const cc = () => t.fixture.clients.confidentialBasic;
const ccLogin = (extra: string[]) =>
  runCli(['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', cc().id, ...extra], {
    home: t.home,
    env: { OAUTHCTL_CLIENT_SECRET: cc().secret },
  });

async function showJson(): Promise<Record<string, unknown>> {
  const res = await runCli(['token', 'show', '-o', 'json', '--reveal'], { home: t.home });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

const seenAt = (route: string) => t.fixture.grantLog.rar.filter((r) => r.route === route).map((r) => r.detail);

describe('--authorization-details with client_credentials (RFC 9396 §6)', () => {
  it('sent with the token request, validated by the server; the answer kept, shown (text and JSON), bound to the token', async () => {
    const before = seenAt('token').length;
    const res = await ccLogin(['--authorization-details', PAYMENT_JSON, '-o', 'json']);
    expect(res.stderr).not.toMatch(/^oauthctl:/m);
    expect(res.code).toBe(0);
    expect(seenAt('token').slice(before)).toEqual(PAYMENT);
    expect((JSON.parse(res.stdout) as Record<string, unknown>).authorization_details).toEqual(PAYMENT);

    const set = await showJson();
    expect(set.authorization_details).toEqual(PAYMENT);
    expect(await introspectAsServer(t.fixture, set.access_token as string)).toMatchObject({ active: true, authorization_details: PAYMENT });

    const text = await runCli(['token', 'show'], { home: t.home });
    // One short line per detail: its type, then its members, cut at 120 characters.
    const line = text.stdout.split('\n').find((l) => l.startsWith('Authorization')) as string;
    expect(line).toMatch(/^Authorization\s+1\. payment_initiation: actions initiate,status; locations https:\/\/example\.com\/payments; instructedAmount \{"currency":"E/);
    expect(line.replace(/^Authorization\s+/, '')).toHaveLength(120);
    expect(line.endsWith('…')).toBe(true);
  });

  it('@FILE: read at each use, so an expired token is renewed with the details asked again', async () => {
    const file = join(t.home, 'payment.json');
    writeFileSync(file, `${JSON.stringify(PAYMENT, null, 2)}\n`);
    const res = await ccLogin(['--authorization-details', `@${file}`]);
    expect(res.code, res.stderr).toBe(0);
    expect((await showJson()).authorization_details).toEqual(PAYMENT);
    // The set keeps the reference, not a copy: a renewal reads the file again.
    expect(storedEntry(t.home).tokens?.grant_inputs).toEqual({ authorization_details: `@${file}` });

    const changed = [{ ...PAYMENT[0], instructedAmount: { currency: 'EUR', amount: '9.99' } }];
    writeFileSync(file, JSON.stringify(changed));
    expireStored(t.home);
    const before = seenAt('token').length;
    const token = await runCli(['token'], { home: t.home });
    expect(token.code, token.stderr).toBe(0);
    expect(seenAt('token').slice(before)).toEqual(changed);
    expect((await showJson()).authorization_details).toEqual(changed);
  });

  it('a profile saved with inline JSON keeps the array itself in config.json; its login sends it', async () => {
    const add = await runCli(
      ['profile', 'add', 'bank', '--issuer', t.fixture.issuer, '--client-id', cc().id, '--grant', 'client_credentials', '--authorization-details', PAYMENT_JSON],
      { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: cc().secret } },
    );
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8')).profiles.bank.authorization_details).toEqual(PAYMENT);
    const before = seenAt('token').length;
    const res = await runCli(['login', '-p', 'bank'], { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    expect(seenAt('token').slice(before)).toEqual(PAYMENT);
  });
});

describe('bad --authorization-details: exit 2, one line naming the flag or file, no request made', () => {
  it.each([
    ['not JSON', '[{"type":', /--authorization-details: not valid JSON/],
    ['not an array', '{"type":"payment_initiation"}', /--authorization-details is an object, not a JSON array/],
    ['an element without a type', '[{"actions":["initiate"]}]', /--authorization-details has element 0 without a string "type"/],
    ['an element that is not an object', '["payment_initiation"]', /--authorization-details has element 0 that is a string, not a JSON object/],
    ['an empty array', '[]', /--authorization-details is an empty array/],
    ['a missing file', '@/nonexistent/payment.json', /--authorization-details: cannot read \/nonexistent\/payment\.json: ENOENT/],
  ])('%s', async (_what, value, message) => {
    t.fixture.resetStats();
    const res = await ccLogin(['--authorization-details', value]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.split('\n').filter(Boolean).every((line) => /^(oauthctl|hint): /.test(line))).toBe(true);
    expect(t.fixture.stats.endpointRequests).toEqual({});
  });

  it('a file that is not JSON is named in the error', async () => {
    const file = join(t.home, 'bad.json');
    writeFileSync(file, 'type=payment_initiation\n');
    t.fixture.resetStats();
    const res = await ccLogin(['--authorization-details', `@${file}`, '-o', 'json']);
    expect(res.code).toBe(2);
    const error = (JSON.parse(res.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('invalid_authorization_details');
    expect(error.message).toContain(`--authorization-details @${file}: not valid JSON`);
    expect(t.fixture.stats.endpointRequests).toEqual({});
  });
});

describe('the server decides what it grants', () => {
  it('an unknown type is refused by the server: exit 3 (invalid_authorization_details), nothing stored', async () => {
    const res = await ccLogin(['--authorization-details', '[{"type":"account_information","actions":["read"]}]']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/invalid_authorization_details/);
    expect((await runCli(['token'], { home: t.home })).code).toBe(5);
  });

  it("a detail the type's validator refuses (no instructedAmount): exit 3", async () => {
    const res = await ccLogin(['--authorization-details', '[{"type":"payment_initiation"}]']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/invalid_authorization_details/);
  });

  it('an answer whose authorization_details is not an array of typed objects: exit 4 naming the check, nothing stored', async () => {
    t.fixture.injectFault({
      route: 'token',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: 300, authorization_details: [{ actions: ['x'] }] }),
    });
    const res = await ccLogin(['-o', 'json']);
    expect(res.code).toBe(4);
    expect(JSON.parse(res.stderr)).toMatchObject({ error: { code: 'token_response_invalid_authorization_details' } });
    expect((await runCli(['token'], { home: t.home })).code).toBe(5);
  });

  it('details a server sends are shown with their control characters escaped, in full in -o json', async () => {
    const hostile = [{ type: 'payment_initiation', creditorName: 'Evil\u001b[2J\u001b]52;c;aGk=\u0007 Corp\nForged: line' }];
    t.fixture.injectFault({
      route: 'token',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ access_token: 'opaque-token', token_type: 'Bearer', expires_in: 300, authorization_details: hostile }),
    });
    expect((await ccLogin([])).code).toBe(0);
    const text = await runCli(['token', 'show'], { home: t.home });
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text.stdout).toContain('creditorName Evil\\u001b[2J\\u001b]52;c;aGk=\\u0007 Corp Forged: line');
    expect(text.stdout).not.toMatch(/^Forged/m);
    expect((await showJson()).authorization_details).toEqual(hostile);
  });

  it('a stored set whose authorization_details is not an array is set aside, never a crash', async () => {
    expect((await ccLogin(['--authorization-details', PAYMENT_JSON])).code).toBe(0);
    const file = join(t.home, 'tokens.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { profiles: { default: { tokens: Record<string, unknown> } } };
    stored.profiles.default.tokens.authorization_details = 'payment_initiation';
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
    const res = await runCli(['token', 'show'], { home: t.home });
    expect(res.code).toBe(5);
    expect(res.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(res.stderr).toMatch(/tokens\.json/);
  });
});

describe('--authorization-details with token_exchange (RFC 9396 §6, RFC 8693)', () => {
  it('sent with the exchange; the fixture grant validates and returns them; kept and shown', async () => {
    const x = t.fixture.clients.exchangerBasic;
    const subject = join(t.home, 'ci.jwt');
    writeFileSync(subject, await t.fixture.ciIssuer.mint({ aud: t.fixture.issuer }));
    const before = seenAt('token').length;
    const res = await runCli(
      ['login', '--grant', 'token_exchange', '--issuer', t.fixture.issuer, '--client-id', x.id, '--subject-token', `@${subject}`, '--subject-token-type', 'id_token', '--authorization-details', PAYMENT_JSON, '-o', 'json'],
      { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: x.secret } },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(seenAt('token').slice(before)).toEqual(PAYMENT);
    expect(t.fixture.grantLog.exchanges.at(-1)).toMatchObject({ authorization_details: PAYMENT, resource: [t.fixture.apiBaseUrl] });
    const set = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(set).toMatchObject({ authorization_details: PAYMENT, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
    expect(await showJson()).toMatchObject({ authorization_details: PAYMENT, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
    expect(await introspectAsServer(t.fixture, set.access_token as string)).toMatchObject({ active: true, authorization_details: PAYMENT });
  });
});

describe('--authorization-details in a browser login (RFC 9396 §3), headless Chromium', () => {
  const browserLogin = (extra: string[]) =>
    runCli(['login', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid offline_access', ...extra], {
      home: t.home,
      env: { BROWSER: chromiumBrowserCommand() },
      timeoutMs: 60_000,
    });

  it('the authorization request carries them; the consented details come back, are stored, shown, and kept by a refresh', async () => {
    const before = seenAt('authorization').length;
    const res = await browserLogin(['--authorization-details', PAYMENT_JSON, '-o', 'json']);
    expect(res.stderr).not.toMatch(/^oauthctl:/m);
    expect(res.code).toBe(0);
    expect(seenAt('authorization').slice(before)).toEqual(PAYMENT);
    expect(res.stderr).toContain(new URLSearchParams({ authorization_details: PAYMENT_JSON }).toString());
    expect((JSON.parse(res.stdout) as Record<string, unknown>).authorization_details).toEqual(PAYMENT);

    expect(await showJson()).toMatchObject({ subject: 'alice', authorization_details: PAYMENT });
    const text = await runCli(['token', 'show'], { home: t.home });
    expect(text.stdout).toMatch(/^Authorization\s+1\. payment_initiation: actions initiate,status;/m);

    const refreshed = await runCli(['token', 'refresh', '-o', 'json'], { home: t.home });
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect((JSON.parse(refreshed.stdout) as Record<string, unknown>).authorization_details).toEqual(PAYMENT);
    expect((await showJson()).authorization_details).toEqual(PAYMENT);
  });

  it('an unknown type is refused at the authorization endpoint: exit 3', async () => {
    const res = await browserLogin(['--authorization-details', '[{"type":"account_information"}]']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/invalid_authorization_details/);
  });
});
