/** Every client authentication method through the built CLI against the real oidc-provider. */
import { describe, expect, it } from 'vitest';
import { runCli, useFixture } from './cli.js';

const t = useFixture();

function cc(clientId: string, extra: string[] = []): string[] {
  return ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', clientId, '--scope', 'people:read', ...extra];
}

describe('client authentication', () => {
  it('private_key_jwt with a PEM key (the default method when a key is given)', async () => {
    const c = t.fixture.clients.privateKeyJwt;
    const res = await runCli(cc(c.id, ['--private-key', c.privateKeyPem, '-o', 'json']), { home: t.home });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ token_type: 'Bearer', scope: 'people:read' });
  });

  it('private_key_jwt with a JWK file', async () => {
    const c = t.fixture.clients.privateKeyJwt;
    const res = await runCli(cc(c.id, ['--private-key', c.privateKeyJwk, '--client-auth', 'private_key_jwt']), { home: t.home });
    expect(res.code).toBe(0);
  });

  it('client_secret_jwt', async () => {
    const c = t.fixture.clients.secretJwt;
    const res = await runCli(cc(c.id, ['--client-auth', 'client_secret_jwt']), { home: t.home, env: { OAUTHCTL_CLIENT_SECRET: c.secret } });
    expect(res.code).toBe(0);
  });

  it('client_secret_basic with ":", "%" and spaces in the id and the secret (RFC 6749 §2.3.1)', async () => {
    const c = t.fixture.clients.weird;
    expect(c.id).toMatch(/[:% ]/);
    expect(c.secret).toMatch(/[:% ]/);
    const res = await runCli(cc(c.id, ['--client-secret-stdin']), { home: t.home, input: c.secret });
    expect(res.stderr).toContain('Logged in as client');
    expect(res.code).toBe(0);
  });

  it('a malformed key file is exit 2 with one line naming it', async () => {
    const { writeFileSync } = await import('node:fs');
    const bad = `${t.home}/bad.pem`;
    writeFileSync(bad, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    const res = await runCli(cc('private-key-jwt', ['--private-key', bad]), { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toContain(bad);
  });
});

describe('a flags-only private_key_jwt login', () => {
  it('can be renewed later by a bare `token` (the token set remembers the key file, not the key)', async () => {
    const c = t.fixture.clients.privateKeyJwt;
    expect((await runCli(cc(c.id, ['--private-key', c.privateKeyPem]), { home: t.home })).code).toBe(0);
    const before = t.fixture.stats.tokenRequests.client_credentials ?? 0;
    const renewed = await runCli(['token', '--min-ttl', '999999'], { home: t.home });
    expect(renewed.stderr).toBe('');
    expect(renewed.code).toBe(0);
    expect(t.fixture.stats.tokenRequests.client_credentials).toBe(before + 1);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${t.home}/tokens.json`, 'utf8')).not.toContain('PRIVATE KEY');
  });
});
