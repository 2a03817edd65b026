# Common setup for the bats suites.  Load with `load helpers`.
#
# Every suite runs against the runc-compatible binary in $LODGE (lodge, or
# runc itself to validate the suite).  tests/run-tests builds the fixtures
# and exports what is below; a suite run directly by bats builds nothing
# and expects tests/.cache/rootfs to exist.
#
# Per test: $TEST_DIR (a fresh temp dir), $ROOT (the --root under it),
# $BUNDLE (bundle dir, filled by make_bundle), $ID (a container id unique to
# this test and process), $REF_ROOT (the --root of the reference runc).

bats_require_minimum_version 1.5.0

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_DIR=${LODGE_TEST_CACHE:-$TESTS_DIR/.cache}
ROOTFS_CACHE=$CACHE_DIR/rootfs
REF_RUNC=${REF_RUNC:-/usr/sbin/runc}
: "${LODGE:?set LODGE to the runtime binary under test}"
# The recvtty helper: run-tests exports it; else the build's, else the one
# run-tests built.
if [ -z "${RECVTTY:-}" ]; then
  RECVTTY=$CACHE_DIR/recvtty
  [ -x "$TESTS_DIR/helpers/recvtty" ] && RECVTTY=$TESTS_DIR/helpers/recvtty
fi

# The first line of `$LODGE --version`, looked up once per run.
if [ -z "${LODGE_VERSION_LINE+set}" ]; then
  LODGE_VERSION_LINE=$("$LODGE" --version 2>/dev/null | head -n 1)
  export LODGE_VERSION_LINE
fi

# True when $LODGE is lodge (not runc or another runtime).
is_lodge() {
  grep -q '^lodge version' <<<"$LODGE_VERSION_LINE"
}

# True when $LODGE is runc (the suite being validated against runc).
is_runc() {
  grep -q '^runc version' <<<"$LODGE_VERSION_LINE"
}

# require_lodge [WHY]: skip the current test ("lodge-specific: WHY")
# unless $LODGE is lodge.
require_lodge() {
  is_lodge || skip "lodge-specific${1:+: $1}"
}

# True when a side-by-side comparison with the reference runc makes sense.
have_ref_runc() {
  ! is_runc && [ -x "$REF_RUNC" ]
}

# True when the host has cgroup v1 controller hierarchies (v1 or hybrid,
# like the machine these suites were written on); false on a unified
# cgroup v2 host.
host_cgroup_v1() {
  [ "$(stat -f -c %T /sys/fs/cgroup/memory 2>/dev/null)" = cgroupfs ]
}

# The root directories of the host's cgroup hierarchies, one per line,
# with a trailing slash.
cgroup_roots() {
  local d
  if host_cgroup_v1; then
    for d in /sys/fs/cgroup/*/; do
      case $(stat -f -c %T "$d") in cgroupfs | cgroup2fs) echo "$d" ;; esac
    done
  else
    echo /sys/fs/cgroup/
  fi
}

# Print a failure message (bats-support's `fail`, which bats lacks).
fail() {
  printf '%s\n' "$@" >&2
  return 1
}

# ---- setup / teardown --------------------------------------------------

setup_common() {
  [ -d "$ROOTFS_CACHE" ] || fail "no fixture rootfs at $ROOTFS_CACHE: run tests/run-tests"
  TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lodge-test.XXXXXX")
  # Traversable by the mapped root of a user-namespaced container.
  chmod 755 "$TEST_DIR"
  ROOT=$TEST_DIR/state
  REF_ROOT=$TEST_DIR/ref-state
  BUNDLE=$TEST_DIR/bundle
  ID=lt${BATS_TEST_NUMBER}-$$
  CTR_OUT=$TEST_DIR/ctr.out
  CLEANUP=()
}

setup() {
  setup_common
}

teardown() {
  teardown_common
}

# Register a command (one string, eval'd) for teardown to run.
on_teardown() {
  CLEANUP+=("$1")
}

# Kill PIDs with SIGKILL and wait (up to 1s) until none is alive (zombies
# count as gone).
_kill_pids() {
  local p i alive
  [ $# -gt 0 ] || return 0
  kill -9 "$@" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive=0
    for p in "$@"; do
      grep -qs '^State:[[:space:]]*[^Z]' "/proc/$p/status" && alive=1
    done
    [ "$alive" = 0 ] && return 0
    sleep 0.02
  done
}

teardown_common() {
  [ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ] || return 0
  local id dir bin p
  cd /

  # Force-delete whatever either runtime still knows about.
  for dir in "$ROOT" "$REF_ROOT"; do
    [ -d "$dir" ] || continue
    bin=$LODGE
    [ "$dir" = "$REF_ROOT" ] && bin=$REF_RUNC
    for id in $(ls -A "$dir" 2>/dev/null); do
      timeout 10 "$bin" --root "$dir" delete --force "$id" >/dev/null 2>&1 || true
    done
  done

  # Processes the runtime lost track of: kill anything rooted in the test
  # dir, running from it or named by it.
  _kill_pids $(_pids_in "$TEST_DIR" "$BUNDLE/rootfs")

  for cmd in "${CLEANUP[@]}"; do
    eval "$cmd" >/dev/null 2>&1 || true
  done

  # Cgroups the runtime left behind for this test's ids.
  _remove_cgroups "$ID"

  # Mounts leaked into this namespace: unmount before removing anything,
  # so rm never descends into a bind-mounted host directory.
  local m
  for m in $(awk -v d="$TEST_DIR" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$TEST_DIR"
}

# Remove cgroup directories named ID or ID followed by a non-digit (this
# test's other ids: ${ID}b ...; not lt1-1234 for lt1-123), depth <= 3 under
# each hierarchy, killing what still runs in them.
_remove_cgroups() {
  local id=$1 d
  for d in $(find /sys/fs/cgroup/*/ -mindepth 1 -maxdepth 3 -type d \( -name "$id" -o -name "$id[!0-9]*" \) 2>/dev/null | sort -r); do
    _kill_pids $(cat "$d/cgroup.procs" 2>/dev/null)
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

# ---- bundles -------------------------------------------------------------

# make_bundle_at DIR [ARG...]: a bundle in DIR with a copy of the fixture
# rootfs and the config.json of `$LODGE spec`, made non-interactive, with
# process.args set to ARG... (default: true).
make_bundle_at() {
  local dir=$1 args
  shift
  [ $# -gt 0 ] || set -- true
  mkdir -p "$dir"
  cp -a "$ROOTFS_CACHE" "$dir/rootfs"
  (cd "$dir" && "$LODGE" spec) || fail "$LODGE spec failed in $dir"
  args=$(json_array "$@")
  CONFIG=$dir/config.json update_config '.process.terminal = false | .process.args = $a' --argjson a "$args"
}

# make_bundle [ARG...]: make_bundle_at $BUNDLE.
make_bundle() {
  make_bundle_at "$BUNDLE" "$@"
}

# update_config EXPR [JQ-OPTION...]: rewrite $CONFIG (default
# $BUNDLE/config.json) through the jq expression EXPR.
update_config() {
  local f=${CONFIG:-$BUNDLE/config.json} expr=$1
  shift
  jq "$@" "$expr" "$f" >"$f.new" || fail "jq failed on $f: $expr"
  mv "$f.new" "$f"
}

# json_array STRING...: a JSON array of the strings.  (jq 1.6 parses its
# own options among `--args`, so "-c" cannot go through there.)
json_array() {
  local i=0 a opts=() names=()
  for a in "$@"; do
    opts+=(--arg "a$i" "$a")
    names+=("\$a$i")
    i=$((i + 1))
  done
  jq -cn "${opts[@]}" "[$(IFS=,; echo "${names[*]}")]"
}

# set_args ARG...: process.args of $BUNDLE.
set_args() {
  update_config '.process.args = $a' --argjson a "$(json_array "$@")"
}

# Drop the namespace TYPE from the config.
drop_namespace() {
  update_config '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
}

# Add the namespace TYPE (with an optional PATH) to the config.
add_namespace() {
  if [ $# -gt 1 ]; then
    update_config '.linux.namespaces = [(.linux.namespaces[] | select(.type != $t))] + [{type: $t, path: $p}]' --arg t "$1" --arg p "$2"
  else
    update_config '.linux.namespaces = [(.linux.namespaces[] | select(.type != $t))] + [{type: $t}]' --arg t "$1"
  fi
}

# Bind-mount a fresh host directory at /shared in the container; its host
# path is $SHARED.
add_shared_dir() {
  SHARED=$TEST_DIR/shared
  mkdir -p "$SHARED"
  chmod 777 "$SHARED"
  update_config '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]' --arg s "$SHARED"
}

# ---- running the runtime -------------------------------------------------

# lodge ARG...: the runtime under test with this test's --root.
lodge() {
  "$LODGE" --root "$ROOT" "$@"
}

# ref_runc ARG...: the reference runc with its own --root.
ref_runc() {
  "$REF_RUNC" --root "$REF_ROOT" "$@"
}

# lodge_detached ARG...: a lodge command whose container outlives it
# (create, run -d).  The container inherits its stdio, so stdout goes to
# $CTR_OUT and stdin is /dev/null; the command's own stderr is replayed on
# stderr after it returns (safe under bats' `run`, which would otherwise
# wait for the container to close the pipe).
lodge_detached() {
  local errf rc=0
  errf=$(mktemp "$TEST_DIR/stderr.XXXXXX")
  lodge "$@" </dev/null >>"$CTR_OUT" 2>"$errf" || rc=$?
  cat "$errf" >&2
  return "$rc"
}

# create_container [ID [FLAG...]]: `create` from $BUNDLE; fails the test
# when create fails.
create_container() {
  local id=${1:-$ID}
  [ $# -gt 0 ] && shift
  lodge_detached create --bundle "$BUNDLE" "$@" "$id" || fail "create $id failed"
}

# start_container [ID [FLAG...]]: create and start.
start_container() {
  local id=${1:-$ID}
  create_container "$@"
  lodge start "$id" || fail "start $id failed"
}

# state_field ID FIELD: one field of `state`.
state_field() {
  lodge state "$1" | jq -r ".$2"
}

# container_pid [ID]
container_pid() {
  state_field "${1:-$ID}" pid
}

# wait_for_status ID STATUS [TRIES]: poll `state` (every 20ms) until it
# reports STATUS.
wait_for_status() {
  local id=$1 want=$2 tries=${3:-250} got
  for ((; tries > 0; tries--)); do
    got=$(state_field "$id" status 2>/dev/null) || got=
    [ "$got" = "$want" ] && return 0
    sleep 0.02
  done
  fail "container $id: status is \"$got\", wanted \"$want\""
}

# wait_for_file FILE [TRIES]: poll (every 20ms) until FILE exists.
wait_for_file() {
  local f=$1 tries=${2:-250}
  for ((; tries > 0; tries--)); do
    [ -e "$f" ] && return 0
    sleep 0.02
  done
  fail "$f did not appear"
}

# wait_for_content FILE [TRIES]: poll (every 20ms) until FILE is not empty.
wait_for_content() {
  local f=$1 tries=${2:-250}
  for ((; tries > 0; tries--)); do
    [ -s "$f" ] && return 0
    sleep 0.02
  done
  fail "$f stayed empty"
}

# ---- assertions ----------------------------------------------------------

assert_status() {
  [ "$status" -eq "$1" ] || fail "exit status $status, expected $1" "output: $output" "stderr: ${stderr:-}"
}

assert_success() {
  assert_status 0
}

assert_failure() {
  [ "$status" -ne 0 ] || fail "expected a non-zero exit status" "output: $output"
}

assert_equal() {
  [ "$1" = "$2" ] || fail "expected: $2" "actual:   $1"
}

# assert_contains TEXT NEEDLE
assert_contains() {
  [[ "$1" == *"$2"* ]] || fail "expected to find: $2" "in: $1"
}

# assert_not_contains TEXT NEEDLE
assert_not_contains() {
  [[ "$1" != *"$2"* ]] || fail "expected not to find: $2" "in: $1"
}

# assert_output_contains NEEDLE: in $output.
assert_output_contains() {
  assert_contains "$output" "$1"
}

# assert_error_line [NEEDLE...]: the failed command (run with
# --separate-stderr) exited non-zero; for lodge also: $stderr is exactly one
# line, `lodge: <message>`, containing every NEEDLE.
assert_error_line() {
  [ "$status" -ne 0 ] || fail "expected a non-zero exit status" "stderr: $stderr"
  is_lodge || return 0
  local n=${#stderr_lines[@]} needle
  [ "$n" -eq 1 ] || fail "expected exactly one line on stderr, got $n:" "$stderr"
  [[ "${stderr_lines[0]}" == "lodge: "* ]] || fail "stderr does not start with 'lodge: ': $stderr"
  for needle in "$@"; do
    assert_contains "${stderr_lines[0]}" "$needle"
  done
}

# The pids of processes rooted in, running in, or naming DIR in their
# command line; ROOTFS (optional) also matched by device and inode of the
# process's root directory.
_pids_in() {
  local dir=$1 rootfs=${2:-} devino= line pid
  [ -n "$rootfs" ] && [ -d "$rootfs" ] && devino=$(stat -L -c '%d:%i' "$rootfs")
  {
    # Command lines (the pattern comes from a file so grep won't match itself).
    grep -lsF -f <(printf '%s\n' "$dir") /proc/[0-9]*/cmdline | cut -d/ -f3
    # Working directory or root directory under DIR.
    find /proc -mindepth 2 -maxdepth 2 -regex '/proc/[0-9]+/\(cwd\|root\)' -printf '%h %l\n' 2>/dev/null |
      awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {sub("/proc/", "", $1); print $1}'
    # Root directory is the rootfs (after pivot_root, readlink says "/").
    if [ -n "$devino" ]; then
      stat -L -c '%n %d:%i' /proc/[0-9]*/root 2>/dev/null |
        awk -v di="$devino" '$2 == di {split($1, a, "/"); print a[3]}'
    fi
  } | sort -un | while read -r pid; do
    # Never this test's own shell or bats' processes (a test may cd into
    # its dir).
    [ "$pid" = "$$" ] && continue
    grep -qsF /bats-core/ "/proc/$pid/cmdline" && continue
    echo "$pid"
  done
}

# _leftovers ID BUNDLE ROOTDIR: describe what is left of container ID.
_leftovers() {
  local id=$1 bundle=$2 rootdir=$3 rootfs pid
  rootfs=$(jq -r '.root.path // "rootfs"' "$bundle/config.json" 2>/dev/null) || rootfs=rootfs
  [[ "$rootfs" == /* ]] || rootfs=$bundle/$rootfs

  [ -n "$id" ] && [ -e "$rootdir/$id" ] && echo "state directory $rootdir/$id still exists"
  grep -F -e "$bundle" -e "$rootfs" /proc/self/mountinfo | sed 's/^/mount left: /'
  for pid in $(_pids_in "$bundle" "$rootfs"); do
    echo "process left: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
  done
  if [ -n "$id" ]; then
    find /sys/fs/cgroup/*/ -mindepth 1 -maxdepth 3 -type d -name "$id" 2>/dev/null | sed 's/^/cgroup left: /'
  fi
  return 0
}

# assert_nothing_left ID [BUNDLE [ROOTDIR]]: no state dir for ID under
# ROOTDIR (default $ROOT), no mount mentioning BUNDLE (default $BUNDLE) or
# its rootfs, no process in or rooted in them, no cgroup directory named ID
# (depth <= 3 in any hierarchy: lodge's /lodge/ID, runc's /ID under the
# caller's cgroup).  An empty ID checks only the bundle.  Processes get a
# short grace period to be reaped.
assert_nothing_left() {
  local id=$1 bundle=${2:-$BUNDLE} rootdir=${3:-$ROOT} left i
  for ((i = 0; i < 50; i++)); do
    left=$(_leftovers "$id" "$bundle" "$rootdir")
    [ -z "$left" ] && return 0
    sleep 0.04
  done
  fail "leftovers of container $id:" "$left"
}
