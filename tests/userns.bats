#!/usr/bin/env bats
# User namespaces: id mappings, idmapped mounts, rootless runs.

load helpers

# run_bundle [FLAG...]: `run` the bundle in the foreground (bats `run`,
# stdout and stderr separate).
run_bundle() {
  run --separate-stderr lodge run --bundle "$BUNDLE" "$@" "$ID"
}

# userns_bundle ARG...: a bundle whose container runs in a new user
# namespace mapping container 0-65535 to host 100000-165535.
userns_bundle() {
  make_bundle "$@"
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
}

@test "userns: several uid and gid ranges are written" {
  make_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1000}, {containerID: 1000, hostID: 200000, size: 1000}]
    | .linux.gidMappings = [{containerID: 0, hostID: 300000, size: 10}, {containerID: 10, hostID: 400000, size: 5}]'
  chown -R 100000:300000 "$BUNDLE/rootfs"
  run_bundle
  assert_success
  assert_equal "$(echo $output)" "0 100000 1000 1000 200000 1000 0 300000 10 10 400000 5"
}

@test "userns: root inside is the mapped host id outside" {
  userns_bundle sh -c 'id -u; touch /shared/by-root; sleep 0.1'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  add_shared_dir
  chown 100000:100000 "$SHARED"
  run_bundle
  assert_success
  assert_equal "$output" 0
  assert_equal "$(stat -c '%u:%g' "$SHARED/by-root")" 100000:100000
}

@test "userns: ranges from /etc/subuid and /etc/subgid" {
  grep -q '^lodgetest:' /etc/subuid 2>/dev/null || {
    cp /etc/subuid "$TEST_DIR/subuid.orig" 2>/dev/null || : >"$TEST_DIR/subuid.orig"
    cp /etc/subgid "$TEST_DIR/subgid.orig" 2>/dev/null || : >"$TEST_DIR/subgid.orig"
    on_teardown "cp '$TEST_DIR/subuid.orig' /etc/subuid; cp '$TEST_DIR/subgid.orig' /etc/subgid"
    echo 'lodgetest:300000:65536' >>/etc/subuid
    echo 'lodgetest:300000:65536' >>/etc/subgid
  }
  start=$(awk -F: '$1 == "lodgetest" {print $2; exit}' /etc/subuid)
  make_bundle sh -c 'cat /proc/self/uid_map'
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: ($s|tonumber), size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: ($s|tonumber), size: 65536}]' --arg s "$start"
  chown -R "$start:$start" "$BUNDLE/rootfs"
  run_bundle
  assert_success
  assert_equal "$(echo $output)" "0 $start 65536"
}

@test "userns: overlapping container ranges are refused clearly, nothing left" {
  make_bundle true
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 100}, {containerID: 50, hostID: 200000, size: 100}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 100}]'
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID"
  assert_error_line 'linux.uidMappings[1]' overlap
  assert_nothing_left "$ID"
}

@test "userns: overlapping host ranges and an empty range are refused" {
  make_bundle true
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 100}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 100}, {containerID: 100, hostID: 100050, size: 10}]'
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID"
  assert_error_line 'linux.gidMappings[1]' 'host ids'
  assert_nothing_left "$ID"
  update_config '.linux.gidMappings = [{containerID: 0, hostID: 100000, size: 0}]'
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID"
  assert_error_line 'linux.gidMappings[0]' 'size must not be 0'
  assert_nothing_left "$ID"
}

@test "userns: sysfs, proc, mqueue and cgroup mounts work inside" {
  userns_bundle sh -c 'ls /sys/kernel >/dev/null && echo sys-ok; cat /proc/self/uid_map >/dev/null && echo proc-ok; ls /dev/mqueue >/dev/null && echo mq-ok; ls /sys/fs/cgroup >/dev/null && echo cg-ok'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  run_bundle
  assert_success
  assert_equal "$(echo $output)" "sys-ok proc-ok mq-ok cg-ok"
}

@test "userns: without a network namespace sysfs falls back to a bind of the host's" {
  userns_bundle sh -c 'grep " /sys " /proc/self/mountinfo'
  drop_namespace network
  chown -R 100000:100000 "$BUNDLE/rootfs"
  run_bundle
  assert_success
  assert_output_contains sysfs
}

@test "userns: devices are bind-mounted from the host" {
  userns_bundle sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c; grep -c " /dev/null " /proc/self/mountinfo'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  run_bundle
  assert_success
  assert_equal "$(echo $output)" "4 1"
}

@test "idmap: rootfs idmapped by annotation: host-root files are root's inside, no chown" {
  userns_bundle sh -c 'stat -c %u:%g /bin/busybox; touch /made-inside && stat -c %u /made-inside'
  update_config '.root.readonly = false | .annotations["io.github.lodge.rootfs.idmap"] = "true"'
  [ "$(stat -c %u "$BUNDLE/rootfs/bin/busybox")" = 0 ] || fail "fixture not owned by root"
  run_bundle
  assert_success
  assert_equal "$(echo $output)" "0:0 0"
  # Written through the idmapped mount: owned by host root on disk.
  assert_equal "$(stat -c %u "$BUNDLE/rootfs/made-inside")" 0
}

@test "idmap: without the annotation the same rootfs shows as nobody's" {
  userns_bundle stat -c %u /bin/busybox
  run_bundle
  assert_success
  assert_equal "$output" 65534
}

@test "idmap: a bind volume with the idmap option uses the container's mapping" {
  mkdir -p "$TEST_DIR/vol"
  echo data >"$TEST_DIR/vol/file"
  chown 1000:1000 "$TEST_DIR/vol/file"
  userns_bundle sh -c 'stat -c %u:%g /vol/file; cat /vol/file'
  update_config '.annotations["io.github.lodge.rootfs.idmap"] = "true"
    | .mounts += [{destination: "/vol", type: "bind", source: $s, options: ["bind", "idmap"]}]' --arg s "$TEST_DIR/vol"
  run_bundle
  assert_success
  assert_equal "$(echo $output)" "1000:1000 data"
}

@test "idmap: per-mount uidMappings and gidMappings" {
  mkdir -p "$TEST_DIR/vol"
  touch "$TEST_DIR/vol/f"
  chown 5:5 "$TEST_DIR/vol/f"
  userns_bundle stat -c %u:%g /vol/f
  update_config '.annotations["io.github.lodge.rootfs.idmap"] = "true"
    | .mounts += [{destination: "/vol", type: "bind", source: $s, options: ["bind"],
                   uidMappings: [{containerID: 0, hostID: 100010, size: 100}],
                   gidMappings: [{containerID: 0, hostID: 100020, size: 100}]}]' --arg s "$TEST_DIR/vol"
  run_bundle
  assert_success
  # on-disk 5 -> host 100015/100025 -> inside 15/25
  assert_equal "$output" "15:25"
}

@test "idmap: a filesystem that cannot be idmapped is refused clearly, nothing left" {
  userns_bundle true
  update_config '.mounts += [{destination: "/k", type: "bind", source: "/proc/sys", options: ["rbind", "idmap"]}]'
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID"
  assert_error_line 'mounts[' '/proc/sys'
  assert_nothing_left "$ID"
}

@test "idmap: an idmapped mount without a user namespace or mappings is refused" {
  make_bundle true
  update_config '.mounts += [{destination: "/vol", type: "bind", source: "/tmp", options: ["bind", "idmap"]}]'
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID"
  assert_error_line 'idmapped mount needs a new user namespace'
  assert_nothing_left "$ID"
}

@test "rootless: an unprivileged user runs a user-namespaced container" {
  id lodgeuser >/dev/null 2>&1 || useradd -M -u 4242 -s /bin/sh lodgeuser
  dir=$TEST_DIR/rootless
  mkdir -p "$dir"
  cp -a "$ROOTFS_CACHE" "$dir/rootfs"
  chown -R 4242:4242 "$dir"
  chmod 755 "$TEST_DIR"
  run --separate-stderr setpriv --reuid 4242 --regid 4242 --clear-groups env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$dir/run" \
    sh -c "cd '$dir' && '$LODGE' spec --rootless && sed -i 's/\"terminal\": true/\"terminal\": false/; s/\"sh\"$/\"id\"/' config.json && mkdir -p run && '$LODGE' run rl-$$"
  assert_success
  assert_output_contains "uid=0(root) gid=0"
  [ ! -d "$dir/run/lodge/rl-$$" ] || fail "state left behind"
}

@test "rootless: cgroup limits without a delegated cgroup fail with a clear message" {
  id lodgeuser >/dev/null 2>&1 || useradd -M -u 4242 -s /bin/sh lodgeuser
  dir=$TEST_DIR/rootless
  mkdir -p "$dir"
  cp -a "$ROOTFS_CACHE" "$dir/rootfs"
  chown -R 4242:4242 "$dir"
  chmod 755 "$TEST_DIR"
  run --separate-stderr setpriv --reuid 4242 --regid 4242 --clear-groups env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$dir/run" \
    sh -c "cd '$dir' && '$LODGE' spec --rootless && sed -i 's/\"terminal\": true/\"terminal\": false/' config.json && sed -i 's/\"linux\": {/\"linux\": {\"resources\": {\"pids\": {\"limit\": 10}},/' config.json && mkdir -p run && '$LODGE' run rl2-$$"
  assert_failure
  is_lodge && assert_contains "$stderr" "unprivileged user cannot set cgroup limits"
  [ ! -d "$dir/run/lodge/rl2-$$" ] || fail "state left behind"
}

@test "delegation: asked for, the container's root manages its cgroup subtree" {
  userns_bundle sh -c 'mkdir /sys/fs/cgroup/pids/sub && echo $$ >/sys/fs/cgroup/pids/sub/cgroup.procs && cat /proc/self/cgroup | grep pids'
  add_namespace cgroup
  chown -R 100000:100000 "$BUNDLE/rootfs"
  update_config '.annotations["io.github.lodge.cgroup.delegate"] = "true"
    | (.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro"))'
  run_bundle
  assert_success
  assert_output_contains ":pids:/sub"
}

@test "delegation: without it the container's root cannot make sub-cgroups" {
  userns_bundle sh -c 'mkdir /sys/fs/cgroup/pids/sub'
  add_namespace cgroup
  update_config '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro"))'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  run_bundle
  assert_failure
  assert_contains "$stderr" "Permission denied"
}

@test "delegation: the annotation hands over the cgroup dirs and files on the host" {
  userns_bundle sleep 100
  update_config '.annotations["io.github.lodge.cgroup.delegate"] = "true"'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  start_container
  for d in /sys/fs/cgroup/pids/lodge/$ID /sys/fs/cgroup/unified/lodge/$ID; do
    [ -d "$d" ] || continue
    assert_equal "$(stat -c %u:%g "$d")" 100000:100000
    assert_equal "$(stat -c %u "$d/cgroup.procs")" 100000
  done
  # The limits stay the host's.
  assert_equal "$(stat -c %u /sys/fs/cgroup/pids/lodge/$ID/pids.max)" 0
}
