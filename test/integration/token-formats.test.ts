/**
 * `token --format raw|header|json|env|exec-credential` and `token --id-token` (SPEC "Using tokens
 * elsewhere") through the built CLI against the fixture; `--format env` through a real bash.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEnv } from '../../src/cli/formats/env.js';
import { runProcess } from '../support/run-process.js';
import { BIN, runCli, useFixture } from './cli.js';
import { loginAlice, storedTokens } from './lifecycle-helpers.js';

const t = useFixture();

async function loginClientCredentials(home: string, extra: string[] = []) {
  const c = t.fixture.clients.confidentialBasic;
  const res = await runCli(['login', '--grant', 'client_credentials', '--issuer', t.fixture.issuer, '--client-id', c.id, '--scope', 'people:read', ...extra], {
    home,
    env: { OAUTHCTL_CLIENT_SECRET: c.secret },
  });
  expect(res.code).toBe(0);
}

function stored(home: string) {
  return runCli(['token', 'show', '--reveal', '-o', 'json'], { home }).then((r) => JSON.parse(r.stdout) as Record<string, string | number | null>);
}

describe('token --format', () => {
  it('raw (the default), header, json', async () => {
    await loginAlice(t.fixture, t.home);
    const s = await stored(t.home);
    expect((await runCli(['token', '--format', 'raw'], { home: t.home })).stdout).toBe(`${s.access_token}\n`);
    expect((await runCli(['token', '--format', 'header'], { home: t.home })).stdout).toBe(`Authorization: Bearer ${s.access_token}\n`);
    const json = await runCli(['token', '--format', 'json', '-o', 'text'], { home: t.home });
    expect(JSON.parse(json.stdout)).toEqual({ access_token: s.access_token, token_type: 'Bearer', expires_at: (s.expires_at as string).replace('.000Z', 'Z'), scope: 'openid offline_access' });
  });

  it('header works with curl -H @file (the header is sent as printed)', async () => {
    await loginClientCredentials(t.home);
    const res = await runProcess('bash', ['-c', `curl -sS -H @<("${process.execPath}" "${BIN}" token --format header) "${t.fixture.apiBaseUrl}/people"`], {
      env: { ...process.env, OAUTHCTL_HOME: t.home, OAUTHCTL_TOKEN_STORE: 'file' },
    });
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout)).toHaveProperty('people');
  });

  it('env: eval "$(oauthctl token --format env)" in a real bash sets the three variables', async () => {
    await loginAlice(t.fixture, t.home);
    const s = await storedTokens(t.home);
    const res = await runProcess('bash', ['-c', `set -e; eval "$("${process.execPath}" "${BIN}" token --format env)"; printf '%s|%s|%s' "$OAUTHCTL_ACCESS_TOKEN" "$OAUTHCTL_TOKEN_TYPE" "$OAUTHCTL_TOKEN_EXPIRES_AT"`], {
      env: { ...process.env, OAUTHCTL_HOME: t.home, OAUTHCTL_TOKEN_STORE: 'file' },
    });
    expect(res.stderr).toBe('');
    const [token, type, expiresAt] = res.stdout.split('|');
    expect(token).toBe(s.access_token);
    expect(type).toBe('Bearer');
    expect(Number(expiresAt) - Math.floor(Date.now() / 1000)).toBeGreaterThan(3000);
  });

  it('env: values with shell syntax are single-quoted, and bash reads them back unchanged without running anything', () => {
    const marker = join(t.home, 'pwned');
    const hostile = `a'b $(touch ${marker}) \`touch ${marker}\` "c" \\ ; & | * ~ é`;
    const text = renderEnv({ kind: 'access_token', token: hostile, scheme: 'Bearer', tokenType: 'Bearer', expiresAt: null, scope: null });
    expect(text).toMatch(/^OAUTHCTL_ACCESS_TOKEN='/);
    expect(text).toContain('OAUTHCTL_TOKEN_EXPIRES_AT=\n');
    const res = spawnSync('bash', ['-c', 'eval "$1"; printf %s "$OAUTHCTL_ACCESS_TOKEN"', 'bash', text], { encoding: 'utf8' });
    expect(res.stdout).toBe(hostile);
    expect(existsSync(marker)).toBe(false);
    // Safe characters stay unquoted (docker --env-file takes quotes literally).
    expect(renderEnv({ kind: 'access_token', token: 'eyJ.a-b_c~d+e/f=:', scheme: 'Bearer', tokenType: 'Bearer', expiresAt: 5, scope: null })).toBe(
      'OAUTHCTL_ACCESS_TOKEN=eyJ.a-b_c~d+e/f=:\nOAUTHCTL_TOKEN_TYPE=Bearer\nOAUTHCTL_TOKEN_EXPIRES_AT=5\n',
    );
  });

  it('exec-credential: ExecCredential in the apiVersion KUBERNETES_EXEC_INFO names (default v1)', async () => {
    await loginAlice(t.fixture, t.home);
    const s = await stored(t.home);
    const plain = JSON.parse((await runCli(['token', '--format', 'exec-credential'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(plain).toEqual({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: {},
      status: { token: s.access_token, expirationTimestamp: (s.expires_at as string).replace('.000Z', 'Z') },
    });
    const info = JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', spec: { interactive: false } });
    const beta = await runCli(['token', '--format', 'exec-credential'], { home: t.home, env: { KUBERNETES_EXEC_INFO: info } });
    expect(JSON.parse(beta.stdout)).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1beta1', status: { token: s.access_token } });
  });

  it('exec-credential with interactive: false and no token: exit 5, nothing on stdout', async () => {
    const info = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false } });
    const res = await runCli(['token', '--format', 'exec-credential'], { home: t.home, env: { KUBERNETES_EXEC_INFO: info } });
    expect(res).toMatchObject({ code: 5, stdout: '' });
    expect(res.stderr).toMatch(/^oauthctl: no token stored/);
  });

  it('malformed KUBERNETES_EXEC_INFO: exit 2 naming the variable', async () => {
    await loginAlice(t.fixture, t.home);
    for (const bad of ['{not json', '[1]', '{"apiVersion":"v1"}']) {
      const res = await runCli(['token', '--format', 'exec-credential'], { home: t.home, env: { KUBERNETES_EXEC_INFO: bad } });
      expect(res.code, bad).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^oauthctl: KUBERNETES_EXEC_INFO\b/);
    }
  });

  it('an unknown --format: exit 2 listing the choices', async () => {
    const res = await runCli(['token', '--format', 'yaml'], { home: t.home });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe("oauthctl: unknown --format 'yaml'\nhint: use one of raw, header, json, env, exec-credential\n");
  });
});

describe('token --id-token', () => {
  it('prints the stored ID token; json names it id_token', async () => {
    await loginAlice(t.fixture, t.home);
    const s = await stored(t.home);
    expect((await runCli(['token', '--id-token'], { home: t.home })).stdout).toBe(`${s.id_token}\n`);
    const json = JSON.parse((await runCli(['token', '--id-token', '--format', 'json'], { home: t.home })).stdout) as Record<string, unknown>;
    expect(json.id_token).toBe(s.id_token);
    expect(json).not.toHaveProperty('access_token');
    expect(json.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('an ID token inside the margin (--min-ttl) is renewed with the refresh token first', async () => {
    await loginAlice(t.fixture, t.home);
    const before = await stored(t.home);
    const res = await runCli(['token', '--id-token', '--min-ttl', '86400'], { home: t.home });
    expect(res.code).toBe(0);
    expect(res.stdout).not.toBe(`${before.id_token}\n`);
    expect((await stored(t.home)).id_token).toBe(res.stdout.trim());
  });

  it('no ID token at all: exit 5', async () => {
    await loginClientCredentials(t.home);
    const res = await runCli(['token', '--id-token'], { home: t.home });
    expect(res).toMatchObject({ code: 5, stdout: '' });
    expect(res.stderr).toMatch(/holds no ID token/);
  });
});
