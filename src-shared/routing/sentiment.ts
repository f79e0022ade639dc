// Sentiment behind an interface a model can replace later. The default is a small lexicon scorer for English and
// Indonesian (docs/routing.md lists the words): each negative word counts -1, each positive word +1, a negator
// ("not", "tidak", "nggak", "bukan", "jangan", "belum") within the two words before flips the next sentiment word, and
// "!!" or ALL-CAPS words of 3+ letters add weight to a negative message. Score = clamp(sum / sqrt(words), -1, 1).
export interface SentimentScorer {
  /** -1 (very negative) … 1 (very positive). */
  score(text: string): number;
}

export const NEGATIVE_WORDS = [
  // English
  'angry', 'annoyed', 'awful', 'bad', 'broken', 'cancel', 'complaint', 'disappointed', 'disgusting', 'frustrated', 'furious', 'hate',
  'horrible', 'lawyer', 'refund', 'ridiculous', 'scam', 'slow', 'terrible', 'unacceptable', 'useless', 'worst', 'waste', 'rude',
  // Indonesian
  'kecewa', 'marah', 'kesal', 'buruk', 'jelek', 'parah', 'lambat', 'lemot', 'rusak', 'penipuan', 'tipu', 'batal', 'komplain',
  'mengecewakan', 'payah', 'benci', 'bohong', 'lama', 'gagal', 'sampah',
] as const;

export const POSITIVE_WORDS = [
  'thanks', 'thank', 'great', 'good', 'love', 'excellent', 'perfect', 'happy', 'awesome', 'helpful', 'nice',
  'terima', 'kasih', 'makasih', 'bagus', 'mantap', 'puas', 'senang', 'baik', 'keren', 'membantu',
] as const;

export const NEGATORS = ['not', "don't", 'dont', 'never', 'no', 'tidak', 'tak', 'nggak', 'gak', 'enggak', 'bukan', 'jangan', 'belum'] as const;

export function lexiconScorer(extra: { negative?: readonly string[]; positive?: readonly string[] } = {}): SentimentScorer {
  const neg = new Set<string>([...NEGATIVE_WORDS, ...(extra.negative ?? [])]);
  const pos = new Set<string>([...POSITIVE_WORDS, ...(extra.positive ?? [])]);
  const negators = new Set<string>(NEGATORS);
  return {
    score(text: string): number {
      const raw = text.match(/[\p{L}\p{N}']+/gu) ?? [];
      if (raw.length === 0) return 0;
      let sum = 0;
      let negateWithin = 0;
      for (const w of raw) {
        const word = w.toLowerCase();
        if (negators.has(word)) {
          negateWithin = 2;
          continue;
        }
        let v = neg.has(word) ? -1 : pos.has(word) ? 1 : 0;
        if (v !== 0 && negateWithin > 0) v = -v;
        if (v < 0 && w.length >= 3 && w === w.toUpperCase() && /\p{L}/u.test(w)) v *= 1.5;
        sum += v;
        if (v !== 0) negateWithin = 0;
        else if (negateWithin > 0) negateWithin--;
      }
      if (sum < 0 && /!{2,}/.test(text)) sum -= 0.5;
      return Math.max(-1, Math.min(1, sum / Math.sqrt(raw.length)));
    },
  };
}
