#!/usr/bin/env bats
# The bash, zsh and fish completions the build makes (completions/), driven
# through each shell's own completion machinery and compared with what
# `hutch --help` and `hutch CMD --help` list.

load helpers

setup_file() {
  common_setup_file
  COMPLETIONS=${HUTCH_COMPLETIONS:-$(dirname "$HUTCH")/../completions}
  export COMPLETIONS
  # The scripts call `hutch` by name for container ids.
  mkdir -p "$BATS_FILE_TMPDIR/bin"
  ln -sf "$HUTCH" "$BATS_FILE_TMPDIR/bin/hutch"
  export PATH="$BATS_FILE_TMPDIR/bin:$PATH"
}

# candidates SHELL LINE: what SHELL completes for LINE, sorted, one per line.
candidates() {
  case $1 in
  bash) bash "$BATS_TEST_DIRNAME/complete.bash" "$COMPLETIONS/hutch" "$2" ;;
  zsh) timeout 30 zsh -f "$BATS_TEST_DIRNAME/complete.zsh" "$COMPLETIONS" "$2" ;;
  fish) fish -c 'source $argv[1]; complete -C $argv[2]' "$COMPLETIONS/hutch.fish" "$2" | cut -f1 | sort -u ;;
  esac
}

# help_options [CMD]: the long and short options `hutch [CMD] --help` lists.
help_options() {
  "$HUTCH" "$@" --help | sed -n 's/^  \(--[a-z0-9-]*\)\(, \(-[a-zA-Z]\)\)\{0,1\}.*/\1\n\3/p' | grep . | sort -u
}

help_commands() {
  "$HUTCH" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' | sort
}

# same WHAT EXPECTED GOT: the two lists are equal, or both are shown.
same() {
  [ "$2" = "$3" ] && return 0
  fail "$1: expected
$2
got
$3"
}

check_options_everywhere() {
  local shell=$1 cmd
  [ "$(help_commands | wc -l)" -ge 18 ]
  same "$shell: hutch -" "$(help_options)" "$(candidates "$shell" "hutch -")"
  for cmd in $(help_commands); do
    same "$shell: hutch $cmd -" "$(help_options "$cmd")" "$(candidates "$shell" "hutch $cmd -")"
  done
  same "$shell: hutch <TAB>" "$(help_commands)" "$(candidates "$shell" "hutch ")"
}

@test "bash: every command, and each command's options, exactly as --help lists them" {
  check_options_everywhere bash
}

@test "zsh: every command, and each command's options, exactly as --help lists them" {
  check_options_everywhere zsh
}

@test "fish: every command, and each command's options, exactly as --help lists them" {
  check_options_everywhere fish
}

@test "values: backends hutch knows, formats, signals, in every shell" {
  local shell b
  # The backends offered are the ones hutch accepts, and no other.
  for b in native lxc proxmox; do
    "$HUTCH" features --backend "$b" >/dev/null
  done
  run "$HUTCH" features --backend bogus
  [[ "$output" == *"expected one of: native, lxc, proxmox"* ]]
  for shell in bash zsh fish; do
    same "$shell --backend" "$(printf '%s\n' lxc native proxmox)" "$(candidates "$shell" "hutch create --backend ")"
    same "$shell global --backend" "$(printf '%s\n' lxc native proxmox)" "$(candidates "$shell" "hutch --backend ")"
    same "$shell list --format" "$(printf '%s\n' json table)" "$(candidates "$shell" "hutch list --format ")"
    same "$shell --log-format" "$(printf '%s\n' json text)" "$(candidates "$shell" "hutch --log-format ")"
    same "$shell --cgroup-manager" "$(printf '%s\n' cgroupfs disabled systemd)" \
      "$(candidates "$shell" "hutch --cgroup-manager ")"
    candidates "$shell" "hutch kill someid " | grep -qx KILL
    candidates "$shell" "hutch help " | grep -qx validate
  done
  same "bash --format=" "$(printf '%s\n' json text)" "$(candidates bash "hutch validate --format=")"
}

@test "paths: --bundle offers directories, --log files" {
  mkdir -p "$TMP/comp/bundle-dir"
  : >"$TMP/comp/bundle-file"
  local shell
  for shell in bash zsh fish; do
    candidates "$shell" "hutch create --bundle $TMP/comp/bundle-" | grep -q "bundle-dir" ||
      fail "$shell: no directory for --bundle"
    ! candidates "$shell" "hutch create --bundle $TMP/comp/bundle-" | grep -q "bundle-file" ||
      fail "$shell: a file offered for --bundle"
    candidates "$shell" "hutch --log $TMP/comp/bundle-" | grep -q "bundle-file" || fail "$shell: no file for --log"
  done
}

@test "container ids come from the state directory --root names" {
  local b id shell
  new_bundle b sleep 60
  new_id id
  hcreate "$id" "$b"
  [ "$status" -eq 0 ]
  for shell in bash zsh fish; do
    same "$shell ids" "$id" "$(candidates "$shell" "hutch --root $ROOT kill ")"
    same "$shell ids (--root=)" "$id" "$(candidates "$shell" "hutch --root=$ROOT state ")"
    # Another state directory has other containers.
    same "$shell ids elsewhere" "" "$(candidates "$shell" "hutch --root $TMP/empty kill ")"
  done
}
