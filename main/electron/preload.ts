// Runs sandboxed before the renderer: exposes the typed contract as `window.chot` and its events as `window.chotEvents`, and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi, createPreloadEvents } from './preload-api.js';

contextBridge.exposeInMainWorld('chot', createPreloadApi(ipcRenderer));
// The core's pushes (device verdicts, device states), as the browser-mode WebSocket's {t:'event'} messages.
contextBridge.exposeInMainWorld('chotEvents', createPreloadEvents(ipcRenderer));
