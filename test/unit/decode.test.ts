import { describe, expect, it } from 'vitest';
import { decodeToken } from '../../src/jwt/decode.js';
import { UsageError } from '../../src/errors.js';
import { RFC7519_JWT } from '../support/examples.js';

describe('decodeToken', () => {
  it('decodes the RFC 7519 §3.1 example exactly', () => {
    const d = decodeToken(RFC7519_JWT);
    expect(d).toEqual({
      kind: 'jws',
      header: { typ: 'JWT', alg: 'HS256' },
      payload: { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true },
      payloadIsJson: true,
      signature: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    });
  });

  it('tolerates surrounding whitespace and a Bearer prefix', () => {
    expect(decodeToken(`  Bearer ${RFC7519_JWT}\n`).kind).toBe('jws');
  });

  it('shows only the header of a JWE', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' })).toString('base64url');
    expect(decodeToken(`${header}.a.b.c.d`)).toEqual({ kind: 'jwe', header: { alg: 'RSA-OAEP', enc: 'A256GCM' } });
  });

  it('keeps a non-JSON payload as text', () => {
    const header = Buffer.from('{"alg":"none"}').toString('base64url');
    const d = decodeToken(`${header}.${Buffer.from('hello').toString('base64url')}.`);
    expect(d).toMatchObject({ kind: 'jws', payload: 'hello', payloadIsJson: false, signature: '' });
  });

  it.each([
    ['', 'no token given'],
    ['garbage', 'expected 3 parts'],
    ['a.b', 'expected 3 parts'],
    ['a.b.c.d', 'expected 3 parts'],
    ['e30.e30.sig!', 'part 3 is not base64url'],
    ['bm90IGpzb24.e30.sig', 'header is not JSON'],
    [`${Buffer.from('[1]').toString('base64url')}.e30.sig`, 'header is not a JSON object'],
    ['.e30.sig', 'header is empty'],
  ])('rejects %j with a usage error (%s)', (input, message) => {
    expect(() => decodeToken(input)).toThrow(UsageError);
    expect(() => decodeToken(input)).toThrow(message);
  });
});
