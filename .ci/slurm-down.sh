#!/usr/bin/env bash
# Stop the one-node CI cluster started by .ci/slurm-up.sh (slurmd, slurmctld,
# munged), by the pids in their pid files only. Safe to run when nothing is
# running. Packages, config and spool state are left in place.
set -euo pipefail

RUN_DIR=/run/slurm
TIMEOUT="${SLURM_DOWN_TIMEOUT:-30}"

log() { printf '[slurm-down] %s\n' "$*" >&2; }

# stop PIDFILE NAME: SIGTERM the process named NAME in PIDFILE, wait, then
# SIGKILL if it is still there.
stop() {
    local pidfile="$1" name="$2" pid i
    if [[ ! -s "$pidfile" ]]; then
        log "$name: no pid file, not running"
        return 0
    fi
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [[ -z "$pid" || ! -d "/proc/$pid" ]] \
        || [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$name" ]]; then
        log "$name: stale pid file, not running"
        rm -f "$pidfile"
        return 0
    fi
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for (( i = 0; i < TIMEOUT * 10; i++ )); do
        [[ -d "/proc/$pid" ]] || break
        sleep 0.1
    done
    if [[ -d "/proc/$pid" ]]; then
        log "$name did not stop in ${TIMEOUT}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$pidfile"
}

stop "$RUN_DIR/slurmd.pid" slurmd
stop "$RUN_DIR/slurmctld.pid" slurmctld
stop /run/munge/munged.pid munged
log "cluster down"
