import { describe, expect, it } from 'vitest';
import { sniffArgv } from '../../src/cli/argv.js';
import { buildProgram } from '../../src/cli/program.js';

describe('sniffArgv', () => {
  it.each([
    [['token'], 'token'],
    [['-p', 'ci', 'token', '--min-ttl', '5'], 'token'],
    [['--profile', 'decode', 'login'], 'login'],
    [['--profile=decode', 'login'], 'login'],
    [['-o', 'json', '-v', 'decode', 'x'], 'decode'],
    [['--token-store', 'file', '--cacert', 'ca.pem', '--timeout', '5', 'call', 'GET', '/'], 'call'],
    [['--', 'token'], undefined],
    [['--help'], undefined],
    [[], undefined],
  ])('%j → %s', (argv, name) => {
    expect(sniffArgv(argv).command).toBe(name);
  });

  it('finds the globals that shape an error, wherever they stand', () => {
    expect(sniffArgv(['login', '--bogus', '-ojson']).globals).toMatchObject({ output: 'json' });
    expect(sniffArgv(['--output=json', 'x', '-v']).globals).toMatchObject({ output: 'json', verbose: true });
  });
});

describe('buildProgram with argv', () => {
  const noop = async () => {};
  const flags = (program: ReturnType<typeof buildProgram>, name: string) =>
    program.commands.find((c) => c.name() === name)?.options.map((o) => o.long) ?? [];

  it('configures the invoked command only, and lists every command', () => {
    const program = buildProgram('1', noop, ['decode', 'x']);
    expect(program.commands.map((c) => c.name())).toEqual(buildProgram('1', noop).commands.map((c) => c.name()));
    expect(flags(program, 'decode')).toContain('--output');
    expect(flags(program, 'login')).toEqual([]);
  });

  it('configures everything without argv (help, completion)', () => {
    expect(flags(buildProgram('1', noop), 'login')).toContain('--client-secret-stdin');
  });
});
