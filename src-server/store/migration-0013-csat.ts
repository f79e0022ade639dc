// 0013_csat (docs/csat.md): one satisfaction survey per conversation, ever (conversation_id UNIQUE), and the
// survey's summary on the conversation row (JSON, src-shared/csat ConversationCsat) so it syncs with it.
// A row with state 'sent' and sent_at null is queued; detail 'sending' marks a send in flight (in doubt after a crash).
import type { Kysely, Migration } from 'kysely';

export const csatMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('csat_surveys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull().unique())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('channel_type', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('token', 'text', (c) => c.notNull().unique())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('score', 'integer')
      .addColumn('comment', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('csat_surveys_contact').on('csat_surveys').column('contact_id').execute();
    await db.schema.createIndex('csat_surveys_sent').on('csat_surveys').column('sent_at').execute();
    await db.schema.alterTable('conversations').addColumn('csat', 'text').execute();
  },
};
