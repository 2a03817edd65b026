#!/usr/bin/env bats
# Conformance: runtime-spec config-linux.md (default filesystems,
# namespaces, user namespace mappings, devices, control groups, the allowed
# device list, unified, intelRdt, seccomp).  Each test names the section
# and, in its comment, says the requirement in our own words.  See
# helpers.bash for conform and the check helpers.

load helpers

setup_file() {
  # The seccomp listener (seccomp-agent.c), built once into the cache.
  local src=$BATS_TEST_DIRNAME/seccomp-agent.c bin=$CACHE_DIR/seccomp-agent
  mkdir -p "$CACHE_DIR"
  (
    flock 9
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
      gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$bin.new" "$src" && mv "$bin.new" "$bin"
    fi
  ) 9>"$CACHE_DIR/.seccomp-agent.lock" >&2 || true
  export SECCOMP_AGENT=$bin
}

USERNS_MAPS='.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
  | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'

# ---- Default Filesystems --------------------------------------------------

# /proc, /sys, /dev/pts and /dev/shm are available in the container with
# their filesystem types (proc, sysfs, devpts, tmpfs).
check_default_filesystem() {
  local path=$1 type=$2 pid got
  bundle
  rt_create
  pid=$(rt_pid)
  got=$(awk -v d="$path" '$5 == d { for (i = 7; $i != "-"; i++); t = $(i + 1) } END { print t }' "/proc/$pid/mountinfo")
  [ "$got" = "$type" ] || fail "$path is ${got:-not mounted}, not $type"
}

@test "config-linux.md Default Filesystems: /proc is a proc filesystem" {
  conform check_default_filesystem /proc proc
}

@test "config-linux.md Default Filesystems: /sys is a sysfs filesystem" {
  conform check_default_filesystem /sys sysfs
}

@test "config-linux.md Default Filesystems: /dev/pts is a devpts filesystem" {
  conform check_default_filesystem /dev/pts devpts
}

@test "config-linux.md Default Filesystems: /dev/shm is a tmpfs filesystem" {
  conform check_default_filesystem /dev/shm tmpfs
}

# ---- Namespaces -------------------------------------------------------------

# A namespace type listed without a path gets a new namespace of that type
# (the types the spec says runtimes should support: pid, network, mount,
# ipc, uts, user, cgroup, time).
check_namespace_new() {
  local type=$1 file=$1 pid
  [ "$type" = network ] && file=net
  [ "$type" = mount ] && file=mnt
  # (a user namespace gets a rootfs copy of its own, in case a runtime
  # chowns it)
  if [ "$type" = user ]; then bundle --copy; else bundle; fi
  cfg '.linux.namespaces = [(.linux.namespaces[] | select(.type != $t)), {type: $t}]' --arg t "$type"
  [ "$type" = user ] && cfg "$USERNS_MAPS"
  rt_create
  pid=$(rt_pid)
  [ -e "/proc/$pid/ns/$file" ] || fail "no $file namespace for the container process"
  [ "$(ns_of "$pid" "$file")" != "$(ns_of self "$file")" ] || fail "the container shares the host's $type namespace"
  if [ "$type" = user ]; then
    [ "$(awk '{ print $1, $2, $3 }' "/proc/$pid/uid_map")" = "0 100000 65536" ] ||
      fail "uid_map is $(tr -s ' ' <"/proc/$pid/uid_map")"
  fi
}

@test "config-linux.md Namespaces: a new pid namespace when no path is given" {
  conform check_namespace_new pid
}

@test "config-linux.md Namespaces: a new network namespace when no path is given" {
  conform check_namespace_new network
}

@test "config-linux.md Namespaces: a new mount namespace when no path is given" {
  conform check_namespace_new mount
}

@test "config-linux.md Namespaces: a new ipc namespace when no path is given" {
  conform check_namespace_new ipc
}

@test "config-linux.md Namespaces: a new uts namespace when no path is given" {
  conform check_namespace_new uts
}

@test "config-linux.md Namespaces: a new user namespace when no path is given" {
  conform check_namespace_new user
}

@test "config-linux.md Namespaces: a new cgroup namespace when no path is given" {
  conform check_namespace_new cgroup
}

@test "config-linux.md Namespaces: a new time namespace when no path is given" {
  conform check_namespace_new time
}

# With a path, the container process joins the namespace at that path.
check_namespace_join() {
  local ns=cf-$CID pid
  ip netns add "$ns" || fail "ip netns add failed"
  cleanup_cmd "ip netns delete '$ns'"
  bundle
  cfg '.linux.namespaces = [(.linux.namespaces[] | select(.type != "network")), {type: "network", path: $p}]' --arg p "/var/run/netns/$ns"
  rt_create
  pid=$(rt_pid)
  [ "$(ns_of "$pid" net)" = "net:[$(stat -L -c %i "/var/run/netns/$ns")]" ] ||
    fail "the container is not in the network namespace at the path"
}

@test "config-linux.md Namespaces: the container joins the namespace at path" {
  conform check_namespace_join
}

# A path to a namespace of another type is an error.
check_namespace_path_type() {
  bundle
  cfg '.linux.namespaces = [(.linux.namespaces[] | select(.type != "network")), {type: "network", path: "/proc/1/ns/uts"}]'
  expect_error "create with a uts namespace path for network" rt_try_create
}

@test "config-linux.md Namespaces: a path to a namespace of another type is an error" {
  conform check_namespace_path_type
}

# A namespace type that is not listed is the runtime's: the container
# inherits it.
check_namespace_inherit() {
  local pid t
  bundle
  # (hostname needs a uts namespace of the container's own)
  cfg '.linux.namespaces |= map(select(.type == "pid" or .type == "mount")) | del(.hostname)'
  rt_create
  pid=$(rt_pid)
  for t in net ipc uts cgroup; do
    [ "$(ns_of "$pid" "$t")" = "$(ns_of self "$t")" ] || fail "the container has its own $t namespace"
  done
}

@test "config-linux.md Namespaces: an unlisted namespace type is inherited from the runtime" {
  conform check_namespace_inherit
}

# Two entries of one type are an error.
check_namespace_duplicate() {
  bundle
  cfg '.linux.namespaces += [{type: "network"}]'
  expect_error "create with two network namespaces" rt_try_create
}

@test "config-linux.md Namespaces: duplicated namespace types are an error" {
  conform check_namespace_duplicate
}

# ---- User namespace mappings -------------------------------------------

# The runtime should not change the ownership of the root filesystem to
# realize the mappings.
check_userns_no_chown() {
  local changed
  bundle --copy sh -c 'echo ok'
  cfg '.linux.namespaces += [{type: "user"}]'
  cfg "$USERNS_MAPS"
  rt_run_ok
  changed=$(find "$B/rootfs" \( ! -user 0 -o ! -group 0 \) ! -path "$B/rootfs/home/user*" -print -quit)
  [ -z "$changed" ] || fail "$changed is now owned by $(stat -c %u:%g "$changed")"
}

@test "config-linux.md User namespace mappings: the rootfs ownership is not changed for the mapping" {
  conform check_userns_no_chown
}

# ---- Devices ------------------------------------------------------------

# The devices listed are available in the container, as asked (type,
# major, minor).
check_devices_available() {
  local pid got
  bundle
  cfg '.linux.devices = [{path: "/dev/conform-null", type: "c", major: 1, minor: 3, fileMode: 438, uid: 0, gid: 0}]'
  rt_create
  pid=$(rt_pid)
  got=$(stat -c '%F %t:%T' "/proc/$pid/root/dev/conform-null" 2>&1) || fail "/dev/conform-null is missing"
  [ "$got" = "character special file 1:3" ] || fail "/dev/conform-null is a $got"
}

@test "config-linux.md Devices: the listed devices are available in the container" {
  conform check_devices_available
}

# A file already at a device's path that is not that device is an error.
check_devices_existing_file() {
  bundle
  echo not-a-device >"$B/rootfs/conform-dev"
  cfg '.linux.devices = [{path: "/conform-dev", type: "c", major: 1, minor: 3, fileMode: 438, uid: 0, gid: 0}]'
  expect_error "create over a regular file at the device path" rt_try_create
}

@test "config-linux.md Devices: a different file at the device path is an error" {
  conform check_devices_existing_file
}

# ---- Default Devices ----------------------------------------------------

# The runtime supplies /dev/null, zero, full, random, urandom and tty (the
# character devices 1:3, 1:5, 1:7, 1:8, 1:9 and 5:0) without being asked,
# usable by the container process.
check_default_device() {
  local name=$1 want=$2 out
  bundle sh -c "stat -c '%F %t:%T' /dev/$name; if [ $name = tty ] || : < /dev/$name; then echo usable; fi"
  rt_run_ok
  out=$(head -n 1 "$W/stdout")
  [ "$out" = "character special file $want" ] || fail "/dev/$name is ${out:-missing}"
  [ "$(sed -n 2p "$W/stdout")" = usable ] || fail "/dev/$name cannot be opened in the container"
}

@test "config-linux.md Default Devices: /dev/null" {
  conform check_default_device null 1:3
}

@test "config-linux.md Default Devices: /dev/zero" {
  conform check_default_device zero 1:5
}

@test "config-linux.md Default Devices: /dev/full" {
  conform check_default_device full 1:7
}

@test "config-linux.md Default Devices: /dev/random" {
  conform check_default_device random 1:8
}

@test "config-linux.md Default Devices: /dev/urandom" {
  conform check_default_device urandom 1:9
}

@test "config-linux.md Default Devices: /dev/tty" {
  conform check_default_device tty 5:0
}

# /dev/ptmx is the container's /dev/pts/ptmx (a bind mount or a symlink).
check_default_device_ptmx() {
  local pid
  bundle
  rt_create
  pid=$(rt_pid)
  [ -e "/proc/$pid/root/dev/ptmx" ] || fail "/dev/ptmx is missing"
  [ "$(dev_ino "/proc/$pid/root/dev/ptmx")" = "$(dev_ino "/proc/$pid/root/dev/pts/ptmx")" ] ||
    fail "/dev/ptmx is not the container's /dev/pts/ptmx"
}

@test "config-linux.md Default Devices: /dev/ptmx is the container's /dev/pts/ptmx" {
  conform check_default_device_ptmx
}

# With process.terminal, /dev/console is the pty the process has as its
# terminal (bind-mounted there).
check_default_device_console() {
  local rpid out i console tty
  [ -x "$RECVTTY" ] || fail "no recvtty helper ($RECVTTY): run tests/run-tests"
  bundle sh -c 'stat -c "%t:%T" /dev/console; tty'
  cfg '.process.terminal = true'
  "$RECVTTY" "$W/console.sock" >"$W/tty.out" 2>"$W/recvtty.err" &
  rpid=$!
  wait_file "$W/console.sock"
  rt_up --console-socket "$W/console.sock"
  for ((i = 0; i < 250; i++)); do
    kill -0 "$rpid" 2>/dev/null || break
    sleep 0.02
  done
  out=$(tr -d '\r' <"$W/tty.out")
  console=$(sed -n 1p <<<"$out")
  tty=$(sed -n 2p <<<"$out")
  [[ "$tty" == /dev/pts/* ]] || fail "the process has no pty as its terminal: ${tty:-nothing}"
  [ "$console" = "$(printf '88:%x' "${tty#/dev/pts/}")" ] ||
    fail "/dev/console is ${console:-missing}, the terminal is $tty"
}

@test "config-linux.md Default Devices: /dev/console is the terminal's pty" {
  conform check_default_device_console
}

# ---- Control groups ------------------------------------------------------

# An absolute cgroupsPath is relative to the cgroups mount point: the
# container is in that cgroup of every hierarchy (here pids and memory).
check_cgroups_path_absolute() {
  local pid ctrl got
  bundle
  cfg '.linux.cgroupsPath = $p' --arg p "/$CID"
  rt_create
  pid=$(rt_pid)
  for ctrl in pids memory; do
    got=$(awk -F: -v c="$ctrl" '$2 == c { print $3 }' "/proc/$pid/cgroup")
    if [ -z "$got" ] && ! host_cgroup_v1; then
      got=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
    fi
    [ "$got" = "/$CID" ] || fail "the container is in the $ctrl cgroup ${got:-?}, not /$CID"
  done
}

@test "config-linux.md Cgroups Path: an absolute cgroupsPath is relative to the cgroups mount point" {
  conform check_cgroups_path_absolute
}

# The same cgroupsPath always places a container at the same place.
check_cgroups_path_consistent() {
  local first second
  bundle
  cfg '.linux.cgroupsPath = $p' --arg p "/$CID-same"
  rt_create
  first=$(cat "/proc/$(rt_pid)/cgroup")
  rt delete --force "$CID" || fail "delete failed"
  CID=${CID}b rt_create
  second=$(cat "/proc/$(rt_pid)/cgroup")
  [ "$first" = "$second" ] || fail "the second container is elsewhere: $(diff <(echo "$first") <(echo "$second") | grep '^>' | head -n 1)"
}

@test "config-linux.md Cgroups Path: the same cgroupsPath gives the same place" {
  conform check_cgroups_path_consistent
}

# Cgroup ownership: on cgroup v1, the runtime should not hand the container's
# cgroups to the container's user, even with a user namespace, a cgroup
# namespace and a writable cgroup mount.
check_cgroups_v1_ownership() {
  local pid path owners
  host_cgroup_v1 || not_applicable "the host has no cgroup v1 hierarchies"
  bundle --copy
  cfg '.linux.namespaces += [{type: "user"}, {type: "cgroup"}]'
  cfg "$USERNS_MAPS"
  cfg '.mounts |= map(if .destination == "/sys/fs/cgroup" then .options -= ["ro"] else . end)'
  rt_create
  pid=$(rt_pid)
  path=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup")
  [ -d "/sys/fs/cgroup/memory$path" ] || fail "no memory cgroup for the container"
  owners=$(stat -c %u:%g "/sys/fs/cgroup/memory$path" "/sys/fs/cgroup/memory$path/cgroup.procs" | sort -u)
  [ "$owners" = 0:0 ] || fail "the container's memory cgroup is owned by $(tr '\n' ' ' <<<"$owners")"
}

@test "config-linux.md Cgroup ownership: cgroups v1 ownership is not changed" {
  conform check_cgroups_v1_ownership
}

# ---- Allowed Device list --------------------------------------------------

# The rules are applied in the listed order: the last rule about a device
# decides (deny-then-allow lets the container open it, allow-then-deny
# does not).
check_device_rules_order() {
  local order first second
  for order in deny-allow allow-deny; do
    first=false second=true
    [ "$order" = allow-deny ] && first=true second=false
    bundle sh -c 'if (exec 3<> /dev/conform-dev) 2>/dev/null; then echo open; else echo denied; fi'
    cfg '.linux.devices = [{path: "/dev/conform-dev", type: "c", major: 10, minor: 237, fileMode: 438, uid: 0, gid: 0}]
         | .linux.resources.devices = [{allow: false, access: "rwm"},
             {allow: $a, type: "c", major: 10, minor: 237, access: "rw"},
             {allow: $b, type: "c", major: 10, minor: 237, access: "rw"}]' \
      --argjson a "$first" --argjson b "$second"
    CID=$CID-$order rt_run_ok
    case $order in
      deny-allow) [ "$(cat "$W/stdout")" = open ] || fail "deny then allow: the device could not be opened" ;;
      allow-deny) [ "$(cat "$W/stdout")" = denied ] || fail "allow then deny: the device could be opened" ;;
    esac
  done
}

@test "config-linux.md Allowed Device list: rules are applied in the listed order" {
  conform check_device_rules_order
}

# ---- Unified ----------------------------------------------------------------

# A unified key for a controller that is not there is an error.
check_unified_missing_controller() {
  bundle
  cfg '.linux.resources.unified = {"conformbogus.max": "1"}'
  expect_error "create with a unified key of a missing controller" rt_try_create
}

@test "config-linux.md Unified: a key of a controller that is not present is an error" {
  conform check_unified_missing_controller
}

# ---- IntelRdt -----------------------------------------------------------

# intelRdt without a mounted resctrl filesystem is an error.
check_intel_rdt_without_resctrl() {
  if awk '$9 == "resctrl" { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    not_applicable "resctrl is mounted on this host"
  fi
  bundle
  cfg '.linux.intelRdt = {closID: "conform"}'
  expect_error "create with intelRdt and no resctrl" rt_try_create
}

@test "config-linux.md IntelRdt: intelRdt without a mounted resctrl is an error" {
  conform check_intel_rdt_without_resctrl
}

# ---- Seccomp ------------------------------------------------------------

# seccomp_error_check EXPR: the seccomp config EXPR must make create (or
# start) fail.
seccomp_error_check() {
  bundle
  cfg ".linux.seccomp = $1"
  if rt_try_create; then
    expect_error "a container with $2" rt_try_start
  fi
}

# errnoRet with an action that returns no errno is an error.
check_seccomp_errno_ret_without_errno_action() {
  seccomp_error_check '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getcwd"], action: "SCMP_ACT_LOG", errnoRet: 5}]}' \
    "errnoRet on SCMP_ACT_LOG"
}

@test "config-linux.md Seccomp: errnoRet on an action without errno is an error" {
  conform check_seccomp_errno_ret_without_errno_action
}

# defaultErrnoRet with a defaultAction that returns no errno is an error.
check_seccomp_default_errno_ret() {
  seccomp_error_check '{defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 5, syscalls: [{names: ["getcwd"], action: "SCMP_ACT_ERRNO"}]}' \
    "defaultErrnoRet on SCMP_ACT_ALLOW"
}

@test "config-linux.md Seccomp: defaultErrnoRet on a defaultAction without errno is an error" {
  conform check_seccomp_default_errno_ret
}

# names has to have at least one entry: an empty one is an error.
check_seccomp_empty_names() {
  seccomp_error_check '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: [], action: "SCMP_ACT_ERRNO"}]}' \
    "an empty names"
}

@test "config-linux.md Seccomp: a rule with no syscall names is an error" {
  conform check_seccomp_empty_names
}

# A container whose mkdir calls go to a seccomp agent at $W/agent.sock (the
# agent's records in $W/agent/).  Runtimes may refuse SCMP_ACT_NOTIFY (a
# valid value they may leave out) with an error: then the requirements on
# listenerPath do not apply.
notify_container() {
  [ -x "${SECCOMP_AGENT:-}" ] || fail "the seccomp agent could not be built"
  bundle sh -c 'mkdir /tmp/conform-notify; echo done > /shared/done'
  share
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $l, listenerMetadata: "conform",
         syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg l "$W/agent.sock"
  mkdir -p "$W/agent"
  "$SECCOMP_AGENT" "$W/agent.sock" "$W/agent" 2>"$W/agent.err" &
  AGENT_PID=$!
  wait_file "$W/agent.sock"
  if ! rt_try_create; then
    kill "$AGENT_PID" 2>/dev/null || true
    not_applicable "refuses SCMP_ACT_NOTIFY: $(tail -n 1 "$W/create.err" | cut -c 1-60)"
  fi
  rt_start
  wait_file "$SHARED/done"
  wait "$AGENT_PID" || fail "the seccomp agent failed: $(cat "$W/agent.err")"
}

# The runtime sends the container process state to listenerPath: JSON with
# ociVersion, fds naming seccompFd, pid, the metadata and the container's
# state, with the seccomp fd passed by SCM_RIGHTS.
check_seccomp_notify_state() {
  notify_container
  [ -s "$W/agent/conn-1.json" ] || fail "nothing was sent to listenerPath"
  jq -e --arg id "$CID" '(.ociVersion | type) == "string" and .fds == ["seccompFd"] and (.pid | type) == "number"
      and .metadata == "conform" and .state.id == $id' "$W/agent/conn-1.json" >/dev/null ||
    fail "the container process state is not as specified: $(head -c 120 "$W/agent/conn-1.json")"
  [ "$(awk '$1 == "fds_first" { print $2 }' "$W/agent/conn-1.report")" = 1 ] ||
    fail "the seccomp fd did not come by SCM_RIGHTS"
}

@test "config-linux.md Seccomp: the container process state is sent to listenerPath" {
  conform check_seccomp_notify_state
}

# One container process state per connection, and the connection is closed
# after it.
check_seccomp_notify_one_per_connection() {
  notify_container
  [ -s "$W/agent/conn-1.json" ] || fail "nothing was sent to listenerPath"
  jq -s -e 'length == 1' "$W/agent/conn-1.json" >/dev/null || fail "the connection carried more than one state"
  grep -qx 'eof 1' "$W/agent/conn-1.report" || fail "the runtime did not close the connection"
}

@test "config-linux.md Seccomp: exactly one state per connection, then the connection is closed" {
  conform check_seccomp_notify_one_per_connection
}

# When the state takes several sendmsg calls, the fds come with the first.
check_seccomp_notify_fds_first() {
  notify_container
  [ -s "$W/agent/conn-1.report" ] || fail "nothing was sent to listenerPath"
  [ "$(awk '$1 == "fds_later" { print $2 }' "$W/agent/conn-1.report")" = 0 ] ||
    fail "file descriptors came after the first message"
  [ "$(awk '$1 == "fds_first" { print $2 }' "$W/agent/conn-1.report")" -ge 1 ] ||
    fail "no file descriptor came with the first message"
}

@test "config-linux.md The Container Process State: file descriptors come with the first sendmsg" {
  conform check_seccomp_notify_fds_first
}

# When sending to listenerPath fails (nothing listens there), it is an
# error.
check_seccomp_notify_send_fails() {
  bundle true
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $l,
         syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg l "$W/nobody.sock"
  if rt_try_create; then
    expect_error "start with an unreachable listenerPath" rt_try_start
  fi
}

@test "config-linux.md Seccomp: failing to send to listenerPath is an error" {
  conform check_seccomp_notify_send_fails
}
