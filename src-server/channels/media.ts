// Inbound attachments. The webhook only records them (rows in `attachments`, state `pending`, written in the
// same transaction as the message); this durable job downloads them AFTER the acknowledgement:
//   claim    — pending & due rows become `downloading` with a lease (a download is idempotent: a row whose
//              lease ran out, or that a stopped server left `downloading`, is simply tried again);
//   fetch    — the channel's adapter looks the vendor id up and streams the bytes (with its token);
//   check    — at most MAX_ATTACHMENT_BYTES (declared size first, then counted while streaming); the content
//              type is checked against the bytes (magic numbers): a declared image/PDF that is not one, or
//              bytes of a known type declared as another, are refused (`skipped` with the reason);
//   record   — the file goes to <dataDir>/attachments/<id>; the message's attachment summaries (synced) follow.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { MessageAttachment } from '../../src-shared/domain';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { ChangeWriter } from '../domain/change-log';
import { messageOf } from '../domain/entities';
import type { AttachmentsTable, DB } from '../store/schema';
import { backoffMs, type Attachment } from './adapter';
import type { ChannelRuntime } from './runtime';
import { JobLoop } from '../jobs/job-loop';

export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export interface MediaOptions {
  pollMs: number;
  leaseMs: number;
  maxBytes: number;
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
}

export const DEFAULT_MEDIA: MediaOptions = { pollMs: 1000, leaseMs: 5 * 60_000, maxBytes: MAX_ATTACHMENT_BYTES, maxAttempts: 8, baseBackoffMs: 2000, maxBackoffMs: 10 * 60_000, timeoutMs: 120_000 };

export const attachmentsDir = (dataDir: string) => path.join(dataDir, 'attachments');
/** E-mail attachments arrive with the mail: their bytes wait here (written before the mail is stored) for the job. */
export const stagingDir = (dataDir: string) => path.join(dataDir, 'attachments', 'staging');

// ── content sniffing ─────────────────────────────────────────────────────────────────────────
/** Types whose bytes we can recognise; a declared one of these must match the bytes. */
const CHECKED = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;
/** Types served under their own name (the browser never runs them); anything else is application/octet-stream. */
const PASSIVE = /^(audio\/(ogg|mpeg|mp4|aac|amr|opus|wav|webm)|video\/(mp4|3gpp|webm|quicktime)|text\/plain)$/;

export function sniff(head: Uint8Array): string | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 6 && (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (b.length >= 5 && b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b.length >= 4 && b.subarray(0, 4).toString('latin1') === 'OggS') return 'audio/ogg';
  if (b.length >= 12 && b.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  return null;
}

const normType = (t: string | null | undefined) => (t ?? '').split(';')[0]!.trim().toLowerCase() || null;
const isChecked = (t: string | null): t is (typeof CHECKED)[number] => !!t && (CHECKED as readonly string[]).includes(t === 'image/jpg' ? 'image/jpeg' : t);

/** The type to serve, or the reason the bytes are refused. */
export function checkType(kind: string, declared: string | null | undefined, head: Uint8Array): { ok: true; mimeType: string } | { ok: false; reason: string } {
  const d = normType(declared) === 'image/jpg' ? 'image/jpeg' : normType(declared);
  const s = sniff(head);
  if (isChecked(d) && s !== d) return { ok: false, reason: `Declared as ${d}, but the content is ${s ?? 'not a file of that type'}; not downloaded.` };
  if (isChecked(s) && d && d !== s && d !== 'application/octet-stream') return { ok: false, reason: `Declared as ${d}, but the content is ${s}; not downloaded.` };
  if ((kind === 'image' || kind === 'sticker') && !(s && s.startsWith('image/'))) return { ok: false, reason: `Sent as an image, but the content is ${s ?? 'not a recognised image'}; not downloaded.` };
  if (s) return { ok: true, mimeType: s };
  return { ok: true, mimeType: d && PASSIVE.test(d) ? d : 'application/octet-stream' };
}

// ── store side (inside command transactions) ─────────────────────────────────────────────────
/** Records a new inbound message's attachments as `pending` rows and its summaries; the job downloads them. */
export async function recordAttachments(trx: Transaction<DB>, messageId: string, channelId: string, list: readonly Attachment[]): Promise<void> {
  if (list.length === 0) return;
  const now = nowIso();
  await trx
    .insertInto('attachments')
    .values(
      list.map((a, i) => ({
        id: uuidv7(),
        message_id: messageId,
        channel_id: channelId,
        position: i,
        kind: a.kind,
        vendor_id: a.vendorId,
        file_name: a.fileName ?? null,
        declared_type: a.mimeType ?? null,
        mime_type: null,
        size: a.size ?? null,
        state: 'pending',
        reason: null,
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  await trx.updateTable('messages').set({ attachments: JSON.stringify(await summariesOf(trx, messageId)) }).where('id', '=', messageId).execute();
}

export function summaryOf(r: Selectable<AttachmentsTable>): MessageAttachment {
  const state = r.state === 'downloading' ? 'pending' : (r.state as MessageAttachment['state']);
  return { id: r.id, kind: r.kind, name: r.file_name, mimeType: r.mime_type ?? r.declared_type, size: r.size, state, ...(r.reason ? { reason: r.reason } : {}) };
}

async function summariesOf(trx: Transaction<DB>, messageId: string): Promise<MessageAttachment[]> {
  const rows = await trx.selectFrom('attachments').selectAll().where('message_id', '=', messageId).orderBy('position').execute();
  return rows.map(summaryOf);
}

async function republish(w: ChangeWriter, messageId: string): Promise<void> {
  await w.trx.updateTable('messages').set({ attachments: JSON.stringify(await summariesOf(w.trx, messageId)), updated_at: nowIso() }).where('id', '=', messageId).execute();
  const row = await w.trx.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (row) await w.put('message', messageId, [row.channel_id], messageOf(row));
}

// ── the job ──────────────────────────────────────────────────────────────────────────────────
type Outcome = { kind: 'ready'; mimeType: string; size: number } | { kind: 'skipped' | 'failed'; reason: string } | { kind: 'retry'; reason: string; retryAfterMs?: number };

export class MediaJobs {
  readonly opts: MediaOptions;
  private readonly jobs: JobLoop;

  constructor(
    private readonly rt: ChannelRuntime,
    opts: Partial<MediaOptions> = {},
  ) {
    this.opts = { ...DEFAULT_MEDIA, ...opts };
    this.jobs = new JobLoop(() => this.pass(), { name: 'media', pollMs: this.opts.pollMs, deferKick: true, log: this.rt.log });
  }

  get dir(): string {
    return attachmentsDir(this.rt.opts.dataDir);
  }

  async start(): Promise<void> {
    fs.mkdirSync(stagingDir(this.rt.opts.dataDir), { recursive: true, mode: 0o700 });
    // Downloads are idempotent: whatever a previous process left `downloading` is simply due again.
    await this.rt.db.updateTable('attachments').set({ state: 'pending', lease_until: null }).where('state', '=', 'downloading').execute();
    this.jobs.start();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  /** Run soon — never inside the webhook's request: the loop defers a kicked pass so the acknowledgement goes out first. */
  kick(): void {
    this.jobs.kick();
  }

  /** One pass: expired leases are due again, then up to four downloads run side by side. */
  private async pass(): Promise<number> {
    const now = nowIso();
    await this.rt.db.updateTable('attachments').set({ state: 'pending', lease_until: null }).where('state', '=', 'downloading').where('lease_until', '<', now).execute();
    const jobs = await this.claim();
    await Promise.all(jobs.map((j) => this.run(j)));
    return jobs.length;
  }

  private async claim(): Promise<Selectable<AttachmentsTable>[]> {
    const now = nowIso();
    const lease = new Date(Date.now() + this.opts.leaseMs).toISOString();
    return this.rt.db.transaction().execute(async (trx) => {
      const due = await trx.selectFrom('attachments').selectAll().where('state', '=', 'pending').where('next_attempt_at', '<=', now).orderBy('created_at').limit(4).execute();
      const claimed: Selectable<AttachmentsTable>[] = [];
      for (const a of due) {
        const res = await trx.updateTable('attachments').set({ state: 'downloading', lease_until: lease, attempts: a.attempts + 1, updated_at: now }).where('id', '=', a.id).where('state', '=', 'pending').executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) claimed.push({ ...a, attempts: a.attempts + 1 });
      }
      return claimed;
    });
  }

  private async run(a: Selectable<AttachmentsTable>): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.download(a);
    } catch (err) {
      outcome = { kind: 'retry', reason: `Download failed (${err instanceof Error ? err.message : String(err)}).` };
    }
    await this.rt.commands.run(async (w) => {
      const cur = await w.trx.selectFrom('attachments').select('state').where('id', '=', a.id).executeTakeFirst();
      if (cur?.state !== 'downloading') return;
      const now = nowIso();
      if (outcome.kind === 'ready') {
        await w.trx.updateTable('attachments').set({ state: 'ready', mime_type: outcome.mimeType, size: outcome.size, reason: null, lease_until: null, updated_at: now }).where('id', '=', a.id).execute();
      } else if (outcome.kind === 'retry' && a.attempts < this.opts.maxAttempts) {
        const wait = outcome.retryAfterMs ?? backoffMs(a.attempts, this.opts.baseBackoffMs, this.opts.maxBackoffMs);
        await w.trx.updateTable('attachments').set({ state: 'pending', reason: outcome.reason, lease_until: null, next_attempt_at: new Date(Date.now() + wait).toISOString(), updated_at: now }).where('id', '=', a.id).execute();
        return; // nothing the apps need to see yet
      } else {
        const reason = outcome.kind === 'retry' ? `Gave up after ${a.attempts} attempts: ${outcome.reason}` : outcome.reason;
        await w.trx.updateTable('attachments').set({ state: outcome.kind === 'skipped' ? 'skipped' : 'failed', reason, lease_until: null, updated_at: now }).where('id', '=', a.id).execute();
      }
      await republish(w, a.message_id);
    });
    if (a.vendor_id && outcome.kind !== 'retry') removeStaged(this.rt.opts.dataDir, a);
  }

  private async download(a: Selectable<AttachmentsTable>): Promise<Outcome> {
    const max = this.opts.maxBytes;
    if (a.size !== null && a.size > max) return { kind: 'skipped', reason: tooLarge(a.size, max) };
    const channel = await this.rt.db.selectFrom('channels').selectAll().where('id', '=', a.channel_id).executeTakeFirst();
    if (!channel) return { kind: 'failed', reason: 'The channel no longer exists.' };
    const adapter = this.rt.adapter(channel.type);
    if (!adapter?.fetchMedia || !a.vendor_id) return { kind: 'failed', reason: `Downloading ${channel.type} attachments is not available in this version.` };
    let config: Record<string, unknown>;
    try {
      config = this.rt.channelConfig(channel);
    } catch {
      return { kind: 'retry', reason: "This channel's settings are incomplete; an administrator must fix them." };
    }
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    const src = await adapter.fetchMedia({ vendorId: a.vendor_id, kind: a.kind, config, rt: this.rt, maxBytes: max }, signal);
    if (src.kind === 'skipped') return { kind: 'skipped', reason: src.reason };
    if (src.kind === 'permanent') return { kind: 'failed', reason: src.reason };
    if (src.kind === 'retry') return src;
    if (src.size !== undefined && src.size > max) return { kind: 'skipped', reason: tooLarge(src.size, max) };
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const part = path.join(this.dir, `${a.id}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const head: Buffer[] = [];
    let headLen = 0;
    const out = fs.openSync(part, 'w', 0o600);
    try {
      for await (const chunk of src.body) {
        size += chunk.byteLength;
        if (size > max) return { kind: 'skipped', reason: tooLarge(size, max, true) };
        if (headLen < 16) {
          head.push(Buffer.from(chunk.subarray(0, 16 - headLen)));
          headLen += Math.min(16, chunk.byteLength);
        }
        hash.update(chunk);
        fs.writeSync(out, chunk);
      }
    } finally {
      fs.closeSync(out);
      if (size > max) fs.rmSync(part, { force: true });
    }
    if (src.sha256 && hash.digest('hex') !== src.sha256.toLowerCase()) {
      fs.rmSync(part, { force: true });
      return { kind: 'retry', reason: 'The downloaded file does not match its checksum.' };
    }
    const type = checkType(a.kind, a.declared_type ?? src.mimeType, Buffer.concat(head));
    if (!type.ok) {
      fs.rmSync(part, { force: true });
      return { kind: 'skipped', reason: type.reason };
    }
    fs.renameSync(part, path.join(this.dir, a.id));
    return { kind: 'ready', mimeType: type.mimeType, size };
  }
}

function tooLarge(size: number, max: number, counted = false): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return counted ? `The file is larger than the ${mb(max)} limit; not downloaded.` : `The file is ${mb(size)}, over the ${mb(max)} limit; not downloaded.`;
}

// ── e-mail: bytes that arrive with the message ──────────────────────────────────────────────
/** Writes an e-mail attachment's bytes to the staging directory; its name is the attachment's vendor id. */
export function stageBytes(dataDir: string, bytes: Buffer): string {
  const dir = stagingDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `staged-${uuidv7()}`;
  fs.writeFileSync(path.join(dir, name), bytes, { mode: 0o600 });
  return name;
}

export function stagedPath(dataDir: string, vendorId: string): string | null {
  return /^staged-[0-9a-f-]{36}$/.test(vendorId) ? path.join(stagingDir(dataDir), vendorId) : null;
}

function removeStaged(dataDir: string, a: Selectable<AttachmentsTable>): void {
  const p = a.vendor_id ? stagedPath(dataDir, a.vendor_id) : null;
  if (p) fs.rmSync(p, { force: true });
}

/** Staged files of a mail that turned out to be a duplicate (or failed to store). */
export function discardStaged(dataDir: string, list: readonly Attachment[] | undefined): void {
  for (const a of list ?? []) {
    const p = stagedPath(dataDir, a.vendorId);
    if (p) fs.rmSync(p, { force: true });
  }
}

/** Streams a Response body with a byte ceiling known to the caller (undici's body is an async iterable). */
export function bodyOf(res: Response): AsyncIterable<Uint8Array> {
  if (!res.body) return (async function* () {})();
  return res.body as unknown as AsyncIterable<Uint8Array>;
}
