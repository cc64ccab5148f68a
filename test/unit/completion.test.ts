import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseCompletionOptions, run } from '../../src/cli/commands/completion.js';
import { completionScript, SHELLS } from '../../src/cli/completion/index.js';
import { allNodes, completionTree, flagValueTable, type CommandNode } from '../../src/cli/completion/model.js';
import type { CommandInput } from '../../src/cli/command.js';
import { addGlobalOptions, buildProgram } from '../../src/cli/program.js';
import type { Session } from '../../src/cli/session.js';
import { UsageError } from '../../src/errors.js';

const program = () => buildProgram('0.0.0', async () => {});
const tree = () => completionTree(program());
const node = (root: CommandNode, path: string) => {
  const found = allNodes(root).find((n) => n.path.join(' ') === path);
  if (!found) throw new Error(`no command '${path}'`);
  return found;
};
const flag = (n: CommandNode, long: string) => n.flags.find((f) => f.long === long);

describe('completionTree', () => {
  it('reads commands and sub-commands off the program', () => {
    const root = tree();
    expect(root.name).toBe('oauthctl');
    expect(root.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['login', 'token', 'profile', 'call', 'verify', 'completion']));
    expect(node(root, 'token').commands.map((c) => c.name)).toEqual(expect.arrayContaining(['print', 'refresh', 'show', 'revoke']));
    expect(node(root, 'profile').commands.map((c) => c.name)).toEqual(expect.arrayContaining(['add', 'list', 'show', 'remove', 'use']));
  });

  it('gives every command the global flags, valid after the command too', () => {
    for (const n of allNodes(tree()).filter((n) => n.name !== 'help')) {
      for (const long of ['--profile', '--output', '--verbose', '--token-store', '--cacert', '--insecure', '--timeout', '--no-color', '--help']) {
        expect(flag(n, long), `${n.path.join(' ') || 'oauthctl'} ${long}`).toBeDefined();
      }
    }
    expect(flag(tree(), '--output')).toMatchObject({ short: '-o', value: { type: 'choices', values: ['text', 'json'] } });
  });

  it('takes choices from commander, and the hints for the flags that do not declare them', () => {
    const root = tree();
    expect(flag(root, '--token-store')?.value).toEqual({ type: 'choices', values: ['auto', 'keychain', 'file', 'none'] });
    expect(flag(node(root, 'call'), '--bearer-in')?.value).toEqual({ type: 'choices', values: ['header', 'query', 'form'] });
    expect(flag(node(root, 'login'), '--grant')?.value).toMatchObject({ type: 'choices', values: expect.arrayContaining(['client_credentials', 'device_code']) });
    expect(flag(node(root, 'login'), '--client-auth')?.value).toMatchObject({ type: 'choices', values: expect.arrayContaining(['private_key_jwt', 'none']) });
    expect(node(root, 'completion').args[0]?.value).toEqual({ type: 'choices', values: [...SHELLS] });
  });

  it('completes file paths for <file> flags and profile names for -p and profile show|remove|use', () => {
    const root = tree();
    expect(flag(root, '--cacert')?.value).toEqual({ type: 'file' });
    expect(flag(node(root, 'login'), '--private-key')?.value).toEqual({ type: 'file' });
    expect(flag(node(root, 'verify'), '--key')?.value).toEqual({ type: 'file' });
    expect(flag(root, '--profile')?.value).toEqual({ type: 'profile' });
    for (const sub of ['show', 'remove', 'use']) expect(node(root, `profile ${sub}`).args[0]?.value).toEqual({ type: 'profile' });
    expect(node(root, 'profile add').args[0]?.value).toEqual({ type: 'any' });
  });

  it('offers the default sub-command\'s flags on its group (`token --min-ttl` runs `token print`)', () => {
    expect(flag(node(tree(), 'token'), '--min-ttl')).toBeDefined();
  });

  it('follows the program: a new command or flag appears, hidden ones do not', () => {
    const p = new Command('oauthctl');
    addGlobalOptions(p, false);
    const widget = p.command('widget').description('a new command');
    addGlobalOptions(widget, true);
    widget.addOption(new Option('--colour <c>', 'a new flag').choices(['red', 'blue']));
    widget.addOption(new Option('--secret-knob', 'not for users').hideHelp());
    p.command('ghost', { hidden: true });
    const root = completionTree(p);
    expect(root.commands.map((c) => c.name)).toContain('widget');
    expect(root.commands.map((c) => c.name)).not.toContain('ghost');
    const w = node(root, 'widget');
    expect(flag(w, '--colour')?.value).toEqual({ type: 'choices', values: ['red', 'blue'] });
    expect(flag(w, '--secret-knob')).toBeUndefined();
    expect(flag(w, '--profile')).toBeDefined(); // hidden copy of a global: still valid here
    expect(completionScript('bash', p)).toContain("'widget') echo '--colour");
  });

  it('lists each value-taking flag once in the value table, switches not at all', () => {
    const rows = flagValueTable(tree());
    const names = rows.flatMap((r) => r.names);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['-o', '--output', '-p', '--profile', '--cacert']));
    expect(names).not.toContain('--insecure');
  });
});

describe('bash script', () => {
  const script = completionScript('bash', program());

  it('registers _oauthctl for oauthctl', () => {
    expect(script).toMatch(/^complete -F _oauthctl oauthctl$/m);
  });

  it('contains the commands, sub-commands, flags and choices', () => {
    expect(script).toContain("'') echo 'login token logout");
    expect(script).toMatch(/'token'\) echo 'print refresh revoke show/);
    expect(script).toMatch(/'profile'\) echo 'add list show remove use/);
    expect(script).toContain("'-o'|'--output') echo 'choices text json' ;;");
    expect(script).toContain("'--token-store') echo 'choices auto keychain file none' ;;");
    expect(script).toContain("'--bearer-in') echo 'choices header query form' ;;");
    expect(script).toContain("'completion|0') echo 'choices bash zsh fish' ;;");
    expect(script).toMatch(/'--cacert'\|'--private-key'\|'--cert'\|'--key'\) echo 'file' ;;/);
    expect(script).toMatch(/'token show'\) echo '--reveal .*--profile/);
  });

  it('asks `oauthctl profile list --names` for profile names, at completion time', () => {
    expect(script).toContain('command oauthctl profile list --names 2>/dev/null </dev/null');
    expect(script).toContain("'-p'|'--profile') echo 'profile' ;;");
    for (const sub of ['show', 'remove', 'use']) expect(script).toContain(`'profile ${sub}|0') echo 'profile' ;;`);
    expect(script).not.toContain("'profile add|0'");
  });
});

describe('zsh script', () => {
  const script = completionScript('zsh', program());

  it('is a #compdef file that also works when sourced', () => {
    expect(script.split('\n')[0]).toBe('#compdef oauthctl');
    expect(script).toContain('compdef _oauthctl oauthctl');
    expect(script).toMatch(/^_oauthctl\(\) \{$/m);
  });

  it('contains commands with descriptions, flags, choices, files and profiles', () => {
    expect(script).toContain("'token:print, show, refresh or revoke the stored access token'");
    expect(script).toContain("'--output:output format'");
    expect(script).toContain("('-o'|'--output') _oc_kind=choices; _oc_list=('text' 'json') ;;");
    expect(script).toContain("('--bearer-in') _oc_kind=choices; _oc_list=('header' 'query' 'form') ;;");
    expect(script).toContain('(file) _files ;;');
    expect(script).toContain('command oauthctl profile list --names 2>/dev/null </dev/null');
    expect(script).toContain("('profile use|0') _oc_kind=profile ;;");
  });

  it('is balanced: every case has its esac, every brace its partner', () => {
    expect(count(script, /\bcase\b/g)).toBe(count(script, /\besac\b/g));
    expect(count(script, /\{/g)).toBe(count(script, /\}/g));
    expect(count(script, /\(\(/g)).toBe(count(script, /\)\)/g));
    expect(count(script, /^\s*if\b/gm)).toBe(count(script, /^\s*fi$/gm));
  });
});

describe('fish script', () => {
  const script = completionScript('fish', program());

  it('contains commands, flags, choices, files and profiles', () => {
    expect(script).toContain('complete -c oauthctl -f');
    expect(script).toMatch(/complete -c oauthctl -n '__oauthctl_at \\'\\' 0' -a 'token' -d /);
    expect(script).toMatch(/complete -c oauthctl -n '__oauthctl_at \\'token\\' 0' -a 'show' -d /);
    expect(script).toMatch(/-n '__oauthctl_at \\'\\'' -s 'o' -l 'output' -x -a 'text json' -d 'output format'/);
    expect(script).toMatch(/-n '__oauthctl_at \\'verify\\'' -l 'key' -r -F /);
    expect(script).toMatch(/-s 'p' -l 'profile' -x -a '\(__oauthctl_profiles\)'/);
    expect(script).toMatch(/-n '__oauthctl_at \\'profile use\\' 0' -a '\(__oauthctl_profiles\)'/);
    expect(script).toContain('command oauthctl profile list --names 2>/dev/null </dev/null');
  });

  it('is balanced: every block has its end', () => {
    const openers = script.split('\n').filter((l) => /^\s*(function|if|for|while|switch|begin)\b/.test(l)).length;
    const ends = script.split('\n').filter((l) => /^\s*end$/.test(l)).length;
    expect(openers).toBe(ends);
  });
});

describe('oauthctl completion', () => {
  const session = () => {
    let out = '';
    return { session: { out: (t: string) => void (out += t) } as unknown as Session, output: () => out };
  };
  const input = (shell: string): CommandInput => ({ args: [shell], opts: {}, globals: {} });

  it('prints the script for each shell', async () => {
    for (const shell of SHELLS) {
      const s = session();
      await run(parseCompletionOptions(input(shell)), s.session);
      expect(s.output()).toContain('oauthctl profile list --names');
    }
  });

  it('rejects an unknown shell when parsing, with a UsageError naming the choices', () => {
    expect(() => parseCompletionOptions(input('tcsh'))).toThrow(UsageError);
    expect(() => parseCompletionOptions(input('tcsh'))).toThrow(/tcsh.*bash, zsh or fish/);
  });
});

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}
