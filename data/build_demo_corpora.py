#!/usr/bin/env python3
"""Builds Perennial's embedded demo corpora from Debian packages (all in Debian main, so DFSG-free).

  en-tech.jsonl.gz   English technical text: the Debian Reference (debian-reference-en) and the Linux man pages
                     (manpages, manpages-dev), rendered to plain text. D0 of the quickstart.
  en-misc.jsonl.gz   English text of another domain: the fortune cookie collection (fortunes) - quotations,
                     literature, humour. The weak shift (English -> English).
  de-tech.jsonl.gz   German technical text: the German Debian Reference (debian-reference-de) and the German man
                     pages (manpages-de). The strong shift (English -> German), as in the paper.

One JSON object per line: {"text": ..., "source": "<package>:<file>"}. Each man page, each section of a
Debian Reference chapter, and each fortune is one document. The packages' copyright files are copied to
data/licenses/. Needs apt-get, dpkg-deb, man and groff (Debian). Usage: python3 data/build_demo_corpora.py
"""
import gzip, html, html.parser, json, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGES = ["debian-reference-en", "debian-reference-de", "manpages", "manpages-dev", "manpages-de", "fortunes"]


def fetch(work):
    os.chmod(work, 0o755)  # lets apt's _apt user write the downloads
    subprocess.run(["apt-get", "download"] + PACKAGES, cwd=work, check=True, stdout=subprocess.DEVNULL)
    roots = {}
    for deb in os.listdir(work):
        if deb.endswith(".deb"):
            name = deb.split("_")[0]
            root = os.path.join(work, "x", name)
            os.makedirs(root)
            subprocess.run(["dpkg-deb", "-x", os.path.join(work, deb), root], check=True, stderr=sys.stderr)
            roots[name] = root
    return roots


class Sections(html.parser.HTMLParser):
    """Text of an HTML chapter, cut at h1-h3 headings into sections; code and navigation are skipped."""
    SKIP = {"script", "style", "pre", "code", "table"}

    def __init__(self):
        super().__init__()
        self.sections, self.current, self.skip, self.in_nav = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class", "") or ""
        if tag in self.SKIP:
            self.skip += 1
        if tag == "div" and ("navheader" in cls or "navfooter" in cls or "toc" in cls):
            self.in_nav += 1
        if tag in ("h1", "h2", "h3"):
            self.flush()
        if tag in ("p", "li", "h1", "h2", "h3", "dt", "dd", "br"):
            self.current.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and not self.in_nav:
            self.current.append(data)

    def flush(self):
        text = clean("".join(self.current))
        if len(text) > 200:
            self.sections.append(text)
        self.current = []


def clean(text):
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def reference(root, lang):
    docs = []
    folder = os.path.join(root, "usr/share/debian-reference")
    for name in sorted(os.listdir(folder)):
        if name.endswith("." + lang + ".html") and name != "index." + lang + ".html":
            parser = Sections()
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                parser.feed(f.read())
            parser.flush()
            docs += [(t, "debian-reference-" + lang + ":" + name) for t in parser.sections]
    return docs


def manpages(root, package):
    docs = []
    env = dict(os.environ, MANWIDTH="100", MAN_KEEP_FORMATTING="0", LANG="C.UTF-8")
    base = os.path.join(root, "usr/share/man")
    for dirpath, _, files in sorted(os.walk(base)):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                continue
            out = subprocess.run(["man", "--no-hyphenation", "--no-justification", "-l", "-Tutf8", path],
                                 capture_output=True, env=env).stdout
            text = re.sub(r".\x08", "", out.decode("utf-8", "replace"))
            text = clean(text)
            if len(text) > 300 and not text.startswith(".so "):
                docs.append((text, package + ":" + os.path.relpath(path, base)))
    return docs


def fortunes(root):
    docs = []
    folder = os.path.join(root, "usr/share/games/fortunes")
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if "." in name or os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for piece in f.read().split("\n%\n"):
                text = clean(piece)
                if len(text) > 40:
                    docs.append((text, "fortunes:" + name))
    return docs


def write(name, docs):
    path = os.path.join(HERE, name)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        for text, source in docs:
            f.write(json.dumps({"text": text, "source": source}, ensure_ascii=False) + "\n")
    chars = sum(len(t) for t, _ in docs)
    print(f"{name}: {len(docs)} documents, {chars:,} characters, {os.path.getsize(path):,} bytes compressed")


def main():
    work = tempfile.mkdtemp(prefix="perennial-demo-")
    try:
        roots = fetch(work)
        for package, root in roots.items():
            for copyright in [os.path.join(root, "usr/share/doc", package, "copyright")]:
                if os.path.exists(copyright):
                    shutil.copy(copyright, os.path.join(HERE, "licenses", package + ".copyright"))
        write("en-tech.jsonl.gz", reference(roots["debian-reference-en"], "en") + manpages(roots["manpages"], "manpages")
              + manpages(roots["manpages-dev"], "manpages-dev"))
        write("en-misc.jsonl.gz", fortunes(roots["fortunes"]))
        write("de-tech.jsonl.gz", reference(roots["debian-reference-de"], "de") + manpages(roots["manpages-de"], "manpages-de"))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
