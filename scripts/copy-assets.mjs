// Files the built server reads at run time that tsc does not emit: the simulated WhatsApp Web page
// and the sandbox page's static files. Run after tsc by `npm run build` (postbuild).
import { cpSync, existsSync } from 'node:fs';

const ASSET_DIRS = ['sandbox/simulator/page', 'sandbox/page'];

for (const dir of ASSET_DIRS) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true, filter: (src) => !src.endsWith('.ts') });
}
