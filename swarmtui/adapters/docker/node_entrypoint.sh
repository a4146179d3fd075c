#!/bin/sh
# Entrypoint of a swarmtui lab node (Docker-in-Docker without --privileged).
# Prepares the cgroup filesystems a nested dockerd and runc need, optionally
# starts sshd, then becomes dockerd (unless SWARMTUI_DOCKERD=0). Individual
# mount failures are tolerated: dockerd reports what it really lacks.
set -u

log() { echo "swarmtui-node: $*" >&2; }

mount -o remount,rw /sys || log "cannot remount /sys read-write"

mount_v1() {
    # $1: comma-separated controllers as listed in /proc/self/cgroup
    dir=/sys/fs/cgroup/$1
    mkdir -p "$dir"
    if ! mount -t cgroup -o "$1" cgroup "$dir"; then
        log "cannot mount cgroup $1"
        rmdir "$dir"
        return
    fi
    # Co-mounted controllers (e.g. cpu,cpuacct) also get one symlink each.
    case $1 in
        *,*)
            for c in $(echo "$1" | tr , ' '); do
                [ -e "/sys/fs/cgroup/$c" ] || ln -s "$1" "/sys/fs/cgroup/$c"
            done
            ;;
    esac
}

if [ "$(grep -vc '^0::' /proc/self/cgroup)" = 0 ]; then
    # cgroup v2 only: a writable cgroup2 root, with this process moved into a
    # leaf so dockerd may enable controllers for its children.
    umount /sys/fs/cgroup 2>/dev/null
    mount -t cgroup2 cgroup2 /sys/fs/cgroup || log "cannot mount cgroup2"
    mkdir -p /sys/fs/cgroup/init
    xargs -rn1 </sys/fs/cgroup/cgroup.procs >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null
    sed 's/[^ ]\+/+&/g' /sys/fs/cgroup/cgroup.controllers \
        >/sys/fs/cgroup/cgroup.subtree_control || log "cannot enable cgroup2 controllers"
else
    mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup || log "cannot mount tmpfs on /sys/fs/cgroup"
    # Hierarchies as the kernel lists them first, so co-mounted ones such as
    # cpu,cpuacct are mounted together (mounting a subset fails with EBUSY).
    for h in $(cut -d: -f2 /proc/self/cgroup | grep -v '^name=\|^$') \
        cpu cpuacct cpuset memory devices freezer blkio pids; do
        [ -e "/sys/fs/cgroup/$h" ] || mount_v1 "$h"
    done
    # runc fails with 'error mounting "cgroup" ... no such file or directory'
    # without the name=systemd hierarchy.
    mkdir -p /sys/fs/cgroup/systemd
    mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd \
        || log "cannot mount cgroup name=systemd"
    mkdir -p /sys/fs/cgroup/unified
    mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified || log "cannot mount cgroup2 on unified"
fi

if [ "${SWARMTUI_SSHD:-0}" = 1 ]; then
    ssh-keygen -A
    mkdir -p /run/sshd /root/.ssh
    chmod 700 /root/.ssh
    /usr/sbin/sshd || log "sshd failed to start"
fi

# SWARMTUI_DOCKERD=0: a host without a running engine (tests install Docker on it).
if [ "${SWARMTUI_DOCKERD:-1}" = 0 ]; then
    exec sleep infinity
fi

# --tls=false states the intent of the plain TCP listener (published on the host's
# loopback only), which spares dockerd's deliberate start-up delay for it.
# A node killed and started again keeps its writable layer: stale pid files would stop
# dockerd and containerd from starting.
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid /run/containerd/containerd.pid
exec dockerd -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2375 --tls=false "$@"
