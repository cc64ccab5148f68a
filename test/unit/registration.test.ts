import { describe, expect, it } from 'vitest';
import { clientMetadata, profileFromRegistration, redactRegistration } from '../../src/app/register.js';
import type { AppContext } from '../../src/app/context.js';
import { parseTokenSource, readTokenSource, type TokenSourceIO } from '../../src/app/token-sources.js';
import { Redactor } from '../../src/http/redact.js';
import { OAuthError, ProtocolError, UsageError } from '../../src/errors.js';
import type { HttpResponse } from '../../src/http/types.js';
import { processDeleteRegistrationResponse, processRegistrationResponse } from '../../src/oauth/registration.js';
import { processResourceMetadataResponse, resourceMetadataWellKnownUrl } from '../../src/oauth/resource-metadata.js';

const res = (status: number, body: unknown, url = 'https://as.example.com/register'): HttpResponse => ({
  status,
  statusText: '',
  url,
  headers: new Headers({ 'content-type': 'application/json' }),
  text: typeof body === 'string' ? body : JSON.stringify(body),
});
const ctx = { endpoint: 'https://as.example.com/register', name: 'registration endpoint', operation: 'registration', warn: () => {} };
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
};

describe('client metadata (SPEC defaults, RFC 7591 §2)', () => {
  it('defaults for a command-line client', () => {
    expect(clientMetadata({})).toEqual({
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    });
  });

  it('choices change them, grant names become URNs, --metadata is merged last', () => {
    const m = clientMetadata({ grants: ['device_code', 'refresh_token'], clientName: 'n', scope: 's', extra: { client_name: 'last', logo_uri: 'https://l' } });
    expect(m).toMatchObject({ grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [], client_name: 'last', scope: 's', logo_uri: 'https://l' });
    expect(m.redirect_uris).toBeUndefined();
    expect(clientMetadata({ grants: ['client_credentials'] }).token_endpoint_auth_method).toBe('client_secret_basic');
    expect(clientMetadata({ redirectUris: ['http://localhost:8080/cb'], clientAuth: 'private_key_jwt' })).toMatchObject({ redirect_uris: ['http://localhost:8080/cb'], token_endpoint_auth_method: 'private_key_jwt' });
  });
});

describe('processRegistrationResponse (RFC 7591 §3.2)', () => {
  it('accepts a 201 with a client_id', () => {
    expect(processRegistrationResponse(res(201, { client_id: 'c', client_secret: 's' }), ctx)).toMatchObject({ client_id: 'c' });
  });

  it('registration_response_missing_client_id: no client_id, or not a string (exit 4)', () => {
    for (const body of [{ client_secret: 's' }, { client_id: 7 }, { client_id: '' }]) {
      const err = thrown(() => processRegistrationResponse(res(201, body), ctx));
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe('registration_response_missing_client_id');
      expect((err as ProtocolError).cause).toMatchObject({ check: 'checkClientId', attribute: 'client_id' });
    }
  });

  it('an OAuth error is the server\'s (exit 3); another failure is a protocol error (exit 4)', () => {
    const err = thrown(() => processRegistrationResponse(res(400, { error: 'invalid_client_metadata', error_description: 'no' }), ctx));
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('invalid_client_metadata');
    expect(thrown(() => processRegistrationResponse(res(500, '<h1>oops</h1>'), ctx))).toBeInstanceOf(ProtocolError);
    expect((thrown(() => processRegistrationResponse(res(201, { client_id: 'c', client_secret: 5 }), ctx)) as ProtocolError).code).toBe('registration_response_invalid_member');
    expect((thrown(() => processRegistrationResponse(res(202, { client_id: 'c' }), ctx)) as ProtocolError).code).toBe('response_status_unexpected');
  });

  it('a delete is 204; a 401 with an OAuth error is the server\'s', () => {
    expect(() => processDeleteRegistrationResponse(res(204, ''), ctx)).not.toThrow();
    expect(thrown(() => processDeleteRegistrationResponse(res(401, { error: 'invalid_token' }), ctx))).toBeInstanceOf(OAuthError);
    expect((thrown(() => processDeleteRegistrationResponse(res(404, ''), ctx)) as ProtocolError).code).toBe('response_status_unexpected');
  });
});

describe('what a registration yields', () => {
  it('the profile: the client id, its authentication, scope and a non-default redirect URI, and a non-interactive grant', () => {
    const settings = { issuer: 'https://as' };
    expect(profileFromRegistration({ client_id: 'c', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/callback'] }, settings)).toEqual({
      issuer: 'https://as',
      client_id: 'c',
      client_auth: 'none',
    });
    expect(
      profileFromRegistration({ client_id: 'c', token_endpoint_auth_method: 'weird', scope: 'a', grant_types: ['client_credentials'], redirect_uris: ['http://localhost:9/cb'] }, settings),
    ).toEqual({ issuer: 'https://as', client_id: 'c', scope: 'a', grant: 'client_credentials', redirect_uri: 'http://localhost:9/cb' });
  });

  it('secrets redacted unless revealed', () => {
    const client = { client_id: 'c', client_secret: 's', registration_access_token: 't' };
    expect(redactRegistration(client, false)).toEqual({ client_id: 'c', client_secret: '[redacted]', registration_access_token: '[redacted]' });
    expect(redactRegistration(client, true)).toEqual(client);
  });
});

describe('token sources (as register uses them)', () => {
  const readers = (over: Partial<TokenSourceIO> = {}) =>
    ({
      redactor: new Redactor(),
      sources: {
        readStdinLine: async () => 'from-stdin',
        readFile: async () => '  from-file\n',
        env: { IAT: 'from-env' },
        savedProfile: async () => undefined,
        ...over,
      },
    }) as unknown as AppContext;
  const role = { role: 'initial access token' } as const;
  it('literal, -, @FILE, env:NAME', async () => {
    const read = (src: string) => readTokenSource(parseTokenSource(src, '--x'), role, readers());
    expect(await read('literal')).toBe('literal');
    expect(await read('-')).toBe('from-stdin');
    expect(await read('@f')).toBe('from-file');
    expect(await read('env:IAT')).toBe('from-env');
  });
  it('bad sources are usage errors', async () => {
    expect(() => parseTokenSource('', '--x')).toThrow(UsageError);
    expect(() => parseTokenSource('@', '--x')).toThrow(UsageError);
    expect(() => parseTokenSource('env:1x', '--x')).toThrow(UsageError);
    await expect(readTokenSource({ kind: 'env', name: 'NOPE' }, role, readers())).rejects.toThrow(UsageError);
    await expect(readTokenSource({ kind: 'file', path: 'f' }, role, readers({ readFile: async () => Promise.reject(Object.assign(new Error(), { code: 'ENOENT' })) }))).rejects.toThrow(/ENOENT/);
  });
});

describe('protected resource metadata (RFC 9728)', () => {
  it('§3.1: the well-known URL goes between host and path (and query); a bare / is dropped', () => {
    expect(resourceMetadataWellKnownUrl('https://api.example.com')).toBe('https://api.example.com/.well-known/oauth-protected-resource');
    expect(resourceMetadataWellKnownUrl('https://api.example.com/')).toBe('https://api.example.com/.well-known/oauth-protected-resource');
    expect(resourceMetadataWellKnownUrl('https://api.example.com/mcp')).toBe('https://api.example.com/.well-known/oauth-protected-resource/mcp');
    expect(resourceMetadataWellKnownUrl('https://api.example.com:8443/a/b?x=1')).toBe('https://api.example.com:8443/.well-known/oauth-protected-resource/a/b?x=1');
  });

  it('§3.3: resource_mismatch names both; lists must be strings', () => {
    const url = 'https://api.example.com/.well-known/oauth-protected-resource/mcp';
    expect(processResourceMetadataResponse(res(200, { resource: 'https://api.example.com/mcp', authorization_servers: ['https://as'] }, url), 'https://api.example.com/mcp')).toMatchObject({
      authorization_servers: ['https://as'],
    });
    expect(processResourceMetadataResponse(res(200, { resource: 'https://API.example.com' }, url), 'https://api.example.com/').resource).toBe('https://API.example.com');
    const err = thrown(() => processResourceMetadataResponse(res(200, { resource: 'https://evil.example' }, url), 'https://api.example.com/mcp')) as ProtocolError;
    expect(err.code).toBe('resource_metadata_resource_mismatch');
    expect(err.cause).toMatchObject({ check: 'assertResourceMatches', expected: 'https://api.example.com/mcp', actual: 'https://evil.example' });
    expect(err.message).toContain('"https://evil.example", not "https://api.example.com/mcp"');
    expect((thrown(() => processResourceMetadataResponse(res(200, { resource: 'https://api.example.com/mcp', authorization_servers: 'https://as' }, url), 'https://api.example.com/mcp')) as ProtocolError).code).toBe('resource_metadata_invalid');
    expect((thrown(() => processResourceMetadataResponse(res(200, '[]', url), 'https://api.example.com/mcp')) as ProtocolError).code).toBe('resource_metadata_invalid');
  });
});
