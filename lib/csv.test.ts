/** CSV exports: text that a spreadsheet would run as a formula is neutralised, numbers stay numbers. */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

const parse = (csv: string) => Papa.parse<string[]>(csv).data;

describe('toCsv', () => {
  it('prefixes text cells that start a formula with a single quote', () => {
    const cells = ['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', '=1\n+2'];
    const [header, row] = parse(toCsv(['a', 'b', 'c', 'd', 'e', 'f', 'g'], [cells]));
    expect(header).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(row).toEqual(cells.map((c) => `'${c}`));
  });

  it('writes numbers, negative ones included, as numbers, and ordinary text as it is', () => {
    const csv = toCsv(['name', 'arr', 'change', 'empty', 'flag'], [['Acme, Inc.', 12000, -4.5, null, true], ['a-b = c', -0.25, 0, undefined, false]]);
    expect(csv.split('\r\n')).toEqual(['name,arr,change,empty,flag', '"Acme, Inc.",12000,-4.5,,true', 'a-b = c,-0.25,0,,false']);
  });

  it('neutralises header cells too', () => {
    expect(parse(toCsv(['=cmd'], []))[0]).toEqual(["'=cmd"]);
  });
});
