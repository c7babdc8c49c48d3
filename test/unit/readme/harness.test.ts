/**
 * The README test's own parts: the extractor (commands, exit codes, outputs), the comparison and
 * the terminal model. A README test whose extractor silently dropped commands could never fail.
 */
import { describe, expect, it } from 'vitest';
import { containsLines, normalise } from '../../e2e/readme/compare.js';
import { exitFromComment, extractBlocks, helpExamples, splitComment } from '../../e2e/readme/extract.js';
import { terminalText } from '../../e2e/readme/shell.js';

describe('README extractor', () => {
  it('splits a trailing comment only at a top-level #', () => {
    expect(splitComment(`kscli x --q 'a # b' # exit 8: later`)).toEqual({
      command: `kscli x --q 'a # b'`,
      comment: 'exit 8: later',
    });
    expect(splitComment('echo $(( 1 + 2 ))#x')).toEqual({ command: 'echo $(( 1 + 2 ))#x', comment: '' });
  });
  it('reads the documented exit code from the comment', () => {
    expect(exitFromComment('disconnect, wait, delete: exit 0')).toBe(0);
    expect(exitFromComment('exit 8: run again after the date')).toBe(8);
    expect(exitFromComment('the store is gone')).toBe(0);
  });
  it('finds sh commands (continuations joined), text outputs with their command and width, directives', () => {
    const md = [
      '## A',
      '```sh',
      'kscli a \\',
      '  --b   # exit 3',
      '# a comment line',
      'kscli serve &',
      '```',
      '`kscli usage cks-1 --sandbox` in 80 columns:',
      '',
      '```text',
      'out',
      '```',
      '<!-- readme-test: context=account:runbook exit=3 -->',
      '```sh',
      '#!/usr/bin/env bash',
      'echo hi',
      '```',
    ].join('\n');
    const [sh, text, script] = extractBlocks(md);
    expect(sh).toMatchObject({
      kind: 'sh',
      section: 'A',
      commands: [
        { text: 'kscli a --b', expectedExit: 3, line: 3 },
        { text: 'kscli serve', background: true },
      ],
    });
    expect(text).toMatchObject({ kind: 'text', command: 'kscli usage cks-1 --sandbox', columns: 80, body: ['out'] });
    expect(script).toMatchObject({
      kind: 'sh',
      directives: { context: 'account:runbook', exit: '3' },
      script: '#!/usr/bin/env bash\necho hi\n',
    });
  });
  it('reads the examples of a --help text', () => {
    expect(helpExamples('Usage: x\n\nExamples:\n  kscli a\n  kscli b   # exit 8\n\nmore')).toEqual([
      'kscli a',
      'kscli b   # exit 8',
    ]);
  });
});

describe('README output comparison', () => {
  it('normalises times, digests, ports and relative times', () => {
    expect(
      normalise(
        '2026-12-05T20:20:53.926Z (in 5 days) sha256:' + 'a'.repeat(64) + ' http://127.0.0.1:4566 3 days ago  ',
      ),
    ).toBe('<TIME> (in <REL>) sha256:<DIGEST> http://127.0.0.1:<PORT> <REL> ago');
  });
  it('needs the lines contiguous, ... elides', () => {
    expect(containsLines(['b', 'c'], ['a', 'b', 'c'])).toBe(true);
    expect(containsLines(['b', 'd'], ['a', 'b', 'c', 'd'])).toBe(false);
    expect(containsLines(['b', '...', 'd'], ['a', 'b', 'c', 'd'])).toBe(true);
  });
});

describe('terminal model', () => {
  it('applies carriage returns, column moves, erase-in-line and cursor save/restore', () => {
    const raw =
      '\x1b7\x1b[?7l\x1b[1Gscanning [..] 1/2\x1b[0K\x1b[1Gscanning [##] 2/2\x1b[0K\x1b[?7h\x1b8\r\n\r\x1b[2Klong status line\r\x1b[2Kshort\r\nnext \x1b[31mred\x1b[39m';
    expect(terminalText(raw)).toBe('scanning [##] 2/2\nshort\nnext red');
  });
});
