// Lore chat page: one WebSocket to /v1/chat, several asks may be in flight, each identified by an id.
// Sentences arrive already verified; each carries its citations, shown as clickable [n] markers.
const $ = (id) => document.getElementById(id);
const log = $("log");
const form = $("askForm");
const input = $("question");
const askButton = $("askButton");
const cancelButton = $("cancelButton");
const statusLine = $("status");
const collectionInput = $("collection");
const apiKeyInput = $("apiKey");

collectionInput.value = localStorage.getItem("lore.collection") ?? "";
apiKeyInput.value = localStorage.getItem("lore.apiKey") ?? "";
collectionInput.addEventListener("change", () => localStorage.setItem("lore.collection", collectionInput.value.trim()));
apiKeyInput.addEventListener("change", () => {
  localStorage.setItem("lore.apiKey", apiKeyInput.value.trim());
  socket?.close();
  socket = undefined;
});

/** @type {WebSocket | undefined} */
let socket;
let opening;
let conversationId;
let counter = 0;
/** ask id → view state */
const asks = new Map();

function connect() {
  if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
  if (opening) return opening;
  const url = new URL("/v1/chat", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  // Browsers cannot set headers on a WebSocket: the key travels as a subprotocol the server never echoes.
  const key = apiKeyInput.value.trim();
  const protocols = key ? ["lore.v1", `lore.key.${key}`] : ["lore.v1"];
  opening = new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.addEventListener("open", () => {
      socket = ws;
      opening = undefined;
      resolve(ws);
    });
    ws.addEventListener("message", (event) => onEvent(JSON.parse(event.data)));
    ws.addEventListener("close", () => {
      opening = undefined;
      if (socket === ws) socket = undefined;
      for (const [id, view] of asks) finish(id, view, "Connection closed.");
      reject(new Error("Could not connect (is the server running? is an API key needed?)"));
    });
  });
  return opening;
}

function stripMarkers(text) {
  return text.replace(/\s*\[\d+(?:\s*[,;]\s*\d+)*\]/g, "").trim();
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Each click gets a number: a passage arriving for an earlier click is not shown.
let clicks = 0;

function showSource(citation, collection) {
  const click = ++clicks;
  $("sourceTitle").textContent = citation.source;
  $("sourcePath").textContent = citation.headingPath.length ? citation.headingPath.join(" › ") : "(top of document)";
  $("sourceQuote").textContent = citation.quote;
  $("sourceSpan").textContent = `characters ${citation.start}–${citation.end} of ${citation.documentId}`;
  $("sourceContext").hidden = true;
  $("sourceContext").replaceChildren();
  $("source").hidden = false;
  void showContext(citation, collection, click);
}

/** The passage around the quote (its chunk), with the quote marked; the quote alone stays shown if it cannot be fetched. */
async function showContext(citation, collection, click) {
  const params = new URLSearchParams({ start: String(citation.start), end: String(citation.end) });
  if (collection) params.set("collection", collection);
  const key = apiKeyInput.value.trim();
  try {
    const response = await fetch(`/v1/documents/${encodeURIComponent(citation.documentId)}/chunks?${params}`, { headers: key ? { "x-api-key": key } : {} });
    if (!response.ok) return;
    const { chunks } = await response.json();
    const chunk = chunks.find((c) => c.chunkId === citation.chunkId) ?? chunks.find((c) => c.start <= citation.start && citation.end <= c.end);
    if (!chunk || click !== clicks) return;
    const from = citation.start - chunk.start;
    const to = citation.end - chunk.start;
    // Re-ingested since the answer: the offsets no longer select the quote, so show none rather than a wrong passage.
    if (from < 0 || to > chunk.text.length || chunk.text.slice(from, to) !== citation.quote) return;
    $("sourceContext").replaceChildren(chunk.text.slice(0, from), el("mark", undefined, chunk.text.slice(from, to)), chunk.text.slice(to));
    $("sourceContext").hidden = false;
  } catch {
    // Offline or refused: the quote is still shown.
  }
}
$("closeSource").addEventListener("click", () => ($("source").hidden = true));

function citeButton(citation, collection) {
  const button = el("button", "cite", `[${citation.n}]`);
  button.type = "button";
  button.title = `${citation.source}${citation.headingPath.length ? " — " + citation.headingPath.join(" › ") : ""}`;
  button.dataset.n = String(citation.n);
  button.addEventListener("click", () => showSource(citation, collection));
  return button;
}

function renderSentence(view, sentence) {
  const span = el("span", sentence.supported ? "sentence" : "sentence flagged", stripMarkers(sentence.text));
  if (!sentence.supported) span.title = `weakly supported (${sentence.support.toFixed(2)})`;
  view.answer.append(span);
  for (const citation of sentence.citations) view.answer.append(citeButton(citation, view.collection));
  view.answer.append(" ");
  view.sentences += 1;
}

function renderDone(view, response) {
  conversationId = response.conversationId;
  if (response.abstained) {
    const box = el("div", "abstained");
    box.append(el("strong", undefined, "Not found in the knowledge base."));
    box.title = stripMarkers(response.answer);
    if (response.closestSources.length) {
      box.append(el("p", "muted", "Closest sources:"));
      const list = el("ul", "closest");
      for (const s of response.closestSources) list.append(el("li", undefined, `${s.source}${s.headingPath.length ? " — " + s.headingPath.join(" › ") : ""}`));
      box.append(list);
    }
    view.answer.replaceChildren(box);
  } else if (view.sentences === 0) {
    for (const sentence of response.sentences) renderSentence(view, sentence);
  }
  const seconds = (response.usage.totalMs / 1000).toFixed(1);
  const first = response.usage.firstSentenceMs === null ? "" : `, first sentence ${(response.usage.firstSentenceMs / 1000).toFixed(1)} s`;
  view.meta.textContent = `${response.verification.kept}/${response.verification.drafted} drafted sentences verified · ${seconds} s${first}`;
}

function onEvent(event) {
  const view = event.id ? asks.get(event.id) : undefined;
  if (!view) {
    if (event.type === "error") statusLine.textContent = `Error ${event.code}: ${event.message}`;
    return;
  }
  switch (event.type) {
    case "plan":
      statusLine.textContent = event.plan.steps.length > 1 ? `Planned ${event.plan.steps.length} sub-questions…` : "Searching…";
      break;
    case "retrieval":
      statusLine.textContent = `Found ${event.hits.length} passages for “${event.query}”; drafting and verifying…`;
      break;
    case "sentence":
      renderSentence(view, event.sentence);
      statusLine.textContent = "Verifying…";
      break;
    case "done":
      renderDone(view, event.response);
      finish(event.id, view, "");
      break;
    case "error":
      view.answer.append(el("p", "error", event.code === "ABORTED" ? "Stopped." : `Error ${event.code}: ${event.message}`));
      finish(event.id, view, "");
      break;
  }
}

function finish(id, view, message) {
  asks.delete(id);
  view.item.classList.remove("pending");
  if (message) view.answer.append(el("p", "error", message));
  statusLine.textContent = asks.size ? "Working…" : "";
  cancelButton.disabled = asks.size === 0;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (!question) return;
  input.value = "";
  const id = `q${Date.now().toString(36)}-${++counter}`;
  const item = el("li", "pending");
  const answer = el("div", "answer");
  const meta = el("div", "meta");
  item.append(el("div", "question", question), answer, meta);
  log.append(item);
  const view = { item, answer, meta, sentences: 0, collection: collectionInput.value.trim() };
  asks.set(id, view);
  cancelButton.disabled = false;
  statusLine.textContent = "Connecting…";
  try {
    const ws = await connect();
    const message = { type: "ask", id, question };
    if (view.collection) message.collection = view.collection;
    if (conversationId) message.conversationId = conversationId;
    ws.send(JSON.stringify(message));
    statusLine.textContent = "Thinking…";
  } catch (error) {
    finish(id, view, error.message);
  }
});

cancelButton.addEventListener("click", () => {
  for (const id of asks.keys()) socket?.send(JSON.stringify({ type: "cancel", id }));
});

askButton.disabled = false;
input.focus();
