// Preload for start-up tests: `node --require <this file> bin/oauthctl.js …` writes, at exit, the
// files the process required and the Node built-ins it loaded to $OAUTHCTL_TEST_LOADED_FILE.
// CommonJS and written with fs.writeSync, so that it loads nothing itself that it would report.
'use strict';
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.OAUTHCTL_TEST_LOADED_FILE;
  if (!file) return;
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  writeFileSync(file, JSON.stringify({ files: Object.keys(require.cache), builtins }));
});
