#!/usr/bin/env bats
# `spec`: the starter config.json, compared with runc's.

load helpers

# ref_spec [FLAG...]: runc spec's config.json (made in a temp dir), on stdout.
ref_spec() {
  local d
  d=$(mktemp -d "$TEST_DIR/refspec.XXXXXX")
  (cd "$d" && "$REF_RUNC" spec "$@") || fail "runc spec $* failed"
  cat "$d/config.json"
}

# The parts of a spec that must match runc's, hostname and version aside.
SHAPE='{
  process: (.process | {terminal, user, args, env, cwd, capabilities, rlimits, noNewPrivileges}),
  root,
  mounts,
  linux: (.linux | {namespaces, uidMappings, gidMappings, maskedPaths, readonlyPaths, resources})
}'

@test "spec: writes config.json in the current directory" {
  mkdir "$TEST_DIR/b"
  cd "$TEST_DIR/b"
  run --separate-stderr "$LODGE" spec
  assert_success
  [ -f config.json ]
  jq -e '(.ociVersion | type == "string") and .process.args == ["sh"] and .process.terminal == true
         and .root.path == "rootfs" and (.process.cwd == "/")
         and ([.linux.namespaces[].type] | contains(["pid", "network", "ipc", "uts", "mount"]))' \
    config.json >/dev/null || fail "unexpected spec: $(cat config.json)"
}

@test "spec: -b and --bundle write into the given directory" {
  mkdir -p "$TEST_DIR/b1" "$TEST_DIR/b2" "$TEST_DIR/cwd"
  cd "$TEST_DIR/cwd"
  run --separate-stderr "$LODGE" spec -b "$TEST_DIR/b1"
  assert_success
  run --separate-stderr "$LODGE" spec --bundle "$TEST_DIR/b2"
  assert_success
  jq -e . "$TEST_DIR/b1/config.json" >/dev/null
  jq -e . "$TEST_DIR/b2/config.json" >/dev/null
  [ ! -e "$TEST_DIR/cwd/config.json" ]
}

@test "spec: refuses to overwrite an existing config.json" {
  mkdir "$TEST_DIR/b"
  echo '{"mine": true}' >"$TEST_DIR/b/config.json"
  run --separate-stderr "$LODGE" spec -b "$TEST_DIR/b"
  assert_error_line config.json
  assert_equal "$(cat "$TEST_DIR/b/config.json")" '{"mine": true}'
}

@test "spec: a bundle directory that does not exist is an error" {
  run --separate-stderr "$LODGE" spec -b "$TEST_DIR/missing"
  assert_error_line "$TEST_DIR/missing"
  [ ! -e "$TEST_DIR/missing" ]
}

@test "spec: an extra argument is an error" {
  mkdir "$TEST_DIR/b"
  cd "$TEST_DIR/b"
  run --separate-stderr "$LODGE" spec extra
  assert_error_line
  [ ! -e config.json ]
}

@test "spec: the generated config runs a container" {
  make_bundle true
  # make_bundle only changed terminal and args.
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID" </dev/null
  assert_success
  assert_nothing_left "$ID"
}

@test "spec: maskedPaths and readonlyPaths are runc's" {
  mkdir "$TEST_DIR/b"
  (cd "$TEST_DIR/b" && "$LODGE" spec)
  mine=$(jq -c '{m: .linux.maskedPaths, r: .linux.readonlyPaths}' "$TEST_DIR/b/config.json")
  ref=$(ref_spec | jq -c '{m: .linux.maskedPaths, r: .linux.readonlyPaths}')
  assert_equal "$mine" "$ref"
  jq -e '(.m | index("/proc/kcore")) and (.r | index("/proc/sys"))' <<<"$mine" >/dev/null
}

@test "spec: process, root, mounts and namespaces are runc's" {
  mkdir "$TEST_DIR/b"
  (cd "$TEST_DIR/b" && "$LODGE" spec)
  mine=$(jq -S "$SHAPE" "$TEST_DIR/b/config.json")
  ref=$(ref_spec | jq -S "$SHAPE")
  [ "$mine" = "$ref" ] || fail "differs from runc spec (< $LODGE, > runc):" "$(diff <(echo "$mine") <(echo "$ref"))"
  jq -e '.mounts | map(.destination) | contains(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"])' \
    <<<"$mine" >/dev/null
}

@test "spec --rootless: user namespace mapping the caller, no network namespace" {
  mkdir "$TEST_DIR/b"
  (cd "$TEST_DIR/b" && "$LODGE" spec --rootless)
  f=$TEST_DIR/b/config.json
  types=$(jq -c '[.linux.namespaces[].type] | sort' "$f")
  assert_contains "$types" '"user"'
  assert_not_contains "$types" '"network"'
  assert_equal "$(jq -c .linux.uidMappings "$f")" "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]"
  assert_equal "$(jq -c .linux.gidMappings "$f")" "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]"
  mine=$(jq -S "$SHAPE" "$f")
  ref=$(ref_spec --rootless | jq -S "$SHAPE")
  [ "$mine" = "$ref" ] || fail "differs from runc spec --rootless (< $LODGE, > runc):" "$(diff <(echo "$mine") <(echo "$ref"))"
}

@test "spec --rootless: the generated config runs a container in a user namespace" {
  mkdir -p "$BUNDLE"
  cp -a "$ROOTFS_CACHE" "$BUNDLE/rootfs"
  (cd "$BUNDLE" && "$LODGE" spec --rootless)
  update_config '.process.terminal = false | .process.args = ["sh", "-c", "cat /proc/self/uid_map; readlink /proc/self/ns/user; readlink /proc/self/ns/net"]'
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID" </dev/null
  assert_success
  assert_equal "$(echo ${lines[0]})" "0 $(id -u) 1"
  [ "${lines[1]}" != "$(readlink /proc/$$/ns/user)" ] || fail "not in a new user namespace"
  assert_equal "${lines[2]}" "$(readlink /proc/$$/ns/net)"
  assert_nothing_left "$ID"
}
