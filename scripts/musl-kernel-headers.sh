#!/bin/sh
# Gives a musl build the headers that are not libc's: the kernel's (linux/,
# asm/, asm-generic/) and libseccomp's, linked into DIR. musl-gcc's specs
# drop /usr/include, where Debian keeps them next to glibc's own headers.
# Usage: musl-kernel-headers.sh DIR MULTIARCH
set -eu
dir=$1
multiarch=$2
mkdir -p "$dir"
for d in /usr/include/linux /usr/include/asm-generic "/usr/include/$multiarch/asm" /usr/include/seccomp.h \
  /usr/include/seccomp-syscalls.h; do
  if [ ! -e "$d" ]; then
    echo "musl-kernel-headers: $d is missing (linux-libc-dev, libseccomp-dev)" >&2
    exit 1
  fi
  ln -sfn "$d" "$dir/${d##*/}"
done
