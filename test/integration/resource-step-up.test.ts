/**
 * From an API URL to a call (RFC 9728 + RFC 7591), and step-up in `call` (RFC 6750 §3.1,
 * RFC 9470), through the built CLI against the fixture's resource API and oidc-provider. The
 * interactive step-up runs on a real terminal (tmux) with headless Chromium as the browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_SCOPE, STRONG_ACR } from '../fixtures/server.js';
import { chromiumBrowserCommand } from '../support/chromium.js';
import { HAVE_TMUX, Terminal } from '../support/terminal.js';
import { runCli, useFixture } from './cli.js';

const t = useFixture();

type Json = Record<string, unknown>;
const profiles = (home: string) => (JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { profiles: Record<string, Json> }).profiles;
const browserEnv = () => ({ BROWSER: chromiumBrowserCommand() });

/** `profile add NAME --from-resource <api>/mcp --register`, then a browser login: what every step-up test starts from. */
async function mcpProfileLoggedIn(name: string): Promise<string> {
  const resource = `${t.fixture.apiBaseUrl}/mcp`;
  const add = await runCli(['profile', 'add', name, '--from-resource', resource, '--register'], { home: t.home });
  expect(add.code, add.stderr).toBe(0);
  const login = await runCli(['login', '-p', name], { home: t.home, env: browserEnv(), timeoutMs: 60_000 });
  expect(login.code, login.stderr).toBe(0);
  return resource;
}

describe('discover --resource (RFC 9728)', () => {
  it('path-aware well-known URL: the metadata of <api>/mcp', async () => {
    const res = await runCli(['discover', '--resource', `${t.fixture.apiBaseUrl}/mcp`, '-o', 'json'], { home: t.home });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ resource: `${t.fixture.apiBaseUrl}/mcp`, authorization_servers: [t.fixture.issuer] });
    expect(t.fixture.stats.apiPaths['/.well-known/oauth-protected-resource/mcp']).toBeGreaterThan(0);
  });

  it('the root resource, in text', async () => {
    const res = await runCli(['discover', '--resource', t.fixture.apiBaseUrl], { home: t.home });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^resource\\s+${t.fixture.apiBaseUrl}$`, 'm'));
    expect(res.stdout).toMatch(/^authorization_servers\s+http:\/\/127\.0\.0\.1:\d+$/m);
  });

  it('metadata found only through the resource_metadata of a 401 (<api>/v2)', async () => {
    const res = await runCli(['discover', '--resource', `${t.fixture.apiBaseUrl}/v2`, '-o', 'json'], { home: t.home });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ resource: `${t.fixture.apiBaseUrl}/v2` });
  });

  it('metadata for another resource: exit 4 naming both', async () => {
    // /people has no metadata of its own; its 401 points at the root resource's.
    const url = `${t.fixture.apiBaseUrl}/people`;
    const res = await runCli(['profile', 'add', 'x', '--from-resource', url], { home: t.home });
    expect(res.code).toBe(4);
    expect(res.stderr).toContain(`is for resource "${t.fixture.apiBaseUrl}", not "${url}"`);
  });

  it('no metadata anywhere: exit 4 naming both places tried', async () => {
    const url = `${t.fixture.apiBaseUrl}/nothing-here`;
    const res = await runCli(['profile', 'add', 'x', '--from-resource', url], { home: t.home });
    expect(res.code).toBe(4);
    expect(res.stderr).toContain(`${t.fixture.apiBaseUrl}/.well-known/oauth-protected-resource/nothing-here answered 404`);
    expect(res.stderr).toContain(`${url} answered 404 without a resource_metadata`);
  });
});

describe('profile add --from-resource, then login and call with nothing else given', () => {
  it('takes issuer, resource and base URL from the metadata, registers a client, logs in and calls', async () => {
    const resource = `${t.fixture.apiBaseUrl}/mcp`;
    const add = await runCli(['profile', 'add', 'mcp', '--from-resource', resource, '--register', '-o', 'json'], { home: t.home });
    expect(add.code, add.stderr).toBe(0);
    const profile = profiles(t.home).mcp as Json;
    expect(profile).toMatchObject({ issuer: t.fixture.issuer, resource, api_base_url: resource, scope: 'people:read', client_auth: 'none' });
    expect(await t.fixture.clientExists(profile.client_id as string)).toBe(true);

    const login = await runCli(['login'], { home: t.home, env: browserEnv(), timeoutMs: 60_000 });
    expect(login.stderr).toContain('profile mcp');
    expect(login.code).toBe(0);
    const call = await runCli(['call', 'GET', '/echo'], { home: t.home });
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({ path: '/echo', sub: 'alice', scope: 'people:read' });
  });

  it('login --from-resource --register does it in one command', async () => {
    const resource = `${t.fixture.apiBaseUrl}/v2`;
    const login = await runCli(['login', '-p', 'v2', '--from-resource', resource, '--register'], { home: t.home, env: browserEnv(), timeoutMs: 60_000 });
    expect(login.code, login.stderr).toBe(0);
    expect(profiles(t.home).v2).toMatchObject({ issuer: t.fixture.issuer, resource, api_base_url: resource });
    const call = await runCli(['call', 'GET', '/people', '-p', 'v2'], { home: t.home });
    expect(call.code, call.stderr).toBe(0);
  });
});

describe('step-up without a terminal: exit 5, the body printed, the login to run in the hint, no repeat', () => {
  it('insufficient_scope (403)', async () => {
    await mcpProfileLoggedIn('s1');
    t.fixture.resetStats();
    const res = await runCli(['call', 'GET', '/admin', '-p', 's1'], { home: t.home, env: browserEnv() });
    expect(res.code).toBe(5);
    expect(JSON.parse(res.stdout)).toMatchObject({ error: 'insufficient_scope' });
    expect(res.stderr).toContain(`answered 403 insufficient_scope: it needs the scope ${ADMIN_SCOPE}`);
    expect(res.stderr).toContain(`hint: run \`oauthctl login -p s1 --scope 'people:read ${ADMIN_SCOPE}'\``);
    expect(t.fixture.stats.apiPaths['/mcp/admin']).toBe(1);
    expect(t.fixture.stats.tokenRequests).toEqual({});
  });

  it('insufficient_user_authentication (401): no renewal either, -o json error code login_required', async () => {
    await mcpProfileLoggedIn('s2');
    t.fixture.resetStats();
    const res = await runCli(['call', 'GET', '/strong', '-p', 's2', '-o', 'json'], { home: t.home });
    expect(res.code).toBe(5);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 401, body: { error: 'insufficient_user_authentication' } });
    const error = (JSON.parse(res.stderr) as { error: Json }).error;
    expect(error).toMatchObject({ code: 'login_required', status: 401 });
    expect(error.hint).toContain(`--param 'acr_values=${STRONG_ACR}'`);
    expect(t.fixture.stats.apiPaths['/mcp/strong']).toBe(1);
    expect(t.fixture.stats.tokenRequests).toEqual({});
  });
});

// Needs tmux for a real terminal: skipped only on a developer machine without it (CI throws in terminal.ts).
describe.skipIf(!HAVE_TMUX)('step-up on a terminal (tmux + headless Chromium)', () => {
  async function stepUp(path: string, name: string): Promise<string> {
    await mcpProfileLoggedIn(name);
    t.fixture.resetStats();
    const term = new Terminal(['call', 'GET', path, '-p', name], { OAUTHCTL_HOME: t.home, OAUTHCTL_BROWSER: chromiumBrowserCommand() });
    try {
      return await term.waitFor(/EXIT=\d+/, 60_000);
    } finally {
      term.kill();
    }
  }

  it('insufficient_scope: exactly one new login with the union of scopes, and one repeat', async () => {
    const screen = await stepUp('/admin', 't1');
    expect(screen).toContain(`asks for the scope ${ADMIN_SCOPE}: logging in once more`);
    expect(screen).toMatch(/"admin":\s*true/);
    expect(screen).toContain('EXIT=0');
    expect(t.fixture.stats.tokenRequests).toEqual({ authorization_code: 1 });
    expect(t.fixture.stats.apiPaths['/mcp/admin']).toBe(2);
    const show = JSON.parse((await runCli(['token', 'show', '-p', 't1', '-o', 'json'], { home: t.home })).stdout) as Json;
    expect(show.scope).toBe(`people:read ${ADMIN_SCOPE}`);
  });

  it('insufficient_user_authentication: one new login with acr_values, and one repeat', async () => {
    const screen = await stepUp('/strong', 't2');
    expect(screen).toContain(`asks for acr_values ${STRONG_ACR}: logging in once more`);
    expect(screen).toContain(`"acr": "${STRONG_ACR}"`);
    expect(screen).toContain('EXIT=0');
    expect(t.fixture.stats.tokenRequests).toEqual({ authorization_code: 1 });
    expect(t.fixture.stats.apiPaths['/mcp/strong']).toBe(2);
  });
});
