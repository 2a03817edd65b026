#!/usr/bin/env bats
# linux.resources on this machine's cgroup hierarchies (each limit read back
# from the cgroup files, and made to bite where it can be), cgroupsPath, the
# cgroup's life from create to delete, and the cgroup v2 parts: on the
# unified hierarchy of a hybrid host, and on a v2-only host made in a
# private mount namespace.

load helpers

setup() {
  setup_common
  # The cgroup2 mount: /sys/fs/cgroup/unified on a hybrid host.
  UNIFIED=/sys/fs/cgroup
  host_cgroup_v1 && UNIFIED=/sys/fs/cgroup/unified
  [ "$(stat -f -c %T "$UNIFIED" 2>/dev/null)" = cgroup2fs ] || UNIFIED=
  # An explicit path, so the files are where runc would put them too.
  CGPATH=/lodge/$ID
}

# v1 DIR of controller CTRL for the container (or for cgroup PATH).
v1() {
  echo "/sys/fs/cgroup/$1${2:-$CGPATH}"
}

require_v1() {
  host_cgroup_v1 || skip "needs cgroup v1 controllers"
}

require_unified() {
  [ -n "$UNIFIED" ] || skip "needs a cgroup2 mount"
}

# The unit test binary, which also counts attached eBPF programs.
cgroup_test() {
  local c
  for c in "$(dirname "$LODGE")/tests/unit/cgroup_test" "$TESTS_DIR/unit/cgroup_test" "$(dirname "$LODGE")/cgroup_test"; do
    [ -x "$c" ] && {
      "$c" "$@"
      return
    }
  done
  skip "tests/unit/cgroup_test is not built"
}

# resources JSON: linux.resources of $BUNDLE, with the cgroup at $CGPATH.
resources() {
  update_config '.linux.cgroupsPath = $p | .linux.resources = $r' --arg p "$CGPATH" --argjson r "$1"
}

# wait_until CMD...: poll (every 50ms, 10s) until CMD succeeds.
wait_until() {
  local i
  for ((i = 0; i < 200; i++)); do
    "$@" && return 0
    sleep 0.05
  done
  fail "timed out waiting for: $*"
}

# The container process may mknod (the default capabilities do not have
# CAP_MKNOD).
allow_mknod() {
  update_config '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
}

# maj and min: the device numbers of /dev/loop-control (a char device no
# container gets by default, that opens without privilege).
loop_control() {
  [ -c /dev/loop-control ] || skip "no /dev/loop-control"
  maj=$((0x$(stat -c %t /dev/loop-control)))
  min=$((0x$(stat -c %T /dev/loop-control)))
}

# ---- memory ----------------------------------------------------------------

@test "memory: limit, swap, reservation, swappiness, kernelTCP in the v1 files" {
  require_v1
  make_bundle sleep 1000
  resources '{"memory":{"limit":33554432,"swap":67108864,"reservation":16777216,"swappiness":20,"kernelTCP":8388608,"kernel":4194304}}'
  start_container
  d=$(v1 memory)
  assert_equal "$(cat "$d/memory.limit_in_bytes")" 33554432
  assert_equal "$(cat "$d/memory.memsw.limit_in_bytes")" 67108864
  assert_equal "$(cat "$d/memory.soft_limit_in_bytes")" 16777216
  assert_equal "$(cat "$d/memory.swappiness")" 20
  assert_equal "$(cat "$d/memory.kmem.tcp.limit_in_bytes")" 8388608
}

@test "memory: a hog is OOM-killed and events reports the OOM" {
  make_bundle sh -c 'while [ ! -e /shared/go ]; do sleep 0.1; done; head -c 200m /dev/zero | tail; echo "tail: $?" > /shared/result; sleep 1000'
  add_shared_dir
  resources '{"memory":{"limit":16777216,"swap":16777216}}'
  start_container
  lodge events --interval 100ms "$ID" >"$TEST_DIR/events" 2>&1 &
  evpid=$!
  on_teardown "kill $evpid"
  # The OOM watch is set up before the first stats line.
  wait_for_content "$TEST_DIR/events"
  touch "$SHARED/go"
  wait_for_content "$SHARED/result" 1000
  assert_equal "$(cat "$SHARED/result")" "tail: 137"
  wait_until grep -q '"type":"oom"' "$TEST_DIR/events"
  kill "$evpid"
  wait "$evpid" || true
  # (The stats line being written when the stream was stopped may be cut.)
  grep '"type":"oom"' "$TEST_DIR/events" | jq -se --arg id "$ID" 'length > 0 and all(. == {type: "oom", id: $id})' >/dev/null
  if host_cgroup_v1; then
    grep -qx 'oom_kill [1-9][0-9]*' "$(v1 memory)/memory.oom_control"
  else
    grep -qx 'oom_kill [1-9][0-9]*' "$UNIFIED$CGPATH/memory.events"
  fi
}

@test "memory: disableOOMKiller turns the OOM killer off (v1)" {
  require_v1
  make_bundle sleep 1000
  resources '{"memory":{"limit":33554432,"disableOOMKiller":true}}'
  start_container
  grep -qx 'oom_kill_disable 1' "$(v1 memory)/memory.oom_control"
}

# ---- pids ------------------------------------------------------------------

@test "pids: a fork bomb stops at pids.max" {
  make_bundle sh -c 'i=0; while [ $i -lt 60 ]; do sleep 1000 & i=$((i + 1)); done 2>/dev/null; sleep 1000'
  resources '{"pids":{"limit":10}}'
  start_container
  if host_cgroup_v1; then d=$(v1 pids); else d=$UNIFIED$CGPATH; fi
  assert_equal "$(cat "$d/pids.max")" 10
  # Forks are refused (pids.events counts them) and never pass the limit.
  wait_until grep -qx 'max [1-9][0-9]*' "$d/pids.events"
  [ "$(cat "$d/pids.current")" -le 10 ]
  [ "$(wc -l <"$d/cgroup.procs")" -le 10 ]
}

# ---- cpu -------------------------------------------------------------------

@test "cpu: shares, quota, period, burst and idle in the v1 files; cpus bites" {
  require_v1
  make_bundle sh -c 'grep Cpus_allowed_list /proc/self/status; sleep 1000'
  resources '{"cpu":{"shares":512,"quota":20000,"period":50000,"burst":1000,"idle":0,"cpus":"0","mems":"0"}}'
  start_container
  d=$(v1 cpu)
  assert_equal "$(cat "$d/cpu.shares")" 512
  assert_equal "$(cat "$d/cpu.cfs_quota_us")" 20000
  assert_equal "$(cat "$d/cpu.cfs_period_us")" 50000
  assert_equal "$(cat "$d/cpu.cfs_burst_us")" 1000
  assert_equal "$(cat "$d/cpu.idle")" 0
  assert_equal "$(cat "$(v1 cpuset)/cpuset.cpus")" 0
  assert_equal "$(cat "$(v1 cpuset)/cpuset.mems")" 0
  wait_for_content "$CTR_OUT"
  assert_equal "$(tr -d '\t ' <"$CTR_OUT")" "Cpus_allowed_list:0"
}

@test "cpu: realtimePeriod in cpu.rt_period_us (v1)" {
  require_v1
  [ -e /sys/fs/cgroup/cpu/cpu.rt_period_us ] || skip "no RT group scheduling"
  make_bundle sleep 1000
  resources '{"cpu":{"realtimePeriod":500000}}'
  start_container
  assert_equal "$(cat "$(v1 cpu)/cpu.rt_period_us")" 500000
}

@test "cpu: a quota throttles the container" {
  require_v1
  make_bundle sh -c 'while :; do :; done'
  resources '{"cpu":{"quota":10000,"period":100000}}'
  start_container
  wait_until grep -qE '^nr_throttled [1-9]' "$(v1 cpu)/cpu.stat"
}

# ---- block I/O -------------------------------------------------------------

@test "blockIO: weight and the four throttles in the v1 files" {
  require_v1
  make_bundle sleep 1000
  resources '{"blockIO":{"weight":300,"throttleReadBpsDevice":[{"major":7,"minor":0,"rate":1048576}],"throttleWriteBpsDevice":[{"major":7,"minor":0,"rate":2097152}],"throttleReadIOPSDevice":[{"major":7,"minor":0,"rate":100}],"throttleWriteIOPSDevice":[{"major":7,"minor":0,"rate":200}]}}'
  start_container
  d=$(v1 blkio)
  if [ -e "$d/blkio.weight" ]; then w=$d/blkio.weight; else w=$d/blkio.bfq.weight; fi
  grep -qw 300 "$w"
  assert_equal "$(cat "$d/blkio.throttle.read_bps_device")" "7:0 1048576"
  assert_equal "$(cat "$d/blkio.throttle.write_bps_device")" "7:0 2097152"
  assert_equal "$(cat "$d/blkio.throttle.read_iops_device")" "7:0 100"
  assert_equal "$(cat "$d/blkio.throttle.write_iops_device")" "7:0 200"
}

@test "blockIO: a per-device weight on a BFQ device" {
  require_v1
  local dev sched
  # A loop device, switched to BFQ for the test.
  for dev in /sys/block/loop*; do
    grep -q bfq "$dev/queue/scheduler" 2>/dev/null && break
    dev=
  done
  [ -n "$dev" ] || skip "no loop device offers BFQ"
  sched=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$dev/queue/scheduler")
  echo bfq >"$dev/queue/scheduler" || skip "cannot switch $dev to BFQ"
  on_teardown "echo $sched > $dev/queue/scheduler"
  majmin=$(cat "$dev/dev")
  make_bundle sleep 1000
  resources "$(jq -cn --arg d "$majmin" '{blockIO: {weightDevice: [{major: ($d | split(":")[0] | tonumber), minor: ($d | split(":")[1] | tonumber), weight: 250}]}}')"
  start_container
  d=$(v1 blkio)
  if [ -e "$d/blkio.weight_device" ]; then f=$d/blkio.weight_device; else f=$d/blkio.bfq.weight_device; fi
  grep -qx "$majmin 250" "$f"
}

# ---- hugetlb, network, rdma --------------------------------------------------

@test "hugepageLimits: written where hugetlb lives (the unified hierarchy here)" {
  require_lodge
  make_bundle sleep 1000
  resources '{"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]}'
  if [ -d /sys/fs/cgroup/hugetlb ]; then
    start_container
    assert_equal "$(cat "$(v1 hugetlb)/hugetlb.2MB.limit_in_bytes")" 4194304
  else
    require_unified
    grep -qw hugetlb "$UNIFIED/cgroup.controllers" || skip "no hugetlb controller"
    start_container
    assert_equal "$(cat "$UNIFIED$CGPATH/hugetlb.2MB.max")" 4194304
  fi
}

@test "network, rdma: a controller the host lacks is a clear error, nothing left" {
  require_lodge
  for c in net_cls rdma; do
    grep -qw "$c" /proc/self/mountinfo && skip "$c is mounted here"
  done
  make_bundle sleep 1000
  resources '{"network":{"classID":5}}'
  run --separate-stderr lodge run -d --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line "linux.resources.network.classID: the net_cls controller is not available on this host"
  assert_nothing_left "$ID"
  resources '{"rdma":{"mlx5_0":{"hcaHandles":3}}}'
  run --separate-stderr lodge run -d --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line "linux.resources.rdma.mlx5_0: the rdma controller"
  assert_nothing_left "$ID"
}

# ---- devices -----------------------------------------------------------------

@test "devices: v1 rules in devices.list; a device not allowed cannot be opened" {
  require_v1
  loop_control
  make_bundle sh -c "mknod /dev/testdev c $maj $min; [ -c /dev/testdev ] || echo no node; (exec 3</dev/testdev) 2>/dev/null && echo opened || echo denied; head -c 4 /dev/urandom | wc -c; sleep 1000"
  allow_mknod
  resources '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}]}'
  start_container
  wait_until grep -q '^4$' "$CTR_OUT"
  assert_equal "$(head -n 1 "$CTR_OUT")" denied
  list=$(cat "$(v1 devices)/devices.list")
  assert_contains "$list" "c 1:11 r"
  assert_contains "$list" "c 1:9 rwm"
  assert_not_contains "$list" "a *:* rwm"
}

@test "devices: the eBPF filter on the unified hierarchy bites alone and is replaced on update" {
  require_lodge
  require_unified
  loop_control
  make_bundle sh -c "mknod /dev/testdev c $maj $min; for r in 1 2; do while [ ! -e /shared/go\$r ]; do sleep 0.05; done; (exec 3</dev/testdev) 2>/dev/null && echo opened > /shared/r\$r || echo denied > /shared/r\$r; done; sleep 1000"
  allow_mknod
  add_shared_dir
  resources '{"devices":[{"allow":false,"access":"rwm"}]}'
  start_container
  assert_equal "$(cgroup_test bpf-count "$UNIFIED$CGPATH")" 1
  # Open the v1 rules wide: only the eBPF program is left to refuse.
  if host_cgroup_v1; then echo a >"$(v1 devices)/devices.allow"; fi
  touch "$SHARED/go1"
  wait_for_content "$SHARED/r1"
  assert_equal "$(cat "$SHARED/r1")" denied

  echo "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":$maj,\"minor\":$min,\"access\":\"r\"}]}" | lodge update -r - "$ID"
  # Replaced: still one program, and it lets the device through.
  assert_equal "$(cgroup_test bpf-count "$UNIFIED$CGPATH")" 1
  touch "$SHARED/go2"
  wait_for_content "$SHARED/r2"
  assert_equal "$(cat "$SHARED/r2")" opened
}

# ---- unified -----------------------------------------------------------------

@test "unified: keys for the unified hierarchy are written; a v1 controller's key is refused" {
  require_lodge
  require_unified
  make_bundle sleep 1000
  resources '{"unified":{"cgroup.max.descendants":"7"}}'
  start_container
  assert_equal "$(cat "$UNIFIED$CGPATH/cgroup.max.descendants")" 7
  lodge delete --force "$ID"

  require_v1
  resources '{"unified":{"memory.max":"1000000"}}'
  run --separate-stderr lodge run -d --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line 'linux.resources.unified["memory.max"]: the memory controller is on cgroup v1'
  assert_nothing_left "$ID"
}

# ---- cgroupsPath ---------------------------------------------------------------

# cgroup_paths PID: the distinct cgroup paths of PID over every mounted
# hierarchy (a v1 hierarchy can outlive its mount, at "/").
cgroup_paths() {
  awk -F: 'NR == FNR { m[$0] = 1; next } $2 == "" || ($2 in m) { print $3 }' \
    <(awk '/ - cgroup / { n = split($NF, o, ","); s = ""; for (i = 1; i <= n; i++) if (o[i] != "rw" && o[i] != "ro") s = s (s ? "," : "") o[i]; print s }' /proc/self/mountinfo) \
    "/proc/$1/cgroup" | sort -u
}

@test "cgroupsPath: default /lodge/ID, joined in every hierarchy (v1, name=systemd, unified)" {
  require_lodge
  make_bundle sleep 1000
  start_container
  pid=$(container_pid)
  assert_equal "$(cgroup_paths "$pid")" "/lodge/$ID"
  for d in $(cgroup_roots); do
    grep -qx "$pid" "${d}lodge/$ID/cgroup.procs" || fail "not in ${d}lodge/$ID"
  done
}

@test "cgroupsPath: absolute, and relative to /lodge" {
  make_bundle sleep 1000
  update_config '.linux.cgroupsPath = $p' --arg p "/lodge-abs-$ID/c"
  on_teardown "_remove_cgroups lodge-abs-$ID"
  start_container
  assert_equal "$(cgroup_paths "$(container_pid)")" "/lodge-abs-$ID/c"
  require_lodge
  update_config '.linux.cgroupsPath = $p' --arg p "rel-$ID"
  start_container "${ID}b"
  assert_equal "$(cgroup_paths "$(container_pid "${ID}b")")" "/lodge/rel-$ID"
}

@test "--systemd-cgroup: slice:prefix:name maps onto cgroupfs as systemd lays it out" {
  require_lodge
  make_bundle sleep 1000
  # Every "-" in a slice name is a level: no dashes but the one meant.
  slice=lodgetest-${ID//-/_}.slice
  update_config '.linux.cgroupsPath = $p' --arg p "$slice:pfx:$ID"
  for d in $(cgroup_roots); do on_teardown "rmdir ${d}lodgetest.slice/$slice ${d}lodgetest.slice"; done
  lodge_detached --systemd-cgroup create --bundle "$BUNDLE" "${ID}s"
  assert_equal "$(cgroup_paths "$(container_pid "${ID}s")")" "/lodgetest.slice/$slice/pfx-$ID.scope"
  lodge --systemd-cgroup delete --force "${ID}s"
  for d in $(cgroup_roots); do
    [ ! -d "${d}lodgetest.slice/$slice/pfx-$ID.scope" ] || fail "scope left in $d"
  done
  update_config '.linux.cgroupsPath = "not-a-slice"'
  run --separate-stderr lodge --systemd-cgroup create --bundle "$BUNDLE" "${ID}t"
  assert_error_line 'expected slice:prefix:name with --systemd-cgroup'
}

# ---- the cgroup's life -----------------------------------------------------------

@test "delete removes the cgroup from every hierarchy" {
  make_bundle sleep 1000
  resources '{"pids":{"limit":50}}'
  start_container
  for d in $(cgroup_roots); do [ -d "${d%/}$CGPATH" ] || fail "no cgroup in $d"; done
  lodge delete --force "$ID"
  for d in $(cgroup_roots); do [ ! -d "${d%/}$CGPATH" ] || fail "cgroup left in $d"; done
}

@test "after a crash (init killed, a child left) delete kills the rest and removes the cgroup" {
  # Without a pid namespace the child outlives the init.
  make_bundle sh -c 'sleep 1000 & echo $! > /shared/child; wait'
  drop_namespace pid
  add_shared_dir
  resources '{"memory":{"limit":67108864}}'
  start_container
  wait_for_content "$SHARED/child"
  child=$(cat "$SHARED/child")
  kill -9 "$(container_pid)"
  wait_for_status "$ID" stopped
  kill -0 "$child"
  lodge delete "$ID"
  wait_until sh -c "! grep -qs '^State:[[:space:]]*[^Z]' /proc/$child/status"
  for d in $(cgroup_roots); do [ ! -d "${d%/}$CGPATH" ] || fail "cgroup left in $d"; done
}

@test "a cgroup lodge did not make (joined, or a shared parent) is never removed" {
  require_lodge
  for d in $(cgroup_roots); do
    mkdir -p "${d}lodge-pre-$ID/joined"
    on_teardown "rmdir ${d}lodge-pre-$ID/joined ${d}lodge-pre-$ID/own ${d}lodge-pre-$ID"
    # A new v1 cpuset group needs cpus and mems before a task can join.
    if [ -e "${d}lodge-pre-$ID/cpuset.cpus" ]; then
      cat "${d}cpuset.cpus" >"${d}lodge-pre-$ID/cpuset.cpus"
      cat "${d}cpuset.mems" >"${d}lodge-pre-$ID/cpuset.mems"
      cat "${d}cpuset.cpus" >"${d}lodge-pre-$ID/joined/cpuset.cpus"
      cat "${d}cpuset.mems" >"${d}lodge-pre-$ID/joined/cpuset.mems"
    fi
  done
  make_bundle sleep 1000
  update_config '.linux.cgroupsPath = $p' --arg p "/lodge-pre-$ID/joined"
  start_container
  assert_equal "$(cgroup_paths "$(container_pid)")" "/lodge-pre-$ID/joined"
  lodge delete --force "$ID"
  update_config '.linux.cgroupsPath = $p' --arg p "/lodge-pre-$ID/own"
  start_container
  lodge delete --force "$ID"
  for d in $(cgroup_roots); do
    [ -d "${d}lodge-pre-$ID/joined" ] || fail "the joined cgroup was removed from $d"
    [ -d "${d}lodge-pre-$ID" ] || fail "the shared parent was removed from $d"
    [ ! -d "${d}lodge-pre-$ID/own" ] || fail "lodge's own cgroup was left in $d"
  done
}

# ---- bad input ---------------------------------------------------------------------

@test "bad input: a limit the kernel refuses fails create with the field and file, nothing left" {
  require_lodge
  require_v1
  make_bundle sleep 1000
  resources '{"memory":{"limit":1048576,"swap":524288}}'
  run --separate-stderr lodge run -d --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line "linux.resources.memory.swap: write 524288 to /sys/fs/cgroup/memory$CGPATH/memory.memsw.limit_in_bytes: Invalid argument"
  assert_nothing_left "$ID"
  resources '{"cpu":{"shares":1}}'
  run --separate-stderr lodge run -d --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line "linux.resources.cpu.shares: the kernel set cpu.shares to 2, not 1"
  assert_nothing_left "$ID"
}

@test "bad input: an unknown unified key, a bad page size: a clear error, nothing left" {
  require_lodge
  make_bundle sleep 1000
  resources '{"unified":{"bogus.max":"1"}}'
  run --separate-stderr lodge run -d --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line 'linux.resources.unified["bogus.max"]: unknown cgroup v2 controller "bogus"'
  assert_nothing_left "$ID"
  resources '{"hugepageLimits":[{"pageSize":"3XB","limit":1}]}'
  run --separate-stderr lodge run -d --bundle "$BUNDLE" "$ID" </dev/null
  assert_error_line 'linux.resources.hugepageLimits[0].pageSize: invalid page size "3XB"'
  assert_nothing_left "$ID"
}

# ---- a v2-only host ------------------------------------------------------------------

@test "v2-only host (a mount namespace with only cgroup2): create, freeze, eBPF, kill, delete" {
  require_lodge
  require_unified
  loop_control
  make_bundle sh -c "mknod /dev/testdev c $maj $min; [ -c /dev/testdev ] || echo no node; (exec 3</dev/testdev) 2>/dev/null && echo opened || echo denied; sleep 1000 & sleep 1000"
  allow_mknod
  resources '{"hugepageLimits":[{"pageSize":"2MB","limit":2097152}],"unified":{"cgroup.max.depth":"4"},"devices":[{"allow":false,"access":"rwm"}]}'
  cat >"$TEST_DIR/run.sh" <<EOF
set -e
# Leave only the unified hierarchy, at /sys/fs/cgroup, as on a v2-only host.
for m in \$(awk '\$5 ~ "^/sys/fs/cgroup" {print \$5}' /proc/self/mountinfo | sort -r); do umount -l "\$m"; done
mount -t cgroup2 none /sys/fs/cgroup
L() { "$LODGE" --root "$ROOT" "\$@"; }
L run -d --bundle "$BUNDLE" "$ID" </dev/null >"$CTR_OUT"
d=/sys/fs/cgroup$CGPATH
echo "joined \$(sed -n 's/^0:://p' /proc/\$(L state "$ID" | jq .pid)/cgroup)"
echo "hugetlb \$(cat \$d/hugetlb.2MB.max)"
echo "depth \$(cat \$d/cgroup.max.depth)"
echo "bpf \$("\$1" bpf-count \$d)"
L pause "$ID"
echo "paused \$(L state "$ID" | jq -r .status) \$(cat \$d/cgroup.freeze) \$(grep frozen \$d/cgroup.events)"
L resume "$ID"
echo "resumed \$(L state "$ID" | jq -r .status) \$(grep frozen \$d/cgroup.events)"
echo "pids \$(L ps -f json "$ID" | jq 'length >= 2')"
echo "stats \$(L events --stats "$ID" | jq -c '[.type, (.data.cpu.usage.total > 0)]')"
L --debug --log "$TEST_DIR/kill.log" kill --all "$ID" KILL
for i in \$(seq 100); do grep -q 'populated 0' \$d/cgroup.events && break; sleep 0.05; done
echo "killed \$(grep populated \$d/cgroup.events) \$(grep -c cgroup.kill "$TEST_DIR/kill.log")"
L delete "$ID"
[ -d \$d ] || echo removed
jq '.linux.resources = {"memory":{"limit":1048576}}' "$BUNDLE/config.json" >"$TEST_DIR/c.json"
mv "$TEST_DIR/c.json" "$BUNDLE/config.json"
L run -d --bundle "$BUNDLE" "${ID}m" </dev/null 2>&1 >/dev/null | sed 's/^/memory: /' || true
EOF
  local ct
  for ct in "$(dirname "$LODGE")/tests/unit/cgroup_test" "$TESTS_DIR/unit/cgroup_test" "$(dirname "$LODGE")/cgroup_test"; do
    [ -x "$ct" ] && break
  done
  [ -x "$ct" ] || skip "tests/unit/cgroup_test is not built"
  run unshare -m bash "$TEST_DIR/run.sh" "$ct"
  assert_success
  assert_equal "${lines[0]}" "joined $CGPATH"
  assert_equal "${lines[1]}" "hugetlb 2097152"
  assert_equal "${lines[2]}" "depth 4"
  assert_equal "${lines[3]}" "bpf 1"
  assert_equal "${lines[4]}" "paused paused 1 frozen 1"
  assert_equal "${lines[5]}" "resumed running frozen 0"
  assert_equal "${lines[6]}" "pids true"
  assert_equal "${lines[7]}" 'stats ["stats",true]'
  assert_equal "${lines[8]}" "killed populated 0 1"
  assert_equal "${lines[9]}" "removed"
  assert_equal "${lines[10]}" "memory: lodge: linux.resources.memory.limit: the memory controller is not available on this host"
  assert_equal "$(head -n 1 "$CTR_OUT")" denied
  assert_nothing_left "${ID}m"
}
