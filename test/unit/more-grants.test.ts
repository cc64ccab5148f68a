/**
 * Unit tests for the pieces of token_exchange and jwt_bearer: token type names, the exchange's
 * parameters and `issued_token_type` check, self-signed assertions, token sources (parsed, read
 * through a fake port, never kept when literal) and the renewal rule.
 */
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { canRepeatGrant, grantInputs } from '../../src/app/grants/repeat.js';
import { defaultTokenType, describeSource, isRereadable, parseTokenSource, readTokenSource, type TokenSourceIO } from '../../src/app/token-sources.js';
import { LoginRequiredError, UsageError } from '../../src/errors.js';
import { Redactor } from '../../src/http/redact.js';
import type { HttpRequest } from '../../src/http/types.js';
import { exchange } from '../../src/oauth/pipeline.js';
import { ASSERTION_LIFETIME_SECONDS, jwtBearerParams, signAssertion } from '../../src/oauth/jwt-bearer.js';
import { loadPrivateKey } from '../../src/oauth/keys.js';
import { checkIssuedTokenType, resolveTokenType, TOKEN_EXCHANGE_GRANT_TYPE, tokenExchangeParams } from '../../src/oauth/token-exchange.js';
import type { TokenResponse } from '../../src/oauth/token-response.js';
import type { TokenStore } from '../../src/store/types.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function fakeContext(io: Partial<TokenSourceIO>, requests: HttpRequest[] = [], answer = '{"value":"gh.id.token"}'): AppContext & { warnings: string[] } {
  const warnings: string[] = [];
  const store: TokenStore = { kind: 'none', location: 'nowhere', get: async () => undefined, put: async () => {}, delete: async () => {} };
  return {
    warnings,
    http: {
      request: async (req) => {
        requests.push(req);
        return { status: 200, statusText: 'OK', url: req.url, headers: new Headers({ 'content-type': 'application/json' }), text: answer };
      },
      stream: async () => {
        throw new Error('no streams here');
      },
      close: async () => {},
    },
    now: () => NOW,
    insecure: false,
    redactor: new Redactor(),
    store: async () => store,
    withProfileLock: async (_p, fn) => fn(),
    warn: (m) => warnings.push(m),
    note: () => {},
    sources: {
      env: {},
      readFile: async () => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      },
      readStdinLine: async () => '',
      savedProfile: async () => undefined,
      ...io,
    },
  };
}

describe('token types (RFC 8693 §3)', () => {
  it('maps the short names to URNs and keeps URNs', () => {
    expect(resolveTokenType('id_token', 'x')).toBe('urn:ietf:params:oauth:token-type:id_token');
    expect(resolveTokenType('saml2', 'x')).toBe('urn:ietf:params:oauth:token-type:saml2');
    expect(resolveTokenType('urn:example:custom', 'x')).toBe('urn:example:custom');
  });

  it('refuses an unknown name with code unknown_token_type, naming the field', () => {
    expect(() => resolveTokenType('sam12', 'subject_token_type')).toThrow(/unknown token type 'sam12' for subject_token_type/);
    expect(() => resolveTokenType('__proto__', 'x')).toThrow(UsageError);
    try {
      resolveTokenType('toString', 'x');
    } catch (err) {
      expect((err as UsageError).code).toBe('unknown_token_type');
    }
  });
});

describe('tokenExchangeParams / checkIssuedTokenType', () => {
  it('sends the RFC 8693 parameters, actor type only with an actor token, resources as a list', () => {
    const params = tokenExchangeParams({ subjectToken: 's', subjectTokenType: 'urn:t', actorTokenType: 'urn:a', resource: ['r1', 'r2'], scope: 'a b' } as never);
    expect(params).toMatchObject({ grant_type: TOKEN_EXCHANGE_GRANT_TYPE, subject_token: 's', subject_token_type: 'urn:t', resource: ['r1', 'r2'], scope: 'a b' });
    expect(params.actor_token_type).toBeUndefined();
  });

  it('keeps issued_token_type, warns when it is missing', () => {
    const res = (raw: Record<string, unknown>) => ({ access_token: 'a', token_type: 'N_A', expires_in: 60, raw }) as TokenResponse;
    const warnings: string[] = [];
    expect(checkIssuedTokenType(res({ issued_token_type: 'urn:x' }), (m) => warnings.push(m))).toBe('urn:x');
    expect(checkIssuedTokenType(res({}), (m) => warnings.push(m))).toBeUndefined();
    expect(checkIssuedTokenType(res({ issued_token_type: 7 }), (m) => warnings.push(m))).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/no issued_token_type/);
  });
});

describe('form parameters', () => {
  it('sends a list once per value (RFC 8707 resource) and leaves out empty values', async () => {
    const sent: HttpRequest[] = [];
    const http = { request: async (req: HttpRequest) => (sent.push(req), { status: 200, statusText: 'OK', url: req.url, headers: new Headers(), text: '{}' }) };
    const as = { http, endpoints: { token_endpoint: 'https://as/token' }, client: { clientId: 'c', method: 'none' as const }, now: () => NOW, warn: () => {} };
    await exchange(as, { endpoint: 'token_endpoint', params: { resource: ['a', 'b'], scope: '', x: undefined } }, () => undefined);
    expect((sent[0]?.body as URLSearchParams).toString()).toBe('resource=a&resource=b&client_id=c');
  });
});

describe('self-signed assertion (RFC 7523 §3)', () => {
  it('has iss, sub, aud, iat, exp five minutes later, a fresh jti and the extra claims, never overriding the reserved ones', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const key = await loadPrivateKey(JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'k1' }), 'test');
    const claims = { issuer: 'sa', subject: 'alice', audience: 'https://as/token', extra: { scope: 'read', iss: 'evil', exp: '1' } };
    const a = await signAssertion(claims, key, NOW);
    const b = await signAssertion(claims, key, NOW);
    const { payload, protectedHeader } = await jwtVerify(a, publicKey, { currentDate: new Date(NOW) });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'k1', typ: 'JWT' });
    expect(payload).toMatchObject({ iss: 'sa', sub: 'alice', aud: 'https://as/token', scope: 'read', iat: NOW / 1000, exp: NOW / 1000 + ASSERTION_LIFETIME_SECONDS });
    expect(ASSERTION_LIFETIME_SECONDS).toBe(300);
    const other = (await jwtVerify(b, publicKey, { currentDate: new Date(NOW) })).payload;
    expect(other.jti).not.toBe(payload.jti);
    expect(jwtBearerParams({ assertion: a })).toMatchObject({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: a });
  });
});

describe('token sources', () => {
  it('parses every form; only re-readable ones are described for storage', () => {
    expect(parseTokenSource('-')).toEqual({ kind: 'stdin' });
    expect(parseTokenSource('@/var/run/secrets/token')).toEqual({ kind: 'file', path: '/var/run/secrets/token' });
    expect(parseTokenSource('env:CI_JOB_JWT')).toEqual({ kind: 'env', name: 'CI_JOB_JWT' });
    expect(parseTokenSource('profile:ci#id_token')).toEqual({ kind: 'profile', profile: 'ci', token: 'id_token' });
    expect(parseTokenSource('github-actions')).toEqual({ kind: 'github-actions' });
    expect(parseTokenSource('eyJhbGciOi.x.y')).toEqual({ kind: 'literal', value: 'eyJhbGciOi.x.y' });
    expect(() => parseTokenSource('profile:../x')).toThrow(UsageError);
    expect(() => parseTokenSource('profile:ci#refresh')).toThrow(/after # comes/);
    expect(isRereadable(parseTokenSource('eyJ.x.y'))).toBe(false);
    expect(isRereadable(parseTokenSource('-'))).toBe(false);
    expect(isRereadable(parseTokenSource('@f'))).toBe(true);
    expect(describeSource(parseTokenSource('secret-token-value'))).not.toContain('secret');
    expect(defaultTokenType(parseTokenSource('github-actions'))).toBe('id_token');
    expect(defaultTokenType(parseTokenSource('profile:a#id_token'))).toBe('id_token');
    expect(defaultTokenType(parseTokenSource('@f'))).toBe('access_token');
  });

  it('reads files at each use, variables, one stdin line; names what is missing', async () => {
    let n = 0;
    const ctx = fakeContext({ readFile: async () => `token-${++n}\n`, env: { SET: 'from-env' }, readStdinLine: async () => 'from-stdin' });
    const file = parseTokenSource('@/t');
    expect(await readTokenSource(file, { role: 'subject token' }, ctx)).toBe('token-1');
    expect(await readTokenSource(file, { role: 'subject token' }, ctx)).toBe('token-2');
    expect(await readTokenSource(parseTokenSource('env:SET'), { role: 'subject token' }, ctx)).toBe('from-env');
    expect(await readTokenSource(parseTokenSource('-'), { role: 'actor token' }, ctx)).toBe('from-stdin');
    expect(ctx.redactor.scrub('x token-2 from-env')).toBe('x [redacted] [redacted]');
    await expect(readTokenSource(parseTokenSource('env:UNSET'), { role: 'subject token' }, ctx)).rejects.toThrow(/environment variable UNSET .* is not set/);
    await expect(readTokenSource(parseTokenSource('@/missing'), { role: 'assertion' }, fakeContext({}))).rejects.toThrow('cannot read the assertion file /missing: ENOENT');
    await expect(readTokenSource(parseTokenSource('@/empty'), { role: 'assertion' }, fakeContext({ readFile: async () => '\n' }))).rejects.toThrow(/is empty/);
  });

  it('github-actions: GET with audience and the bearer; without the variables names both and id-token: write', async () => {
    const requests: HttpRequest[] = [];
    const ctx = fakeContext({ env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/_apis/token?api-version=2.0', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req-token' } }, requests);
    expect(await readTokenSource(parseTokenSource('github-actions'), { role: 'subject token', audience: 'sts.example' }, ctx)).toBe('gh.id.token');
    expect(requests[0]).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:1/_apis/token?api-version=2.0&audience=sts.example', headers: { authorization: 'bearer req-token' } });
    const err = await readTokenSource(parseTokenSource('github-actions'), { role: 'subject token' }, fakeContext({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN.*id-token: write/);
    const bad = fakeContext({ env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' } }, [], '{"nothing":1}');
    await expect(readTokenSource(parseTokenSource('github-actions'), { role: 'subject token' }, bad)).rejects.toMatchObject({
      kind: 'protocol',
      code: 'github_id_token_missing_value',
      cause: { check: 'processGitHubIdTokenResponse', attribute: 'value' },
    });
  });

  it('each bad source has its own code (exit 2 family)', async () => {
    const codeOf = (src: string, ctx = fakeContext({})) => readTokenSource(parseTokenSource(src), { role: 'subject token', forProfile: 'me' }, ctx).catch((e: UsageError) => [e.kind, e.code]);
    expect(await codeOf('@/missing')).toEqual(['usage', 'unreadable_token_source']);
    expect(await codeOf('env:UNSET')).toEqual(['usage', 'unset_token_source']);
    expect(await codeOf('github-actions')).toEqual(['usage', 'github_actions_unavailable']);
    expect(await codeOf('profile:me')).toEqual(['usage', 'invalid_token_source']);
    expect(await codeOf('@/empty', fakeContext({ readFile: async () => ' ' }))).toEqual(['usage', 'empty_token_source']);
  });

  it('profile:NAME with nothing stored is login required naming NAME; the profile being logged in is refused', async () => {
    const err = await readTokenSource(parseTokenSource('profile:ci'), { role: 'subject token' }, fakeContext({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginRequiredError);
    expect((err as Error).message).toMatch(/profile:ci.*'ci'/);
    await expect(readTokenSource(parseTokenSource('profile:me'), { role: 'subject token', forProfile: 'me' }, fakeContext({}))).rejects.toThrow(/names the profile being logged in/);
  });
});

describe('renewal rule', () => {
  it('keeps sources by description only; repeats a grant only when every source can be read again', () => {
    const inputs = grantInputs({ subject_token: 'eyJ.literal.token', actor_token: '@/actor', audience: 'api', resource: ['a', 'b'], subject_token_type: 'id_token' });
    expect(inputs).toEqual({ actor_token: '@/actor', audience: 'api', resource: ['a', 'b'], subject_token_type: 'id_token' });
    expect(canRepeatGrant('token_exchange', { subject_token: '@/t' })).toBe(true);
    expect(canRepeatGrant('token_exchange', { subject_token: 'literal' })).toBe(false);
    expect(canRepeatGrant('token_exchange', { subject_token: '@/t', actor_token: '-' })).toBe(false);
    expect(canRepeatGrant('jwt_bearer', { private_key: 'k.pem' })).toBe(true);
    expect(canRepeatGrant('jwt_bearer', { assertion: 'env:A' })).toBe(true);
    expect(canRepeatGrant('jwt_bearer', { assertion: 'eyJ.a.b', private_key: 'k.pem' })).toBe(false);
    expect(canRepeatGrant('password', { subject_token: '@/t' })).toBe(false);
  });
});
