import { type TranslateRules } from '../../protocol';
import type { EngineConnection } from '../shared/engine-connection';
import { messageLocale, t } from '../shared/i18n';
import { readSetting, saveSetting } from '../shared/stored-setting';

type RuleList = 'alwaysLanguages' | 'alwaysSites' | 'neverSites';
const LISTS: Array<[RuleList, string]> = [
  ['alwaysLanguages', 'translateRulesAlwaysLanguages'],
  ['alwaysSites', 'translateRulesAlwaysSites'],
  ['neverSites', 'translateRulesNeverSites'],
];

/**
 * The translation rules the popup made (each with a Remove button) and the saved translations (with a button to
 * forget them). Rules are changed in the popup, on the page they are about.
 */
export function mountTranslateSettings(section: HTMLElement, connection: EngineConnection): void {
  const heading = document.createElement('h2');
  heading.textContent = t('translateSettingsHeading');
  const rules = document.createElement('div');
  const clear = document.createElement('button');
  clear.type = 'button';
  clear.className = 'secondary';
  clear.textContent = t('translateClearCache');
  const cleared = document.createElement('output');
  cleared.setAttribute('aria-live', 'polite');
  const glossaryLabel = document.createElement('label');
  glossaryLabel.htmlFor = 'translate-glossary';
  glossaryLabel.textContent = t('translateGlossaryLabel');
  const glossary = document.createElement('textarea');
  glossary.id = 'translate-glossary';
  glossary.rows = 4;
  glossary.cols = 40;
  glossary.setAttribute('aria-describedby', 'translate-glossary-status');
  const glossaryStatus = document.createElement('output');
  glossaryStatus.id = 'translate-glossary-status';
  glossaryStatus.setAttribute('aria-live', 'polite');
  const glossaryBlock = document.createElement('p');
  glossaryBlock.append(glossaryLabel, document.createElement('br'), glossary, document.createElement('br'), glossaryStatus);
  void readSetting('translateGlossary').then((terms) => (glossary.value = terms.join('\n')));
  glossary.addEventListener('change', () => {
    const terms = [...new Set(glossary.value.split('\n').map((term) => term.trim()).filter(Boolean))];
    void saveSetting('translateGlossary', terms).then((saved) => (glossaryStatus.textContent = t(saved ? 'translateGlossarySaved' : 'translateGlossaryTooLong', String(terms.length))));
  });
  section.append(heading, rules, glossaryBlock, clear, ' ', cleared);
  const names = new Intl.DisplayNames([messageLocale()], { type: 'language' });
  const label = (list: RuleList, value: string): string => {
    if (list !== 'alwaysLanguages') return value;
    try {
      return names.of(value) ?? value;
    } catch {
      return value;
    }
  };

  const render = (current: TranslateRules): void => {
    rules.replaceChildren();
    if (current.to) {
      const target = document.createElement('p');
      target.textContent = t('translateRulesTarget', label('alwaysLanguages', current.to));
      rules.append(target);
    }
    for (const [list, title] of LISTS) {
      const block = document.createElement('p');
      const name = document.createElement('strong');
      name.textContent = t(title);
      block.append(name);
      if (current[list].length === 0) {
        const none = document.createElement('span');
        none.className = 'muted';
        none.textContent = ` ${t('translateRulesNone')}`;
        block.append(none);
      }
      const items = document.createElement('ul');
      for (const value of current[list]) {
        const item = document.createElement('li');
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'secondary';
        remove.textContent = t('translateRuleRemove');
        remove.setAttribute('aria-label', t('translateRuleRemoveNamed', label(list, value)));
        remove.addEventListener('click', () => {
          void (async () => {
            const latest = await readSetting('translateRules');
            const next = { ...latest, [list]: latest[list].filter((v) => v !== value) };
            await saveSetting('translateRules', next);
            render(next);
          })();
        });
        item.append(`${label(list, value)} `, remove);
        items.append(item);
      }
      if (current[list].length > 0) block.append(items);
      rules.append(block);
    }
  };
  void readSetting('translateRules').then(render);

  clear.addEventListener('click', () => {
    void connection.engine
      .call('translate.clear-cache', {})
      .then(({ entries }) => (cleared.textContent = t('translateCacheCleared', String(entries))))
      .catch((error: unknown) => (cleared.textContent = error instanceof Error ? error.message : String(error)));
  });
}
