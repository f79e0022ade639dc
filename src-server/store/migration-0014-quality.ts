// 0014_quality (issue 8, docs/quality.md): weekly stratified samples of resolved conversations and the reviews
// scored against the rubric (the rubric itself is a `settings` row, key quality.rubric). A review keeps the
// criteria it was scored against, so changing the rubric never rewrites it.
import type { Kysely, Migration } from 'kysely';

export const qualityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('quality_samples')
      // ISO week (UTC), e.g. 2026-W02.
      .addColumn('week', 'text', (c) => c.primaryKey())
      .addColumn('start_at', 'text', (c) => c.notNull())
      .addColumn('end_at', 'text', (c) => c.notNull())
      .addColumn('per_channel', 'integer', (c) => c.notNull())
      // 1 once drawn after the week ended: never changes again.
      .addColumn('final', 'integer', (c) => c.notNull())
      .addColumn('drawn_at', 'text', (c) => c.notNull())
      // null = drawn automatically.
      .addColumn('drawn_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('quality_sample_items')
      .addColumn('week', 'text', (c) => c.notNull().references('quality_samples.week').onDelete('cascade'))
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('resolved_at', 'text', (c) => c.notNull())
      // The draw order inside the channel (hash of week, channel and conversation).
      .addColumn('draw_key', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('quality_sample_items_pk', ['week', 'conversation_id'])
      .execute();
    await db.schema.createIndex('quality_sample_items_conversation').on('quality_sample_items').column('conversation_id').execute();

    await db.schema
      .createTable('quality_reviews')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('reviewer_id', 'text', (c) => c.notNull())
      // The conversation's assignee when first reviewed.
      .addColumn('agent_id', 'text')
      .addColumn('channel_id', 'text', (c) => c.notNull())
      // JSON: src-shared/quality Criterion[] and {criterionId: score}.
      .addColumn('criteria', 'text', (c) => c.notNull())
      .addColumn('scores', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('max_score', 'integer', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      // When the conversation was resolved (results are ranged on it).
      .addColumn('resolved_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('quality_reviews_one_per_reviewer', ['conversation_id', 'reviewer_id'])
      .execute();
    await db.schema.createIndex('quality_reviews_agent').on('quality_reviews').columns(['agent_id', 'updated_at']).execute();
    await db.schema.createIndex('quality_reviews_resolved').on('quality_reviews').column('resolved_at').execute();
  },
};
