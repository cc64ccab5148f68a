/**
 * Servers whose metadata says `require_pushed_authorization_requests: true` (RFC 9126 §5) or
 * `require_signed_request_object: true` (RFC 9101 §10.5): `login` pushes / signs without being told.
 */
import { describe, expect, it } from 'vitest';
import { browserLogin as login } from './browser-login.js';
import { useFixture } from './cli.js';

describe('PAR required by the metadata', () => {
  const t = useFixture({ requirePushedAuthorizationRequests: true });

  it('login pushes by itself (a note under -v); the browser carries only client_id and request_uri', async () => {
    t.fixture.resetStats();
    const res = await login(t, ['--scope', 'openid', '--client-id', t.fixture.clients.publicNative.id, '-v']);
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('the server requires pushed authorization requests');
    expect(t.fixture.stats.endpointRequests.pushed_authorization_request).toBe(1);
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request_uri']]);
  });
});

describe('JAR required by the metadata', () => {
  const t = useFixture({ requireSignedRequestObject: true });

  it('login signs by itself (HS256 with the secret of a client_secret_basic client)', async () => {
    const c = t.fixture.clients.confidentialBasic;
    t.fixture.resetStats();
    const res = await login(t, ['--scope', 'openid', '--client-id', c.id, '-v'], { OAUTHCTL_CLIENT_SECRET: c.secret });
    expect(res.stderr).toContain('Logged in as alice');
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('the server requires signed request objects');
    expect(t.fixture.stats.authorizationParams).toEqual([['client_id', 'request']]);
    expect(t.fixture.stats.endpointRequests.pushed_authorization_request).toBeUndefined();
  });

  it('a public client with no key: exit 2 after discovery, before the authorization request', async () => {
    t.fixture.resetStats();
    const res = await login(t, ['--scope', 'openid', '--client-id', t.fixture.clients.publicNative.id, '-o', 'json']);
    expect(res.code).toBe(2);
    expect((JSON.parse(res.stderr) as { error: { code: string } }).error.code).toBe('missing_request_object_key');
    expect(Object.keys(t.fixture.stats.endpointRequests)).toEqual(['discovery']);
  });
});
