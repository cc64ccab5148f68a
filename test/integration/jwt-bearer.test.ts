/**
 * SPEC "More grants": `login --grant jwt_bearer` (RFC 7523 §2.1) through the built CLI against the
 * fixture's oidc-provider, which verifies the assertion against the client's registered key and
 * checks iss, sub, aud (the token endpoint), exp and jti replay; and both grants with every client
 * authentication method.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { runCli, useFixture } from './cli.js';
import { claims, expireStored, URN } from './more-grants-helpers.js';

const t = useFixture();
const sa = () => t.fixture.clients.privateKeyJwt;
const lastAssertion = () => t.fixture.grantLog.jwtBearer.at(-1);

function bearer(clientId: string, extra: string[]): string[] {
  return ['login', '--grant', 'jwt_bearer', '--issuer', t.fixture.issuer, '--client-id', clientId, ...extra];
}

/** An assertion signed with the service-account key (the private_key_jwt client's), as another tool would. */
async function externalAssertion(clientId: string, claimsIn: Record<string, unknown> = {}): Promise<string> {
  const key = await importPKCS8(readFileSync(sa().privateKeyPem, 'utf8'), 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claimsIn)
    .setProtectedHeader({ alg: 'RS256', kid: sa().kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(`${t.fixture.issuer}/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .setJti(crypto.randomUUID())
    .sign(key);
}

describe('login --grant jwt_bearer', () => {
  it('signs its own assertion (iss/sub the client id, aud the token endpoint, 5 minutes, jti) and signs a new one to renew', async () => {
    const res = await runCli([...bearer(sa().id, ['--private-key', sa().privateKeyPem, '--scope', 'people:read']), '-o', 'json'], { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    const first = lastAssertion();
    expect(first).toMatchObject({ client_id: sa().id, iss: sa().id, sub: sa().id });
    expect(first?.error).toBeUndefined();
    expect(JSON.parse(res.stdout)).toMatchObject({ scope: 'people:read', token_type: 'Bearer' });

    expireStored(t.home);
    const renewed = await runCli(['token'], { home: t.home });
    expect(renewed.code, renewed.stderr).toBe(0);
    const second = lastAssertion();
    expect(second?.error).toBeUndefined();
    expect(second?.jti).toBeTypeOf('string');
    expect(second?.jti).not.toBe(first?.jti);
  });

  it('--subject, --assertion-audience and --assertion-claim shape the assertion', async () => {
    const res = await runCli(
      [
        ...bearer(sa().id, ['--private-key', sa().privateKeyJwk, '--subject', 'alice', '--assertion-audience', t.fixture.issuer]),
        '--assertion-claim',
        'scope=people:read',
        '--assertion-claim',
        'tenant=blue',
        '--audience',
        'https://api.example',
        '-o',
        'json',
      ],
      { home: t.home },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(lastAssertion()).toMatchObject({ iss: sa().id, sub: 'alice', scope_claim: 'people:read' });
    expect(claims((JSON.parse(res.stdout) as { access_token: string }).access_token)).toMatchObject({ sub: 'alice', aud: 'https://api.example' });

    const wrongAud = await runCli(bearer(sa().id, ['--private-key', sa().privateKeyPem, '--assertion-audience', 'https://elsewhere.example']), { home: t.home });
    expect(wrongAud.code).toBe(3);
    expect(wrongAud.stderr).toMatch(/invalid_grant/);
    expect(lastAssertion()?.detail).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED/);
  });

  it('sends an assertion from a source; the server refuses a replayed jti (exit 3); renewal re-reads @FILE', async () => {
    const file = join(t.home, 'assertion.jwt');
    writeFileSync(file, await externalAssertion(sa().id));
    const first = await runCli(bearer(sa().id, ['--assertion', `@${file}`, '--private-key', sa().privateKeyPem]), { home: t.home });
    expect(first.code, first.stderr).toBe(0);
    const replay = await runCli(bearer(sa().id, ['--assertion', `@${file}`, '--private-key', sa().privateKeyPem]), { home: t.home });
    expect(replay.code).toBe(3);
    expect(replay.stderr).toMatch(/invalid_grant/);
    expect(lastAssertion()).toMatchObject({ error: 'invalid_grant', detail: expect.stringMatching(/jti replay/) });

    const fresh = await externalAssertion(sa().id);
    writeFileSync(file, fresh);
    const relog = await runCli(bearer(sa().id, ['--assertion', `@${file}`, '--private-key', sa().privateKeyPem]), { home: t.home });
    expect(relog.code, relog.stderr).toBe(0);
    writeFileSync(file, await externalAssertion(sa().id));
    expireStored(t.home);
    const renewed = await runCli(['token'], { home: t.home });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(lastAssertion()?.error).toBeUndefined();
    expect(readFileSync(join(t.home, 'tokens.json'), 'utf8')).not.toContain(fresh);
  });

  it('an assertion signed with another key is refused (exit 3); a literal one is not kept (exit 5 on expiry)', async () => {
    const pub = t.fixture.clients.exchangerPublic;
    const assertion = await externalAssertion(pub.id);
    const ok = await runCli(bearer(pub.id, ['--client-auth', 'none', '--assertion', assertion]), { home: t.home });
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(t.home, 'tokens.json'), 'utf8')).not.toContain(assertion);
    expireStored(t.home);
    const expired = await runCli(['token'], { home: t.home });
    expect(expired.code).toBe(5);

    const { privateKey } = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: sa().kid }).setIssuer(pub.id).setSubject(pub.id).setAudience(`${t.fixture.issuer}/token`).setIssuedAt(now).setExpirationTime(now + 60).setJti(crypto.randomUUID()).sign(privateKey);
    const refused = await runCli(bearer(pub.id, ['--client-auth', 'none', '--assertion', 'env:ASSERTION']), { home: t.home, env: { ASSERTION: forged } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/invalid_grant/);
    expect(lastAssertion()?.detail).toMatch(/ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    expect(refused.stderr).not.toContain(forged);

    const key = await importPKCS8(readFileSync(sa().privateKeyPem, 'utf8'), 'RS256');
    const sign = (sub: string, exp: number) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: sa().kid }).setIssuer(pub.id).setSubject(sub).setAudience(`${t.fixture.issuer}/token`).setIssuedAt(now - 600).setExpirationTime(exp).setJti(crypto.randomUUID()).sign(key);
    for (const [assertion, why] of [
      [await sign(pub.id, now - 60), 'ERR_JWT_EXPIRED'],
      [await sign('mallory', now + 60), 'unknown subject'],
    ] as const) {
      const res = await runCli(bearer(pub.id, ['--client-auth', 'none', '--assertion', 'env:ASSERTION']), { home: t.home, env: { ASSERTION: assertion } });
      expect(res.code).toBe(3);
      expect(lastAssertion()?.detail).toContain(why);
    }
  });

  it('needs --assertion or --private-key (exit 2); the assertion never shows under -v', async () => {
    const none = await runCli(bearer(sa().id, ['--client-auth', 'none']), { home: t.home });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^oauthctl: --grant jwt_bearer needs --assertion SRC, or --private-key FILE/m);

    const assertion = await externalAssertion(sa().id);
    const traced = await runCli([...bearer(sa().id, ['--assertion', 'env:ASSERTION', '--private-key', sa().privateKeyPem]), '-v'], { home: t.home, env: { ASSERTION: assertion } });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stderr).toContain('assertion=[redacted]');
    expect(traced.stderr).not.toContain(assertion);
  });
});

describe('both grants with every client authentication method', () => {
  const methods = () =>
    [
      { name: 'client_secret_basic', id: t.fixture.clients.exchangerBasic.id, secret: t.fixture.clients.exchangerBasic.secret, args: [] as string[] },
      { name: 'client_secret_post', id: t.fixture.clients.exchangerPost.id, secret: t.fixture.clients.exchangerPost.secret, args: ['--client-auth', 'client_secret_post'] },
      { name: 'client_secret_jwt', id: t.fixture.clients.exchangerSecretJwt.id, secret: t.fixture.clients.exchangerSecretJwt.secret, args: ['--client-auth', 'client_secret_jwt'] },
      { name: 'private_key_jwt', id: sa().id, secret: undefined, args: ['--client-auth', 'private_key_jwt'] },
      { name: 'none', id: t.fixture.clients.exchangerPublic.id, secret: undefined, args: ['--client-auth', 'none'] },
    ] as const;

  it('token_exchange and jwt_bearer (self-signed) each succeed, stored and renewed with that method', async () => {
    for (const m of methods()) {
      const env: Record<string, string> = m.secret ? { OAUTHCTL_CLIENT_SECRET: m.secret, CI_TOKEN: await t.fixture.ciIssuer.mint({ aud: t.fixture.issuer }) } : { CI_TOKEN: await t.fixture.ciIssuer.mint({ aud: t.fixture.issuer }) };
      const ex = await runCli(
        ['login', '-p', `x-${m.name}`, '--grant', 'token_exchange', '--issuer', t.fixture.issuer, '--client-id', m.id, '--private-key', sa().privateKeyPem, ...m.args, '--subject-token', 'env:CI_TOKEN', '--subject-token-type', 'id_token', '-o', 'json'],
        { home: t.home, env },
      );
      expect(ex.code, `${m.name}: ${ex.stderr}`).toBe(0);
      expect((JSON.parse(ex.stdout) as Record<string, unknown>).issued_token_type).toBe(URN('access_token'));
      expect(t.fixture.grantLog.exchanges.at(-1)).toMatchObject({ client_id: m.id });

      const jb = await runCli(['login', '-p', `j-${m.name}`, '--grant', 'jwt_bearer', '--issuer', t.fixture.issuer, '--client-id', m.id, '--private-key', sa().privateKeyPem, ...m.args, '-o', 'json'], { home: t.home, env });
      expect(jb.code, `${m.name}: ${jb.stderr}`).toBe(0);
      expect(lastAssertion()).toMatchObject({ client_id: m.id, iss: m.id });

      expireStored(t.home, `j-${m.name}`);
      const renewed = await runCli(['token', '-p', `j-${m.name}`], { home: t.home });
      expect(renewed.code, `${m.name}: ${renewed.stderr}`).toBe(0);
      expect(lastAssertion()?.error).toBeUndefined();
    }
    expect(t.fixture.stats.serverErrors).toBe(0);
  });
});
