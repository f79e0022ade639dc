// 0007_channel_media: inbound attachments (downloaded after the webhook is acknowledged, by a durable job),
// WhatsApp message templates synced from the Graph API, and two denormalised message columns the sync
// carries to the apps (the attachments' summaries, and whether an original e-mail can be shown).
import type { Kysely, Migration } from 'kysely';

export const channelMediaMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      // Position within the message: (message_id, position) is unique, so a replayed webhook adds nothing.
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      // The vendor's media id / file id (null when the bytes came with the message, e-mail).
      .addColumn('vendor_id', 'text')
      .addColumn('file_name', 'text')
      // What the sender declared; mime_type is what we serve (checked against the bytes).
      .addColumn('declared_type', 'text')
      .addColumn('mime_type', 'text')
      .addColumn('size', 'integer')
      // pending → downloading → ready | skipped (too large, type mismatch) | failed (vendor refused, gave up)
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('attachments_message_position', ['message_id', 'position'])
      .execute();
    await db.schema.createIndex('attachments_due').on('attachments').columns(['state', 'next_attempt_at']).execute();

    await db.schema
      .createTable('whatsapp_templates')
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('category', 'text')
      // JSON: the template's components as the Graph API returns them.
      .addColumn('components', 'text', (c) => c.notNull())
      .addColumn('synced_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('whatsapp_templates_pk', ['channel_id', 'name', 'language'])
      .execute();

    // JSON array of attachment summaries (src-shared/domain MessageAttachment); null without attachments.
    await db.schema.alterTable('messages').addColumn('attachments', 'text').execute();
    // 1 when the message keeps an original the app can show on demand (sanitised e-mail HTML or full text).
    await db.schema.alterTable('messages').addColumn('has_original', 'integer').execute();
  },
};
