// The npm registry mirror our machines and CI use serves only some platform builds of
// unrs-resolver (a jest 30 dependency). `npm install` then leaves the missing optional platform
// packages out of package-lock.json, and `npm ci` refuses the lockfile as "out of sync".
// This lists every optional dependency that the lockfile lacks, as optional, so `npm ci` accepts it
// and skips what cannot be installed on this platform. Run it after any `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${path ? `${path}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[hoisted]) continue;
    lock.packages[hoisted] = { version, dev: Boolean(entry.dev), optional: true };
    added++;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional package entr${added === 1 ? 'y' : 'ies'}`);
