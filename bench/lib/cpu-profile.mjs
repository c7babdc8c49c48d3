/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by npm package (or kscli's own
 * dist/ file, or Node's internals) and the hottest functions, to see where a process spends its CPU.
 */
import { readFileSync } from 'node:fs';

function ownerOf(url) {
  if (!url) return '(native/vm)';
  if (url.startsWith('node:')) return 'node:internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `kscli ${url.slice(dist + 1)}`;
  return url.replace(/^file:\/\//, '');
}

/** `{totalMs, byOwner: [[owner, ms]], byFunction: [[name, ms]]}`, hottest first. */
export function summariseProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  // samples[i] was taken in node samples[i]; timeDeltas[i] is the time since the previous sample
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const owners = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    const cf = n.callFrame;
    if (cf.functionName === '(idle)' || cf.functionName === '(program)') continue;
    total += us;
    const owner = cf.functionName === '(garbage collector)' ? '(garbage collector)' : ownerOf(cf.url);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const fname = `${cf.functionName || '(anonymous)'} ${ownerOf(cf.url)}:${cf.lineNumber + 1}`;
    functions.set(fname, (functions.get(fname) ?? 0) + us);
  }
  const sorted = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k, Math.round(us / 100) / 10]);
  return { totalMs: Math.round(total / 1000), byOwner: sorted(owners), byFunction: sorted(functions) };
}
