#!/usr/bin/env bats
# The commands that work through the container's cgroup: ps, pause,
# resume, update (every flag, -r FILE and -r -), events (--stats and the
# stream), kill --all and delete --force of a paused container.

load helpers

setup() {
  setup_common
  CGPATH=/lodge/$ID
}

# cgfile CTRL FILE: the container's cgroup file for a v1 controller, or
# the unified hierarchy's on a v2 host.
cgfile() {
  if host_cgroup_v1; then
    echo "/sys/fs/cgroup/$1$CGPATH/$2"
  else
    echo "/sys/fs/cgroup$CGPATH/$2"
  fi
}

require_v1() {
  host_cgroup_v1 || skip "needs cgroup v1 controllers"
}

# A container whose shell counts, once per 50ms, into /shared/count.
start_counter() {
  make_bundle sh -c 'i=0; while :; do i=$((i + 1)); echo $i > /shared/count; sleep 0.05; done'
  add_shared_dir
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  start_container
  wait_for_content "$SHARED/count"
}

# assert_gone PID...: each PID exits (is a zombie or gone) within 2s.
assert_gone() {
  local p i
  for p in "$@"; do
    for ((i = 0; i < 100; i++)); do
      grep -qs '^State:[[:space:]]*[^Z]' "/proc/$p/status" || continue 2
      sleep 0.02
    done
    fail "$p survived"
  done
}

start_sleeper() {
  make_bundle sh -c 'sleep 1000 & sleep 1000 & wait'
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  [ $# -eq 0 ] || update_config '.linux.resources = $r' --argjson r "$1"
  start_container
}

# ---- pause / resume ----------------------------------------------------------

@test "pause freezes every process; resume thaws them" {
  start_counter
  lodge pause "$ID"
  assert_equal "$(state_field "$ID" status)" paused
  if host_cgroup_v1; then
    assert_equal "$(cat "$(cgfile freezer freezer.state)")" FROZEN
  else
    assert_equal "$(cat "$(cgfile freezer cgroup.freeze)")" 1
  fi
  a=$(cat "$SHARED/count")
  sleep 0.3
  assert_equal "$(cat "$SHARED/count")" "$a"
  lodge resume "$ID"
  assert_equal "$(state_field "$ID" status)" running
  sleep 0.3
  [ "$(cat "$SHARED/count")" -gt "$a" ] || fail "the counter did not move after resume"
}

@test "pause and resume refuse a container in the wrong state" {
  make_bundle sleep 1000
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  create_container
  run --separate-stderr lodge pause "$ID"
  assert_error_line "container \"$ID\" is not running"
  lodge start "$ID"
  run --separate-stderr lodge resume "$ID"
  assert_error_line "container \"$ID\" is not paused"
  lodge pause "$ID"
  run --separate-stderr lodge pause "$ID"
  assert_error_line "is not running"
  lodge resume "$ID"
  run --separate-stderr lodge pause nosuch-$ID
  assert_error_line "container \"nosuch-$ID\" does not exist"
  assert_equal "$(state_field "$ID" status)" running
}

# ---- ps ----------------------------------------------------------------------

@test "ps: the ps -ef lines of the container's processes, and -f json" {
  start_sleeper
  pid=$(container_pid)
  run --separate-stderr lodge ps "$ID"
  assert_success
  read -r -a header <<<"${lines[0]}"
  assert_equal "${header[1]}" PID
  # The init and its two sleeps, nothing else.
  assert_equal "${#lines[@]}" 4
  printf '%s\n' "${lines[@]:1}" | grep -q "^root  *$pid "
  assert_equal "$(printf '%s\n' "${lines[@]:1}" | grep -c ':[0-9][0-9] sleep 1000$')" 2

  run --separate-stderr lodge ps -f json "$ID"
  assert_success
  assert_equal "$(jq -c 'sort' <<<"$output")" "$(sort -n "$(cgfile pids cgroup.procs)" | jq -sc .)"
  run --separate-stderr lodge ps --format=json "$ID"
  assert_equal "$(jq length <<<"$output")" 3
}

@test "ps: arguments after the id go to ps(1)" {
  start_sleeper
  run --separate-stderr lodge ps "$ID" -o pid,comm
  assert_success
  assert_equal "${lines[0]}" "$(ps -o pid,comm | head -n 1)"
  assert_equal "${#lines[@]}" 4
  run --separate-stderr lodge ps "$ID" -- -o comm,pid
  assert_success
  assert_equal "${#lines[@]}" 4
  run --separate-stderr lodge ps "$ID" -o comm
  assert_error_line "no PID column"
  run --separate-stderr lodge ps -f yaml "$ID"
  assert_error_line 'invalid format "yaml"'
}

# ---- update ---------------------------------------------------------------------

@test "update: each of runc's flags reaches its cgroup file" {
  require_v1
  start_sleeper '{"memory":{"limit":33554432,"swap":33554432}}'
  lodge update --memory 64M --memory-swap 128m --memory-reservation 16MiB \
    --cpu-share 256 --cpu-quota 30000 --cpu-period 60000 \
    --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 42 --blkio-weight 200 \
    --kernel-memory-tcp 8M "$ID"
  assert_equal "$(cat "$(cgfile memory memory.limit_in_bytes)")" 67108864
  assert_equal "$(cat "$(cgfile memory memory.memsw.limit_in_bytes)")" 134217728
  assert_equal "$(cat "$(cgfile memory memory.soft_limit_in_bytes)")" 16777216
  assert_equal "$(cat "$(cgfile memory memory.kmem.tcp.limit_in_bytes)")" 8388608
  assert_equal "$(cat "$(cgfile cpu cpu.shares)")" 256
  assert_equal "$(cat "$(cgfile cpu cpu.cfs_quota_us)")" 30000
  assert_equal "$(cat "$(cgfile cpu cpu.cfs_period_us)")" 60000
  assert_equal "$(cat "$(cgfile cpuset cpuset.cpus)")" 0
  assert_equal "$(cat "$(cgfile cpuset cpuset.mems)")" 0
  assert_equal "$(cat "$(cgfile pids pids.max)")" 42
  w=$(cgfile blkio blkio.weight)
  [ -e "$w" ] || w=$(cgfile blkio blkio.bfq.weight)
  grep -qw 200 "$w"
  # --cpu-shares is accepted too; -1 is "unlimited".
  lodge update --cpu-shares 512 --pids-limit -1 --memory-swap -1 --memory -1 "$ID"
  assert_equal "$(cat "$(cgfile cpu cpu.shares)")" 512
  assert_equal "$(cat "$(cgfile pids pids.max)")" max
  [ "$(cat "$(cgfile memory memory.limit_in_bytes)")" -gt 1000000000000 ]
  if [ -e "$(cgfile cpu cpu.rt_period_us)" ]; then
    lodge update --cpu-rt-period 400000 "$ID"
    assert_equal "$(cat "$(cgfile cpu cpu.rt_period_us)")" 400000
  fi
}

@test "update: -r FILE and -r - (stdin), flags win over the document" {
  start_sleeper '{"pids":{"limit":100}}'
  echo '{"pids":{"limit":77},"cpu":{"shares":300}}' >"$TEST_DIR/r.json"
  lodge update -r "$TEST_DIR/r.json" "$ID"
  assert_equal "$(cat "$(cgfile pids pids.max)")" 77
  echo '{"pids":{"limit":66}}' | lodge update --resources - "$ID"
  assert_equal "$(cat "$(cgfile pids pids.max)")" 66
  echo '{"pids":{"limit":55}}' | lodge update -r - --pids-limit 44 "$ID"
  assert_equal "$(cat "$(cgfile pids pids.max)")" 44
}

@test "update: the memory limit bites (a hog that fitted is OOM-killed after)" {
  make_bundle sh -c 'while :; do while [ ! -e /shared/go ]; do sleep 0.05; done; rm /shared/go; head -c 40m /dev/zero | tail; echo "tail $?" >> /shared/result; done'
  add_shared_dir
  update_config '.linux.cgroupsPath = $p | .linux.resources = {memory: {limit: 134217728, swap: 134217728}}' --arg p "$CGPATH"
  start_container
  touch "$SHARED/go"
  wait_for_content "$SHARED/result" 1000
  assert_equal "$(cat "$SHARED/result")" "tail 0"
  lodge update --memory 16M --memory-swap 16M "$ID"
  touch "$SHARED/go"
  for ((i = 0; i < 500; i++)); do [ "$(wc -l <"$SHARED/result")" -ge 2 ] && break; sleep 0.02; done
  assert_equal "$(sed -n 2p "$SHARED/result")" "tail 137"
}

@test "update: bad input is a clear error and leaves the container as it was" {
  require_lodge
  start_sleeper '{"pids":{"limit":100},"memory":{"limit":33554432,"swap":33554432}}'
  # A limit the kernel refuses.
  run --separate-stderr lodge update --memory 64M "$ID"
  assert_error_line "update container \"$ID\": linux.resources.memory.limit: write 67108864 to" "Invalid argument"
  # checkBeforeUpdate: not below what is in use.
  echo '{"memory":{"limit":4096,"checkBeforeUpdate":true}}' >"$TEST_DIR/r.json"
  run --separate-stderr lodge update -r "$TEST_DIR/r.json" "$ID"
  assert_error_line "linux.resources.memory.limit: rejecting memory limit 4096 below usage"
  # An unknown unified key, a malformed document, a bad flag value.
  echo '{"unified":{"nosuch.key":"1"}}' >"$TEST_DIR/u.json"
  run --separate-stderr lodge update -r "$TEST_DIR/u.json" "$ID"
  assert_error_line 'unknown cgroup v2 controller "nosuch"'
  echo '{"pids":{"limit":"many"}}' >"$TEST_DIR/bad.json"
  run --separate-stderr lodge update -r "$TEST_DIR/bad.json" "$ID"
  assert_error_line "pids.limit"
  run --separate-stderr lodge update --memory lots "$ID"
  assert_error_line 'invalid --memory "lots"'
  run --separate-stderr lodge update -r "$TEST_DIR/nosuch.json" "$ID"
  assert_error_line "open $TEST_DIR/nosuch.json: No such file or directory"
  # Unharmed.
  assert_equal "$(state_field "$ID" status)" running
  assert_equal "$(cat "$(cgfile pids pids.max)")" 100
  host_cgroup_v1 && assert_equal "$(cat "$(cgfile memory memory.limit_in_bytes)")" 33554432
  true
}

@test "update: a stopped container is refused" {
  make_bundle true
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  start_container
  wait_for_status "$ID" stopped
  run --separate-stderr lodge update --pids-limit 10 "$ID"
  assert_error_line "container \"$ID\" is not running"
}

# ---- events ---------------------------------------------------------------------

@test "events --stats: one stats event in runc's shape" {
  start_sleeper '{"pids":{"limit":100},"memory":{"limit":67108864}}'
  run --separate-stderr lodge events --stats "$ID"
  assert_success
  assert_equal "${#lines[@]}" 1
  jq -e --arg id "$ID" '
      .type == "stats" and .id == $id
      and (.data.cpu.usage.total > 0) and (.data.cpu.usage | has("kernel") and has("user"))
      and (.data.memory.usage.usage > 0) and (.data.memory.usage | has("limit") and has("failcnt"))
      and (.data.memory | has("swap") and has("kernel") and has("kernelTCP"))
      and .data.pids.current == 3 and .data.pids.limit == 100
      and (.data.blkio | type == "object") and (.data.hugetlb | type == "object")
      and (.data.cpuset | has("cpu_exclusive"))' <<<"$output" >/dev/null || fail "bad stats: $output"
  if host_cgroup_v1; then
    jq -e '.data.memory.usage.limit == 67108864 and (.data.memory.raw | has("cache"))' <<<"$output" >/dev/null
  fi
}

@test "events: a stats event every --interval, ending when the container stops" {
  make_bundle sh -c 'sleep 1.5'
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  start_container
  start=$(date +%s%N)
  run --separate-stderr timeout 20 "$LODGE" --root "$ROOT" events --interval 200ms "$ID"
  assert_success
  took=$((($(date +%s%N) - start) / 1000000))
  [ "$took" -lt 10000 ] || fail "the stream did not end with the container ($took ms)"
  [ "${#lines[@]}" -ge 3 ] || fail "expected several stats lines, got: $output"
  for l in "${lines[@]}"; do
    assert_equal "$(jq -r .type <<<"$l")" stats
  done
}

@test "events: bad input" {
  make_bundle true
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  start_container
  wait_for_status "$ID" stopped
  run --separate-stderr lodge events --stats "$ID"
  assert_error_line "container \"$ID\" is not running"
  run --separate-stderr lodge events --interval 0s "$ID"
  assert_error_line 'invalid --interval "0s"'
  run --separate-stderr lodge events --stats "nosuch-$ID"
  assert_error_line "does not exist"
}

# ---- kill --all, delete --force ---------------------------------------------------

@test "kill --all KILL: every process in the cgroup, through cgroup.kill" {
  start_sleeper
  kids=$(cat "$(cgfile pids cgroup.procs)")
  lodge --debug --log "$TEST_DIR/log" kill --all "$ID" KILL
  wait_for_status "$ID" stopped
  assert_gone $kids
  if is_lodge && [ -e /sys/fs/cgroup/unified/cgroup.procs -o -e /sys/fs/cgroup/cgroup.kill ]; then
    grep -q "cgroup.kill" "$TEST_DIR/log"
  fi
}

@test "kill --all of a paused container: TERM waits for resume, KILL works at once" {
  require_lodge
  make_bundle sh -c 'trap "echo term >> /shared/sig" TERM; touch /shared/ready; while :; do sleep 0.05; done'
  add_shared_dir
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  start_container
  wait_for_file "$SHARED/ready"
  lodge pause "$ID"
  lodge kill --all "$ID" TERM
  assert_equal "$(state_field "$ID" status)" paused
  [ ! -e "$SHARED/sig" ] || fail "a frozen process handled a signal"
  lodge resume "$ID"
  wait_for_content "$SHARED/sig"
  lodge pause "$ID"
  lodge kill --all "$ID" KILL
  wait_for_status "$ID" stopped
}

@test "delete --force of a paused container thaws, kills and removes it" {
  start_sleeper '{"pids":{"limit":50}}'
  kids=$(cat "$(cgfile pids cgroup.procs)")
  lodge pause "$ID"
  assert_equal "$(state_field "$ID" status)" paused
  run --separate-stderr timeout 20 "$LODGE" --root "$ROOT" delete --force "$ID"
  assert_success
  assert_gone $kids
  assert_nothing_left "$ID"
  for d in $(cgroup_roots); do [ ! -d "${d%/}$CGPATH" ] || fail "cgroup left in $d"; done
}
