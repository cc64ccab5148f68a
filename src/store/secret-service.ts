import { BusError, BusRefusal, openBus, talkWithin, type BusAnswer } from './dbus-session.js';
import { BodyReader, objectPath, str, stringDict, variantString, type CallTarget, type Message } from './dbus-wire.js';

/**
 * The Secret Service (org.freedesktop.secrets: gnome-keyring, KWallet, KeePassXC) spoken from
 * JavaScript over dbus-session.ts, for the two things that must never block on a native call:
 *
 * - `probeSecretService`: does a Secret Service answer, and is its default collection unlocked?
 *   Asked before any native keyring library is given the chance to block on the bus.
 * - reads: the one read `oauthctl token` makes, done as @napi-rs/keyring would do it (same search
 *   attributes, same "exactly one item" rule), on the probe's connection, without loading the
 *   native binding. README "The keychain read" says why.
 *
 * @see Secret Service API 0.2 (org.freedesktop.Secret.Service OpenSession/SearchItems,
 *   org.freedesktop.Secret.Item GetSecret, org.freedesktop.Secret.Collection Locked)
 */
export type { BusAnswer } from './dbus-session.js';

const SECRETS = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const MISSING_NAME_ERRORS = new Set(['org.freedesktop.DBus.Error.ServiceUnknown', 'org.freedesktop.DBus.Error.NameHasNoOwner']);
const NO_SERVICE = `no Secret Service (${SECRETS}) on the D-Bus session bus`;

/** The Secret Service over one connection: the probe, then any number of reads. */
export interface SecretServiceClient {
  /**
   * `{ ok: true }` when the Secret Service answers and its default collection is not locked; else
   * why not, or "no answer within …" after `timeoutMs`. Any reply from the service — a return or
   * an error other than "no such name" — means it answers. Reading `Locked` also starts the
   * service when the bus can activate it (as the bindings' first call would). A locked collection
   * would make the binding ask for the password and wait for the user, so it counts as no answer
   * (SPEC "Token store": a locked keychain must not hang a script). With `openSession`, the
   * session later reads need is asked for in the same write.
   */
  probe(timeoutMs: number, opts?: { openSession?: boolean }): Promise<BusAnswer>;
  /**
   * The secret of the one item whose attributes are `attributes`, null when there is none; not ok
   * when several match (@napi-rs/keyring's "ambiguous"), when the item is locked (reading it would
   * prompt), when the service is missing or silent. Two round trips: SearchItems, GetSecret.
   */
  read(attributes: Record<string, string>, timeoutMs: number): Promise<BusAnswer<Buffer | null>>;
  close(): void;
}

/**
 * The secret travels in a `plain` session (Secret Service API, "Transfer of Secrets"): over the
 * user's own session bus socket, straight to this process. The DH session the bindings negotiate
 * hides it from other processes of the same user that watch the bus, which could as well ask the
 * service for it; it costs two 1024-bit modular exponentiations on each side, per process.
 */
export function secretServiceClient(env: Record<string, string | undefined>, uid?: number): SecretServiceClient {
  const bus = openBus(env, uid);
  const service = (member: string): CallTarget => ({ path: SERVICE_PATH, iface: 'org.freedesktop.Secret.Service', member, destination: SECRETS });
  let session: Promise<Message> | undefined;
  const openSession = () => {
    if (!session) {
      session = bus.call(service('OpenSession'), [str('plain'), variantString('')]);
      session.catch(() => undefined); // awaited by a read that found an item
    }
    return session;
  };
  return {
    probe: (timeoutMs, opts) =>
      talkWithin(bus, timeoutMs, async (b) => {
        const locked = b.call(
          { path: '/org/freedesktop/secrets/aliases/default', iface: 'org.freedesktop.DBus.Properties', member: 'Get', destination: SECRETS },
          [str('org.freedesktop.Secret.Collection'), str('Locked')],
        );
        if (opts?.openSession) openSession();
        let reply: Message;
        try {
          reply = await locked;
        } catch (err) {
          if (err instanceof BusError && !MISSING_NAME_ERRORS.has(err.errorName)) return; // it answers (no default collection, say)
          throw missingService(err);
        }
        if (readVariantBoolean(reply) === true) throw new BusRefusal('the keyring is locked');
      }),
    read: (attributes, timeoutMs) =>
      talkWithin(bus, timeoutMs, async (b) => {
        const opened = openSession();
        let unlocked: string[];
        let locked: string[];
        try {
          const r = new BodyReader(await b.call(service('SearchItems'), [stringDict(attributes)]));
          unlocked = r.strings();
          locked = r.strings();
        } catch (err) {
          throw missingService(err);
        }
        const found = unlocked.length + locked.length;
        if (found === 0) return null;
        if (found > 1) throw new BusRefusal(`${found} keychain items match one entry`);
        if (locked.length > 0) throw new BusRefusal('the keyring is locked');
        // OpenSession answers (v output, o session); a `plain` session's output is an empty string.
        const s = new BodyReader(await opened);
        if (s.signature() !== 's') throw new BusRefusal('the Secret Service did not open a plain session');
        s.string();
        const sessionPath = s.string();
        const reply = await b.call({ path: unlocked[0]!, iface: 'org.freedesktop.Secret.Item', member: 'GetSecret', destination: SECRETS }, [objectPath(sessionPath)]);
        // Secret: (o session, ay parameters, ay value, s content_type)
        const secret = new BodyReader(reply).align(8);
        secret.string();
        secret.bytes();
        return secret.bytes();
      }),
    close: () => bus.close(),
  };
}

/** The probe on a connection of its own (before a binding is loaded). */
export async function probeSecretService(env: Record<string, string | undefined>, timeoutMs: number, uid?: number): Promise<BusAnswer> {
  const client = secretServiceClient(env, uid);
  try {
    return await client.probe(timeoutMs);
  } finally {
    client.close();
  }
}

/** A reply whose body is one variant holding a boolean: its value, else undefined. */
export function readVariantBoolean(message: Message): boolean | undefined {
  try {
    return new BodyReader(message).variant((sig, r) => (sig === 'b' ? r.boolean() : undefined));
  } catch {
    return undefined;
  }
}

function missingService(err: unknown): unknown {
  return err instanceof BusError && MISSING_NAME_ERRORS.has(err.errorName) ? new BusRefusal(NO_SERVICE) : err;
}
