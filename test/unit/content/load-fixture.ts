import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';

/** A saved page loaded into happy-dom at a real-looking URL, with styles applied (for the visibility checks). */
export function loadFixture(name: string): Document {
  const html = readFileSync(join(import.meta.dirname, '../../fixtures/pages', name), 'utf8');
  const window = new Window({ url: `https://example.test/${name}`, settings: { disableJavaScriptEvaluation: true, disableCSSFileLoading: true } });
  window.document.write(html);
  return window.document as unknown as Document;
}
