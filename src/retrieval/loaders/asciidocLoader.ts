import type { ExtractedDocument } from "../types.js";
import { decodeText } from "./decodeText.js";
import { assembleLines, isBlank, renderInSlices, type RenderedLine } from "./renderedLines.js";

/**
 * AsciiDoc (Asciidoctor, Antora sites) read as its rendered page reads: section titles split it into
 * sections with heading paths, paragraphs are lines of running text, links and cross references show
 * their text, attribute references show the value the document sets, listings keep their lines, and
 * what renders as nothing (comments, attribute entries, block attributes, anchors, includes,
 * conditionals, passthrough blocks) is dropped: left in, it reads as sentences of markup and is quoted.
 */

// Both anchored at the start and free of a lazy scan before trailing whitespace, which backtracks over
// the rest of a long line from every position: trailing whitespace and a closing marker are trimmed in code.
const SECTION_START = /^(={1,6}|#{1,6})[ \t]+(?=\S)/;
const ATTRIBUTE_ENTRY = /^:(!?)([\w][\w-]*)(!?):(?:[ \t]+(.*))?$/;
// Callout marks at a listing line's end; matched on its last characters only (see calloutsRemoved).
const CALLOUTS = /[ \t]*(?:\/\/|#|;;|--)?[ \t]*<(?:\d+|\.)>(?:[ \t]*<(?:\d+|\.)>)*$/;
const BLOCK_ATTRIBUTES = /^\[(.*)\][ \t]*$/;
const BLOCK_TITLE = /^\.([^.\s].*)$/;
const DELIMITER = /^(-{4,}|\.{4,}|={4,}|\*{4,}|_{4,}|\+{4,}|\/{4,}|--|`{3,}.*|\|={3,}|,={3,}|:={3,}|!={3,})[ \t]*$/;
const DIRECTIVE_LINE = /^(?:include|ifdef|ifndef|ifeval|endif|image|video|audio|toc)::[^\s[]*\[.*\][ \t]*$/;
const ADMONITION_PARAGRAPH = /^(NOTE|TIP|IMPORTANT|WARNING|CAUTION):[ \t]+/;
const ADMONITION_STYLES = new Set(["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"]);
// A list item's first line: "* x", "** x", "- x", ". x", "1. x", "<1> x" (a callout's note).
const LIST_ITEM = /^[ \t]*(?:\*{1,5}|-|\.{1,5}|\d+\.|[a-zA-Z]\.|<(?:\d+|\.)>)[ \t]+\S/;
// A description list's term: "term:: definition", "term;;" (the definition may follow on the next line).
const DESCRIPTION = /^[ \t]*(\S.*?)(:{2,4}|;;)(?:[ \t]+(.*))?$/;

const BUILT_IN_ATTRIBUTES: Record<string, string> = {
  nbsp: " ", sp: " ", empty: "", zwsp: "", plus: "+", amp: "&", lt: "<", gt: ">", startsb: "[", endsb: "]",
  vbar: "|", caret: "^", tilde: "~", apos: "'", quot: '"', backslash: "\\", "two-colons": "::", "two-semicolons": ";;",
  asterisk: "*", backtick: "`", cpp: "C++", deg: "°", brvbar: "¦", lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”",
};


/** Words of a cross reference's target ("gem-install" shows as "gem install", as its section title would). */
function targetWords(target: string): string {
  // An Antora resource id ("asciidoc:directives:ifeval.adoc") names the page last.
  const id = target.split("#").pop()?.split(":").pop() ?? target;
  return id.replace(/\.adoc$/, "").replace(/^_+/, "").replace(/[-_]+/g, " ").trim();
}

/** A link macro's shown text: its text without window/role attributes or the "^" (new window) mark. */
function linkText(text: string, fallback: string): string {
  const shown = text.replace(/^"(.*)"(?:,.*)?$/, "$1").replace(/,\s*\w+=.*$/, "").replace(/\^$/, "").trim();
  return shown || fallback;
}

/** The link macros (link:, mailto:, xref:, a URL, an attribute holding a URL) whose shown text matches `shownText`. */
function linkMacros(shownText: string): [RegExp, (target: string, shown: string) => string][] {
  return [
    [new RegExp(`\\b(?:link|mailto):([^\\s[]+)\\[(${shownText})\\]`, "g"), (target, shown) => linkText(shown, target)],
    [new RegExp(`\\bxref:([^\\s[]+)\\[(${shownText})\\]`, "g"), (target, shown) => linkText(shown, targetWords(target))],
    [new RegExp(`\\b((?:https?|ftp|file|irc):\\/\\/[^\\s[<>]+)\\[(${shownText})\\]`, "g"), (target, shown) => linkText(shown, target)],
    [new RegExp(`(\\{[\\w][\\w-]*\\}[^\\s[]*)\\[(${shownText})\\]`, "g"), (target, shown) => linkText(shown, target)],
  ];
}
const LINKS = linkMacros("[^\\]]*");
const LINKS_WITH_CODE_TEXT = linkMacros("[^\\]`]*`[^\\]]*");

function linksRendered(text: string, links: ReturnType<typeof linkMacros>): string {
  return links.reduce((out, [pattern, shown]) => out.replace(pattern, (_: string, target: string, text: string) => shown(target, text)), text);
}

/** A section title line's marker ("==", "##") and title, a symmetric title's closing marker ("== Title ==") left off. */
function sectionTitle(line: string): { marker: string; title: string } | undefined {
  const start = SECTION_START.exec(line);
  if (!start) return undefined;
  const marker = start[1]!;
  let title = line.slice(start[0].length).trimEnd();
  if (title.length > marker.length && title.endsWith(marker) && /[ \t]/.test(title[title.length - marker.length - 1]!)) {
    title = title.slice(0, -marker.length).trimEnd();
  }
  return { marker, title };
}

// Callout marks and the comment they hide behind fit in this many characters at a line's end.
const CALLOUT_TAIL_CHARS = 200;

/** A listing line without its callout marks ("# <1>"), which point at notes under the listing. */
function calloutsRemoved(code: string): string {
  const trimmed = code.trimEnd();
  const from = Math.max(0, trimmed.length - CALLOUT_TAIL_CHARS);
  const callouts = CALLOUTS.exec(trimmed.slice(from));
  return callouts ? trimmed.slice(0, from + callouts.index) : code;
}

class AsciiDocRenderer {
  readonly out: RenderedLine[] = [];
  readonly attributes = new Map<string, string>(Object.entries(BUILT_IN_ATTRIBUTES));
  title: string | undefined;
  // Ordered list items' numbers so far, by depth (". x" renders as "1. x").
  private ordered: number[] = [];

  /** Inline markup rendered, literals (`…`) keeping their backticks. */
  readonly renderInline = (text: string): string =>
    renderInSlices(text, (slice) =>
      // A link whose text is code ("link:…[`Base`]") is rendered before literals are set apart, which would cut it in two.
      linksRendered(this.substitute(slice), LINKS_WITH_CODE_TEXT)
        .split(/((?<![\w\\])`[^`\n]+`(?!\w))/)
        .map((part, i) => (i % 2 === 1 ? part.replace(/^`\+(.*)\+`$/, "`$1`") : this.formatting(part)))
        .join(""),
    );

  /** Attribute references replaced by the values the document (or AsciiDoc) gives them; unknown ones stay. */
  private substitute(text: string): string {
    return text.replace(/(\\?)\{([\w][\w-]*)\}/g, (whole, escaped: string, name: string) =>
      escaped ? whole.slice(1) : (this.attributes.get(name.toLowerCase()) ?? whole),
    );
  }

  private formatting(text: string): string {
    return linksRendered(text, LINKS)
      .replace(/<<([^,>]+)(?:,\s*([^>]+))?>>/g, (_, target: string, shown: string | undefined) => shown?.trim() || targetWords(target))
      .replace(/\[\[[^\]]*\]\]|\banchor:[^\s[]+\[[^\]]*\]/g, "")
      .replace(/\b(?:kbd|btn|pass|stem|latexmath|asciimath):\[([^\]]*)\]/g, "$1")
      .replace(/\bmenu:([^\s[]+)\[([^\]]*)\]/g, (_, menu: string, items: string) => [menu, ...(items ? [items] : [])].join(" > "))
      .replace(/\bfootnote(?:ref)?:(?:[\w-]*)\[([^\]]*)\]/g, (_, note: string) => (note ? ` (${note})` : ""))
      .replace(/\bimage:[^\s[]+\[([^\],]*)(?:,[^\]]*)?\]/g, "$1")
      .replace(/\[[.#][\w.#-]+\](?=[#*_`])/g, "")
      .replace(/(\*\*|__|##)(\S(?:.*?\S)?)\1/g, "$2")
      .replace(/(?<![\w\\*_#])([*_#])(\S(?:[^\n]*?\S)?)\1(?![\w*_#])/g, "$2")
      .replace(/(?<![\w\\])\+(\S(?:[^\n+]*?\S)?)\+(?!\w)/g, "$1")
      .replace(/\^(\S+?)\^|~(\S+?)~/g, (_, sup: string | undefined, sub: string | undefined) => sup ?? sub ?? "")
      .replace(/\\([*_#`+{[<^~\\])/g, "$1");
  }

  render(lines: readonly string[]): void {
    // The style a block attribute line gave the next block ("NOTE", "source", …), if any.
    let style: string | undefined;
    let afterBlank = true;
    let hardBreak = false;
    // Whether the block follows a list continuation ("+"), so belongs to the list item above.
    let continued = false;
    for (let i = 0; i < lines.length; ) {
      const line = lines[i]!;
      if (isBlank(line) || line.trim() === "+") {
        this.out.push({ text: "", prose: false });
        continued = line.trim() === "+";
        afterBlank = true;
        hardBreak = false;
        i++;
        continue;
      }
      const entry = ATTRIBUTE_ENTRY.exec(line);
      if (entry) {
        if (entry[1] || entry[3]) this.attributes.delete(entry[2]!.toLowerCase());
        else this.attributes.set(entry[2]!.toLowerCase(), this.substitute((entry[4] ?? "").trim()));
        i++;
        continue;
      }
      if (/^\/\/(?!\/\/)/.test(line) || DIRECTIVE_LINE.test(line)) {
        i++;
        continue;
      }

      const delimiter = DELIMITER.exec(line)?.[1];
      if (delimiter !== undefined) {
        const fence = delimiter.startsWith("```") ? "```" : delimiter;
        let end = i + 1;
        while (end < lines.length && !(fence === "```" ? lines[end]!.trimEnd() === "```" : lines[end]!.trimEnd() === delimiter)) end++;
        this.block(delimiter, lines.slice(i + 1, end), style);
        style = undefined;
        afterBlank = false;
        i = end + 1;
        continue;
      }

      const attributes = BLOCK_ATTRIBUTES.exec(line);
      if (attributes && !/^\[\[.*\]\]$/.test(line.trim())) {
        const first = attributes[1]!.split(",")[0]!.trim();
        style = first === "" && attributes[1]!.startsWith(",") ? "source" : first.replace(/[#.%].*$/, "") || style;
        i++;
        continue;
      }
      if (/^\[\[[^\]]*\]\][ \t]*$/.test(line)) {
        i++;
        continue;
      }

      const section = sectionTitle(line);
      if (section && afterBlank) {
        const level = section.marker.length;
        const text = this.renderInline(section.title);
        if (level === 1 && this.title === undefined) {
          this.title = text;
          // The header's author and revision lines follow the title until the first blank line.
          i++;
          while (i < lines.length && !isBlank(lines[i]) && !ATTRIBUTE_ENTRY.test(lines[i]!) && !/^\/\//.test(lines[i]!)) i++;
        } else {
          i++;
        }
        this.out.push({ text, prose: false, heading: { level, text } });
        this.ordered = [];
        style = undefined;
        continue;
      }

      const title = BLOCK_TITLE.exec(line);
      if (title && afterBlank && !LIST_ITEM.test(line)) {
        this.out.push({ text: this.renderInline(title[1]!), prose: false });
        i++;
        continue;
      }

      // A paragraph: literal when indented or styled so, else running text (an admonition with its label).
      let end = i;
      while (end < lines.length && !isBlank(lines[end]) && lines[end]!.trim() !== "+" && (end === i || !this.startsBlock(lines[end]!))) end++;
      const paragraph = lines.slice(i, end);
      const literal = (afterBlank && /^[ \t]/.test(line) && !LIST_ITEM.test(line)) || style === "source" || style === "listing" || style === "literal";
      if (literal) {
        // A loop, not Math.min(...): a literal block of a hundred thousand lines would overflow the call stack.
        let indent = Infinity;
        for (const l of paragraph) indent = Math.min(indent, /^[ \t]*/.exec(l)![0].length);
        for (const code of paragraph) this.out.push({ text: `    ${code.slice(indent)}`, prose: false });
      } else {
        const label = style !== undefined && ADMONITION_STYLES.has(style) ? style : undefined;
        if (!LIST_ITEM.test(line) && !continued) this.ordered = [];
        for (const [n, raw] of paragraph.entries()) {
          let text = raw;
          if (n === 0 && label) text = `${label}: ${text}`;
          text = text.replace(ADMONITION_PARAGRAPH, (_, name: string) => `${name[0]}${name.slice(1).toLowerCase()}: `).replace(/^(NOTE|TIP|IMPORTANT|WARNING|CAUTION): /, (_, name: string) => `${name[0]}${name.slice(1).toLowerCase()}: `);
          const description = LIST_ITEM.test(text) ? null : DESCRIPTION.exec(text);
          const opensBlock = n === 0 || hardBreak || LIST_ITEM.test(text) || description !== null;
          if (description) text = `${description[1]}:${description[3] ? ` ${description[3]}` : ""}`;
          text = this.numbered(text);
          text = text.replace(/^[ \t]*<(\d+|\.)>[ \t]+/, (_, n: string) => `(${n === "." ? "•" : n}) `);
          hardBreak = / \+$/.test(text);
          this.out.push({ text: hardBreak ? text.slice(0, -2) : text, prose: true, opensBlock, indent: 0 });
        }
      }
      style = undefined;
      afterBlank = false;
      i = end;
    }
  }

  /** An ordered list item's dots as its number; a paragraph that is no list item ends the list. */
  private numbered(text: string): string {
    const item = /^[ \t]*(\.{1,5})[ \t]+/.exec(text);
    if (!item) return text;
    const depth = item[1]!.length;
    this.ordered.length = depth;
    this.ordered[depth - 1] = (this.ordered[depth - 1] ?? 0) + 1;
    return `${"  ".repeat(depth - 1)}${this.ordered[depth - 1]}. ${text.slice(item[0].length)}`;
  }

  /** A line that ends the paragraph above it (a list item, a delimiter, a block attribute line, a comment). */
  private startsBlock(line: string): boolean {
    return LIST_ITEM.test(line) || DELIMITER.test(line) || /^\[.*\][ \t]*$/.test(line) || /^\/\/(?!\/\/)/.test(line) || DIRECTIVE_LINE.test(line) || ATTRIBUTE_ENTRY.test(line);
  }

  /** A delimited block: listings keep their lines, comments and passthroughs go, tables become rows, the rest is rendered. */
  private block(delimiter: string, content: readonly string[], style: string | undefined): void {
    const kind = delimiter.startsWith("```") ? "`" : delimiter[0]!;
    if (kind === "/" || kind === "+") return;
    if (kind === "-" && delimiter.length === 2 && style !== "source" && style !== "listing") {
      this.render(content);
      return;
    }
    if (kind === "-" || kind === "." || kind === "`") {
      for (const code of content) {
        // Callout marks ("# <1>") point at the notes under the listing; shown, they are numbers in the code.
        const text = calloutsRemoved(code);
        this.out.push({ text: isBlank(text) ? "" : `    ${text}`, prose: false });
      }
      return;
    }
    if (kind === "|" || kind === "," || kind === ":" || kind === "!") {
      this.table(content, kind === "|" || kind === "!" ? (kind === "!" ? "!" : "|") : kind);
      return;
    }
    // Example, sidebar, quote and open blocks show their content; an admonition block its label first.
    if (style !== undefined && ADMONITION_STYLES.has(style)) {
      const first = content.findIndex((l) => !isBlank(l));
      if (first >= 0 && !this.startsBlock(content[first]!)) {
        const labelled = [...content];
        labelled[first] = `${style}: ${labelled[first]}`;
        this.render(labelled);
        return;
      }
      this.out.push({ text: `${style[0]}${style.slice(1).toLowerCase()}:`, prose: false });
    }
    this.render(content);
  }

  /**
   * A table's rows, one per line, cells joined with " | ". A row is as many cells as the first line
   * holds; when that line holds one cell (one cell per line), rows are the groups between blank lines.
   */
  private table(content: readonly string[], separator: string): void {
    const rows: string[][] = [];
    if (separator === "," || separator === ":") {
      for (const line of content) if (!isBlank(line)) rows.push(line.split(separator).map((c) => c.trim()));
    } else {
      const sep = separator === "|" ? "\\|" : "!";
      const starts = new RegExp(`^[ \\t]*[\\d.+*<^>]*[aehlmsdv]?${sep}`);
      // A separator's leading whitespace is matched from the start of its run only: tried from each
      // position of a long run of spaces, it would cost the run's length squared.
      const cell = new RegExp(`(?:^|(?<![ \\t])[ \\t]+)[\\d.+*<^>]*[aehlmsdv]?${sep}`);
      let columns = 0;
      let row: string[] = [];
      for (const line of content) {
        if (isBlank(line)) {
          if (columns === 1 && row.length > 0) rows.push(row), (row = []);
          continue;
        }
        if (!starts.test(line)) {
          // A cell's text carried on to the next line (the cell may have completed its row already).
          const cells = row.length > 0 ? row : rows[rows.length - 1];
          if (cells && cells.length > 0) cells[cells.length - 1] += ` ${line.trim()}`;
          continue;
        }
        const cells = line.split(cell).slice(1).map((c) => c.trim());
        if (columns === 0) columns = cells.length;
        for (const text of cells) {
          row.push(text);
          if (columns > 1 && row.length === columns) rows.push(row), (row = []);
        }
      }
      if (row.length > 0) rows.push(row);
    }
    for (const cells of rows) this.out.push({ text: this.renderInline(cells.join(" | ")), prose: false });
  }
}

/** AsciiDoc as its rendered text, sectioned by its titles. */
export function loadAsciiDoc(content: Buffer, fileName: string): ExtractedDocument {
  const source = decodeText(content, fileName).replace(/\r\n?/g, "\n");
  const renderer = new AsciiDocRenderer();
  renderer.render(source.split("\n"));
  const { text, sections } = assembleLines(renderer.out, renderer.renderInline);
  return { text, title: renderer.title ?? sections.find((s) => s.headingPath.length > 0)?.headingPath[0], sections, format: "asciidoc" };
}
