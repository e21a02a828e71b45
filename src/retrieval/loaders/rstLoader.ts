import type { ExtractedDocument, ExtractedSection } from "../types.js";
import { decodeText } from "./decodeText.js";
import { assembleLines, isBlank, renderInSlices, type RenderedLine } from "./renderedLines.js";

/**
 * reStructuredText (Sphinx and docutils sources) read as its rendered page reads: section titles
 * split it into sections with heading paths, paragraphs are lines of running text, roles show their
 * text (":func:`shutil.which`" reads "shutil.which()", as Sphinx renders it), directives show their
 * content (an admonition with its label, a version note as "Changed in version 3.3: …"), and code
 * keeps its lines. What renders as nothing (comments, link targets, toctrees, index entries, options)
 * is dropped: left in, it reads as sentences of markup and is quoted.
 */

// A line of one punctuation character repeated: a section title's underline or overline, or a transition.
const ADORNMENT = /^([!-/:-@[-`{-~])\1{2,}[ \t]*$/;
const EXPLICIT = /^(\s*)\.\.(?:\s|$)/;
const DIRECTIVE = /^([\w:.+-]+?)::(?:\s+(.*))?$/;
// A list item's first line: "- x", "* x", "+ x", "1. x", "#. x", "(a) x", "2) x".
const LIST_ITEM = /^\s*(?:[-*+•]|\d+[.)]|#\.|\(?[a-zA-Z#\d]\)|[a-zA-Z]\.)\s+\S/;
const FIELD = /^\s*:[^:\s][^:]*:(?:\s|$)/;
const GRID_TABLE = /^\s*\+[-=+]+\+\s*$/;
const SIMPLE_TABLE_BORDER = /^\s*=+(?:[ \t]+=+)+\s*$/;

// Directives that render as nothing a reader would ask about.
const DROPPED = new Set([
  "toctree", "index", "highlight", "currentmodule", "module", "sectionauthor", "moduleauthor", "codeauthor", "meta",
  "contents", "include", "raw", "image", "tabularcolumns", "literalinclude", "default-role", "role", "sectnum",
  "header", "footer", "target-notes", "title", "autosummary", "graphviz", "inheritance-diagram", "program",
  "py:module", "py:currentmodule", "c:namespace", "cpp:namespace", "js:module", "default-domain", "only-if-empty",
]);
// Directives whose content is code, kept line by line.
const VERBATIM = new Set([
  "code-block", "code", "sourcecode", "parsed-literal", "doctest", "testcode", "testoutput", "testsetup",
  "testcleanup", "productionlist", "math", "csv-table", "highlight-block", "prompt",
]);
const ADMONITIONS: Record<string, string> = {
  note: "Note", warning: "Warning", tip: "Tip", hint: "Hint", important: "Important", caution: "Caution",
  danger: "Danger", attention: "Attention", error: "Error", seealso: "See also", todo: "To do",
};
const VERSION_NOTES: Record<string, string> = {
  versionadded: "New in version", versionchanged: "Changed in version", deprecated: "Deprecated since version",
  "versionremoved": "Removed in version",
};
// Signature prefixes Sphinx shows before an object's name.
const SIGNATURE_PREFIX: Record<string, string> = { class: "class ", exception: "exception ", decorator: "@", classmethod: "classmethod ", staticmethod: "static " };
// Roles Sphinx renders with call parentheses (its default add_function_parentheses).
const CALLABLE_ROLES = /^(?:py:|c:|cpp:|js:)?(?:func|meth)$/;

function indentOf(line: string): number {
  return /^ */.exec(line)![0].length;
}


/** A role's or reference's shown text: "title <target>" shows its title, "~a.b.c" its last name, "!x" x. */
function shownText(content: string, role: string | undefined): string {
  const titled = /^([\s\S]*?)\s*<([^<>]+)>$/.exec(content);
  let text = titled?.[1] ? titled[1] : content;
  text = text.replace(/^!/, "");
  if (text.startsWith("~")) text = text.slice(1).split(".").pop() ?? text;
  if (role !== undefined && CALLABLE_ROLES.test(role) && !titled?.[1] && !text.endsWith(")")) text += "()";
  return text.replace(/\\(.)/g, "$1");
}

/** One line's inline markup rendered: roles, references, emphasis, footnote marks; literals keep their backticks. */
export function renderInline(line: string): string {
  return renderInSlices(line, renderInlineSlice);
}

function renderInlineSlice(line: string): string {
  return line
    .split(/(``[^`]+(?:`[^`]+)*``)/)
    .map((part, i) => {
      if (i % 2 === 1) return `\`${part.slice(2, -2)}\``;
      return part
        .replace(/(?::([\w.+-]+(?::[\w.+-]+)*):)?`([^`]+)`(?::[\w.+-]+:)?(?:__?)?/g, (_, role: string | undefined, content: string) =>
          shownText(content, role),
        )
        .replace(/\s?\[(?:#[\w-]*|\*|\d+|[\w.-]+)\]_(?!\w)/g, "")
        .replace(/\|([^|\s][^|]*?)\|_{0,2}(?![\w|])/g, "$1")
        .replace(/(?<![\w*\\])\*\*(\S(?:[^*]*?\S)?)\*\*(?![\w*])/g, "$1")
        .replace(/(?<![\w*\\])\*(\S(?:[^*]*?\S)?)\*(?![\w*])/g, "$1")
        .replace(/\\ /g, "")
        .replace(/\\([^\w\s])/g, "$1");
    })
    .join("");
}

/** The lines of an indented block starting at `from`: blank lines, or lines indented deeper than `indent`. */
function blockEnd(lines: readonly string[], from: number, indent: number): number {
  let end = from;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlank(line)) continue;
    if (indentOf(line) <= indent) break;
    end = i + 1;
  }
  return end;
}

function dedent(lines: readonly string[]): string[] {
  // A loop, not Math.min(...): a block of a hundred thousand lines would overflow the call stack.
  let indent = Infinity;
  for (const l of lines) if (!isBlank(l)) indent = Math.min(indent, indentOf(l));
  return lines.map((l) => (isBlank(l) ? "" : l.slice(Number.isFinite(indent) ? indent : 0)));
}

interface TitleStyles {
  styles: string[];
}

class RstRenderer {
  readonly out: RenderedLine[] = [];
  private readonly titles: TitleStyles = { styles: [] };

  /** Renders lines of one block level (a directive's content is rendered by a nested call). */
  render(lines: readonly string[], indent = ""): void {
    let literalNext = false;
    for (let i = 0; i < lines.length; ) {
      const line = lines[i]!;
      if (isBlank(line)) {
        this.out.push({ text: "", prose: false });
        i++;
        continue;
      }
      const here = indentOf(line);

      // A literal block: the lines indented under a paragraph that ended in "::".
      if (literalNext && here > 0) {
        const end = blockEnd(lines, i, 0);
        for (const code of lines.slice(i, end)) this.out.push({ text: isBlank(code) ? "" : indent + "    " + code.slice(Math.min(here, indentOf(code))), prose: false });
        i = end;
        literalNext = false;
        continue;
      }
      literalNext = false;

      const title = this.title(lines, i);
      if (title) {
        this.out.push({ text: indent + renderInline(title.text), prose: false, heading: { level: title.level, text: renderInline(title.text) } });
        i = title.next;
        continue;
      }
      // A transition: a lone adornment line between blank lines.
      if (here === 0 && ADORNMENT.test(line) && isBlank(lines[i - 1]) && isBlank(lines[i + 1])) {
        i++;
        continue;
      }

      const explicit = EXPLICIT.exec(line);
      if (explicit) {
        const end = blockEnd(lines, i + 1, here);
        this.explicit(line.slice(here + 2).trim(), lines.slice(i + 1, end), indent);
        i = end;
        continue;
      }

      if (GRID_TABLE.test(line) || SIMPLE_TABLE_BORDER.test(line)) {
        let end = i;
        while (end < lines.length && !isBlank(lines[end])) end++;
        // A simple table may hold blank lines; it ends at a border followed by a blank line.
        if (SIMPLE_TABLE_BORDER.test(line)) {
          end = i + 1;
          let borders = 1;
          for (; end < lines.length; end++) {
            if (SIMPLE_TABLE_BORDER.test(lines[end]!) || /^\s*=+\s*$/.test(lines[end]!)) borders++;
            if (borders >= 2 && /^\s*=[=\s]*$/.test(lines[end]!) && isBlank(lines[end + 1])) {
              end++;
              break;
            }
          }
        }
        for (const row of lines.slice(i, end)) if (!/^\s*[+=][-=+\s]*$/.test(row)) this.out.push({ text: indent + renderInline(row.replace(/^\s*\|\s?|\s?\|\s*$/g, "").replace(/(?<!\s)\s+\|\s+/g, " | ")), prose: false });
        i = end;
        continue;
      }

      // A doctest block (">>> 1 + 1" then its output) and a line block ("| a line") keep their lines.
      if (/^\s*>>>/.test(line) || /^\s*\|(?:\s|$)/.test(line)) {
        const doctest = /^\s*>>>/.test(line);
        let end = i;
        while (end < lines.length && !isBlank(lines[end])) end++;
        for (const kept of lines.slice(i, end)) this.out.push({ text: indent + (doctest ? kept : renderInline(kept.replace(/^(\s*)\|\s?/, "$1"))), prose: false });
        i = end;
        continue;
      }

      // Running text: "::" at a paragraph's end announces a literal block and renders as ":" (or nothing after a space).
      let text = line;
      const paragraphEnds = isBlank(lines[i + 1]);
      if (/::\s*$/.test(text) && paragraphEnds) {
        literalNext = true;
        text = /^\s*::\s*$/.test(text) ? "" : /\s::\s*$/.test(text) ? text.replace(/\s::\s*$/, "") : text.replace(/::\s*$/, ":");
        if (text === "") {
          i++;
          continue;
        }
      }
      const field = FIELD.exec(text);
      const rendered = field ? text.replace(/^(\s*):([^:]+):/, "$1$2:") : text;
      this.out.push({ text: indent + rendered, prose: true, opensBlock: LIST_ITEM.test(text) || field !== null, indent: here });
      i++;
    }
  }

  /** A section title at line i (underlined, or over- and underlined), with its level by order of first use. */
  private title(lines: readonly string[], i: number): { text: string; level: number; next: number } | undefined {
    const line = lines[i]!;
    const below = lines[i + 1];
    if (!isBlank(lines[i - 1]) && !ADORNMENT.test(lines[i - 1] ?? "")) return undefined;
    let style: string;
    let text: string;
    let next: number;
    if (ADORNMENT.test(line) && below !== undefined && !isBlank(below) && ADORNMENT.test(lines[i + 2] ?? "") && lines[i + 2]!.trim()[0] === line.trim()[0]) {
      style = `over${line.trim()[0]}`;
      text = below.trim();
      next = i + 3;
    } else if (indentOf(line) === 0 && !ADORNMENT.test(line) && below !== undefined && ADORNMENT.test(below) && below.trim().length >= Math.min(line.trim().length, 4)) {
      style = `under${below.trim()[0]}`;
      text = line.trim();
      next = i + 2;
    } else {
      return undefined;
    }
    let level = this.titles.styles.indexOf(style);
    if (level < 0) level = this.titles.styles.push(style) - 1;
    return { text, level: level + 1, next };
  }

  /** An explicit markup block (".. "): a directive, footnote, target or comment. */
  private explicit(head: string, body: readonly string[], indent: string): void {
    const content = dedent(body);
    // Targets (".. _name:", ".. __:") and substitution definitions render as nothing.
    if (/^_|^\|/.test(head)) return;
    const footnote = /^\[([^\]]+)\]\s*(.*)$/.exec(head);
    if (footnote) {
      // An auto-numbered label ("#", "#name", "*") has no number until rendering: the note shows without it.
      const label = /^[#*]/.test(footnote[1]!) ? "" : `[${footnote[1]}] `;
      this.render([`${label}${footnote[2]}`, ...content], indent);
      return;
    }
    const directive = DIRECTIVE.exec(head);
    if (!directive) return; // a comment
    const name = directive[1]!.toLowerCase();
    const bare = name.replace(/^[a-z]+:(?=[a-z])/, "");
    let args = directive[2]?.trim() ?? "";
    // Arguments run on until the first option or blank line; options render as nothing.
    let at = 0;
    while (at < content.length && !isBlank(content[at]) && !FIELD.test(content[at]!)) args += (args ? "\n" : "") + content[at++]!.trim();
    while (at < content.length && !isBlank(content[at]) && FIELD.test(content[at]!)) at++;
    const rest = dedent(content.slice(at));
    if (DROPPED.has(name) || DROPPED.has(bare)) return;
    if (VERBATIM.has(bare)) {
      for (const code of rest) this.out.push({ text: isBlank(code) ? "" : `${indent}    ${code}`, prose: false });
      return;
    }
    const label = ADMONITIONS[bare];
    if (label !== undefined || bare === "admonition") {
      this.render(this.labelled(label ?? args.split("\n")[0] ?? "", label === undefined ? rest : [args, ...rest].filter((l, i) => i > 0 || l !== "")), indent);
      return;
    }
    const version = VERSION_NOTES[bare] ?? (bare === "deprecated-removed" ? "Deprecated since version" : undefined);
    if (version !== undefined) {
      const [number = "", ...words] = args.split(/\s+/);
      const removed = bare === "deprecated-removed" ? words.shift() : undefined;
      const said = [words.join(" "), ...rest].filter((l) => l.trim() !== "");
      const lead = `${version} ${number}${removed ? `, will be removed in version ${removed}` : ""}`;
      this.render(said.length > 0 ? [`${lead}: ${said[0]!.trim()}`, ...said.slice(1)] : [`${lead}.`], indent);
      return;
    }
    if (bare === "rubric" || bare === "topic" || bare === "sidebar" || bare === "figure" || bare === "table" || bare === "list-table") {
      if (args && bare !== "figure") this.out.push({ text: indent + renderInline(args), prose: false });
      this.render(rest, indent);
      return;
    }
    if (bare === "only" || bare === "ifconfig" || bare === "container" || bare === "glossary" || bare === "hlist" || bare === "centered" || bare === "epigraph" || bare === "highlights" || bare === "pull-quote" || bare === "compound" || bare === "class") {
      this.render(rest, indent);
      return;
    }
    // An object description (function, class, option, confval, …): its signatures, then what it says.
    for (const signature of args.split("\n").filter((s) => s.trim() !== "")) {
      this.out.push({ text: indent + (SIGNATURE_PREFIX[bare] ?? "") + signature.replace(/\\(.)/g, "$1"), prose: false });
    }
    this.render(rest, indent);
  }

  /** An admonition's content with its label before the first paragraph ("Note: Call close() …"). */
  private labelled(label: string, content: readonly string[]): string[] {
    const first = content.findIndex((l) => !isBlank(l));
    if (first < 0 || !label) return [...content];
    const lines = [...content];
    // A list or code cannot carry the label on its first line: the label then stands alone.
    if (LIST_ITEM.test(lines[first]!) || EXPLICIT.test(lines[first]!)) return [`${label}:`, "", ...lines];
    lines[first] = `${label}: ${lines[first]!.trimStart()}`;
    return lines;
  }
}

/** reStructuredText as its rendered text, sectioned by its titles. */
export function loadRst(content: Buffer, fileName: string): ExtractedDocument {
  const source = decodeText(content, fileName).replace(/\r\n?/g, "\n").replace(/\t/g, "        ");
  const renderer = new RstRenderer();
  renderer.render(source.split("\n"));
  const { text, sections } = assembleLines(renderer.out, renderInline);
  return { text, title: firstTitle(sections), sections, format: "rst" };
}

function firstTitle(sections: readonly ExtractedSection[]): string | undefined {
  return sections.find((s) => s.headingPath.length > 0)?.headingPath[0];
}
