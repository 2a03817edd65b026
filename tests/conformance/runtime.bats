#!/usr/bin/env bats
# Conformance: runtime-spec runtime.md (scope, state, lifecycle, errors,
# operations).  Each test names the section and, in its comment, says the
# requirement in our own words.  See helpers.bash for conform and the check
# helpers, docs/conformance.md for what lodge does not meet yet.

load helpers

# A hook on the host that saves the state from its stdin as $W/<kind>.state.
state_saving_hook() {
  hook_script "$1" "printf '%s' \"\$state\" > '$W/$1.state'"
}

# ---- Scope of a Container -------------------------------------------------

# Whoever created a container can use every operation on that container.
check_scope() {
  bundle sleep 1000
  rt_create
  rt_state >/dev/null
  rt_start
  rt_state >/dev/null
  rt kill "$CID" KILL || fail "kill failed"
  rt_wait_status stopped
  rt delete "$CID" || fail "delete failed"
}

@test "runtime.md Scope: the creator can use every operation on its container" {
  conform check_scope
}

# ---- State ------------------------------------------------------------------

# What is wrong with a state document (empty when nothing): the REQUIRED
# properties with their types, pid REQUIRED while created or running, and a
# status that is a defined value (or "paused", runc's added state).
state_problems() {
  jq -r '[
    (if (.ociVersion | type) != "string" or (.ociVersion | test("^[0-9]+\\.[0-9]+\\.[0-9]+") | not)
       then "ociVersion is not a SemVer string" else empty end),
    (if (.id | type) != "string" then "id is not a string" else empty end),
    (if (.status | type) != "string" then "status is not a string"
     elif ([.status] | inside(["creating", "created", "running", "stopped", "paused"]) | not)
       then "status \(.status) is not a defined value" else empty end),
    (if (.status == "created" or .status == "running")
        and ((.pid | type) != "number" or .pid != (.pid | floor) or .pid <= 0)
       then "pid is not a positive integer while \(.status)" else empty end),
    (if (.bundle | type) != "string" then "bundle is not a string" else empty end),
    (if has("annotations") and .annotations != null and (.annotations | type) != "object"
       then "annotations is not a map" else empty end)
  ] | join("; ")'
}

# The state has ociVersion, id, status, pid (while created or running) and
# bundle with the types the spec gives them, and status is a defined value.
check_state_schema() {
  local st problems step
  bundle sh -c 'sleep 0.5'
  rt_create
  for step in created running stopped; do
    case $step in
      running) rt_start ;;
      stopped) rt_wait_status stopped ;;
    esac
    st=$(rt_state)
    problems=$(state_problems <<<"$st") || fail "state is not JSON: $st"
    [ -z "$problems" ] || fail "$step: $problems"
  done
}

@test "runtime.md State: the state has the REQUIRED properties with their types" {
  conform check_state_schema
}

# id is the container's id.
check_state_id() {
  bundle
  rt_create
  [ "$(rt_field id)" = "$CID" ] || fail "id is \"$(rt_field id)\""
}

@test "runtime.md State: id is the container's ID" {
  conform check_state_id
}

# status is "created" once create has finished and the program has neither
# run nor exited.
check_state_created() {
  bundle
  rt_create
  [ "$(rt_field status)" = created ] || fail "status is \"$(rt_field status)\" after create"
}

@test "runtime.md State: status is created after create" {
  conform check_state_created
}

# status is "running" once the user program runs and has not exited.
check_state_running() {
  bundle sleep 1000
  rt_up
  [ "$(rt_field status)" = running ] || fail "status is \"$(rt_field status)\" after start"
}

@test "runtime.md State: status is running after start" {
  conform check_state_running
}

# status is "stopped" once the container process has exited.
check_state_stopped() {
  bundle true
  rt_up
  rt_wait_status stopped
}

@test "runtime.md State: status is stopped once the container process exited" {
  conform check_state_stopped
}

# pid, while created, is the host's pid of the container process: a process
# in the container's pid namespace with the container's root.
check_state_pid_created() {
  local pid
  bundle
  rt_create
  pid=$(rt_field pid)
  [ "$pid" -gt 0 ] 2>/dev/null && [ -d "/proc/$pid" ] || fail "pid $pid is not a host process"
  [ "$(ns_of "$pid" pid)" != "$(ns_of $$ pid)" ] || fail "pid $pid is not in the container's pid namespace"
  [ "$(dev_ino "/proc/$pid/root/")" = "$(dev_ino "$B/rootfs")" ] || fail "pid $pid does not have the container's root"
}

@test "runtime.md State: pid is the host pid of the container process while created" {
  conform check_state_pid_created
}

# pid, while running, is the host's pid of the process running the program.
check_state_pid_running() {
  local pid cmd
  bundle sleep 1000
  rt_up
  pid=$(rt_field pid)
  # The same process runs the runtime's init until it execs the program:
  # give it a moment.
  local i
  for ((i = 0; i < 50; i++)); do
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline") || fail "pid $pid is not a host process"
    [ "$cmd" = "sleep 1000 " ] && return 0
    sleep 0.02
  done
  fail "pid $pid runs \"$cmd\", not the user program"
}

@test "runtime.md State: pid is the host pid of the container process while running" {
  conform check_state_pid_running
}

# bundle is the absolute path of the bundle directory, even when create was
# given a relative one.
check_state_bundle() {
  local got
  bundle
  (cd "$W" && rt create --bundle bundle "$CID" </dev/null >>"$W/ctr.out" 2>"$W/create.err") ||
    fail "create --bundle bundle failed: $(tail -n 1 "$W/create.err")"
  got=$(rt_field bundle)
  [ "$got" = "$(realpath "$B")" ] || fail "bundle is \"$got\""
}

@test "runtime.md State: bundle is the absolute path of the bundle directory" {
  conform check_state_bundle
}

# pid in the state a hook gets: for a hook run in the runtime namespace
# (createRuntime, poststart), the pid as the runtime sees it (the host's).
check_state_pid_runtime_hooks() {
  local pid kind got
  bundle sleep 1000
  add_hook createRuntime "$(state_saving_hook createRuntime)"
  add_hook poststart "$(state_saving_hook poststart)"
  rt_up
  pid=$(rt_field pid)
  for kind in createRuntime poststart; do
    got=$(jq -r .pid "$W/$kind.state" 2>/dev/null) || fail "no state from the $kind hook"
    [ "$got" = "$pid" ] || fail "the $kind hook got pid $got, the runtime sees $pid"
  done
}

@test "runtime.md State: a runtime-namespace hook gets the pid as the runtime sees it" {
  conform check_state_pid_runtime_hooks
}

# pid in the state a hook gets: for a hook run in the container namespace
# (createContainer, startContainer), the pid as the container sees it (in its
# own pid namespace: the last NSpid of the container process).
check_state_pid_container_hooks() {
  local want kind got f
  bundle sleep 1000
  share
  add_hook createContainer "$(hook_script createContainer "printf '%s' \"\$state\" > '$SHARED/createContainer.state'")"
  mkdir -p "$B/rootfs/conform-hooks"
  printf '#!/bin/sh\ncat > /shared/startContainer.state\n' >"$B/rootfs/conform-hooks/startContainer"
  chmod 755 "$B/rootfs/conform-hooks/startContainer"
  add_hook startContainer /conform-hooks/startContainer
  rt_up
  wait_file "$SHARED/startContainer.state"
  want=$(awk '$1 == "NSpid:" { print $NF }' "/proc/$(rt_field pid)/status")
  for kind in createContainer startContainer; do
    f=$SHARED/$kind.state
    got=$(jq -r .pid "$f" 2>/dev/null) || fail "no state from the $kind hook"
    [ "$got" = "$want" ] || fail "the $kind hook got pid $got, the container sees $want"
  done
}

@test "runtime.md State: a container-namespace hook gets the pid as the container sees it" {
  conform check_state_pid_container_hooks
}

# ---- Lifecycle ------------------------------------------------------------

# Step 2: create builds the runtime environment config.json asks for (here a
# hostname and a mount) before start is called.
check_lifecycle_env() {
  local pid host
  bundle sleep 1000
  cfg '.hostname = "conform-env" | .mounts += [{destination: "/conform-env", type: "tmpfs", source: "tmpfs"}]'
  rt_create
  pid=$(rt_pid)
  host=$(nsenter -t "$pid" -u hostname)
  [ "$host" = conform-env ] || fail "hostname is \"$host\" after create"
  mount_line "$pid" /conform-env >/dev/null || fail "the /conform-env mount is missing after create"
}

@test "runtime.md Lifecycle: create builds the environment of config.json" {
  conform check_lifecycle_env
}

# Step 2: when the environment cannot be built, create reports an error.
check_lifecycle_env_error() {
  bundle
  cfg '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["rbind"]}]' --arg s "$W/no-such-dir"
  expect_error "create with a missing bind source" rt_try_create
}

@test "runtime.md Lifecycle: create reports an error when it cannot build the environment" {
  conform check_lifecycle_env_error
}

# Step 2: the user program does not run during create.
check_lifecycle_no_program_at_create() {
  bundle sh -c 'touch /shared/ran; sleep 1000'
  share
  rt_create
  sleep 0.3
  [ ! -e "$SHARED/ran" ] || fail "the user program ran during create"
  rt_start
  wait_file "$SHARED/ran"
}

@test "runtime.md Lifecycle: the user program does not run during create" {
  conform check_lifecycle_no_program_at_create
}

# Step 2: changing config.json after create does not affect the container.
check_lifecycle_config_frozen() {
  bundle sh -c 'echo original > /shared/out; sleep 1000'
  share
  rt_create
  cfg '.process.args = ["sh", "-c", "echo changed > /shared/out; sleep 1000"]'
  rt_start
  wait_file "$SHARED/out"
  sleep 0.1
  [ "$(cat "$SHARED/out")" = original ] || fail "the container ran the args written after create"
}

@test "runtime.md Lifecycle: changes to config.json after create do not affect the container" {
  conform check_lifecycle_config_frozen
}

# Steps 3-5: the prestart, createRuntime and createContainer hooks are
# invoked (by create).
check_lifecycle_create_hook() {
  local kind=$1
  bundle
  add_hook "$kind" "$(state_saving_hook "$kind")"
  rt_create
  [ -e "$W/$kind.state" ] || fail "the $kind hook did not run during create"
}

@test "runtime.md Lifecycle: prestart hooks are invoked" {
  conform check_lifecycle_create_hook prestart
}

@test "runtime.md Lifecycle: createRuntime hooks are invoked" {
  conform check_lifecycle_create_hook createRuntime
}

@test "runtime.md Lifecycle: createContainer hooks are invoked" {
  conform check_lifecycle_create_hook createContainer
}

# Steps 3-5: when a prestart, createRuntime or createContainer hook fails,
# create reports an error, and the container is stopped and destroyed.
check_lifecycle_create_hook_fails() {
  local kind=$1
  bundle sh -c 'touch /shared/ran; sleep 1000'
  share
  add_hook "$kind" "$(hook_script fail 'exit 1')"
  expect_error "create with a failing $kind hook" rt_try_create
  [ ! -e "$SHARED/ran" ] || fail "the user program ran"
  nothing_left
}

@test "runtime.md Lifecycle: a failing prestart hook is an error and destroys the container" {
  conform check_lifecycle_create_hook_fails prestart
}

@test "runtime.md Lifecycle: a failing createRuntime hook is an error and destroys the container" {
  conform check_lifecycle_create_hook_fails createRuntime
}

@test "runtime.md Lifecycle: a failing createContainer hook is an error and destroys the container" {
  conform check_lifecycle_create_hook_fails createContainer
}

# Steps 4, 12 and 13: after a failing createRuntime hook the lifecycle goes
# on at the destruction of the container, and then the poststop hooks run.
check_lifecycle_create_hook_fails_poststop() {
  bundle
  add_hook createRuntime "$(hook_script fail 'exit 1')"
  add_hook poststop "$(state_saving_hook poststop)"
  expect_error "create with a failing createRuntime hook" rt_try_create
  [ -e "$W/poststop.state" ] || fail "the poststop hooks did not run after the failed create"
}

@test "runtime.md Lifecycle: after a failing createRuntime hook the poststop hooks run" {
  conform check_lifecycle_create_hook_fails_poststop
}

# Step 7: the startContainer hooks are invoked, by start (not create).  The
# hook's path is in the container.
check_lifecycle_start_container_hook() {
  bundle
  share
  printf '#!/bin/sh\ncat >/dev/null\ntouch /shared/hook-ran\n' >"$B/rootfs/conform-hook"
  chmod 755 "$B/rootfs/conform-hook"
  add_hook startContainer /conform-hook
  rt_create
  sleep 0.2
  [ ! -e "$SHARED/hook-ran" ] || fail "the startContainer hook ran during create"
  rt_start
  wait_file "$SHARED/hook-ran"
}

@test "runtime.md Lifecycle: startContainer hooks are invoked" {
  conform check_lifecycle_start_container_hook
}

# Step 7: when a startContainer hook fails, start reports an error, and the
# container is stopped (the program never runs) and destroyed.
check_lifecycle_start_container_hook_fails() {
  bundle sh -c 'touch /shared/ran; sleep 1000'
  share
  printf '#!/bin/sh\ncat >/dev/null\nexit 1\n' >"$B/rootfs/conform-hook"
  chmod 755 "$B/rootfs/conform-hook"
  add_hook startContainer /conform-hook
  rt_create
  expect_error "start with a failing startContainer hook" rt_try_start
  sleep 0.2
  [ ! -e "$SHARED/ran" ] || fail "the user program ran"
  nothing_left
}

@test "runtime.md Lifecycle: a failing startContainer hook is an error and destroys the container" {
  conform check_lifecycle_start_container_hook_fails
}

# Step 9: the poststart hooks are invoked (by start).
check_lifecycle_poststart_hook() {
  bundle sleep 1000
  add_hook poststart "$(state_saving_hook poststart)"
  rt_create
  [ ! -e "$W/poststart.state" ] || fail "the poststart hook ran during create"
  rt_start
  [ -e "$W/poststart.state" ] || fail "the poststart hook did not run"
}

@test "runtime.md Lifecycle: poststart hooks are invoked" {
  conform check_lifecycle_poststart_hook
}

# Step 9: a failing poststart hook is only a warning: the later hooks run
# and the lifecycle goes on (start succeeds, the container runs).
check_lifecycle_poststart_hook_fails() {
  bundle sleep 1000
  add_hook poststart "$(hook_script fail 'exit 1')"
  add_hook poststart "$(state_saving_hook poststart)"
  rt_create
  rt_try_start || fail "start failed after a failing poststart hook: $(tail -n 1 "$W/start.err")"
  [ -e "$W/poststart.state" ] || fail "the poststart hook after the failing one did not run"
  [ "$(rt_field status)" = running ] || fail "status is \"$(rt_field status)\""
}

@test "runtime.md Lifecycle: a failing poststart hook is a warning and the lifecycle goes on" {
  conform check_lifecycle_poststart_hook_fails
}

# Step 13: the poststop hooks are invoked (by delete).
check_lifecycle_poststop_hook() {
  bundle true
  add_hook poststop "$(state_saving_hook poststop)"
  rt_up
  rt_wait_status stopped
  [ ! -e "$W/poststop.state" ] || fail "the poststop hook ran before delete"
  rt delete "$CID" || fail "delete failed"
  [ -e "$W/poststop.state" ] || fail "the poststop hook did not run"
}

@test "runtime.md Lifecycle: poststop hooks are invoked" {
  conform check_lifecycle_poststop_hook
}

# Step 13: a failing poststop hook is only a warning: the later hooks run
# and delete completes.
check_lifecycle_poststop_hook_fails() {
  bundle true
  add_hook poststop "$(hook_script fail 'exit 1')"
  add_hook poststop "$(state_saving_hook poststop)"
  rt_up
  rt_wait_status stopped
  rt delete "$CID" 2>"$W/delete.err" || fail "delete failed after a failing poststop hook: $(tail -n 1 "$W/delete.err")"
  [ -e "$W/poststop.state" ] || fail "the poststop hook after the failing one did not run"
  rt_gone || fail "the container still exists"
}

@test "runtime.md Lifecycle: a failing poststop hook is a warning and delete completes" {
  conform check_lifecycle_poststop_hook_fails
}

# ---- Errors -----------------------------------------------------------------

# An operation that fails leaves things as if it had never been tried: after
# a failed create nothing of the container remains and its id is free.
check_errors_no_trace() {
  bundle
  cfg '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["rbind"]}]' --arg s "$W/no-such-dir"
  expect_error "create with a missing bind source" rt_try_create
  rt_gone || fail "the failed container is still known"
  nothing_left
  cfg '.mounts |= map(select(.destination != "/data"))'
  rt_create
}

@test "runtime.md Errors: a failed create leaves the environment as it was" {
  conform check_errors_no_trace
}

# ---- Operations: Query State ------------------------------------------------

# state without a container id is an error.
check_state_no_id() {
  expect_error "state without an id" rt state
}

@test "runtime.md Query State: state without an ID is an error" {
  conform check_state_no_id
}

# state of a container that does not exist is an error.
check_state_missing() {
  expect_error "state of a missing container" rt state "$CID"
}

@test "runtime.md Query State: state of a container that does not exist is an error" {
  conform check_state_missing
}

# ---- Operations: Create -----------------------------------------------------

# create without a container id is an error, and creates nothing.
check_create_no_id() {
  bundle
  expect_error "create without an id" rt create --bundle "$B"
  [ -z "$(ls -A "$RT_ROOT" 2>/dev/null)" ] || fail "create left $(ls -A "$RT_ROOT" | head -n 1) in its root"
  [ -z "$(_leftovers "" "$B" "$RT_ROOT")" ] || fail "create left: $(_leftovers "" "$B" "$RT_ROOT" | head -n 1)"
}

@test "runtime.md Create: create without a container ID is an error" {
  conform check_create_no_id
}

# create with an id already in use is an error, and no new container is
# made: the existing one is untouched.
check_create_duplicate() {
  local pid
  bundle sleep 1000
  rt_create
  pid=$(rt_pid)
  expect_error "a second create with the same id" rt_try_create
  [ "$(rt_field status)" = created ] || fail "the first container is now \"$(rt_field status)\""
  [ "$(rt_field pid)" = "$pid" ] || fail "the container's pid changed"
  kill -0 "$pid" || fail "the first container's process is gone"
}

@test "runtime.md Create: a non-unique ID is an error and no new container is created" {
  conform check_create_duplicate
}

# create with an invalid id is an error, and no container is created.
check_create_invalid_id() {
  bundle sleep 1000
  expect_error "create with the id bad/$CID" rt create --bundle "$B" "bad/$CID"
  [ -z "$(find "$RT_ROOT" -mindepth 1 2>/dev/null)" ] || fail "create left $(find "$RT_ROOT" -mindepth 1 | head -n 1)"
  [ -z "$(_leftovers "" "$B" "$RT_ROOT")" ] || fail "create left: $(_leftovers "" "$B" "$RT_ROOT" | head -n 1)"
}

@test "runtime.md Create: an invalid ID is an error and no container is created" {
  conform check_create_invalid_id
}

# When a configured property cannot be applied (a sysctl the kernel does not
# have), create reports an error and no container is created.
check_create_property_error() {
  bundle
  cfg '.linux.sysctl = {"net.conform.no_such_key": "1"}'
  expect_error "create with an unknown sysctl" rt_try_create
  rt_gone || fail "a container exists"
  nothing_left
}

@test "runtime.md Create: a property that cannot be applied is an error and no container is created" {
  conform check_create_property_error
}

# ---- Operations: Start ------------------------------------------------------

# start without a container id is an error.
check_start_no_id() {
  expect_error "start without an id" rt start
}

@test "runtime.md Start: start without an ID is an error" {
  conform check_start_no_id
}

# start of a container that does not exist is an error.
check_start_missing() {
  expect_error "start of a missing container" rt start "$CID"
}

@test "runtime.md Start: start of a container that does not exist is an error" {
  conform check_start_missing
}

# start of a container that is not created (here: running) is an error and
# has no effect: the program does not run again and the container keeps
# running.
check_start_running() {
  local pid
  bundle sh -c 'echo run >> /shared/runs; sleep 1000'
  share
  rt_up
  wait_file "$SHARED/runs"
  pid=$(rt_pid)
  expect_error "start of a running container" rt_try_start
  sleep 0.2
  [ "$(wc -l <"$SHARED/runs")" = 1 ] || fail "the user program ran again"
  [ "$(rt_field status)" = running ] || fail "status is \"$(rt_field status)\""
  [ "$(rt_field pid)" = "$pid" ] || fail "the pid changed"
}

@test "runtime.md Start: start of a running container is an error and has no effect" {
  conform check_start_running
}

# start of a container that is not created (here: stopped) is an error and
# has no effect.
check_start_stopped() {
  bundle sh -c 'echo run >> /shared/runs'
  share
  rt_up
  rt_wait_status stopped
  expect_error "start of a stopped container" rt_try_start
  sleep 0.2
  [ "$(wc -l <"$SHARED/runs")" = 1 ] || fail "the user program ran again"
  [ "$(rt_field status)" = stopped ] || fail "status is \"$(rt_field status)\""
}

@test "runtime.md Start: start of a stopped container is an error and has no effect" {
  conform check_start_stopped
}

# start runs the user program as process says: args, env and cwd.
check_start_runs_program() {
  bundle sh -c 'echo "$0 $1 $CONFORM_VAR $(pwd)" > /shared/out' arg0 arg1
  share
  cfg '.process.env += ["CONFORM_VAR=hello"] | .process.cwd = "/tmp"'
  rt_up
  wait_file "$SHARED/out"
  sleep 0.05
  [ "$(cat "$SHARED/out")" = "arg0 arg1 hello /tmp" ] || fail "the program wrote \"$(cat "$SHARED/out")\""
}

@test "runtime.md Start: start runs the user program as process specifies" {
  conform check_start_runs_program
}

# start is an error when process is not set (create may refuse it already).
check_start_no_process() {
  bundle
  cfg 'del(.process)'
  rt_try_create || true
  expect_error "start without process" rt_try_start
}

@test "runtime.md Start: start without process in the config is an error" {
  conform check_start_no_process
}

# ---- Operations: Kill -------------------------------------------------------

# kill without a container id is an error.
check_kill_no_id() {
  expect_error "kill without an id" rt kill
}

@test "runtime.md Kill: kill without an ID is an error" {
  conform check_kill_no_id
}

# kill of a container that is neither created nor running (here: stopped)
# is an error and has no effect.
check_kill_stopped() {
  bundle true
  rt_up
  rt_wait_status stopped
  expect_error "kill of a stopped container" rt kill "$CID" KILL
  [ "$(rt_field status)" = stopped ] || fail "status is \"$(rt_field status)\""
}

@test "runtime.md Kill: kill of a stopped container is an error and has no effect" {
  conform check_kill_stopped
}

# kill sends the given signal to the container process.
check_kill_sends_signal() {
  bundle sh -c 'trap "echo USR1 >> /shared/signals" USR1; touch /shared/ready; while :; do sleep 1 & wait $!; done'
  share
  rt_up
  wait_file "$SHARED/ready"
  rt kill "$CID" USR1 || fail "kill USR1 failed"
  local i
  for ((i = 0; i < 250; i++)); do
    grep -qx USR1 "$SHARED/signals" 2>/dev/null && return 0
    sleep 0.02
  done
  fail "the container process did not get SIGUSR1"
}

@test "runtime.md Kill: kill sends the signal to the container process" {
  conform check_kill_sends_signal
}

# kill of a created container is allowed (only neither created nor running
# is an error) and the signal reaches its process.
check_kill_created() {
  local pid
  bundle
  rt_create
  pid=$(rt_pid)
  rt kill "$CID" KILL 2>"$W/kill.err" || fail "kill of a created container failed: $(tail -n 1 "$W/kill.err")"
  pid_gone "$pid" || fail "the container process survived SIGKILL"
  rt_wait_status stopped
}

@test "runtime.md Kill: kill of a created container sends the signal" {
  conform check_kill_created
}

# When the container process stops, whatever the cause (here: kill),
# status is stopped.
check_kill_then_stopped() {
  bundle sleep 1000
  rt_up
  rt kill "$CID" KILL || fail "kill failed"
  rt_wait_status stopped
}

@test "runtime.md Kill: status is stopped after the killed process is gone" {
  conform check_kill_then_stopped
}

# ---- Operations: Delete -----------------------------------------------------

# delete without a container id is an error.
check_delete_no_id() {
  expect_error "delete without an id" rt delete
}

@test "runtime.md Delete: delete without an ID is an error" {
  conform check_delete_no_id
}

# delete of a container that does not exist is an error.
check_delete_missing() {
  expect_error "delete of a missing container" rt delete "$CID"
}

@test "runtime.md Delete: delete of a container that does not exist is an error" {
  conform check_delete_missing
}

# delete of a container that is not stopped (here: running) is an error
# and has no effect.
check_delete_running() {
  local pid
  bundle sleep 1000
  rt_up
  pid=$(rt_pid)
  expect_error "delete of a running container" rt delete "$CID"
  [ "$(rt_field status)" = running ] || fail "status is \"$(rt_field status)\""
  kill -0 "$pid" || fail "the container process is gone"
}

@test "runtime.md Delete: delete of a running container is an error and has no effect" {
  conform check_delete_running
}

# delete of a container that is not stopped (here: created) is an error
# and has no effect.
check_delete_created() {
  local pid
  bundle sleep 1000
  rt_create
  pid=$(rt_pid)
  expect_error "delete of a created container" rt delete "$CID"
  [ "$(rt_field status)" = created ] || fail "status is \"$(rt_field status)\""
  kill -0 "$pid" || fail "the container process is gone"
}

@test "runtime.md Delete: delete of a created container is an error and has no effect" {
  # runc and crun delete a created container, and containerd's runc shim
  # relies on it (it deletes a created task without --force).
  known_gap "lodge deletes a created container, as runc does, for containerd"
  conform check_delete_created
}

# delete removes what create made: the container's cgroups, its state, its
# mounts and processes.
check_delete_resources() {
  local pid cgroups=() line ctrl path d
  bundle sleep 1000
  rt_up
  pid=$(rt_pid)
  while IFS=: read -r _ ctrl path; do
    case $ctrl in
      memory | pids) cgroups+=("/sys/fs/cgroup/$ctrl$path") ;;
      '') [ "$path" != / ] && cgroups+=("/sys/fs/cgroup/unified$path") ;;
    esac
  done <"/proc/$pid/cgroup"
  for d in "${cgroups[@]}"; do
    [ -d "$d" ] || fail "the container's cgroup $d does not exist"
  done
  rt kill "$CID" KILL || fail "kill failed"
  rt_wait_status stopped
  rt delete "$CID" || fail "delete failed"
  rt_gone || fail "the container still exists"
  for d in "${cgroups[@]}"; do
    [ ! -d "$d" ] || fail "delete left the cgroup $d"
  done
  nothing_left
}

@test "runtime.md Delete: delete removes the resources create made" {
  conform check_delete_resources
}

# delete leaves alone what is associated with the container but was not
# created by it: a bind-mounted host directory and a joined network namespace.
check_delete_foreign_resources() {
  local ns=cf-$CID
  mkdir -p "$W/keep"
  echo data >"$W/keep/file"
  ip netns add "$ns" || fail "ip netns add failed"
  cleanup_cmd "ip netns delete '$ns'"
  bundle true
  cfg '.mounts += [{destination: "/keep", type: "bind", source: $s, options: ["rbind", "rw"]}]' --arg s "$W/keep"
  cfg '.linux.namespaces = [(.linux.namespaces[] | select(.type != "network")), {type: "network", path: $p}]' --arg p "/var/run/netns/$ns"
  rt_up
  rt_wait_status stopped
  rt delete "$CID" || fail "delete failed"
  [ "$(cat "$W/keep/file" 2>/dev/null)" = data ] || fail "the bind-mounted host directory lost its file"
  [ -e "/var/run/netns/$ns" ] && ip netns exec "$ns" true || fail "the joined network namespace is gone"
}

@test "runtime.md Delete: delete keeps resources the container did not create" {
  conform check_delete_foreign_resources
}
