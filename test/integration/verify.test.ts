/** `verify` through the built CLI, with real JWT access tokens from the fixture. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { runCli, useFixture } from './cli.js';

const t = useFixture();

/** A real RS256 access token (`at+jwt`) for the JWT resource. */
async function realJwt(): Promise<string> {
  const c = t.fixture.clients.confidentialBasic;
  const login = await runCli(
    ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', c.id, '--scope', 'people:read', '--resource', t.fixture.jwtResource, '--token-store', 'none', '-o', 'json'],
    { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: c.secret } },
  );
  expect(login.code).toBe(0);
  return (JSON.parse(login.stdout) as { access_token: string }).access_token;
}

const jwks = () => ['--jwks-uri', `${t.fixture.issuer}/jwks`];

function reasonOf(res: { stderr: string }): string {
  return res.stderr.trim().split('\n')[0] ?? '';
}

describe('verify accepts', () => {
  it('a real access token via --jwks-uri, with issuer and audience', async () => {
    const token = await realJwt();
    const res = await runCli(['verify', token, ...jwks(), '--issuer', t.fixture.issuer, '--audience', t.fixture.jwtResource], { home: t.home });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^✓ valid: RS256 signature/);
  });

  it('with keys from the issuer\'s discovery, and -o json', async () => {
    const token = await realJwt();
    const res = await runCli(['verify', '-', '--issuer', t.fixture.issuer, '-o', 'json'], { home: t.home, input: token });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ valid: true, header: { alg: 'RS256', typ: 'at+jwt' }, payload: { iss: t.fixture.issuer } });
    expect(out).not.toHaveProperty('reason');
  });

  it('with --key: a JWKS file; and an HS256 token with --secret-stdin', async () => {
    const token = await realJwt();
    const file = join(t.home, 'jwks.json');
    writeFileSync(file, await (await fetch(`${t.fixture.issuer}/jwks`)).text());
    expect((await runCli(['verify', token, '--key', file], { home: t.home })).code).toBe(0);

    const secret = 'a-shared-secret-of-at-least-32-bytes!!';
    const hs = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    expect((await runCli(['verify', hs, '--secret-stdin'], { home: t.home, input: `${secret}\n` })).code).toBe(0);
    const wrong = await runCli(['verify', hs, '--secret-stdin'], { home: t.home, input: 'another-secret-of-at-least-32-bytes' });
    expect(wrong.code).toBe(7);
    expect(reasonOf(wrong)).toBe('oauthctl: token is not valid: signature invalid');
  });
});

describe('verify rejects with exit 7 and the reason', () => {
  it('a tampered token', async () => {
    const [h, p, s] = (await realJwt()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${s}`;
    const res = await runCli(['verify', forged, ...jwks()], { home: t.home });
    expect(res.code).toBe(7);
    expect(reasonOf(res)).toBe('oauthctl: token is not valid: signature invalid');
  });

  it('alg: none', async () => {
    const none = new UnsecuredJWT({ sub: 'admin', iss: t.fixture.issuer }).setExpirationTime('5m').encode();
    const res = await runCli(['verify', none, ...jwks(), '-o', 'json'], { home: t.home });
    expect(res.code).toBe(7);
    expect(JSON.parse(res.stdout)).toMatchObject({ valid: false, reason: expect.stringContaining('alg "none"') });
  });

  it('an expired token', async () => {
    // Minted already expired: the in-process server's clock is set an hour back while it issues a
    // token that lives 60 s (no sleeping for expiry).
    t.fixture.setAccessTokenTtl(60);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 3_600_000 });
    let token: string;
    try {
      token = await realJwt();
    } finally {
      vi.useRealTimers();
      t.fixture.setAccessTokenTtl(3600);
    }
    const res = await runCli(['verify', token, ...jwks(), '--clock-skew', '0'], { home: t.home });
    expect(res.code).toBe(7);
    expect(reasonOf(res)).toMatch(/^oauthctl: token is not valid: expired (59|60)m ago$/);
  });

  it('a wrong audience, and a wrong issuer', async () => {
    const token = await realJwt();
    const aud = await runCli(['verify', token, ...jwks(), '--audience', 'https://other.example'], { home: t.home });
    expect(aud.code).toBe(7);
    expect(reasonOf(aud)).toBe(`oauthctl: token is not valid: audience mismatch: got "${t.fixture.jwtResource}", want "https://other.example"`);
    const iss = await runCli(['verify', token, ...jwks(), '--issuer', 'https://evil.example'], { home: t.home });
    expect(iss.code).toBe(7);
    expect(reasonOf(iss)).toContain('issuer mismatch');
  });

  it('HS256 signed with the server\'s public key (algorithm confusion)', async () => {
    const set = (await (await fetch(`${t.fixture.issuer}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    const { createPublicKey } = await import('node:crypto');
    const pem = createPublicKey({ key: set.keys[0] as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    const forged = await new SignJWT({ sub: 'admin', iss: t.fixture.issuer }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(pem));
    const viaJwks = await runCli(['verify', forged, ...jwks()], { home: t.home });
    expect(viaJwks.code).toBe(7);
    expect(reasonOf(viaJwks)).toContain('algorithm confusion');
    const file = join(t.home, 'public.pem');
    writeFileSync(file, pem);
    const viaPem = await runCli(['verify', forged, '--key', file, '--alg', 'HS256,RS256'], { home: t.home });
    expect(viaPem.code).toBe(7);
    expect(reasonOf(viaPem)).toContain('algorithm confusion');
  });

  // A CLI process has no JWKS cache, so its one fetch is already fresh: it is not repeated. The
  // refetch of a cached set on an unknown kid (key rotation) is covered in test/unit/id-token.test.ts.
  it('an unknown kid, after one fresh JWKS fetch', async () => {
    const token = await realJwt();
    const [h, p, s] = token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    const rekeyed = `${Buffer.from(JSON.stringify({ ...header, kid: 'rotated-away' })).toString('base64url')}.${p}.${s}`;
    const before = t.fixture.stats.endpointRequests.jwks ?? 0;
    const res = await runCli(['verify', rekeyed, ...jwks()], { home: t.home });
    expect(res.code).toBe(7);
    expect(reasonOf(res)).toContain('no key in the JWKS');
    expect(t.fixture.stats.endpointRequests.jwks).toBe(before + 1);
  });
});

describe('verify bad input', () => {
  it('garbage is exit 2; no key is exit 2 with a hint', async () => {
    expect((await runCli(['verify', 'garbage', ...jwks()], { home: t.home })).code).toBe(2);
    const token = await realJwt();
    const nokey = await runCli(['verify', token], { home: t.home });
    expect(nokey.code).toBe(2);
    expect(nokey.stderr).toContain('hint: give --jwks-uri');
  });
});
