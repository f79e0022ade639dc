// i18next setup. English ships now; Bahasa Indonesia, Thai and Vietnamese plug in by adding a
// resource file of type `Resources` to `resources` below.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en, type Resources } from './en';
import { pickLanguage, supportedLanguages, type Language } from './languages';

const resources: Partial<Record<Language, { translation: Resources }>> = {
  en: { translation: en },
};

export function initI18n(preferred: readonly string[]): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources,
    lng: pickLanguage(preferred, Object.keys(resources) as Language[]),
    fallbackLng: 'en',
    supportedLngs: [...supportedLanguages],
    // React escapes text itself; customer text is never HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
    // Resources are bundled: be ready before the first render.
    initAsync: false,
  });
  document.documentElement.lang = i18next.language;
  i18next.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
  });
  return i18next;
}
