// Quality review (docs/quality.md): ISO weeks in UTC (src-shared/quality.ts) and the review screen's pure logic
// (src-renderer/quality/quality-view.ts): week picker, grouping, result columns, the form's draft ↔ scores.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoWeekOf, percentOf, shiftWeek, weekBounds, type Criterion, type Review, type SampleItem } from '../../src-shared/quality';
import { byChannel, criterionColumns, criterionId, draftFor, formCriteria, formatNumber, scoresOf, weekOptions, weekRange } from '../../src-renderer/quality/quality-view';

describe('ISO weeks (UTC)', () => {
  it('names weeks like the ISO calendar, across year boundaries', () => {
    expect(isoWeekOf(Date.parse('2026-01-05T00:00:00Z'))).toBe('2026-W02');
    expect(isoWeekOf(Date.parse('2026-01-04T23:59:59.999Z'))).toBe('2026-W01');
    // 1 January 2026 is a Thursday: week 1 of 2026 starts Monday 29 December 2025.
    expect(isoWeekOf(Date.parse('2025-12-29T00:00:00Z'))).toBe('2026-W01');
    // 2020 has 53 weeks; 1 January 2021 (a Friday) is still in 2020-W53.
    expect(isoWeekOf(Date.parse('2021-01-01T12:00:00Z'))).toBe('2020-W53');
    expect(weekBounds('2020-W53')).toEqual({ start: Date.parse('2020-12-28T00:00:00Z'), end: Date.parse('2021-01-04T00:00:00Z') });
    // 2026 (1 January a Thursday) has 53 weeks; 2025 has 52.
    expect(weekBounds('2026-W53')).toEqual({ start: Date.parse('2026-12-28T00:00:00Z'), end: Date.parse('2027-01-04T00:00:00Z') });
    expect(weekBounds('2025-W53')).toBeNull();
    expect(weekBounds('2026-W00')).toBeNull();
    expect(weekBounds('2026-1')).toBeNull();
    expect(shiftWeek('2026-W01', -1)).toBe('2025-W52');
  });

  it('every instant lies in the week it is named after; weeks are 7 days from Monday 00:00 UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2090-01-01T00:00:00Z') }), (ms) => {
        const b = weekBounds(isoWeekOf(ms))!;
        expect(b.start <= ms && ms < b.end).toBe(true);
        expect(b.end - b.start).toBe(7 * 86_400_000);
        expect(new Date(b.start).getUTCDay()).toBe(1);
        expect(new Date(b.start).getUTCHours()).toBe(0);
      }),
    );
  });

  it('percent to one decimal', () => {
    expect(percentOf(11, 13)).toBe(84.6);
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(13, 13)).toBe(100);
  });
});

const criteria: Criterion[] = [
  { id: 'tone', name: 'Tone', description: '', maxScore: 5 },
  { id: 'speed', name: 'Speed', description: '', maxScore: 3 },
];

describe('quality view logic', () => {
  it('week picker: this week first, then back one week at a time', () => {
    const opts = weekOptions(Date.parse('2026-01-14T12:00:00Z'), 3);
    expect(opts).toEqual([
      { week: '2026-W03', firstDay: '2026-01-12', lastDay: '2026-01-18', ago: 0 },
      { week: '2026-W02', firstDay: '2026-01-05', lastDay: '2026-01-11', ago: 1 },
      { week: '2026-W01', firstDay: '2025-12-29', lastDay: '2026-01-04', ago: 2 },
    ]);
    expect(weekRange('2026-W02')).toEqual({ from: '2026-01-05T00:00:00.000Z', to: '2026-01-12T00:00:00.000Z' });
  });

  it('groups a sample by channel in the server order', () => {
    const item = (conversationId: string, channelId: string, channelName: string): SampleItem => ({ conversationId, channelId, channelName, channelType: 'webchat', contactName: 'C', agentId: null, agentName: null, resolvedAt: '', reviews: 0, reviewedByMe: false });
    const groups = byChannel([item('1', 'a', 'A'), item('2', 'a', 'A'), item('3', 'b', 'B')]);
    expect(groups.map((g) => [g.channelName, g.items.map((i) => i.conversationId)])).toEqual([
      ['A', ['1', '2']],
      ['B', ['3']],
    ]);
  });

  it('result columns: every criterion of any row, first seen first', () => {
    const c = (id: string, name: string) => ({ id, name, reviews: 1, average: 1, averageMax: 5, percent: 20 });
    const row = (crit: ReturnType<typeof c>[]) => ({ key: 'k', label: 'L', conversations: 1, reviews: 1, score: 1, maxScore: 5, percent: 20, criteria: crit });
    expect(criterionColumns([row([c('tone', 'Tone')]), row([c('tone', 'Tone'), c('empathy', 'Empathy')])])).toEqual([
      { id: 'tone', name: 'Tone' },
      { id: 'empathy', name: 'Empathy' },
    ]);
    expect(formatNumber(84.6)).toBe('84.6');
    expect(formatNumber(100)).toBe('100');
    expect(formatNumber(1.3333)).toBe('1.3');
  });

  it('the form: a fresh draft is unscored; every criterion must be chosen; an own review keeps its criteria', () => {
    const fresh = draftFor(criteria, undefined);
    expect(fresh).toEqual({ scores: { tone: '', speed: '' }, comment: '' });
    expect(scoresOf(criteria, fresh)).toEqual({ missing: criteria[0] });
    expect(scoresOf(criteria, { scores: { tone: '0', speed: '' }, comment: '' })).toEqual({ missing: criteria[1] });
    expect(scoresOf(criteria, { scores: { tone: '0', speed: '3' }, comment: 'x' })).toEqual({ scores: { tone: 0, speed: 3 } });

    const old: Criterion[] = [{ id: 'tone', name: 'Tone (old)', description: '', maxScore: 4 }];
    const mine = { criteria: old, scores: { tone: 2 }, comment: 'Fine' } as unknown as Review;
    expect(formCriteria(criteria, mine)).toBe(old);
    expect(formCriteria(criteria, undefined)).toBe(criteria);
    expect(draftFor(old, mine)).toEqual({ scores: { tone: '2' }, comment: 'Fine' });
  });

  it('criterion ids from names: lowercase, unique', () => {
    expect(criterionId('Tone & courtesy', new Set())).toBe('tone-courtesy');
    expect(criterionId('Tone', new Set(['tone', 'tone-2']))).toBe('tone-3');
    expect(criterionId('!!!', new Set())).toBe('criterion');
    expect(criterionId('Empathie über alles', new Set())).toMatch(/^[a-z0-9][a-z0-9_-]{0,39}$/);
  });
});
