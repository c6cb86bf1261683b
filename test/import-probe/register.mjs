// `node --import ./test/import-probe/register.mjs ...`: appends every module URL the process resolves
// to the file named by IMPORT_PROBE_LOG (ES modules: how the server and its dependencies load).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url, { data: { log: process.env.IMPORT_PROBE_LOG } });
