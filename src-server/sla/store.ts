// SLA policies and business-hours calendars: rows ↔ src-shared/sla shapes, and their CRUD.
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { BusinessCalendar, SlaPolicyInput, type SlaPolicy } from '../../src-shared/sla';
import type { ChannelType } from '../../src-shared/domain';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { Q } from '../domain/entities';
import { invalid, notFound } from '../domain/errors';
import type { SlaCalendarsTable, SlaPoliciesTable } from '../store/schema';

export const CalendarInput = BusinessCalendar.extend({ name: z.string().trim().min(1).max(200) }).refine((c) => c.weekly.length > 0, {
  message: 'a calendar needs at least one weekly opening interval',
  path: ['weekly'],
});
export type CalendarInput = z.infer<typeof CalendarInput>;
export type StoredCalendar = CalendarInput & { id: string; createdAt: string; updatedAt: string };

export function calendarOf(row: Selectable<SlaCalendarsTable>): StoredCalendar {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    weekly: JSON.parse(row.weekly) as StoredCalendar['weekly'],
    holidays: JSON.parse(row.holidays) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The calendar as the clocks use it (no name or ids): what a snapshot carries. */
export function clockCalendar(c: StoredCalendar): BusinessCalendar {
  return { timeZone: c.timeZone, weekly: c.weekly, holidays: [...c.holidays].sort() };
}

export function policyOf(row: Selectable<SlaPoliciesTable>): SlaPolicy {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    channelType: row.channel_type as ChannelType | null,
    priority: row.priority as SlaPolicy['priority'],
    customerTier: row.customer_tier,
    calendarId: row.calendar_id,
    firstResponseMinutes: row.first_response_minutes,
    nextResponseMinutes: row.next_response_minutes,
    resolutionMinutes: row.resolution_minutes,
    pauseOn: JSON.parse(row.pause_on) as SlaPolicy['pauseOn'],
    warnings: JSON.parse(row.warnings) as SlaPolicy['warnings'],
    escalation: JSON.parse(row.escalation) as SlaPolicy['escalation'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function policyColumns(p: z.output<typeof SlaPolicyInput>) {
  return {
    name: p.name,
    enabled: p.enabled ? 1 : 0,
    channel_type: p.channelType,
    priority: p.priority,
    customer_tier: p.customerTier,
    calendar_id: p.calendarId,
    first_response_minutes: p.firstResponseMinutes,
    next_response_minutes: p.nextResponseMinutes,
    resolution_minutes: p.resolutionMinutes,
    pause_on: JSON.stringify(p.pauseOn),
    warnings: JSON.stringify(p.warnings),
    escalation: JSON.stringify(p.escalation),
  };
}

async function checkCalendar(q: Q, calendarId: string | null): Promise<void> {
  if (calendarId && !(await q.selectFrom('sla_calendars').select('id').where('id', '=', calendarId).executeTakeFirst())) {
    throw invalid('calendarId: no such business-hours calendar');
  }
}

export async function listPolicies(q: Q): Promise<SlaPolicy[]> {
  return (await q.selectFrom('sla_policies').selectAll().orderBy('created_at').orderBy('id').execute()).map(policyOf);
}

export async function getPolicy(q: Q, id: string): Promise<SlaPolicy> {
  const row = await q.selectFrom('sla_policies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('SLA policy');
  return policyOf(row);
}

export async function createPolicy(q: Q, input: z.output<typeof SlaPolicyInput>): Promise<SlaPolicy> {
  await checkCalendar(q, input.calendarId);
  const id = uuidv7();
  const now = nowIso();
  await q.insertInto('sla_policies').values({ id, ...policyColumns(input), created_at: now, updated_at: now }).execute();
  return getPolicy(q, id);
}

export async function updatePolicy(q: Q, id: string, patch: Record<string, unknown>): Promise<SlaPolicy> {
  const current = await getPolicy(q, id);
  // Validate the merged policy as a whole, so a patch can never leave an invalid one behind.
  const merged = SlaPolicyInput.parse({ ...current, ...patch });
  await checkCalendar(q, merged.calendarId);
  await q.updateTable('sla_policies').set({ ...policyColumns(merged), updated_at: nowIso() }).where('id', '=', id).execute();
  return getPolicy(q, id);
}

export async function deletePolicy(q: Q, id: string): Promise<void> {
  const res = await q.deleteFrom('sla_policies').where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound('SLA policy');
}

export async function listCalendars(q: Q): Promise<StoredCalendar[]> {
  return (await q.selectFrom('sla_calendars').selectAll().orderBy('created_at').orderBy('id').execute()).map(calendarOf);
}

export async function getCalendar(q: Q, id: string): Promise<StoredCalendar> {
  const row = await q.selectFrom('sla_calendars').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('business-hours calendar');
  return calendarOf(row);
}

function calendarColumns(c: CalendarInput) {
  return { name: c.name, time_zone: c.timeZone, weekly: JSON.stringify(c.weekly), holidays: JSON.stringify([...new Set(c.holidays)].sort()) };
}

export async function createCalendar(q: Q, input: CalendarInput): Promise<StoredCalendar> {
  const id = uuidv7();
  const now = nowIso();
  await q.insertInto('sla_calendars').values({ id, ...calendarColumns(input), created_at: now, updated_at: now }).execute();
  return getCalendar(q, id);
}

export async function updateCalendar(q: Q, id: string, patch: Record<string, unknown>): Promise<StoredCalendar> {
  const current = await getCalendar(q, id);
  const merged = CalendarInput.parse({ name: current.name, timeZone: current.timeZone, weekly: current.weekly, holidays: current.holidays, ...patch });
  await q.updateTable('sla_calendars').set({ ...calendarColumns(merged), updated_at: nowIso() }).where('id', '=', id).execute();
  return getCalendar(q, id);
}

export async function deleteCalendar(q: Q, id: string): Promise<void> {
  await getCalendar(q, id);
  const used = await q.selectFrom('sla_policies').select('id').where('calendar_id', '=', id).executeTakeFirst();
  if (used) throw invalid('this calendar is used by an SLA policy; change the policy first');
  await q.deleteFrom('sla_calendars').where('id', '=', id).execute();
}
