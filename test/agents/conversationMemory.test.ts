import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConversationMemory, type ConversationTurn } from "../../src/agents/index.js";
import { SqliteConversationStore } from "../../src/agents/conversationStore.js";

const CHILD = fileURLToPath(new URL("./conversationWriterChild.ts", import.meta.url));
/** Turns each "race" child appends (conversationWriterChild.ts). */
const TURNS = 200;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lore-conversations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `conversations-${files++}.db`);
const turn = (n: number, abstained = false): ConversationTurn => ({ question: `question ${n}`, answer: `answer ${n}`, abstained });

interface Child {
  output: Promise<string>;
  exit: Promise<NodeJS.Signals | number | null>;
  kill(): void;
  /** Resolves once the child printed the line. */
  printed(line: string): Promise<void>;
}

function startChild(path: string, mode: "hang" | "race", name: string): Child {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, path, mode, name], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const listeners: (() => void)[] = [];
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString();
    for (const listener of listeners) listener();
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  return {
    exit,
    output: exit.then(() => (stderr ? `${stdout}\nstderr: ${stderr}` : stdout)),
    kill: () => child.kill("SIGKILL"),
    printed: (line) =>
      new Promise((resolve, reject) => {
        const check = () => stdout.split("\n").includes(line) && resolve();
        listeners.push(check);
        check();
        void exit.then((status) => reject(new Error(`child exited (${status}) before "${line}": ${stderr}`)));
      }),
  };
}

describe("ConversationMemory in a SQLite file", () => {
  it("keeps a conversation's turns, in order, across close and reopen", () => {
    const path = freshPath();
    const memory = new ConversationMemory({ path });
    memory.append("c1", turn(1));
    memory.append("c1", turn(2, true));
    memory.append("c2", turn(3));
    memory.close();

    const reopened = new ConversationMemory({ path });
    expect(reopened.get("c1")).toEqual([turn(1), turn(2, true)]);
    expect(reopened.get("c2")).toEqual([turn(3)]);
    expect(reopened.get("unknown")).toEqual([]);
    expect(reopened.size).toBe(2);
    reopened.close();
  });

  it("keeps only the last maxTurns turns of a conversation, and keeps counting after a reopen", () => {
    const path = freshPath();
    const memory = new ConversationMemory({ path, maxTurns: 3 });
    for (let n = 1; n <= 5; n++) memory.append("c", turn(n));
    expect(memory.get("c")).toEqual([turn(3), turn(4), turn(5)]);
    memory.close();

    const reopened = new ConversationMemory({ path, maxTurns: 3 });
    reopened.append("c", turn(6));
    expect(reopened.get("c")).toEqual([turn(4), turn(5), turn(6)]);
    reopened.close();
  });

  it("evicts the least recently continued conversation beyond maxConversations", () => {
    const memory = new ConversationMemory({ path: freshPath(), maxConversations: 2 });
    memory.append("a", turn(1));
    memory.append("b", turn(2));
    memory.append("a", turn(3));
    memory.append("c", turn(4));
    expect(memory.size).toBe(2);
    expect(memory.get("b")).toEqual([]);
    expect(memory.get("a")).toEqual([turn(1), turn(3)]);
    expect(memory.get("c")).toEqual([turn(4)]);
    memory.close();
  });

  it("forgets conversations not continued within the time-to-live, on read and in storage", () => {
    const path = freshPath();
    let now = Date.UTC(2026, 0, 1);
    const options = { path, maxTurns: 6, maxConversations: 100, ttlMs: 1000, now: () => now };
    const store = SqliteConversationStore.open(options);
    store.append("old", turn(1));
    now += 600;
    store.append("recent", turn(2));
    now += 600;
    expect(store.load("old")).toEqual([]);
    expect(store.load("recent")).toEqual([turn(2)]);
    expect(store.size).toBe(1);
    store.close();

    // Reopening purges what expired, so a forgotten conversation does not linger on disk.
    now += 2000;
    SqliteConversationStore.open(options).close();
    const raw = SqliteConversationStore.open({ ...options, ttlMs: Number.MAX_SAFE_INTEGER });
    expect(raw.size).toBe(0);
    raw.close();
  });

  it("deletes a conversation on request", () => {
    const path = freshPath();
    const memory = new ConversationMemory({ path });
    memory.append("private", turn(1));
    expect(memory.delete("private")).toBe(true);
    expect(memory.delete("private")).toBe(false);
    memory.close();
    const reopened = new ConversationMemory({ path });
    expect(reopened.get("private")).toEqual([]);
    reopened.close();
  });

  it("a process killed with SIGKILL right after an append leaves the turn readable", async () => {
    const path = freshPath();
    const child = startChild(path, "hang", "killed");
    await child.printed("APPENDED");
    child.kill();
    expect(await child.exit).toBe("SIGKILL");

    const memory = new ConversationMemory({ path });
    expect(memory.get("killed")).toEqual([{ question: "Where are readings kept?", answer: "In /var/lib/frobnicator.", abstained: false }]);
    memory.close();
  });

  it("processes opening and writing one new file at the same time lose no turn", async () => {
    const path = freshPath();
    const names = ["p1", "p2", "p3", "p4"];
    const children = names.map((name) => startChild(path, "race", name));
    const outputs = await Promise.all(children.map((c) => c.output));
    expect(outputs.map((o) => o.trim())).toEqual(names.map(() => "DONE"));

    const memory = new ConversationMemory({ path, maxTurns: 1000 });
    const shared = memory.get("shared");
    expect(shared).toHaveLength(names.length * TURNS);
    for (const name of names) {
      // Each writer's turns are in the shared conversation in the order it wrote them.
      const own = shared.filter((t) => t.question.startsWith(`${name} `)).map((t) => t.question);
      expect(own).toEqual(Array.from({ length: TURNS }, (_, i) => `${name} question ${i}`));
      expect(memory.get(name)).toEqual(Array.from({ length: TURNS }, (_, i) => turn(i, i % 2 === 0)));
    }
    memory.close();
  });
});

describe("ConversationMemory in memory", () => {
  it("keeps bounded turns and evicts the least recently used conversation", () => {
    const memory = new ConversationMemory({ maxConversations: 2, maxTurns: 2 });
    memory.append("a", turn(1));
    memory.append("a", turn(2));
    memory.append("a", turn(3));
    memory.append("b", turn(4));
    expect(memory.get("a")).toEqual([turn(2), turn(3)]);
    memory.append("c", turn(5));
    expect(memory.get("b")).toEqual([]);
    expect(memory.size).toBe(2);
    expect(memory.delete("a")).toBe(true);
    expect(memory.get("a")).toEqual([]);
  });
});
