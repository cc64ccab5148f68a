/**
 * Mutual TLS (RFC 8705) in pieces: the certificate check, the client authentication methods, the
 * `mtls_endpoint_aliases` choice and the TLS alert mapping. The whole path runs through the built
 * CLI in test/integration/mtls.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClientCertificate } from '../../src/app/client-certificate.js';
import { resolveEndpoints } from '../../src/app/endpoints.js';
import { UsageError } from '../../src/errors.js';
import { loadClientCertificate } from '../../src/http/client-certificate.js';
import { toTransportError } from '../../src/http/errors.js';
import { applyClientAuth } from '../../src/oauth/client-auth.js';
import { selfSignedClientCertificate, testCertificateAuthority } from '../fixtures/tls.js';
import { ISSUER, fakeApp, json } from './fake-app.js';

let dir: string;
let certPath: string;
let keyPath: string;
let otherKeyPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oauthctl-mtls-'));
  const ca = await testCertificateAuthority();
  const pair = await ca.issueClientCertificate('unit');
  const other = await selfSignedClientCertificate('other');
  certPath = join(dir, 'c.crt');
  keyPath = join(dir, 'c.key');
  otherKeyPath = join(dir, 'o.key');
  writeFileSync(certPath, pair.cert);
  writeFileSync(keyPath, pair.key);
  writeFileSync(otherKeyPath, other.key);
  writeFileSync(join(dir, 'both.pem'), `${pair.cert}\n${pair.key}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('loadClientCertificate', () => {
  it('loads a matching certificate and key', () => {
    const loaded = loadClientCertificate(certPath, keyPath);
    expect(loaded).toMatchObject({ certPath, keyPath });
    expect(loaded.cert).toContain('BEGIN CERTIFICATE');
  });

  it('takes the key from the certificate file when no key file is given', () => {
    expect(loadClientCertificate(join(dir, 'both.pem')).keyPath).toBe(join(dir, 'both.pem'));
  });

  it('client_certificate_invalid naming the key when it does not match', () => {
    const err = usageError(() => loadClientCertificate(certPath, otherKeyPath));
    expect(err).toMatchObject({ code: 'client_certificate_invalid', attribute: 'tls_client_key' });
    expect(err.message).toBe(`client key ${otherKeyPath} does not match the certificate ${certPath}`);
  });

  it('client_certificate_invalid naming an unreadable certificate', () => {
    const err = usageError(() => loadClientCertificate(join(dir, 'missing.crt'), keyPath));
    expect(err).toMatchObject({ code: 'client_certificate_invalid', attribute: 'tls_client_cert' });
    expect(err.message).toContain('ENOENT');
  });

  it('client_certificate_invalid when the key file holds a certificate only', () => {
    expect(usageError(() => loadClientCertificate(certPath, certPath))).toMatchObject({ attribute: 'tls_client_key' });
  });
});

describe('withClientCertificate', () => {
  it('leaves the context alone without a certificate', async () => {
    const app = fakeApp();
    expect(await withClientCertificate({}, app)).toBe(app);
  });

  it('a key without a certificate is a usage error', async () => {
    await expect(withClientCertificate({ tls_client_key: keyPath }, fakeApp())).rejects.toMatchObject({ code: 'client_certificate_invalid', attribute: 'tls_client_cert' });
  });

  it('every request of the returned context carries the certificate', async () => {
    const app = fakeApp([json({ ok: true })]);
    const certified = await withClientCertificate({ tls_client_cert: certPath, tls_client_key: keyPath }, app);
    await certified.http.request({ method: 'GET', url: `${ISSUER}/x` });
    expect(app.requests[0]?.clientCertificate?.certPath).toBe(certPath);
    expect(await withClientCertificate({ tls_client_cert: certPath, tls_client_key: keyPath }, certified)).toBe(certified);
  });
});

describe('client authentication (RFC 8705 §2)', () => {
  it.each(['tls_client_auth', 'self_signed_tls_client_auth'] as const)('%s sends client_id and no secret', async (method) => {
    const body = new URLSearchParams();
    const headers: Record<string, string> = {};
    await applyClientAuth({ clientId: 'tpp', method, clientSecret: 'never-sent' }, { audience: `${ISSUER}/token`, body, headers, now: () => 0 });
    expect([...body]).toEqual([['client_id', 'tpp']]);
    expect(headers).toEqual({});
  });
});

describe('mtls_endpoint_aliases (RFC 8705 §5)', () => {
  const metadata = {
    issuer: ISSUER,
    token_endpoint: `${ISSUER}/token`,
    introspection_endpoint: `${ISSUER}/introspect`,
    mtls_endpoint_aliases: { token_endpoint: 'https://mtls.as.example/token', introspection_endpoint: 'https://mtls.as.example/introspect' },
  };

  it('replace the endpoints they name when a certificate is configured', async () => {
    const app = fakeApp([json(metadata)]);
    const endpoints = await resolveEndpoints({ issuer: ISSUER, tls_client_cert: certPath }, ['token_endpoint', 'introspection_endpoint'], app);
    expect(endpoints.token_endpoint).toBe('https://mtls.as.example/token');
    expect(endpoints.introspection_endpoint).toBe('https://mtls.as.example/introspect');
  });

  it('are ignored without a certificate', async () => {
    const endpoints = await resolveEndpoints({ issuer: ISSUER }, ['token_endpoint'], fakeApp([json(metadata)]));
    expect(endpoints.token_endpoint).toBe(`${ISSUER}/token`);
  });

  it('never replace an endpoint given explicitly', async () => {
    const settings = { issuer: ISSUER, tls_client_cert: certPath, token_endpoint: 'https://mine.example/token' };
    const endpoints = await resolveEndpoints(settings, ['token_endpoint', 'introspection_endpoint'], fakeApp([json(metadata)]));
    expect(endpoints.token_endpoint).toBe('https://mine.example/token');
    expect(endpoints.introspection_endpoint).toBe('https://mtls.as.example/introspect');
  });
});

describe('TLS alerts about the client certificate', () => {
  const alert = (code: string) => Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

  it('certificate_required (TLS 1.3) is client_certificate_required', () => {
    const err = toTransportError(alert('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), 'https://api.example/x', 30);
    expect(err.code).toBe('client_certificate_required');
    expect(err.message).toBe('TLS error reaching https://api.example/x: the server requires a client certificate (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)');
  });

  it('a TLS 1.2 handshake failure: required without a certificate, refused with one', () => {
    expect(toTransportError(alert('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), 'https://a/', 30).code).toBe('client_certificate_required');
    expect(toTransportError(alert('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), 'https://a/', 30, { clientCertificate: true }).code).toBe('client_certificate_refused');
  });

  it('unknown_ca is client_certificate_refused (exit 4)', () => {
    const err = toTransportError(alert('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), 'https://a/', 30, { clientCertificate: true });
    expect(err).toMatchObject({ code: 'client_certificate_refused', kind: 'transport' });
  });
});
