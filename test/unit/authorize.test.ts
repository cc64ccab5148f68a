/** src/oauth/authorize.ts: the authorization request URL and the checks on what comes back. */
import { describe, expect, it } from 'vitest';
import { OAuthError, ProtocolError, UsageError } from '../../src/errors.js';
import {
  assertResponseIssuerMatches,
  assertStateMatches,
  authorizationCode,
  buildAuthorizationUrl,
  checkCallback,
  parsePastedRedirect,
  throwIfAuthorizationError,
  type AuthorizationRequest,
} from '../../src/oauth/authorize.js';

const base: AuthorizationRequest = {
  endpoint: 'https://as.example/authorize?tenant=t1',
  clientId: 'cli',
  redirectUri: 'http://127.0.0.1:8765/callback',
  responseType: 'code',
  state: 'st8',
};
const paramsOf = (url: string) => Object.fromEntries(new URL(url).searchParams);
const q = (s: string) => new URLSearchParams(s);

describe('buildAuthorizationUrl (RFC 6749 §4.1.1, RFC 7636 §4.3)', () => {
  it('keeps the endpoint\'s own query and adds the request', () => {
    const url = buildAuthorizationUrl({
      ...base,
      scope: 'openid people:read',
      nonce: 'n0nce',
      pkce: { verifier: 'v', challenge: 'ch', method: 'S256' },
      audience: 'https://api',
      resource: 'https://api/v1',
    });
    expect(url.startsWith('https://as.example/authorize?')).toBe(true);
    expect(paramsOf(url)).toEqual({
      tenant: 't1',
      response_type: 'code',
      client_id: 'cli',
      redirect_uri: 'http://127.0.0.1:8765/callback',
      scope: 'openid people:read',
      state: 'st8',
      nonce: 'n0nce',
      audience: 'https://api',
      resource: 'https://api/v1',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });

  it('leaves out what is not given, and empty values', () => {
    expect(paramsOf(buildAuthorizationUrl({ ...base, scope: '' }))).toEqual({
      tenant: 't1',
      response_type: 'code',
      client_id: 'cli',
      redirect_uri: 'http://127.0.0.1:8765/callback',
      state: 'st8',
    });
  });

  it('encodes values instead of letting them add parameters', () => {
    const url = buildAuthorizationUrl({ ...base, scope: 'a&state=evil b', extra: { login_hint: 'x@y&prompt=none' } });
    expect(paramsOf(url)).toMatchObject({ scope: 'a&state=evil b', state: 'st8', login_hint: 'x@y&prompt=none' });
    expect(new URL(url).searchParams.getAll('state')).toEqual(['st8']);
  });

  it.each(['response_type', 'client_id', 'redirect_uri', 'state', 'nonce', 'code_challenge', 'code_challenge_method'])(
    '--param %s cannot override the protocol\'s own',
    (name) => {
      expect(() => buildAuthorizationUrl({ ...base, extra: { [name]: 'x' } })).toThrow(UsageError);
    },
  );

  it('implicit: response_type token (or id_token token for OpenID), no PKCE', () => {
    expect(paramsOf(buildAuthorizationUrl({ ...base, responseType: 'token' })).response_type).toBe('token');
    expect(paramsOf(buildAuthorizationUrl({ ...base, responseType: 'id_token token' })).response_type).toBe('id_token token');
  });
});

describe('the callback checks (RFC 6749 §10.12, RFC 9207 §2.4)', () => {
  it('accepts our state, with or without a matching iss', () => {
    expect(checkCallback(q('code=c&state=st8'), { state: 'st8' })).toEqual({ ok: true });
    expect(checkCallback(q('code=c&state=st8&iss=https%3A%2F%2Fas.example'), { state: 'st8', issuer: 'https://as.example' })).toEqual({ ok: true });
  });

  it.each([
    ['another state', 'code=c&state=other'],
    ['no state', 'code=c'],
    ['an empty state', 'code=c&state='],
    ['a second, different state after ours', 'code=c&state=st8x'],
  ])('refuses %s', (_, query) => {
    expect(checkCallback(q(query), { state: 'st8' })).toMatchObject({ ok: false, reason: expect.stringContaining('state') });
    expect(() => assertStateMatches(q(query), 'st8')).toThrow();
  });

  it('refuses an iss that is not the issuer, naming both', () => {
    const result = checkCallback(q('code=c&state=st8&iss=https%3A%2F%2Fevil.example'), { state: 'st8', issuer: 'https://as.example' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('evil.example') });
    expect(() => assertResponseIssuerMatches(q('iss=https%3A%2F%2Fas.example%2F'), 'https://as.example')).toThrow();
  });

  /** Each check's own code and cause (STYLE "Name the check"). */
  it.each([
    ['callback_state_mismatch', () => assertStateMatches(q('state=other'), 'st8'), { check: 'assertStateMatches', attribute: 'state' }],
    ['callback_state_mismatch', () => assertStateMatches(q('code=c'), 'st8'), { check: 'assertStateMatches', attribute: 'state' }],
    [
      'callback_iss_mismatch',
      () => assertResponseIssuerMatches(q('iss=https%3A%2F%2Fevil.example'), 'https://as.example'),
      { check: 'assertResponseIssuerMatches', attribute: 'iss', expected: 'https://as.example', actual: 'https://evil.example' },
    ],
    [
      'callback_iss_missing',
      () => assertResponseIssuerMatches(q('code=c'), 'https://as.example', true),
      { check: 'assertResponseIssuerMatches', attribute: 'iss', expected: 'https://as.example' },
    ],
  ])('%s is a protocol error with its cause', (code, check, cause) => {
    let thrown: unknown;
    try {
      check();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProtocolError);
    expect(thrown).toMatchObject({ code, cause });
  });

  it('RFC 9207 §3: a missing iss is refused only when the metadata promises it', () => {
    expect(checkCallback(q('code=c&state=st8'), { state: 'st8', issuer: 'https://as.example', issRequired: true })).toMatchObject({ ok: false });
    expect(checkCallback(q('code=c&state=st8'), { state: 'st8', issuer: 'https://as.example', issRequired: false })).toEqual({ ok: true });
  });

  it('an iss is not checked when no issuer is known', () => {
    expect(() => assertResponseIssuerMatches(q('iss=https%3A%2F%2Fanything'), undefined)).not.toThrow();
  });
});

describe('what an accepted callback carries', () => {
  it('the code', () => {
    expect(authorizationCode(q('code=abc&state=st8'))).toBe('abc');
  });

  it('the server\'s error (RFC 6749 §4.1.2.1) is an OAuth error carrying its code and description', () => {
    const err = (() => {
      try {
        authorizationCode(q('error=access_denied&error_description=user+said+no&state=st8'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ error: 'access_denied', errorDescription: 'user said no' });
    expect(() => throwIfAuthorizationError(q('code=abc'))).not.toThrow();
  });

  it('neither code nor error is refused', () => {
    expect(() => authorizationCode(q('state=st8'))).toThrow(/neither a code nor an error/);
  });
});

describe('parsePastedRedirect (--manual)', () => {
  it.each([
    ['the whole redirected address', 'http://127.0.0.1/callback?code=abc&state=st8', { code: 'abc', state: 'st8' }],
    ['an address with the answer in the fragment (implicit)', 'http://127.0.0.1/callback#access_token=at&state=st8', { access_token: 'at', state: 'st8' }],
    ['a custom scheme address', 'com.example.app://cb?code=abc', { code: 'abc' }],
    ['a query string', '?code=abc&state=st8', { code: 'abc', state: 'st8' }],
    ['just the code, with spaces around', '  abc123  \n', { code: 'abc123' }],
  ])('%s', (_, text, expected) => {
    expect(Object.fromEntries(parsePastedRedirect(text))).toEqual(expected);
  });

  it.each([
    ['nothing', '   '],
    ['a broken address', 'http://[::1/callback?code=x'],
  ])('%s is a usage error', (_, text) => {
    expect(() => parsePastedRedirect(text)).toThrow(UsageError);
  });
});
