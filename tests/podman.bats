#!/usr/bin/env bats
# Podman (Debian's podman and conmon) with lodge as its OCI runtime:
# `podman --runtime $LODGE ...`, a private containers.conf/storage.conf
# (tests/clients-helpers.bash) and an image imported from the fixture
# rootfs.  Podman calls lodge through conmon for create/start/exec and
# directly for state/kill/pause/resume/delete.

load helpers
load clients-helpers

setup_file() {
  podman_setup_file
}

teardown_file() {
  podman_teardown_file
}

setup() {
  require_cmd podman
  require_cmd conmon
  setup_common
  NAMES=()
  # conmon writes files (an "oom" marker) into its working directory,
  # which is podman's: keep them out of the source tree.
  cd "$TEST_DIR"
}

teardown() {
  local n
  for n in "${NAMES[@]}"; do
    timeout 30 podman rm -f -t 0 "$n" >/dev/null 2>&1 || true
  done
  teardown_common
}

# new_name [SUFFIX]: a container name for this test, removed by teardown.
new_name() {
  N=$(pname "${1:-c}")
  NAMES+=("$N")
}

# run_detached NAME PODMAN-RUN-ARG...: `podman run -d --name NAME ...`.
run_detached() {
  local n=$1
  shift
  podman_ run -d --name "$n" "$@" >/dev/null || fail "podman run -d $* failed"
}

@test "podman: the README's Podman recipe runs as written" {
  local block
  block=$(doc_block "$README_FILE" podman)
  [ -n "$block" ] || fail "no <!-- test: podman --> block in README.md"
  LODGE=$LODGE ROOTFS=$ROOTFS_CACHE run bash -e -o pipefail -c "$block"
  assert_success
  assert_output_contains "hello from lodge"
  # The config line the suite uses is the README's (plus this runtime's
  # name when it is not "lodge").
  local line
  line=$(doc_block "$README_FILE" podman-conf | grep '^runtime_supports_json')
  [ -n "$line" ] || fail "no runtime_supports_json line in the README's podman-conf block"
  run grep -F "${line%]}" "$CONTAINERS_CONF"
  assert_success
}

@test "podman run --rm: output, exit code, container removed" {
  new_name
  run podman_ run --rm --name "$N" "$CLIENT_IMAGE" sh -c 'echo out-line; echo err-line >&2; exit 3'
  assert_status 3
  assert_output_contains "out-line"
  assert_output_contains "err-line"
  run podman ps -a --filter "name=^$N\$" -q
  assert_success
  assert_equal "$output" ""
  # Podman gives lodge no --root: lodge's own state is gone too.
  run "$LODGE" list -q
  assert_not_contains "$output" "$N"
}

@test "podman run: process, environment and hostname as Podman configures them" {
  new_name
  run podman_ run --rm --name "$N" --hostname lodgehost -e FOO=bar -w /tmp "$CLIENT_IMAGE" \
    sh -c 'echo "h=$(hostname) foo=$FOO cwd=$(pwd) pid=$$"; cat /proc/self/cgroup'
  assert_success
  assert_output_contains "h=lodgehost foo=bar cwd=/tmp pid=1"
  # cgroupfs manager: the container's cgroup is libpod_parent/libpod-<id>.
  assert_output_contains "/libpod_parent/libpod-"
}

@test "podman run -d, then exec: output and exit codes" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sleep 1000
  run podman_ exec "$N" sh -c 'echo exec-out $$; exit 7'
  assert_status 7
  assert_output_contains "exec-out"
  # Not pid 1: a new process in the running container.
  assert_not_contains "$output" "exec-out 1"
  run podman_ exec -e X=y -w /etc "$N" sh -c 'echo "$X $(pwd)"'
  assert_success
  assert_equal "$output" "y /etc"
  run podman_ exec --user 1000:1000 "$N" id -u
  assert_success
  assert_equal "$output" "1000"
}

@test "podman exec -it: a terminal for the exec'd process" {
  require_cmd script bsdutils
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sleep 1000
  run script -qec "stty rows 25 cols 91; podman --runtime '$LODGE' exec -it $N sh -c 'tty; stty size; sleep 0.3'" /dev/null </dev/null
  assert_success
  assert_output_contains "/dev/pts/"
  assert_output_contains "25 91"
}

@test "podman run -it: the container gets a terminal of the caller's size" {
  require_cmd script bsdutils
  new_name
  run script -qec "stty rows 30 cols 100; podman --runtime '$LODGE' run --rm -it --name $N $CLIENT_IMAGE sh -c 'tty; stty size; test -t 0 && echo stdin-is-tty; sleep 0.5'" /dev/null </dev/null
  assert_success
  assert_output_contains "/dev/pts/0"
  assert_output_contains "30 100"
  assert_output_contains "stdin-is-tty"
}

@test "podman logs: stdout and stderr of a detached container" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sh -c 'echo to-stdout; echo to-stderr >&2; sleep 1000'
  podman_wait_log "$N" to-stderr
  run podman logs "$N"
  assert_success
  assert_output_contains "to-stdout"
  assert_output_contains "to-stderr"
}

@test "podman stop: graceful, the process gets SIGTERM" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sh -c 'trap "echo got-SIGTERM; exit 0" TERM; echo ready; while :; do sleep 0.1; done'
  podman_wait_log "$N" ready
  local t0 t1
  t0=$(date +%s%N)
  run podman_ stop -t 20 "$N"
  t1=$(date +%s%N)
  assert_success
  # Well before the 20s timeout: SIGTERM did it.
  [ $(((t1 - t0) / 1000000)) -lt 10000 ] || fail "podman stop took $(((t1 - t0) / 1000000))ms"
  run podman logs "$N"
  assert_output_contains "got-SIGTERM"
  run podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$N"
  assert_equal "$output" "exited 0"
}

@test "podman stop: SIGTERM ignored, SIGKILL after the timeout" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
  podman_wait_log "$N" ready
  local t0 t1 ms
  t0=$(date +%s%N)
  run podman_ stop -t 1 "$N"
  t1=$(date +%s%N)
  assert_success
  ms=$(((t1 - t0) / 1000000))
  [ "$ms" -ge 1000 ] || fail "podman stop returned after ${ms}ms, before its 1s timeout"
  [ "$ms" -lt 15000 ] || fail "podman stop took ${ms}ms"
  assert_output_contains "resorting to SIGKILL"
  run podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$N"
  assert_equal "$output" "exited 137"
}

@test "podman kill: a named signal reaches the process, the default kills it" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sh -c 'trap "echo got-USR1" USR1; echo ready; while :; do sleep 0.1; done'
  podman_wait_log "$N" ready
  run podman_ kill -s USR1 "$N"
  assert_success
  podman_wait_log "$N" got-USR1
  run podman inspect -f '{{.State.Status}}' "$N"
  assert_equal "$output" "running"
  run podman_ kill "$N"
  assert_success
  run podman_ wait "$N"
  assert_equal "$output" "137"
}

@test "podman pause / unpause: the cgroup is frozen, then thawed" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sleep 1000
  local pid freezer
  pid=$(podman_pid "$N")
  run podman_ pause "$N"
  assert_success
  run podman inspect -f '{{.State.Status}}' "$N"
  assert_equal "$output" "paused"
  if host_cgroup_v1; then
    freezer=$(pid_cgroup_dir "$pid" freezer)
    assert_equal "$(cat "$freezer/freezer.state")" FROZEN
  else
    assert_equal "$(cat "$(pid_cgroup_dir "$pid")/cgroup.freeze")" 1
  fi
  run podman_ unpause "$N"
  assert_success
  run podman inspect -f '{{.State.Status}}' "$N"
  assert_equal "$output" "running"
  if host_cgroup_v1; then
    assert_equal "$(cat "$freezer/freezer.state")" THAWED
  fi
  run podman_ exec "$N" echo alive
  assert_success
  assert_equal "$output" "alive"
}

@test "podman rm -f: a running container is killed and removed, nothing left" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sleep 1000
  local id pid
  id=$(podman inspect -f '{{.Id}}' "$N")
  pid=$(podman_pid "$N")
  run podman_ rm -f -t 0 "$N"
  assert_success
  run podman ps -a -q --filter "name=^$N\$"
  assert_equal "$output" ""
  ! kill -0 "$pid" 2>/dev/null || fail "process $pid still alive"
  run "$LODGE" state "$id"
  assert_failure
  run find /sys/fs/cgroup/ -maxdepth 3 -type d -name "libpod-$id"
  assert_equal "$output" ""
}

@test "podman top: lists the container's processes" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sh -c 'sleep 1001 & sleep 1002'
  sleep 0.3
  run podman_ top "$N" pid args
  assert_success
  assert_output_contains "sleep 1001"
  assert_output_contains "sleep 1002"
  run podman_ top "$N"
  assert_success
  assert_output_contains "root"
}

@test "podman stats --no-stream: usage against the --memory limit" {
  new_name
  run_detached "$N" --memory 64m "$CLIENT_IMAGE" sleep 1000
  run podman_ stats --no-stream --format '{{.Name}}|{{.MemUsage}}|{{.PIDs}}' "$N"
  assert_success
  assert_output_contains "$N|"
  # 64 MiB, as Podman prints it.
  assert_output_contains "/ 67.11MB|1"
}

@test "podman run --memory --pids-limit --cpus: the limits are in the container's cgroup" {
  new_name
  run_detached "$N" --memory 64m --memory-swap 64m --pids-limit 50 --cpus 0.5 "$CLIENT_IMAGE" sleep 1000
  local pid
  pid=$(podman_pid "$N")
  if host_cgroup_v1; then
    assert_equal "$(cat "$(pid_cgroup_dir "$pid" memory)/memory.limit_in_bytes")" 67108864
    assert_equal "$(cat "$(pid_cgroup_dir "$pid" pids)/pids.max")" 50
    assert_equal "$(cat "$(pid_cgroup_dir "$pid" cpu)/cpu.cfs_quota_us")" 50000
    assert_equal "$(cat "$(pid_cgroup_dir "$pid" cpu)/cpu.cfs_period_us")" 100000
  else
    local d
    d=$(pid_cgroup_dir "$pid")
    assert_equal "$(cat "$d/memory.max")" 67108864
    assert_equal "$(cat "$d/pids.max")" 50
    assert_equal "$(cat "$d/cpu.max")" "50000 100000"
  fi
  # The pids limit holds inside: forks beyond it fail.
  run podman_ exec "$N" sh -c 'for i in $(seq 60); do sleep 100 & done 2>&1; wait' 2>&1
  assert_output_contains "Resource temporarily unavailable"
}

@test "podman update: new limits reach a running container" {
  new_name
  run_detached "$N" --memory 64m "$CLIENT_IMAGE" sleep 1000
  # Podman 4.3's update has no --pids-limit: memory and CPU.
  run podman_ update --memory 96m --cpus 0.25 "$N"
  assert_success
  local pid
  pid=$(podman_pid "$N")
  if host_cgroup_v1; then
    assert_equal "$(cat "$(pid_cgroup_dir "$pid" memory)/memory.limit_in_bytes")" 100663296
    assert_equal "$(cat "$(pid_cgroup_dir "$pid" cpu)/cpu.cfs_quota_us")" 25000
  else
    assert_equal "$(cat "$(pid_cgroup_dir "$pid")/memory.max")" 100663296
    assert_equal "$(cat "$(pid_cgroup_dir "$pid")/cpu.max")" "25000 100000"
  fi
}

@test "podman run --network none: only a loopback interface" {
  new_name
  run podman_ run --rm --name "$N" --network none "$CLIENT_IMAGE" sh -c 'ls /sys/class/net; ip -o -4 addr'
  assert_success
  # One interface, lo, up with its address (Podman brings it up).
  assert_equal "$(echo "$output" | head -n 1)" "lo"
  assert_output_contains "lo    inet 127.0.0.1/8"
  assert_not_contains "$output" eth0
}

@test "podman run with the default bridge network: an address, reachable from the host" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" nc -l -p 8080 -e echo hello-over-the-bridge
  local ip i reply=
  ip=$(podman inspect -f '{{.NetworkSettings.IPAddress}}' "$N")
  [[ "$ip" == 10.88.* ]] || fail "container address is \"$ip\", expected one in podman's 10.88.0.0/16"
  run podman_ exec "$N" sh -c 'ip -o -4 addr show eth0; ip route'
  assert_success
  assert_output_contains "inet $ip/16"
  assert_output_contains "default via 10.88.0.1"
  for ((i = 0; i < 50; i++)); do
    reply=$(timeout 2 bash -c "exec 3<>/dev/tcp/$ip/8080 && cat <&3" 2>/dev/null) && [ -n "$reply" ] && break
    sleep 0.1
  done
  assert_equal "$reply" "hello-over-the-bridge"
}

@test "podman run --uidmap/--gidmap: container root is an unprivileged host uid" {
  new_name
  run_detached "$N" --uidmap 0:200000:65536 --gidmap 0:200000:65536 "$CLIENT_IMAGE" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id; sleep 1000'
  podman_wait_log "$N" "uid="
  run podman logs "$N"
  assert_output_contains "uid=0(root) gid=0(root)"
  [[ "$(echo "$output" | head -n 1)" =~ ^[[:space:]]*0[[:space:]]+200000[[:space:]]+65536$ ]] ||
    fail "unexpected uid_map: $output"
  local pid
  pid=$(podman_pid "$N")
  run awk '/^Uid:/ {print $2} /^Gid:/ {print $2}' "/proc/$pid/status"
  assert_equal "$output" "200000
200000"
  # exec joins the user namespace.
  run podman_ exec "$N" sh -c 'id -u; cat /proc/self/uid_map'
  assert_success
  assert_output_contains "0"
  assert_output_contains "200000"
}

@test "podman run --userns=auto: a range from the containers user's subuids" {
  # Podman takes the range from /etc/subuid; the suite never edits it.
  grep -qs '^containers:' /etc/subuid && grep -qs '^containers:' /etc/subgid ||
    skip "/etc/subuid and /etc/subgid have no range for the user \"containers\" (needed by --userns=auto)"
  new_name
  run podman_ run --rm --name "$N" --userns=auto "$CLIENT_IMAGE" cat /proc/self/uid_map
  assert_success
  [[ "$output" =~ ^[[:space:]]*0[[:space:]]+[1-9][0-9]*[[:space:]]+[0-9]+ ]] || fail "unexpected uid_map: $output"
}

# ---- errors as Podman shows them ------------------------------------------

@test "podman run: a binary missing from the image is lodge's message, via --log json" {
  new_name
  run -127 --separate-stderr podman_ run --rm --name "$N" "$CLIENT_IMAGE" no-such-binary
  assert_status 127
  assert_contains "$stderr" 'exec: "no-such-binary": executable file not found in $PATH'
  if is_lodge; then
    # Read from lodge's JSON log, whose msg has no "lodge: " prefix; from
    # lodge's stderr it would read "$LODGE: lodge: exec: ...".
    assert_contains "$stderr" "$LODGE: exec: \"no-such-binary\""
    assert_not_contains "$stderr" "$LODGE: lodge: "
  fi
}

@test "podman exec: a missing command is lodge's message, exit 127" {
  new_name
  run_detached "$N" "$CLIENT_IMAGE" sleep 1000
  run -127 --separate-stderr podman_ exec "$N" no-such-command
  assert_status 127
  assert_contains "$stderr" 'exec: "no-such-command": executable file not found in $PATH'
  # The container is unharmed.
  run podman inspect -f '{{.State.Status}}' "$N"
  assert_equal "$output" "running"
}

@test "podman run: a config lodge cannot apply (bad sysctl) is lodge's message" {
  new_name
  # Podman says 127 for any "no such file" from the runtime.
  run -127 --separate-stderr podman_ run --rm --name "$N" --sysctl net.ipv4.no_such_knob=1 "$CLIENT_IMAGE" true
  assert_contains "$stderr" "/proc/sys/net/ipv4/no_such_knob"
  if is_lodge; then
    assert_contains "$stderr" "$LODGE: linux.sysctl: open /proc/sys/net/ipv4/no_such_knob: No such file or directory"
  fi
  run podman ps -a -q --filter "name=^$N\$"
  assert_equal "$output" ""
}

@test "podman run: an rlimit above the hard limit is lodge's message" {
  have_cap_sys_resource && skip "root has CAP_SYS_RESOURCE here: any rlimit can be raised"
  local hard
  hard=$(ulimit -Hn)
  [ "$hard" = unlimited ] && skip "the hard open-files limit is unlimited"
  new_name
  # Refused at create (as runc does), so Podman reports a permission error
  # (126) with the runtime's message, not a container that ran and died.
  run -126 --separate-stderr podman_ run --rm --name "$N" --ulimit "nofile=$((hard + 1)):$((hard + 1))" "$CLIENT_IMAGE" true
  assert_contains "$stderr" "OCI permission denied"
  if is_lodge; then
    assert_contains "$stderr" "$LODGE: set RLIMIT_NOFILE to $((hard + 1))/$((hard + 1)): Operation not permitted"
  fi
}

@test "podman run: a process killed for memory exits 137" {
  new_name
  run podman_ run --name "$N" --memory 16m --memory-swap 16m "$CLIENT_IMAGE" sh -c 'echo start; x=a; while :; do x=$x$x; done'
  assert_status 137
  assert_output_contains "start"
  run podman inspect -f '{{.State.ExitCode}}' "$N"
  assert_equal "$output" "137"
  # The kill was the memory cgroup's (its OOM kill counter, v1).
  local id
  id=$(podman inspect -f '{{.Id}}' "$N")
  if [ -r /dev/kmsg ] && command -v dmesg >/dev/null; then
    run dmesg
    [[ "$output" == *"oom_memcg=/libpod_parent/libpod-$id"* ]] || [[ "$output" == *"libpod-$id"* ]] ||
      fail "no memory cgroup OOM kill of libpod-$id in the kernel log"
  fi
}
