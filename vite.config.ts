import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: built once, served by Electron's app:// protocol and by the browser shell.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    // CSP is script-src 'self': no inline module-preload polyfill.
    modulePreload: { polyfill: false },
  },
});
