# Run by busybox sh in the container, with fd 9 open on what the runtime's
# /proc/self/exe was. Tries for a few seconds (until the runtime on the host
# has let go of the file) to write through it, and says how that went.
echo "holding: $(readlink /proc/self/fd/9)"
i=0
while [ $i -lt 60 ]; do
  if (echo PWNED >>/proc/self/fd/9) 2>/dev/null; then
    echo WROTE
    exit 0
  fi
  i=$((i + 1))
  sleep 0.05
done
echo "refused: $( (echo PWNED >>/proc/self/fd/9) 2>&1)"
