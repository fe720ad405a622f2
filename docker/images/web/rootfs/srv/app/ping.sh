# /cgi-bin/ping?host=ADDRESS - "network check" page of the corporate site.
# VULNERABLE ON PURPOSE: the host parameter reaches eval, so
# host=127.0.0.1;id runs `id` on the server (command injection).
echo "Content-Type: text/plain; charset=utf-8"
echo ""
raw=$(echo "$QUERY_STRING" | sed -n 's/^\(.*&\)\{0,1\}host=\([^&]*\).*$/\2/p')
host=$(httpd -d "$raw")
logger -t webapp "ping request from ${REMOTE_ADDR:-?}: host=$host"
echo "Network check: $host"
eval "ping -c 1 -W 1 $host" 2>&1
