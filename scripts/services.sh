#!/usr/bin/env bash
# Readies this machine for the CYDER range backend. Idempotent: it prints what it found and what
# it did, and when it cannot do a step it says exactly what you must do.
#   - Docker engine (Debian's docker.io) and busybox-static, dockerd started in the background
#   - Debian's chromium (and a CJK font) for the consoles' browser test
#   - PostgreSQL and Redis started if they do not answer (installed with apt if missing)
#   - the database role and database of DATABASE_URL
set -euo pipefail

DATABASE_URL="${DATABASE_URL:-postgres://cyder:cyder@127.0.0.1:5432/cyder}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
DOCKER_SOCKET="${DOCKER_SOCKET:-/var/run/docker.sock}"
# Docker's own pools for non-range networks; range subnets come from the app's pool (RANGE_SUBNET_POOL).
DOCKER_ADDRESS_POOL="${DOCKER_ADDRESS_POOL:-base=10.213.0.0/16,size=24}"
LOG_DIR="${SERVICES_LOG_DIR:-/var/log/cyder-range}"

say() { printf '[services] %s\n' "$*"; }
fail() { printf '[services] CANNOT CONTINUE: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }
APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "apt-get is not available. Install these packages yourself, then run this script again: $*"
  fi
  if ! is_root; then
    fail "installing $* needs root. Run: sudo apt-get update && sudo apt-get install -y $*   (or run this script with sudo)"
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # seconds, description, command...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 4))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  fail "$what did not come up within ${seconds}s"
}

mkdir -p "$LOG_DIR" 2>/dev/null || LOG_DIR=/tmp
# --- Docker engine --------------------------------------------------------------------------------
docker_answers() { curl -s --max-time 3 --unix-socket "$DOCKER_SOCKET" http://localhost/_ping | grep -q OK; }
if ! command -v curl >/dev/null 2>&1; then apt_install curl; fi
if docker_answers; then
  say "Docker engine: answers on $DOCKER_SOCKET"
else
  if ! command -v dockerd >/dev/null 2>&1; then
    apt_install docker.io
  fi
  if ! is_root; then
    fail "the Docker engine is not running and starting dockerd needs root. Run: sudo dockerd --default-address-pool $DOCKER_ADDRESS_POOL &"
  fi
  say "Docker engine: starting dockerd (log: $LOG_DIR/dockerd.log)"
  nohup dockerd --host "unix://$DOCKER_SOCKET" --default-address-pool "$DOCKER_ADDRESS_POOL" \
    >>"$LOG_DIR/dockerd.log" 2>&1 </dev/null &
  wait_for 60 "dockerd" docker_answers
  say "Docker engine: up"
fi

# --- busybox-static: the userland of every range image --------------------------------------------
BUSYBOX_PATH="${BUSYBOX_PATH:-/bin/busybox}"
if [ -x "$BUSYBOX_PATH" ] && ! (command -v ldd >/dev/null && ldd "$BUSYBOX_PATH" 2>&1 | grep -q '=>'); then
  say "busybox-static: $BUSYBOX_PATH is there and static"
else
  apt_install busybox-static
  say "busybox-static: installed"
fi

# --- chromium: the real browser of the consoles' e2e test (driven by playwright-core, nothing downloaded) --
# fonts-noto-cjk: without a CJK font the Japanese console renders as empty boxes in screenshots.
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM_PATH" ]; then
  say "chromium: $CHROMIUM_PATH is there"
else
  apt_install chromium fonts-noto-cjk
  say "chromium: installed"
fi

# --- PostgreSQL -----------------------------------------------------------------------------------
PGHOST=$(node -e 'console.log(new URL(process.argv[1]).hostname)' "$DATABASE_URL")
PGPORT=$(node -e 'console.log(new URL(process.argv[1]).port||5432)' "$DATABASE_URL")
pg_answers() { pg_isready -q -h "$PGHOST" -p "$PGPORT"; }
if ! command -v pg_isready >/dev/null 2>&1; then apt_install postgresql postgresql-client; fi
if pg_answers; then
  say "PostgreSQL: answers on $PGHOST:$PGPORT"
else
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then apt_install postgresql; fi
  is_root || fail "PostgreSQL is not running and starting it needs root. Run: sudo pg_ctlcluster \$(ls /etc/postgresql) main start"
  say "PostgreSQL: starting the $(ls /etc/postgresql) cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  wait_for 30 "PostgreSQL" pg_answers
  say "PostgreSQL: up"
fi

# --- Redis ----------------------------------------------------------------------------------------
REDIS_HOST=$(node -e 'console.log(new URL(process.argv[1]).hostname)' "$REDIS_URL")
REDIS_PORT=$(node -e 'console.log(new URL(process.argv[1]).port||6379)' "$REDIS_URL")
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then apt_install redis-server; fi
redis_answers() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping | grep -q PONG; }
# Persistence: the queued jobs and the delayed attack steps live in Redis, so it keeps an append-only
# file (fsync every second) and a restart brings them back (PostgreSQL stays the source of truth:
# the scenario reconciler requeues steps a Redis without persistence lost).
REDIS_DIR="${REDIS_DIR:-/var/lib/cyder-range/redis}"
if redis_answers; then
  say "Redis: answers on $REDIS_HOST:$REDIS_PORT"
  AOF=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config get appendonly 2>/dev/null | sed -n 2p || true)
  if [ "$AOF" = "yes" ]; then
    say "Redis: append-only file on"
  elif redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config set appendonly yes 2>/dev/null | grep -q OK; then
    say "Redis: append-only file was off; turned on with CONFIG SET appendonly yes (for this run of redis-server;"
    say "       add 'appendonly yes' to its redis.conf to keep it after a restart of that server)"
  else
    say "Redis: append-only file is off and CONFIG SET is refused; queued jobs would not survive a Redis restart."
    say "       Add 'appendonly yes' to its redis.conf and restart it (the scenario reconciler still requeues attack steps)."
  fi
else
  mkdir -p "$REDIS_DIR"
  say "Redis: starting redis-server on $REDIS_HOST:$REDIS_PORT with an append-only file in $REDIS_DIR (log: $LOG_DIR/redis.log)"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" \
    --appendonly yes --appendfsync everysec --dir "$REDIS_DIR" --logfile "$LOG_DIR/redis.log"
  wait_for 15 "Redis" redis_answers
  say "Redis: up"
fi

# --- database role and database -------------------------------------------------------------------
DB_USER=$(node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).username)||"cyder")' "$DATABASE_URL")
DB_PASS=$(node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).password))' "$DATABASE_URL")
DB_NAME=$(node -e 'console.log(new URL(process.argv[1]).pathname.slice(1)||"cyder")' "$DATABASE_URL")
as_superuser() {
  if psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
    psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
  elif is_root && command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- psql -p "$PGPORT" -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
  else
    fail "cannot reach PostgreSQL as a superuser to create role $DB_USER and database $DB_NAME. As the postgres user run:
  CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '<password>'; CREATE DATABASE $DB_NAME OWNER $DB_USER;"
  fi
}
if [ "$(as_superuser -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" = "1" ]; then
  say "database role $DB_USER: exists"
else
  # CREATEDB: the e2e suite creates (and drops) its own database per run.
  as_superuser -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '${DB_PASS//\'/\'\'}'"
  say "database role $DB_USER: created"
fi
if [ "$(as_superuser -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" = "1" ]; then
  say "database $DB_NAME: exists"
else
  as_superuser -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\""
  say "database $DB_NAME: created"
fi
say "ready: DATABASE_URL=$(node -e 'const u=new URL(process.argv[1]); if(u.password) u.password="***"; console.log(u.toString())' "$DATABASE_URL") REDIS_URL=$REDIS_URL DOCKER_SOCKET=$DOCKER_SOCKET"
