/** A duration as people say it: `45s`, `3m05s`, `2h10m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `text` cut to `width` characters, an ellipsis marking the cut. */
export function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

/** `text` cut to `width` from the left, keeping its end: `…:enterprise:2.0:User:department`. */
export function keepEnd(text: string, width: number): string {
  return text.length > width ? `…${text.slice(text.length - width + 1)}` : text;
}

/**
 * `text` broken between words into lines of `width`, the lines after the first indented by `hang`.
 * The text's own indent stays on its first line (an indented JSON line keeps its place).
 */
export function wrapText(text: string, width: number, hang: number): string[] {
  if (text.length <= width) return [text];
  const indent = /^ */.exec(text)![0];
  const lines: string[] = [];
  let current = indent;
  let empty = true;
  for (const word of text.slice(indent.length).split(' ')) {
    const candidate = empty ? `${current}${word}` : `${current} ${word}`;
    if (candidate.length > width && !empty) {
      lines.push(current);
      current = `${' '.repeat(hang)}${word}`;
    } else current = candidate;
    empty = false;
    // A word longer than a line is cut where the line ends.
    while (current.length > width) {
      lines.push(current.slice(0, width));
      current = `${' '.repeat(hang)}${current.slice(width)}`;
    }
  }
  lines.push(current);
  return lines;
}

/** A time as an operator reads it in a log: `2026-12-02 02:56:10 UTC`. */
export function formatTime(iso: string): string {
  return `${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC`;
}

/**
 * Rows as aligned columns under a header; a cell longer than its column's `max` is cut, and each
 * line to `width` (pass `Infinity` for output that is not a terminal). Colour is not measured: give
 * plain text.
 */
export function textTable(
  header: string[],
  rows: string[][],
  width: number,
  max: ReadonlyArray<number | undefined> = [],
): string {
  const fitted = rows.map((row) =>
    row.map((cell, column) => truncate(cell, max[column] ?? Number.POSITIVE_INFINITY)),
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...fitted.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    truncate(
      cells
        .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  '),
      width,
    );
  return [line(header), ...fitted.map(line)].join('\n');
}

/** How wide a command's output may be: the terminal's width, unbounded when it goes to a file or pipe. */
export function outputWidth(stdout: { isTTY?: boolean; columns?: number }): number {
  return stdout.isTTY ? (stdout.columns ?? 80) : Number.POSITIVE_INFINITY;
}
