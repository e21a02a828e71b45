import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from "node-llama-cpp";
import type { ChatMessage } from "./types.js";

/**
 * Renders chat messages with the model's own template. The chat wrapper is resolved once per
 * model (resolving it per request costs hundreds of ms of main-thread work, see PERF-NOTES).
 */
export class ChatPromptRenderer {
  /** Single tokens the template uses to end a turn (besides the model's EOG tokens). */
  readonly stopTokens: ReadonlySet<Token>;

  constructor(
    private readonly model: LlamaModel,
    private readonly wrapper: ChatWrapper,
  ) {
    const stopTokens = new Set<Token>();
    const { stopGenerationTriggers } = wrapper.generateContextState({ chatHistory: [{ type: "model", response: [] }] });
    for (const trigger of stopGenerationTriggers) {
      const tokens = trigger.tokenize(model.tokenizer);
      if (tokens.length === 1) stopTokens.add(tokens[0]!);
    }
    this.stopTokens = stopTokens;
  }

  get templateName(): string {
    return this.wrapper.wrapperName;
  }

  /** Prompt tokens, ending with the assistant-turn prefix so the model answers next. */
  render(messages: readonly ChatMessage[]): Token[] {
    const chatHistory: ChatHistoryItem[] = messages.map((message) =>
      message.role === "assistant"
        ? { type: "model", response: [message.content] }
        : { type: message.role, text: message.content },
    );
    chatHistory.push({ type: "model", response: [] });
    const { contextText } = this.wrapper.generateContextState({ chatHistory });
    return contextText.tokenize(this.model.tokenizer);
  }
}
