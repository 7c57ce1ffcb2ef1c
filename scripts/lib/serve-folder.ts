// Serves a model folder on 127.0.0.1 with the CORS and CORP headers a cross-origin-isolated extension page needs.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { startPageServer, type PageServer } from './page-server';

export function serveFolder(root: string): Promise<PageServer> {
  return startPageServer({}, [
    (req, res) => {
      const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile()) return false;
      res.writeHead(200, { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin', 'content-length': statSync(path).size });
      createReadStream(path).pipe(res);
      return true;
    },
  ]);
}
