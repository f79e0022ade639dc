// 0006_routing: teams (pools) and their members, each agent's skills, capacity and presence, ordered routing rules,
// escalation rules (each fires once per conversation), routing events (the explainable timeline of every decision),
// and the routing columns of a conversation (its team, when it was queued/assigned, when the assignee must reply).
import type { Kysely, Migration } from 'kysely';

export const routingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('strategy', 'text', (c) => c.notNull())
      // JSON {channelType | "*": capacity}
      .addColumn('default_capacity', 'text', (c) => c.notNull())
      .addColumn('overflow_team_id', 'text')
      .addColumn('overflow_after_seconds', 'real')
      .addColumn('overflow_queue_length', 'integer')
      .addColumn('reply_timeout_seconds', 'real')
      .addColumn('sticky_window_minutes', 'real')
      // round robin: the member who got the team's previous conversation
      .addColumn('last_assigned_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('team_members')
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'agent_id'])
      .execute();
    await db.schema.createIndex('team_members_agent').on('team_members').column('agent_id').execute();

    await db.schema
      .createTable('agent_routing')
      .addColumn('agent_id', 'text', (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
      .addColumn('skills', 'text', (c) => c.notNull())
      // JSON {channelType | "*": capacity}: overrides the team default
      .addColumn('capacity', 'text', (c) => c.notNull())
      // chosen status: online | away | offline
      .addColumn('status', 'text', (c) => c.notNull())
      // what routing last used (chosen status, or offline after the grace period); changes are synced as `presence`
      .addColumn('effective', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('routing_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('conditions', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
      .addColumn('required_skills', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('escalation_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('escalations_fired')
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('fired_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('escalations_fired_pk', ['rule_id', 'conversation_id'])
      .execute();

    await db.schema
      .createTable('routing_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      // order within the conversation (events of one decision share `at`)
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('routing_events_conversation').on('routing_events').columns(['conversation_id', 'seq']).execute();

    await db.schema.alterTable('conversations').addColumn('routing_team_id', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('routing_rule_id', 'text').execute();
    // set while waiting in a team's queue (oldest/highest priority first)
    await db.schema.alterTable('conversations').addColumn('queued_at', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('assigned_at', 'text').execute();
    // the assignee must reply by then, or the conversation is reassigned
    await db.schema.alterTable('conversations').addColumn('reply_due_at', 'text').execute();
    // JSON array of labels (routing conditions, escalation "add label")
    await db.schema.alterTable('conversations').addColumn('labels', 'text').execute();
    await db.schema.createIndex('conversations_queued').on('conversations').columns(['queued_at']).execute();
    await db.schema.createIndex('conversations_reply_due').on('conversations').columns(['reply_due_at']).execute();
  },
};
