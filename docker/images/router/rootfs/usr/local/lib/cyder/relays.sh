# The router's relays (sourced by start-router and relays). /run/router/forwards has one
# LISTEN_PORT:HOST:PORT a line; PORT.pid is the pid of that port's listener, PORT.stopped is
# there while the defenders keep the relay stopped. Fork-free: PID 1 runs these every second.

# Sets $pid to the listener of port $1 and succeeds while it is listening. NULs drop out of the
# command line as read reads it, so it reads "nc-ll-pPORT-e..." (a dead or zombie one reads "").
relay_listening() {
  pid=
  [ -r "/run/router/$1.pid" ] && read -r pid < "/run/router/$1.pid"
  [ -n "$pid" ] || return 1
  cmdline=
  read -r cmdline 2>/dev/null < "/proc/$pid/cmdline"
  case "$cmdline" in "nc-ll-p$1-e"*) return 0 ;; esac
  return 1
}

# relay_start LISTEN_PORT HOST PORT: one listener; each connection is relayed by relay-connection.
relay_start() {
  nc -ll -p "$1" -e /usr/local/bin/relay-connection "$1" "$2" "$3" &
  echo $! > "/run/router/$1.pid"
}
