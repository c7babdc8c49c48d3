/**
 * awsQuery request decoding: a form body `Action=Op&Version=...&A.member.1=x&M.entry.1.key=k&...`
 * becomes the same object the JSON protocols would send, so the model sees one input shape
 * whatever the client (the SDK's CloudWatch client speaks JSON, the AWS CLI v2 from Debian speaks
 * awsQuery for the same operations: wire-protocols.md).
 */

/** Fields that are numbers or booleans in the JSON protocol but arrive as text in awsQuery. */
const NUMERIC_FIELDS = new Set([
  'Period',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'Threshold',
  'MaxRecords',
  'MaxItems',
  'DurationSeconds',
  'Limit',
  'MaxResults',
]);
const BOOLEAN_FIELDS = new Set(['ActionsEnabled']);

export interface QueryRequest {
  action: string;
  version?: string;
  input: Record<string, unknown>;
}

type Tree = { [segment: string]: Tree | string };

/** Parses `application/x-www-form-urlencoded` text; throws on a body without `Action`. */
export function decodeQueryBody(body: string): QueryRequest {
  const params = new URLSearchParams(body);
  const action = params.get('Action');
  if (!action) throw new Error('the form body has no Action parameter');
  const version = params.get('Version') ?? undefined;
  const root: Tree = {};
  for (const [name, value] of params) {
    if (name === 'Action' || name === 'Version') continue;
    insert(root, name.split('.'), value);
  }
  return { action, version, input: shape(root) as Record<string, unknown> };
}

function insert(tree: Tree, path: string[], value: string): void {
  let node = tree;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next = node[seg];
    if (typeof next !== 'object') node[seg] = {};
    node = node[seg] as Tree;
  }
  node[path[path.length - 1]!] = value;
}

/** Turns `member.N` trees into arrays and `entry.N.key/value` trees into maps, recursively. */
function shape(node: Tree | string, field?: string): unknown {
  if (typeof node === 'string') return scalar(node, field);
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'member' && typeof node.member === 'object') {
    return indexed(node.member).map((item) => shape(item));
  }
  if (keys.length === 1 && keys[0] === 'entry' && typeof node.entry === 'object') {
    const map: Record<string, unknown> = {};
    for (const entry of indexed(node.entry)) {
      if (typeof entry !== 'object') continue;
      const key = entry.key;
      if (typeof key === 'string') map[key] = entry.value === undefined ? undefined : shape(entry.value);
    }
    return map;
  }
  // EC2's lists have no `member` level (`Filter.1.Name`, `VolumeId.1`): numbered children only
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) return indexed(node).map((item) => shape(item, field));
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = shape(node[key]!, key);
  return out;
}

/** The children `1`, `2`, ... of a member/entry node, in numeric order (AWS counts from 1). */
function indexed(node: Tree): Array<Tree | string> {
  return Object.keys(node)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => node[k]!);
}

function scalar(value: string, field?: string): unknown {
  if (field && NUMERIC_FIELDS.has(field) && value !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (field && BOOLEAN_FIELDS.has(field)) return value === 'true';
  return value;
}
