/**
 * Client-side exports: a table as CSV, a chart as PNG. The PNG is drawn in the browser (the
 * chart's SVG rendered onto a canvas, with its question, legend and sentence), so no server
 * rendering is needed.
 */
import { toCsv } from '@/lib/csv';

export interface Column<Row> {
  key: string;
  label: string;
  /** the cell as text for the CSV (raw numbers, no formatting); default: row[key] */
  csv?: (row: Row) => string | number | null;
}

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadCsv<Row>(filename: string, columns: readonly Column<Row>[], rows: readonly Row[]) {
  const data = rows.map((row) => columns.map((c) => (c.csv ? c.csv(row) : ((row as Record<string, unknown>)[c.key] as string | number | null)) ?? ''));
  const csv = toCsv(columns.map((c) => c.label), data);
  download(new Blob([csv], { type: 'text/csv;charset=utf-8' }), filename);
}

export interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

const FONT = 'ui-sans-serif, system-ui, sans-serif';

export async function downloadChartPng(svg: SVGSVGElement, options: { filename: string; title: string; caption: string; legend?: LegendItem[] }) {
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('font-family', FONT);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(clone))}`;
  await image.decode();

  const scale = 2;
  const pad = 16;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  ctx.font = `13px ${FONT}`;
  const captionLines = wrap(ctx, options.caption, width);
  const legend = options.legend ?? [];
  // Legend items flow left to right and wrap at the chart's width.
  ctx.font = `12px ${FONT}`;
  const spots: { x: number; row: number }[] = [];
  let lx = 0;
  let lrow = 0;
  for (const item of legend) {
    const w = 24 + ctx.measureText(item.label).width + 20;
    if (lx > 0 && lx + w > width) {
      lrow++;
      lx = 0;
    }
    spots.push({ x: lx, row: lrow });
    lx += w;
  }
  const legendRows = legend.length ? lrow + 1 : 0;
  const total = pad + 24 + height + 8 + legendRows * 20 + captionLines.length * 18 + pad;
  canvas.width = (width + 2 * pad) * scale;
  canvas.height = total * scale;
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width + 2 * pad, total);
  ctx.fillStyle = '#111827';
  ctx.font = `600 15px ${FONT}`;
  ctx.fillText(options.title, pad, pad + 14);
  ctx.drawImage(image, pad, pad + 24, width, height);
  let y = pad + 24 + height + 8;
  ctx.font = `12px ${FONT}`;
  legend.forEach((item, i) => {
    const x = pad + spots[i]!.x;
    const rowY = y + spots[i]!.row * 20;
    ctx.strokeStyle = item.color;
    ctx.lineWidth = 3;
    ctx.setLineDash(item.dashed ? [4, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x, rowY + 8);
    ctx.lineTo(x + 18, rowY + 8);
    ctx.stroke();
    ctx.fillStyle = '#374151';
    ctx.fillText(item.label, x + 24, rowY + 12);
  });
  y += legendRows * 20;
  ctx.setLineDash([]);
  ctx.fillStyle = '#374151';
  ctx.font = `13px ${FONT}`;
  captionLines.forEach((line, i) => ctx.fillText(line, pad, y + 14 + i * 18));
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (blob) download(blob, options.filename);
}
