import type { HandedToken } from './types.js';

/**
 * `header`: one line `Authorization: <scheme> <token>`, for `curl -H @<(oauthctl token --format
 * header)` (RFC 6750 §2.1). The scheme comes from the token (`Bearer`; a DPoP-bound token says
 * `DPoP`, RFC 9449 §7.1, once the profile obtains such tokens), never from this renderer.
 */
export function renderHeader(t: HandedToken): string {
  return `Authorization: ${t.scheme} ${t.token}\n`;
}
