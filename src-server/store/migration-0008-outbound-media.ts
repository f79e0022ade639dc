// 0008_outbound_media: files an agent uploaded for a reply. An upload belongs to one agent and one
// conversation until a sent message uses it (message_id set; the file then becomes that message's
// attachment row, same id, state `ready`). Unused uploads are removed after a day.
import type { Kysely, Migration } from 'kysely';

export const outboundMediaMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('uploads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('mime_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('uploads_unused').on('uploads').columns(['message_id', 'created_at']).execute();
  },
};
