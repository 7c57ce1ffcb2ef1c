import type { RefusedMessage } from '../../protocol';
import { el } from '../shared/dom';
import type { EngineConnection } from '../shared/engine-connection';
import { errorMessage, formatTime } from '../shared/format';
import { t } from '../shared/i18n';

/**
 * What the worker refused lately, newest first, read afresh each time the section opens. `from` is whatever URL
 * the sender had, so a hostile page chooses it: every field goes in as text, never markup.
 */
export function mountRefusedMessages(details: HTMLDetailsElement, connection: EngineConnection): void {
  const status = el('p', { className: 'muted' });
  const table = el('table', { hidden: true });
  details.append(status, table);
  details.addEventListener('toggle', () => {
    if (!details.open) return;
    status.textContent = t('refusedLoading');
    connection.engine.call('diagnostics.refused-messages', {}).then(
      ({ refused }) => show(refused, status, table),
      (error: unknown) => {
        table.hidden = true;
        status.textContent = t('refusedFailed', [errorMessage(error)]);
      },
    );
  });
}

function show(refused: RefusedMessage[], status: HTMLElement, table: HTMLTableElement): void {
  status.textContent = refused.length ? t('refusedCount', [String(refused.length)]) : t('refusedNone');
  const head = el('tr', {}, ...[t('refusedTime'), t('refusedReason'), t('refusedFrom')].map((textContent) => el('th', { scope: 'col', textContent })));
  const rows = [...refused].reverse().map(({ at, reason, from }) =>
    el('tr', {}, el('td', {}, el('time', { dateTime: new Date(at).toISOString(), textContent: formatTime(at) })), el('td', { textContent: reason }), el('td', { textContent: from })),
  );
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  table.hidden = refused.length === 0;
}
