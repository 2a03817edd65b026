#!/usr/bin/env bats
# Global flags, --version, --help, and how unknown commands and flags fail.

load helpers

# assert_json_log FILE: FILE is not empty and every line of it is a JSON
# object with level, msg and time.
assert_json_log() {
  local f=$1 line n=0
  [ -s "$f" ] || fail "log file $f is empty"
  while IFS= read -r line; do
    n=$((n + 1))
    jq -e 'type == "object" and (.level | type == "string") and (.msg | type == "string")
           and (.time | type == "string")' <<<"$line" >/dev/null 2>&1 ||
      fail "line $n of $f is not a JSON log object: $line"
  done <"$f"
}

@test "--version: exits 0 and prints a spec: line" {
  run --separate-stderr "$LODGE" --version
  assert_success
  grep -qE '^spec: [0-9]+\.[0-9]+\.[0-9]+' <<<"$output" || fail "no spec: line in: $output"
  run --separate-stderr "$LODGE" -v
  assert_success
  grep -q '^spec: ' <<<"$output"
}

@test "--version: first line 'lodge version', and 'spec: 1.2.0'" {
  require_lodge "lodge prints its own version and spec 1.2.0"
  run --separate-stderr "$LODGE" --version
  assert_success
  [[ "${lines[0]}" == "lodge version "* ]] || fail "first line: ${lines[0]}"
  grep -qx 'spec: 1.2.0' <<<"$output" || fail "no 'spec: 1.2.0' line in: $output"
}

@test "--help: exits 0 and lists the commands" {
  run --separate-stderr "$LODGE" --help
  assert_success
  for cmd in create start run state kill delete list spec features; do
    grep -qE "^[[:space:]]+$cmd([[:space:],]|$)" <<<"$output" || fail "--help does not list $cmd: $output"
  done
  run --separate-stderr "$LODGE" -h
  assert_success
  assert_output_contains create
}

@test "unknown command: non-zero, one stderr line naming it" {
  run --separate-stderr lodge frobnicate
  assert_failure
  assert_equal "${#stderr_lines[@]}" 1
  assert_contains "$stderr" frobnicate
  assert_error_line 'unknown command "frobnicate"'
}

@test "unknown global flag: non-zero, one stderr line naming it" {
  run --separate-stderr lodge --foo list
  assert_failure
  assert_equal "${#stderr_lines[@]}" 1
  assert_contains "$stderr" foo
  assert_error_line 'unknown option --foo'
}

@test "unknown command flag: non-zero, one stderr line naming it" {
  run --separate-stderr lodge list --bogus-flag
  assert_failure
  assert_equal "${#stderr_lines[@]}" 1
  assert_contains "$stderr" bogus-flag
  assert_error_line 'unknown option --bogus-flag'
}

@test "unknown short flag: non-zero, one stderr line naming it" {
  run --separate-stderr lodge -x list
  assert_failure
  assert_equal "${#stderr_lines[@]}" 1
  assert_contains "$stderr" x
  assert_error_line 'unknown option -x'
}

@test "--root: state goes under the given directory" {
  make_bundle sleep 1000
  create_container
  [ -d "$ROOT/$ID" ] || fail "no $ROOT/$ID after create"
  run --separate-stderr "$LODGE" --root "$TEST_DIR/elsewhere" state "$ID"
  assert_failure
  lodge delete --force "$ID"
  assert_nothing_left "$ID"
}

@test "--log FILE with --log-format json: every line is a JSON object" {
  run --separate-stderr lodge --log "$TEST_DIR/log.json" --log-format json start "no-such-$ID"
  assert_failure
  assert_json_log "$TEST_DIR/log.json"
  jq -se 'any(.[]; .level == "error")' "$TEST_DIR/log.json" >/dev/null ||
    fail "no error-level line in: $(cat "$TEST_DIR/log.json")"
}

@test "--log-format json: the error names the container" {
  require_lodge "runc's message does not name the id"
  run --separate-stderr lodge --log "$TEST_DIR/log.json" --log-format json start "no-such-$ID"
  assert_failure
  assert_json_log "$TEST_DIR/log.json"
  jq -se --arg m "container \"no-such-$ID\" does not exist" 'any(.[]; .level == "error" and (.msg | contains($m)))' \
    "$TEST_DIR/log.json" >/dev/null || fail "log: $(cat "$TEST_DIR/log.json")"
}

@test "--log FILE with --log-format text: the error is logged" {
  run --separate-stderr lodge --log "$TEST_DIR/log.txt" --log-format text start "no-such-$ID"
  assert_failure
  [ -s "$TEST_DIR/log.txt" ] || fail "empty log"
  grep -q 'does not exist' "$TEST_DIR/log.txt" || fail "log: $(cat "$TEST_DIR/log.txt")"
}

@test "--log-format: an unknown format is refused" {
  run --separate-stderr lodge --log-format xml list
  assert_failure
  assert_contains "$stderr" xml
}

@test "--debug with a JSON log: the container runs and debug lines are logged" {
  make_bundle echo hello
  run --separate-stderr lodge --debug --log "$TEST_DIR/log.json" --log-format json run --bundle "$BUNDLE" "$ID" </dev/null
  assert_success
  assert_equal "$output" hello
  assert_json_log "$TEST_DIR/log.json"
  jq -se 'any(.[]; .level == "debug")' "$TEST_DIR/log.json" >/dev/null || fail "no debug line"
  assert_nothing_left "$ID"
}

@test "--log-level: accepted" {
  require_lodge "runc 1.1 has no --log-level"
  for level in debug info warn error; do
    run --separate-stderr lodge --log-level "$level" list -q
    assert_success
  done
}

@test "--systemd-cgroup: accepted" {
  run --separate-stderr lodge --systemd-cgroup list -q
  assert_success
  assert_equal "$output" ""
}

@test "--cgroup-manager cgroupfs: accepted" {
  require_lodge "runc has no --cgroup-manager"
  make_bundle echo ok
  run --separate-stderr lodge --cgroup-manager cgroupfs run --bundle "$BUNDLE" "$ID" </dev/null
  assert_success
  assert_equal "$output" ok
  run --separate-stderr lodge --cgroup-manager disabled list -q
  assert_success
}

@test "--rootless false: accepted and the container runs" {
  make_bundle echo ok
  run --separate-stderr lodge --rootless false run --bundle "$BUNDLE" "$ID" </dev/null
  assert_success
  assert_equal "$output" ok
  assert_nothing_left "$ID"
}

@test "--criu: accepted" {
  run --separate-stderr lodge --criu /usr/sbin/criu list -q
  assert_success
}

@test "global flags are accepted in --flag=value form" {
  run --separate-stderr "$LODGE" --root="$ROOT" --log-format=json --log="$TEST_DIR/log.json" list -q
  assert_success
  assert_equal "$output" ""
}
