// Bundles the sandboxed preload into ONE CommonJS file: a sandboxed preload gets a restricted
// `require` that can load 'electron' and nothing from disk, so src-shared (and zod) are inlined.
// Run: vite build --config build/preload.vite.config.ts   → dist/preload/preload.cjs
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

export default defineConfig({
  root: repo(''),
  publicDir: false,
  build: {
    outDir: repo('dist/preload'),
    emptyOutDir: true,
    target: 'chrome130',
    minify: true,
    sourcemap: false,
    lib: { entry: repo('src-preload/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rolldownOptions: { external: ['electron'] },
  },
});
