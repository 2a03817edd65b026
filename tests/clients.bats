#!/usr/bin/env bats
# The config.json files real clients generated (shared/client-configs/):
# each runs as the client wrote it.  Only what points at the machine it was
# made on is rewritten: root.path to the test rootfs, bind-mount sources
# that do not exist here to temp files and dirs, /proc/PID namespace paths
# to the sandbox container's pid; named network namespaces are created
# under their own names.  cgroupsPath and everything else are kept; args
# become a short command.

load helpers

# Where the client configs live: shared/ beside the clone (CI), or
# $LODGE_CLIENT_CONFIGS.
client_dir() {
  local top
  if [ -n "${LODGE_CLIENT_CONFIGS:-}" ]; then
    echo "$LODGE_CLIENT_CONFIGS"
    return
  fi
  top=$(git -C "$TESTS_DIR" rev-parse --show-toplevel 2>/dev/null) || top=$(cd "$TESTS_DIR/.." && pwd)
  echo "$top/../shared/client-configs"
}

setup() {
  setup_common
  CLIENT_DIR=$(client_dir)
  [ -d "$CLIENT_DIR" ] || skip "no client configs at $CLIENT_DIR (shared/ is not beside the clone)"
}

teardown() {
  teardown_common
  _remove_new_cgroup_parents
}

# Remember which ancestors of cgroupsPath exist before the test, so the
# ones the runtime creates (and rightly leaves: runc does too) are removed.
CGROUP_PARENTS=()
_note_cgroup_parents() {
  local path=$1 c p
  p=$(dirname "$path")
  while [ "$p" != / ] && [ "$p" != . ]; do
    for c in $(cgroup_roots); do
      [ -d "$c${p#/}" ] || CGROUP_PARENTS+=("$c${p#/}")
    done
    p=$(dirname "$p")
  done
}

_remove_new_cgroup_parents() {
  local d
  for d in $(printf '%s\n' "${CGROUP_PARENTS[@]}" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-); do
    rmdir "$d" 2>/dev/null || true
  done
}

# client_bundle NAME DIR ARG...: a bundle in DIR from client config NAME.json
# with process.args ARG....
client_bundle() {
  local name=$1 dir=$2 src n dest kind new path
  shift 2
  src=$CLIENT_DIR/$name.json
  [ -f "$src" ] || fail "no client config $src"
  mkdir -p "$dir"
  cp "$src" "$dir/config.json"
  local CONFIG=$dir/config.json

  path=$(jq -r '.root.path' "$CONFIG")
  if [[ "$path" == /* ]]; then
    cp -a "$ROOTFS_CACHE" "$dir/rootfs"
    update_config '.root.path = $p' --arg p "$dir/rootfs"
  else
    mkdir -p "$(dirname "$dir/$path")"
    cp -a "$ROOTFS_CACHE" "$dir/$path"
  fi

  # Bind sources that only existed on the machine the config came from.
  n=0
  while IFS=$'\t' read -r i dest srcpath; do
    [ -e "$srcpath" ] && continue
    n=$((n + 1))
    case $(basename "$dest") in
      hostname | hosts | resolv.conf | .containerenv | *.conf) kind=file ;;
      *) kind=dir ;;
    esac
    new=$TEST_DIR/$name-src$n-$(basename "$dest")
    if [ "$kind" = file ]; then
      case $(basename "$dest") in
        hostname) echo "client-host" >"$new" ;;
        hosts) echo "127.0.0.1 localhost" >"$new" ;;
        resolv.conf) echo "nameserver 192.0.2.53" >"$new" ;;
        *) : >"$new" ;;
      esac
    else
      mkdir -p "$new"
    fi
    update_config '.mounts[$i].source = $s' --argjson i "$i" --arg s "$new"
  done < <(jq -r '.mounts | to_entries[] | select(.value.type == "bind" or (.value.options // [] | index("bind") or index("rbind")))
                 | [.key, .value.destination, .value.source] | @tsv' "$CONFIG")

  # Namespace paths: the sandbox's /proc/PID, or a named netns made here.
  while IFS=$'\t' read -r i path; do
    if [[ "$path" =~ ^/proc/[0-9]+/ns/(.*)$ ]]; then
      [ -n "${SANDBOX_PID:-}" ] || fail "$name joins $path: no sandbox running"
      update_config '.linux.namespaces[$i].path = $p' --argjson i "$i" --arg p "/proc/$SANDBOX_PID/ns/${BASH_REMATCH[1]}"
    elif [[ "$path" =~ ^(/var)?/run/netns/([^/]+)$ ]] && [ ! -e "$path" ]; then
      # Another run of this suite may have made it already: then share it.
      if ip netns add "${BASH_REMATCH[2]}"; then
        on_teardown "ip netns delete '${BASH_REMATCH[2]}'"
      fi
      [ -e "$path" ] || fail "cannot create the network namespace $path"
    elif [ ! -e "$path" ]; then
      fail "$name: namespace path $path does not exist here"
    fi
  done < <(jq -r '.linux.namespaces | to_entries[] | select(.value.path != null and .value.path != "")
                 | [.key, .value.path] | @tsv' "$CONFIG")

  update_config '.process.args = $a' --argjson a "$(json_array "$@")"
  path=$(jq -r '.linux.cgroupsPath // empty' "$CONFIG")
  [ -n "$path" ] && _note_cgroup_parents "$path"
  return 0
}

# assert_cgroup_gone CONFIG: the leaf of CONFIG's cgroupsPath is in no
# hierarchy any more.
assert_cgroup_gone() {
  local path c
  path=$(jq -r '.linux.cgroupsPath // empty' "$1")
  [ -n "$path" ] || return 0
  for c in $(cgroup_roots); do
    [ ! -d "$c${path#/}" ] || fail "cgroup left: $c${path#/}"
  done
}

# run_client NAME: run client config NAME with `/bin/sh -c 'echo ok'`.
run_client() {
  # Absolute: the CRI sandbox config has no PATH.
  client_bundle "$1" "$BUNDLE" /bin/sh -c 'echo ok'
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID" </dev/null
  [ "$status" -eq 0 ] || fail "$1: exit status $status" "stderr: $stderr"
  assert_equal "$output" ok
  assert_nothing_left "$ID"
  assert_cgroup_gone "$BUNDLE/config.json"
}

# cgroup_of PID CTRL: the cgroup PID is in, for v1 controller CTRL (on a
# v2 host: in the unified hierarchy).
cgroup_of() {
  if host_cgroup_v1; then
    awk -F: -v c="$2" '$2 == c {print $3}' "/proc/$1/cgroup"
  else
    awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup"
  fi
}

@test "client: podman default bridge" {
  run_client podman-default-bridge
}

@test "client: podman --systemd=always" {
  run_client podman-systemd-always
}

@test "client: ctr run (containerd, runc shim defaults)" {
  run_client ctr-run-default
}

@test "client: CRI sandbox (pause container)" {
  run_client cri-crun-sandbox
}

@test "client: CRI container joining its sandbox's namespaces" {
  # The sandbox as the CRI plugin wrote it, pause-like args included.
  client_bundle cri-crun-sandbox "$TEST_DIR/sandbox" /bin/sleep 2147483647
  lodge_detached create --bundle "$TEST_DIR/sandbox" "${ID}s"
  lodge start "${ID}s"
  SANDBOX_PID=$(container_pid "${ID}s")
  client_bundle cri-crun-container "$BUNDLE" sh -c 'echo ok; readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts'
  run --separate-stderr lodge run --bundle "$BUNDLE" "$ID" </dev/null
  [ "$status" -eq 0 ] || fail "exit status $status" "stderr: $stderr"
  assert_equal "${lines[0]}" ok
  assert_equal "${lines[1]}" "$(readlink "/proc/$SANDBOX_PID/ns/net")"
  assert_equal "${lines[2]}" "$(readlink "/proc/$SANDBOX_PID/ns/ipc")"
  assert_equal "${lines[3]}" "$(readlink "/proc/$SANDBOX_PID/ns/uts")"
  assert_nothing_left "$ID"
  assert_cgroup_gone "$BUNDLE/config.json"
  lodge delete --force "${ID}s"
  assert_nothing_left "${ID}s" "$TEST_DIR/sandbox"
  assert_cgroup_gone "$TEST_DIR/sandbox/config.json"
}

@test "client: cgroupsPath is honoured (ctr run's /default/NAME)" {
  client_bundle ctr-run-default "$BUNDLE" sleep 1000
  start_container
  pid=$(container_pid)
  want=$(jq -r .linux.cgroupsPath "$BUNDLE/config.json")
  assert_equal "$(cgroup_of "$pid" pids)" "$want"
  assert_equal "$(cgroup_of "$pid" memory)" "$want"
  lodge delete --force "$ID"
  assert_nothing_left "$ID"
  assert_cgroup_gone "$BUNDLE/config.json"
}

@test "client: any other config in the directory runs" {
  known=" podman-default-bridge podman-systemd-always ctr-run-default cri-crun-sandbox cri-crun-container "
  count=0
  for f in "$CLIENT_DIR"/*.json; do
    name=$(basename "$f" .json)
    count=$((count + 1))
    [[ "$known" == *" $name "* ]] && continue
    BUNDLE=$TEST_DIR/$name
    run_client "$name"
  done
  [ "$count" -ge 5 ] || fail "only $count client configs in $CLIENT_DIR"
}
