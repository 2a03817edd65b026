#!/usr/bin/env bats
# Conformance: runtime-spec runtime-linux.md (file descriptors, /dev
# symbolic links).  Each test names the section and, in its comment, says
# the requirement in our own words.  See helpers.bash for conform and the
# check helpers.

load helpers

# ---- File descriptors -------------------------------------------------------

# By default only stdin, stdout and stderr are open in the container
# process: a descriptor the runtime's caller has open (here 7) is not passed
# on.
check_only_stdio_open() {
  # (sh stays process 1 and lists its own descriptors through ls)
  bundle sh -c 'ls /proc/1/fd; true'
  (
    exec 7>"$W/extra"
    rt_run
  ) || fail "run failed: $(tail -n 1 "$W/stderr")"
  [ "$(tr '\n' ' ' <"$W/stdout")" = "0 1 2 " ] || fail "the container process has the fds $(tr '\n' ' ' <"$W/stdout")"
}

@test "runtime-linux.md File descriptors: only stdin, stdout and stderr are open" {
  conform check_only_stdio_open
}

# ---- Dev symbolic links -----------------------------------------------------

# During create, the runtime makes /dev/fd, /dev/stdin, /dev/stdout and
# /dev/stderr symlinks to /proc/self/fd, /proc/self/fd/0, 1 and 2 (their
# targets exist once /proc is mounted).
check_dev_symlink() {
  local link=$1 target=$2 pid got
  bundle
  rt_create
  pid=$(rt_pid)
  got=$(readlink "/proc/$pid/root$link") || fail "$link is not a symlink"
  [ "$got" = "$target" ] || fail "$link points to $got"
}

@test "runtime-linux.md Dev symbolic links: /dev/fd is a symlink to /proc/self/fd" {
  conform check_dev_symlink /dev/fd /proc/self/fd
}

@test "runtime-linux.md Dev symbolic links: /dev/stdin is a symlink to /proc/self/fd/0" {
  conform check_dev_symlink /dev/stdin /proc/self/fd/0
}

@test "runtime-linux.md Dev symbolic links: /dev/stdout is a symlink to /proc/self/fd/1" {
  conform check_dev_symlink /dev/stdout /proc/self/fd/1
}

@test "runtime-linux.md Dev symbolic links: /dev/stderr is a symlink to /proc/self/fd/2" {
  conform check_dev_symlink /dev/stderr /proc/self/fd/2
}
