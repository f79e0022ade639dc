// Electron: attachments under app://threadline/attachments/<id> (GET → the core's fetchAttachment) and
// app://threadline/attachments/upload (POST → the core's uploadAttachment), on the renderer's own origin;
// every answer nosniff + sandboxed CSP, the server's content-disposition kept. Injected Electron fakes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startShell } from '../../src-main/shell/app';
import { createAppProtocolHandler, type AttachmentBackend } from '../../src-main/shell/app-protocol';
import { MAX_UPLOAD_BYTES } from '../../src-shared/ipc';
import { createFakeElectron } from './shell-electron-fakes';
import { createTestCore } from './shell-test-core';

const rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-attach-'));
fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Threadline</title>');
afterAll(() => fs.rmSync(rendererDir, { recursive: true, force: true }));

function backend() {
  const fetched: string[] = [];
  const uploaded: { conversationId: string; name: string; contentType: string; bytes: Buffer }[] = [];
  const b: AttachmentBackend = {
    async fetchAttachment(id) {
      fetched.push(id);
      if (id !== 'att-1') return new Response('Not found', { status: 404 });
      // What the core passes on from the server (a PDF, as an attachment, never inline).
      return new Response('%PDF-1.4', { status: 200, headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="Faktur.pdf"', 'x-content-type-options': 'nosniff' } });
    },
    async uploadAttachment(a) {
      uploaded.push({ ...a, bytes: Buffer.from(a.bytes) });
      return new Response(JSON.stringify({ id: 'up-1', name: a.name, mimeType: a.contentType, size: a.bytes.byteLength, kind: 'document' }), { status: 201, headers: { 'content-type': 'application/json' } });
    },
  };
  return { b, fetched, uploaded };
}

describe('app://threadline/attachments', () => {
  it('GET answers the core’s bytes with nosniff, a sandboxed CSP and the server’s content-disposition', async () => {
    const { b, fetched } = backend();
    const serve = createAppProtocolHandler(rendererDir, () => b);
    const res = await serve(new Request('app://threadline/attachments/att-1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Faktur.pdf"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(await res.text()).toBe('%PDF-1.4');
    expect((await serve(new Request('app://threadline/attachments/unknown'))).status).toBe(404);
    // Ids are checked before the core is asked: no traversal, no odd characters.
    for (const bad of ['app://threadline/attachments/..%2f..%2fetc', 'app://threadline/attachments/a%20b', 'app://threadline/attachments/']) {
      expect((await serve(new Request(bad))).status).toBe(404);
    }
    expect(fetched).toEqual(['att-1', 'unknown']);
  });

  it('POST upload hands the bytes, name, type and conversation to the core; a foreign origin or oversize is refused', async () => {
    const { b, uploaded } = backend();
    const serve = createAppProtocolHandler(rendererDir, () => b);
    const bytes = Buffer.from('%PDF-1.4\n%%EOF\n');
    const ok = await serve(new Request('app://threadline/attachments/upload?conversationId=conv-1&name=Faktur%20Mei.pdf', { method: 'POST', headers: { origin: 'app://threadline', 'content-type': 'application/pdf' }, body: bytes }));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ id: 'up-1', name: 'Faktur Mei.pdf' });
    expect(uploaded).toEqual([{ conversationId: 'conv-1', name: 'Faktur Mei.pdf', contentType: 'application/pdf', bytes }]);
    const foreign = await serve(new Request('app://threadline/attachments/upload?conversationId=conv-1&name=x.pdf', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/pdf' }, body: bytes }));
    expect(foreign.status).toBe(403);
    const big = await serve(new Request('app://threadline/attachments/upload?conversationId=conv-1&name=x.pdf', { method: 'POST', headers: { origin: 'app://threadline', 'content-length': String(MAX_UPLOAD_BYTES + 1) }, body: bytes }));
    expect(big.status).toBe(413);
    expect((await serve(new Request('app://threadline/attachments/upload'))).status).toBe(403); // GET
    expect(uploaded).toHaveLength(1);
  });

  it('before the core is open: 503; other app:// paths are still the renderer files', async () => {
    const serve = createAppProtocolHandler(rendererDir, () => null);
    expect((await serve(new Request('app://threadline/attachments/att-1'))).status).toBe(503);
    expect((await serve(new Request('app://threadline/'))).status).toBe(200);
    expect((await serve(new Request('app://threadline/', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('the shell wires its app:// handler to the core it created', async () => {
    const fx = createFakeElectron('/home/agent/.config/Threadline');
    const { b, fetched } = backend();
    const core = Object.assign(createTestCore(), b);
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    const handle = startShell(fx.ports, { createCore: async () => (await opened, core), preloadPath: 'p', rendererDir, trayIconPath: 't', argv: [], platform: 'linux', unreadDelayMs: 10 });
    fx.app.readyResolve();
    await new Promise((r) => setTimeout(r, 10));
    const serve = fx.protocol.handlers.get('app')!;
    // Asked while the core is still opening: not ready (never a crash, never a file from disk).
    expect((await serve(new Request('app://threadline/attachments/att-1'))).status).toBe(503);
    open();
    await handle.ready;
    const res = await serve(new Request('app://threadline/attachments/att-1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(fetched).toEqual(['att-1']);
  });
});
