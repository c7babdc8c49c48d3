/**
 * Progress on stderr: a bar (cli-progress) on a TTY, nothing on a pipe (logs stay clean); status
 * lines (waits) are printed in place on a TTY and only on change otherwise.
 */
import type { IO } from './io.js';

export interface ProgressBar {
  update(done: number, total?: number): void;
  stop(): void;
}

export interface ProgressUI {
  bar(label: string): ProgressBar;
  /** a status line that replaces itself on a TTY (e.g. "waiting for DISCONNECTED: 40 s / 20 min") */
  status(line: string): void;
  /** ends a status line */
  done(): void;
}

export function createProgress(io: IO): ProgressUI {
  let lastStatus = '';
  let statusOpen = false;
  return {
    bar(label: string): ProgressBar {
      if (!io.errIsTTY) return { update: () => {}, stop: () => {} };
      let bar: import('cli-progress').SingleBar | undefined;
      let loading: Promise<void> | undefined;
      let latest: [number, number | undefined] = [0, undefined];
      let stopped = false;
      const ensure = () => {
        loading ??= import('cli-progress').then((m) => {
          // the module loads lazily: a scan that ended meanwhile must not start a bar whose redraw
          // timer would keep the process alive after the command is done
          if (stopped) return;
          const mod = (m as any).default ?? m;
          bar = new mod.SingleBar(
            { format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted}`, stream: io.err as NodeJS.WritableStream, hideCursor: false, clearOnComplete: false },
            mod.Presets.shades_classic,
          );
          bar!.start(latest[1] ?? 0, latest[0]);
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
          stopped = true;
          if (bar) {
            bar.stop();
            bar = undefined;
            // end the bar's line, so what follows on a terminal starts on a line of its own
            io.err.write('\n');
          }
        },
      };
    },
    status(line: string) {
      if (io.errIsTTY) {
        // an in-place line must fit the terminal: one that wraps can no longer be redrawn in place
        const width = io.errColumns;
        const fitted = width && line.length > width - 1 ? `${line.slice(0, Math.max(0, width - 2))}…` : line;
        io.err.write(`\r\u001b[2K${fitted}`);
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
