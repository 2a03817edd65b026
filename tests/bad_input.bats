#!/usr/bin/env bats
# Malformed and hostile input.  Every test checks the exit status, for lodge
# that stderr is exactly one line naming the problem, and that nothing of
# the container is left behind.

load helpers

# create_fails [NEEDLE...]: `create` of $ID from $BUNDLE fails with one
# error line containing every NEEDLE, and leaves nothing behind.
create_fails() {
  run --separate-stderr lodge_detached create --bundle "$BUNDLE" "$ID"
  assert_error_line "$@"
  assert_nothing_left "$ID"
}

# ---- config.json ----------------------------------------------------------

@test "config: malformed JSON" {
  make_bundle true
  echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
  create_fails config.json
}

@test "config: a string where an unsigned integer belongs (rlimits soft)" {
  make_bundle true
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 1024, soft: "abc"}]'
  create_fails 'config.json: process.rlimits[0].soft: expected an unsigned integer, got "abc"'
}

@test "config: a negative uid" {
  make_bundle true
  update_config '.process.user.uid = -1'
  create_fails config.json process.user.uid
}

@test "config: a string where a boolean belongs (process.terminal)" {
  make_bundle true
  update_config '.process.terminal = "yes"'
  create_fails config.json process.terminal
}

@test "config: process.args missing" {
  make_bundle true
  update_config 'del(.process.args)'
  create_fails config.json process.args
}

@test "config: process.args empty" {
  make_bundle true
  update_config '.process.args = []'
  create_fails config.json process.args
}

@test "config: process missing" {
  make_bundle true
  update_config 'del(.process)'
  create_fails config.json process
}

@test "config: relative process.cwd" {
  make_bundle true
  update_config '.process.cwd = "relative/dir"'
  create_fails process.cwd
}

@test "config: unsupported ociVersion 2.0.0" {
  require_lodge "runc 1.1 does not check ociVersion"
  make_bundle true
  update_config '.ociVersion = "2.0.0"'
  create_fails config.json ociVersion 2.0.0
}

@test "config: unknown namespace type" {
  make_bundle true
  update_config '.linux.namespaces += [{type: "foo"}]'
  create_fails foo
}

@test "config: the same namespace type twice" {
  make_bundle true
  update_config '.linux.namespaces += [{type: "pid"}]'
  create_fails pid
}

@test "config: a namespace path that does not exist" {
  make_bundle true
  update_config '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/ns/net" else . end)'
  create_fails /nonexistent/ns/net
}

@test "config: a namespace path that is not a namespace" {
  make_bundle true
  update_config '.linux.namespaces |= map(if .type == "network" then .path = "/etc/passwd" else . end)'
  run --separate-stderr lodge_detached create --bundle "$BUNDLE" "$ID"
  # runc reports this in several lines (one per stage); lodge in one.
  assert_failure
  assert_error_line /etc/passwd
  assert_nothing_left "$ID"
}

@test "config: hostname without a UTS namespace" {
  make_bundle true
  update_config '.hostname = "box" | .linux.namespaces |= map(select(.type != "uts"))'
  create_fails hostname
}

@test "config: terminal true without --console-socket for create" {
  make_bundle true
  update_config '.process.terminal = true'
  create_fails console
}

@test "config: the rootfs directory does not exist" {
  make_bundle true
  rm -rf "$BUNDLE/rootfs"
  create_fails "$BUNDLE/rootfs"
}

@test "config: root.path names a file, not a directory" {
  make_bundle true
  update_config '.root.path = "rootfs/etc/passwd"'
  create_fails rootfs/etc/passwd
}

@test "config: config.json missing from the bundle" {
  make_bundle true
  rm "$BUNDLE/config.json"
  create_fails config.json
}

@test "config: the bundle directory does not exist" {
  run --separate-stderr lodge_detached create --bundle "$TEST_DIR/no-such-bundle" "$ID"
  assert_error_line no-such-bundle
  assert_nothing_left "$ID" "$TEST_DIR/no-such-bundle"
}

@test "config: args name a binary that is not in the image (create fails, as runc)" {
  make_bundle no-such-binary
  create_fails no-such-binary
}

@test "config: args name an absolute path that is not in the image" {
  make_bundle /bin/no-such-binary
  create_fails /bin/no-such-binary
}

@test "run: a binary not in the image fails run too, nothing left" {
  make_bundle no-such-binary
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line no-such-binary
  assert_nothing_left "$ID"
}

# ---- ids ------------------------------------------------------------------

@test "unknown id: state, start, kill, delete, each one error line" {
  for cmd in state start kill delete; do
    run --separate-stderr lodge "$cmd" "$ID"
    assert_error_line "container \"$ID\" does not exist"
    assert_nothing_left "$ID"
  done
}

@test "unknown id: delete --force succeeds silently (as runc)" {
  run --separate-stderr lodge delete --force "$ID"
  assert_success
  assert_equal "$stderr" ""
  assert_nothing_left "$ID"
}

@test "duplicate id: create is refused and the first container is unharmed" {
  make_bundle sleep 1000
  create_container
  pid=$(container_pid)
  make_bundle_at "$TEST_DIR/bundle2" sleep 1000
  run --separate-stderr lodge_detached create --bundle "$TEST_DIR/bundle2" "$ID"
  assert_error_line "container \"$ID\" already exists"
  # Only the second bundle: the first container owns the id's state.
  assert_nothing_left "" "$TEST_DIR/bundle2"
  assert_equal "$(state_field "$ID" status)" created
  assert_equal "$(container_pid)" "$pid"
  assert_equal "$(state_field "$ID" bundle)" "$BUNDLE"
  lodge start "$ID"
  assert_equal "$(state_field "$ID" status)" running
  lodge delete --force "$ID"
  assert_nothing_left "$ID"
}

@test "duplicate id: run of a running container's id is refused" {
  make_bundle sleep 1000
  start_container
  pid=$(container_pid)
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line "container \"$ID\" already exists"
  assert_equal "$(state_field "$ID" status)" running
  assert_equal "$(container_pid)" "$pid"
  lodge delete --force "$ID"
  assert_nothing_left "$ID"
}

@test "duplicate id: concurrent creates, exactly one wins" {
  make_bundle sleep 1000
  pids=()
  for i in 1 2 3 4 5; do
    "$LODGE" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$TEST_DIR/err$i" &
    pids+=($!)
  done
  ok=0
  for p in "${pids[@]}"; do
    if wait "$p"; then ok=$((ok + 1)); fi
  done
  assert_equal "$ok" 1
  assert_equal "$(state_field "$ID" status)" created
  kill -0 "$(container_pid)"
  lodge delete --force "$ID"
  assert_nothing_left "$ID"
}

@test "invalid id: ../evil, a/b and the empty id are refused" {
  make_bundle true
  for bad in ../evil a/b ""; do
    run --separate-stderr lodge_detached create --bundle "$BUNDLE" "$bad"
    assert_error_line "invalid container id \"$bad\""
  done
  [ ! -e "$TEST_DIR/evil" ] || fail "create ../evil wrote outside --root"
  [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "--root is not empty: $(ls -A "$ROOT")"
  assert_nothing_left ""
}

@test "invalid id: delete --force ../evil does not touch what is outside --root" {
  mkdir -p "$ROOT" "$TEST_DIR/evil"
  echo precious >"$TEST_DIR/evil/state.json"
  for cmd in "delete --force" state kill start delete; do
    run --separate-stderr lodge $cmd ../evil
    assert_failure
  done
  assert_equal "$(cat "$TEST_DIR/evil/state.json")" precious
}

# ---- signals ----------------------------------------------------------------

@test "kill: an unknown signal name is refused and the container unharmed" {
  make_bundle sleep 1000
  start_container
  run --separate-stderr lodge kill "$ID" FOO
  assert_error_line 'unknown signal "FOO"'
  assert_equal "$(state_field "$ID" status)" running
  lodge delete --force "$ID"
  assert_nothing_left "$ID"
}

@test "kill: an out-of-range signal number is refused" {
  make_bundle sleep 1000
  start_container
  run --separate-stderr lodge kill "$ID" 99
  assert_error_line 99
  assert_equal "$(state_field "$ID" status)" running
}

@test "kill: signal 0 succeeds on a running container" {
  make_bundle sleep 1000
  start_container
  run --separate-stderr lodge kill "$ID" 0
  assert_success
  assert_equal "$(state_field "$ID" status)" running
}

@test "kill: a stopped container is refused, but kill --all succeeds (as runc)" {
  make_bundle true
  start_container
  wait_for_status "$ID" stopped
  run --separate-stderr lodge kill "$ID" KILL
  assert_error_line "not running"
  run --separate-stderr lodge kill --all "$ID" KILL
  assert_success
  lodge delete "$ID"
  assert_nothing_left "$ID"
}

# ---- flags and --root ------------------------------------------------------

@test "create: an unknown flag is refused before anything is made" {
  make_bundle true
  run --separate-stderr lodge_detached create --bogus --bundle "$BUNDLE" "$ID"
  assert_error_line bogus
  assert_nothing_left "$ID"
}

@test "create: a missing container id is refused" {
  make_bundle true
  run --separate-stderr lodge_detached create --bundle "$BUNDLE"
  assert_failure
  is_lodge && assert_equal "${#stderr_lines[@]}" 1
  assert_nothing_left ""
}

@test "--root under a regular file" {
  make_bundle true
  touch "$TEST_DIR/afile"
  run --separate-stderr "$LODGE" --root "$TEST_DIR/afile/state" create --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line "$TEST_DIR/afile"
  assert_nothing_left "$ID" "$BUNDLE" "$TEST_DIR/afile/state"
}

@test "--root on a read-only bind mount" {
  make_bundle true
  mkdir -p "$TEST_DIR/ro"
  mount --bind "$TEST_DIR/ro" "$TEST_DIR/ro"
  on_teardown "umount -l '$TEST_DIR/ro'"
  mount -o remount,bind,ro "$TEST_DIR/ro"
  run --separate-stderr "$LODGE" --root "$TEST_DIR/ro/state" create --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line "$TEST_DIR/ro"
  assert_nothing_left "$ID" "$BUNDLE" "$TEST_DIR/ro/state"
}

# ---- start ------------------------------------------------------------------

@test "start: a running container is refused and unharmed" {
  make_bundle sleep 1000
  start_container
  pid=$(container_pid)
  run --separate-stderr lodge start "$ID"
  assert_error_line running
  assert_equal "$(state_field "$ID" status)" running
  assert_equal "$(container_pid)" "$pid"
  lodge delete --force "$ID"
  assert_nothing_left "$ID"
}

@test "start: a stopped container is refused" {
  make_bundle true
  start_container
  wait_for_status "$ID" stopped
  run --separate-stderr lodge start "$ID"
  assert_error_line stopped
  assert_equal "$(state_field "$ID" status)" stopped
  lodge delete "$ID"
  assert_nothing_left "$ID"
}

@test "delete: a running container without --force names it" {
  make_bundle sleep 1000
  start_container
  run --separate-stderr lodge delete "$ID"
  assert_error_line "$ID" running
  lodge delete --force "$ID"
  assert_nothing_left "$ID"
}
