// Versioned migrations, written with Kysely's schema builder only (dialect-neutral), run by
// Kysely's Migrator which records applied versions in its `kysely_migration` table.
// Never edit a released migration: add a new one.
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator } from 'kysely';
import { channelsMigration } from './migration-0002-channels';
import { perfMigration } from './migration-0004-perf';
import { slaMigration } from './migration-0003-sla';
import { routingMigration } from './migration-0006-routing';
import { channelMediaMigration } from './migration-0007-channel-media';
import { identityMigration } from './migration-0011-identity';
import { metricsMigration } from './migration-0012-metrics';
import { qualityMigration } from './migration-0014-quality';
import { csatMigration } from './migration-0013-csat';
import { collabMigration } from './migration-0009-collab';
import { outboundMediaMigration } from './migration-0008-outbound-media';

const ts = 'text';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('expires_at', ts, (c) => c.notNull())
      .addColumn('revoked_at', ts)
      .execute();
    await db.schema.createIndex('sessions_agent').on('sessions').column('agent_id').execute();

    await db.schema
      .createTable('channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('channel_members')
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addPrimaryKeyConstraint('channel_members_pk', ['channel_id', 'agent_id'])
      .execute();
    await db.schema.createIndex('channel_members_agent').on('channel_members').column('agent_id').execute();

    await db.schema
      .createTable('contacts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('contact_identities')
      .addColumn('channel_type', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addPrimaryKeyConstraint('contact_identities_pk', ['channel_type', 'value'])
      .execute();
    await db.schema.createIndex('contact_identities_contact').on('contact_identities').column('contact_id').execute();

    await db.schema
      .createTable('conversations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('assignee_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('subject', 'text')
      .addColumn('last_message_at', ts, (c) => c.notNull())
      .addColumn('last_message_preview', 'text', (c) => c.notNull())
      .addColumn('last_inbound_at', ts)
      .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('conversations_channel_last').on('conversations').columns(['channel_id', 'last_message_at']).execute();
    await db.schema.createIndex('conversations_last').on('conversations').columns(['last_message_at', 'id']).execute();
    await db.schema.createIndex('conversations_contact').on('conversations').columns(['contact_id', 'channel_id', 'status']).execute();
    await db.schema.createIndex('conversations_assignee').on('conversations').column('assignee_id').execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('author_name', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('failure_reason', 'text')
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      // Inbound dedupe: a channel never stores the same external message twice.
      .addUniqueConstraint('messages_channel_external', ['channel_id', 'external_id'])
      .execute();
    await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('drafts')
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .addPrimaryKeyConstraint('drafts_pk', ['agent_id', 'conversation_id'])
      .execute();

    await db.schema
      .createTable('read_marks')
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('read_at', ts, (c) => c.notNull())
      .addPrimaryKeyConstraint('read_marks_pk', ['agent_id', 'conversation_id'])
      .execute();

    await db.schema
      .createTable('client_mutations')
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('last_mutation_seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .addPrimaryKeyConstraint('client_mutations_pk', ['client_id', 'agent_id'])
      .execute();

    await db.schema
      .createTable('change_log')
      .addColumn('seq', 'bigint', (c) => c.notNull().unique())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('op', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      // One row per entity and scope, at its latest version: a pull from 0 is the bootstrap.
      .addPrimaryKeyConstraint('change_log_pk', ['entity', 'entity_id', 'scope'])
      .execute();
    await db.schema.createIndex('change_log_scope_seq').on('change_log').columns(['scope', 'seq']).execute();

    await db.schema
      .createTable('counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();
    await (db as Kysely<{ counters: { name: string; value: number } }>)
      .insertInto('counters')
      .values([
        { name: 'change_seq', value: 0 },
        { name: 'min_cursor', value: 0 },
      ])
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};

const mutationRejections: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mutation_rejections')
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('mutation_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mutation_rejections_pk', ['client_id', 'agent_id', 'seq'])
      .execute();
  },
};

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0005_mutation_rejections': mutationRejections,
  '0002_channels': channelsMigration,
  '0004_perf': perfMigration,
  '0003_sla': slaMigration,
  '0006_routing': routingMigration,
  '0007_channel_media': channelMediaMigration,
  '0011_identity': identityMigration,
  '0012_metrics': metricsMigration,
  '0014_quality': qualityMigration,
  '0013_csat': csatMigration,
  '0009_collab': collabMigration,
  '0008_outbound_media': outboundMediaMigration,
};

class InCodeProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  // Migrations are developed in parallel under fixed numbers (0002…0005), so a store may already hold a
  // higher-numbered one when a lower one arrives: each is independent, apply whatever is missing.
  const migrator = new Migrator({ db, provider: new InCodeProvider(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
