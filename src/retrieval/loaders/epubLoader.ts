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

// A book whose chapters unpack to more than this is refused rather than unpacked into memory (a zip bomb).
const MAX_UNPACKED_CHARS = 256 * 1024 * 1024;
const HTML_TYPES = new Set(["application/xhtml+xml", "text/html"]);

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/** The elements of a small XML file (container.xml, the OPF package) with their attributes and text. */
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
      ontext(text) {
        for (const element of open) element.text += text;
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

async function entryText(zip: JSZip, path: string, fileName: string): Promise<string> {
  const entry = zip.file(path);
  if (!entry) throw new LoreError("PARSE_FAILED", `${fileName}: the book names ${path}, which it does not contain`);
  return entry.async("string");
}

/** An EPUB's chapters, in reading order, as one document sectioned by each chapter's headings. */
export async function loadEpub(content: Buffer, fileName: string): Promise<ExtractedDocument> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(content);
  } catch (error) {
    throw new LoreError("PARSE_FAILED", `${fileName}: not a readable EPUB (zip) file (${(error as Error).message})`, { cause: error });
  }
  const container = xmlElements(await entryText(zip, "META-INF/container.xml", fileName));
  const packagePath = container.find((e) => localName(e) === "rootfile")?.attributes["full-path"];
  if (!packagePath) throw new LoreError("PARSE_FAILED", `${fileName}: META-INF/container.xml names no package document`);
  const opf = xmlElements(await entryText(zip, packagePath, fileName));
  const base = posix.dirname(packagePath);
  const manifest = new Map(
    opf.filter((e) => localName(e) === "item" && e.attributes.id && e.attributes.href).map((e) => [e.attributes.id!, e.attributes] as const),
  );
  const bookTitle = opf.find((e) => localName(e) === "title")?.text.trim() || undefined;

  let text = "";
  const sections: ExtractedSection[] = [];
  // A spine may list one file several times, once per fragment ("the-basics.xhtml#o292"): it is read once.
  const read = new Set<string>();
  for (const itemref of opf.filter((e) => localName(e) === "itemref")) {
    const item = manifest.get(itemref.attributes.idref ?? "");
    if (!item || !HTML_TYPES.has(item["media-type"] ?? "")) continue;
    if ((item.properties ?? "").split(/\s+/).includes("nav")) continue;
    const path = posix.normalize(posix.join(base, decodeURIComponent(item.href!.split("#")[0]!)));
    if (read.has(path)) continue;
    read.add(path);
    const html = await entryText(zip, path, fileName);
    if (text.length + html.length > MAX_UNPACKED_CHARS) throw new LoreError("PARSE_FAILED", `${fileName}: the book unpacks to more than ${MAX_UNPACKED_CHARS} characters`);
    const chapter = htmlToDocument(html);
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
