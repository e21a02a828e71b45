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
  height: number;
}

/** One page's text: pieces joined, a line break where pdf.js reports one or the baseline moves. */
function pageText(items: readonly TextPiece[]): string {
  let text = "";
  let lastY: number | undefined;
  let lastHeight = 0;
  for (const item of items) {
    const y = item.transform[5] ?? 0;
    if (lastY !== undefined && Math.abs(y - lastY) > 0.5 && text !== "" && !text.endsWith("\n\n")) {
      // A gap of well over one line height between baselines starts a new paragraph.
      const paragraph = Math.abs(y - lastY) > 1.8 * Math.max(lastHeight, item.height, 1);
      if (paragraph) text += text.endsWith("\n") ? "\n" : "\n\n";
      else if (!text.endsWith("\n")) text += "\n";
    }
    text += item.str.replace(/[^\S\n]+/g, " ");
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
  return joinHyphenatedWords(text.replace(/([\p{L}\d]_)\n[ \t]*(?=[\p{L}\d])/gu, "$1")).replace(/([^\n]{30,}[\p{L}\d,)\]])\n(?=[\p{Ll}\d(])/gu, "$1 ");
}

/** Text of every page; each page is a section titled "Page N" so citations can name the page. */
export async function loadPdf(content: Buffer, fileName: string): Promise<ExtractedDocument> {
  const { getDocument } = await pdfjs();
  const task = getDocument({ data: new Uint8Array(content), verbosity: 0, isEvalSupported: false, disableFontFace: true });
  try {
    const pdf = await task.promise;
    const info = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    let text = "";
    const sections: ExtractedSection[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const items = (await page.getTextContent()).items as readonly (TextPiece | { type: string })[];
      const body = pageText(items.filter((i): i is TextPiece => "str" in i));
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
