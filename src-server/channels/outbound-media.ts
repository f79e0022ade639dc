// Outbound media (issue 3): an agent uploads a file for a reply (POST /api/v1/conversations/:id/attachments,
// api/upload-routes.ts), then sends the reply with its id (sendMessage.attachmentIds). In the send's
// transaction the upload becomes the message's attachment row (same id, state `ready`), so the app shows it
// like an inbound one and GET /api/v1/attachments/:id serves it; the delivery queue hands the file to the
// channel's adapter (WhatsApp media upload + media message, Telegram sendPhoto/sendDocument, e-mail attachment).
import fs from 'node:fs';
import path from 'node:path';
import type { Selectable, Transaction } from 'kysely';
import { nowIso } from '../../src-shared/ids';
import { invalid } from '../domain/errors';
import type { AttachmentsTable, DB } from '../store/schema';
import { attachmentsDir, summaryOf } from './media';

/** Files per reply: one (WhatsApp and Telegram send one file per message; a reply maps to one vendor message). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 1;
/** Uploads not used by a sent reply within this time are removed. */
export const UPLOAD_TTL_MS = 24 * 60 * 60_000;

/** The attachment kind of an outbound file, from the type recognised in its bytes. */
export function outboundKind(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
  if (/^image\/(jpeg|png|gif|webp)$/.test(mimeType)) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}

/** A file name safe to keep and to put in headers: no path, no control characters, at most 200 characters. */
export function cleanFileName(raw: string | undefined | null): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const name = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return name && name !== '.' && name !== '..' ? name : 'file';
}

/**
 * Inside sendMessage's transaction: the agent's unused uploads for this conversation become the message's
 * attachments. Unknown, foreign, or already used ids are refused (400) before anything is stored.
 */
export async function attachUploads(trx: Transaction<DB>, a: { messageId: string; conversationId: string; channelId: string; channelType: string; agentId: string; ids: readonly string[]; isNote: boolean }): Promise<{ name: string } | null> {
  if (a.ids.length === 0) return null;
  if (a.ids.length > MAX_ATTACHMENTS_PER_MESSAGE) throw invalid(`at most ${MAX_ATTACHMENTS_PER_MESSAGE} file per message`);
  if (!a.isNote && a.channelType === 'webchat') throw invalid('files cannot be sent on web chat yet');
  if (!a.isNote && !['whatsapp', 'telegram', 'email'].includes(a.channelType)) throw invalid(`files cannot be sent on ${a.channelType} channels yet`);
  const now = nowIso();
  let first: string | null = null;
  for (const [i, id] of a.ids.entries()) {
    const up = await trx.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
    if (!up || up.agent_id !== a.agentId || up.conversation_id !== a.conversationId || up.message_id !== null) throw invalid('the attached file was not found (upload it again)');
    await trx.updateTable('uploads').set({ message_id: a.messageId }).where('id', '=', id).execute();
    await trx
      .insertInto('attachments')
      .values({
        id: up.id,
        message_id: a.messageId,
        channel_id: a.channelId,
        position: i,
        kind: outboundKind(up.mime_type),
        vendor_id: null,
        file_name: up.file_name,
        declared_type: up.mime_type,
        mime_type: up.mime_type,
        size: up.size,
        state: 'ready',
        reason: null,
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    first ??= up.file_name;
  }
  const rows = await trx.selectFrom('attachments').selectAll().where('message_id', '=', a.messageId).orderBy('position').execute();
  await trx.updateTable('messages').set({ attachments: JSON.stringify(rows.map(summaryOf)) }).where('id', '=', a.messageId).execute();
  return first ? { name: first } : null;
}

export interface OutboundFile {
  id: string;
  kind: 'image' | 'video' | 'audio' | 'document';
  name: string;
  mimeType: string;
  size: number;
  path: string;
}

/** The files of an outbound message, for its adapter (in position order). */
export async function outboundFiles(db: { selectFrom: Transaction<DB>['selectFrom'] }, dataDir: string, messageId: string): Promise<OutboundFile[]> {
  const rows: Selectable<AttachmentsTable>[] = await db.selectFrom('attachments').selectAll().where('message_id', '=', messageId).where('state', '=', 'ready').orderBy('position').execute();
  return rows.map((r) => {
    const mimeType = r.mime_type ?? 'application/octet-stream';
    return { id: r.id, kind: outboundKind(mimeType), name: r.file_name ?? 'file', mimeType, size: r.size ?? 0, path: path.join(attachmentsDir(dataDir), r.id) };
  });
}

/** Removes uploads that no reply used within UPLOAD_TTL_MS (rows and files). */
export async function pruneUploads(db: { selectFrom: Transaction<DB>['selectFrom']; deleteFrom: Transaction<DB>['deleteFrom'] }, dataDir: string, now = Date.now()): Promise<number> {
  const before = new Date(now - UPLOAD_TTL_MS).toISOString();
  const old = await db.selectFrom('uploads').select('id').where('message_id', 'is', null).where('created_at', '<', before).limit(100).execute();
  for (const u of old) {
    await db.deleteFrom('uploads').where('id', '=', u.id).where('message_id', 'is', null).execute();
    fs.rmSync(path.join(attachmentsDir(dataDir), u.id), { force: true });
  }
  return old.length;
}
