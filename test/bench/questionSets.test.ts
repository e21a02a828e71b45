import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The committed question sets are only as good as their accept regexes: each set ships reworded
// right answers and plausible wrong ones, and every regex list must tell them apart as eval:answers
// reads it (case-insensitive JavaScript RegExp, all regexes must match).
const SETS = ["valgrind-manual", "nodejs-api", "pdf-manuals", "plain-text-faqs", "python-stdlib"];

interface Question {
  id: string;
  type: string;
  accept: string[];
  answer: string;
}
interface AcceptCheck {
  id: string;
  expect: "match" | "no_match";
  answer: string;
}

const lines = <T>(path: URL): T[] =>
  readFileSync(fileURLToPath(path), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

describe.each(SETS)("question set %s", (set) => {
  const questions = lines<Question>(new URL(`../../bench/sets/${set}/questions.jsonl`, import.meta.url));
  const checks = lines<AcceptCheck>(new URL(`../../bench/sets/${set}/accept_checks.jsonl`, import.meta.url));
  const accepts = (q: Question, answer: string) => q.accept.every((r) => new RegExp(r, "i").test(answer));

  it("has unique ids, and accept regexes for every answerable question that its reference answer matches", () => {
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
    for (const q of questions.filter((q) => q.type !== "unanswerable")) {
      expect(q.accept.length, q.id).toBeGreaterThan(0);
      expect(accepts(q, q.answer), q.id).toBe(true);
    }
  });

  it("accepts every reworded right answer and none of the wrong ones", () => {
    const byId = new Map(questions.map((q) => [q.id, q]));
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) {
      const q = byId.get(check.id);
      expect(q, check.id).toBeDefined();
      expect(accepts(q!, check.answer), `${check.id}: ${check.answer}`).toBe(check.expect === "match");
    }
  });
});
