import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../src/cli/command.js';
import { fastPath } from '../../src/cli/fast-path.js';
import { GLOBAL_OPTIONS } from '../../src/cli/globals.js';
import { flagShape } from '../../src/cli/option-spec.js';
import { buildProgram } from '../../src/cli/program.js';
import { isGroup, SURFACE, type CommandSpec } from '../../src/cli/surface.js';

/** What commander hands the runner for the same argv (the reference). */
async function viaCommander(argv: string[]): Promise<{ command: CommandSpec; input: CommandInput }> {
  let captured: { command: CommandSpec; input: CommandInput } | undefined;
  const program = buildProgram('1', async (command, input) => void (captured = { command, input }), argv);
  program.exitOverride();
  await program.parseAsync(argv, { from: 'user' });
  if (!captured) throw new Error('commander ran nothing');
  return captured;
}

/** Commander also reports negatable defaults (`--no-discovery` → discovery: true): compare what was set. */
function meaningful(input: CommandInput): CommandInput {
  const opts = Object.fromEntries(Object.entries(input.opts).filter(([k, v]) => !((k === 'discovery' || k === 'browser') && v === true)));
  return { args: input.args, opts, globals: input.globals };
}

describe('fastPath gives the same input as commander', () => {
  it.each([
    [['token']],
    [['token', 'print']],
    [['-p', 'ci', 'token']],
    [['token', '-p', 'ci', '--token-store', 'file', '--min-ttl', '30']],
    [['--profile', 'x', 'token', 'print', '-o', 'json', '-v', '--no-color']],
    [['token', '--profile=ci', '-ojson', '--min-ttl=5']],
    // The CI one-liner (README "Speed").
    [['token', '--token-store', 'none', '--grant', 'client_credentials', '--token-url', 'https://auth.example/token', '--client-id', 'ci', '--no-discovery']],
    [['token', '--client-secret-stdin', '--scope', 'a b', '--param', 'x=1', '--param', 'y=2', '--timeout', '5', '--insecure', '--cacert', 'ca.pem']],
    [['decode', 'eyJhbGciOiJub25lIn0.e30.']],
    [['decode', '-', '-o', 'json']],
    [['-o', 'text', 'decode', 'abc', '--no-color', '--verbose']],
    [['decode']],
    [['token', '--format', 'exec-credential']],
    [['token', '--format=json']],
    [['token', 'print', '--format', 'env', '--id-token', '-p', 'x']],
    [['token', '--scope', 'a b', '--scope', 'c', '--audience', 'x', '--resource', 'https://api', '--resource', 'urn:r']],
    [['token', 'proof', 'GET', 'https://api.example/people']],
    [['token', 'proof', 'post', '/orders', '--nonce', 'n-1', '-p', 'dpop', '--min-ttl', '30']],
    [['git-credential', 'get']],
    [['-p', 'work', 'git-credential', 'erase', '--username', 'me']],
    [['git-credential', 'frobnicate']],
    [['status']],
    [['status', '--all', '--check', '-o', 'json']],
    [['exec', '--', 'true']],
    [['exec', '--env', 'TOKEN', '--scope', 's', '--', 'sh', '-c', 'echo $TOKEN', '-p', 'x', '--', '-o']],
  ])('%j', async (argv) => {
    const fast = fastPath(argv);
    expect(fast, 'the fast path should accept this shape').toBeDefined();
    const reference = await viaCommander(argv);
    expect(fast?.command).toBe(reference.command);
    expect(meaningful(fast?.input as CommandInput)).toEqual(meaningful(reference.input));
  });
});

describe('fastPath leaves everything else to commander', () => {
  it.each([
    [[]],
    [['--help']],
    [['-V']],
    [['token', '--help']],
    [['token', 'show']],
    [['token', 'print', 'print']],
    [['token', 'extra']],
    [['token', 'proof', 'GET']],
    [['token', 'proof', 'GET', 'https://a', 'extra']],
    [['token', 'proof', '--format', 'raw', 'GET', 'https://a']],
    [['tokn']],
    [['token', '--min-tt', '5']],
    [['--min-ttl', '5', 'token']], // an option of `token print` before it: the program does not know it
    [['token', '--min-ttl', '5', 'print']],
    [['token', '-o', 'yaml']],
    [['token', '--token-store', 'disk']],
    [['token', '-p']],
    [['token', '--verbose=1']],
    [['token', '-vp', 'ci']],
    [['decode', 'a', 'b']],
    [['decode', '--key', 'k', 'jwt']],
    [['decode', '--', '-x']],
    [['login']],
    [['--', 'token']],
    [['token', '--format']],
    [['git-credential']],
    [['status', 'extra']],
    [['exec']],
    [['exec', 'true']],
    [['exec', '--']],
  ])('%j', (argv) => {
    expect(fastPath(argv)).toBeUndefined();
  });
});

describe('the option table', () => {
  const commands = SURFACE.flatMap((e) => (isGroup(e) ? e.commands : [e]));

  it('no command option shares a name with a global option', () => {
    const globals = new Set(GLOBAL_OPTIONS.flatMap((o) => [flagShape(o.flags).key, flagShape(o.flags).short]));
    for (const c of commands) {
      for (const o of c.options) {
        const shape = flagShape(o.flags);
        expect(globals.has(shape.key), `${c.path.join(' ')} ${o.flags}`).toBe(false);
        if (shape.short) expect(globals.has(shape.short), `${c.path.join(' ')} ${o.flags}`).toBe(false);
      }
    }
  });

  it('names option values as commander does', async () => {
    const { Option } = await import('commander');
    for (const spec of [...GLOBAL_OPTIONS, ...commands.flatMap((c) => c.options)]) {
      expect(flagShape(spec.flags).key).toBe(new Option(spec.flags).attributeName());
    }
  });
});
