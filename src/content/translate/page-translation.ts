// One tab's translation: finds units, sends those in view first (then those near it, in the direction the user
// scrolls, and the rest as they come into reach or all at once when asked), writes each unit the moment it comes
// back, follows new content, and can put the page back exactly as it was. The page is hostile and the answers
// are untrusted: only units collected here are written, only with text, and only while they still hold the text
// they were collected with.
import { piecesText, type ErrorCode, type InlinePiece, type PageToWorker, type TranslateMode, type TranslateStatus, type WorkerToPage } from '../../protocol';
import { BilingualView } from './bilingual-view';
import { isElement } from '../page/dom-reach';
import { OWN_MARK, UnitCollector, type PageUnit, type TextUnit } from './page-units';
import { baseLanguage, directionOf, joinsWithoutSpaces } from './text-direction';
import { UnitWriter } from './unit-writer';

type UnitState = 'pending' | 'sent' | 'done' | 'failed' | 'stale';

interface Tracked {
  unit: PageUnit;
  /** The unit's language as the page gave it when collected (before Pagewise set any `lang`). */
  from: string;
  state: UnitState;
  request?: number;
  /** The translation as it came back, kept to switch display modes without asking the model again. */
  pieces?: InlinePiece[];
}

export interface TranslationSettings {
  to: string;
  /** The page's language (declared, detected or chosen by the user); empty when unknown. */
  from: string;
  mode: TranslateMode;
  wholePage: boolean;
}

/** Units and characters per request: a batch the host splits further by tokens, small enough to come back soon. */
const BATCH = { units: 16, chars: 1600 } as const;
const IN_FLIGHT = 2;
/** Mutation records held between frames, and times one text node may change under us and be translated again. */
const MAX_PENDING_RECORDS = 10_000;
const MAX_REWRITES = 3;
/** Main-thread time one slice of collecting may take (the page stays responsive under 50 ms tasks). */
const SLICE_MS = 8;

export class PageTranslation {
  private readonly tracked = new Map<number, Tracked>();
  private byText = new WeakMap<Text, Set<Tracked>>();
  private readonly byElement = new Map<Element, Set<Tracked>>();
  private readonly collector: UnitCollector;
  private readonly writer = new UnitWriter();
  private readonly bilingual = new BilingualView();
  private readonly visible = new Set<Element>();
  private readonly near = new Set<Element>();
  private readonly requests = new Map<number, number[]>();
  /** Parts of long text nodes, by node: the translations back so far. */
  private readonly parts = new Map<Text, Array<string | undefined>>();
  private nextRequest = 0;
  private lastError: string | undefined;
  /** The engine refused a batch: nothing more is sent until the user starts again. */
  private stoppedBy: ErrorCode | undefined;
  private collectMs = 0;
  private scrollDirection = 1;
  private lastScrollY = 0;
  private stopped = false;
  /** No channel to the worker at the moment. */
  private detached = false;
  private readonly visibleObserver: IntersectionObserver;
  private readonly nearObserver: IntersectionObserver;
  private readonly mutations: MutationObserver;
  private pendingRecords: MutationRecord[] = [];
  private readonly rewrites = new WeakMap<Node, number>();
  private frame: number | undefined;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private settings: TranslationSettings,
    private post: (message: PageToWorker) => void,
    shadowRootOf: (element: Element) => ShadowRoot | null,
  ) {
    this.collector = new UnitCollector({
      to: settings.to,
      shadowRootOf,
      known: (node) => this.writer.isOurs(node) || this.byText.has(node as Text),
    });
    const watch = (set: Set<Element>) => (entries: IntersectionObserverEntry[]) => {
      for (const entry of entries) {
        if (entry.isIntersecting) set.add(entry.target);
        else set.delete(entry.target);
      }
      this.pump();
    };
    this.visibleObserver = new IntersectionObserver(watch(this.visible));
    this.nearObserver = new IntersectionObserver(watch(this.near), { rootMargin: '100% 0px 100% 0px' });
    this.mutations = new MutationObserver((records) => this.queueRecords(records));
    addEventListener('scroll', this.onScroll, { passive: true });
  }

  start(): void {
    this.collector.add(document.body);
    this.mutations.observe(document.body, { childList: true, subtree: true, characterData: true });
    this.collectSlice();
  }

  /** A new target language or mode from the user: units already done in another language are sent again. */
  retarget(settings: TranslationSettings): void {
    const languageChanged = baseLanguage(settings.to) !== baseLanguage(this.settings.to) || settings.from !== this.settings.from;
    if (languageChanged || this.stopped) {
      this.restoreAll();
      this.settings = settings;
      this.stopped = false;
      this.start();
      return;
    }
    const modeChanged = settings.mode !== this.settings.mode;
    this.settings = settings;
    if (modeChanged) this.redisplay();
    for (const item of this.tracked.values()) if (item.state === 'failed') item.state = 'pending';
    this.lastError = undefined;
    this.stoppedBy = undefined;
    this.pump();
    this.reportSoon(0);
  }

  setMode(mode: TranslateMode): void {
    if (mode === this.settings.mode) return this.reportSoon(0);
    this.settings = { ...this.settings, mode };
    this.redisplay();
    this.reportSoon(0);
  }

  /** Takes every translation back out and stops: the page as it was, wherever the page itself left it alone. */
  restore(): void {
    this.restoreAll();
    this.stopped = true;
    this.reportSoon(0);
  }

  receive(message: WorkerToPage): void {
    if (message.kind === 'unit') this.applyUnit(message.id, message.pieces, message.request);
    else if (message.kind === 'batch-done') this.finishRequest(message.request, message.failed);
    else if (message.kind === 'batch-error') this.failRequest(message.request, message.code, message.message);
  }

  /**
   * The channel closed (the worker was stopped, for one, when the engine went idle): what was in flight will not
   * come back, and nothing is sent until a new channel comes. The page keeps its translations and can restore them.
   */
  disconnected(): void {
    this.detached = true;
    this.requeueSent();
    this.post = () => undefined;
    // Said, not silent, when units are still to do: they wait until the user starts again (the popup shows it).
    if (!this.stopped && !this.stoppedBy && [...this.tracked.values()].some((item) => item.state === 'pending')) {
      this.stoppedBy = 'connection-lost';
      this.lastError = undefined;
    }
  }

  /** A new channel (the user started again): work goes on where it stopped. */
  attach(post: (message: PageToWorker) => void): void {
    this.post = post;
    this.detached = false;
    if (this.stoppedBy === 'connection-lost') this.stoppedBy = undefined;
    this.requeueSent();
    this.pump();
  }

  private requeueSent(): void {
    for (const item of this.tracked.values()) if (item.state === 'sent') item.state = 'pending';
    this.requests.clear();
  }

  status(): TranslateStatus {
    let done = 0;
    let failed = 0;
    let found = 0;
    for (const item of this.tracked.values()) {
      if (item.state === 'stale') continue;
      found++;
      if (item.state === 'done') done++;
      if (item.state === 'failed') failed++;
    }
    return {
      active: !this.stopped,
      from: this.settings.from,
      to: this.settings.to,
      mode: this.settings.mode,
      found,
      done,
      failed,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.stoppedBy ? { stoppedBy: this.stoppedBy } : {}),
      collectMs: Math.round(this.collectMs * 10) / 10,
    };
  }

  private restoreAll(): void {
    this.withoutObserving(() => {
      this.bilingual.clear();
      this.writer.restore();
    });
    for (const request of this.requests.keys()) this.post({ kind: 'cancel', request });
    this.requests.clear();
    this.tracked.clear();
    this.parts.clear();
    this.byText = new WeakMap();
    this.byElement.clear();
    this.visibleObserver.disconnect();
    this.nearObserver.disconnect();
    this.mutations.disconnect();
    this.visible.clear();
    this.near.clear();
    this.collector.reset();
  }

  private collectSlice = (): void => {
    if (this.stopped) return;
    const started = performance.now();
    const units = this.collector.collect(started + SLICE_MS);
    for (const unit of units) this.track(unit);
    this.collectMs += performance.now() - started;
    if (units.length > 0) this.pump();
    if (this.collector.pending) setTimeout(this.collectSlice, 0);
    this.reportSoon();
  };

  private track(unit: PageUnit): void {
    const item: Tracked = { unit, from: this.languageOf(unit), state: 'pending' };
    this.tracked.set(unit.id, item);
    if (unit.kind === 'text') {
      for (const node of unit.texts.keys()) {
        const set = this.byText.get(node) ?? new Set();
        set.add(item);
        this.byText.set(node, set);
      }
    }
    let set = this.byElement.get(unit.element);
    if (!set) {
      set = new Set();
      this.byElement.set(unit.element, set);
      this.visibleObserver.observe(unit.element);
      this.nearObserver.observe(unit.element);
    }
    set.add(item);
  }

  /** Sends batches while there is room: in view first, then near it (ahead of the scroll first), then the rest if asked. */
  private pump(): void {
    if (this.stopped || this.stoppedBy || this.detached) return;
    while (this.requests.size < IN_FLIGHT) {
      const batch = this.nextBatch();
      if (batch.length === 0) return;
      const request = this.nextRequest++;
      const from = batch[0]!.from;
      for (const item of batch) {
        item.state = 'sent';
        item.request = request;
      }
      this.requests.set(request, batch.map((item) => item.unit.id));
      this.post({ kind: 'batch', request, batch: { from, to: this.settings.to, units: batch.map((item) => ({ id: item.unit.id, pieces: item.unit.pieces })) } });
    }
  }

  private nextBatch(): Tracked[] {
    const rank = (item: Tracked): number => {
      if (this.visible.has(item.unit.element)) return 0;
      if (this.near.has(item.unit.element)) return 1;
      return this.settings.wholePage ? 2 : Infinity;
    };
    const candidates: Array<{ item: Tracked; rank: number }> = [];
    for (const item of this.tracked.values()) {
      if (item.state !== 'pending') continue;
      const r = rank(item);
      if (r !== Infinity) candidates.push({ item, rank: r });
    }
    if (candidates.length === 0) return [];
    let best = Infinity;
    for (const c of candidates) best = Math.min(best, c.rank);
    let pool = candidates.filter((c) => c.rank === best).map((c) => c.item);
    if (best === 1 && pool.length > BATCH.units) pool = this.aheadFirst(pool);
    const from = pool[0]!.from;
    const batch: Tracked[] = [];
    let chars = 0;
    for (const item of pool) {
      if (item.from !== from) continue;
      const size = piecesText(item.unit.pieces).length;
      if (batch.length > 0 && (batch.length >= BATCH.units || chars + size > BATCH.chars)) break;
      batch.push(item);
      chars += size;
    }
    return batch;
  }

  /** Near units ordered by distance from the viewport, those in the scroll's direction first. */
  private aheadFirst(pool: Tracked[]): Tracked[] {
    const height = innerHeight;
    const distance = (item: Tracked): number => {
      const box = item.unit.element.getBoundingClientRect();
      const below = box.top - height;
      const above = -box.bottom;
      const ahead = this.scrollDirection > 0 ? below : above;
      return ahead >= 0 ? ahead : height * 4 + Math.max(below, above);
    };
    return pool.map((item) => ({ item, d: distance(item) })).sort((a, b) => a.d - b.d).map((x) => x.item);
  }

  private onScroll = (): void => {
    const y = scrollY;
    if (y !== this.lastScrollY) this.scrollDirection = y > this.lastScrollY ? 1 : -1;
    this.lastScrollY = y;
  };

  private languageOf(unit: PageUnit): string {
    const declared = unit.element.closest('[lang]')?.getAttribute('lang') ?? '';
    return declared.length <= 35 && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(declared) && declared !== document.documentElement.lang ? declared : this.settings.from;
  }

  private applyUnit(id: number, pieces: InlinePiece[], request: number): void {
    const item = this.tracked.get(id);
    if (!item || item.state !== 'sent' || item.request !== request) return;
    const { unit } = item;
    if (unit.kind === 'text' && !UnitWriter.isCurrent(unit)) {
      item.state = 'stale';
      return;
    }
    item.pieces = pieces;
    item.state = 'done';
    this.withoutObserving(() => this.display(item));
    this.reportSoon();
  }

  /** The id changes of a unit are recorded under: a long node's parts share their first part's. */
  private static owner(unit: PageUnit): number {
    return unit.kind === 'text' && unit.part ? unit.id - unit.part.index : unit.id;
  }

  private display(item: Tracked): void {
    this.writer.forUnit(PageTranslation.owner(item.unit), () => this.displayNow(item));
  }

  private displayNow(item: Tracked): void {
    const { unit, pieces } = item;
    // Written only over the text it was made for: a page that changed it since (unseen inside a shadow root or a frame) keeps its change.
    if (!pieces || (unit.kind === 'text' && !UnitWriter.isCurrent(unit))) return;
    const to = this.settings.to;
    if (unit.kind === 'attribute') {
      this.writer.writeAttribute(unit, piecesText(pieces));
      return;
    }
    const slotText = (slot: number): string => unit.slots.get(slot)?.textContent ?? '';
    // A copy beneath cannot go inside an option or a button: those take the translation in place in either mode.
    if (this.settings.mode === 'bilingual' && !inControl(unit)) {
      if (!unit.part) return this.bilingual.show(unit, piecesText(pieces, slotText), to);
      this.collectPart(unit, pieces);
      const whole = this.partsText(unit);
      if (whole !== undefined) this.bilingual.show(unit, whole, to);
      return;
    }
    if (unit.part) {
      this.collectPart(unit, pieces);
      const all = this.parts.get(unit.part.node);
      if (!all || all.some((t) => t === undefined)) return;
      this.writer.writeParts(unit.part.node, all as string[], joinsWithoutSpaces(to) ? '' : ' ');
    } else {
      this.writer.writeText(unit, pieces);
    }
    this.markLanguage(unit, item.from);
  }

  private collectPart(unit: TextUnit, pieces: InlinePiece[]): void {
    const part = unit.part!;
    let all = this.parts.get(part.node);
    if (!all) {
      all = new Array<string | undefined>(part.count).fill(undefined);
      this.parts.set(part.node, all);
    }
    all[part.index] = piecesText(pieces);
  }

  private partsText(unit: TextUnit): string | undefined {
    const all = this.parts.get(unit.part!.node);
    return all && all.every((t) => t !== undefined) ? all.join(joinsWithoutSpaces(this.settings.to) ? '' : ' ') : undefined;
  }

  /** `lang` on the translated block, and `dir` on it and on the list or table around it when the direction changes. */
  private markLanguage(unit: TextUnit, source: string): void {
    const to = this.settings.to;
    const element = unit.element;
    if (element === document.documentElement || element === document.body) return;
    this.writer.setAttribute(element, 'lang', to);
    const dir = directionOf(to);
    // The source's direction, not the element's as it is now: a list Pagewise already turned is still a source list.
    const sourceDir = source ? directionOf(source) : getComputedStyle(document.documentElement).direction;
    if (dir === sourceDir) return;
    this.writer.setAttribute(element, 'dir', dir);
    // The list or data table the text sits in turns with it (its bullets, its columns); a table used for layout,
    // or any container further up, does not: that would mirror the page's own columns.
    const parent = element.parentElement;
    if (parent && /^(LI|DT|DD)$/.test(element.tagName) && /^(UL|OL|DL|MENU)$/.test(parent.tagName)) this.writer.setAttribute(parent, 'dir', dir);
    const table = /^(TD|TH|CAPTION)$/.test(element.tagName) ? element.closest('table') : null;
    if (table && table.querySelector('th, caption')) this.writer.setAttribute(table, 'dir', dir);
    // Inline elements (links, code) keep their own direction inside the new one: each is isolated.
    for (const slot of unit.slots.values()) if (slot.parentNode && !slot.hasAttribute('dir')) this.writer.setAttribute(slot, 'dir', 'auto');
  }

  private redisplay(): void {
    this.withoutObserving(() => {
      this.bilingual.clear();
      this.writer.restore();
      this.parts.clear();
      for (const item of this.tracked.values()) if (item.state === 'done') this.display(item);
    });
  }

  private finishRequest(request: number, failed: ReadonlyArray<{ id: number; reason: string }>): void {
    const ids = this.requests.get(request);
    if (!ids) return;
    this.requests.delete(request);
    const reasons = new Map(failed.map((f) => [f.id, f.reason]));
    for (const id of ids) {
      const item = this.tracked.get(id);
      if (!item || item.state !== 'sent' || item.request !== request) continue;
      item.state = 'failed';
      this.lastError = reasons.get(id) ?? 'The model gave no translation for it.';
    }
    this.pump();
    this.reportSoon();
  }

  private failRequest(request: number, code: ErrorCode, message: string): void {
    const ids = this.requests.get(request);
    if (!ids) return;
    this.requests.delete(request);
    // The units were never translated: they wait, and so does everything else, until the user starts again.
    for (const id of ids) {
      const item = this.tracked.get(id);
      if (item?.state === 'sent' && item.request === request) item.state = 'pending';
    }
    if (code === 'busy' || code === 'cancelled') {
      // Too much at once, or a cancel raced the answer: try again shortly.
      setTimeout(() => this.pump(), 1000);
      return;
    }
    if (code === 'bad-message') {
      // These units could not be sent as they are: they keep their text, the rest goes on.
      for (const id of ids) {
        const item = this.tracked.get(id);
        if (item?.state === 'pending') item.state = 'failed';
      }
      this.pump();
      this.reportSoon();
      return;
    }
    this.stoppedBy = code;
    this.lastError = message;
    this.reportSoon(0);
  }

  /** Runs our own writes with the page's pending changes set aside first and our own changes dropped after. */
  private withoutObserving(write: () => void): void {
    this.pendingRecords.push(...this.mutations.takeRecords());
    try {
      write();
    } finally {
      this.mutations.takeRecords();
    }
  }

  private queueRecords(records: MutationRecord[]): void {
    // A page that churns while no frame is drawn (a background tab) cannot grow this without bound: past the cap,
    // the body is walked again instead (what is known already is skipped).
    if (this.pendingRecords.length + records.length > MAX_PENDING_RECORDS) {
      this.pendingRecords = [];
      this.collector.rewalk(document.body);
    } else {
      this.pendingRecords.push(...records);
    }
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      const batch = this.pendingRecords;
      this.pendingRecords = [];
      this.handleRecords(batch);
    });
  }

  /** New content is collected; a unit whose text the page changed is dropped (and its request cancelled) and collected anew. */
  private handleRecords(records: readonly MutationRecord[]): void {
    if (this.stopped) return;
    let removed = false;
    for (const record of records) {
      if (record.type === 'characterData') {
        const node = record.target as Text;
        if (this.writer.isOurs(node)) continue;
        // A page that keeps putting its text back over ours would have it translated forever: a few times, then no more.
        const rewrites = (this.rewrites.get(node) ?? 0) + 1;
        this.rewrites.set(node, rewrites);
        if (rewrites > MAX_REWRITES) continue;
        for (const item of this.byText.get(node) ?? []) this.invalidate(item);
        if (node.parentNode) this.collector.rewalk(node.parentNode);
        continue;
      }
      if (isOwn(record.target)) continue;
      if (record.removedNodes.length > 0) removed = true;
      for (const added of record.addedNodes) {
        if (isOwn(added)) continue;
        if (added.nodeType === Node.TEXT_NODE) this.collector.rewalk(record.target);
        else if (isElement(added)) this.collector.add(added);
      }
    }
    if (removed) this.forgetDetached();
    if (this.collector.pending) this.collectSlice();
    this.reportSoon();
  }

  /** Units the page took out of the document no longer count (a route change, a re-rendered list). */
  private forgetDetached(): void {
    for (const [id, item] of this.tracked) {
      if (item.unit.element.isConnected) continue;
      this.tracked.delete(id);
      this.bilingual.remove(id);
      const set = this.byElement.get(item.unit.element);
      set?.delete(item);
      if (set?.size === 0) {
        this.byElement.delete(item.unit.element);
        this.visibleObserver.unobserve(item.unit.element);
        this.nearObserver.unobserve(item.unit.element);
        this.visible.delete(item.unit.element);
        this.near.delete(item.unit.element);
      }
    }
  }

  private invalidate(item: Tracked): void {
    if (item.state === 'sent' && item.request !== undefined && this.requests.has(item.request)) {
      const request = item.request;
      this.post({ kind: 'cancel', request });
      for (const id of this.requests.get(request) ?? []) {
        const other = this.tracked.get(id);
        if (other && other !== item && other.state === 'sent') other.state = 'pending';
      }
      this.requests.delete(request);
    }
    if (item.state === 'done') {
      this.withoutObserving(() => {
        this.writer.restoreUnit(PageTranslation.owner(item.unit));
        this.bilingual.remove(item.unit.id);
      });
    }
    item.state = 'stale';
    this.tracked.delete(item.unit.id);
    if (item.unit.kind === 'text') {
      if (item.unit.part) this.parts.delete(item.unit.part.node);
      for (const node of item.unit.texts.keys()) this.byText.delete(node);
    }
  }

  private reportSoon(delay = 250): void {
    if (this.statusTimer !== undefined && delay > 0) return;
    clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.post({ kind: 'status', status: this.status() });
    }, delay);
  }
}

/** Units inside an option, a button or another control, where no block can be added. */
function inControl(unit: TextUnit): boolean {
  return !!(unit.parent as Element).closest?.('option, optgroup, select, button, [role="button"], label');
}

function isOwn(node: Node): boolean {
  const element = isElement(node) ? node : node.parentElement;
  return !!element?.closest(`[${OWN_MARK}]`);
}
