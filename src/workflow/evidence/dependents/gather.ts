/**
 * What each key protects (issue 19): the resources encrypted under the keys of a store, from AWS
 * Config and direct reads, with what the search covered.
 *
 *   auto    Config for the types its recorder records; direct reads for the core types it does not
 *           (or when Config cannot be read or a query fails)
 *   config  Config only: a core type it does not record is a gap
 *   direct  direct reads only (core types); the other types are not covered
 *   off     nothing is searched; the verdict rests on use alone (the plan names the choice)
 * With an aggregator, Config's queries go through SelectAggregateResourceConfig and so also find
 * resources in other accounts encrypted under these keys (by ARN: see key-refs.ts).
 *
 * The search is store-wide (one query per group of types, one read per service), not per key:
 * the cost does not grow with the number of keys, and every key is matched client-side against
 * every form of its name.
 */
import type { AwsPorts, KeyInfo, Progress } from '../../../aws/ports.js';
import type { DataResource } from '../../../aws/data-ports.js';
import { readSource } from '../source-errors.js';
import { queryConfig, readRecorder } from './config-source.js';
import { DIRECT_READERS, readDirect } from './direct-source.js';
import { keyRefMatcher } from './key-refs.js';
import { RESOURCE_TYPES, S3_OBJECTS_NOTE, type ResourceTypeSpec } from './resource-types.js';
import type { DependentsMode, DependentsResult, FoundResource, TypeCoverage } from './types.js';
import { compareText } from '../../../util/text-order.js';

export interface DependentsOptions {
  mode: DependentsMode;
  region: string;
  aggregator?: string;
  signal?: AbortSignal;
  /** readers and queries finished, of the total */
  onProgress?: Progress;
}

export async function gatherDependents(
  aws: AwsPorts,
  keys: KeyInfo[],
  opts: DependentsOptions,
): Promise<DependentsResult> {
  const { mode, region } = opts;
  const run: DependentsResult['run'] = {
    mode,
    region,
    ...(opts.aggregator ? { aggregator: opts.aggregator } : {}),
    coverage: [],
    queries: [],
    directReads: [],
    notes: [],
  };
  if (mode === 'off' || keys.length === 0) {
    if (mode === 'off') run.notes.push('data at rest not searched (--dependents off)');
    return {
      run,
      byKey: new Map(keys.map((k) => [k.keyId, { status: 'off', resources: [], gaps: [], staleGrants: [] }])),
    };
  }

  // every alias of the account: a resource may name the key by alias (one paged call)
  const aliasRead = await readSource(() => aws.kms(region).listAliases());
  const aliases = aliasRead.ok ? aliasRead.value : [];
  if (!aliasRead.ok)
    run.notes.push(
      `aliases could not be listed (${aliasRead.status}): resources naming a key by alias are not matched`,
    );
  const matcher = keyRefMatcher(keys, aliases, region);

  const covered = new Map<string, TypeCoverage>();
  const notCovered = (spec: ResourceTypeSpec, reason: string) =>
    covered.set(spec.type, { resourceType: spec.type, core: spec.core, by: 'not-covered', reason });
  const raw: Array<DataResource & { source: FoundResource['source'] }> = [];
  let done = 0;
  let total = 0;
  const tick = () => opts.onProgress?.(++done, total);

  // 1. Config, where the mode asks for it and the recorder records the type
  const needDirect: ResourceTypeSpec[] = [];
  if (mode === 'auto' || mode === 'config') {
    const recorder = await readRecorder(aws, region);
    const viaConfig: ResourceTypeSpec[] = [];
    for (const spec of RESOURCE_TYPES) {
      const why = spec.configPaths.length === 0 ? `AWS Config does not record ${spec.type}` : recorder.error;
      const notRecorded = why ?? recorder.coverage?.notRecorded(spec.type);
      // through an aggregator, other accounts may record what this one does not: ask anyway
      if (spec.configPaths.length > 0 && (!notRecorded || opts.aggregator)) viaConfig.push(spec);
      if (notRecorded) {
        if (mode === 'auto' && spec.direct) needDirect.push(spec);
        else notCovered(spec, notRecorded);
      }
    }
    total += viaConfig.length ? 1 : 0;
    if (viaConfig.length) {
      const forms = keys.flatMap((k) => matcher.forms(k.keyId));
      const q = await queryConfig(aws, viaConfig, {
        region,
        keyForms: forms,
        ...(opts.aggregator ? { aggregator: opts.aggregator } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      tick();
      run.queries.push(...q.queries);
      const source = opts.aggregator ? 'config-aggregator' : 'config';
      for (const r of q.resources) raw.push({ ...r, source });
      for (const spec of viaConfig) {
        const failed = q.failed.get(spec.type);
        if (failed) {
          if (mode === 'auto' && spec.direct) {
            if (!needDirect.includes(spec)) needDirect.push(spec);
          } else notCovered(spec, failed);
        } else if (!covered.has(spec.type) && !needDirect.includes(spec)) {
          covered.set(spec.type, { resourceType: spec.type, core: spec.core, by: source });
        }
      }
    }
    if (opts.aggregator)
      run.notes.push(
        `through aggregator ${opts.aggregator}: resources of other accounts are found only where their own recorders record the type (not checked)`,
      );
  } else {
    for (const spec of RESOURCE_TYPES) {
      if (spec.direct) needDirect.push(spec);
      else notCovered(spec, 'searched only through AWS Config (--dependents direct)');
    }
  }

  // 2. direct reads, one per reader needed, all at once
  const readers = DIRECT_READERS.filter((r) => needDirect.some((s) => s.direct === r.id));
  total += readers.length;
  opts.onProgress?.(done, total);
  const outcomes = await readDirect(aws, readers, region, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onDone: tick,
  });
  for (const o of outcomes) {
    run.directReads.push({
      reader: o.reader.id,
      resources: o.resources.length,
      status: o.error ? o.error.status : 'ok',
      ...(o.error ? { error: o.error.message } : {}),
    });
    for (const r of o.resources) raw.push({ ...r, source: 'direct' });
    for (const spec of needDirect.filter((s) => s.direct === o.reader.id)) {
      if (o.error) notCovered(spec, `${o.reader.id} ${o.error.status}: ${o.error.message}`);
      else covered.set(spec.type, { resourceType: spec.type, core: spec.core, by: 'direct' });
    }
  }
  run.coverage = RESOURCE_TYPES.map(
    (s) => covered.get(s.type) ?? { resourceType: s.type, core: s.core, by: 'not-covered', reason: 'not searched' },
  );
  run.notes.push(S3_OBJECTS_NOTE);

  // 3. match every resource against every form of every key's name
  const byKey: DependentsResult['byKey'] = new Map(
    keys.map((k) => [k.keyId, { status: 'none-found', resources: [], gaps: [], staleGrants: [] }]),
  );
  const seen = new Set<string>();
  for (const r of raw) {
    const keyId = matcher.match(r.kmsKeyRef, r.accountId, r.region);
    if (!keyId) continue;
    // the same resource can come from Config and a direct read, or name the key twice (RDS PI)
    const id = `${keyId} ${r.accountId ?? ''} ${r.resourceType} ${r.resourceId} ${r.property}`;
    if (seen.has(id)) continue;
    seen.add(id);
    byKey.get(keyId)!.resources.push(r);
  }
  const coreGaps = run.coverage
    .filter((c) => c.core && c.by === 'not-covered')
    .map((c) => `${c.resourceType}: ${c.reason ?? 'not covered'}`);
  for (const d of byKey.values()) {
    d.resources.sort((a, b) => compareText(a.resourceType, b.resourceType) || compareText(a.resourceId, b.resourceId));
    d.gaps = coreGaps;
    d.status = d.resources.length ? 'found' : coreGaps.length ? 'gap' : 'none-found';
  }
  return { run, byKey };
}
