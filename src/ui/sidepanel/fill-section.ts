import { PagewiseError, type FieldOutcome, type FillPlan, type FillProposal, type FormListing, type PortClient } from '../../protocol';
import { button, el } from '../shared/dom';
import { t } from '../shared/i18n';
import { readSetting } from '../shared/stored-setting';

/**
 * The side panel's "Fill a form": list the active tab's fields, plan values (profile rules, then the model with
 * the user's instruction), show each proposal with a box to accept or reject it while the page marks it in
 * place, then apply what was accepted and offer undo. Every value shown is text (textContent), whatever the
 * page or the model wrote.
 */
export class FillSection {
  private readonly instruction: HTMLTextAreaElement;
  private readonly allowSensitive: HTMLInputElement;
  private readonly status = el('p', { className: 'fill-status' });
  private readonly list = el('ul', { className: 'fill-proposals' });
  private readonly refused = el('ul', { className: 'fill-refused' });
  private readonly questions = el('ul', { className: 'fill-questions' });
  private readonly outcomes = el('ul', { className: 'fill-outcomes' });
  private readonly propose: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly apply: HTMLButtonElement;
  private readonly undo: HTMLButtonElement;
  private running: AbortController | undefined;
  private tabId: number | undefined;
  private proposals: FillProposal[] = [];
  private readonly accepted = new Set<string>();
  /** The listing the proposals are for: what each field holds now. */
  private listing: FormListing | undefined;

  constructor(
    section: HTMLElement,
    private readonly engine: () => PortClient,
    private readonly explain: (error: unknown) => string,
    private readonly windowId: () => Promise<number | undefined>,
  ) {
    this.status.setAttribute('role', 'status');
    this.instruction = el('textarea', { id: 'fill-instruction', rows: 2, maxLength: 2000, dir: 'auto', placeholder: t('fillInstructionPlaceholder') });
    this.allowSensitive = el('input', { type: 'checkbox', id: 'fill-allow-sensitive' });
    this.propose = button(t('fillPropose'), () => void this.plan(), 'fill-propose');
    this.cancel = button(t('cancel'), () => this.running?.abort(), 'fill-cancel', true);
    this.apply = button(t('fillApply'), () => void this.applyAccepted(), 'fill-apply');
    this.undo = button(t('fillUndo'), () => void this.undoApply(), 'fill-undo', true);
    this.cancel.hidden = this.apply.hidden = this.undo.hidden = true;
    section.append(
      el('h2', { textContent: t('fillHeading') }),
      el('label', { htmlFor: 'fill-instruction', className: 'muted', textContent: t('fillInstructionLabel') }),
      this.instruction,
      el('label', { className: 'fill-sensitive' }, this.allowSensitive, ` ${t('fillAllowSensitive')}`),
      el('div', { className: 'actions' }, this.propose, this.cancel),
      this.status,
      this.list,
      this.questions,
      this.refused,
      el('div', { className: 'actions' }, this.apply, this.undo),
      this.outcomes,
    );
  }

  private async plan(): Promise<void> {
    this.running?.abort();
    const running = (this.running = new AbortController());
    const { signal } = running;
    this.reset();
    this.cancel.hidden = false;
    this.propose.disabled = true;
    this.say(t('fillListing'));
    try {
      const windowId = await this.windowId();
      const { tabId, listing } = await this.engine().call('fill.collect', windowId === undefined ? {} : { windowId }, { signal });
      this.tabId = tabId;
      this.listing = listing;
      if (listing.fields.length === 0) throw new PagewiseError('unsupported', t('fillNoFields'));
      const profile = await readSetting('fillProfile');
      this.say(t('fillPlanning', String(listing.fields.length)));
      const plan = await this.engine().call(
        'fill.plan',
        { listing, profile, instruction: this.instruction.value.trim(), allowSensitive: this.allowSensitive.checked },
        {
          signal,
          onEvent: (event) => {
            if (event.type === 'proposal') this.show(event.proposal);
            else if (event.type === 'refusal') this.refuse(event.refusal.asked, event.refusal.reason);
            else this.say(t('fillModelStep', String(event.step)));
          },
        },
      );
      this.finish(plan, listing.truncated);
    } catch (error) {
      this.say(this.explain(error), true);
    } finally {
      if (this.running === running) this.running = undefined;
      this.cancel.hidden = true;
      this.propose.disabled = false;
    }
  }

  private reset(): void {
    this.proposals = [];
    this.accepted.clear();
    this.list.replaceChildren();
    this.refused.replaceChildren();
    this.questions.replaceChildren();
    this.outcomes.replaceChildren();
    this.apply.hidden = this.undo.hidden = true;
    if (this.tabId !== undefined) void this.engine().call('fill.preview', { tabId: this.tabId, marks: [] }).catch(() => undefined);
  }

  /**
   * Adds or replaces the proposal for a field (the model may propose again for the same field). A new proposal
   * is ticked unless it is sensitive or would replace a value the field already holds; one already listed keeps
   * the tick the user gave it.
   */
  private show(proposal: FillProposal): void {
    const known = this.proposals.some((p) => p.fieldId === proposal.fieldId);
    this.proposals = [...this.proposals.filter((p) => p.fieldId !== proposal.fieldId), proposal];
    const replaced = this.replaced(proposal);
    if (!known) {
      if ((!proposal.sensitive || this.allowSensitive.checked) && !replaced) this.accepted.add(proposal.fieldId);
      else this.accepted.delete(proposal.fieldId);
    }
    const box = el('input', { type: 'checkbox', checked: this.accepted.has(proposal.fieldId) });
    box.dataset['field'] = proposal.fieldId;
    box.addEventListener('change', () => {
      if (box.checked) this.accepted.add(proposal.fieldId);
      else this.accepted.delete(proposal.fieldId);
      this.preview();
    });
    const notes = [t(proposal.source === 'profile' ? 'fillFromProfile' : 'fillFromModel')];
    if (proposal.sensitive) notes.push(t('fillSensitive'));
    if (replaced) notes.push(t('fillReplaces', replaced));
    const item = el(
      'li',
      {},
      el('span', { className: 'fill-number' }),
      el('label', {}, box, ' ', el('span', { className: 'fill-label', dir: 'auto', textContent: proposal.label || proposal.fieldId }), ' ', el('span', { className: 'fill-value', dir: 'auto', textContent: proposal.shown })),
      el('span', { className: 'muted fill-source', textContent: ` ${notes.join(' · ')}` }),
    );
    item.dataset['field'] = proposal.fieldId;
    const existing = this.list.querySelector(`li[data-field="${CSS.escape(proposal.fieldId)}"]`);
    if (existing) existing.replaceWith(item);
    else this.list.append(item);
    this.number();
  }

  /** What the field holds now that the proposal would replace (text a person or the page put there), if anything. */
  private replaced(proposal: FillProposal): string {
    const fields = new Map(this.listing?.fields.map((field) => [field.id, field]));
    const held = proposal.writes
      .map((write) => fields.get(write.id))
      .filter((field) => field && (field.control === 'input' || field.control === 'textarea') && field.value.trim() !== '')
      .map((field) => field!.value);
    return held.join(' ').slice(0, 80);
  }

  /** Numbers the list in order, the same numbers the page's marks show. */
  private number(): void {
    [...this.list.children].forEach((item, i) => (item.querySelector('.fill-number')!.textContent = `${i + 1}. `));
  }

  private refuse(asked: string, reason: string): void {
    this.refused.append(el('li', { className: 'error' }, el('span', { dir: 'auto', textContent: asked }), ': ', el('span', { dir: 'auto', textContent: reason })));
  }

  private finish(plan: FillPlan, truncated: boolean): void {
    for (const proposal of plan.proposals) this.show(proposal);
    for (const question of plan.questions) this.questions.append(el('li', { dir: 'auto', textContent: question }));
    const parts = [plan.proposals.length === 0 ? t('fillNothingProposed') : t('fillProposed', String(plan.proposals.length))];
    if (plan.answer) parts.push(plan.answer);
    if (truncated) parts.push(t('fillTruncated'));
    this.say(parts.join(' '));
    this.apply.hidden = plan.proposals.length === 0;
    this.preview();
  }

  private preview(): void {
    if (this.tabId === undefined) return;
    const order = [...this.list.children].map((item) => (item as HTMLElement).dataset['field']!);
    const marks = order.flatMap((fieldId, i) => (this.accepted.has(fieldId) ? [{ fieldId, number: i + 1 }] : []));
    void this.engine().call('fill.preview', { tabId: this.tabId, marks }).catch((error: unknown) => this.say(this.explain(error), true));
  }

  private async applyAccepted(): Promise<void> {
    if (this.tabId === undefined || this.apply.disabled) return;
    const chosen = this.proposals.filter((p) => this.accepted.has(p.fieldId));
    // One apply at a time: a second click would find every field changed and report the fill as failed.
    this.apply.disabled = true;
    try {
      const { outcomes, blockedSubmits } = await this.engine().call('fill.apply', { tabId: this.tabId, writes: chosen.flatMap((p) => p.writes), allowSensitive: this.allowSensitive.checked });
      this.report(outcomes, chosen);
      if (blockedSubmits > 0) this.outcomes.append(el('li', { className: 'error', textContent: t('fillBlockedSubmit') }));
      this.apply.hidden = true;
      this.undo.hidden = !outcomes.some((o) => o.outcome === 'written' || o.outcome === 'wiped');
    } catch (error) {
      this.say(this.explain(error), true);
      // The answer was lost, not necessarily the writes (the worker restarted while the page wrote): Undo puts
      // back whatever the page still holds of ours, and does nothing where nothing was written.
      this.undo.hidden = false;
    } finally {
      this.apply.disabled = false;
    }
  }

  private async undoApply(): Promise<void> {
    if (this.tabId === undefined || this.undo.disabled) return;
    this.undo.disabled = true;
    try {
      const { outcomes, blockedSubmits } = await this.engine().call('fill.undo', { tabId: this.tabId });
      this.report(outcomes, this.proposals);
      if (blockedSubmits > 0) this.outcomes.append(el('li', { className: 'error', textContent: t('fillBlockedSubmit') }));
      this.undo.hidden = true;
    } catch (error) {
      this.say(this.explain(error), true);
    } finally {
      this.undo.disabled = false;
    }
  }

  /** One line per field a person sees (a split field's parts are reported once, by their worst outcome). */
  private report(outcomes: readonly FieldOutcome[], proposals: readonly FillProposal[]): void {
    const ownerOf = new Map(proposals.flatMap((p) => p.writes.map((w) => [w.id, p] as const)));
    const byField = new Map<string, FieldOutcome>();
    const rank = { refused: 3, wiped: 2, written: 1, restored: 1 } as const;
    for (const outcome of outcomes) {
      const key = ownerOf.get(outcome.id)?.fieldId ?? outcome.id;
      const known = byField.get(key);
      if (!known || rank[outcome.outcome] > rank[known.outcome]) byField.set(key, outcome);
    }
    this.outcomes.replaceChildren();
    for (const [fieldId, outcome] of byField) {
      const label = proposals.find((p) => p.fieldId === fieldId)?.label || fieldId;
      const item = el('li', { className: outcome.outcome === 'refused' || outcome.outcome === 'wiped' ? 'error' : '' }, el('span', { dir: 'auto', textContent: label }), `: ${t(`fillOutcome_${outcome.outcome}`)}`);
      if (outcome.reason) item.append(' ', el('span', { className: 'muted', textContent: outcome.reason }));
      item.dataset['field'] = fieldId;
      item.dataset['outcome'] = outcome.outcome;
      this.outcomes.append(item);
    }
    const counts = [...byField.values()].filter((o) => o.outcome === 'written' || o.outcome === 'restored').length;
    this.say(t(outcomes.some((o) => o.outcome === 'restored') ? 'fillUndone' : 'fillApplied', String(counts)));
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }
}
