import type { ExtractedDocument } from "../types.js";
import { decodeText } from "./decodeText.js";

/** Plain text: one untitled section; the chunker splits it at blank lines and sentences. */
export function loadText(content: Buffer, fileName: string): ExtractedDocument {
  const text = decodeText(content, fileName);
  return { text, title: undefined, sections: [{ headingPath: [], start: 0, end: text.length }], format: "text" };
}
