import type { Redactor } from '../http/redact.js';
import type { StreamingHttpClient } from '../http/client.js';
import type { ClientCertificate } from '../http/types.js';
import type { TokenStore } from '../store/types.js';
import type { TokenSourceIO } from './token-sources.js';

/**
 * What use cases receive instead of reaching for globals: the HTTP client, the clock, the
 * store, and two channels for the human (warnings always, notes only under -v).
 */
export interface AppContext {
  http: StreamingHttpClient;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** `--insecure`: plain http:// to non-loopback hosts allowed, TLS not verified. */
  insecure: boolean;
  redactor: Redactor;
  /** Opens the selected token store on first use (the keychain probe costs time). */
  store: () => Promise<TokenStore>;
  /** Runs `fn` holding the profile's cross-process lock (single-flight refresh). */
  withProfileLock: <T>(profile: string, fn: () => Promise<T>) => Promise<T>;
  warn: (message: string) => void;
  note: (message: string) => void;
  /** Files, variables, stdin and saved profiles for token sources (token_exchange, jwt_bearer). */
  sources?: TokenSourceIO;
  /** Mutual TLS: the client certificate `http` presents (set by `withClientCertificate`). */
  clientCertificate?: ClientCertificate;
}
