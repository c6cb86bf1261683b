import { rm } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { describeChromium, waitForNoProcesses } from '../chromium/chrome-processes.js';
import { browserProcess, closeSim, pairByQr, type Sim, type SimServer, startSim, startSimServer, waitForState } from './sim-server.js';

/*
 * The behaviour fix of issue 10: a send made the moment Chrome dies used to answer 502 ("Target
 * closed") while the session still said `ready`. Against the simulated WhatsApp Web, Chrome's
 * process group is killed and a message sent at once, round after round.
 */

jest.setTimeout(300_000);

const ROUNDS = 5;
const ANSWER_WITHIN_MS = 60_000;

let sim: Sim;
let server: SimServer | undefined;

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  if (server) {
    await server.stop('SIGTERM');
    expect(await waitForNoProcesses(server.authDir, 5_000)).toEqual([]);
    await rm(server.authDir, { recursive: true, force: true });
  }
  server = undefined;
  await closeSim(sim);
});

/** The one Chrome browser process of the server, once it runs (a killed one may linger a moment). */
async function chromeOf(s: SimServer, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = browserProcess(s.authDir);
    if (pid !== null) return pid;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the one Chrome of ${s.authDir}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** POST /api/send that fails the test (instead of hanging it) when no answer comes in time. */
async function send(base: string, message: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/api/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number: '15551234567', message }),
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  }).catch((error: unknown) => {
    throw new Error(`no answer to the send of "${message}" within ${ANSWER_WITHIN_MS} ms: ${String(error)}`);
  });
  return { status: res.status, body: await res.json() };
}

describeChromium('a send at the moment Chrome dies', () => {
  it(`${ROUNDS} rounds: 200 with the message received once, or 409/503 with nothing sent; never 502, never a hang`, async () => {
    server = await startSimServer(sim, { WHATSAPP_RESTART_MIN_MS: '200', WHATSAPP_RESTART_MAX_MS: '1000' });
    await pairByQr(server, sim);
    const outcomes: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await waitForState(server.url, 'ready', 60_000);
      const chrome = await chromeOf(server);
      const text = `crash round ${round}`;
      process.kill(-chrome, 'SIGKILL');
      const answer = await send(server.url, text);
      const received = (await sim.phone.sent()).filter((message) => message.body === text);
      if (answer.status === 200) {
        expect(answer.body).toMatchObject({ ok: true, to: '15551234567', chat_id: '15551234567@c.us' });
        expect(received).toEqual([expect.objectContaining({ id: answer.body.message_id, to: '15551234567@c.us' })]);
      } else {
        expect([409, 503]).toContain(answer.status);
        expect(['not_ready', 'start_failed', 'browser_unavailable']).toContain(answer.body.error?.code);
        expect(received).toEqual([]);
      }
      outcomes.push(answer.status);
    }
    // The server recovers within the ready timeout here: every round goes through.
    expect(outcomes).toEqual(Array(ROUNDS).fill(200));
  });
});
