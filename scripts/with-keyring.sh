#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the
# keychain tests talk to a real Secret Service. Without dbus-run-session or gnome-keyring
# (a developer's Mac, say) the command runs as it is and the keychain tests say why they skip.
if [ -n "${OAUTHCTL_IN_KEYRING_SESSION:-}" ] || ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec "$@"
fi
export OAUTHCTL_IN_KEYRING_SESSION=1
exec dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null && exec "$@"' sh "$@"
