import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError, type ProtocolCode } from '../../src/errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/types.js';
import {
  checkIdTokenAudience,
  checkIdTokenExpiry,
  checkIdTokenIssuer,
  checkIdTokenNonce,
  checkIdTokenSubjectUnchanged,
  validateIdToken,
  type IdTokenExpectations,
} from '../../src/jwt/id-token.js';
import { remoteJwks } from '../../src/jwt/jwks.js';

const ISSUER = 'https://as.example';
const CLIENT = 'client';
const JWKS_URI = 'https://as.example/jwks';
const NOW_MS = 1_700_000_000_000;
const NOW = NOW_MS / 1000;

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let keyA: KeyPair;
let keyB: KeyPair;
let jwkA: JWK;
let jwkB: JWK;

beforeAll(async () => {
  keyA = await generateKeyPair('RS256');
  keyB = await generateKeyPair('RS256');
  jwkA = { ...(await exportJWK(keyA.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwkB = { ...(await exportJWK(keyB.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' };
});

/** A JWKS endpoint whose key set can be changed (rotation); counts fetches; anything else fails. */
function jwksServer(keys: () => JWK[]): HttpClient & { fetches: number; requests: HttpRequest[] } {
  const server = {
    fetches: 0,
    requests: [] as HttpRequest[],
    async request(req: HttpRequest): Promise<HttpResponse> {
      server.requests.push(req);
      if (req.method !== 'GET' || req.url !== JWKS_URI) throw new Error(`unexpected request ${req.method} ${req.url}`);
      server.fetches += 1;
      return {
        status: 200,
        statusText: 'OK',
        url: req.url,
        headers: new Headers({ 'content-type': 'application/json' }),
        text: JSON.stringify({ keys: keys() }),
      };
    },
  };
  return server;
}

function claims(overrides: JWTPayload = {}): JWTPayload {
  return { iss: ISSUER, sub: 'alice', aud: CLIENT, iat: NOW - 10, exp: NOW + 300, nonce: 'n-0S6', ...overrides };
}

async function sign(payload: JWTPayload, key: KeyPair = keyA, header: { alg?: string; kid?: string } = { kid: 'k1' }): Promise<string> {
  const protectedHeader: { alg: string; kid?: string } = { alg: header.alg ?? 'RS256' };
  if (header.kid !== undefined) protectedHeader.kid = header.kid;
  return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key.privateKey);
}

function expectations(http: HttpClient, overrides: Partial<IdTokenExpectations> = {}): IdTokenExpectations {
  return { issuer: ISSUER, clientId: CLIENT, nonce: 'n-0S6', jwks: remoteJwks(http, JWKS_URI), now: () => NOW_MS, ...overrides };
}

/** Asserts the rejection: a ProtocolError with the check's code and cause, the reason, and no token in it. */
async function expectRejected(token: string, exp: IdTokenExpectations, code: ProtocolCode, message: string | RegExp, cause: Record<string, unknown> = {}): Promise<ProtocolError> {
  const err = await validateIdToken(token, exp).then(
    () => {
      throw new Error('the token was accepted');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProtocolError);
  const e = err as ProtocolError;
  expect(e.code).toBe(code);
  expect(e.cause).toMatchObject(cause);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  for (const part of token.split('.').filter((p) => p.length > 8)) {
    expect(e.message).not.toContain(part);
    expect(e.hint ?? '').not.toContain(part);
  }
  return e;
}

describe('validateIdToken', () => {
  it('accepts a valid token and returns its claims', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ name: 'Alice' }));
    const result = await validateIdToken(token, expectations(http));
    expect(result).toMatchObject({ iss: ISSUER, sub: 'alice', aud: CLIENT, nonce: 'n-0S6', name: 'Alice' });
    expect(http.fetches).toBe(1);
    expect(http.requests[0]?.headers).toEqual({ accept: 'application/json' });
  });

  it('accepts a nonce claim when none was expected', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims());
    await expect(validateIdToken(token, expectations(http, { nonce: undefined }))).resolves.toMatchObject({ sub: 'alice' });
  });

  it('accepts several audiences when azp is the client', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ aud: [CLIENT, 'api'], azp: CLIENT }));
    await expect(validateIdToken(token, expectations(http))).resolves.toMatchObject({ azp: CLIENT });
  });

  it('accepts a token that expired within the clock skew', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ exp: NOW - 30 }));
    await expect(validateIdToken(token, expectations(http))).resolves.toMatchObject({ sub: 'alice' });
  });

  it('caches the JWKS for every source on the same client', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims());
    await validateIdToken(token, expectations(http));
    await validateIdToken(token, expectations(http));
    expect(http.fetches).toBe(1);
  });

  it('rejects a wrong nonce: nonce mismatch', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ nonce: 'other' }));
    await expectRejected(token, expectations(http), 'id_token_nonce_mismatch', 'ID token rejected: nonce mismatch');
  });

  it('rejects a missing nonce when one was sent', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ nonce: undefined }));
    await expectRejected(token, expectations(http), 'id_token_nonce_mismatch', 'ID token rejected: nonce missing (the authorization request sent one)');
  });

  it('rejects a wrong audience: audience mismatch', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ aud: 'x' }));
    await expectRejected(token, expectations(http), 'id_token_audience_mismatch', 'ID token rejected: audience mismatch: got "x", want "client"');
  });

  it('rejects several audiences without azp', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ aud: [CLIENT, 'api'] }));
    await expectRejected(token, expectations(http), 'id_token_audience_mismatch', 'ID token rejected: several audiences (2) and no azp claim naming "client"');
  });

  it('rejects an azp that is not the client', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ aud: [CLIENT, 'api'], azp: 'api' }));
    await expectRejected(token, expectations(http), 'id_token_audience_mismatch', 'ID token rejected: authorized party mismatch: azp is "api", want "client"');
  });

  it('rejects a wrong issuer: issuer mismatch', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ iss: 'https://evil.example' }));
    const e = await expectRejected(token, expectations(http), 'id_token_issuer_mismatch', 'ID token rejected: issuer mismatch: got "https://evil.example", want "https://as.example"');
    expect(e.cause).toMatchObject({ check: 'checkIdTokenIssuer', expected: ISSUER, actual: 'https://evil.example' });
  });

  it('rejects a token expired beyond the clock skew: expired 3m ago', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ iat: NOW - 600, exp: NOW - 180 }));
    await expectRejected(token, expectations(http), 'id_token_expired', 'ID token rejected: expired 3m ago');
  });

  it('honors clockSkewSeconds', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ exp: NOW - 30 }));
    await expectRejected(token, expectations(http, { clockSkewSeconds: 0 }), 'id_token_expired', 'ID token rejected: expired 30s ago');
  });

  it('rejects a token without iat', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ iat: undefined }));
    await expectRejected(token, expectations(http), 'id_token_timestamp_invalid', 'ID token rejected: no iat claim');
  });

  it('rejects a token not valid yet', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims({ nbf: NOW + 600 }));
    await expectRejected(token, expectations(http), 'id_token_timestamp_invalid', 'ID token rejected: not valid yet (nbf is 10m ahead)');
  });

  it('rejects a signature by another key: signature invalid', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims(), keyB, { kid: 'k1' });
    const e = await expectRejected(token, expectations(http), 'id_token_signature_invalid', 'ID token rejected: signature invalid');
    expect(e.hint).toContain(JWKS_URI);
    expect(http.fetches).toBe(1);
  });

  it('rejects alg none, never fetching keys', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = new UnsecuredJWT(claims()).encode();
    await expectRejected(token, expectations(http), 'id_token_alg_not_allowed', 'ID token rejected: alg "none" (an unsigned token) is never accepted');
    expect(http.fetches).toBe(0);
  });

  it('rejects alg none even when listed in algorithms', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = new UnsecuredJWT(claims()).encode();
    await expectRejected(token, expectations(http, { algorithms: ['none', 'RS256'] }), 'id_token_alg_not_allowed', /alg "none"/);
  });

  it('rejects an HS256 token', async () => {
    const http = jwksServer(() => [jwkA]);
    const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!');
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    await expectRejected(token, expectations(http), 'id_token_alg_not_allowed', /^ID token rejected: alg "HS256" \(a shared-secret MAC\) is not accepted; want one of RS256, /);
    expect(http.fetches).toBe(0);
  });

  it('rejects an algorithm outside the allowlist', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims());
    await expectRejected(token, expectations(http, { algorithms: ['ES256'] }), 'id_token_alg_not_allowed', 'ID token rejected: alg "RS256" is not allowed; want one of ES256');
  });

  it('rejects a malformed token', async () => {
    const http = jwksServer(() => [jwkA]);
    await expectRejected('not-a-jwt', expectations(http), 'id_token_malformed', 'ID token rejected: malformed: not a signed JWT (1 parts, want 3)');
  });

  it('refetches the JWKS exactly once for an unknown kid, then succeeds after rotation', async () => {
    let keys = [jwkA];
    const http = jwksServer(() => keys);
    await validateIdToken(await sign(claims()), expectations(http));
    expect(http.fetches).toBe(1);

    keys = [jwkB]; // the server rotates its signing key
    const rotated = await sign(claims(), keyB, { kid: 'k2' });
    await expect(validateIdToken(rotated, expectations(http))).resolves.toMatchObject({ sub: 'alice' });
    expect(http.fetches).toBe(2);

    await validateIdToken(rotated, expectations(http));
    expect(http.fetches).toBe(2);
  });

  it('refetches once only when the kid is still unknown', async () => {
    const http = jwksServer(() => [jwkA]);
    await validateIdToken(await sign(claims()), expectations(http));
    const token = await sign(claims(), keyB, { kid: 'zzz' });
    await expectRejected(token, expectations(http), 'id_token_signature_invalid', `ID token rejected: signature invalid: no key in the JWKS at ${JWKS_URI} matches kid "zzz" and alg "RS256"`);
    expect(http.fetches).toBe(2);
  });

  it('does not refetch a set it has just fetched', async () => {
    const http = jwksServer(() => [jwkA]);
    const token = await sign(claims(), keyB, { kid: 'zzz' });
    await expectRejected(token, expectations(http), 'id_token_signature_invalid', /no key in the JWKS/);
    expect(http.fetches).toBe(1);
  });

  it('tries each key when several match a token without kid', async () => {
    const noKid = (jwk: JWK): JWK => ({ ...jwk, kid: undefined });
    const http = jwksServer(() => [noKid(jwkA), noKid(jwkB)]);
    const token = await sign(claims(), keyB, {});
    await expect(validateIdToken(token, expectations(http))).resolves.toMatchObject({ sub: 'alice' });
    const forged = await sign(claims(), (await generateKeyPair('RS256')), {});
    await expectRejected(forged, expectations(http), 'id_token_signature_invalid', 'ID token rejected: signature invalid');
  });

  it('a JWKS that is not JSON is a ProtocolError naming the URL', async () => {
    const http: HttpClient = {
      async request(req) {
        return { status: 200, statusText: 'OK', url: req.url, headers: new Headers({ 'content-type': 'text/html' }), text: '<html>login</html>' };
      },
    };
    const token = await sign(claims());
    const err = await validateIdToken(token, expectations(http)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('response_not_json');
    expect((err as ProtocolError).message).toContain(JWKS_URI);
  });

  it('a JSON answer without keys is a ProtocolError jwks_invalid', async () => {
    const http: HttpClient = {
      async request(req) {
        return { status: 200, statusText: 'OK', url: req.url, headers: new Headers({ 'content-type': 'application/json' }), text: '{"issuer":"x"}' };
      },
    };
    const err = await validateIdToken(await sign(claims()), expectations(http)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('jwks_invalid');
  });

  it('a failed JWKS fetch is not cached', async () => {
    let fail = true;
    let fetches = 0;
    const http: HttpClient = {
      async request(req) {
        fetches += 1;
        if (fail) return { status: 503, statusText: 'Unavailable', url: req.url, headers: new Headers(), text: '' };
        return { status: 200, statusText: 'OK', url: req.url, headers: new Headers({ 'content-type': 'application/json' }), text: JSON.stringify({ keys: [jwkA] }) };
      },
    };
    const token = await sign(claims());
    await expect(validateIdToken(token, expectations(http))).rejects.toThrow(`JWKS at ${JWKS_URI} answered HTTP 503`);
    fail = false;
    await expect(validateIdToken(token, expectations(http))).resolves.toMatchObject({ sub: 'alice' });
    expect(fetches).toBe(2);
  });
});

describe('named checks', () => {
  it('checkIdTokenIssuer', () => {
    expect(() => checkIdTokenIssuer({ iss: ISSUER }, ISSUER)).not.toThrow();
    expect(() => checkIdTokenIssuer({}, ISSUER)).toThrow('ID token rejected: issuer mismatch: got none, want "https://as.example"');
  });

  it('checkIdTokenAudience', () => {
    expect(() => checkIdTokenAudience({ aud: [CLIENT] }, CLIENT)).not.toThrow();
    expect(() => checkIdTokenAudience({ aud: ['a', 'b'] }, CLIENT)).toThrow('ID token rejected: audience mismatch: got ["a", "b"], want "client"');
  });

  it('checkIdTokenExpiry', () => {
    expect(() => checkIdTokenExpiry({ exp: NOW + 1, iat: NOW }, NOW, 0)).not.toThrow();
    expect(() => checkIdTokenExpiry({ iat: NOW }, NOW, 60)).toThrow('ID token rejected: no exp claim');
    expect(() => checkIdTokenExpiry({ exp: NOW - 7200, iat: NOW - 9000 }, NOW, 60)).toThrow('ID token rejected: expired 2h ago');
    expect(() => checkIdTokenExpiry({ exp: NOW + 900, iat: NOW + 300 }, NOW, 60)).toThrow('ID token rejected: issued in the future (iat is 5m ahead)');
  });

  it('checkIdTokenNonce', () => {
    expect(() => checkIdTokenNonce({ nonce: 'x' }, undefined)).not.toThrow();
    expect(() => checkIdTokenNonce({}, undefined)).not.toThrow();
    expect(() => checkIdTokenNonce({ nonce: 'x' }, 'x')).not.toThrow();
    expect(() => checkIdTokenNonce({ nonce: 'x' }, 'y')).toThrow('ID token rejected: nonce mismatch');
  });
});

describe('checkIdTokenSubjectUnchanged (OIDC Core §12.2)', () => {
  it('accepts the same sub, and anything when there was no original', () => {
    expect(() => checkIdTokenSubjectUnchanged({ sub: 'alice' }, 'alice')).not.toThrow();
    expect(() => checkIdTokenSubjectUnchanged({ sub: 'mallory' }, undefined)).not.toThrow();
  });

  it('refuses another sub with id_token_sub_changed, showing neither value', () => {
    let err: unknown;
    try {
      checkIdTokenSubjectUnchanged({ sub: 'mallory' }, 'alice');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ code: 'id_token_sub_changed', cause: { check: 'checkIdTokenSubjectUnchanged', attribute: 'sub' } });
    expect((err as Error).message).not.toMatch(/alice|mallory/);
  });
});
