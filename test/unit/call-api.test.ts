import { describe, expect, it } from 'vitest';
import {
  assertTokenOrigin,
  authorizationScheme,
  buildHttpRequest,
  callApi,
  type CallSpec,
  type CallTokens,
} from '../../src/app/call-api.js';
import type { AppContext } from '../../src/app/context.js';
import { LoginRequiredError, UsageError } from '../../src/errors.js';
import type { StreamingHttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import type { HttpRequest } from '../../src/http/types.js';
import type { TokenSet } from '../../src/store/types.js';

/** A validated request, as the command builds it (parsing is tested in call-options.test.ts). */
const prepare = async (over: Partial<CallSpec> = {}): Promise<CallSpec> => ({
  method: 'GET',
  url: 'https://api.example.com/people',
  headers: {},
  bearerIn: 'header',
  ...over,
});

describe('assertTokenOrigin (SPEC "Safety")', () => {
  it('lets the token go to the API base URL\'s origin, or anywhere without one', () => {
    expect(() => assertTokenOrigin('https://api.example.com/v1/people?x=1', 'https://api.example.com')).not.toThrow();
    expect(() => assertTokenOrigin('https://elsewhere.example/x', undefined)).not.toThrow();
  });

  it('refuses another origin (scheme, host or port), naming both', () => {
    for (const url of ['https://evil.example/people', 'http://api.example.com/people', 'https://api.example.com:8443/people']) {
      let err: unknown;
      try {
        assertTokenOrigin(url, 'https://api.example.com');
      } catch (e) {
        err = e;
      }
      expect(err, url).toBeInstanceOf(UsageError);
      expect((err as UsageError).code).toBe('token_origin_mismatch');
      expect((err as UsageError).message).toContain(new URL(url).origin);
      expect((err as UsageError).message).toContain('https://api.example.com');
    }
  });
});

describe('bearer placement (RFC 6750 §2)', () => {
  const token = { access_token: 'tok-123', token_type: 'bearer' };

  it('header: Authorization: Bearer, whatever the case of token_type', async () => {
    const req = buildHttpRequest(await prepare({}), token);
    expect(req.headers?.authorization).toBe('Bearer tok-123');
    expect(req.url).toBe('https://api.example.com/people');
    expect(authorizationScheme('BEARER')).toBe('Bearer');
    expect(authorizationScheme(undefined)).toBe('Bearer');
    expect(authorizationScheme('DPoP')).toBe('DPoP');
  });

  it('header: a user Authorization header is sent instead of ours', async () => {
    const spec = await prepare({ headers: { authorization: 'Basic abc' } });
    expect(buildHttpRequest(spec, undefined).headers?.authorization).toBe('Basic abc');
  });

  it('query: access_token appended to the query, which is kept (§2.3)', async () => {
    const req = buildHttpRequest(await prepare({ url: 'https://api.example.com/people?limit=2', bearerIn: 'query' }), token);
    expect(req.url).toBe('https://api.example.com/people?limit=2&access_token=tok-123');
    expect(req.headers?.authorization).toBeUndefined();
  });

  it('form: access_token added to a form body, or alone as the body (§2.2)', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const alone = buildHttpRequest(await prepare({ method: 'POST', bearerIn: 'form', headers: form }), token);
    expect(alone.body).toBe('access_token=tok-123');
    expect(alone.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
    const withData = buildHttpRequest(await prepare({ method: 'POST', bearerIn: 'form', headers: form, body: 'name=Ada\n' }), token);
    expect(withData.body).toBe('name=Ada&access_token=tok-123');
    expect(withData.headers?.authorization).toBeUndefined();
  });
});

describe('callApi: 401 → renew once → repeat', () => {
  const set = (access_token: string): TokenSet => ({ access_token, token_type: 'Bearer', obtained_at: 0 });

  function harness(statuses: number[], renewed: TokenSet | Error = set('second')) {
    const requests: HttpRequest[] = [];
    const calls: string[] = [];
    const http = {
      async stream(req: HttpRequest) {
        requests.push(req);
        const status = statuses.shift();
        if (status === undefined) throw new Error(`unexpected request ${req.method} ${req.url}`);
        return new Response(`{"status":${status}}`, { status });
      },
    } as unknown as StreamingHttpClient;
    const ctx = { http, redactor: new Redactor(), warn: () => {}, note: () => {}, insecure: false } as unknown as AppContext;
    const tokens: CallTokens = {
      acquire: async () => {
        calls.push('acquire');
        return set('first');
      },
      renew: async (req) => {
        calls.push(`renew rejected=${req.rejected}`);
        if (renewed instanceof Error) throw renewed;
        return renewed;
      },
    };
    return { requests, calls, ctx, tokens };
  }

  it('does not renew when the first answer is not 401', async () => {
    const h = harness([200]);
    const result = await callApi(await prepare({}), { profile: 'default', settings: {} }, h.ctx, h.tokens);
    expect(result.response.status).toBe(200);
    expect(result.renewed).toBe(false);
    expect(h.calls).toEqual(['acquire']);
  });

  it('renews once with the rejected token and repeats the request (body resent)', async () => {
    const h = harness([401, 200]);
    const spec = await prepare({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    const result = await callApi(spec, { profile: 'default', settings: {} }, h.ctx, h.tokens);
    expect(result.response.status).toBe(200);
    expect(result.renewed).toBe(true);
    expect(h.calls).toEqual(['acquire', 'renew rejected=first']);
    expect(h.requests.map((r) => r.headers?.authorization)).toEqual(['Bearer first', 'Bearer second']);
    expect(h.requests.map((r) => r.body)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('a second 401 is returned, not retried again', async () => {
    const h = harness([401, 401]);
    const result = await callApi(await prepare({}), { profile: 'default', settings: {} }, h.ctx, h.tokens);
    expect(result.response.status).toBe(401);
    expect(h.requests).toHaveLength(2);
  });

  it('a 401 that cannot be renewed is login required (exit 5)', async () => {
    const h = harness([401], new LoginRequiredError('no refresh token'));
    await expect(callApi(await prepare({}), { profile: 'default', settings: {} }, h.ctx, h.tokens)).rejects.toThrow(/rejected the access token/);
  });

  it('a user Authorization header: no token acquired, no renewal', async () => {
    const h = harness([401]);
    const result = await callApi(await prepare({ headers: { authorization: 'Basic x' } }), { profile: 'default', settings: {} }, h.ctx, h.tokens);
    expect(result.response.status).toBe(401);
    expect(h.calls).toEqual([]);
  });

  it('the display URL carries no query (it may hold the token)', async () => {
    const h = harness([200]);
    const result = await callApi(await prepare({ url: 'https://api.example.com/people?x=1', bearerIn: 'query' }), { profile: 'default', settings: {} }, h.ctx, h.tokens);
    expect(result.displayUrl).toBe('https://api.example.com/people');
    expect(h.ctx.redactor.scrub('first')).not.toContain('first');
  });

  it('refuses another origin before acquiring a token or sending anything', async () => {
    const h = harness([200]);
    const spec = await prepare({ url: 'https://evil.example/people', tokenOrigin: 'https://api.example.com' });
    await expect(callApi(spec, { profile: 'default', settings: {} }, h.ctx, h.tokens)).rejects.toMatchObject({ code: 'token_origin_mismatch' });
    expect(h.calls).toEqual([]);
    expect(h.requests).toEqual([]);
  });

  it('refuses plain http:// to a host that is not loopback (RFC 6750 §5.3) before any token is read, unless insecure', async () => {
    const h = harness([200, 200]);
    await expect(callApi(await prepare({ url: 'http://api.example.com/x' }), { profile: 'default', settings: {} }, h.ctx, h.tokens)).rejects.toBeInstanceOf(UsageError);
    expect(h.calls).toEqual([]);
    const insecure = { ...h.ctx, insecure: true } as AppContext;
    await expect(callApi(await prepare({ url: 'http://api.example.com/x' }), { profile: 'default', settings: {} }, insecure, h.tokens)).resolves.toBeTruthy();
    await expect(callApi(await prepare({ url: 'http://127.0.0.1:9/x' }), { profile: 'default', settings: {} }, h.ctx, h.tokens)).resolves.toBeTruthy();
  });
});
