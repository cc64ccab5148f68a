import { describe, expect, it } from 'vitest';
import { buildProgram, invokedCommand } from '../../src/cli/program.js';

describe('invokedCommand', () => {
  it.each([
    [['token'], 'token'],
    [['-p', 'ci', 'token', '--min-ttl', '5'], 'token'],
    [['--profile', 'decode', 'login'], 'login'],
    [['-o', 'json', '-v', 'decode', 'x'], 'decode'],
    [['--token-store', 'file', '--cacert', 'ca.pem', '--timeout', '5', 'call', 'GET', '/'], 'call'],
    [['--help'], undefined],
    [[], undefined],
  ])('%j → %s', (argv, name) => {
    expect(invokedCommand(argv)).toBe(name);
  });
});

describe('buildProgram with argv', () => {
  const noop = async () => {};
  const flags = (program: ReturnType<typeof buildProgram>, name: string) =>
    program.commands.find((c) => c.name() === name)?.options.map((o) => o.long) ?? [];

  it('declares the options of the invoked command only, and lists every command', () => {
    const program = buildProgram('1', noop, ['decode', 'x']);
    expect(program.commands.map((c) => c.name())).toEqual(buildProgram('1', noop).commands.map((c) => c.name()));
    expect(flags(program, 'decode')).toContain('--output');
    expect(flags(program, 'login')).toEqual([]);
  });

  it('declares everything without argv (help, completion)', () => {
    expect(flags(buildProgram('1', noop), 'login')).toContain('--client-secret-stdin');
  });
});
