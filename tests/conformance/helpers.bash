# Common setup for the conformance suites (tests/conformance/*.bats), one
# suite per runtime-spec document.  Load with `load helpers`.
#
# Each test checks one requirement of the OCI runtime-spec.  The check is a
# function, check_*, that `conform` runs once per runtime: the runtime under
# test ($LODGE), whose result decides the test, and, when they are installed,
# runc ($REF_RUNC) and crun (through crun-compat), each with its own --root,
# bundle, container id and scratch directory.  conform prints one line to
# fd 3, which bats shows:
#
#   # lodge: pass  runc: pass  crun: FAIL (what went wrong)
#
# "n/a (why)" marks a runtime for which the requirement does not apply
# (a conditional requirement whose condition the runtime does not meet,
# e.g. it refuses an optional value with an error, as the spec allows).
#
# CONFORM_COMPARE=0 runs the runtime under test only.
#
# Inside a check:
#   $RT      runtime name (lodge, runc, crun)     $CID  container id
#   $B       bundle directory (made by `bundle`)  $W    scratch directory
#   $SHARED  host side of /shared (made by `share`)
#   rt ARG...          the runtime with its --root (and a timeout)
#   bundle [ARG...]    fresh bundle: fixture rootfs, base config, args
#   cfg JQ [OPT...]    rewrite $B/config.json through a jq expression
#   fail MSG           fail the check with MSG as the reason
#   not_applicable MSG the requirement does not apply to this runtime
# A check fails at the first command that fails (set -e); its reason is the
# first `fail` message, else the failed command.  (No pipefail: the shared
# helpers of ../helpers.bash are written without it.)

source "$BATS_TEST_DIRNAME/../helpers.bash"

CONFORM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---- the runtimes --------------------------------------------------------

CONFORM_NAMES=()
CONFORM_BINS=()

_conform_add() {
  CONFORM_NAMES+=("$1")
  CONFORM_BINS+=("$2")
}

_conform_under_test=$(awk 'NR == 1 { print $1 }' <<<"$LODGE_VERSION_LINE")
case $_conform_under_test in
  lodge | runc | crun) ;;
  *) _conform_under_test=lodge ;;
esac
_conform_add "$_conform_under_test" "$LODGE"
if [ "${CONFORM_COMPARE:-1}" != 0 ]; then
  if [ "$_conform_under_test" != runc ] && [ -x "$REF_RUNC" ]; then
    _conform_add runc "$REF_RUNC"
  fi
  if [ "$_conform_under_test" != crun ] && command -v crun >/dev/null 2>&1; then
    _conform_add crun "$CONFORM_DIR/crun-compat"
  fi
fi

# ---- setup / teardown ----------------------------------------------------

setup() {
  setup_common
  # teardown_common force-deletes what $LODGE left under $ROOT and runc
  # under $REF_ROOT; conform_teardown does it for every runtime first.
  ROOT=$TEST_DIR/${CONFORM_NAMES[0]}/root
  REF_ROOT=$TEST_DIR/runc/root
}

teardown() {
  conform_teardown
}

conform_teardown() {
  local i dir id cmd
  [ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ] || return 0
  for i in "${!CONFORM_NAMES[@]}"; do
    dir=$TEST_DIR/${CONFORM_NAMES[i]}/root
    [ -d "$dir" ] || continue
    for id in $(ls -A "$dir" 2>/dev/null); do
      timeout 10 "${CONFORM_BINS[i]}" --root "$dir" delete --force "$id" >/dev/null 2>&1 || true
    done
  done
  # What the checks (subshells) registered with cleanup_cmd.
  for i in "${!CONFORM_NAMES[@]}"; do
    [ -f "$TEST_DIR/${CONFORM_NAMES[i]}/cleanup" ] || continue
    while IFS= read -r cmd; do
      eval "$cmd" >/dev/null 2>&1 || true
    done <"$TEST_DIR/${CONFORM_NAMES[i]}/cleanup"
  done
  teardown_common
}

# cleanup_cmd CMD: within a check, have teardown run CMD (eval'd).
cleanup_cmd() {
  printf '%s\n' "$1" >>"$W/cleanup"
}

# ---- running a check -----------------------------------------------------

# known_gap REASON: the requirement of this test is one lodge does not meet
# on purpose or yet; docs/conformance.md lists it with REASON.  The check
# still runs: its failure is reported as "known gap" and does not fail the
# test, and a pass fails it (the list must be kept true).  Only lodge's
# result is affected.
known_gap() {
  KNOWN_GAP=$1
}

# conform CHECK [ARG...]: run CHECK ARG... against every runtime; print the
# side-by-side line; succeed when the runtime under test passed (or the
# requirement does not apply to it).
conform() {
  local fn=$1 i name w result line='' decided=0 reason
  shift
  declare -F "$fn" >/dev/null || fail "no check function $fn"
  # The runtimes run side by side (each has its own directories, ids and
  # cgroups); CONFORM_SERIAL=1 runs them one after the other.
  local pids=()
  for i in "${!CONFORM_NAMES[@]}"; do
    _conform_one "$i" "$fn" "$@" &
    pids+=($!)
    [ "${CONFORM_SERIAL:-0}" = 1 ] && wait "$!"
  done
  wait "${pids[@]}" || true
  for i in "${!CONFORM_NAMES[@]}"; do
    name=${CONFORM_NAMES[i]}
    w=$TEST_DIR/$name
    if [ -e "$w/na" ]; then
      result="n/a ($(head -n 1 "$w/na"))"
    elif [ -e "$w/passed" ]; then
      result=pass
    else
      reason=$(grep -m 1 . "$w/reason" 2>/dev/null) ||
        reason=$(grep -m 1 . "$w/lastcmd" 2>/dev/null) || reason="exited early"
      reason=${reason//$'\t'/ }
      [ "${#reason}" -le 160 ] || reason="${reason:0:157}..."
      result="FAIL ($reason)"
      [ "$i" = 0 ] && decided=1
    fi
    line+="$name: $result  "
  done
  if [ -n "${KNOWN_GAP:-}" ] && [ "${CONFORM_NAMES[0]}" = lodge ]; then
    if [ "$decided" = 1 ]; then
      echo "# ${line%  } -- known gap: $KNOWN_GAP" >&3
      return 0
    fi
    echo "# ${line%  }" >&3
    echo "lodge now meets a requirement listed as a known gap ($KNOWN_GAP): remove it from the list" >&2
    return 1
  fi
  echo "# ${line%  }" >&3
  if [ "$decided" = 1 ]; then
    echo "---- ${CONFORM_NAMES[0]}: check log ($TEST_DIR/${CONFORM_NAMES[0]}/log)" >&2
    cat "$TEST_DIR/${CONFORM_NAMES[0]}/log" >&2
    return 1
  fi
}

# _conform_one INDEX CHECK [ARG...]: run the check for one runtime in a
# subshell, leaving $W/passed, $W/na or $W/reason.  (conform starts it in
# the background: errexit holds inside, which it would not in a `||` list.)
_conform_one() {
  local i=$1 fn=$2
  shift 2
  local w=$TEST_DIR/${CONFORM_NAMES[i]}
  mkdir -p "$w"
  chmod 755 "$w"
  (
    RT=${CONFORM_NAMES[i]}
    RT_BIN=${CONFORM_BINS[i]}
    RT_ROOT=$w/root
    W=$w
    B=$w/bundle
    CID=$ID-$RT
    SHARED=
    cd "$W"
    trap - DEBUG RETURN
    set -eE
    # The last failed command: the one that ended the check, unless a
    # `fail` message (in $W/reason) says more.
    trap '_conform_rc=$?; printf "%s (exit status %s)\n" "$BASH_COMMAND" "$_conform_rc" >"$W/lastcmd"' ERR
    "$fn" "$@"
    : >"$W/passed"
  ) >"$w/log" 2>&1
}

# Within a check: fail with MSG as the reason shown side by side.
fail() {
  if [ -n "${W:-}" ]; then
    printf '%s\n' "$*" >>"$W/reason"
  fi
  printf '%s\n' "$@" >&2
  return 1
}

# not_applicable WHY: end the check; the requirement does not apply.
not_applicable() {
  echo "$*" >"$W/na"
  exit 0
}

# ---- bundles ---------------------------------------------------------------

# json_strings STRING...: a JSON array of the strings (no jq: this runs
# for every bundle).
json_strings() {
  local a out='' sep=''
  for a in "$@"; do
    a=${a//\\/\\\\}
    a=${a//\"/\\\"}
    a=${a//$'\n'/\\n}
    a=${a//$'\t'/\\t}
    out+="$sep\"$a\""
    sep=', '
  done
  echo "[$out]"
}

# base_config [ARG...]: the base config.json, runc's `runc spec` (which
# lodge's matches), made non-interactive and writable, with process.args
# ARG... (default: sleep 1000) and an ociVersion every runtime here takes
# (crun 1.8.1 refuses 1.2.x).
base_config() {
  [ $# -gt 0 ] || set -- sleep 1000
  cat <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": $(json_strings "$@"),
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "ambient": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
    "noNewPrivileges": true
  },
  "root": {"path": "rootfs", "readonly": false},
  "hostname": "conform",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
     "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
     "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
  ],
  "linux": {
    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
    "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
  }
}
EOF
}

# bundle [--copy] [ARG...]: a fresh $B: the fixture rootfs and the base
# config with process.args ARG... (default: sleep 1000).  The rootfs is a
# tree of new directories with the fixture's files hard-linked (fast, and a
# container can add and remove files freely); checks that change existing
# files' inodes (owner, mode, content) ask for a real copy with --copy.
bundle() {
  local copy=-al
  if [ "${1:-}" = --copy ]; then
    copy=-a
    shift
  fi
  rm -rf "$B"
  mkdir -p "$B"
  cp "$copy" "$ROOTFS_CACHE" "$B/rootfs"
  base_config "$@" >"$B/config.json"
}

# cfg EXPR [JQ-OPTION...]: rewrite $B/config.json through EXPR.
cfg() {
  CONFIG=$B/config.json update_config "$@"
}

# share: bind-mount a fresh host directory, $SHARED, at /shared.
share() {
  SHARED=$W/shared
  mkdir -p "$SHARED"
  chmod 777 "$SHARED"
  cfg '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]' --arg s "$SHARED"
}

# ---- driving the runtime ---------------------------------------------------

# rt ARG...: the runtime with this check's --root, killed after
# $CONFORM_CMD_TIMEOUT seconds (default 30).
rt() {
  timeout -k 5 "${CONFORM_CMD_TIMEOUT:-30}" "$RT_BIN" --root "$RT_ROOT" "$@"
}

# rt_try_create [FLAG...]: create $CID from $B; the container's stdio goes
# to $W/ctr.out, create's stderr to $W/create.err.  Returns create's status.
rt_try_create() {
  rm -f "$W/pid"
  rt create --bundle "$B" --pid-file "$W/pid" "$@" "$CID" </dev/null >>"$W/ctr.out" 2>"$W/create.err"
}

# rt_create [FLAG...]: create, or fail the check.
rt_create() {
  rt_try_create "$@" || fail "create failed: $(tail -n 2 "$W/create.err" | tr '\n' ' ')"
}

# rt_try_start: start $CID; start's stderr goes to $W/start.err.
rt_try_start() {
  rt start "$CID" </dev/null >>"$W/ctr.out" 2>"$W/start.err"
}

rt_start() {
  rt_try_start || fail "start failed: $(tail -n 2 "$W/start.err" | tr '\n' ' ')"
}

# rt_up [FLAG...]: create and start.
rt_up() {
  rt_create "$@"
  rt_start
}

# rt_run: run $CID in the foreground from $B; its stdout in $W/stdout, its
# stderr in $W/stderr.  Returns run's status.
rt_run() {
  rt run --bundle "$B" "$CID" </dev/null >"$W/stdout" 2>"$W/stderr"
}

# rt_run_ok: rt_run, or fail the check.
rt_run_ok() {
  rt_run || fail "run failed ($?): $(tail -n 2 "$W/stderr" | tr '\n' ' ')"
}

# rt_state [ID]: the state JSON, or fail.
rt_state() {
  rt state "${1:-$CID}" 2>"$W/state.err" || fail "state failed: $(tail -n 1 "$W/state.err")"
}

# rt_field FIELD [ID]: one field of the state.
rt_field() {
  rt_state "${2:-$CID}" | jq -r ".$1"
}

# rt_pid: the container's pid, from the pid file create wrote (the State
# checks read the state's pid themselves).
rt_pid() {
  [ -s "$W/pid" ] || fail "no pid file"
  cat "$W/pid"
}

# rt_wait_status STATUS [TRIES]: poll the state (every 20ms, 5s by default).
rt_wait_status() {
  local want=$1 tries=${2:-250} got=
  for ((; tries > 0; tries--)); do
    got=$(rt state "$CID" 2>/dev/null | jq -r .status 2>/dev/null) || got=
    [ "$got" = "$want" ] && return 0
    sleep 0.02
  done
  fail "status is \"$got\", wanted \"$want\""
}

# rt_gone [ID]: `state` fails for the id (the container does not exist).
rt_gone() {
  ! rt state "${1:-$CID}" >/dev/null 2>&1
}

# expect_error WHAT CMD...: CMD must fail.
expect_error() {
  local what=$1
  shift
  if "$@" >>"$W/expect.out" 2>&1; then
    fail "$what succeeded; an error was required"
  fi
}

# wait_file FILE [TRIES]: wait (20ms steps, 5s by default) for FILE to exist.
wait_file() {
  local f=$1 tries=${2:-250}
  for ((; tries > 0; tries--)); do
    [ -e "$f" ] && return 0
    sleep 0.02
  done
  fail "$(basename "$f") did not appear"
}

# pid_gone PID [TRIES]: wait until PID is gone or a zombie.
pid_gone() {
  local p=$1 tries=${2:-250}
  for ((; tries > 0; tries--)); do
    grep -qs '^State:[[:space:]]*[^Z]' "/proc/$p/status" || return 0
    sleep 0.02
  done
  return 1
}

# nothing_left: no state, mount, process or cgroup of $CID remains.
nothing_left() {
  local left i
  for ((i = 0; i < 50; i++)); do
    left=$(_leftovers "$CID" "$B" "$RT_ROOT")
    [ -z "$left" ] && return 0
    sleep 0.04
  done
  fail "left behind: $(head -n 1 <<<"$left")"
}

# ns_of PID TYPE: the namespace (e.g. net:[4026531840]) of PID.
ns_of() {
  readlink "/proc/$1/ns/$2"
}

# dev_ino PATH: device and inode numbers.
dev_ino() {
  stat -L -c '%d:%i' "$1"
}

# ---- hooks -------------------------------------------------------------------

HOOK_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# hook_script NAME BODY: an executable /bin/sh script $W/hooks/NAME that
# reads the state from its stdin into $state, then runs BODY; prints its
# path.  (Reading stdin first: a runtime may fail a hook that exits before
# it took the state.)
hook_script() {
  local f=$W/hooks/$1
  mkdir -p "$W/hooks"
  printf '#!/bin/sh\nstate=$(cat)\n%s\n' "$2" >"$f"
  chmod 755 "$f"
  echo "$f"
}

# add_hook KIND PATH [ARG...]: append a hook (with a PATH in its
# environment) to hooks.KIND.
add_hook() {
  local kind=$1 path=$2
  shift 2
  cfg '.hooks[$k] += [{path: $p, args: ([$p] + $a), env: [$e]}]' \
    --arg k "$kind" --arg p "$path" --argjson a "$(json_array "$@")" --arg e "PATH=$HOOK_PATH"
}

# ---- mounts ------------------------------------------------------------------

# mount_line PID DEST: the container's /proc/PID/mountinfo line for DEST
# (the last mount there).
mount_line() {
  awk -v d="$2" '$5 == d { l = $0 } END { if (l == "") exit 1; print l }' "/proc/$1/mountinfo"
}

# mount_opts LINE: per-mount options, then super options, comma-separated.
mount_opts() {
  awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; print $6 "," $(i + 3) }' <<<"$1"
}

# has_opt OPTS NAME
has_opt() {
  [[ ",$1," == *",$2,"* ]]
}
