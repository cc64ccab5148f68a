import { describe, expect, it } from 'vitest';
import { OAuthError, ProtocolError, UsageError } from '../../src/errors.js';
import type { HttpClient, HttpResponse } from '../../src/http/types.js';
import type { AuthServer } from '../../src/oauth/pipeline.js';
import type { ClientCredentials } from '../../src/oauth/client-auth.js';
import { stubHttp } from '../support/stub-http.js';
import { tokenRequest } from '../../src/oauth/token-request.js';

const TOKEN_URL = 'https://as.example/token';


function json(status: number, body: unknown, contentType = 'application/json'): HttpResponse {
  return { status, statusText: '', url: TOKEN_URL, headers: new Headers({ 'content-type': contentType }), text: JSON.stringify(body) };
}

function server(http: HttpClient, client: ClientCredentials, more: Partial<AuthServer> = {}): AuthServer {
  return { http, endpoints: { token_endpoint: TOKEN_URL }, client, now: () => 1_700_000_000_000, warn: () => {}, ...more };
}

describe('tokenRequest', () => {
  it('POSTs the form with Accept: application/json, dropping undefined params', async () => {
    const http = stubHttp(json(200, { access_token: 'at', token_type: 'Bearer', expires_in: 300 }));
    const t = await tokenRequest(server(http, { clientId: 'public-app', method: 'none' }), {
      grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'http://127.0.0.1:8400/callback', code_verifier: 'v', scope: undefined,
    });
    expect(t).toMatchObject({ access_token: 'at', token_type: 'Bearer', expires_in: 300 });
    expect(http.requests).toHaveLength(1);
    const req = http.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(TOKEN_URL);
    expect(req.headers).toEqual({ accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' });
    expect(req.body).toBeInstanceOf(URLSearchParams);
    expect(Object.fromEntries(req.body as URLSearchParams)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'http://127.0.0.1:8400/callback',
      code_verifier: 'v',
      client_id: 'public-app',
    });
  });

  it('authenticates with client_secret_basic in the Authorization header', async () => {
    const http = stubHttp(json(200, { access_token: 'at', token_type: 'bearer' }));
    await tokenRequest(server(http, { clientId: 'id', clientSecret: 's', method: 'client_secret_basic' }), { grant_type: 'client_credentials' });
    const req = http.requests[0]!;
    expect(req.headers?.authorization).toBe(`Basic ${Buffer.from('id:s').toString('base64')}`);
    expect(Object.fromEntries(req.body as URLSearchParams)).toEqual({ grant_type: 'client_credentials' });
  });

  it('passes warnings and notes through', async () => {
    const warnings: string[] = [];
    const notes: string[] = [];
    const http = stubHttp({
      status: 200,
      statusText: 'OK',
      url: TOKEN_URL,
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      text: 'access_token=gho_x&scope=repo',
    });
    const as = server(http, { clientId: 'c', method: 'none' }, { warn: (m) => warnings.push(m), note: (m) => notes.push(m) });
    const t = await tokenRequest(as, { grant_type: 'refresh_token', refresh_token: 'rt' });
    expect(t).toMatchObject({ access_token: 'gho_x', token_type: 'Bearer', scope: 'repo', expires_in: null });
    expect(warnings).toEqual(['token response has no token_type; assuming Bearer']);
    expect(notes).toHaveLength(1);
  });

  it('surfaces an OAuth error (exit 3) and an HTML answer (exit 4)', async () => {
    const http = stubHttp(
      json(400, { error: 'invalid_grant', error_description: 'refresh token revoked' }),
      { status: 502, statusText: 'Bad Gateway', url: TOKEN_URL, headers: new Headers({ 'content-type': 'text/html' }), text: '<html/>' },
    );
    const as = server(http, { clientId: 'c', method: 'none' });
    const params = { grant_type: 'refresh_token', refresh_token: 'rt' };
    const oauth = await tokenRequest(as, params).catch((e: unknown) => e);
    expect(oauth).toBeInstanceOf(OAuthError);
    expect((oauth as OAuthError).code).toBe('invalid_grant');
    const protocol = await tokenRequest(as, params).catch((e: unknown) => e);
    expect(protocol).toBeInstanceOf(ProtocolError);
    expect((protocol as ProtocolError).code).toBe('response_not_json');
    expect((protocol as ProtocolError).cause).toMatchObject({ check: 'readOAuthBody', actual: 'text/html' });
  });

  it('names a missing endpoint by its attribute, and sends nothing', async () => {
    const http = stubHttp();
    const err = await tokenRequest(server(http, { clientId: 'c', method: 'none' }, { endpoints: {} }), { grant_type: 'client_credentials' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'missing_endpoint', attribute: 'token_endpoint', context: { issuerKnown: false } });
    expect(http.requests).toHaveLength(0);
  });

  it('sends nothing when the client secret is missing', async () => {
    const http = stubHttp();
    const err = await tokenRequest(server(http, { clientId: 'c', method: 'client_secret_post' }), { grant_type: 'client_credentials' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('missing_client_secret');
    expect(http.requests).toHaveLength(0);
  });
});
