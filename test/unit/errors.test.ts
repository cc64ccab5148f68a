/**
 * The error-code table (src/errors.ts `ERROR_CODES`) is the contract of `-o json` errors and exit
 * codes: walk it, render each code as the CLI would, and check the README lists it the same way.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../src/cli/errors.js';
import { hintFor } from '../../src/cli/hints.js';
import {
  ApiError,
  ERROR_CODES,
  EXIT_CODES,
  exitCodeFor,
  InterruptedError,
  InvalidTokenError,
  LoginRequiredError,
  OAuthError,
  OauthctlError,
  ProtocolError,
  TransportError,
  UsageError,
  type ProtocolCode,
  type TransportCode,
  type UsageCode,
} from '../../src/errors.js';

type Entry = { kind: keyof typeof EXIT_CODES; summary: string };
const TABLE = Object.entries(ERROR_CODES) as [string, Entry][];

/** An error of the code's family, as the code base throws it (internal: a plain bug). */
function errorFor(code: string, entry: Entry): unknown {
  switch (entry.kind) {
    case 'usage':
      return new UsageError(`usage ${code}`, { code: code as UsageCode });
    case 'oauth':
      return new OAuthError('invalid_grant', 'the grant is gone', 'token request failed: invalid_grant', { status: 400 });
    case 'transport':
      return new TransportError(code as TransportCode, `transport ${code}`);
    case 'protocol':
      return new ProtocolError(code as ProtocolCode, `protocol ${code}`, { check: 'aCheck', attribute: 'x', expected: 1, actual: 2 }, { status: 200 });
    case 'login_required':
      return new LoginRequiredError('no token');
    case 'api':
      return new ApiError('http_404', 'GET /x answered 404', { status: 404 });
    case 'invalid_token':
      return new InvalidTokenError('invalid_token', 'token is not valid: expired');
    case 'interrupted':
      return new InterruptedError();
    case 'internal':
      return new TypeError('boom');
  }
}

const scrub = (s: string) => s;

describe('ERROR_CODES: every code, its family and exit code', () => {
  it.each(TABLE)('%s renders with its exit code and its code in -o json', (code, entry) => {
    const err = errorFor(code, entry);
    const text = renderError(err, { json: false, verbose: false, scrub });
    const json = renderError(err, { json: true, verbose: false, scrub });
    expect(text.exitCode).toBe(EXIT_CODES[entry.kind]);
    expect(json.exitCode).toBe(EXIT_CODES[entry.kind]);
    const body = (JSON.parse(json.text) as { error: Record<string, unknown> }).error;
    const expectedCode = entry.kind === 'oauth' ? 'invalid_grant' : entry.kind === 'api' ? 'http_404' : code;
    expect(body.code).toBe(expectedCode);
    // `oauth_error` only when the server sent one.
    if (entry.kind === 'oauth') expect(body).toMatchObject({ oauth_error: 'invalid_grant', oauth_error_description: 'the grant is gone', status: 400 });
    else expect(body).not.toHaveProperty('oauth_error');
    expect(text.text).toMatch(/^oauthctl: \S/);
    expect(exitCodeFor(expectedCode)).toBe(EXIT_CODES[entry.kind]);
  });

  it('a server error code not in the table is an OAuth error (exit 3); http_<status> is exit 6', () => {
    expect(exitCodeFor('unauthorized_client')).toBe(3);
    expect(exitCodeFor('http_503')).toBe(6);
    expect(exitCodeFor('__proto__')).toBe(3);
  });

  it('a protocol check carries its structured cause', () => {
    const err = new ProtocolError('callback_state_mismatch', 'x', { check: 'assertStateMatches', attribute: 'state' });
    expect(err).toBeInstanceOf(OauthctlError);
    expect(err.cause).toEqual({ check: 'assertStateMatches', attribute: 'state' });
    expect(err.attribute).toBe('state');
    expect(err.kind).toBe('protocol');
  });
});

describe('the CLI hint table names the flags (src/app never does)', () => {
  it('a missing endpoint is hinted with its flag, and --issuer when no issuer is known', () => {
    const noIssuer = new UsageError('no token endpoint is known', { code: 'missing_endpoint', attribute: 'token_endpoint', context: { issuerKnown: false } });
    expect(hintFor(noIssuer)).toBe('give --token-url <url>, or --issuer for discovery');
    const withIssuer = new UsageError('no device authorization endpoint is known', { code: 'missing_endpoint', attribute: 'device_authorization_endpoint', context: { issuerKnown: true } });
    expect(hintFor(withIssuer)).toBe('give --device-url <url>');
  });

  it('an error without a table row keeps its own hint', () => {
    expect(hintFor(new UsageError('x', { hint: 'do y' }))).toBe('do y');
  });
});

describe('README "Error codes" lists the same table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Error codes'));
  const rows = new Map<string, number>();
  for (const m of section.matchAll(/^\| `([^`]+)` \| (\d+) \|/gm)) rows.set(m[1] as string, Number(m[2]));

  it.each(TABLE)('%s is listed with its exit code', (code, entry) => {
    expect(rows.get(code)).toBe(EXIT_CODES[entry.kind]);
  });

  it('lists nothing that is not in the table', () => {
    expect([...rows.keys()].filter((c) => !Object.hasOwn(ERROR_CODES, c))).toEqual([]);
  });
});
