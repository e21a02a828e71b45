import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "./wsClient.js";
import { serveWithoutChatModel, type Served } from "./servedPipeline.js";

// Real store, embedder, retriever and answerer behind the real server; no chat model (scores only).
let served: Served;
let url: string;

beforeAll(async () => {
  served = await serveWithoutChatModel({ maxUploadBytes: 4096 });
  url = served.server.url;
});
afterAll(async () => {
  await served?.close();
});

const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message;
}

describe("REST answers", () => {
  it("answers a question about the collection with cited, verified sentences", async () => {
    const response = await postJson("/v1/ask", { question: "When does the irrigation pump run?" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      abstained: boolean;
      sentences: { text: string; citations: { source: string; quote: string; start: number; end: number }[] }[];
      citations: { source: string }[];
      conversationId: string;
    };
    expect(body.abstained).toBe(false);
    expect(body.sentences.map((s) => s.text).join(" ")).toContain("06:30");
    const citation = body.sentences[0]!.citations[0]!;
    expect(citation.source).toMatch(/greenhouse\.md$/);
    expect(citation.end).toBeGreaterThan(citation.start);
    expect(body.conversationId.length).toBeGreaterThan(0);
  });

  it("a citation's chunkId and offsets point into the document's chunks, whose text holds the quote", async () => {
    const ask = (await (await postJson("/v1/ask", { question: "When does the irrigation pump run?" })).json()) as {
      citations: { documentId: string; chunkId: string; start: number; end: number; quote: string }[];
    };
    const citation = ask.citations[0]!;
    const response = await fetch(`${url}/v1/documents/${encodeURIComponent(citation.documentId)}/chunks`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { documentId: string; source: string; chunks: { chunkId: string; headingPath: string[]; start: number; end: number; text: string }[] };
    expect(body.documentId).toBe(citation.documentId);
    expect(body.source).toMatch(/greenhouse\.md$/);
    expect(body.chunks.map((c) => c.start)).toEqual([...body.chunks.map((c) => c.start)].sort((a, b) => a - b));
    for (const c of body.chunks) expect(c.text.length).toBe(c.end - c.start);
    const chunk = body.chunks.find((c) => c.chunkId === citation.chunkId)!;
    expect(chunk.text.slice(citation.start - chunk.start, citation.end - chunk.start)).toBe(citation.quote);

    // Only the chunks overlapping a citation's span, when asked for it.
    const spanUrl = `${url}/v1/documents/${encodeURIComponent(citation.documentId)}/chunks?start=${citation.start}&end=${citation.end}`;
    const span = (await (await fetch(spanUrl)).json()) as { chunks: { chunkId: string; start: number; end: number }[] };
    expect(span.chunks.map((c) => c.chunkId)).toContain(citation.chunkId);
    expect(span.chunks.every((c) => c.end > citation.start && c.start < citation.end)).toBe(true);
    const chunksUrl = `${url}/v1/documents/${encodeURIComponent(citation.documentId)}/chunks`;
    const pastTheEnd = (await (await fetch(`${chunksUrl}?start=${Math.max(...body.chunks.map((c) => c.end))}`)).json()) as { chunks: unknown[] };
    expect(pastTheEnd.chunks).toEqual([]);
    expect(await expectError(await fetch(`${chunksUrl}?start=10&end=5`), 400, "BAD_REQUEST")).toMatch(/end must be greater than start/);
    expect(await expectError(await fetch(`${chunksUrl}?start=-1`), 400, "BAD_REQUEST")).toMatch(/character offset/);

    await expectError(await fetch(`${url}/v1/documents/no-such-doc.md/chunks`), 404, "NOT_FOUND");
    await expectError(await fetch(`${url}/v1/documents/x/chunks?collection=no-such-collection`), 404, "NOT_FOUND");
    await expectError(await fetch(`${url}/v1/documents/x/chunks?aclGroups=${"g".repeat(129)}`), 400, "BAD_REQUEST");
  });

  it("searches a collection", async () => {
    const response = await postJson("/v1/search", { query: "air filter replacement", limit: 3 });
    expect(response.status).toBe(200);
    const { hits } = (await response.json()) as { hits: { source: string; text: string }[] };
    expect(hits[0]!.source).toMatch(/maintenance\.md$/);
  });
});

describe("conversations", () => {
  it("forgets a conversation on DELETE: its next follow-up is no longer expanded", async () => {
    const ask = async (question: string) => {
      const response = await postJson("/v1/ask", { question, conversationId: "forget-me" });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { trace: { type: string; data: Record<string, unknown> }[] };
      return body.trace.some((t) => t.type === "plan" && t.data["followUp"] === true);
    };
    expect(await ask("When does the irrigation pump run?")).toBe(false);
    expect(await ask("And for how long?")).toBe(true);

    expect((await fetch(`${url}/v1/conversations/forget-me`, { method: "DELETE" })).status).toBe(204);
    await expectError(await fetch(`${url}/v1/conversations/forget-me`, { method: "DELETE" }), 404, "NOT_FOUND");
    await expectError(await fetch(`${url}/v1/conversations/${"x".repeat(129)}`, { method: "DELETE" }), 400, "BAD_REQUEST");
    expect(await ask("And for how long?")).toBe(false);
  });
});

describe("bad input is a 4xx JSON error with a stable code, never a 500", () => {
  it("malformed JSON", async () => {
    await expectError(await postJson("/v1/ask", '{"question": "unterminated'), 400, "BAD_REQUEST");
  });

  it("a body that is JSON but no object, and a body sent without the JSON content type, say so", async () => {
    expect(await expectError(await postJson("/v1/ask", "null"), 400, "BAD_REQUEST")).toBe("The body must be a JSON object, not null");
    const plain = await fetch(`${url}/v1/ask`, { method: "POST", body: '{"question":"x"}' });
    expect(await expectError(plain, 400, "BAD_REQUEST")).toContain("content-type: application/json");
  });

  it("wrong types name the field", async () => {
    const message = await expectError(await postJson("/v1/ask", { question: 42 }), 400, "BAD_REQUEST");
    expect(message).toContain("question");
    await expectError(await postJson("/v1/search", { query: "x", limit: "ten" }), 400, "BAD_REQUEST");
    await expectError(await postJson("/v1/ask", { question: "x", unexpected: true }), 400, "BAD_REQUEST");
    await expectError(await postJson("/v1/ask", { question: "   " }), 400, "BAD_REQUEST");
  });

  it("oversized JSON body", async () => {
    expect(await expectError(await postJson("/v1/ask", { question: "x".repeat(300_000) }), 413, "PAYLOAD_TOO_LARGE")).toMatch(/the limit is \d+ bytes/);
  });

  it("unknown collection", async () => {
    await expectError(await postJson("/v1/ask", { question: "Anything?", collection: "nope" }), 404, "NOT_FOUND");
    await expectError(await postJson("/v1/search", { query: "anything", collection: "nope" }), 404, "NOT_FOUND");
    await expectError(await fetch(`${url}/v1/documents?collection=nope`), 404, "NOT_FOUND");
  });

  it("unknown route", async () => {
    await expectError(await fetch(`${url}/v1/nothing-here`), 404, "NOT_FOUND");
  });

  it("a documented path with an unsupported method is a 405 naming the allowed methods", async () => {
    const ask = await fetch(`${url}/v1/ask`);
    expect(ask.headers.get("allow")).toBe("POST");
    await expectError(ask, 405, "METHOD_NOT_ALLOWED");
    const doc = await fetch(`${url}/v1/documents/some-id`, { method: "PATCH" });
    expect(doc.headers.get("allow")?.split(", ")).toEqual(expect.arrayContaining(["GET", "DELETE"]));
    await expectError(doc, 405, "METHOD_NOT_ALLOWED");
  });

  // Found by test/e2e/apiFuzz.test.ts (schemathesis): busboy/multer parse errors were 500s, and a
  // plain GET of the WebSocket path was an undocumented 404.
  it("malformed multipart bodies and a plain GET of the WebSocket endpoint", async () => {
    const upload = (contentType: string, body: string) => fetch(`${url}/v1/documents`, { method: "POST", headers: { "content-type": contentType }, body });
    const part = (name: string, value: string) => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const file = '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--b--\r\n';
    expect(await expectError(await upload("multipart/form-data", ""), 400, "BAD_REQUEST")).toMatch(/boundary/i);
    expect(await expectError(await upload("multipart/form-data; boundary=b", part("a\u0011b", "x") + file), 400, "BAD_REQUEST")).toMatch(/header/i);
    expect(await expectError(await upload("multipart/form-data; boundary=b", part("", "x") + file), 400, "BAD_REQUEST")).toMatch(/field name/i);
    expect(await expectError(await fetch(`${url}/v1/chat`), 400, "BAD_REQUEST")).toMatch(/WebSocket/);
  });
});

describe("collections and documents", () => {
  it("creates a collection, uploads, lists, gets, re-uploads unchanged, searches and deletes", async () => {
    expect((await postJson("/v1/collections", { name: "notes" })).status).toBe(201);
    expect((await postJson("/v1/collections", { name: "notes" })).status).toBe(200);
    const collections = (await (await fetch(`${url}/v1/collections`)).json()) as { collections: { name: string }[] };
    expect(collections.collections.map((c) => c.name)).toEqual(expect.arrayContaining(["default", "notes"]));

    const upload = () => {
      const form = new FormData();
      form.set("file", new Blob(["# Kettle\n\nThe office kettle descales itself every Friday at noon.\n"], { type: "text/markdown" }), "kettle.md");
      form.set("collection", "notes");
      form.set("source", "office/kettle.md");
      form.set("tags", "office, kitchen");
      return fetch(`${url}/v1/documents`, { method: "POST", body: form });
    };
    const first = await upload();
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ documentId: "office/kettle.md", collection: "notes", status: "added" });
    const again = await upload();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "unchanged" });

    const list = (await (await fetch(`${url}/v1/documents?collection=notes`)).json()) as { documents: { id: string; tags: string[] }[] };
    expect(list.documents).toEqual([expect.objectContaining({ id: "office/kettle.md", tags: ["office", "kitchen"] })]);
    const id = encodeURIComponent("office/kettle.md");
    const doc = await fetch(`${url}/v1/documents/${id}?collection=notes`);
    expect(doc.status).toBe(200);
    expect(await doc.json()).toMatchObject({ id: "office/kettle.md", chunkCount: 1 });

    // A document with ACL groups: its chunks are found by a caller sharing a group, or passing none, and by no one else.
    const secret = new FormData();
    secret.set("file", new Blob(["# Payroll\n\nSalaries are paid on the 25th.\n"], { type: "text/markdown" }), "payroll.md");
    secret.set("collection", "notes");
    secret.set("acl", "hr");
    expect((await fetch(`${url}/v1/documents`, { method: "POST", body: secret })).status).toBe(201);
    // An ACL group longer than any caller may present would lock the document away from everyone: refused at upload.
    const unreachable = new FormData();
    unreachable.set("file", new Blob(["# Locked\n\nNobody could read this.\n"], { type: "text/markdown" }), "locked.md");
    unreachable.set("acl", `hr,${"g".repeat(129)}`);
    expect(await expectError(await fetch(`${url}/v1/documents`, { method: "POST", body: unreachable }), 400, "BAD_REQUEST")).toMatch(/acl/);
    await expectError(await postJson("/v1/search", { query: "salaries", filter: { tags: ["t".repeat(129)] } }), 400, "BAD_REQUEST");
    const chunksOf = (query: string) => fetch(`${url}/v1/documents/payroll.md/chunks?collection=notes${query}`);
    expect((await chunksOf("")).status).toBe(200);
    const hr = (await (await chunksOf("&aclGroups=staff,hr")).json()) as { chunks: { text: string }[] };
    expect(hr.chunks.map((c) => c.text).join(" ")).toContain("Salaries are paid on the 25th.");
    await expectError(await chunksOf("&aclGroups=staff"), 404, "NOT_FOUND");
    // No group at all sees only documents without groups; an array-encoded or misspelt parameter is refused, never ignored.
    await expectError(await chunksOf("&aclGroups="), 404, "NOT_FOUND");
    await expectError(await chunksOf("&aclGroups[]=hr"), 400, "BAD_REQUEST");
    await expectError(await chunksOf("&aclgroups=hr"), 400, "BAD_REQUEST");
    // Listing and getting a document apply the same rule.
    const listed = async (query: string) => ((await (await fetch(`${url}/v1/documents?collection=notes${query}`)).json()) as { documents: { id: string }[] }).documents.map((d) => d.id);
    expect(await listed("")).toEqual(expect.arrayContaining(["payroll.md", "office/kettle.md"]));
    expect(await listed("&aclGroups=hr")).toEqual(expect.arrayContaining(["payroll.md", "office/kettle.md"]));
    expect(await listed("&aclGroups=staff")).toEqual(["office/kettle.md"]);
    expect((await fetch(`${url}/v1/documents/payroll.md?collection=notes&aclGroups=hr`)).status).toBe(200);
    await expectError(await fetch(`${url}/v1/documents/payroll.md?collection=notes&aclGroups=staff`), 404, "NOT_FOUND");

    const search = await postJson("/v1/search", { query: "when is the kettle descaled", collection: "notes" });
    expect(((await search.json()) as { hits: { documentId: string }[] }).hits[0]!.documentId).toBe("office/kettle.md");

    expect((await fetch(`${url}/v1/documents/${id}?collection=notes`, { method: "DELETE" })).status).toBe(204);
    await expectError(await fetch(`${url}/v1/documents/${id}?collection=notes`), 404, "NOT_FOUND");
    expect((await fetch(`${url}/v1/collections/notes`, { method: "DELETE" })).status).toBe(204);
    await expectError(await fetch(`${url}/v1/collections/notes`), 404, "NOT_FOUND");
  });

  it("refuses oversized, unsupported and missing uploads cleanly", async () => {
    const big = new FormData();
    big.set("file", new Blob(["a".repeat(10_000)], { type: "text/plain" }), "big.txt");
    expect(await expectError(await fetch(`${url}/v1/documents`, { method: "POST", body: big }), 413, "PAYLOAD_TOO_LARGE")).toContain("the limit is 4096 bytes");

    const misnamed = new FormData();
    misnamed.set("doc", new Blob(["hello"], { type: "text/plain" }), "a.txt");
    expect(await expectError(await fetch(`${url}/v1/documents`, { method: "POST", body: misnamed }), 400, "BAD_REQUEST")).toContain('field named "file"');

    const exe = new FormData();
    exe.set("file", new Blob([new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03])]), "tool.exe");
    await expectError(await fetch(`${url}/v1/documents`, { method: "POST", body: exe }), 415, "UNSUPPORTED_FORMAT");

    const empty = new FormData();
    empty.set("collection", "default");
    await expectError(await fetch(`${url}/v1/documents`, { method: "POST", body: empty }), 400, "BAD_REQUEST");
  });
});

describe("service endpoints", () => {
  it("serves health, readiness, metrics and the OpenAPI document", async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('lore_http_requests_total{method="POST",route="/v1/ask",status="200"}');
    expect(metrics).toContain("lore_generation_queue_depth");
    expect(metrics).toContain("lore_verification_drop_rate");

    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/ask", "/v1/search", "/v1/collections", "/v1/collections/{name}", "/v1/conversations/{id}", "/v1/documents", "/v1/documents/{id}", "/v1/chat", "/healthz", "/readyz", "/metrics"]),
    );
    expect(doc.components.schemas["AskRequest"]!.properties).toHaveProperty("question");
    expect(doc.components.schemas["WsClientMessage"]).toBeDefined();
  });

  it("serves the chat page", async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form id="askForm"');
    expect((await fetch(`${url}/chat.js`)).status).toBe(200);
  });
});

describe("WebSocket protocol", () => {
  it("answers bad messages with error events and keeps the socket open for a real ask", async () => {
    const chat = await ChatClient.open(url);
    try {
      chat.send("{not json");
      const malformed = await chat.next((e) => e.type === "error" && e.message!.startsWith("Malformed JSON"));
      expect(malformed.code).toBe("BAD_REQUEST");
      chat.send({ type: "ask", id: "bad", question: 7 });
      expect(await chat.end("bad")).toMatchObject({ type: "error", code: "BAD_REQUEST" });
      chat.send({ type: "ask", id: "missing", question: "Anything?", collection: "nope" });
      expect(await chat.end("missing")).toMatchObject({ type: "error", code: "NOT_FOUND" });
      chat.send(Buffer.from([1, 2, 3]));
      await chat.next((e) => e.type === "error" && e.message!.includes("binary"));

      chat.send({ type: "ask", id: "a1", question: "How often should the intake air filter be replaced?" });
      const done = await chat.end("a1");
      expect(done.type).toBe("done");
      const sentences = chat.events.filter((e) => e.type === "sentence" && e.id === "a1");
      expect(sentences.length).toBeGreaterThan(0);
      expect(JSON.stringify(sentences)).toContain("90 days");
      expect(chat.events.some((e) => e.type === "plan" && e.id === "a1")).toBe(true);
    } finally {
      chat.close();
    }
  });
});

describe("API keys", () => {
  it("requires a key on /v1 and the WebSocket when keys are configured", async () => {
    const locked = await serveWithoutChatModel({ apiKeys: "k-one,k-two" });
    try {
      const base = locked.server.url;
      await expectError(await fetch(`${base}/v1/collections`), 401, "UNAUTHORIZED");
      await expectError(await fetch(`${base}/v1/collections`, { headers: { authorization: "Bearer wrong" } }), 401, "UNAUTHORIZED");
      expect((await fetch(`${base}/v1/collections`, { headers: { authorization: "Bearer k-two" } })).status).toBe(200);
      expect((await fetch(`${base}/v1/collections`, { headers: { "x-api-key": "k-one" } })).status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(401);

      await expect(ChatClient.open(base)).rejects.toThrow(/401/);
      const byHeader = await ChatClient.open(base, { headers: { authorization: "Bearer k-one" } });
      byHeader.close();
      const byProtocol = await ChatClient.open(base, { protocols: ["lore.v1", "lore.key.k-two"] });
      expect(byProtocol.ws.protocol).toBe("lore.v1");
      byProtocol.close();
    } finally {
      await locked.close();
    }
  });
});
