/**
 * Renders the small Markdown subset a summary uses (paragraphs, lists, headings, code, bold, italics, links)
 * by building DOM nodes with textContent: model output never becomes HTML. Links are kept only for https
 * targets without user info, show the host they go to, and open in a new tab without access to this page. Hand-written rather than a Markdown library
 * plus sanitizer: the subset is tiny, and building nodes leaves nothing to sanitize.
 */
export function renderMarkdown(markdown: string, doc: Document = document): DocumentFragment {
  const out = doc.createDocumentFragment();
  let paragraph: string[] = [];
  let list = null as HTMLElement | null;
  let code: string[] | null = null;

  const endParagraph = (): void => {
    if (paragraph.length === 0) return;
    const p = doc.createElement('p');
    paragraph.forEach((line, i) => {
      if (i > 0) p.append(doc.createElement('br'));
      appendInline(p, line, doc);
    });
    out.append(p);
    paragraph = [];
  };
  const endList = (): void => {
    list = null;
  };

  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (code) {
      if (/^\s*```/.test(line)) {
        const pre = doc.createElement('pre');
        pre.append(doc.createElement('code'));
        pre.firstChild!.textContent = code.join('\n');
        out.append(pre);
        code = null;
      } else {
        code.push(line);
      }
      continue;
    }
    if (/^\s*```/.test(line)) {
      endParagraph();
      endList();
      code = [];
      continue;
    }
    const bullet = /^\s*(?:[-*+•])\s+(.*)$/.exec(line);
    const numbered = /^\s*\d{1,3}[.)]\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      endParagraph();
      const tag = bullet ? 'UL' : 'OL';
      if (list?.tagName !== tag) {
        list = doc.createElement(tag.toLowerCase());
        out.append(list);
      }
      const item = doc.createElement('li');
      appendInline(item, (bullet ?? numbered)![1]!, doc);
      list.append(item);
      continue;
    }
    const heading = /^\s*#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      endParagraph();
      endList();
      const p = doc.createElement('p');
      const strong = doc.createElement('strong');
      appendInline(strong, heading[1]!, doc);
      p.append(strong);
      out.append(p);
      continue;
    }
    if (line.trim() === '') {
      endParagraph();
      endList();
      continue;
    }
    endList();
    paragraph.push(line.trim());
  }
  // A stream may stop inside a code block or paragraph: show what has arrived.
  if (code) {
    const pre = doc.createElement('pre');
    pre.textContent = code.join('\n');
    out.append(pre);
  }
  endParagraph();
  return out;
}

/**
 * Inline spans, each bounded: an opener with no closer (a stream cut mid-line, or a hostile line of `[`) is tried
 * against at most a few hundred characters, so a line costs linear time, not its length squared.
 */
const INLINE = /`([^`\n]{1,500})`|\*\*(.{1,500}?)\*\*|__(.{1,500}?)__|\*(?=\S)(.{1,500}?)\*|\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)/g;

function appendInline(parent: Node, text: string, doc: Document): void {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parent.appendChild(doc.createTextNode(text.slice(last, match.index)));
    last = match.index + match[0].length;
    const [, codeText, bold, boldUnderscore, italic, linkText, href] = match;
    if (codeText !== undefined) {
      const el = doc.createElement('code');
      el.textContent = codeText;
      parent.appendChild(el);
    } else if (bold !== undefined || boldUnderscore !== undefined) {
      const el = doc.createElement('strong');
      appendInline(el, (bold ?? boldUnderscore)!, doc);
      parent.appendChild(el);
    } else if (italic !== undefined) {
      const el = doc.createElement('em');
      appendInline(el, italic, doc);
      parent.appendChild(el);
    } else {
      parent.appendChild(link(linkText!, href!, doc));
    }
  }
  if (last < text.length) parent.appendChild(doc.createTextNode(text.slice(last)));
}

/**
 * A link the reader can judge: https only, no user name or password in it (`https://bank.example@evil.example/`
 * reads as the bank and goes elsewhere), and the host it really goes to shown after the text, since the text is
 * the model's (or the page's) to choose. Anything else stays text.
 */
function link(text: string, href: string, doc: Document): Node {
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.username || url.password || !url.hostname) return doc.createTextNode(text);
  const a = doc.createElement('a');
  a.href = url.href;
  a.textContent = text;
  a.rel = 'noopener noreferrer';
  a.target = '_blank';
  const host = doc.createElement('span');
  host.className = 'link-host';
  host.textContent = ` (${url.hostname})`;
  const both = doc.createDocumentFragment();
  both.append(a, host);
  return both;
}
