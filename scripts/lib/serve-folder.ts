// Serves a model folder on 127.0.0.1 with the CORS and CORP headers a cross-origin-isolated extension page needs.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { startPageServer, type PageServer } from './page-server';

/**
 * `replacements` maps a path on the server (`/generation_config.json`) to text served instead of the file
 * on disk: a test can change one small file of a shared model folder without copying the folder.
 */
export function serveFolder(root: string, replacements: Record<string, string> = {}): Promise<PageServer> {
  const headers = { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' };
  return startPageServer({}, [
    (req, res) => {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const replacement = replacements[pathname];
      if (replacement !== undefined) {
        const body = Buffer.from(replacement, 'utf8');
        res.writeHead(200, { ...headers, 'content-length': body.length });
        res.end(body);
        return true;
      }
      const path = normalize(join(root, pathname));
      if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile()) return false;
      res.writeHead(200, { ...headers, 'content-length': statSync(path).size });
      createReadStream(path).pipe(res);
      return true;
    },
  ]);
}
