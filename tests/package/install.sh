#!/usr/bin/env bash
# `meson install` through scripts/install.sh, staged with DESTDIR: the
# binaries, the helpers where the binary looks for them, the man pages and
# the three completions land where a prefix puts them. TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

source tests/package/tap.bash

echo "1..5"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/opt/hutch-test
ok "scripts/install.sh $prefix with DESTDIR stages the files and lists them" \
  bash -c "DESTDIR='$stage' scripts/install.sh $prefix >'$stage.list' && grep -q '/bin/hutch\$' '$stage.list'"
rm -f "$stage.list"
ok "the binaries and the helpers, where hutch looks for them" bash -c "
  [ -x '$stage$prefix/bin/hutch' ] &&
  for h in hutch-lxc hutch-lxc-init hutch-proxmox-init; do [ -x '$stage$prefix/libexec/hutch/'\$h ] || exit 1; done &&
  strings '$stage$prefix/bin/hutch' | grep -qx '$prefix/libexec/hutch'"
ok "every man page, compressed or not, in man5 and man8" bash -c "
  [ -f '$stage$prefix/share/man/man5/hutch.conf.5' ] &&
  [ \$(ls '$stage$prefix/share/man/man8/' | grep -c '^hutch.*\.8\$') -eq 19 ] &&
  MANPAGER=cat man -l '$stage$prefix/share/man/man8/hutch-validate.8' | grep -q -- '--upgrade'"
ok "the bash, zsh and fish completions" bash -c "
  bash -n '$stage$prefix/share/bash-completion/completions/hutch' &&
  zsh -n '$stage$prefix/share/zsh/vendor-completions/_hutch' &&
  fish -n '$stage$prefix/share/fish/vendor_completions.d/hutch.fish'"
ok "the staged hutch runs and says its version" bash -c "
  '$stage$prefix/bin/hutch' --version | head -1 | grep -qx \"hutch version \$(sed -n \"s/^  version : '\\(.*\\)',\$/\\1/p\" meson.build)\""
[ "$failed" -eq 0 ]
