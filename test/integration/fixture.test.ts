/**
 * The fixture itself, exercised with plain fetch (no oauthctl code): if these pass, a failing CLI
 * integration test is about the CLI, not the authorization server or the API.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

import { decodeJwt, decodeProtectedHeader, importJWK, importPKCS8, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFixture, type Fixture } from '../fixtures/server.js';
import { completeAuthorization, completeDeviceVerification } from '../fixtures/user-agent.js';

type Json = Record<string, unknown>;

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture?.close();
});

/** RFC 6749 §2.3.1: form-urlencode id and secret, then Base64. */
function basic(id: string, secret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

async function post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {}, headers: response.headers };
}

function token(form: Record<string, string>, auth?: { id: string; secret: string }) {
  return post(`${fixture.issuer}/token`, form, auth ? { Authorization: basic(auth.id, auth.secret) } : {});
}

function introspect(value: string) {
  const rs = fixture.clients.resourceServer;
  return post(`${fixture.issuer}/token/introspection`, { token: value }, { Authorization: basic(rs.id, rs.secret) });
}

function people(accessToken: string) {
  return fetch(`${fixture.apiBaseUrl}/people`, { headers: { Authorization: `Bearer ${accessToken}` } });
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function isJwt(value: unknown): boolean {
  return typeof value === 'string' && value.split('.').length === 3;
}

describe('discovery', () => {
  it('serves an OpenID Provider configuration for the loopback issuer', async () => {
    const response = await fetch(`${fixture.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Json;
    expect(fixture.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc['issuer']).toBe(fixture.issuer);
    expect(doc['token_endpoint']).toBe(`${fixture.issuer}/token`);
    expect(doc['introspection_endpoint']).toBeTypeOf('string');
    expect(doc['revocation_endpoint']).toBeTypeOf('string');
    expect(doc['device_authorization_endpoint']).toBeTypeOf('string');
    expect(doc['userinfo_endpoint']).toBeTypeOf('string');
    expect(doc['grant_types_supported']).toEqual(expect.arrayContaining([
      'authorization_code', 'client_credentials', 'refresh_token', 'password',
      'urn:ietf:params:oauth:grant-type:device_code',
    ]));
    expect(doc['code_challenge_methods_supported']).toEqual(['S256']);
    expect(doc['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'people:read']));
  });
});

describe('client_credentials', () => {
  it('client_secret_basic gets an opaque, active token that /people accepts', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'people:read' }, fixture.clients.confidentialBasic);
    expect(res.status).toBe(200);
    const accessToken = res.body['access_token'] as string;
    expect(isJwt(accessToken)).toBe(false);
    expect(res.body['scope']).toBe('people:read');
    expect(res.body['token_type']).toBe('Bearer');
    expect(res.body['expires_in']).toBe(3600);

    const info = await introspect(accessToken);
    expect(info.body).toMatchObject({ active: true, client_id: 'confidential-basic', scope: 'people:read' });

    const viaHeader = await people(accessToken);
    expect(viaHeader.status).toBe(200);
    expect(((await viaHeader.json()) as { people: unknown[] }).people.length).toBeGreaterThan(2);

    const viaQuery = await fetch(`${fixture.apiBaseUrl}/people?access_token=${encodeURIComponent(accessToken)}`);
    expect(viaQuery.status).toBe(200);

    const viaForm = await fetch(`${fixture.apiBaseUrl}/people`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: accessToken }).toString(),
    });
    expect(viaForm.status).toBe(200);
  });

  it('client_secret_post works too', async () => {
    const { id, secret } = fixture.clients.confidentialPost;
    const res = await post(`${fixture.issuer}/token`, { grant_type: 'client_credentials', client_id: id, client_secret: secret });
    expect(res.status).toBe(200);
    expect((await introspect(res.body['access_token'] as string)).body['active']).toBe(true);
  });

  it('a client id and secret with ":", "%" and spaces authenticate when form-urlencoded before Base64', async () => {
    const { id, secret } = fixture.clients.weird;
    expect(id).toMatch(/[:% ]/);
    expect(secret).toMatch(/[:% ]/);
    const res = await token({ grant_type: 'client_credentials' }, fixture.clients.weird);
    expect(res.status).toBe(200);
    expect((await introspect(res.body['access_token'] as string)).body['client_id']).toBe(id);

    // Without the RFC 6749 §2.3.1 encoding the header cannot be decoded.
    const raw = await post(`${fixture.issuer}/token`, { grant_type: 'client_credentials' }, {
      Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    });
    expect(raw.status).toBeGreaterThanOrEqual(400);
  });

  it('the registered secret method is enforced (oidc-provider alone would accept either)', async () => {
    const postClient = fixture.clients.confidentialPost;
    const viaBasic = await token({ grant_type: 'client_credentials' }, postClient);
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.body['error']).toBe('invalid_client');
    const basicClient = fixture.clients.confidentialBasic;
    const viaPost = await post(`${fixture.issuer}/token`, { grant_type: 'client_credentials', client_id: basicClient.id, client_secret: basicClient.secret });
    expect(viaPost.status).toBe(401);
    expect(viaPost.body['error']).toBe('invalid_client');
  });

  it('a wrong secret is invalid_client', async () => {
    const res = await token({ grant_type: 'client_credentials' }, { id: 'confidential-basic', secret: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body['error']).toBe('invalid_client');
  });

  it('private_key_jwt authenticates with an assertion signed by the written PEM; the JWK file matches', async () => {
    const client = fixture.clients.privateKeyJwt;
    const key = await importPKCS8(await readFile(client.privateKeyPem, 'utf8'), 'RS256');
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: client.kid })
      .setIssuer(client.id)
      .setSubject(client.id)
      .setAudience(`${fixture.issuer}/token`)
      .setJti(randomBytes(12).toString('hex'))
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(key);
    const res = await post(`${fixture.issuer}/token`, {
      grant_type: 'client_credentials',
      client_id: client.id,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(res.status).toBe(200);
    expect(res.body['access_token']).toBeTypeOf('string');

    const jwk = JSON.parse(await readFile(client.privateKeyJwk, 'utf8')) as JWK;
    expect(jwk).toMatchObject({ kid: client.kid, alg: 'RS256', kty: 'RSA' });
    expect(jwk.d).toBeTypeOf('string');
    await importJWK(jwk, 'RS256');
    if (process.platform !== 'win32') expect((await stat(client.privateKeyPem)).mode & 0o777).toBe(0o600);
  });

  it('client_secret_jwt authenticates with an HS256 assertion', async () => {
    const { id, secret } = fixture.clients.secretJwt;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(id)
      .setSubject(id)
      .setAudience(fixture.issuer)
      .setJti(randomBytes(12).toString('hex'))
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(new TextEncoder().encode(secret));
    const res = await post(`${fixture.issuer}/token`, {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(res.status).toBe(200);
  });

  it('resource=urn:oauthctl:jwt-api gives an RS256 JWT access token for that audience, accepted by /people', async () => {
    const res = await token(
      { grant_type: 'client_credentials', scope: 'people:read', resource: fixture.jwtResource },
      fixture.clients.confidentialBasic,
    );
    expect(res.status).toBe(200);
    const accessToken = res.body['access_token'] as string;
    expect(isJwt(accessToken)).toBe(true);
    expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(decodeJwt(accessToken)).toMatchObject({ aud: 'urn:oauthctl:jwt-api', iss: fixture.issuer, scope: 'people:read' });
    expect((await people(accessToken)).status).toBe(200);
  });

  it('an unknown resource is invalid_target', async () => {
    const res = await token({ grant_type: 'client_credentials', resource: 'urn:nope' }, fixture.clients.confidentialBasic);
    expect(res.body['error']).toBe('invalid_target');
  });
});

describe('password grant', () => {
  it('alice gets an opaque access token, a refresh token and an ID token', async () => {
    const res = await token(
      { grant_type: 'password', username: 'alice', password: 'wonderland', scope: 'openid profile email people:read' },
      fixture.clients.confidentialBasic,
    );
    expect(res.status).toBe(200);
    expect(isJwt(res.body['access_token'])).toBe(false);
    expect(res.body['refresh_token']).toBeTypeOf('string');
    expect(res.body['scope']).toBe('openid profile email people:read');
    const idToken = decodeJwt(res.body['id_token'] as string);
    expect(idToken).toMatchObject({ sub: 'alice', name: 'Alice Liddell', email: 'alice@example.com', aud: 'confidential-basic', iss: fixture.issuer });

    const info = await introspect(res.body['access_token'] as string);
    expect(info.body).toMatchObject({ active: true, sub: 'alice' });

    const userinfo = await fetch(`${fixture.issuer}/me`, { headers: { Authorization: `Bearer ${res.body['access_token'] as string}` } });
    expect(await userinfo.json()).toMatchObject({ sub: 'alice', name: 'Alice Liddell' });
  });

  it('a wrong password is invalid_grant', async () => {
    const res = await token({ grant_type: 'password', username: 'alice', password: 'wrong' }, fixture.clients.confidentialBasic);
    expect(res.status).toBe(400);
    expect(res.body['error']).toBe('invalid_grant');
  });

  it('with resource=urn:oauthctl:jwt-api the access token is a JWT, and stays one after refresh', async () => {
    const { id, secret } = fixture.clients.confidentialPost;
    const auth = { client_id: id, client_secret: secret };
    const res = await post(`${fixture.issuer}/token`, {
      grant_type: 'password', username: 'bob', password: 'builder', scope: 'people:read', resource: fixture.jwtResource, ...auth,
    });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body['access_token'] as string)).toMatchObject({ sub: 'bob', aud: fixture.jwtResource });
    const refreshed = await post(`${fixture.issuer}/token`, { grant_type: 'refresh_token', refresh_token: res.body['refresh_token'] as string, ...auth });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body['access_token'] as string)).toMatchObject({ sub: 'bob', aud: fixture.jwtResource });
  });
});

describe('refresh_token', () => {
  it('rotates: a new refresh token each time, and the old one then fails', async () => {
    const first = await token(
      { grant_type: 'password', username: 'alice', password: 'wonderland', scope: 'openid people:read' },
      fixture.clients.confidentialBasic,
    );
    const oldRefresh = first.body['refresh_token'] as string;
    const second = await token({ grant_type: 'refresh_token', refresh_token: oldRefresh }, fixture.clients.confidentialBasic);
    expect(second.status).toBe(200);
    expect(second.body['refresh_token']).toBeTypeOf('string');
    expect(second.body['refresh_token']).not.toBe(oldRefresh);
    expect(second.body['access_token']).not.toBe(first.body['access_token']);
    expect(second.body['id_token']).toBeTypeOf('string');
    expect((await introspect(second.body['access_token'] as string)).body['active']).toBe(true);

    const reused = await token({ grant_type: 'refresh_token', refresh_token: oldRefresh }, fixture.clients.confidentialBasic);
    expect(reused.status).toBe(400);
    expect(reused.body['error']).toBe('invalid_grant');
  });
});

describe('revocation', () => {
  it('a revoked access token is inactive and /people answers 401 invalid_token', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'people:read' }, fixture.clients.confidentialBasic);
    const accessToken = res.body['access_token'] as string;
    expect((await people(accessToken)).status).toBe(200);

    const revoked = await post(`${fixture.issuer}/token/revocation`, { token: accessToken, token_type_hint: 'access_token' }, {
      Authorization: basic(fixture.clients.confidentialBasic.id, fixture.clients.confidentialBasic.secret),
    });
    expect(revoked.status).toBe(200);
    expect((await introspect(accessToken)).body).toEqual({ active: false });

    const api = await people(accessToken);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('fixture.revokeToken destroys a token server-side', async () => {
    const res = await token({ grant_type: 'client_credentials' }, fixture.clients.confidentialBasic);
    const accessToken = res.body['access_token'] as string;
    expect(await fixture.revokeToken(accessToken)).toBe(true);
    expect((await people(accessToken)).status).toBe(401);
  });
});

describe('resource API', () => {
  it('answers 401 without a token, 404 JSON elsewhere, 400 when two methods carry a token', async () => {
    const missing = await fetch(`${fixture.apiBaseUrl}/people`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const unknown = await fetch(`${fixture.apiBaseUrl}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/application\/json/);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });

    const res = await token({ grant_type: 'client_credentials' }, fixture.clients.confidentialBasic);
    const accessToken = res.body['access_token'] as string;
    const twice = await fetch(`${fixture.apiBaseUrl}/people?access_token=${accessToken}`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(twice.status).toBe(400);
  });

  it('/big streams exactly N bytes', async () => {
    const res = await token({ grant_type: 'client_credentials' }, fixture.clients.confidentialBasic);
    const accessToken = res.body['access_token'] as string;
    const big = await fetch(`${fixture.apiBaseUrl}/big?bytes=300000`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(big.status).toBe(200);
    const body = Buffer.from(await big.arrayBuffer());
    expect(body.length).toBe(300000);
    expect(body.subarray(0, 11).toString()).toBe('{"filler":"');
    const small = await fetch(`${fixture.apiBaseUrl}/big?bytes=5`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(await small.text()).toBe('xxxxx');
  });

  it('/echo shows the request without its credentials', async () => {
    const res = await token({ grant_type: 'client_credentials' }, fixture.clients.confidentialBasic);
    const echo = await fetch(`${fixture.apiBaseUrl}/echo?x=1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${res.body['access_token'] as string}`, 'Content-Type': 'application/json', 'X-Test': 'yes' },
      body: '{"a":1}',
    });
    expect(await echo.json()).toMatchObject({ method: 'PUT', path: '/echo', query: { x: '1' }, body: '{"a":1}', headers: { 'x-test': 'yes' } });
  });
});

describe('authorization code + PKCE (scripted user agent)', () => {
  function authorizeUrl(clientId: string, redirectUri: string, challenge: string, extra: Record<string, string> = {}): string {
    const url = new URL(`${fixture.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile people:read',
      state: 'st-123',
      nonce: 'n-456',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    }).toString();
    return url.href;
  }

  it('public-native logs in on a loopback redirect with an arbitrary port and gets a refresh token', async () => {
    const { verifier, challenge } = pkce();
    const redirectUri = 'http://127.0.0.1:49321/callback';
    const landed = new URL(await completeAuthorization(authorizeUrl('public-native', redirectUri, challenge)));
    expect(`${landed.origin}${landed.pathname}`).toBe(redirectUri);
    expect(landed.searchParams.get('state')).toBe('st-123');
    expect(landed.searchParams.get('iss')).toBe(fixture.issuer);
    const code = landed.searchParams.get('code');
    expect(code).toBeTruthy();

    const res = await post(`${fixture.issuer}/token`, {
      grant_type: 'authorization_code',
      client_id: 'public-native',
      code: code ?? '',
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
    expect(isJwt(res.body['access_token'])).toBe(false);
    expect(res.body['refresh_token']).toBeTypeOf('string');
    expect(decodeJwt(res.body['id_token'] as string)).toMatchObject({ sub: 'alice', nonce: 'n-456', aud: 'public-native', name: 'Alice Liddell' });
    expect((await people(res.body['access_token'] as string)).status).toBe(200);

    const refreshed = await post(`${fixture.issuer}/token`, {
      grant_type: 'refresh_token', client_id: 'public-native', refresh_token: res.body['refresh_token'] as string,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['refresh_token']).not.toBe(res.body['refresh_token']);
  });

  it('accepts a localhost redirect on another port, and a resource at /auth yields a JWT at /token', async () => {
    const { verifier, challenge } = pkce();
    const redirectUri = 'http://localhost:61000/callback';
    const landed = new URL(await completeAuthorization(
      authorizeUrl('confidential-basic', redirectUri, challenge, { resource: fixture.jwtResource }),
      { username: 'bob' },
    ));
    const res = await token({
      grant_type: 'authorization_code', code: landed.searchParams.get('code') ?? '', redirect_uri: redirectUri, code_verifier: verifier,
    }, fixture.clients.confidentialBasic);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body['access_token'] as string)).toMatchObject({ sub: 'bob', aud: fixture.jwtResource, scope: 'people:read' });
    expect(res.body['refresh_token']).toBeTypeOf('string');
  });

  it('PKCE is required for the public client', async () => {
    const url = new URL(authorizeUrl('public-native', 'http://127.0.0.1:1234/callback', 'x'));
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const landed = new URL(await completeAuthorization(url.href));
    expect(landed.searchParams.get('error')).toBe('invalid_request');
  });

  it('deny ends the flow with access_denied', async () => {
    const { challenge } = pkce();
    const landed = new URL(await completeAuthorization(authorizeUrl('public-native', 'http://127.0.0.1:5555/callback', challenge), { consent: 'deny' }));
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('state')).toBe('st-123');
  });

  it('a wrong password re-renders the login page with an error', async () => {
    const { challenge } = pkce();
    await expect(completeAuthorization(authorizeUrl('public-native', 'http://127.0.0.1:5555/callback', challenge), { password: 'bad' }))
      .rejects.toThrow(/login rejected.*Invalid username or password/);
  });
});

describe('device flow (scripted user agent)', () => {
  it('device-client: user code, login, consent, then the token poll succeeds', async () => {
    const start = await post(`${fixture.issuer}/device/auth`, { client_id: 'device-client', scope: 'openid people:read' });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ interval: 1 });
    const deviceCode = start.body['device_code'] as string;

    const pending = await post(`${fixture.issuer}/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: 'device-client', device_code: deviceCode,
    });
    expect(pending.body['error']).toBe('authorization_pending');

    await completeDeviceVerification(start.body['verification_uri'] as string, start.body['user_code'] as string);

    const done = await post(`${fixture.issuer}/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: 'device-client', device_code: deviceCode,
    });
    expect(done.status).toBe(200);
    expect(done.body['refresh_token']).toBeTypeOf('string');
    expect((await introspect(done.body['access_token'] as string)).body).toMatchObject({ active: true, sub: 'alice' });
  });

  it('verification_uri_complete works too (confidential client, resource → JWT)', async () => {
    const start = await post(`${fixture.issuer}/device/auth`, { scope: 'people:read', resource: fixture.jwtResource }, {
      Authorization: basic(fixture.clients.confidentialBasic.id, fixture.clients.confidentialBasic.secret),
    });
    const { UserAgent } = await import('../fixtures/user-agent.js');
    await new UserAgent().run(start.body['verification_uri_complete'] as string, { username: 'bob' });
    const done = await token({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: start.body['device_code'] as string,
    }, fixture.clients.confidentialBasic);
    expect(done.status).toBe(200);
    expect(decodeJwt(done.body['access_token'] as string)).toMatchObject({ sub: 'bob', aud: fixture.jwtResource });
  });
});

describe('stats', () => {
  it('count token requests by grant type and API requests', () => {
    const { stats } = fixture;
    expect(stats.tokenRequests['client_credentials']).toBeGreaterThanOrEqual(8);
    expect(stats.tokenRequests['password']).toBeGreaterThanOrEqual(4);
    expect(stats.tokenErrors['password']).toBeGreaterThanOrEqual(1);
    expect(stats.tokenRequests['refresh_token']).toBeGreaterThanOrEqual(3);
    expect(stats.tokenRequests['authorization_code']).toBeGreaterThanOrEqual(2);
    expect(stats.tokenRequests['urn:ietf:params:oauth:grant-type:device_code']).toBeGreaterThanOrEqual(3);
    expect(stats.endpointRequests['discovery']).toBeGreaterThanOrEqual(1);
    expect(stats.apiRequests).toBeGreaterThan(5);
    expect(stats.apiTokenLocations).toMatchObject({ query: 1, form: 1 });
    expect(stats.apiUnauthorized).toBeGreaterThanOrEqual(3);
    expect(stats.serverErrors).toBe(0);
  });
});

describe('close', () => {
  it('stops both servers and removes the temp dir', async () => {
    const other = await startFixture({ accessTokenTtl: 120 });
    const res = await post(`${other.issuer}/token`, { grant_type: 'client_credentials' }, {
      Authorization: basic(other.clients.confidentialBasic.id, other.clients.confidentialBasic.secret),
    });
    expect(res.body['expires_in']).toBe(120);
    expect(existsSync(other.clients.privateKeyJwt.privateKeyPem)).toBe(true);
    await other.close();
    expect(existsSync(other.tempDir)).toBe(false);
    await expect(fetch(`${other.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
    await expect(fetch(`${other.apiBaseUrl}/people`)).rejects.toThrow();
  });
});
