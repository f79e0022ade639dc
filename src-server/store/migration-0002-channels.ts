// 0002_channels: the durable outbound delivery queue, and per-message channel metadata
// (attachments, e-mail headers, the vendor's message type). Kysely schema builder only.
import type { Kysely, Migration } from 'kysely';

export const channelsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('delivery_jobs')
      // The job id is the idempotency key of one delivery attempt series (given to vendors that take one).
      .addColumn('id', 'text', (c) => c.primaryKey())
      // One live job per outbound message: a second enqueue of the same message is refused by the store.
      .addColumn('message_id', 'text', (c) => c.notNull().unique().references('messages.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      // pending → sending → done | failed; `sending` whose lease ran out is in doubt (see channels/delivery.ts).
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('delivery_jobs_due').on('delivery_jobs').columns(['state', 'next_attempt_at']).execute();
    // JSON: { kind, attachments?, email? {messageId, inReplyTo, references, subject, html?} }.
    await db.schema.alterTable('messages').addColumn('meta', 'text').execute();
  },
};
