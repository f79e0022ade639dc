// The agent workspace UI. Relative base so the same build works under Electron's app:// protocol
// and under the browser host's http:// origin.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: fileURLToPath(new URL('./src-renderer', import.meta.url)),
  base: './',
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // No inline preload helper script: keeps the page compatible with a strict CSP.
    modulePreload: { polyfill: false },
  },
});
