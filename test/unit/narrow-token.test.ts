/**
 * Narrower tokens (src/app/narrow-token.ts), `--id-token` (src/app/acquire-id-token.ts) and
 * `git-credential erase` (src/app/reject-token.ts) against a fake AppContext with a fixed clock.
 */
import { describe, expect, it } from 'vitest';
import { acquireIdToken } from '../../src/app/acquire-id-token.js';
import { acquireNarrowToken, renewNarrowToken, tokenTarget } from '../../src/app/narrow-token.js';
import { rejectAccessToken } from '../../src/app/reject-token.js';
import { LoginRequiredError, OAuthError } from '../../src/errors.js';
import type { TokenTarget } from '../../src/store/types.js';
import { expired, fakeApp, json, NOW, TOKEN_ENDPOINT, tokenSet } from './fake-app.js';

const profile = 'default';
const req = (target: TokenTarget, settings: Record<string, unknown> = {}) => ({ profile, settings: { discovery: false, ...settings }, target });
const target = tokenTarget({ scope: ['people:read'], resource: ['https://b.example', 'https://a.example'] }) as TokenTarget;
const answer = (extra: Record<string, unknown> = {}) => json({ access_token: 'at-narrow', token_type: 'Bearer', expires_in: 600, ...extra });
const jwt = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('narrower tokens through the refresh token', () => {
  it('a refresh_token grant with exactly those values (resource repeated); stored beside the set; the rotated refresh token kept', async () => {
    const own = tokenSet();
    const app = fakeApp([answer({ refresh_token: 'rt-new', scope: 'people:read' })], { [profile]: { tokens: own } });
    const got = await acquireNarrowToken(req(target), app);
    expect(got).toMatchObject({ access_token: 'at-narrow', scope: 'people:read', expires_at: NOW + 600 });
    expect(got).not.toHaveProperty('refresh_token');
    expect(app.requests[0]?.url).toBe(TOKEN_ENDPOINT);
    const form = app.form(0);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe('rt-old');
    expect(form.get('scope')).toBe('people:read');
    expect(form.getAll('resource')).toEqual(['https://a.example', 'https://b.example']);
    expect(form.has('audience')).toBe(false);
    const entry = await app.memory.get(profile);
    expect(entry?.tokens).toEqual({ ...own, refresh_token: 'rt-new' });
    expect(entry?.narrow).toEqual([{ target, tokens: got }]);
    // Cached: no second request; the profile's own token is not it.
    expect(await acquireNarrowToken(req(target), app)).toEqual(got);
    expect(app.pending()).toBe(0);
  });

  it('a scope left out of the answer is the one requested; an expired narrower token is renewed', async () => {
    const app = fakeApp([answer()], {
      [profile]: { tokens: tokenSet(), narrow: [{ target, tokens: expired({ access_token: 'at-narrow-old', refresh_token: undefined }) }] },
    });
    const got = await acquireNarrowToken(req(target), app);
    expect(got.access_token).toBe('at-narrow');
    expect(got.scope).toBe('people:read');
    expect((await app.memory.get(profile))?.narrow).toHaveLength(1);
  });

  it('after a 401 it renews unless another process already did', async () => {
    const narrow = tokenSet({ access_token: 'at-other', refresh_token: undefined });
    const app = fakeApp([], { [profile]: { tokens: tokenSet(), narrow: [{ target, tokens: narrow }] } });
    expect(await renewNarrowToken({ ...req(target), rejected: 'at-rejected' }, app)).toEqual(narrow);
    const again = fakeApp([answer()], { [profile]: { tokens: tokenSet(), narrow: [{ target, tokens: narrow }] } });
    expect((await renewNarrowToken({ ...req(target), rejected: 'at-other' }, again)).access_token).toBe('at-narrow');
  });

  it('invalid_grant: login required, the dead tokens forgotten (the client secret kept)', async () => {
    const app = fakeApp([json({ error: 'invalid_grant' }, 400)], { [profile]: { tokens: tokenSet(), client_secret: 's', narrow: [] } });
    await expect(acquireNarrowToken(req(target), app)).rejects.toBeInstanceOf(LoginRequiredError);
    expect(await app.memory.get(profile)).toEqual({ client_secret: 's' });
  });

  it('another OAuth error (invalid_scope) is the server\'s, and changes nothing', async () => {
    const entry = { tokens: tokenSet() };
    const app = fakeApp([json({ error: 'invalid_scope' }, 400)], { [profile]: entry });
    await expect(acquireNarrowToken(req(target), app)).rejects.toBeInstanceOf(OAuthError);
    expect(await app.memory.get(profile)).toEqual(entry);
  });

  it('no refresh token and no client-credentials grant: login required, nothing sent', async () => {
    const app = fakeApp([], { [profile]: { tokens: tokenSet({ refresh_token: undefined }) } });
    await expect(acquireNarrowToken(req(target), app)).rejects.toThrow(/has no refresh token to obtain a narrower token/);
  });
});

describe('narrower tokens through client credentials', () => {
  it('a new client_credentials grant for those values; the profile\'s set untouched', async () => {
    const own = tokenSet({ refresh_token: undefined, grant: 'client_credentials', client_auth: 'client_secret_post' });
    const app = fakeApp([answer()], { [profile]: { tokens: own, client_secret: 's3cret' } });
    const aud = tokenTarget({ audience: ['api-1', 'api-2'] }) as TokenTarget;
    const got = await acquireNarrowToken(req(aud, { token_endpoint: TOKEN_ENDPOINT }), app);
    expect(got.access_token).toBe('at-narrow');
    const form = app.form(0);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.getAll('audience')).toEqual(['api-1', 'api-2']);
    expect(form.has('scope')).toBe(false);
    expect(form.get('client_secret')).toBe('s3cret');
    expect((await app.memory.get(profile))?.tokens).toEqual(own);
  });
});

describe('--id-token', () => {
  it('the stored ID token while it is fresh', async () => {
    const id = jwt({ sub: 'alice', iat: NOW - 10, exp: NOW + 3000 });
    const app = fakeApp([], { [profile]: { tokens: tokenSet({ id_token: id }) } });
    expect(await acquireIdToken({ profile, settings: {} }, app)).toMatchObject({ idToken: id, expiresAt: NOW + 3000 });
  });

  it('no ID token: login required', async () => {
    const app = fakeApp([], { [profile]: { tokens: tokenSet() } });
    await expect(acquireIdToken({ profile, settings: {} }, app)).rejects.toThrow(/holds no ID token/);
  });

  it('an expired one is renewed first; a refresh answer without a new one keeps the old, which is then login required', async () => {
    const old = jwt({ sub: 'alice', iat: NOW - 4000, exp: NOW - 400 });
    const app = fakeApp([json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 3600 })], { [profile]: { tokens: tokenSet({ id_token: old }) } });
    await expect(acquireIdToken({ profile, settings: {} }, app)).rejects.toThrow(/ID token .* has expired/);
    expect(app.form(0).get('grant_type')).toBe('refresh_token');
    expect((await app.memory.get(profile))?.tokens).toMatchObject({ access_token: 'at-new', id_token: old });
  });
});

describe('git-credential erase', () => {
  it('marks the matching access token (own or narrower) rejected; keeps the refresh token; anything else changes nothing', async () => {
    const narrow = tokenSet({ access_token: 'at-narrow', refresh_token: undefined });
    const app = fakeApp([], { [profile]: { tokens: tokenSet(), narrow: [{ target, tokens: narrow }] } });
    expect(await rejectAccessToken(profile, 'not-ours', app)).toBe(false);
    expect(await rejectAccessToken(profile, 'at-old', app)).toBe(true);
    expect((await app.memory.get(profile))?.tokens).toMatchObject({ access_token: 'at-old', refresh_token: 'rt-old', rejected: true });
    expect(await rejectAccessToken(profile, 'at-narrow', app)).toBe(true);
    expect((await app.memory.get(profile))?.narrow?.[0]?.tokens.rejected).toBe(true);
    expect(await rejectAccessToken('nobody', 'at-old', app)).toBe(false);
  });
});
