# Shared start-up helpers of the range images (each image carries its own copy).
# Sourced by /usr/local/bin/start-*; writable state lives under /run and /tmp
# (tmpfs on a read-only root): /var/log -> /run/log, crontabs -> /run/crontabs.

PIDS=""
mkdir -p /run/log /run/crontabs /tmp

# PID 1 exits on SIGTERM at once, so stop and teardown never wait for the kill timeout.
trap 'kill $PIDS 2>/dev/null; exit 0' TERM INT

remember() { PIDS="$PIDS $1"; }

# Local syslog into /run/log/messages (logger, crond and the services write there).
start_syslog() {
  syslogd -n -O /run/log/messages &
  remember $!
}

# Ships /run/log/messages to $LOGSERVER (host[:port], TCP, default port 514) when it is set.
start_log_shipper() {
  [ -n "$LOGSERVER" ] || return 0
  /usr/local/bin/log-ship &
  remember $!
}

idle_forever() {
  while :; do sleep 3600 & wait $!; done
}
