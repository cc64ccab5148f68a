import type { CommandInput } from '../program.js';
import type { Session } from '../session.js';

/** `oauthctl profile list`. */
export async function run(input: CommandInput, session: Session): Promise<void> {
  const config = await session.config();
  const names = Object.keys(config.profiles).sort();
  if (input.opts.names) {
    session.out(names.map((n) => `${n}\n`).join(''));
    return;
  }
  if (session.json) {
    session.printJson({ current: config.current ?? null, profiles: names.map((name) => ({ name, ...config.profiles[name] })) });
    return;
  }
  if (names.length === 0) {
    session.err('no profiles yet: `oauthctl profile add NAME --issuer URL --client-id ID`\n');
    return;
  }
  const width = Math.max(...names.map((n) => n.length));
  for (const name of names) {
    const p = config.profiles[name] ?? {};
    const mark = name === config.current ? session.theme.green('*') : ' ';
    session.out(`${mark} ${name.padEnd(width)}  ${p.issuer ?? p.token_endpoint ?? '-'}  ${p.client_id ?? '-'}\n`);
  }
}
