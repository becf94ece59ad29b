// Runs sandboxed before the renderer: exposes the typed contract as `window.chot`, and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-api.js';

contextBridge.exposeInMainWorld('chot', createPreloadApi(ipcRenderer));
