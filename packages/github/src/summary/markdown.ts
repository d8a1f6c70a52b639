/** Small Markdown helpers for job summaries: table cells cannot hold `|` or line breaks. */
export type Cell = string | number | boolean | null | undefined;

export function cell(value: Cell): string {
  const text = value === null || value === undefined || value === '' ? '-' : String(value);
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(headers: string[], rows: Cell[][]): string {
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function code(value: string): string {
  return `\`${value.replace(/`/g, "'")}\``;
}
