/**
 * JAR (RFC 9101): the request object's claims and header, verified with jose as a server would.
 */
import { generateKeyPair, jwtVerify, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { REQUEST_OBJECT_LIFETIME_SECONDS, requestObjectClaims, secretRequestObjectKey, signRequestObject } from '../../src/oauth/request-object.js';

const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
const params = {
  response_type: 'code',
  client_id: 'cli',
  redirect_uri: 'http://127.0.0.1:5000/callback',
  scope: 'openid',
  state: 'st',
  code_challenge: 'ch',
  code_challenge_method: 'S256',
  resource: ['https://a.example', 'https://b.example'],
  claims: '{"id_token":{"acr":{"essential":true}}}',
  authorization_details: '[{"type":"payment_initiation"}]',
  login_hint: '{not json',
};
const opts = { clientId: 'cli', audience: 'https://as.example', now: NOW_MS };

describe('requestObjectClaims (RFC 9101 §4)', () => {
  it('every parameter, iss = client id, aud = issuer, iat = nbf, exp 10 minutes later, a fresh jti', () => {
    const claims = requestObjectClaims(params, opts);
    const iat = NOW_MS / 1000;
    expect(claims).toMatchObject({ ...params, claims: { id_token: { acr: { essential: true } } }, authorization_details: [{ type: 'payment_initiation' }], iss: 'cli', aud: 'https://as.example', iat, nbf: iat, exp: iat + REQUEST_OBJECT_LIFETIME_SECONDS });
    expect(REQUEST_OBJECT_LIFETIME_SECONDS).toBeLessThanOrEqual(3600); // FAPI 2.0: exp - nbf at most 60 minutes
    expect(claims.jti).not.toBe(requestObjectClaims(params, opts).jti);
  });

  it('a JSON parameter that does not parse as an object stays a string; others are never parsed', () => {
    expect(requestObjectClaims({ claims: 'nope', login_hint: '{"a":1}' }, opts)).toMatchObject({ claims: 'nope', login_hint: '{"a":1}' });
  });

  it('a --param named like a registered claim cannot replace iss or aud', () => {
    expect(requestObjectClaims({ iss: 'evil', aud: 'elsewhere' }, opts)).toMatchObject({ iss: 'cli', aud: 'https://as.example' });
  });
});

describe('signRequestObject', () => {
  it('with a private key: its alg and kid, typ oauth-authz-req+jwt; verifies with the public key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwt = await signRequestObject(params, { ...opts, key: { alg: 'ES256', key: privateKey, kid: 'k1' } });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', typ: 'oauth-authz-req+jwt', kid: 'k1' });
    const { payload } = await jwtVerify(jwt, publicKey, { issuer: 'cli', audience: 'https://as.example', currentDate: new Date(NOW_MS), typ: 'oauth-authz-req+jwt' });
    expect(payload.state).toBe('st');
  });

  it('with the client secret: HS256 over the secret; another secret does not verify', async () => {
    const jwt = await signRequestObject(params, { ...opts, key: secretRequestObjectKey('s3cret-s3cret-s3cret-s3cret-s3cret') });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'HS256', typ: 'oauth-authz-req+jwt' });
    await expect(jwtVerify(jwt, new TextEncoder().encode('s3cret-s3cret-s3cret-s3cret-s3cret'), { currentDate: new Date(NOW_MS) })).resolves.toBeDefined();
    await expect(jwtVerify(jwt, new TextEncoder().encode('other-secret-other-secret-other'), { currentDate: new Date(NOW_MS) })).rejects.toThrow();
  });
});
