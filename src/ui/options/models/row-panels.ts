import { el } from '../../shared/dom';

export type PanelKind = 'info' | 'warning' | 'error';

interface RowPanel {
  panel: HTMLElement;
}

/**
 * What each model's row says below its actions: a message, or live progress. Rows are rebuilt whenever the list
 * refreshes, so panels live here, by model id, and survive the rebuild.
 */
export class RowPanels {
  private readonly panels = new Map<string, RowPanel>();

  constructor(private readonly render: () => void) {}

  get(modelId: string): RowPanel | undefined {
    return this.panels.get(modelId);
  }

  show(modelId: string, panel: HTMLElement): void {
    this.panels.set(modelId, { panel });
    this.render();
  }

  message(modelId: string, kind: PanelKind, text: string, ...extra: Node[]): void {
    this.show(modelId, messagePanel(kind, text, ...extra));
  }

  /** A panel with a line of text and a progress bar, for work that reports how far it got. */
  progress(modelId: string, text: string): HTMLProgressElement {
    const bar = el('progress', { max: 1, value: 0 });
    bar.setAttribute('aria-label', text);
    const panel = el('div', { className: 'panel', textContent: text }, bar);
    panel.setAttribute('role', 'status');
    this.show(modelId, panel);
    return bar;
  }

  clear(modelId: string): void {
    this.panels.delete(modelId);
    this.render();
  }
}

/** A line of text (and any buttons) that says how something went; an error is announced as an alert. */
export function messagePanel(kind: PanelKind, text: string, ...extra: Node[]): HTMLElement {
  const panel = el('div', { className: 'panel', textContent: text }, ...extra);
  panel.dataset['kind'] = kind;
  panel.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  return panel;
}
