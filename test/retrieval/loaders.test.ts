import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { LoreError } from "../../src/errors/index.js";
import { detectFormat, isRecognizedContent, isSupportedFile, loadDocument, needsContentCheck } from "../../src/retrieval/index.js";
import { COLUMN_GAP, joinWrappedLines, tableCellStarts, withDrawnUnderscores } from "../../src/retrieval/loaders/pdfLoader.js";
import { joinWrappedText } from "../../src/retrieval/loaders/textLoader.js";
import { joinHyphenatedWords } from "../../src/retrieval/loaders/lineBreakHyphens.js";
import type { ExtractedDocument } from "../../src/retrieval/types.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/documents/", import.meta.url));
const load = (name: string): Promise<ExtractedDocument> => loadDocument(name, readFileSync(`${FIXTURES}${name}`));
// Lightweight-markup sources (reStructuredText, AsciiDoc), also kept out of the counted documents folder.
const MARKUP = fileURLToPath(new URL("../fixtures/markup/", import.meta.url));
const loadMarkup = (name: string): Promise<ExtractedDocument> => loadDocument(name, readFileSync(`${MARKUP}${name}`));
// Typeset pages, kept out of the documents folder whose files the ingest tests count.
const loadTypeset = (name: string): Promise<ExtractedDocument> => loadDocument(name, readFileSync(fileURLToPath(new URL(`../fixtures/typeset/${name}`, import.meta.url))));

/** Section heading path → its text, as a reader would see the document's outline. */
function outline(doc: ExtractedDocument): Record<string, string> {
  return Object.fromEntries(doc.sections.map((s) => [s.headingPath.join(" > "), doc.text.slice(s.start, s.end).trim()]));
}

// Lines filled up to the writer's wrap width, so a file has a width to be wrapped at.
const filledLines = Array.from({ length: 20 }, () => "This line of running text fills the width that the writer wrapped at.");

describe("loaders", () => {
  it("markdown: drops front matter, keeps text as written, ignores # inside code fences, reads setext headings", async () => {
    const doc = await load("runbook.md");
    expect(doc.format).toBe("markdown");
    expect(doc.title).toBe("Acme Database Runbook");
    expect(doc.text).not.toContain("owner: platform-team");
    expect(doc.text).toContain("Set `work_mem` to 64MB");
    const sections = outline(doc);
    expect(Object.keys(sections)).toEqual([
      "Acme Database Runbook",
      "Acme Database Runbook > Backup",
      "Acme Database Runbook > Backup > WAL archiving",
      "Acme Database Runbook > Tuning",
      "Acme Database Runbook > Restore drills",
    ]);
    expect(sections["Acme Database Runbook > Backup > WAL archiving"]).toContain("# not a heading: this is a shell comment");
    expect(sections["Acme Database Runbook > Restore drills"]).toMatch(/^A restore drill runs/);
  });

  it("markdown: reads a hard-wrapped paragraph as one line, and keeps the lines of fences, tables, lists and hard breaks", async () => {
    const md = [
      "# Debugger",
      "",
      "To instead run until the first breakpoint (specified by a `debugger` statement), set",
      "the `NODE_INSPECT_RESUME_ON_START` environment variable to `1`.",
      "",
      "* `tries` {integer} The number of tries the resolver will try contacting",
      "  each name server before giving up. **Default:** `4`",
      "* `timeout` {integer} Query timeout.",
      "",
      "```sh",
      "node inspect",
      "app.js",
      "```",
      "",
      "| flag | meaning |",
      "|---|---|",
      "",
      "Line one with a hard break  ",
      "line two.",
    ].join("\n");
    const doc = await loadDocument("debugger.md", Buffer.from(md));
    expect(doc.text).toContain("statement), set the `NODE_INSPECT_RESUME_ON_START` environment variable to `1`.");
    expect(doc.text).toContain("will try contacting each name server before giving up.");
    expect(doc.text).toContain("`4`\n* `timeout`");
    expect(doc.text).toContain("```sh\nnode inspect\napp.js\n```");
    expect(doc.text).toContain("| flag | meaning |\n|---|---|");
    expect(doc.text).toContain("hard break  \nline two.");
    expect(outline(doc)["Debugger"]).toMatch(/^To instead run/);
  });

  it("markdown: a heading keeps the underscores of a name and loses only its emphasis", async () => {
    const md = "# Troubleshooting\n\n## EMBEDDING_MODEL_MISMATCH\n\nRe-embed.\n\n## _Slow_ answers and `LORE_THREADS`\n\nSet it.\n";
    const doc = await loadDocument("t.md", Buffer.from(md));
    expect(doc.sections.map((s) => s.headingPath.join(" > "))).toEqual(expect.arrayContaining(["Troubleshooting > EMBEDDING_MODEL_MISMATCH", "Troubleshooting > Slow answers and LORE_THREADS"]));
  });

  it("markdown: drops link reference definitions, which render as nothing, but not a paragraph line or code that looks like one", async () => {
    const md = [
      "# DNS",
      "",
      "See [`dns.lookup()`][] and the [threadpool][].",
      "[not]: a definition, it continues the paragraph",
      "",
      "```ini",
      "[section]: value",
      "```",
      "",
      "[`dns.lookup()`]: #dnslookuphostname-options-callback",
      "[threadpool]: cli.md#uv_threadpool_sizesize 'UV_THREADPOOL_SIZE'",
      "",
    ].join("\n");
    const doc = await loadDocument("dns.md", Buffer.from(md));
    expect(doc.text).toContain("See [`dns.lookup()`][] and the [threadpool][]. [not]: a definition, it continues the paragraph");
    expect(doc.text).toContain("```ini\n[section]: value\n```");
    expect(doc.text).not.toContain("#dnslookuphostname");
    expect(doc.text).not.toContain("cli.md#uv_threadpool");
  });

  it("text: joins a paragraph hard-wrapped at the file's width, not a listing, code, or the next list item", () => {
    const filler = Array.from({ length: 20 }, (_, i) => `   Line ${i} of running text wrapped by the editor at its fill column, so.`);
    const text = [
      "3.7\tWill lsof show remote hosts that are using files via NFS on this host?",
      "\tIt will not, said the FAQ.",
      "",
      "   Sed reads its input from stdin (Unix shorthand for standard input) or",
      "   from files, and sends the results to stdout. Most people use sed first",
      "   for its substitution features.",
      "",
      "   Options:",
      "   -n  quiet",
      "   -e  script",
      "",
      "     png_set_compression_level(png_ptr, Z_BEST_COMPRESSION, level, more);",
      "     png_write_info(png_ptr, info_ptr);",
      "",
      "   - a list item that is long enough to reach the width of the text, here",
      "   - and a second item",
      "",
      ...filler,
    ].join("\n");
    const joined = joinWrappedText(text);
    expect(joined).toContain("3.7\tWill lsof show remote hosts that are using files via NFS on this host? It will not, said the FAQ.");
    expect(joined).toContain("   Sed reads its input from stdin (Unix shorthand for standard input) or from files, and sends the results to stdout. Most people use sed first for its substitution features.");
    expect(joined).toContain("   Options:\n   -n  quiet\n   -e  script");
    expect(joined).toContain("Z_BEST_COMPRESSION, level, more);\n     png_write_info");
    expect(joined).toContain("here\n   - and a second item");
  });

  it("joins a word hyphenated at a line end, and keeps the hyphen of a compound the document writes with one", () => {
    const text = "VALUE must specify one of the alterna-\ntives with a run-\ntime check. A run-time error is raised.";
    expect(joinHyphenatedWords(text)).toBe("VALUE must specify one of the alternatives with a run-time check. A run-time error is raised.");
    const wrapped = [...filledLines, "The manual pages are man(1), whatis(1), apropos(1) and man-", "path(5), the manpath(1) command's file."].join("\n");
    expect(joinWrappedText(wrapped)).toContain("apropos(1) and manpath(5), the manpath(1) command's file.");
  });

  it("text: leaves a list of short items and a log file line by line, and keeps a compound's hyphen at a wrap", () => {
    const packages = Array.from({ length: 25 }, (_, i) => `package${String(i).padStart(2, "0")}`).join("\n");
    expect(joinWrappedText(packages)).toBe(packages);
    const log = Array.from({ length: 30 }, (_, i) => `2024-01-01 12:00:${String(i).padStart(2, "0")} INFO worker ${i} finished its batch of jobs and went idle`).join("\n");
    expect(joinWrappedText(log)).toBe(log);
    const cow = joinWrappedText([...filledLines, "Snapshots of the volumes use the classic and very well known copy-on-", "write strategy for blocks."].join("\n"));
    expect(cow).toContain("well known copy-on-write strategy for blocks.");
    expect(joinHyphenatedWords("the copy-on-\nwrite strategy")).toBe("the copy-on-write strategy");
    expect(joinWrappedLines("set the key with aes128_\nset_encrypt_key first, and check ASN1_MAX_\nNAME_SIZE")).toBe("set the key with aes128_set_encrypt_key first, and check ASN1_MAX_NAME_SIZE");
  });

  it("text: drops terminal formatting a manual rendered for a terminal kept", async () => {
    const doc = await loadDocument("man-db.txt", Buffer.from("\x1b[1mman-db\x1b[0m caches b\bbo\bol\bld manual pages."));
    expect(doc.text).toBe("man-db caches bold manual pages.");
  });

  it("pdf: joins the lines of a sentence wrapped at the page width, not a list or a new sentence", () => {
    const page = [
      "Passwords must be at least 14 characters long and are rotated",
      "every 180 days by the identity team, which also reviews",
      "(quarterly) the list of administrators.",
      "Two-factor authentication is mandatory.",
      "Report a breach to security@acme.example:",
      "within one hour",
      "Owner",
      "platform",
    ].join("\n");
    expect(joinWrappedLines(page).split("\n")).toEqual([
      "Passwords must be at least 14 characters long and are rotated every 180 days by the identity team, which also reviews (quarterly) the list of administrators.",
      "Two-factor authentication is mandatory.",
      "Report a breach to security@acme.example:",
      "within one hour",
      "Owner",
      "platform",
    ]);
  });

  it("text: the whole file as one untitled section", async () => {
    const doc = await load("notes.txt");
    expect(doc.format).toBe("text");
    expect(doc.sections).toHaveLength(1);
    expect(doc.text).toContain("Refunds above 500 euros need a second approval");
  });

  it("html: visible text, title, heading paths, table rows", async () => {
    const doc = await load("onboarding.html");
    expect(doc.title).toBe("Onboarding & Access");
    expect(doc.text).not.toMatch(/tracking|font-family|Wiki/);
    expect(doc.text).toContain("The database role is named app_readonly and grants read-only access.");
    expect(doc.text).toContain("4 | Support “Tier 2”");
    expect(outline(doc)["Onboarding & Access > Office"]).toMatch(/^Badges open the doors/);
  });

  it("pdf: text per page, pages as sections, title from the PDF info", async () => {
    const doc = await load("security-policy.pdf");
    expect(doc.format).toBe("pdf");
    expect(doc.title).toBe("Acme Security Policy");
    const pages = outline(doc);
    expect(Object.keys(pages)).toEqual(["Page 1", "Page 2"]);
    expect(pages["Page 1"]).toContain("Passwords must be at least 14 characters long.");
    expect(pages["Page 2"]).toContain("Report a suspected breach to security@acme.example within one hour.");
  });

  it("pdf: an underscore TeX draws as a rule under a gap (Texinfo's identifiers) is read back, a table border is not one", async () => {
    const doc = await loadTypeset("typeset-reference.pdf");
    expect(doc.text).toContain("Call asn1_write_value to set a value.");
    expect(doc.text).toContain("Set the default key size.");
    // The same page from a producer other than TeX: its drawing is not read.
    const drawn = await loadTypeset("drawn-reference.pdf");
    expect(drawn.text).toContain("Call asn1 write value to set a value.");
  });

  it("pdf: a table's cells stand apart by a column gap and each row is a line; a lone wide gap is a word space", async () => {
    const doc = await loadTypeset("table-reference.pdf");
    expect(doc.text.split("\n")).toEqual([
      "Font properties",
      `family${COLUMN_GAP}String${COLUMN_GAP}Font family names`,
      `pixelsize${COLUMN_GAP}Double${COLUMN_GAP}Pixel size`,
      // Not joined to the row before, though it starts in lower case after a line that does not end a sentence.
      `antialias${COLUMN_GAP}Bool${COLUMN_GAP}whether glyphs can be antialiased`,
      "A number needs a digit before its decimal point.",
      "Chapter 7: Reference 69",
    ]);
  });

  it("pdf: takes aligned wide gaps for table cells, not a list's marker, nor a gap after a piece of unknown width", () => {
    const piece = (str: string, x: number, y: number, width: number, hasEOL = false) => ({ str, x, transform: [1, 0, 0, 1, x, y], width, height: 10, hasEOL });
    const row = (y: number, cells: [string, number, number][]) => cells.map(([str, x, width], i) => piece(str, x, y, width, i === cells.length - 1));
    const table = [...row(700, [["family", 72, 30], ["String", 180, 30]]), ...row(686, [["size", 72, 20], ["Double", 180, 30]])];
    expect([...tableCellStarts(table)].map((p) => p.str)).toEqual(["String", "Double"]);
    const list = [...row(700, [["•", 90, 5], ["The worker restarts", 108, 90]]), ...row(686, [["•", 90, 5], ["The queue drains", 108, 80]])];
    expect(tableCellStarts(list).size).toBe(0);
    const unknownWidth = [...row(700, [["hello", 72, 0], ["world", 110, 25]]), ...row(686, [["hi", 72, 0], ["there", 110, 25]])];
    expect(tableCellStarts(unknownWidth).size).toBe(0);
  });

  it("pdf: puts a drawn underscore under the right gap of a sentence set in a proportional font", () => {
    // Measured on page 37 of the Nettle manual: one pdf.js piece, two rules under the identifier's gaps.
    const piece = { str: "The DES3 block-size is the same as DES BLOCK SIZE, 8.", transform: [10.9091, 0, 0, 10.9091, 118.8, 219.663], width: 283.325, height: 10.9091, hasEOL: true };
    const rules = [
      { x0: 314.654, x1: 317.927, y: 219.898 },
      { x0: 358.848, x1: 362.121, y: 219.898 },
    ];
    expect(withDrawnUnderscores(piece, rules)).toBe("The DES3 block-size is the same as DES_BLOCK_SIZE, 8.");
    // A rule away from the baseline (a table border under the line) changes nothing.
    expect(withDrawnUnderscores(piece, rules.map((r) => ({ ...r, y: r.y - 8 })))).toBe(piece.str);
  });

  it("docx: headings survive through mammoth's HTML, table rows stay together", async () => {
    const doc = await load("release-guide.docx");
    expect(doc.format).toBe("docx");
    expect(doc.title).toBe("Release Guide");
    const sections = outline(doc);
    expect(sections["Release Guide > Versioning"]).toContain("semantic versioning");
    expect(sections["Release Guide > Rollback"]).toContain("production | release manager");
  });

  it("json: one readable key: value section per record, labelled by its name", async () => {
    const doc = await load("services.json");
    const records = outline(doc);
    expect(Object.keys(records)).toEqual(["orders-api", "billing-worker", "search-indexer"]);
    expect(records["orders-api"]).toBe(
      "name: orders-api\nowner.team: commerce\nowner.email: commerce@acme.example\nport: 8443\ntags: critical, public",
    );
  });

  it("jsonl: one section per line, blank lines skipped", async () => {
    const doc = await load("incidents.jsonl");
    expect(doc.sections.map((s) => s.headingPath)).toEqual([["INC-101"], ["INC-102"], ["INC-103"]]);
    expect(outline(doc)["INC-102"]).toContain("summary: Nightly backup skipped because the WAL bucket credentials expired.");
  });

  it("rst: renders roles, references and directives as a reader sees them, drops what renders as nothing", async () => {
    const doc = await loadMarkup("backup-guide.rst");
    expect(doc.format).toBe("rst");
    expect(doc.title).toBe("Backup Guide");
    const sections = outline(doc);
    expect(Object.keys(sections)).toEqual(["Backup Guide", "Backup Guide > Scheduling", "Backup Guide > Scheduling > Functions", "Backup Guide > Restoring"]);
    // A paragraph is one line, a reference spanning a line break shows its title, a function role its call.
    expect(sections["Backup Guide"]).toBe("The acme-backup tool copies a database to /var/backups/acme every night; see the archive format for what it writes.");
    expect(sections["Backup Guide > Scheduling"]).toContain("Change the time with the backup_time setting, and call acme.backup.run() to start one by hand.");
    expect(sections["Backup Guide > Scheduling"]).toContain("The retention is seven days.");
    expect(sections["Backup Guide > Scheduling"]).toContain("Note: A backup taken while the database is being upgraded is discarded.");
    expect(sections["Backup Guide > Scheduling"]).toContain("Changed in version 2.1: The default time moved from 01:00 to 02:00.");
    // "::" announces a literal block: it renders as ":", and the block keeps its lines.
    expect(sections["Backup Guide > Scheduling"]).toContain("To run a backup now, type:\n\n    $ acme-backup --now\n    Backup started.");
    expect(sections["Backup Guide > Scheduling > Functions"]).toMatch(/^run\(target, \*, compress=True\)\n\nStart a backup of target and return its id\./);
    expect(sections["Backup Guide > Scheduling > Functions"]).toContain('    import acme.backup\n    acme.backup.run("orders")');
    expect(sections["Backup Guide > Restoring"]).toContain("Command | Effect\nrestore | copies a backup in");
    expect(sections["Backup Guide > Restoring"]).toContain(">>> acme.backup.last()\n'2024-01-01'");
    expect(sections["Backup Guide > Restoring"]).toContain("Older backups are deleted by `acme-prune`.");
    for (const markup of ["toctree", "maxdepth", "This comment", ".. ", ":func:", ":confval:", "_backup-guide", "**", "[#]", "schedule", "+---"]) {
      expect(doc.text, markup).not.toContain(markup);
    }
  });

  it("asciidoc: renders attributes, links, admonitions and lists as a reader sees them, drops what renders as nothing", async () => {
    const doc = await loadMarkup("backup-guide.adoc");
    expect(doc.format).toBe("asciidoc");
    expect(doc.title).toBe("Backup Guide");
    const sections = outline(doc);
    expect(Object.keys(sections)).toEqual(["Backup Guide", "Backup Guide > Scheduling", "Backup Guide > Scheduling > Restoring"]);
    expect(sections["Backup Guide"]).toBe("The Acme Backup tool copies a database to `/var/backups/acme` every night; see the archive format for what it writes.");
    const scheduling = sections["Backup Guide > Scheduling"]!;
    // A link whose text is code shows the code, not the macro around it.
    expect(scheduling).toContain("Change the time with the `backup_time` setting, and see how to restore afterwards. The retention is seven days.");
    expect(scheduling).toContain("Note: A backup taken while the database is being upgraded is discarded.");
    expect(scheduling).toContain("Warning: Never run two backups at once.");
    // A block title, then the listing's lines without their callout marks.
    expect(scheduling).toContain("To run a backup now\n    $ acme-backup --now\n    Backup started.\n(1) Starts at once.");
    expect(scheduling).toContain("1. Stop the service.\n2. Run the backup.\n  1. Check its log.");
    expect(scheduling).toContain("retention: How many days a backup is kept.");
    // A cell's text carried on over lines (after its row is complete) stays in its cell; an Antora page reference shows the page's name.
    expect(sections["Backup Guide > Scheduling > Restoring"]).toBe(
      "Command | Effect\nrestore | copies a backup in over the live database. See restore drills.\n\n    $ acme-restore --latest",
    );
    for (const markup of ["Jane Doe", "v2.1", ":product:", "{", "This comment", "never shown", "[source", "[#", "<<", "include::", "ifdef", "|===", "////"]) {
      expect(doc.text, markup).not.toContain(markup);
    }
  });

  it("man: renders a roff page as man shows it, options as terms above their descriptions", async () => {
    const doc = await loadMarkup("acme-backup.8");
    expect(doc.format).toBe("man");
    expect(doc.title).toBe("ACME-BACKUP(8)");
    const sections = outline(doc);
    expect(Object.keys(sections)).toEqual([
      "ACME-BACKUP(8) > NAME",
      "ACME-BACKUP(8) > SYNOPSIS",
      "ACME-BACKUP(8) > DESCRIPTION",
      "ACME-BACKUP(8) > OPTIONS",
      "ACME-BACKUP(8) > OPTIONS > Exit status",
      "ACME-BACKUP(8) > EXAMPLES",
    ]);
    expect(sections["ACME-BACKUP(8) > SYNOPSIS"]).toBe("acme-backup [--now] [-k days]");
    // Filled lines join into one, fonts and escapes render, macro definitions and conditionals show nothing.
    expect(sections["ACME-BACKUP(8) > DESCRIPTION"]).toBe(
      "acme-backup copies the database to /var/backups/acme every night; see acme.conf(5) for the schedule.\n\nBackups older than the retention period — seven days by default — are deleted.",
    );
    // Tagged paragraphs (.TP) and DocBook's tag-then-indented-description (.RS) both read as a term above its description; a tbl table is a row a line.
    expect(sections["ACME-BACKUP(8) > OPTIONS"]).toBe(
      "-k, --keep=days\n\nKeep each backup for days days instead of seven.\n\n--now\n\nStart a backup at once.\n\nnofail\n\ndo not report an error when the volume is missing.\n\nStatus | Meaning\n0 | the backup was written",
    );
    expect(sections["ACME-BACKUP(8) > OPTIONS > Exit status"]).toBe("• 0 when the backup was written.");
    expect(sections["ACME-BACKUP(8) > EXAMPLES"]).toBe("$ acme-backup --now\n    Backup started.");
    for (const markup of ["Generated for the tests", "macro definition", "\\f", "\\-", ".TP", "ad l"]) expect(doc.text, markup).not.toContain(markup);
  });

  it("reads a gzipped file as the file inside (ls.1.gz); a name like a manual page's needs roff content", async () => {
    const page = readFileSync(`${MARKUP}acme-backup.8`);
    const unpacked = await loadDocument("acme-backup.8", page);
    expect(await loadDocument("acme-backup.8.gz", gzipSync(page))).toEqual(unpacked);
    expect(detectFormat("acme-backup.8.gz", gzipSync(page))).toBe("man");
    expect(isSupportedFile("ls.1.gz")).toBe(true);
    expect(isSupportedFile("notes.md.gz")).toBe(true);
    expect(isSupportedFile("release.tar.gz")).toBe(false);
    expect(isSupportedFile("openssl.1ssl")).toBe(true);
    expect(isSupportedFile("find.info-2.gz")).toBe(true);
    // A name like a manual page's says little ("syslog.1" is a rotated log): the content must be roff.
    expect(() => detectFormat("syslog.1", Buffer.from("Jan 12 10:00:01 host cron[42]: started\n"))).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FORMAT" }));
    expect(needsContentCheck("syslog.1")).toBe(true);
    expect(needsContentCheck("notes.md.gz")).toBe(false);
    // A folder listing reads a file's first bytes only: a gzip stream cut short still unpacks as far as it goes.
    const packed = gzipSync(page);
    expect(isRecognizedContent("acme-backup.8.gz", packed.subarray(0, packed.length - 8))).toBe(true);
    expect(isRecognizedContent("app.log.2.gz", gzipSync("2024-01-01 12:00:00 INFO started\n"))).toBe(false);
    expect(detectFormat("upload", page)).toBe("man");
    await expect(loadDocument("acme-backup.8.gz", page)).rejects.toMatchObject({ code: "PARSE_FAILED" });
  });

  it("info: nodes' underlined titles give heading paths; filled text, tags and references read as the Info reader shows them", async () => {
    const filled = Array.from({ length: 12 }, (_, i) => `Line ${i} of the introduction is filled up to the width that makeinfo wraps\nits paragraphs at, so that joining the wrapped lines can be checked.`).join("\n");
    const info = [
      "This is acme.info, produced by makeinfo version 6.8 from acme.texi.\n\nThis manual documents Acme Backup.\nINFO-DIR-SECTION Utilities\nSTART-INFO-DIR-ENTRY\n* acme: (acme).   Backups.\nEND-INFO-DIR-ENTRY\n\n",
      "\nFile: acme.info,  Node: Top,  Next: Introduction,  Up: (dir)\n\nAcme Backup\n***********\n\nThis manual documents Acme Backup.\n\n* Menu:\n\n* Introduction::     What it does.\n\n",
      `\nFile: acme.info,  Node: Introduction,  Next: Options,  Prev: Top,  Up: Top\n\n1 Introduction\n**************\n\n${filled}\n\n`,
      "\nFile: acme.info,  Node: Options,  Prev: Introduction,  Up: Introduction\n\n1.1 Options\n===========\n\n\0\b[index\0\b]\n‘--keep=DAYS’\n     Keep each backup for DAYS days; *note Introduction::, for the\n     schedule.\n\n",
      "\nTag Table:\nNode: Top89\n\u001f\nEnd Tag Table\n",
    ].join("\u001f");
    const doc = await loadDocument("acme.info", Buffer.from(info));
    expect(doc.format).toBe("info");
    expect(doc.title).toBe("Acme Backup");
    const sections = outline(doc);
    expect(Object.keys(sections)).toEqual(["Acme Backup", "1 Introduction", "1 Introduction > 1.1 Options"]);
    expect(sections["Acme Backup"]).toBe("This manual documents Acme Backup.");
    expect(sections["1 Introduction"]).toContain("Line 0 of the introduction is filled up to the width that makeinfo wraps its paragraphs at, so that joining the wrapped lines can be checked. Line 1 of");
    expect(sections["1 Introduction > 1.1 Options"]).toBe("‘--keep=DAYS’\n\n     Keep each backup for DAYS days; see Introduction, for the schedule.");
    for (const markup of ["File: acme.info", "Menu:", "What it does", "Tag Table", "makeinfo version", "INFO-DIR", "\0"]) expect(doc.text, markup).not.toContain(markup);
    // The first file of a split manual holds only the index of its parts: its preamble is its text.
    const index = await loadDocument("acme.info", Buffer.from(`${info.split("\u001f")[0]}\u001f\nIndirect:\nacme.info-1: 1201\n\u001f\nTag Table:\n(Indirect)\n\u001f\nEnd Tag Table\n`));
    expect(index.text).toBe("This manual documents Acme Backup.");
  });

  it("epub: the spine's chapters in reading order, each read as HTML, without the navigation document", async () => {
    const zip = new JSZip();
    zip.file("mimetype", "application/epub+zip");
    zip.file("META-INF/container.xml", '<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>');
    zip.file(
      "OEBPS/content.opf",
      `<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Acme Backup &amp; Restore</dc:title></metadata>
      <manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="c1" href="text/ch%201.xhtml" media-type="application/xhtml+xml"/><item id="c1b" href="text/ch%201.xhtml#later" media-type="application/xhtml+xml"/><item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/><item id="css" href="style.css" media-type="text/css"/></manifest>
      <spine><itemref idref="nav"/><itemref idref="c2"/><itemref idref="c1"/><itemref idref="c1b"/><itemref idref="css"/></spine></package>`,
    );
    zip.file("OEBPS/nav.xhtml", "<html><body><nav><ol><li><a href='text/ch2.xhtml'>Scheduling</a></li></ol></nav><p>Contents page text.</p></body></html>");
    zip.file("OEBPS/text/ch2.xhtml", "<html><head><title>Scheduling</title></head><body><h1>Scheduling</h1><p>Backups start at 02:00.</p><h2>Retention</h2><p>Backups are kept for seven days.</p></body></html>");
    zip.file("OEBPS/text/ch 1.xhtml", "<html><head><title>Preface</title></head><body><p>This book covers Acme Backup 2.1.</p></body></html>");
    zip.file("OEBPS/style.css", "p { margin: 0 }");
    const doc = await loadDocument("acme.epub", await zip.generateAsync({ type: "nodebuffer" }));
    expect(doc.format).toBe("epub");
    expect(doc.title).toBe("Acme Backup & Restore");
    const sections = outline(doc);
    expect(Object.keys(sections)).toEqual(["Scheduling", "Scheduling > Retention", "Preface"]);
    expect(sections["Scheduling > Retention"]).toBe("Backups are kept for seven days.");
    // The chapter listed twice in the spine (once per fragment) is read once, after the one before it.
    expect(doc.text.match(/This book covers/g)).toHaveLength(1);
    expect(doc.text.indexOf("Backups start")).toBeLessThan(doc.text.indexOf("This book covers"));
    expect(doc.text).not.toContain("Contents page text");
    expect(detectFormat("upload", await zip.generateAsync({ type: "nodebuffer" }))).toBe("epub");
    await expect(loadDocument("broken.epub", Buffer.from("PK\u0003\u0004 not a zip"))).rejects.toMatchObject({ code: "PARSE_FAILED" });
  });

  it("epub: refuses a zip bomb while inflating and DRM-encrypted chapters, skips a chapter the zip lacks", async () => {
    const CONTAINER = '<?xml version="1.0"?><container><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>';
    const book = (files: Record<string, string>, opfExtra = "") => {
      const zip = new JSZip();
      zip.file("META-INF/container.xml", CONTAINER);
      zip.file(
        "content.opf",
        `<package><metadata><dc:title>Book</dc:title>${opfExtra}</metadata><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/><item id="b" href="b.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>`,
      );
      for (const [name, text] of Object.entries(files)) zip.file(name, text, { compression: "DEFLATE" });
      return zip.generateAsync({ type: "nodebuffer" });
    };
    // b.xhtml is named by the package but missing: the rest of the book is read.
    const partial = await loadDocument("partial.epub", await book({ "a.xhtml": "<p>Chapter one survives.</p>" }));
    expect(partial.text).toBe("Chapter one survives.");

    // A container.xml of 9 MB compresses to kilobytes; it is stopped at its limit while inflating.
    const bomb = new JSZip();
    bomb.file("META-INF/container.xml", `${CONTAINER}${" ".repeat(9 * 1024 * 1024)}`, { compression: "DEFLATE" });
    const bombBytes = await bomb.generateAsync({ type: "nodebuffer" });
    expect(bombBytes.length).toBeLessThan(100_000);
    await expect(loadDocument("bomb.epub", bombBytes)).rejects.toMatchObject({ code: "PARSE_FAILED", message: expect.stringMatching(/unpacks to more than/) });

    // Deep nesting in the package document costs time in proportion to its size, not depth × text.
    const nested = `${"<x>t".repeat(20_000)}${"</x>".repeat(20_000)}`;
    expect((await loadDocument("nested.epub", await book({ "a.xhtml": "<p>Still read.</p>" }, nested))).text).toBe("Still read.");

    const drm = new JSZip();
    drm.file("META-INF/container.xml", CONTAINER);
    drm.file("META-INF/encryption.xml", '<encryption><EncryptedData><CipherData><CipherReference URI="a.xhtml"/></CipherData></EncryptedData></encryption>');
    drm.file("content.opf", '<package><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>');
    drm.file("a.xhtml", "\u0001\u00f3\u00a9 ciphertext");
    await expect(loadDocument("drm.epub", await drm.generateAsync({ type: "nodebuffer" }))).rejects.toMatchObject({ code: "UNSUPPORTED_FORMAT", message: expect.stringMatching(/encrypted/) });
  });

  // Inputs on which a pattern tried from every position of a long line cost its length squared or
  // cubed (seconds to minutes each); each must still render right.
  it("renders pathological lines of every markup without backtracking over them", async () => {
    const load = (name: string, text: string) => loadDocument(name, Buffer.from(text));
    const spaces = " ".repeat(20_000);
    const listing = await load("a.adoc", `----\nx${spaces}y <1>\n----\n`);
    expect(listing.text).toBe(`    x${spaces}y`);
    expect((await load("b.adoc", `== Title${spaces}b ==\n\ntext\n`)).sections[0]!.headingPath).toEqual([`Title${spaces}b`]);
    expect((await load("c.adoc", `:a: x${spaces}y\n\n{a}\n`)).text).toBe(`x${spaces}y`);
    expect((await load("d.adoc", `see image:x[${"w ".repeat(30_000)} end\n`)).text).toContain("end");
    expect((await load("e.adoc", `|===\n|a${spaces}b |c\n|===\n`)).text).toBe(`a${spaces}b | c`);
    expect((await load("f.rst", `${":a".repeat(50_000)}\n`)).text).toHaveLength(100_000);
    expect((await load("g.rst", `+---+\n| x${spaces}y |\n+---+\n`)).text.trim()).toBe(`x${spaces}y`);
    expect((await load("h.1", `.TH H 1\n.SH NAME\n${"\\[em]".repeat(50_000)}\n`)).text).toContain("—".repeat(50_000));
    expect((await load("i.1", `.TH I 1\n.SH NAME\n${"word\\\n".repeat(50_000)}end\n`)).text).toContain(`${"word".repeat(50_000)}end`);
    // Thousands of nested mdoc macros on one line: read, not refused for a blown stack.
    expect((await load("j.1", `.Dd x\n.Dt J 1\n.Sh NAME\n.Op${" Fl".repeat(4000)}\n`)).text).toContain("[-");
    expect((await load("k.info", `This is k.info, produced by makeinfo.\n\n\u001f\nFile: k.info,  Node: Top,  Up: (dir)\n\nTop\n***\n\n${"*note a ".repeat(50_000)}\n`)).text).toContain("*note a");
    // A paragraph of 10,000 lines wrapped at the file's width, each ending in a word cut by a hyphen.
    const cuts = await load("l.txt", `${Array.from({ length: 10_000 }, (_, i) => `${i ? "tion " : ""}${"word ".repeat(13)}frac-\n`).join("")}tion end.\n`);
    expect(cuts.text).toContain("word fraction word");
    expect(cuts.text.trim().split("\n")).toHaveLength(1);
  });

  it("every fixture's sections lie inside its text", async () => {
    const fixtures = [...readdirSync(FIXTURES).filter((n) => !n.startsWith("broken")).map((n) => `${FIXTURES}${n}`), ...readdirSync(MARKUP).map((n) => `${MARKUP}${n}`)];
    for (const name of fixtures) {
      const doc = await loadDocument(name, readFileSync(name));
      expect(doc.sections.length, name).toBeGreaterThan(0);
      for (const s of doc.sections) {
        expect(0 <= s.start && s.start < s.end && s.end <= doc.text.length, `${name} ${s.start}-${s.end}`).toBe(true);
      }
    }
  });

  it("a broken file is a PARSE_FAILED LoreError, an unknown type UNSUPPORTED_FORMAT", async () => {
    await expect(load("broken.pdf")).rejects.toMatchObject({ code: "PARSE_FAILED" });
    await expect(loadDocument("bad.json", Buffer.from("{ not json"))).rejects.toMatchObject({ code: "PARSE_FAILED" });
    await expect(loadDocument("notes.docx", Buffer.from("plain text"))).rejects.toBeInstanceOf(LoreError);
    expect(() => detectFormat("image.png", Buffer.from([0x89, 0x50]))).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FORMAT" }));
  });

  it("sniffs the format of a file without an extension", () => {
    expect(detectFormat("upload", readFileSync(`${FIXTURES}security-policy.pdf`))).toBe("pdf");
    expect(detectFormat("upload", readFileSync(`${FIXTURES}release-guide.docx`))).toBe("docx");
    expect(detectFormat("upload", Buffer.from("<!DOCTYPE html><p>x</p>"))).toBe("html");
    expect(detectFormat("upload", Buffer.from("just words"))).toBe("text");
    expect(detectFormat("guide.rst", Buffer.from("Title\n=====\n"))).toBe("rst");
    expect(detectFormat("guide.adoc", Buffer.from("= Title\n"))).toBe("asciidoc");
  });
});
