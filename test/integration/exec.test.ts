/**
 * `oauthctl exec [--env NAME] -- CMD [ARG…]` (SPEC "Using tokens elsewhere"): the token in the
 * child's environment only, the secrets' variables removed, streams inherited, signals passed on,
 * the child's exit code (128+N for signal N), 127/126 when CMD cannot be found/run.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, useFixture } from './cli.js';
import { loginAlice, storedTokens } from './lifecycle-helpers.js';

const t = useFixture();
const node = process.execPath;
const printEnvAndArgv = `console.log(JSON.stringify({ argv: process.argv.slice(1), env: process.env }))`;

describe('exec', () => {
  it('the token and its type and expiry in the environment, never in the arguments; secrets withheld', async () => {
    await loginAlice(t.fixture, t.home);
    const s = await storedTokens(t.home);
    const res = await runCli(['exec', '--', node, '-e', printEnvAndArgv, 'arg1', '--scope', 'x'], {
      home: t.home,
      env: { OAUTHCTL_CLIENT_SECRET: 'client-secret-value', OAUTHCTL_PASSWORD: 'password-value', KEEP_ME: 'kept' },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const child = JSON.parse(res.stdout) as { argv: string[]; env: Record<string, string> };
    expect(child.argv).toEqual(['arg1', '--scope', 'x']);
    expect(child.env.OAUTHCTL_ACCESS_TOKEN).toBe(s.access_token);
    expect(child.env.OAUTHCTL_TOKEN_TYPE).toBe('Bearer');
    expect(Number(child.env.OAUTHCTL_TOKEN_EXPIRES_AT)).toBeGreaterThan(Date.now() / 1000);
    expect(child.env.KEEP_ME).toBe('kept');
    expect(child.env).not.toHaveProperty('OAUTHCTL_CLIENT_SECRET');
    expect(child.env).not.toHaveProperty('OAUTHCTL_PASSWORD');
    expect(JSON.stringify(child.argv)).not.toContain(s.access_token);
  });

  it('--env NAME names the variable; --scope gives the child a narrower token', async () => {
    await loginAlice(t.fixture, t.home, ['--scope', 'openid offline_access profile']);
    const s = await storedTokens(t.home);
    const res = await runCli(['exec', '--env', 'API_TOKEN', '--scope', 'openid', '--', node, '-e', printEnvAndArgv], { home: t.home });
    expect(res.code).toBe(0);
    const env = (JSON.parse(res.stdout) as { env: Record<string, string> }).env;
    expect(env.API_TOKEN).toMatch(/\S{20,}/);
    expect(env.API_TOKEN).not.toBe(s.access_token);
    expect(env).not.toHaveProperty('OAUTHCTL_ACCESS_TOKEN');
    expect((await runCli(['token', '--scope', 'openid'], { home: t.home })).stdout.trim()).toBe(env.API_TOKEN);
  });

  it('streams are inherited; the exit code is the child\'s, 128+N after signal N', async () => {
    await loginAlice(t.fixture, t.home);
    const cat = await runCli(['exec', '--', 'sh', '-c', 'cat; echo to-stderr >&2; exit 3'], { home: t.home, input: 'piped in\n' });
    expect(cat).toMatchObject({ code: 3, stdout: 'piped in\n', stderr: 'to-stderr\n' });
    expect((await runCli(['exec', '--', 'sh', '-c', 'kill -KILL $$'], { home: t.home })).code).toBe(137);
    expect((await runCli(['exec', '--', 'true'], { home: t.home })).code).toBe(0);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s sent to oauthctl is passed to the child, whose exit code ends it', async (signal) => {
    await loginAlice(t.fixture, t.home);
    const script = `process.on(${JSON.stringify(signal)}, () => { console.log('child got ${signal}'); process.exit(42) }); console.error('ready'); setInterval(() => {}, 1000)`;
    const cli = startCli(['exec', '--', node, '-e', script], { home: t.home });
    await cli.waitForStderr(/ready/);
    cli.child.kill(signal);
    const res = await cli.done;
    expect(res.stdout).toBe(`child got ${signal}\n`);
    expect(res.code).toBe(42);
  });

  it('127 when CMD is not found, 126 when it cannot be run; the error names CMD', async () => {
    await loginAlice(t.fixture, t.home);
    const missing = await runCli(['exec', '--', 'no-such-command-oauthctl'], { home: t.home });
    expect(missing).toMatchObject({ code: 127, stdout: '' });
    expect(missing.stderr).toBe("oauthctl: cannot run 'no-such-command-oauthctl': command not found\n");
    const file = join(t.home, 'not-executable');
    writeFileSync(file, '#!/bin/sh\necho hi\n');
    chmodSync(file, 0o644);
    const denied = await runCli(['exec', '--', file], { home: t.home });
    expect(denied.code).toBe(126);
    expect(denied.stderr).toContain(`oauthctl: cannot run '${file}'`);
  });

  it('bad input: no command, a bad --env name (exit 2); no token (exit 5, nothing run)', async () => {
    expect((await runCli(['exec'], { home: t.home })).code).toBe(2);
    expect((await runCli(['exec', '--'], { home: t.home })).code).toBe(2);
    const badName = await runCli(['exec', '--env', '1X', '--', 'true'], { home: t.home });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/--env/);
    const none = await runCli(['exec', '--', 'sh', '-c', 'echo ran'], { home: t.home });
    expect(none).toMatchObject({ code: 5, stdout: '' });
  });
});
