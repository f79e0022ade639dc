// Which UI languages exist, and how one is picked from the browser's preferences (no DOM: unit-tested).
export const supportedLanguages = ['en', 'id', 'th', 'vi'] as const;
export type Language = (typeof supportedLanguages)[number];

/** First language among the user's preferences (by primary subtag) that has resources, else English. */
export function pickLanguage(preferred: readonly string[], available: readonly Language[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0] as Language;
    if (supportedLanguages.includes(primary) && available.includes(primary)) return primary;
  }
  return 'en';
}
