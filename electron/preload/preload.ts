import { contextBridge, ipcRenderer } from 'electron';
import { API_KEY, buildApi } from './api';

/**
 * The sandboxed preload: `window.keyholder`, the typed API built from the contract's channel
 * names, and nothing else. The page never gets ipcRenderer, events, a free choice of channel,
 * or any Node API. Main checks the sender and the payload of every call, so there is no
 * security logic here to get wrong.
 */
contextBridge.exposeInMainWorld(
  API_KEY,
  buildApi((channel, request) => ipcRenderer.invoke(channel, request)),
);
