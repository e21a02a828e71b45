import { extname } from "node:path";
import { LoreError } from "../../errors/index.js";
import type { ExtractedDocument } from "../types.js";
import { loadDocx } from "./docxLoader.js";
import { loadHtml } from "./htmlLoader.js";
import { loadJson, loadJsonLines } from "./jsonLoader.js";
import { loadMarkdown } from "./markdownLoader.js";
export { findHeadings, type MarkdownHeading } from "./markdownLoader.js";
import { loadPdf } from "./pdfLoader.js";
import { loadRst } from "./rstLoader.js";
import { loadAsciiDoc } from "./asciidocLoader.js";
import { loadText } from "./textLoader.js";

export type LoaderKind = "markdown" | "rst" | "asciidoc" | "text" | "html" | "pdf" | "docx" | "json" | "jsonl";

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
  ".json": "json",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
};

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(BY_EXTENSION);

export function isSupportedFile(fileName: string): boolean {
  return extname(fileName).toLowerCase() in BY_EXTENSION;
}

/** Guesses the format from the first bytes, for uploads without a known extension. */
function sniff(content: Buffer): LoaderKind | undefined {
  const head = content.subarray(0, 1024).toString("latin1");
  if (head.startsWith("%PDF-")) return "pdf";
  if (head.startsWith("PK\u0003\u0004")) return content.includes("word/document.xml") ? "docx" : undefined;
  if (content.includes(0)) return undefined;
  const start = head.replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, "").trimStart().toLowerCase();
  if (/^(<!doctype html|<html|<\?xml[^>]*>\s*<!doctype html)/.test(start)) return "html";
  if (start.startsWith("{") || start.startsWith("[")) return "json";
  return "text";
}

/** The loader for a file: its extension decides; an unknown extension is sniffed from the bytes. */
export function detectFormat(fileName: string, content: Buffer): LoaderKind {
  const byExtension = BY_EXTENSION[extname(fileName).toLowerCase()];
  if (byExtension) return byExtension;
  const sniffed = extname(fileName) === "" ? sniff(content) : undefined;
  if (sniffed) return sniffed;
  throw new LoreError("UNSUPPORTED_FORMAT", `${fileName}: unsupported file type (supported: ${SUPPORTED_EXTENSIONS.join(", ")})`);
}

/** Extracts a file's text, title and sections; LoreError PARSE_FAILED/UNSUPPORTED_FORMAT when it cannot. */
export async function loadDocument(fileName: string, content: Buffer): Promise<ExtractedDocument> {
  const kind = detectFormat(fileName, content);
  try {
    switch (kind) {
      case "markdown":
        return loadMarkdown(content, fileName);
      case "rst":
        return loadRst(content, fileName);
      case "asciidoc":
        return loadAsciiDoc(content, fileName);
      case "text":
        return loadText(content, fileName);
      case "html":
        return loadHtml(content, fileName);
      case "pdf":
        return await loadPdf(content, fileName);
      case "docx":
        return await loadDocx(content, fileName);
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
