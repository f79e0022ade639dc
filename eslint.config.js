// Lint, including the import layering of DESIGN.md §Folders: a violation fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'net', 'http', 'https', 'url', 'events', 'stream'];
const layer = (name) => ({ group: [`**/${name}`, `**/${name}/**`], message: `${name} may not be imported from this layer (DESIGN.md §Folders).` });
const electron = { group: ['electron', 'electron/*'], message: 'Only src-main/shell and src-preload may import electron.' };
const node = { group: nodeBuiltins, message: 'Node built-ins are not allowed in this layer (DESIGN.md §Folders).' };
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'dist-*', 'out', 'test-results', 'playwright-report', '.threadline', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-shared/**'],
    rules: restrict(node, electron, layer('src-server'), layer('src-main'), layer('src-renderer'), layer('src-widget'), layer('src-preload'),
      { group: ['react', 'react-dom', 'better-sqlite3', 'kysely', 'fastify', 'ws', 'pino'], message: 'src-shared holds pure logic only.' }),
  },
  {
    files: ['src-server/**'],
    rules: restrict(electron, layer('src-main'), layer('src-renderer'), layer('src-widget'), layer('src-preload')),
  },
  {
    files: ['src-main/core/**'],
    rules: restrict(electron, layer('src-server'), layer('src-renderer'), layer('src-widget'), layer('src-preload'), layer('shell'), layer('host')),
  },
  {
    files: ['src-main/host/**'],
    rules: restrict(electron, layer('src-server'), layer('src-renderer'), layer('src-widget'), layer('src-preload'), layer('shell')),
  },
  {
    files: ['src-main/shell/**'],
    rules: restrict(layer('src-server'), layer('src-renderer'), layer('src-widget'), layer('host')),
  },
  {
    files: ['src-preload/**'],
    rules: restrict(node, layer('src-server'), layer('src-main'), layer('src-renderer'), layer('src-widget')),
  },
  {
    files: ['src-renderer/**', 'src-widget/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  { files: ['src-renderer/**'], rules: restrict(node, electron, layer('src-server'), layer('src-main'), layer('src-preload'), layer('src-widget')) },
  { files: ['src-widget/**'], rules: restrict(node, electron, layer('src-server'), layer('src-main'), layer('src-preload'), layer('src-renderer')) },
);
