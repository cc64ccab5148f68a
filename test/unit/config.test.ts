import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, updateConfig } from '../../src/config/config-file.js';
import { resolveHome } from '../../src/config/paths.js';
import { parseParams, resolveProfile } from '../../src/config/profile.js';
import { UsageError } from '../../src/errors.js';

describe('resolveHome', () => {
  it('follows OAUTHCTL_HOME, then XDG_CONFIG_HOME, then APPDATA on Windows, then ~/.config', () => {
    expect(resolveHome({ OAUTHCTL_HOME: '/h', XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/h');
    expect(resolveHome({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/oauthctl');
    expect(resolveHome({ APPDATA: 'C:\\AppData' }, 'win32', 'C:\\Users\\u')).toContain('oauthctl');
    expect(resolveHome({}, 'linux', '/home/u')).toBe('/home/u/.config/oauthctl');
  });
});

describe('resolveProfile', () => {
  it('lets flags win over environment, and environment over the saved profile', () => {
    const saved = { issuer: 'https://saved', client_id: 'saved', scope: 'a', params: { prompt: 'login', x: '1' } };
    const env = { OAUTHCTL_ISSUER: 'https://env', OAUTHCTL_CLIENT_ID: 'env' };
    const out = resolveProfile({ flags: { client_id: 'flag', params: { x: '2' } }, env, saved });
    expect(out).toEqual({ issuer: 'https://env', client_id: 'flag', scope: 'a', params: { prompt: 'login', x: '2' } });
  });

  it('rejects a malformed URL from the environment', () => {
    expect(() => resolveProfile({ flags: {}, env: { OAUTHCTL_ISSUER: 'not a url' } })).toThrow(UsageError);
  });

  it('parses --param pairs', () => {
    expect(parseParams(['prompt=consent', 'a=b=c'])).toEqual({ prompt: 'consent', a: 'b=c' });
    expect(() => parseParams(['novalue'])).toThrow('key=value');
  });
});

describe('config.json', () => {
  let home: string;
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('is written 0600 in a 0700 folder and read back', async () => {
    home = join(mkdtempSync(join(tmpdir(), 'oauthctl-cfg-')), 'home');
    await updateConfig(home, (c) => {
      c.profiles.dev = { issuer: 'https://auth.example.com', client_id: 'cli' };
      c.current = 'dev';
    });
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'config.json')).mode & 0o777).toBe(0o600);
    expect(await loadConfig(home)).toEqual({ current: 'dev', profiles: { dev: { issuer: 'https://auth.example.com', client_id: 'cli' } } });
  });

  it('names the file and the line of a parse error, and never rewrites it', async () => {
    home = mkdtempSync(join(tmpdir(), 'oauthctl-cfg-'));
    const path = join(home, 'config.json');
    const broken = '{\n  "profiles": {\n    "dev": { "issuer": }\n  }\n}\n';
    writeFileSync(path, broken);
    await expect(loadConfig(home)).rejects.toThrow(/config\.json is not valid JSON \(line 3, column \d+/);
    await expect(updateConfig(home, () => {})).rejects.toThrow(UsageError);
    expect(readFileSync(path, 'utf8')).toBe(broken);
  });
});

describe('firstJsonErrorOffset', () => {
  it.each([
    ['{"a": }', 6],
    ['{bad', 1],
    ['{"a": 1,}', 8],
    ['[1, 2', 5],
    ['{"a": tru}', 9],
    ['{"a": "x\\q"}', 9],
    ['{} extra', 3],
  ])('%j fails at %i', async (text, offset) => {
    const { firstJsonErrorOffset } = await import('../../src/config/json-position.js');
    expect(firstJsonErrorOffset(text)).toBe(offset);
  });
});
