import { containsToken, contentStems, keyTokens } from "./terms.js";

export interface EvidenceText {
  text: string;
  /** L2-normalised embedding of `text`, when available. */
  vector?: Float32Array;
}

export interface SupportInput {
  claim: string;
  /** L2-normalised embedding of the claim, when available. */
  claimVector?: Float32Array;
  /** The evidence the claim cites (sentences or whole chunks). */
  evidence: EvidenceText[];
}

export interface SupportScore {
  /** Combined support in [0, 1]; 0 when a key token is missing. */
  support: number;
  supported: boolean;
  /** The claim appears verbatim (modulo whitespace/case) in the evidence. */
  verbatim: boolean;
  /** Best cosine similarity to one evidence text (0 without vectors). */
  embedding: number;
  /** Fraction of the claim's content words found in the evidence. */
  lexical: number;
  /** Numbers, paths, options and identifiers of the claim absent from the evidence. */
  missingTokens: string[];
}

export interface SupportOptions {
  /** Minimum combined support. Defaults to 0.6. */
  threshold?: number;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += a[i]! * b[i]!;
  return dot;
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * Scores how well the cited evidence supports a claim. Three signals, each cheap on a CPU:
 * embedding similarity (paraphrase), content-word overlap (topic), and exact presence of every
 * number/identifier/command token (the errors a small model makes: a wrong port, an invented flag).
 * A missing key token is a veto, not a penalty: one wrong number makes the sentence wrong.
 */
export function scoreSupport(input: SupportInput, options: SupportOptions = {}): SupportScore {
  const threshold = options.threshold ?? 0.6;
  const joined = input.evidence.map((e) => e.text).join("\n");
  const claimNorm = normalise(input.claim).replace(/[.!?]+$/, "");
  const verbatim = claimNorm.length > 0 && normalise(joined).includes(claimNorm);

  const missingTokens = keyTokens(input.claim).filter((t) => !containsToken(joined, t) && !normalise(joined).includes(t));
  const claimStems = contentStems(input.claim);
  const evidenceStems = new Set(contentStems(joined));
  const lexical = claimStems.length === 0 ? 0 : claimStems.filter((s) => evidenceStems.has(s)).length / claimStems.length;

  let embedding = 0;
  if (input.claimVector) {
    for (const e of input.evidence) if (e.vector) embedding = Math.max(embedding, cosine(input.claimVector, e.vector));
  }
  const hasVectors = input.claimVector !== undefined && input.evidence.some((e) => e.vector);

  let support: number;
  if (verbatim) support = 1;
  else if (missingTokens.length > 0) support = 0;
  else support = hasVectors ? 0.5 * Math.max(0, embedding) + 0.5 * lexical : lexical;
  return { support, supported: support >= threshold, verbatim, embedding, lexical, missingTokens };
}
