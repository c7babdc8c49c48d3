/**
 * The sandbox's EC2 handlers answer in EC2's wire names (`volumeSet`, `item` lists, lowerCamel
 * members: src/sandbox/model/ec2/handlers.ts), which the HTTP layer writes as XML and the SDK's
 * deserializer turns into `Volumes`, `VolumeId`, `KmsKeyId`. The in-process harness skips both, so
 * it does the renaming here: without it every in-process DescribeVolumes / DescribeSnapshots read
 * as "no volumes" (the data-at-rest invariant caught kscli scheduling a key whose volume it never
 * saw). `xSet` lists become `Xs` (volumeSet -> Volumes, tagSet -> Tags, attachmentSet ->
 * Attachments); every other member gets its first letter upper-cased, as the SDK's shapes name them.
 */
export function ec2SdkShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ec2SdkShape);
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === '$metadata') {
      out[k] = v;
      continue;
    }
    const set = /^(.*)Set$/.exec(k);
    const name = set
      ? `${set[1]!.charAt(0).toUpperCase()}${set[1]!.slice(1)}s`
      : `${k.charAt(0).toUpperCase()}${k.slice(1)}`;
    out[name] = ec2SdkShape(v);
  }
  return out;
}
