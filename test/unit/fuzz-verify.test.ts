/**
 * Property-based tests of `verifyJwt` (src/jwt/verify.ts) with in-process keys: whatever the
 * token — arbitrary text, base64url-ish runs with dots, odd headers (`alg` none/HS256/odd values,
 * `crit`, `b64`, `jwk`, `kid` of any type) and claims, mutated real tokens, HMAC forgeries with the
 * public key — verify never crashes: exit 0, 2 (not a JWS) or 7 (not valid), one clean line (plus
 * a hint) and never a stack trace. Errors go through the CLI's `renderError` and the exit-7 path
 * through `assertValid`, exactly as `oauthctl verify` does.
 *
 * And the point of verify: a token that passes is byte for byte one that was signed (header and
 * payload text identical, signature bytes identical).
 *
 * Replay a failure with the seed fast-check prints: `FUZZ_SEED=<seed> npx vitest run test/unit/fuzz-verify.test.ts`.
 */
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderError } from '../../src/cli/errors.js';
import type { JwksSource } from '../../src/jwt/jwks.js';
import { assertValid, verifyJwt, type VerificationKey } from '../../src/jwt/verify.js';
import { errorOutputProblems, FUZZ_SEED, fuzzInput, isOriginal } from './fuzz-arbitraries.js';

/** At least 2,000 in CI; `FUZZ_RUNS=50000` for a deeper run. */
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const NOW = 1_800_000_000_000;
const ISSUER = 'http://127.0.0.1:1';
const AUDIENCE = 'urn:oauthctl:jwt-api';
const HMAC_SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const scrub = (s: string) => s;

type KeyChoice = 'jwks' | 'public-key' | 'jwks-file' | 'secret';
const KEY_CHOICES: KeyChoice[] = ['jwks', 'public-key', 'jwks-file', 'secret'];

interface Signed {
  token: string;
  /** The key choices this token verifies with. */
  fits: KeyChoice[];
}

let signed: Signed[] = [];
let keys: Record<KeyChoice, VerificationKey>;
let publicKeyPem = '';

beforeAll(async () => {
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const ps = await generateKeyPair('PS256', { extractable: true });
  const jwk = async (key: CryptoKey | KeyObject, kid: string, alg: string): Promise<JWK> => ({ ...(await exportJWK(key)), kid, alg, use: 'sig' });
  const set = createLocalJWKSet({ keys: [await jwk(rsa.publicKey, 'op-1', 'RS256'), await jwk(ec.publicKey, 'op-2', 'ES256'), await jwk(ps.publicKey, 'op-3', 'PS256')] });
  const jwks: JwksSource = { uri: 'memory:jwks', getKey: set };
  const { createPublicKey } = await import('node:crypto');
  publicKeyPem = await exportSPKI(rsa.publicKey);
  keys = {
    jwks: { kind: 'jwks', jwks },
    'public-key': { kind: 'public', key: createPublicKey(publicKeyPem), source: 'memory.pem' },
    'jwks-file': { kind: 'public', key: set as never, source: 'memory-jwks.json' },
    secret: { kind: 'secret', secret: new TextEncoder().encode(HMAC_SECRET) },
  };
  const iat = NOW / 1000;
  const claims = (extra: Record<string, unknown> = {}) =>
    new SignJWT({ scope: 'people:read', client_id: 'confidential-basic', ...extra }).setIssuer(ISSUER).setSubject('alice').setAudience(AUDIENCE).setIssuedAt(iat).setExpirationTime(iat + 3600);
  signed = [
    { token: await claims({ jti: 'a' }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'op-1' }).sign(rsa.privateKey), fits: ['jwks', 'public-key', 'jwks-file'] },
    { token: await claims({ jti: 'b' }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey), fits: ['jwks', 'public-key', 'jwks-file'] },
    { token: await claims({ nonce: 'n' }).setNotBefore(iat).setProtectedHeader({ alg: 'ES256', kid: 'op-2' }).sign(ec.privateKey), fits: ['jwks', 'jwks-file'] },
    { token: await claims().setProtectedHeader({ alg: 'PS256', kid: 'op-3' }).sign(ps.privateKey), fits: ['jwks', 'jwks-file'] },
    { token: await claims().setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(HMAC_SECRET)), fits: ['secret'] },
  ];
});

/** `oauthctl verify` minus the I/O: the exit code and the text the CLI would print on stderr. */
async function verifyLikeCli(
  token: string,
  key: KeyChoice,
  opts: { issuer?: string; audience?: string; json: boolean },
): Promise<{ exitCode: number; text: string; verboseText: string; reason?: string }> {
  try {
    const result = await verifyJwt(token, {
      key: keys[key],
      ...(opts.issuer !== undefined ? { issuer: opts.issuer } : {}),
      ...(opts.audience !== undefined ? { audience: opts.audience } : {}),
      clockSkewSeconds: 60,
      now: () => NOW + 10_000,
    });
    JSON.stringify(result);
    assertValid(result);
    return { exitCode: 0, text: '', verboseText: '' };
  } catch (err) {
    const rendered = renderError(err, { json: opts.json, verbose: false, scrub });
    return { ...rendered, verboseText: renderError(err, { json: opts.json, verbose: true, scrub }).text };
  }
}

describe('verifyJwt never crashes (fast-check)', () => {
  it(`exit 0, 2 or 7 with one clean line, and 0 only for what was signed, for ${NUM_RUNS} inputs`, async () => {
    const originals = () => signed.map((s) => s.token);
    const counts = { 0: 0, 2: 0, 7: 0 } as Record<number, number>;
    await fc.assert(
      fc.asyncProperty(
        fuzzInput(originals(), { publicKeyPem }),
        fc.constantFrom(...KEY_CHOICES),
        fc.record({ issuer: fc.constantFrom(undefined, ISSUER, 'https://evil.example'), audience: fc.constantFrom(undefined, AUDIENCE, 'other'), json: fc.boolean() }),
        async ({ token, base }, key, opts) => {
          const res = await verifyLikeCli(token, key, opts);
          expect([0, 2, 7]).toContain(res.exitCode);
          expect(errorOutputProblems(res.text)).toEqual([]);
          expect(errorOutputProblems(res.verboseText)).toEqual([]);
          if (res.exitCode === 0) expect(isOriginal(token, originals())).toBe(true);
          const original = signed.find((s) => s.token === base);
          if (original && token === base && original.fits.includes(key) && opts.issuer !== 'https://evil.example' && opts.audience !== 'other') {
            expect(res).toMatchObject({ exitCode: 0 });
          }
          counts[res.exitCode] = (counts[res.exitCode] ?? 0) + 1;
        },
      ),
      { numRuns: NUM_RUNS, seed: FUZZ_SEED },
    );
    // Every outcome is reached: the generators get past the parser into signatures and claims.
    expect(counts[0]).toBeGreaterThan(NUM_RUNS / 50);
    expect(counts[2]).toBeGreaterThan(NUM_RUNS / 10);
    expect(counts[7]).toBeGreaterThan(NUM_RUNS / 10);
  });

  it('HMAC forgeries with the public key (algorithm confusion) and alg none are never valid', async () => {
    const { applyMutation } = await import('./fuzz-arbitraries.js');
    for (const { token } of signed) {
      for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
        const forged = applyMutation(token, { op: 'resign', alg, secret: 'public-key-pem' }, { publicKeyPem });
        for (const key of KEY_CHOICES.filter((k) => k !== 'secret')) expect((await verifyLikeCli(forged, key, { json: false })).exitCode).toBe(7);
      }
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        const unsigned = applyMutation(token, { op: 'unsign', alg });
        for (const key of KEY_CHOICES) expect((await verifyLikeCli(unsigned, key, { json: false })).exitCode).toBe(7);
      }
    }
  });
});
