// 0003_sla: SLA policies, business-hours calendars, the SLA columns of a conversation, and the once-only
// record of every warning and breach fired (its primary key is the once-only key: a restart never fires twice).
import type { Kysely, Migration } from 'kysely';

export const slaMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sla_calendars')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('weekly', 'text', (c) => c.notNull())
      .addColumn('holidays', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sla_policies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('channel_type', 'text')
      .addColumn('priority', 'text')
      .addColumn('customer_tier', 'text')
      .addColumn('calendar_id', 'text', (c) => c.references('sla_calendars.id'))
      .addColumn('first_response_minutes', 'real')
      .addColumn('next_response_minutes', 'real')
      .addColumn('resolution_minutes', 'real')
      .addColumn('pause_on', 'text', (c) => c.notNull())
      .addColumn('warnings', 'text', (c) => c.notNull())
      .addColumn('escalation', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema.alterTable('conversations').addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal')).execute();
    await db.schema.alterTable('conversations').addColumn('sla', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('first_response_due_at', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('next_response_due_at', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('resolution_due_at', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('sla_state', 'text').execute();
    // The next warning or breach to fire: the scheduler's only query (restart-safe: it lives in the store).
    await db.schema.alterTable('conversations').addColumn('sla_next_at', 'text').execute();
    await db.schema.createIndex('conversations_sla_next').on('conversations').column('sla_next_at').execute();

    await db.schema
      .createTable('sla_events')
      // conversation|target|kind|dueAt: fired at most once, ever.
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('fired_at', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sla_events_conversation').on('sla_events').columns(['conversation_id', 'fired_at']).execute();
  },
};
