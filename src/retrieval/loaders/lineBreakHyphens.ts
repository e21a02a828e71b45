// A word cut at a line end by a hyphen and carried on in lower case on the next line ("alterna-\ntives").
const CUT_WORD = /([\p{L}\d]*\p{L})-\n[ \t]*(\p{Ll}[\p{L}\d]*)/gu;

/**
 * Typeset text (a PDF, a manual justified for a terminal) hyphenates words at line ends: "alterna-" and
 * "tives" are one word, "alternatives", which a search for it must find. A compound that happens to
 * break at its own hyphen ("run-\ntime") keeps it: the document's own words decide, as it writes the
 * compound with its hyphen elsewhere and not the fused form. Returns the word a cut makes in `text`.
 */
export function cutWordJoiner(text: string): (head: string, tail: string) => string {
  const written = (word: string) => new RegExp(`(?<![\\p{L}\\d-])${word}(?![\\p{L}\\d])`, "iu").test(text);
  return (head, tail) => (written(`${head}-${tail}`) && !written(head + tail) ? `${head}-${tail}` : head + tail);
}

/** The text with every word cut at a line end by a hyphen joined back (see cutWordJoiner). */
export function joinHyphenatedWords(text: string): string {
  if (!text.includes("-\n")) return text;
  const join = cutWordJoiner(text);
  return text.replace(CUT_WORD, (_, head: string, tail: string) => join(head, tail));
}
