#!/usr/bin/env bash
# Makes an OCI bundle whose root filesystem is Debian's busybox-static with
# its applets linked in /bin, and whose config.json comes from `hutch spec`.
# Usage: scripts/make-bundle.sh HUTCH DIR [command [args...]]
# With a command, process.args is set to it and terminal is turned off.
set -euo pipefail
hutch=$1
dir=$2
shift 2

busybox=/bin/busybox
[ -x "$busybox" ] || { echo "make-bundle: $busybox is missing (apt-get install busybox-static)" >&2; exit 1; }

mkdir -p "$dir/rootfs"
rootfs=$(cd "$dir/rootfs" && pwd)
mkdir -p "$rootfs"/{bin,dev,etc,proc,sys,tmp,root}
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$rootfs/etc/passwd"
echo "root:x:0:" > "$rootfs/etc/group"

rm -f "$dir/config.json"
"$hutch" spec --bundle "$dir"
if [ $# -gt 0 ]; then
  /usr/bin/python3 - "$dir/config.json" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
with open(path) as f:
    config = json.load(f)
config["process"]["args"] = args
config["process"]["terminal"] = False
with open(path, "w") as f:
    json.dump(config, f, indent="\t")
    f.write("\n")
PY
fi
