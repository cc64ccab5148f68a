// Preload for memory tests: `node --import <this file> bin/oauthctl.js …` writes the process's
// own peak resident set size (KiB, from getrusage) to $OAUTHCTL_TEST_MAXRSS_FILE when it exits,
// and its CPU time (user + system, microseconds) to $OAUTHCTL_TEST_CPU_FILE when that is set.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  const file = process.env.OAUTHCTL_TEST_MAXRSS_FILE;
  if (file) writeFileSync(file, String(usage.maxRSS));
  const cpu = process.env.OAUTHCTL_TEST_CPU_FILE;
  if (cpu) writeFileSync(cpu, String(usage.userCPUTime + usage.systemCPUTime));
});
