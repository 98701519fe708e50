# shellcheck shell=bash
# Shared definitions for tools/cross/{setup,swift,run,ci-stage}. Sourced, not executed.
#
# Layout of the cross environment (all under $XC, outside any clone):
#   $XC/apt/                      private apt configuration, lists and cache (the machine's apt is untouched)
#   $XC/debs/{bookworm,trixie}/   downloaded .debs (+ versions.txt)
#   $XC/sdk/bookworm-arm64.artifactbundle/bookworm-arm64/   Swift SDK (swift-sdk.json, toolset.json, sysroot/)
#   $XC/testroot-arm64/           run-time root for dynamically linked test binaries (QEMU_LD_PREFIX)
#   $XC/trixie-amd64/             trixie amd64 chroot with Debian's swiftlang 6.0.3 (the cross compiler) + git
#   $XC/stamps/                   one stamp per setup stage (content = hash of the stage's inputs)

XC=${HCCEDGE_CROSS:-/var/cache/hccedge-cross}
MIRROR=${HCCEDGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SDK_NAME=bookworm-arm64
SDKS=$XC/sdk
SDK=$SDKS/$SDK_NAME.artifactbundle/$SDK_NAME
SYSROOT=$SDK/sysroot
TESTROOT=$XC/testroot-arm64
CH=$XC/trixie-amd64
STAMPS=$XC/stamps
LOCK=$XC/.lock
TRIPLE=aarch64-unknown-linux-gnu
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[%s] %s\n' "${LOG_TAG:-cross}" "$*" >&2; }
die() { log "error: $*"; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (chroot, mount namespaces, binfmt)"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# binfmt_misc + qemu-aarch64 (fix-binary flag set by Debian's qemu-user-static, so it also works inside chroots)
enable_binfmt() {
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64 >/dev/null
  grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || echo 1 > /proc/sys/fs/binfmt_misc/qemu-aarch64
  grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "cannot enable binfmt qemu-aarch64"
}

# The chroot's git must use the host's insteadOf rules (offline package mirror): keep a copy of /etc/gitconfig
# (replaced atomically, so concurrent users never see a half-written file).
sync_gitconfig() {
  if [ -f /etc/gitconfig ] && ! cmp -s /etc/gitconfig "$CH/etc/gitconfig"; then
    cp /etc/gitconfig "$CH/etc/gitconfig.tmp.$$" && mv "$CH/etc/gitconfig.tmp.$$" "$CH/etc/gitconfig"
  fi
}

require_setup() {
  [ -f "$STAMPS/ready" ] || die "cross environment at $XC not (completely) set up; run tools/cross/setup"
}

# Take the environment lock: "exclusive" for setup (modifies), "shared" for users (builds, may run concurrently).
take_lock() {
  local mode=--shared
  [ "${1:-shared}" = exclusive ] && mode=--exclusive
  mkdir -p "$XC"
  exec 9>>"$LOCK"
  flock "$mode" --wait "${HCCEDGE_CROSS_LOCK_WAIT:-3600}" 9 || die "timed out waiting for lock $LOCK"
}

# Run a command inside the chroot, in private mount and PID namespaces: every mount made for it disappears with
# the namespace when the command exits (nothing leaks to the host, concurrent calls do not interfere), and when the
# caller dies or is killed (Ctrl-C, CI timeout) every process started inside (test binaries under qemu included,
# even in their own process groups) is killed with it (--kill-child + PID namespace).
# Extra bind mounts: XBINDS, newline-separated "SRC|DST|ro-or-rw" (DST is the path inside the chroot).
in_chroot() {
  XBINDS=${XBINDS:-} CH=$CH CHROOT_PATH=$CHROOT_PATH \
    unshare --mount --propagation private --pid --fork --kill-child -- bash -c '
      set -euo pipefail
      mount -t proc proc "$CH/proc"
      mount --rbind /dev "$CH/dev"
      mount --rbind /sys "$CH/sys" 2>/dev/null || true
      while IFS="|" read -r src dst mode; do
        [ -n "$src" ] || continue
        mkdir -p "$CH$dst"
        mount --bind "$src" "$CH$dst"
        if [ "$mode" = ro ]; then mount -o remount,bind,ro "$CH$dst"; fi
      done <<<"$XBINDS"
      unset XBINDS TMPDIR APT_CONFIG
      # not exec: this shell is PID 1 of the namespace and reaps orphans while the command runs
      chroot "$CH" /usr/bin/env PATH="$CHROOT_PATH" HOME=/root LANG=C.UTF-8 "$@"
    ' in_chroot "$@"
}
