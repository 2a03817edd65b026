#!/usr/bin/env bats
# config.json, field by field: namespaces, root, mounts, /dev, the process,
# security settings, hooks.  Where runc is the reference, the same bundle is
# also run under /usr/sbin/runc and the outputs compared (not when $LODGE is
# runc itself).

load helpers

# run_bundle [FLAG...]: `run` $BUNDLE as $ID in the foreground, stdin from
# /dev/null; sets $status, $output (stdout), $stderr.
run_bundle() {
  run --separate-stderr lodge run "$@" --bundle "$BUNDLE" "$ID" </dev/null
}

# same_as_runc [FILTER]: run $BUNDLE under $LODGE and the reference runc
# (one after the other, same id); stdout and stderr, passed through the
# shell function FILTER if given, must be identical.  A no-op when $LODGE is
# runc.
same_as_runc() {
  have_ref_runc || return 0
  local filter=${1:-cat} mine ref
  mine=$(lodge run --bundle "$BUNDLE" "$ID" </dev/null 2>&1 | "$filter") || true
  ref=$(ref_runc run --bundle "$BUNDLE" "$ID" </dev/null 2>&1 | "$filter") || true
  [ "$mine" = "$ref" ] || fail "differs from runc (< $LODGE, > runc):" "$(diff <(echo "$mine") <(echo "$ref"))"
}

# Filters for same_as_runc over /proc/self/mountinfo.  mount_shape: per
# mount point, its type and which of ro/rw/nosuid/nodev/noexec it has;
# sorted.  A masked file (a /dev/null bind, from wherever) is just "masked".
# cgroup_mounts: the mount points under /sys/fs/cgroup, sorted.
mount_shape() {
  awk '$0 ~ / - / && $4 ~ /\/null$/ {print $5, "masked"; next}
       $0 ~ / - / {
         for (i = 7; $i != "-"; i++) ;
         n = split($6, o, ","); f = "";
         for (j = 1; j <= n; j++) if (o[j] ~ /^(ro|rw|nosuid|nodev|noexec)$/) f = f "," o[j];
         print $5, $(i + 1), substr(f, 2)
       }' | sort
}

cgroup_mounts() {
  awk '$0 ~ / - / && $5 ~ /^\/sys\/fs\/cgroup/ {print $5}' | sort
}

# ns_of TYPE: the host's namespace link for TYPE (net, mnt, ...).
ns_of() {
  readlink "/proc/$$/ns/$1"
}

declare -gA CAP_NUMBERS=(
  [CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3
  [CAP_FSETID]=4 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8
  [CAP_LINUX_IMMUTABLE]=9 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11
  [CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15
  [CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17 [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19
  [CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21 [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23
  [CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25 [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27
  [CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29 [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31
  [CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33 [CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35
  [CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37 [CAP_PERFMON]=38 [CAP_BPF]=39
  [CAP_CHECKPOINT_RESTORE]=40
)

# cap_mask SET: the /proc/PID/status mask (16 hex digits) of
# process.capabilities.SET in $BUNDLE's config.
cap_mask() {
  local mask=0 name
  for name in $(jq -r ".process.capabilities.$1 // [] | .[]" "$BUNDLE/config.json"); do
    [ -n "${CAP_NUMBERS[$name]+set}" ] || fail "unknown capability $name"
    mask=$((mask | (1 << CAP_NUMBERS[$name])))
  done
  printf '%016x\n' "$mask"
}

# expected_caps UID: the Cap* lines of /proc/self/status for a process
# exec'd with $BUNDLE's capabilities as UID.  Bounding and inheritable are
# the configured sets; the kernel only raises an ambient capability that is
# also permitted and inheritable (runc's spec lists ambient without
# inheritable: none take).  Root keeps its permitted set, all effective;
# anyone else ends up with the ambient set in both.
expected_caps() {
  local prm amb
  amb=$(printf '%016x' $((0x$(cap_mask ambient) & 0x$(cap_mask inheritable) & 0x$(cap_mask permitted))))
  if [ "$1" = 0 ]; then
    prm=$(cap_mask permitted)
  else
    prm=$amb
  fi
  printf 'CapInh:\t%s\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t%s\nCapAmb:\t%s\n' \
    "$(cap_mask inheritable)" "$prm" "$prm" "$(cap_mask bounding)" "$amb"
}

# mountinfo_line MOUNTPOINT: $output's mountinfo line for MOUNTPOINT.
mountinfo_line() {
  awk -v m="$1" '$5 == m' <<<"$output" | tail -n 1
}

# mount_opts MOUNTPOINT: the per-mount options (field 6) of MOUNTPOINT in
# $output's mountinfo.
mount_opts() {
  mountinfo_line "$1" | awk '{print $6}'
}

# fs_type MOUNTPOINT: the filesystem type of MOUNTPOINT in $output's
# mountinfo.
fs_type() {
  mountinfo_line "$1" | awk '{for (i = 7; i <= NF; i++) if ($i == "-") {print $(i + 1); exit}}'
}

# has_opt OPTS OPT: the comma-separated OPTS include OPT.
has_opt() {
  [[ ",$1," == *",$2,"* ]] || fail "option $2 not in $1"
}

# ---- namespaces -------------------------------------------------------------

@test "namespaces: pid, network, ipc, uts, mount and cgroup are new" {
  make_bundle sh -c 'for n in pid net ipc uts mnt cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
  add_namespace cgroup
  run_bundle
  assert_success
  for n in pid net ipc uts mnt cgroup; do
    inside=$(awk -v n="$n" '$1 == n {print $2}' <<<"$output")
    [ -n "$inside" ] || fail "no $n namespace printed: $output"
    [ "$inside" != "$(ns_of "$n")" ] || fail "$n namespace is the host's ($inside)"
  done
  assert_nothing_left "$ID"
}

@test "namespaces: those not in the config are the host's" {
  make_bundle sh -c 'for n in net ipc uts cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
  drop_namespace network
  drop_namespace ipc
  drop_namespace uts
  drop_namespace cgroup
  update_config 'del(.hostname)'
  run_bundle
  assert_success
  for n in net ipc uts cgroup; do
    assert_equal "$(awk -v n="$n" '$1 == n {print $2}' <<<"$output")" "$(ns_of "$n")"
  done
}

@test "namespaces: user namespace with uid and gid mappings" {
  make_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map; readlink /proc/self/ns/user; id -u; stat -c %u /bin/busybox'
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
               | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 1000}]'
  run_bundle
  assert_success
  assert_equal "$(echo ${lines[0]})" "0 100000 65536"
  assert_equal "$(echo ${lines[1]})" "0 200000 1000"
  [ "${lines[2]}" != "$(ns_of user)" ] || fail "user namespace is the host's"
  assert_equal "${lines[3]}" 0
  # Files owned by host root are unmapped inside: the overflow uid.
  assert_equal "${lines[4]}" 65534
  assert_nothing_left "$ID"
}

@test "namespaces: cgroup namespace: the container's cgroups are its root" {
  make_bundle cat /proc/self/cgroup
  add_namespace cgroup
  run_bundle
  assert_success
  [ "${#lines[@]}" -gt 0 ]
  for line in "${lines[@]}"; do
    [[ "$line" == *:/ ]] || fail "not the namespace root: $line"
  done
}

@test "namespaces: time namespace with timeOffsets" {
  require_lodge "runc 1.1 has no time namespace"
  make_bundle sh -c 'readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime'
  add_namespace time
  update_config '.linux.timeOffsets = {monotonic: {secs: 864000, nanosecs: 0}, boottime: {secs: 864000, nanosecs: 0}}'
  run_bundle
  assert_success
  [ "${lines[0]}" != "$(ns_of time)" ] || fail "time namespace is the host's"
  [ "${lines[1]}" -ge 864000 ] || fail "uptime ${lines[1]} lacks the 10-day offset"
}

@test "namespaces: join a network namespace by path (ip netns)" {
  ip netns add "lodge-$ID"
  on_teardown "ip netns delete 'lodge-$ID'"
  # A marker only that namespace has: an address on its loopback.
  ip netns exec "lodge-$ID" ip addr add 192.0.2.77/32 dev lo
  make_bundle sh -c 'readlink /proc/self/ns/net; ip -o addr show dev lo'
  add_namespace network "/run/netns/lodge-$ID"
  run_bundle
  assert_success
  assert_equal "${lines[0]}" "net:[$(stat -L -c %i "/run/netns/lodge-$ID")]"
  assert_output_contains "192.0.2.77/32"
  assert_nothing_left "$ID"
}

@test "namespaces: join another container's namespaces by /proc/PID/ns path" {
  make_bundle sleep 1000
  update_config '.hostname = "first"'
  start_container "${ID}a"
  pid=$(container_pid "${ID}a")
  make_bundle_at "$TEST_DIR/b2" sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; hostname'
  CONFIG=$TEST_DIR/b2/config.json update_config '
      del(.hostname)
      | .linux.namespaces |= map(if .type == "network" then .path = "/proc/\($p)/ns/net"
                                 elif .type == "ipc" then .path = "/proc/\($p)/ns/ipc"
                                 elif .type == "uts" then .path = "/proc/\($p)/ns/uts" else . end)' --arg p "$pid"
  run --separate-stderr lodge run --bundle "$TEST_DIR/b2" "${ID}b" </dev/null
  assert_success
  assert_equal "${lines[0]}" "$(readlink "/proc/$pid/ns/net")"
  assert_equal "${lines[1]}" "$(readlink "/proc/$pid/ns/ipc")"
  assert_equal "${lines[2]}" first
  assert_nothing_left "${ID}b" "$TEST_DIR/b2"
}

@test "uts: hostname" {
  make_bundle hostname
  update_config '.hostname = "box-'"$$"'"'
  run_bundle
  assert_success
  assert_equal "$output" "box-$$"
  [ "$(hostname)" != "box-$$" ]
}

@test "uts: domainname" {
  require_lodge "runc 1.1 ignores domainname"
  make_bundle cat /proc/sys/kernel/domainname
  update_config '.domainname = "example.test"'
  run_bundle
  assert_success
  assert_equal "$output" example.test
}

# ---- root -------------------------------------------------------------------

@test "root.readonly true: the rootfs cannot be written" {
  make_bundle sh -c 'touch /newfile; echo "rc=$?"; awk "\$5 == \"/\"" /proc/self/mountinfo'
  update_config '.root.readonly = true'
  run_bundle
  assert_success
  assert_equal "${lines[0]}" rc=1
  assert_contains "$stderr" "Read-only file system"
  has_opt "$(awk '{print $6}' <<<"${lines[1]}")" ro
  [ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "root.readonly false: the rootfs can be written" {
  make_bundle sh -c 'echo data > /newfile && echo written'
  update_config '.root.readonly = false'
  run_bundle
  assert_success
  assert_equal "$output" written
  assert_equal "$(cat "$BUNDLE/rootfs/newfile")" data
}

@test "root.path: absolute, outside the bundle" {
  make_bundle cat /marker
  mv "$BUNDLE/rootfs" "$TEST_DIR/abs-rootfs"
  echo absolute >"$TEST_DIR/abs-rootfs/marker"
  update_config '.root.path = $p' --arg p "$TEST_DIR/abs-rootfs"
  run_bundle
  assert_success
  assert_equal "$output" absolute
  assert_nothing_left "$ID"
}

@test "root.path: relative, in a subdirectory of the bundle" {
  make_bundle cat /marker
  mkdir "$BUNDLE/images"
  mv "$BUNDLE/rootfs" "$BUNDLE/images/root"
  echo relative >"$BUNDLE/images/root/marker"
  update_config '.root.path = "images/root"'
  # Run from elsewhere: the path is relative to the bundle, not the cwd.
  cd /
  run_bundle
  assert_success
  assert_equal "$output" relative
  assert_nothing_left "$ID"
}

# The bundle on a shared mount, so host mounts under the rootfs can
# propagate into a container whose rootfs is a slave.
make_bundle_shared() {
  mount --bind "$BUNDLE" "$BUNDLE"
  on_teardown "umount -l '$BUNDLE'"
  mount --make-shared "$BUNDLE"
}

@test "rootfsPropagation rslave: a later host mount under the rootfs shows up inside" {
  make_bundle sh -c 'for i in $(seq 1 250); do [ -e /mnt/from-host ] && break; sleep 0.02; done; cat /mnt/from-host'
  update_config '.linux.rootfsPropagation = "rslave"'
  make_bundle_shared
  mkdir -p "$BUNDLE/rootfs/mnt" "$TEST_DIR/hostsrc"
  echo propagated >"$TEST_DIR/hostsrc/from-host"
  lodge run --bundle "$BUNDLE" "$ID" </dev/null >"$CTR_OUT" 2>&1 &
  runpid=$!
  wait_for_status "$ID" running
  mount --bind "$TEST_DIR/hostsrc" "$BUNDLE/rootfs/mnt"
  wait "$runpid"
  umount "$BUNDLE/rootfs/mnt"
  assert_equal "$(cat "$CTR_OUT")" propagated
}

@test "rootfsPropagation private: host mounts under the rootfs stay out" {
  make_bundle sh -c 'touch /shared/ready; sleep 0.5; ls /mnt; awk "\$5 == \"/\"" /proc/self/mountinfo'
  update_config '.linux.rootfsPropagation = "private"'
  add_shared_dir
  make_bundle_shared
  mkdir -p "$BUNDLE/rootfs/mnt" "$TEST_DIR/hostsrc"
  echo propagated >"$TEST_DIR/hostsrc/from-host"
  lodge run --bundle "$BUNDLE" "$ID" </dev/null >"$CTR_OUT" 2>&1 &
  runpid=$!
  wait_for_file "$SHARED/ready" || fail "output: $(cat "$CTR_OUT")"
  mount --bind "$TEST_DIR/hostsrc" "$BUNDLE/rootfs/mnt"
  wait "$runpid"
  umount "$BUNDLE/rootfs/mnt"
  assert_not_contains "$(cat "$CTR_OUT")" from-host
  assert_not_contains "$(cat "$CTR_OUT")" master:
}

@test "rootfsPropagation: the default makes the rootfs a slave of the host" {
  make_bundle sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo'
  update_config 'del(.linux.rootfsPropagation)'
  make_bundle_shared
  run_bundle
  assert_success
  assert_output_contains master:
  assert_not_contains "$output" shared:
}

# ---- mounts -------------------------------------------------------------------

@test "mounts: bind mount of a directory, read-write" {
  mkdir -p "$TEST_DIR/src"
  echo from-host >"$TEST_DIR/src/in"
  make_bundle sh -c 'cat /data/in; echo from-container > /data/out'
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["bind", "rw"]}]' --arg s "$TEST_DIR/src"
  run_bundle
  assert_success
  assert_equal "$output" from-host
  assert_equal "$(cat "$TEST_DIR/src/out")" from-container
  assert_nothing_left "$ID"
}

@test "mounts: bind mount of a file onto a path missing from the image" {
  echo file-content >"$TEST_DIR/afile"
  make_bundle sh -c 'cat /etc/extra/afile; [ -f /etc/extra/afile ] && echo is-file'
  update_config '.mounts += [{destination: "/etc/extra/afile", type: "bind", source: $s, options: ["rbind", "ro"]}]' --arg s "$TEST_DIR/afile"
  run_bundle
  assert_success
  assert_equal "${lines[0]}" file-content
  assert_equal "${lines[1]}" is-file
}

@test "mounts: rbind brings submounts, bind does not" {
  mkdir -p "$TEST_DIR/src/sub"
  mount -t tmpfs subtmp "$TEST_DIR/src/sub"
  on_teardown "umount -l '$TEST_DIR/src/sub'"
  echo in-submount >"$TEST_DIR/src/sub/f"
  make_bundle sh -c 'cat /r/sub/f; ls /b/sub | wc -l'
  update_config '.mounts += [{destination: "/r", type: "bind", source: $s, options: ["rbind"]},
                             {destination: "/b", type: "bind", source: $s, options: ["bind"]}]' --arg s "$TEST_DIR/src"
  run_bundle
  assert_success
  assert_equal "${lines[0]}" in-submount
  assert_equal "${lines[1]}" 0
}

@test "mounts: tmpfs with size and mode options" {
  make_bundle sh -c 'stat -c %a /t; cat /proc/self/mountinfo'
  update_config '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["size=1m", "mode=700"]}]'
  run_bundle
  assert_success
  assert_equal "${lines[0]}" 700
  assert_equal "$(fs_type /t)" tmpfs
  line=$(mountinfo_line /t)
  assert_contains "$line" size=1024k
  assert_contains "$line" mode=700
}

@test "mounts: ro, nosuid, nodev, noexec are applied" {
  make_bundle sh -c '
    cat /proc/self/mountinfo
    touch /rox/x 2>/dev/null && echo ro-broken
    cp /bin/busybox /nx/bb && /nx/bb true 2>/dev/null && echo noexec-broken
    echo checked'
  update_config '.mounts += [{destination: "/rox", type: "tmpfs", source: "tmpfs", options: ["ro"]},
                             {destination: "/nx", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "noexec"]}]'
  run_bundle
  assert_success
  has_opt "$(mount_opts /rox)" ro
  opts=$(mount_opts /nx)
  has_opt "$opts" rw
  has_opt "$opts" nosuid
  has_opt "$opts" nodev
  has_opt "$opts" noexec
  assert_not_contains "$output" broken
  assert_output_contains checked
}

@test "mounts: ro bind mount of a host directory" {
  mkdir -p "$TEST_DIR/src"
  make_bundle sh -c 'touch /data/x; awk "\$5 == \"/data\" {print \$6}" /proc/self/mountinfo'
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["rbind", "ro"]}]' --arg s "$TEST_DIR/src"
  run_bundle
  assert_success
  assert_contains "$stderr" "Read-only file system"
  has_opt "$output" ro
  [ ! -e "$TEST_DIR/src/x" ]
}

@test "mounts: proc, sysfs, devpts, mqueue at extra destinations" {
  make_bundle cat /proc/self/mountinfo
  update_config '.mounts += [{destination: "/p2", type: "proc", source: "proc"},
                             {destination: "/s2", type: "sysfs", source: "sysfs", options: ["ro", "nosuid", "nodev", "noexec"]},
                             {destination: "/d2", type: "devpts", source: "devpts", options: ["newinstance", "ptmxmode=0666", "mode=0620"]},
                             {destination: "/m2", type: "mqueue", source: "mqueue"}]'
  run_bundle
  assert_success
  assert_equal "$(fs_type /p2)" proc
  assert_equal "$(fs_type /s2)" sysfs
  assert_equal "$(fs_type /d2)" devpts
  assert_equal "$(fs_type /m2)" mqueue
  has_opt "$(mount_opts /s2)" ro
}

@test "mounts: cgroup: the host's hierarchies are mounted inside" {
  make_bundle sh -c 'cat /proc/self/mountinfo; ls /sys/fs/cgroup'
  run_bundle
  assert_success
  if host_cgroup_v1; then
    # v1 (hybrid): one mount per controller.
    assert_output_contains " /sys/fs/cgroup/memory "
    assert_output_contains " /sys/fs/cgroup/pids "
    assert_equal "$(fs_type /sys/fs/cgroup/memory)" cgroup
    assert_equal "$(fs_type /sys/fs/cgroup/pids)" cgroup
    has_opt "$(mount_opts /sys/fs/cgroup/memory)" ro
  else
    assert_equal "$(fs_type /sys/fs/cgroup)" cgroup2
  fi
  same_as_runc cgroup_mounts
}

@test "mounts: overlay with lowerdir, upperdir and workdir in the bundle" {
  mkdir -p "$BUNDLE"/ovl/{lower,upper,work}
  echo lower-file >"$BUNDLE/ovl/lower/l"
  make_bundle sh -c 'cat /o/l; echo new > /o/n; echo changed > /o/l; cat /proc/self/mountinfo'
  update_config '.mounts += [{destination: "/o", type: "overlay", source: "overlay",
                              options: ["lowerdir=\($b)/ovl/lower", "upperdir=\($b)/ovl/upper", "workdir=\($b)/ovl/work"]}]' --arg b "$BUNDLE"
  run_bundle
  assert_success
  assert_equal "${lines[0]}" lower-file
  assert_equal "$(fs_type /o)" overlay
  assert_equal "$(cat "$BUNDLE/ovl/upper/n")" new
  assert_equal "$(cat "$BUNDLE/ovl/upper/l")" changed
  assert_equal "$(cat "$BUNDLE/ovl/lower/l")" lower-file
  assert_nothing_left "$ID"
}

# A host directory that is a shared mount, to bind into containers.
make_shared_source() {
  SRC=$TEST_DIR/src
  mkdir -p "$SRC"
  mount --bind "$SRC" "$SRC"
  on_teardown "umount -l '$SRC'"
  mount --make-shared "$SRC"
}

@test "mounts: rshared, rslave, rprivate show in mountinfo" {
  make_shared_source
  make_bundle awk '$5 ~ /^\/(sh|sl|pr)$/ {tags = ""; for (i = 7; $i != "-"; i++) tags = tags " " $i; print $5 tags}' /proc/self/mountinfo
  update_config '.mounts += [{destination: "/sh", type: "bind", source: $s, options: ["rbind", "rshared"]},
                             {destination: "/sl", type: "bind", source: $s, options: ["rbind", "rslave"]},
                             {destination: "/pr", type: "bind", source: $s, options: ["rbind", "rprivate"]}]' --arg s "$SRC"
  run_bundle
  assert_success
  sh=$(grep '^/sh' <<<"$output")
  sl=$(grep '^/sl' <<<"$output")
  pr=$(grep '^/pr' <<<"$output")
  assert_contains "$sh" shared:
  assert_contains "$sl" master:
  assert_not_contains "$sl" shared:
  assert_equal "$pr" /pr
}

@test "mounts: rslave bind: a later host mount under the source shows up inside" {
  make_shared_source
  mkdir -p "$SRC/sub" "$TEST_DIR/other"
  echo late >"$TEST_DIR/other/f"
  make_bundle sh -c 'touch /shared/ready; for i in $(seq 1 250); do [ -e /s/sub/f ] && break; sleep 0.02; done; cat /s/sub/f'
  add_shared_dir
  update_config '.mounts += [{destination: "/s", type: "bind", source: $s, options: ["rbind", "rslave"]}]' --arg s "$SRC"
  lodge run --bundle "$BUNDLE" "$ID" </dev/null >"$CTR_OUT" 2>&1 &
  runpid=$!
  wait_for_file "$SHARED/ready"
  mount --bind "$TEST_DIR/other" "$SRC/sub"
  on_teardown "umount -l '$SRC/sub'"
  wait "$runpid"
  assert_equal "$(cat "$CTR_OUT")" late
}

@test "mounts: a destination missing from the image is created (read-only root too)" {
  make_bundle sh -c 'ls -d /new/deep/dir; awk "\$5 == \"/new/deep/dir\" {print \$5}" /proc/self/mountinfo'
  update_config '.root.readonly = true | .mounts += [{destination: "/new/deep/dir", type: "tmpfs", source: "tmpfs"}]'
  run_bundle
  assert_success
  assert_equal "${lines[0]}" /new/deep/dir
  assert_equal "${lines[1]}" /new/deep/dir
  [ -d "$BUNDLE/rootfs/new/deep/dir" ]
}

@test "mounts: a symlink in the image to a host path does not mount over the host (tmpfs)" {
  target=/tmp/host-target-$$-$BATS_TEST_NUMBER
  rm -rf "$target"
  on_teardown "rm -rf '$target'"
  make_bundle sh -c "touch /evil/inside; awk '\$5 == \"$target\" {print \$5}' /proc/self/mountinfo"
  ln -s "$target" "$BUNDLE/rootfs/evil"
  update_config '.mounts += [{destination: "/evil", type: "tmpfs", source: "tmpfs"}]'
  run_bundle
  assert_success
  # Mounted inside the rootfs, at the link's target resolved in the rootfs.
  assert_equal "$output" "$target"
  [ -d "$BUNDLE/rootfs$target" ] || fail "the mount point was not made inside the rootfs"
  [ ! -e "$target" ] || fail "the runtime created $target on the host"
  grep -qF "$target" /proc/self/mountinfo && fail "$target is mounted on the host"
  assert_nothing_left "$ID"
}

@test "mounts: a symlink in the image to a host directory does not bind over it" {
  target=/tmp/host-target-$$-$BATS_TEST_NUMBER
  mkdir -p "$target" "$TEST_DIR/src"
  on_teardown "rm -rf '$target'"
  echo untouched >"$target/marker"
  make_bundle sh -c "echo written > /evil/written; ls /evil"
  ln -s "$target" "$BUNDLE/rootfs/evil"
  update_config '.mounts += [{destination: "/evil", type: "bind", source: $s, options: ["rbind", "rw"]}]' --arg s "$TEST_DIR/src"
  run_bundle
  assert_success
  assert_equal "$output" written
  assert_equal "$(ls "$target")" marker
  assert_equal "$(cat "$target/marker")" untouched
  assert_equal "$(cat "$TEST_DIR/src/written")" written
  grep -qF "$target" /proc/self/mountinfo && fail "$target is mounted on the host"
  assert_nothing_left "$ID"
}

@test "mounts: a mount destination with .. cannot climb out of the rootfs" {
  target=/tmp/host-target-$$-$BATS_TEST_NUMBER
  rm -rf "$target"
  on_teardown "rm -rf '$target'"
  make_bundle sh -c "touch $target/inside && echo ok"
  update_config '.mounts += [{destination: "/../../../../../../\($t)", type: "tmpfs", source: "tmpfs"}]' --arg t "$target"
  run_bundle
  # runc resolves the destination inside the rootfs; lodge may refuse it.
  [ ! -e "$target" ] || fail "the runtime created $target on the host"
  if [ "$status" -eq 0 ]; then
    assert_equal "$output" ok
    [ -d "$BUNDLE/rootfs$target" ]
  fi
  assert_nothing_left "$ID"
}

@test "mounts: the default mount list (mountpoint, type, ro/nosuid/nodev/noexec)" {
  make_bundle cat /proc/self/mountinfo
  run_bundle
  assert_success
  for m in /proc:proc /dev:tmpfs /dev/pts:devpts /dev/shm:tmpfs /dev/mqueue:mqueue /sys:sysfs; do
    assert_equal "$(fs_type "${m%%:*}")" "${m##*:}"
  done
  has_opt "$(mount_opts /sys)" ro
  has_opt "$(mount_opts /dev)" nosuid
  has_opt "$(mount_opts /dev/shm)" noexec
  same_as_runc mount_shape
}

# ---- /dev ---------------------------------------------------------------------

@test "/dev: null zero full random urandom tty with their numbers and modes" {
  make_bundle sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done'
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' \
    '/dev/null character special file 1:3 666' \
    '/dev/zero character special file 1:5 666' \
    '/dev/full character special file 1:7 666' \
    '/dev/random character special file 1:8 666' \
    '/dev/urandom character special file 1:9 666' \
    '/dev/tty character special file 5:0 666')"
  same_as_runc
}

@test "/dev: the null and zero devices work" {
  make_bundle sh -c 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 && head -c 8 /dev/urandom | wc -c'
  run_bundle
  assert_success
  assert_equal "$(echo ${lines[0]})" "00 00 00 00"
  assert_equal "${lines[1]}" 8
}

@test "/dev: fd, stdin, stdout, stderr and ptmx symlinks" {
  make_bundle sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done'
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' 'fd /proc/self/fd' 'stdin /proc/self/fd/0' \
    'stdout /proc/self/fd/1' 'stderr /proc/self/fd/2' 'ptmx pts/ptmx')"
}

@test "/dev: pts is a devpts, shm a tmpfs, and no console without a terminal" {
  make_bundle sh -c 'cat /proc/self/mountinfo; [ -e /dev/console ] && echo has-console; echo done'
  run_bundle
  assert_success
  assert_equal "$(fs_type /dev/pts)" devpts
  assert_equal "$(fs_type /dev/shm)" tmpfs
  assert_not_contains "$output" has-console
}

@test "/dev/console: a char device when terminal is true" {
  # The short sleep lets the output drain: when the terminal's session
  # leader exits the kernel hangs the terminal up and drops what is unread.
  make_bundle sh -c 'stat -c "%F" /dev/console; tty; sleep 0.3'
  update_config '.process.terminal = true'
  run script -qfec "$LODGE --root $ROOT run --bundle $BUNDLE $ID" /dev/null </dev/null
  assert_success
  out=$(tr -d '\r\0' <<<"$output")
  assert_contains "$out" "character special file"
  assert_contains "$out" /dev/pts/0
}

@test "linux.devices: a char node with major, minor, mode, uid and gid" {
  make_bundle stat -c '%F %t %T %a %u %g' /dev/mynull
  update_config '.linux.devices = [{path: "/dev/mynull", type: "c", major: 1, minor: 3, fileMode: 384, uid: 1000, gid: 1000}]'
  run_bundle
  assert_success
  assert_equal "$output" "character special file 1 3 600 1000 1000"
  same_as_runc
}

@test "linux.devices: a block node and one in a new subdirectory" {
  make_bundle stat -c '%n %F %t %T %a' /dev/myblk /dev/sub/mychar
  update_config '.linux.devices = [{path: "/dev/myblk", type: "b", major: 7, minor: 200, fileMode: 432},
                                   {path: "/dev/sub/mychar", type: "c", major: 1, minor: 5, fileMode: 420}]'
  run_bundle
  assert_success
  assert_equal "${lines[0]}" "/dev/myblk block special file 7 c8 660"
  assert_equal "${lines[1]}" "/dev/sub/mychar character special file 1 5 644"
}

# ---- sysctl, masked and read-only paths, oom, personality -------------------------

@test "sysctl: net.ipv4.ip_forward in the container's network namespace" {
  make_bundle cat /proc/sys/net/ipv4/ip_forward
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  host=$(cat /proc/sys/net/ipv4/ip_forward)
  run_bundle
  assert_success
  assert_equal "$output" 1
  assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host"
}

@test "sysctl: kernel.msgmax in the container's IPC namespace" {
  make_bundle cat /proc/sys/kernel/msgmax
  host=$(cat /proc/sys/kernel/msgmax)
  update_config '.linux.sysctl = {"kernel.msgmax": "4321"}'
  run_bundle
  assert_success
  assert_equal "$output" 4321
  assert_equal "$(cat /proc/sys/kernel/msgmax)" "$host"
}

@test "maskedPaths: files read as empty, directories are empty" {
  make_bundle sh -c '
    for f in /proc/kcore /proc/keys /proc/timer_list /secret-file; do echo "$f $(cat $f 2>/dev/null | wc -c)"; done
    for d in /sys/firmware /secret-dir; do echo "$d $(ls -A $d | wc -l)"; done'
  echo secret >"$BUNDLE/rootfs/secret-file"
  mkdir "$BUNDLE/rootfs/secret-dir"
  echo secret >"$BUNDLE/rootfs/secret-dir/f"
  update_config '.linux.maskedPaths += ["/secret-file", "/secret-dir"]'
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' '/proc/kcore 0' '/proc/keys 0' '/proc/timer_list 0' \
    '/secret-file 0' '/sys/firmware 0' '/secret-dir 0')"
  # Not just missing on this host: they have content outside.
  [ -s /proc/timer_list ] && [ -n "$(ls -A /sys/firmware)" ]
  assert_equal "$(cat "$BUNDLE/rootfs/secret-file")" secret
}

@test "readonlyPaths: /proc/sys and a directory of the image are read-only" {
  make_bundle sh -c 'echo 1 > /proc/sys/kernel/hostname; touch /rodir/x; echo done'
  mkdir "$BUNDLE/rootfs/rodir"
  update_config '.root.readonly = false | .linux.readonlyPaths += ["/rodir"]'
  run_bundle
  assert_success
  assert_equal "$output" done
  assert_equal "$(grep -c 'Read-only file system' <<<"$stderr")" 2
  [ ! -e "$BUNDLE/rootfs/rodir/x" ]
}

@test "oomScoreAdj" {
  make_bundle cat /proc/self/oom_score_adj
  update_config '.process.oomScoreAdj = 567'
  run_bundle
  assert_success
  assert_equal "$output" 567
}

@test "personality LINUX32: uname -m is i686" {
  require_lodge "runc 1.1 ignores linux.personality"
  make_bundle uname -m
  update_config '.linux.personality = {domain: "LINUX32"}'
  run_bundle
  assert_success
  assert_equal "$output" i686
}

# ---- process --------------------------------------------------------------------

@test "process.args: passed exactly (spaces, empty strings, quotes)" {
  make_bundle sh -c 'for a in "$@"; do echo "[$a]"; done' argv0 "a b" "" "'q'" '$HOME'
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' '[a b]' '[]' "['q']" '[$HOME]')"
}

@test "process.args: the binary is looked up in process.env's PATH" {
  make_bundle mytool
  mkdir -p "$BUNDLE/rootfs/opt/tools"
  printf '#!/bin/sh\necho tool-ran\n' >"$BUNDLE/rootfs/opt/tools/mytool"
  chmod 755 "$BUNDLE/rootfs/opt/tools/mytool"
  update_config '.process.env = ["PATH=/opt/tools:/bin"]'
  run_bundle
  assert_success
  assert_equal "$output" tool-ran
}

@test "process.env: set exactly; HOME comes from /etc/passwd when absent" {
  make_bundle sh -c 'echo "FOO=$FOO"; echo "EMPTY=[$EMPTY]"; echo "HOME=$HOME"; env | grep -c "^EQ=a=b$"'
  update_config '.process.env = ["PATH=/bin", "FOO=bar baz", "EMPTY=", "EQ=a=b"] | .process.user = {uid: 1000, gid: 1000}'
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' 'FOO=bar baz' 'EMPTY=[]' 'HOME=/home/user' 1)"
  same_as_runc
}

@test "process.cwd: the process starts there" {
  make_bundle pwd
  update_config '.process.cwd = "/home/user"'
  run_bundle
  assert_success
  assert_equal "$output" /home/user
}

@test "process.cwd: a directory missing from the image is created (as runc)" {
  make_bundle pwd
  update_config '.process.cwd = "/does/not/exist"'
  run_bundle
  assert_success
  assert_equal "$output" /does/not/exist
  [ -d "$BUNDLE/rootfs/does/not/exist" ]
}

@test "process.user: uid, gid and additionalGids" {
  make_bundle sh -c 'id; id -u; id -g; id -G'
  update_config '.process.user = {uid: 1000, gid: 100, additionalGids: [5, 65534]}'
  run_bundle
  assert_success
  assert_equal "${lines[1]}" 1000
  assert_equal "${lines[2]}" 100
  assert_equal "$(tr ' ' '\n' <<<"${lines[3]}" | sort -n | tr '\n' ' ')" "5 100 65534 "
  same_as_runc
}

@test "process.user: a uid not in /etc/passwd" {
  make_bundle sh -c 'id -u; id -g; echo "HOME=$HOME"'
  update_config '.process.user = {uid: 4242, gid: 4343}'
  run_bundle
  assert_success
  assert_equal "${lines[0]}" 4242
  assert_equal "${lines[1]}" 4343
  same_as_runc
}

@test "process.user.umask, and 0022 by default" {
  make_bundle sh -c 'umask'
  update_config '.process.user.umask = 63'
  run_bundle
  assert_success
  assert_equal "$output" 0077
  update_config 'del(.process.user.umask)'
  run_bundle
  assert_success
  assert_equal "$output" 0022
}

@test "process.rlimits: RLIMIT_NOFILE and RLIMIT_NPROC" {
  make_bundle sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Su; ulimit -Hu'
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 2048},
                                     {type: "RLIMIT_NPROC", soft: 100, hard: 200}]'
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' 512 2048 100 200)"
  same_as_runc
}

@test "process.rlimits: a limit up to the host's hard RLIMIT_NOFILE" {
  hard=$(ulimit -Hn)
  make_bundle sh -c 'ulimit -Sn; ulimit -Hn'
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: $h, hard: $h}]' --argjson h "$hard"
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' "$hard" "$hard")"
}

@test "process.noNewPrivileges true and false" {
  make_bundle grep NoNewPrivs /proc/self/status
  update_config '.process.noNewPrivileges = true'
  run_bundle
  assert_success
  assert_equal "$(echo $output)" "NoNewPrivs: 1"
  update_config '.process.noNewPrivileges = false'
  run_bundle
  assert_success
  assert_equal "$(echo $output)" "NoNewPrivs: 0"
}

@test "capabilities: the five sets for root match the config" {
  make_bundle grep ^Cap /proc/self/status
  update_config '.process.capabilities = {
      bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID", "CAP_SYS_CHROOT", "CAP_NET_RAW", "CAP_AUDIT_READ"],
      effective: ["CAP_CHOWN", "CAP_KILL"],
      permitted: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
      inheritable: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
      ambient: ["CAP_NET_BIND_SERVICE"]}'
  run_bundle
  assert_success
  assert_equal "$output" "$(expected_caps 0)"
  same_as_runc
}

@test "capabilities: the five sets for a non-root user match the config" {
  make_bundle grep ^Cap /proc/self/status
  update_config '.process.user = {uid: 1000, gid: 1000}
    | .process.capabilities = {
      bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
      effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
      permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
      inheritable: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
      ambient: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]}'
  run_bundle
  assert_success
  assert_equal "$output" "$(expected_caps 1000)"
  same_as_runc
}

@test "capabilities: the spec's defaults, and none when the field is absent" {
  make_bundle grep ^Cap /proc/self/status
  run_bundle
  assert_success
  assert_equal "$output" "$(expected_caps 0)"
  same_as_runc
  update_config 'del(.process.capabilities)'
  run_bundle
  assert_success
  assert_equal "$(awk '{print $2}' <<<"$output" | sort -u)" 0000000000000000
}

@test "capabilities: a dropped capability is enforced (chown without CAP_CHOWN)" {
  make_bundle sh -c 'touch /tmp/f; chown 1000 /tmp/f && echo chowned; true'
  update_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}]'
  update_config '.process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}'
  run_bundle
  assert_success
  assert_contains "$stderr" "Operation not permitted"
  update_config '.process.capabilities = {bounding: ["CAP_CHOWN"], effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"]}'
  run_bundle
  assert_success
  assert_equal "$output" chowned
}

# ---- seccomp --------------------------------------------------------------------

SECCOMP_ARCHES='["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'

@test "seccomp: default ALLOW, mkdir returns errnoRet 1 (EPERM)" {
  make_bundle sh -c 'mkdir /tmp/d; echo "rc=$?"; grep Seccomp: /proc/self/status; touch /tmp/f && echo touched'
  update_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}]
    | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: $a,
        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}' --argjson a "$SECCOMP_ARCHES"
  run_bundle
  assert_success
  assert_equal "${lines[0]}" rc=1
  assert_equal "$(echo ${lines[1]})" "Seccomp: 2"
  assert_equal "${lines[2]}" touched
  assert_contains "$stderr" "Operation not permitted"
}

@test "seccomp: SCMP_ACT_ERRNO without errnoRet is EPERM; another errno is honoured" {
  make_bundle sh -c 'mkdir /tmp/d; rmdir /; echo done'
  update_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}]
    | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: $a,
        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"},
                   {names: ["rmdir"], action: "SCMP_ACT_ERRNO", errnoRet: 28}]}' --argjson a "$SECCOMP_ARCHES"
  run_bundle
  assert_success
  assert_contains "$stderr" "Operation not permitted"
  assert_contains "$stderr" "No space left on device"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the process with SIGSYS" {
  make_bundle sh -c 'echo before; exec mkdir /tmp/d'
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: $a,
        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_KILL_PROCESS"}]}' --argjson a "$SECCOMP_ARCHES"
  run_bundle
  assert_status 159
  assert_equal "$output" before
  assert_nothing_left "$ID"
}

@test "seccomp: a rule with an argument condition" {
  make_bundle sh -c 'kill -0 $$ && echo sig0-allowed; kill -USR1 $$; echo "usr1 rc=$?"'
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: $a,
        syscalls: [{names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
                    args: [{index: 1, value: 10, op: "SCMP_CMP_EQ"}]}]}' --argjson a "$SECCOMP_ARCHES"
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' sig0-allowed 'usr1 rc=1')"
  assert_contains "$stderr" "Operation not permitted"
}

@test "seccomp: defaultAction ERRNO with defaultErrnoRet and an allow list" {
  make_bundle sh -c 'mkdir /tmp/d; echo "rc=$?"; echo still-running'
  update_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs"}]
    | .linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 13, architectures: $a,
        syscalls: [{names: ($allow[0].names - ["mkdir", "mkdirat"]), action: "SCMP_ACT_ALLOW"}]}' \
    --argjson a "$SECCOMP_ARCHES" --slurpfile allow "$TESTS_DIR/fixtures/seccomp-allowlist.json"
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' rc=1 still-running)"
  assert_contains "$stderr" "Permission denied"
}

# ---- hooks ------------------------------------------------------------------------

# A hook script, usable on the host and in the container (busybox): it
# appends "NAME MNT-NS HOOK_ENV STATE-JSON" to the file named by $2.
write_hook_script() {
  cat >"$1" <<'EOF'
#!/bin/sh
state=$(cat | tr -d '\n')
echo "$1 $(readlink /proc/self/ns/mnt) ${HOOK_ENV:-unset} $state" >> "$2"
EOF
  chmod 755 "$1"
}

# Hooks of all six kinds in $BUNDLE, each logging into $SHARED/hooks.log.
setup_all_hooks() {
  add_shared_dir
  write_hook_script "$TEST_DIR/hook.sh"
  write_hook_script "$BUNDLE/rootfs/bin/inhook"
  local log=$SHARED/hooks.log
  update_config '
    def h($n): {path: $hook, args: ["hook.sh", $n, $log], env: ["HOOK_ENV=env-\($n)"]};
    .hooks = {prestart: [h("prestart")], createRuntime: [h("createRuntime")],
              createContainer: [h("createContainer")],
              startContainer: [{path: "/bin/inhook", args: ["inhook", "startContainer", "/shared/hooks.log"], env: ["HOOK_ENV=env-startContainer"]}],
              poststart: [h("poststart")], poststop: [h("poststop")]}' \
    --arg hook "$TEST_DIR/hook.sh" --arg log "$log"
}

# hook_order create|start|run: the hooks run by then, in order.  The spec's
# order: poststart after the process started, in `start`.  runc 1.1 runs
# poststart at the end of `create`, before startContainer (runc#1710, fixed
# by runc#5186); lodge follows the spec.
hook_order() {
  if is_runc; then
    case $1 in
      create) echo "prestart createRuntime createContainer poststart " ;;
      start) echo "prestart createRuntime createContainer poststart startContainer " ;;
      run) echo "prestart createRuntime createContainer poststart startContainer poststop " ;;
    esac
  else
    case $1 in
      create) echo "prestart createRuntime createContainer " ;;
      start) echo "prestart createRuntime createContainer startContainer poststart " ;;
      run) echo "prestart createRuntime createContainer startContainer poststart poststop " ;;
    esac
  fi
}

# hook_field NAME FIELD: from the line of hook NAME: mnt, env, or a jq path
# into the state it got.
hook_field() {
  local line
  line=$(grep "^$1 " "$SHARED/hooks.log") || fail "hook $1 did not run"
  case $2 in
    mnt) awk '{print $2}' <<<"$line" ;;
    env) awk '{print $3}' <<<"$line" ;;
    *) cut -d' ' -f4- <<<"$line" | jq -r "$2" ;;
  esac
}

@test "hooks: all six run once, in order, with the container's state on stdin" {
  make_bundle readlink /proc/self/ns/mnt
  setup_all_hooks
  run --separate-stderr lodge run --pid-file "$TEST_DIR/pid" --bundle "$BUNDLE" "$ID" </dev/null
  assert_success
  pid=$(cat "$TEST_DIR/pid")
  assert_equal "$(awk '{print $1}' "$SHARED/hooks.log" | tr '\n' ' ')" "$(hook_order run)"
  for h in prestart createRuntime createContainer startContainer poststart poststop; do
    assert_equal "$(hook_field "$h" .id)" "$ID"
    assert_equal "$(hook_field "$h" .bundle)" "$BUNDLE"
  done
  assert_equal "$(hook_field prestart .status)" creating
  assert_equal "$(hook_field createRuntime .status)" creating
  assert_equal "$(hook_field createContainer .status)" creating
  assert_equal "$(hook_field startContainer .status)" created
  # runc 1.1 says "created" to poststart hooks, the spec "running".
  [[ "$(hook_field poststart .status)" =~ ^(created|running)$ ]] || fail "poststart status: $(hook_field poststart .status)"
  assert_equal "$(hook_field poststop .status)" stopped
  assert_equal "$(hook_field prestart .pid)" "$pid"
  assert_equal "$(hook_field createRuntime .pid)" "$pid"
  assert_equal "$(hook_field poststart .pid)" "$pid"
  # In the container's pid namespace the process is pid 1.
  [[ "$(hook_field createContainer .pid)" =~ ^(1|$pid)$ ]]
  [[ "$(hook_field startContainer .pid)" =~ ^(1|$pid)$ ]]
  assert_nothing_left "$ID"
}

@test "hooks: createRuntime in the runtime's mount namespace, createContainer and startContainer in the container's" {
  make_bundle readlink /proc/self/ns/mnt
  setup_all_hooks
  run_bundle
  assert_success
  ctr_mnt=$output
  host_mnt=$(ns_of mnt)
  [ "$ctr_mnt" != "$host_mnt" ]
  for h in prestart createRuntime poststart poststop; do
    assert_equal "$(hook_field "$h" mnt)" "$host_mnt"
  done
  assert_equal "$(hook_field createContainer mnt)" "$ctr_mnt"
  assert_equal "$(hook_field startContainer mnt)" "$ctr_mnt"
}

@test "hooks: args and env are passed" {
  make_bundle true
  setup_all_hooks
  run_bundle
  assert_success
  for h in prestart createRuntime createContainer startContainer poststart poststop; do
    assert_equal "$(hook_field "$h" env)" "env-$h"
  done
}

@test "hooks: detached create runs the create hooks; start the start hooks; delete poststop" {
  make_bundle sleep 1000
  setup_all_hooks
  create_container
  assert_equal "$(awk '{print $1}' "$SHARED/hooks.log" | tr '\n' ' ')" "$(hook_order create)"
  lodge start "$ID"
  assert_equal "$(awk '{print $1}' "$SHARED/hooks.log" | tr '\n' ' ')" "$(hook_order start)"
  lodge delete --force "$ID"
  assert_equal "$(awk '{print $1}' "$SHARED/hooks.log" | tail -n 1)" poststop
  assert_nothing_left "$ID"
}

@test "hooks: a hook past its timeout is killed and create fails" {
  make_bundle true
  update_config '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "1000.\($n)"], timeout: 1}]}' --arg n "$$"
  start=$SECONDS
  run --separate-stderr lodge_detached create --bundle "$BUNDLE" "$ID"
  assert_error_line createRuntime
  [ $((SECONDS - start)) -lt 10 ] || fail "create took $((SECONDS - start))s"
  pgrep -f "sleep 1000.$$" && fail "the hook is still running"
  assert_nothing_left "$ID"
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing" {
  make_bundle true
  update_config '.hooks = {createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "exit 7"]}]}'
  run --separate-stderr lodge_detached create --bundle "$BUNDLE" "$ID"
  assert_error_line createRuntime
  assert_nothing_left "$ID"
}

@test "hooks: a hook path that does not exist fails create" {
  make_bundle true
  update_config '.hooks = {createRuntime: [{path: "/nonexistent/hook"}]}'
  run --separate-stderr lodge_detached create --bundle "$BUNDLE" "$ID"
  assert_error_line /nonexistent/hook
  assert_nothing_left "$ID"
}

@test "hooks: a failing poststop hook only warns" {
  make_bundle echo ran
  update_config '.hooks = {poststop: [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]}'
  run_bundle
  assert_success
  assert_equal "$output" ran
  [ -n "$stderr" ] || fail "no warning on stderr"
  assert_nothing_left "$ID"

  start_container
  wait_for_status "$ID" stopped
  run --separate-stderr lodge delete "$ID"
  assert_success
  assert_nothing_left "$ID"
}
