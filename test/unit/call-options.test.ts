import { describe, expect, it } from 'vitest';
import {
  checkJsonBody,
  parseBodySource,
  parseCallOptions,
  parseHeaderLines,
  type CallOptions,
} from '../../src/cli/commands/call-options.js';
import { parseMethod, resolveCallUrl, tokenOrigin } from '../../src/cli/request-target.js';
import { UsageError } from '../../src/errors.js';

const parse = (args: string[], opts: Record<string, unknown> = {}): CallOptions => parseCallOptions({ args, opts });

function usageError(fn: () => unknown): UsageError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UsageError);
  return err as UsageError;
}

describe('parseCallOptions', () => {
  it('defaults: the Bearer header, no body, no -i, the origin rule on', () => {
    const { token, ...rest } = parse(['get', '/people']);
    expect({ ...rest, headers: { ...rest.headers } }).toEqual({
      method: 'GET',
      target: '/people',
      headers: {},
      bearerIn: 'header',
      include: false,
      anyOrigin: false,
    });
    expect(token).toEqual({ profileFlags: {}, secret: { stdin: false } });
  });

  it('--scope/--audience/--resource ask for a narrower token; none: the profile\'s own', () => {
    expect(parse(['GET', '/p'], { scope: ['people:read'] }).narrow).toBeDefined();
    expect(parse(['GET', '/p']).narrow).toBeUndefined();
  });

  it('the token options: profile flags and --min-ttl, checked here', () => {
    const { token } = parse(['GET', '/p'], { baseUrl: 'https://api.example.com', minTtl: '30' });
    expect(token).toMatchObject({ profileFlags: { api_base_url: 'https://api.example.com' }, minTtl: 30 });
    usageError(() => parse(['GET', '/p'], { minTtl: 'soon' }));
  });

  it('reads -H lines, -i and --any-origin', () => {
    const opts = parse(['DELETE', 'https://api/x'], { header: ['X-A: 1', 'x-a: 2'], include: true, anyOrigin: true });
    expect(opts).toMatchObject({ method: 'DELETE', headers: { 'x-a': '1, 2' }, include: true, anyOrigin: true });
  });

  it('-d: the source as given, labelled as a form like curl; the user\'s Content-Type wins', () => {
    expect(parse(['post', '/p'], { data: 'name=Ada' })).toMatchObject({
      body: { source: { inline: 'name=Ada' }, json: false },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(parse(['PUT', '/p'], { data: '@a.xml', header: ['Content-Type: application/xml'] })).toMatchObject({
      body: { source: { file: 'a.xml' }, json: false },
      headers: { 'content-type': 'application/xml' },
    });
    expect(parse(['PUT', '/p'], { data: '@-' }).body).toEqual({ source: { stdin: true }, json: false });
  });

  it('--json: checked when inline, sets Content-Type and Accept unless given', () => {
    expect(parse(['POST', '/p'], { json: '{"name":"Ada"}' })).toMatchObject({
      body: { source: { inline: '{"name":"Ada"}' }, json: true },
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    expect(parse(['POST', '/p'], { json: '[1]', header: ['Accept: application/vnd.x+json'] }).headers.accept).toBe('application/vnd.x+json');
    expect(usageError(() => parse(['POST', '/p'], { json: '{name:' })).message).toContain('not valid JSON');
    // A file is checked when read (checkJsonBody), not here.
    expect(parse(['POST', '/p'], { json: '@body.json' }).body).toEqual({ source: { file: 'body.json' }, json: true });
  });

  it('refuses -d with --json, a body on GET, and stdin for both the secret and the body', () => {
    usageError(() => parse(['POST', '/p'], { data: 'a', json: '{}' }));
    usageError(() => parse(['GET', '/p'], { data: 'a=1' }));
    expect(usageError(() => parse(['POST', '/p'], { data: '@-', clientSecretStdin: true })).hint).toContain('OAUTHCTL_CLIENT_SECRET');
  });

  it('--bearer-in: header, query or form only', () => {
    expect(parse(['GET', '/p'], { bearerIn: 'query' }).bearerIn).toBe('query');
    usageError(() => parse(['GET', '/p'], { bearerIn: 'cookie' }));
  });

  it('--bearer-in form: needs a method with a body and a form body (RFC 6750 §2.2)', () => {
    expect(parse(['POST', '/p'], { bearerIn: 'form' }).headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(usageError(() => parse(['GET', '/p'], { bearerIn: 'form' })).message).toContain('§2.2');
    usageError(() => parse(['POST', '/p'], { bearerIn: 'form', json: '{}' }));
    usageError(() => parse(['POST', '/p'], { bearerIn: 'form', data: 'x', header: ['Content-Type: text/plain'] }));
  });
});

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

  it('refuses a /PATH without a base URL, hinting at --base-url, quoting no query', () => {
    const err = usageError(() => resolveCallUrl('/people?access_token=secret', undefined));
    expect(err.hint).toContain('--base-url');
    expect(err.message).not.toContain('secret');
  });

  it('refuses relative paths and other schemes', () => {
    expect(() => resolveCallUrl('people', 'https://api')).toThrow(UsageError);
    expect(() => resolveCallUrl('ftp://x/y', 'https://api')).toThrow(UsageError);
    expect(() => resolveCallUrl('/x', 'not a url')).toThrow(UsageError);
  });
});

describe('tokenOrigin (SPEC "Safety")', () => {
  it('is the API base URL\'s origin, unless --any-origin or no base URL', () => {
    expect(tokenOrigin('https://api.example.com:8443/v1/', false)).toBe('https://api.example.com:8443');
    expect(tokenOrigin('https://api.example.com/v1', true)).toBeUndefined();
    expect(tokenOrigin(undefined, false)).toBeUndefined();
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
  it('a header named like an object property is an ordinary header', () => {
    const headers = parseHeaderLines(['constructor: 1', '__proto__: 2']);
    expect(Object.entries(headers)).toEqual([['constructor', '1'], ['__proto__', '2']]);
    expect(Object.entries({ ...headers })).toEqual([['constructor', '1'], ['__proto__', '2']]);
  });
});

describe('parseBodySource / checkJsonBody', () => {
  it('tells inline data, @FILE and @- apart', () => {
    expect(parseBodySource('a=1')).toEqual({ inline: 'a=1' });
    expect(parseBodySource('@body.json')).toEqual({ file: 'body.json' });
    expect(parseBodySource('@-')).toEqual({ stdin: true });
    expect(parseBodySource('@')).toEqual({ inline: '@' });
  });
  it('checks JSON text', () => {
    expect(() => checkJsonBody('{"a":1}')).not.toThrow();
    expect(() => checkJsonBody('{a')).toThrow(/--json: not valid JSON/);
  });
});
