/**
 * One CSV cell. Text cells are quoted, and a cell a spreadsheet would run as a formula (=,
 * +, -, @, tab, CR first: OWASP's list) gets a leading apostrophe. Lanes come from kiosks and
 * place names from admins: an official opening the file must never run what either typed.
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}
