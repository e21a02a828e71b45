/**
 * Tokenisation shared by the verification signals. Identifiers ("/etc/cron.allow", "auth.=notice",
 * "net.ifnames=0", "edquota -t") are kept whole as well as split into words, because they are the
 * tokens a wrong answer most often gets wrong.
 */

// Generic English function words and question scaffolding; never corpus-specific terms.
const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below between both but by can " +
    "could did do does doing done down during each either else even ever every few for from further get gets getting give given go goes " +
    "had has have having he her here him his how however i if in into is it its itself just keep keeps know let like made make makes " +
    "many may me might more most much must my need needs neither never no nor not now of off often on once one only or other our out " +
    "over own per please rather really same say says see seem seems set should since so some someone something still such sure take " +
    "tell than that the their them then there these they thing things this those though through thus to too under until up upon us use " +
    "used uses using usually very via want wants was way ways we well were what whatever when where whether which while who whom whose " +
    "why will with within without would yes yet you your yours instead actually already always anyone anything everything someone " +
    "able allowed cannot can't don't doesn't isn't won't i'm i've it's what's etc e.g i.e " +
    // What words() leaves of a contraction ("doesn't" -> "doesn", "t"; "we'll" -> "we", "ll").
    "doesn didn isn aren wasn weren hasn haven hadn don won wouldn shouldn couldn mustn needn ll ve re"
  ).split(/\s+/),
);

/** Lower-cased words (letters, digits, `_`). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/** Folds plural/verb suffixes so "quotas" meets "quota" and "restricted" meets "restrict". */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  return word.replace(/(?:ing|ies|ied|es|ed|s|ly)$/, "") || word;
}

/** The stems of every word of the texts, for "does this text contain that term" checks. */
export function stemSet(...texts: readonly string[]): Set<string> {
  return new Set(texts.flatMap((t) => words(t).map(stem)));
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Content words of a text, stemmed, stopwords and one-letter words dropped, de-duplicated. */
export function contentStems(text: string): string[] {
  const kept = words(text).filter((w) => !STOPWORDS.has(w) && (w.length > 1 || /\d/.test(w)));
  return [...new Set(kept.map(stem))];
}

/**
 * Tokens whose exact form matters: numbers, paths, options, dotted/underscored/hyphenated names,
 * key=value settings. A claim that carries one of them must find it verbatim in its evidence.
 */
export function keyTokens(text: string): string[] {
  const raw = text.match(/[^\s"'“”‘’`()\[\]{}<>,;]+/g) ?? [];
  const out = new Set<string>();
  // A word the writer set in backticks is code (`host`, `work_mem`): its exact form matters like any identifier's.
  for (const [, code] of text.matchAll(/`([^`\s]{2,64})`/g)) out.add(code!.replace(/[.:!?]+$/, "").toLowerCase());
  for (let token of raw) {
    token = token.replace(/[.:!?]+$/, "");
    if (token.length === 0) continue;
    const isNumber = /\d/.test(token);
    const isPath = /\//.test(token) && token.length > 1;
    // "+c", "+L1": some tools (lsof, man) take options that start with a plus.
    const isOption = /^--?[\p{L}\d]|^\+\p{L}{1,2}\d*$/u.test(token);
    // "::" joins scoped names (Acquire::http::proxy, File::Spec).
    const isIdentifier = /[\p{L}\d](?:::|[._=:@])[\p{L}\d=]/u.test(token) || /[\p{L}\d][_][\p{L}\d]/u.test(token);
    // Latin abbreviations ("e.g.", "i.e.") look like dotted names but name nothing.
    if (/^(?:e\.g|i\.e|a\.k\.a|n\.b|p\.s)$/i.test(token)) continue;
    if (isNumber || isPath || isOption || isIdentifier) out.add(token.toLowerCase());
  }
  return [...out];
}

/** Whether `token` occurs in `text` as a whole token (not inside a longer identifier). */
export function containsToken(text: string, token: string): boolean {
  const hay = text.toLowerCase();
  let from = 0;
  for (;;) {
    const at = hay.indexOf(token, from);
    if (at < 0) return false;
    const before = at === 0 ? " " : hay[at - 1]!;
    const after = at + token.length >= hay.length ? " " : hay[at + token.length]!;
    if (!/[\p{L}\p{N}_]/u.test(before) && !/[\p{L}\p{N}_]/u.test(after)) return true;
    from = at + 1;
  }
}

// A bare file name with a common extension, no directory: a file of the user's ("app.ini", "report.pdf").
const USER_FILE = /^[\w-]+\.(?:ini|conf|cfg|txt|log|json|ya?ml|xml|csv|md|html?|pdf|png|jpe?g|gif|svg|c|h|cc|cpp|py|js|ts|sh|rb|go|rs|java|toml|env|db|sql|tar|gz|tgz|zip|deb|rpm|so|o|out)$/i;

/**
 * Words by which a question names a specific thing: the parts of identifiers ("vm.swappiness" →
 * vm, swappiness), acronyms and mixed-case names (LACP, WireGuard), words with digits. Ordinary
 * words ("quickest") are left out: a knowledge base may phrase those differently, but it cannot
 * answer about a named thing it never mentions.
 */
export function namedTerms(text: string): string[] {
  const out = new Set<string>();
  // A command line the user quotes names things, but its quoted script and the files it works on
  // ("`sed '1,/DEBUG=1/s//DEBUG=0/' app.ini`") are the user's own, which the knowledge base need not name.
  const question = text.replace(/`([^`\n]*\s[^`\n]*)`/g, (_, command: string) =>
    command
      .replace(/'[^']*'|"[^"]*"/g, " ")
      .split(/\s+/)
      .filter((word) => !USER_FILE.test(word))
      .join(" "),
  );
  const hyphenated = question.match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu) ?? [];
  for (const token of [...keyTokens(question), ...hyphenated.map((h) => h.toLowerCase())]) {
    for (const part of token.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 2 && !isStopword(part)) out.add(part);
  }
  for (const sentence of question.split(/(?<=[.!?])\s+/)) {
    const found = sentence.match(/[\p{L}\p{N}][\p{L}\p{N}_]*/gu) ?? [];
    found.forEach((raw, i) => {
      let word = raw;
      const inner = /\p{Lu}/u.test(word.slice(1));
      // An acronym's plural ("PNGs", "APIs") names the acronym.
      if (/^\p{Lu}{2,}s$/u.test(word)) word = word.slice(0, -1);
      const acronym = word.length >= 2 && word === word.toUpperCase() && /\p{Lu}/u.test(word);
      const capitalisedMidSentence = i > 0 && /^\p{Lu}/u.test(word);
      if ((inner || acronym || capitalisedMidSentence || /\d/.test(word)) && word.length >= 2 && !isStopword(word.toLowerCase())) out.add(word.toLowerCase());
    });
  }
  return [...out];
}
