/**
 * The token lifecycle use cases (src/app/lifecycle.ts): revoke, logout, introspect, userinfo —
 * against a fake AppContext with a fixed clock and token sets minted already expired.
 */
import { describe, expect, it } from 'vitest';
import { fetchUserinfo, introspectToken, revokeTokens } from '../../src/app/lifecycle.js';
import { LoginRequiredError, OAuthError, TransportError, UsageError } from '../../src/errors.js';
import { empty, expired, fakeApp, ISSUER, json, tokenSet } from './fake-app.js';

const profile = 'default';
const REVOKE = `${ISSUER}/revoke`;
const INTROSPECT = `${ISSUER}/introspect`;
const USERINFO = `${ISSUER}/me`;
const req = (settings: Record<string, unknown> = {}) => ({ profile, settings: { discovery: false, ...settings } });

describe('revokeTokens (RFC 7009)', () => {
  it('revokes the refresh token, then the access token, then forgets them and keeps the client secret', async () => {
    const app = fakeApp([empty(), empty()], { [profile]: { tokens: tokenSet({ client_auth: 'client_secret_post' }), client_secret: 's3cret' } });
    const result = await revokeTokens(req({ revocation_endpoint: REVOKE }), app, { lenient: false });
    expect(result).toEqual({ revoked: ['refresh_token', 'access_token'] });
    expect(app.requests.map((r) => r.url)).toEqual([REVOKE, REVOKE]);
    expect(Object.fromEntries(app.form(0))).toMatchObject({ token: 'rt-old', token_type_hint: 'refresh_token', client_id: 'cli', client_secret: 's3cret' });
    expect(Object.fromEntries(app.form(1))).toMatchObject({ token: 'at-old', token_type_hint: 'access_token' });
    expect(await app.memory.get(profile)).toEqual({ client_secret: 's3cret' });
  });

  it('an expired access token is revoked too (revocation does not renew first), and the entry removed when nothing else is left', async () => {
    const app = fakeApp([empty()], { [profile]: { tokens: expired({ refresh_token: undefined }) } });
    expect(await revokeTokens(req({ revocation_endpoint: REVOKE }), app, { lenient: false })).toEqual({ revoked: ['access_token'] });
    expect(await app.memory.get(profile)).toBeUndefined();
  });

  it('an OAuth error from the server keeps the tokens', async () => {
    const tokens = tokenSet();
    const app = fakeApp([json({ error: 'unsupported_token_type' }, 400)], { [profile]: { tokens } });
    await expect(revokeTokens(req({ revocation_endpoint: REVOKE }), app, { lenient: true })).rejects.toBeInstanceOf(OAuthError);
    expect((await app.memory.get(profile))?.tokens).toEqual(tokens);
  });

  it('`token revoke` without a revocation endpoint is a usage error; `logout` forgets locally', async () => {
    const strict = fakeApp([], { [profile]: { tokens: tokenSet() } });
    await expect(revokeTokens(req(), strict, { lenient: false })).rejects.toBeInstanceOf(UsageError);
    expect((await strict.memory.get(profile))?.tokens).toBeDefined();
    const lenient = fakeApp([], { [profile]: { tokens: tokenSet() } });
    expect(await revokeTokens(req(), lenient, { lenient: true })).toEqual({ revoked: [], localOnly: 'the server has no revocation endpoint' });
    expect(await lenient.memory.get(profile)).toBeUndefined();
  });

  it('`logout` with the server unreachable: forgets the tokens with one warning', async () => {
    const app = fakeApp([], { [profile]: { tokens: tokenSet() } });
    app.http.request = async () => {
      throw new TransportError('network', 'connect ECONNREFUSED 127.0.0.1:9');
    };
    const result = await revokeTokens(req({ revocation_endpoint: REVOKE }), app, { lenient: true });
    expect(result.localOnly).toContain('ECONNREFUSED');
    expect(app.warnings).toHaveLength(1);
    expect(await app.memory.get(profile)).toBeUndefined();
  });

  it('nothing stored: login required', async () => {
    await expect(revokeTokens(req({ revocation_endpoint: REVOKE }), fakeApp(), { lenient: true })).rejects.toBeInstanceOf(LoginRequiredError);
  });
});

describe('introspectToken (RFC 7662)', () => {
  it('a given token is sent as it is, without a type hint and without touching the store', async () => {
    const app = fakeApp([json({ active: false })]);
    const result = await introspectToken({ ...req({ introspection_endpoint: INTROSPECT, client_id: 'cli', client_auth: 'client_secret_basic' }), clientSecret: 's', token: 'given' }, app);
    expect(result).toEqual({ active: false });
    expect(Object.fromEntries(app.form(0))).toEqual({ token: 'given' });
  });

  it('the stored access token, renewed first when expired, with the access_token hint', async () => {
    const app = fakeApp(
      [json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 600 }), json({ active: true, sub: 'alice' })],
      { [profile]: { tokens: expired() } },
    );
    expect(await introspectToken(req({ introspection_endpoint: INTROSPECT }), app)).toMatchObject({ active: true, sub: 'alice' });
    expect(app.requests.map((r) => r.url)).toEqual([`${ISSUER}/token`, INTROSPECT]);
    expect(Object.fromEntries(app.form(1))).toMatchObject({ token: 'at-new', token_type_hint: 'access_token' });
  });
});

describe('fetchUserinfo (OIDC Core §5.3)', () => {
  const claims = { sub: 'alice', email: 'alice@example.com' };

  it('uses the stored token as a Bearer', async () => {
    const app = fakeApp([json(claims)], { [profile]: { tokens: tokenSet() } });
    expect(await fetchUserinfo(req({ userinfo_endpoint: USERINFO }), app)).toEqual(claims);
    expect(app.requests[0]?.headers?.authorization).toBe('Bearer at-old');
  });

  it('a 401 renews the token once and repeats the request', async () => {
    const app = fakeApp(
      [json({}, 401), json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 600 }), json(claims)],
      { [profile]: { tokens: tokenSet() } },
    );
    expect(await fetchUserinfo(req({ userinfo_endpoint: USERINFO }), app)).toEqual(claims);
    expect(app.requests.map((r) => r.headers?.authorization ?? r.url)).toEqual(['Bearer at-old', `${ISSUER}/token`, 'Bearer at-new']);
    expect((await app.memory.get(profile))?.tokens?.access_token).toBe('at-new');
  });

  it('a second 401 is login required, and there is no third attempt', async () => {
    const app = fakeApp(
      [json({}, 401), json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 600 }), json({}, 401)],
      { [profile]: { tokens: tokenSet() } },
    );
    await expect(fetchUserinfo(req({ userinfo_endpoint: USERINFO }), app)).rejects.toBeInstanceOf(LoginRequiredError);
    expect(app.pending()).toBe(0);
  });
});
