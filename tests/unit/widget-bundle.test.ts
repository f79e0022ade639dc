// The shipped bundles, built with the real Vite configs into temp dirs: the widget is one small
// self-contained classic script; the renderer loads from relative paths with no inline script.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '../..');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-ui-build-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

describe('widget bundle', () => {
  it('is a single IIFE under 30 KB that never writes HTML', async () => {
    const outDir = path.join(temp, 'widget');
    await build({ configFile: path.join(root, 'vite.widget.config.ts'), logLevel: 'silent', build: { outDir } });
    expect(listFiles(outDir)).toEqual(['widget.js']);
    const code = fs.readFileSync(path.join(outDir, 'widget.js'), 'utf8');
    expect(code.length).toBeLessThan(30_000);
    expect(code.trimStart().startsWith('(function')).toBe(true);
    expect(code).not.toMatch(/\bimport\s*\(|^import |\bexport\b/m);
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(code).toContain('/ws/widget');
  }, 60_000);
});

describe('renderer bundle', () => {
  it('has an index.html with relative asset URLs and no inline script', async () => {
    const outDir = path.join(temp, 'renderer');
    await build({ configFile: path.join(root, 'vite.renderer.config.ts'), logLevel: 'silent', build: { outDir, sourcemap: false } });
    const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(0);
    for (const src of srcs) expect(src.startsWith('./assets/') || src.startsWith('data:')).toBe(true);
    expect(srcs.some((s) => s.startsWith('./assets/') && s.endsWith('.js'))).toBe(true);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // Customer text is rendered as React text only: no component may opt into raw HTML.
    const sources = listFiles(path.join(root, 'src-renderer')).filter((f) => /\.tsx?$/.test(f));
    expect(sources.length).toBeGreaterThan(5);
    for (const f of sources) expect(fs.readFileSync(path.join(root, 'src-renderer', f), 'utf8')).not.toMatch(/dangerouslySetInnerHTML|innerHTML/);
  }, 60_000);
});
