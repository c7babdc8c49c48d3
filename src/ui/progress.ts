/**
 * Progress on stderr: a bar (cli-progress) on a TTY, nothing on a pipe (logs stay clean); status
 * lines (waits) are printed in place on a TTY and only on change otherwise.
 */
import type { IO } from './io.js';
import { visibleLength } from './wrap.js';

export interface ProgressBar {
  update(done: number, total?: number): void;
  stop(): void;
}

export interface ProgressUI {
  bar(label: string): ProgressBar;
  /**
   * a status line that replaces itself on a TTY (e.g. "waiting for DISCONNECTED: 40 s / 20 min");
   * elsewhere printed on change, unless `ttyOnly` (progress that means nothing in a log or a mail)
   */
  status(line: string, opts?: { ttyOnly?: boolean }): void;
  /** ends a status line */
  done(): void;
  /**
   * Runs `write` now, or, while a bar is drawn, once the last bar stopped: cli-progress saves the
   * cursor when it starts a bar and restores it at every redraw and at stop, so a line written
   * under a bar is overwritten by whatever comes next (ui/notice.ts).
   */
  afterBars?(write: () => void): void;
}

/**
 * A status line cut to `width` at a space (issue 14): the words shown are whole, so a log group or
 * key ID is either complete or left out, never cut in half; '…' says that the line goes on.
 */
export function fitStatus(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  const words = line.split(' ');
  let out = '';
  for (const w of words) {
    const next = out ? `${out} ${w}` : w;
    if (visibleLength(next) + 1 > width) break;
    out = next;
  }
  return `${out}…`;
}

export function createProgress(io: IO): ProgressUI {
  let lastStatus = '';
  let statusOpen = false;
  /** bars started and not yet stopped, and what waits for them */
  let drawn = 0;
  let waiting: Array<() => void> = [];
  const flush = () => {
    const queued = waiting;
    waiting = [];
    for (const write of queued) write();
  };
  const barEnded = () => {
    drawn -= 1;
    if (drawn === 0) flush();
  };
  return {
    afterBars(write) {
      if (drawn === 0) return write();
      // a bar left on screen by an error still lets the notice out as the process ends
      if (waiting.length === 0) process.once('exit', flush);
      waiting.push(write);
    },
    bar(label: string): ProgressBar {
      if (!io.errIsTTY) return { update: () => {}, stop: () => {} };
      let bar: import('cli-progress').SingleBar | undefined;
      let loading: Promise<void> | undefined;
      let latest: [number, number | undefined] = [0, undefined];
      let stopped = false;
      /** the bar is on screen (cli-progress saved the cursor): notices wait for its stop */
      let onScreen = false;
      const ensure = () => {
        loading ??= import('cli-progress').then((m) => {
          // the module loads lazily: a scan that ended meanwhile must not start a bar whose redraw
          // timer would keep the process alive after the command is done
          if (stopped) return;
          // the CommonJS module arrives as its default export or as the namespace itself
          const mod = m.default ?? m;
          bar = new mod.SingleBar(
            {
              format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted}`,
              stream: io.err as NodeJS.WritableStream,
              hideCursor: false,
              clearOnComplete: false,
            },
            mod.Presets.shades_classic,
          );
          bar!.start(latest[1] ?? 0, latest[0]);
          onScreen = true;
          drawn += 1;
        });
      };
      return {
        update(done, total) {
          if (stopped) return;
          latest = [done, total];
          ensure();
          if (bar) {
            if (total !== undefined) bar.setTotal(total);
            bar.update(done);
          }
        },
        stop() {
          if (stopped) return;
          stopped = true;
          if (bar) {
            bar.stop();
            bar = undefined;
            // end the bar's line, so what follows on a terminal starts on a line of its own
            io.err.write('\n');
          }
          if (onScreen) barEnded();
        },
      };
    },
    status(line: string, opts?: { ttyOnly?: boolean }) {
      if (opts?.ttyOnly && !io.errIsTTY) return;
      if (io.errIsTTY) {
        // redrawn in place: a line wider than the terminal would wrap and the redraw would stack copies
        io.err.write(`\r\u001b[2K${io.errColumns ? fitStatus(line, io.errColumns - 1) : line}`);
        statusOpen = true;
      } else if (line.replace(/\d+/g, '#') !== lastStatus) {
        io.err.write(`${line}\n`);
      }
      lastStatus = line.replace(/\d+/g, '#');
    },
    done() {
      if (statusOpen) io.err.write('\n');
      statusOpen = false;
      lastStatus = '';
    },
  };
}
