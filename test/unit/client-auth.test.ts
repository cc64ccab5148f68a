import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { exportJWK, generateKeyPair, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hintFor } from '../../src/cli/hints.js';
import { UsageError, OAuthError } from '../../src/errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/types.js';
import {
  applyClientAuth,
  basicAuthorization,
  CLIENT_ASSERTION_TYPE,
  CLIENT_AUTH_METHODS,
  defaultClientAuthMethod,
  formUrlEncode,
  isClientAuthMethod,
  type ClientCredentials,
} from '../../src/oauth/client-auth.js';
import { loadPrivateKey, type LoadedKey } from '../../src/oauth/keys.js';
import { tokenRequest } from '../../src/oauth/token-request.js';
import type { AuthServer } from '../../src/oauth/pipeline.js';

const TOKEN_URL = 'https://as.example/token';
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
/** Every character RFC 6749 §2.3.1's form-encoding exists for, within VSCHAR. */
const TRICKY_ID = 'my:client id+1%2F/~*';
const TRICKY_SECRET = 's3cr:et%20 with+plus&=?#"\'!';

function request() {
  return { audience: TOKEN_URL, body: new URLSearchParams(), headers: {} as Record<string, string>, now: () => NOW };
}

const require_ = createRequire(import.meta.url);
const oidcProviderDir = require_.resolve('oidc-provider/package.json').replace(/package\.json$/, '');
const oidcClientAuthSource = readFileSync(`${oidcProviderDir}lib/shared/client_auth.js`, 'utf8');

/**
 * oidc-provider 9's Basic decoding (lib/shared/client_auth.js): strict Base64, split at the FIRST
 * `:`, then each half `decodeURIComponent(half.replace(/\+/g, '%20'))`, then reject characters
 * outside VSCHAR (%x20-7E). Replicated here; the test below asserts the source still says so.
 */
function oidcProviderDecodeBasic(header: string): { clientId: string; clientSecret: string } {
  const parts = header.split(' ');
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'basic') throw new Error('invalid authorization header value format');
  const match = /^([A-Za-z0-9+/]*)(={0,2})$/u.exec(parts[1]!);
  if (!match?.[1]) throw new Error('invalid base64');
  const basic = Buffer.from(parts[1]!, 'base64').toString('utf8');
  const i = basic.indexOf(':');
  if (i === -1) throw new Error('no colon');
  const decode = (token: string) => {
    const out = decodeURIComponent(token.replace(/\+/g, '%20'));
    if (/[^\x20-\x7E]/.test(out)) throw new Error('invalid character found');
    return out;
  };
  return { clientId: decode(basic.slice(0, i)), clientSecret: decode(basic.slice(i + 1)) };
}

describe('methods', () => {
  it('lists the seven SPEC methods', () => {
    expect([...CLIENT_AUTH_METHODS]).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'tls_client_auth',
      'self_signed_tls_client_auth',
      'none',
    ]);
    expect(isClientAuthMethod('private_key_jwt')).toBe(true);
    expect(isClientAuthMethod('tls_client_auth')).toBe(true);
    expect(isClientAuthMethod('mtls')).toBe(false);
  });

  it('defaults to basic with a secret, private_key_jwt with a key, else none', () => {
    expect(defaultClientAuthMethod({ secret: true, key: false })).toBe('client_secret_basic');
    expect(defaultClientAuthMethod({ secret: true, key: true })).toBe('client_secret_basic');
    expect(defaultClientAuthMethod({ secret: false, key: true })).toBe('private_key_jwt');
    expect(defaultClientAuthMethod({ secret: false, key: false })).toBe('none');
  });
});

describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
  it('form-encodes id and secret before Base64', async () => {
    const req = request();
    await applyClientAuth({ clientId: 'a b', clientSecret: 'c+d:e%', method: 'client_secret_basic' }, req);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('a+b:c%2Bd%3Ae%25').toString('base64')}`);
    expect([...req.body.keys()]).toEqual([]);
  });

  it('encodes like application/x-www-form-urlencoded', () => {
    expect(formUrlEncode('a b+c:d%e/f~g*h')).toBe('a+b%2Bc%3Ad%25e%2Ff%7Eg*h');
    expect(formUrlEncode('plain-id_1.2')).toBe('plain-id_1.2');
  });

  it('round-trips a tricky id and secret through oidc-provider\'s decoding', () => {
    const header = basicAuthorization(TRICKY_ID, TRICKY_SECRET);
    expect(oidcProviderDecodeBasic(header)).toEqual({ clientId: TRICKY_ID, clientSecret: TRICKY_SECRET });
  });

  it('(the replicated decoding is the one oidc-provider ships)', () => {
    expect(oidcClientAuthSource).toContain("decodeURIComponent(token.replace(/\\+/g, '%20'))");
    expect(oidcClientAuthSource).toContain("const i = basic.indexOf(':');");
    expect(oidcClientAuthSource).toContain('basicClientId = decodeAuthToken(basic.slice(0, i));');
    expect(oidcClientAuthSource).toContain('clientSecret = decodeAuthToken(basic.slice(i + 1));');
  });

  it('(unencoded credentials would NOT round-trip: the reason for the rule)', () => {
    const naive = `Basic ${Buffer.from(`${TRICKY_ID}:${TRICKY_SECRET}`).toString('base64')}`;
    expect(() => oidcProviderDecodeBasic(naive)).toSatisfy((f: () => unknown) => {
      try {
        const decoded = f() as { clientId: string; clientSecret: string };
        return decoded.clientId !== TRICKY_ID || decoded.clientSecret !== TRICKY_SECRET;
      } catch {
        return true;
      }
    });
  });

  it('needs a secret: UsageError missing_client_secret, hinted at the CLI with --client-secret-stdin and OAUTHCTL_CLIENT_SECRET', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'] as const) {
      for (const clientSecret of [undefined, '']) {
        const err = await applyClientAuth({ clientId: 'c', method, ...(clientSecret === undefined ? {} : { clientSecret }) }, request()).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UsageError);
        expect((err as UsageError).kind).toBe('usage');
        expect((err as UsageError).code).toBe('missing_client_secret');
        expect(hintFor(err as UsageError)).toMatch(/--client-secret-stdin/);
        expect(hintFor(err as UsageError)).toMatch(/OAUTHCTL_CLIENT_SECRET/);
      }
    }
  });
});

describe('client_secret_post and none', () => {
  it('client_secret_post puts id and secret in the body, no header', async () => {
    const req = request();
    await applyClientAuth({ clientId: 'c1', clientSecret: 'p w+', method: 'client_secret_post' }, req);
    expect(Object.fromEntries(req.body)).toEqual({ client_id: 'c1', client_secret: 'p w+' });
    expect(req.body.toString()).toBe('client_id=c1&client_secret=p+w%2B');
    expect(req.headers).toEqual({});
  });

  it('none puts only client_id in the body, even when a secret is known', async () => {
    const req = request();
    await applyClientAuth({ clientId: 'public-app', clientSecret: 'unused', method: 'none' }, req);
    expect(Object.fromEntries(req.body)).toEqual({ client_id: 'public-app' });
    expect(req.headers).toEqual({});
  });
});

describe('JWT client assertions (RFC 7523 §3)', () => {
  async function assertionOf(creds: ClientCredentials): Promise<{ body: Record<string, string>; assertion: string }> {
    const req = request();
    await applyClientAuth(creds, req);
    const body = Object.fromEntries(req.body);
    expect(req.headers).toEqual({});
    expect(body.client_assertion_type).toBe(CLIENT_ASSERTION_TYPE);
    expect(body.client_id).toBe(creds.clientId);
    return { body, assertion: body.client_assertion! };
  }

  it('client_secret_jwt signs HS256 with the secret; claims per RFC 7523 §3', async () => {
    const secret = 'a-client-secret-of-decent-length-0123456789';
    const creds: ClientCredentials = { clientId: 'jwt-client', clientSecret: secret, method: 'client_secret_jwt' };
    const first = await assertionOf(creds);
    const second = await assertionOf(creds);
    const verify = (jwt: string) =>
      jwtVerify(jwt, new TextEncoder().encode(secret), { algorithms: ['HS256'], issuer: 'jwt-client', audience: TOKEN_URL, subject: 'jwt-client', currentDate: new Date(NOW) });
    const a = await verify(first.assertion);
    const b = await verify(second.assertion);
    expect(a.protectedHeader).toEqual({ alg: 'HS256' });
    expect(a.payload.iat).toBe(NOW / 1000);
    expect(a.payload.exp! - a.payload.iat!).toBe(60);
    expect(typeof a.payload.jti).toBe('string');
    expect(a.payload.jti).not.toBe(b.payload.jti);
  });

  it.each([
    ['RSA', { alg: 'RS256' }, 'RS256'],
    ['EC P-256', { alg: 'ES256' }, 'ES256'],
    ['EC P-384', { alg: 'ES384' }, 'ES384'],
    ['Ed25519', { alg: 'EdDSA' }, 'EdDSA'],
  ] as const)('private_key_jwt signs with a %s JWK (alg inferred, kid sent)', async (_name, gen, alg) => {
    const { privateKey, publicKey } = await generateKeyPair(gen.alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    const key = await loadPrivateKey(JSON.stringify({ ...jwk, kid: 'k-1' }), 'key.json');
    expect(key.alg).toBe(alg);
    const creds: ClientCredentials = { clientId: 'pk-client', privateKey: key, method: 'private_key_jwt' };
    const first = await assertionOf(creds);
    const second = await assertionOf(creds);
    expect(decodeProtectedHeader(first.assertion)).toEqual({ alg, kid: 'k-1' });
    const opts = { issuer: 'pk-client', subject: 'pk-client', audience: TOKEN_URL, currentDate: new Date(NOW), algorithms: [alg] };
    const a = await jwtVerify(first.assertion, publicKey, opts);
    const b = await jwtVerify(second.assertion, publicKey, opts);
    expect(a.payload.exp! - a.payload.iat!).toBe(60);
    expect(a.payload.iat).toBe(NOW / 1000);
    expect(a.payload.jti).not.toBe(b.payload.jti);
  });

  it('private_key_jwt signs with a PKCS#1 PEM (KeyObject), no kid', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    const key = await loadPrivateKey(pem, 'rsa.pem');
    const { assertion } = await assertionOf({ clientId: 'c', privateKey: key, method: 'private_key_jwt' });
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256' });
    await jwtVerify(assertion, publicKey, { issuer: 'c', audience: TOKEN_URL, currentDate: new Date(NOW) });
  });

  it('needs a key: UsageError missing_private_key, hinted at the CLI with --private-key', async () => {
    const err = await applyClientAuth({ clientId: 'c', method: 'private_key_jwt' }, request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('missing_private_key');
    expect((err as UsageError).attribute).toBe('private_key');
    expect(hintFor(err as UsageError)).toMatch(/--private-key/);
  });
});

/** Real peer: oidc-provider's token endpoint authenticates each method (client_credentials). */
describe('against oidc-provider', () => {
  let server: Server;
  let issuer: string;
  let rsaPrivate: LoadedKey['key'];
  const httpClient: HttpClient = {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const body = req.body instanceof URLSearchParams ? req.body.toString() : req.body;
      const res = await fetch(req.url, { method: req.method, ...(req.headers ? { headers: req.headers } : {}), ...(body === undefined ? {} : { body }) });
      return { status: res.status, statusText: res.statusText, url: res.url, headers: res.headers, text: await res.text() };
    },
  };

  beforeAll(async () => {
    // oidc-provider ships no type declarations: type the little used here.
    type ProviderCtor = new (issuer: string, config: object) => { callback(): NonNullable<Parameters<typeof createServer>[1]> };
    const oidcProvider: string = 'oidc-provider';
    const { default: Provider } = (await import(oidcProvider)) as { default: ProviderCtor };
    const pair = await generateKeyPair('RS256', { extractable: true });
    rsaPrivate = pair.privateKey as LoadedKey['key'];
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    let handler: Parameters<typeof createServer>[1] = () => {};
    server = createServer((req, res) => handler!(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const common = { grant_types: ['client_credentials'], redirect_uris: [], response_types: [] };
    const provider = new Provider(issuer, {
      clients: [
        { ...common, client_id: TRICKY_ID, client_secret: TRICKY_SECRET, token_endpoint_auth_method: 'client_secret_basic' },
        { ...common, client_id: 'post-client', client_secret: TRICKY_SECRET, token_endpoint_auth_method: 'client_secret_post' },
        { ...common, client_id: 'hs-client', client_secret: 'hs-secret-0123456789-0123456789-0123456789', token_endpoint_auth_method: 'client_secret_jwt' },
        { ...common, client_id: 'pk-client', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] } },
      ],
      features: { clientCredentials: { enabled: true } },
    });
    handler = provider.callback();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function clientCredentials(client: ClientCredentials) {
    const as: AuthServer = {
      http: httpClient,
      endpoints: { token_endpoint: `${issuer}/token` },
      client,
      now: () => Date.now(),
      warn: (m) => {
        throw new Error(`unexpected warning: ${m}`);
      },
    };
    return tokenRequest(as, { grant_type: 'client_credentials', scope: undefined });
  }

  it('accepts client_secret_basic with : % + and spaces in id and secret', async () => {
    const t = await clientCredentials({ clientId: TRICKY_ID, clientSecret: TRICKY_SECRET, method: 'client_secret_basic' });
    expect(t.token_type).toBe('Bearer');
    expect(t.access_token.length).toBeGreaterThan(10);
  });

  it('rejects a wrong basic secret with invalid_client (OAuthError)', async () => {
    const err = await clientCredentials({ clientId: TRICKY_ID, clientSecret: 'wrong', method: 'client_secret_basic' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('invalid_client');
    expect((err as OAuthError).status).toBe(401);
  });

  it('accepts client_secret_post', async () => {
    await expect(clientCredentials({ clientId: 'post-client', clientSecret: TRICKY_SECRET, method: 'client_secret_post' })).resolves.toHaveProperty('access_token');
  });

  it('accepts client_secret_jwt', async () => {
    await expect(
      clientCredentials({ clientId: 'hs-client', clientSecret: 'hs-secret-0123456789-0123456789-0123456789', method: 'client_secret_jwt' }),
    ).resolves.toHaveProperty('access_token');
  });

  it('accepts private_key_jwt with kid', async () => {
    await expect(
      clientCredentials({ clientId: 'pk-client', privateKey: { key: rsaPrivate, alg: 'RS256', kid: 'rsa-1' }, method: 'private_key_jwt' }),
    ).resolves.toHaveProperty('access_token');
  });
});

describe('loadPrivateKey (keys.ts)', () => {
  async function expectKeyError(text: string, pattern: RegExp): Promise<void> {
    const err = await loadPrivateKey(text, '/keys/client.pem').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    const e = err as UsageError;
    expect(e.code).toBe('invalid_key');
    expect(e.message).toMatch(/^private key \/keys\/client\.pem /);
    expect(e.message).toMatch(pattern);
    expect(e.message).not.toContain('\n');
    expect(e.message).not.toContain('MII');
  }

  it('loads a PKCS#8 PEM and infers the alg per key type', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const cases = [
      [generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'RS256'],
      [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'ES256'],
      [generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, 'ES384'],
      [generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey, 'ES512'],
      [generateKeyPairSync('ed25519').privateKey, 'EdDSA'],
    ] as const;
    for (const [keyObject, alg] of cases) {
      const pem = keyObject.export({ format: 'pem', type: 'pkcs8' }) as string;
      expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
      const key = await loadPrivateKey(`\n${pem}\n`, 'k.pem');
      expect(key.alg).toBe(alg);
      expect(key.kid).toBeUndefined();
    }
  });

  it('loads PKCS#1 RSA and SEC1 EC PEMs as KeyObjects', async () => {
    const { generateKeyPairSync, KeyObject } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    expect(rsa).toContain('-----BEGIN RSA PRIVATE KEY-----');
    const rsaKey = await loadPrivateKey(rsa, 'rsa.pem');
    expect(rsaKey.alg).toBe('RS256');
    expect(rsaKey.key).toBeInstanceOf(KeyObject);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }) as string;
    expect(ec).toContain('-----BEGIN EC PRIVATE KEY-----');
    expect((await loadPrivateKey(ec, 'ec.pem')).alg).toBe('ES256');
  });

  it('loads a private JWK, honouring its alg and kid', async () => {
    const { privateKey } = await generateKeyPair('PS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), alg: 'PS256', kid: 'ps', use: 'sig' };
    const key = await loadPrivateKey(JSON.stringify(jwk), 'k.json');
    expect(key).toMatchObject({ alg: 'PS256', kid: 'ps' });
  });

  it('loads a JWKS holding one private key among public ones', async () => {
    const a = await generateKeyPair('ES256', { extractable: true });
    const b = await generateKeyPair('ES256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(a.publicKey)), kid: 'pub' }, { ...(await exportJWK(b.privateKey)), kid: 'priv' }] };
    expect(await loadPrivateKey(JSON.stringify(jwks), 'jwks.json')).toMatchObject({ alg: 'ES256', kid: 'priv' });
  });

  it('rejects garbage, public keys, certificates, encrypted and weak keys, one line each', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicPem = pair.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const encrypted = pair.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const publicJwk = await exportJWK(pair.publicKey);
    await expectKeyError('hello world', /neither a PEM private key nor a JWK/);
    await expectKeyError('{"kty": "RSA", ', /not valid JSON/);
    await expectKeyError('-----BEGIN PRIVATE KEY-----\nMIIBroken\n-----END PRIVATE KEY-----', /malformed PRIVATE KEY PEM/);
    await expectKeyError(publicPem, /is a public key/);
    await expectKeyError(encrypted, /encrypted PEM/);
    await expectKeyError(weak, /1024-bit RSA key/);
    await expectKeyError(JSON.stringify(publicJwk), /public JWK/);
    await expectKeyError(JSON.stringify({ keys: [publicJwk] }), /no private key/);
    await expectKeyError(JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }), /symmetric JWK/);
    await expectKeyError(JSON.stringify({ ...publicJwk, d: 'AAAA' }), /cannot be imported/);
  });
});
