#!/usr/bin/env python3
"""Checks the snippets of docs/migration-1.3.md against a hutch binary.

Usage: python3 tests/docs/migration.py HUTCH_BINARY [MARKDOWN]

The convention (described in the document itself):

- A fenced block whose info string is `json before`, `json after` or
  `json refused` is a fragment: a JSON object deep-merged into the config
  `hutch spec` writes (objects merge key by key; anything else, arrays
  included, replaces). `backend=NAME` after the kind runs validate with
  `--backend NAME` (default: native).
  - `json before`: an old or wrong form; its exit status is not checked.
  - `json after`: a form hutch takes; validate must exit 0 and print the
    verdict `valid:`.
  - `json refused backend=NAME` (the backend is required): a form that is
    valid but that the backend refuses; validate must exit 1 and print the
    verdict `unusable:` (not `invalid:`), and a `text validate` block must
    follow it, naming what is refused.
- A `text validate` block after such a fragment, in the same section (no
  heading in between), lists lines that must each appear, as substrings,
  in the output of `hutch validate` for the merged config.

Checks: every tagged fragment is a JSON object; every `json after`
fragment validates with exit status 0 and the verdict `valid:`; every
`json refused` fragment validates with exit status 1 and the verdict
`unusable:`, and has a `text validate` block; every `text validate` line
appears in its fragment's output; a `text validate` block follows a
fragment; the document has at least MIN_AFTER `json after` fragments,
MIN_REFUSED `json refused` fragments and MIN_VALIDATE `text validate`
blocks, so that it cannot lose its snippets unnoticed.

Output is TAP: the plan first, then one line per check. Exit status 0 when
every check passed, 1 otherwise (2 for a usage error).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

MIN_AFTER = 20
MIN_REFUSED = 10
MIN_VALIDATE = 20
BACKENDS = ("native", "lxc", "proxmox")
FRAGMENT_KINDS = ("before", "after", "refused")
TIMEOUT = 60  # seconds for one hutch command

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
HEADING = re.compile(r"^ {0,3}(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")


class Block:
    """A tagged fenced block: kind is "before", "after", "refused" or
    "validate"."""

    def __init__(self, kind, line, section, section_id, text, backend, info):
        self.kind = kind
        self.line = line
        self.section = section  # the heading path, for check names
        self.section_id = section_id  # which heading it is under
        self.text = text
        self.backend = backend
        self.info = info
        self.validate = []  # for fragments: the text validate blocks after it


def section_name(stack):
    parts = [re.sub(r"[`*]", "", t).strip() for t in stack if t]
    name = " > ".join(parts[1:] if len(parts) > 1 else parts)
    return name


def parse_info(info):
    """Returns (kind, backend, problem) for a json/text info string, or
    None for a block that is not a tagged snippet."""
    words = info.split()
    if not words or words[0] not in ("json", "text"):
        return None
    if len(words) == 1:
        return None  # plain example, not tested
    lang, kind, rest = words[0], words[1], words[2:]
    expected = FRAGMENT_KINDS if lang == "json" else ("validate",)
    if kind not in expected:
        return (None, None, "unknown snippet kind %r (expected %s)" % (kind, " or ".join(expected)))
    backend = None
    for word in rest:
        key, eq, value = word.partition("=")
        if lang == "json" and key == "backend" and eq and value in BACKENDS and backend is None:
            backend = value
        else:
            return (None, None, "unknown word %r in the info string" % word)
    if kind == "refused" and backend is None:
        return (None, None, "json refused needs backend=NAME (one of %s)" % ", ".join(BACKENDS))
    return (kind, backend, None)


def parse(markdown):
    """Returns (tagged blocks in document order, problems)."""
    blocks, problems = [], []
    stack = [""] * 7
    section_id = 0
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            h = HEADING.match(lines[i])
            if h:
                level = len(h.group("level"))
                stack[level] = h.group("text")
                for k in range(level + 1, 7):
                    stack[k] = ""
                section_id += 1
            i += 1
            continue
        fence, info, start = m.group("fence"), m.group("info").strip(), i + 1
        body = []
        i += 1
        while i < len(lines):
            close = re.match(r"^ {0,3}(`{3,}|~{3,})\s*$", lines[i])
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= len(fence):
                break
            body.append(lines[i])
            i += 1
        if i == len(lines):
            problems.append((start, section_name(stack), "the fence opened at line %d is never closed" % start))
        i += 1
        tag = parse_info(info)
        if tag is None:
            continue
        kind, backend, problem = tag
        if problem:
            problems.append((start, section_name(stack), problem))
            continue
        blocks.append(Block(kind, start, section_name(stack), section_id, "\n".join(body), backend, info))
    return blocks, problems


def attach(blocks, problems):
    """Links each validate block to the fragment before it in its section."""
    fragments, validates = [], []
    last = None
    for b in blocks:
        if b.kind in FRAGMENT_KINDS:
            fragments.append(b)
            last = b
            continue
        validates.append(b)
        if last is None or last.section_id != b.section_id:
            problems.append((b.line, b.section, "a text validate block with no json before/after/refused fragment before it in its section"))
        else:
            last.validate.append(b)
    return fragments, validates


def deep_merge(base, fragment):
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def run(argv):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %ds" % TIMEOUT
    except OSError as e:
        return None, "", str(e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def validate_fragment(hutch, workdir, n, fragment, backend):
    """Makes a bundle of the starter config with the fragment merged in and
    validates it. Returns (exit status or None, output, problem or None)."""
    bundle = os.path.join(workdir, "bundle-%d" % n)
    root = os.path.join(workdir, "root-%d" % n)
    os.mkdir(bundle)
    status, out, err = run([hutch, "spec", "--bundle", bundle])
    if status != 0:
        return None, out + err, "hutch spec failed (%s): %s" % (status, (out + err).strip())
    path = os.path.join(bundle, "config.json")
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    deep_merge(config, fragment)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
    os.makedirs(os.path.join(bundle, "rootfs"), exist_ok=True)
    argv = [hutch, "--root", root, "validate", "--bundle", bundle]
    if backend:
        argv += ["--backend", backend]
    status, out, err = run(argv)
    if status is None:
        return None, out + err, "hutch validate: %s" % err
    return status, out + err, None


def main(args):
    if len(args) not in (1, 2):
        sys.stderr.write("usage: %s HUTCH_BINARY [MARKDOWN]\n" % os.path.basename(sys.argv[0]))
        return 2
    hutch = args[0]
    if os.sep not in hutch:
        hutch = shutil.which(hutch) or hutch  # a bare name: looked up in PATH
    hutch = os.path.abspath(hutch)
    here = os.path.dirname(os.path.abspath(__file__))
    markdown = args[1] if len(args) == 2 else os.path.join(here, "..", "..", "docs", "migration-1.3.md")
    if not (os.path.isfile(hutch) and os.access(hutch, os.X_OK)):
        print("Bail out! %s is not an executable file" % hutch)
        return 1
    try:
        with open(markdown, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print("Bail out! cannot read %s: %s" % (markdown, e))
        return 1

    blocks, problems = parse(text)
    fragments, validates = attach(blocks, problems)
    checks = []  # (ok, name, diagnostic lines)

    for line, section, problem in problems:
        checks.append((False, "%s: snippet at line %d is well-formed" % (section, line), [problem]))

    workdir = tempfile.mkdtemp(prefix="hutch-migration-doc-")
    try:
        for n, frag in enumerate(fragments):
            where = "%s: json %s%s (line %d)" % (
                frag.section, frag.kind, " backend=" + frag.backend if frag.backend else "", frag.line)
            try:
                value = json.loads(frag.text)
                parse_problem = None if isinstance(value, dict) else "not a JSON object"
            except ValueError as e:
                value, parse_problem = None, "not valid JSON: %s" % e
            checks.append((parse_problem is None, "%s is a JSON object" % where,
                           [parse_problem] if parse_problem else []))
            wanted = [(v, l.strip()) for v in frag.validate for l in v.text.split("\n") if l.strip()]
            if parse_problem is not None:
                # Its other checks cannot run: each counts as failed.
                if frag.kind == "after":
                    checks.append((False, "%s validates with exit status 0" % where, ["the fragment does not parse"]))
                elif frag.kind == "refused":
                    checks.append((False, "%s is refused: exit status 1, unusable" % where, ["the fragment does not parse"]))
                for v, l in wanted:
                    checks.append((False, "%s: validate prints %r" % (where, l), ["the fragment does not parse"]))
                continue
            status, output, problem = validate_fragment(hutch, workdir, n, value, frag.backend)
            shown = ["output:"] + ["  " + o for o in output.rstrip("\n").split("\n")]
            if frag.kind == "after":
                ok = problem is None and status == 0 and re.search(r"^valid: ", output, re.M) is not None
                diag = ([problem] if problem else ["exit status %s" % status]) + shown
                checks.append((ok, "%s validates with exit status 0" % where, [] if ok else diag))
            elif frag.kind == "refused":
                # Valid for the spec, but the backend refuses it: not
                # "invalid:", which would mean a real error.
                ok = problem is None and status == 1 and re.search(r"^unusable: ", output, re.M) is not None
                diag = ([problem] if problem else ["exit status %s" % status]) + shown
                checks.append((ok, "%s is refused: exit status 1, unusable" % where, [] if ok else diag))
                checks.append((bool(frag.validate), "%s: a text validate block names what is refused" % where,
                               [] if frag.validate else ["no text validate block follows it in its section"]))
            for v, l in wanted:
                ok = problem is None and l in output
                diag = ([problem] if problem else ["expected line from text validate at line %d" % v.line]) + shown
                checks.append((ok, "%s: validate prints %r" % (where, l), [] if ok else diag))
            if frag.validate and not wanted:
                checks.append((False, "%s: its text validate block lists lines" % where, ["the block is empty"]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    n_after = sum(1 for f in fragments if f.kind == "after")
    checks.append((n_after >= MIN_AFTER, "the document has at least %d json after snippets" % MIN_AFTER,
                   ["found %d" % n_after]))
    n_refused = sum(1 for f in fragments if f.kind == "refused")
    checks.append((n_refused >= MIN_REFUSED, "the document has at least %d json refused snippets" % MIN_REFUSED,
                   ["found %d" % n_refused]))
    checks.append((len(validates) >= MIN_VALIDATE, "the document has at least %d text validate blocks" % MIN_VALIDATE,
                   ["found %d" % len(validates)]))

    print("1..%d" % len(checks))
    failed = 0
    for i, (ok, name, diag) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name.replace("#", "\\#")))
        if not ok:
            failed += 1
            for d in diag:
                print("# " + d)
    if failed:
        print("# %d of %d checks failed" % (failed, len(checks)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
