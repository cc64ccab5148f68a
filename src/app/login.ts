import type { Profile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { tokenRequest } from '../oauth/token-request.js';
import type { TokenSet } from '../store/types.js';
import { clientCredentials } from './client.js';
import type { AppContext } from './context.js';
import { resolveEndpoints } from './endpoints.js';
import { toTokenSet } from './token-set.js';

export interface LoginRequest {
  settings: Profile;
  grant: string;
  clientSecret?: string;
}

/** The grants this build can run. The others are refused with a clear message. */
export const SUPPORTED_GRANTS = ['client_credentials'] as const;

/** Obtains a token set with the requested grant. Storing it is the caller's business. */
export async function login(req: LoginRequest, ctx: AppContext): Promise<TokenSet> {
  switch (req.grant) {
    case 'client_credentials':
      return clientCredentialsGrant(req, ctx);
    default:
      throw new UsageError(`the ${req.grant} grant is not supported yet`, {
        hint: `this version supports: ${SUPPORTED_GRANTS.join(', ')} (use --grant)`,
      });
  }
}

/** RFC 6749 §4.4: the client acts on its own behalf; it must be confidential. */
async function clientCredentialsGrant(req: LoginRequest, ctx: AppContext): Promise<TokenSet> {
  const { settings } = req;
  const client = await clientCredentials(settings, req.clientSecret);
  if (client.method === 'none') {
    throw new UsageError('the client_credentials grant needs a confidential client', {
      hint: 'give the client secret (--client-secret-stdin or OAUTHCTL_CLIENT_SECRET) or --private-key',
    });
  }
  const endpoints = await resolveEndpoints(settings, ['token_endpoint'], ctx);
  const tokenEndpoint = endpoints.token_endpoint as string;
  const res = await tokenRequest(ctx.http, {
    tokenEndpoint,
    params: {
      grant_type: 'client_credentials',
      scope: settings.scope,
      audience: settings.audience,
      resource: settings.resource,
    },
    client,
    now: ctx.now,
    warn: ctx.warn,
    note: ctx.note,
  });
  for (const secret of [res.access_token, res.refresh_token, res.id_token]) ctx.redactor.addSecret(secret);
  return toTokenSet(
    res,
    {
      ...(endpoints.issuer ? { issuer: endpoints.issuer } : {}),
      token_endpoint: tokenEndpoint,
      client_id: client.clientId,
      client_auth: client.method,
      grant: 'client_credentials',
    },
    ctx.now(),
  );
}
