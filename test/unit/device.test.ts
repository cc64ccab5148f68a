import { describe, expect, it } from 'vitest';
import { OAuthError, ProtocolError, TransportError } from '../../src/errors.js';
import type { HttpClient, HttpResponse } from '../../src/http/types.js';
import type { ClientCredentials } from '../../src/oauth/client-auth.js';
import type { AuthServer } from '../../src/oauth/pipeline.js';
import { stubHttp } from '../support/stub-http.js';
import {
  DEVICE_CODE_GRANT_TYPE,
  deviceAuthorizationRequest,
  pollDeviceToken,
  processDeviceAuthorizationResponse,
  type PollDeviceTokenParams,
} from '../../src/oauth/device.js';

const DEVICE_URL = 'https://as.example/device';
const TOKEN_URL = 'https://as.example/token';
const DEVICE_CODE = 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS';


function json(status: number, body: unknown, url = TOKEN_URL): HttpResponse {
  return { status, statusText: '', url, headers: new Headers({ 'content-type': 'application/json' }), text: JSON.stringify(body) };
}

const pending = (status = 400) => json(status, { error: 'authorization_pending' });
const tokens = () => json(200, { access_token: 'at', token_type: 'Bearer', expires_in: 3600 });

/** A fake clock that the injected sleep advances; records each sleep. */
function fakeClock(start = 1_700_000_000_000) {
  const clock = {
    t: start,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

function server(http: HttpClient, now: () => number = () => 0, client: ClientCredentials = { clientId: 'tv-app', method: 'none' }): AuthServer {
  return { http, endpoints: { token_endpoint: TOKEN_URL, device_authorization_endpoint: DEVICE_URL }, client, now, warn: () => {} };
}

function pollParams(clock: ReturnType<typeof fakeClock>, overrides: Partial<PollDeviceTokenParams> = {}): PollDeviceTokenParams {
  return {
    deviceCode: DEVICE_CODE,
    interval: 5,
    expiresIn: 600,
    sleep: clock.sleep,
    ...overrides,
  };
}

/** pollDeviceToken against `http` with the fake clock. */
function poll(http: HttpClient, clock: ReturnType<typeof fakeClock>, overrides: Partial<PollDeviceTokenParams> = {}) {
  return pollDeviceToken(server(http, clock.now), pollParams(clock, overrides));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('deviceAuthorizationRequest', () => {
  it('POSTs client_id and scope with Accept: application/json and reads the answer', async () => {
    const http = stubHttp(
      json(200, {
        device_code: DEVICE_CODE,
        user_code: 'WDJB-MJHT',
        verification_uri: 'https://as.example/device',
        verification_uri_complete: 'https://as.example/device?user_code=WDJB-MJHT',
        expires_in: 1800,
        interval: 5,
      }, DEVICE_URL),
    );
    const d = await deviceAuthorizationRequest(server(http), {
      scope: 'openid profile',
      extra: { audience: 'https://api.example', resource: undefined },
    });
    expect(d).toMatchObject({
      device_code: DEVICE_CODE,
      user_code: 'WDJB-MJHT',
      verification_uri: 'https://as.example/device',
      verification_uri_complete: 'https://as.example/device?user_code=WDJB-MJHT',
      expires_in: 1800,
      interval: 5,
    });
    const req = http.requests[0]!;
    expect(req).toMatchObject({ method: 'POST', url: DEVICE_URL });
    expect(req.headers).toEqual({ accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(req.body as URLSearchParams)).toEqual({ scope: 'openid profile', audience: 'https://api.example', client_id: 'tv-app' });
  });

  it('authenticates a confidential client', async () => {
    const http = stubHttp(json(200, { device_code: 'd', user_code: 'u', verification_uri: 'https://as.example/activate', expires_in: 600 }, DEVICE_URL));
    await deviceAuthorizationRequest(server(http, () => 0, { clientId: 'id', clientSecret: 's', method: 'client_secret_basic' }));
    expect(http.requests[0]?.headers?.authorization).toBe(`Basic ${Buffer.from('id:s').toString('base64')}`);
  });
});

describe('processDeviceAuthorizationResponse', () => {
  const ctx = (notes: string[] = [], warnings: string[] = []) => ({
    endpoint: DEVICE_URL,
    warn: (m: string) => warnings.push(m),
    note: (m: string) => notes.push(m),
  });

  it('accepts verification_url for verification_uri, with a note', () => {
    const notes: string[] = [];
    const d = processDeviceAuthorizationResponse(
      json(200, { device_code: 'd', user_code: 'u', verification_url: 'https://www.google.com/device', expires_in: '1800' }, DEVICE_URL),
      ctx(notes),
    );
    expect(d.verification_uri).toBe('https://www.google.com/device');
    expect(d.expires_in).toBe(1800);
    expect(d.interval).toBe(5);
    expect(notes.some((n) => n.includes('verification_url'))).toBe(true);
    expect(notes.some((n) => n.includes('expires_in as a string'))).toBe(true);
  });

  it.each([
    ['device_code', { user_code: 'u', verification_uri: 'https://as.example/a', expires_in: 600 }],
    ['user_code', { device_code: 'd', verification_uri: 'https://as.example/a', expires_in: 600 }],
    ['verification_uri', { device_code: 'd', user_code: 'u', expires_in: 600 }],
  ])('no %s is a ProtocolError with its own code', (name, body) => {
    let err: unknown;
    try {
      processDeviceAuthorizationResponse(json(200, body, DEVICE_URL), ctx());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe(`device_response_missing_${name}`);
    expect((err as ProtocolError).cause).toMatchObject({ attribute: name });
  });

  it('an error member is an OAuthError whatever the status', () => {
    let err: unknown;
    try {
      processDeviceAuthorizationResponse(json(200, { error: 'invalid_client', error_description: 'unknown client' }, DEVICE_URL), ctx());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('invalid_client');
    expect((err as OAuthError).message).toBe('device authorization request failed: invalid_client (unknown client)');
  });

  it('HTML is a ProtocolError response_not_json', () => {
    const res: HttpResponse = { status: 404, statusText: 'Not Found', url: DEVICE_URL, headers: new Headers({ 'content-type': 'text/html' }), text: '<html></html>' };
    expect(() => processDeviceAuthorizationResponse(res, ctx())).toThrow(expect.objectContaining({ code: 'response_not_json', status: 404 }));
  });

  it('a verification_uri that is not http(s) is refused; a bad verification_uri_complete is dropped', () => {
    expect(() =>
      processDeviceAuthorizationResponse(json(200, { device_code: 'd', user_code: 'u', verification_uri: 'javascript:alert(1)', expires_in: 600 }, DEVICE_URL), ctx()),
    ).toThrow(expect.objectContaining({ code: 'device_response_invalid_verification_uri' }));
    const warnings: string[] = [];
    const d = processDeviceAuthorizationResponse(
      json(200, { device_code: 'd', user_code: 'u', verification_uri: 'https://as.example/a', verification_uri_complete: 'file:///etc/passwd', expires_in: 600, interval: 0 }, DEVICE_URL),
      ctx([], warnings),
    );
    expect(d.verification_uri_complete).toBeUndefined();
    expect(d.interval).toBe(5);
    expect(warnings).toHaveLength(2);
  });

  it('a missing expires_in is warned about and bounded', () => {
    const warnings: string[] = [];
    const d = processDeviceAuthorizationResponse(json(200, { device_code: 'd', user_code: 'u', verification_uri: 'https://as.example/a' }, DEVICE_URL), ctx([], warnings));
    expect(d.expires_in).toBe(600);
    expect(warnings).toEqual(['device authorization response has no expires_in; assuming 600s']);
  });
});

describe('pollDeviceToken', () => {
  it('polls through authorization_pending ×2, then returns the tokens; sleeps the interval before each poll', async () => {
    const clock = fakeClock();
    const http = stubHttp(pending(), pending(), tokens());
    const pendings: number[] = [];
    const t = await poll(http, clock, { onPending: (s) => pendings.push(s) });
    expect(t).toMatchObject({ access_token: 'at', token_type: 'Bearer', expires_in: 3600 });
    expect(clock.sleeps).toEqual([5000, 5000, 5000]);
    expect(pendings).toEqual([595, 590]);
    expect(http.requests).toHaveLength(3);
    for (const req of http.requests) {
      expect(req).toMatchObject({ method: 'POST', url: TOKEN_URL });
      expect(req.headers?.accept).toBe('application/json');
      expect(Object.fromEntries(req.body as URLSearchParams)).toEqual({ grant_type: DEVICE_CODE_GRANT_TYPE, device_code: DEVICE_CODE, client_id: 'tv-app' });
    }
  });

  it('slow_down adds 5 seconds to the interval for every later poll', async () => {
    const clock = fakeClock();
    const http = stubHttp(json(400, { error: 'slow_down' }), pending(), json(400, { error: 'slow_down' }), tokens());
    await poll(http, clock);
    expect(clock.sleeps).toEqual([5000, 10_000, 10_000, 15_000]);
  });

  it('access_denied is an OAuthError', async () => {
    const clock = fakeClock();
    const http = stubHttp(pending(), json(400, { error: 'access_denied', error_description: 'The user denied the request' }));
    const err = await rejection(poll(http, clock));
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('access_denied');
    expect((err as OAuthError).status).toBe(400);
    expect((err as OAuthError).message).toBe('device login denied by the user: access_denied (The user denied the request)');
    expect(http.requests).toHaveLength(2);
  });

  it('expired_token from the server is an OAuthError', async () => {
    const clock = fakeClock();
    const http = stubHttp(json(400, { error: 'expired_token' }));
    const err = await rejection(poll(http, clock));
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('expired_token');
    expect((err as OAuthError).message).toBe('device code expired before the user approved: expired_token');
    expect((err as OAuthError).hint).toMatch(/oauthctl login --grant device_code/);
  });

  it('any other OAuth error stops the polling', async () => {
    const clock = fakeClock();
    const http = stubHttp(json(401, { error: 'invalid_client' }));
    const err = await rejection(poll(http, clock));
    expect((err as OAuthError).error).toBe('invalid_client');
  });

  it('authorization_pending with HTTP 428 (or 200) keeps polling', async () => {
    const clock = fakeClock();
    const http = stubHttp(pending(428), pending(200), tokens());
    await expect(poll(http, clock)).resolves.toMatchObject({ access_token: 'at' });
    expect(http.requests).toHaveLength(3);
  });

  it('stops when the device code expires: bounded by expires_in', async () => {
    const clock = fakeClock();
    const http = stubHttp(...Array.from({ length: 50 }, () => pending()));
    const err = await rejection(poll(http, clock, { expiresIn: 20 }));
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('device_code_expired');
    expect(http.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([5000, 5000, 5000, 5000]);
  });

  it('does not sleep past the expiry', async () => {
    const clock = fakeClock();
    const http = stubHttp(...Array.from({ length: 50 }, () => pending()));
    await rejection(poll(http, clock, { expiresIn: 12 }));
    expect(clock.sleeps).toEqual([5000, 5000, 2000]);
    expect(http.requests).toHaveLength(2);
  });

  it('rejects with signal.reason when aborted during a wait', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const http = stubHttp(pending(), tokens());
    const sleep = async (ms: number, signal?: AbortSignal) => {
      clock.sleeps.push(ms);
      if (clock.sleeps.length === 2) {
        // Never resolves on its own: only the abort ends it.
        return new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
      }
      clock.t += ms;
    };
    const promise = poll(http, clock, { sleep, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 5));
    controller.abort(reason);
    await expect(promise).rejects.toBe(reason);
    expect(http.requests).toHaveLength(1);
  });

  it('an abort ends the wait even when the sleep ignores the signal', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const clock = fakeClock();
    const sleep = () => new Promise<void>(() => {});
    const promise = poll(stubHttp(), clock, { sleep, signal: controller.signal });
    controller.abort(reason);
    await expect(promise).rejects.toBe(reason);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const http = stubHttp();
    await expect(poll(http, fakeClock(), { signal: controller.signal })).rejects.toThrow('stop');
    expect(http.requests).toHaveLength(0);
  });

  it('a 5xx without an OAuth error stops with a ProtocolError', async () => {
    const clock = fakeClock();
    const http = stubHttp({ status: 502, statusText: 'Bad Gateway', url: TOKEN_URL, headers: new Headers({ 'content-type': 'text/html' }), text: '<html>bad gateway</html>' });
    await expect(poll(http, clock)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('never puts the device code in a message', async () => {
    const clock = fakeClock();
    const http = stubHttp(json(400, { error: 'invalid_grant' }));
    const err = (await rejection(poll(http, clock))) as Error;
    expect(err.message).not.toContain(DEVICE_CODE);
  });
});

describe('pollDeviceToken: bounds (SPEC "Safety")', () => {
  it('an interval below 1 s is taken as 1 s', async () => {
    const clock = fakeClock();
    const http = stubHttp(...Array.from({ length: 50 }, () => pending()));
    await rejection(poll(http, clock, { interval: 0.001, expiresIn: 5 }));
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(http.requests).toHaveLength(4);
  });

  it('an interval beyond 5 min is taken as 5 min (no timer overflow)', async () => {
    const clock = fakeClock();
    const http = stubHttp(tokens());
    await poll(http, clock, { interval: 3e6 });
    expect(clock.sleeps).toEqual([300_000]);
  });

  it('expires_in beyond 30 min ends the wait at 30 min, whatever slow_down says', async () => {
    const clock = fakeClock();
    const http = stubHttp(...Array.from({ length: 500 }, () => json(400, { error: 'slow_down' })));
    const err = await rejection(poll(http, clock, { interval: 1, expiresIn: 1e12 }));
    expect(err).toMatchObject({ code: 'device_code_expired' });
    expect(clock.t - 1_700_000_000_000).toBe(1_800_000);
    // slow_down grew the interval by 5 s each time; the last wait is cut at the deadline.
    expect(clock.sleeps.slice(0, 3)).toEqual([1000, 6000, 11_000]);
    expect(clock.sleeps.every((ms) => ms <= 300_000)).toBe(true);
    expect(http.requests.length).toBeLessThan(30);
  });

  it('slow_down never grows the interval beyond 5 min', async () => {
    const clock = fakeClock();
    const http = stubHttp(...Array.from({ length: 100 }, () => json(400, { error: 'slow_down' })), tokens());
    await poll(http, clock, { interval: 290, expiresIn: 1800 }).catch(() => undefined);
    expect(clock.sleeps.slice(0, 3)).toEqual([290_000, 295_000, 300_000]);
    expect(Math.max(...clock.sleeps)).toBe(300_000);
  });

  it('the timeout ends the wait before the device code expires', async () => {
    const clock = fakeClock();
    const http = stubHttp(...Array.from({ length: 50 }, () => json(400, { error: 'slow_down' })));
    const err = await rejection(poll(http, clock, { interval: 1, expiresIn: 1e12, timeoutSeconds: 5 }));
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('timeout');
    expect(clock.t - 1_700_000_000_000).toBe(5000);
    expect(http.requests).toHaveLength(1);
  });

  it('the response reader bounds interval and expires_in, with a warning each', () => {
    const warnings: string[] = [];
    const d = processDeviceAuthorizationResponse(
      json(200, { device_code: 'd', user_code: 'u', verification_uri: 'https://as.example/a', expires_in: 1e12, interval: 0.001 }, DEVICE_URL),
      { endpoint: DEVICE_URL, warn: (m) => warnings.push(m) },
    );
    expect(d).toMatchObject({ expires_in: 1800, interval: 1 });
    expect(warnings).toHaveLength(2);
  });
});
