/** The authorization callback's named checks: one code each, a structured cause, never the values of secrets. */
import { describe, expect, it } from 'vitest';
import { OAuthError, ProtocolError } from '../../src/errors.js';
import { assertResponseIssuerMatches, assertStateMatches, authorizationCode, checkCallback } from '../../src/oauth/authorize.js';

const ISSUER = 'https://as.example';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('assertStateMatches (RFC 6749 §10.12)', () => {
  it.each([['missing', 'code=c'], ['wrong', 'code=c&state=other']])('%s state: callback_state_mismatch, no value shown', (_what, query) => {
    const err = thrown(() => assertStateMatches(new URLSearchParams(query), 's-123'));
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ code: 'callback_state_mismatch', cause: { check: 'assertStateMatches', attribute: 'state' } });
    expect((err as Error).message).not.toContain('s-123');
  });
});

describe('assertResponseIssuerMatches (RFC 9207 §2.4)', () => {
  it('a wrong iss: callback_iss_mismatch with expected and actual', () => {
    const err = thrown(() => assertResponseIssuerMatches(new URLSearchParams({ iss: 'https://evil.example' }), ISSUER));
    expect(err).toMatchObject({ code: 'callback_iss_mismatch', cause: { attribute: 'iss', expected: ISSUER, actual: 'https://evil.example' } });
  });

  it('a missing iss passes, unless the metadata promises it: callback_iss_missing', () => {
    expect(() => assertResponseIssuerMatches(new URLSearchParams({ code: 'c' }), ISSUER)).not.toThrow();
    const err = thrown(() => assertResponseIssuerMatches(new URLSearchParams({ code: 'c' }), ISSUER, true));
    expect(err).toMatchObject({ code: 'callback_iss_missing', cause: { check: 'assertResponseIssuerMatches', expected: ISSUER } });
  });

  it('an implicit response carrying an ID token may leave iss out (the ID token names its issuer)', () => {
    expect(() => assertResponseIssuerMatches(new URLSearchParams({ id_token: 'x.y.z', access_token: 'a' }), ISSUER, true)).not.toThrow();
  });

  it('checkCallback refuses a callback without iss when required, for the listener to answer 400', () => {
    const params = new URLSearchParams({ code: 'c', state: 's' });
    expect(checkCallback(params, { state: 's', issuer: ISSUER, issRequired: true })).toMatchObject({ ok: false });
    expect(checkCallback(params, { state: 's', issuer: ISSUER })).toEqual({ ok: true });
  });
});

describe('authorizationCode', () => {
  it('an error=… callback is the server\'s OAuthError', () => {
    const err = thrown(() => authorizationCode(new URLSearchParams({ error: 'access_denied', state: 's' })));
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ code: 'access_denied', error: 'access_denied' });
  });

  it('neither code nor error: callback_missing_code (ours, not an OAuth error)', () => {
    const err = thrown(() => authorizationCode(new URLSearchParams({ state: 's' })));
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ code: 'callback_missing_code', cause: { attribute: 'code' } });
  });
});
