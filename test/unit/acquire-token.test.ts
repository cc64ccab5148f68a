/**
 * acquireToken / renewToken (SPEC "Token store", `token`): stored → refresh → grant, against a fake
 * AppContext with a fixed clock and token sets minted already expired — no server, no sleeping.
 */
import { describe, expect, it } from 'vitest';
import { acquireToken } from '../../src/app/acquire-token.js';
import { renewToken } from '../../src/app/renew-token.js';
import { LoginRequiredError, OAuthError, UsageError } from '../../src/errors.js';
import { expired, fakeApp, json, NOW, tokenSet, TOKEN_ENDPOINT } from './fake-app.js';

const profile = 'default';
const req = (extra: Record<string, unknown> = {}) => ({ profile, settings: {}, ...extra });
const refreshed = (extra: Record<string, unknown> = {}) =>
  json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 600, refresh_token: 'rt-new', ...extra });

describe('acquireToken', () => {
  it('returns a fresh stored token without any request', async () => {
    const app = fakeApp([], { [profile]: { tokens: tokenSet() } });
    expect((await acquireToken(req(), app)).access_token).toBe('at-old');
    expect(app.requests).toEqual([]);
  });

  it('an expired token is refreshed with its refresh token (RFC 6749 §6) and the result stored, rotated refresh token included', async () => {
    const app = fakeApp([refreshed()], { [profile]: { tokens: expired({ client_auth: 'client_secret_basic' }), client_secret: 's3cret' } });
    const tokens = await acquireToken(req(), app);
    expect(tokens).toMatchObject({ access_token: 'at-new', refresh_token: 'rt-new', expires_at: NOW + 600, obtained_at: NOW });
    expect(app.requests).toHaveLength(1);
    expect(app.requests[0]).toMatchObject({ method: 'POST', url: TOKEN_ENDPOINT });
    expect(Object.fromEntries(app.form(0))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-old' });
    expect(app.requests[0]!.headers?.authorization).toBe(`Basic ${Buffer.from('cli:s3cret').toString('base64')}`);
    expect(await app.memory.get(profile)).toEqual({ tokens, client_secret: 's3cret' });
  });

  it('a refresh answer without refresh_token, scope or id_token keeps the old ones', async () => {
    const app = fakeApp([json({ access_token: 'at-new', token_type: 'bearer', expires_in: 60 })], {
      [profile]: { tokens: expired({ id_token: 'old.id.token' }) },
    });
    const tokens = await acquireToken(req(), app);
    expect(tokens).toMatchObject({ access_token: 'at-new', refresh_token: 'rt-old', scope: 'openid people:read', id_token: 'old.id.token' });
    expect((await app.memory.get(profile))?.tokens?.refresh_token).toBe('rt-old');
  });

  it.each([
    ['inside the default margin (half of a 100 s lifetime)', true, tokenSet({}, 100, 55), undefined],
    ['outside the default margin', false, tokenSet({}, 100, 45), undefined],
    ['inside --min-ttl', true, tokenSet({}, 3600, 3000), 700],
    ['outside --min-ttl', false, tokenSet({}, 3600, 3000), 500],
    ['with an unknown expiry (never renewed before an API says 401)', false, tokenSet({ expires_at: null }, 0, 99_999), 3600],
  ])('a token %s: renewed = %s', async (_, renewed, tokens, minTtl) => {
    const app = fakeApp(renewed ? [refreshed()] : [], { [profile]: { tokens } });
    const got = await acquireToken(req(minTtl === undefined ? {} : { minTtl }), app);
    expect(got.access_token).toBe(renewed ? 'at-new' : 'at-old');
  });

  it('an expired client_credentials token without refresh token: a new client_credentials grant', async () => {
    const tokens = expired({ refresh_token: undefined, grant: 'client_credentials', scope: 'people:read', client_auth: 'client_secret_post' });
    const app = fakeApp([json({ access_token: 'at-cc', token_type: 'Bearer', expires_in: 300 })], { [profile]: { tokens, client_secret: 's3cret' } });
    const got = await acquireToken(req(), app);
    expect(got).toMatchObject({ access_token: 'at-cc', grant: 'client_credentials', client_id: 'cli' });
    expect(Object.fromEntries(app.form(0))).toEqual({ grant_type: 'client_credentials', scope: 'people:read', client_id: 'cli', client_secret: 's3cret' });
  });

  it('an expired token that nothing can renew: login required, the store unchanged', async () => {
    const tokens = expired({ refresh_token: undefined });
    const app = fakeApp([], { [profile]: { tokens } });
    await expect(acquireToken(req(), app)).rejects.toBeInstanceOf(LoginRequiredError);
    expect((await app.memory.get(profile))?.tokens).toEqual(tokens);
  });

  it('nothing stored: login required, without a request', async () => {
    const app = fakeApp();
    await expect(acquireToken(req(), app)).rejects.toThrow(LoginRequiredError);
    expect(app.requests).toEqual([]);
  });

  it('a stored set that does not say where to refresh, and no token endpoint known: login required', async () => {
    const app = fakeApp([], { [profile]: { tokens: expired({ token_endpoint: undefined }) } });
    await expect(acquireToken(req(), app)).rejects.toBeInstanceOf(LoginRequiredError);
  });

  it('no client id anywhere: a usage error before any request', async () => {
    const app = fakeApp([], { [profile]: { tokens: expired({ client_id: undefined }) } });
    await expect(acquireToken(req(), app)).rejects.toBeInstanceOf(UsageError);
    expect(app.requests).toEqual([]);
  });
});

describe('renewToken', () => {
  it('invalid_grant: the dead token set is removed (the secret kept), and login is required', async () => {
    const app = fakeApp([json({ error: 'invalid_grant', error_description: 'grant expired' }, 400)], {
      [profile]: { tokens: expired(), client_secret: 's3cret' },
    });
    await expect(renewToken(req(), app)).rejects.toBeInstanceOf(LoginRequiredError);
    expect(await app.memory.get(profile)).toEqual({ client_secret: 's3cret' });
  });

  it('another OAuth error keeps the tokens and is the server\'s error', async () => {
    const tokens = expired();
    const app = fakeApp([json({ error: 'invalid_client' }, 401)], { [profile]: { tokens } });
    await expect(renewToken(req(), app)).rejects.toBeInstanceOf(OAuthError);
    expect((await app.memory.get(profile))?.tokens).toEqual(tokens);
  });

  it('a token an API rejected, already replaced by another process: the stored one is used, no request', async () => {
    const app = fakeApp([], { [profile]: { tokens: tokenSet({ access_token: 'at-from-elsewhere' }) } });
    const got = await renewToken(req({ rejected: 'at-old' }), app);
    expect(got.access_token).toBe('at-from-elsewhere');
    expect(app.requests).toEqual([]);
    expect(app.notes.some((n) => n.includes('another process'))).toBe(true);
  });

  it('the very token an API rejected is refreshed even though its expiry is far', async () => {
    const app = fakeApp([refreshed()], { [profile]: { tokens: tokenSet() } });
    expect((await renewToken(req({ rejected: 'at-old' }), app)).access_token).toBe('at-new');
  });

  it('a fresh token set renewed elsewhere meanwhile: used as it is (single flight)', async () => {
    const app = fakeApp([], { [profile]: { tokens: tokenSet({ access_token: 'at-fresh' }) } });
    expect((await renewToken(req(), app)).access_token).toBe('at-fresh');
    expect(app.requests).toEqual([]);
  });

  it('force (`token refresh`) refreshes a fresh token; without a refresh token it is login required', async () => {
    const app = fakeApp([refreshed()], { [profile]: { tokens: tokenSet() } });
    expect((await renewToken(req({ force: true }), app)).access_token).toBe('at-new');
    const none = fakeApp([], { [profile]: { tokens: tokenSet({ refresh_token: undefined }) } });
    await expect(renewToken(req({ force: true }), none)).rejects.toThrow(/no refresh token/);
  });

  it('runs under the profile lock', async () => {
    const app = fakeApp([refreshed()], { [profile]: { tokens: expired() } });
    const locked: string[] = [];
    app.withProfileLock = async (p, fn) => {
      locked.push(p);
      return fn();
    };
    await renewToken(req(), app);
    expect(locked).toEqual([profile]);
  });
});
