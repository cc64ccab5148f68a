import { describe, expect, it } from 'vitest';
import { createPkce, randomNonce, randomState, s256Challenge } from '../../src/oauth/pkce.js';

describe('PKCE (RFC 7636 §4)', () => {
  it('computes the RFC 7636 Appendix B challenge', () => {
    // RFC 7636 Appendix B: BASE64URL(SHA256("dBjftJeZ…")) = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    // (checked with `openssl dgst -sha256 -binary | base64`).
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('creates a 43–128 character unreserved verifier with its S256 challenge', () => {
    const pkce = createPkce();
    expect(pkce.method).toBe('S256');
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(pkce.challenge).toBe(s256Challenge(pkce.verifier));
    expect(pkce.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('never repeats a verifier, state or nonce', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      seen.add(createPkce().verifier);
      seen.add(randomState());
      seen.add(randomNonce());
    }
    expect(seen.size).toBe(150);
    expect(randomState()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
