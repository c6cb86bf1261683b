import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

/** What the page reads from `window.__SIM__`: its phone's control server, the version it announces, the QR rotation. */
export interface PageConfig {
  control: string;
  version: string;
  qrRotateMs: number;
}

/**
 * Writes `<cacheDir>/<version>.html` (what LocalWebCache serves as https://web.whatsapp.com/):
 * the page's parts in order, in one strict scope. `version` becomes `window.Debug.VERSION`.
 */
export async function writePage(cacheDir: string, config: PageConfig): Promise<string> {
  const parts = (await readdir(PAGE_DIR)).filter((f) => f.endsWith('.js')).sort();
  const js = (await Promise.all(parts.map((f) => readFile(path.join(PAGE_DIR, f), 'utf8')))).join('\n');
  const html =
    '<!doctype html><html><head><meta charset="utf-8"><title>WhatsApp</title></head><body>' +
    `<script>window.__SIM__ = ${JSON.stringify(config)};</script>\n<script>\n(function () {\n'use strict';\n${js}\n})();\n</script></body></html>`;
  await mkdir(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `${config.version}.html`);
  await writeFile(file, html);
  return file;
}
