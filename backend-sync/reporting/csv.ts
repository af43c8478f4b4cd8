import { csvCell } from '../../common/text/csv-cell';

/** CSV cells: formula-safe and with controls shown escaped (common/text/csv-cell.ts). */
export { csvCell };

export function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map((v) => csvCell(v === null ? '' : String(v))).join(',')}\r\n`;
}
