import { extname } from "node:path";
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { LoreError } from "../../errors/index.js";
import type { ExtractedDocument } from "../types.js";
import { loadDocx } from "./docxLoader.js";
import { loadEpub } from "./epubLoader.js";
import { loadHtml } from "./htmlLoader.js";
import { loadJson, loadJsonLines } from "./jsonLoader.js";
import { loadMarkdown } from "./markdownLoader.js";
export { findHeadings, type MarkdownHeading } from "./markdownLoader.js";
import { loadPdf } from "./pdfLoader.js";
import { loadRst } from "./rstLoader.js";
import { loadInfo, looksLikeInfo } from "./infoLoader.js";
import { loadManPage, looksLikeRoff } from "./manPageLoader.js";
import { loadAsciiDoc } from "./asciidocLoader.js";
import { loadText } from "./textLoader.js";

export type LoaderKind = "markdown" | "rst" | "asciidoc" | "man" | "info" | "text" | "html" | "pdf" | "docx" | "epub" | "json" | "jsonl";

const BY_EXTENSION: Record<string, LoaderKind> = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".rst": "rst",
  ".rest": "rst",
  ".adoc": "asciidoc",
  ".asciidoc": "asciidoc",
  ".txt": "text",
  ".text": "text",
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
  ".pdf": "pdf",
  ".docx": "docx",
  ".epub": "epub",
  ".json": "json",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
};

// Manual pages carry their section as the extension: ls.1, printf.3p, openssl.1ssl, perlfunc.1perl.
const MAN_PAGE = /^\.(?:[1-9][a-z]*|man)$/;
// GNU Info manuals, split ones in numbered parts: coreutils.info, find.info-1.
const INFO = /^\.info(?:-\d+)?$/;
const GZIP = /\.gz$/i;
// A compressed file larger than this unpacked is refused rather than unpacked into memory (a zip bomb).
const MAX_GUNZIPPED_BYTES = 256 * 1024 * 1024;

export const SUPPORTED_EXTENSIONS: readonly string[] = [...Object.keys(BY_EXTENSION), ".1–.9 (man pages)", ".info", ".gz of any of these"];

function kindByName(fileName: string): LoaderKind | undefined {
  const extension = extname(fileName).toLowerCase();
  return BY_EXTENSION[extension] ?? (MAN_PAGE.test(extension) ? "man" : INFO.test(extension) ? "info" : undefined);
}

/** Whether a folder's file is one Lore reads: by its extension, under a ".gz" too (ls.1.gz, notes.md.gz). */
export function isSupportedFile(fileName: string): boolean {
  return kindByName(fileName.replace(GZIP, "")) !== undefined;
}

/**
 * Whether only a file's content tells if Lore reads it: a name like a manual page's ("syslog.1",
 * "app.log.2.gz" are rotated logs) or an Info manual's. See isRecognizedContent.
 */
export function needsContentCheck(fileName: string): boolean {
  const kind = kindByName(fileName.replace(GZIP, ""));
  return kind === "man" || kind === "info";
}

/** Whether the first bytes of such a file (gzipped or not) are roff source or an Info manual, as its name says. */
export function isRecognizedContent(fileName: string, head: Buffer): boolean {
  let bytes = head;
  if (GZIP.test(fileName)) {
    try {
      // The head of a gzip stream unpacks as far as it goes.
      bytes = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 1024 * 1024 });
    } catch {
      return false;
    }
  }
  return contentFitsName(kindByName(fileName.replace(GZIP, "")), bytes);
}

/** Whether content is what a name like a manual page's or an Info manual's says; other names decide alone. */
function contentFitsName(kind: LoaderKind | undefined, content: Buffer): boolean {
  return kind === "man" ? looksLikeRoff(content) : kind === "info" ? looksLikeInfo(content) : true;
}

/** A gzipped file's name and content unpacked (Debian ships its manual pages and many docs so). */
function gunzipped(fileName: string, content: Buffer): { fileName: string; content: Buffer } {
  if (!GZIP.test(fileName)) return { fileName, content };
  try {
    return { fileName: fileName.replace(GZIP, ""), content: gunzipSync(content, { maxOutputLength: MAX_GUNZIPPED_BYTES }) };
  } catch (error) {
    throw new LoreError("PARSE_FAILED", `${fileName}: cannot unpack: ${(error as Error).message}`, { cause: error });
  }
}

/** Guesses the format from the first bytes, for uploads without a known extension. */
function sniff(content: Buffer): LoaderKind | undefined {
  const head = content.subarray(0, 1024).toString("latin1");
  if (head.startsWith("%PDF-")) return "pdf";
  if (head.startsWith("PK\u0003\u0004")) return content.includes("word/document.xml") ? "docx" : head.includes("application/epub+zip") ? "epub" : undefined;
  if (content.includes(0)) return undefined;
  const start = head.replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, "").trimStart().toLowerCase();
  if (/^(<!doctype html|<html|<\?xml[^>]*>\s*<!doctype html)/.test(start)) return "html";
  if (start.startsWith("{") || start.startsWith("[")) return "json";
  if (looksLikeRoff(content)) return "man";
  if (looksLikeInfo(content)) return "info";
  return "text";
}

function detectUnpacked(fileName: string, content: Buffer): LoaderKind {
  const byName = kindByName(fileName);
  // A name like a manual page's or an Info manual's says little ("syslog.1" is a rotated log): the content decides.
  if (!contentFitsName(byName, content)) {
    throw new LoreError("UNSUPPORTED_FORMAT", `${fileName}: named like ${byName === "man" ? "a manual page" : "an Info manual"}, but its content is not ${byName === "man" ? "roff source" : "an Info file"}`);
  }
  if (byName) return byName;
  const sniffed = extname(fileName) === "" ? sniff(content) : undefined;
  if (sniffed) return sniffed;
  throw new LoreError("UNSUPPORTED_FORMAT", `${fileName}: unsupported file type (supported: ${SUPPORTED_EXTENSIONS.join(", ")})`);
}

/** The loader for a file: its extension decides; an unknown extension is sniffed from the bytes. */
export function detectFormat(fileName: string, content: Buffer): LoaderKind {
  const unpacked = gunzipped(fileName, content);
  return detectUnpacked(unpacked.fileName, unpacked.content);
}

/** Extracts a file's text, title and sections; LoreError PARSE_FAILED/UNSUPPORTED_FORMAT when it cannot. */
export async function loadDocument(packedName: string, packed: Buffer): Promise<ExtractedDocument> {
  const { fileName, content } = gunzipped(packedName, packed);
  const kind = detectUnpacked(fileName, content);
  try {
    switch (kind) {
      case "markdown":
        return loadMarkdown(content, fileName);
      case "rst":
        return loadRst(content, fileName);
      case "asciidoc":
        return loadAsciiDoc(content, fileName);
      case "info":
        return loadInfo(content, fileName);
      case "man":
        return loadManPage(content, fileName);
      case "text":
        return loadText(content, fileName);
      case "html":
        return loadHtml(content, fileName);
      case "pdf":
        return await loadPdf(content, fileName);
      case "docx":
        return await loadDocx(content, fileName);
      case "epub":
        return await loadEpub(content, fileName);
      case "json":
        return loadJson(content, fileName);
      case "jsonl":
        return loadJsonLines(content, fileName);
    }
  } catch (error) {
    if (LoreError.isInstance(error)) throw error;
    throw new LoreError("PARSE_FAILED", `${fileName}: ${(error as Error).message}`, { cause: error });
  }
}

export { DocumentParser, type DocumentParserOptions } from "./documentParser.js";
