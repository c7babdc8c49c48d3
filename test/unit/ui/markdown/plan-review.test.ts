import { describe, expect, it } from 'vitest';
import { renderPlanMarkdown } from '../../../../src/ui/markdown/plan-review.js';
import { cell, code, table, text } from '../../../../src/ui/markdown/gfm.js';
import { KEY_A, KEY_B, KEY_P, plan } from '../../workflow/plan-file/fixtures.js';

/** The rows of the GFM table that follows `heading` (header and separator excluded). */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, `no heading ${heading}`).toBeGreaterThanOrEqual(0);
  const first = lines.findIndex((l, i) => i > start && l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(splitRow(lines[i]!));
  expect(rows[1]!.every((c) => c === '---')).toBe(true);
  return rows.slice(2);
}

/** Splits a GFM row on unescaped pipes. */
function splitRow(line: string): string[] {
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.trim());
}

describe('the plan review document', () => {
  const md = renderPlanMarkdown(plan(), { file: 'change-1234.json' });

  it('has the sections a change board reads, in order', () => {
    const headings = md.split('\n').filter((l) => /^#{1,3} /.test(l));
    expect(headings).toEqual([
      '# Change plan: schedule-deletion cks-1234567890abcdef0',
      '## Keys (3)',
      '## Other changes',
      '## Overrides',
      '## Alarm',
      '## What happens next',
      '## Warnings',
      '## Integrity',
    ]);
  });

  it('one table row per key, with aliases, state, verdict, evidence and action', () => {
    const rows = tableAfter(md, '## Keys');
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.length)).toEqual([6, 6, 6]);
    const a = rows.find((r) => r[0] === `\`${KEY_A}\``)!;
    expect(a[1]).toBe('`alias/reports\\|archive`'); // the pipe in the alias cannot break the table
    expect(a[2]).toBe('Enabled');
    expect(a[3]).toBe('unused');
    expect(a[4]).toBe('no use since 2026-09-01'); // the reason names the window: not repeated
    const p = plan();
    p.observations.verdicts![0]!.reason = 'no use found';
    const row = tableAfter(renderPlanMarkdown(p), '## Keys').find((r) => r[0] === `\`${KEY_A}\``)!;
    expect(row[4]).toBe('no use found (CloudTrail 2026-09-01..2026-11-30)');
    expect(a[5]).toBe('**ScheduleKeyDeletion**: schedule deletion in 30 days');
    expect(rows.find((r) => r[0] === `\`${KEY_P}\``)![2]).toBe('PendingDeletion (deletion on 2026-12-05)');
    expect(rows.find((r) => r[0] === `\`${KEY_B}\``)![5]).toMatch(/^\*\*ScheduleKeyDeletion\*\*/);
  });

  it('the summary names the store, account, region, who, the status and the digest', () => {
    const rows = Object.fromEntries(tableAfter(md, '# Change plan').map((r) => [r[0], r[1]]));
    expect(rows.Account).toBe('`111122223333`');
    expect(rows.Region).toBe('`us-east-1`');
    expect(rows['Planned by']).toBe('`arn:aws:sts::111122223333:assumed-role/Admin/alice`');
    expect(rows.Status).toBe('ready to apply: 2 change(s)');
    expect(rows.Digest).toBe(`\`${plan().digest}\``);
    expect(rows.Store).toMatch(/legacy-hsm, AWS_CLOUDHSM, CONNECTED/);
  });

  it('what happens next: the calls, the deletion date, the earliest delete-store, the expiry', () => {
    const next = md.slice(md.indexOf('## What happens next'), md.indexOf('## Warnings'));
    expect(next).toMatch(/2 × `ScheduleKeyDeletion`/);
    expect(next).toMatch(/AWS deletes them 30 days after the apply \(applied right away: 2026-12-30 10:00 UTC\)/);
    expect(next).toMatch(
      /`kscli delete-store cks-1234567890abcdef0` that can finish: 24 h after the last deletion date \(applied right away: after 2026-12-31 10:00 UTC\)/,
    );
    expect(next).toMatch(/refuses this file after 2026-12-03 10:00 UTC \(default `--max-age 72h`\)/);
    expect(md).toMatch(/`kscli apply change-1234\.json`/);
  });

  it('overrides: each flag, its effect and who took it; none said plainly', () => {
    expect(md).toMatch(/## Overrides\n\nNone: every check applies\./);
    const o = renderPlanMarkdown(
      plan({ overrides: [{ flag: '--allow-in-use', by: 'arn:aws:iam::111122223333:user/alice' }] }),
    );
    expect(tableAfter(o, '## Overrides')).toEqual([
      [
        '`--allow-in-use`',
        'keys whose usage verdict is in-use are scheduled anyway',
        '`arn:aws:iam::111122223333:user/alice`',
      ],
    ]);
  });

  it('the alarm as read: trail, filter, alarm and its topic', () => {
    const alarm = md.slice(md.indexOf('## Alarm'), md.indexOf('## What happens next'));
    expect(alarm).toMatch(/Trail `management-events`/);
    expect(alarm).toMatch(
      /Alarm `kscli-kms-key-pending-deletion-use` present: .*notifies `arn:aws:sns:us-east-1:111122223333:kms-alerts`/,
    );
  });

  it('a blocked plan says it cannot be applied and lists each reason', () => {
    const b = renderPlanMarkdown(
      plan({ blocked: true, blockedReasons: [`${KEY_A}: in-use: Decrypt 2026-11-29 [override: --allow-in-use]`] }),
    );
    expect(b).toMatch(/\| Status \| \*\*BLOCKED: this plan cannot be applied\*\* \|/);
    expect(b).toMatch(/## Blocked\n\nThis plan is written for review only: \*\*kscli apply refuses it\*\*/);
    expect(b).toContain(`- ${KEY_A}: in-use: Decrypt 2026-11-29 \\[override: --allow-in-use\\]`);
  });

  it('contains no HTML, whatever AWS returned', () => {
    const p = plan();
    p.subject.label = '<script>alert(1)</script>, AWS_CLOUDHSM, CONNECTED';
    p.warnings.push('<b>bold</b>');
    const out = renderPlanMarkdown(p);
    // outside code spans (where nothing is markup), every < is escaped
    expect(out.replace(/`[^`]*`/g, '')).not.toMatch(/(?<!\\)</);
    expect(out).toContain('\\<script\\>');
  });
});

describe('GFM helpers', () => {
  it('escape markup and pipes, keep cells on one line, never empty', () => {
    expect(text('a|b*c_d <e>\nf _x_')).toBe('a\\|b\\*c_d \\<e\\> f \\_x\\_');
    expect(cell('')).toBe('-');
    expect(code('x|y')).toBe('`x\\|y`');
    expect(code('a`b')).toBe('``a`b``');
    expect(table(['A', 'B'], [['1', '2']])).toBe('| A | B |\n| --- | --- |\n| 1 | 2 |\n');
  });
});
