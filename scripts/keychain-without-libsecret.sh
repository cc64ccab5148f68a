#!/bin/sh
# Proves that `npm ci` on a machine without libsecret-1-dev still gives a working keychain:
# a scratch copy of the repository is installed with pkg-config unable to find libsecret (what a
# machine without libsecret-1-dev looks like to keytar's build), so keytar cannot build; then
# `--token-store keychain` must still work against gnome-keyring, through @napi-rs/keyring, whose
# prebuilt binary links no libsecret at all. Run by .ci/run; by hand: sh scripts/keychain-without-libsecret.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/oauthctl-nolibsecret-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
git -C "$root" ls-files -z | (cd "$root" && xargs -0 tar cf -) | tar xf - -C "$scratch"
cd "$scratch"
echo "keychain-without-libsecret: npm ci with libsecret hidden from pkg-config"
PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= npm ci --no-audit --no-fund --loglevel=error
if node -e "require('keytar')" 2>/dev/null; then
  echo "keychain-without-libsecret: keytar was built anyway; the check proves nothing here" >&2
  exit 1
fi
echo "keychain-without-libsecret: keytar is absent, as expected; @napi-rs/keyring must carry the keychain"
npm run build --silent
sh scripts/with-keyring.sh npx vitest run test/keychain/cli-keychain.test.ts -t 'with keyring'
