import type { ExtractedDocument } from "../types.js";
import { decodeText } from "./decodeText.js";
import { assembleLines, renderInSlices, type RenderedLine } from "./renderedLines.js";

/**
 * Manual pages in their roff source (man(7) macros, as /usr/share/man ships them; the common mdoc(7)
 * macros too) read as `man` shows them: NAME, SYNOPSIS, OPTIONS… become sections under the page's
 * title, a paragraph's filled lines join into one, an option's tag ("-a, --all") stands on its own line
 * above its description, examples keep their lines, and font changes, comments and layout requests
 * render as nothing.
 */

// Named characters (\(xx and \[xx]) a manual writes; any other renders as nothing.
const NAMED: Record<string, string> = {
  em: "—", en: "–", hy: "-", mi: "-", aq: "'", dq: '"', lq: "“", rq: "”", oq: "‘", cq: "’", bu: "•", co: "©",
  rg: "®", tm: "™", rs: "\\", ti: "~", ha: "^", ga: "`", aa: "´", pl: "+", eq: "=", "<=": "≤", ">=": "≥", "!=": "≠",
  mu: "×", di: "÷", "+-": "±", de: "°", "->": "→", "<-": "←", sl: "/", ba: "|", br: "|", or: "|", lB: "[", rB: "]",
  lC: "{", rC: "}", la: "⟨", ra: "⟩", ul: "_", sh: "#", Do: "$", at: "@", fo: "«", fc: "»", "Fo": "«", "Fc": "»",
};
// Predefined strings (\*(xx, \*[xx]) of man and mdoc.
// Pod::Man's preamble defines L" and R" (quotes), C` and C' (around code, empty in a terminal) and -- (a dash).
const STRINGS: Record<string, string> = { R: "®", Tm: "™", lq: "“", rq: "”", Lq: "“", Rq: "”", aq: "'", q: '"', 'L"': "“", 'R"': "”", "C`": "", "C'": "", "--": "-" };

/** A roff text line with its escapes rendered. */
export function renderEscapes(line: string): string {
  return renderInSlices(line, renderEscapesSlice);
}

function renderEscapesSlice(line: string): string {
  return line
    .replace(/\\[fF](?:\[[^\]]*\]|\(..|.)/g, "")
    .replace(/\\s[+-]?(?:\d|\(\d\d|\[\d+\])/g, "")
    .replace(/\\\((..)/g, (_, name: string) => NAMED[name] ?? "")
    .replace(/\\\[([^\]]*)\]/g, (_, name: string) => NAMED[name] ?? (/^u[\dA-F]{4,5}$/.test(name) ? String.fromCodePoint(parseInt(name.slice(1), 16)) : ""))
    .replace(/\\\*(?:\((..)|\[([^\]]*)\]|(.))/g, (_, a?: string, b?: string, c?: string) => STRINGS[a ?? b ?? c ?? ""] ?? "")
    .replace(/\\[kmnwzgYVM](?:\((..)|\[[^\]]*\]|'[^']*'|.)/g, "")
    .replace(/\\[hvlLDoXbNxSRZ]'[^']*'/g, "")
    .replace(/\\[&|^,/:!%{}cdupatr]|\\$/g, "")
    .replace(/\\[ ~0]/g, " ")
    .replace(/\\[-e]/g, (escape) => (escape === "\\-" ? "-" : "\\"))
    .replace(/\\(.)/g, "$1");
}

/** A request's arguments: quoted ones may hold spaces ("\"a b\" c" is two). */
function requestArguments(rest: string): string[] {
  const args: string[] = [];
  for (const match of rest.matchAll(/"((?:[^"]|"")*)"?|(\S+)/g)) args.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!);
  return args;
}

// Requests and macros that only lay the page out, or define things a reader never sees.
const LAYOUT = new Set([
  "PD", "ad", "na", "hy", "nh", "ne", "in", "ti", "ft", "ps", "vs", "ll", "lt", "pl", "ta", "bp", "hw", "so", "ds", "nr",
  "rr", "rm", "tr", "cs", "ss", "fam", "mso", "do", "cp", "ev", "ch", "wh", "it", "ig", "UC", "DT", "AT", "UE", "ME", "YS",
  "OP", "HP", "ce", "ns", "rs", "fl", "ul", "cu", "ec", "eo", "lf", "pc", "tm", "ab", "ex", "mk", "rt", "sv",
  "os", "Dd", "Os", "Bl", "El", "Bk", "Ek", "Pf", "Ns", "Sm", "Xc", "Ux", "Bx", "Lb", "Rs", "Re", "hlm", "URL", "MTO",
]);
// Macros whose arguments alternate between two fonts, shown joined without spaces (".BR ls (1)" shows "ls(1)").
const ALTERNATING = /^(?:BR|BI|IB|IR|RB|RI)$/;
// mdoc macros that print their arguments with a mark: ".Fl a" shows "-a", ".Op Fl v" "[-v]".
const MDOC_INLINE = /^(?:Fl|Ar|Cm|Nm|Pa|Ev|Va|Fn|Fa|Ft|Xr|Li|Em|Sy|Dv|Er|Ic|Ql|Sq|Dq|Pq|Op|Oo|Oc|No|Ad|An|Cd|Ms|Mt|Lk|Tn|Ox|Nx|Fx|Bsx|At|St|Dl|Aq|Brq|Bq|Qq|Ta)$/;

// Real pages nest inline macros a few deep (".Op Fl Ar file"); past this, macro names are read as words,
// so a line of thousands of them costs no deeper recursion than this.
const MAX_MDOC_NESTING = 16;

function mdocWords(args: string[], name: string, depth = 0): string {
  let text = "";
  let i = 0;
  const next = (): string => {
    let joined = "";
    // "Ns" joins the next word on without a space; "Xo"/"Xc" only carry an item over several lines.
    let glue = false;
    while (i < args.length) {
      const arg = args[i++]!;
      if (arg === "Ns") {
        glue = true;
        continue;
      }
      if (arg === "Xo" || arg === "Xc") continue;
      if (arg === "Oo" || arg === "Oc") {
        joined += arg === "Oo" ? `${joined === "" || glue ? "" : " "}[` : "]";
        glue = arg === "Oo";
        continue;
      }
      const nested = MDOC_INLINE.test(arg) && depth < MAX_MDOC_NESTING;
      const word = nested ? mdocWords(args.slice(i), arg, depth + 1) : arg;
      joined += joined === "" || glue ? word : ` ${word}`;
      glue = false;
      if (nested) break;
    }
    return joined;
  };
  const body = (): string => next().replace(/ ([.,;:)\]])/g, "$1");
  switch (name) {
    case "Fl":
      text = args.length === 0 ? "-" : `-${body()}`;
      break;
    case "Op":
    case "Bq":
      text = `[${body()}]`;
      break;
    case "Dq":
    case "Qq":
      text = `“${body()}”`;
      break;
    case "Sq":
    case "Ql":
      text = `‘${body()}’`;
      break;
    case "Oo":
      text = `[${body()}`;
      break;
    case "Oc":
      text = `]${body()}`;
      break;
    case "Pq":
      text = `(${body()})`;
      break;
    case "Aq":
      text = `⟨${body()}⟩`;
      break;
    case "Brq":
      text = `{${body()}}`;
      break;
    case "Xr":
      text = args.length >= 2 ? `${args[0]}(${args[1]})${args.slice(2).join("")}` : body();
      break;
    case "Fn":
      text = `${args[0] ?? ""}(${args.slice(1).join(", ")})`;
      break;
    default:
      text = body();
  }
  return text;
}

class ManRenderer {
  readonly out: RenderedLine[] = [];
  title: string | undefined;
  private fill = true;
  // The next text line is an option's tag (after .TP): it stands on a line of its own above its description.
  private tagNext = false;
  // The next text line starts a line of its own (after .br, a tag, or a list item's mark).
  private lineNext = false;
  // A list item's mark (".IP \(bu"), shown before the item's first line.
  private mark = "";
  private name: string | undefined;
  // The text of the paragraph so far: a short one indented under (.RS) is a tag, as DocBook's pages write them.
  private paragraph = "";

  private text(line: string): void {
    const text = this.mark + renderEscapes(line);
    this.mark = "";
    if (this.tagNext) {
      this.tagNext = false;
      this.term(text);
      return;
    }
    // Unfilled lines (examples, listings) keep their breaks and are indented as a listing, as `man` shows them.
    this.out.push({ text: this.fill ? text : `    ${text}`, prose: this.fill, indent: 0, opensBlock: this.lineNext });
    this.paragraph += (this.paragraph ? " " : "") + text;
    this.lineNext = false;
  }

  /**
   * A tbl(1) table (".TS" … ".TE") as one line a row, cells joined with " | ": its options and format
   * lines and its rules go, and a text block ("T{" … "T}") becomes its cell's text.
   */
  private table(lines: readonly string[]): void {
    let i = 0;
    let tab = "\t";
    if (lines[0]?.trim().endsWith(";")) {
      tab = /tab\s*\((.)\)/.exec(lines[0])?.[1] ?? tab;
      i = 1;
    }
    while (i < lines.length && !lines[i]!.trim().endsWith(".")) i++;
    const rows: string[][] = [];
    let row: string[] = [];
    let block: string[] | undefined;
    // ".T&" brings new format lines, up to the one ending in ".".
    let formats = false;
    for (const line of lines.slice(i + 1)) {
      let rest = line;
      if (formats || /^[.']\s*T&/.test(rest)) {
        formats = !(formats && rest.trim().endsWith("."));
        continue;
      }
      if (block) {
        if (!rest.startsWith("T}")) {
          if (!/^[.']/.test(rest)) block.push(renderEscapes(rest).trim());
          continue;
        }
        row.push(block.join(" ").trim());
        block = undefined;
        rest = rest.slice(2);
        if (!rest.startsWith(tab)) {
          rows.push(row);
          row = [];
          continue;
        }
        rest = rest.slice(1);
      } else if (/^[.']/.test(rest) || /^\s*[_=]\s*$/.test(rest)) continue;
      const cells = rest.split(tab);
      for (const [j, cell] of cells.entries()) {
        if (j === cells.length - 1 && cell.startsWith("T{")) {
          block = cell.slice(2).trim() ? [renderEscapes(cell.slice(2)).trim()] : [];
          break;
        }
        row.push(renderEscapes(cell).trim());
      }
      if (!block) {
        rows.push(row);
        row = [];
      }
    }
    this.paragraphBreak();
    for (const cells of rows) if (cells.some((c) => c !== "")) this.out.push({ text: cells.join(" | "), prose: false });
    this.paragraphBreak();
  }

  /**
   * An option's tag ("-a, --all") on a line of its own, its description in the paragraph below it: the
   * shape HTML option references (<dt>/<dd>) take, which quoting reads as a term and its description.
   */
  private term(text: string): void {
    this.out.push({ text, prose: false });
    this.out.push({ text: "", prose: false });
  }

  private paragraphBreak(): void {
    this.out.push({ text: "", prose: false });
    this.paragraph = "";
    this.tagNext = false;
    this.lineNext = false;
    this.mark = "";
  }

  render(source: string): void {
    const lines = source.split("\n");
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      // A line ending in an escaped newline continues on the next (pieces joined once: a string rebuilt
      // per continued line costs their count squared).
      if (line.endsWith("\\") && !line.endsWith("\\\\")) {
        const pieces: string[] = [];
        while (line.endsWith("\\") && !line.endsWith("\\\\") && i + 1 < lines.length) {
          pieces.push(line.slice(0, -1));
          line = lines[++i]!;
        }
        line = pieces.join("") + line;
      }
      const request = /^[.'][ \t]*(\S*)[ \t]*(.*)$/.exec(line);
      if (!request) {
        if (line.trim() === "") this.paragraphBreak();
        else this.text(line);
        continue;
      }
      const [, name = "", rest = ""] = request;
      if (name.startsWith('\\"') || name === "" || name.startsWith("\\#")) continue;
      // A macro definition or an ignored block runs to its ".." line.
      if (name === "de" || name === "de1" || name === "am" || name === "ig") {
        while (i + 1 < lines.length && !/^[.']\.\s*$/.test(lines[i + 1]!)) i++;
        i++;
        continue;
      }
      // Conditionals: a block in braces is skipped; a one-line one shows its text when the text is plain.
      if (name === "if" || name === "ie" || name === "el" || name === "while") {
        if (rest.includes("\\{")) {
          let depth = (rest.match(/\\\{/g) ?? []).length - (rest.match(/\\\}/g) ?? []).length;
          while (depth > 0 && i + 1 < lines.length) {
            const next = lines[++i]!;
            depth += (next.match(/\\\{/g) ?? []).length - (next.match(/\\\}/g) ?? []).length;
          }
        }
        continue;
      }
      const args = requestArguments(rest);
      switch (name) {
        case "TH":
        case "Dt": {
          const [page = "", section = ""] = args.map(renderEscapes);
          this.title = section ? `${page}(${section})` : page;
          this.out.push({ text: this.title, prose: false, heading: { level: 1, text: this.title } });
          break;
        }
        case "SH":
        case "Sh":
        case "SS":
        case "Ss": {
          const text = renderEscapes(args.length > 0 ? args.join(" ") : (lines[++i] ?? ""));
          const heading = text.trim();
          const level = name === "SH" || name === "Sh" ? 2 : 3;
          this.paragraphBreak();
          this.out.push({ text: heading, prose: false, heading: { level, text: heading } });
          this.fill = true;
          break;
        }
        case "PP":
        case "LP":
        case "P":
        case "Pp":
        case "sp":
        case "Lp":
          this.paragraphBreak();
          break;
        case "br":
          this.lineNext = true;
          break;
        case "RS":
          // Pages made from DocBook or AsciiDoc write an option as its tag, then its description indented
          // under it (".sp", "\fBnofail\fP", ".RS 4", "do not report errors…", ".RE").
          if (this.paragraph !== "" && this.paragraph.length <= 100 && !/[.:;]$/.test(this.paragraph)) this.paragraphBreak();
          else this.lineNext = true;
          break;
        case "RE":
          this.paragraphBreak();
          break;
        case "TS": {
          const end = lines.findIndex((l, n) => n > i && /^[.']\s*TE\b/.test(l));
          this.table(lines.slice(i + 1, end < 0 ? lines.length : end));
          i = end < 0 ? lines.length : end;
          break;
        }
        case "TP":
        case "TQ":
          this.paragraphBreak();
          this.tagNext = true;
          break;
        case "IP": {
          this.paragraphBreak();
          // A short mark (a bullet, "1.") leads the item's text; a longer tag stands above it, as after .TP.
          const tag = renderEscapes(args[0] ?? "");
          if (tag.length > 0 && tag.length <= 4) this.mark = `${tag} `;
          else if (tag.length > 0) this.term(tag);
          break;
        }
        case "It": {
          this.paragraphBreak();
          // "Xo" carries the item's tag over the lines up to "Xc"; between ".Sm off" and ".Sm on" its words join without spaces.
          const words = [mdocWords(args, "No")];
          let spaced = true;
          if (args.includes("Xo")) {
            while (i + 1 < lines.length && !/^[.']\s*Xc\b/.test(lines[i + 1]!)) {
              const next = /^[.'][ \t]*(\S+)[ \t]*(.*)$/.exec(lines[++i]!);
              if (next?.[1] === "Sm") spaced = next[2]!.trim() !== "off";
              else words.push(`${spaced || words.length === 1 ? " " : ""}${next ? mdocWords(requestArguments(next[2]!), next[1]!) : lines[i]!}`);
            }
            i++;
          }
          const tag = renderEscapes(words.join("")).trim();
          if (tag) this.term(tag);
          break;
        }
        case "nf":
        case "EX":
        case "Bd":
          this.fill = false;
          this.paragraphBreak();
          break;
        case "fi":
        case "EE":
        case "Ed":
          this.fill = true;
          this.paragraphBreak();
          break;
        case "B":
        case "I":
        case "SM":
        case "SB":
          this.text(args.length > 0 ? args.join(" ") : (lines[++i] ?? ""));
          break;
        case "UR":
        case "MT":
          break;
        case "Nd":
          this.text(`— ${args.join(" ")}`);
          break;
        case "Nm":
          if (args[0]) this.name ??= args[0];
          this.text(args.length > 0 ? mdocWords(args, "Nm") : (this.name ?? ""));
          break;
        default:
          if (ALTERNATING.test(name)) this.text(args.join(""));
          else if (MDOC_INLINE.test(name)) this.text(mdocWords(args, name));
          else if (!LAYOUT.has(name) && /^[A-Z][a-z]$/.test(name) && args.length > 0) this.text(args.join(" "));
      }
    }
  }
}

/**
 * Whether bytes look like roff source: the first line is a request or a comment, and a page title or
 * section heading follows (after a preamble of macro definitions, as Pod::Man writes, if need be).
 */
export function looksLikeRoff(content: Buffer): boolean {
  const head = content.subarray(0, 65536).toString("latin1");
  const first = head.trimStart().split("\n", 1)[0] ?? "";
  return /^(?:[.'][ \t]*(?:\\"|[A-Za-z]{1,3}\b)|\\")/.test(first) && /^[.'][ \t]*(?:TH|Dd|Dt|SH|Sh)\b/m.test(head);
}

/** A manual page's roff source as `man` renders it, sectioned by its SH/SS headings under the page title. */
export function loadManPage(content: Buffer, fileName: string): ExtractedDocument {
  const source = decodeText(content, fileName).replace(/\r\n?/g, "\n");
  const renderer = new ManRenderer();
  renderer.render(source);
  const { text, sections } = assembleLines(renderer.out);
  return { text, title: renderer.title, sections, format: "man" };
}
