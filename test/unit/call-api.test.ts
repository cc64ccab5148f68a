import { describe, expect, it } from 'vitest';
import {
  authorizationScheme,
  buildHttpRequest,
  callApi,
  parseBodySource,
  parseHeaderLines,
  parseMethod,
  prepareCall,
  resolveCallUrl,
  type BodyReader,
  type CallInput,
  type CallTokens,
} from '../../src/app/call-api.js';
import type { AppContext } from '../../src/app/context.js';
import { LoginRequiredError, UsageError } from '../../src/errors.js';
import type { StreamingHttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import type { HttpRequest } from '../../src/http/types.js';
import type { TokenSet } from '../../src/store/types.js';

const noFiles: BodyReader = async (source) => {
  throw new Error(`unexpected read of ${JSON.stringify(source)}`);
};
const ctx0 = { insecure: false };
const prepare = (input: Partial<CallInput>, read: BodyReader = noFiles) =>
  prepareCall({ method: 'GET', target: '/people', baseUrl: 'https://api.example.com', ...input }, read, ctx0);

async function usageError(p: Promise<unknown>): Promise<UsageError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return err as UsageError;
}

describe('resolveCallUrl', () => {
  it('appends /PATH to the base, keeping the base path', () => {
    expect(resolveCallUrl('/people', 'https://api/v1')).toBe('https://api/v1/people');
    expect(resolveCallUrl('/people', 'https://api/v1/')).toBe('https://api/v1/people');
    expect(resolveCallUrl('/people', 'https://api/v1//')).toBe('https://api/v1/people');
    expect(resolveCallUrl('/people', 'https://api')).toBe('https://api/people');
    expect(resolveCallUrl('/people', 'https://api/')).toBe('https://api/people');
    expect(resolveCallUrl('/', 'https://api/v1')).toBe('https://api/v1/');
  });

  it('keeps the path\'s own query string (and the base\'s)', () => {
    expect(resolveCallUrl('/people?limit=2&q=a%20b&f=x:y', 'https://api/v1/')).toBe('https://api/v1/people?limit=2&q=a%20b&f=x:y');
    expect(resolveCallUrl('/people?limit=2', 'https://api/v1?key=k')).toBe('https://api/v1/people?key=k&limit=2');
    expect(resolveCallUrl('/people#frag', 'https://api/v1')).toBe('https://api/v1/people');
  });

  it('uses an absolute URL as is, whatever the base', () => {
    expect(resolveCallUrl('https://other.example/x?y=1', 'https://api/v1')).toBe('https://other.example/x?y=1');
    expect(resolveCallUrl('http://127.0.0.1:8080/people', undefined)).toBe('http://127.0.0.1:8080/people');
  });

  it('refuses a /PATH without a base URL, hinting at --base-url', () => {
    let err: unknown;
    try {
      resolveCallUrl('/people?access_token=secret', undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).hint).toContain('--base-url');
    expect((err as UsageError).message).not.toContain('secret');
  });

  it('refuses relative paths and other schemes', () => {
    expect(() => resolveCallUrl('people', 'https://api')).toThrow(UsageError);
    expect(() => resolveCallUrl('ftp://x/y', 'https://api')).toThrow(UsageError);
    expect(() => resolveCallUrl('/x', 'not a url')).toThrow(UsageError);
  });
});

describe('parseMethod', () => {
  it('upper-cases a method', () => {
    expect(parseMethod('get')).toBe('GET');
    expect(parseMethod('Patch')).toBe('PATCH');
  });
  it('refuses what is not a token of letters', () => {
    for (const bad of ['', 'GE T', 'GET\r\n', 'G/T', '/people']) expect(() => parseMethod(bad)).toThrow(UsageError);
  });
});

describe('parseHeaderLines', () => {
  it('parses Name: value, lower-casing names and trimming values', () => {
    expect(parseHeaderLines(['X-One: 1', 'accept:  text/plain ', 'X-Empty:'])).toEqual({ 'x-one': '1', accept: 'text/plain', 'x-empty': '' });
  });
  it('joins repeated names, and keeps colons in values', () => {
    expect(parseHeaderLines(['X-A: 1', 'x-a: 2', 'Link: <https://a/b>; rel=next'])).toEqual({ 'x-a': '1, 2', link: '<https://a/b>; rel=next' });
  });
  it('refuses malformed headers', () => {
    for (const bad of ['NoColon', ': value', 'Bad Name: v', 'X-A: a\r\nInjected: 1']) expect(() => parseHeaderLines([bad])).toThrow(UsageError);
  });
});

describe('parseBodySource', () => {
  it('tells inline data, @FILE and @- apart', () => {
    expect(parseBodySource('a=1')).toEqual({ inline: 'a=1' });
    expect(parseBodySource('@body.json')).toEqual({ file: 'body.json' });
    expect(parseBodySource('@-')).toEqual({ stdin: true });
    expect(parseBodySource('@')).toEqual({ inline: '@' });
  });
});

describe('prepareCall: body options', () => {
  it('-d sends the data as given, labelled as a form like curl', async () => {
    const spec = await prepare({ method: 'post', data: 'name=Ada' });
    expect(spec).toMatchObject({ method: 'POST', url: 'https://api.example.com/people', body: 'name=Ada' });
    expect(spec.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('-d @FILE and @- read their bytes through the reader; the user\'s Content-Type wins', async () => {
    const seen: unknown[] = [];
    const read: BodyReader = async (source) => {
      seen.push(source);
      return new TextEncoder().encode('<a/>');
    };
    const spec = await prepare({ method: 'PUT', data: '@a.xml', headers: ['Content-Type: application/xml'] }, read);
    expect(Buffer.from(spec.body as Uint8Array).toString()).toBe('<a/>');
    expect(spec.headers['content-type']).toBe('application/xml');
    await prepare({ method: 'PUT', data: '@-' }, read);
    expect(seen).toEqual([{ file: 'a.xml' }, { stdin: true }]);
  });

  it('--json validates and sets Content-Type and Accept unless given', async () => {
    const spec = await prepare({ method: 'POST', json: '{"name":"Ada"}' });
    expect(spec.body).toBe('{"name":"Ada"}');
    expect(spec.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
    const own = await prepare({ method: 'POST', json: '[1]', headers: ['Accept: application/vnd.x+json'] });
    expect(own.headers.accept).toBe('application/vnd.x+json');
    expect((await usageError(prepare({ method: 'POST', json: '{name:' }))).message).toContain('not valid JSON');
  });

  it('refuses -d with --json, and a body on GET', async () => {
    await usageError(prepare({ method: 'POST', data: 'a', json: '{}' }));
    await usageError(prepare({ method: 'GET', data: 'a=1' }));
  });

  it('refuses plain http:// to a host that is not loopback (RFC 6750 §5.3), unless --insecure', async () => {
    await usageError(prepare({ target: 'http://api.example.com/people' }));
    await expect(prepareCall({ method: 'GET', target: 'http://api.example.com/x' }, noFiles, { insecure: true })).resolves.toBeTruthy();
    await expect(prepare({ target: 'http://127.0.0.1:9/x' })).resolves.toBeTruthy();
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
    const spec = await prepare({ headers: ['Authorization: Basic abc'] });
    expect(spec.userAuthorization).toBe(true);
    expect(buildHttpRequest(spec, undefined).headers?.authorization).toBe('Basic abc');
  });

  it('query: access_token appended to the query, which is kept (§2.3)', async () => {
    const req = buildHttpRequest(await prepare({ target: '/people?limit=2', bearerIn: 'query' }), token);
    expect(req.url).toBe('https://api.example.com/people?limit=2&access_token=tok-123');
    expect(req.headers?.authorization).toBeUndefined();
  });

  it('form: access_token added to a form body, or alone as the body (§2.2)', async () => {
    const alone = buildHttpRequest(await prepare({ method: 'POST', bearerIn: 'form' }), token);
    expect(alone.body).toBe('access_token=tok-123');
    expect(alone.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
    const withData = buildHttpRequest(await prepare({ method: 'POST', bearerIn: 'form', data: 'name=Ada\n' }), token);
    expect(withData.body).toBe('name=Ada&access_token=tok-123');
    expect(withData.headers?.authorization).toBeUndefined();
  });

  it('form: refused with GET, with --json, or with a body that is not a form', async () => {
    expect((await usageError(prepare({ method: 'GET', bearerIn: 'form' }))).message).toContain('§2.2');
    await usageError(prepare({ method: 'POST', bearerIn: 'form', json: '{}' }));
    await usageError(prepare({ method: 'POST', bearerIn: 'form', data: 'x', headers: ['Content-Type: text/plain'] }));
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
    const spec = await prepare({ method: 'POST', json: '{"a":1}' });
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
    const result = await callApi(await prepare({ headers: ['Authorization: Basic x'] }), { profile: 'default', settings: {} }, h.ctx, h.tokens);
    expect(result.response.status).toBe(401);
    expect(h.calls).toEqual([]);
  });

  it('the display URL carries no query (it may hold the token)', async () => {
    const h = harness([200]);
    const result = await callApi(await prepare({ target: '/people?x=1', bearerIn: 'query' }), { profile: 'default', settings: {} }, h.ctx, h.tokens);
    expect(result.displayUrl).toBe('https://api.example.com/people');
    expect(h.ctx.redactor.scrub('first')).not.toContain('first');
  });
});
