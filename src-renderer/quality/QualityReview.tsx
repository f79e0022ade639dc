// The supervisor's quality review (issue 8, docs/quality.md), the dashboard window's "Quality" tab: pick a week,
// draw its sample (stratified by channel), review the sampled conversations against the rubric, and read the
// results per agent and per channel for that week. Admins also edit the rubric. Agents never see this: they read
// their own reviews in the main window (ConversationQuality, MyReviews).
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../src-shared/domain';
import type { Sample, SampleItem } from '../../src-shared/quality';
import { absoluteTime } from '../lib/format';
import { focusReturner } from '../lib/return-focus';
import { useBridge, useCall } from '../state/bridge-context';
import { useSession } from '../state/queries';
import { showInMainWindow } from '../dashboard/window-links';
import { byChannel, weekOptions, weekRange, type WeekOption } from './quality-view';
import { useInvalidateQuality, useRubric, useSample, useSamples } from './queries';
import { ResultsTables } from './ResultsTables';
import { ReviewForm } from './ReviewForm';
import { RubricSection } from './RubricEditor';

export const canReviewQuality = (role: Role | undefined): boolean => role === 'admin' || role === 'supervisor';

export function QualityReview() {
  const role = useSession().data?.agent?.role;
  // Agents never get here (the dashboard is for supervisors and admins), and the server would refuse them anyway.
  return canReviewQuality(role) ? <QualityReviewBody isAdmin={role === 'admin'} /> : null;
}

function QualityReviewBody({ isAdmin }: { isAdmin: boolean }) {
  const { t, i18n } = useTranslation();
  const weeks = useMemo(() => weekOptions(Date.now()), []);
  // Default: last week, the one the server samples automatically.
  const [week, setWeek] = useState(weeks[1]!.week);
  const samples = useSamples();
  const rubric = useRubric();
  const [reviewing, setReviewing] = useState<SampleItem | null>(null);
  // The form takes focus when it opens (ReviewForm); closing it gives focus back to the row's Review button.
  const returnFocus = useRef<ReturnType<typeof focusReturner> | null>(null);
  const review = (item: SampleItem) => {
    returnFocus.current = focusReturner();
    setReviewing(item);
  };
  const doneReviewing = () => {
    setReviewing(null);
    returnFocus.current?.();
    returnFocus.current = null;
  };
  const range = weekRange(week);
  const fmt = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { day: 'numeric', month: 'short', timeZone: 'UTC' });

  return (
    <section className="quality" aria-labelledby="quality-title">
      <h2 id="quality-title">{t('quality.title')}</h2>
      <div className="quality-controls">
        <div className="field field-inline">
          <label htmlFor="quality-week">{t('quality.week')}</label>
          <select
            id="quality-week"
            value={week}
            onChange={(e) => {
              setWeek(e.target.value);
              setReviewing(null);
            }}
          >
            {weeks.map((w) => (
              <option key={w.week} value={w.week}>
                {weekLabel(t, w, fmt)}
              </option>
            ))}
          </select>
        </div>
        <DrawButton week={week} />
      </div>
      {samples.isError && <p role="alert">{t('quality.failed', { message: samples.error.message })}</p>}
      {/* The list first: asking for it draws last week's sample on the server if nobody has yet. */}
      {!samples.isPending && <SampleView week={week} onReview={review} reviewing={reviewing} />}
      {reviewing && rubric.data && <ReviewForm key={reviewing.conversationId} item={reviewing} rubric={rubric.data.criteria} onDone={doneReviewing} />}
      <h3>{t('quality.results')}</h3>
      <p className="small muted">{t('quality.resultsRange', { from: fmt(range.from), to: fmt(new Date(Date.parse(range.to) - 1).toISOString()) })}</p>
      <ResultsTables from={range.from} to={range.to} />
      {rubric.data && <RubricSection rubric={rubric.data} canEdit={isAdmin} />}
      {rubric.isError && <p role="alert">{t('quality.failed', { message: rubric.error.message })}</p>}
    </section>
  );
}

function weekLabel(t: ReturnType<typeof useTranslation>['t'], w: WeekOption, fmt: (iso: string) => string): string {
  const values = { week: w.week, from: fmt(`${w.firstDay}T00:00:00Z`), to: fmt(`${w.lastDay}T00:00:00Z`) };
  return w.ago === 0 ? t('quality.weekThis', values) : w.ago === 1 ? t('quality.weekPrevious', values) : t('quality.weekOption', values);
}

function DrawButton({ week }: { week: string }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateQuality();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function draw() {
    setBusy(true);
    setError(null);
    try {
      await call('quality.draw', { week });
      await invalidate();
    } catch (err) {
      setError(t('quality.drawFailed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void draw()}>
        {busy ? t('quality.drawing') : t('quality.draw')}
      </button>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </>
  );
}

function SampleView({ week, reviewing, onReview }: { week: string; reviewing: SampleItem | null; onReview: (item: SampleItem) => void }) {
  const { t, i18n } = useTranslation();
  const sample = useSample(week, true);
  if (sample.isPending) return <p role="status">{t('quality.loading')}</p>;
  if (sample.isError) return <p role="alert">{t('quality.failed', { message: sample.error.message })}</p>;
  if (!sample.data) return <p className="muted">{t('quality.notDrawn')}</p>;
  const s: Sample = sample.data;
  return (
    <>
      <p className="small">
        {t('quality.sampleStatus', { count: s.conversations, reviewed: s.reviewed, perChannel: s.perChannel, at: absoluteTime(s.drawnAt, i18n.language), by: s.drawnBy === null ? t('quality.automatic') : t('quality.drawnBy', { name: s.drawnByName ?? s.drawnBy }) })}
      </p>
      {!s.final && <p className="small muted">{t('quality.provisional')}</p>}
      {s.items.length === 0 && <p className="muted">{t('quality.emptySample')}</p>}
      {byChannel(s.items).map((g) => (
        <SampleTable key={g.channelId} channelName={g.channelName} items={g.items} reviewing={reviewing} onReview={onReview} />
      ))}
    </>
  );
}

function SampleTable({ channelName, items, reviewing, onReview }: { channelName: string; items: SampleItem[]; reviewing: SampleItem | null; onReview: (item: SampleItem) => void }) {
  const { t, i18n } = useTranslation();
  const bridge = useBridge();
  const [error, setError] = useState<string | null>(null);
  function openInMain(conversationId: string) {
    showInMainWindow(bridge, { kind: 'conversation', conversationId }, undefined, typeof window !== 'undefined' ? (window.opener as Window | null) : null).catch((err: Error) =>
      setError(t('quality.openFailed', { message: err.message })),
    );
  }
  return (
    <>
      <table className="dashboard-table quality-table">
        <caption>{t('quality.sampleTable', { channel: channelName })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('quality.contact')}</th>
            <th scope="col">{t('quality.channel')}</th>
            <th scope="col">{t('quality.agent')}</th>
            <th scope="col">{t('quality.resolvedAt')}</th>
            <th scope="col">{t('quality.reviewed')}</th>
            <th scope="col">{t('quality.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.conversationId} aria-current={reviewing?.conversationId === i.conversationId ? 'true' : undefined}>
              <th scope="row">{i.contactName}</th>
              <td>{i.channelName}</td>
              <td>{i.agentName ?? t('quality.unassigned')}</td>
              <td>
                <time dateTime={i.resolvedAt}>{absoluteTime(i.resolvedAt, i18n.language)}</time>
              </td>
              <td>{i.reviewedByMe ? t('quality.yesByMe') : i.reviews > 0 ? t('quality.yes') : t('quality.no')}</td>
              <td>
                <button type="button" className="btn btn-small" aria-label={t(i.reviewedByMe ? 'quality.editReviewLabel' : 'quality.reviewLabel', { name: i.contactName })} onClick={() => onReview(i)}>
                  {i.reviewedByMe ? t('quality.editReview') : t('quality.review')}
                </button>{' '}
                <button type="button" className="btn btn-small btn-quiet" aria-label={t('quality.openInMainLabel', { name: i.contactName })} onClick={() => openInMain(i.conversationId)}>
                  {t('quality.openInMain')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <p role="alert">{error}</p>}
    </>
  );
}
