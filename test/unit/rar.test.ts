/**
 * Rich Authorization Requests (RFC 9396): the shape rule for what the user gives (exit 2) and what
 * a server answers (exit 4), where the details go in requests, and what a renewal keeps.
 */
import { describe, expect, it } from 'vitest';
import { acquireToken } from '../../src/app/acquire-token.js';
import { resolveAuthorizationDetails } from '../../src/app/authorization-details.js';
import type { AppContext } from '../../src/app/context.js';
import { login } from '../../src/app/login.js';
import { validateProfile } from '../../src/config/profile.js';
import { ProtocolError, UsageError } from '../../src/errors.js';
import { buildAuthorizationUrl } from '../../src/oauth/authorize.js';
import { authorizationDetailsProblem, parseAuthorizationDetails } from '../../src/oauth/rar.js';
import { tokenExchangeParams } from '../../src/oauth/token-exchange.js';
import { processTokenResponse } from '../../src/oauth/token-response.js';
import { isStoreEntry } from '../../src/store/entry.js';
import { expired, fakeApp, json, tokenSet } from './fake-app.js';

const DETAILS = [{ type: 'payment_initiation', actions: ['initiate'], instructedAmount: { currency: 'EUR', amount: '1.00' } }];
const TEXT = JSON.stringify(DETAILS);

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('no error thrown');
}

describe('parseAuthorizationDetails (RFC 9396 §2)', () => {
  it('a JSON array of objects with a string type is taken as it is', () => {
    expect(parseAuthorizationDetails(TEXT, '--authorization-details')).toEqual(DETAILS);
  });

  it.each([
    ['[{"type":', /^--authorization-details: not valid JSON/],
    ['{"type":"a"}', /^--authorization-details is an object, not a JSON array$/],
    ['"payment"', /^--authorization-details is a string, not a JSON array$/],
    ['null', /^--authorization-details is null, not a JSON array$/],
    ['[]', /^--authorization-details is an empty array$/],
    ['[{"type":"a"},[1]]', /^--authorization-details has element 1 that is an array, not a JSON object$/],
    ['[{"actions":["x"]}]', /^--authorization-details has element 0 without a string "type"/],
    ['[{"type":""}]', /^--authorization-details has element 0 without a string "type"/],
    ['[{"type":7}]', /^--authorization-details has element 0 without a string "type"/],
    [`${'['.repeat(300)}${']'.repeat(300)}`, /nested more than 256 levels deep/],
  ])('%s → invalid_authorization_details (exit 2) naming where it came from', (text, message) => {
    const err = usageError(() => parseAuthorizationDetails(text, '--authorization-details'));
    expect(err.code).toBe('invalid_authorization_details');
    expect(err.message).toMatch(message);
  });

  it('authorizationDetailsProblem is the one rule: undefined when it holds', () => {
    expect(authorizationDetailsProblem(DETAILS)).toBeUndefined();
    expect(authorizationDetailsProblem([{ type: 'x' }, { type: 'y', deep: [[{}]] }])).toBeUndefined();
    expect(authorizationDetailsProblem([null])).toMatch(/element 0 that is null/);
  });
});

describe('resolveAuthorizationDetails: JSON text, @FILE, or the array from config.json', () => {
  const ctx = (files: Record<string, string>) =>
    ({
      sources: {
        env: {},
        readFile: async (path: string) => {
          if (path in files) return files[path] as string;
          throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
        },
        readStdinLine: async () => '',
        savedProfile: async () => undefined,
      },
    }) as unknown as AppContext;

  it('reads @FILE at each call', async () => {
    const files: Record<string, string> = { '/p.json': TEXT };
    expect(await resolveAuthorizationDetails('@/p.json', ctx(files))).toEqual(DETAILS);
    expect(await resolveAuthorizationDetails(TEXT, ctx({}))).toEqual(DETAILS);
    expect(await resolveAuthorizationDetails(DETAILS, ctx({}))).toEqual(DETAILS);
    expect(await resolveAuthorizationDetails(undefined, ctx({}))).toBeUndefined();
  });

  it('a missing file, a file that is not JSON, and an array of the wrong shape are exit 2 naming the file or field', async () => {
    await expect(resolveAuthorizationDetails('@/missing.json', ctx({}))).rejects.toMatchObject({
      code: 'invalid_authorization_details',
      message: '--authorization-details: cannot read /missing.json: ENOENT',
    });
    await expect(resolveAuthorizationDetails('@/bad.json', ctx({ '/bad.json': 'type=x' }))).rejects.toMatchObject({
      code: 'invalid_authorization_details',
      message: expect.stringMatching(/^--authorization-details @\/bad\.json: not valid JSON/),
    });
    await expect(resolveAuthorizationDetails('@', ctx({}))).rejects.toMatchObject({ code: 'invalid_authorization_details' });
    await expect(resolveAuthorizationDetails([{ actions: [] }], ctx({}))).rejects.toMatchObject({
      code: 'invalid_authorization_details',
      message: expect.stringMatching(/^authorization_details has element 0 without a string "type"/),
    });
  });
});

describe('where the details go', () => {
  it('the authorization request carries them as JSON text (RFC 9396 §3)', () => {
    const url = new URL(
      buildAuthorizationUrl({ endpoint: 'https://as.example/authorize', clientId: 'c', redirectUri: 'http://127.0.0.1/callback', responseType: 'code', state: 's', authorizationDetails: DETAILS }),
    );
    expect(JSON.parse(url.searchParams.get('authorization_details') as string)).toEqual(DETAILS);
  });

  it('a token exchange carries them as a form parameter (RFC 9396 §6)', () => {
    const params = tokenExchangeParams({ subjectToken: 't', subjectTokenType: 'urn:x', authorizationDetails: DETAILS });
    expect(JSON.parse(params.authorization_details as string)).toEqual(DETAILS);
    expect(tokenExchangeParams({ subjectToken: 't', subjectTokenType: 'urn:x' }).authorization_details).toBeUndefined();
  });

  it('client_credentials sends them, keeps the answer, and keeps the request for a renewal', async () => {
    const app = fakeApp([json({ access_token: 'at-cc', token_type: 'Bearer', expires_in: 300, authorization_details: DETAILS })]);
    const set = await login(
      { settings: { token_endpoint: 'https://as.example/token', client_id: 'cli', authorization_details: TEXT }, grant: 'client_credentials', clientSecret: 's' },
      app,
    );
    expect(JSON.parse(app.form(0).get('authorization_details') as string)).toEqual(DETAILS);
    expect(set.authorization_details).toEqual(DETAILS);
    expect(set.grant_inputs).toEqual({ authorization_details: TEXT });
  });

  it('a grant that cannot carry them is told once, and goes on without them', async () => {
    const app = fakeApp([json({ access_token: 'at', token_type: 'Bearer', expires_in: 300 })]);
    await login(
      { settings: { token_endpoint: 'https://as.example/token', client_id: 'cli', authorization_details: TEXT }, grant: 'password', username: 'u', password: 'p', clientSecret: 's' },
      app,
    );
    expect(app.form(0).has('authorization_details')).toBe(false);
    expect(app.warnings).toEqual([expect.stringMatching(/^authorization_details are not sent with the password grant/)]);
  });

  it('bad details are exit 2 before any request', async () => {
    const app = fakeApp([]);
    await expect(
      login({ settings: { token_endpoint: 'https://as.example/token', client_id: 'cli', authorization_details: '{}' }, grant: 'client_credentials', clientSecret: 's' }, app),
    ).rejects.toMatchObject({ code: 'invalid_authorization_details' });
    expect(app.requests).toEqual([]);
  });
});

describe('checkAuthorizationDetails (RFC 9396 §7): the answer is untrusted', () => {
  const answer = (body: Record<string, unknown>) =>
    processTokenResponse(
      { status: 200, statusText: 'OK', url: 'https://as.example/token', headers: new Headers({ 'content-type': 'application/json' }), text: JSON.stringify({ access_token: 'at', token_type: 'Bearer', ...body }) },
      { endpoint: 'https://as.example/token', name: 'token endpoint', operation: 'token request', warn: () => {} },
    );

  it('kept as sent; absent, null or empty means none', () => {
    expect(answer({ authorization_details: DETAILS }).authorization_details).toEqual(DETAILS);
    expect(answer({}).authorization_details).toBeUndefined();
    expect(answer({ authorization_details: null }).authorization_details).toBeUndefined();
    expect(answer({ authorization_details: [] }).authorization_details).toBeUndefined();
  });

  it.each([
    [{ type: 'payment_initiation' }],
    ['payment_initiation'],
    [[{ actions: ['x'] }]],
    [[{ type: 7 }]],
    [['payment_initiation']],
  ])('%j → token_response_invalid_authorization_details (exit 4)', (value) => {
    let caught: unknown;
    try {
      answer({ authorization_details: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect(caught).toMatchObject({ code: 'token_response_invalid_authorization_details', cause: { check: 'checkAuthorizationDetails', attribute: 'authorization_details' } });
  });
});

describe('a refresh keeps the details (RFC 9396 §7)', () => {
  it('an answer without authorization_details keeps the old ones', async () => {
    const app = fakeApp([json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 60 })], { default: { tokens: expired({ authorization_details: DETAILS }) } });
    const tokens = await acquireToken({ profile: 'default', settings: {} }, app);
    expect(tokens).toMatchObject({ access_token: 'at-new', authorization_details: DETAILS });
    expect((await app.memory.get('default'))?.tokens?.authorization_details).toEqual(DETAILS);
  });

  it('an answer with other (narrower) details replaces them', async () => {
    const narrower = [{ type: 'payment_initiation', actions: ['status'] }];
    const app = fakeApp([json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 60, authorization_details: narrower })], {
      default: { tokens: expired({ authorization_details: DETAILS }) },
    });
    expect((await acquireToken({ profile: 'default', settings: {} }, app)).authorization_details).toEqual(narrower);
  });
});

describe('stored and configured shapes', () => {
  it('a stored set whose authorization_details is not an array of typed objects is not a store entry (damaged, never a crash)', () => {
    expect(isStoreEntry({ tokens: tokenSet({ authorization_details: DETAILS }) })).toBe(true);
    for (const bad of ['payment', { type: 'x' }, [{ actions: [] }], [null], [{ type: 1 }]]) {
      expect(isStoreEntry({ tokens: { ...tokenSet(), authorization_details: bad } })).toBe(false);
    }
  });

  it('a profile holds JSON text, @FILE or the array; anything else is exit 2', () => {
    expect(() => validateProfile({ authorization_details: TEXT }, 'config.json')).not.toThrow();
    expect(() => validateProfile({ authorization_details: '@details.json' }, 'config.json')).not.toThrow();
    expect(() => validateProfile({ authorization_details: DETAILS }, 'config.json')).not.toThrow();
    for (const bad of [7, '', { type: 'x' }]) {
      const err = usageError(() => validateProfile({ authorization_details: bad } as never, 'profile bank'));
      expect(err.code).toBe('invalid_authorization_details');
      expect(err.message).toMatch(/^profile bank: authorization_details must be/);
    }
  });
});
