/**
 * Pushed authorization requests (RFC 9126) through the built CLI against the real oidc-provider:
 * `--par` with the listener (headless Chromium) and with `--manual`, a client that requires it,
 * the profile field, PAR with DPoP, and the untrusted answer's checks. The browser is given only
 * `client_id` and `request_uri` (counted at the server).
 */
import { describe, expect, it } from 'vitest';
import { completeAuthorization } from '../fixtures/user-agent.js';
import { browserLogin as login } from './browser-login.js';
import { chromiumBrowserCommand } from '../support/chromium.js';
import { runCli, startCli, useFixture } from './cli.js';

const t = useFixture();
const browserLogin = (args: string[], env: Record<string, string> = {}) => login(t, args, env);

const pushed = () => t.fixture.stats.endpointRequests.pushed_authorization_request ?? 0;
const errorOf = (stderr: string) => (JSON.parse(stderr) as { error: { code: string; message: string } }).error;

describe('login --par', () => {
  it('pushes the request; the browser carries only client_id and request_uri; tokens stored', async () => {
    t.fixture.resetStats();
    const res = await browserLogin(['--par', '--client-id', t.fixture.clients.publicNative.id, '-v']);
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(pushed()).toBe(1);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request_uri']]);
    expect(res.stderr).toMatch(/open this URL:\s+http:\/\/127\.0\.0\.1:\d+\/auth\?client_id=public-native&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A\S+\s/);
    // The pushed body carries the PKCE challenge, state and redirect URI; never the verifier.
    const body = res.stderr.match(/> POST http:\/\/127\.0\.0\.1:\d+\/request\n(?:> [^\n]*\n)*?> (response_type=code[^\n]*)\n/)?.[1] ?? '';
    expect(Object.fromEntries(new URLSearchParams(body))).toMatchObject({ client_id: 'public-native', code_challenge_method: 'S256', redirect_uri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callback$/) });
    expect(body).not.toContain('code_verifier');
    expect(res.stderr).toMatch(/request_uri is valid for \d+s/);
    expect(t.fixture.stats.tokenRequests.authorization_code).toBe(1);
  });

  it('a client that requires PAR: refused without it (exit 3); logged in with the profile field par: true', async () => {
    const id = t.fixture.clients.parRequired.id;
    const refused = await browserLogin(['--client-id', id]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/invalid_request/);
    const added = await runCli(['profile', 'add', 'pushed', '--issuer', t.fixture.issuer, '--client-id', id, '--scope', 'openid', '--par'], { home: t.home });
    expect(added.code).toBe(0);
    const saved = JSON.parse((await runCli(['profile', 'show', 'pushed', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(JSON.stringify(saved)).toContain('"par":true');
    t.fixture.resetStats();
    const ok = await runCli(['login', '-p', 'pushed'], { home: t.home, env: { BROWSER: chromiumBrowserCommand() }, timeoutMs: 60_000 });
    expect(ok.stderr).toContain('Logged in as alice');
    expect(ok.code).toBe(0);
    expect(pushed()).toBe(1);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request_uri']]);
  });

  it('with --manual: the printed URL holds only client_id and request_uri; the pasted redirect completes', async () => {
    t.fixture.resetStats();
    const cli = startCli(['login', '--manual', '--par', '--issuer', t.fixture.issuer, '--client-id', t.fixture.clients.publicNative.id, '--scope', 'openid'], { home: t.home });
    const url = new URL((await cli.waitForStderr(/^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m))[1] as string);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const redirected = await completeAuthorization(url.toString());
    cli.child.stdin.end(`${redirected}\n`);
    const res = await cli.done;
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(pushed()).toBe(1);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request_uri']]);
  });

  it('with --dpop: the pushed request carries a proof for the PAR endpoint and dpop_jkt; the token is DPoP-bound', async () => {
    const res = await browserLogin(['--par', '--dpop', '--client-id', t.fixture.clients.publicNative.id, '-v']);
    expect(res.code).toBe(0);
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show.token_type).toBe('DPoP');
    expect(res.stderr).toMatch(new RegExp(`> POST http://127\\.0\\.0\\.1:\\d+/request\\n(?:> .*\\n)*> dpop: \\{[^\\n]*"htu":"http://127\\.0\\.0\\.1:\\d+/request"[^\\n]*\\n(?:> .*\\n)*> [^\\n]*dpop_jkt=${show.dpop_jkt as string}`));
  });

  it('a confidential client authenticates at the PAR endpoint (client_secret_basic); the secret never shows under -v', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const res = await browserLogin(['--par', '--client-id', c.id, '-v'], { OAUTHCTL_CLIENT_SECRET: c.secret });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/> POST http:\/\/127\.0\.0\.1:\d+\/request\n(?:> [^\n]*\n)*?> authorization: Basic \[redacted\]\n/);
    expect(res.stderr).not.toContain(c.secret);
  });
});

describe('login --par with RAR (RFC 9396)', () => {
  it('authorization_details travel in the pushed body, not the browser; the server validates and grants them', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const details = [{ type: 'payment_initiation', actions: ['initiate'], locations: ['https://example.com/payments'], instructedAmount: { currency: 'EUR', amount: '1.00' }, creditorName: 'Merchant C' }];
    t.fixture.resetStats();
    const res = await browserLogin(['--par', '--client-id', c.id, '--authorization-details', JSON.stringify(details), '-v'], { OAUTHCTL_CLIENT_SECRET: c.secret });
    expect(res.code).toBe(0);
    expect(pushed()).toBe(1);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request_uri']]);
    const body = res.stderr.match(/> POST http:\/\/127\.0\.0\.1:\d+\/request\n(?:> [^\n]*\n)*?> (response_type=code[^\n]*)\n/)?.[1] ?? '';
    expect(JSON.parse(new URLSearchParams(body).get('authorization_details') ?? 'null')).toEqual(details);
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show.authorization_details).toEqual([expect.objectContaining({ creditorName: 'Merchant C' })]);
  });
});

describe('the pushed authorization response is checked (exit 4, nothing stored)', () => {
  const bad = async (body: unknown, status = 201) => {
    t.fixture.resetStats();
    t.fixture.injectFault({ route: 'pushed_authorization_request', status, contentType: 'application/json', body: JSON.stringify(body) });
    const res = await browserLogin(['--par', '--client-id', t.fixture.clients.publicNative.id, '-o', 'json']);
    expect(t.fixture.stats.authorizationParams).toEqual([]);
    const status2 = await runCli(['token', 'show', '-o', 'json'], { home: t.home });
    expect(status2.code).toBe(5);
    return res;
  };

  it.each([
    [{ expires_in: 60 }],
    [{ request_uri: '', expires_in: 60 }],
    [{ request_uri: 42, expires_in: 60 }],
  ])('%j: par_response_missing_request_uri', async (body) => {
    const res = await bad(body);
    expect(res.code).toBe(4);
    expect(errorOf(res.stderr).code).toBe('par_response_missing_request_uri');
  });

  it.each([
    [{ request_uri: 'urn:ietf:params:oauth:request_uri:x' }],
    [{ request_uri: 'urn:ietf:params:oauth:request_uri:x', expires_in: -5 }],
    [{ request_uri: 'urn:ietf:params:oauth:request_uri:x', expires_in: '60' }],
    [{ request_uri: 'urn:ietf:params:oauth:request_uri:x', expires_in: 1e12 }],
  ])('%j: par_response_invalid_expires_in', async (body) => {
    const res = await bad(body);
    expect(res.code).toBe(4);
    expect(errorOf(res.stderr).code).toBe('par_response_invalid_expires_in');
  });

  it('an OAuth error from the PAR endpoint is exit 3 with its code', async () => {
    const res = await bad({ error: 'invalid_request', error_description: 'no thanks' }, 400);
    expect(res.code).toBe(3);
    expect(errorOf(res.stderr)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('pushed authorization request failed') });
  });
});
