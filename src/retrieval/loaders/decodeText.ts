import { LoreError } from "../../errors/index.js";

/** UTF-8 text of a file with its BOM removed and line endings normalised to "\n". */
export function decodeText(content: Buffer, fileName: string): string {
  // A NUL byte does not occur in text files; it means a binary file with a text extension.
  if (content.includes(0)) throw new LoreError("PARSE_FAILED", `${fileName}: binary content in a text file`);
  let text = new TextDecoder("utf-8").decode(content);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.replace(/\r\n?/g, "\n");
}
