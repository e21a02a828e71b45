import type { LlamaModel, Token } from "node-llama-cpp";

const REPLACEMENT_CHAR = "\uFFFD";
/** A UTF-8 character spans at most 4 byte-tokens; past that a U+FFFD is real output. */
const MAX_PENDING_TOKENS = 4;

/**
 * Whether pieces detokenised one token at a time concatenate to the real text. True for
 * byte-level BPE (GPT-2 style, SmolLM2); false for SentencePiece models that strip a leading
 * space at the start of a detokenised run — those need the previous token as context.
 */
export function detokenizesIndependently(model: LlamaModel): boolean {
  const tokens = model.tokenize("Hello world, naïve café — 日本語 text.");
  const whole = model.detokenize(tokens);
  let pieces = "";
  for (const token of tokens) pieces += model.detokenize([token]);
  return pieces === whole;
}

/**
 * Turns generated tokens into text incrementally, holding back tokens that end inside a
 * multi-byte UTF-8 character until the character is complete.
 */
export class TokenTextDecoder {
  private readonly pending: Token[] = [];
  private readonly previous: Token[] = [];

  constructor(
    private readonly model: LlamaModel,
    private readonly independent: boolean,
  ) {}

  push(token: Token): string {
    this.pending.push(token);
    const text = this.independent
      ? this.model.detokenize(this.pending)
      : this.model.detokenize(this.pending, false, this.previous);
    if (text.endsWith(REPLACEMENT_CHAR) && this.pending.length < MAX_PENDING_TOKENS) return "";
    this.release();
    return text;
  }

  /** Whatever is still held back (an incomplete character at the very end of generation). */
  flush(): string {
    if (this.pending.length === 0) return "";
    const text = this.model.detokenize(this.pending, false, this.previous);
    this.release();
    return text;
  }

  private release(): void {
    if (!this.independent) {
      this.previous.length = 0;
      this.previous.push(this.pending[this.pending.length - 1]!);
    }
    this.pending.length = 0;
  }
}
