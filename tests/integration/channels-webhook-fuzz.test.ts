// Property: arbitrary bodies and headers sent to every webhook never give a 5xx, never crash the server,
// and store nothing unless verified and well formed (fast-check).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { api, countRows, startTestServer, type TestServer } from './server-support';

const PHONE_ID = '106540352242922';
const APP_SECRET = 'fuzz-app-secret';
const TG_SECRET = 'fuzz-secret';

let t: TestServer;
let wa: string;
let tg: string;

beforeAll(async () => {
  t = await startTestServer({ channels: { receivers: false } });
  wa = (await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'whatsapp', name: 'WA', config: { phoneNumberId: PHONE_ID, accessToken: 'x', appSecret: APP_SECRET, verifyToken: 'v', apiBaseUrl: 'http://127.0.0.1:9/v23.0' } })).body.id;
  tg = (await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'telegram', name: 'TG', config: { botToken: '1:AAAAAAAAAAAAAAAAAAAAAAAAAAAA', secretToken: TG_SECRET, apiBaseUrl: 'http://127.0.0.1:9' } })).body.id;
});
afterAll(async () => t?.close());

const headerName = fc.constantFrom('content-type', 'x-hub-signature-256', 'x-telegram-bot-api-secret-token', 'content-encoding', 'x-forwarded-for', 'accept');
const headerValue = fc.oneof(fc.constantFrom('application/json', 'text/plain', 'sha256=', `sha256=${'0'.repeat(64)}`, TG_SECRET.slice(1), 'gzip', ''), fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')));
const body = fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 4 }), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')));

/** Signed, JSON-shaped like a WhatsApp webhook but with arbitrary values: must be 200 or 400, never 5xx. */
const waLike = fc.record({
  object: fc.oneof(fc.constant('whatsapp_business_account'), fc.string()),
  entry: fc.array(
    fc.record({
      id: fc.oneof(fc.string(), fc.integer()),
      changes: fc.array(fc.record({ field: fc.oneof(fc.constant('messages'), fc.string()), value: fc.oneof(fc.anything(), fc.record({ messaging_product: fc.constant('whatsapp'), metadata: fc.record({ phone_number_id: fc.oneof(fc.constant(PHONE_ID), fc.string()) }), messages: fc.array(fc.record({ id: fc.oneof(fc.string(), fc.integer()), from: fc.oneof(fc.string(), fc.integer()), timestamp: fc.string(), type: fc.oneof(fc.constantFrom('text', 'image', 'location', 'reaction'), fc.string()), text: fc.anything() }, { requiredKeys: [] })) }, { requiredKeys: [] })) }), { maxLength: 3 }),
    }, { requiredKeys: [] }),
    { maxLength: 3 },
  ),
}, { requiredKeys: [] });

describe('webhooks under arbitrary input', () => {
  it('never 5xx and store nothing unless verified', async () => {
    const before = await countRows(t, 'messages');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(`/webhooks/whatsapp/${wa}`, `/webhooks/telegram/${tg}`, '/webhooks/whatsapp/unknown', `/webhooks/whatsapp/${wa}?hub.mode=subscribe&hub.challenge=1`), fc.constantFrom('POST', 'GET', 'PUT'), fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }), body, async (path, method, headers, raw) => {
        const h = new Headers();
        for (const [k, v] of headers) h.set(k, v);
        const res = await fetch(t.url + path, { method, headers: h, body: method === 'GET' ? undefined : raw });
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 250 },
    );
    expect(await countRows(t, 'messages')).toBe(before);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });

  it('signed but arbitrary JSON is 200 or 400, never 5xx; whatever is stored was well formed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(waLike, fc.json().map((s) => JSON.parse(s) as unknown)), async (payload) => {
        const raw = JSON.stringify(payload);
        const before = await countRows(t, 'messages');
        const res = await fetch(`${t.url}/webhooks/whatsapp/${wa}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(APP_SECRET, raw) }, body: raw });
        await res.arrayBuffer();
        expect([200, 400, 413]).toContain(res.status);
        if (res.status !== 200) expect(await countRows(t, 'messages')).toBe(before);
      }),
      { numRuns: 250 },
    );
  });
});
