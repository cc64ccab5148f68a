import { UsageError } from '../errors.js';

/**
 * Profile names, one rule everywhere (SPEC "Safety": letters, digits, `.`, `_`, `-`, at most 64
 * characters; `.` and `..` refused as path parts), for `-p`, `profile add`, config.json and the
 * store. Names such as `__proto__` pass the rule and are ordinary names: every lookup by name goes
 * through a Map or an object without a prototype. The store checks them
 * again because it turns names into keychain accounts (`<profile>/part/…`) and lock file paths
 * (`<home>/locks/<profile>.lock`): a `/` or `..` there would collide with chunks or escape the home.
 */
const PROFILE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function isProfileName(name: string): boolean {
  return PROFILE_NAME.test(name) && name !== '.' && name !== '..';
}

export function assertProfileName(profile: string): string {
  if (!isProfileName(profile)) {
    throw new UsageError(`invalid profile name ${JSON.stringify(profile)}`, {
      code: 'invalid_profile',
      hint: 'profile names use only letters, digits, ".", "_" and "-" (at most 64)',
    });
  }
  return profile;
}
