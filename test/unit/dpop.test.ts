import { decodeJwt, decodeProtectedHeader, jwtVerify, EmbeddedJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { accessTokenHash, DpopSigner, htuOf } from '../../src/oauth/dpop.js';
import { demandsDpop, isAuthServerNonceChallenge, isResourceNonceChallenge } from '../../src/oauth/dpop-signals.js';
import { dpopProof } from '../../src/http/redact.js';

const NOW = 1_800_000_000_000;

describe('DpopSigner (RFC 9449 §4)', () => {
  it('a proof: dpop+jwt, public JWK only, htm, htu without query/fragment, iat from the clock, fresh jti, ath', async () => {
    const signer = await DpopSigner.generate();
    const a = await signer.proof({ method: 'get', url: 'https://api.example/p?q=1#f', accessToken: 'tok', now: NOW });
    const b = await signer.proof({ method: 'get', url: 'https://api.example/p', now: NOW });
    const header = decodeProtectedHeader(a);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'dpop+jwt' });
    expect(header.jwk).not.toHaveProperty('d');
    const { payload } = await jwtVerify(a, EmbeddedJWK, { typ: 'dpop+jwt', currentDate: new Date(NOW) });
    expect(payload).toMatchObject({ htm: 'GET', htu: 'https://api.example/p', iat: NOW / 1000, ath: accessTokenHash('tok') });
    expect(decodeJwt(b).jti).not.toBe(payload.jti);
    expect(decodeJwt(b).ath).toBeUndefined();
  });

  it('the stored key gives the same thumbprint; a damaged one is invalid_key', async () => {
    const signer = await DpopSigner.generate('EdDSA');
    const again = await DpopSigner.fromStored(signer.stored);
    expect(again.jkt).toBe(signer.jkt);
    await expect(DpopSigner.fromStored({ alg: 'ES256', jwk: { kty: 'EC' } })).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(DpopSigner.fromStored({ alg: 'HS256', jwk: signer.stored.jwk })).rejects.toMatchObject({ code: 'invalid_key' });
  });

  it('remembers nonces per origin; a nonce with a quote is ignored', async () => {
    const signer = await DpopSigner.generate();
    expect(signer.rememberNonce('https://as.example/token', new Headers({ 'dpop-nonce': 'n1' }))).toBe(true);
    expect(signer.rememberNonce('https://as.example/token', new Headers({ 'dpop-nonce': 'n1' }))).toBe(false);
    expect(signer.rememberNonce('https://api.example/x', new Headers({ 'dpop-nonce': 'bad"nonce' }))).toBe(false);
    expect(decodeJwt(await signer.proof({ method: 'POST', url: 'https://as.example/other', now: NOW })).nonce).toBe('n1');
    expect(decodeJwt(await signer.proof({ method: 'GET', url: 'https://api.example/x', now: NOW })).nonce).toBeUndefined();
  });

  it('htuOf drops query and fragment only', () => {
    expect(htuOf('https://a.example:8443/p/q?x=1#y')).toBe('https://a.example:8443/p/q');
  });
});

describe('DPoP signals', () => {
  it('isAuthServerNonceChallenge: 400 + use_dpop_nonce + DPoP-Nonce, nothing less', () => {
    const h = new Headers({ 'dpop-nonce': 'n' });
    expect(isAuthServerNonceChallenge(400, h, '{"error":"use_dpop_nonce"}')).toBe(true);
    expect(isAuthServerNonceChallenge(400, new Headers(), '{"error":"use_dpop_nonce"}')).toBe(false);
    expect(isAuthServerNonceChallenge(400, h, '{"error":"invalid_grant"}')).toBe(false);
    expect(isAuthServerNonceChallenge(401, h, '{"error":"use_dpop_nonce"}')).toBe(false);
    expect(isAuthServerNonceChallenge(400, h, '<html>')).toBe(false);
  });

  it('isResourceNonceChallenge: 401 + DPoP challenge with use_dpop_nonce + DPoP-Nonce', () => {
    const h = (www: string, nonce = 'n') => new Headers({ 'www-authenticate': www, 'dpop-nonce': nonce });
    expect(isResourceNonceChallenge(401, h('DPoP error="use_dpop_nonce", error_description="x"'))).toBe(true);
    expect(isResourceNonceChallenge(401, h('Bearer realm="x", DPoP algs="ES256", error="use_dpop_nonce"'))).toBe(true);
    expect(isResourceNonceChallenge(401, h('Bearer error="use_dpop_nonce"'))).toBe(false);
    expect(isResourceNonceChallenge(401, h('DPoP error="invalid_token"'))).toBe(false);
    expect(isResourceNonceChallenge(403, h('DPoP error="use_dpop_nonce"'))).toBe(false);
  });

  it('demandsDpop: invalid_dpop_proof, or a description naming DPoP', () => {
    expect(demandsDpop('invalid_dpop_proof', undefined)).toBe(true);
    expect(demandsDpop('invalid_grant', 'DPoP proof JWT not provided')).toBe(true);
    expect(demandsDpop('invalid_grant', 'grant request is invalid')).toBe(false);
  });

  it('-v shows a proof decoded with its signature redacted; anything else redacted whole', async () => {
    const proof = await (await DpopSigner.generate()).proof({ method: 'GET', url: 'https://a.example/', now: NOW });
    const shown = dpopProof(proof);
    expect(shown).toMatch(/^\{"alg":"ES256","typ":"dpop\+jwt","jwk":\{.*\}\}\.\{"htm":"GET".*\}\.\[redacted\] \(signature\)$/);
    expect(shown).not.toContain(proof.split('.')[2]);
    expect(dpopProof('not a jwt')).toBe('[redacted]');
  });
});
