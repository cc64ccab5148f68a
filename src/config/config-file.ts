import { mkdirSync, readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { firstJsonErrorOffset } from './json-position.js';
import { configPath } from './paths.js';
import { isProfileName, validateProfile, type Profile } from './profile.js';

/** config.json: the profiles and the current profile's name. Never a secret (SPEC). */
export interface ConfigData {
  current?: string;
  profiles: Record<string, Profile>;
}

/**
 * Reads config.json. Missing → empty. A file that does not parse is exit 2 naming the file
 * and the position, and is never rewritten (SPEC "Damaged files").
 */
export async function loadConfig(home: string): Promise<ConfigData> {
  const path = configPath(home);
  let text: string;
  try {
    // Synchronous, as for tokens.json: a small file read by nearly every command, and
    // node:fs/promises plus libuv's thread pool cost more than the read (README "Speed").
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: Object.create(null) as Record<string, Profile> };
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON (${jsonErrorPosition(text)})`, {
      code: 'config_invalid',
      hint: 'fix or remove the file; oauthctl will not overwrite it',
    });
  }
  return checkShape(data, path);
}

/** Read-modify-write of config.json under a lock, written atomically with mode 0600. */
export async function updateConfig(home: string, change: (config: ConfigData) => void): Promise<ConfigData> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = configPath(home);
  // Loaded only to write: reading config.json (every command) stays cheap.
  const [{ withLock }, { writeFileAtomic }] = await Promise.all([import('../store/lock.js'), import('../store/atomic.js')]);
  return withLock(`${path}.lock`, async () => {
    const config = await loadConfig(home);
    change(config);
    await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, 0o600);
    return config;
  });
}

function checkShape(data: unknown, path: string): ConfigData {
  if (!isObject(data)) throw new UsageError(`${path}: expected a JSON object`, { code: 'config_invalid' });
  const profiles = data.profiles ?? {};
  if (!isObject(profiles)) throw new UsageError(`${path}: "profiles" must be an object`, { code: 'config_invalid' });
  // No prototype: `__proto__`, `constructor` or `valueOf` are ordinary profile names, found only
  // when saved (SPEC "Safety"). JSON.parse made every name an own property.
  const checked = Object.create(null) as Record<string, Profile>;
  for (const [name, profile] of Object.entries(profiles)) {
    assertNameInFile(name, path);
    if (!isObject(profile)) throw new UsageError(`${path}: profile "${name}" must be an object`, { code: 'config_invalid' });
    checked[name] = validateProfile(profile as Profile, `${path}: profile "${name}"`);
  }
  const current = data.current;
  if (current !== undefined && typeof current !== 'string') {
    throw new UsageError(`${path}: "current" must be a string`, { code: 'config_invalid' });
  }
  if (current !== undefined) assertNameInFile(current, path);
  return { ...(current ? { current } : {}), profiles: checked };
}

/** SPEC "Safety": a config.json holding a name outside the one rule is exit 2 naming it. */
function assertNameInFile(name: string, path: string): void {
  if (isProfileName(name)) return;
  throw new UsageError(`${path}: invalid profile name ${JSON.stringify(name)}`, {
    code: 'config_invalid',
    hint: `profile names use only letters, digits, ".", "_" and "-" (at most 64); fix or remove the file`,
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "line 3, column 7: unexpected '}'" for the first place the text stops being JSON. */
export function jsonErrorPosition(text: string): string {
  const pos = firstJsonErrorOffset(text);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const found = pos < text.length ? `unexpected ${JSON.stringify(text[pos])}` : 'unexpected end of file';
  return `line ${line}, column ${column}: ${found}`;
}
