/**
 * Renders the app's icons from public/icon.svg (the source of truth): favicon.ico (16, 32 and 48
 * px PNGs in one ICO file), apple-touch-icon.png (180 px, square: iOS rounds the corners itself)
 * and the web manifest's icon-192.png and icon-512.png. Run after changing the SVG:
 * `npx tsx scripts/make-icons.ts`. Uses sharp, which Next.js installs for image optimisation.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { run } from './cli';

const PUBLIC = path.resolve('public');
const svg = fs.readFileSync(path.join(PUBLIC, 'icon.svg'));
/** the icon's background (tailwind's accent), filling the corners where the icon must be square */
const BACKGROUND = '#2563eb';

async function png(size: number, options: { square?: boolean } = {}): Promise<Buffer> {
  const image = sharp(svg, { density: Math.ceil((72 * size) / 64) * 2 }).resize(size, size);
  return (options.square ? image.flatten({ background: BACKGROUND }) : image).png({ compressionLevel: 9 }).toBuffer();
}

/** An ICO file holding PNG images (every browser reads those). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2);
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

run(async () => {
  const sizes = [16, 32, 48];
  const favicon = ico(await Promise.all(sizes.map(async (size) => ({ size, data: await png(size) }))));
  fs.writeFileSync(path.join(PUBLIC, 'favicon.ico'), favicon);
  fs.writeFileSync(path.join(PUBLIC, 'apple-touch-icon.png'), await png(180, { square: true }));
  fs.writeFileSync(path.join(PUBLIC, 'icon-192.png'), await png(192));
  fs.writeFileSync(path.join(PUBLIC, 'icon-512.png'), await png(512));
  console.log('Wrote favicon.ico, apple-touch-icon.png, icon-192.png and icon-512.png in public/');
});
