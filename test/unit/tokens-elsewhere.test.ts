/** The pure halves of `token --format`, narrower tokens, `exec`, `git-credential` and `status`. */
import { describe, expect, it } from 'vitest';
import { sameTarget, tokenTarget } from '../../src/app/narrow-token.js';
import { offlineStatus } from '../../src/app/status.js';
import { needsRenewal } from '../../src/app/token-set.js';
import type { CommandInput } from '../../src/cli/command.js';
import { childEnvironment, parseExecOptions } from '../../src/cli/commands/exec.js';
import { parseGitCredentialOptions } from '../../src/cli/commands/git-credential.js';
import { parseStatusOptions } from '../../src/cli/commands/status.js';
import { parseTokenPrintOptions } from '../../src/cli/commands/token-print.js';
import { envValue } from '../../src/cli/formats/env.js';
import { parseExecInfo, renderExecCredential } from '../../src/cli/formats/exec-credential.js';
import { renderHeader } from '../../src/cli/formats/header.js';
import { parseCredentialAttributes, renderCredential } from '../../src/cli/git-credential-protocol.js';
import { UsageError } from '../../src/errors.js';
import type { TokenSet } from '../../src/store/types.js';

const input = (opts: Record<string, unknown> = {}, args: string[] = []): CommandInput => ({ args, opts, globals: {} });
const usage = (fn: () => unknown, message: RegExp) => {
  expect(fn).toThrow(UsageError);
  expect(fn).toThrow(message);
};
const NOW = 1_800_000_000_000;
const set = (extra: Partial<TokenSet> = {}): TokenSet => ({ access_token: 'at', token_type: 'Bearer', obtained_at: NOW / 1000 - 100, expires_at: NOW / 1000 + 3500, ...extra });

describe('token print options', () => {
  it('--format (default raw), --id-token, the narrowing values', () => {
    expect(parseTokenPrintOptions(input())).toMatchObject({ format: 'raw', idToken: false });
    expect(parseTokenPrintOptions(input())).not.toHaveProperty('target');
    expect(parseTokenPrintOptions(input({ format: 'exec-credential', scope: ['b a', 'a'], resource: ['https://api'] }))).toMatchObject({
      format: 'exec-credential',
      target: { scope: ['a', 'b'], audience: [], resource: ['https://api'] },
    });
    usage(() => parseTokenPrintOptions(input({ format: 'yaml' })), /unknown --format 'yaml'/);
    usage(() => parseTokenPrintOptions(input({ idToken: true, scope: ['x'] })), /--id-token cannot be combined/);
  });
});

describe('narrower token keys', () => {
  it('exactly the values given: order and repeats do not count; scope splits on spaces; nothing given is no target', () => {
    expect(tokenTarget({})).toBeUndefined();
    expect(tokenTarget({ scope: [' '] })).toBeUndefined();
    const a = tokenTarget({ scope: ['b a'], resource: ['r2', 'r1', 'r1'] });
    const b = tokenTarget({ scope: ['a', 'b', 'a'], resource: ['r1', 'r2'] });
    expect(a && b && sameTarget(a, b)).toBe(true);
    const c = tokenTarget({ scope: ['a', 'b'], resource: ['r1'] });
    expect(a && c && sameTarget(a, c)).toBe(false);
    // A scope value and an audience value of the same text are different keys.
    const s = tokenTarget({ scope: ['x'] });
    const aud = tokenTarget({ audience: ['x'] });
    expect(s && aud && sameTarget(s, aud)).toBe(false);
  });
});

describe('renderers', () => {
  const handed = { kind: 'access_token' as const, token: 't0k', scheme: 'Bearer', tokenType: 'bearer', expiresAt: 1_800_000_000, scope: null };
  it('header uses the scheme the token carries', () => {
    expect(renderHeader(handed)).toBe('Authorization: Bearer t0k\n');
    expect(renderHeader({ ...handed, scheme: 'DPoP' })).toBe('Authorization: DPoP t0k\n');
  });

  it('env quoting: plain characters as they are, anything else single-quoted', () => {
    expect(envValue('abc.-_~+/=:9')).toBe('abc.-_~+/=:9');
    expect(envValue('')).toBe('');
    expect(envValue("it's")).toBe(`'it'\\''s'`);
    expect(envValue('a b')).toBe(`'a b'`);
  });

  it('exec-credential: KUBERNETES_EXEC_INFO parsed (apiVersion, interactive), RFC 3339 expiry', () => {
    expect(parseExecInfo({})).toEqual({ apiVersion: 'client.authentication.k8s.io/v1' });
    expect(parseExecInfo({ KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}' })).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      interactive: false,
    });
    usage(() => parseExecInfo({ KUBERNETES_EXEC_INFO: '{' }), /KUBERNETES_EXEC_INFO is not valid JSON/);
    usage(() => parseExecInfo({ KUBERNETES_EXEC_INFO: '"x"' }), /KUBERNETES_EXEC_INFO is not a JSON object/);
    usage(() => parseExecInfo({ KUBERNETES_EXEC_INFO: '{"apiVersion":7}' }), /KUBERNETES_EXEC_INFO: apiVersion/);
    const doc = JSON.parse(renderExecCredential(handed, { apiVersion: 'client.authentication.k8s.io/v1' })) as { status: Record<string, string> };
    expect(doc.status).toEqual({ token: 't0k', expirationTimestamp: '2027-01-15T08:00:00Z' });
    expect(JSON.parse(renderExecCredential({ ...handed, expiresAt: null }, { apiVersion: 'x' })).status).toEqual({ token: 't0k' });
  });
});

describe('exec options and environment', () => {
  it('the command and its arguments; --env checked; no command is a usage error', () => {
    expect(parseExecOptions(input({}, ['curl', '-s', 'https://x']))).toMatchObject({ envName: 'OAUTHCTL_ACCESS_TOKEN', command: 'curl', args: ['-s', 'https://x'] });
    expect(parseExecOptions(input({ env: 'GH_TOKEN', scope: ['a'] }, ['gh']))).toMatchObject({ envName: 'GH_TOKEN', target: { scope: ['a'] } });
    usage(() => parseExecOptions(input()), /exec needs a command/);
    usage(() => parseExecOptions(input({ env: 'A-B' }, ['x'])), /--env: 'A-B' is not/);
  });

  it('the child environment: the secrets withheld, the token variables set', () => {
    const env = childEnvironment({ PATH: '/bin', OAUTHCTL_CLIENT_SECRET: 's', OAUTHCTL_PASSWORD: 'p', OAUTHCTL_HOME: '/h', GONE: undefined }, [['T', 'v']]);
    expect(env).toEqual({ PATH: '/bin', OAUTHCTL_HOME: '/h', T: 'v' });
  });
});

describe('git credential protocol', () => {
  it('key=value lines to the first blank line; unknown keys kept for the caller to ignore; garbage is undefined', () => {
    expect(parseCredentialAttributes('protocol=https\nhost=h:8443\nwwwauth[]=Basic realm="x"\n\nignored\n')).toEqual(
      new Map([['protocol', 'https'], ['host', 'h:8443'], ['wwwauth[]', 'Basic realm="x"']]),
    );
    expect(parseCredentialAttributes('')).toEqual(new Map());
    for (const garbage of ['no equals\n', '=v\n', 'a=b\0\n', 'k y=v\n']) expect(parseCredentialAttributes(garbage), garbage).toBeUndefined();
    expect(renderCredential('oauth2', 'pw', null)).toBe('username=oauth2\npassword=pw\n');
    expect(renderCredential('u', 'pw', 5)).toBe('username=u\npassword=pw\npassword_expiry_utc=5\n');
  });

  it('options: the action (anything else is unknown), --username', () => {
    expect(parseGitCredentialOptions(input({}, ['get']))).toMatchObject({ action: 'get', username: 'oauth2' });
    expect(parseGitCredentialOptions(input({ username: 'me' }, ['approve']))).toMatchObject({ action: 'unknown', username: 'me' });
  });
});

describe('status states (offline)', () => {
  const status = (entry: Parameters<typeof offlineStatus>[1], settings = {}) => offlineStatus({ profile: 'p', settings, secretGiven: false }, entry, 'file', NOW).state;
  it('valid, expiring, renewable, expired, login_required', () => {
    expect(status({ tokens: set() })).toBe('valid');
    expect(status({ tokens: set({ expires_at: null }) })).toBe('valid');
    expect(status({ tokens: set({ expires_at: NOW / 1000 + 30 }) })).toBe('expiring');
    expect(status({ tokens: set({ expires_at: NOW / 1000 - 1, refresh_token: 'rt' }) })).toBe('renewable');
    expect(status({ tokens: set({ expires_at: NOW / 1000 - 1 }) })).toBe('expired');
    expect(status({ tokens: set({ rejected: true }) })).toBe('expired');
    expect(status(undefined)).toBe('login_required');
    expect(status({ client_secret: 's' }, { grant: 'client_credentials' })).toBe('renewable');
    expect(parseStatusOptions(input({ all: true }))).toMatchObject({ all: true, check: false });
  });

  it('a rejected token needs renewal whatever its expiry', () => {
    expect(needsRenewal(set(), NOW)).toBe(false);
    expect(needsRenewal(set({ rejected: true }), NOW)).toBe(true);
  });
});
