// 0011_identity (issue 4): customer profiles, identity provenance, merges (with what they moved, so unmerge is
// exact), merge suggestions, and a contact audit trail.
import type { Kysely, Migration } from 'kysely';

export const identityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, type] of [
      ['tier', 'text'],
      ['language', 'text'],
      ['time_zone', 'text'],
      ['attributes', 'text'],
      ['tags', 'text'],
      ['notes', 'text'],
      // A contact merged into another keeps its row (for unmerge) and points at the survivor.
      ['merged_into', 'text'],
    ] as const) {
      await db.schema.alterTable('contacts').addColumn(name, type).execute();
    }
    // How an identity was learnt: 1 = proven by the channel (WhatsApp number, HMAC-verified web chat user, the
    // sender of an e-mail), 0 = claimed (typed by an agent, a CRM, an unverified visitor).
    await db.schema.alterTable('contact_identities').addColumn('verified', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.alterTable('contact_identities').addColumn('source', 'text').execute();

    await db.schema
      .createTable('contact_merges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('survivor_id', 'text', (c) => c.notNull())
      .addColumn('merged_id', 'text', (c) => c.notNull())
      // JSON: { identities: [{channel_type, value}], conversations: [id], messages: [{id, from}] }
      .addColumn('moved', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('undone_at', 'text')
      .execute();
    await db.schema.createIndex('contact_merges_survivor').on('contact_merges').column('survivor_id').execute();

    await db.schema
      .createTable('merge_suggestions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('other_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      // open | accepted | dismissed
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addUniqueConstraint('merge_suggestions_pair', ['contact_id', 'other_id'])
      .execute();
    await db.schema.createIndex('merge_suggestions_other').on('merge_suggestions').column('other_id').execute();

    await db.schema
      .createTable('contact_audit')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('contact_audit_contact').on('contact_audit').columns(['contact_id', 'created_at']).execute();
    // Contact search by name.
    await db.schema.createIndex('contacts_name').ifNotExists().on('contacts').column('name').execute();
  },
};
