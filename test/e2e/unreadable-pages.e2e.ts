// Pages Pagewise cannot read say so in words with the way forward: a PDF in the browser's viewer, a page with no
// text, a selection that is not there; a file on this computer is read once file access is allowed.
// None of them offers Regenerate, which could not help.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPageServer, type PageServer } from '../../scripts/lib/page-server';
import { readyTabId } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';

/** A one-page PDF whose page shows a line of text (built by hand: objects, then the cross-reference table). */
function pdfWithText(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 700 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

let ext: LaunchedExtension;
let pages: PageServer;
let dir: string;
let panel: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-unreadable-'));
  await writeFile(join(dir, 'notes.html'), '<!doctype html><title>Notes</title><p>A note kept on this computer.</p>');
  const pdf = pdfWithText('Quarterly report of the harbour board');
  pages = await startPageServer(
    {
      '/images.html': '<!doctype html><html lang="en"><title>Gallery</title><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""></body></html>',
      '/article.html': '<!doctype html><html lang="en"><title>Night trains</title><body><p>The sleeper from Vienna to Brussels runs three times a week.</p></body></html>',
    },
    [
      (req, res) => {
        if (!req.url?.startsWith('/report.pdf')) return false;
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length });
        res.end(pdf);
      },
    ],
  );
  ext = await launchExtension();
  panel = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
});
afterAll(async () => {
  await ext?.close();
  await pages?.close();
  await rm(dir, { recursive: true, force: true });
});

async function summarizeIn(url: string, button = '#summarize-page', waitForScript = true): Promise<string> {
  const tab = await ext.context.newPage();
  await tab.goto(url).catch(() => undefined);
  if (waitForScript) await readyTabId(ext.worker, url);
  await tab.bringToFront();
  await panel.locator(button).click();
  const error = panel.locator('#summary-slot [data-role="error"]');
  await expect.poll(() => error.textContent(), { timeout: 30_000 }).not.toBe('');
  // Only the model manager could help, and only when a model is missing: trying again cannot.
  expect(await panel.locator('#summary-slot [data-role="regenerate"]').isVisible()).toBe(false);
  expect(await panel.locator('#summary-slot [data-role="progress"]').isVisible()).toBe(false);
  await tab.close();
  return (await error.textContent()) ?? '';
}

describe('pages Pagewise cannot read', () => {
  test('a PDF in the browser viewer: PDFs are not supported yet, and what to do instead', async () => {
    expect(await summarizeIn(`${pages.origin}/report.pdf`, '#summarize-page', false)).toMatch(/cannot read PDF files yet/);
  });

  test('a file on this computer is read like a web page once file access is allowed (an unpacked build has it)', async () => {
    // Without file access the message says how to allow it (test/unit/background/unreachable-tab.test.ts); here
    // the page is read and the summary goes on to the model, which this profile does not have.
    expect(await summarizeIn(`file://${join(dir, 'notes.html')}`)).toMatch(/No model is downloaded/);
  });

  test('a page of images only: it has no text to read', async () => {
    expect(await summarizeIn(`${pages.origin}/images.html`)).toMatch(/has no text Pagewise can read/);
  });

  test('summarize selection with nothing selected: select some text first', async () => {
    expect(await summarizeIn(`${pages.origin}/article.html`, '#summarize-selection')).toMatch(/^Select some text on the page first/);
  });
});
