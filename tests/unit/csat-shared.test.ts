// CSAT shared logic (docs/csat.md): payload ids, the channel settings schema, and the "CSAT at most N" escalation
// trigger (which, unlike the others, is evaluated on resolved conversations).
import { describe, expect, it } from 'vitest';
import { CsatChannelConfig, csatPayload, parseCsatPayload } from '../../src-shared/csat';
import { EscalationRuleInput, firedTriggers, type EscalationFacts, type EscalationRule } from '../../src-shared/routing';

const token = 'AbCdEfGhIjKlMnOpQrSt_-';

describe('CSAT payload ids', () => {
  it('round-trip and refuse anything else', () => {
    for (const s of [1, 2, 3, 4, 5]) expect(parseCsatPayload(csatPayload(token, s))).toEqual({ token, score: s });
    expect(Buffer.byteLength(csatPayload(token, 5))).toBeLessThanOrEqual(64);
    for (const bad of ['', 'csat:short:3', `csat:${token}:0`, `csat:${token}:6`, `csat:${token}:3:x`, `x${csatPayload(token, 3)}`, null, undefined]) expect(parseCsatPayload(bad)).toBeNull();
  });
});

describe('CSAT channel settings', () => {
  it('default off, strict, bounded', () => {
    expect(CsatChannelConfig.parse({})).toEqual({ enabled: false });
    expect(CsatChannelConfig.parse({ enabled: true, whatsappTemplate: { name: 'csat' } })).toEqual({ enabled: true, whatsappTemplate: { name: 'csat', language: 'en', buttonScores: [5, 3, 1] } });
    expect(CsatChannelConfig.safeParse({ enabled: true, extra: 1 }).success).toBe(false);
    expect(CsatChannelConfig.safeParse({ question: '' }).success).toBe(false);
    expect(CsatChannelConfig.safeParse({ whatsappTemplate: { name: 'x', buttonScores: [6] } }).success).toBe(false);
  });
});

describe('csatAtMost escalation trigger', () => {
  const rule = (triggers: Record<string, unknown>, match: 'any' | 'all' = 'any'): EscalationRule => ({ id: 'r', ...EscalationRuleInput.parse({ name: 'r', match, triggers }) });
  const facts = (over: Partial<EscalationFacts> = {}): EscalationFacts => ({
    status: 'resolved',
    sentiment: -0.9,
    customerMessages: 50,
    startedAt: 0,
    now: 10 * 86_400_000,
    customerTier: 'vip',
    slaState: 'breached',
    lastCustomerMessage: 'refund now',
    csat: 2,
    ...over,
  });

  it('holds at or below the threshold, also on a resolved conversation; not without an answer', () => {
    expect(firedTriggers(rule({ csatAtMost: 2 }), facts())).toEqual(['CSAT 2/5 ≤ 2']);
    expect(firedTriggers(rule({ csatAtMost: 2 }), facts({ csat: 3 }))).toEqual([]);
    expect(firedTriggers(rule({ csatAtMost: 2 }), facts({ csat: null }))).toEqual([]);
    expect(firedTriggers(rule({ csatAtMost: 2 }), facts({ status: 'open', csat: 1 }))).toEqual(['CSAT 1/5 ≤ 2']);
    expect(EscalationRuleInput.safeParse({ name: 'x', triggers: { csatAtMost: 0 } }).success).toBe(false);
  });

  it('on a resolved conversation the live triggers never hold, and rules without csatAtMost are not evaluated', () => {
    expect(firedTriggers(rule({ sentimentAtMost: 0, keywordsAny: ['refund'], slaAtRisk: true }), facts())).toEqual([]);
    expect(firedTriggers(rule({ csatAtMost: 2, sentimentAtMost: 0 }, 'all'), facts())).toEqual([]);
    expect(firedTriggers(rule({ csatAtMost: 2, vip: true }, 'all'), facts())).toEqual(['CSAT 2/5 ≤ 2', 'VIP customer']);
    expect(firedTriggers(rule({ csatAtMost: 2, sentimentAtMost: 0 }), facts({ status: 'open' }))).toHaveLength(2);
  });
});
