import { LoreError } from "../../errors/index.js";
import type { ExtractedDocument, ExtractedSection } from "../types.js";
import { joinHyphenatedWords } from "./lineBreakHyphens.js";

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");

let pdfjsPromise: Promise<PdfJs> | undefined;

/**
 * pdf.js normally parses in a Web Worker. In Node there is none: handing it the worker module's
 * WorkerMessageHandler through `globalThis.pdfjsWorker` makes it parse on the main thread
 * (its documented "fake worker"), without resolving a worker file path at run time.
 */
function pdfjs(): Promise<PdfJs> {
  pdfjsPromise ??= (async () => {
    // @ts-expect-error: the worker bundle ships without type declarations.
    const worker = (await import("pdfjs-dist/legacy/build/pdf.worker.mjs")) as unknown;
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
    return import("pdfjs-dist/legacy/build/pdf.mjs");
  })();
  return pdfjsPromise;
}

interface TextPiece {
  str: string;
  hasEOL: boolean;
  transform: number[];
  width: number;
  height: number;
}

/** A short horizontal line the page draws (page coordinates): TeX draws an underscore so in fonts without one. */
export interface Rule {
  x0: number;
  x1: number;
  y: number;
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/**
 * The short horizontal lines of a page, at most `maxWidth` long: Texinfo typesets "_" in its slanted
 * and sans fonts as a drawn rule, so pdf.js reads "asn1_write_value" as "asn1 write value".
 */
export function shortRules(ops: { fnArray: number[]; argsArray: unknown[] }, codes: { save: number; restore: number; transform: number; constructPath: number }, maxWidth = 12): Rule[] {
  const rules: Rule[] = [];
  const saved: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  ops.fnArray.forEach((fn, k) => {
    const args = ops.argsArray[k] as unknown[];
    if (fn === codes.save) saved.push(ctm);
    else if (fn === codes.restore) ctm = saved.pop() ?? ctm;
    else if (fn === codes.transform) ctm = multiply(args as Matrix, ctm);
    else if (fn === codes.constructPath) {
      // The path's bounding box, [minX, minY, maxX, maxY] in the coordinates it was drawn in.
      const box = args[2] as ArrayLike<number> | null | undefined;
      if (!box || box.length < 4) return;
      const [x0, y0] = apply(ctm, box[0]!, box[1]!);
      const [x1, y1] = apply(ctm, box[2]!, box[3]!);
      const width = Math.abs(x1 - x0);
      if (Math.abs(y1 - y0) <= 1 && width >= 1 && width <= maxWidth) rules.push({ x0: Math.min(x0, x1), x1: Math.max(x0, x1), y: (y0 + y1) / 2 });
    }
  });
  return rules;
}

// Rough glyph widths (thousandths of an em) of a proportional text font such as Computer Modern or
// Times: pdf.js gives a piece's width but not its glyphs', and a uniform estimate drifts by a glyph or
// two over a sentence, enough to put the underscore of "same as DES_BLOCK_SIZE" after "as".
function glyphWidth(c: string): number {
  if (c === " ") return 333;
  if (/[ijl.,:;'!|]/.test(c)) return 278;
  if (/[frtI()[\]{}"`\-]/.test(c)) return 370;
  if (/[MW]/.test(c)) return 950;
  if (/[mw]/.test(c)) return 780;
  if (/\p{Lu}/u.test(c)) return 720;
  return 520;
}

/**
 * A piece's text with an underscore back where a drawn rule sits on its baseline over one of its
 * spaces: the space between two words whose estimated middle is nearest the rule's, if within one
 * glyph's width of it.
 */
export function withDrawnUnderscores(item: TextPiece, rules: readonly Rule[]): string {
  const chars = [...item.str];
  if (!item.str.includes(" ") || rules.length === 0 || item.width <= 0) return item.str;
  const x = item.transform[4] ?? 0;
  const y = item.transform[5] ?? 0;
  const widths = chars.map(glyphWidth);
  const scale = item.width / widths.reduce((a, b) => a + b, 0);
  const middles: number[] = [];
  let left = x;
  for (const w of widths) {
    middles.push(left + (w * scale) / 2);
    left += w * scale;
  }
  const em = 1000 * scale;
  for (const rule of rules) {
    const middle = (rule.x0 + rule.x1) / 2;
    if (Math.abs(rule.y - y) > 0.4 * Math.max(item.height, 1) || middle <= x || middle >= x + item.width || rule.x1 - rule.x0 > 0.9 * em) continue;
    let best: number | undefined;
    chars.forEach((c, i) => {
      if (c !== " " || i === 0 || i === chars.length - 1 || !/[\p{L}\d]/u.test(chars[i - 1]!) || !/[\p{L}\d]/u.test(chars[i + 1]!)) return;
      if (best === undefined || Math.abs(middles[i]! - middle) < Math.abs(middles[best]! - middle)) best = i;
    });
    if (best !== undefined && Math.abs(middles[best]! - middle) <= 0.6 * em) chars[best] = "_";
  }
  return chars.join("");
}

/** What separates two cells of a table row in the page text: a run of spaces, which no sentence holds. */
export const COLUMN_GAP = "   ";
// How many lines above or below a table cell another row's cell must start at the same x.
const ROW_REACH = 2;
// The narrowest blank (points) that can part two cells, whatever font size pdf.js reports.
const MIN_CELL_GAP = 4;
// A list item's marker: a bullet, a dash, "1.", "(2)", "a)".
const LIST_MARKER = /^(?:[•·▪◦‣∙*–—-]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])$/;

/**
 * The pieces that start a table cell: each follows a blank wider than an em on its line, and a piece on
 * a nearby line does the same at the same x. A word space is never that wide in running text, but TeX
 * stretches the spaces of a justified line up to about 1.2 em, as wide as the double space of a
 * monospaced table; only a table's columns line up from row to row.
 */
export function tableCellStarts(items: readonly TextPiece[]): Set<TextPiece> {
  const candidates: { item: TextPiece; line: number; x: number }[] = [];
  let line = 0;
  let lastY: number | undefined;
  let lineRight: number | undefined;
  let lineText = "";
  let newLine = true;
  for (const item of items) {
    const y = item.transform[5] ?? 0;
    if (newLine || (lastY !== undefined && Math.abs(y - lastY) > 0.5 && item.str !== "")) {
      if (lineRight !== undefined) line++;
      lineRight = undefined;
      lineText = "";
    }
    newLine = item.hasEOL;
    if (item.str.trim() === "") continue;
    const x = item.transform[4] ?? 0;
    // A list's marker ("•", "1.", "a)") stands apart from its item's text as far as a cell does, and lines up too.
    const afterMarker = LIST_MARKER.test(lineText.trim());
    if (lineRight !== undefined && !afterMarker && x - lineRight >= Math.max(item.height, MIN_CELL_GAP)) candidates.push({ item, line, x });
    // A piece whose width pdf.js does not know tells nothing of where the next one starts.
    lineRight = item.width > 0 ? x + item.width : undefined;
    lineText += item.str;
    lastY = y;
  }
  const byLine = new Map<number, number[]>();
  for (const c of candidates) {
    const xs = byLine.get(c.line);
    if (xs) xs.push(c.x);
    else byLine.set(c.line, [c.x]);
  }
  const alignedNearby = (c: { line: number; x: number }) => {
    for (let other = c.line - ROW_REACH; other <= c.line + ROW_REACH; other++) {
      if (other !== c.line && byLine.get(other)?.some((x) => Math.abs(x - c.x) <= 1.5)) return true;
    }
    return false;
  };
  return new Set(candidates.filter(alignedNearby).map((c) => c.item));
}

/**
 * One page's text: pieces joined, a line break where pdf.js reports one or the baseline moves, and a
 * column gap before each table cell: joined by one space, a table comes out as one run of words
 * ("style String Font style. stylelang String Languages …") that reads as a sentence.
 */
function pageText(items: readonly TextPiece[], rules: readonly Rule[] = []): string {
  let text = "";
  let lastY: number | undefined;
  let lastHeight = 0;
  const cells = tableCellStarts(items);
  for (const item of items) {
    const y = item.transform[5] ?? 0;
    if (lastY !== undefined && Math.abs(y - lastY) > 0.5 && text !== "" && !text.endsWith("\n\n")) {
      // A gap of well over one line height between baselines starts a new paragraph.
      const paragraph = Math.abs(y - lastY) > 1.8 * Math.max(lastHeight, item.height, 1);
      if (paragraph) text += text.endsWith("\n") ? "\n" : "\n\n";
      else if (!text.endsWith("\n")) text += "\n";
    }
    if (cells.has(item) && !text.endsWith("\n")) text = text.replace(/[^\S\n]+$/, "") + COLUMN_GAP;
    text += withDrawnUnderscores(item, rules).replace(/[^\S\n]+/g, " ");
    if (item.hasEOL) text = text.replace(/ +$/, "") + "\n";
    if (item.str !== "") {
      lastY = y;
      lastHeight = item.height;
    }
  }
  return joinWrappedLines(
    text
      .split("\n")
      .map((line) => line.trim())
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim(),
  );
}

/**
 * A PDF breaks every sentence at the page's line width; left as lines, a sentence over three lines
 * reads as a listing and is quoted in fragments. A line that stops mid-sentence (long, no closing
 * punctuation) and a next line that carries on in lower case are one line of text, and a word
 * hyphenated or an identifier broken after an underscore across them is one again.
 */
export function joinWrappedLines(text: string): string {
  // An identifier broken after one of its underscores ("aes128_" / "set_encrypt_key") is one identifier.
  // A table row (cells apart by a column gap) is a line of its own, whatever the next one starts with.
  return joinHyphenatedWords(text.replace(/([\p{L}\d]_)\n[ \t]*(?=[\p{L}\d])/gu, "$1")).replace(
    /^((?:(?! {3})[^\n]){30,}[\p{L}\d,)\]])\n(?=(?![^\n]* {3})[\p{Ll}\d(])/gmu,
    "$1 ",
  );
}

/** Text of every page; each page is a section titled "Page N" so citations can name the page. */
export async function loadPdf(content: Buffer, fileName: string): Promise<ExtractedDocument> {
  const { getDocument, OPS } = await pdfjs();
  const task = getDocument({ data: new Uint8Array(content), verbosity: 0, isEvalSupported: false, disableFontFace: true });
  try {
    const pdf = await task.promise;
    const info = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown; Producer?: unknown; Creator?: unknown } | undefined;
    // Only TeX draws underscores as rules; reading the drawing of other PDFs would cost time (pdf.js decodes
    // every image to build it) for nothing.
    const drawsUnderscores = /TeX|dvips/i.test(`${String(info?.Producer ?? "")} ${String(info?.Creator ?? "")}`);
    let text = "";
    const sections: ExtractedSection[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const items = (await page.getTextContent()).items as readonly (TextPiece | { type: string })[];
      const rules = drawsUnderscores ? shortRules(await page.getOperatorList(), OPS) : [];
      const body = pageText(
        items.filter((i): i is TextPiece => "str" in i),
        rules,
      );
      page.cleanup();
      if (!body) continue;
      if (text) text += "\n\n";
      sections.push({ headingPath: [`Page ${n}`], start: text.length, end: text.length + body.length });
      text += body;
    }
    const title = typeof info?.Title === "string" && info.Title.trim() ? info.Title.trim() : undefined;
    return { text, title, sections, format: "pdf" };
  } catch (error) {
    if (LoreError.isInstance(error)) throw error;
    throw new LoreError("PARSE_FAILED", `${fileName}: not a readable PDF (${(error as Error).message})`, { cause: error });
  } finally {
    await task.destroy();
  }
}
