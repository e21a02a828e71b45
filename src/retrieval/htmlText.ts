import { Parser } from "htmlparser2";
import type { ExtractedDocument, ExtractedSection } from "./types.js";

/**
 * Elements whose boundaries separate text. The value is how many newlines the boundary is worth:
 * 2 for paragraph-like blocks (the chunker prefers to split there), 1 for lines inside a block.
 */
const BLOCKS: Record<string, number> = {
  address: 2, article: 2, aside: 2, blockquote: 2, body: 2, caption: 1, dd: 1, details: 2, dialog: 2,
  div: 2, dl: 2, dt: 1, fieldset: 2, figcaption: 1, figure: 2, footer: 2, form: 2, h1: 2, h2: 2, h3: 2,
  h4: 2, h5: 2, h6: 2, header: 2, hr: 2, html: 2, legend: 1, li: 1, main: 2, ol: 2, option: 1, p: 2,
  pre: 2, section: 2, summary: 1, table: 2, tbody: 1, tfoot: 1, thead: 1, tr: 1, ul: 2, br: 1,
};

/** Elements whose content is never visible text. <head> is skipped too, except for its <title>. */
const SKIPPED = new Set(["script", "style", "template", "noscript", "svg", "math", "nav", "iframe", "object"]);
/** ARIA landmarks that hold site chrome rather than page content. */
const BOILERPLATE_ROLES = new Set(["navigation", "banner", "contentinfo"]);
/**
 * Class/id tokens of navigation chrome across site generators (DocBook "docnav"/"toc", Bootstrap
 * "navbar", Sphinx's "footer", ...). A token matches when it equals one or starts with one followed by "-" or "_":
 * a bare prefix match would also hit content classes such as DocBook's inline "menuchoice".
 * "sidebar" is deliberately absent: DocBook uses it for content boxes ("BACK TO BASICS").
 */
const BOILERPLATE_TOKENS = [
  "nav", "navbar", "navheader", "navfooter", "docnav", "breadcrumb", "breadcrumbs", "toc", "menu",
  "skip-link", "cookie", "banner", "footer",
  // Permalink marks after headings and definitions (Sphinx and MkDocs "¶", Docusaurus "#"): glued to
  // "tempfile.TemporaryFile(…)¶" they change the identifier and every heading path.
  "headerlink", "hash-link",
];
const isBoilerplateToken = (token: string): boolean =>
  BOILERPLATE_TOKENS.some((b) => token === b || token.startsWith(`${b}-`) || token.startsWith(`${b}_`));

function isBoilerplate(attributes: Record<string, string>): boolean {
  const role = attributes.role?.trim().toLowerCase();
  if (role !== undefined && BOILERPLATE_ROLES.has(role)) return true;
  const tokens = `${attributes.class ?? ""} ${attributes.id ?? ""}`.toLowerCase().split(/\s+/);
  return tokens.some((t) => t !== "" && isBoilerplateToken(t));
}

const CELLS = new Set(["td", "th"]);
/** Cells of one row stay on one line, separated so that neighbouring cells do not run together. */
const CELL_SEPARATOR = " | ";

const HEADING = /^h([1-6])$/;
const collapse = (s: string): string => s.replace(/\s+/g, " ");

/**
 * Builds the visible text incrementally. Spaces and line breaks are held back until the next
 * visible character, so text never starts or ends with whitespace and a block boundary next to a
 * space gives exactly one break. Inline elements add nothing: `<code>work_mem</code>` stays `work_mem`.
 */
class VisibleText {
  text = "";
  inCell = 0;
  private pendingSpace = false;
  private pendingBreak = 0;
  private pendingSeparator = "";
  /** Called with the offset of the next visible character, once. */
  private onNextChar: ((offset: number) => void) | undefined;

  breakLine(strength: number): void {
    if (this.inCell > 0) {
      // Blocks inside a table cell (mammoth wraps every cell in <p>) must not split the row.
      this.pendingSpace = true;
      return;
    }
    this.pendingBreak = Math.max(this.pendingBreak, strength);
    this.pendingSeparator = "";
  }

  separate(separator: string): void {
    if (this.pendingBreak === 0) this.pendingSeparator = separator;
  }

  whenNextChar(callback: (offset: number) => void): void {
    this.onNextChar = callback;
  }

  /** Appends already-collapsed text (leading/trailing single spaces mark whitespace). */
  append(collapsed: string): void {
    let t = collapsed;
    if (t.startsWith(" ")) {
      this.pendingSpace = true;
      t = t.slice(1);
    }
    if (t === "") return;
    const trailing = t.endsWith(" ");
    if (trailing) t = t.slice(0, -1);
    this.flush();
    this.text += t;
    this.pendingSpace = trailing;
  }

  /** Appends preformatted text as it is (only outer blank lines and trailing spaces go). */
  appendRaw(raw: string): void {
    const lines = raw.replace(/\r\n?/g, "\n").split("\n").map((l) => l.trimEnd());
    while (lines.length > 0 && lines[0] === "") lines.shift();
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    if (lines.length === 0) return;
    this.flush();
    this.text += lines.join("\n");
  }

  private flush(): void {
    if (this.text.length > 0) {
      if (this.pendingBreak > 0) this.text += "\n".repeat(this.pendingBreak);
      else if (this.pendingSeparator) this.text += this.pendingSeparator;
      else if (this.pendingSpace) this.text += " ";
    }
    this.pendingBreak = 0;
    this.pendingSeparator = "";
    this.pendingSpace = false;
    const callback = this.onNextChar;
    this.onNextChar = undefined;
    callback?.(this.text.length);
  }
}

export interface HtmlTextOptions {
  /** Title used when the page has no <title> (e.g. a .docx file name). Defaults to the first h1. */
  fallbackTitle?: string;
}

/**
 * The page's visible text: tags stripped, whitespace collapsed, blocks separated by line breaks,
 * table rows on one line; h1–h6 give each section its heading path.
 * Evidence quotes of the eval sets are exact substrings of this text once newlines count as spaces.
 */
export function htmlToDocument(html: string, options: HtmlTextOptions = {}): ExtractedDocument {
  const out = new VisibleText();
  const sections: ExtractedSection[] = [];
  const headings: { level: number; text: string }[] = [];
  let title: string | undefined;
  let firstH1: string | undefined;
  let skipDepth = 0;
  let preDepth = 0;
  let preBuffer = "";
  let headingText: string | undefined;
  let cellIndex = 0;
  let current: ExtractedSection | undefined;

  const openSection = (headingPath: string[]): void => {
    const section: ExtractedSection = { headingPath, start: -1, end: -1 };
    current = section;
    out.whenNextChar((offset) => {
      section.start = offset;
      sections.push(section);
    });
  };
  const closeSection = (): void => {
    if (current && current.start >= 0) current.end = out.text.length;
    current = undefined;
  };
  openSection([]);

  let inHead = false;
  let titleText: string | undefined;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        // htmlparser2 reports a close for every open (implied and void ones included): depths stay balanced.
        if (skipDepth > 0) {
          skipDepth++;
          return;
        }
        if (name === "title" && title === undefined && titleText === undefined) {
          titleText = "";
          return;
        }
        if (name === "head") inHead = true;
        if (SKIPPED.has(name) || inHead || isBoilerplate(attributes)) {
          if (name !== "head") skipDepth++;
          return;
        }
        const block = BLOCKS[name];
        if (block !== undefined) out.breakLine(block);
        if (name === "tr") cellIndex = 0;
        if (CELLS.has(name)) {
          if (cellIndex++ > 0) out.separate(CELL_SEPARATOR);
          out.inCell++;
        }
        if (name === "pre") preDepth++;
        if (HEADING.test(name) && headingText === undefined) {
          closeSection();
          headingText = "";
        }
      },
      ontext(data) {
        if (titleText !== undefined && title === undefined) {
          titleText += data;
          return;
        }
        if (skipDepth > 0 || inHead) return;
        if (preDepth > 0) {
          preBuffer += data;
          if (headingText !== undefined) headingText += data;
          return;
        }
        const collapsed = collapse(data);
        if (headingText !== undefined) headingText += collapsed;
        out.append(collapsed);
      },
      onclosetag(name) {
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (name === "title" && titleText !== undefined && title === undefined) {
          title = collapse(titleText).trim();
          return;
        }
        if (name === "head") {
          inHead = false;
          return;
        }
        if (inHead) return;
        if (name === "pre" && preDepth > 0 && --preDepth === 0) {
          out.appendRaw(preBuffer);
          preBuffer = "";
        }
        if (CELLS.has(name) && out.inCell > 0) out.inCell--;
        const level = HEADING.exec(name)?.[1];
        if (level !== undefined && headingText !== undefined) {
          const text = collapse(headingText).trim();
          headingText = undefined;
          const depth = Number(level);
          while (headings.length > 0 && (headings[headings.length - 1]?.level ?? 0) >= depth) headings.pop();
          if (text) headings.push({ level: depth, text });
          if (depth === 1 && firstH1 === undefined && text) firstH1 = text;
          openSection(headings.map((h) => h.text));
        }
        const block = BLOCKS[name];
        if (block !== undefined) out.breakLine(block);
      },
    },
    { decodeEntities: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  closeSection();
  return {
    text: out.text,
    title: title || options.fallbackTitle || firstH1,
    sections: sections.filter((s) => s.end > s.start),
    format: "html",
  };
}
