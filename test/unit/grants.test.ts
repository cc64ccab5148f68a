/**
 * The grants behind `login` (src/app/login.ts, src/app/grants/*) against a fake AppContext: the
 * requests they send, what they refuse before sending anything, and what becomes the stored set.
 * The authorization-code grant runs with `--manual` (the pasted redirect) and with the real
 * loopback listener and a "browser" that follows the URL it is given.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/app/interaction.js';
import { login, type LoginRequest } from '../../src/app/login.js';
import { OAuthError, UsageError } from '../../src/errors.js';
import { fakeApp, ISSUER, json, NOW, TOKEN_ENDPOINT } from './fake-app.js';

const AUTHORIZE = `${ISSUER}/authorize`;
const DEVICE = `${ISSUER}/device`;
const settings = (extra: Record<string, unknown> = {}) => ({
  token_endpoint: TOKEN_ENDPOINT,
  authorization_endpoint: AUTHORIZE,
  device_authorization_endpoint: DEVICE,
  client_id: 'cli',
  discovery: false,
  ...extra,
});
const issued = (extra: Record<string, unknown> = {}) => json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, ...extra });

/** An Interaction that records what the user is told and answers from a script. */
function fakeUser(opts: { paste?: (told: string[]) => string; browser?: (url: string) => Promise<void>; waitSeconds?: number } = {}) {
  const told: string[] = [];
  const slept: number[] = [];
  const io: Interaction = {
    tell: (m) => told.push(m),
    progress: () => undefined,
    ...(opts.browser ? { openBrowser: opts.browser } : {}),
    readPastedRedirect: async () => {
      if (!opts.paste) throw new Error('unexpected prompt for a pasted redirect');
      return opts.paste(told);
    },
    signal: new AbortController().signal,
    sleep: async (ms) => {
      slept.push(ms);
    },
    waitSeconds: opts.waitSeconds ?? 10,
  };
  return { io, told, slept };
}

/** The authorization URL the user was told to open. */
function toldUrl(told: string[]): URL {
  const line = told.join('\n').match(/https?:\/\/\S+/g)?.find((u) => u.startsWith(AUTHORIZE));
  if (!line) throw new Error(`no authorization URL in ${JSON.stringify(told)}`);
  return new URL(line);
}

describe('login: which grant', () => {
  it.each([
    ['refresh_token', /token refresh/],
    ['bogus', /unknown grant 'bogus'/],
  ])('%s is refused before any request', async (grant, message) => {
    const app = fakeApp();
    await expect(login({ settings: settings(), grant }, app)).rejects.toThrow(message);
    expect(app.requests).toEqual([]);
  });

  it.each(['authorization_code', 'implicit', 'device_code'])('%s without a user is a usage error', async (grant) => {
    await expect(login({ settings: settings(), grant }, fakeApp())).rejects.toBeInstanceOf(UsageError);
  });
});

describe('client_credentials (RFC 6749 §4.4)', () => {
  it('needs a confidential client: refused before any request', async () => {
    const app = fakeApp();
    await expect(login({ settings: settings(), grant: 'client_credentials' }, app)).rejects.toThrow(/confidential client/);
    expect(app.requests).toEqual([]);
  });

  it('sends scope, audience and resource with client_secret_basic, and the set remembers how to renew', async () => {
    const app = fakeApp([issued({ scope: 'people:read' })]);
    const req: LoginRequest = {
      settings: settings({ scope: 'people:read', audience: 'https://api', resource: 'https://api/v1' }),
      grant: 'client_credentials',
      clientSecret: 'p@ss:word',
    };
    const tokens = await login(req, app);
    expect(Object.fromEntries(app.form(0))).toEqual({ grant_type: 'client_credentials', scope: 'people:read', audience: 'https://api', resource: 'https://api/v1' });
    // RFC 6749 §2.3.1: id and secret form-urlencoded before Base64.
    expect(app.requests[0]?.headers?.authorization).toBe(`Basic ${Buffer.from('cli:p%40ss%3Aword').toString('base64')}`);
    expect(tokens).toEqual({
      access_token: 'at',
      token_type: 'Bearer',
      scope: 'people:read',
      expires_at: NOW + 300,
      obtained_at: NOW,
      token_endpoint: TOKEN_ENDPOINT,
      client_id: 'cli',
      client_auth: 'client_secret_basic',
      grant: 'client_credentials',
    });
  });

  it('an OAuth error answer is the server\'s error', async () => {
    const app = fakeApp([json({ error: 'invalid_scope', error_description: 'no such scope' }, 400)]);
    const err = await login({ settings: settings(), grant: 'client_credentials', clientSecret: 's' }, app).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('password (RFC 6749 §4.3)', () => {
  it.each([
    ['no username', { password: 'pw' }, /username/],
    ['no password', { username: 'bob' }, /password/],
  ])('%s: refused before any request', async (_, creds, message) => {
    const app = fakeApp();
    await expect(login({ settings: settings(), grant: 'password', ...creds }, app)).rejects.toThrow(message);
    expect(app.requests).toEqual([]);
  });

  it('sends the credentials once and never keeps the password', async () => {
    const app = fakeApp([issued({ refresh_token: 'rt' })]);
    const tokens = await login({ settings: settings({ scope: 'openid' }), grant: 'password', username: 'bob', password: 'hunter2' }, app);
    expect(Object.fromEntries(app.form(0))).toEqual({ grant_type: 'password', username: 'bob', password: 'hunter2', scope: 'openid', client_id: 'cli' });
    expect(JSON.stringify(tokens)).not.toContain('hunter2');
    expect(tokens).toMatchObject({ grant: 'password', refresh_token: 'rt', client_auth: 'none' });
    expect(app.redactor.scrub('hunter2')).not.toContain('hunter2');
  });
});

describe('authorization_code with --manual (RFC 6749 §4.1, RFC 7636)', () => {
  const manual = (paste: (url: URL) => string, extra: Record<string, unknown> = {}) => {
    const user = fakeUser({ paste: (told) => paste(toldUrl(told)) });
    return { user, req: { settings: settings({ scope: 'people:read', ...extra }), grant: 'authorization_code', manual: true } as LoginRequest };
  };

  it('PKCE S256 and state always; the pasted redirect\'s code is exchanged with the verifier', async () => {
    const app = fakeApp([issued()]);
    let sent: URL | undefined;
    const { user, req } = manual((url) => {
      sent = url;
      return `http://127.0.0.1/callback?code=the-code&state=${url.searchParams.get('state')}`;
    });
    await login(req, app, user.io);
    const q = Object.fromEntries(sent!.searchParams);
    expect(q).toMatchObject({ response_type: 'code', client_id: 'cli', redirect_uri: 'http://127.0.0.1/callback', scope: 'people:read', code_challenge_method: 'S256' });
    expect(q.state).toMatch(/^[\w-]{16,}$/);
    expect(q.nonce).toBeUndefined(); // no openid in scope
    const form = Object.fromEntries(app.form(0));
    expect(form).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'http://127.0.0.1/callback' });
    expect(createHash('sha256').update(form.code_verifier!).digest('base64url')).toBe(q.code_challenge);
  });

  it('a pasted bare code works too', async () => {
    const app = fakeApp([issued()]);
    const { user, req } = manual(() => 'just-the-code');
    await login(req, app, user.io);
    expect(app.form(0).get('code')).toBe('just-the-code');
  });

  it('a pasted redirect with another state is refused, and nothing is exchanged', async () => {
    const app = fakeApp();
    const { user, req } = manual(() => 'http://127.0.0.1/callback?code=stolen&state=not-ours');
    await expect(login(req, app, user.io)).rejects.toMatchObject({ code: 'callback_state_mismatch' });
    expect(app.requests).toEqual([]);
  });

  it('the server\'s error in the redirect ends the login with that error', async () => {
    const app = fakeApp();
    const { user, req } = manual((url) => `http://127.0.0.1/callback?error=access_denied&error_description=nope&state=${url.searchParams.get('state')}`);
    const err = await login(req, app, user.io).catch((e: unknown) => e);
    expect(err).toMatchObject({ error: 'access_denied' });
    expect(app.requests).toEqual([]);
  });

  it('nonce with openid; --param extras go along, but cannot override the protocol\'s own', async () => {
    const app = fakeApp([issued()]);
    let sent: URL | undefined;
    const { user, req } = manual(
      (url) => {
        sent = url;
        return 'code';
      },
      { scope: 'openid', params: { prompt: 'consent' } },
    );
    await login(req, app, user.io);
    expect(sent!.searchParams.get('nonce')).toMatch(/^[\w-]{16,}$/);
    expect(sent!.searchParams.get('prompt')).toBe('consent');
    const bad = manual(() => 'code', { params: { state: 'fixed' } });
    await expect(login(bad.req, fakeApp(), bad.user.io)).rejects.toBeInstanceOf(UsageError);
  });

  it('a non-loopback redirect URI without --manual is refused before anything is opened', async () => {
    const user = fakeUser({ browser: async () => Promise.reject(new Error('unexpected browser')) });
    const req: LoginRequest = { settings: settings({ redirect_uri: 'https://app.example/cb' }), grant: 'authorization_code' };
    await expect(login(req, fakeApp(), user.io)).rejects.toThrow(/loopback/);
  });
});

describe('authorization_code through the loopback listener (RFC 8252 §7.3)', () => {
  it('a browser that follows the URL brings the code back to 127.0.0.1; the wrong state first gets 400 and the wait goes on', async () => {
    const app = fakeApp([issued()]);
    const statuses: number[] = [];
    const user = fakeUser({
      browser: async (raw) => {
        const url = new URL(raw);
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', 'c0de');
        back.searchParams.set('state', 'forged');
        statuses.push((await fetch(back)).status);
        back.searchParams.set('state', url.searchParams.get('state')!);
        statuses.push((await fetch(back)).status);
      },
    });
    const tokens = await login({ settings: settings(), grant: 'authorization_code' }, app, user.io);
    expect(statuses).toEqual([400, 200]);
    expect(tokens.grant).toBe('authorization_code');
    expect(app.form(0).get('code')).toBe('c0de');
    expect(app.form(0).get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  });
});

describe('device_code (RFC 8628)', () => {
  it('shows the code, polls at the interval, waits through authorization_pending and slow_down', async () => {
    const app = fakeApp([
      json({ device_code: 'dc', user_code: 'ABCD-EFGH', verification_uri: `${ISSUER}/activate`, expires_in: 600, interval: 2 }),
      json({ error: 'authorization_pending' }, 400),
      json({ error: 'slow_down' }, 400),
      issued(),
    ]);
    let clock = NOW * 1000;
    app.now = () => clock;
    const user = fakeUser();
    user.io.sleep = async (ms) => {
      user.slept.push(ms);
      clock += ms;
    };
    const tokens = await login({ settings: settings(), grant: 'device_code' }, app, user.io);
    expect(tokens.grant).toBe('device_code');
    expect(user.told.join('\n')).toContain('ABCD-EFGH');
    expect(app.requests.map((r) => r.url)).toEqual([DEVICE, TOKEN_ENDPOINT, TOKEN_ENDPOINT, TOKEN_ENDPOINT]);
    expect(app.form(1).get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:device_code');
    expect(user.slept).toEqual([2000, 2000, 7000]); // slow_down adds 5 s (§3.5)
  });

  it('access_denied ends the wait with the server\'s error', async () => {
    const app = fakeApp([
      json({ device_code: 'dc', user_code: 'U', verification_uri: `${ISSUER}/activate`, expires_in: 600, interval: 1 }),
      json({ error: 'access_denied' }, 400),
    ]);
    const err = await login({ settings: settings(), grant: 'device_code' }, app, fakeUser().io).catch((e: unknown) => e);
    expect(err).toMatchObject({ error: 'access_denied' });
  });
});
