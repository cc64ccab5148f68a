import { UsageError } from '../errors.js';

/**
 * Profile names as the config layer allows them (SPEC "Profiles and files"). The store checks them
 * again because it turns names into keychain accounts (`<profile>/part/…`) and lock file paths
 * (`<home>/locks/<profile>.lock`): a `/` or `..` there would collide with chunks or escape the home.
 */
const PROFILE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function assertProfileName(profile: string): string {
  if (!PROFILE_NAME.test(profile) || profile === '.' || profile === '..') {
    throw new UsageError(`invalid profile name ${JSON.stringify(profile)}`, {
      code: 'invalid_profile',
      hint: 'profile names use only letters, digits, ".", "_" and "-" (at most 64)',
    });
  }
  return profile;
}
