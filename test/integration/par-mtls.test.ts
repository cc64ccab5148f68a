/**
 * PAR with mutual TLS (RFC 9126 with RFC 8705): the pushed request goes to the
 * `mtls_endpoint_aliases` PAR endpoint, the client certificate authenticates it
 * (tls_client_auth), and the code is exchanged there too for a certificate-bound token.
 */
import { describe, expect, it } from 'vitest';
import type { MtlsFixture } from '../fixtures/mtls.js';
import { chromiumBrowserCommand } from '../support/chromium.js';
import { runCli, useFixture } from './cli.js';

const t = useFixture({ mtls: true });
const m = (): MtlsFixture => t.fixture.mtls as MtlsFixture;

describe('login --par with a client certificate', () => {
  it('pushes to the alias with the certificate; the browser gets client_id and request_uri; the token is bound', async () => {
    t.fixture.resetStats();
    const c = m().tlsClient;
    const res = await runCli([
      'login', '--par', '--issuer', t.fixture.issuer, '--client-id', c.id, '--client-auth', 'tls_client_auth',
      '--cert', c.certPath, '--key', c.keyPath, '--cacert', m().caPath, '--scope', 'openid', '-v',
    ], { home: t.home, env: { BROWSER: chromiumBrowserCommand() }, timeoutMs: 60_000 });
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`pushed_authorization_request_endpoint is the mtls_endpoint_aliases one, ${m().aliasOrigin}/request`);
    expect(m().aliasRequests['/request']).toBe(1);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request_uri']]);
    expect(res.stderr).not.toMatch(/client_secret=|client_assertion=|> authorization: /i);
    const show = await runCli(['token', 'show', '--reveal', '-o', 'json'], { home: t.home });
    const { access_token: token } = JSON.parse(show.stdout) as { access_token: string };
    const info = (await t.fixture.provider.AccessToken.find(token)) as unknown as { 'x5t#S256'?: string } | undefined;
    expect(info?.['x5t#S256']).toMatch(/^[\w-]{43}$/);
  });
});
