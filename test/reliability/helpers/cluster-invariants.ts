/**
 * The safety invariants of retire-cluster (issue 21), judged from the sandbox's request log and the
 * snapshot of the world taken when each mutating request arrived (helpers/world.ts clusterFacts),
 * never from what kscli believed. A request AWS refused counts as much as one it granted.
 *
 *  H1 no DeleteHsm on a cluster that a key store still uses
 *  H2 no DeleteCluster while the cluster has HSMs (any state)
 *  H3 no DeleteHsm while a crypto user other than kmsuser logged in within the window, unless
 *     that user is named with --allow-crypto-user
 */
import type { LoggedRequest } from './in-process-sandbox.js';

function allowedUsers(argv: string[]): Set<string> {
  const out = new Set<string>();
  argv.forEach((a, i) => {
    if (a === '--allow-crypto-user' && argv[i + 1]) out.add(argv[i + 1]!);
  });
  return out;
}

export function clusterRequestViolations(req: LoggedRequest, argv: string[]): string[] {
  const v: string[] = [];
  const s = req.snapshot ?? {};
  const where = `${req.operation} ${JSON.stringify(req.params)} (answer: ${req.outcome}; kscli ${argv.join(' ')})`;
  if (req.operation === 'DeleteHsm') {
    if ((s.clusterStores ?? []).length > 0)
      v.push(`H1 DeleteHsm while store(s) ${s.clusterStores!.join(', ')} still use the cluster: ${where}`);
    const allowed = allowedUsers(argv);
    const unnamed = (s.clusterOtherUsers ?? []).filter((u) => !allowed.has(u));
    if (unnamed.length > 0)
      v.push(
        `H3 DeleteHsm while crypto user(s) ${unnamed.join(', ')} logged in within the window, not named: ${where}`,
      );
  }
  if (req.operation === 'DeleteCluster' && (s.clusterHsms ?? 0) > 0)
    v.push(`H2 DeleteCluster while the cluster had ${s.clusterHsms} HSM(s): ${where}`);
  return v;
}
