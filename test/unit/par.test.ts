/**
 * PAR (RFC 9126): the pushed authorization response's named checks, one negative test each, and
 * the parameters / front-channel URLs a pushed request is built from.
 */
import { describe, expect, it } from 'vitest';
import { authorizationParams, buildAuthorizationUrl, frontChannelUrl } from '../../src/oauth/authorize.js';
import { processPushedAuthorizationResponse } from '../../src/oauth/par.js';

const ctx = { endpoint: 'https://as.example/par', name: 'pushed authorization request endpoint', operation: 'pushed authorization request', warn: () => {} };
const res = (status: number, body: unknown) => ({
  status,
  statusText: '',
  url: ctx.endpoint,
  headers: new Headers({ 'content-type': 'application/json' }),
  text: JSON.stringify(body),
});
const URI = 'urn:ietf:params:oauth:request_uri:abc';

describe('processPushedAuthorizationResponse (RFC 9126 §2.2)', () => {
  it('reads request_uri and expires_in from a 201', () => {
    expect(processPushedAuthorizationResponse(res(201, { request_uri: URI, expires_in: 60 }), ctx)).toEqual({ request_uri: URI, expires_in: 60 });
  });

  it.each([
    [{ expires_in: 60 }, 'missing'],
    [{ request_uri: '', expires_in: 60 }, 'string'],
    [{ request_uri: '  ', expires_in: 60 }, 'string'],
    [{ request_uri: ['urn:x'], expires_in: 60 }, 'object'],
  ])('checkRequestUri refuses %j: par_response_missing_request_uri', (body, actual) => {
    expect(() => processPushedAuthorizationResponse(res(201, body), ctx)).toThrow(
      expect.objectContaining({ code: 'par_response_missing_request_uri', cause: expect.objectContaining({ check: 'checkRequestUri', attribute: 'request_uri', actual }) }),
    );
  });

  it.each([
    [{ request_uri: URI }],
    [{ request_uri: URI, expires_in: 0 }],
    [{ request_uri: URI, expires_in: -1 }],
    [{ request_uri: URI, expires_in: '60' }],
    [{ request_uri: URI, expires_in: 4e8 }],
  ])('checkParExpiresIn refuses %j: par_response_invalid_expires_in', (body) => {
    expect(() => processPushedAuthorizationResponse(res(201, body), ctx)).toThrow(
      expect.objectContaining({ code: 'par_response_invalid_expires_in', cause: expect.objectContaining({ check: 'checkParExpiresIn', attribute: 'expires_in' }) }),
    );
  });

  it('an OAuth error is the server\'s refusal, named as a pushed authorization request', () => {
    expect(() => processPushedAuthorizationResponse(res(400, { error: 'invalid_request' }), ctx)).toThrow(
      expect.objectContaining({ code: 'invalid_request', message: expect.stringContaining('pushed authorization request failed') }),
    );
  });

  it('a 200 HTML page is not a pushed authorization response', () => {
    expect(() => processPushedAuthorizationResponse({ ...res(200, {}), headers: new Headers({ 'content-type': 'text/html' }), text: '<h1>hi</h1>' }, ctx)).toThrow(
      expect.objectContaining({ code: 'response_not_json' }),
    );
  });
});

describe('authorization parameters and front-channel URLs', () => {
  const req = {
    endpoint: 'https://as.example/auth?tenant=a',
    clientId: 'c',
    redirectUri: 'http://127.0.0.1/cb',
    responseType: 'code' as const,
    state: 's',
    scope: 'openid',
    resource: ['https://a.example', 'https://b.example'],
  };

  it('authorizationParams are what buildAuthorizationUrl puts in the query (without the endpoint\'s own)', () => {
    const params = authorizationParams(req);
    expect(params.tenant).toBeUndefined();
    expect(params.resource).toEqual(['https://a.example', 'https://b.example']);
    const url = new URL(buildAuthorizationUrl(req));
    expect(url.searchParams.get('tenant')).toBe('a');
    expect(url.searchParams.getAll('resource')).toEqual(['https://a.example', 'https://b.example']);
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string') expect(url.searchParams.get(k)).toBe(v);
  });

  it('a pushed request\'s URL carries client_id and request_uri only, beside the endpoint\'s own query (RFC 9126 §4)', () => {
    const url = new URL(frontChannelUrl(req.endpoint, { client_id: 'c', request_uri: URI }));
    expect([...url.searchParams.keys()]).toEqual(['tenant', 'client_id', 'request_uri']);
    expect(url.searchParams.get('request_uri')).toBe(URI);
  });

  it('--param cannot override a protocol parameter', () => {
    expect(() => authorizationParams({ ...req, extra: { state: 'x' } })).toThrow(expect.objectContaining({ kind: 'usage' }));
  });
});
