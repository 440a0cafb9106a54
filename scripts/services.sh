#!/usr/bin/env bash
# scripts/services.sh up|down|status -- the real services the test suite needs, on loopback.
#
# Why things are done this way:
# - Debian packages: installed only when a command is missing (`command -v`), so a warm
#   machine never touches apt; as non-root we only print the apt-get line and fail.
# - Redis: the distro redis-server, --daemonize with pid/log files in the run dir, no RDB/AOF
#   (`--save '' --appendonly no`): test data is throwaway and persistence would only slow it.
# - OpenSearch 2.19.6: the integ-test-zip from Maven Central (the only registry we can reach;
#   artifacts.opensearch.org is not). It ships only transport-netty4, so analysis-common
#   (CommonAnalysisPlugin) and reindex (ReindexPlugin) are assembled as modules from their
#   Maven jars + runtime deps, resolved by `mvn dependency:copy-dependencies` on a tiny pom.
#   Dependency jars the server already has in lib/ (opensearch-common, reactor-core,
#   reactive-streams for reindex) are dropped: duplicates make jar-hell refuse to start.
#   extended.plugins stays empty because lang-painless is not installed; reindex gets the
#   upstream plugin-security.policy (rest client socket/proxy permissions).
# - Maven uses -Dmaven.repo.local=$CLINIDEX_CACHE/m2, so every download lives in one cache
#   dir CI can keep; a marker (recipe string) in the prepared dist makes preparation one-time.
# - OpenSearch refuses to run as root: as root we create a system user `opensearch` and
#   start it via runuser. /root (where the cache lives) is mode 700, so the prepared dist is
#   copied (61 MB, <1 s) into the run dir and chown'd there; data and logs live beside it.
# - Settings: single-node, 127.0.0.1 only (which also keeps bootstrap checks in dev mode),
#   disk thresholds off (CI disks are often nearly full), 512 MB heap.
#   Started with nohup (not -d) so the runuser pid tells us at once if the JVM died early.
# - S3: MinIO built from the Go module proxy (see the s3 section), or moto's server mode
#   from the project venv with CLINIDEX_S3_SERVER=moto; an
#   in-process fake would not exercise the real HTTP path the app uses.
# - `up` is idempotent: healthy -> report; pid alive but not healthy -> keep waiting; else start.
#
# Measured on the dev VM (Debian 12, Java 17; `time scripts/services.sh up`):
#   empty CLINIDEX_CACHE (mvn download 70 MB + prepare + start) ... 38-41 s (OpenSearch 35-39 s)
#   cache filled, run dir wiped (cold start) ...................... 13-20 s (OpenSearch 10-17, moto 3)
#   everything already running .................................... 0.2 s
#   down .......................................................... 5-6 s
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CLINIDEX_CACHE:-$HOME/.cache/clinidex}
RUN=${CLINIDEX_RUN_DIR:-/tmp/clinidex-services}
REDIS_PORT=${CLINIDEX_REDIS_PORT:-6379}
OS_PORT=${CLINIDEX_OPENSEARCH_PORT:-9200}
S3_PORT=${CLINIDEX_S3_PORT:-9000}
S3_SERVER=${CLINIDEX_S3_SERVER:-minio}
S3_EVENTS_PORT=${CLINIDEX_DROP_EVENTS_PORT:-9011}
# Test credentials only, matching tests/support/services.py; MinIO wants 8+ characters.
S3_ACCESS_KEY=${CLINIDEX_S3_ACCESS_KEY:-clinidex-test}
S3_SECRET_KEY=${CLINIDEX_S3_SECRET_KEY:-clinidex-test}
PY=${CLINIDEX_PYTHON:-$REPO/.venv/bin/python}
OS_VERSION=2.19.6
OS_USER=opensearch
OS_RECIPE="opensearch-$OS_VERSION integ-test-zip + analysis-common + reindex (recipe 1)"
MARKER=.clinidex-prepared

say()  { printf 'services.sh: %s\n' "$*" >&2; }
die()  { say "$*"; exit 1; }
fail() { say "$1; last lines of $2:"; tail -n 40 "$2" >&2 2>/dev/null || true; exit 1; }
alive() { [[ -s $1 ]] && kill -0 "$(<"$1")" 2>/dev/null; }
summary() { printf '%-11s %-5s %-16s %s\n' "$1" "$2" "127.0.0.1:$3" "$4"; }

# wait_for NAME LIMIT LOG PID CHECK...: poll CHECK each second; fail early if PID dies.
wait_for() {
  local name=$1 limit=$2 log=$3 pid=$4; shift 4
  local deadline=$((SECONDS + limit))
  until "$@"; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then fail "$name exited during startup" "$log"; fi
    ((SECONDS < deadline)) || fail "$name not healthy after ${limit}s" "$log"
    sleep 1
  done
}

# ---------------------------------------------------------------- packages
ensure_packages() {
  local -A pkg=([tesseract]="tesseract-ocr tesseract-ocr-eng" [pdftoppm]=poppler-utils
    [redis-server]=redis-server [redis-cli]=redis-tools [java]=openjdk-17-jre-headless
    [mvn]=maven [curl]=curl [unzip]=unzip)
  local cmd missing=()
  # shellcheck disable=SC2206  # values are space-separated package lists, split on purpose
  for cmd in "${!pkg[@]}"; do command -v "$cmd" >/dev/null || missing+=(${pkg[$cmd]}); done
  ((${#missing[@]})) || return 0
  if ((EUID != 0)); then
    die "missing packages; as root run: apt-get update && apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=300 update -q   # wait, don't fail, if apt is busy
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "${missing[@]}"
}

# ---------------------------------------------------------------- redis
redis_ok() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
redis_up() {
  local dir=$RUN/redis; mkdir -p "$dir"
  if ! redis_ok && ! alive "$dir/redis.pid"; then
    # shellcheck disable=SC2094  # stdout only gets errors printed before daemonizing
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' \
      --appendonly no --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
      >>"$dir/redis.log" 2>&1 || fail "redis-server failed to start" "$dir/redis.log"
  fi
  wait_for redis 30 "$dir/redis.log" "" redis_ok
}

# ---------------------------------------------------------------- opensearch
mvn_q() { mvn -B -q -Dmaven.repo.local="$CACHE/m2" "$@" >>"$CACHE/prepare.log" 2>&1 ||
  fail "mvn $* failed" "$CACHE/prepare.log"; }

# os_module HOME NAME ARTIFACT CLASSNAME DESCRIPTION: jar + runtime deps into modules/NAME.
os_module() {
  local home=$1 name=$2 art=$3 cls=$4 desc=$5 jar base
  local dir=$home/modules/$name pom=$CACHE/build/$name/pom.xml
  mkdir -p "$dir" "${pom%/*}"
  cat >"$pom" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local.clinidex</groupId><artifactId>$name-deps</artifactId><version>1</version>
  <dependencies><dependency><groupId>org.opensearch.plugin</groupId>
    <artifactId>$art</artifactId><version>$OS_VERSION</version></dependency></dependencies>
</project>
EOF
  mvn_q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir"
  for jar in "$dir"/*.jar; do            # drop what lib/ already has (any version): jar hell
    base=$(basename "$jar"); base=${base%%-[0-9]*}
    if compgen -G "$home/lib/$base-[0-9]*.jar" >/dev/null; then
      echo "$name: excluded $(basename "$jar") (already in lib/)" >>"$CACHE/prepare.log"
      rm "$jar"
    fi
  done
  printf '%s\n' "description=$desc" "version=$OS_VERSION" "name=$name" "classname=$cls" \
    "java.version=11" "opensearch.version=$OS_VERSION" "custom.foldername=" \
    "extended.plugins=" "has.native.controller=false" >"$dir/plugin-descriptor.properties"
}

os_prepare() {
  local dist=$CACHE/opensearch-$OS_VERSION
  [[ -f $dist/$MARKER && $(<"$dist/$MARKER") == "$OS_RECIPE" ]] && return 0
  say "opensearch: preparing $OS_VERSION in $CACHE (one-time download)"
  local work=$CACHE/build home=$CACHE/build/opensearch-$OS_VERSION
  rm -rf "$work" "$dist"; mkdir -p "$work"; : >"$CACHE/prepare.log"
  mvn_q dependency:copy -Dtransitive=false -DoutputDirectory="$work" \
    -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$OS_VERSION:zip"
  unzip -q "$work/opensearch-$OS_VERSION.zip" -d "$work"
  os_module "$home" analysis-common analysis-common \
    org.opensearch.analysis.common.CommonAnalysisPlugin 'Adds "built in" analyzers to OpenSearch.'
  os_module "$home" reindex reindex-client org.opensearch.index.reindex.ReindexPlugin \
    'The Reindex module adds APIs to reindex from one index to another or update documents in place.'
  cat >"$home/modules/reindex/plugin-security.policy" <<'EOF'
grant { permission java.net.SocketPermission "*", "connect"; };
grant codeBase "${codebase.opensearch-rest-client}" { permission java.net.NetPermission "getProxySelector"; };
grant codeBase "${codebase.httpasyncclient}" { permission java.net.NetPermission "getProxySelector"; };
EOF
  echo "$OS_RECIPE" >"$home/$MARKER"
  mv "$home" "$dist"; rm -rf "$work"
}

os_ok() { curl -sf --max-time 10 -o /dev/null \
  "http://127.0.0.1:$OS_PORT/_cluster/health?wait_for_status=yellow&timeout=5s"; }
os_up() {
  local dir=$RUN/opensearch pid=""
  if ! os_ok && ! alive "$dir/opensearch.pid"; then
    os_prepare
    mkdir -p "$dir/data" "$dir/logs"
    if ! cmp -s "$dir/home/$MARKER" "$CACHE/opensearch-$OS_VERSION/$MARKER"; then
      rm -rf "${dir:?}/home" "$dir/home.tmp"
      cp -a "$CACHE/opensearch-$OS_VERSION" "$dir/home.tmp" && mv "$dir/home.tmp" "$dir/home"
    fi
    local -a as_user=()
    if ((EUID == 0)); then
      id -u "$OS_USER" >/dev/null 2>&1 || useradd --system --create-home \
        --home-dir "/var/lib/$OS_USER" --shell /usr/sbin/nologin "$OS_USER"
      chown -R "$OS_USER:" "$dir"
      as_user=(runuser -u "$OS_USER" --)
      "${as_user[@]}" test -x "$dir/home/bin/opensearch" ||
        die "user $OS_USER cannot reach $dir (a parent of CLINIDEX_RUN_DIR is not world-searchable)"
    fi
    nohup "${as_user[@]}" env \
      OPENSEARCH_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" \
      OPENSEARCH_JAVA_OPTS="-Xms512m -Xmx512m" "$dir/home/bin/opensearch" -p "$dir/opensearch.pid" \
      -Ecluster.name=clinidex -Enode.name=clinidex-1 -Ediscovery.type=single-node \
      -Enetwork.host=127.0.0.1 -Ehttp.port="$OS_PORT" -Epath.data="$dir/data" \
      -Epath.logs="$dir/logs" -Ecluster.routing.allocation.disk.threshold_enabled=false \
      >"$dir/console.log" 2>&1 </dev/null &
    pid=$!
  fi
  wait_for opensearch 240 "$dir/console.log" "$pid" os_ok
}

# ---------------------------------------------------------------- s3 (MinIO, or moto)
# MinIO, built from the Go module proxy at a pinned version into the cache (5-6 min once on a
# fresh machine, then instant), is a real S3 server with Object Lock and bucket notifications.
# It also costs the 2-core machine half the CPU per request that moto (Python) does, which
# showed in bench/ocr_speed.py. CLINIDEX_S3_SERVER=moto runs moto's server mode instead.
MINIO_MODULE=github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_BIN=$CACHE/go/bin/minio
s3_ok() {
  local path=/minio/health/live
  [[ $S3_SERVER == moto ]] && path=/
  [[ $(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$S3_PORT$path" 2>/dev/null) == 200 ]]
}
ensure_minio() {
  [[ -x $MINIO_BIN ]] && return 0
  command -v go >/dev/null || die "MinIO is built with Go, which is missing (or set CLINIDEX_S3_SERVER=moto)"
  say "building MinIO ($MINIO_MODULE) into $CACHE/go; a few minutes, once"
  GOPATH=$CACHE/go GOBIN=$CACHE/go/bin GOCACHE=$CACHE/go/build-cache GOFLAGS=-modcacherw \
    go install "$MINIO_MODULE" >"$1" 2>&1 || fail "building MinIO failed" "$1"
}
s3_up() {
  local dir=$RUN/s3 pid=""; mkdir -p "$dir"
  if ! s3_ok && ! alive "$dir/s3.pid"; then
    if [[ $S3_SERVER == moto ]]; then
      [[ -x $PY ]] || die "python at $PY is missing or not executable; run scripts/setup.sh first (or set CLINIDEX_PYTHON)"
      "$PY" -c 'import moto.server' 2>/dev/null ||
        die "moto[server,s3] is not installed for $PY; run scripts/setup.sh --dev first"
      nohup "$PY" -m moto.server -H 127.0.0.1 -p "$S3_PORT" >"$dir/s3.log" 2>&1 </dev/null &
    else
      ensure_minio "$dir/build.log"
      # Bucket notifications go to `clinidex watch`'s webhook (queued on disk while it is away).
      MINIO_NOTIFY_WEBHOOK_ENABLE_CLINIDEX=on \
      MINIO_NOTIFY_WEBHOOK_ENDPOINT_CLINIDEX="http://127.0.0.1:$S3_EVENTS_PORT/s3-events" \
      MINIO_NOTIFY_WEBHOOK_QUEUE_DIR_CLINIDEX="$dir/events" \
      MINIO_ROOT_USER=$S3_ACCESS_KEY MINIO_ROOT_PASSWORD=$S3_SECRET_KEY MINIO_BROWSER=off MINIO_UPDATE=off \
        nohup "$MINIO_BIN" server "$dir/data" --address "127.0.0.1:$S3_PORT" --quiet \
        >"$dir/s3.log" 2>&1 </dev/null &
    fi
    pid=$!; echo "$pid" >"$dir/s3.pid"
  fi
  wait_for s3 60 "$dir/s3.log" "$pid" s3_ok
}

# ---------------------------------------------------------------- commands
SERVICES=(redis:REDIS_PORT:redis/redis.pid opensearch:OS_PORT:opensearch/opensearch.pid
  s3:S3_PORT:s3/s3.pid)
ok_fn() { case $1 in redis) echo redis_ok ;; opensearch) echo os_ok ;; s3) echo s3_ok ;; esac; }

cmd_up() {
  ensure_packages
  mkdir -p "$RUN" "$CACHE"; chmod 755 "$RUN"
  local entry name port pidf t0 note
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name port pidf <<<"$entry"
    t0=$SECONDS; note="started"
    if "$(ok_fn "$name")"; then
      note="already running"; alive "$RUN/$pidf" || note="already running (not started by this script)"
    fi
    case $name in redis) redis_up ;; opensearch) os_up ;; s3) s3_up ;; esac
    summary "$name" up "${!port}" "$((SECONDS - t0))s  $note"
  done
}

stop_pidfile() {  # NAME PIDFILE
  local pid i
  if alive "$2"; then
    pid=$(<"$2"); kill "$pid"
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "$1: stopped (pid $pid)"
  else
    echo "$1: not running"
  fi
  rm -f "$2"
}

cmd_down() {
  stop_pidfile s3 "$RUN/s3/s3.pid"
  stop_pidfile opensearch "$RUN/opensearch/opensearch.pid"
  stop_pidfile redis "$RUN/redis/redis.pid"
}

cmd_status() {
  local entry name port pidf rc=0
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name port pidf <<<"$entry"
    if "$(ok_fn "$name")"; then summary "$name" up "${!port}" "$(cat "$RUN/$pidf" 2>/dev/null || echo '-')"
    else summary "$name" down "${!port}" ""; rc=1; fi
  done
  return $rc
}

# stop NAME: one service only (the fault tests take one away, then `up` brings it back).
cmd_stop() {
  case ${1:-} in
    redis) stop_pidfile redis "$RUN/redis/redis.pid" ;;
    opensearch) stop_pidfile opensearch "$RUN/opensearch/opensearch.pid" ;;
    s3) stop_pidfile s3 "$RUN/s3/s3.pid" ;;
    *) echo "usage: $0 stop redis|opensearch|s3" >&2; exit 2 ;;
  esac
}

case ${1:-} in
  up) cmd_up ;; down) cmd_down ;; status) cmd_status ;; stop) cmd_stop "${2:-}" ;;
  *) echo "usage: $0 up|down|status|stop NAME" >&2; exit 2 ;;
esac
