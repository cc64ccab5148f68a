import { describe, expect, it } from 'vitest';
import { OAuthError, ProtocolError, type ProtocolCode } from '../../src/errors.js';
import type { HttpResponse } from '../../src/http/types.js';
import { readOAuthBody, throwIfOAuthError, type OAuthResponseContext } from '../../src/oauth/response.js';
import { processTokenResponse } from '../../src/oauth/token-response.js';

const ENDPOINT = 'https://as.example/token';
const AT = 'at-SECRET-0123456789';
const RT = 'rt-SECRET-9876543210';
const IDT = 'eyJhbGciOiJSUzI1NiJ9.idt-SECRET.sig';

function response(status: number, text: string, contentType?: string, statusText = ''): HttpResponse {
  const headers = new Headers();
  if (contentType !== undefined) headers.set('content-type', contentType);
  return { status, statusText, url: ENDPOINT, headers, text };
}

function json(status: number, body: unknown, contentType = 'application/json; charset=utf-8'): HttpResponse {
  return response(status, JSON.stringify(body), contentType);
}

function context(): OAuthResponseContext & { warnings: string[]; notes: string[] } {
  const warnings: string[] = [];
  const notes: string[] = [];
  return { endpoint: ENDPOINT, warn: (m) => warnings.push(m), note: (m) => notes.push(m), warnings, notes };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

function expectNoSecrets(err: unknown): void {
  const e = err as Error & { hint?: string };
  for (const text of [e.message, e.hint ?? '']) {
    expect(text).not.toContain(AT);
    expect(text).not.toContain(RT);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('\n');
  }
}

describe('processTokenResponse: conforming answers', () => {
  it('reads a full RFC 6749 §5.1 response', () => {
    const ctx = context();
    const t = processTokenResponse(
      json(200, { access_token: AT, token_type: 'Bearer', expires_in: 3600, refresh_token: RT, id_token: IDT, scope: 'openid email' }),
      ctx,
    );
    expect(t).toMatchObject({ access_token: AT, token_type: 'Bearer', expires_in: 3600, refresh_token: RT, id_token: IDT, scope: 'openid email' });
    expect(t.raw.access_token).toBe(AT);
    expect(ctx.warnings).toEqual([]);
    expect(ctx.notes).toEqual([]);
  });

  it('leaves out empty refresh_token and id_token', () => {
    const t = processTokenResponse(json(200, { access_token: AT, token_type: 'bearer', refresh_token: '', id_token: '' }), context());
    expect(t).not.toHaveProperty('refresh_token');
    expect(t).not.toHaveProperty('id_token');
    expect(t).not.toHaveProperty('scope');
  });
});

describe('processTokenResponse: tolerated deviations (SPEC Interoperability)', () => {
  it('parses a body labelled application/x-www-form-urlencoded (GitHub without Accept)', () => {
    const ctx = context();
    const t = processTokenResponse(
      response(200, `access_token=${AT}&scope=repo%2Cgist&token_type=bearer`, 'application/x-www-form-urlencoded; charset=utf-8'),
      ctx,
    );
    expect(t.access_token).toBe(AT);
    expect(t.token_type).toBe('bearer');
    expect(t.scope).toBe('repo,gist');
    expect(t.expires_in).toBeNull();
    expect(ctx.warnings).toEqual([]);
    expect(ctx.notes).toHaveLength(1);
  });

  it('reads an OAuth error from a form-encoded body', () => {
    const err = catchError(() =>
      processTokenResponse(response(200, 'error=bad_verification_code&error_description=The+code+passed+is+incorrect', 'application/x-www-form-urlencoded'), context()),
    );
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('bad_verification_code');
    expect((err as OAuthError).errorDescription).toBe('The code passed is incorrect');
  });

  it('accepts expires_in as a numeric string', () => {
    const ctx = context();
    const t = processTokenResponse(json(200, { access_token: AT, token_type: 'Bearer', expires_in: '3600' }), ctx);
    expect(t.expires_in).toBe(3600);
    expect(ctx.warnings).toEqual([]);
  });

  it('takes a missing expires_in as unknown expiry (null), without a warning', () => {
    const ctx = context();
    const t = processTokenResponse(json(200, { access_token: AT, token_type: 'Bearer' }), ctx);
    expect(t.expires_in).toBeNull();
    expect(ctx.warnings).toEqual([]);
  });

  it.each([['soon'], [{}], [true]])('takes an unusable expires_in %j as unknown, with a warning', (value) => {
    const ctx = context();
    const t = processTokenResponse(json(200, { access_token: AT, token_type: 'Bearer', expires_in: value }), ctx);
    expect(t.expires_in).toBeNull();
    expect(ctx.warnings).toHaveLength(1);
    expect(ctx.warnings[0]).toMatch(/expires_in/);
  });

  it('takes a missing token_type as Bearer, with exactly one warning', () => {
    const ctx = context();
    const t = processTokenResponse(json(200, { access_token: AT, expires_in: 60 }), ctx);
    expect(t.token_type).toBe('Bearer');
    expect(ctx.warnings).toEqual(['token response has no token_type; assuming Bearer']);
  });

  it.each(['bearer', 'BEARER', 'Bearer', 'bEaReR', 'N_A'])('accepts token_type %s case-insensitively, as sent', (type) => {
    const ctx = context();
    const t = processTokenResponse(json(200, { access_token: AT, token_type: type }), ctx);
    expect(t.token_type).toBe(type);
    expect(ctx.warnings).toEqual([]);
  });

  it('keeps a comma-separated scope raw', () => {
    const t = processTokenResponse(json(200, { access_token: AT, token_type: 'bearer', scope: 'read,write, admin' }), context());
    expect(t.scope).toBe('read,write, admin');
  });

  it('joins a scope sent as an array, with a note', () => {
    const ctx = context();
    const t = processTokenResponse(json(200, { access_token: AT, token_type: 'bearer', scope: ['read', 'write'] }), ctx);
    expect(t.scope).toBe('read write');
    expect(ctx.notes).toHaveLength(1);
  });

  it.each([[undefined], ['text/plain'], ['application/octet-stream'], ['text/javascript']])(
    'accepts a JSON object labelled %s, with a note',
    (type) => {
      const ctx = context();
      const t = processTokenResponse(response(200, JSON.stringify({ access_token: AT, token_type: 'Bearer' }), type), ctx);
      expect(t.access_token).toBe(AT);
      expect(ctx.notes).toHaveLength(1);
      expect(ctx.warnings).toEqual([]);
    },
  );

  it('accepts application/*+json and a byte-order mark', () => {
    const t = processTokenResponse(response(200, `\uFEFF${JSON.stringify({ access_token: AT, token_type: 'Bearer' })}`, 'application/vnd.api+json'), context());
    expect(t.access_token).toBe(AT);
  });

  it('parses an unlabelled form body that carries access_token, with a note', () => {
    const ctx = context();
    const t = processTokenResponse(response(200, `access_token=${AT}&token_type=bearer`, 'text/plain'), ctx);
    expect(t.access_token).toBe(AT);
    expect(ctx.notes).toHaveLength(1);
  });
});

describe('throwIfOAuthError: an error member is an OAuth error whatever the status', () => {
  it('turns 400 invalid_client into OAuthError with error, description and status', () => {
    const err = catchError(() =>
      processTokenResponse(json(401, { error: 'invalid_client', error_description: 'client authentication failed' }), context()),
    );
    expect(err).toBeInstanceOf(OAuthError);
    const e = err as OAuthError;
    expect(e.kind).toBe('oauth');
    expect(e.error).toBe('invalid_client');
    expect(e.code).toBe('invalid_client');
    expect(e.errorDescription).toBe('client authentication failed');
    expect(e.status).toBe(401);
    expect(e.message).toBe('token request failed: invalid_client (client authentication failed)');
  });

  it('turns a 200 with error into OAuthError', () => {
    const ctx = context();
    const err = catchError(() => processTokenResponse(json(200, { error: 'invalid_grant', error_description: 'code expired' }), ctx));
    expect(err).toBeInstanceOf(OAuthError);
    const e = err as OAuthError;
    expect(e.error).toBe('invalid_grant');
    expect(e.errorDescription).toBe('code expired');
    expect(e.status).toBe(200);
    expect(ctx.notes.some((n) => n.includes('200'))).toBe(true);
  });

  it('turns authorization_pending with 428 into OAuthError', () => {
    const err = catchError(() => processTokenResponse(json(428, { error: 'authorization_pending' }), context()));
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('authorization_pending');
    expect((err as OAuthError).errorDescription).toBeUndefined();
    expect((err as OAuthError).status).toBe(428);
    expect((err as OAuthError).message).toBe('token request failed: authorization_pending');
  });

  it('turns a 5xx with an OAuth error body into OAuthError (exit 3, not 4)', () => {
    const err = catchError(() => processTokenResponse(json(503, { error: 'temporarily_unavailable' }), context()));
    expect(err).toBeInstanceOf(OAuthError);
  });

  it('uses the operation name and error_uri hint', () => {
    const ctx = { ...context(), name: 'device authorization endpoint', operation: 'device authorization' };
    const body = { error: 'invalid_scope', error_uri: 'https://as.example/docs/errors#scope' };
    const err = catchError(() => throwIfOAuthError(body, json(400, body), ctx)) as OAuthError;
    expect(err.message).toBe('device authorization failed: invalid_scope');
    expect(err.hint).toBe('see https://as.example/docs/errors#scope');
  });

  it('keeps a multi-line error_description on one line', () => {
    const body = { error: 'invalid_request', error_description: 'line one\nline two' };
    const err = catchError(() => throwIfOAuthError(body, json(400, body), context())) as OAuthError;
    expect(err.message).toBe('token request failed: invalid_request (line one line two)');
  });

  it('does nothing without an error member', () => {
    expect(() => throwIfOAuthError({ access_token: AT }, json(200, {}), context())).not.toThrow();
  });
});

describe('processTokenResponse: answers that are not token responses (exit 4)', () => {
  function expectProtocol(err: unknown, code: ProtocolCode, cause: Record<string, unknown> = {}): ProtocolError {
    expect(err).toBeInstanceOf(ProtocolError);
    const e = err as ProtocolError;
    expect(e.kind).toBe('protocol');
    expect(e.code).toBe(code);
    expect(e.cause).toMatchObject(cause);
    expectNoSecrets(e);
    return e;
  }

  it('rejects an HTML 502 naming the endpoint, status and content type', () => {
    const html = `<html><body><h1>502 Bad Gateway</h1><!-- ${AT} --></body></html>`;
    const err = catchError(() => processTokenResponse(response(502, html, 'text/html; charset=utf-8', 'Bad Gateway'), context()));
    const e = expectProtocol(err, 'response_not_json', { check: 'readOAuthBody', actual: 'text/html' });
    expect(e.message).toContain('token endpoint https://as.example/token');
    expect(e.status).toBe(502);
    expect(e.hint).toMatch(/try again/);
  });

  it('rejects an HTML login page with 200', () => {
    const err = catchError(() => processTokenResponse(response(200, '<!doctype html><title>Sign in</title>', 'text/html'), context()));
    expectProtocol(err, 'response_not_json');
  });

  it('rejects truncated JSON', () => {
    const err = catchError(() => processTokenResponse(response(200, `{"access_token":"${AT}","token_ty`, 'application/json'), context()));
    expectProtocol(err, 'response_invalid_json');
  });

  it('rejects a JSON array', () => {
    const err = catchError(() => processTokenResponse(json(200, [{ access_token: AT }]), context()));
    expectProtocol(err, 'response_not_object', { actual: 'a JSON array' });
  });

  it.each([[null, 'JSON null'], ['"x"', 'a JSON string'], ['42', 'a JSON number']])('rejects %s', (text, what) => {
    const err = catchError(() => processTokenResponse(response(200, String(text), 'application/json'), context()));
    expectProtocol(err, 'response_not_object', { actual: what });
  });

  it('rejects plain text', () => {
    const err = catchError(() => processTokenResponse(response(500, 'Internal Server Error', 'text/plain'), context()));
    expectProtocol(err, 'response_not_json', { actual: 'text/plain' });
  });

  it('rejects an empty body', () => {
    const err = catchError(() => processTokenResponse(response(401, '', undefined, 'Unauthorized'), context()));
    const e = expectProtocol(err, 'response_empty');
    expect(e.hint).toMatch(/client/);
  });

  it('rejects a 5xx JSON without an OAuth error', () => {
    const err = catchError(() => processTokenResponse(json(503, { message: 'maintenance' }), context()));
    const e = expectProtocol(err, 'response_status_unexpected', { check: 'assertSuccessStatus', actual: 503 });
    expect(e.status).toBe(503);
  });

  it('rejects a 4xx JSON without an OAuth error', () => {
    const err = catchError(() => processTokenResponse(json(404, { message: 'not found' }), context()));
    expectProtocol(err, 'response_status_unexpected', { actual: 404 });
  });

  it('rejects a 200 without access_token', () => {
    const err = catchError(() => processTokenResponse(json(200, { token_type: 'Bearer', refresh_token: RT }), context()));
    expectProtocol(err, 'token_response_missing_access_token', { check: 'checkAccessToken', attribute: 'access_token', actual: undefined });
  });

  it('rejects an access_token that is not a string', () => {
    const err = catchError(() => processTokenResponse(json(200, { access_token: 12345, token_type: 'Bearer' }), context()));
    expectProtocol(err, 'token_response_missing_access_token', { attribute: 'access_token', actual: 'number' });
  });

  it.each(['mac', 'DPoP'])('rejects token_type %s', (type) => {
    const err = catchError(() => processTokenResponse(json(200, { access_token: AT, token_type: type, refresh_token: RT }), context()));
    expectProtocol(err, 'token_response_unsupported_token_type', { check: 'checkTokenType', actual: type });
  });

  it.each([
    ['negative', -1],
    ['beyond 10 years', 1e300],
    ['not finite (1e999 parses as Infinity)', '1e999'],
    ['a negative numeric string', '-30'],
  ])('rejects an expires_in that is %s, naming it', (_what, value) => {
    const text = `{"access_token":"${AT}","token_type":"Bearer","expires_in":${typeof value === 'string' ? (value === '1e999' ? value : JSON.stringify(value)) : value}}`;
    const err = catchError(() => processTokenResponse(response(200, text, 'application/json'), context()));
    const e = expectProtocol(err, 'token_response_invalid_expires_in', { check: 'checkExpiresIn', attribute: 'expires_in' });
    expect(e.message).toContain('expires_in');
  });

  it('accepts an expires_in of exactly 10 years', () => {
    const t = processTokenResponse(json(200, { access_token: AT, token_type: 'Bearer', expires_in: 315_576_000 }), context());
    expect(t.expires_in).toBe(315_576_000);
  });

  it('the token endpoint refusing with an empty 400/401/403 gets a hint naming the likely causes', () => {
    for (const status of [400, 401, 403]) {
      const err = catchError(() => processTokenResponse(response(status, ''), context()));
      const e = expectProtocol(err, 'response_empty');
      expect(e.hint).toMatch(/client id.*secret.*scope.*redirect URI/);
    }
  });

  it('strips credentials and query from the endpoint named in messages', () => {
    const ctx = { ...context(), endpoint: 'https://user:pw@as.example/token?p=policy' };
    const err = catchError(() => processTokenResponse(response(502, '<html></html>', 'text/html'), ctx)) as Error;
    expect(err.message).toBe('token endpoint https://as.example/token answered 502 with text/html, not JSON');
  });
});

describe('readOAuthBody', () => {
  it('returns {} for an empty body when allowed (revocation)', () => {
    expect(readOAuthBody(response(200, ''), context(), { allowEmpty: true })).toEqual({});
  });

  it('names another endpoint', () => {
    const ctx = { ...context(), endpoint: 'https://as.example/revoke', name: 'revocation endpoint' };
    const err = catchError(() => readOAuthBody(response(503, '<html/>', 'text/html'), ctx)) as Error;
    expect(err.message).toBe('revocation endpoint https://as.example/revoke answered 503 with text/html, not JSON');
  });
});
