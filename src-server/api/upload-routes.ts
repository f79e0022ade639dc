// Outbound media: POST /api/v1/conversations/:id/attachments?name=<file name> with the file as the raw body
// and its type as Content-Type (Bearer, like every /api/v1 route). At most 25 MB (413); the declared type is
// checked against the bytes exactly like inbound media (400 on a mismatch); agents outside the
// conversation's channel get 404. Answers 201 {id, name, mimeType, size, kind}; the id goes into the reply
// (sendMessage.attachmentIds). The file waits in <dataDir>/attachments/<id> (mode 0600).
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import { notFound } from '../domain/errors';
import { canSeeChannel } from '../domain/visibility';
import { attachmentsDir, checkType, MAX_ATTACHMENT_BYTES } from '../channels/media';
import { cleanFileName, outboundKind, pruneUploads } from '../channels/outbound-media';
import { HttpError, parse } from './http-errors';
import { actorOf, type ServerContext } from './context';

const Params = z.object({ id: z.string().max(64) });
const Query = z.object({ name: z.string().max(1024).optional() });

/** Registers the upload route in its own scope: the body is the file's raw bytes, whatever its type. */
export async function uploadRoutes(app: FastifyInstance, ctx: ServerContext, maxBytes = MAX_ATTACHMENT_BYTES): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));

    scope.post('/api/v1/conversations/:id/attachments', { bodyLimit: maxBytes }, async (req, reply) => {
      const { id } = parse(Params, req.params);
      const { name } = parse(Query, req.query);
      const actor = actorOf(req);
      const conv = await ctx.db.selectFrom('conversations').select(['id', 'channel_id']).where('id', '=', id).executeTakeFirst();
      if (!conv || !(await canSeeChannel(ctx.db, actor, conv.channel_id))) throw notFound('conversation');
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (bytes.length === 0) throw new HttpError(400, 'invalid', 'the file is empty');
      const declared = req.headers['content-type'] ?? 'application/octet-stream';
      const kind = /^image\//i.test(declared) ? 'image' : 'document';
      const type = checkType(kind, declared, bytes.subarray(0, 16));
      if (!type.ok) throw new HttpError(400, 'type_mismatch', type.reason.replace('not downloaded', 'not accepted'));
      const dir = attachmentsDir(ctx.channels.opts.dataDir);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const uploadId = uuidv7();
      const part = path.join(dir, `${uploadId}.part`);
      fs.writeFileSync(part, bytes, { mode: 0o600 });
      fs.renameSync(part, path.join(dir, uploadId));
      const fileName = cleanFileName(name);
      await ctx.db
        .insertInto('uploads')
        .values({ id: uploadId, conversation_id: conv.id, channel_id: conv.channel_id, agent_id: actor.id, file_name: fileName, mime_type: type.mimeType, size: bytes.length, message_id: null, created_at: nowIso() })
        .execute();
      // Housekeeping: uploads no reply used within a day.
      void pruneUploads(ctx.db, ctx.channels.opts.dataDir).catch((err: unknown) => ctx.log.warn({ err }, 'pruning unused uploads failed'));
      return reply.code(201).send({ id: uploadId, name: fileName, mimeType: type.mimeType, size: bytes.length, kind: outboundKind(type.mimeType) });
    });
  });
}
