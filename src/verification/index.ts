export { endsWithAbbreviation, splitSentences, type SentenceSpan } from "./sentenceSplitter.js";
export { contentStems, keyTokens, containsToken, stem, stemSet, words, isStopword, namedTerms } from "./terms.js";
export { scoreSupport, cosine, type SupportInput, type SupportScore, type SupportOptions, type EvidenceText } from "./supportScorer.js";
export { askCoverage, askedPart, namingPart, questionCoverage, type AskCoverage, type QuestionCoverage, type CoverageTerm } from "./questionCoverage.js";
export { decideAbstention, type AbstentionSignals, type AbstentionPolicyOptions, type AbstentionDecision } from "./abstentionPolicy.js";
export { checkCitation, type CitableChunk, type CitationSpan, type CitationProblem } from "./citationCheck.js";
export { judgeSupport, parseVerdict, type JudgeOptions, type JudgeResult } from "./modelJudge.js";
