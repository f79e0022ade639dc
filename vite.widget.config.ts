// The customer chat widget: one self-contained IIFE file (no CSS files, no chunks),
// embeddable on any site with a single <script> tag; the server serves it at /widget.js.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist/widget', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    cssCodeSplit: false,
    lib: {
      entry: fileURLToPath(new URL('./src-widget/widget.ts', import.meta.url)),
      formats: ['iife'],
      name: 'ThreadlineWidget',
      fileName: () => 'widget.js',
    },
  },
});
