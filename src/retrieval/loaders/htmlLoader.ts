import { htmlToDocument } from "../htmlText.js";
import type { ExtractedDocument } from "../types.js";
import { decodeText } from "./decodeText.js";

export function loadHtml(content: Buffer, fileName: string): ExtractedDocument {
  return htmlToDocument(decodeText(content, fileName));
}
