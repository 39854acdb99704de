/**
 * Streams a CSV file as chunks of rows (objects keyed by the header), so files of any size are
 * read in bounded memory. Yields to the event loop between chunks: the server keeps answering
 * (progress polls, other requests) while a large file is checked or imported.
 */
import fs from 'node:fs';
import Papa from 'papaparse';
import { dict } from '@/lib/dict';

export interface CsvRow {
  /** 0-based position among the data rows */
  index: number;
  cells: Record<string, string | undefined>;
  /** cells beyond the header's columns, when the row has more than the header */
  extra: boolean;
}

export async function* csvChunks(file: string, size: number, onBytes?: (read: number, total: number) => void): AsyncGenerator<CsvRow[]> {
  const total = fs.statSync(file).size;
  const input = fs.createReadStream(file);
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
  input.pipe(parser);
  let chunk: CsvRow[] = [];
  let index = 0;
  for await (const row of parser as AsyncIterable<Record<string, string | string[] | undefined>>) {
    // Cells keyed by header names, which come from the file: kept in an object without a prototype.
    const cells = dict<string | undefined>();
    for (const [column, value] of Object.entries(row)) if (column !== '__parsed_extra') cells[column] = value as string | undefined;
    chunk.push({ index: index++, cells, extra: row.__parsed_extra !== undefined });
    if (chunk.length >= size) {
      onBytes?.(input.bytesRead, total);
      yield chunk;
      chunk = [];
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (chunk.length) yield chunk;
  onBytes?.(total, total);
}
