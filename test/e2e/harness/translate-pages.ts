/** 2,000 paragraphs of five text nodes each (a link and bold text in every one): 10,000 text nodes. */
export function bigPage(): string {
  const rows = Array.from({ length: 2000 }, (_, i) => `<p id="r${i}">This row tells <a href="#r${i}">the harbour story</a> of a ship and <b>its crew</b> at sea.</p>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Big log</title></head><body><main>${rows.join('')}</main></body></html>`;
}
