import { LoreError } from "../../errors/index.js";
import type { ExtractedDocument, ExtractedSection } from "../types.js";
import { decodeText } from "./decodeText.js";

const LABEL_KEYS = ["title", "name", "id", "key"];

function scalar(value: unknown): string {
  return value === null ? "null" : typeof value === "string" ? value : String(value);
}

/** "key: value" lines, nested keys dotted ("owner.email: …"), arrays of scalars joined with ", ". */
function recordLines(value: unknown, prefix: string, lines: string[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    if (value.every((v) => v === null || typeof v !== "object")) {
      lines.push(prefix ? `${prefix}: ${value.map(scalar).join(", ")}` : value.map(scalar).join(", "));
      return;
    }
    value.forEach((v, i) => recordLines(v, `${prefix}[${i}]`, lines));
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) recordLines(v, prefix ? `${prefix}.${key}` : key, lines);
    return;
  }
  lines.push(prefix ? `${prefix}: ${scalar(value)}` : scalar(value));
}

function recordLabel(record: unknown, index: number): string {
  if (record !== null && typeof record === "object" && !Array.isArray(record)) {
    for (const key of LABEL_KEYS) {
      const v = (record as Record<string, unknown>)[key];
      if ((typeof v === "string" && v.trim()) || typeof v === "number") return String(v).trim();
    }
  }
  return `#${index + 1}`;
}

function recordsDocument(records: unknown[], labelled: boolean): ExtractedDocument {
  let text = "";
  const sections: ExtractedSection[] = [];
  records.forEach((record, i) => {
    const lines: string[] = [];
    recordLines(record, "", lines);
    const body = lines.join("\n");
    if (!body) return;
    if (text) text += "\n\n";
    sections.push({ headingPath: labelled ? [recordLabel(record, i)] : [], start: text.length, end: text.length + body.length });
    text += body;
  });
  return { text, title: undefined, sections, format: "json" };
}

function parse(source: string, fileName: string, where = ""): unknown {
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw new LoreError("PARSE_FAILED", `${fileName}${where}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** JSON as readable "key: value" text; a top-level array gives one section per record. */
export function loadJson(content: Buffer, fileName: string): ExtractedDocument {
  const value = parse(decodeText(content, fileName), fileName);
  return Array.isArray(value) ? recordsDocument(value, true) : recordsDocument([value], false);
}

/** JSON Lines: one record, and one section, per non-empty line. */
export function loadJsonLines(content: Buffer, fileName: string): ExtractedDocument {
  const records = decodeText(content, fileName)
    .split("\n")
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, i }) => parse(line, fileName, `:${i + 1}`));
  return recordsDocument(records, true);
}
