import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown-renderer';

function render(markdown: string): HTMLElement {
  const doc = new Window().document as unknown as Document;
  const root = doc.createElement('div');
  root.append(renderMarkdown(markdown, doc));
  return root;
}

describe('the side panel Markdown renderer', () => {
  it('renders key points as a list with bold terms', () => {
    const root = render('Key points:\n\n- **Night trains** are back.\n- Demand grew *every* year.\n1. First\n2. Second');
    expect(root.querySelector('p')!.textContent).toBe('Key points:');
    expect([...root.querySelectorAll('ul > li')].map((li) => li.textContent)).toEqual(['Night trains are back.', 'Demand grew every year.']);
    expect(root.querySelector('ul strong')!.textContent).toBe('Night trains');
    expect(root.querySelector('ul em')!.textContent).toBe('every');
    expect(root.querySelectorAll('ol > li')).toHaveLength(2);
  });

  it('shows HTML in model output as text, never as elements', () => {
    const root = render('<img src=x onerror="alert(1)"> **<script>alert(2)</script>**\n- <b>bold?</b>');
    expect(root.querySelector('img, script, b')).toBeNull();
    expect(root.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(root.textContent).toContain('<script>alert(2)</script>');
  });

  it('keeps only https links, opening without access to the panel and showing where they go', () => {
    const root = render('[site](https://example.org/a) [bad](javascript:alert(1)) [data](data:text/html,x) [rel](/local) [plain](http://example.org/)');
    const links = root.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://example.org/a');
    expect(root.textContent).toContain('site (example.org)');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(root.textContent).toContain('bad');
  });

  it('renders headings as bold lines and code as code, and shows an unfinished stream', () => {
    const root = render('## Summary\nText with `x < y`.\n```\nconst a = "<b>";');
    expect(root.querySelector('p > strong')!.textContent).toBe('Summary');
    expect(root.querySelector('code')!.textContent).toBe('x < y');
    expect(root.querySelector('pre')!.textContent).toBe('const a = "<b>";');
  });

  it('a link cannot pass for another: its real host is shown, and user info in a URL keeps it from being a link', () => {
    const root = render('[https://accounts.google.com/login](https://evil.example/steal) and [my bank](https://bank.example@evil.example/)');
    expect(root.querySelectorAll('a')).toHaveLength(1);
    expect(root.querySelector('a')!.nextSibling!.textContent).toBe(' (evil.example)');
    expect(root.textContent).toContain('my bank');
  });

  it('stays linear on a long line of openers that never close', () => {
    // `[` alone never matches: pure scanning, the case. The others match often and build elements, so
    // they get more time, still far from the seconds a quadratic scan of 10,000 characters took.
    for (const [opener, ms] of [['[', 50], ['[x](', 50], ['`', 50], ['**', 250], ['*a', 250], ['__', 250]] as const) {
      const line = opener.repeat(Math.ceil(10_000 / opener.length));
      const started = performance.now();
      render(line);
      expect(performance.now() - started, opener).toBeLessThan(ms);
    }
  });
});
