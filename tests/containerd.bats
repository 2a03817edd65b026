#!/usr/bin/env bats
# containerd (Debian's containerd and its io.containerd.runc.v2 shim) with
# lodge as the shim's runc: `ctr run --runc-binary $LODGE`, which sets the
# shim's BinaryName option.  A private containerd (config, root, state and
# socket in a temp dir, CRI plugin off) is started by setup_file and
# stopped by teardown_file; the image is an OCI archive of the fixture
# rootfs, imported with `ctr image import`.
#
# The shim calls lodge as runc: `--root /run/containerd/runc/<ns> --log
# <bundle>/log.json --log-format json create --bundle <bundle> --pid-file
# <bundle>/init.pid [--console-socket S] ID`, `start`, `exec --process F
# --detach --pid-file P`, `kill [--all] ID <signal number>`, `ps --format
# json`, `pause`, `resume`, `update --resources -`, `delete [--force]`;
# metrics come from the cgroup (the shim reads it itself).

load helpers
load clients-helpers

setup_file() {
  command -v containerd >/dev/null && command -v ctr >/dev/null || return 0
  containerd_start
  containerd_import "$CTRD_NS"
}

teardown_file() {
  containerd_stop
}

setup() {
  require_cmd containerd
  require_cmd ctr containerd
  setup_common
  IDS=()
}

teardown() {
  local id
  for id in "${IDS[@]}"; do
    timeout 10 ctr_ task kill -a -s 9 "$id" >/dev/null 2>&1
    timeout 10 ctr_ task delete -f "$id" >/dev/null 2>&1
    timeout 10 ctr_ container rm "$id" >/dev/null 2>&1
    _client_remove_cgroups_of "$id"
  done
  teardown_common
}

# new_id [SUFFIX]: a container id for this test, cleaned by teardown.
new_id() {
  C=$(cname "${1:-}")
  IDS+=("$C")
}

# The shim's lodge --root for this suite's namespace.
shim_root() {
  echo "/run/containerd/runc/$CTRD_NS"
}

# ctr_detached ID CTR-RUN-ARG...: `ctr run -d` with lodge, output to
# $TEST_DIR/ID.log.
ctr_detached() {
  local id=$1
  shift
  ctr_ run -d --runc-binary "$LODGE" --log-uri "file://$TEST_DIR/$id.log" "$@" "$CLIENT_IMAGE" "$id" "${CTR_ARGS[@]}" >/dev/null ||
    fail "ctr run -d $id failed"
  ctr_wait_status "$id" RUNNING
}

# wait_for_text FILE TEXT: poll FILE until it holds TEXT.
wait_for_text() {
  local f=$1 text=$2 i
  for ((i = 0; i < 200; i++)); do
    grep -qsF -- "$text" "$f" && return 0
    sleep 0.05
  done
  fail "$f never had \"$text\"" "it has: $(cat "$f" 2>/dev/null)"
}

@test "containerd: the README's containerd recipe runs as written" {
  local block ns=lodge-readme-$$
  block=$(doc_block "$README_FILE" containerd)
  [ -n "$block" ] || fail "no <!-- test: containerd --> block in README.md"
  cp "$CLIENT_DIR/busybox.tar" "$TEST_DIR/lodge-busybox.tar"
  cd "$TEST_DIR"
  CONTAINERD_ADDRESS=$CTRD_SOCK CONTAINERD_NAMESPACE=$ns LODGE=$LODGE ROOTFS=$ROOTFS_CACHE \
    run bash -e -o pipefail -c "$block"
  ctr -a "$CTRD_SOCK" -n "$ns" image rm "$CLIENT_IMAGE" >/dev/null 2>&1 || true
  ctr -a "$CTRD_SOCK" namespaces rm "$ns" >/dev/null 2>&1 || true
  rm -rf "/run/containerd/runc/$ns"
  _client_rmdir_cgroup_parent "/$ns"
  assert_success
  assert_output_contains "hello from lodge"
}

@test "ctr run --runc-binary: output, exit code, nothing left" {
  new_id
  run ctr_ run --rm --runc-binary "$LODGE" "$CLIENT_IMAGE" "$C" sh -c 'echo out-line; echo "pid=$$"; exit 3'
  assert_status 3
  assert_output_contains "out-line"
  assert_output_contains "pid=1"
  run ctr_ container ls -q
  assert_not_contains "$output" "$C"
  [ ! -e "$(shim_root)/$C" ] || fail "lodge state $(shim_root)/$C left behind"
  run find /sys/fs/cgroup/ -maxdepth 3 -type d -name "$C"
  assert_equal "$output" ""
}

@test "ctr run: a new network namespace has lo up, the cgroup is /<namespace>/<id>" {
  new_id
  run ctr_ run --rm --runc-binary "$LODGE" "$CLIENT_IMAGE" "$C" sh -c 'ip -o -4 addr show dev lo; cat /proc/self/cgroup'
  assert_success
  assert_output_contains "inet 127.0.0.1/8"
  assert_output_contains ":/$CTRD_NS/$C"
}

@test "ctr run: the shim's exact calls (--root R --log B/log.json --log-format json ...)" {
  new_id
  # A runc stand-in that runs lodge and records its arguments and status.
  mkdir -p "$TEST_DIR/bin"
  cat >"$TEST_DIR/bin/lodge" <<EOF
#!/bin/bash
"$LODGE" "\$@"
rc=\$?
printf 'rc=%s %s\n' "\$rc" "\$*" >>"$TEST_DIR/calls"
exit \$rc
EOF
  chmod +x "$TEST_DIR/bin/lodge"
  ctr_ run -d --runc-binary "$TEST_DIR/bin/lodge" "$CLIENT_IMAGE" "$C" sleep 1000 >/dev/null
  ctr_wait_status "$C" RUNNING
  run ctr_ task kill --all -s SIGKILL "$C"
  assert_success
  ctr_wait_status "$C" STOPPED
  run ctr_ task delete "$C"
  assert_success
  run ctr_ container rm "$C"
  assert_success
  local bundle="$CLIENT_DIR/state/io.containerd.runtime.v2.task/$CTRD_NS/$C" root
  root=$(shim_root)
  # The shim's last call, as it shuts down: `delete --force` on the
  # container `delete` already removed; it must succeed.
  wait_for_text "$TEST_DIR/calls" "delete --force $C"
  run cat "$TEST_DIR/calls"
  local pre="rc=0 --root $root --log $bundle/log.json --log-format json"
  assert_output_contains "$pre create --bundle $bundle --pid-file $bundle/init.pid $C"
  assert_output_contains "$pre start $C"
  assert_output_contains "$pre kill --all $C 9"
  assert_output_contains "$pre delete $C"
  assert_output_contains "$pre delete --force $C"
  # Every call succeeded.
  run grep -v '^rc=0 ' "$TEST_DIR/calls"
  assert_equal "$output" ""
  [ ! -e "$root/$C" ] || fail "lodge state $root/$C left behind"
}

@test "lodge delete --force of an already-deleted container succeeds (the shim's cleanup)" {
  new_id
  run ctr_ run --rm --runc-binary "$LODGE" "$CLIENT_IMAGE" "$C" true
  assert_success
  mkdir -p "$TEST_DIR/b"
  # As the shim's cleanup calls it, after the container is gone.
  run "$LODGE" --root "$(shim_root)" --log "$TEST_DIR/b/log.json" --log-format json delete --force "$C"
  assert_success
  [ ! -s "$TEST_DIR/b/log.json" ] || ! grep -q '"level":"error"' "$TEST_DIR/b/log.json" ||
    fail "error logged: $(cat "$TEST_DIR/b/log.json")"
}

@test "ctr task exec: output and exit code of a process in a running task" {
  new_id
  CTR_ARGS=(sleep 1000)
  ctr_detached "$C"
  run ctr_ task exec --exec-id e1 "$C" sh -c 'echo in-exec $$; exit 5'
  assert_status 5
  assert_output_contains "in-exec"
  assert_not_contains "$output" "in-exec 1"
  run ctr_ task exec --exec-id e2 --cwd /etc "$C" sh -c 'echo "$(pwd)"'
  assert_success
  assert_equal "$output" "/etc"
  run ctr_ task exec --exec-id e3 --user 1000 "$C" id -u
  assert_success
  assert_equal "$output" "1000"
}

@test "ctr task ps: the task's processes (lodge ps --format json)" {
  new_id
  CTR_ARGS=(sh -c 'sleep 1001 & sleep 1002')
  ctr_detached "$C"
  local pid
  pid=$(ctr_ task ls | awk -v id="$C" '$1 == id {print $2}')
  sleep 0.2
  run ctr_ task ps "$C"
  assert_success
  assert_output_contains "$pid"
  # sh execs its last command: the init is "sleep 1002", with "sleep
  # 1001" beside it; exactly the container cgroup's processes.
  local pids want
  pids=$(echo "$output" | awk 'NR > 1 {print $1}' | sort -n | xargs)
  want=$(sort -n "$(pid_cgroup_dir "$pid" pids)/cgroup.procs" | xargs)
  assert_equal "$pids" "$want"
  assert_equal "$(echo "$pids" | wc -w)" 2
  assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 1002 "
}

@test "ctr task pause / resume: frozen, then running again" {
  new_id
  CTR_ARGS=(sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/tick; sleep 0.05; done')
  ctr_detached "$C"
  local pid
  pid=$(ctr_ task ls | awk -v id="$C" '$1 == id {print $2}')
  run ctr_ task pause "$C"
  assert_success
  ctr_wait_status "$C" PAUSED
  if host_cgroup_v1; then
    assert_equal "$(cat "$(pid_cgroup_dir "$pid" freezer)/freezer.state")" FROZEN
  else
    assert_equal "$(cat "$(pid_cgroup_dir "$pid")/cgroup.freeze")" 1
  fi
  # Nothing runs while frozen.
  local a b
  a=$(cat "/proc/$pid/root/tmp/tick")
  sleep 0.3
  b=$(cat "/proc/$pid/root/tmp/tick")
  assert_equal "$b" "$a"
  run ctr_ task resume "$C"
  assert_success
  ctr_wait_status "$C" RUNNING
  sleep 0.3
  b=$(cat "/proc/$pid/root/tmp/tick")
  [ "$b" != "$a" ] || fail "the task did not run again after resume"
}

@test "ctr task metrics: cgroup usage and the --memory-limit" {
  local h
  if h=$(unmounted_v1_hierarchy); then
    skip "cgroup v1 hierarchy \"$h\" is in /proc/self/cgroup but mounted nowhere: containerd cannot load any v1 cgroup"
  fi
  new_id
  CTR_ARGS=(sleep 1000)
  ctr_detached "$C" --memory-limit 67108864
  run ctr_ task metrics "$C"
  assert_success
  if host_cgroup_v1; then
    assert_output_contains "memory.usage_in_bytes"
    [[ "$output" =~ memory.limit_in_bytes[[:space:]]+67108864 ]] || fail "no 64 MiB memory limit in: $output"
    [[ "$output" =~ pids.current[[:space:]]+1 ]] || fail "no pids.current 1 in: $output"
  else
    [[ "$output" =~ memory.limit[[:space:]]+67108864 ]] || fail "no 64 MiB memory limit in: $output"
  fi
}

@test "ctr task kill: a signal reaches the process; SIGTERM stops the task" {
  new_id
  CTR_ARGS=(sh -c 'trap "echo got-USR1" USR1; trap "echo got-TERM; exit 4" TERM; echo ready; while :; do sleep 0.1; done')
  ctr_detached "$C"
  wait_for_text "$TEST_DIR/$C.log" ready
  run ctr_ task kill -s SIGUSR1 "$C"
  assert_success
  wait_for_text "$TEST_DIR/$C.log" got-USR1
  ctr_wait_status "$C" RUNNING
  run ctr_ task kill "$C"
  assert_success
  wait_for_text "$TEST_DIR/$C.log" got-TERM
  ctr_wait_status "$C" STOPPED
  run ctr_ task delete "$C"
  assert_success
  assert_output_contains "exit code 4"
}

@test "ctr run --tty: the task gets a terminal" {
  require_cmd script bsdutils
  new_id
  run script -qec "ctr -a '$CTRD_SOCK' -n '$CTRD_NS' run --rm -t --runc-binary '$LODGE' $CLIENT_IMAGE $C sh -c 'tty; test -t 0 && echo stdin-is-tty; test -t 1 && echo stdout-is-tty; sleep 0.3'" /dev/null </dev/null
  assert_success
  assert_output_contains "/dev/pts/0"
  assert_output_contains "stdin-is-tty"
  assert_output_contains "stdout-is-tty"
}

@test "ctr task exec --tty: a terminal for the exec'd process" {
  require_cmd script bsdutils
  new_id
  CTR_ARGS=(sleep 1000)
  ctr_detached "$C"
  run script -qec "ctr -a '$CTRD_SOCK' -n '$CTRD_NS' task exec -t --exec-id t1 $C sh -c 'tty; test -t 0 && echo stdin-is-tty; sleep 0.3'" /dev/null </dev/null
  assert_success
  assert_output_contains "/dev/pts/"
  assert_output_contains "stdin-is-tty"
}

@test "ctr run --runc-root: the BinaryName and Root options together" {
  new_id
  local root=$TEST_DIR/lodge-root
  ctr_ run -d --runc-binary "$LODGE" --runc-root "$root" "$CLIENT_IMAGE" "$C" sleep 1000 >/dev/null
  ctr_wait_status "$C" RUNNING
  # The shim adds the namespace: lodge keeps the container under
  # <runc-root>/<namespace>, and knows it as running.
  run "$LODGE" --root "$root/$CTRD_NS" state "$C"
  assert_success
  assert_equal "$(jq -r .status <<<"$output")" running
  ctr_ task kill -s SIGKILL "$C"
  ctr_wait_status "$C" STOPPED
  run ctr_ task delete "$C"
  assert_success
  [ ! -e "$root/$CTRD_NS/$C" ] || fail "lodge state $root/$CTRD_NS/$C left behind"
}

# ---- errors as ctr shows them (the shim reads lodge's log.json) -------------

@test "ctr run: a binary missing from the image is lodge's message" {
  new_id
  run ctr_ run --rm --runc-binary "$LODGE" "$CLIENT_IMAGE" "$C" no-such-binary
  assert_failure
  assert_output_contains 'OCI runtime create failed'
  assert_output_contains 'exec: "no-such-binary": executable file not found in $PATH'
  if is_lodge; then
    # From log.json (no "lodge: " prefix there).
    assert_output_contains 'OCI runtime create failed: exec: "no-such-binary"'
  fi
}

@test "ctr task exec: a missing command is lodge's message" {
  new_id
  CTR_ARGS=(sleep 1000)
  ctr_detached "$C"
  run ctr_ task exec --exec-id bad "$C" no-such-command
  assert_failure
  assert_output_contains 'OCI runtime exec failed'
  assert_output_contains 'exec: "no-such-command": executable file not found in $PATH'
  ctr_wait_status "$C" RUNNING
}

@test "ctr run: a bundle lodge cannot set up (missing namespace path) is lodge's message" {
  new_id
  run ctr_ run --rm --runc-binary "$LODGE" --with-ns network:/nonexistent/lodge-netns "$CLIENT_IMAGE" "$C" true
  assert_failure
  assert_output_contains 'OCI runtime create failed'
  assert_output_contains '/nonexistent/lodge-netns'
  if is_lodge; then
    assert_output_contains 'open network namespace /nonexistent/lodge-netns: No such file or directory'
  fi
  run ctr_ container ls -q
  assert_not_contains "$output" "$C"
}

@test "ctr run: a memory limit too small for the container's init is a readable error" {
  new_id
  run ctr_ run --rm --runc-binary "$LODGE" --memory-limit 4096 "$CLIENT_IMAGE" "$C" true
  assert_failure
  assert_output_contains 'OCI runtime create failed'
  # runc: "unable to set memory limit to 4096 (current usage: ...)";
  # lodge: the init was killed by the OOM killer under that limit.
  if is_lodge; then
    assert_output_contains 'OCI runtime create failed: container init ran out of memory and was killed by the OOM killer: the memory limit of 4096 bytes (linux.resources.memory.limit) is too low'
  else
    assert_output_contains 'memory limit'
  fi
}

@test "ctr run: a process killed for memory exits 137" {
  new_id
  run ctr_ run --rm --runc-binary "$LODGE" --memory-limit 16777216 "$CLIENT_IMAGE" "$C" sh -c 'echo start; x=a; while :; do x=$x$x; done'
  assert_status 137
  assert_output_contains "start"
}
