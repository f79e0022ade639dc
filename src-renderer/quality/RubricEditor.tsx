// The rubric (docs/quality.md): admins edit the criteria (name, description, highest score 1–10) and the sample
// size per channel; supervisors read it. Saving never changes past reviews (each keeps its own criteria).
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { QUALITY_MAX_CRITERIA, QUALITY_MAX_PER_CHANNEL, type Criterion, type Rubric } from '../../src-shared/quality';
import { useCall } from '../state/bridge-context';
import { criterionId } from './quality-view';
import { useInvalidateQuality } from './queries';

export function RubricSection({ rubric, canEdit }: { rubric: Rubric; canEdit: boolean }) {
  const { t } = useTranslation();
  return (
    <details className="quality-rubric">
      <summary>{t('quality.rubric')}</summary>
      <p className="small muted">{t('quality.rubricHint')}</p>
      {canEdit ? (
        <RubricForm key={rubric.updatedAt ?? 'default'} rubric={rubric} />
      ) : (
        <>
          <p className="small muted">{t('quality.rubricReadOnly')}</p>
          <dl className="quality-scores">
            {rubric.criteria.map((c) => (
              <div key={c.id}>
                <dt>{c.name}</dt>
                <dd>
                  {t('quality.maxScore', { max: c.maxScore })}
                  {c.description && ` — ${c.description}`}
                </dd>
              </div>
            ))}
          </dl>
          <p className="small">
            {t('quality.perChannel')}: {rubric.samplePerChannel}
          </p>
        </>
      )}
    </details>
  );
}

function RubricForm({ rubric }: { rubric: Rubric }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateQuality();
  const base = useId();
  const [criteria, setCriteria] = useState<Criterion[]>(rubric.criteria);
  // Criteria added in this form get their id from their name when saved; existing ids never change.
  const [added, setAdded] = useState<ReadonlySet<string>>(new Set());
  const [perChannel, setPerChannel] = useState(String(rubric.samplePerChannel));
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const edit = (i: number, patch: Partial<Criterion>) => setCriteria((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setStatus(null);
    setError(null);
    try {
      const taken = new Set(criteria.filter((c) => !added.has(c.id)).map((c) => c.id));
      const named = criteria.map((c) => {
        if (!added.has(c.id)) return c;
        const id = criterionId(c.name, taken);
        taken.add(id);
        return { ...c, id };
      });
      await call('quality.saveRubric', { criteria: named.map((c) => ({ ...c, name: c.name.trim(), description: c.description.trim() })), samplePerChannel: Number(perChannel) });
      await invalidate();
      setStatus(t('quality.rubricSaved'));
    } catch (err) {
      setError(t('quality.rubricFailed', { message: (err as Error).message }));
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t('quality.rubric')}>
      {criteria.map((c, i) => (
        <fieldset key={c.id} className="quality-criterion">
          <legend>{c.name || t('quality.newCriterion')}</legend>
          <div className="field">
            <label htmlFor={`${base}-${i}-name`}>{t('quality.criterionName')}</label>
            <input id={`${base}-${i}-name`} value={c.name} maxLength={80} required onChange={(e) => edit(i, { name: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${base}-${i}-desc`}>{t('quality.criterionDescription')}</label>
            <input id={`${base}-${i}-desc`} value={c.description} maxLength={500} onChange={(e) => edit(i, { description: e.target.value })} />
          </div>
          <div className="field field-inline">
            <label htmlFor={`${base}-${i}-max`}>{t('quality.criterionMax')}</label>
            <select id={`${base}-${i}-max`} value={c.maxScore} onChange={(e) => edit(i, { maxScore: Number(e.target.value) })}>
              {Array.from({ length: 10 }, (_, k) => (
                <option key={k + 1} value={k + 1}>
                  {k + 1}
                </option>
              ))}
            </select>
            <button type="button" className="btn btn-small" disabled={criteria.length <= 1} onClick={() => setCriteria((cs) => cs.filter((_, j) => j !== i))}>
              {t('quality.criterionRemove', { name: c.name || t('quality.newCriterion') })}
            </button>
          </div>
        </fieldset>
      ))}
      <button
        type="button"
        className="btn btn-small"
        disabled={criteria.length >= QUALITY_MAX_CRITERIA}
        onClick={() => {
          const id = criterionId('new', new Set(criteria.map((c) => c.id)));
          setAdded((a) => new Set([...a, id]));
          setCriteria((cs) => [...cs, { id, name: '', description: '', maxScore: 5 }]);
        }}
      >
        {t('quality.criterionAdd')}
      </button>
      <div className="field">
        <label htmlFor={`${base}-per`}>{t('quality.perChannel')}</label>
        <input id={`${base}-per`} type="number" min={1} max={QUALITY_MAX_PER_CHANNEL} value={perChannel} onChange={(e) => setPerChannel(e.target.value)} />
      </div>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <p role="status" className="small">
        {status}
      </p>
      <button type="submit" className="btn btn-primary">
        {t('quality.saveRubric')}
      </button>
    </form>
  );
}
