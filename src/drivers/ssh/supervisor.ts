/**
 * The supervisor the ssh driver ships to each host (as <root>/.slipway/supervise.sh): plain POSIX
 * sh and awk, so a host needs nothing installed. It is what the process driver's shim is locally:
 * it runs the app in its own process group, appends its output to the log with secret values
 * redacted, restarts it with back-off when it exits, records pids and state in the replica's
 * directory, and on TERM stops it (the configured signal, the grace period, then KILL).
 */
export const SUPERVISOR_SH = String.raw`#!/bin/sh
# Slipway's replica supervisor (shipped by the ssh driver; POSIX sh, no other dependency than awk).
# Usage: supervise.sh REPLICA_ID, with SLIPWAY_SUP_DIR, _CMD, _LOG, _SIGNAL, _GRACE_MS in the
# environment. Runs the app in its own process group with its output (secrets redacted) appended
# to the log, restarts it with back-off when it exits, and on TERM stops it: the signal, the grace
# period, then KILL. State files in SLIPWAY_SUP_DIR: supervisor.pid, app.pid, state, restarts, last-exit.
set -u
dir=$SLIPWAY_SUP_DIR
log=$SLIPWAY_SUP_LOG
stopping=0
app=
redactor=
restarts=0
echo $$ >"$dir/supervisor.pid"
echo 0 >"$dir/restarts"

# Copies stdin to the log, each secret value (named in SLIPWAY_SECRET_NAMES) replaced by [REDACTED].
redact() {
  awk 'BEGIN { n = split(ENVIRON["SLIPWAY_SECRET_NAMES"], names, " "); k = 0
         for (i = 1; i <= n; i++) { v = ENVIRON[names[i]]; if (v != "") secret[++k] = v } }
       { line = $0
         for (i = 1; i <= k; i++) { s = secret[i]; out = ""
           while ((p = index(line, s)) > 0) { out = out substr(line, 1, p - 1) "[REDACTED]"; line = substr(line, p + length(s)) }
           line = out line }
         print line; fflush() }' >>"$log"
}

# Whether any process of the app's group (or the app itself, without setsid) is alive.
app_alive() { [ -n "$app" ] && { kill -s 0 -- "-$app" 2>/dev/null || kill -s 0 "$app" 2>/dev/null; }; }
signal_app() { kill -s "$1" -- "-$app" 2>/dev/null || kill -s "$1" "$app" 2>/dev/null; }

stop() {
  stopping=1
  if app_alive; then
    signal_app "$SLIPWAY_SUP_SIGNAL"
    ticks=$((SLIPWAY_SUP_GRACE_MS / 100))
    while app_alive && [ "$ticks" -gt 0 ]; do sleep 0.1; ticks=$((ticks - 1)); done
    app_alive && signal_app KILL
  fi
  echo stopped >"$dir/state"
  rm -f "$dir/app.pid" "$dir/supervisor.pid" "$dir/out"
  exit 0
}
trap stop TERM INT HUP

rm -f "$dir/out"
mkfifo "$dir/out"
# The app gets its own session and process group (setsid), so a stop reaches its children too.
launch=
command -v setsid >/dev/null 2>&1 && launch=setsid
while :; do
  redact <"$dir/out" &
  redactor=$!
  $launch sh -c "$SLIPWAY_SUP_CMD" >"$dir/out" 2>&1 </dev/null &
  app=$!
  echo "$app" >"$dir/app.pid"
  echo running >"$dir/state"
  wait "$app"
  code=$?
  [ "$stopping" = 1 ] && stop
  # What the app left running in its group goes with it (and lets the redactor see the end of its output).
  app_alive && signal_app KILL
  wait "$redactor" 2>/dev/null
  restarts=$((restarts + 1))
  echo "$restarts" >"$dir/restarts"
  echo "$code $(date +%s)" >"$dir/last-exit"
  echo restarting >"$dir/state"
  echo "[slipway] the app exited with code $code; restart $restarts" >>"$log"
  delay=$restarts
  [ "$delay" -gt 30 ] && delay=30
  sleep "$delay"
  [ "$stopping" = 1 ] && stop
done
`;
