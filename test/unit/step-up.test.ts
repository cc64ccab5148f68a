import { describe, expect, it } from 'vitest';
import type { CallSpec, CallTokens } from '../../src/app/call-api.js';
import type { AppContext } from '../../src/app/context.js';
import type { Interaction } from '../../src/app/interaction.js';
import type { LoginRequest } from '../../src/app/login.js';
import { callWithStepUp, stepUpAsk, stepUpSettings, unionScopes } from '../../src/app/step-up.js';
import type { StreamingHttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/http/redact.js';
import type { HttpRequest } from '../../src/http/types.js';
import { readStepUpChallenge } from '../../src/oauth/www-authenticate.js';
import type { StoreEntry, TokenSet } from '../../src/store/types.js';

describe('readStepUpChallenge (RFC 6750 §3.1, RFC 9470 §3)', () => {
  it('insufficient_scope with a scope, on 401 or 403', () => {
    expect(readStepUpChallenge(403, 'Bearer error="insufficient_scope", scope="a b"')).toEqual({ error: 'insufficient_scope', status: 403, scope: 'a b' });
    expect(readStepUpChallenge(401, 'DPoP error="insufficient_scope", scope="a"')).toMatchObject({ scope: 'a' });
  });

  it('insufficient_user_authentication with acr_values and/or a numeric max_age', () => {
    expect(readStepUpChallenge(401, 'Bearer error="insufficient_user_authentication", acr_values="x y", max_age="5"')).toEqual({
      error: 'insufficient_user_authentication',
      status: 401,
      acr_values: 'x y',
      max_age: '5',
    });
    expect(readStepUpChallenge(401, 'Bearer error="insufficient_user_authentication", max_age="0"')).toMatchObject({ max_age: '0' });
  });

  it('not a step-up: other statuses, other errors, nothing named to ask for, a bad max_age', () => {
    expect(readStepUpChallenge(400, 'Bearer error="insufficient_scope", scope="a"')).toBeUndefined();
    expect(readStepUpChallenge(401, 'Bearer error="invalid_token"')).toBeUndefined();
    expect(readStepUpChallenge(403, 'Bearer error="insufficient_scope"')).toBeUndefined();
    expect(readStepUpChallenge(401, 'Bearer error="insufficient_user_authentication"')).toBeUndefined();
    expect(readStepUpChallenge(401, 'Bearer error="insufficient_user_authentication", max_age="-1"')).toBeUndefined();
    expect(readStepUpChallenge(401, 'Basic realm="x", error="insufficient_scope", scope="a"')).toBeUndefined();
    expect(readStepUpChallenge(401, null)).toBeUndefined();
  });
});

describe('what a step-up login asks for', () => {
  it('the union of scopes, space- or comma-separated, without repeats', () => {
    expect(unionScopes('a b', 'b c')).toBe('a b c');
    expect(unionScopes('a,b', undefined, ' c ')).toBe('a b c');
    expect(unionScopes(undefined)).toBe('');
  });

  it('a scope: the union with the current one; an authentication: acr_values/max_age with openid', () => {
    const scope = stepUpAsk({ error: 'insufficient_scope', status: 403, scope: 'write' }, 'read');
    expect(scope.scope).toBe('read write');
    expect(stepUpSettings({ scope: 'read', params: { prompt: 'login' } }, scope)).toEqual({ scope: 'read write', params: { prompt: 'login' } });
    const auth = stepUpAsk({ error: 'insufficient_user_authentication', status: 401, acr_values: 'mfa', max_age: '0' }, 'read');
    expect(stepUpSettings({ params: { prompt: 'login' } }, auth)).toEqual({ scope: 'read openid', params: { prompt: 'login', acr_values: 'mfa', max_age: '0' } });
  });
});

describe('callWithStepUp', () => {
  const set = (access_token: string, scope?: string): TokenSet => ({ access_token, token_type: 'Bearer', obtained_at: 0, ...(scope ? { scope } : {}) });
  const challenge = { 'www-authenticate': 'Bearer error="insufficient_scope", scope="write"' };

  function harness(answers: Array<{ status: number; headers?: Record<string, string> }>) {
    const requests: HttpRequest[] = [];
    const logins: LoginRequest[] = [];
    const entries: Record<string, StoreEntry> = { p: { tokens: set('first', 'read'), client_secret: 'kept' } };
    const http = {
      async stream(req: HttpRequest) {
        requests.push(req);
        const next = answers.shift();
        if (!next) throw new Error(`unexpected request ${req.method} ${req.url}`);
        return new Response('{"error":"x"}', { status: next.status, headers: next.headers ?? {} });
      },
    } as unknown as StreamingHttpClient;
    const store = {
      kind: 'file',
      location: 'memory',
      get: async (name: string) => entries[name],
      put: async (name: string, entry: StoreEntry) => void (entries[name] = entry),
      delete: async () => {},
    };
    const ctx = { http, redactor: new Redactor(), warn: () => {}, note: () => {}, insecure: false, store: async () => store } as unknown as AppContext;
    const tokens: CallTokens = { acquire: async () => entries.p?.tokens as TokenSet, renew: async () => { throw new Error('unexpected renewal'); } };
    const told: string[] = [];
    const interaction = async () => ({ tell: (m: string) => told.push(m) }) as unknown as Interaction;
    const login = async (req: LoginRequest) => {
      logins.push(req);
      return set('second', req.settings.scope);
    };
    return { requests, logins, entries, ctx, tokens, told, interaction, login };
  }
  const spec = async (): Promise<CallSpec> => ({ method: 'GET', url: 'https://api.example.com/admin', headers: {}, bearerIn: 'header', tokenOrigin: 'https://api.example.com' });
  const acquire = { profile: 'p', settings: { issuer: 'https://as.example.com', client_id: 'c', scope: 'read' } };

  it('on a terminal: one login with the union of scopes, stored, and one repeat with the new token', async () => {
    const h = harness([{ status: 403, headers: challenge }, { status: 200 }]);
    const out = await callWithStepUp(await spec(), acquire, h.ctx, { interaction: h.interaction, login: h.login }, h.tokens);
    expect(out).toMatchObject({ steppedUp: true });
    expect(out.unmet).toBeUndefined();
    expect(out.result.response.status).toBe(200);
    expect(h.logins.map((l) => [l.settings.scope, l.grant, l.clientSecret])).toEqual([['read write', 'authorization_code', 'kept']]);
    expect(h.entries.p).toMatchObject({ tokens: { access_token: 'second' }, client_secret: 'kept' });
    expect(h.requests.map((r) => r.headers?.authorization)).toEqual(['Bearer first', 'Bearer second']);
    expect(h.told).toEqual(['GET https://api.example.com/admin asks for the scope write: logging in once more']);
  });

  it('never loops: a second refusal after the step-up is returned as unmet', async () => {
    const h = harness([{ status: 403, headers: challenge }, { status: 403, headers: challenge }]);
    const out = await callWithStepUp(await spec(), acquire, h.ctx, { interaction: h.interaction, login: h.login }, h.tokens);
    expect(out.steppedUp).toBe(true);
    expect(out.unmet?.scope).toBe('read write');
    expect(h.logins).toHaveLength(1);
    expect(h.requests).toHaveLength(2);
  });

  it('without a terminal, or with a non-interactive grant: no login, no repeat, the need returned', async () => {
    for (const [ports, settings] of [
      [{}, acquire.settings],
      [{ interaction: undefined }, { ...acquire.settings, grant: 'client_credentials' }],
    ] as const) {
      const h = harness([{ status: 403, headers: challenge }]);
      const out = await callWithStepUp(await spec(), { ...acquire, settings }, h.ctx, { ...ports, login: h.login }, h.tokens);
      expect(out.steppedUp).toBe(false);
      expect(out.unmet?.scope).toBe('read write');
      expect(h.logins).toHaveLength(0);
      expect(h.requests).toHaveLength(1);
    }
  });

  it('an answer that is no step-up is returned as it is', async () => {
    const h = harness([{ status: 403, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }]);
    const out = await callWithStepUp(await spec(), acquire, h.ctx, { interaction: h.interaction, login: h.login }, h.tokens);
    expect(out).toMatchObject({ steppedUp: false });
    expect(out.unmet).toBeUndefined();
    expect(h.logins).toHaveLength(0);
  });
});
