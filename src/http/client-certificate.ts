/**
 * The client certificate of mutual TLS (RFC 8705 §2): read from PEM files and checked before any
 * request, so a file that cannot be read, is no certificate or key, or holds a key that does not
 * belong to the certificate is exit 2 naming the file, never a failed handshake later.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { ClientCertificate } from './types.js';

export type { ClientCertificate } from './types.js';

/**
 * Loads `certPath` and `keyPath` (the key may sit in the certificate's file, as curl allows).
 * @throws UsageError `client_certificate_invalid` (attribute `tls_client_cert` or
 *   `tls_client_key`): unreadable file, no PEM certificate / private key, encrypted key, or a
 *   key that does not match the certificate.
 */
export function loadClientCertificate(certPath: string, keyPath: string = certPath): ClientCertificate {
  const cert = readPem(certPath, 'tls_client_cert', 'client certificate');
  const key = keyPath === certPath ? cert : readPem(keyPath, 'tls_client_key', 'client key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw invalid(`client certificate ${certPath} holds no PEM certificate`, 'tls_client_cert');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    const encrypted = /passphrase/i.test(String((err as Error).message));
    throw invalid(
      encrypted ? `client key ${keyPath} is encrypted (give an unencrypted PEM key)` : `client key ${keyPath} holds no PEM private key`,
      'tls_client_key',
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw invalid(`client key ${keyPath} does not match the certificate ${certPath}`, 'tls_client_key');
  }
  return { certPath, keyPath, cert, key };
}

function readPem(path: string, attribute: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw invalid(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, attribute);
  }
}

function invalid(message: string, attribute: string): UsageError {
  return new UsageError(message, { code: 'client_certificate_invalid', attribute });
}
