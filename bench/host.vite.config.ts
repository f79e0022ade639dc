// Bundles the browser host CLI (core + cache worker) the way the desktop build bundles the core, so the
// renderer and memory benchmarks start a production-like host (plain JS, no TypeScript compiler at run time).
// Output: dist-bench/host/{cli,cache-worker}.js (cli.js resolves dist/renderer from two levels up, as from src).
// Run: vite build --config bench/host.vite.config.ts (bench/run.ts does it when the output is missing or stale).
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

export default defineConfig({
  root: repo(''),
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: repo('dist-bench/host'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rolldownOptions: {
      input: {
        cli: repo('src-main/host/cli.ts'),
        'cache-worker': repo('src-main/core/cache/cache-worker.ts'),
      },
      external: ['electron', /^node:/, ...builtinModules],
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  ssr: { target: 'node' },
});
