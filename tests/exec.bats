#!/usr/bin/env bats
# exec: a new process in a running container.

load helpers

# A running container whose init sleeps; extra config changes may be
# applied with update_config before calling this.
running_container() {
  make_bundle sh -c 'while :; do sleep 1; done'
  start_container
}

@test "exec: runs in every namespace of the container" {
  running_container
  pid=$(container_pid)
  run --separate-stderr lodge exec "$ID" sh -c 'for n in cgroup ipc mnt net pid uts; do echo "$n $(readlink /proc/self/ns/$n)"; done'
  assert_success
  for n in cgroup ipc mnt net pid uts; do
    assert_output_contains "$n $(readlink /proc/$pid/ns/$n)"
  done
}

@test "exec: sees the container's rootfs and pid 1" {
  running_container
  echo marker-in-image >"$BUNDLE/rootfs/marker"
  run --separate-stderr lodge exec "$ID" sh -c 'cat /marker; cat /proc/1/cmdline | tr "\0" " "'
  assert_success
  assert_output_contains marker-in-image
  assert_output_contains "sh -c while"
}

@test "exec: the exit status is the process's" {
  running_container
  run --separate-stderr lodge exec "$ID" sh -c 'exit 7'
  assert_status 7
  run --separate-stderr lodge exec "$ID" sh -c 'kill -9 $$'
  assert_status 137
}

@test "exec: joins the container's cgroup" {
  running_container
  run --separate-stderr lodge exec "$ID" cat /proc/self/cgroup
  assert_success
  assert_equal "$output" "$(cat /proc/$(container_pid)/cgroup)"
}

@test "exec: capabilities, rlimits and no_new_privs come from the config" {
  make_bundle sh -c 'while :; do sleep 1; done'
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 321, hard: 654}]'
  start_container
  run --separate-stderr lodge exec "$ID" sh -c 'grep -E "^Cap(Eff|Bnd)|NoNewPrivs" /proc/self/status; ulimit -n; ulimit -Hn'
  assert_success
  assert_output_contains "CapEff:	0000000020000420"
  assert_output_contains "CapBnd:	0000000020000420"
  assert_output_contains "NoNewPrivs:	1"
  assert_output_contains 321
  assert_output_contains 654
}

@test "exec: --cap adds a capability" {
  running_container
  run --separate-stderr lodge exec --cap CAP_SYS_ADMIN "$ID" grep CapEff /proc/self/status
  assert_success
  assert_equal "$output" "CapEff:	0000000020200420"
}

@test "exec: the container's seccomp filter applies" {
  make_bundle sh -c 'while :; do sleep 1; done'
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
  start_container
  run --separate-stderr lodge exec "$ID" sh -c 'mkdir /tmp/x; echo rc=$?'
  assert_success
  assert_output_contains "rc=1"
  assert_contains "$stderr" "Operation not permitted"
}

@test "exec: --user, --additional-gids, --cwd and --env" {
  running_container
  run --separate-stderr lodge exec --user 1000:1000 --additional-gids 10 --additional-gids 20 --cwd /tmp --env FOO=bar --env PATH=/bin "$ID" sh -c 'id -u; id -g; id -G; pwd; echo $FOO; echo $PATH'
  assert_success
  assert_equal "$output" "$(printf '%s\n' 1000 1000 '1000 10 20' /tmp bar /bin)"
}

@test "exec: --no-new-privs on a config without it" {
  make_bundle sh -c 'while :; do sleep 1; done'
  update_config '.process.noNewPrivileges = false'
  start_container
  run --separate-stderr lodge exec "$ID" grep NoNewPrivs /proc/self/status
  assert_output_contains "NoNewPrivs:	0"
  run --separate-stderr lodge exec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
  assert_output_contains "NoNewPrivs:	1"
}

@test "exec: --process with a process.json" {
  running_container
  cat >"$TEST_DIR/process.json" <<'JSON'
{"args": ["sh", "-c", "echo $GREETING; id -u; pwd"], "env": ["GREETING=hello", "PATH=/bin"], "cwd": "/etc", "user": {"uid": 65534, "gid": 65534}}
JSON
  run --separate-stderr lodge exec --process "$TEST_DIR/process.json" "$ID"
  assert_success
  assert_equal "$output" "$(printf '%s\n' hello 65534 /etc)"
}

@test "exec: --detach and --pid-file" {
  running_container
  # The detached process keeps the stdio it is given: not bats' pipes.
  lodge exec --detach --pid-file "$TEST_DIR/exec.pid" "$ID" sleep 30 </dev/null >/dev/null 2>&1
  pid=$(cat "$TEST_DIR/exec.pid")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || fail "no process $pid"
  assert_equal "$(tr '\0' ' ' </proc/$pid/cmdline)" "sleep 30 "
  grep -q "$pid" <(lodge ps "$ID" 2>/dev/null || cat /sys/fs/cgroup/pids/lodge/$ID/cgroup.procs)
}

@test "exec: --tty under a terminal" {
  running_container
  run script -qfec "$LODGE --root $ROOT exec -t $ID sh -c 'tty; sleep 0.3'" /dev/null
  assert_success
  assert_output_contains /dev/pts/
}

@test "exec: --tty --console-socket sends the pty" {
  running_container
  sock=$TEST_DIR/console.sock
  "$RECVTTY" "$sock" >"$TEST_DIR/tty.out" 2>&1 &
  rpid=$!
  wait_for_file "$sock"
  run --separate-stderr lodge exec -t --console-socket "$sock" "$ID" sh -c 'tty; echo via-socket'
  assert_success
  wait "$rpid" || true
  assert_contains "$(cat "$TEST_DIR/tty.out")" via-socket
}

@test "exec: --preserve-fds passes extra fds" {
  running_container
  echo preserved >"$TEST_DIR/fd3"
  run --separate-stderr lodge exec --preserve-fds 1 "$ID" sh -c 'cat <&3' 3<"$TEST_DIR/fd3"
  assert_success
  assert_equal "$output" preserved
  run --separate-stderr lodge exec "$ID" sh -c 'cat <&3' 3<"$TEST_DIR/fd3"
  assert_failure
}

@test "exec: no lodge fd reaches the process" {
  running_container
  run --separate-stderr lodge exec "$ID" ls /proc/self/fd 7<"$BUNDLE/config.json"
  assert_success
  assert_equal "$(echo $output)" "0 1 2 3"
}

@test "exec: a missing binary fails clearly with runc's 255" {
  running_container
  run --separate-stderr lodge exec "$ID" no-such-binary
  assert_status 255
  if is_lodge; then
    assert_error_line 'executable file not found in $PATH'
  fi
  assert_equal "$(state_field "$ID" status)" running
}

@test "exec: a bad --user fails clearly and the container is unharmed" {
  running_container
  run --separate-stderr lodge exec --user nobody:x "$ID" true
  assert_failure
  is_lodge && assert_error_line 'invalid --user'
  assert_equal "$(state_field "$ID" status)" running
}

@test "exec: into a stopped container fails" {
  make_bundle true
  start_container
  wait_for_status "$ID" stopped
  run --separate-stderr lodge exec "$ID" true
  assert_failure
  is_lodge && assert_error_line 'stopped'
  true
}

@test "exec: into an unknown container fails" {
  run --separate-stderr lodge exec "nosuch-$$" true
  assert_failure
  is_lodge && assert_error_line 'does not exist'
  true
}

@test "exec: in a user-namespaced container" {
  make_bundle sh -c 'while :; do sleep 1; done'
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  start_container
  run --separate-stderr lodge exec "$ID" sh -c 'id -u; cat /proc/self/uid_map'
  assert_success
  assert_output_contains "0     100000      65536"
  lodge exec --detach --pid-file "$TEST_DIR/p.pid" "$ID" sleep 30
  assert_equal "$(awk '/^Uid:/ {print $2}' /proc/$(cat "$TEST_DIR/p.pid")/status)" 100000
}
