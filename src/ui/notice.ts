/**
 * A notice on stderr while a command runs (a warning, "--evidence auto joined two sources", ...).
 * On a terminal it may arrive while a progress bar is drawn on the current line: the line is
 * cleared first (the bar redraws below at its next update) and the notice is word-wrapped to the
 * terminal's width, so no line of kscli's runs past the edge (issue 14). Piped, it is written as is.
 */
import type { IO } from './io.js';
import { fitText } from './wrap.js';

export function noticeWriter(io: IO): (line: string) => void {
  return (line) => {
    if (!io.errIsTTY) {
      io.err.write(`${line}\n`);
      return;
    }
    const width = io.errColumns;
    io.err.write(`\r\u001b[2K${width ? fitText(line, width) : line}\n`);
  };
}
