import type { CommandResult, TranslateMode } from '../../protocol';
import { t } from '../shared/i18n';
import { readSetting, saveSetting } from '../shared/stored-setting';

type TabStatus = CommandResult<'translate.describe'>;
type RuleList = 'alwaysLanguages' | 'alwaysSites' | 'neverSites';

/**
 * The popup's "translate by itself" boxes for the page at hand: always its language, always its site, never its
 * site. A rule translates into the target and display chosen when it was ticked, shown beside the boxes.
 */
export function mountTranslateRules(root: HTMLElement, nameOf: (tag: string) => string, choice: () => { to: string; mode: TranslateMode }): { show(tab: TabStatus): void } {
  const box = root.querySelector<HTMLFieldSetElement>('#translate-rules')!;
  const language = root.querySelector<HTMLInputElement>('#rule-language')!;
  const siteAlways = root.querySelector<HTMLInputElement>('#rule-site-always')!;
  const siteNever = root.querySelector<HTMLInputElement>('#rule-site-never')!;
  const target = root.querySelector<HTMLElement>('#translate-rules-target')!;
  let tab: TabStatus | undefined;
  const languageOf = (status: TabStatus) => status.pageLanguage.split('-')[0]!.toLowerCase();

  const show = async (status: TabStatus): Promise<void> => {
    tab = status;
    const rules = await readSetting('translateRules');
    box.hidden = !status.host;
    const lang = languageOf(status);
    language.parentElement!.hidden = !lang;
    root.querySelector('#rule-language-label')!.textContent = t('translateRuleLanguage', nameOf(lang || 'und'));
    language.checked = rules.alwaysLanguages.includes(lang);
    siteAlways.checked = rules.alwaysSites.includes(status.host);
    siteNever.checked = rules.neverSites.includes(status.host);
    const any = rules.alwaysLanguages.length + rules.alwaysSites.length > 0;
    target.hidden = !any || !rules.to;
    if (rules.to) target.textContent = t('translateRulesTarget', nameOf(rules.to));
  };
  const save = async (list: RuleList, value: string, on: boolean): Promise<void> => {
    if (!value) return;
    const rules = await readSetting('translateRules');
    const { to, mode } = choice();
    const next = { ...rules, [list]: [...rules[list].filter((v) => v !== value), ...(on ? [value] : [])] };
    // A new "always" rule translates into the target chosen now.
    if (on && list !== 'neverSites') Object.assign(next, { to, mode });
    // "Always" and "never" for the same site cannot both hold: the newer choice stands.
    if (list === 'alwaysSites' && on) next.neverSites = next.neverSites.filter((v) => v !== value);
    if (list === 'neverSites' && on) next.alwaysSites = next.alwaysSites.filter((v) => v !== value);
    await saveSetting('translateRules', next);
    if (tab) await show(tab);
  };
  language.addEventListener('change', () => void save('alwaysLanguages', tab ? languageOf(tab) : '', language.checked));
  siteAlways.addEventListener('change', () => void save('alwaysSites', tab?.host ?? '', siteAlways.checked));
  siteNever.addEventListener('change', () => void save('neverSites', tab?.host ?? '', siteNever.checked));
  return { show: (status) => void show(status) };
}
