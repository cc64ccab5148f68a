import type { Profile } from '../config/profile.js';
import type { ClientCredentials } from '../oauth/client-auth.js';
import type { DpopSigner } from '../oauth/dpop.js';
import type { AuthServer, EndpointName, Endpoints } from '../oauth/pipeline.js';
import { clientCredentials } from './client.js';
import { withClientCertificate } from './client-certificate.js';
import type { AppContext } from './context.js';
import { resolveEndpoints } from './endpoints.js';

/**
 * The authorization server as a use case talks to it (the one pipeline, src/oauth/pipeline.ts):
 * who we are (checked first, so a missing client id fails before any request), the client
 * certificate when one is configured (RFC 8705: presented on every request, its aliases chosen),
 * the endpoints in `need` (explicit > discovery), and the context's HTTP client, clock and warnings.
 */
export async function connect(
  settings: Profile,
  clientSecret: string | undefined,
  need: readonly EndpointName[],
  ctx: AppContext,
  opts: { required?: boolean; dpop?: DpopSigner | undefined } = {},
): Promise<AuthServer & { client: ClientCredentials }> {
  const client = await clientCredentials(settings, clientSecret);
  const certified = await withClientCertificate(settings, ctx);
  const endpoints = await resolveEndpoints(settings, need, certified, opts);
  return authServerAt(endpoints, client, certified, opts.dpop);
}

/** The pipeline for endpoints already known (a stored token set's token endpoint). */
export function authServerAt<C extends ClientCredentials | undefined>(endpoints: Endpoints, client: C, ctx: AppContext, dpop?: DpopSigner): AuthServer & { client: C } {
  return { http: ctx.http, endpoints, client, now: ctx.now, warn: ctx.warn, note: ctx.note, ...(dpop ? { dpop } : {}) };
}
