/**
 * The message store's benchmark: `node --import ./scripts/register-ts.mjs scripts/bench-store.ts`.
 * Builds a database of BENCH_STORE_MESSAGES (default 1,000,000) messages over BENCH_STORE_CHATS
 * (default 10,000) chats in Portuguese, German, English and Spanish, handed to the repository a chat
 * page at a time (its write buffer groups them into transactions of up to WRITE_BATCH messages, as
 * it groups events arriving faster than the event loop turns); then times searches through the
 * repository (FTS5, bm25 ranking of at most RANKED_MATCHES matches, snippets)
 * next to the same words as a `LIKE '%…%'` scan, newest first, in the same run. Prints a markdown
 * table and the database size. The database is a temp file, removed at the end; BENCH_STORE_PRAGMAS
 * (`;`-separated) replaces the connection settings.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { MessageSummary } from '../src/whatsapp/whatsapp-client.port.js';
import { RANKED_MATCHES, SqliteMessageStoreRepository } from '../src/store/sqlite-message-store.repository.js';
import { WRITE_BATCH } from '../src/store/sqlite-message-writer.js';
import { migrate } from '../src/database/migrations.js';
import { applyConnectionSettings } from '../src/database/sqlite-connection.js';
import { toFtsQuery } from '../src/store/search-query.js';

const MESSAGES = Number(process.env.BENCH_STORE_MESSAGES ?? 1_000_000);
const CHATS = Number(process.env.BENCH_STORE_CHATS ?? 10_000);
const FTS_RUNS = Number(process.env.BENCH_STORE_RUNS ?? 40);
const LIKE_RUNS = Number(process.env.BENCH_STORE_LIKE_RUNS ?? 8);
const LIMIT = 20;
/** Replaces the server's own connection settings (`applyConnectionSettings`) when set. */
const PRAGMAS = (process.env.BENCH_STORE_PRAGMAS ?? '').split(';').filter(Boolean);

const WORDS: Record<string, string> = {
  pt: `reunião amanhã fatura pagamento obrigado você não está então também porque agora depois antes semana próxima
    cliente pedido entrega endereço preço orçamento contrato assinatura férias família trabalho escritório café almoço
    jantar notícia atenção informação questão solução situação avó irmão coração manhã tarde noite sábado domingo
    segunda terça quarta quinta sexta janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro
    dezembro relatório análise previsão sessão avião ônibus táxi médico farmácia saúde ligação mensagem documento`,
  de: `Besprechung morgen Rechnung Zahlung danke bitte Grüße schön Straße Größe Mädchen Bäckerei Fußball Kündigung
    Überweisung Lieferung Bestellung Angebot Vertrag Unterschrift Urlaub Familie Arbeit Büro Kaffee Mittagessen
    Abendessen Nachricht Zürich München Köln Düsseldorf nächste Woche Termin Verspätung Prüfung Schlüssel Tür Frühstück
    Geschäft Gebühr Erklärung Bestätigung Änderung Lösung Übersicht ärgerlich müde glücklich natürlich übermorgen`,
  en: `meeting tomorrow invoice payment thanks please regards next week customer order delivery address price quote
    contract signature holiday family work office coffee lunch dinner news attention information question solution
    situation report analysis forecast session flight bus taxi doctor pharmacy health call message document schedule
    deadline budget project update review approval team manager support ticket release launch weekend birthday party`,
  es: `reunión mañana factura pago gracias por favor saludos próxima semana cliente pedido entrega dirección precio
    presupuesto contrato firma vacaciones familia trabajo oficina café almuerzo cena noticia atención información
    pregunta solución situación informe análisis previsión sesión avión autobús taxi médico farmacia salud llamada
    mensaje documento año niño señor corazón también después además rápido fácil difícil miércoles sábado`,
};
const COMMON: Record<string, string> = {
  pt: 'a o de que e do da em um para com uma os no se na por mais as dos como mas foi ao ele das tem à seu sua ou ser',
  de: 'der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass',
  en: 'the of and to a in is you that it he was for on are as with his they I at be this have from or one had by',
  es: 'de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí porque',
};
const LANGUAGES = Object.keys(WORDS);
const vocab = Object.fromEntries(LANGUAGES.map((lang) => [lang, WORDS[lang].split(/\s+/).filter(Boolean)]));
const common = Object.fromEntries(LANGUAGES.map((lang) => [lang, COMMON[lang].split(' ')]));

/** Deterministic (mulberry32), so two runs build the same database. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(13);
// Zipf-like: the first words of a list come up far more often than the last.
const pick = <T>(list: T[]): T => list[Math.floor(list.length * rand() ** 2.5)];
const any = <T>(list: T[]): T => list[Math.floor(list.length * rand())];

/**
 * Chat text has a long tail of words (names, slang, typos): each language gets 20,000 made-up words
 * from its own syllables (Zipf-distributed) beside its stop words and ~100 topic words and 5 set
 * phrases picked evenly, so a searched word is about as frequent as a topic word in a real account
 * (under 1% of messages); the stop-word row shows the worst case.
 */
const SYLLABLES: Record<string, string> = {
  pt: 'ba be bi bo ção da de do fa fi ga gu lha lo ma mão nho pa pe ra re sa são ta te to va vi ção ã õ ê',
  de: 'ba be ber de der di ein en er ge hau ker la le lich mer ne nung ö ra re sch ste ten ü ä ung wa zu',
  en: 'ba be con de der er ing la le ly ma ment ne ness ple pro ra re sion ta te ter tion un ver wa',
  es: 'ba be ca ción da de do ga la lo ma me mos na ne ño pa pe ra re sa ta te to va ví á é í ó ú',
};
const tail = Object.fromEntries(
  LANGUAGES.map((lang) => {
    const syllables = SYLLABLES[lang].split(' ');
    const words = new Set<string>();
    while (words.size < 20_000) words.add(Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(syllables)).join(''));
    return [lang, [...words]];
  }),
);

// Set phrases, so phrase and two-word searches have something to find.
const phrases: Record<string, string[]> = {
  pt: ['contrato assinado', 'próxima semana', 'reunião amanhã', 'bom dia', 'até logo'],
  de: ['nächste Woche', 'Termin morgen', 'vielen Dank', 'Überweisung erhalten', 'guten Morgen'],
  en: ['next week', 'see you tomorrow', 'invoice attached', 'thank you', 'good morning'],
  es: ['próxima semana', 'buenos días', 'reunión mañana', 'factura pagada', 'hasta luego'],
};

function sentence(lang: string): string {
  const length = 3 + Math.floor(rand() * 14);
  const words: string[] = [];
  for (let i = 0; i < length; i++) {
    const roll = rand();
    words.push(roll < 0.45 ? pick(common[lang]) : roll < 0.5 ? any(vocab[lang]) : roll < 0.51 ? any(phrases[lang]) : pick(tail[lang]));
  }
  return `${words.join(' ')}${rand() < 0.3 ? '?' : '.'}`;
}

function chatPage(chat: number, count: number, start: number): MessageSummary[] {
  const lang = LANGUAGES[chat % LANGUAGES.length];
  const id = `${5_500_000_000_000 + chat}@c.us`;
  return Array.from({ length: count }, (_, index) => {
    const fromMe = rand() < 0.4;
    return {
      id: `${fromMe}_${id}_${chat.toString(36)}${index.toString(36)}`,
      from: fromMe ? 'me@c.us' : id,
      to: fromMe ? id : 'me@c.us',
      author: null,
      from_me: fromMe,
      type: 'chat',
      body: sentence(lang),
      timestamp: start + index * 600 + Math.floor(rand() * 600),
      has_media: false,
    };
  });
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));

interface Timing {
  median: number;
  p95: number;
  /** CPU time of this process (SQLite runs in it): what a query costs without other processes competing. */
  cpuMedian: number;
  found: number;
}

function time(runs: number, call: () => number): Timing {
  let found = call();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    found = call();
    const used = process.cpuUsage(cpuStarted);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { median: percentile(wall, 50), p95: percentile(wall, 95), cpuMedian: percentile(cpu, 50), found };
}

const folder = mkdtempSync(join(tmpdir(), 'bench-store-'));
try {
  const file = join(folder, 'store.db');
  const db = new Database(file);
  if (PRAGMAS.length === 0) applyConnectionSettings(db);
  for (const pragma of PRAGMAS) db.pragma(pragma);
  migrate(db);
  const store = new SqliteMessageStoreRepository(db);

  const perChat = Math.ceil(MESSAGES / CHATS);
  let inserted = 0;
  let generating = 0;
  const ingestStarted = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let chat = 0; chat < CHATS && inserted < MESSAGES; chat++) {
    const generated = performance.now();
    const page = chatPage(chat, Math.min(perChat, MESSAGES - inserted), 1_700_000_000 + chat * 37);
    generating += performance.now() - generated;
    store.upsertMessages('default', `${5_500_000_000_000 + chat}@c.us`, page);
    inserted += page.length;
  }
  store.flush();
  const ingestSeconds = (performance.now() - ingestStarted - generating) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 - generating / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const size = statSync(file).size;

  const like = db.prepare(`SELECT id FROM store_messages WHERE session = 'default' AND body LIKE ? ORDER BY timestamp DESC LIMIT ${LIMIT}`);
  const like2 = db.prepare(
    `SELECT id FROM store_messages WHERE session = 'default' AND body LIKE ? AND body LIKE ? ORDER BY timestamp DESC LIMIT ${LIMIT}`,
  );
  const cases: { kind: string; query: string; patterns: string[] }[] = [
    { kind: 'one word', query: 'invoice', patterns: ['%invoice%'] },
    { kind: 'one word (rare)', query: 'Kündigung', patterns: ['%Kündigung%'] },
    { kind: 'two words', query: 'contrato assinado', patterns: ['%contrato%', '%assinado%'] },
    { kind: 'phrase', query: '"next week"', patterns: ['%next week%'] },
    { kind: 'prefix', query: 'überweis*', patterns: ['%überweis%'] },
    { kind: 'short prefix (two letters)', query: 'co*', patterns: ['%co%'] },
    { kind: 'one-letter prefix', query: 'c*', patterns: ['%c%'] },
    { kind: 'accented word, typed without accents', query: 'reuniao', patterns: ['%reuniao%'] },
    { kind: 'accented word, other case', query: 'ZURICH', patterns: ['%ZURICH%'] },
    { kind: 'stop word (worst case: a quarter of a language)', query: 'the', patterns: ['%the%'] },
  ];
  const matches = db.prepare('SELECT count(*) AS n FROM store_messages_fts WHERE store_messages_fts MATCH ?');
  const rows: string[] = [];
  const ratios: number[] = [];
  let worstP95 = 0;
  for (const { kind, query, patterns } of cases) {
    const fts = time(FTS_RUNS, () => store.search(query, { session: 'default' }, { limit: LIMIT }).results.length);
    const scan = time(LIKE_RUNS, () => (patterns.length === 1 ? like.all(patterns[0]) : like2.all(patterns[0], patterns[1])).length);
    worstP95 = Math.max(worstP95, fts.p95);
    ratios.push(scan.median / fts.median);
    rows.push(
      `| ${kind} | \`${query}\` | ${(matches.get(toFtsQuery(query)) as { n: number }).n.toLocaleString('en')} | ${ms(fts.median)} | ${ms(fts.p95)} | ${ms(fts.cpuMedian)} | ${fts.found} | ` +
        `${ms(scan.median)} | ${ms(scan.p95)} | ${ms(scan.cpuMedian)} | ${scan.found} | ${Math.round(scan.median / fts.median)}× |`,
    );
  }
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  process.stdout.write(
    [
      `Store benchmark: ${inserted.toLocaleString('en')} messages over ${CHATS.toLocaleString('en')} chats (pt, de, en, es), ` +
        `SQLite ${(db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v}, Node ${process.version}`,
      '',
      `- ingest: ${Math.round(inserted / ingestSeconds).toLocaleString('en')} messages/s (${ingestSeconds.toFixed(1)} s wall clock, ` +
        `${cpuSeconds.toFixed(1)} s of CPU; pages of ${perChat}, up to ${WRITE_BATCH} messages per transaction; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
      `- connection: ${PRAGMAS.length === 0 ? `the server's (${['journal_mode', 'synchronous', 'cache_size', 'mmap_size'].map((name) => `${name} ${String(db.pragma(name, { simple: true }))}`).join(', ')})` : PRAGMAS.join(', ')}`,
      `- database: ${mb(size)} (${(size / inserted).toFixed(0)} bytes per message, FTS index included)`,
      `- search p95, worst case: ${ms(worstP95)} ms; FTS vs LIKE (median): ${Math.round(Math.min(...ratios))}× to ${Math.round(Math.max(...ratios))}× faster`,
      '',
      `Latency in ms over ${FTS_RUNS} runs (FTS, first page of ${LIMIT}, bm25 ranking of at most ${RANKED_MATCHES} matches, snippets) and ${LIKE_RUNS} runs (LIKE, newest first); "matches" is every message the words are in (above ${RANKED_MATCHES}, only the most recently stored are ranked); "found" is the page size; CPU is this process's CPU time; speed-up compares wall-clock medians.`,
      '',
      '| search | query | matches | FTS median | FTS p95 | FTS CPU median | found | LIKE median | LIKE p95 | LIKE CPU median | found | speed-up |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n'),
  );
  db.close();
} finally {
  rmSync(folder, { recursive: true, force: true });
}
