#!/usr/bin/env bats
# `features`: what the runtime says it supports, and that it holds.

load helpers

# features_json: the output of `features`, checked to be one JSON object.
features_json() {
  run --separate-stderr "$LODGE" features
  assert_success
  jq -e 'type == "object"' <<<"$output" >/dev/null || fail "not a JSON object: $output"
}

# features_has JQ-CONDITION: the features document satisfies the condition.
features_has() {
  jq -e "$1" <<<"$output" >/dev/null || fail "features: not $1" "$(jq -c . <<<"$output")"
}

@test "features: valid JSON with ociVersionMin and ociVersionMax" {
  features_json
  features_has '(.ociVersionMin | test("^1\\.[0-9]+\\.[0-9]+")) and (.ociVersionMax | test("^1\\.[0-9]+\\.[0-9]+"))'
  # Min <= Max, comparing the numeric parts.
  features_has '[.ociVersionMin, .ociVersionMax] | map(split("-")[0] | split(".") | map(tonumber)) | .[0] <= .[1]'
}

@test "features: ociVersionMax is 1.2.0, as --version's spec: line" {
  require_lodge "lodge implements runtime-spec 1.2.0"
  features_json
  features_has '.ociVersionMax == "1.2.0"'
}

@test "features: hooks lists all six" {
  features_json
  features_has '.hooks | contains(["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"])'
}

@test "features: mountOptions has the options clients use" {
  features_json
  features_has '.mountOptions | contains(["ro", "rw", "nosuid", "nodev", "noexec", "bind", "rbind",
    "private", "rprivate", "shared", "rshared", "slave", "rslave", "relatime", "strictatime", "tmpcopyup"])'
}

@test "features: linux.namespaces has the seven common types" {
  features_json
  features_has '.linux.namespaces | contains(["cgroup", "ipc", "mount", "network", "pid", "user", "uts"])'
}

@test "features: linux.namespaces has all eight (time too)" {
  require_lodge "runc 1.1 has no time namespace"
  features_json
  features_has '.linux.namespaces | sort == ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"]'
}

@test "features: every namespace listed can be used" {
  features_json
  namespaces=$(jq -r '.linux.namespaces[]' <<<"$output")
  make_bundle true
  cp "$BUNDLE/config.json" "$TEST_DIR/base.json"
  for ns in $namespaces; do
    cp "$TEST_DIR/base.json" "$BUNDLE/config.json"
    add_namespace "$ns"
    if [ "$ns" = user ]; then
      update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
                   | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    fi
    run --separate-stderr lodge run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ] || fail "a container with a $ns namespace failed: $stderr"
  done
  assert_nothing_left "$ID"
}

@test "features: linux.capabilities lists capability names" {
  features_json
  features_has '(.linux.capabilities | length >= 38) and all(.linux.capabilities[]; startswith("CAP_"))
    and (.linux.capabilities | contains(["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_AUDIT_READ"]))'
}

@test "features: linux.cgroup says v1 and v2" {
  features_json
  features_has '(.linux.cgroup | type == "object") and (.linux.cgroup.v1 | type == "boolean") and (.linux.cgroup.v2 | type == "boolean")'
  # The host's own version must be supported.
  if host_cgroup_v1; then
    features_has '.linux.cgroup.v1 == true'
  else
    features_has '.linux.cgroup.v2 == true'
  fi
}

@test "features: linux.seccomp enabled, with actions, operators and archs" {
  features_json
  features_has '.linux.seccomp.enabled == true'
  features_has '.linux.seccomp.actions | contains(["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
    "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRAP", "SCMP_ACT_TRACE"])'
  features_has '.linux.seccomp.operators | sort == ["SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"]'
  features_has '.linux.seccomp.archs | contains(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])'
}

@test "features: linux.mountExtensions" {
  require_lodge "runc 1.1 does not report mountExtensions"
  features_json
  features_has '(.linux.mountExtensions | type == "object") and (.linux.mountExtensions.idmap.enabled | type == "boolean")'
}

@test "features: an extra argument is an error" {
  run --separate-stderr "$LODGE" features extra
  assert_error_line
}
