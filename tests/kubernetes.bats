#!/usr/bin/env bats
# Kubernetes' path to lodge: containerd's CRI plugin with the `lodge`
# runtime handler from docs/kubernetes.md, driven over the CRI v1 gRPC API
# as the kubelet drives it.  Debian 12 has no crictl, so the CRI client is
# a small Python program (python3-grpcio, python3-protobuf) written by
# setup_file.  A private containerd (config, root, state, socket, CNI
# config and IPAM in a temp dir; the sandbox network namespaces under its
# state dir) is started by setup_file and stopped by teardown_file.
# docs/kubernetes.md says what this does not cover.

load helpers
load clients-helpers

CRI_PY=/usr/bin/python3

setup_file() {
  command -v containerd >/dev/null && command -v ctr >/dev/null || return 0
  "$CRI_PY" -c 'import grpc, google.protobuf' 2>/dev/null || return 0
  # A bridge and subnet of this run's own (runs may overlap).
  local snippet bridge=lcri$$ net=10.213.$(($$ % 250)) 
  # The docs' handler, pointed at the binary under test.
  snippet=$(doc_block "$K8S_DOC" cri-config | sed "s#\"/usr/local/bin/lodge\"#\"$LODGE\"#")
  [ -n "$snippet" ] || fail "no <!-- test: cri-config --> block in docs/kubernetes.md"
  CRI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lodge-cri.XXXXXX")
  chmod 755 "$CRI_DIR"
  mkdir -p "$CRI_DIR/cni" "$CRI_DIR/logs"
  cat >"$CRI_DIR/cni/10-lodge-test.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "lodge-test", "plugins": [
  {"type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$net.0/24"}]],
            "dataDir": "$CRI_DIR/ipam"}}]}
JSON
  containerd_start "[plugins.\"io.containerd.grpc.v1.cri\"]
  sandbox_image = \"$CLIENT_PAUSE_IMAGE\"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins.\"io.containerd.grpc.v1.cri\".cni]
    bin_dir = \"/usr/lib/cni\"
    conf_dir = \"$CRI_DIR/cni\"
  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]
    runtime_type = \"io.containerd.runc.v2\"
$snippet"
  containerd_import k8s.io
  write_cri_client "$CRI_DIR/cri.py"
  CRI_BRIDGE=$bridge
  CRI_NET=$net
  CGROUP_PARENT=/lodge-k8s-$$
  export CRI_DIR CRI_BRIDGE CRI_NET CGROUP_PARENT
}

teardown_file() {
  containerd_stop
  [ -n "${CRI_BRIDGE:-}" ] && ip link del "$CRI_BRIDGE" 2>/dev/null
  _client_rmdir_cgroup_parent "${CGROUP_PARENT:-}"
  rmdir /run/containerd/runc/k8s.io 2>/dev/null
  _client_remove_dir "${CRI_DIR:-}"
}

setup() {
  require_cmd containerd
  require_cmd ctr containerd
  "$CRI_PY" -c 'import grpc, google.protobuf' 2>/dev/null ||
    skip "$CRI_PY lacks grpc/protobuf (Debian packages python3-grpcio python3-protobuf)"
  setup_common
  PODS=()
}

teardown() {
  local p
  for p in "${PODS[@]}"; do
    cri RuntimeService.StopPodSandbox "{\"pod_sandbox_id\": \"$p\"}" >/dev/null 2>&1
    cri RuntimeService.RemovePodSandbox "{\"pod_sandbox_id\": \"$p\"}" >/dev/null 2>&1
  done
  teardown_common
}

# cri SERVICE.METHOD [JSON]: one CRI call; the response as JSON on stdout.
cri() {
  "$CRI_PY" "$CRI_DIR/cri.py" "$CTRD_SOCK" "$@"
}

# The shim's lodge --root for the CRI's namespace.
K8S_ROOT=/run/containerd/runc/k8s.io

# pod_config NAME: a PodSandboxConfig (JSON) for pod NAME.
pod_config() {
  local name=$1
  jq -cn --arg n "$name" --arg uid "uid-$name-$$" --arg logs "$CRI_DIR/logs/$name" --arg cg "$CGROUP_PARENT/pod-$name" \
    '{metadata: {name: $n, uid: $uid, namespace: "default"}, hostname: $n, log_directory: $logs,
      annotations: {"io.github.lodge.test": "passed-through", "example.com/other": "not-passed"},
      linux: {cgroup_parent: $cg}}'
}

# run_pod NAME [HANDLER]: RunPodSandbox; sets POD (its id) and POD_CONFIG.
run_pod() {
  local name=$1 handler=${2:-lodge} out
  POD_CONFIG=$(pod_config "$name")
  mkdir -p "$CRI_DIR/logs/$name"
  out=$(cri RuntimeService.RunPodSandbox "{\"config\": $POD_CONFIG, \"runtime_handler\": \"$handler\"}") ||
    fail "RunPodSandbox failed"
  POD=$(jq -r .pod_sandbox_id <<<"$out")
  PODS+=("$POD")
}

# create_ctr NAME CMD-JSON: CreateContainer in $POD; sets CTR.
create_ctr() {
  local name=$1 cmd=$2 cfg out
  cfg=$(jq -cn --arg n "$name" --arg img "$CLIENT_IMAGE" --argjson cmd "$cmd" \
    '{metadata: {name: $n}, image: {image: $img}, command: $cmd, log_path: ($n + ".log"),
      annotations: {"io.github.lodge.ctr": "yes"}}')
  out=$(cri RuntimeService.CreateContainer "{\"pod_sandbox_id\": \"$POD\", \"config\": $cfg, \"sandbox_config\": $POD_CONFIG}") ||
    fail "CreateContainer failed"
  CTR=$(jq -r .container_id <<<"$out")
}

# bundle_config ID: the config.json the shim gave lodge.
bundle_config() {
  echo "$CLIENT_DIR/state/io.containerd.runtime.v2.task/k8s.io/$1/config.json"
}

@test "kubernetes: containerd accepts the docs' lodge handler; the RuntimeClass names it" {
  run cri RuntimeService.Status '{"verbose": true}'
  assert_success
  assert_equal "$(jq -c '[.status.conditions[] | select(.type == "RuntimeReady") | .status]' <<<"$output")" "[true]"
  local cfg
  cfg=$(jq -r .info.config <<<"$output")
  assert_equal "$(jq -r '.containerd.runtimes.lodge.runtimeType' <<<"$cfg")" "io.containerd.runc.v2"
  assert_equal "$(jq -r '.containerd.runtimes.lodge.options.BinaryName' <<<"$cfg")" "$LODGE"
  assert_equal "$(jq -c '.containerd.runtimes.lodge.PodAnnotations' <<<"$cfg")" '["io.github.lodge.*"]'
  # The RuntimeClass on the same page selects that handler.
  run doc_block "$K8S_DOC" runtimeclass
  assert_output_contains "kind: RuntimeClass"
  assert_output_contains "handler: lodge"
  run doc_block "$K8S_DOC" cri-config
  assert_output_contains 'containerd.runtimes.lodge]'
}

@test "kubernetes: RunPodSandbox with the lodge handler runs the sandbox under lodge" {
  run_pod sb
  run cri RuntimeService.PodSandboxStatus "{\"pod_sandbox_id\": \"$POD\"}"
  assert_success
  assert_equal "$(jq -r '.status.state' <<<"$output")" 0 # SANDBOX_READY
  assert_equal "$(jq -r '.status.runtime_handler' <<<"$output")" lodge
  [[ "$(jq -r '.status.network.ip' <<<"$output")" == "$CRI_NET".* ]] || fail "no pod IP from the CNI network: $output"
  # lodge (not runc) holds it: its state, running, with the sandbox's pid.
  run "$LODGE" --root "$K8S_ROOT" state "$POD"
  assert_success
  assert_equal "$(jq -r .status <<<"$output")" running
  local pid
  pid=$(jq -r .pid <<<"$output")
  assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "/bin/sleep 2147483647 "
  grep -q ":$CGROUP_PARENT/pod-sb/$POD\$" "/proc/$pid/cgroup" || fail "sandbox not in its cgroup: $(cat "/proc/$pid/cgroup")"
  # Only the annotations the handler passes through.
  local f
  f=$(bundle_config "$POD")
  assert_equal "$(jq -r '.annotations["io.github.lodge.test"]' "$f")" passed-through
  assert_equal "$(jq -r '.annotations["example.com/other"]' "$f")" null
  assert_equal "$(jq -r '.annotations["io.kubernetes.cri.container-type"]' "$f")" sandbox
  run cri RuntimeService.StopPodSandbox "{\"pod_sandbox_id\": \"$POD\"}"
  assert_success
  run cri RuntimeService.RemovePodSandbox "{\"pod_sandbox_id\": \"$POD\"}"
  assert_success
  [ ! -e "$K8S_ROOT/$POD" ] || fail "lodge state $K8S_ROOT/$POD left behind"
  ! kill -0 "$pid" 2>/dev/null || fail "sandbox process $pid still alive"
}

@test "kubernetes: a container in a lodge pod: logs, ExecSync, StopContainer, RemoveContainer" {
  run_pod app
  create_ctr app '["sh", "-c", "trap \"echo got-TERM; exit 0\" TERM; echo started; while :; do sleep 0.1; done"]'
  run cri RuntimeService.StartContainer "{\"container_id\": \"$CTR\"}"
  assert_success
  run cri RuntimeService.ContainerStatus "{\"container_id\": \"$CTR\"}"
  assert_equal "$(jq -r '.status.state' <<<"$output")" 1 # CONTAINER_RUNNING
  run "$LODGE" --root "$K8S_ROOT" state "$CTR"
  assert_equal "$(jq -r .status <<<"$output")" running
  local sbpid cpid
  sbpid=$(jq -r .pid <<<"$("$LODGE" --root "$K8S_ROOT" state "$POD")")
  cpid=$(jq -r .pid <<<"$output")
  # In the pod: the sandbox's network, IPC, UTS and (the CRI's default
  # NamespaceMode POD) pid namespaces, joined by /proc/<pid>/ns paths; a
  # mount namespace of its own.
  local ns
  for ns in net ipc uts pid; do
    assert_equal "$(readlink "/proc/$cpid/ns/$ns")" "$(readlink "/proc/$sbpid/ns/$ns")"
  done
  [ "$(readlink "/proc/$cpid/ns/mnt")" != "$(readlink "/proc/$sbpid/ns/mnt")" ] || fail "mount namespace shared"
  assert_equal "$(jq -r '.annotations["io.github.lodge.ctr"]' "$(bundle_config "$CTR")")" yes
  wait_for_text "$CRI_DIR/logs/app/app.log" "stdout F started"
  run cri RuntimeService.ExecSync "{\"container_id\": \"$CTR\", \"cmd\": [\"sh\", \"-c\", \"echo exec-out; hostname; exit 3\"], \"timeout\": 30}"
  assert_success
  assert_equal "$(jq -r .exit_code <<<"$output")" 3
  assert_equal "$(jq -r .stdout <<<"$output")" "exec-out
app"
  run cri RuntimeService.StopContainer "{\"container_id\": \"$CTR\", \"timeout\": 20}"
  assert_success
  wait_for_text "$CRI_DIR/logs/app/app.log" "stdout F got-TERM"
  run cri RuntimeService.ContainerStatus "{\"container_id\": \"$CTR\"}"
  assert_equal "$(jq -r '.status.state' <<<"$output")" 2 # CONTAINER_EXITED
  assert_equal "$(jq -r '.status.exit_code' <<<"$output")" 0
  assert_equal "$(jq -r '.status.reason' <<<"$output")" Completed
  run cri RuntimeService.RemoveContainer "{\"container_id\": \"$CTR\"}"
  assert_success
  [ ! -e "$K8S_ROOT/$CTR" ] || fail "lodge state $K8S_ROOT/$CTR left behind"
}

@test "kubernetes: ContainerStats of a lodge container" {
  local h
  if h=$(unmounted_v1_hierarchy); then
    skip "cgroup v1 hierarchy \"$h\" is in /proc/self/cgroup but mounted nowhere: containerd cannot load any v1 cgroup"
  fi
  run_pod stats
  create_ctr stats '["sleep", "1000"]'
  cri RuntimeService.StartContainer "{\"container_id\": \"$CTR\"}" >/dev/null || fail "StartContainer failed"
  run cri RuntimeService.ContainerStats "{\"container_id\": \"$CTR\"}"
  assert_success
  [ "$(jq -r '.stats.memory.usage_bytes.value // 0' <<<"$output")" -gt 0 ] || fail "no memory usage: $output"
}

@test "kubernetes: errors reach the CRI client as lodge wrote them" {
  run_pod errs
  create_ctr missing '["no-such-binary"]'
  run --separate-stderr cri RuntimeService.StartContainer "{\"container_id\": \"$CTR\"}"
  assert_failure
  assert_contains "$stderr" 'OCI runtime create failed'
  assert_contains "$stderr" 'exec: "no-such-binary": executable file not found in $PATH'
  create_ctr ok '["sleep", "1000"]'
  cri RuntimeService.StartContainer "{\"container_id\": \"$CTR\"}" >/dev/null || fail "StartContainer failed"
  run --separate-stderr cri RuntimeService.ExecSync "{\"container_id\": \"$CTR\", \"cmd\": [\"no-such-command\"], \"timeout\": 30}"
  assert_failure
  assert_contains "$stderr" 'OCI runtime exec failed'
  assert_contains "$stderr" 'exec: "no-such-command": executable file not found in $PATH'
  # A handler containerd does not know is refused before any runtime runs.
  run --separate-stderr cri RuntimeService.RunPodSandbox "{\"config\": $(pod_config nohandler), \"runtime_handler\": \"no-such-handler\"}"
  assert_failure
  assert_contains "$stderr" 'no runtime for "no-such-handler" is configured'
}

# wait_for_text FILE TEXT: poll FILE until it holds TEXT.
wait_for_text() {
  local f=$1 text=$2 i
  for ((i = 0; i < 200; i++)); do
    grep -qsF -- "$text" "$f" && return 0
    sleep 0.05
  done
  fail "$f never had \"$text\"" "it has: $(cat "$f" 2>/dev/null)"
}

# write_cri_client FILE: the CRI client.
write_cri_client() {
  cat >"$1" <<'PY'
"""A minimal CRI (runtime.v1) client: cri.py SOCKET SERVICE.METHOD [REQUEST-JSON]

The messages are declared below (field numbers from k8s.io/cri-api
pkg/apis/runtime/v1/api.proto; only the fields the tests use, enums as
int32, which is the same on the wire).  Prints the response as JSON;
on a gRPC error prints "CODE: details" on stderr and exits 1."""
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format

try:
    from google.protobuf.message_factory import GetMessageClass
except ImportError:  # protobuf < 4
    from google.protobuf import message_factory

    _factory = message_factory.MessageFactory()

    def GetMessageClass(d):
        return _factory.GetPrototype(d)

MAP = "map"
MESSAGES = {
    "VersionRequest": [("version", 1, "string")],
    "VersionResponse": [("version", 1, "string"), ("runtime_name", 2, "string"),
                        ("runtime_version", 3, "string"), ("runtime_api_version", 4, "string")],
    "StatusRequest": [("verbose", 1, "bool")],
    "RuntimeCondition": [("type", 1, "string"), ("status", 2, "bool"),
                         ("reason", 3, "string"), ("message", 4, "string")],
    "RuntimeStatus": [("conditions", 1, "RuntimeCondition", "repeated")],
    "StatusResponse": [("status", 1, "RuntimeStatus"), ("info", 2, MAP)],
    "PodSandboxMetadata": [("name", 1, "string"), ("uid", 2, "string"),
                           ("namespace", 3, "string"), ("attempt", 4, "uint32")],
    "NamespaceOption": [("network", 1, "int32"), ("pid", 2, "int32"), ("ipc", 3, "int32")],
    "LinuxSandboxSecurityContext": [("namespace_options", 1, "NamespaceOption")],
    "LinuxPodSandboxConfig": [("cgroup_parent", 1, "string"),
                              ("security_context", 2, "LinuxSandboxSecurityContext")],
    "PodSandboxConfig": [("metadata", 1, "PodSandboxMetadata"), ("hostname", 2, "string"),
                         ("log_directory", 3, "string"), ("labels", 6, MAP),
                         ("annotations", 7, MAP), ("linux", 8, "LinuxPodSandboxConfig")],
    "RunPodSandboxRequest": [("config", 1, "PodSandboxConfig"), ("runtime_handler", 2, "string")],
    "RunPodSandboxResponse": [("pod_sandbox_id", 1, "string")],
    "StopPodSandboxRequest": [("pod_sandbox_id", 1, "string")],
    "StopPodSandboxResponse": [],
    "RemovePodSandboxRequest": [("pod_sandbox_id", 1, "string")],
    "RemovePodSandboxResponse": [],
    "PodSandboxStatusRequest": [("pod_sandbox_id", 1, "string"), ("verbose", 2, "bool")],
    "PodIP": [("ip", 1, "string")],
    "PodSandboxNetworkStatus": [("ip", 1, "string")],
    "PodSandboxStatus": [("id", 1, "string"), ("metadata", 2, "PodSandboxMetadata"),
                         ("state", 3, "int32"), ("created_at", 4, "int64"),
                         ("network", 5, "PodSandboxNetworkStatus"),
                         ("labels", 7, MAP), ("annotations", 8, MAP),
                         ("runtime_handler", 9, "string")],
    "PodSandboxStatusResponse": [("status", 1, "PodSandboxStatus"), ("info", 2, MAP)],
    "ContainerMetadata": [("name", 1, "string"), ("attempt", 2, "uint32")],
    "ImageSpec": [("image", 1, "string")],
    "KeyValue": [("key", 1, "string"), ("value", 2, "string")],
    "LinuxContainerResources": [("cpu_period", 1, "int64"), ("cpu_quota", 2, "int64"),
                                ("cpu_shares", 3, "int64"), ("memory_limit_in_bytes", 4, "int64")],
    "LinuxContainerConfig": [("resources", 1, "LinuxContainerResources")],
    "ContainerConfig": [("metadata", 1, "ContainerMetadata"), ("image", 2, "ImageSpec"),
                        ("command", 3, "string", "repeated"), ("args", 4, "string", "repeated"),
                        ("working_dir", 5, "string"), ("envs", 6, "KeyValue", "repeated"),
                        ("labels", 9, MAP), ("annotations", 10, MAP), ("log_path", 11, "string"),
                        ("tty", 14, "bool"), ("linux", 15, "LinuxContainerConfig")],
    "CreateContainerRequest": [("pod_sandbox_id", 1, "string"), ("config", 2, "ContainerConfig"),
                               ("sandbox_config", 3, "PodSandboxConfig")],
    "CreateContainerResponse": [("container_id", 1, "string")],
    "StartContainerRequest": [("container_id", 1, "string")],
    "StartContainerResponse": [],
    "StopContainerRequest": [("container_id", 1, "string"), ("timeout", 2, "int64")],
    "StopContainerResponse": [],
    "RemoveContainerRequest": [("container_id", 1, "string")],
    "RemoveContainerResponse": [],
    "ContainerStatusRequest": [("container_id", 1, "string"), ("verbose", 2, "bool")],
    "ContainerStatus": [("id", 1, "string"), ("metadata", 2, "ContainerMetadata"),
                        ("state", 3, "int32"), ("created_at", 4, "int64"),
                        ("started_at", 5, "int64"), ("finished_at", 6, "int64"),
                        ("exit_code", 7, "int32"), ("image", 8, "ImageSpec"),
                        ("image_ref", 9, "string"), ("reason", 10, "string"),
                        ("message", 11, "string"), ("labels", 12, MAP),
                        ("annotations", 13, MAP), ("log_path", 15, "string")],
    "ContainerStatusResponse": [("status", 1, "ContainerStatus"), ("info", 2, MAP)],
    "ExecSyncRequest": [("container_id", 1, "string"), ("cmd", 2, "string", "repeated"),
                        ("timeout", 3, "int64")],
    "ExecSyncResponse": [("stdout", 1, "bytes"), ("stderr", 2, "bytes"), ("exit_code", 3, "int32")],
    "UpdateContainerResourcesRequest": [("container_id", 1, "string"),
                                        ("linux", 2, "LinuxContainerResources")],
    "UpdateContainerResourcesResponse": [],
    "UInt64Value": [("value", 1, "uint64")],
    "CpuUsage": [("timestamp", 1, "int64"), ("usage_core_nano_seconds", 2, "UInt64Value")],
    "MemoryUsage": [("timestamp", 1, "int64"), ("working_set_bytes", 2, "UInt64Value"),
                    ("available_bytes", 3, "UInt64Value"), ("usage_bytes", 4, "UInt64Value")],
    "ContainerStats": [("cpu", 2, "CpuUsage"), ("memory", 3, "MemoryUsage")],
    "ContainerStatsRequest": [("container_id", 1, "string")],
    "ContainerStatsResponse": [("stats", 1, "ContainerStats")],
}
SCALARS = {
    "string": descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
    "bytes": descriptor_pb2.FieldDescriptorProto.TYPE_BYTES,
    "bool": descriptor_pb2.FieldDescriptorProto.TYPE_BOOL,
    "int32": descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
    "int64": descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
    "uint32": descriptor_pb2.FieldDescriptorProto.TYPE_UINT32,
    "uint64": descriptor_pb2.FieldDescriptorProto.TYPE_UINT64,
}
F = descriptor_pb2.FieldDescriptorProto


def build():
    fdp = descriptor_pb2.FileDescriptorProto(name="lodge_cri_subset.proto",
                                             package="runtime.v1", syntax="proto3")
    for name, fields in MESSAGES.items():
        m = fdp.message_type.add(name=name)
        for f in fields:
            fname, num, ftype = f[:3]
            label = F.LABEL_REPEATED if len(f) > 3 or ftype == MAP else F.LABEL_OPTIONAL
            fd = m.field.add(name=fname, number=num, label=label)
            if ftype == MAP:
                entry = "".join(p.capitalize() for p in fname.split("_")) + "Entry"
                e = m.nested_type.add(name=entry)
                e.options.map_entry = True
                e.field.add(name="key", number=1, label=F.LABEL_OPTIONAL, type=F.TYPE_STRING)
                e.field.add(name="value", number=2, label=F.LABEL_OPTIONAL, type=F.TYPE_STRING)
                fd.type = F.TYPE_MESSAGE
                fd.type_name = ".runtime.v1.%s.%s" % (name, entry)
            elif ftype in SCALARS:
                fd.type = SCALARS[ftype]
            else:
                fd.type = F.TYPE_MESSAGE
                fd.type_name = ".runtime.v1." + ftype
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return pool


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sock, method = sys.argv[1], sys.argv[2]
    body = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    service, name = method.split(".")
    pool = build()
    req_cls = GetMessageClass(pool.FindMessageTypeByName("runtime.v1.%sRequest" % name))
    resp_cls = GetMessageClass(pool.FindMessageTypeByName("runtime.v1.%sResponse" % name))
    req = json_format.ParseDict(body, req_cls())
    with grpc.insecure_channel("unix://" + sock) as ch:
        call = ch.unary_unary("/runtime.v1.%s/%s" % (service, name),
                              request_serializer=lambda m: m.SerializeToString(),
                              response_deserializer=resp_cls.FromString)
        try:
            resp = call(req, timeout=120)
        except grpc.RpcError as e:
            sys.stderr.write("%s: %s\n" % (e.code().name, e.details()))
            sys.exit(1)
    out = json_format.MessageToDict(resp, preserving_proto_field_name=True,
                                    including_default_value_fields=True)
    # bytes come back base64-encoded in JSON: decode the exec output.
    for k in ("stdout", "stderr"):
        if k in out:
            import base64
            out[k] = base64.b64decode(out[k]).decode("utf-8", "replace")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
PY
}
