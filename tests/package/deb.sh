#!/usr/bin/env bash
# The Debian package, as a user gets it: built by scripts/build-deb.sh,
# installed on this machine with dpkg, used (version, man pages,
# completions, the demo container), then purged, leaving nothing. TAP.
# Refuses to touch a machine where a hutch package is already installed.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

source tests/package/tap.bash

echo "1..17"
declared=$(sed -n "s/^  version : '\(.*\)',$/\1/p" meson.build)
arch=$(dpkg --print-architecture)
deb=$root/dist/hutch_${declared}_${arch}.deb
tmp=$(mktemp -d)
installed_here=false

cleanup() {
  if $installed_here && dpkg-query -W -f='${Status}' hutch 2>/dev/null | grep -q "installed"; then
    dpkg --purge hutch >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

ok "scripts/build-deb.sh builds hutch_${declared}_${arch}.deb" \
  bash -c "rm -f '$deb' && scripts/build-deb.sh >'$tmp/build.out' && grep -qx '$deb' '$tmp/build.out' && [ -f '$deb' ]"
ok "the package's version is meson's and debian/changelog's" \
  bash -c "[ \"\$(dpkg-deb -f '$deb' Version)\" = '$declared' ] && [ \"\$(dpkg-parsechangelog -l debian/changelog -S Version)\" = '$declared' ]"
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/contents"
contains() { grep -qx "$1" "$tmp/contents" || { echo "not in the package: $1"; return 1; }; }
ok "it holds the binaries, every man page and the three completions" bash -c "
  $(declare -f contains); tmp='$tmp'
  contains /usr/bin/hutch &&
  contains /usr/share/man/man8/hutch.8.gz && contains /usr/share/man/man8/hutch-run.8.gz &&
  contains /usr/share/man/man8/hutch-validate.8.gz && contains /usr/share/man/man5/hutch.conf.5.gz &&
  [ \$(grep -c '^/usr/share/man/man8/hutch.*\.8\.gz\$' '$tmp/contents') -eq 19 ] &&
  contains /usr/share/bash-completion/completions/hutch &&
  contains /usr/share/zsh/vendor-completions/_hutch &&
  contains /usr/share/fish/vendor_completions.d/hutch.fish &&
  grep -q '/hutch/hutch-lxc\$' '$tmp/contents' && grep -q '/hutch/hutch-lxc-init\$' '$tmp/contents' &&
  grep -q '/hutch/hutch-proxmox-init\$' '$tmp/contents' &&
  contains /usr/share/doc/hutch/copyright"
ok "no hutch package is installed yet (this test installs and purges its own)" \
  bash -c "! dpkg-query -W -f='\${Status}' hutch 2>/dev/null | grep -q 'install ok'"
if [ "$failed" -eq 0 ]; then
  installed_here=true
fi
if $installed_here; then
  ok "dpkg -i installs it" dpkg -i "$deb"
else
  ok "dpkg -i installs it (not tried: see above)" false
fi
ok "hutch --version is the installed release, in go-runc's three lines" bash -c "
  out=\$(/usr/bin/hutch --version) &&
  [ \"\$(sed -n 1p <<<\"\$out\")\" = 'hutch version $declared' ] &&
  [[ \"\$(sed -n 2p <<<\"\$out\")\" =~ ^commit:\ [0-9a-f]{12}\$ ]] &&
  [ \"\$(sed -n 3p <<<\"\$out\")\" = 'spec: 1.3.0' ]"
ok "the installed hutch is static, its helpers where it looks for them" bash -c "
  file -L /usr/bin/hutch | grep -q 'statically linked' &&
  lib=\$(dpkg -L hutch | grep '/hutch/hutch-lxc-init\$') && [ -x \"\$lib\" ] &&
  [ -x \"\$(dirname \"\$lib\")/hutch-lxc\" ] &&
  strings /usr/bin/hutch | grep -qx \"\$(dirname \"\$lib\")\""
ok "man hutch finds the page" bash -c "MANPAGER=cat man hutch 2>&1 | grep -q 'hutch - '"
ok "man hutch-run describes run and its options" bash -c "
  page=\$(MANWIDTH=100 MANPAGER=cat man hutch-run 2>&1) &&
  grep -q 'hutch-run' <<<\"\$page\" && grep -q -- '--detach' <<<\"\$page\" && grep -q -- '--bundle' <<<\"\$page\""
ok "man 5 hutch.conf finds the file's page" bash -c "MANPAGER=cat man 5 hutch.conf 2>&1 | grep -q 'default-backend'"
ok "man renders every page without a warning" bash -c "
  for p in \$(dpkg -L hutch | grep '/man/man[58]/'); do
    w=\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l \"\$p\" 2>&1 >/dev/null)
    [ -z \"\$w\" ] || { echo \"\$p: \$w\"; exit 1; }
  done"
ok "bash completes hutch's commands from the installed script" bash -c "
  bash tests/integration/complete.bash /usr/share/bash-completion/completions/hutch 'hutch val' | grep -qx validate"
ok "fish finds the installed completion by itself" bash -c "
  fish -c 'complete -C \"hutch vali\"' | cut -f1 | grep -qx validate"
ok "zsh finds the installed completion in its fpath" bash -c "
  zsh -f -c 'for d in \$fpath; do [ -f \$d/_hutch ] && exit 0; done; exit 1'"
ok "the demo runs with the installed binary and leaves nothing" bash -c "
  scripts/make-bundle.sh /usr/bin/hutch '$tmp/demo' /bin/sh -c 'echo hello from \$(uname -s)' >/dev/null &&
  out=\$(/usr/bin/hutch --root '$tmp/state' run --bundle '$tmp/demo' deb-demo-\$\$) &&
  [ \"\$out\" = 'hello from Linux' ] &&
  [ -z \"\$(/usr/bin/hutch --root '$tmp/state' list -q)\" ]"
if $installed_here; then
  ok "dpkg --purge removes it" dpkg --purge hutch
else
  ok "dpkg --purge removes it (not tried)" false
fi
ok "nothing of it is left" bash -c "
  ! dpkg-query -W -f='\${Status}' hutch 2>/dev/null | grep -q 'install ok' &&
  [ ! -e /usr/bin/hutch ] && [ ! -e /usr/share/man/man8/hutch-run.8.gz ] &&
  [ ! -e /usr/share/bash-completion/completions/hutch ] && ! ls -d /usr/lib*/hutch /usr/libexec/hutch /usr/lib/*/hutch 2>/dev/null | grep -q ."
[ "$failed" -eq 0 ]
