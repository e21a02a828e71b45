// A word cut at a line end by a hyphen and carried on in lower case on the next line ("alterna-\ntives"),
// after the parts of a compound it belongs to ("copy-on-\nwrite").
const CUT_WORD = /(?<![\p{L}\d-])((?:[\p{L}\d]+-)*)([\p{L}\d]*\p{L})-\n[ \t]*(\p{Ll}[\p{L}\d]*)/gu;

/**
 * Typeset text (a PDF, a manual justified for a terminal) hyphenates words at line ends: "alterna-" and
 * "tives" are one word, "alternatives", which a search for it must find. A compound that happens to
 * break at its own hyphen ("run-\ntime") keeps it: the document's own words decide, as it writes the
 * compound with its hyphen elsewhere and not the fused form. Returns the word a cut makes in `text`.
 */
export function cutWordJoiner(text: string): (head: string, tail: string) => string {
  // The document's words, hyphenated compounds whole; the two halves of a cut are two words here.
  const words = new Set((text.match(/[\p{L}\d]+(?:-[\p{L}\d]+)*/gu) ?? []).map((w) => w.toLowerCase()));
  const written = (word: string) => words.has(word.toLowerCase());
  return (head, tail) => (written(`${head}-${tail}`) && !written(head + tail) ? `${head}-${tail}` : head + tail);
}

/** The text with every word cut at a line end by a hyphen joined back (see cutWordJoiner). */
export function joinHyphenatedWords(text: string): string {
  if (!text.includes("-\n")) return text;
  const join = cutWordJoiner(text);
  // TeX breaks a word that has a hyphen only at its hyphens: a compound's break keeps its hyphen.
  return text.replace(CUT_WORD, (_, compound: string, head: string, tail: string) => (compound ? `${compound}${head}-${tail}` : join(head, tail)));
}
