/**
 * The self-sabotage check (aws-facts.md section 4.2): if the trail, its log group or the SNS topic
 * is encrypted with a key of the store being retired, scheduling that key's deletion blinds the
 * very alarm meant to watch it (CloudTrail cannot write, the log group cannot be read, the topic
 * cannot publish). kscli refuses (exit 3) instead.
 */
import type { AwsPorts, KeyInfo } from '../../aws/ports.js';

/** A resource of the alarm chain and the KMS key reference it is encrypted with. */
export interface EncryptedResource {
  kind: 'trail' | 'log group' | 'SNS topic';
  name: string;
  /** the region the resource lives in (a bare key ID or alias is relative to it) */
  region: string;
  /** KmsKeyId / kmsKeyId / KmsMasterKeyId as AWS reports it: key ARN, key ID, alias name or alias ARN */
  kmsKeyRef?: string;
}

const KEY_ARN = /^arn:aws[\w-]*:kms:([\w-]+):(\d{12}):key\/(.+)$/;
const ALIAS_REF = /^(arn:aws[\w-]*:kms:([\w-]+):\d{12}:)?alias\//;

/** The store key a reference names, or undefined. Aliases are resolved with DescribeKey in kscli's region. */
export async function storeKeyFor(
  aws: AwsPorts,
  storeKeys: KeyInfo[],
  res: EncryptedResource,
): Promise<KeyInfo | undefined> {
  const ref = res.kmsKeyRef;
  if (!ref) return undefined;
  const arn = KEY_ARN.exec(ref);
  if (arn) return storeKeys.find((k) => k.arn === ref || (arn[1] === aws.region && k.keyId === arn[3]));
  const alias = ALIAS_REF.exec(ref);
  if (alias) {
    // The store's keys all live in kscli's region: an alias of another region cannot name one.
    if ((alias[2] ?? res.region) !== aws.region) return undefined;
    // alias/aws/sns and the like name AWS-managed keys, never a custom key store's key.
    if (/alias\/aws\//.test(ref)) return undefined;
    const key = await aws.kms().describeKey(ref);
    return key ? storeKeys.find((k) => k.keyId === key.keyId) : undefined;
  }
  return res.region === aws.region ? storeKeys.find((k) => k.keyId === ref) : undefined;
}

/** One sentence per resource encrypted with a key of the store. */
export async function selfEncryptionProblems(
  aws: AwsPorts,
  storeKeys: KeyInfo[],
  resources: EncryptedResource[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const res of resources) {
    const key = await storeKeyFor(aws, storeKeys, res);
    if (key) {
      problems.push(
        `${res.kind} ${res.name} is encrypted with ${key.keyId}, a key of this store: deleting that key would blind the alarm meant to watch it; encrypt the ${res.kind} with a key outside this store first`,
      );
    }
  }
  return problems;
}
