// The sandboxed preload. Bundled to one CommonJS file (dist/preload/preload.cjs) by
// build/preload.vite.config.ts, because a sandboxed preload cannot load other modules.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeBridge } from './bridge';

exposeBridge(contextBridge, ipcRenderer);
