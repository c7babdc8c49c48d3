/**
 * Where the accounts of an estate run come from (issue 11):
 * - nothing given: the current credentials' account only;
 * - `--accounts FILE`: 12-digit IDs one per line (`#` comments; an optional name after a comma or
 *   space), a CSV with a header naming an `account_id`/`id` column (and `name`), or the YAML
 *   accounts file c7n-org users keep (`accounts: [{account_id, name, regions, role, external_id}]`;
 *   `role` a name or an ARN);
 * - `--org`: AWS Organizations ListAccounts (`--ou` narrows to an OU and every OU below it).
 * Accounts that are not ACTIVE are skipped and reported (Organizations lists closed and suspended
 * accounts until they are gone: aws-facts-estate-and-scale.md B1).
 */
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { badInput } from '../../errors.js';

export interface EstateAccount {
  id: string;
  name?: string;
  /** ACTIVE, SUSPENDED, ... (Organizations); ACTIVE for accounts from a file or the caller's */
  state: string;
  /** from an accounts file: this account's role (name or ARN), external ID and Regions */
  role?: string;
  externalId?: string;
  regions?: string[];
}

const ACCOUNT_ID = /^\d{12}$/;
const ID_HEADERS = ['account_id', 'accountid', 'account id', 'id', 'account'];
const NAME_HEADERS = ['name', 'account_name', 'accountname', 'account name', 'alias'];

function fileError(file: string, detail: string): Error {
  return badInput(
    `--accounts ${file}: ${detail}`,
    'give 12-digit account IDs one per line, a CSV with an account_id column, or a c7n-org accounts.yml',
  );
}

function checkId(file: string, id: string, where: string): string {
  const clean = id.trim().replace(/^["']|["']$/g, '');
  if (!ACCOUNT_ID.test(clean)) throw fileError(file, `${where}: "${clean}" is not a 12-digit AWS account ID`);
  return clean;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

function fromYaml(file: string, text: string): EstateAccount[] {
  let doc: unknown;
  try {
    doc = loadYaml(text);
  } catch (e) {
    throw fileError(file, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = (doc as { accounts?: unknown })?.accounts;
  if (!Array.isArray(list))
    throw fileError(file, 'a YAML accounts file needs a top-level "accounts:" list (the c7n-org format)');
  return list.map((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const where = `accounts[${i}]`;
    const id = checkId(file, String(e.account_id ?? e.accountId ?? e.id ?? ''), where);
    if (Array.isArray(e.role))
      throw fileError(
        file,
        `${where}: a list of roles (role chaining) is not supported; give the role in the account itself`,
      );
    const regions =
      e.regions === undefined ? undefined : Array.isArray(e.regions) ? e.regions.map(String) : [String(e.regions)];
    return {
      id,
      state: 'ACTIVE',
      ...(e.name !== undefined ? { name: String(e.name) } : {}),
      ...(typeof e.role === 'string' && e.role ? { role: e.role } : {}),
      ...(e.external_id !== undefined ? { externalId: String(e.external_id) } : {}),
      ...(regions ? { regions } : {}),
    };
  });
}

function fromCsv(file: string, lines: string[]): EstateAccount[] {
  const header = splitCsvLine(lines[0]!).map((h) => h.toLowerCase());
  const idCol = header.findIndex((h) => ID_HEADERS.includes(h));
  const nameCol = header.findIndex((h) => NAME_HEADERS.includes(h));
  if (idCol < 0)
    throw fileError(file, `line 1: the CSV header has no account ID column (one of ${ID_HEADERS.join(', ')})`);
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    const name = nameCol >= 0 ? cells[nameCol] : undefined;
    return { id: checkId(file, cells[idCol] ?? '', `line ${i + 2}`), state: 'ACTIVE', ...(name ? { name } : {}) };
  });
}

/** Parses an accounts file's text (see the header comment for the formats). */
export function parseAccountsFile(file: string, text: string): EstateAccount[] {
  const trimmed = text.replace(/^\uFEFF/, '');
  let accounts: EstateAccount[];
  if (/\.ya?ml$/i.test(file) || /^\s*accounts\s*:/m.test(trimmed)) accounts = fromYaml(file, trimmed);
  else {
    const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (lines.length === 0) throw fileError(file, 'no account IDs in the file');
    const first = splitCsvLine(lines[0]!)[0] ?? '';
    if (lines[0]!.includes(',') && !/^["']?\d/.test(first)) accounts = fromCsv(file, lines);
    else {
      accounts = lines.map((line, i) => {
        const m = /^\s*([^\s,]+)\s*(?:[,\s]\s*(.*))?$/.exec(line)!;
        const name = m[2]?.trim().replace(/^["']|["']$/g, '');
        return { id: checkId(file, m[1]!, `line ${i + 1}`), state: 'ACTIVE', ...(name ? { name } : {}) };
      });
    }
  }
  if (accounts.length === 0) throw fileError(file, 'no account IDs in the file');
  // one run per account, whatever the file repeats
  const seen = new Map<string, EstateAccount>();
  for (const a of accounts) if (!seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()];
}

export function readAccountsFile(file: string): EstateAccount[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw badInput(`--accounts ${file}: cannot read the file (${code ?? (e as Error).message})`, 'check the path');
  }
  return parseAccountsFile(file, text);
}

/** `--role-name` or an accounts file's `role`: a bare name becomes the account's role ARN. */
export function roleArnFor(accountId: string, role: string): string {
  return role.startsWith('arn:') ? role : `arn:aws:iam::${accountId}:role/${role.replace(/^\/+/, '')}`;
}

/** STS RoleSessionName: 2-64 characters of [\w+=,.@-]; says kscli and who runs it (CloudTrail shows it). */
export function sessionNameFor(operator: string): string {
  const who = operator.replace(/[^\w+=,.@-]/g, '-').replace(/-+/g, '-');
  const name = `kscli-${who}`.slice(0, 64);
  return name.length >= 2 ? name : 'kscli';
}

/** The operator behind the caller ARN: the session name of an assumed role (often the SSO user), or the IAM user. */
export function operatorOf(callerArn: string, fallback: string): string {
  const m = /:assumed-role\/[^/]+\/(.+)$/.exec(callerArn) ?? /:user\/(?:.*\/)?([^/]+)$/.exec(callerArn);
  return m?.[1] ?? fallback;
}
