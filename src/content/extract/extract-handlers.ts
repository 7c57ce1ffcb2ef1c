import type { Handlers, pageCommands } from '../../protocol';
import { extractPage } from './page-extractor';

/**
 * `page.extract`: the page's readable text for summaries and questions. Answered only to the service
 * worker (content-script.ts checks the sender), so a page cannot make Pagewise read it on its own.
 */
export const extractHandlers: Pick<Handlers<typeof pageCommands, undefined>, 'page.extract'> = {
  'page.extract': async () => extractPage(document, window.getSelection()?.toString() ?? ''),
};
