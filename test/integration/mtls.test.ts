/**
 * Mutual TLS (RFC 8705) through the built CLI against oidc-provider with `features.mTLS`:
 * tls_client_auth and self_signed_tls_client_auth at the `mtls_endpoint_aliases` token endpoint
 * (an HTTPS listener that asks for a client certificate), certificate-bound access tokens
 * (`cnf.x5t#S256`) used by `call` against an HTTPS API that checks the binding itself, and the
 * failures: a certificate/key that cannot be read or do not match (exit 2), a server that requires
 * a certificate when none is given (exit 4).
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MtlsFixture } from '../fixtures/mtls.js';
import { runCli, useFixture } from './cli.js';
import { introspectAsServer } from './lifecycle-helpers.js';

const t = useFixture({ mtls: true });
const m = (): MtlsFixture => t.fixture.mtls as MtlsFixture;

function ccLogin(client: { id: string; certPath: string; keyPath: string }, method: string, extra: string[] = []): string[] {
  return [
    'login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', client.id,
    '--client-auth', method, '--cert', client.certPath, '--key', client.keyPath, '--cacert', m().caPath, ...extra,
  ];
}

async function storedAccessToken(home: string): Promise<string> {
  const res = await runCli(['token', 'show', '--reveal', '-o', 'json'], { home });
  expect(res.code).toBe(0);
  return (JSON.parse(res.stdout) as { access_token: string }).access_token;
}

describe('mutual TLS client authentication (RFC 8705 §2)', () => {
  it('tls_client_auth: the token comes from the mtls_endpoint_aliases token endpoint, bound to the certificate', async () => {
    const before = m().aliasRequests['/token'] ?? 0;
    const tokenRequestsBefore = t.fixture.stats.tokenRequests['client_credentials'] ?? 0;
    const res = await runCli([...ccLogin(m().tlsClient, 'tls_client_auth'), '-v'], { home: t.home });
    expect(res.stderr).not.toMatch(/BEGIN (EC |RSA )?PRIVATE KEY/);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`token_endpoint is the mtls_endpoint_aliases one, ${m().aliasOrigin}/token`);
    expect(m().aliasRequests['/token']).toBe(before + 1);
    expect(t.fixture.stats.tokenRequests['client_credentials']).toBe(tokenRequestsBefore + 1);
    // No secret travelled: the body names the client, the certificate authenticated it.
    expect(res.stderr).toMatch(/client_id=mtls-client/);
    expect(res.stderr).not.toMatch(/client_secret=|client_assertion=|> authorization: /i);

    const info = await introspectAsServer(t.fixture, await storedAccessToken(t.home));
    expect(info.active).toBe(true);
    expect(info.client_id).toBe(m().tlsClient.id);
    const thumbprint = (await import('node:crypto')).createHash('sha256')
      .update(new (await import('node:crypto')).X509Certificate(readFileSync(m().tlsClient.certPath)).raw)
      .digest('base64url');
    expect(info.cnf).toEqual({ 'x5t#S256': thumbprint });
  });

  it('self_signed_tls_client_auth: a self-signed certificate registered in the client JWKS', async () => {
    const res = await runCli(ccLogin(m().selfSignedClient, 'self_signed_tls_client_auth'), { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    const info = await introspectAsServer(t.fixture, await storedAccessToken(t.home));
    expect(info).toMatchObject({ active: true, client_id: m().selfSignedClient.id });
    expect((info.cnf as Record<string, unknown>)['x5t#S256']).toBeTypeOf('string');
  });

  it('the server refuses tls_client_auth with a certificate of another client (exit 3)', async () => {
    const wrong = { ...m().tlsClient, certPath: m().selfSignedClient.certPath, keyPath: m().selfSignedClient.keyPath };
    const res = await runCli(ccLogin(wrong, 'tls_client_auth'), { home: t.home });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/invalid_client/);
  });

  it('tls_client_auth without a certificate is exit 2 before any request', async () => {
    const before = { ...t.fixture.stats.endpointRequests };
    const res = await runCli(
      ['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', m().tlsClient.id, '--client-auth', 'tls_client_auth'],
      { home: t.home },
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^oauthctl: client authentication tls_client_auth needs a client certificate\nhint: give --cert <file> --key <file>/m);
    expect(t.fixture.stats.endpointRequests).toEqual(before);
  });
});

describe('certificate-bound access tokens in call (RFC 8705 §3)', () => {
  it('call presents the certificate: the API accepts the bound token; replayed without the certificate it is refused', async () => {
    const login = await runCli(ccLogin(m().tlsClient, 'tls_client_auth'), { home: t.home });
    expect(login.code, login.stderr).toBe(0);
    const okBefore = m().apiAnswers.ok;
    // login with flags only: the stored token set remembers the certificate for `call`.
    const call = await runCli(['call', 'GET', `${m().apiBaseUrl}/people`, '--cacert', m().caPath], { home: t.home });
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toEqual({ people: [{ name: 'Ada' }], bound: true });
    expect(m().apiAnswers.ok).toBe(okBefore + 1);

    // The same token without the certificate (plain fetch trusting the CA): refused by the API itself.
    const token = await storedAccessToken(t.home);
    const refusedBefore = m().apiAnswers.refused;
    const replay = await undiciFetch(`${m().apiBaseUrl}/people`, {
      headers: { authorization: `Bearer ${token}` },
      dispatcher: new Agent({ connect: { ca: readFileSync(m().caPath, 'utf8') } }),
    });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toContain('without a client certificate');
    expect(m().apiAnswers.refused).toBe(refusedBefore + 1);

    // …and with another certificate: refused too.
    const other = await undiciFetch(`${m().apiBaseUrl}/people`, {
      headers: { authorization: `Bearer ${token}` },
      dispatcher: new Agent({
        connect: {
          ca: readFileSync(m().caPath, 'utf8'),
          cert: readFileSync(m().selfSignedClient.certPath, 'utf8'),
          key: readFileSync(m().selfSignedClient.keyPath, 'utf8'),
        },
      }),
    });
    expect(other.status).toBe(401);
    expect(other.headers.get('www-authenticate')).toContain('from another certificate');
  });

  it('a renewal without flags goes to the alias with the stored certificate again', async () => {
    const login = await runCli(ccLogin(m().tlsClient, 'tls_client_auth'), { home: t.home });
    expect(login.code, login.stderr).toBe(0);
    const first = await storedAccessToken(t.home);
    const before = m().aliasRequests['/token'] ?? 0;
    // More than the token's lifetime left is asked for: a new client_credentials grant.
    const renewed = await runCli(['token', '--min-ttl', '7200', '--cacert', m().caPath], { home: t.home });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(renewed.stdout.trim()).not.toBe(first);
    expect(m().aliasRequests['/token']).toBe(before + 1);
    const info = await introspectAsServer(t.fixture, renewed.stdout.trim());
    expect(info).toMatchObject({ active: true, client_id: m().tlsClient.id });
    expect((info.cnf as Record<string, unknown>)['x5t#S256']).toBeTypeOf('string');
  });

  it('a saved profile with tls_client_cert / tls_client_key works the same', async () => {
    const c = m().tlsClient;
    writeFileSync(
      join(t.home, 'config.json'),
      JSON.stringify({
        current: 'bank',
        profiles: {
          bank: {
            issuer: t.fixture.issuer,
            client_id: c.id,
            client_auth: 'tls_client_auth',
            grant: 'client_credentials',
            tls_client_cert: c.certPath,
            tls_client_key: c.keyPath,
            api_base_url: m().apiBaseUrl,
          },
        },
      }),
      { mode: 0o600 },
    );
    const call = await runCli(['call', 'GET', '/people', '--cacert', m().caPath], { home: t.home });
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({ bound: true });
  });
});

describe('mutual TLS failures', () => {
  it('an unreadable certificate is exit 2 naming the file, before any request', async () => {
    const before = { ...t.fixture.stats.endpointRequests };
    const missing = join(t.home, 'nope.crt');
    const res = await runCli(ccLogin({ ...m().tlsClient, certPath: missing }, 'tls_client_auth'), { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`oauthctl: cannot read client certificate ${missing}: ENOENT`);
    expect(res.stderr).toContain('hint: give --cert <file>');
    expect(t.fixture.stats.endpointRequests).toEqual(before);
  });

  it('a file that is no certificate is exit 2 naming it', async () => {
    const junk = join(t.home, 'junk.crt');
    writeFileSync(junk, 'not a certificate\n');
    const res = await runCli(ccLogin({ ...m().tlsClient, certPath: junk }, 'tls_client_auth'), { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`client certificate ${junk} holds no PEM certificate`);
  });

  it('a key that does not match the certificate is exit 2 naming both files, before any request', async () => {
    const before = { ...t.fixture.stats.endpointRequests };
    const res = await runCli(ccLogin({ ...m().tlsClient, keyPath: m().strangerKeyPath }, 'tls_client_auth'), { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`oauthctl: client key ${m().strangerKeyPath} does not match the certificate ${m().tlsClient.certPath}`);
    expect(res.stderr).not.toMatch(/PRIVATE KEY|at .*\.js:\d+/);
    expect(t.fixture.stats.endpointRequests).toEqual(before);
  });

  it('a server that requires a client certificate, given none: exit 4 saying so', async () => {
    const login = await runCli(ccLogin(m().tlsClient, 'tls_client_auth'), { home: t.home });
    expect(login.code, login.stderr).toBe(0);
    const token = await storedAccessToken(t.home);
    // The user's own Authorization header: no certificate from a profile, nothing renewed.
    const res = await runCli(
      ['call', 'GET', `${m().strictApiBaseUrl}/people`, '--cacert', m().caPath, '-H', `Authorization: Bearer ${token}`, '-p', 'other'],
      { home: t.home },
    );
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/^oauthctl: TLS error reaching https:\/\/127\.0\.0\.1:\d+\/people: the server requires a client certificate \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\)\nhint: give the client certificate with --cert <file> --key <file>/m);
  });

  it('-o json names the code client_certificate_required', async () => {
    const res = await runCli(['call', 'GET', `${m().strictApiBaseUrl}/people`, '--cacert', m().caPath, '-H', 'Authorization: Bearer x', '-o', 'json'], { home: t.home });
    expect(res.code).toBe(4);
    expect(JSON.parse(res.stderr)).toMatchObject({ error: { code: 'client_certificate_required' } });
  });

  it('a server that refuses the certificate given: exit 4 saying so', async () => {
    const s = m().selfSignedClient;
    const res = await runCli(
      ['call', 'GET', `${m().strictApiBaseUrl}/people`, '--cacert', m().caPath, '--cert', s.certPath, '--key', s.keyPath, '-H', 'Authorization: Bearer x', '-o', 'json'],
      { home: t.home },
    );
    expect(res.code).toBe(4);
    const error = (JSON.parse(res.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('client_certificate_refused');
    // Node's TLS server closes without an alert: the probe's handshake then gets no answer at all.
    expect(error.message).toMatch(/refused the client certificate/);
  });

  it('the strict API accepts the same call with the certificate', async () => {
    const login = await runCli(ccLogin(m().tlsClient, 'tls_client_auth'), { home: t.home });
    expect(login.code, login.stderr).toBe(0);
    const res = await runCli(['call', 'GET', `${m().strictApiBaseUrl}/people`, '--cacert', m().caPath, '--any-origin'], { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ bound: true });
  });
});
