#!/usr/bin/env bats
# Conformance: runtime-spec config.md (root, mounts and the Linux mount
# options, process, user, hooks, annotations, extensibility, valid values).
# Each test names the section and, in its comment, says the requirement in
# our own words.  See helpers.bash for conform and the check helpers.

load helpers

# ---- Root -------------------------------------------------------------------

# root is REQUIRED on Linux: a config without it is an error.
check_root_required() {
  bundle
  cfg 'del(.root)'
  expect_error "create without root" rt_try_create
}

@test "config.md Root: root is REQUIRED on Linux" {
  conform check_root_required
}

# A directory has to exist at root.path: a path with nothing there is an
# error.
check_root_path_exists() {
  bundle
  cfg '.root.path = "no-such-rootfs"'
  expect_error "create with a missing root.path" rt_try_create
}

@test "config.md Root: a root.path without a directory is an error" {
  conform check_root_path_exists
}

# With readonly true, the root filesystem is read-only in the container.
check_root_readonly() {
  bundle sh -c 'touch /conform-write 2>/dev/null && echo writable || echo read-only'
  cfg '.root.readonly = true'
  rt_run_ok
  [ "$(cat "$W/stdout")" = read-only ] || fail "the root filesystem is writable"
}

@test "config.md Root: readonly makes the root filesystem read-only" {
  conform check_root_readonly
}

# ---- Mounts -----------------------------------------------------------------

# Mounts are made in the listed order: of two tmpfs on one destination, the
# second listed is the one on top.
check_mounts_order() {
  local pid mode
  bundle
  cfg '.mounts += [{destination: "/m", type: "tmpfs", source: "tmpfs", options: ["mode=700"]},
                   {destination: "/m", type: "tmpfs", source: "tmpfs", options: ["mode=711"]}]'
  rt_create
  pid=$(rt_pid)
  mode=$(stat -c %a "/proc/$pid/root/m")
  [ "$mode" = 711 ] || fail "the mount on top has mode $mode: not the last listed"
}

@test "config.md Mounts: mounts are made in the listed order" {
  conform check_mounts_order
}

# A relative destination (deprecated, still allowed) is taken relative to /.
check_mounts_relative_destination() {
  local pid
  bundle
  cfg '.mounts += [{destination: "conform-rel", type: "tmpfs", source: "tmpfs"}]'
  rt_create
  pid=$(rt_pid)
  mount_line "$pid" /conform-rel >/dev/null || fail "no mount at /conform-rel"
}

@test "config.md Mounts: a relative destination is relative to /" {
  conform check_mounts_relative_destination
}

# ---- Linux mount options -----------------------------------------------------
#
# The table of option strings a runtime MUST (or SHOULD) implement: one test
# per option.  check_mount_option OPTION mounts at /m (a tmpfs, a bind mount
# of a host directory, or a recursive bind mount whose submount is checked)
# with options that show whether the runtime implemented OPTION (a flag
# option after its opposite, so that ignoring it shows), and reads the mount
# from the created container's mountinfo.

# mount_words LINE: a mountinfo line's per-mount options, super options and
# propagation tags (shared:N, master:N, unbindable), comma-separated.
mount_words() {
  awk '{
    tags = ""
    for (i = 7; i <= NF && $i != "-"; i++) tags = tags "," $i
    print $6 "," $(i + 3) tags
  }' <<<"$1"
}

# has_word WORDS WORD: WORD is among WORDS; a WORD ending in ":" matches a
# tag with that prefix.
has_word() {
  if [[ "$2" == *: ]]; then
    [[ ",$1," == *",$2"* ]]
  else
    [[ ",$1," == *",$2,"* ]]
  fi
}

# The host directory $W/src (a shared mount, with a file) and, for
# recursive options, a tmpfs submount $W/src/sub (with a file) whose mount
# flags are SUBOPTS.
mount_source() {
  local subopts=${1:-}
  mkdir -p "$W/src"
  mount --bind "$W/src" "$W/src"
  mount --make-shared "$W/src"
  echo conform >"$W/src/file"
  if [ -n "$subopts" ]; then
    mkdir -p "$W/src/sub"
    mount -t tmpfs tmpfs "$W/src/sub"
    echo conform >"$W/src/sub/file"
    if [ "$subopts" != defaults ]; then
      mount -o "remount,bind,$subopts" "$W/src/sub"
    fi
  fi
}

# check_mount_option OPTION: see above.
check_mount_option() {
  local opt=$1 kind=tmpfs opts where=/m subopts='' present='' absent='' pid line words w
  case $opt in
    async) opts='["sync","async"]' absent=sync ;;
    atime) opts='["noatime","atime"]' absent=noatime ;;
    defaults) opts='["defaults"]' present=rw ;;
    dev) opts='["nodev","dev"]' absent=nodev ;;
    diratime) opts='["nodiratime","diratime"]' absent=nodiratime ;;
    dirsync) opts='["dirsync"]' present=dirsync ;;
    exec) opts='["noexec","exec"]' absent=noexec ;;
    iversion) opts='["iversion"]' ;;
    lazytime) opts='["lazytime"]' present=lazytime ;;
    loud) opts='["silent","loud"]' ;;
    noatime | nodev | nodiratime | noexec | nosuid | nosymfollow | sync | ro)
      opts="[\"$opt\"]" present=$opt ;;
    noiversion) opts='["iversion","noiversion"]' ;;
    nolazytime) opts='["lazytime","nolazytime"]' absent=lazytime ;;
    norelatime) opts='["norelatime"]' ;; # relatime is the kernel's default: only accepted
    nostrictatime) opts='["strictatime","nostrictatime"]' present=relatime ;;
    relatime) opts='["relatime"]' present=relatime ;;
    rw) opts='["ro","rw"]' present=rw absent=ro ;;
    silent) opts='["silent"]' ;;
    strictatime) opts='["strictatime"]' absent='relatime noatime' ;;
    suid) opts='["nosuid","suid"]' absent=nosuid ;;
    symfollow) opts='["nosymfollow","symfollow"]' absent=nosymfollow ;;
    bind) kind=bind opts='["bind"]' ;;
    rbind) kind=bind opts='["rbind"]' where=/m/sub subopts=defaults ;;
    private) kind=bind opts='["bind","private"]' absent='shared: master:' ;;
    shared) kind=bind opts='["bind","shared"]' present=shared: ;;
    slave) kind=bind opts='["bind","slave"]' present=master: absent=shared: ;;
    unbindable) kind=bind opts='["bind","unbindable"]' present=unbindable ;;
    rprivate) kind=bind opts='["rbind","rprivate"]' where=/m/sub subopts=defaults absent='shared: master:' ;;
    rshared) kind=bind opts='["rbind","rshared"]' where=/m/sub subopts=defaults present=shared: ;;
    rslave) kind=bind opts='["rbind","rslave"]' where=/m/sub subopts=defaults present=master: absent=shared: ;;
    runbindable) kind=bind opts='["rbind","runbindable"]' where=/m/sub subopts=defaults present=unbindable ;;
    rro) subopts=defaults present=ro ;;
    rrw) subopts=ro present=rw absent=ro ;;
    rnosuid) subopts=defaults present=nosuid ;;
    rsuid) subopts=nosuid absent=nosuid ;;
    rdev) subopts=nodev absent=nodev ;;
    rnoexec) subopts=defaults present=noexec ;;
    rexec) subopts=noexec absent=noexec ;;
    rnoatime) subopts=defaults present=noatime ;;
    ratime) subopts=noatime absent=noatime ;;
    rnodiratime) subopts=defaults present=nodiratime ;;
    rdiratime) subopts=nodiratime absent=nodiratime ;;
    rrelatime) subopts=noatime present=relatime absent=noatime ;;
    rnorelatime) subopts=defaults ;;
    rstrictatime) subopts=defaults absent='relatime noatime' ;;
    rnostrictatime) subopts=strictatime present=relatime ;;
    rnosymfollow) subopts=defaults present=nosymfollow ;;
    rsymfollow) subopts=nosymfollow absent=nosymfollow ;;
    *) fail "no check for mount option $opt" ;;
  esac
  if [[ "$opt" == r?* ]] && [ -z "${opts:-}" ]; then
    # A recursive mount_setattr(2) option: on a recursive bind mount, its
    # effect on the submount.
    kind=bind opts="[\"rbind\",\"$opt\"]" where=/m/sub
  fi
  bundle
  if [ "$kind" = tmpfs ]; then
    cfg '.mounts += [{destination: "/m", type: "tmpfs", source: "tmpfs", options: $o}]' --argjson o "$opts"
  else
    mount_source "$subopts"
    cfg '.mounts += [{destination: "/m", type: "bind", source: $s, options: $o}]' --argjson o "$opts" --arg s "$W/src"
  fi
  rt_create
  pid=$(rt_pid)
  line=$(mount_line "$pid" "$where") || fail "no mount at $where"
  words=$(mount_words "$line")
  for w in $present; do
    has_word "$words" "$w" || fail "$where lacks $w: $words"
  done
  for w in $absent; do
    ! has_word "$words" "$w" || fail "$where has $w: $words"
  done
  if [ "$opt" = bind ]; then
    [ "$(cat "/proc/$pid/root/m/file")" = conform ] || fail "/m is not the bind-mounted directory"
  fi
}

# MUST options.
@test "config.md Linux mount options: async (MUST)" { conform check_mount_option async; }
@test "config.md Linux mount options: atime (MUST)" { conform check_mount_option atime; }
@test "config.md Linux mount options: bind (MUST)" { conform check_mount_option bind; }
@test "config.md Linux mount options: defaults (MUST)" { conform check_mount_option defaults; }
@test "config.md Linux mount options: dev (MUST)" { conform check_mount_option dev; }
@test "config.md Linux mount options: diratime (MUST)" { conform check_mount_option diratime; }
@test "config.md Linux mount options: dirsync (MUST)" { conform check_mount_option dirsync; }
@test "config.md Linux mount options: exec (MUST)" { conform check_mount_option exec; }
@test "config.md Linux mount options: iversion (MUST)" { conform check_mount_option iversion; }
@test "config.md Linux mount options: lazytime (MUST)" { conform check_mount_option lazytime; }
@test "config.md Linux mount options: loud (MUST)" { conform check_mount_option loud; }
@test "config.md Linux mount options: noatime (MUST)" { conform check_mount_option noatime; }
@test "config.md Linux mount options: nodev (MUST)" { conform check_mount_option nodev; }
@test "config.md Linux mount options: nodiratime (MUST)" { conform check_mount_option nodiratime; }
@test "config.md Linux mount options: noexec (MUST)" { conform check_mount_option noexec; }
@test "config.md Linux mount options: noiversion (MUST)" { conform check_mount_option noiversion; }
@test "config.md Linux mount options: nolazytime (MUST)" { conform check_mount_option nolazytime; }
@test "config.md Linux mount options: norelatime (MUST)" { conform check_mount_option norelatime; }
@test "config.md Linux mount options: nostrictatime (MUST)" { conform check_mount_option nostrictatime; }
@test "config.md Linux mount options: nosuid (MUST)" { conform check_mount_option nosuid; }
@test "config.md Linux mount options: private (MUST)" { conform check_mount_option private; }
@test "config.md Linux mount options: rbind (MUST)" { conform check_mount_option rbind; }
@test "config.md Linux mount options: relatime (MUST)" { conform check_mount_option relatime; }
@test "config.md Linux mount options: ro (MUST)" { conform check_mount_option ro; }
@test "config.md Linux mount options: rprivate (MUST)" { conform check_mount_option rprivate; }
@test "config.md Linux mount options: rshared (MUST)" { conform check_mount_option rshared; }
@test "config.md Linux mount options: rslave (MUST)" { conform check_mount_option rslave; }
@test "config.md Linux mount options: runbindable (MUST)" { conform check_mount_option runbindable; }
@test "config.md Linux mount options: rw (MUST)" { conform check_mount_option rw; }
@test "config.md Linux mount options: shared (MUST)" { conform check_mount_option shared; }
@test "config.md Linux mount options: silent (MUST)" { conform check_mount_option silent; }
@test "config.md Linux mount options: slave (MUST)" { conform check_mount_option slave; }
@test "config.md Linux mount options: strictatime (MUST)" { conform check_mount_option strictatime; }
@test "config.md Linux mount options: suid (MUST)" { conform check_mount_option suid; }
@test "config.md Linux mount options: sync (MUST)" { conform check_mount_option sync; }
@test "config.md Linux mount options: unbindable (MUST)" { conform check_mount_option unbindable; }

# remount (MUST): a second entry for /dev/shm with remount and ro remounts
# the tmpfs made by the first one read-only.
check_mount_option_remount() {
  local pid line
  bundle
  cfg '.mounts += [{destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["remount", "ro", "nosuid", "nodev", "noexec"]}]'
  rt_create
  pid=$(rt_pid)
  line=$(mount_line "$pid" /dev/shm) || fail "no mount at /dev/shm"
  has_word "$(mount_words "$line")" ro || fail "/dev/shm was not remounted read-only: $(mount_words "$line")"
}

@test "config.md Linux mount options: remount (MUST)" { conform check_mount_option_remount; }

# SHOULD options.
@test "config.md Linux mount options: nosymfollow (SHOULD)" { conform check_mount_option nosymfollow; }
@test "config.md Linux mount options: ratime (SHOULD)" { conform check_mount_option ratime; }
@test "config.md Linux mount options: rdev (SHOULD)" { conform check_mount_option rdev; }
@test "config.md Linux mount options: rdiratime (SHOULD)" { conform check_mount_option rdiratime; }
@test "config.md Linux mount options: rexec (SHOULD)" { conform check_mount_option rexec; }
@test "config.md Linux mount options: rnoatime (SHOULD)" { conform check_mount_option rnoatime; }
@test "config.md Linux mount options: rnodiratime (SHOULD)" { conform check_mount_option rnodiratime; }
@test "config.md Linux mount options: rnoexec (SHOULD)" { conform check_mount_option rnoexec; }
@test "config.md Linux mount options: rnorelatime (SHOULD)" { conform check_mount_option rnorelatime; }
@test "config.md Linux mount options: rnostrictatime (SHOULD)" { conform check_mount_option rnostrictatime; }
@test "config.md Linux mount options: rnosuid (SHOULD)" { conform check_mount_option rnosuid; }
@test "config.md Linux mount options: rnosymfollow (SHOULD)" { conform check_mount_option rnosymfollow; }
@test "config.md Linux mount options: rrelatime (SHOULD)" { conform check_mount_option rrelatime; }
@test "config.md Linux mount options: rro (SHOULD)" { conform check_mount_option rro; }
@test "config.md Linux mount options: rrw (SHOULD)" { conform check_mount_option rrw; }
@test "config.md Linux mount options: rstrictatime (SHOULD)" { conform check_mount_option rstrictatime; }
@test "config.md Linux mount options: rsuid (SHOULD)" { conform check_mount_option rsuid; }
@test "config.md Linux mount options: rsymfollow (SHOULD)" { conform check_mount_option rsymfollow; }
@test "config.md Linux mount options: symfollow (SHOULD)" { conform check_mount_option symfollow; }

# idmap and ridmap (SHOULD): the mount gets the id mapping given in its own
# uidMappings and gidMappings (a file the source's root owns shows as the
# mapped host id through the mount).  For ridmap, submounts too.
check_mount_option_idmap() {
  local opt=$1 bindopt=bind file=/m/file pid got
  [ "$opt" = ridmap ] && bindopt=rbind file=/m/sub/file
  bundle
  mount_source "$([ "$opt" = ridmap ] && echo defaults)"
  cfg '.mounts += [{destination: "/m", type: "bind", source: $s, options: [$b, $o],
                    uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
                    gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]' \
    --arg s "$W/src" --arg b "$bindopt" --arg o "$opt"
  rt_create
  pid=$(rt_pid)
  got=$(stat -c %u:%g "/proc/$pid/root$file")
  [ "$got" = 1000:1000 ] || fail "$file shows as $got through the mount, not 1000:1000"
}

@test "config.md Linux mount options: idmap (SHOULD)" { conform check_mount_option_idmap idmap; }
@test "config.md Linux mount options: ridmap (SHOULD)" { conform check_mount_option_idmap ridmap; }

# idmap without mappings, in a container without a user namespace, is an
# error.
check_mount_idmap_without_mappings() {
  bundle
  mount_source
  cfg '.mounts += [{destination: "/m", type: "bind", source: $s, options: ["bind", "idmap"]}]' --arg s "$W/src"
  expect_error "create with idmap and no mappings" rt_try_create
}

@test "config.md Linux mount options: idmap without mappings or user namespace is an error" {
  conform check_mount_idmap_without_mappings
}

# idmap without mappings of its own, in a container with a user namespace:
# the runtime may use the container's mapping for the mount (a file the
# source's root owns shows as the mapped host id), or else it has to report
# an error.
check_mount_idmap_userns_mapping() {
  local pid got
  bundle --copy
  mount_source
  cfg '.linux.namespaces += [{type: "user"}]
       | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
       | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
       | .mounts += [{destination: "/m", type: "bind", source: $s, options: ["bind", "idmap"]}]' --arg s "$W/src"
  rt_try_create || return 0
  pid=$(rt_pid)
  got=$(stat -c %u:%g "/proc/$pid/root/m/file")
  [ "$got" = 100000:100000 ] || fail "/m/file shows as $got: neither the container's mapping nor an error"
}

@test "config.md Linux mount options: idmap without mappings uses the user namespace's or is an error" {
  conform check_mount_idmap_userns_mapping
}

# Options outside the table are filesystem-specific: passed to mount(2) as
# its data (here tmpfs's size).
check_mount_unknown_options_as_data() {
  local pid line
  bundle
  cfg '.mounts += [{destination: "/m", type: "tmpfs", source: "tmpfs", options: ["size=2m"]}]'
  rt_create
  pid=$(rt_pid)
  line=$(mount_line "$pid" /m) || fail "no mount at /m"
  has_word "$(mount_words "$line")" size=2048k || fail "size=2m did not reach tmpfs: $(mount_words "$line")"
}

@test "config.md Linux mount options: other options go to mount(2) as data" {
  conform check_mount_unknown_options_as_data
}

# ---- Process ----------------------------------------------------------------

# consoleSize is ignored when terminal is false.
check_process_console_size_ignored() {
  bundle sh -c 'echo ok'
  cfg '.process.terminal = false | .process.consoleSize = {height: 10, width: 20}'
  rt_run_ok
  [ "$(cat "$W/stdout")" = ok ] || fail "the program wrote \"$(cat "$W/stdout")\""
}

@test "config.md Process: consoleSize is ignored without a terminal" {
  conform check_process_console_size_ignored
}

# cwd has to be an absolute path: a relative one is an error.
check_process_cwd_absolute() {
  bundle true
  cfg '.process.cwd = "tmp"'
  expect_error "a relative cwd" rt_try_create
}

@test "config.md Process: a relative cwd is an error" {
  conform check_process_cwd_absolute
}

# args needs at least one entry: empty args is an error.
check_process_args_required() {
  bundle
  cfg '.process.args = []'
  if rt_try_create; then
    expect_error "start with empty args" rt_try_start
  fi
}

@test "config.md Process: empty args is an error" {
  conform check_process_args_required
}

# args[0] is used like execvp's file: without a slash it is searched in the
# PATH of the process's environment.
check_process_args_path_lookup() {
  bundle conform-prog
  mkdir -p "$B/rootfs/opt/conform"
  printf '#!/bin/sh\necho found\n' >"$B/rootfs/opt/conform/conform-prog"
  chmod 755 "$B/rootfs/opt/conform/conform-prog"
  cfg '.process.env = ["PATH=/opt/conform:/bin"]'
  rt_run_ok
  [ "$(cat "$W/stdout")" = found ] || fail "the program wrote \"$(cat "$W/stdout")\""
}

@test "config.md Process: args[0] is looked up in PATH like execvp" {
  conform check_process_args_path_lookup
}

# ---- POSIX process: rlimits ------------------------------------------------

# A type that maps to no kernel resource is an error.
check_rlimits_unknown_type() {
  bundle
  cfg '.process.rlimits += [{type: "RLIMIT_CONFORM_BOGUS", soft: 1, hard: 1}]'
  if rt_try_create; then
    expect_error "start with an unknown rlimit" rt_try_start
  fi
}

@test "config.md POSIX process: an rlimit type with no kernel resource is an error" {
  conform check_rlimits_unknown_type
}

# rlimit_check FIELD: the process's RLIMIT_NOFILE soft (FIELD 4 of
# /proc/self/limits) or hard (5) limit is the configured one.
rlimit_check() {
  local field=$1 want=$2 got
  bundle sh -c 'grep "^Max open files" /proc/self/limits'
  cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1000, hard: 2000}]'
  rt_run_ok
  got=$(awk -v f="$field" '{ print $f }' "$W/stdout")
  [ "$got" = "$want" ] || fail "the limit is \"$got\", configured $want"
}

check_rlimits_soft() { rlimit_check 4 1000; }
check_rlimits_hard() { rlimit_check 5 2000; }

@test "config.md POSIX process: rlimit soft is the process's rlim_cur" {
  conform check_rlimits_soft
}

@test "config.md POSIX process: rlimit hard is the process's rlim_max" {
  conform check_rlimits_hard
}

# Two rlimits of the same type are an error.
check_rlimits_duplicate() {
  bundle
  cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1000, hard: 2000}, {type: "RLIMIT_NOFILE", soft: 100, hard: 200}]'
  if rt_try_create; then
    expect_error "start with a duplicated rlimit" rt_try_start
  fi
}

@test "config.md POSIX process: duplicated rlimit types are an error" {
  conform check_rlimits_duplicate
}

# ---- Linux process ------------------------------------------------------------

# A capability that cannot be granted (here: one the kernel does not know) is
# logged as a warning, and the container is not failed for it.
check_capabilities_ungrantable() {
  bundle sh -c 'echo ok'
  cfg '.process.capabilities |= with_entries(.value += ["CAP_CONFORM_BOGUS"])'
  rt_run || fail "the container failed for an unknown capability: $(tail -n 1 "$W/stderr")"
  [ "$(cat "$W/stdout")" = ok ] || fail "the program wrote \"$(cat "$W/stdout")\""
}

@test "config.md Linux process: a capability that cannot be granted does not fail the container" {
  conform check_capabilities_ungrantable
}

# With oomScoreAdj set, the process's oom_score_adj is that value.
check_oom_score_adj_set() {
  bundle cat /proc/self/oom_score_adj
  cfg '.process.oomScoreAdj = 234'
  rt_run_ok
  [ "$(cat "$W/stdout")" = 234 ] || fail "oom_score_adj is $(cat "$W/stdout")"
}

@test "config.md Linux process: oomScoreAdj sets oom_score_adj" {
  conform check_oom_score_adj_set
}

# Without oomScoreAdj, the runtime leaves oom_score_adj as it found it (the
# value of the process that called it).
check_oom_score_adj_unset() {
  bundle cat /proc/self/oom_score_adj
  (
    echo 123 >/proc/self/oom_score_adj
    rt_run
  ) || fail "run failed: $(tail -n 1 "$W/stderr")"
  [ "$(cat "$W/stdout")" = 123 ] || fail "oom_score_adj is $(cat "$W/stdout"), the caller's was 123"
}

@test "config.md Linux process: without oomScoreAdj oom_score_adj is unchanged" {
  conform check_oom_score_adj_unset
}

# ---- User ---------------------------------------------------------------------

# uid is the process's user id, gid its group id (in the container).
check_user_ids() {
  local which=$1 want=$2
  bundle id "$which"
  cfg '.process.user = {uid: 1000, gid: 100}'
  rt_run_ok
  [ "$(cat "$W/stdout")" = "$want" ] || fail "id $which is $(cat "$W/stdout")"
}

@test "config.md POSIX-platform User: uid is the process's user ID" {
  conform check_user_ids -u 1000
}

@test "config.md POSIX-platform User: gid is the process's group ID" {
  conform check_user_ids -g 100
}

# ---- Hooks ----------------------------------------------------------------------

# The namespaces of the process running a script, one "TYPE ns" a line.
NS_LINES='for t in pid net uts ipc mnt; do echo "$t $(readlink /proc/self/ns/$t)"; done'

# ns_lines PID: the same for PID, seen from the host.
ns_lines() {
  local t
  for t in pid net uts ipc mnt; do
    echo "$t $(readlink "/proc/$1/ns/$t")"
  done
}

# A hook in the rootfs, at /conform-hooks/NAME, that reads the state into
# $state and runs BODY.
rootfs_hook() {
  mkdir -p "$B/rootfs/conform-hooks"
  printf '#!/bin/sh\nstate=$(cat)\n%s\n' "$2" >"$B/rootfs/conform-hooks/$1"
  chmod 755 "$B/rootfs/conform-hooks/$1"
}

# Hooks are called in the listed order.
check_hooks_order() {
  local n
  bundle
  for n in 1 2 3; do
    add_hook createRuntime "$(hook_script "h$n" "echo $n >> '$W/order'")"
  done
  rt_create
  [ "$(tr '\n' ' ' <"$W/order")" = "1 2 3 " ] || fail "the hooks ran as: $(tr '\n' ' ' <"$W/order")"
}

@test "config.md POSIX-platform Hooks: hooks are called in the listed order" {
  conform check_hooks_order
}

# Every hook gets the container's state on its stdin.
check_hooks_state_on_stdin() {
  local kind f bad=''
  bundle sleep 1000
  share
  for kind in prestart createRuntime createContainer poststart poststop; do
    add_hook "$kind" "$(hook_script "$kind" "printf '%s' \"\$state\" > '$W/$kind.state'")"
  done
  rootfs_hook startContainer 'printf "%s" "$state" > /shared/startContainer.state'
  add_hook startContainer /conform-hooks/startContainer
  rt_up
  wait_file "$SHARED/startContainer.state"
  rt kill "$CID" KILL || fail "kill failed"
  rt_wait_status stopped
  rt delete "$CID" || fail "delete failed"
  for kind in prestart createRuntime createContainer startContainer poststart poststop; do
    f=$W/$kind.state
    [ "$kind" = startContainer ] && f=$SHARED/$kind.state
    jq -e --arg id "$CID" --arg b "$B" '.id == $id and .bundle == $b and (.status | type) == "string"' "$f" >/dev/null 2>&1 ||
      bad+=" $kind"
  done
  [ -z "$bad" ] || fail "no state (with the container's id and bundle) on the stdin of:$bad"
}

@test "config.md POSIX-platform Hooks: the state is passed to hooks on stdin" {
  conform check_hooks_state_on_stdin
}

# prestart and createRuntime hooks run during create, once the environment
# is set up (namespaces made, mounts done) and before pivot_root: the
# container process is in its own network namespace, its rootfs has its
# /proc mount, and its root is still the host's.
check_hooks_create_time() {
  local kind=$1 root net proc
  bundle
  add_hook "$kind" "$(hook_script "$kind" "
pid=\$(printf '%s' \"\$state\" | jq -r .pid)
echo \"\$(stat -L -c %d:%i /proc/\$pid/root/)\" > '$W/$kind.root'
readlink /proc/\$pid/ns/net > '$W/$kind.net'
awk '\$5 == \"$B/rootfs/proc\"' /proc/\$pid/mountinfo > '$W/$kind.proc'")"
  rt_create
  [ -e "$W/$kind.root" ] || fail "the $kind hook did not run during create"
  [ "$(cat "$W/$kind.net")" != "$(ns_of self net)" ] || fail "the container's namespaces did not exist yet"
  [ -s "$W/$kind.proc" ] || fail "the container's mounts were not made yet"
  [ "$(cat "$W/$kind.root")" = "$(dev_ino /)" ] || fail "pivot_root had already happened"
}

@test "config.md Prestart: prestart hooks run during create, after setup, before pivot_root" {
  conform check_hooks_create_time prestart
}

@test "config.md CreateRuntime Hooks: createRuntime hooks run during create, after setup, before pivot_root" {
  conform check_hooks_create_time createRuntime
}

# createContainer hooks run during create, once the environment is set up
# and before pivot_root: (in the container's mount namespace) the rootfs has
# its /proc mount and the root is still the host's.
check_hooks_create_container_time() {
  bundle
  add_hook createContainer "$(hook_script createContainer "
stat -L -c %d:%i / > '$W/cc.root'
awk '\$5 == \"$B/rootfs/proc\"' /proc/self/mountinfo > '$W/cc.proc'")"
  rt_create
  [ -e "$W/cc.root" ] || fail "the createContainer hook did not run during create"
  [ -s "$W/cc.proc" ] || fail "the container's mounts were not made yet"
  [ "$(cat "$W/cc.root")" = "$(dev_ino /)" ] || fail "pivot_root had already happened"
}

@test "config.md CreateContainer Hooks: createContainer hooks run during create, after setup, before pivot_root" {
  conform check_hooks_create_container_time
}

# hooks_sequence FIRST SECOND: FIRST's hooks are called before SECOND's.
hooks_sequence() {
  bundle
  add_hook "$2" "$(hook_script "$2" "echo $2 >> '$W/order'")"
  add_hook "$1" "$(hook_script "$1" "echo $1 >> '$W/order'")"
  rt_create
  [ "$(tr '\n' ' ' <"$W/order")" = "$1 $2 " ] || fail "the hooks ran as: $(tr '\n' ' ' <"$W/order" 2>/dev/null)"
}

check_prestart_before_create_runtime() { hooks_sequence prestart createRuntime; }
check_create_runtime_before_create_container() { hooks_sequence createRuntime createContainer; }

@test "config.md Prestart: prestart hooks are called before createRuntime hooks" {
  conform check_prestart_before_create_runtime
}

@test "config.md CreateContainer Hooks: createContainer hooks are called after createRuntime hooks" {
  conform check_create_runtime_before_create_container
}

# startContainer hooks run as part of start, before the user program: the
# program finds the hook's mark when it starts.
check_hooks_start_container_time() {
  bundle sh -c 'if [ -e /shared/hook ]; then echo after; else echo before; fi > /shared/program; sleep 1000'
  share
  rootfs_hook startContainer 'touch /shared/hook'
  add_hook startContainer /conform-hooks/startContainer
  rt_up
  wait_file "$SHARED/program"
  sleep 0.05
  [ "$(cat "$SHARED/program")" = after ] || fail "the user program started before the startContainer hook ran"
}

@test "config.md StartContainer Hooks: startContainer hooks run during start, before the user program" {
  conform check_hooks_start_container_time
}

# poststart hooks run after the user program is executed and before start
# returns: the hook sees the program in the container process.
check_hooks_poststart_time() {
  bundle sleep 1000
  add_hook poststart "$(hook_script poststart "
pid=\$(printf '%s' \"\$state\" | jq -r .pid)
tr '\\0' ' ' < /proc/\$pid/cmdline > '$W/poststart.cmdline'")"
  rt_create
  [ ! -e "$W/poststart.cmdline" ] || fail "the poststart hook ran during create"
  rt_start
  [ -e "$W/poststart.cmdline" ] || fail "the poststart hook had not run when start returned"
  [ "$(cat "$W/poststart.cmdline")" = "sleep 1000 " ] ||
    fail "the container process ran \"$(cat "$W/poststart.cmdline")\", not yet the program"
}

@test "config.md Poststart: poststart hooks run after the program is executed, before start returns" {
  conform check_hooks_poststart_time
}

# poststop hooks run after the container is deleted (its cgroup is gone)
# and before delete returns.
check_hooks_poststop_time() {
  local pid
  bundle sleep 1000
  # The hook reads the container's pids cgroup from $W/cgroup, saved while
  # the container runs.
  add_hook poststop "$(hook_script poststop "
cg=/sys/fs/cgroup/pids\$(awk -F: '\$2 == \"pids\" { print \$3 }' '$W/cgroup')
if [ -d \"\$cg\" ]; then echo present; else echo gone; fi > '$W/poststop.cgroup'")"
  rt_up
  pid=$(rt_pid)
  cp "/proc/$pid/cgroup" "$W/cgroup"
  rt kill "$CID" KILL || fail "kill failed"
  rt_wait_status stopped
  rt delete "$CID" || fail "delete failed"
  [ -e "$W/poststop.cgroup" ] || fail "the poststop hook had not run when delete returned"
  [ "$(cat "$W/poststop.cgroup")" = gone ] || fail "the container's cgroup still existed when the poststop hook ran"
}

@test "config.md Poststop: poststop hooks run after the container is deleted, before delete returns" {
  conform check_hooks_poststop_time
}

# hook_ns_check KIND WHERE: the KIND hook ran in the runtime's namespaces
# (WHERE=runtime: pid, net, uts and ipc are the host's) or the container's
# (WHERE=container: all five are the container process's).
check_hooks_namespace() {
  local kind=$1 where=$2 out pid want got types=(pid net uts ipc)
  bundle sleep 1000
  share
  out=$W/$kind.ns
  if [ "$kind" = startContainer ]; then
    rootfs_hook startContainer "{ $NS_LINES; } > /shared/$kind.ns"
    add_hook startContainer /conform-hooks/startContainer
    out=$SHARED/$kind.ns
  else
    add_hook "$kind" "$(hook_script "$kind" "{ $NS_LINES; } > '$out'")"
  fi
  rt_up
  pid=$(rt_pid)
  if [ "$where" = container ]; then
    want=$(ns_lines "$pid")
    types+=(mnt)
  else
    want=$(ns_lines self)
  fi
  if [ "$kind" = poststop ]; then
    rt kill "$CID" KILL || fail "kill failed"
    rt_wait_status stopped
    rt delete "$CID" || fail "delete failed"
  fi
  wait_file "$out"
  for t in "${types[@]}"; do
    got=$(awk -v t="$t" '$1 == t { print $2 }' "$out")
    [ "$got" = "$(awk -v t="$t" '$1 == t { print $2 }' <<<"$want")" ] ||
      fail "the $kind hook ran in $got, not the $where's $t namespace"
  done
}

@test "config.md Prestart: prestart hooks run in the runtime namespace" {
  conform check_hooks_namespace prestart runtime
}

@test "config.md CreateRuntime Hooks: createRuntime hooks run in the runtime namespace" {
  conform check_hooks_namespace createRuntime runtime
}

@test "config.md CreateContainer Hooks: createContainer hooks run in the container namespace" {
  conform check_hooks_namespace createContainer container
}

@test "config.md StartContainer Hooks: startContainer hooks run in the container namespace" {
  conform check_hooks_namespace startContainer container
}

@test "config.md Poststart: poststart hooks run in the runtime namespace" {
  conform check_hooks_namespace poststart runtime
}

@test "config.md Poststop: poststop hooks run in the runtime namespace" {
  conform check_hooks_namespace poststop runtime
}

# hook path resolution: the same absolute path exists on the host and in the
# rootfs, each file leaving its own mark; the one from the runtime namespace
# (or, for startContainer, the container namespace) has to run.
check_hooks_path() {
  local kind=$1 where=$2 path mark
  bundle sleep 1000
  share
  path=$W/hooks/which-$kind
  hook_script "which-$kind" "echo runtime >> '$SHARED/which'" >/dev/null
  mkdir -p "$B/rootfs$W/hooks"
  printf '#!/bin/sh\ncat >/dev/null\necho container >> /shared/which\n' >"$B/rootfs$path"
  chmod 755 "$B/rootfs$path"
  add_hook "$kind" "$path"
  rt_up
  if [ "$kind" = poststop ]; then
    rt kill "$CID" KILL || fail "kill failed"
    rt_wait_status stopped
    rt delete "$CID" || fail "delete failed"
  fi
  wait_file "$SHARED/which"
  sleep 0.05
  mark=$(cat "$SHARED/which")
  [ "$mark" = "$where" ] || fail "the $kind hook path resolved in the ${mark:-?} namespace"
}

@test "config.md Prestart: the prestart hook path resolves in the runtime namespace" {
  conform check_hooks_path prestart runtime
}

@test "config.md CreateRuntime Hooks: the createRuntime hook path resolves in the runtime namespace" {
  conform check_hooks_path createRuntime runtime
}

@test "config.md CreateContainer Hooks: the createContainer hook path resolves in the runtime namespace" {
  conform check_hooks_path createContainer runtime
}

@test "config.md StartContainer Hooks: the startContainer hook path resolves in the container namespace" {
  conform check_hooks_path startContainer container
}

@test "config.md Poststart: the poststart hook path resolves in the runtime namespace" {
  conform check_hooks_path poststart runtime
}

@test "config.md Poststop: the poststop hook path resolves in the runtime namespace" {
  conform check_hooks_path poststop runtime
}

# ---- Annotations ------------------------------------------------------------

# Unknown annotation keys are handled like unknown properties: no error.
check_annotations_unknown_keys() {
  bundle
  cfg '.annotations = {"com.example.conform.unknown": "value", "org.example.other": ""}'
  rt_create
}

@test "config.md Annotations: unknown annotation keys are not an error" {
  conform check_annotations_unknown_keys
}

# Annotation values have to be strings: another type is an invalid value,
# an error.
check_annotations_non_string() {
  bundle
  cfg '.annotations = {"com.example.conform.number": 1}'
  expect_error "create with a non-string annotation value" rt_try_create
}

@test "config.md Annotations: a non-string annotation value is an error" {
  conform check_annotations_non_string
}

# ---- Extensibility ----------------------------------------------------------

# Unknown properties are ignored, not an error.
check_extensibility_unknown_properties() {
  bundle sh -c 'echo ok'
  cfg '."com.example.conformUnknown" = {a: 1} | .process.conformUnknown = true | .linux.conformUnknown = [1]
       | .mounts[0].conformUnknown = "x" | .root.conformUnknown = null'
  rt_run || fail "run failed with unknown properties: $(tail -n 1 "$W/stderr")"
  [ "$(cat "$W/stdout")" = ok ] || fail "the program wrote \"$(cat "$W/stdout")\""
}

@test "config.md Extensibility: unknown properties are ignored" {
  conform check_extensibility_unknown_properties
}

# ---- Valid values -----------------------------------------------------------

# An invalid value (a rootfsPropagation outside its set) is an error.
check_valid_values() {
  bundle
  cfg '.linux.rootfsPropagation = "conform-bogus"'
  expect_error "create with an invalid rootfsPropagation" rt_try_create
}

@test "config.md Valid values: an invalid value is an error" {
  conform check_valid_values
}
