import type { ExtractedDocument } from "../types.js";
import { decodeText } from "./decodeText.js";
import { assembleLines, type RenderedLine } from "./renderedLines.js";
import { joinWrappedText, wrapWidth } from "./textLoader.js";

/**
 * GNU Info manuals (makeinfo's output, as /usr/share/info ships them) read as the Info reader shows
 * them: each node's underlined title gives a heading path (chapters "***", sections "===", subsections
 * "---", subsubsections "..."), paragraphs filled at the manual's width read as lines of running text,
 * cross references read "see Block size", and the navigation an Info reader draws (node header lines,
 * menus, the directory entry, the tag table) is left out: read as text, it is quoted as sentences.
 */

const NODE_HEADER = /^File: [^,\n]+,\s+Node: ([^,\n]+)/;
const UNDERLINE: Record<string, number> = { "*": 1, "=": 2, "-": 3, ".": 4 };

/** A cross reference as it reads: "*note Block size::" as "see Block size", "*Note Label: node." as "See Label". */
function renderReferences(text: string): string {
  // Bounded: a reference's label and node name are short, and an unbounded lazy scan for the colon runs
  // over the rest of the file from every "*note" without one.
  return text.replace(/\*([Nn])ote[ \n]+([^:]{1,300}?):(?::|[ \n]+(?:\([^)]{0,300}\))?[^.,:]{0,300}?(?=[.,]))/g, (_, n: string, label: string) =>
    `${n === "N" ? "See" : "see"} ${label.replace(/\s+/g, " ")}`,
  );
}

/**
 * A definition's tag ("‘--backup[=METHOD]’", " -- Function: int foo (…)") is followed by its
 * description indented under it; a blank line between them makes the tag a term line, as option
 * references in HTML read, so a quoted description can be shown with what it describes.
 */
function separateTags(lines: string[]): string[] {
  const out: string[] = [];
  const indent = (line: string): number => /^ */.exec(line)![0].length;
  for (const [i, line] of lines.entries()) {
    out.push(line);
    const next = lines[i + 1];
    if (next === undefined || line.trim() === "" || next.trim() === "") continue;
    const tag = line.trim().length <= 80 && !/[.:;,]$/.test(line.trim()) && indent(next) >= indent(line) + 3 && !/^\s*[-*•]\s/.test(next);
    if (tag) out.push("");
  }
  return out;
}

/** One node's lines: its title (a heading) and its body, menus dropped. */
function renderNode(node: string, width: number, out: RenderedLine[]): void {
  const lines = node.split("\n");
  const header = NODE_HEADER.exec(lines[0] ?? "");
  if (!header) return;
  let body = lines.slice(1);
  // A menu lists the node's children, which follow as nodes of their own.
  const menu = body.findIndex((line) => /^\* Menu:/.test(line));
  if (menu >= 0) body = body.slice(0, menu);
  const first = body.findIndex((line) => line.trim() !== "");
  let heading = { level: 2, text: header[1]!.trim() };
  const underline = first >= 0 ? /^([*=.-])\1+\s*$/.exec(body[first + 1] ?? "") : null;
  if (first >= 0 && underline && body[first + 1]!.trim().length >= body[first]!.trim().length - 1) {
    heading = { level: UNDERLINE[underline[1]!]!, text: body[first]!.trim() };
    body = body.slice(first + 2);
  }
  out.push({ text: heading.text, prose: false, heading });
  out.push({ text: "", prose: false });
  const text = renderReferences(joinWrappedText(separateTags(body).join("\n"), width));
  for (const line of text.split("\n")) out.push({ text: line, prose: false });
}

/** A GNU Info file as the Info reader shows it, sectioned by its nodes' titles. */
export function loadInfo(content: Buffer, fileName: string): ExtractedDocument {
  // makeinfo marks index entries and images with NUL-backspace brackets ("\0\b[index\0\b]"), which a reader never sees.
  const unmarked = Buffer.from(content.toString("latin1").replace(/\0\x08\[[^\0]*\0\x08\]/g, ""), "latin1");
  const source = decodeText(unmarked, fileName);
  const out: RenderedLine[] = [];
  // Nodes are separated by the unit separator; what comes before the first is the file's preamble.
  const width = wrapWidth(source.split("\n"));
  const [preamble = "", ...nodes] = source.split("\u001f");
  for (const node of nodes) renderNode(node.replace(/^\n+/, ""), width, out);
  // The first part of a split manual (find.info beside find.info-1, -2) holds no node, only the
  // parts' index; its preamble (what the manual covers, its licence) is then its text.
  if (out.length === 0) {
    const about = preamble.replace(/^This is [^\n]*\n(?:[^\n]+\n)*?\n/, "").replace(/^(?:INFO-DIR-SECTION|START-INFO-DIR-ENTRY|END-INFO-DIR-ENTRY|\* )[^\n]*\n?/gm, "");
    for (const line of joinWrappedText(about, width).split("\n")) out.push({ text: line, prose: false });
  }
  const { text, sections } = assembleLines(out);
  const title = sections.find((s) => s.headingPath.length > 0)?.headingPath[0];
  return { text, title, sections, format: "info" };
}

/** Whether bytes are an Info file: makeinfo's first line, or a node separator and header near the start. */
export function looksLikeInfo(content: Buffer): boolean {
  const head = content.subarray(0, 4096).toString("latin1");
  return /^This is [^\n]+, produced by [Mm]akeinfo/.test(head) || /\u001f\n(?:File: [^\n]+Node:|Indirect:|Tag Table:)/.test(head);
}
