import browser from 'webextension-polyfill';
import * as v from 'valibot';
import { TRANSLATE_PORT, WorkerToPageSchema, type Handlers, type PageToWorker, type pageCommands } from '../../protocol';
import { shadowRootOf } from '../page/dom-reach';
import { PageTranslation } from './page-translation';
import { showSelectionBubble } from './selection-bubble';

/**
 * The page side of translation. The worker opens the channel when the user asks to translate this tab (nothing
 * on the page can); this script then asks for batches over it and writes what comes back. One translation per
 * page, kept across channels, so "show original" works even after the worker restarted.
 */
let translation: PageTranslation | undefined;

export function listenForTranslation(): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== TRANSLATE_PORT || port.sender?.id !== browser.runtime.id || port.sender.tab) {
      port.disconnect();
      return;
    }
    const post = (message: PageToWorker): void => {
      try {
        port.postMessage(message);
      } catch {
        // The channel closed under us: the disconnect handler below takes care of the rest.
      }
    };
    translation?.attach(post);
    port.onDisconnect.addListener(() => translation?.disconnected());
    port.onMessage.addListener((raw: unknown) => {
      const parsed = v.safeParse(WorkerToPageSchema, raw);
      if (!parsed.success) return;
      const message = parsed.output;
      if (message.kind === 'start') {
        const settings = { to: message.to, from: message.from || pageLanguage(), mode: message.mode, wholePage: message.wholePage };
        if (!translation) {
          translation = new PageTranslation(settings, post, shadowRootOf);
          translation.start();
        } else {
          translation.retarget(settings);
        }
        post({ kind: 'status', status: translation.status() });
        return;
      }
      if (!translation) return;
      if (message.kind === 'mode') translation.setMode(message.mode);
      else if (message.kind === 'restore') translation.restore();
      else translation.receive(message);
    });
  });
}

/** The detector's reading of the page, taken once (the popup asks every second while it is open). */
let detection: Promise<string> | undefined;
let detected = '';

/** The page's language: the detector's reliable reading when it has one (pages often declare theirs wrong), else the declared one. */
function pageLanguage(): string {
  const declared = document.documentElement.lang;
  return detected || (isLanguageTag(declared) ? declared : '');
}

function isLanguageTag(value: string | undefined): value is string {
  return !!value && value.length <= 35 && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(value);
}

async function detect(): Promise<string> {
  const sample = (document.body?.innerText ?? '').slice(0, 4000);
  if (!sample.trim()) return '';
  const result = await browser.i18n.detectLanguage(sample);
  const top = result.isReliable ? result.languages[0]?.language : undefined;
  return isLanguageTag(top) ? top : '';
}

/** `page.language`: what the page declares, and what the browser's detector reads in its text; `page.show-translation`: the selection bubble. */
export const translatePageHandlers: Pick<Handlers<typeof pageCommands, undefined>, 'page.language' | 'page.show-translation' | 'page.translation-status'> = {
  'page.translation-status': async () => (translation ? { status: translation.status() } : {}),
  'page.show-translation': async (content) => {
    showSelectionBubble(content);
    return {};
  },
  'page.language': async () => {
    detection ??= detect().catch(() => '');
    detected = await detection;
    const declared = document.documentElement.lang;
    return { declared: isLanguageTag(declared) ? declared : '', detected };
  },
};
