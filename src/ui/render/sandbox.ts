/**
 * kscli sandbox reset | advance | status, rendered.
 *
 * JSON (--output json):
 *   status:  { schemaVersion, statePath, now, accountId, stores: [{id, name, type, connectionState, keyStates}],
 *              keysOutsideStores, alarms: [{name, state}], backups: [{id, clusterId, state}] }
 *   advance: { schemaVersion, statePath, from, to, deletedKeys: [{keyId, storeId?, backingKeysDeletionStatus?}],
 *              storeTransitions: [{storeId, from, to}], purgedBackups: [id] }
 *   reset:   { schemaVersion, statePath, scenario, ...status }
 */
import type { SandboxAdvanceResult, SandboxResetResult, SandboxStatusResult } from '../../workflow/results.js';
import type { AdvanceReport, SandboxStatus } from '../../sandbox/contract.js';
import { renderTable } from '../table.js';
import type { Renderer } from './output.js';
import type { Body } from '../../schemas/common.js';
import type { SandboxAdvanceDocument, SandboxResetDocument, SandboxStatusDocument } from '../../schemas/sandbox.js';

function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`);
  return parts.length ? parts.join(', ') : 'no keys';
}

/** Accounts shown in the table; the JSON lists every one (an org scenario may hold 1,000). */
const MEMBERS_SHOWN = 20;

function renderMembers(e: NonNullable<SandboxStatus['estate']>, width?: number): string {
  const ous = new Map((e.organizationalUnits ?? []).map((u) => [u.id, u.path]));
  const all = e.memberAccounts ?? [];
  let text = renderTable(
    ['ACCOUNT', 'NAME', 'STATE', 'OU', 'ROLE TO ASSUME'],
    all.slice(0, MEMBERS_SHOWN).map((a) => [a.id, a.name, a.state, ous.get(a.parentId) ?? 'root', a.access]),
    { width, record: { head: [0, 1], flow: true } },
  );
  if (all.length > MEMBERS_SHOWN)
    text += `... and ${all.length - MEMBERS_SHOWN} more accounts (kscli sandbox status --output json lists them all)\n`;
  return text;
}

export function renderStatus(status: SandboxStatus, statePath: string, width?: number): string {
  let text = `sandbox account ${status.accountId}, clock ${status.now.toISOString()}\nstate file ${statePath}\n`;
  if (status.estate) {
    const e = status.estate;
    text += `organization ${e.organizationId}: ${e.accounts} accounts, ${e.regions.length} Regions (${e.regions.join(', ')}), ${e.stores} custom key stores in ${e.storedCells} account-Regions\n`;
    if (e.organizationalUnits?.length)
      text += `organizational units (for --ou): ${e.organizationalUnits.map((u) => `${u.id} ${u.path}`).join(', ')}\n`;
    if (e.memberAccounts?.length) text += `\n${renderMembers(e, width)}`;
    text += `\nbelow: the management account in us-east-1; kscli inventory --org --regions all lists them all\n`;
  }
  text += '\n';
  text += renderTable(
    ['STORE', 'NAME', 'TYPE', 'CONNECTION', 'KEYS'],
    status.stores.map((s) => [s.id, s.name, s.type, s.connectionState, countsText(s.keyStates)]),
    { width, record: { head: [0, 3], flow: true } },
  );
  text += `\nkeys outside custom key stores: ${status.keysOutsideStores}\n`;
  text += status.alarms.length
    ? `\n${renderTable(
        ['ALARM', 'STATE'],
        status.alarms.map((a) => [a.name, a.state]),
        { width },
      )}`
    : '\nno CloudWatch alarms\n';
  if (status.backups.length)
    text += `\n${renderTable(
      ['BACKUP', 'CLUSTER', 'STATE'],
      status.backups.map((b) => [b.id, b.clusterId, b.state]),
      { width },
    )}`;
  return text;
}

export function renderAdvance(report: AdvanceReport, width?: number): string {
  const days = (report.to.getTime() - report.from.getTime()) / 86_400_000;
  let text = `sandbox clock moved ${Number(days.toFixed(3))} days: ${report.from.toISOString()} -> ${report.to.toISOString()}\n`;
  if (report.deletedKeys.length) {
    text += `\nkeys deleted (their waiting period ended):\n`;
    text += renderTable(
      ['KEY', 'STORE', 'KEY MATERIAL IN HSM'],
      report.deletedKeys.map((k) => [
        k.keyId,
        k.storeId ?? '-',
        k.backingKeysDeletionStatus === 'FAILURE'
          ? 'FAILURE (orphaned: the store was not connected)'
          : (k.backingKeysDeletionStatus ?? '-'),
      ]),
      { width, record: { flow: true } },
    );
  }
  if (report.storeTransitions.length) {
    text += `\nstore connection changes:\n`;
    text += renderTable(
      ['STORE', 'FROM', 'TO'],
      report.storeTransitions.map((t) => [t.storeId, t.from, t.to]),
      { width },
    );
  }
  if (report.purgedBackups.length)
    text += `\nbackups purged (7 days after deletion): ${report.purgedBackups.join(', ')}\n`;
  if (!report.deletedKeys.length && !report.storeTransitions.length && !report.purgedBackups.length)
    text += 'nothing came due\n';
  return text;
}

/** The published schemas' types (src/schemas/sandbox.ts). */
export type SandboxStatusJson = Omit<Body<SandboxStatusDocument>, 'statePath'>;

function statusJson(status: SandboxStatus): SandboxStatusJson {
  return { ...status, now: status.now.toISOString() };
}

export const sandboxStatusRenderer: Renderer<SandboxStatusResult> = {
  json: (r): Body<SandboxStatusDocument> => ({ statePath: r.statePath, ...statusJson(r.status) }),
  table: (r, { width }) => renderStatus(r.status, r.statePath, width),
};

export const sandboxResetRenderer: Renderer<SandboxResetResult> = {
  json: (r): Body<SandboxResetDocument> => ({
    statePath: r.statePath,
    scenario: r.scenario,
    ...statusJson(r.status),
    ...(r.journalArchived ? { journalArchived: r.journalArchived } : {}),
  }),
  table: (r, { width }) =>
    `sandbox reset to the ${r.scenario} scenario\n${
      r.journalArchived
        ? `a fresh journal: the earlier rehearsal's ${r.journalArchived.files.length} journal file(s) moved to ${r.journalArchived.dir}\n`
        : ''
    }\n${renderStatus(r.status, r.statePath, width)}`,
};

export const sandboxAdvanceRenderer: Renderer<SandboxAdvanceResult> = {
  json: (r): Body<SandboxAdvanceDocument> => ({
    statePath: r.statePath,
    ...r.report,
    from: r.report.from.toISOString(),
    to: r.report.to.toISOString(),
  }),
  table: (r, { width }) => renderAdvance(r.report, width),
};
