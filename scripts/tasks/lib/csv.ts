/**
 * A small RFC 4180 CSV parser: comma-separated fields, a header row, fields quoted with `"` (a quote inside a quoted
 * field is written `""`; quoted fields may hold commas and line breaks), LF or CRLF line ends, an optional UTF-8 BOM.
 * Every record carries the line number it starts on, so that errors can name it. Blank lines are skipped.
 */
import { InputError } from "./errors.js";

/** One data record: its fields by column name and the (1-based) line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: Readonly<Record<string, string>>;
}

/** A parsed CSV file. */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly records: readonly CsvRecord[];
}

/** Splits CSV text into rows of raw fields, each with the line it starts on. */
export function parseCsvRows(text: string, file = "CSV"): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = "";
    let atFieldStart = true;
    let quotedField = false;
    let endOfRecord = false;
    while (i < n && !endOfRecord) {
      const c = text[i];
      if (atFieldStart && c === '"') {
        // Quoted field: runs to the closing quote; "" is one quote.
        quotedField = true;
        atFieldStart = false;
        i++;
        const openedOn = line;
        for (;;) {
          if (i >= n) throw new InputError(`${file} line ${openedOn}: unterminated quoted field`);
          const q = text[i];
          if (q === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q === "\n") line++;
          field += q;
          i++;
        }
        const next = text[i];
        if (i < n && next !== "," && next !== "\n" && !(next === "\r" && text[i + 1] === "\n")) {
          throw new InputError(`${file} line ${line}: unexpected ${JSON.stringify(next)} after a closing quote`);
        }
        continue;
      }
      if (c === ",") {
        fields.push(field);
        field = "";
        atFieldStart = true;
        quotedField = false;
        i++;
      } else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
        i += c === "\r" ? 2 : 1;
        line++;
        endOfRecord = true;
      } else {
        if (c === '"') {
          throw new InputError(`${file} line ${line}: a quote inside an unquoted field (quote the whole field)`);
        }
        field += c;
        atFieldStart = false;
        i++;
      }
    }
    fields.push(field);
    // A blank line is one empty, unquoted field.
    if (fields.length === 1 && fields[0] === "" && !quotedField) continue;
    rows.push({ line: start, fields });
  }
  return rows;
}

/**
 * Parses CSV text with a header row. Refuses an empty file, empty or repeated column names, and records whose field
 * count differs from the header's, naming the line.
 */
export function parseCsv(text: string, file = "CSV"): CsvTable {
  const rows = parseCsvRows(text, file);
  if (rows.length === 0) throw new InputError(`${file}: empty file (expected a header row)`);
  const header = rows[0];
  const columns = header.fields.map((c) => c.trim());
  const seen = new Set<string>();
  for (const column of columns) {
    if (column === "") throw new InputError(`${file} line ${header.line}: empty column name`);
    if (seen.has(column)) throw new InputError(`${file} line ${header.line}: column "${column}" appears twice`);
    seen.add(column);
  }
  const records: CsvRecord[] = [];
  for (const row of rows.slice(1)) {
    if (row.fields.length !== columns.length) {
      throw new InputError(
        `${file} line ${row.line}: ${row.fields.length} field(s), the header has ${columns.length} (${columns.join(",")})`,
      );
    }
    const fields: Record<string, string> = {};
    columns.forEach((column, k) => (fields[column] = row.fields[k]));
    records.push({ line: row.line, fields });
  }
  return { columns, records };
}
