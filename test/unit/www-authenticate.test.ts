import { describe, expect, it } from 'vitest';
import { oauthChallenge, parseWwwAuthenticate, resourceMetadataUrl } from '../../src/oauth/www-authenticate.js';

const plain = (header: string) => parseWwwAuthenticate(header).map((c) => ({ ...c, params: { ...c.params } }));

describe('WWW-Authenticate (RFC 9110 §11.6.1)', () => {
  it('RFC 6750 §3: a bare realm', () => {
    expect(plain('Bearer realm="example"')).toEqual([{ scheme: 'Bearer', params: { realm: 'example' } }]);
  });

  it('RFC 6750 §3: an expired token', () => {
    expect(plain('Bearer realm="example", error="invalid_token", error_description="The access token expired"')).toEqual([
      { scheme: 'Bearer', params: { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' } },
    ]);
  });

  it('RFC 6750 §3.1: insufficient_scope with the scope needed', () => {
    const [c] = parseWwwAuthenticate('Bearer realm="example", error="insufficient_scope", scope="people:read people:write"');
    expect(c?.params.error).toBe('insufficient_scope');
    expect(c?.params.scope).toBe('people:read people:write');
  });

  it('RFC 9449 §7.1: a DPoP challenge with algs, and one with an error', () => {
    expect(plain('DPoP algs="ES256 PS256"')).toEqual([{ scheme: 'DPoP', params: { algs: 'ES256 PS256' } }]);
    expect(plain('DPoP error="invalid_token", error_description="Invalid DPoP key binding", algs="ES256"')).toEqual([
      { scheme: 'DPoP', params: { error: 'invalid_token', error_description: 'Invalid DPoP key binding', algs: 'ES256' } },
    ]);
  });

  it('RFC 9449 §7.2: Bearer and DPoP challenges in one header', () => {
    const challenges = plain('Bearer realm="api", DPoP algs="ES256 PS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"');
    expect(challenges).toEqual([
      { scheme: 'Bearer', params: { realm: 'api' } },
      { scheme: 'DPoP', params: { algs: 'ES256 PS256', error: 'use_dpop_nonce', error_description: 'Resource server requires nonce in DPoP proof' } },
    ]);
    expect(oauthChallenge(parseWwwAuthenticate('Bearer realm="api", DPoP error="use_dpop_nonce"'))?.scheme).toBe('DPoP');
  });

  it('RFC 9728 §5.1: resource_metadata', () => {
    const header = 'Bearer resource_metadata="https://resource.example.com/.well-known/oauth-protected-resource"';
    expect(resourceMetadataUrl(parseWwwAuthenticate(header))).toBe('https://resource.example.com/.well-known/oauth-protected-resource');
    const withError =
      'Bearer error="invalid_request", error_description="No access token provided", resource_metadata="https://resource.example.com/.well-known/oauth-protected-resource"';
    expect(parseWwwAuthenticate(withError)[0]?.params.error).toBe('invalid_request');
    expect(resourceMetadataUrl(parseWwwAuthenticate(withError))).toMatch(/oauth-protected-resource$/);
  });

  it('RFC 9470 §3: insufficient_user_authentication with acr_values and max_age', () => {
    const [c] = parseWwwAuthenticate(
      'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"',
    );
    expect(c?.params.acr_values).toBe('myACR');
    const [d] = parseWwwAuthenticate('Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="5"');
    expect(d?.params.max_age).toBe('5');
  });

  it('RFC 9110 §11.6.1: the Newauth example, quoted escapes, and a token68 challenge', () => {
    expect(plain('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"')).toEqual([
      { scheme: 'Newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'Basic', params: { realm: 'simple' } },
    ]);
    expect(plain('Basic dXNlcjpwYXNz==, Bearer')).toEqual([
      { scheme: 'Basic', params: {}, token68: 'dXNlcjpwYXNz==' },
      { scheme: 'Bearer', params: {} },
    ]);
  });

  it('names and schemes are case-insensitive; the first of a repeated name wins; spaces around = are allowed', () => {
    const [c] = parseWwwAuthenticate('bearer ERROR = "insufficient_scope" ,Scope=a, scope="b"');
    expect(c?.params.error).toBe('insufficient_scope');
    expect(c?.params.scope).toBe('a');
    expect(oauthChallenge(parseWwwAuthenticate('bearer error=x'))?.params.error).toBe('x');
  });

  it('never throws on hostile input, and keeps what it read before the damage', () => {
    expect(plain('')).toEqual([]);
    expect(plain(',,, ')).toEqual([]);
    expect(plain('Bearer error="unterminated')).toEqual([{ scheme: 'Bearer', params: {} }]);
    expect(plain('Bearer error="a" junk junk')).toEqual([{ scheme: 'Bearer', params: { error: 'a' } }]);
    expect(plain('"quoted')).toEqual([]);
    const proto = parseWwwAuthenticate('Bearer __proto__="x", constructor="y"')[0];
    expect(proto?.params.__proto__).toBe('x');
    expect(Object.getPrototypeOf(proto?.params)).toBe(null);
    expect(parseWwwAuthenticate(`Bearer ${'a=b, '.repeat(5000)}`)[0]?.params.a).toBe('b');
  });
});
