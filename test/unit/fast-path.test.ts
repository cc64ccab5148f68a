import { describe, expect, it } from 'vitest';
import { fastPath } from '../../src/cli/fast-path.js';
import { buildProgram, type CommandInput } from '../../src/cli/program.js';

/** What commander hands the command for the same argv (the reference). */
async function viaCommander(argv: string[]): Promise<{ module: unknown; input: CommandInput }> {
  let captured: { module: unknown; input: CommandInput } | undefined;
  const program = buildProgram('1', async (load, input) => {
    captured = { module: await load(), input };
  }, argv);
  program.exitOverride();
  await program.parseAsync(argv, { from: 'user' });
  if (!captured) throw new Error('commander ran nothing');
  return captured;
}

/** Commander also reports negatable defaults (`--no-discovery`, `--no-color` → true): compare what was set. */
function meaningful(input: CommandInput): CommandInput {
  const opts = Object.fromEntries(Object.entries(input.opts).filter(([k, v]) => !((k === 'discovery' || k === 'color') && v === true)));
  return { args: input.args, opts, globals: input.globals };
}

describe('fastPath gives the same input as commander', () => {
  it.each([
    [['token']],
    [['token', 'print']],
    [['-p', 'ci', 'token']],
    [['token', '-p', 'ci', '--token-store', 'file', '--min-ttl', '30']],
    [['--profile', 'x', 'token', 'print', '-o', 'json', '-v', '--no-color']],
    [['decode', 'eyJhbGciOiJub25lIn0.e30.']],
    [['decode', '-', '-o', 'json']],
    [['-o', 'text', 'decode', 'abc', '--no-color', '--verbose']],
    [['decode']],
  ])('%j', async (argv) => {
    const fast = fastPath(argv);
    expect(fast, 'the fast path should accept this shape').toBeDefined();
    const reference = await viaCommander(argv);
    expect(await fast?.load()).toBe(reference.module);
    expect(meaningful(fast?.input as CommandInput)).toEqual(meaningful(reference.input));
  });
});

describe('fastPath leaves everything else to commander', () => {
  it.each([
    [[]],
    [['--help']],
    [['token', '--help']],
    [['token', 'show']],
    [['token', 'print', 'print']],
    [['tokn']],
    [['token', '--min-tt', '5']],
    [['token', '--profile=ci']],
    [['token', '-o', 'yaml']],
    [['token', '--token-store', 'disk']],
    [['decode', 'a', 'b']],
    [['decode', '--key', 'k', 'jwt']],
    [['login']],
    [['--', 'token']],
  ])('%j', (argv) => {
    expect(fastPath(argv)).toBeUndefined();
  });
});

describe('attributeName', () => {
  it('names option values as commander does, for every profile flag', async () => {
    const { Option } = await import('commander');
    const { PROFILE_FIELDS } = await import('../../src/config/profile.js');
    const { attributeName } = await import('../../src/cli/settings.js');
    for (const spec of PROFILE_FIELDS) expect(attributeName(spec.flag)).toBe(new Option(spec.flag).attributeName());
  });
});
