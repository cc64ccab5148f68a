import { UsageError } from '../../errors.js';
import { jwtBearerParams, signAssertion } from '../../oauth/jwt-bearer.js';
import { tokenRequest } from '../../oauth/token-request.js';
import type { TokenSet } from '../../store/types.js';
import { endpointUrl } from '../../oauth/pipeline.js';
import { connect } from '../auth-server.js';
import { loadPrivateKeyFile } from '../client.js';
import type { AppContext } from '../context.js';
import type { LoginRequest } from '../login.js';
import { parseTokenSource, readTokenSource } from '../token-sources.js';
import { finishLogin } from './finish.js';
import { grantInputs } from './repeat.js';

/**
 * RFC 7523 §2.1: an assertion read from its source, or, with a private key and no assertion, one
 * signed here for every request (iss and sub the client id or the given subject, aud the token
 * endpoint or the given audience, five minutes, a fresh jti), is exchanged for an access token.
 * Client authentication is whatever the client is configured for (RFC 7523 §3.1 keeps it apart).
 */
export async function jwtBearerGrant(req: LoginRequest, ctx: AppContext): Promise<TokenSet> {
  const { settings } = req;
  if (settings.assertion === undefined && settings.private_key === undefined) {
    throw new UsageError('the jwt_bearer grant needs an assertion, or a private key to sign one (assertion, private_key)', {
      code: 'missing_assertion',
    });
  }
  const as = await connect(settings, req.clientSecret, ['token_endpoint'], ctx);
  const { client } = as;
  const tokenEndpoint = endpointUrl(as, 'token_endpoint');

  let assertion: string;
  if (settings.assertion !== undefined) {
    assertion = await readTokenSource(parseTokenSource(settings.assertion, 'assertion'), { role: 'assertion', ...(req.profile !== undefined ? { forProfile: req.profile } : {}) }, ctx);
  } else {
    const key = client.privateKey ?? (await loadPrivateKeyFile(settings.private_key as string));
    assertion = await signAssertion(
      {
        issuer: client.clientId,
        subject: settings.subject ?? client.clientId,
        audience: settings.assertion_audience ?? tokenEndpoint,
        ...(settings.assertion_claims !== undefined ? { extra: settings.assertion_claims } : {}),
      },
      key,
      ctx.now(),
    );
    ctx.redactor.addSecret(assertion);
    ctx.note('signed a fresh assertion (RFC 7523 §3) with the private key');
  }

  const res = await tokenRequest(
    as,
    jwtBearerParams({
      assertion,
      ...(settings.scope !== undefined ? { scope: settings.scope } : {}),
      ...(settings.audience !== undefined ? { audience: settings.audience } : {}),
      ...(settings.resource !== undefined ? { resource: settings.resource } : {}),
    }),
  );
  const set = await finishLogin(res, { settings, endpoints: as.endpoints, client, grant: 'jwt_bearer' }, ctx);
  if (settings.assertion === undefined && settings.private_key !== undefined) set.private_key = settings.private_key;
  set.grant_inputs = grantInputs(settings);
  return set;
}
