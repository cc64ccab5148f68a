import { BusError, BusRefusal, converse, type BusAnswer } from './dbus-session.js';
import { BodyReader, objectPath, str, stringDict, variantString, type CallTarget, type Message } from './dbus-wire.js';

/**
 * The Secret Service (org.freedesktop.secrets: gnome-keyring, KWallet, KeePassXC) spoken from
 * JavaScript over dbus-session.ts, for the two things that must never block on a native call:
 *
 * - `probeSecretService`: does a Secret Service answer, and is its default collection unlocked?
 *   Asked before any native keyring library is given the chance to block on the bus.
 * - `readSecret`: the one read `oauthctl token` makes, done as @napi-rs/keyring would do it (same
 *   search attributes, same "exactly one item" rule) in three round trips over one connection,
 *   without loading the native binding. See README "Speed" for why.
 *
 * @see Secret Service API 0.2 (org.freedesktop.Secret.Service OpenSession/SearchItems,
 *   org.freedesktop.Secret.Item GetSecret, org.freedesktop.Secret.Collection Locked)
 */
export type { BusAnswer } from './dbus-session.js';

const SECRETS = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const MISSING_NAME_ERRORS = new Set(['org.freedesktop.DBus.Error.ServiceUnknown', 'org.freedesktop.DBus.Error.NameHasNoOwner']);
const NO_SERVICE = `no Secret Service (${SECRETS}) on the D-Bus session bus`;

/**
 * `{ ok: true }` when the Secret Service answers and its default collection is not locked; else
 * why not, or "no answer within …" after `timeoutMs`. Any reply from the service — a return or an
 * error other than "no such name" — means it answers. Reading `Locked` also starts the service
 * when the bus can activate it (as the bindings' first call would). A locked collection would make
 * the binding ask for the password and wait for the user, so it counts as no answer (SPEC "Token
 * store": a locked keychain must not hang a script).
 */
export async function probeSecretService(env: Record<string, string | undefined>, timeoutMs: number, uid?: number): Promise<BusAnswer> {
  return converse(
    env,
    timeoutMs,
    async (bus) => {
      let reply: Message;
      try {
        reply = await bus.call(
          { path: '/org/freedesktop/secrets/aliases/default', iface: 'org.freedesktop.DBus.Properties', member: 'Get', destination: SECRETS },
          [str('org.freedesktop.Secret.Collection'), str('Locked')],
        );
      } catch (err) {
        if (err instanceof BusError && !MISSING_NAME_ERRORS.has(err.errorName)) return; // it answers (no default collection, say)
        throw missingService(err);
      }
      if (readVariantBoolean(reply) === true) throw new BusRefusal('the keyring is locked');
    },
    uid,
  );
}

/** A reply whose body is one variant holding a boolean: its value, else undefined. */
export function readVariantBoolean(message: Message): boolean | undefined {
  try {
    return new BodyReader(message).variant((sig, r) => (sig === 'b' ? r.boolean() : undefined));
  } catch {
    return undefined;
  }
}

/**
 * The secret of the one item whose attributes are `attributes`, null when there is none; not ok
 * when several match (@napi-rs/keyring's "ambiguous"), when the item is locked (reading it would
 * prompt), when the service is missing or silent.
 *
 * The secret travels in a `plain` session (Secret Service API, "Transfer of Secrets"): over the
 * user's own session bus socket, to this process, as it does with `secret-tool`'s clients that
 * ask for it; the DH session the bindings negotiate guards against other processes of the same
 * user that watch the bus, which could ask the service for the secret themselves.
 */
export async function readSecret(
  env: Record<string, string | undefined>,
  timeoutMs: number,
  attributes: Record<string, string>,
  uid?: number,
): Promise<BusAnswer<Buffer | null>> {
  return converse(
    env,
    timeoutMs,
    async (bus) => {
      const service = (member: string): CallTarget => ({ path: SERVICE_PATH, iface: 'org.freedesktop.Secret.Service', member, destination: SECRETS });
      // OpenSession and SearchItems leave in the same write as Hello: one round trip for both.
      const opened = bus.call(service('OpenSession'), [str('plain'), variantString('')]);
      const searched = bus.call(service('SearchItems'), [stringDict(attributes)]);
      opened.catch(() => undefined); // awaited below only when an item was found
      let unlocked: string[];
      let locked: string[];
      try {
        const r = new BodyReader(await searched);
        unlocked = r.strings();
        locked = r.strings();
      } catch (err) {
        throw missingService(err);
      }
      if (unlocked.length + locked.length === 0) return null;
      if (unlocked.length + locked.length > 1) throw new BusRefusal(`${unlocked.length + locked.length} keychain items match one entry`);
      if (locked.length > 0) throw new BusRefusal('the keyring is locked');
      const session = new BodyReader(await opened);
      session.variant((sig, r) => (sig === 's' ? r.string() : undefined));
      const sessionPath = session.string();
      const item = unlocked[0]!;
      const reply = await bus.call({ path: item, iface: 'org.freedesktop.Secret.Item', member: 'GetSecret', destination: SECRETS }, [objectPath(sessionPath)]);
      // Secret: (o session, ay parameters, ay value, s content_type)
      const secret = new BodyReader(reply).align(8);
      secret.string();
      secret.bytes();
      return secret.bytes();
    },
    uid,
  );
}

function missingService(err: unknown): unknown {
  return err instanceof BusError && MISSING_NAME_ERRORS.has(err.errorName) ? new BusRefusal(NO_SERVICE) : err;
}
