import { useTranslation } from 'react-i18next';
import type { ChannelType } from '../../src-shared/domain';

export function ChannelBadge({ type }: { type: ChannelType }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${type}`}>{t(`channelType.${type}`)}</span>;
}
