import { closeSync, constants, fchmodSync, lstatSync, openSync, statSync, type Stats } from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * The home's permissions (SPEC "Safety"): created 0700 (by whoever first writes into it, with
 * `mkdir(…, 0o700)`); an existing home that is group- or world-writable is tightened to 0700 with
 * one warning when it belongs to the user, else exit 2 — another user could plant a config.json
 * or swap tokens.json there. A home that is a symbolic link is followed for reading and writing
 * the files inside it (dotfile managers link it), but never `chmod`ed through the link: a loose
 * target is exit 2.
 *
 * Checked once per command, before config.json or the token store is first read. Windows has no
 * POSIX modes: nothing to check there.
 */
export interface HomeCheck {
  warn: (message: string) => void;
  platform?: NodeJS.Platform;
  uid?: number;
}

const LOOSE = 0o022;

export function checkHome(home: string, opts: HomeCheck): void {
  if ((opts.platform ?? process.platform) === 'win32') return;
  let link: Stats;
  try {
    link = lstatSync(home);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // created 0700 on first write
    throw new UsageError(`cannot inspect the oauthctl home ${home}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const symlink = link.isSymbolicLink();
  let dir = link;
  if (symlink) {
    try {
      dir = statSync(home);
    } catch (err) {
      throw new UsageError(`the oauthctl home ${home} is a symbolic link that leads nowhere (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
        code: 'home_unsafe',
      });
    }
  }
  if (!dir.isDirectory()) throw new UsageError(`the oauthctl home ${home} is not a directory`, { code: 'home_unsafe' });
  if ((dir.mode & LOOSE) === 0) return;

  const mode = (dir.mode & 0o777).toString(8).padStart(4, '0');
  const uid = opts.uid ?? process.getuid?.();
  if (symlink || dir.uid !== uid) {
    throw new UsageError(
      `the oauthctl home ${home} is writable by other users (mode ${mode}) and ${symlink ? 'is a symbolic link, which oauthctl does not chmod through' : 'does not belong to you'}`,
      { code: 'home_unsafe', hint: `make it private (chmod 700) or choose another home with OAUTHCTL_HOME` },
    );
  }
  try {
    // O_NOFOLLOW: if the home was swapped for a link since lstat, this fails instead of following it.
    const fd = openSync(home, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      fchmodSync(fd, 0o700);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new UsageError(`cannot make the oauthctl home ${home} private (mode ${mode}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      code: 'home_unsafe',
    });
  }
  opts.warn(`the oauthctl home ${home} was writable by other users (mode ${mode}); changed it to 0700`);
}
