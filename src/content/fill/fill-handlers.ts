import type { Handlers, pageCommands } from '../../protocol';
import { shadowRootOf } from '../page/dom-reach';
import { FillSession } from './fill-session';

type FillPageCommands = Pick<typeof pageCommands, 'page.fill-collect' | 'page.fill-preview' | 'page.fill-apply' | 'page.fill-undo'>;

/** One fill at a time per page: listing again starts a new one (the earlier ids no longer mean anything). */
let session: FillSession | undefined;

function current(): FillSession {
  if (!session) throw new Error('The form was not listed on this page yet (or the page was reloaded): list it again.');
  return session;
}

export const fillPageHandlers: Handlers<FillPageCommands, undefined> = {
  'page.fill-collect': async () => {
    session ??= new FillSession(document, { shadowRootOf });
    return await session.collect();
  },
  'page.fill-preview': async ({ marks }) => ({ shown: current().preview(marks) }),
  'page.fill-apply': async ({ writes, allowSensitive }) => current().apply(writes, allowSensitive),
  'page.fill-undo': async () => current().undo(),
};
