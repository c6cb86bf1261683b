import { readFileSync } from 'node:fs';

export const SERVICE_NAME = 'whatsapp-mcp-api';

/** src/common and dist/common both sit two levels below the package root. */
export const SERVICE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
