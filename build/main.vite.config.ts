// Bundles the Electron main process (shell + core + shared) into dist-main/shell/ (ESM; package.json
// "main" is dist-main/shell/main.js). Packages in node_modules stay external: electron is provided by
// the runtime, better-sqlite3 is a native module rebuilt for Electron by electron-builder.
// The core's SQLite worker is a second entry: the core starts it as `./cache-worker.js` next to itself.
// Run: vite build --config build/main.vite.config.ts
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

export default defineConfig({
  root: repo(''),
  publicDir: false,
  build: {
    ssr: true,
    outDir: repo('dist-main/shell'),
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    sourcemap: true,
    rolldownOptions: {
      input: {
        main: repo('src-main/shell/main.ts'),
        'cache-worker': repo('src-main/core/cache/cache-worker.ts'),
      },
      external: ['electron', /^node:/, ...builtinModules],
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  ssr: { target: 'node' },
});
