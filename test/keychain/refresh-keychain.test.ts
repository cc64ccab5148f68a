/** Single-flight refresh with the real Secret Service as the store (run by `npm test` in a D-Bus session). */
import { describe, it } from 'vitest';
import { checkSingleFlight } from '../integration/concurrent-refresh.js';
import { useFixture } from '../integration/cli.js';

const hasBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
if (!hasBus && process.env.CI) throw new Error('CI must run the keychain tests inside a D-Bus session: use `npm test`');

const t = useFixture();

// Skipped only on a developer machine without a session bus; CI fails above instead.
describe.skipIf(!hasBus)('single-flight refresh with the keychain store', () => {
  it('20 `oauthctl token` processes after expiry: all exit 0, one token, one refresh', async () => {
    await checkSingleFlight(t.fixture, t.home, 'keychain');
  });
});
