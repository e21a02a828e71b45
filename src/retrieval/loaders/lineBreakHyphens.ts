// A word cut at a line end by a hyphen and carried on in lower case on the next line ("alterna-\ntives"),
// after the parts of a compound it belongs to ("copy-on-\nwrite").
const CUT_WORD = /(?<![\p{L}\d-])((?:[\p{L}\d]+-)*)([\p{L}\d]*\p{L})-\n[ \t]*(\p{Ll}[\p{L}\d]*)/gu;
// The same cut seen from the two lines it splits: the end of the first, the start of the next.
const CUT_LINE_END = /(?<![\p{L}\d-])((?:[\p{L}\d]+-)*)([\p{L}\d]*\p{L})-$/u;
const CUT_LINE_START = /^[ \t]*(\p{Ll}[\p{L}\d]*)/u;
// Longer than any hyphenated compound a line ends with.
const MAX_CUT_COMPOUND_CHARS = 200;

export interface CutWordJoiner {
  /** The word a cut makes: "alternatives", or "run-time" when the document writes it so. */
  word(compound: string, head: string, tail: string): string;
  /** Two lines joined at a cut word ("… and man-" + "path(5), …"), or undefined when the first does not end in one. */
  lines(line: string, next: string): string | undefined;
}

/**
 * Typeset text (a PDF, a manual justified for a terminal) hyphenates words at line ends: "alterna-" and
 * "tives" are one word, "alternatives", which a search for it must find. A compound that happens to
 * break at its own hyphen ("run-\ntime") keeps it: the document's own words decide, as it writes the
 * compound with its hyphen elsewhere and not the fused form. TeX breaks a word that has a hyphen only
 * at its hyphens, so a break after a compound's earlier parts ("copy-on-\nwrite") keeps its hyphen too.
 */
export function cutWordJoiner(text: string): CutWordJoiner {
  // The document's words, hyphenated compounds whole; the two halves of a cut are two words here.
  const words = new Set((text.match(/[\p{L}\d]+(?:-[\p{L}\d]+)*/gu) ?? []).map((w) => w.toLowerCase()));
  const written = (word: string) => words.has(word.toLowerCase());
  const word = (compound: string, head: string, tail: string) =>
    compound ? `${compound}${head}-${tail}` : written(`${head}-${tail}`) && !written(head + tail) ? `${head}-${tail}` : head + tail;
  return {
    word,
    lines(line, next) {
      const start = CUT_LINE_START.exec(next);
      if (!start) return undefined;
      // Only the line's end can hold the cut: matched over the whole of a long joined paragraph, the
      // pattern would be tried from every position, once per line joined.
      const from = Math.max(0, line.length - MAX_CUT_COMPOUND_CHARS);
      const end = CUT_LINE_END.exec(line.slice(from));
      if (end) return `${line.slice(0, from + end.index)}${word(end[1]!, end[2]!, start[1]!)}${next.slice(start[0].length)}`;
      // A hyphen inside something that is not a word ("`--disable-au-" / "tomatic-update'") stays, with no space.
      return /\p{L}-$/u.test(line) ? `${line}${next}` : undefined;
    },
  };
}

/** The text with every word cut at a line end by a hyphen joined back (see cutWordJoiner). */
export function joinHyphenatedWords(text: string): string {
  if (!text.includes("-\n")) return text;
  const join = cutWordJoiner(text);
  return text.replace(CUT_WORD, (_, compound: string, head: string, tail: string) => join.word(compound, head, tail));
}
