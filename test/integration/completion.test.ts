import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempHome } from './cli.js';

const run = promisify(execFile);
const installed = (shell: string) => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;

/**
 * The built CLI's completion scripts in real shells: `oauthctl` on PATH is a wrapper around
 * bin/oauthctl.js, so profile names really come from `oauthctl profile list --names`.
 */
describe('oauthctl completion (built CLI)', () => {
  let home: string;
  let cleanup: () => void;
  let bin: string;
  let scripts: Record<'bash' | 'zsh' | 'fish', string>;

  const env = () => {
    const e: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OAUTHCTL_')) e[k] = v;
    return { ...e, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, OAUTHCTL_HOME: home, OAUTHCTL_TOKEN_STORE: 'file', NO_COLOR: '1' };
  };

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    bin = join(home, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'oauthctl'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(join(bin, 'oauthctl'), 0o755);
    writeFileSync(join(home, 'ca.pem'), '');
    for (const name of ['beta', 'alpha']) {
      const r = await runCli(['profile', 'add', name, '--token-url', 'http://127.0.0.1:1/token', '--client-id', 'x', '--client-auth', 'none'], { home });
      expect(r.code, r.stderr).toBe(0);
    }
    scripts = { bash: '', zsh: '', fish: '' };
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      const r = await runCli(['completion', shell], { home });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      scripts[shell] = join(home, `completion.${shell}`);
      writeFileSync(scripts[shell], r.stdout);
    }
  });
  afterAll(() => cleanup?.());

  /** Sources the bash script, completes `line` (cursor at the end) as bash would, returns COMPREPLY. */
  async function bashComplete(line: string, path?: string): Promise<string[]> {
    const program = [
      'source "$SCRIPT" || exit 9',
      // The function `complete -p oauthctl` names: the script must have registered it.
      'fn=$(complete -p oauthctl | sed -E "s/.*-F ([^ ]+).*/\\1/")',
      'COMP_LINE="$LINE"; COMP_POINT=${#LINE}',
      'read -ra COMP_WORDS <<<"$LINE"',
      '[[ $LINE == *" " ]] && COMP_WORDS+=("")',
      'COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))',
      'COMPREPLY=()',
      '"$fn" oauthctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', program], {
      env: { ...env(), ...(path ? { PATH: path } : {}), SCRIPT: scripts.bash, LINE: line },
      timeout: 20_000,
    });
    return stdout.split('\n').filter(Boolean);
  }

  it('bash: the script parses', async () => {
    await run('bash', ['-n', scripts.bash]);
  });

  it('bash: completes commands and sub-commands', async () => {
    expect(await bashComplete('oauthctl to')).toEqual(['token']);
    expect(await bashComplete('oauthctl token sh')).toEqual(['show']);
    expect(await bashComplete('oauthctl profile re')).toEqual(['remove']);
    expect(await bashComplete('oauthctl -o json token sh')).toEqual(['show']);
  });

  it('bash: completes flags, global ones after the command too, and their choices', async () => {
    expect(await bashComplete('oauthctl -o ')).toEqual(['text', 'json']);
    expect(await bashComplete('oauthctl token --pro')).toEqual(['--profile']);
    expect(await bashComplete('oauthctl token show --rev')).toEqual(['--reveal']);
    expect(await bashComplete('oauthctl --token-store ')).toEqual(['auto', 'keychain', 'file', 'none']);
    expect(await bashComplete('oauthctl call --bearer-in ')).toEqual(['header', 'query', 'form']);
    expect(await bashComplete('oauthctl login --grant client_')).toEqual(['client_credentials']);
    expect(await bashComplete('oauthctl completion ')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('bash: completes file paths for file-taking flags', async () => {
    expect(await bashComplete(`oauthctl --cacert ${home}/ca.`)).toEqual([`${home}/ca.pem`]);
  });

  it('bash: completes the saved profile names, asked of the CLI at completion time', async () => {
    expect(await bashComplete('oauthctl -p ')).toEqual(['alpha', 'beta']);
    expect(await bashComplete('oauthctl token --profile a')).toEqual(['alpha']);
    expect(await bashComplete('oauthctl profile use ')).toEqual(['alpha', 'beta']);
    expect(await bashComplete('oauthctl profile add ')).toEqual([]);
  });

  /**
   * Names that would run something if a script expanded them. SPEC: config.json never holds such
   * a name; here an `oauthctl` on PATH prints them anyway, as if one got through, and the scripts
   * must still only offer them as text.
   */
  describe('a hostile profile name that reaches the script is never run', () => {
    let hostileBin: string;
    let marks: string;
    const names = () => [`$(touch ${marks}/dollar)`, `\`touch ${marks}/backtick\``, `x;touch ${marks}/semicolon`, `$(IFS=_;touch_${marks}/ifs)`, '*', 'alpha'];
    const path = () => `${hostileBin}:${process.env.PATH ?? '/usr/bin:/bin'}`;
    const nothingRan = () => expect(readdirSync(marks)).toEqual([]);

    beforeAll(() => {
      hostileBin = join(home, 'hostile-bin');
      marks = join(home, 'marks');
      mkdirSync(hostileBin);
      mkdirSync(marks);
      const lines = names().map((n) => `'${n.replace(/'/g, `'\\''`)}'`).join(' ');
      writeFileSync(join(hostileBin, 'oauthctl'), `#!/bin/sh\nprintf '%s\\n' ${lines}\n`);
      chmodSync(join(hostileBin, 'oauthctl'), 0o755);
    });

    afterEach(() => {
      for (const f of readdirSync(marks)) rmSync(join(marks, f));
    });

    it('bash: offers them shell-quoted, runs nothing', async () => {
      const offered = await bashComplete('oauthctl -p ', path());
      nothingRan();
      // Each offered word, read back by bash, is the name itself: inert text on the command line.
      const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', `for w in ${offered.join(' ')}; do printf '%s\\n' "$w"; done`], { env: { PATH: '/usr/bin:/bin' } });
      nothingRan();
      expect(stdout.split('\n').filter(Boolean)).toEqual(names());
      expect(await bashComplete('oauthctl -p $', path())).toHaveLength(2);
      expect(await bashComplete('oauthctl token --profile al', path())).toEqual(['alpha']);
      nothingRan();
      expect(existsSync(join(home, '*'))).toBe(false);
    });

    // zsh and fish come from .ci/run: skipped only off CI where the shell is missing.
    it.skipIf(!installed('zsh') && !process.env.CI)('zsh: hands them to compadd as they are, runs nothing', async () => {
      // compadd exists only inside a completion widget: a stand-in records its arguments.
      const program = `source "$SCRIPT"; compadd() { print -rl -- "$@"; }; _oc_kind=profile; _oauthctl_offer`;
      const { stdout } = await run('zsh', ['-f', '-c', program], { env: { ...env(), PATH: path(), SCRIPT: scripts.zsh } });
      nothingRan();
      expect(stdout.split('\n').filter(Boolean)).toEqual(['--', ...names()]);
    });

    // Same for fish.
    it.skipIf(!installed('fish') && !process.env.CI)('fish: offers them as they are, runs nothing', async () => {
      const { stdout } = await run('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C 'oauthctl -p '`], { env: { ...env(), PATH: path() } });
      nothingRan();
      expect(stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(expect.arrayContaining(names()));
    });
  });

  it('zsh and fish: the scripts name oauthctl', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(scripts.zsh, 'utf8')).toMatch(/^#compdef oauthctl\n/);
    expect(readFileSync(scripts.fish, 'utf8')).toContain('complete -c oauthctl ');
  });

  // zsh and fish are installed by .ci/run; a developer without them skips these two, CI never does.
  it.skipIf(!installed('zsh') && !process.env.CI)('zsh: the script parses', async () => {
    await run('zsh', ['-n', scripts.zsh]);
  });

  // Same for fish: skipped only off CI when fish is not installed.
  it.skipIf(!installed('fish') && !process.env.CI)('fish: the script parses and completes', async () => {
    await run('fish', ['--no-execute', scripts.fish]);
    const { stdout } = await run('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C 'oauthctl token sh'; complete -C 'oauthctl -p '`], {
      env: env(),
    });
    expect(stdout).toMatch(/^show\b/m);
    expect(stdout).toMatch(/^alpha(\t|$)/m); // fish prints a tab and the description after the value
  });

  it('rejects an unknown shell (exit 2) naming the choices', async () => {
    const r = await runCli(['completion', 'tcsh'], { home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/tcsh.*bash, zsh or fish/);
  });
});
