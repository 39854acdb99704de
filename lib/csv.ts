/**
 * Writing CSV for download (accounts list, import reports, chart and table data). Every export
 * goes through here so that no cell can act as a spreadsheet formula: a text cell starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading single quote (OWASP's
 * advice on CSV injection), which spreadsheets show as text. Numbers are written as numbers, so a
 * negative number stays a number.
 */
import Papa from 'papaparse';

/** Text that a spreadsheet would read as the start of a formula (also across line breaks). */
export const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number | boolean | null | undefined;

export function toCsv(fields: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return Papa.unparse({ fields: [...fields], data: rows.map((r) => r.map((c) => c ?? '')) }, { escapeFormulae: FORMULA_START });
}
