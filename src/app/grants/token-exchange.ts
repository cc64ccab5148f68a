import { UsageError } from '../../errors.js';
import { checkIssuedTokenType, resolveTokenType, tokenExchangeParams } from '../../oauth/token-exchange.js';
import { tokenRequest } from '../../oauth/token-request.js';
import type { TokenSet } from '../../store/types.js';
import { connect } from '../auth-server.js';
import type { AppContext } from '../context.js';
import type { LoginRequest } from '../login.js';
import { defaultTokenType, parseTokenSource, readTokenSource } from '../token-sources.js';
import { finishLogin } from './finish.js';
import { grantInputs } from './repeat.js';

/**
 * RFC 8693 token exchange: a subject token (and optionally an actor token), each read from its
 * source, is exchanged for a token for `audience` / `resource` / `scope`. The answer's
 * `issued_token_type` is kept; the inputs are kept by description for renewal.
 *
 * @see RFC 8693 §2.1, §2.2
 */
export async function tokenExchangeGrant(req: LoginRequest, ctx: AppContext): Promise<TokenSet> {
  const { settings } = req;
  if (!settings.subject_token) {
    throw new UsageError('the token_exchange grant needs a subject token (subject_token)', { code: 'missing_subject_token' });
  }
  const subject = parseTokenSource(settings.subject_token, 'subject_token');
  const subjectTokenType = resolveTokenType(settings.subject_token_type ?? defaultTokenType(subject), 'subject_token_type');
  const actor = settings.actor_token === undefined ? undefined : parseTokenSource(settings.actor_token, 'actor_token');
  const actorTokenType = actor ? resolveTokenType(settings.actor_token_type ?? defaultTokenType(actor), 'actor_token_type') : undefined;
  const requestedTokenType =
    settings.requested_token_type === undefined ? undefined : resolveTokenType(settings.requested_token_type, 'requested_token_type');

  const as = await connect(settings, req.clientSecret, ['token_endpoint'], ctx);
  const common = { ...(req.profile !== undefined ? { forProfile: req.profile } : {}) };
  const subjectToken = await readTokenSource(subject, { role: 'subject token', ...common, ...audienceOf(settings.subject_audience) }, ctx);
  const actorToken = actor ? await readTokenSource(actor, { role: 'actor token', ...common, ...audienceOf(settings.subject_audience) }, ctx) : undefined;

  const res = await tokenRequest(
    as,
    tokenExchangeParams({
      subjectToken,
      subjectTokenType,
      ...(actorToken !== undefined ? { actorToken, actorTokenType } : {}),
      ...(requestedTokenType !== undefined ? { requestedTokenType } : {}),
      ...(settings.audience !== undefined ? { audience: settings.audience } : {}),
      ...(settings.resource !== undefined ? { resource: settings.resource } : {}),
      ...(settings.scope !== undefined ? { scope: settings.scope } : {}),
      ...(req.authorizationDetails !== undefined ? { authorizationDetails: req.authorizationDetails } : {}),
    }),
  );
  const issuedTokenType = checkIssuedTokenType(res, ctx.warn);
  const set = await finishLogin(res, { settings, endpoints: as.endpoints, client: as.client, grant: 'token_exchange' }, ctx);
  if (issuedTokenType !== undefined) set.issued_token_type = issuedTokenType;
  set.grant_inputs = grantInputs(settings);
  return set;
}

function audienceOf(audience: string | undefined): { audience?: string } {
  return audience === undefined ? {} : { audience };
}
