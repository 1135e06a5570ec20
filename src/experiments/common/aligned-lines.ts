// Summary tables for the terminal: labels padded to one column, values after them.

export function alignedLines(rows: [string, string][]): string[] {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`.trimEnd());
}
