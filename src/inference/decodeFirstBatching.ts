import type { BatchItem, CustomBatchingPrioritizationStrategy, PrioritizedBatchItem } from "node-llama-cpp";

/**
 * Batch prioritisation for streaming: every sequence that is generating gets its next token in
 * each batch, then prompts are processed first-in-first-out in chunks of at most `promptChunk`
 * tokens while anything is generating. node-llama-cpp's default ("maximumParallelism") splits
 * the batch across all pending prompts, so 8 simultaneous RAG prompts all reach their first
 * token only when all 8 are processed; FIFO lets the first request stream while later prompts
 * are still being read, and the chunk cap bounds how long a prompt stalls the running streams.
 */
export function decodeFirstBatching(options: {
  promptChunk: number;
  /** How many requests are past their prompt and generating (known to the engine, not to the batch). */
  generating: () => number;
  /** Counts batches and their tokens (for metrics), without allocating. */
  stats: { batches: number; tokens: number };
}): CustomBatchingPrioritizationStrategy {
  return ({ items, size }) => {
    const prioritized: PrioritizedBatchItem[] = [];
    let free = size;
    for (const item of items) {
      if (free === 0) break;
      if (item.tokens.length === 1) {
        prioritized.push({ item, processAmount: 1 });
        free--;
      }
    }
    // Decoders re-queue their token a moment after each batch; cap prompt work whenever any
    // request is generating so that a prompt-only batch does not stall them for a full batch.
    const initialBudget = options.generating() > 0 ? Math.min(free, options.promptChunk) : free;
    let promptBudget = initialBudget;
    for (const item of items as readonly BatchItem[]) {
      if (promptBudget <= 0) break;
      if (item.tokens.length === 1) continue;
      const processAmount = Math.min(item.tokens.length, promptBudget);
      prioritized.push({ item, processAmount });
      promptBudget -= processAmount;
    }
    options.stats.batches++;
    options.stats.tokens += size - free + initialBudget - promptBudget;
    return prioritized;
  };
}
