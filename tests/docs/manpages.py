#!/usr/bin/env python3
"""The man pages (docs/man/*.scd) against the binary's --help.

Usage: python3 tests/docs/manpages.py HUTCH_BINARY [MAN_SOURCE_DIR]

Checks, as TAP:
- every command `hutch --help` lists (but `help`) has a page hutch-CMD.8.scd,
  hutch.8.scd and hutch.conf.5.scd exist, and docs/man/meson.build builds
  exactly the pages there are;
- each page's option entries (`*--long*, *-s* _METAVAR_` lines of its
  OPTIONS section; GLOBAL OPTIONS in hutch.8) are exactly the options that
  `hutch CMD --help` (`hutch --help`) prints: long name, short alias and
  metavar;
- each page renders with scdoc, and man (groff) formats the result without
  a warning;
- every page a SEE ALSO names exists.
"""

import os
import re
import subprocess
import sys
import tempfile

HELP_OPTION = re.compile(r"^  (--[a-z0-9-]+)(?:, (-[a-zA-Z]))?(?: ([^ ]+))?(?: |$)")
MAN_OPTION = re.compile(r"^\*(--[a-z0-9-]+)\*(?:, \*(-[a-zA-Z])\*)?(?: _(.+)_)?$")
SEE_ALSO_REF = re.compile(r"\*?(hutch[a-z.-]*)\*?\((\d)\)")

checks = []


def check(ok, name, detail=""):
    checks.append((bool(ok), name, detail))


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def help_options(hutch, command):
    argv = [hutch] + ([command] if command else []) + ["--help"]
    out = run(argv).stdout
    found = set()
    in_commands = False
    for line in out.splitlines():
        if line.startswith("Commands:"):
            in_commands = True
        elif not line.strip():
            in_commands = False
        if in_commands:
            continue
        m = HELP_OPTION.match(line)
        if m:
            found.add((m.group(1), m.group(2) or "", m.group(3) or ""))
    return found


def help_commands(hutch):
    out = run([hutch, "--help"]).stdout
    block = out.split("Commands:", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def page_options(text, section):
    found = set()
    inside = False
    for line in text.splitlines():
        if line.startswith("# "):
            inside = line[2:].strip() == section
            continue
        if inside:
            m = MAN_OPTION.match(line)
            if m:
                found.add((m.group(1), m.group(2) or "", m.group(3) or ""))
    return found


def describe(options):
    return ", ".join(" ".join(x for x in o if x) for o in sorted(options)) or "(none)"


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: manpages.py HUTCH [MAN_SOURCE_DIR]", file=sys.stderr)
        return 2
    hutch = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    mandir = sys.argv[2] if len(sys.argv) == 3 else os.path.join(here, "..", "..", "docs", "man")

    commands = [c for c in help_commands(hutch) if c != "help"]
    check(len(commands) >= 18, "hutch --help lists the commands (%d)" % len(commands))
    expected = ["hutch.8", "hutch.conf.5"] + ["hutch-%s.8" % c for c in commands]
    present = sorted(f[:-4] for f in os.listdir(mandir) if f.endswith(".scd"))
    check(sorted(expected) == present, "one page per command, plus hutch(8) and hutch.conf(5)",
          "expected %s, found %s" % (sorted(expected), present))
    with open(os.path.join(mandir, "meson.build")) as f:
        built = sorted(re.findall(r"^  '([a-z.-]+\.[58])',$", f.read(), re.M))
    check(built == present, "meson.build builds every page there is", "builds %s" % built)

    pages = {}
    for page in present:
        with open(os.path.join(mandir, page + ".scd")) as f:
            pages[page] = f.read()

    for page, command in [("hutch.8", None)] + [("hutch-%s.8" % c, c) for c in commands]:
        if page not in pages:
            check(False, "%s: options as --help lists them" % page, "no page")
            continue
        want = help_options(hutch, command)
        got = page_options(pages[page], "GLOBAL OPTIONS" if command is None else "OPTIONS")
        check(want and want == got, "%s: options exactly as `hutch %s--help` lists them" % (page, command + " " if command else ""),
              "missing: %s; not in --help: %s" % (describe(want - got), describe(got - want)))

    with tempfile.TemporaryDirectory() as tmp:
        for page, text in sorted(pages.items()):
            rendered = subprocess.run(["scdoc"], input=text, capture_output=True, text=True)
            check(rendered.returncode == 0, "%s: scdoc renders it" % page, rendered.stderr.strip())
            if rendered.returncode != 0:
                continue
            path = os.path.join(tmp, page)
            with open(path, "w") as f:
                f.write(rendered.stdout)
            env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat")
            fmt = subprocess.run(["man", "--warnings", "-l", path], capture_output=True, text=True, env=env)
            check(fmt.returncode == 0 and not fmt.stderr.strip() and "NAME" in fmt.stdout,
                  "%s: man formats it without a warning" % page, fmt.stderr.strip()[:400])
            refs = set(SEE_ALSO_REF.findall(text.split("# SEE ALSO", 1)[1] if "# SEE ALSO" in text else ""))
            missing = sorted("%s(%s)" % r for r in refs if "%s.%s" % r not in pages)
            check("# SEE ALSO" in text and not missing, "%s: has SEE ALSO, and every hutch page it names exists" % page,
                  "missing: %s" % missing)

    print("1..%d" % len(checks))
    failed = 0
    for i, (ok, name, detail) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            failed += 1
            for line in detail.splitlines():
                print("# " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
