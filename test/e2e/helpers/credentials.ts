/**
 * Recognisable dummy credentials. The sandbox accepts any SigV4 signature, so these work against
 * it; they are distinctive enough that a test can search every output, journal and log for them
 * and prove that kscli never prints or stores a credential (issue 6, item 6).
 */
export const DUMMY_CREDENTIALS = {
  accessKeyId: 'AKIAKSCLITESTDUMMY01',
  secretAccessKey: 'kscliTestSecretDoNotPrint',
  sessionToken: 'kscliTestSessionTokenDoNotPrint',
} as const;

/** Every string that must never appear anywhere kscli writes. */
export const SECRET_STRINGS: readonly string[] = [
  DUMMY_CREDENTIALS.accessKeyId,
  DUMMY_CREDENTIALS.secretAccessKey,
  DUMMY_CREDENTIALS.sessionToken,
];

/** The strings of SECRET_STRINGS found in `text` (empty when clean). */
export function secretsIn(text: string): string[] {
  return SECRET_STRINGS.filter((s) => text.includes(s));
}
