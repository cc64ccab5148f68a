import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runCli } from '../../src/cli/run.js';
import { streamsIO } from '../../src/io/io.js';

/** Every command path: `login`, `token show`, `profile add`, … (groups included). */
function paths(): string[][] {
  const out: string[][] = [];
  const walk = (cmd: ReturnType<typeof buildProgram>, prefix: string[]) => {
    for (const sub of cmd.commands) {
      out.push([...prefix, sub.name()]);
      walk(sub, [...prefix, sub.name()]);
    }
  };
  walk(buildProgram('1', async () => {}), []);
  return out;
}

async function help(path: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await runCli({
    argv: [...path, '--help'],
    env: {},
    makeIO: () => streamsIO({ stdin: new PassThrough(), stdout: sink, stderr: new PassThrough() }),
    platform: 'linux',
    homedir: '/nonexistent',
    now: () => 0,
    version: '1',
    signal: new AbortController().signal,
  });
  return { code, stdout };
}

describe('--help', () => {
  it.each(paths().map((p) => [p.join(' ')]))('oauthctl %s --help: a purpose and two or more examples, on stdout', async (name) => {
    const { code, stdout } = await help(name.split(' '));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: oauthctl /m);
    expect(stdout.split('\n')[2]?.trim().length).toBeGreaterThan(10);
    expect(stdout.match(/^ {2}\$ oauthctl /gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });
});
