/**
 * A notice on stderr while a command runs (a warning, "--evidence auto joined two sources", ...).
 * On a terminal it may arrive while a progress bar is drawn: it waits for the bar to stop (the bar
 * restores its saved cursor and would overwrite it), clears a status line left open, and is
 * word-wrapped to the terminal's width, so no line of kscli's runs past the edge (issue 14).
 * Piped, it is written as is, at once (no bar is drawn on a pipe).
 */
import type { IO } from './io.js';
import type { ProgressUI } from './progress.js';
import { fitText } from './wrap.js';

export function noticeWriter(io: IO, progress?: ProgressUI): (line: string) => void {
  return (line) => {
    if (!io.errIsTTY) {
      io.err.write(`${line}\n`);
      return;
    }
    const write = () => {
      const width = io.errColumns;
      io.err.write(`\r\u001b[2K${width ? fitText(line, width) : line}\n`);
    };
    if (progress?.afterBars) progress.afterBars(write);
    else write();
  };
}
