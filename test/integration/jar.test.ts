/**
 * Signed authorization requests (RFC 9101) through the built CLI against the real oidc-provider,
 * whose clients `jar-key` (RS256, the private_key_jwt key) and `jar-secret` (HS256 with the client
 * secret) must send a request object: by value in the browser's URL, and pushed with PAR
 * (RFC 9126 §3). The server verifies each signature; the browser's parameters are counted there.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { browserLogin as login } from './browser-login.js';
import { runCli, useFixture } from './cli.js';

const t = useFixture();
const browserLogin = (args: string[], env: Record<string, string> = {}) => login(t, args, env);

/** The `request` the CLI printed for the browser (the URL it opened). */
function requestObjectOf(stderr: string): string {
  const url = new URL(stderr.match(/open this URL:\s+(\S+)/)?.[1] ?? 'http://invalid');
  expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request']);
  return url.searchParams.get('request') as string;
}

const pushed = () => t.fixture.stats.endpointRequests.pushed_authorization_request ?? 0;

describe('login --request-object', () => {
  it('signed with the private key (a JWK file: RS256 and its kid); the browser carries only client_id and request', async () => {
    const c = t.fixture.clients.jarKey;
    t.fixture.resetStats();
    const res = await browserLogin(['--request-object', '--client-id', c.id, '--private-key', c.privateKeyJwk, '--param', 'prompt=consent']);
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request']]);
    expect(pushed()).toBe(0);
    const jwt = requestObjectOf(res.stderr);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'oauth-authz-req+jwt', kid: c.kid });
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({
      iss: c.id,
      aud: t.fixture.issuer,
      client_id: c.id,
      response_type: 'code',
      scope: 'openid offline_access',
      code_challenge_method: 'S256',
      prompt: 'consent',
    });
    expect(claims.nbf).toBe(claims.iat);
    expect((claims.exp as number) - (claims.nbf as number)).toBeGreaterThan(0);
    expect((claims.exp as number) - (claims.nbf as number)).toBeLessThanOrEqual(3600);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims).not.toHaveProperty('code_verifier');
    expect(t.fixture.stats.tokenRequests.authorization_code).toBe(1);
  });

  it('signed with the client secret (HS256) when the client has no key', async () => {
    const c = t.fixture.clients.jarSecret;
    t.fixture.resetStats();
    const res = await browserLogin(['--request-object', '--client-id', c.id, '-v'], { OAUTHCTL_CLIENT_SECRET: c.secret });
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request']]);
    expect(decodeProtectedHeader(requestObjectOf(res.stderr))).toEqual({ alg: 'HS256', typ: 'oauth-authz-req+jwt' });
    expect(res.stderr).toContain('signing the request object with HS256');
    expect(res.stderr).not.toContain(c.secret);
  });

  it('pushed with --par: the PAR body is the client authentication and `request`, redacted under -v; the browser gets client_id and request_uri', async () => {
    const c = t.fixture.clients.jarSecret;
    t.fixture.resetStats();
    const res = await browserLogin(['--request-object', '--par', '--client-id', c.id, '-v'], { OAUTHCTL_CLIENT_SECRET: c.secret });
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(pushed()).toBe(1);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request_uri']]);
    const trace = res.stderr.match(/> POST http:\/\/127\.0\.0\.1:\d+\/request\n((?:> [^\n]*\n)*)/)?.[1] ?? '';
    expect(trace).toContain('> authorization: Basic [redacted]\n');
    expect(trace).toMatch(/^> request=\[redacted\]$/m);
    // Nothing of the request object, its signature or the secret reaches stderr.
    expect(res.stderr).not.toMatch(/eyJ[\w-]*\.eyJ[\w-]*\.[\w-]+/);
    expect(res.stderr).not.toContain(c.secret);
  });

  it('pushed with --par, signed with the private key (a PEM file; private_key_jwt at the PAR endpoint)', async () => {
    const c = t.fixture.clients.jarKey;
    t.fixture.resetStats();
    const res = await browserLogin(['--request-object', '--par', '--client-id', c.id, '--private-key', c.privateKeyPem]);
    expect(res.code).toBe(0);
    expect(pushed()).toBe(1);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request_uri']]);
  });

  it('RAR inside the request object: authorization_details as JSON (not JSON text), validated by the server, kept in the token set', async () => {
    const c = t.fixture.clients.confidentialBasic;
    const details = [{ type: 'payment_initiation', actions: ['initiate'], locations: ['https://example.com/payments'], instructedAmount: { currency: 'EUR', amount: '9.99' }, creditorName: 'Merchant B' }];
    const res = await browserLogin(['--request-object', '--client-id', c.id, '--authorization-details', JSON.stringify(details)], { OAUTHCTL_CLIENT_SECRET: c.secret });
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(decodeJwt(requestObjectOf(res.stderr)).authorization_details).toEqual(details);
    const show = JSON.parse((await runCli(['token', 'show', '-o', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(show.authorization_details).toEqual([expect.objectContaining({ type: 'payment_initiation', creditorName: 'Merchant B' })]);
  });

  it('a client the server requires to sign, without --request-object: the server refuses (exit 3)', async () => {
    const c = t.fixture.clients.jarSecret;
    const res = await browserLogin(['--client-id', c.id], { OAUTHCTL_CLIENT_SECRET: c.secret });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/invalid_request/);
  });

  it('neither key nor secret: exit 2 before any request (not even discovery)', async () => {
    t.fixture.resetStats();
    const res = await browserLogin(['--request-object', '--client-id', t.fixture.clients.publicNative.id, '-o', 'json']);
    expect(res.code).toBe(2);
    expect((JSON.parse(res.stderr) as { error: { code: string } }).error.code).toBe('missing_request_object_key');
    expect(t.fixture.stats.endpointRequests).toEqual({});
  });
});
