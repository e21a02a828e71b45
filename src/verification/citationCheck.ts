export interface CitableChunk {
  chunkId: string;
  /** Offsets of the chunk in its document's text. */
  start: number;
  end: number;
  text: string;
}

export interface CitationSpan {
  chunkId: string;
  start: number;
  end: number;
  quote: string;
}

export type CitationProblem = "not-retrieved" | "outside-chunk" | "quote-mismatch";

/**
 * A citation is valid when it points into a chunk that was actually retrieved for this question and
 * its document offsets select exactly the quoted text (chunk text is an exact slice of the document).
 */
export function checkCitation(citation: CitationSpan, retrieved: ReadonlyMap<string, CitableChunk>): CitationProblem | undefined {
  const chunk = retrieved.get(citation.chunkId);
  if (!chunk) return "not-retrieved";
  if (citation.start < chunk.start || citation.end > chunk.end || citation.end < citation.start) return "outside-chunk";
  const slice = chunk.text.slice(citation.start - chunk.start, citation.end - chunk.start);
  return slice === citation.quote ? undefined : "quote-mismatch";
}
