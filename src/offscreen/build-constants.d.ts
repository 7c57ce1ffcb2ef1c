/** The extension's version (package.json), set by the build (vite.config.ts `define`). */
declare const __PAGEWISE_VERSION__: string;
