// Child process of conversationMemory.test.ts: `node --import tsx conversationWriterChild.ts <db> <mode> <name>`.
// "hang": appends one turn, prints APPENDED, and waits to be killed.
// "race": appends 200 turns to a conversation shared with the other children and to its own, then exits.
import { ConversationMemory } from "../../src/agents/index.js";

const TURNS = 200;
const [path, mode, name] = process.argv.slice(2);
if (!path || !name || (mode !== "hang" && mode !== "race")) throw new Error("usage: conversationWriterChild.ts <db> <hang|race> <name>");

const memory = new ConversationMemory({ path, maxTurns: 1000 });
if (mode === "hang") {
  memory.append(name, { question: "Where are readings kept?", answer: "In /var/lib/frobnicator.", abstained: false });
  process.stdout.write("APPENDED\n");
  setInterval(() => undefined, 60_000);
} else {
  for (let i = 0; i < TURNS; i++) {
    memory.append("shared", { question: `${name} question ${i}`, answer: `${name} answer ${i}`, abstained: false });
    memory.append(name, { question: `question ${i}`, answer: `answer ${i}`, abstained: i % 2 === 0 });
  }
  memory.close();
  process.stdout.write("DONE\n");
}
