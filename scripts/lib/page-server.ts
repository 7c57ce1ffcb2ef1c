import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | void;

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 for pages under test. `pages` maps paths to HTML; `routes` handle
 * anything else (downloads, faults) and return false to fall through.
 */
export async function startPageServer(
  pages: Record<string, string>,
  routes: Route[] = [],
  port = 0,
): Promise<PageServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const html = pages[path];
    if (html !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    for (const route of routes) if (route(req, res) !== false) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${boundPort}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every `.html` file in `dir`, keyed by its path on the server (`/name.html`; `index.html` also as `/`). */
export function pagesFromDirectory(dir: string): Record<string, string> {
  const pages: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.html'))) {
    pages[`/${file}`] = readFileSync(join(dir, file), 'utf8');
  }
  if (pages['/index.html']) pages['/'] = pages['/index.html'];
  return pages;
}
