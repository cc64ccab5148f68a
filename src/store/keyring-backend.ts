/**
 * The native keychain bindings (SPEC "Token store"): @napi-rs/keyring (N-API, prebuilt binaries
 * for macOS, Windows and Linux shipped through npm, so it installs without a compiler), else
 * keytar (archived; an optional dependency that builds from source where its download fails).
 * Both are loaded only when the keychain is first used (STYLE "Load lazily").
 *
 * On Linux both talk to the Secret Service over D-Bus. Before either is loaded, a JavaScript probe
 * (secret-service.ts) checks under the deadline that the bus and the service answer, because a native
 * call blocked on a silent bus could not be abandoned. With @napi-rs/keyring, reads go on over
 * D-Bus from JavaScript too (the same search the binding makes), and the binding is loaded for the
 * first write: loading it and opening its session cost a `token` about 0.17× of a bare Node start
 * (README "Speed"), and a read is what `token` does on every run.
 */
import type { BackendChoice } from './backend-choice.js';
import { probeSecretService, secretServiceClient, type SecretServiceClient } from './secret-service.js';

/** The part of a keychain binding the store uses (keytar's shape); tests inject a fake. */
export interface KeyringBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  /** The D-Bus probe has already seen the Secret Service answer: no probing read is needed. */
  readonly answered?: boolean;
}

export type { BackendChoice } from './backend-choice.js';

export interface LoadBackendOptions {
  choice?: BackendChoice;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  /** Deadline for the D-Bus probe. */
  timeoutMs: number;
}

/** Why the keychain cannot be used at all; the store turns it into KeychainUnavailableError. */
export class BackendUnavailable extends Error {}

export async function loadKeyringBackend(opts: LoadBackendOptions): Promise<KeyringBackend> {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const choice = opts.choice ?? 'auto';
  if (platform === 'darwin' || platform === 'win32') return loadBinding(choice, platform);
  if (choice !== 'keytar') {
    const client = secretServiceClient(env);
    const answer = await client.probe(opts.timeoutMs, { openSession: true });
    if (!answer.ok) {
      client.close();
      throw new BackendUnavailable(answer.reason);
    }
    return secretServiceBackend(choice, client, opts.timeoutMs, platform);
  }
  const probed = probeSecretService(env, opts.timeoutMs);
  // The probe's connection starts first, and the binding loads while the bus answers: loading is
  // not a call, and no native call starts before the bus has answered.
  const backend = await loadBinding(choice, platform);
  const answer = await probed;
  if (!answer.ok) throw new BackendUnavailable(answer.reason);
  return { ...backend, answered: true };
}

/**
 * Linux, once the Secret Service has answered: reads from JavaScript (secret-service.ts, on the probe's connection,
 * the attributes @napi-rs/keyring stores under: `service`, `username`), writes and deletes through
 * the binding, loaded on first use. With `auto`, a read that finds nothing asks the binding too:
 * where @napi-rs/keyring cannot load, keytar is the binding, and it keeps its entries under other
 * attributes.
 */
function secretServiceBackend(choice: BackendChoice, client: SecretServiceClient, timeoutMs: number, platform: NodeJS.Platform): KeyringBackend {
  let binding: Promise<KeyringBackend> | undefined;
  const load = () => (binding ??= loadBinding(choice, platform));
  return {
    answered: true,
    async getPassword(service, account) {
      const answer = await client.read({ service, username: account }, timeoutMs);
      if (!answer.ok) throw new BackendUnavailable(answer.reason);
      if (answer.value !== null) return new TextDecoder('utf-8', { fatal: true }).decode(answer.value);
      return choice === 'keyring' ? null : (await load()).getPassword(service, account);
    },
    setPassword: async (service, account, password) => (await load()).setPassword(service, account, password),
    deletePassword: async (service, account) => (await load()).deletePassword(service, account),
  };
}

async function loadBinding(choice: BackendChoice, platform: NodeJS.Platform): Promise<KeyringBackend> {
  const failures: string[] = [];
  if (choice !== 'keytar') {
    try {
      return await importNapiKeyring(platform);
    } catch (err) {
      failures.push(`@napi-rs/keyring: ${firstLine(err)}`);
    }
  }
  if (choice !== 'keyring') {
    try {
      return await importKeytar();
    } catch (err) {
      failures.push(`keytar: ${firstLine(err)}`);
    }
  }
  throw new BackendUnavailable(`no keychain binding could be loaded (${failures.join('; ')})`);
}

/**
 * @napi-rs/keyring's AsyncEntry runs each call off the main thread, so the store's deadline timer
 * still fires while it waits. On Linux the entry is pinned to the Secret Service: the library's
 * other Linux store, the kernel keyring, forgets everything at logout, and `auto` should then
 * rather use the file.
 */
async function importNapiKeyring(platform: NodeJS.Platform): Promise<KeyringBackend> {
  const { AsyncEntry } = await import('@napi-rs/keyring');
  const options = platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
  const entry = (service: string, account: string) => new AsyncEntry(service, account, options);
  return {
    getPassword: (service, account) => entry(service, account).getPassword(),
    setPassword: (service, account, password) => entry(service, account).setPassword(password),
    deletePassword: (service, account) => entry(service, account).deletePassword(),
  };
}

/** keytar is CommonJS: its functions sit on the default export (named exports are incomplete). */
async function importKeytar(): Promise<KeyringBackend> {
  const mod: unknown = await import('keytar');
  const candidates = [(mod as { default?: unknown }).default, mod];
  const keytar = candidates.find(isKeyringBackend);
  if (!keytar) throw new Error('the keytar module does not export getPassword/setPassword/deletePassword');
  return keytar;
}

function isKeyringBackend(value: unknown): value is KeyringBackend {
  const k = value as Partial<Record<keyof KeyringBackend, unknown>> | null | undefined;
  return (
    typeof k?.getPassword === 'function' &&
    typeof k.setPassword === 'function' &&
    typeof k.deletePassword === 'function'
  );
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0] ?? text;
}
