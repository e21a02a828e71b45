import { describe, expect, it } from "vitest";
import { describedTerm, referentOf, withLeadIn, withQuoteContext, withAnnouncedListing, withDependentSentences, withStatedNumber } from "../../src/agents/quoteContext.js";
import { buildCandidates, type EvidenceCandidate } from "../../src/agents/evidenceCandidates.js";
import type { SearchHit } from "../../src/retrieval/types.js";

const START = 1000;
const text = [
  "Enabling the cache is a matter of editing squid.conf and allowing the local network. The following example shows the modifications made by the administrators:",
  "",
  "Example 11.22. The squid.conf file (excerpts)",
  "",
  "# Example rule allowing access from your local networks.",
  "acl our_networks src 192.168.1.0/24",
  "http_access allow our_networks",
  "http_access deny all",
  "",
  "Once squid.conf is changed, the service has to be restarted so that it reads the new configuration.",
].join("\n");
const hit: SearchHit = { chunkId: "proxy#2", documentId: "proxy", collection: "test", source: "proxy.html", title: undefined, headingPath: [], text, start: START, end: START + text.length, score: { fused: 1 } };
const candidates = buildCandidates([{ stepId: 1, hits: [hit] }]);
const byText = (prefix: string) => candidates.find((c) => c.text.startsWith(prefix))!;
const inDocument = (c: { start: number; end: number }) => text.slice(c.start - START, c.end - START);

/** The candidate sentences of a one-chunk document, found by how they start. */
function sentenceFinder(documentId: string, body: string, start = 0): (prefix: string) => EvidenceCandidate {
  const sentences = buildCandidates([{ stepId: 1, hits: [{ ...hit, chunkId: `${documentId}#0`, documentId, text: body, start, end: start + body.length }] }]);
  return (prefix) => sentences.find((c) => c.text.startsWith(prefix))!;
}

describe("withAnnouncedListing", () => {
  it("quotes a lead-in with the caption and listing it announces, verbatim, up to the next paragraph of running text", () => {
    const leadIn = withAnnouncedListing(byText("The following example"), { followNextLeadIn: false });
    expect(leadIn.text.endsWith("http_access deny all")).toBe(true);
    expect(leadIn.text).toContain("Example 11.22.");
    expect(leadIn.text).not.toContain("restarted");
    expect(inDocument(leadIn)).toBe(leadIn.text);
  });

  it("follows the next sentence's lead-in only when asked to", () => {
    const statement = byText("Enabling the cache");
    expect(withAnnouncedListing(statement, { followNextLeadIn: false })).toBe(statement);
    const followed = withAnnouncedListing(statement, { followNextLeadIn: true });
    expect(followed.text.startsWith("Enabling the cache")).toBe(true);
    expect(followed.text).toContain("acl our_networks src 192.168.1.0/24");
    expect(inDocument(followed)).toBe(followed.text);
  });

  it("follows the next sentence's lead-in when a plain-text manual hard-wraps it, not a listing of short lines ending in a colon", () => {
    const manual = [
      "PNG files store 16-bit pixels in network byte order (big-endian,",
      "ie. most significant bits first).  This code changes the storage to the",
      "other way (little-endian, i.e. least significant bits first, the",
      "way PCs store them):",
      "",
      "    if (bit_depth == 16)",
      "       png_set_swap(png_ptr);",
      "",
      "If you are using packed-pixel images (1, 2, or 4 bits/pixel), and you",
      "need to change the order the pixels are packed into bytes, call png_set_packswap().",
    ].join("\n");
    const find = sentenceFinder("libpng", manual);
    const followed = withAnnouncedListing(find("PNG files store"), { followNextLeadIn: true });
    expect(followed.text).toContain("png_set_swap(png_ptr);");
    expect(followed.text).not.toContain("packed-pixel");
    // A listing at the lead-in's own indent is not cut at its first line of words.
    const sshd = sentenceFinder(
      "sshd",
      [
        "The daemon reads its configuration at start, and the administrators of the",
        "site restrict the accounts that may log in over the network with lines",
        "in the main configuration file like the ones of this short example:",
        "AllowUsers alice bob carol dave eve frank",
        "PermitRootLogin no",
      ].join("\n"),
    );
    expect(withAnnouncedListing(sshd("The daemon"), { followNextLeadIn: false }).text.endsWith("PermitRootLogin no")).toBe(true);
    // A list's items wrap back to the list's own indent: they are the listing, not the prose after it.
    const news = [
      "Release 3.15.0 (12 April 2019) brings the following changes to the tools:",
      "- DHAT has been thoroughly overhauled, improved, and given a GUI. As a result,",
      "it has been promoted from an experimental tool to a regular tool. Results",
      "can be viewed with the new viewer, dh_view.html. The viewer runs in",
      "any web browser.",
    ].join("\n");
    const release = sentenceFinder("news", news)("Release 3.15.0");
    expect(withAnnouncedListing(release, { followNextLeadIn: false }).text).toContain("dh_view.html");
    const listing = "The cache is kept in memory. Set these\ncache on\nsize 10:\n\n  size 20";
    const statement = sentenceFinder("listing", listing)("The cache is kept");
    expect(withAnnouncedListing(statement, { followNextLeadIn: true })).toBe(statement);
  });

  it("leaves a sentence that announces nothing, or whose lead-in is followed by prose, as it is", () => {
    const last = byText("Once squid.conf");
    expect(withAnnouncedListing(last, { followNextLeadIn: true })).toBe(last);
    const prose = "To use it:\n\nThe daemon has to be enabled first, then the configuration file has to be written by hand.";
    const proseHit = { ...hit, chunkId: "p#0", documentId: "p", text: prose, start: 0, end: prose.length };
    const leadIn = buildCandidates([{ stepId: 1, hits: [proseHit] }])[0]!;
    expect(withAnnouncedListing(leadIn, { followNextLeadIn: false })).toBe(leadIn);
  });

  it("quotes a sentence that stops mid-clause with the indented listing that finishes it, not a heading with its paragraph", () => {
    const manual = [
      "Larger images will be rejected. If you wish to change these limits, you can use",
      "",
      "    png_set_user_limits(png_ptr, width_max, height_max);",
      "",
      "to set your own limits.",
      "",
      "1.3. FAQ revision information",
      "",
      "    In the plaintext version, changes are shown by a vertical bar placed in column 78 of the affected lines.",
    ].join("\n");
    const find = sentenceFinder("png", manual);
    expect(withAnnouncedListing(find("If you wish"), { followNextLeadIn: false }).text).toBe(
      "If you wish to change these limits, you can use\n\n    png_set_user_limits(png_ptr, width_max, height_max);",
    );
    const heading = find("FAQ revision information");
    expect(withAnnouncedListing(heading, { followNextLeadIn: false })).toBe(heading);
  });

  it("stops a Markdown listing at the first line of running text, even without a blank line before it", () => {
    const markdown = [
      "Upload a file with `POST /v1/documents` as multipart/form-data:",
      "",
      "```sh",
      "# upload one file. It goes into the default collection unless a collection is named.",
      "curl -s http://127.0.0.1:8080/v1/documents -F file=@handbook.pdf",
      "```",
      "The optional text fields are `collection`, `source`, `tags` and `acl`, comma-separated.",
      "Uploads larger than 25 MiB are refused with status 413.",
    ].join("\n");
    const mdHit = { ...hit, chunkId: "md#0", documentId: "md", text: markdown, start: 0, end: markdown.length };
    const leadIn = withAnnouncedListing(buildCandidates([{ stepId: 1, hits: [mdHit] }])[0]!, { followNextLeadIn: false });
    expect(leadIn.text.endsWith("```")).toBe(true);
    expect(leadIn.text).toContain("curl -s");
    expect(leadIn.text).not.toContain("optional text fields");
  });

  it("cuts a long listing at a line end", () => {
    const plain = byText("The following example");
    const leadIn = withAnnouncedListing(plain, { followNextLeadIn: false, maxChars: 120 });
    expect(leadIn.end - plain.end).toBeLessThanOrEqual(120);
    expect(leadIn.text).toContain("Example 11.22.");
    expect(leadIn.text).not.toContain("http_access deny all");
    expect(text.slice(leadIn.end - START).startsWith("\n")).toBe(true);
  });
});

describe("withDependentSentences", () => {
  const prose = [
    "Be aware that the commands that query DNS directly do not use the name service switch.",
    "As a consequence, they do not read /etc/hosts either.",
    "The user might still log in with an SSH key.",
    "To prevent even this, expire the account with chage -E 1.",
    "Other tools read /etc/nsswitch.conf.",
  ].join(" ");
  const find = sentenceFinder("dns", prose);

  it("quotes the sentence before a sentence that leans on it, and the sentence after one that is leant on", () => {
    expect(withDependentSentences(find("As a consequence")).text).toBe(`${find("Be aware").text} ${find("As a consequence").text}`);
    expect(withDependentSentences(find("The user might")).text).toBe(`${find("The user might").text} ${find("To prevent").text}`);
    expect(withDependentSentences(find("Other tools"))).toBe(find("Other tools"));
  });

  it("keeps one quote when two selected sentences lean on each other", () => {
    const chosen = withQuoteContext([find("Be aware"), find("As a consequence"), find("Other tools")], { followNextLeadIn: false });
    expect(chosen.map((c) => c.text)).toEqual([`${find("Be aware").text} ${find("As a consequence").text}`, find("Other tools").text]);
  });
});

describe("withDependentSentences in option references", () => {
  const reference = [
    "Branch prediction statistics are not collected by default. To do so, add the option --branch-sim=yes.",
    "Statically linked malloc functions are not replaced. The workaround is to link dynamically.",
    "By default, Massif measures only heap memory. However, if you wish to measure all the memory used by your program, you can use --pages-as-heap=yes.",
    "The policy can also be set through the NODE_CLUSTER_SCHED_POLICY environment variable. Valid values are 'rr' and 'none'.",
    "",
    "--track-fds=<yes|no|all> [default: no]",
    "",
    "When enabled, Valgrind prints a list of open file descriptors on exit.",
    "",
    "CAUTION IPv6 tunneling and firewalls",
    "",
    "Tunnels need the firewall to accept protocol 41.",
    "",
    "→ https://lists.example.org/ipv6/",
    "",
    "The list discusses tunnels.",
  ].join("\n");
  const find = sentenceFinder("ref", reference);

  it("quotes an option's description with the option line it describes", () => {
    expect(withDependentSentences(find("When enabled")).text).toBe("--track-fds=<yes|no|all> [default: no]\n\nWhen enabled, Valgrind prints a list of open file descriptors on exit.");
  });

  it("quotes a Texinfo definition's description with its definition line, and a quoted option with its line", () => {
    const manual = sentenceFinder(
      "nettle",
      [
        "[Function]int memeql_sec (const void *a , const void *b , size t n )",
        "",
        "Side-channel silent comparison of the n bytes at a and b. Return non-zero if the areas are equal.",
        "‘--enable-mini-gmp’",
        "Use the smaller and slower mini-gmp implementation of the bignum functions.",
      ].join("\n"),
    );
    expect(withDependentSentences(manual("Side-channel")).text).toBe("[Function]int memeql_sec (const void *a , const void *b , size t n )\n\nSide-channel silent comparison of the n bytes at a and b.");
    expect(withDependentSentences(manual("Use the smaller")).text).toBe("‘--enable-mini-gmp’\nUse the smaller and slower mini-gmp implementation of the bignum functions.");
  });

  it("quotes 'To do so, …' with what it does, a problem with 'The workaround is …', and a contrast", () => {
    expect(withDependentSentences(find("To do so")).text).toBe(find("Branch prediction").text + " " + find("To do so").text);
    expect(withDependentSentences(find("Statically linked")).text).toBe(find("Statically linked").text + " " + find("The workaround").text);
    // A contrast ("However, …") is read with what it contrasts with, both ways.
    const contrast = find("By default, Massif").text + " " + find("However").text;
    expect(withDependentSentences(find("However")).text).toBe(contrast);
    expect(withDependentSentences(find("By default, Massif")).text).toBe(contrast);
    // "… to do this" says what it does by pointing at the sentence before; "how to do this" points within its own.
    const alpha = sentenceFinder(
      "libpng",
      "If you can't handle the alpha channel you can call png_set_background() to remove it by compositing against a fixed color. Don't call png_set_strip_alpha() to do this - it will leave spurious pixel values. The next section of the manual shows in detail how to do this for grayscale and palette images.",
    );
    expect(referentOf(alpha("Don't call"))?.text).toBe(alpha("If you can't").text);
    expect(referentOf(alpha("The next section"))).toBeUndefined();
    // A condition without its subject ("If exceeded, …") is about what the sentence before names.
    const option = sentenceFinder("exec", "* `maxBuffer` {number} Largest amount of data in bytes allowed on stdout or stderr. If exceeded, the child process is terminated. If the caller passes a small number, the output of the child is lost before the callback runs.");
    expect(referentOf(option("If exceeded"))?.text).toBe(option("* `maxBuffer`").text);
    // A condition with a subject of its own stands alone.
    expect(referentOf(option("If the caller"))).toBeUndefined();
    // "However many …" contrasts with nothing.
    const manner = sentenceFinder("threads", "Each thread gets its own stack. However many threads you start, the limit stays.");
    expect(referentOf(manner("However many"))).toBeUndefined();
  });

  it("quotes a sentence whose subject points back ('It …', 'This option …') with the sentence it points to, through a definition", () => {
    const manual = sentenceFinder(
      "nettle",
      ["‘--enable-mini-gmp’", "Use the smaller and slower mini-gmp implementation. This option is intended for embedded systems.", "", "2.4 Library Notes", "", "The header file of this library is libtasn1.h."].join("\n"),
    );
    expect(withDependentSentences(manual("This option")).text).toBe("‘--enable-mini-gmp’\nUse the smaller and slower mini-gmp implementation. This option is intended for embedded systems.");
    expect(referentOf(manual("This option"))?.text).toBe("Use the smaller and slower mini-gmp implementation.");
    // A heading is not a sentence to lean on.
    expect(referentOf(manual("The header file"))).toBeUndefined();
    expect(withDependentSentences(manual("The header file"))).toBe(manual("The header file"));
    expect(referentOf(manual("Use the smaller"))).toBeUndefined();
  });

  it("reads a plain-text manual's hard-wrapped paragraph as sentences, not as lines of a listing, and an HTML heading line as a block", () => {
    const faq = [
      "5.11. My script aborts with an error message, \"event not found\".",
      "",
      "   This error is generated by the csh or tcsh shells, not by sed.",
      "   The exclamation mark (!) is special to csh/tcsh, and if you use it in",
      "   command-line or shell scripts--even within single quotes--it must be",
      "   preceded by a backslash, as the examples below show in detail.",
      "   This is why the script fails when typed at a csh prompt.",
    ].join("\n");
    const find = sentenceFinder("sedfaq", faq);
    // A sentence wrapped over three lines is one candidate, not three line fragments.
    expect(find("The exclamation").text).toBe(faq.slice(faq.indexOf("The exclamation"), faq.indexOf("detail.") + "detail.".length));
    // A sentence opening the line after a full line leans on the sentence that line ends.
    expect(referentOf(find("This is why"))?.text).toBe(find("The exclamation").text);
    // The same in a chunk that starts deep in its document.
    const deep = sentenceFinder("sedfaq", faq, 5000);
    expect(referentOf(deep("This is why"))?.text).toBe(deep("The exclamation").text);
    expect(withDependentSentences(deep("This is why")).text).toBe(faq.slice(faq.indexOf("The exclamation"), faq.indexOf("prompt.") + "prompt.".length));
    // A line of spaces is a blank line: "It …" opens a paragraph, and leans on the whole short paragraph before.
    const spaced = sentenceFinder("spaced", faq.replace("\n   This is why the script fails", "\n   \n   It fails"));
    expect(referentOf(spaced("It fails"))?.text.startsWith("This error is generated")).toBe(true);
    // "how\nto do this" points within its own sentence.
    const how = sentenceFinder("how", faq.replace("   This is why the script fails when typed at a csh prompt.", "   The next section of the manual explains in detail how\n   to do this for scripts that are kept in files."));
    expect(referentOf(how("The next section"))).toBeUndefined();
    // An option table's lines and a "+" list stay lines of their own, however many words they hold.
    const table = sentenceFinder("ls", "Options:\n  -a, --all                  do not ignore any entries starting with a dot\n  -A, --almost-all           do not list the implied entries of the directory\n  -l                         use a long listing format for every entry.");
    expect(table("-A, --almost-all")).toBeDefined();
    const plus = sentenceFinder("plus", "Changes:\n+ the cache is now kept on disk between the runs of the tool\n+ the index is rebuilt at once when a page is added or removed\n+ the old options are gone.");
    expect(plus("+ the index")).toBeDefined();
    // Text from HTML keeps paragraphs on one line: a line break there ends a heading, which nothing leans on.
    const html = sentenceFinder("valgrind", "4.5. Memcheck doesn't report any errors and I know my program has errors.\nThere are two possible causes of this.");
    expect(referentOf(html("There are two"))).toBeUndefined();
  });

  it("leans a paragraph-opening pronoun on the short paragraph before it, from its first sentence and the option line", () => {
    const option = sentenceFinder(
      "core",
      [
        "--num-callers=<number> [default: 12]",
        "",
        "Specifies the maximum number of entries shown in stack traces that identify program locations. Note that errors are commoned up using only the top four function locations. So this doesn't affect the total number of errors reported.",
        "",
        "The maximum value for this is 500. Note that higher settings will make Valgrind run a bit more slowly.",
      ].join("\n"),
    );
    const paragraph = "Specifies the maximum number of entries shown in stack traces that identify program locations. Note that errors are commoned up using only the top four function locations. So this doesn't affect the total number of errors reported.";
    expect(referentOf(option("The maximum value"))?.text).toBe(paragraph);
    expect(withDependentSentences(option("The maximum value")).text).toBe(`--num-callers=<number> [default: 12]\n\n${paragraph}\n\nThe maximum value for this is 500.`);
    // Within a paragraph, the sentence right before.
    expect(referentOf(option("So this"))?.text).toBe("Note that errors are commoned up using only the top four function locations.");
    // A longer paragraph gives way to its last sentence; a connective opening a paragraph leans on the sentence before it.
    const long = sentenceFinder("long", "One. Two is here. Three is here. Four is the last one.\n\nThe maximum value for this is 500.\n\nHowever, the limit is 1000 on 64-bit hosts.");
    expect(referentOf(long("The maximum value"))?.text).toBe("Four is the last one.");
    expect(referentOf(long("However"))?.text).toBe("The maximum value for this is 500.");
  });

  it("leans nothing on the last line of a listing, an 'it' that announces what follows, or a text naming its own part", () => {
    const build = sentenceFinder("build", "To build the library run\n\n  ./configure --prefix=/opt\n  make all\n  make install (as root).\n\nIt installs libfoo.so into the prefix you gave.");
    expect(referentOf(build("It installs"))).toBeUndefined();
    expect(withDependentSentences(build("It installs")).text).toBe("It installs libfoo.so into the prefix you gave.");
    const prose = sentenceFinder("cache", "The cache holds 500 entries. It is recommended to run the tests first. Origin tracking is off by default.\n\nIt has to be noted that the cache is not persistent.\n\nThis section describes how to configure the server.");
    expect(referentOf(prose("It is recommended"))).toBeUndefined();
    expect(referentOf(prose("It has to be noted"))).toBeUndefined();
    expect(referentOf(prose("This section"))).toBeUndefined();
    expect(withDependentSentences(prose("This section")).text).toBe("This section describes how to configure the server.");
  });

  it("quotes an option with the values or default stated right after it, and those with the option", () => {
    const both = find("The policy").text + " " + find("Valid values").text;
    expect(withDependentSentences(find("The policy")).text).toBe(both);
    expect(withDependentSentences(find("Valid values")).text).toBe(both);
  });

  it("labels a later sentence of an option's description with the option line, and nothing else", () => {
    const described = sentenceFinder(
      "opts",
      ["--freelist-vol=<number> [default: 20000000]", "", "Freed blocks wait in a queue. This option specifies the maximum total size of the queue.", "", "A later paragraph says more."].join("\n"),
    );
    expect(describedTerm(described("This option"))?.text).toBe("--freelist-vol=<number> [default: 20000000]");
    // The first sentence is quoted with the option line itself, so it needs no label.
    const first = withDependentSentences(described("Freed blocks"));
    expect(first.text.startsWith("--freelist-vol")).toBe(true);
    expect(describedTerm(first)).toBeUndefined();
    expect(describedTerm(described("A later paragraph"))).toBeUndefined();
  });

  it("quotes the description of a configuration element with the element's line", () => {
    const element = sentenceFinder(
      "fonts-conf",
      ['<remap-dir prefix="default" as-path="" salt="">', "", "This element contains a directory name which will be mapped as the path 'as-path' in cached information.", "", "<blank>", "", "Fonts often include broken glyphs."].join("\n"),
    );
    expect(withDependentSentences(element("This element")).text.startsWith('<remap-dir prefix="default"')).toBe(true);
    // A tag inside a sentence of running text is no term line.
    const prose = sentenceFinder("prose", "The <dir> element names a directory.\n\nIt is read at start.");
    expect(withDependentSentences(prose("It is read")).text).toBe("The <dir> element names a directory.\n\nIt is read at start.");
  });

  it("quotes a sentence too short to stand alone, or one ending in 'to avoid that', with the sentence it completes", () => {
    const reference = sentenceFinder(
      "py",
      [
        "datetime.MAXYEAR",
        "",
        "The largest year number allowed in a date or datetime object. MAXYEAR is 9999.",
        "",
        "Note",
        "",
        "This will deadlock when the child fills the pipe. Use Popen.communicate() when using pipes to avoid that.",
        "",
        "Error MODEL_NOT_FOUND lists the missing model file, every place Lore looked for it, and how to fix it.",
        "",
        "GNU sed exits with 0 on success. 5.9.",
      ].join("\n"),
    );
    expect(withDependentSentences(reference("The largest year")).text).toBe("datetime.MAXYEAR\n\nThe largest year number allowed in a date or datetime object. MAXYEAR is 9999.");
    expect(withDependentSentences(reference("This will deadlock")).text).toBe("This will deadlock when the child fills the pipe. Use Popen.communicate() when using pipes to avoid that.");
    // "how to fix it" points at its own sentence, and a section number is no sentence.
    expect(withDependentSentences(reference("Error MODEL_NOT_FOUND")).text).toBe("Error MODEL_NOT_FOUND lists the missing model file, every place Lore looked for it, and how to fix it.");
    expect(withDependentSentences(reference("GNU sed")).text).toBe("GNU sed exits with 0 on success.");
  });

  it("takes a Python signature for a described term, with its annotation and however many parameters", () => {
    const reference = sentenceFinder(
      "py",
      [
        "class logging.handlers.RotatingFileHandler(filename, mode='a', maxBytes=0, backupCount=0, encoding=None, delay=False, errors=None)",
        "",
        "Returns a new instance of the RotatingFileHandler class.",
        "",
        "subprocess.run(args, *, stdin=None, input=None, stdout=None, stderr=None, capture_output=False, shell=False, cwd=None, timeout=None, check=False)",
        "",
        "Run the command described by args.",
        "",
        "class of service matters to the scheduler.",
      ].join("\n"),
    );
    expect(withDependentSentences(reference("Returns a new")).text.startsWith("class logging.handlers.RotatingFileHandler(")).toBe(true);
    expect(withDependentSentences(reference("Run the command")).text.startsWith("subprocess.run(args")).toBe(true);
    // Prose that happens to open with "class" is not a signature.
    expect(withDependentSentences(reference("class of service"))).toBe(reference("class of service"));
  });

  it("takes neither a command after a command, nor a URL, a numbered step or a title for a described term", () => {
    const lines = sentenceFinder(
      "cmds",
      ["pg_ctl start -D /srv/db", "", "pg_ctl stop -D /srv/db", "", "https://lists.example.org/ipv6/", "", "The list discusses tunnels.", "", "1) Install the package", "", "It ships a daemon.", "", "IPv6 tunneling and firewalls", "", "Tunnels need protocol 41."].join("\n"),
    );
    for (const prefix of ["pg_ctl stop", "The list", "It ships", "Tunnels need"]) {
      expect(withDependentSentences(lines(prefix))).toBe(lines(prefix));
      expect(describedTerm(lines(prefix))).toBeUndefined();
    }
  });

  it("leaves a paragraph after a title or a link line as it is", () => {
    expect(withDependentSentences(find("Tunnels need"))).toBe(find("Tunnels need"));
    expect(withDependentSentences(find("The list discusses"))).toBe(find("The list discusses"));
  });
});

describe("withLeadIn", () => {
  it("quotes a listing line with the lead-in that announces its listing, and leaves other lines alone", () => {
    const line = withLeadIn(byText("http_access allow"), { followNextLeadIn: false });
    expect(line.text.startsWith("The following example shows the modifications")).toBe(true);
    expect(line.text).toContain("http_access allow our_networks");
    expect(inDocument(line)).toBe(line.text);
    // A sentence of running text is no listing line; a line after running text has no lead-in.
    expect(withLeadIn(byText("Once squid.conf"), { followNextLeadIn: false })).toBe(byText("Once squid.conf"));
    const find = sentenceFinder("prose", ["Restarting the service makes it read the new configuration file again.", "systemctl restart squid"].join("\n"));
    expect(withLeadIn(find("systemctl"), { followNextLeadIn: false })).toBe(find("systemctl"));
  });
});

describe("withQuoteContext", () => {
  it("drops a selected listing line that the lead-in's quote already holds", () => {
    const chosen = withQuoteContext([byText("The following example"), byText("http_access allow")], { followNextLeadIn: false });
    expect(chosen).toHaveLength(1);
    expect(chosen[0]!.text).toContain("http_access allow our_networks");
  });
});

describe("withStatedNumber", () => {
  const body = [
    "* `HISTORY_SIZE`: Controls how many lines of history will be persisted if history is available. Must be a positive number. **Default:** `1000`.",
    "* `HISTORY_MODE`: Controls where history is written.",
    "",
    "The cache keeps entries for a while. The TTL of each record is returned as `{ address: '10.0.0.1', ttl: 60 }` objects when asked for.",
    "",
    "Retries are spaced out over the day.",
    "",
    "The default is 3.",
  ].join("\n");
  const find = sentenceFinder("env", body, 500);
  const statesNumber = (text: string) => /\d/.test(text);

  it("runs a description on to the short sentence of its paragraph that states the value", () => {
    const quote = withStatedNumber(find("* `HISTORY_SIZE`"), statesNumber);
    expect(quote.text).toBe("* `HISTORY_SIZE`: Controls how many lines of history will be persisted if history is available. Must be a positive number. **Default:** `1000`.");
    expect(body.slice(quote.start - 500, quote.end - 500)).toBe(quote.text);
  });

  it("quotes a description and its value once when both were selected", () => {
    const quotes = withQuoteContext([find("* `HISTORY_SIZE`"), find("Must be a positive")], { followNextLeadIn: false, statesNumber });
    expect(quotes.map((q) => q.text)).toEqual([
      "* `HISTORY_SIZE`: Controls how many lines of history will be persisted if history is available. Must be a positive number. **Default:** `1000`.",
    ]);
  });

  it("leaves a quote that states a number, one whose paragraph states none, and an example's number or another paragraph's alone", () => {
    const stated = find("Must be a positive");
    expect(withStatedNumber(stated, statesNumber)).toBe(stated);
    expect(withStatedNumber(find("* `HISTORY_MODE`"), statesNumber)).toBe(find("* `HISTORY_MODE`"));
    expect(withStatedNumber(find("The cache keeps"), statesNumber)).toBe(find("The cache keeps"));
    expect(withStatedNumber(find("Retries are spaced"), statesNumber)).toBe(find("Retries are spaced"));
  });
});
