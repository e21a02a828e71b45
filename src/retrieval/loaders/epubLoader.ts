import { posix } from "node:path";
import { Parser } from "htmlparser2";
import JSZip from "jszip";
import { LoreError } from "../../errors/index.js";
import { htmlToDocument } from "../htmlText.js";
import type { ExtractedDocument, ExtractedSection } from "../types.js";

/**
 * An EPUB book: its chapters (the XHTML documents of the package's spine, in reading order) read as
 * HTML pages are, one after another, each chapter's headings giving its sections' heading paths, and
 * the book's title from its package metadata. The navigation document (the book's table of contents)
 * is left out: it repeats every heading as a list of links.
 */

// A book that unpacks to more than this is refused: counted while inflating, so a zip bomb stops there.
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
// container.xml and the package document list files and metadata: a few kilobytes in real books.
const MAX_PACKAGE_FILE_BYTES = 8 * 1024 * 1024;
const HTML_TYPES = new Set(["application/xhtml+xml", "text/html"]);

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/** The elements of a small XML file (container.xml, the OPF package) with their attributes and own text. */
function xmlElements(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const element = { name: name.toLowerCase(), attributes, text: "" };
        elements.push(element);
        open.push(element);
      },
      // Only the innermost element's text: the metadata read (dc:title) has no child elements, and
      // giving text to every open element would cost depth × text on a deeply nested file.
      ontext(text) {
        const innermost = open.at(-1);
        if (innermost) innermost.text += text;
      },
      onclosetag() {
        open.pop();
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return elements;
}

/** The local name of an element ("dc:title" → "title", "opf:item" → "item"). */
const localName = (element: XmlElement): string => element.name.replace(/^.*:/, "");

/** What is left of a book's unpacking allowance. */
interface UnpackBudget {
  bytes: number;
}

const tooBig = (fileName: string, what: string, limit: number) =>
  new LoreError("PARSE_FAILED", `${fileName}: ${what} unpacks to more than ${limit} bytes (a zip bomb, or not a book)`);

/**
 * An entry's text, inflated a chunk at a time and counted against the book's allowance (and an
 * entry's own limit), so an entry that would inflate to gigabytes is stopped at the limit rather than
 * unpacked into memory first. The size in the zip's header is not trusted: it can lie.
 */
async function entryText(zip: JSZip, path: string, fileName: string, budget: UnpackBudget, entryLimit = MAX_UNPACKED_BYTES): Promise<string> {
  const entry = zip.file(path);
  if (!entry) throw new LoreError("PARSE_FAILED", `${fileName}: the book names ${path}, which it does not contain`);
  const chunks: Buffer[] = [];
  let size = 0;
  // jszip's stream (readable-stream 2) is not async-iterable: read it through its events.
  await new Promise<void>((resolve, reject) => {
    const stream = entry.nodeStream("nodebuffer");
    const stop = (error: LoreError) => {
      stream.removeAllListeners("data");
      // Paused, jszip's inflating worker gets no more ticks and is collected with the stream.
      stream.pause();
      reject(error);
    };
    stream.on("data", (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > entryLimit) return stop(tooBig(fileName, path, entryLimit));
      if (size > budget.bytes) return stop(tooBig(fileName, "the book", MAX_UNPACKED_BYTES));
      chunks.push(bytes);
    });
    stream.on("end", () => resolve());
    stream.on("error", (error: Error) =>
      reject(new LoreError("PARSE_FAILED", `${fileName}: ${path} cannot be unpacked (${error.message})`, { cause: error })),
    );
  });
  budget.bytes -= size;
  return Buffer.concat(chunks, size).toString("utf8");
}

/** An EPUB's encrypted (DRM) files, from META-INF/encryption.xml: their text cannot be read. */
async function encryptedPaths(zip: JSZip, fileName: string, budget: UnpackBudget): Promise<Set<string>> {
  if (!zip.file("META-INF/encryption.xml")) return new Set();
  const elements = xmlElements(await entryText(zip, "META-INF/encryption.xml", fileName, budget, MAX_PACKAGE_FILE_BYTES));
  return new Set(elements.filter((e) => localName(e) === "cipherreference" && e.attributes.URI).map((e) => posix.normalize(safeDecode(e.attributes.URI!))));
}

const safeDecode = (href: string): string => {
  try {
    return decodeURIComponent(href);
  } catch {
    return href;
  }
};

/** An EPUB's chapters, in reading order, as one document sectioned by each chapter's headings. */
export async function loadEpub(content: Buffer, fileName: string): Promise<ExtractedDocument> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(content);
  } catch (error) {
    throw new LoreError("PARSE_FAILED", `${fileName}: not a readable EPUB (zip) file (${(error as Error).message})`, { cause: error });
  }
  const budget: UnpackBudget = { bytes: MAX_UNPACKED_BYTES };
  const container = xmlElements(await entryText(zip, "META-INF/container.xml", fileName, budget, MAX_PACKAGE_FILE_BYTES));
  const packagePath = container.find((e) => localName(e) === "rootfile")?.attributes["full-path"];
  if (!packagePath) throw new LoreError("PARSE_FAILED", `${fileName}: META-INF/container.xml names no package document`);
  const opf = xmlElements(await entryText(zip, packagePath, fileName, budget, MAX_PACKAGE_FILE_BYTES));
  const encrypted = await encryptedPaths(zip, fileName, budget);
  const base = posix.dirname(packagePath);
  const manifest = new Map(
    opf.filter((e) => localName(e) === "item" && e.attributes.id && e.attributes.href).map((e) => [e.attributes.id!, e.attributes] as const),
  );
  const bookTitle = opf.find((e) => localName(e) === "title")?.text.trim() || undefined;

  let text = "";
  const sections: ExtractedSection[] = [];
  // A spine may list one file several times, once per fragment ("the-basics.xhtml#o292"): it is read once.
  const read = new Set<string>();
  const chapterPaths: string[] = [];
  for (const itemref of opf.filter((e) => localName(e) === "itemref")) {
    const item = manifest.get(itemref.attributes.idref ?? "");
    if (!item || !HTML_TYPES.has(item["media-type"] ?? "")) continue;
    if ((item.properties ?? "").split(/\s+/).includes("nav")) continue;
    const path = posix.normalize(posix.join(base, safeDecode(item.href!.split("#")[0]!)));
    if (read.has(path)) continue;
    read.add(path);
    chapterPaths.push(path);
  }
  // Indexing ciphertext would fill the knowledge base with noise that matches nothing.
  if (chapterPaths.some((path) => encrypted.has(path))) {
    throw new LoreError("UNSUPPORTED_FORMAT", `${fileName}: the book's chapters are encrypted (DRM); only unencrypted EPUB files can be read`);
  }
  for (const path of chapterPaths) {
    // A chapter the package lists but the zip lacks is skipped: the rest of the book is still worth reading.
    if (!zip.file(path)) continue;
    const chapter = htmlToDocument(await entryText(zip, path, fileName, budget));
    if (chapter.text.trim() === "") continue;
    const offset = text.length === 0 ? 0 : text.length + 2;
    text = text.length === 0 ? chapter.text : `${text}\n\n${chapter.text}`;
    // A chapter without headings is filed under its own title, when it has one.
    for (const section of chapter.sections) {
      const headingPath = section.headingPath.length === 0 && chapter.title ? [chapter.title] : section.headingPath;
      sections.push({ headingPath, start: section.start + offset, end: section.end + offset });
    }
  }
  return { text, title: bookTitle, sections, format: "epub" };
}
