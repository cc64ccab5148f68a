/**
 * Which proxy the environment names, read as curl reads it: the lower-case variable first, then
 * the upper-case one, where an empty value counts as unset (SPEC "Safety": `https_proxy=""` does
 * not hide a set `HTTPS_PROXY`).
 */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export function proxySettings(env: Record<string, string | undefined>): ProxySettings {
  const pick = (name: string) => nonEmpty(env[name.toLowerCase()]) ?? nonEmpty(env[name.toUpperCase()]);
  const settings: ProxySettings = {};
  const httpProxy = pick('http_proxy');
  const httpsProxy = pick('https_proxy');
  const noProxy = pick('no_proxy');
  if (httpProxy !== undefined) settings.httpProxy = httpProxy;
  if (httpsProxy !== undefined) settings.httpsProxy = httpsProxy;
  if (noProxy !== undefined) settings.noProxy = noProxy;
  return settings;
}

export function proxyFromEnv(settings: ProxySettings): boolean {
  return Boolean(settings.httpProxy || settings.httpsProxy);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
