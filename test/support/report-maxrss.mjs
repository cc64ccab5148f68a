// Preload for memory tests: `node --import <this file> bin/oauthctl.js …` writes the process's
// own peak resident set size (KiB, from getrusage) to $OAUTHCTL_TEST_MAXRSS_FILE when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.OAUTHCTL_TEST_MAXRSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
