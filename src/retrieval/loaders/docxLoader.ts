import mammoth from "mammoth";
import { LoreError } from "../../errors/index.js";
import { htmlToDocument } from "../htmlText.js";
import type { ExtractedDocument } from "../types.js";

/** .docx through mammoth's semantic HTML (Heading 1–6 styles become h1–h6), so headings survive. */
export async function loadDocx(content: Buffer, fileName: string): Promise<ExtractedDocument> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: content })).value;
  } catch (error) {
    throw new LoreError("PARSE_FAILED", `${fileName}: not a readable .docx file (${(error as Error).message})`, { cause: error });
  }
  return { ...htmlToDocument(html), format: "docx" };
}
