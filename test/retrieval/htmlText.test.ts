import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { htmlToDocument } from "../../src/retrieval/index.js";

const HANDBOOK = fileURLToPath(new URL("../../../shared/eval/debian-handbook/", import.meta.url));
const collapse = (s: string): string => s.replace(/\s+/g, " ");

describe("htmlToDocument", () => {
  it("adds no spaces inside inline elements and separates blocks", () => {
    const doc = htmlToDocument(
      "<p>Set <code>work_mem</code> and <em>re</em><b>load</b>.</p><p>Next <a href='#'>para</a>graph</p><div>one<br>two</div>",
    );
    expect(doc.text).toBe("Set work_mem and reload.\n\nNext paragraph\n\none\ntwo");
  });

  it("collapses whitespace, decodes entities and skips invisible elements", () => {
    const doc = htmlToDocument(
      "<html><head><title>A &amp; B</title><style>p{}</style></head><body><script>x()</script>" +
        "<p>  many\n\t spaces&nbsp;here &ldquo;quoted&rdquo; &lt;tag&gt; </p><template>hidden</template><noscript>no</noscript></body></html>",
    );
    expect(doc.title).toBe("A & B");
    expect(doc.text).toBe("many spaces here “quoted” <tag>");
  });

  it("skips navigation chrome by landmark role, class and id but keeps content boxes", () => {
    const doc = htmlToDocument(
      "<div id='banner'>Download the ebook</div><ul class='docnav top'><li>Prev</li></ul><div role='navigation'>Home</div>" +
        "<div class='toc'><dl class='toc'><dt>1. Intro</dt></dl></div><div class='navbar-top'>menu</div>" +
        "<p>Body <span class='menuchoice'>File</span>.</p><div class='sidebar'>BACK TO BASICS</div><footer role='contentinfo'>c</footer>",
    );
    expect(doc.text).toBe("Body File.\n\nBACK TO BASICS");
  });

  it("drops Sphinx-style permalink marks and footers, so identifiers and heading paths stay clean", () => {
    const doc = htmlToDocument(
      "<h1>tempfile — Temporary files<a class='headerlink' href='#module-tempfile'>¶</a></h1>" +
        "<dl><dt id='t'>tempfile.mkstemp(suffix=None)<a class='headerlink' href='#t'>¶</a></dt><dd><p>Creates a file.</p></dd></dl>" +
        "<h2>Notes<a class='hash-link' href='#notes'>#</a></h2><p>Safe.</p><div class='footer'>© Copyright 2001-2026. Created using Sphinx.</div>",
    );
    expect(doc.text).toBe("tempfile — Temporary files\n\ntempfile.mkstemp(suffix=None)\n\nCreates a file.\n\nNotes\n\nSafe.");
    expect(doc.sections.map((s) => s.headingPath.at(-1))).toEqual(["tempfile — Temporary files", "Notes"]);
  });

  it("keeps each table row on one line", () => {
    const doc = htmlToDocument("<table><tr><th>Port</th><th>Service</th></tr><tr><td><p>22</p></td><td>ssh <i>daemon</i></td></tr></table>");
    expect(doc.text).toBe("Port | Service\n22 | ssh daemon");
  });

  it("keeps preformatted lines as written", () => {
    const doc = htmlToDocument("<p>Run:</p><pre>\n$ apt update\n$ apt   upgrade\n</pre>");
    expect(doc.text).toBe("Run:\n\n$ apt update\n$ apt   upgrade");
  });

  it("builds heading paths and section offsets from h1-h6", () => {
    const doc = htmlToDocument("<p>intro</p><h1>Backup</h1><p>base</p><h2>WAL <code>archiving</code></h2><p>wal</p><h2>Restore</h2><p>drill</p><h1>Other</h1><p>x</p>");
    const sections = doc.sections.map((s) => ({ path: s.headingPath.join(" > "), text: doc.text.slice(s.start, s.end) }));
    expect(sections).toEqual([
      { path: "", text: "intro" },
      { path: "Backup", text: "base" },
      { path: "Backup > WAL archiving", text: "wal" },
      { path: "Backup > Restore", text: "drill" },
      { path: "Other", text: "x" },
    ]);
    expect(doc.title).toBe("Backup");
  });

  it("contains every evidence quote of the Debian handbook eval set (tags stripped, whitespace collapsed)", () => {
    const texts = new Map<string, string>();
    const missing: string[] = [];
    let checked = 0;
    for (const line of readFileSync(`${HANDBOOK}questions.jsonl`, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const question = JSON.parse(line) as { evidence?: { quote: string; file: string; files?: string[] }[] };
      for (const evidence of question.evidence ?? []) {
        for (const file of evidence.files ?? [evidence.file]) {
          let text = texts.get(file);
          if (text === undefined) {
            text = collapse(htmlToDocument(readFileSync(`${HANDBOOK}corpus/${file}`, "utf8")).text);
            texts.set(file, text);
          }
          checked++;
          if (!text.includes(evidence.quote)) missing.push(`${file}: ${evidence.quote}`);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(70);
    expect(missing).toEqual([]);
  });
});
