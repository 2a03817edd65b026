# Shared setup for the real-client suites (podman.bats, containerd.bats,
# kubernetes.bats).  Load after helpers: `load helpers; load clients-helpers`.
#
# Nothing is configured on the host by hand: each suite gets a private
# directory ($CLIENT_DIR, under $TMPDIR) holding
#  - for Podman: containers.conf (CONTAINERS_CONF) and storage.conf
#    (CONTAINERS_STORAGE_CONF), so images, containers, podman's tmp dir,
#    its network configs and its event log live there, never in
#    /var/lib/containers or /run/containers;
#  - for containerd: config.toml, root, state and the gRPC socket, with a
#    containerd started by setup_file and stopped by teardown_file.
# The images are made from the fixture rootfs (tests/.cache/rootfs): no
# registry, no network.
#
# What stays on the host, as with any real use of these clients: lodge's
# default state directory /run/lodge (Podman passes no --root) and the
# shim's /run/containerd/runc/<namespace>, emptied as containers go; the
# CNI bridge cni-podman0 and its host-local IPAM files (removed by
# teardown_file when this suite made them); shim sockets under
# /run/containerd/s, gone with the shims.

# The image every client test runs: the fixture busybox rootfs.
CLIENT_IMAGE=localhost/lodge-busybox:test
# The same layer whose command sleeps for ever: the CRI sandbox ("pause")
# image.
CLIENT_PAUSE_IMAGE=localhost/lodge-pause:test

# require_cmd CMD [PACKAGE]: skip unless CMD is installed.
require_cmd() {
  command -v "$1" >/dev/null 2>&1 ||
    skip "$1 is not installed (Debian package ${2:-$1}; .ci/run installs it)"
}

# The README section "Use with containerd / Podman / Kubernetes" and the
# Kubernetes page, whose marked blocks the suites run.
README_FILE=$TESTS_DIR/../README.md
K8S_DOC=$TESTS_DIR/../docs/kubernetes.md

# doc_block FILE NAME: the fenced code block that follows the line
# `<!-- test: NAME -->` in FILE (without the fences).
doc_block() {
  awk -v m="<!-- test: $2 -->" '
    $0 == m { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }
  ' "$1"
}

# host_arch: the Go/OCI name of this machine's architecture.
host_arch() {
  case $(uname -m) in
  x86_64) echo amd64 ;;
  aarch64) echo arm64 ;;
  armv7l) echo arm ;;
  *) uname -m ;;
  esac
}

# make_oci_archive ROOTFS REF OUT [CMD-JSON]: an OCI image layout tarball
# (what `podman save --format oci-archive` writes) of ROOTFS as one
# uncompressed layer, named REF, for `ctr image import`.
make_oci_archive() {
  local rootfs=$1 ref=$2 out=$3 cmd=${4:-'["sh"]'} d layer ldig lsize cdig csize mdig msize
  d=$(mktemp -d "${TMPDIR:-/tmp}/lodge-oci.XXXXXX")
  mkdir -p "$d/blobs/sha256"
  tar -C "$rootfs" --numeric-owner --sort=name -cf "$d/layer.tar" . || return 1
  ldig=$(sha256sum <"$d/layer.tar" | cut -d' ' -f1)
  lsize=$(stat -c %s "$d/layer.tar")
  mv "$d/layer.tar" "$d/blobs/sha256/$ldig"
  jq -cn --arg arch "$(host_arch)" --arg l "sha256:$ldig" --argjson cmd "$cmd" \
    '{architecture: $arch, os: "linux",
      config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: $cmd},
      rootfs: {type: "layers", diff_ids: [$l]}}' >"$d/config.json"
  cdig=$(sha256sum <"$d/config.json" | cut -d' ' -f1)
  csize=$(stat -c %s "$d/config.json")
  mv "$d/config.json" "$d/blobs/sha256/$cdig"
  jq -cn --arg c "sha256:$cdig" --argjson cs "$csize" --arg l "sha256:$ldig" --argjson ls "$lsize" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' >"$d/manifest.json"
  mdig=$(sha256sum <"$d/manifest.json" | cut -d' ' -f1)
  msize=$(stat -c %s "$d/manifest.json")
  mv "$d/manifest.json" "$d/blobs/sha256/$mdig"
  jq -cn --arg m "sha256:$mdig" --argjson ms "$msize" --arg ref "$ref" --arg tag "${ref##*:}" \
    '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: $m, size: $ms,
      annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $tag}}]}' >"$d/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
  tar -C "$d" -cf "$out" oci-layout index.json blobs
  local rc=$?
  rm -rf "$d"
  return $rc
}

# Kill every process still running in a cgroup directory named ID (or
# below) in any hierarchy, then remove those directories.
_client_remove_cgroups_of() {
  local id=$1 d
  for d in $(find /sys/fs/cgroup/*/ -mindepth 1 -maxdepth 4 -type d -name "*$id*" 2>/dev/null | sort -r); do
    _kill_pids $(cat "$d/cgroup.procs" 2>/dev/null)
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

# Remove the empty cgroup directory PATH (and empty ones below it) in every
# hierarchy.
_client_rmdir_cgroup_parent() {
  local path=${1#/} c
  [ -n "$path" ] || return 0
  for c in /sys/fs/cgroup/*/; do
    [ -d "$c$path" ] && find "$c$path" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  return 0
}

# Unmount whatever is mounted under DIR (deepest first), then remove DIR.
_client_remove_dir() {
  local dir=$1 m
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  for m in $(awk -v d="$dir" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$dir"
}

# True when this process has CAP_SYS_RESOURCE (bit 24), which lets any
# rlimit be raised.
have_cap_sys_resource() {
  local eff
  eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
  (((0x$eff >> 24) & 1))
}

# A hard limit (RLIMIT_NOFILE / RLIMIT_NPROC) capped to what Podman asks
# for by default (1048576), "unlimited" included.
_capped_hard_limit() {
  local v=$1
  if [ "$v" = unlimited ] || [ "$v" -gt 1048576 ]; then
    echo 1048576
  else
    echo "$v"
  fi
}

# ---- Podman ---------------------------------------------------------------

# podman_setup_file: the private Podman configuration and the test image.
# Exports CLIENT_DIR, CONTAINERS_CONF, CONTAINERS_STORAGE_CONF.
podman_setup_file() {
  command -v podman >/dev/null && command -v conmon >/dev/null || return 0
  CLIENT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lodge-podman.XXXXXX")
  chmod 755 "$CLIENT_DIR"
  mkdir -p "$CLIENT_DIR/tmp" "$CLIENT_DIR/net"
  local nofile nproc name
  # Podman asks for nofile and nproc of 1048576 unless told otherwise;
  # without CAP_SYS_RESOURCE no runtime may raise a hard limit, and
  # podman itself lowers its own nproc to 32768: stay within both.
  nofile=$(_capped_hard_limit "$(ulimit -Hn)")
  nproc=$(_capped_hard_limit "$(ulimit -Hu)")
  [ "$nproc" -gt 4096 ] && nproc=4096
  # Podman passes --log-format=json --log FILE only to runtimes whose
  # name (the binary's base name) is listed in runtime_supports_json.
  name=$(basename "$LODGE")
  {
    echo "# Written by tests/clients-helpers.bash for the podman suite."
    echo "[containers]"
    echo "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
    echo "[engine]"
    # The README's line, as a user would copy it.
    doc_block "$README_FILE" podman-conf | grep '^runtime_supports_json'
    # No systemd as pid 1 here: cgroupfs and a file for events.
    echo 'cgroup_manager = "cgroupfs"'
    echo 'events_logger = "file"'
    echo "events_logfile_path = \"$CLIENT_DIR/events.log\""
    echo "tmp_dir = \"$CLIENT_DIR/tmp\""
    echo "[network]"
    echo "network_config_dir = \"$CLIENT_DIR/net\""
  } >"$CLIENT_DIR/containers.conf"
  if [ "$name" != lodge ]; then
    sed -i "s/^\(runtime_supports_json = \[.*\)\]/\1, \"$name\"]/" "$CLIENT_DIR/containers.conf"
  fi
  cat >"$CLIENT_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$CLIENT_DIR/graph"
runroot = "$CLIENT_DIR/run"
EOF
  export CLIENT_DIR CONTAINERS_CONF=$CLIENT_DIR/containers.conf
  export CONTAINERS_STORAGE_CONF=$CLIENT_DIR/storage.conf
  # The bridge is the host's: remove it at the end only if it is ours.
  PODMAN_BRIDGE_EXISTED=0
  ip link show cni-podman0 >/dev/null 2>&1 && PODMAN_BRIDGE_EXISTED=1
  export PODMAN_BRIDGE_EXISTED
  # Podman's cgroupfs parent: removed at the end only if it is ours.
  PODMAN_PARENT_EXISTED=0
  [ -n "$(find /sys/fs/cgroup/ -maxdepth 2 -type d -name libpod_parent 2>/dev/null)" ] && PODMAN_PARENT_EXISTED=1
  export PODMAN_PARENT_EXISTED
  tar -C "$ROOTFS_CACHE" -c . | podman import -q - "$CLIENT_IMAGE" >"$CLIENT_DIR/import.out" 2>&1 ||
    fail "podman import failed: $(cat "$CLIENT_DIR/import.out")"
}

podman_teardown_file() {
  [ -n "${CLIENT_DIR:-}" ] && [ -d "$CLIENT_DIR" ] || return 0
  local ids id
  ids=$(podman ps -aq --no-trunc 2>/dev/null)
  timeout 60 podman rm -af -t 0 >/dev/null 2>&1 || true
  for id in $ids; do
    timeout 10 "$LODGE" delete --force "$id" >/dev/null 2>&1 || true
    _client_remove_cgroups_of "libpod-$id"
  done
  timeout 60 podman rmi -af >/dev/null 2>&1 || true
  [ "$PODMAN_PARENT_EXISTED" = 1 ] || _client_rmdir_cgroup_parent /libpod_parent
  # Unless it was there before or another run's containers still use it.
  if [ "$PODMAN_BRIDGE_EXISTED" = 0 ] && [ -z "$(ls /sys/class/net/cni-podman0/brif 2>/dev/null)" ]; then
    ip link del cni-podman0 2>/dev/null || true
  fi
  _client_remove_dir "$CLIENT_DIR"
}

# podman_ ARG...: podman with lodge as the runtime.
podman_() {
  podman --runtime "$LODGE" "$@"
}

# A unique container name for this test.
pname() {
  echo "lodge-t${BATS_TEST_NUMBER}-${1:-c}-$$"
}

# podman_pid NAME: the host pid of the container's process 1.
podman_pid() {
  podman inspect -f '{{.State.Pid}}' "$1"
}

# podman_wait_log NAME TEXT [TRIES]: poll `podman logs` (every 50ms) until
# it has TEXT.
podman_wait_log() {
  local n=$1 text=$2 tries=${3:-200}
  for ((; tries > 0; tries--)); do
    [[ "$(podman logs "$n" 2>&1)" == *"$text"* ]] && return 0
    sleep 0.05
  done
  fail "container $n never logged \"$text\"" "logs: $(podman logs "$n" 2>&1)"
}

# The cgroup directory of PID in the v1 hierarchy CONTROLLER (or the v2
# one when the host is unified).
pid_cgroup_dir() {
  local pid=$1 ctl=$2 path mnt
  if host_cgroup_v1; then
    path=$(awk -F: -v c="$ctl" '{n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3}' "/proc/$pid/cgroup")
    for mnt in /sys/fs/cgroup/*/; do
      case ",$(basename "$mnt")," in *",$ctl,"*)
        echo "${mnt%/}$path"
        return
        ;;
      esac
    done
  else
    echo "/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' "/proc/$pid/cgroup")"
  fi
}

# ---- containerd -----------------------------------------------------------

# containerd's cgroup v1 loader wants a mount for every hierarchy in
# /proc/self/cgroup; a v1 hierarchy mounted nowhere (left by some other
# program) makes it fail for every runtime ("cannot find cgroup mount
# destination", and ctr says "no metrics received").
unmounted_v1_hierarchy() {
  local id ctl c
  while IFS=: read -r id ctl _; do
    [ "$id" = 0 ] && continue
    for c in ${ctl//,/ }; do
      grep -qE " - cgroup [^ ]+ ([^ ]*,)?$c(,[^ ]*)?\$" /proc/self/mountinfo || { echo "$ctl"; return 0; }
    done
  done </proc/self/cgroup
  return 1
}


# containerd_start [CRI-TOML]: start a private containerd.  Without an
# argument the CRI plugin is disabled (faster); with one, the CRI plugin
# runs with that TOML appended to the config.  Exports CLIENT_DIR,
# CTRD_SOCK, CTRD_PID, CTRD_NS.
containerd_start() {
  local cri=${1:-} i
  CLIENT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lodge-containerd.XXXXXX")
  chmod 755 "$CLIENT_DIR"
  CTRD_SOCK=$CLIENT_DIR/containerd.sock
  CTRD_NS=lodge-test-$$
  {
    echo "# Written by tests/clients-helpers.bash."
    echo "version = 2"
    echo "root = \"$CLIENT_DIR/root\""
    echo "state = \"$CLIENT_DIR/state\""
    if [ -z "$cri" ]; then
      echo 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
    fi
    echo "[grpc]"
    echo "  address = \"$CTRD_SOCK\""
    echo "[ttrpc]"
    echo "  address = \"$CTRD_SOCK.ttrpc\""
    echo "[debug]"
    echo "  level = \"debug\""
    [ -z "$cri" ] || printf '%s\n' "$cri"
  } >"$CLIENT_DIR/config.toml"
  # fd 3 is bats' own: a daemon holding it would hang the run.
  containerd --config "$CLIENT_DIR/config.toml" >"$CLIENT_DIR/containerd.log" 2>&1 3>&- </dev/null &
  CTRD_PID=$!
  export CLIENT_DIR CTRD_SOCK CTRD_PID CTRD_NS
  for ((i = 0; i < 200; i++)); do
    if [ -S "$CTRD_SOCK" ] && ctr -a "$CTRD_SOCK" version >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$CTRD_PID" 2>/dev/null || break
    sleep 0.05
  done
  fail "containerd did not start" "$(tail -20 "$CLIENT_DIR/containerd.log")"
}

# containerd_import NAMESPACE: import the test images into NAMESPACE.
containerd_import() {
  local ns=$1
  make_oci_archive "$ROOTFS_CACHE" "$CLIENT_IMAGE" "$CLIENT_DIR/busybox.tar" &&
    make_oci_archive "$ROOTFS_CACHE" "$CLIENT_PAUSE_IMAGE" "$CLIENT_DIR/pause.tar" '["/bin/sleep","2147483647"]' ||
    fail "building the OCI archives failed"
  ctr -a "$CTRD_SOCK" -n "$ns" image import "$CLIENT_DIR/busybox.tar" >/dev/null &&
    ctr -a "$CTRD_SOCK" -n "$ns" image import "$CLIENT_DIR/pause.tar" >/dev/null ||
    fail "ctr image import failed"
}

# containerd_stop: remove every task and container, stop containerd and its
# shims, remove the private directory.
containerd_stop() {
  [ -n "${CLIENT_DIR:-}" ] && [ -d "$CLIENT_DIR" ] || return 0
  local ns id p i
  if [ -n "${CTRD_PID:-}" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
    for ns in $(ctr -a "$CTRD_SOCK" namespaces ls -q 2>/dev/null); do
      for id in $(ctr -a "$CTRD_SOCK" -n "$ns" task ls -q 2>/dev/null); do
        timeout 10 ctr -a "$CTRD_SOCK" -n "$ns" task kill -a -s 9 "$id" >/dev/null 2>&1
        timeout 10 ctr -a "$CTRD_SOCK" -n "$ns" task delete -f "$id" >/dev/null 2>&1
      done
      for id in $(ctr -a "$CTRD_SOCK" -n "$ns" container ls -q 2>/dev/null); do
        timeout 10 ctr -a "$CTRD_SOCK" -n "$ns" container rm "$id" >/dev/null 2>&1
        _client_remove_cgroups_of "$id"
        # Only this containerd's containers: a host containerd may share
        # /run/containerd/runc/<namespace>.
        [ -n "$id" ] && rm -rf "/run/containerd/runc/$ns/$id"
      done
      rmdir "/run/containerd/runc/$ns" 2>/dev/null
      # The shim's cgroupsPath is /<namespace>/<id>: lodge, like runc,
      # leaves the parent it made.
      case $ns in lodge-*) _client_rmdir_cgroup_parent "/$ns" ;; esac
    done
    kill "$CTRD_PID" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      kill -0 "$CTRD_PID" 2>/dev/null || break
      sleep 0.05
    done
    kill -9 "$CTRD_PID" 2>/dev/null
    wait "$CTRD_PID" 2>/dev/null
  fi
  # Shims started for this containerd (they outlive it by design).
  for p in $(pgrep -f "containerd-shim.*-address $CTRD_SOCK" 2>/dev/null); do
    kill -9 "$p" 2>/dev/null
  done
  _client_remove_dir "$CLIENT_DIR"
}

# ctr_ ARG...: ctr on the private containerd, in this suite's namespace.
ctr_() {
  ctr -a "$CTRD_SOCK" -n "$CTRD_NS" "$@"
}

# cname [SUFFIX]: a unique container id for this test.
cname() {
  echo "lodge-t${BATS_TEST_NUMBER}${1:+-$1}-$$"
}

# ctr_wait_status ID STATUS [TRIES]: poll `ctr task ls` until ID has STATUS.
ctr_wait_status() {
  local id=$1 want=$2 tries=${3:-200} got
  for ((; tries > 0; tries--)); do
    got=$(ctr_ task ls 2>/dev/null | awk -v id="$id" '$1 == id {print $3}')
    [ "$got" = "$want" ] && return 0
    sleep 0.05
  done
  fail "task $id: status \"$got\", wanted \"$want\""
}
