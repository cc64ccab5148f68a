/**
 * `token --format exec-credential` with the real `kubectl`: a kubeconfig whose user is an `exec`
 * plugin running oauthctl, against a loopback stand-in for the API server that accepts a bearer
 * token the fixture's introspection calls active (`kubectl get --raw /version`).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type ProcessResult } from '../support/run-process.js';
import { FAKE_VERSION, startKubeApiServer, type KubeApiServer } from '../support/kube-api-server.js';
import { BIN, useFixture } from './cli.js';
import { introspectAsServer, loginAlice, storedTokens } from './lifecycle-helpers.js';

const t = useFixture();
/** kubectl's minor version: `client.authentication.k8s.io/v1` exists from 1.22 on. */
const KUBECTL_MINOR = Number(/"minor":\s*"(\d+)/.exec(spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 0);
let api: KubeApiServer;

beforeAll(async () => {
  api = await startKubeApiServer(async (token) => (await introspectAsServer(t.fixture, token)).active === true);
});
afterAll(async () => api?.close());

/**
 * `client.authentication.k8s.io/v1beta1`: the version every kubectl from 1.11 on speaks (Debian's
 * `kubernetes-client` is 1.20, before v1 existed); oauthctl answers the apiVersion kubectl names.
 */
function kubeconfig(home: string, extraArgs: string[] = [], apiVersion = 'client.authentication.k8s.io/v1beta1'): string {
  const path = join(home, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: api.url, 'certificate-authority-data': Buffer.from(api.certificate).toString('base64') } }],
    users: [
      {
        name: 'oauthctl',
        user: {
          exec: {
            apiVersion,
            ...(apiVersion.endsWith('/v1') ? { interactiveMode: 'Never' } : {}),
            command: process.execPath,
            args: [BIN, 'token', '--format', 'exec-credential', ...extraArgs],
            env: [
              { name: 'OAUTHCTL_HOME', value: home },
              { name: 'OAUTHCTL_TOKEN_STORE', value: 'file' },
            ],
          },
        },
      },
    ],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'oauthctl' } }],
    'current-context': 'test',
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

function kubectl(args: string[], config: string): Promise<ProcessResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OAUTHCTL_') && !k.startsWith('KUBE')) env[k] = v;
  return runProcess('kubectl', ['--kubeconfig', config, ...args], { env: { ...env, HOME: join(config, '..') } });
}

describe('kubectl with an exec user running oauthctl', () => {
  it('kubectl get --raw /version sends the access token oauthctl prints', async () => {
    await loginAlice(t.fixture, t.home);
    const token = (await storedTokens(t.home)).access_token;
    const res = await kubectl(['get', '--raw', '/version'], kubeconfig(t.home));
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual(FAKE_VERSION);
    expect(api.tokensSeen.at(-1)).toBe(token);
  });

  it('a narrower token per kubeconfig user (--scope), the profile\'s own token untouched', async () => {
    await loginAlice(t.fixture, t.home);
    const own = (await storedTokens(t.home)).access_token;
    const res = await kubectl(['get', '--raw', '/version'], kubeconfig(t.home, ['--scope', 'openid']));
    expect(res.status).toBe(0);
    const sent = api.tokensSeen.at(-1) as string;
    expect(sent).not.toBe(own);
    expect(await introspectAsServer(t.fixture, sent)).toMatchObject({ active: true, scope: 'openid' });
    expect((await storedTokens(t.home)).access_token).toBe(own);
  });

  // Debian's kubernetes-client (1.20) predates the v1 exec API; there v1beta1 above is the test.
  it.skipIf(KUBECTL_MINOR < 22)('client.authentication.k8s.io/v1 with interactiveMode Never is answered in v1', async () => {
    await loginAlice(t.fixture, t.home);
    const token = (await storedTokens(t.home)).access_token;
    const res = await kubectl(['get', '--raw', '/version'], kubeconfig(t.home, [], 'client.authentication.k8s.io/v1'));
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(api.tokensSeen.at(-1)).toBe(token);
  });

  it('without a token the plugin fails (exit 5) and kubectl reports it', async () => {
    const res = await kubectl(['get', '--raw', '/version'], kubeconfig(t.home));
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("oauthctl: no token stored for profile 'default'");
    expect(res.stderr).toMatch(/exit status 5|exit code 5/);
  });
});
