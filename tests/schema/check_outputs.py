#!/usr/bin/python3
"""Checks what hutch writes against the runtime-spec v1.3.0 JSON schemas:
`spec` (plain and rootless), `features` of every backend, and the state and
config documents of the test data. Prints TAP.

Usage: check_outputs.py HUTCH_BINARY
Needs Debian's python3-jsonschema (Draft 4 with a resolver over the schema
directory, since the schemas refer to each other by relative file names)."""

import json
import os
import subprocess
import sys
import tempfile

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DIR = os.path.join(HERE, "..", "data", "runtime-spec-v1.3.0", "schema")

results = []


def tap(ok, name, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}")
    if not ok and detail:
        for line in str(detail).splitlines()[:20]:
            print(f"#   {line}")


def validator(schema_file):
    path = os.path.join(SCHEMA_DIR, schema_file)
    with open(path) as f:
        schema = json.load(f)
    resolver = jsonschema.RefResolver(base_uri="file://" + SCHEMA_DIR + "/", referrer=schema)
    return jsonschema.Draft4Validator(schema, resolver=resolver)


def check(schema_file, document, name):
    errors = sorted(validator(schema_file).iter_errors(document), key=lambda e: list(e.path))
    tap(not errors, f"{name} is valid against {schema_file}",
        "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors))


def run(hutch, *args, cwd=None):
    return subprocess.run([hutch, *args], capture_output=True, text=True, cwd=cwd)


def main():
    hutch = os.path.abspath(sys.argv[1])

    # The validators themselves must reject something, or they prove nothing.
    bad = validator("config-schema.json").is_valid({"ociVersion": 1})
    tap(not bad, "the config schema refuses a config whose ociVersion is a number")

    for flags, name in (([], "spec"), (["--rootless"], "spec --rootless")):
        with tempfile.TemporaryDirectory() as d:
            r = run(hutch, "spec", "--bundle", d, *flags)
            tap(r.returncode == 0, f"hutch {name} succeeds", r.stderr)
            path = os.path.join(d, "config.json")
            if os.path.exists(path):
                with open(path) as f:
                    text = f.read()
                tap(text.startswith("{\n\t\"ociVersion\""), f"{name}: tab-indented like runc's")
                config = json.loads(text)
                check("config-schema.json", config, f"hutch {name}")
                tap(config.get("ociVersion") == "1.3.0", f"{name}: ociVersion 1.3.0")

    for backend in ("native", "lxc", "proxmox"):
        r = run(hutch, "features", "--backend", backend)
        tap(r.returncode == 0, f"hutch features --backend {backend} succeeds", r.stderr)
        try:
            features = json.loads(r.stdout)
        except ValueError as e:
            tap(False, f"features --backend {backend} is JSON", e)
            continue
        check("features-schema.json", features, f"features of {backend}")
        tap(features.get("ociVersionMin") == "1.0.0" and features.get("ociVersionMax") == "1.3.0",
            f"{backend}: version range 1.0.0 to 1.3.0")

    with open(os.path.join(HERE, "..", "data", "full-config.json")) as f:
        check("config-schema.json", json.load(f), "tests/data/full-config.json")

    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
