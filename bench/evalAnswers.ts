// `npm run eval:answers -- <set dir> [--json] [--chooser auto|model|scores] [--answer-mode auto|extractive|generative] [--planner auto|model|rules] [--model-verdict auto|on|off] [--min-similarity x] [--limit n] [--only id,id] [--no-write] [--details file]`
// "auto" settings resolve as the runtime resolves them for the chat model in use (LORE_CHAT_MODEL / LORE_CHAT_MODEL_PATH).
// Runs the whole answering pipeline (real SQLite store with the set's corpus, real embedder, real
// generation engine) over questions.jsonl and scores answers, abstentions, citations and latency.
import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { machineLine, percentile, writeBenchmarkSection } from "./benchmarksFile.js";
import { evalChatModelPath, openEvalPipeline, readQuestions, type EvalQuestion } from "./evalAnswersSetup.js";
import { Answerer, type AskResponse } from "../src/agents/index.js";
import { answerModeFor, modelVerdictFor, plannerFor, sentenceChooserFor } from "../src/runtime/openLore.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    chooser: { type: "string", default: "auto" },
    "answer-mode": { type: "string", default: "auto" },
    planner: { type: "string", default: "auto" },
    "model-verdict": { type: "string", default: "auto" },
    abstention: { type: "string", default: "on" },
    floor: { type: "string" },
    "min-similarity": { type: "string" },
    limit: { type: "string" },
    only: { type: "string" },
    "no-write": { type: "boolean", default: false },
    details: { type: "string" },
  },
});
const setDir = positionals[0];
if (!setDir) {
  process.stderr.write("Usage: npm run eval:answers -- <set dir> [--json]\n");
  process.exit(2);
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
const fileOf = (source: string) => basename(source);

/** Strict span check: the cited sentence and an evidence quote overlap (one contains the other, or they share 8 consecutive words). */
function spanOverlaps(quote: string, evidence: string): boolean {
  const a = collapse(quote);
  const b = collapse(evidence);
  if (a.includes(b) || b.includes(a)) return true;
  const words = a.split(" ");
  for (let i = 0; i + 8 <= words.length; i++) if (b.includes(words.slice(i, i + 8).join(" "))) return true;
  return false;
}

interface Outcome {
  question: EvalQuestion;
  response: AskResponse;
  correct: boolean;
  correctLenient: boolean;
  citedChunkHits: number;
  citedSpanHits: number;
  cited: number;
}

function setting<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  process.stderr.write(`--${flag} must be one of ${allowed.join(", ")} (got "${value}")\n`);
  process.exit(2);
}
const only = values.only ? new Set(values.only.split(",").map((id) => id.trim())) : undefined;
const questions = readQuestions(resolve(setDir))
  .filter((q) => !only || only.has(q.id))
  .slice(0, values.limit ? Number(values.limit) : undefined);
const chatModelPath = await evalChatModelPath();
const answerMode = answerModeFor(setting("answer-mode", values["answer-mode"], ["auto", "extractive", "generative"] as const), chatModelPath);
const chooser = sentenceChooserFor(setting("chooser", values.chooser, ["auto", "model", "scores"] as const), chatModelPath);
const planner = plannerFor(setting("planner", values.planner, ["auto", "model", "rules"] as const), chatModelPath);
const trustModelVerdict = modelVerdictFor(setting("model-verdict", values["model-verdict"], ["auto", "on", "off"] as const), chatModelPath) === "on";
const generative = answerMode === "generative";
const usesModel = generative || chooser === "model" || planner === "model";
const pipeline = await openEvalPipeline(resolve(setDir, "corpus"), usesModel ? chatModelPath : undefined, (m) => process.stderr.write(`${m}\n`));
const answerer = new Answerer({
  retriever: pipeline.retriever,
  ...(pipeline.generator ? { generator: pipeline.generator } : {}),
  embedder: pipeline.embedder,
  chooser,
  planner,
  answerMode,
  ...(values.floor ? { relativeFloor: Number(values.floor) } : {}),
  // "off" answers everything: measures accuracy before abstention and logs every abstention signal.
  abstention:
    values.abstention === "off"
      ? { minCoverage: 0, minSimilarity: -1, vetoOnUnknownTerms: false }
      : { trustModelVerdict, ...(values["min-similarity"] !== undefined ? { minSimilarity: Number(values["min-similarity"]) } : {}) },
});

const outcomes: Outcome[] = [];
for (const q of questions) {
  const response = await answerer.askComplete({ question: q.question, collection: pipeline.collection });
  const answerable = q.type !== "unanswerable";
  const correct = answerable && !response.abstained && q.accept.every((re) => new RegExp(re, "i").test(response.answer));
  // Some sets' regexes are alternatives their own reference answer does not all match: this variant only requires those the reference matches.
  const referenceMatched = q.accept.filter((re) => new RegExp(re, "i").test(q.answer ?? ""));
  const correctLenient = answerable && !response.abstained && (referenceMatched.length > 0 ? referenceMatched : q.accept).every((re) => new RegExp(re, "i").test(response.answer));
  let citedChunkHits = 0;
  let citedSpanHits = 0;
  const files = new Set(q.evidence.flatMap((e) => e.files));
  for (const c of response.citations) {
    const chunkText = collapse(pipeline.chunkText(c.chunkId) ?? "");
    if (files.has(fileOf(c.source)) || q.evidence.some((e) => chunkText.includes(collapse(e.quote)))) citedChunkHits++;
    if (q.evidence.some((e) => spanOverlaps(c.quote, e.quote))) citedSpanHits++;
  }
  outcomes.push({ question: q, response, correct, correctLenient, citedChunkHits, citedSpanHits, cited: response.citations.length });
  process.stderr.write(
    `${q.id} ${q.type.padEnd(12)} ${response.abstained ? "ABSTAIN" : correct ? "ok     " : "wrong  "} ${String(response.usage.totalMs).padStart(5)} ms  ${response.answer.slice(0, 110).replace(/\n/g, " ")}\n`,
  );
}
await pipeline.close();

const answerable = outcomes.filter((o) => o.question.type !== "unanswerable");
const unanswerable = outcomes.filter((o) => o.question.type === "unanswerable");
const ratio = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 1000);
const citedAnswers = answerable.filter((o) => !o.response.abstained);
const totalCited = citedAnswers.reduce((s, o) => s + o.cited, 0);
const drafted = outcomes.reduce((s, o) => s + o.response.verification.drafted, 0);
const dropped = outcomes.reduce((s, o) => s + o.response.verification.dropped - (o.response.abstained ? o.response.verification.drafted : 0), 0);
const firstSentence = outcomes.map((o) => o.response.usage.firstSentenceMs).filter((x): x is number => x !== null);
const latencies = outcomes.map((o) => o.response.usage.totalMs);
const result = {
  accuracy: ratio(answerable.filter((o) => o.correct).length, answerable.length),
  accuracyReferenceConsistent: ratio(answerable.filter((o) => o.correctLenient).length, answerable.length),
  abstention: ratio(unanswerable.filter((o) => o.response.abstained).length, unanswerable.length),
  falseAbstention: ratio(answerable.filter((o) => o.response.abstained).length, answerable.length),
  citationPrecision: ratio(citedAnswers.reduce((s, o) => s + o.citedChunkHits, 0), totalCited),
  spanCitationPrecision: ratio(citedAnswers.reduce((s, o) => s + o.citedSpanHits, 0), totalCited),
  unsupportedRate: ratio(Math.max(0, dropped), drafted),
  firstSentenceP50Ms: Math.round(percentile(firstSentence, 50)),
  latencyP50Ms: Math.round(percentile(latencies, 50)),
  latencyP95Ms: Math.round(percentile(latencies, 95)),
};
const modelChoices = outcomes.filter((o) => o.response.trace.some((t) => t.type === "generate" && t.data["choice"] !== undefined)).length;
const limitCounts: Record<string, number> = {};
for (const o of outcomes) for (const t of o.response.trace) if (t.type === "limit") limitCounts[String(t.data["limit"])] = (limitCounts[String(t.data["limit"])] ?? 0) + 1;
const byType = [...new Set(questions.map((q) => q.type))].map((type) => {
  const os = outcomes.filter((o) => o.question.type === type);
  const ok = type === "unanswerable" ? os.filter((o) => o.response.abstained).length : os.filter((o) => o.correct).length;
  return `${type} ${ok}/${os.length}`;
});

const table = [
  "| accuracy | accuracy (reference-consistent) | abstention | false abstention | citation precision (chunk) | citation precision (span) | unsupported rate | first sentence p50 | latency p50 | latency p95 |",
  "|---|---|---|---|---|---|---|---|---|---|",
  `| ${result.accuracy} | ${result.accuracyReferenceConsistent} | ${result.abstention} | ${result.falseAbstention} | ${result.citationPrecision} | ${result.spanCitationPrecision} | ${result.unsupportedRate} | ${result.firstSentenceP50Ms} ms | ${result.latencyP50Ms} ms | ${result.latencyP95Ms} ms |`,
].join("\n");
process.stdout.write(`${table}\n${byType.join(", ")}; usable model choices ${modelChoices}/${outcomes.length}; limits hit ${JSON.stringify(limitCounts)}\n`);
if (values.details) writeFileSync(values.details, JSON.stringify(outcomes.map((o) => ({ id: o.question.id, type: o.question.type, correct: o.correct, answer: o.response.answer, abstained: o.response.abstained, cited: o.cited, citedChunkHits: o.citedChunkHits, citedSources: o.response.citations.map((c) => c.source), trace: o.response.trace })), null, 1));
const setName = basename(resolve(setDir));
// The dev set's section keeps the measured ablations; every other set gets a section of its own.
const DEV_SET = "debian-handbook";
const SET_NOTES: Record<string, string> = {
  "nodejs-api":
    "Measured 2026-11-23, the day this set was written (by a helper that never saw Lore), after the rounds noted for the Valgrind set: accuracy 0.542, abstention 0/6, false abstention 0.042, citation precision 0.899 on first run. " +
    "Its unanswerable questions are hard negatives: each names APIs the pages document (dns.lookup(), worker_threads, Corepack, --experimental-permission, single executable applications, diagnostic reports) and asks for a property they do not state. " +
    "None of the abstention signals separates them: their key-term coverage (0.14–0.63), best-sentence similarity (0.56–0.76) and ask coverage (0.25–0.78) all fall inside the ranges of correctly answered questions on the four sets (coverage from 0.11, similarity from 0.50, ask coverage from 0.29), and no named term is unknown. " +
    "Abstaining when the question asks for a quantity and the evidence states none: abstention 0/6 → 1/6 (the dns.lookup() cache TTL), one wrong answer (REPL history size) becomes an abstention, no other set changes. " +
    "Reading Markdown as it renders (soft line breaks inside a paragraph joined; these pages are hard-wrapped at 80 columns, so a sentence over three lines had been cut into line fragments as if it were a listing): accuracy 0.542 → 0.667, abstention 1/6 → 2/6 (the diagnostic-report question now falls under the key-term coverage floor), citation precision 0.922 → 0.947. " +
    "An environment variable's name as the answer form of a question asking for one, and an option's values or default ('Valid values are …') quoted with the sentence naming it: accuracy 0.667 → 0.75, citation precision 0.947 → 0.959 (dev, Valgrind, Lore-docs sets unchanged). " +
    "The other four need a judgement of whether a passage answers the question, which word overlap and MiniLM similarity cannot make; `abstention.trustModelVerdict` lets a bigger chat model make it (not measured: no bigger GGUF on this machine). " +
    "2026-11-24, seventh round: a contrast ('However, if `SIGUSR2` is already used …') read and quoted with the sentence it contrasts: citation precision 0.958 → 1.0, accuracy and abstention unchanged. " +
    "2026-11-24, eighth round: a description quoted and scored with the short sentence of its paragraph that gives the value ('Controls how many lines of history will be persisted … Must be a positive number. **Default:** `1000`.'): accuracy 0.75 → 0.792, false abstention 0.083 → 0.042. 'Is there a maximum … ?' read as asking for a quantity, so the single-executable assets question abstains: abstention 2/6 → 3/6. Abstaining when two words of what is asked occur nowhere in the knowledge base also caught the worker CPU-affinity question (4/6), but counting every word of the ask abstained on casual questions Lore's own docs answer ('wipe a collection and start fresh'); counting only the words of its noun phrases keeps 3/6.",
  "plain-text-faqs":
    "Measured 2026-11-23, the day this set was written (by a helper that never saw Lore), over four hard-wrapped plain-text files (the man-db manual is terminal output with ANSI codes and overstrike). " +
    "Before plain text was read as it reads, every line was its own unit: accuracy 0.208. Joining a line break into a space when the next line's first word would not have fitted within the file's wrap width (and the next line continues the same paragraph), and dropping terminal formatting: 0.333. " +
    "A quoted command line naming its program and options, not the user's own file ('app.ini'), as the knowledge base's named terms: 0.375 (one false abstention fixed). " +
    "A sentence that stops mid-clause where the text breaks into an indented listing ('…, you can use' + 'png_set_user_limits(…);') quoted with the listing: 0.5. No other set changed with these. " +
    "2026-11-24: a sentence that leans on the one before it scored and quoted with it (see the Valgrind notes): 0.5 → 0.542 (pt-011, pt-018 gained; pt-001 lost a runner-up slot). " +
    "Measuring runners-up against the best single sentence rather than a pair read together won pt-001 back but put dev citation precision at 0.947, under its 0.95 target: not kept. " +
    "Seventh round: with a generic ask ('What should I do instead?'), an unknown name incidental to the scene ('a JPEG encoder' among png_set_strip_alpha, RGB, PNGs) no longer vetoes: false abstention 0.083 → 0.042 (pt-022 answered, still without png_set_background). 3 of 6 unanswerable questions are still answered (BSD sed's line limit, man-db's cat-page age, its systemd timer): the evidence is on topic and no lexical signal tells them apart. " +
    "Eighth round, 2026-11-24 (each change checked on the six other sets, whose scores did not move): 'Which libpng call …' asks for code, and a lead-in wrapped over several full lines ('This code changes the storage to the other way …:') is followed to its listing (png_set_swap): 0.542 → 0.583; " +
    "a sentence wrapped over full lines of words is one candidate (it had been cut into line fragments), a sentence opening the line after a full line is read with the one before it, and a listing after a wrapped lead-in ends at the next line of prose: 0.583 → 0.625 (pt-029); " +
    "'Don't call png_set_strip_alpha() to do this' read and quoted with the sentence saying what 'this' is (png_set_background): 0.625 → 0.667. " +
    "Cutting every indented listing at the next line of words (HTML and Markdown too) was measured and not kept: Node.js 0.75 → 0.708. " +
    "2026-11-24: options that start with a plus (lsof's '+L1', '+c w') read as options: the deleted-log-files question is answered with +L1 instead of abstaining (false abstention 0.042 → 0; still one part short). Abstaining when two words naming what is asked about (its noun phrases) occur nowhere in the knowledge base ('stop the man-db systemd timer'): abstention 3/6 → 4/6. " +
    "Later that day: a file mode ('CATMODE from 0644 to 0666') or a numbered item ('as in mode (1)') is not a stated quantity: abstention 4/6 → 5/6 (man-db's cat-page age), no answer elsewhere changed. Measured and not kept: requiring the unit a question asks in ('how many days' → a time word; two answerable questions elsewhere abstained, their pages leave the unit implicit) and an outline for plain text (numbered, underlined and upper-case headings as heading paths: 0.667 → 0.625, +1 −2). " +
    "Thirteenth session: up to 6 sentences for a question in several parts: 0.667 → 0.708 (pt-025 now also quotes libpng's 8-megabyte chunk limit).",
  "pdf-manuals":
    "Measured 2026-11-23, the day this set was written (by a helper that never saw Lore), over three Debian PDF manuals typeset by TeX (justified, hyphenated). " +
    "Joining words hyphenated at line ends ('alterna-' / 'tives'; a compound keeps its hyphen when the document writes it so elsewhere): abstention 0.667 → 0.833 at equal accuracy 0.375. " +
    "A Texinfo definition line (\"[Function]int memeql_sec (…)\", \"‘--enable-mini-gmp’\") quoted with the description under it, like an option line: 0.375 → 0.458 (no other set changed). " +
    "Identifiers broken after an underscore at a line end (\"aes128_\" / \"set_encrypt_key\", 37 in these PDFs) joined: abstention 0.833 → 1.0 (the YARROW256_SEED_FILE_SIZE hard negative), accuracy unchanged. " +
    "2026-11-24: Texinfo draws the underscore of identifiers in its slanted and sans fonts as a short rule, which pdf.js read as a space ('asn1 write value', 'uint8 t'); the rule is now read back from the page's operator list and put in the gap whose estimated position (from rough proportional glyph widths) is nearest (1879 underscores in the Nettle manual, 236 in Libtasn1, none in fontconfig, every one in an identifier; extraction of the Nettle PDF 5.0 → 5.8 s): scores unchanged, answers quote the real identifiers, and a term taken from part of an identifier ('aes256' of aes256_encrypt) is found as part of another (aes256_ctx), which kept pm-001 from a false abstention. " +
    "Seventh round, 2026-11-24: with a generic ask ('Is something overflowing?'), an unknown name incidental to a scene about known things (the user's own 'keyUsage' field beside BIT STRING and asn1_read_value) no longer vetoes: 0.458 → 0.5, false abstention 0.208 → 0.167; ask coverage through Porter stems ('encryption' asked, 'encrypt' written): 0.5 → 0.542, false abstention 0.083. " +
    "Eighth round, 2026-11-24: a configuration element's line ('<remap-dir prefix=\"default\" as-path=\"\" salt=\"\">') is a definition's term line, quoted with the description under it: 0.542 → 0.583 (no other set changed). " +
    "What is left: tables come out as runs of cells, and 2 of 24 answerable questions abstain (pm-025, pm-026: the answer sentence is not among the evidence chosen, e.g. 'wipe' for ZEROIZE). " +
    "2026-11-24: table rows read as rows (cells apart by a column gap, told from a justified line's stretched spaces by lining up with a nearby row): fontconfig's property table was one run of words; scores unchanged, one wrong answer now quotes a single row. Tried and not kept: damping table-of-contents and index entries (dot leaders) as fragments, since it lost pm-001, whose index lines had lifted key-term coverage over the 0.1 floor (0.583 → 0.542). " +
    "Twelfth session, 2026-11-24: index and table-of-contents entries ('xts_aes256_encrypt_message(struct . . . . 44') are no longer candidates at all (not damped, as tried before): they were quoted in answers (pm-015, pm-001) and state nothing. 0.583 → 0.542: pm-001 had been counted right on four function signatures and two index entries, one signature naming aes256_set_encrypt_key; without the index entries the key-term coverage falls under the floor and it abstains. Its evidence sentence ('for CTR mode, encryption and decryption is the same operation') is not retrieved. " +
    "Thirteenth session, 2026-11-24: a question in several parts gets up to 6 answer sentences by default (4 before): 0.542 → 0.625 (pm-003 now reaches the rsa_*_sign_tr list beside -lhogweed; pm-021 quotes 'the resilience to hash collision is then lost'); no other answer on the six sets lost. Tried and not kept: each part's two best sentences (0.667 here, but dev citation precision 0.945, under its target).",
  "python-stdlib":
    "Written 2026-11-24 by a helper that never saw Lore, over 14 Sphinx HTML pages of the Python 3.11 library reference (navigation sidebars, permalink '¶' marks, a copyright footer around the content). " +
    "First run, before any change for it: accuracy 0.458, abstention 3/6, false abstention 0.083, citation precision 1.0. " +
    "Then, each change checked on the six other sets too (none of their scores moved): permalink marks and the footer dropped, so 'tempfile.TemporaryFile(…)¶' keeps its identifier and heading paths lose their '¶'; a Python signature ('class logging.handlers.RotatingFileHandler(…)', 'subprocess.run(args, *, …)' with its many parameters) is a definition's term line; a sentence too short to stand alone ('MAXYEAR is 9999.') or ending by pointing back ('… when using pipes to avoid that.') is read and quoted with the one it completes; a generic ask ('Which switch?', 'Can argparse do that?') must share the named terms of the sentence right before it, not the scene's quoted data ('Jürgen', '山田', '--verb'): accuracy 0.542, false abstention 0, abstention 3/6, citation precision 1.0. " +
    "Still answered: 3 hard negatives (an lru_cache time-to-live, HTTPHandler's timeout, zipfile's default deflate level), whose evidence is on topic; the misses are sentence choice among on-topic passages (the create_task weak-reference warning, ensure_ascii, allow_abbrev), and every one of the 6 two-part questions misses one of its parts. " +
    "2026-11-24: abstaining when two words of what is asked occur nowhere in the knowledge base turned one wrong answer (py-002, 'swapped out underneath it') into a false abstention; counting only the words of the ask's noun phrases leaves it answered: scores unchanged. " +
    "Measured and not kept: each anchored definition term (Sphinx's '<dt id=\"logging.Logger.setLevel\">') as a heading of its own, so every API entry is a section under its name: hybrid span recall @5 / @10 0.69 / 0.78 → 0.61 / 0.69 with whole signatures in the heading path, 0.61 / 0.75 with names only (entries cut into small chunks). " +
    "Thirteenth session, measured and not kept: each part's two best sentences answered one more hard negative (py-028, abstention 0.5 → 0.333); a sub-question also searched on its own words lost dev citation precision (0.937) and a Node.js answer again.",
  "sphinx-rst":
    "Written 2026-11-24 by a helper that never saw Lore, over the 91 reStructuredText sources of Sphinx 7.2.6's documentation (the sdist's doc/ folder). " +
    "Before reStructuredText was read, a folder of .rst files was skipped as an unsupported type: nothing here could be answered. " +
    "The same files read as plain text (renamed .txt, markup and all): accuracy 0.375, abstention 3/6. Read as their rendered pages read (titles as heading paths, paragraphs joined, roles and links as their text, directives as their content): 0.458, abstention 3/6, false abstention 0.125 (+4 answers, −2: two questions the raw markup lines had happened to cover, e.g. a '.. module:: sphinx.ext.imgconverter' line lifting key-term coverage). " +
    "Measured and not kept: counting a cited sentence's heading path toward key-term coverage (a page title such as 'sphinx.ext.imgconverter – A reference image converter' names what the sentences under it are about): 0.458 → 0.5 here (sr-012), but Node.js abstention 0.5 → 0.333 (the diagnostic-report hard negative answered). " +
    "Citation precision is low (0.6) because most misses cite the wrong page: the answer is a configuration value or builder named in a line of its own ('dummy', 'autodoc_mock_imports', 'napoleon_custom_sections') while MiniLM prefers sentences about the question's scene.",
  "asciidoctor-adoc":
    "Written 2026-11-24 by a helper that never saw Lore, over the AsciiDoc sources of Asciidoctor's Antora documentation (78 pages and 1 partial, commit ae5891d); attributes defined in antora.yml stay unresolved in them. " +
    "Before, .adoc files were skipped as an unsupported type. The same files read as plain text: accuracy 0.5, abstention 2/6. Read as rendered (titles as heading paths, paragraphs joined, links and attributes as their text, tables as rows, comments and attribute lines dropped): 0.5 (+2 −2), abstention 2/6: these pages write one sentence a line, so plain text already reads them sentence by sentence. " +
    "Then a table cell whose text runs on over several lines, which had been dropped once its row was complete, is kept (it holds the answer to ad-019): 0.458 (ad-019 gained; ad-001 and ad-021 chose other pages, the newly indexed cell text having moved BM25 statistics and chunk boundaries). " +
    "A link whose text is code ({url-api-gems}/…/Base[`Asciidoctor::Converter::Base`], 4 pages) renders as its text instead of the macro cut in two: no answer changed; citation precision 0.522 → 0.486 (one more citation of a page outside the evidence).",
  "man-pages":
    "Written 2026-11-24 by a helper that never saw Lore, over 40 roff manual pages (33 man(7), 7 mdoc(7)) copied gzipped from /usr/share/man, as Debian installs them. " +
    "Before, .1–.9 and .gz files were skipped as unsupported types. The pages rendered by man itself (MANWIDTH=80 man -l | col -b, ingested as .txt): accuracy 0.292, abstention 4/6. Read from the roff (man(7) and mdoc(7) macros, fonts and escapes rendered, filled lines joined, an option's .TP tag a term line above its description): 0.458, abstention 2/6. " +
    "Then pages generated from DocBook (systemd, util-linux, apt), which write an option as a tag line and its description indented under .RS, read the same way, and tbl tables as a row a line: 0.542 (useradd's 32-character limit, login.defs' PASS_MAX_DAYS), abstention 2/6, citation precision 0.81 → 0.72 (a term line is cited as a quote of its own, so a wrong page is cited more often). " +
    "The two unanswerable questions the man-rendered text abstained on and this does not (a crontab line, a static address in /etc/network/interfaces) are answered from off-topic evidence (login.defs' PATH defaults, curl's --ipv4) at best-sentence similarity 0.31 and 0.44, just above the 0.3 floor.",
  "valgrind-manual":
    "Rounds measured 2026-11-23 with this set, written by a helper that never saw Lore: at first accuracy 0.458, false abstention 0.167 (4/24), abstention 1.0, citation precision 0.808. " +
    "The unknown-term checks then looked at the whole question, so a user's own setting (\"In CI the job should go red…\", \"timing-sensitive tests\", \"72,704 bytes\" from their log) vetoed the answer; checking only what is asked: false abstention 0.042, unanswerable still 6/6. " +
    "Quoting an option's line with its description (\"--track-fds=<yes|no|all> [default: no]\" + \"When enabled, …\") and \"To do so, …\" with what it does: 0.458 → 0.5; the option line before a later sentence of its description: 0.5 → 0.542; \"The workaround / solution is …\" quoted with the problem before it: 0.542 → 0.583; a listing line chosen alone quoted with the lead-in announcing its listing: 0.583 → 0.625, citation precision 0.787 → 0.814 (dev and Node.js unchanged). " +
    "Damping the document's own questions (FAQ titles) changed two wrong answers, no score. Scoring weights swept on the three sets together (dev, this one, 18 questions over knowledge/): lexical 0.25 or 0.45, context 0.2, key tokens 0.05 each did worse on at least one set and better on none, so the dev-set weights stay. " +
    "Not kept at first: scoring a dependent sentence together with the one it leans on (instead of only quoting them together): dev 0.765 → 0.735, false abstentions on both sets. " +
    "Kept on 2026-11-24 in another form: a sentence opening with a pronoun or a pointer back ('It halves Memcheck's speed …', 'This option …', a short one with 'this'/'it') scored by MiniLM similarity of it read with the sentence before (not a heading), and quoted with it in that one's place; a named term counted as in the evidence when another retrieved passage of the same document names it: 0.625 → 0.708, false abstention 0.042 → 0, citation precision 0.814 → 0.914 (vg-007 100MB, vg-011 --branch-sim=yes, vg-015 libgomp gained; vg-021 lost a runner-up slot); dev unchanged; " +
    "a second retrieval step on what is asked alone: dev 0.765 → 0.735, this set 0.542 → 0.5, citation precision down on both; " +
    "a fresh path or file name as the answer form of a how-to question: dev 0.765 → 0.706, this set 0.542 → 0.5. " +
    "Retrieval on this set (`npm run eval:retrieval`): hybrid doc R@5 0.98, span R@5 0.87; an evidence sentence is among the candidate sentences for 22 of 24 answerable questions, so most misses are sentence choice (the evidence ranked 2nd–50th), as on the dev set. " +
    "Seventh round, 2026-11-24: a contrast ('However, if you wish to measure all the memory used by your program, you can use --pages-as-heap=yes.') read, scored and quoted with the sentence it contrasts: 0.708 → 0.75 (vg-021); a pronoun opening a paragraph ('The maximum value for this is 500.') read with the short paragraph before it: no score change (that sentence ranks 32nd: MiniLM puts 'largest stack-trace depth' far from it). " +
    "Still missed: --error-exitcode, RUNNING_ON_VALGRIND and --log-file's %p are not among the candidate sentences (retrieval). " +
    "Twelfth session, 2026-11-24, measured on all seven sets and not kept (no answer gained anywhere): a sub-question also searched on its own words, interleaved with its context search (dev 0.765 → 0.706, Node.js 0.792 → 0.75); each clause of the question as a query vector of its own (Valgrind 0.75 → 0.708, Node.js abstention 0.5 → 0.333); a fresh backticked code span as the answer form of a code question (Node.js abstention 0.5 → 0.333); a sub-question beside a bare 'Why,' (dev-032, pm-025 unchanged); an ask about 'it'/'that' with one word of its own not focused (plain text 0.667 → 0.625); a lower floor for the two sentences after the best one (nothing changed). Kept: more questions recognised as asking for a quantity (a possessive, a superlative, an exit code: all 32 numeric questions of the sets now, and two unanswerable ones), with no score change.",
};
if (!values["no-write"]) {
  writeBenchmarkSection(
    setName === DEV_SET ? "answers-eval" : `answers-eval-${setName}`,
    [
      `## Answers eval (\`npm run eval:answers -- ${setDir}\`)`,
      "",
      `${machineLine()}. Set ${setName}: ${answerable.length} answerable, ${unanswerable.length} unanswerable questions; ` +
        `chat model ${basename(chatModelPath)}${pipeline.generator ? "" : " (not loaded: every auto setting resolves to rules/scores/extractive for it)"}, answer mode ${answerMode}, chooser ${chooser}, planner ${planner === "fallback" ? "rules" : "model"}. Per type: ${byType.join(", ")}. ` +
        `Usable model choices: ${modelChoices}/${outcomes.length}; limits hit: ${JSON.stringify(limitCounts)}.`,
      "",
      table,
      "",
      "Definitions: accuracy = answerable questions whose answer matches every `accept` regex (case-insensitive) and did not abstain; " +
        "accuracy (reference-consistent) = the same, requiring only the regexes the set's own reference answer matches (in the dev set 4 questions list alternatives as separate regexes, so even the reference answer fails the all-regexes rule); " +
        "abstention = unanswerable questions answered with an abstention; false abstention = answerable questions abstained on; " +
        "citation precision (chunk) = cited chunks whose file is one of the question's evidence files or whose text contains an evidence quote " +
        "(the set's README convention); citation precision (span) = cited sentences overlapping an evidence quote (one contains the other or 8 shared consecutive words); " +
        "unsupported rate = drafted sentences that failed verification; latencies are per question, sequential, wall clock. " +
        "Measured on a shared, noisy 2-core machine.",
      ...(setName === DEV_SET ? [] : ["", SET_NOTES[setName] ?? "No notes for this set yet."]),
      ...(setName !== DEV_SET ? [] : [
      "",
      "Ablations measured 2026-11-23 on the dev set (SmolLM2-135M): runner-up floor 0.8 → accuracy 0.62, 0.7 → 0.68 (0.6/0.5 no gain); " +
        "answer-form cue (a fresh option/setting/command line for a \"which command / how do I\" question, a fresh number for a \"how many / what port\" one) weight 0 → accuracy 0.676, 0.05 → 0.647, 0.1 → 0.706, 0.15 → 0.676; " +
        "runners-up of a one-part question from another page than the best sentence's: at the 0.7 floor citation precision 0.864, floor 0.8 → 0.904, 0.9 → 0.930, none → 0.947, accuracy 0.706 throughout (multi-part questions keep 0.7: 0.8 for them too lost no accuracy but only reached 0.920); " +
        "following-sentence context at half weight: no change; 3 sentences instead of 4: accuracy 0.618; " +
        "unfixable by sentence choice under the all-regexes rule: 4 questions whose regexes list alternatives (e.g. both `-u` and `--unit`), 2 whose evidence is not retrieved; " +
        "`--chooser model` (JSON-schema choice among the top 6 sentences, ~300 prompt tokens) 0.65 vs scores 0.68, +1.4 s p50; " +
        "the model planner produced a usable plan for 1 of 11 multi-part questions (the rest invalid/truncated JSON → rule-based plan). " +
        "`--answer-mode generative` (the 135M model writes over ≤ 8 numbered evidence sentences, ~400–700 prompt tokens, citing [n]; each sentence verified): accuracy 0.588 vs 0.676 extractive in the same tree, 59% of written sentences dropped by verification, 30 of 36 drafts fell back to quotes, first sentence p50 3.6 s vs 0.27 s — so extractive is the default for small models and `auto` writes only with a GGUF ≥ 1 GB; " +
        "Abstention signals: a named term (identifier/acronym/name) of the question found nowhere in the collection caught 4/6 unanswerable with 0/34 false abstentions; " +
        "evidence chosen mentioning none of the question's known named terms caught 1 more (5/6), still 0/34 false abstentions (every answered question's evidence shares at least one); " +
        "key-term coverage separates nothing without false abstentions (correct answers at coverage 0.17); " +
        "a similarity floor of 0.45 (`--min-similarity 0.45`, after the sentence-window retrieval: answered questions' best sentence 0.50–0.83, unanswerable 0.31–0.47) abstains on 6/6 with 0/34 false abstentions here, " +
        "but a correct answer over Lore's own docs (\"What does the support score mean?\") sits at 0.36, so the default stays 0.3 and `LORE_ABSTAIN_MIN_SIMILARITY` is left to per-corpus calibration; " +
        "the model's answerable verdict said \"no\" for 15 of 20 questions it judged, 10 of them answered correctly, so it is not trusted by default.",
      "",
      "Second round, 2026-11-23 (same set, rules planner): `LORE_PLANNER=auto` now splits by rules for the 135M model (its plans: 1 usable of 11, each attempt up to 2.5 s), answer p95 3.45 s → 0.87–1.10 s at equal accuracy; " +
        "sub-questions scored on their own words (focus, without the repeated context): no change; splitting a one-word ask (\"Why, and which …\"): no change; " +
        "damping listing lines that are not the asked-for form (a command for a how-to question): accuracy unchanged, citation precision 0.966 → 0.932 (not kept); " +
        "MMR-style redundancy penalty on runners-up (λ 0.1–0.35): no change (the 0.7 floor leaves ≤ 4 candidates); " +
        "embedding \"heading: sentence\" instead of the sentence: accuracy 0.735 → 0.676 (not kept); " +
        "named terms counted as key tokens in the score: abstention 0.833 → 0.667 and citation precision → 0.915 (the named-terms veto needs a scorer that does not chase the terms; not kept); " +
        "re-choosing among passages naming a question's named term when the best evidence names none and such a runner-up is within 0.9 of the best: no change here (0.8 answered an unanswerable question), fixes a false abstention over Lore's own docs (kept); " +
        "scoped names (Acquire::http::proxy) and backticked words as key tokens, \"what do I add/put/set\" as a request for a setting: dh-037 now quotes the APT proxy line, still wrong for want of the squid ACL listing. " +
        "What is left is semantic: the missing facts rank 10th–50th among ~100 candidate sentences by MiniLM similarity and word overlap (a \"why\" answer, a tool for packages that are not installed, an expiry command two sentences after the quoted one), which a cross-encoder or a bigger chat model choosing among them would address.",
      "",
      "Third round, 2026-11-23 (same set): a quoted lead-in ending in a colon is quoted with the listing it announces (and, for a what-to-type question, a statement with the example its next sentence announces): accuracy 0.735 → 0.765 (dh-037 quotes squid.conf's acl/http_access lines), citation precision unchanged; " +
        "a quoted sentence opening with \"As a consequence / Instead / To prevent this …\" brings the sentence it leans on (and the other way round): no score change, two answers now read as one quote; " +
        "ask coverage (content words of the question sentence without a leading \"After/If/When …,\" scene clause found in the kept evidence; abstain under 0.25 for asks of 4+ words): abstention 0.833 → 1.0, false abstention 0 → 0.029 (dh-032, previously answered wrongly), answered questions at 0.43 and above; " +
        "on 18 questions of our own over knowledge/ (not committed: written by us), no false abstention and 3/3 unanswerable abstained. " +
        "Not reachable by quoting on this set under the all-regexes rule: dh-017, 019, 025, 031 (alternatives as separate regexes; 025 also needs an answer opening with \"No\") and dh-013 (needs \"DNS … directly\", which the handbook never writes); so 29/34 = 0.853 is the extractive ceiling and 0.8 needs 28 of those 29.",
      "",
      "Fourth round, 2026-11-23 (checked on the Valgrind set too, see its section): scoring sentences against what is asked (the question without its scene) as well as the whole question: false abstention 0.029 → 0 (dh-032 answered, still wrongly); " +
        "unknown-term checks on what is asked only, option lines quoted with their descriptions, FAQ titles damped: no change here. " +
        "abstaining when a question asking for a quantity gets evidence stating none: no change here. dh-012 (expiry sentence rank 31), dh-032 (apt-file, rank 28) and dh-040 (equivs, rank 42) stay out of reach of word and MiniLM scores. Two sets written blind over other corpora (`bench/sets/`, their own sections below) measure what the dev set cannot: Valgrind manual 0.458 → 0.625 this round, Node.js docs 0.542 → 0.667 with abstention 0/6 → 2/6 on hard negatives.",
      "",
      "Fifth round, 2026-11-23 (every change checked on all six sets; two new ones over plain text and PDF): an environment variable's name as an answer form, an option's values or default quoted with it, Markdown link reference definitions dropped, quantities with units (\"100MB\") counted as numbers, no focus for a sub-question that names nothing, plain-text wrap joining, line-end hyphenation, quoted command arguments and acronym plurals out of the named terms, a mid-clause sentence quoted with the indented listing that finishes it: no answer changes on this set. " +
        "Not kept: splitting a bare \"Why, and which …\" into two steps (dh-032 still wrong, one Valgrind answer lost); letting the best sentence with the asked-for form lead when within 0.85 of the top score (abstention 1.0 → 0.833 here, a link-reference junk answer on Node.js). " +
        "dh-012 still misses its expiry sentence by one slot (rank 5 of the same page, 4 sentences quoted).",
      "",
      "Sixth round, 2026-11-24 (every change checked on all six sets): a sentence opening with a pronoun or pointing back ('It …', 'This option …', 'The maximum value for this is 500.') scored read with the sentence before it and quoted with it in one slot; a named term counted when another retrieved passage of the evidence's document names it (dh-035 'Debian installer' otherwise abstains); underscores drawn as rules in PDFs read back: no score change here (Valgrind 0.625 → 0.708, plain text 0.5 → 0.542). " +
        "Not kept: averaging the lexical score of such a pair with the sentence's own (Valgrind back to 0.667, plain text to 0.5); no focus for a one-word ask pointing back ('Is that enough?'): plain text 0.542 → 0.5; splitting a bare 'Why, and which …' again: no accuracy change, citation precision down on Valgrind and Node.js; runners-up measured against the best single sentence: citation precision 0.961 → 0.947 here. " +
        "dh-012 now quotes 'The account remains intact …' with 'This is accomplished by using the command passwd -l user (lock).'; its expiry sentence (rank 5) and authorized_keys (rank 17) stay out of the quoted four.",
      "",
      "Seventh round, 2026-11-24 (every change checked on all six sets, no answer lost on any): a generic ask's unknown name incidental to a scene about known things no longer vetoes; ask coverage through Porter stems ('encryption' / 'encrypt'); a paragraph-opening pronoun read with the short paragraph before it; contrasts ('However, …') read with what they contrast; contraction remnants ('doesn') as stopwords. " +
        "No change on this set (0.765, abstention 1.0, citation precision 0.961); the gains were on PDF (0.458 → 0.542, false abstention 0.208 → 0.083), Valgrind (0.708 → 0.75) and Node.js citation precision (0.958 → 1.0). " +
        "Not kept: Porter stems for every signal (abstention here 1.0 → 0.833 and on Valgrind, Node.js 0.333 → 0.167: a lenient match makes scene words count as covered). " +
        "Lexical features do not separate the Node.js and plain-text hard negatives: asked words absent from everything retrieved number 0–5 for them and 0–3 for correct answers. " +
        "Then a seventh blind set over Sphinx HTML (python-stdlib, its own section): permalink marks and footers dropped, Python signatures as term lines, a sentence too short to stand alone or ending in 'to avoid that' quoted with the one it completes, a generic ask named by the sentence right before it: that set 0.458 → 0.542, no score moved here. " +
        "Not kept: retrieving each sub-question on its own words instead of with the question's scene (this set 0.765 → 0.706, Node.js 0.75 → 0.708), or 2 such passages put among the step's first six, whose sentences become candidates (this set 0.765 → 0.706, citation precision 0.961 → 0.933; Python-docs abstention 0.5 → 0.333); the sentences of 8 chunks per step instead of 6 as candidates (this set 0.765 → 0.735, Valgrind 0.75 → 0.708).",
      "",
      "Thirteenth session, 2026-11-24 (checked on all six sets): a question in several parts gets up to 6 answer sentences by default instead of 4, so the runners-up of its parts no longer crowd each other out: no change here in accuracy (0.765), citation precision 0.961 → 0.963; PDF 0.542 → 0.625, plain text 0.667 → 0.708, no answer lost anywhere. " +
        "Not kept: each part's two best sentences (citation precision here 0.945, under its target); a sub-question also retrieved on its own words, again (0.937, Node.js 0.792 → 0.75); a sub-question beside a bare \"Why,\" with six sentences (no answer gained; Valgrind citation precision 0.907 → 0.87); a runner-up from another page holding two question words no chosen sentence holds (abstention here 1.0 → 0.667); " +
        "a runner-up floor of 0.6 or 0.65 for questions in several parts (plain text +1, but citation precision here 0.949 / 0.947, Python abstention 0.5 → 0.333); 5 sentences for one-part questions (no answer gained, Node.js and plain-text abstention down); a plural ask ('Which options …') answered like several parts, or each part's best chosen among sentences not yet in the answer (no change).",
      ]),
    ].join("\n"),
  );
}
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
