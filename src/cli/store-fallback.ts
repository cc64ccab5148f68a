import type { TokenStore } from '../store/types.js';
import type { Session } from './session.js';

const said = new WeakSet<TokenStore>();

/**
 * SPEC "Token store": the keychain fallback is said once, on stderr, by the command that writes a
 * new token set or secret there (`login`, `register`) — once per run even when both happen
 * (`login --register`).
 */
export function sayStoreFallback(session: Session, store: TokenStore): void {
  if (!store.fallback || said.has(store)) return;
  said.add(store);
  session.app.warn(store.fallback);
}
