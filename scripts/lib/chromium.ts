import { resolve } from 'node:path';

/** Debian's Chromium; npm never downloads a browser for this project. */
export const CHROMIUM = process.env['PAGEWISE_CHROMIUM'] ?? '/usr/bin/chromium';
export const DIST = resolve(import.meta.dirname, '../../dist');

/**
 * Flags that load the unpacked extension and keep Chromium from phoning home (DESIGN.md "Tests": these
 * machines refuse background connections, and a privacy extension's demo should not make them either).
 */
export function extensionLaunchArgs(options: { webgpu?: boolean } = {}): string[] {
  const args = [
    `--disable-extensions-except=${DIST}`,
    `--load-extension=${DIST}`,
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-dev-shm-usage',
  ];
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-vulkan=swiftshader');
  return args;
}

/** Playwright adds these by default; they would stop our extension from loading. */
export const IGNORED_DEFAULT_ARGS = ['--disable-extensions', '--disable-component-extensions-with-background-pages'];
