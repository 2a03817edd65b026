#!/usr/bin/env bats
# Attacks from inside a container on the host, each attempted and shown to
# fail:
#
# - rewriting the runtime binary through /proc/PID/exe (CVE-2019-5736);
# - file descriptors of the runtime's reaching the container, as a working
#   directory or an executable outside the rootfs (CVE-2024-21626);
# - mounts redirected out of the rootfs by symlinks in the image or swapped
#   in by a racing container (CVE-2021-30465 and kin);
# - undoing maskedPaths and readonlyPaths (umount, remount, a fresh proc or
#   sysfs, a mount on top), and a mask made from something other than
#   /dev/null (CVE-2025-31133).
#
# Where an attack depends on the caller, the test plays a careless caller:
# a shell that opened a host directory on a file descriptor and runs the
# runtime without closing it.

load helpers

# run_bundle [FLAG...]: `run` $BUNDLE as $ID in the foreground, stdin from
# /dev/null; sets $status, $output (stdout), $stderr.
run_bundle() {
  run --separate-stderr lodge run "$@" --bundle "$BUNDLE" "$ID" </dev/null
}

# sha FILE: its sha256.
sha() {
  sha256sum "$1" | cut -d' ' -f1
}

# A host directory with a secret in it, for the tests that try to reach
# the host through a file descriptor: $HOSTDIR.
make_hostdir() {
  HOSTDIR=$TEST_DIR/hostdir
  mkdir -p "$HOSTDIR"
  echo HOSTSECRET >"$HOSTDIR/secret"
}

# with_hostdir_fds CMD...: CMD with fds 3 to 9 open on $HOSTDIR, as a
# careless caller would leave them.
with_hostdir_fds() {
  "$@" 3<"$HOSTDIR" 4<"$HOSTDIR" 5<"$HOSTDIR" 6<"$HOSTDIR" 7<"$HOSTDIR" \
    8<"$HOSTDIR" 9<"$HOSTDIR"
}

# ---- the runtime binary (CVE-2019-5736) ----------------------------------

@test "runtime binary: the created init runs from a copy nobody can write" {
  make_bundle sleep 1000
  create_container
  pid=$(container_pid)
  # A sealed memfd, not the file on disk, unless that is on a read-only
  # mount already.  (runc 1.1 runs from a read-only bind mount of its own
  # file instead.)
  if is_lodge && ! findmnt -no OPTIONS -T "$LODGE" | tr ',' '\n' | grep -qx ro; then
    assert_contains "$(readlink "/proc/$pid/exe")" "memfd:"
    [ "$(stat -L -c %d:%i "/proc/$pid/exe")" != "$(stat -L -c %d:%i "$LODGE")" ] ||
      fail "the init runs from $LODGE itself"
  fi
  # Not even host root may write it.
  run sh -c "echo x >>/proc/$pid/exe"
  assert_failure
  [[ "$output" == *"Text file busy"* || "$output" == *"Operation not permitted"* ||
    "$output" == *"Read-only file system"* ]] || fail "unexpected error: $output"
}

@test "runtime binary: on a read-only mount it is used as it is, and still nobody can write it" {
  require_lodge
  mkdir -p "$TEST_DIR/ro-bin"
  cp "$LODGE" "$TEST_DIR/ro-bin/lodge"
  mount --bind "$TEST_DIR/ro-bin" "$TEST_DIR/ro-bin"
  on_teardown "umount -l '$TEST_DIR/ro-bin'"
  mount -o remount,bind,ro "$TEST_DIR/ro-bin"
  make_bundle sleep 1000
  LODGE=$TEST_DIR/ro-bin/lodge create_container
  pid=$(container_pid)
  # No copy was needed: the init runs from the read-only file.
  assert_equal "$(readlink "/proc/$pid/exe")" "$TEST_DIR/ro-bin/lodge"
  run sh -c "echo x >>/proc/$pid/exe"
  assert_failure
  # Busy while the init runs from it; read-only once nothing does.
  lodge delete --force "$ID"
  run sh -c "echo x >>'$TEST_DIR/ro-bin/lodge'"
  assert_failure
  assert_contains "$output" "Read-only file system"
}

@test "runtime binary: a container process holding /proc/1/exe cannot rewrite it (CVE-2019-5736)" {
  # A copy of the runtime is the victim, so a failure cannot damage $LODGE.
  victim=$TEST_DIR/runtime
  cp "$LODGE" "$victim"
  before=$(sha "$victim")
  make_bundle sleep 1000
  add_shared_dir
  # A startContainer hook runs in the container while its pid 1 is still
  # the runtime: it takes /proc/1/exe, and in the background keeps trying
  # to write it once `start` has returned and no runtime is running any
  # more (ETXTBSY until then).
  cat >"$BUNDLE/rootfs/bin/grab" <<'EOF'
#!/bin/sh
exec 3</proc/1/exe || exit 0
echo "held $(readlink /proc/1/exe)" >>/shared/log
(
  i=0
  while [ $i -lt 40 ]; do
    if sh -c 'printf pwned >/proc/self/fd/3' 2>/shared/err; then
      echo WROTE >>/shared/log
      break
    fi
    i=$((i + 1))
    sleep 0.05
  done
  echo "last error: $(cat /shared/err)" >>/shared/log
  echo done >/shared/done
) </dev/null >/dev/null 2>&1 &
EOF
  chmod 755 "$BUNDLE/rootfs/bin/grab"
  update_config '.hooks = {startContainer: [{path: "/bin/grab", args: ["grab"]}]}'
  "$victim" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >"$CTR_OUT" 2>&1 ||
    fail "create failed: $(cat "$CTR_OUT")"
  "$victim" --root "$ROOT" start "$ID" || fail "start failed"
  wait_for_file "$SHARED/done" 400
  log=$(cat "$SHARED/log")
  assert_contains "$log" held
  assert_not_contains "$log" WROTE
  assert_equal "$(sha "$victim")" "$before"
}

@test "runtime binary: exec of a #!/proc/self/exe script runs a copy the container cannot rewrite (CVE-2019-5736)" {
  victim=$TEST_DIR/runtime
  cp "$LODGE" "$victim"
  before=$(sha "$victim")
  # pid 1 waits for the runtime binary to appear in the container, takes
  # it, lets it go, then tries to rewrite it.  The runtime in the
  # container blocks reading /fb/config.json, a FIFO, until then.  (Recent
  # kernels refuse to exec /proc/self/exe when it lies outside the
  # process's root: then the runtime never appears, which is fine too.)
  make_bundle sh /watch
  update_config '.root.readonly = false'
  add_shared_dir
  mkdir "$BUNDLE/rootfs/fb"
  mkfifo "$BUNDLE/rootfs/fb/config.json"
  # The kernel runs /proc/self/exe (the runtime) as `--log /evil ARGS`.
  printf '#!/proc/self/exe --log\n' >"$BUNDLE/rootfs/evil"
  chmod 755 "$BUNDLE/rootfs/evil"
  cat >"$BUNDLE/rootfs/watch" <<'EOF'
found=
while [ -z "$found" ] && [ ! -e /shared/give-up ]; do
  for p in /proc/[0-9]*; do
    case "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" in
    "/proc/self/exe --log /evil "*) found=$p && break ;;
    esac
  done
done
if [ -n "$found" ]; then
  (
    exec 3<"$found/exe" || exit 0
    echo "held $(readlink "$found/exe")" >>/shared/log
    touch /shared/holding
    while [ ! -e /shared/released ]; do sleep 0.01; done
    i=0
    while [ $i -lt 40 ]; do
      if sh -c 'printf pwned >/proc/self/fd/3' 2>/shared/err; then
        echo WROTE >>/shared/log
        break
      fi
      i=$((i + 1))
      sleep 0.05
    done
    echo "last error: $(cat /shared/err)" >>/shared/log
  ) &
  holder=$!
  while [ ! -e /shared/holding ] && kill -0 $holder 2>/dev/null; do sleep 0.01; done
  # In the background: should the runtime be gone already, nobody reads.
  echo '{}' >/fb/config.json &
  touch /shared/released
  wait $holder
fi
echo done >/shared/done
exec sleep 1000
EOF
  "$victim" --root "$ROOT" run -d --bundle "$BUNDLE" "$ID" </dev/null >"$CTR_OUT" 2>&1 ||
    fail "run failed: $(cat "$CTR_OUT")"
  run timeout 20 "$victim" --root "$ROOT" exec "$ID" /evil create --bundle /fb x </dev/null
  touch "$SHARED/give-up"
  wait_for_file "$SHARED/done" 400 ||
    fail "exec: status $status: $output" "log: $(cat "$SHARED/log" 2>/dev/null)"
  if grep -q held "$SHARED/log" 2>/dev/null; then
    log=$(cat "$SHARED/log")
    assert_not_contains "$log" WROTE
  fi
  assert_equal "$(sha "$victim")" "$before"
}

# ---- file descriptors (CVE-2024-21626) -----------------------------------

# The fds of the container's shell, one a line.  Tested one by one with the
# shell's own `[`: busybox runs ls inside the shell, and a pipeline holds
# pipe fds of the shell's while it runs.
FD_LIST='for n in $(seq 0 63); do [ -h /proc/$$/fd/$n ] && echo $n; done; true'

# fds_in_output: the fd numbers FD_LIST printed in $output, sorted, on one
# line ("0 1 2 ").
fds_in_output() {
  grep -E '^[0-9]+$' <<<"$output" | sort -n | tr '\n' ' '
}

@test "fds: only stdio reaches the process, whatever the runtime was given" {
  make_bundle sh -c "$FD_LIST"
  make_hostdir
  run --separate-stderr with_hostdir_fds lodge run --bundle "$BUNDLE" "$ID" </dev/null
  assert_success
  assert_equal "$(fds_in_output)" "0 1 2 "
}

@test "fds: --preserve-fds 2 passes fds 3 and 4 and nothing above" {
  make_bundle sh -c "cat <&3; cat <&4; $FD_LIST"
  echo three >"$TEST_DIR/f3"
  echo four >"$TEST_DIR/f4"
  echo five >"$TEST_DIR/f5"
  run --separate-stderr lodge run --preserve-fds 2 --bundle "$BUNDLE" "$ID" \
    3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" 5<"$TEST_DIR/f5" </dev/null
  assert_success
  assert_equal "${lines[0]} ${lines[1]}" "three four"
  assert_equal "$(fds_in_output)" "0 1 2 3 4 "
}

# listen_run N PID [FLAG...]: `run` with LISTEN_FDS=N and LISTEN_PID=PID
# ("self": the runtime's own pid, as systemd sets it) and fds 3 to 5 open.
listen_run() {
  local n=$1 pid=$2
  shift 2
  bash -c 'export LISTEN_FDS=$1; [ "$2" = self ] && LISTEN_PID=$$ || LISTEN_PID=$2; export LISTEN_PID; shift 2; exec "$@"' \
    _ "$n" "$pid" "$LODGE" --root "$ROOT" run "$@" --bundle "$BUNDLE" "$ID" \
    3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" 5<"$TEST_DIR/f5" </dev/null
}

setup_listen() {
  make_bundle sh -c "echo \"LISTEN_FDS=\$LISTEN_FDS LISTEN_PID=\$LISTEN_PID\"; $FD_LIST"
  echo three >"$TEST_DIR/f3"
  echo four >"$TEST_DIR/f4"
  echo five >"$TEST_DIR/f5"
}

@test "LISTEN_FDS: socket-activation fds pass, with LISTEN_FDS and LISTEN_PID=1 in the process" {
  setup_listen
  run --separate-stderr listen_run 2 self
  assert_success
  assert_equal "${lines[0]}" "LISTEN_FDS=2 LISTEN_PID=1"
  assert_equal "$(fds_in_output)" "0 1 2 3 4 "
}

@test "LISTEN_FDS: --preserve-fds counts after the socket-activation fds" {
  setup_listen
  run --separate-stderr listen_run 2 self --preserve-fds 1
  assert_success
  assert_equal "${lines[0]}" "LISTEN_FDS=2 LISTEN_PID=1"
  assert_equal "$(fds_in_output)" "0 1 2 3 4 5 "
}

@test "LISTEN_FDS: meant for another process (LISTEN_PID), nothing passes" {
  setup_listen
  run --separate-stderr listen_run 2 1
  assert_success
  assert_equal "${lines[0]}" "LISTEN_FDS= LISTEN_PID="
  assert_equal "$(fds_in_output)" "0 1 2 "
}

@test "fds: the created init holds nothing of the host's but stdio, pipes, sockets and exec.fifo" {
  make_bundle sleep 1000
  make_hostdir
  with_hostdir_fds create_container
  pid=$(container_pid)
  leaks=()
  for fd in /proc/"$pid"/fd/*; do
    n=${fd##*/}
    target=$(readlink "$fd") || continue
    case $n:$target in
      0:* | 1:* | 2:*) continue ;;
      *:/dev/null | *:pipe:* | *:socket:* | *:anon_inode:* | *:*/exec.fifo) continue ;;
      *:"$BUNDLE/rootfs"/*) continue ;;
    esac
    leaks+=("$n -> $target")
  done
  [ ${#leaks[@]} -eq 0 ] || fail "the init holds fds outside the container:" "${leaks[@]}"
}

@test "cwd: process.cwd /proc/self/fd/N (N = 3..9) does not lead out of the rootfs" {
  make_hostdir
  make_bundle sh -c 'cat secret 2>/dev/null; ls -a 2>/dev/null | head -n 3; echo end'
  for n in 3 4 5 6 7 8 9; do
    update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
    run --separate-stderr with_hostdir_fds lodge run --bundle "$BUNDLE" "$ID" </dev/null
    assert_not_contains "$output" HOSTSECRET
    assert_not_contains "$output" secret
    lodge delete --force "$ID" 2>/dev/null || true
  done
}

@test "exec path: process.args[0] through /proc/self/fd/N cannot run a host binary" {
  make_hostdir
  cp "$(realpath "$(command -v busybox)")" "$HOSTDIR/busybox"
  make_bundle true
  for n in 3 7 9; do
    set_args "/proc/self/fd/$n/busybox" echo escaped
    run --separate-stderr with_hostdir_fds lodge run --bundle "$BUNDLE" "$ID" </dev/null
    assert_not_contains "$output" escaped
    assert_failure
    lodge delete --force "$ID" 2>/dev/null || true
  done
}

@test "exec: --cwd /proc/self/fd/N and a program through it do not lead out of the rootfs" {
  make_hostdir
  cp "$(realpath "$(command -v busybox)")" "$HOSTDIR/busybox"
  make_bundle sleep 1000
  start_container
  for n in 3 7 9; do
    run --separate-stderr with_hostdir_fds lodge exec --cwd "/proc/self/fd/$n" "$ID" sh -c 'cat secret; echo end'
    assert_not_contains "$output" HOSTSECRET
    run --separate-stderr with_hostdir_fds lodge exec "$ID" "/proc/self/fd/$n/busybox" echo escaped
    assert_not_contains "$output" escaped
  done
}

# ---- mounts and symlinks -------------------------------------------------

@test "mounts: a relative symlink climbing with ../.. to a host path stays in the rootfs" {
  target=$TEST_DIR/host-target
  mkdir -p "$target"
  echo untouched >"$target/marker"
  make_bundle sh -c 'touch /evil/t/inside /evil/b/inside && echo ok'
  ln -s "../../../../../../../../../..$target" "$BUNDLE/rootfs/evil"
  mkdir -p "$TEST_DIR/src"
  update_config '.mounts += [{destination: "/evil/t", type: "tmpfs", source: "tmpfs"},
                             {destination: "/evil/b", type: "bind", source: $s, options: ["rbind", "rw"]}]' \
    --arg s "$TEST_DIR/src"
  run_bundle
  assert_success
  assert_equal "$output" ok
  assert_equal "$(ls -A "$target")" marker
  assert_equal "$(cat "$target/marker")" untouched
  [ -e "$TEST_DIR/src/inside" ] || fail "the bind mount did not land in the container"
  grep -qF "$target" /proc/self/mountinfo && fail "$target is mounted on the host"
  assert_nothing_left "$ID"
}

@test "mounts: a file bind onto a destination that is a symlink to a host file" {
  hostfile=$TEST_DIR/host-file
  echo untouched >"$hostfile"
  echo from-source >"$TEST_DIR/source-file"
  make_bundle sh -c 'cat /etc/abs /etc/rel; echo changed >/etc/abs; echo changed >/etc/rel; echo ok'
  ln -s "$hostfile" "$BUNDLE/rootfs/etc/abs"
  ln -s "../../../../../../../../..$hostfile" "$BUNDLE/rootfs/etc/rel"
  update_config '.mounts += [{destination: "/etc/abs", type: "bind", source: $s, options: ["bind", "rw"]},
                             {destination: "/etc/rel", type: "bind", source: $s, options: ["bind", "rw"]}]' \
    --arg s "$TEST_DIR/source-file"
  run_bundle
  assert_success
  assert_equal "$output" "$(printf '%s\n' from-source from-source ok)"
  assert_equal "$(cat "$hostfile")" untouched
  grep -qF "$hostfile" /proc/self/mountinfo && fail "$hostfile is mounted on the host"
  assert_nothing_left "$ID"
}

@test "mounts: a racing container swapping a directory for a symlink cannot move a mount out of the rootfs" {
  # runc before 1.1.14 creates the mount point on the host here
  # (CVE-2024-45310).
  is_runc && skip "runc 1.1 loses this race (CVE-2024-45310)"
  hostdir=$TEST_DIR/hostdir
  mkdir -p "$hostdir"
  echo untouched >"$hostdir/marker"
  add_shared_dir_at() {
    CONFIG=$1/config.json update_config '.mounts += [{destination: $d, type: "bind", source: $s, options: ["rbind", "rw"]}]' \
      --arg s "$SHARED" --arg d "$2"
  }
  SHARED=$TEST_DIR/shared
  mkdir -p "$SHARED"
  # A: swaps /shared/d between a directory and symlinks to the host
  # directory (absolute, and climbing with ..) as fast as it can.
  make_bundle_at "$TEST_DIR/a" sh -c '
    cd /shared
    while [ ! -e stop ]; do
      rm -rf d; mkdir d
      rm -rf d; ln -s "$1" d
      rm -rf d; mkdir d
      rm -rf d; ln -s "../../../../../../../..$1" d
    done' racer "$hostdir"
  add_shared_dir_at "$TEST_DIR/a" /shared
  CONFIG=$TEST_DIR/a/config.json update_config '.root.readonly = false'
  # B: mounts the same directory at /vol, then a tmpfs and a bind mount
  # through the swapped path.
  make_bundle_at "$TEST_DIR/b" true
  add_shared_dir_at "$TEST_DIR/b" /vol
  mkdir -p "$TEST_DIR/src"
  CONFIG=$TEST_DIR/b/config.json update_config '.mounts += [{destination: "/vol/d/t", type: "tmpfs", source: "tmpfs"},
      {destination: "/vol/d/b", type: "bind", source: $s, options: ["rbind", "rw"]}]' --arg s "$TEST_DIR/src"
  lodge_detached run -d --bundle "$TEST_DIR/a" "${ID}a" || fail "racer did not start"
  for ((i = 0; i < 30; i++)); do
    lodge run --bundle "$TEST_DIR/b" "${ID}b" </dev/null >/dev/null 2>&1 || true
    lodge delete --force "${ID}b" >/dev/null 2>&1 || true
  done
  touch "$SHARED/stop"
  lodge delete --force "${ID}a"
  assert_equal "$(ls -A "$hostdir")" marker
  grep -qF "$hostdir" /proc/self/mountinfo && fail "$hostdir is mounted on the host"
  assert_nothing_left "${ID}b" "$TEST_DIR/b"
}

# ---- maskedPaths and readonlyPaths ---------------------------------------

# The attack script: every way of undoing a mask or a read-only path that
# needs no host access, each reported as DONE or refused, then the state of
# the masks as seen from inside (a masked file is /dev/null, a masked
# directory an empty tmpfs, /proc/sys read-only).
write_unmask_script() {
  mkdir -p "$BUNDLE/rootfs/mnt"
  cat >"$BUNDLE/rootfs/unmask" <<'EOF'
try() { if "$@" >/dev/null 2>&1; then echo "DONE: $*"; else echo "refused: $*"; fi; }
files="/proc/kcore /proc/keys /proc/timer_list /proc/timer_stats /proc/sched_debug /proc/latency_stats"
dirs="/sys/firmware /proc/acpi /proc/scsi /proc/asound"
f=$(for x in $files; do [ -e $x ] && echo $x; done | head -n 1)
mkdir -p /mnt/p /mnt/s /mnt/e
try umount $f
try umount -l $f
try umount -l /sys/firmware
try mount -o remount,rw /proc/sys
try mount -o remount,bind,rw /proc/sys
try umount -l /proc/sys
try mount -t proc proc /mnt/p
try mount -t sysfs sysfs /mnt/s
try mount --bind /dev/null $f
try mount --bind /mnt/p/${f#/proc/} $f
try mount --bind /mnt/e /sys/firmware
try mount --move $f /mnt/e
try umount -l /proc
try mount -t proc proc /proc
for x in $files; do [ -e $x ] && echo "file $x $(stat -c '%t:%T' $x)"; done
for x in $dirs; do [ -d $x ] && echo "dir $x $(stat -f -c %T $x) $(ls -A $x | wc -l)"; done
echo "proc/sys $(awk '$5 == "/proc/sys" {split($6, o, ","); print o[1]}' /proc/self/mountinfo | tail -n 1)"
EOF
}

# assert_still_masked: every attempt in $output was refused, every masked
# file is still /dev/null (1:3), every masked directory an empty tmpfs, and
# /proc/sys read-only.
assert_still_masked() {
  local done_lines bad
  done_lines=$(grep '^DONE' <<<"$output" || true)
  [ -z "$done_lines" ] || fail "undone from inside:" "$done_lines" "--- full output:" "$output"
  grep -q '^file ' <<<"$output" || fail "no masked file seen: $output"
  grep -q '^dir ' <<<"$output" || fail "no masked directory seen: $output"
  bad=$(grep -E '^file ' <<<"$output" | grep -v ' 1:3$' || true)
  bad+=$(grep -E '^dir ' <<<"$output" | grep -v ' tmpfs 0$' || true)
  [ -z "$bad" ] || fail "no longer masked:" "$bad"
  assert_output_contains "proc/sys ro"
}

@test "maskedPaths, readonlyPaths: cannot be undone with the default capabilities" {
  make_bundle sh /unmask
  write_unmask_script
  update_config '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs"}]'
  run_bundle
  assert_success
  assert_still_masked
}

@test "maskedPaths: a mask is the real /dev/null even when the container's /dev/null is a symlink (CVE-2025-31133)" {
  # runc 1.1 binds whatever the container's /dev/null points to.
  require_lodge
  masked=
  for f in /proc/kcore /proc/keys /proc/timer_list; do
    [ -e "$f" ] && masked=$f && break
  done
  [ -n "$masked" ] || skip "none of the masked files exists on this kernel"
  make_bundle sh -c 'stat -c "%F %t:%T" "$1"; cat "$1" 2>/dev/null | head -c 64 | wc -c' sh "$masked"
  # A racing process of the container (played here by a createContainer
  # hook, which runs in its mount namespace before the masks are made)
  # turns /dev/null into a link to a sysctl file.
  cat >"$TEST_DIR/swap-null" <<EOF
#!/bin/sh
rm -f "$BUNDLE/rootfs/dev/null" && ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
EOF
  chmod 755 "$TEST_DIR/swap-null"
  update_config '.hooks = {createContainer: [{path: $h}]}' --arg h "$TEST_DIR/swap-null"
  run_bundle
  # Refusing to start is fine too; binding core_pattern over the masked file
  # is not.
  if [ "$status" -eq 0 ]; then
    assert_equal "${lines[0]}" "character special file 1:3"
    assert_equal "${lines[1]}" 0
  fi
  assert_nothing_left "$ID"
}

@test "spec: the same maskedPaths and readonlyPaths as runc spec" {
  have_ref_runc || skip "no reference runc"
  mkdir -p "$TEST_DIR/mine" "$TEST_DIR/ref"
  (cd "$TEST_DIR/mine" && "$LODGE" spec)
  (cd "$TEST_DIR/ref" && "$REF_RUNC" spec)
  for f in maskedPaths readonlyPaths; do
    assert_equal "$(jq -c ".linux.$f" "$TEST_DIR/mine/config.json")" \
      "$(jq -c ".linux.$f" "$TEST_DIR/ref/config.json")"
  done
}
