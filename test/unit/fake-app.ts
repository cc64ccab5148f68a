/**
 * A fake AppContext for the use cases in src/app: scripted HTTP answers (an unexpected request
 * fails the test), an in-memory store, a fixed clock, and the warnings and notes it was given.
 */
import type { AppContext } from '../../src/app/context.js';
import type { StreamingHttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import { createNoneStore } from '../../src/store/none.js';
import type { StoreEntry, TokenSet, TokenStore } from '../../src/store/types.js';

/** 2027-01-15T08:00:00Z: every test runs at this instant. */
export const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
export const NOW = NOW_MS / 1000;

export const ISSUER = 'https://as.example';
export const TOKEN_ENDPOINT = `${ISSUER}/token`;

export interface FakeApp extends AppContext {
  requests: HttpRequest[];
  /** The form of request `i`. */
  form(i: number): URLSearchParams;
  warnings: string[];
  notes: string[];
  memory: TokenStore;
  /** How many answers are still scripted (0 at the end of a test that used them all). */
  pending(): number;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    statusText: status === 200 ? 'OK' : 'Error',
    url: TOKEN_ENDPOINT,
    headers: new Headers({ 'content-type': 'application/json', ...headers }),
    text: JSON.stringify(body),
  };
}

export function empty(status = 200): HttpResponse {
  return { status, statusText: 'OK', url: TOKEN_ENDPOINT, headers: new Headers(), text: '' };
}

export function fakeApp(answers: HttpResponse[] = [], entries: Record<string, StoreEntry> = {}): FakeApp {
  const requests: HttpRequest[] = [];
  const memory = createNoneStore();
  const queue = [...answers];
  const http: StreamingHttpClient = {
    async request(req) {
      requests.push(req);
      const next = queue.shift();
      if (!next) throw new Error(`unexpected request ${req.method} ${req.url}`);
      return next;
    },
    async stream() {
      throw new Error('unexpected streamed request');
    },
    async close() {},
  };
  const warnings: string[] = [];
  const notes: string[] = [];
  const ready = Promise.all(Object.entries(entries).map(([profile, entry]) => memory.put(profile, entry)));
  return {
    http,
    now: () => NOW_MS,
    insecure: false,
    redactor: new Redactor(),
    store: async () => {
      await ready;
      return memory;
    },
    withProfileLock: async (_profile, fn) => fn(),
    warn: (m) => warnings.push(m),
    note: (m) => notes.push(m),
    requests,
    form: (i) => new URLSearchParams(String(requests[i]?.body ?? '')),
    warnings,
    notes,
    memory,
    pending: () => queue.length,
  };
}

/** A stored token set minted `ageSeconds` ago with `lifetime` seconds to live (negative left = expired). */
export function tokenSet(overrides: Partial<TokenSet> = {}, lifetime = 3600, ageSeconds = 0): TokenSet {
  const obtained = NOW - ageSeconds;
  return {
    access_token: 'at-old',
    token_type: 'Bearer',
    refresh_token: 'rt-old',
    scope: 'openid people:read',
    expires_at: obtained + lifetime,
    obtained_at: obtained,
    issuer: ISSUER,
    token_endpoint: TOKEN_ENDPOINT,
    client_id: 'cli',
    client_auth: 'none',
    grant: 'authorization_code',
    ...overrides,
  };
}

/** Minted an hour ago, expired ten minutes ago. */
export const expired = (overrides: Partial<TokenSet> = {}) => tokenSet(overrides, 3000, 3600);
