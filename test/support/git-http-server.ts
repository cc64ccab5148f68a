/**
 * A real git smart-HTTP server for the credential helper tests: `git http-backend` (git's own CGI
 * program) behind a small node:http server on a loopback port. Every request needs HTTP Basic
 * credentials whose password is an access token that `isActive` accepts (the tests ask the
 * fixture's introspection endpoint); anything else is 401 with a Basic challenge, as a forge says.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runProcess, type ProcessResult } from './run-process.js';

export interface GitServer {
  /** `http://127.0.0.1:<port>/repo.git` */
  repoUrl: string;
  /** The password of every request, in order (undefined: none was sent). */
  passwordsSeen: (string | undefined)[];
  close(): Promise<void>;
}

const gitEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  ...extra,
});

/** `git` with a config that knows nothing of the caller's (no system or global file); blocks. */
export function gitSync(args: string[], opts: { cwd?: string } = {}) {
  return spawnSync('git', args, { encoding: 'utf8', cwd: opts.cwd, env: gitEnv(), timeout: 60_000 });
}

/** The same, without blocking the event loop (the servers it talks to run in this process). */
export function git(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<ProcessResult> {
  return runProcess('git', args, { ...(opts.cwd ? { cwd: opts.cwd } : {}), env: gitEnv(opts.env) });
}

/** A bare repository with one commit (a README) under `dir`. */
export function makeRepository(dir: string): string {
  const work = join(dir, 'work');
  mkdirSync(work, { recursive: true });
  const ok = (res: ReturnType<typeof gitSync>) => {
    if (res.status !== 0) throw new Error(`git failed: ${res.stderr}`);
  };
  ok(gitSync(['init', '-q', '-b', 'main', work]));
  writeFileSync(join(work, 'README'), 'hello from the test repository\n');
  ok(gitSync(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'first'], { cwd: work }));
  ok(gitSync(['add', 'README'], { cwd: work }));
  ok(gitSync(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'readme'], { cwd: work }));
  const bare = join(dir, 'repo.git');
  ok(gitSync(['clone', '-q', '--bare', work, bare]));
  return dir;
}

function basicPassword(req: IncomingMessage): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

export async function startGitServer(root: string, isActive: (token: string) => Promise<boolean>): Promise<GitServer> {
  const passwordsSeen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const password = basicPassword(req);
    passwordsSeen.push(password);
    if (!password || !(await isActive(password))) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        REMOTE_USER: 'oauth2',
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (d: Buffer) => chunks.push(d));
    await new Promise<void>((resolve) => cgi.on('close', () => resolve()));
    const out = Buffer.concat(chunks);
    const split = out.indexOf('\r\n\r\n') !== -1 ? out.indexOf('\r\n\r\n') : out.indexOf('\n\n');
    const sep = out.indexOf('\r\n\r\n') !== -1 ? 4 : 2;
    const head = out.subarray(0, split).toString('utf8');
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.end(out.subarray(split + sep));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    repoUrl: `http://127.0.0.1:${port}/repo.git`,
    passwordsSeen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
