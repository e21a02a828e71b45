import { readFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import { LoreError } from "../errors/index.js";

export interface TokenizedText {
  ids: number[];
  /** Tokens (with special tokens) before truncation. */
  tokenCount: number;
  truncated: boolean;
}

/**
 * WordPiece (or any HF tokenizer.json) tokenizer for an embedding model.
 * @huggingface/tokenizers ignores the file's padding/truncation settings, which is what we want
 * (the MiniLM file pads everything to 128): batches are padded to their longest member and
 * truncation is done here so it can be reported.
 */
export class EmbeddingTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly padId: number;
  /** Limits read from the model's config files (model_max_length, max_position_embeddings). */
  readonly modelMaxTokens: number | undefined;

  private constructor(tokenizer: Tokenizer, padId: number, modelMaxTokens: number | undefined) {
    this.#tokenizer = tokenizer;
    this.padId = padId;
    this.modelMaxTokens = modelMaxTokens;
  }

  static async load(tokenizerPath: string, tokenizerConfigPath: string | undefined): Promise<EmbeddingTokenizer> {
    const tokenizerJson = await readJson(tokenizerPath);
    const config = tokenizerConfigPath ? await readJson(tokenizerConfigPath) : {};
    const tokenizer = new Tokenizer(tokenizerJson, config);
    const padToken = typeof config.pad_token === "string" ? config.pad_token : "[PAD]";
    const padId = tokenizer.token_to_id(padToken) ?? 0;
    const maxLength = typeof config.model_max_length === "number" && config.model_max_length < 1e6 ? config.model_max_length : undefined;
    return new EmbeddingTokenizer(tokenizer, padId, maxLength);
  }

  countTokens(text: string): number {
    return this.#tokenizer.encode(text).ids.length;
  }

  /** Encodes with special tokens; beyond maxTokens keeps the head and the final special token ([SEP]). */
  encode(text: string, maxTokens: number): TokenizedText {
    const ids = this.#tokenizer.encode(text).ids;
    if (ids.length <= maxTokens) return { ids, tokenCount: ids.length, truncated: false };
    const kept = ids.slice(0, maxTokens - 1);
    kept.push(ids[ids.length - 1]!);
    return { ids: kept, tokenCount: ids.length, truncated: true };
  }
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  } catch (cause) {
    throw new LoreError("MODEL_NOT_FOUND", `Cannot read tokenizer file ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
