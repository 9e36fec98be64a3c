#!/usr/bin/env bash
# Installs what hutch needs to build and test, from Debian's archive only.
# Idempotent: packages already present are not touched, and apt-get runs only
# when something is missing.
set -euo pipefail

packages=(
  # build (libc6-dev's libc.a also builds the tests' static helpers)
  gcc libc6-dev meson ninja-build pkg-config git
  # the static hutch binary is linked against musl (meson -Dlibc=musl)
  musl-tools
  libseccomp-dev libcap-dev
  # the lxc backend: liblxc and its headers (hutch-lxc)
  lxc lxc-dev
  # tests: sanitizers and the fuzzer (clang's runtime), integration, schemas;
  # file tells the static build from the dynamic one
  clang libclang-rt-14-dev bats python3 python3-jsonschema file
  # systemd.bats: a private bus and a stand-in for systemd's manager on it
  dbus-daemon dbus-bin python3-dbus python3-gi
  # network device tests: links made in a namespace of their own
  iproute2 util-linux
  # the demo bundle's root filesystem
  busybox-static
  # end-to-end tests: the real clients (tests/e2e), pgrep/ps
  podman conmon containerd procps
  # man pages (scdoc) and reading them; the shells whose completions are
  # tested; the Debian package (dpkg-buildpackage, debhelper)
  scdoc man-db bash-completion zsh fish dpkg-dev debhelper
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
