// Renders Threadline's icons (resources/*.png) from the same shapes as resources/icon.svg, with no
// image library: signed-distance shapes, 4x4 supersampling, and a hand-written PNG encoder.
// Run: node build/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const TEAL = [15, 118, 110];
const WHITE = [255, 255, 255];

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes in a 0..1 square (same as icon.svg's 512 viewBox / 512).
const roundRect = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const inTriangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by), d2 = s(x, y, bx, by, cx, cy), d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const bubble = (x, y) => roundRect(x, y, 0.5, 0.45, 0.3, 0.21, 0.09) <= 0 || inTriangle(x, y, [0.3, 0.6], [0.42, 0.62], [0.27, 0.78]);
const dot = (x, y) => [0.37, 0.5, 0.63].some((cx) => Math.hypot(x - cx, y - 0.45) <= 0.045);

/** mode 'app': teal tile, white bubble, teal dots. 'template': black bubble with holes, for macOS. 'tray': white bubble on teal disc. */
function pixel(mode, x, y) {
  if (mode === 'template') return bubble(x, y) && !dot(x, y) ? [0, 0, 0, 255] : null;
  const bg = mode === 'app' ? roundRect(x, y, 0.5, 0.5, 0.44, 0.44, 0.1) <= 0 : Math.hypot(x - 0.5, y - 0.5) <= 0.48;
  if (!bg) return null;
  if (dot(x, y)) return [...TEAL, 255];
  if (bubble(x, y)) return [...WHITE, 255];
  return [...TEAL, 255];
}

export function render(size, mode) {
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const p = pixel(mode, (px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!p) continue;
          r += p[0];
          g += p[1];
          b += p[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (!a) continue;
      out[i] = r / a;
      out[i + 1] = g / a;
      out[i + 2] = b / a;
      out[i + 3] = (255 * a) / (n * n);
    }
  }
  return encodePng(size, out);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = new URL('../resources/', import.meta.url);
  writeFileSync(new URL('icon.png', dir), render(1024, 'app'));
  writeFileSync(new URL('tray.png', dir), render(32, 'tray'));
  writeFileSync(new URL('trayTemplate.png', dir), render(16, 'template'));
  writeFileSync(new URL('trayTemplate@2x.png', dir), render(32, 'template'));
  console.log('icons written to resources/');
}
