/**
 * Help text wrapped to the terminal's width: a long line breaks between words, and its next lines
 * start under its text (an option's description under the description, not under the option).
 * Lines of commands and examples are not broken: they are meant to be copied whole.
 */
export function wrapHelp(text: string, columns: number | undefined): string {
  if (!columns || columns < 40) return text;
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= columns || /^\s*(?:ondemand|pnpm|npm|curl)\b/.test(line)) return line;
      // Continuation lines start where the line's text does: after the option, or after the indent.
      const indent = (/^(\s*\S+(?: \S+)*?\s{2,})/.exec(line)?.[1] ?? /^\s*/.exec(line)![0]).length;
      const hang = indent < columns / 2 ? indent : 2;
      const lead = /^\s*/.exec(line)![0];
      const [first = '', ...words] = line.slice(lead.length).split(' ');
      const lines: string[] = [];
      let current = lead + first;
      for (const word of words) {
        if (word !== '' && current.length + 1 + word.length > columns) {
          lines.push(current);
          current = ' '.repeat(hang) + word;
        } else current = `${current} ${word}`;
      }
      lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}
