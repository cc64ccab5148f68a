/**
 * Mutual TLS (RFC 8705): when the settings name a client certificate, every request of the use
 * case — to the authorization server and, in `call`, to the API — presents it. The files are read
 * and checked (certificate and key must match) before the first request.
 */
import type { Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import type { StreamingHttpClient } from '../http/client.js';
import type { ClientCertificate } from '../http/types.js';
import type { AppContext } from './context.js';

/** The context whose HTTP client presents the settings' client certificate (unchanged without one). */
export async function withClientCertificate(settings: Profile, ctx: AppContext): Promise<AppContext> {
  const certPath = settings.tls_client_cert;
  const keyPath = settings.tls_client_key;
  if (!certPath) {
    if (keyPath) throw new UsageError(`a client key (${keyPath}) was given without its certificate`, { code: 'client_certificate_invalid', attribute: 'tls_client_cert' });
    return ctx;
  }
  const held = ctx.clientCertificate;
  if (held && held.certPath === certPath && held.keyPath === (keyPath ?? certPath)) return ctx;
  const { loadClientCertificate } = await import('../http/client-certificate.js');
  const cert = loadClientCertificate(certPath, keyPath);
  return { ...ctx, http: presenting(ctx.http, cert), clientCertificate: cert };
}

function presenting(http: StreamingHttpClient, cert: ClientCertificate): StreamingHttpClient {
  return {
    request: (req) => http.request({ ...req, clientCertificate: cert }),
    stream: (req) => http.stream({ ...req, clientCertificate: cert }),
    close: () => http.close(),
  };
}
