/**
 * How the authorization request travels (app/grants/authorization-request.ts): plain, pushed
 * (RFC 9126), signed (RFC 9101) or both, chosen by the profile or the metadata; a request object
 * needs a key or a secret (checked before any request) and an issuer for its `aud`.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { authServerAt } from '../../src/app/auth-server.js';
import { needsClientSecret } from '../../src/app/client.js';
import { assertRequestObjectSignable, authorizationRequestSender } from '../../src/app/grants/authorization-request.js';
import type { Endpoints } from '../../src/oauth/pipeline.js';
import { fakeApp, ISSUER, json } from './fake-app.js';

const SECRET = 'a-client-secret-long-enough-for-hs256';
const base: Endpoints = { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, pushed_authorization_request_endpoint: `${ISSUER}/par` };
const params = { response_type: 'code', client_id: 'cli', state: 'st', code_challenge: 'ch', code_challenge_method: 'S256' };
const URI = 'urn:ietf:params:oauth:request_uri:r1';

function setup(endpoints: Endpoints, answers = [json({ request_uri: URI, expires_in: 60 }, 201)]) {
  const app = fakeApp(answers);
  const as = authServerAt(endpoints, { clientId: 'cli', method: 'client_secret_basic' as const, clientSecret: SECRET }, app);
  return { app, as };
}

describe('assertRequestObjectSignable', () => {
  it('neither a private key nor a secret: missing_request_object_key (exit 2)', () => {
    expect(() => assertRequestObjectSignable({ client_id: 'cli' }, undefined)).toThrow(expect.objectContaining({ code: 'missing_request_object_key', kind: 'usage' }));
  });
  it('a key or a secret is enough', () => {
    expect(() => assertRequestObjectSignable({ private_key: '/k.pem' }, undefined)).not.toThrow();
    expect(() => assertRequestObjectSignable({}, SECRET)).not.toThrow();
  });
});

describe('needsClientSecret with a request object', () => {
  it('asks for the secret (on a terminal) when there is no key to sign with; not with a key', () => {
    expect(needsClientSecret({ request_object: true }, 'authorization_code')).toBe(true);
    expect(needsClientSecret({ request_object: true, private_key: '/k.pem' }, 'authorization_code')).toBe(false);
    expect(needsClientSecret({}, 'authorization_code')).toBe(false);
  });
});

describe('authorizationRequestSender', () => {
  it('neither PAR nor JAR: the parameters in the URL, no request', async () => {
    const { app, as } = setup(base);
    const url = new URL(await (await authorizationRequestSender({}, undefined, as, app))(params));
    expect(Object.fromEntries(url.searchParams)).toEqual(params);
    expect(app.requests).toHaveLength(0);
  });

  it('PAR (profile par): the parameters posted with client authentication; the URL has client_id and request_uri', async () => {
    const { app, as } = setup(base);
    const url = new URL(await (await authorizationRequestSender({ par: true }, SECRET, as, app))(params));
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'cli', request_uri: URI });
    expect(app.requests[0]).toMatchObject({ method: 'POST', url: `${ISSUER}/par` });
    expect(app.requests[0]?.headers?.authorization).toMatch(/^Basic /);
    expect(Object.fromEntries(app.form(0))).toEqual(params);
  });

  it('JAR required by the metadata: signed with the secret (HS256), by value beside client_id only', async () => {
    const { app, as } = setup({ ...base, require_signed_request_object: true });
    const url = new URL(await (await authorizationRequestSender({}, SECRET, as, app))(params));
    expect([...url.searchParams.keys()]).toEqual(['client_id', 'request']);
    const jwt = url.searchParams.get('request') as string;
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'HS256', typ: 'oauth-authz-req+jwt' });
    expect(decodeJwt(jwt)).toMatchObject({ ...params, iss: 'cli', aud: ISSUER });
    expect(app.notes.join('\n')).toContain('the server requires signed request objects');
  });

  it('PAR and JAR (metadata requires PAR, profile request_object): the PAR body is `request` beside the client authentication', async () => {
    const { app, as } = setup({ ...base, require_pushed_authorization_requests: true });
    const url = new URL(await (await authorizationRequestSender({ request_object: true }, SECRET, as, app))(params));
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'cli', request_uri: URI });
    expect([...app.form(0).keys()]).toEqual(['request']);
    expect(decodeJwt(app.form(0).get('request') as string)).toMatchObject(params);
  });

  it('JAR without a known issuer: missing_issuer, before any request', async () => {
    const { app, as } = setup({ authorization_endpoint: `${ISSUER}/auth` });
    await expect(authorizationRequestSender({ request_object: true }, SECRET, as, app)).rejects.toMatchObject({ code: 'missing_issuer' });
    expect(app.requests).toHaveLength(0);
  });

  it('PAR without a PAR endpoint: missing_endpoint naming it', async () => {
    const { app, as } = setup({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth` });
    const send = await authorizationRequestSender({ par: true }, SECRET, as, app);
    await expect(send(params)).rejects.toMatchObject({ code: 'missing_endpoint', attribute: 'pushed_authorization_request_endpoint' });
  });
});
