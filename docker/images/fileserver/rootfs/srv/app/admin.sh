# Maintenance console: runs the POSTed command and returns its output.
# Only as safe as the basic-auth password in /run/httpd.conf.
echo "Content-Type: text/plain; charset=utf-8"
echo ""
command=$(head -c "${CONTENT_LENGTH:-0}")
logger -t admin-console "user=${REMOTE_USER:-?} from=${REMOTE_ADDR:-?} command: $command"
sh -c "$command" 2>&1
