# Setup scenarios: the image (offline, from busybox-static) for podman and
# containerd, and a private containerd. Their functions are named setup_* so
# E2E_ONLY never skips them; each sets a READY flag the others depend on.

scenario image-build setup_image
scenario containerd-start setup_containerd
scenario ctr-image-import setup_ctr_import ctd

# A busybox root filesystem (every applet a link in /bin), imported into
# podman's private store, then saved as a docker-archive for ctr.
setup_image() {
  local r=$W/rootfs a
  mkdir -p "$r"/bin "$r"/etc "$r"/proc "$r"/sys "$r"/dev "$r"/root "$r"/seed "$r"/run "$r"/var/tmp "$r"/tmp
  chmod 1777 "$r/tmp" "$r/var/tmp"
  cp /bin/busybox "$r/bin/busybox"
  for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  echo seed-from-image >"$r/seed/hello.txt"
  tar -C "$r" --numeric-owner --owner=0 --group=0 -cf "$W/rootfs.tar" . || return 1
  pm import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$W/rootfs.tar" "$IMG"
  want "podman import succeeds" [ "$RC" = 0 ] || return 1
  pm images --format '{{.Repository}}:{{.Tag}}'
  want "the image is listed" has "$OUT" "$IMG" || return 1
  READY[podman]=1
  pm save --format docker-archive -o "$W/image.tar" "$IMG"
  want "podman save succeeds" [ "$RC" = 0 ]
  want "the archive is not empty" [ -s "$W/image.tar" ]
}

setup_containerd() {
  local i
  mkdir -p "$W/ctd"
  cat >"$W/ctd/config.toml" <<EOF
version = 2
root = "$W/ctd/root"
state = "$W/ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$W/ctd/containerd.sock"
[ttrpc]
  address = ""
[debug]
  address = ""
[metrics]
  address = ""
EOF
  containerd --config "$W/ctd/config.toml" >"$W/ctd/containerd.log" 2>&1 9>&- &
  CTD_PID=$!
  for i in $(seq 150); do
    [ -S "$W/ctd/containerd.sock" ] && timeout 5 "${C[@]}" version >/dev/null 2>&1 && break
    sleep 0.1
  done
  ct version
  if ! want "containerd answers on its private socket" [ "$RC" = 0 ]; then
    tail -n 5 "$W/ctd/containerd.log"
    return 1
  fi
  READY[ctd]=1
}

setup_ctr_import() {
  want "the image archive exists (image-build)" [ -s "$W/image.tar" ] || return 1
  ct images import "$W/image.tar"
  want "ctr images import succeeds" [ "$RC" = 0 ] || return 1
  ct images ls -q
  want "the image is listed" has "$OUT" "$IMG" || return 1
  READY[ctr]=1
}
