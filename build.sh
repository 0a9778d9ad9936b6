#!/usr/bin/env bash
# NtmWorkflow build and test script.
#
#   ./build.sh test    Installs what the tests need when it is missing (as root: PostgreSQL, Chromium,
#                      chromium-driver, docker-compose from apt; Azurite and maildev from npm), starts
#                      PostgreSQL, Azurite and maildev on loopback, builds, validates docker-compose.yml,
#                      runs every test project one after another, stops what it started, and prints
#                      "N passed, N failed" as its last line. Exit 0 only when nothing failed.
#   ./build.sh build   Restores and builds the solution (Release).
#
# Each stage prints its duration. Service logs and test results go to artifacts/test-run/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
RUN_DIR=$ROOT/artifacts/test-run
CONFIGURATION=${CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
       DEBIAN_FRONTEND=noninteractive SE_AVOID_STATS=true SE_OFFLINE=true

SCRIPT_START=$(date +%s)
STAGE_NAME="" STAGE_START=0
stage() {
  stage_end
  STAGE_NAME=$1 STAGE_START=$(date +%s%N)
  echo "==> $STAGE_NAME"
}
stage_end() {
  if [ -n "$STAGE_NAME" ]; then
    local tenths=$(( ($(date +%s%N) - STAGE_START) / 100000000 ))
    printf '    (%s: %d.%d s)\n' "$STAGE_NAME" $((tenths / 10)) $((tenths % 10))
    STAGE_NAME=""
  fi
}

is_root() { [ "$(id -u)" = 0 ]; }
port_open() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 150); do port_open "$1" && return 0; sleep 0.2; done
  echo "Nothing listens on 127.0.0.1:$1 after 30 s; see $RUN_DIR/*.log" >&2; return 1
}
free_port() { # first free port at or above $1
  local p=$1; while port_open "$p"; do p=$((p + 1)); done; echo "$p"
}

APT_UPDATED=0
apt_install() { # apt_install PACKAGE… — only as root, only what is missing
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root; then
    echo "Missing packages: ${missing[*]}. Install them (apt-get install --no-install-recommends ${missing[*]}) or run as root." >&2
    return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > "$RUN_DIR/apt.log" 2>&1 || { cat "$RUN_DIR/apt.log" >&2; return 1; }
}

STARTED_PG=""
cleanup() {
  set +e
  stage_end
  for name in azurite maildev; do
    [ -f "$RUN_DIR/$name.pid" ] || continue
    pid=$(cat "$RUN_DIR/$name.pid")
    kill -TERM "$pid" 2>/dev/null
    # Azurite logs "closed" on TERM but keeps running: wait a little, then kill it.
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
    rm -f "$RUN_DIR/$name.pid"
  done
  if [ -n "$STARTED_PG" ]; then pg_ctlcluster $STARTED_PG stop >/dev/null 2>&1; fi
}

start_postgres() {
  if ! command -v pg_lsclusters >/dev/null; then apt_install postgresql; fi
  local cluster version name port status
  cluster=$(pg_lsclusters -h | head -n 1)
  [ -n "$cluster" ] || { echo "No PostgreSQL cluster exists (pg_createcluster 15 main)." >&2; return 1; }
  read -r version name port status _ <<< "$cluster"
  if [ "$status" != online ]; then
    is_root || { echo "PostgreSQL $version/$name is down; start it (pg_ctlcluster $version $name start) or run as root." >&2; return 1; }
    pg_ctlcluster "$version" "$name" start
    STARTED_PG="$version $name"
  fi
  if is_root; then
    su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" <<'SQL'
DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ntm_test') THEN
    CREATE ROLE ntm_test LOGIN PASSWORD 'ntm_test' CREATEDB;
  END IF;
END$$;
SQL
  fi
  export NTM_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=ntm_test;Password=ntm_test;Database=postgres;Timeout=30;Command Timeout=120"
}

npm_ci() { # npm_ci FOLDER — installs the folder's locked packages unless they are already there
  local folder=$ROOT/$1
  if [ ! -f "$folder/node_modules/.ci-stamp" ] || [ "$folder/package-lock.json" -nt "$folder/node_modules/.ci-stamp" ]; then
    (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error > "$RUN_DIR/npm.log" 2>&1) || { cat "$RUN_DIR/npm.log" >&2; return 1; }
    touch "$folder/node_modules/.ci-stamp"
  fi
}

start_node_services() {
  local services=$ROOT/tests/services
  npm_ci tests/services
  local bin=$services/node_modules/.bin
  local blob smtp web
  blob=$(free_port 10000); smtp=$(free_port 1025); web=$(free_port 1080)
  rm -rf "$RUN_DIR/azurite" "$RUN_DIR/mail"
  nohup "$bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$blob" --location "$RUN_DIR/azurite" \
    --skipApiVersionCheck --loose --disableTelemetry > "$RUN_DIR/azurite.log" 2>&1 &
  echo $! > "$RUN_DIR/azurite.pid"; disown $!
  nohup "$bin/maildev" --smtp "$smtp" --web "$web" --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --mail-directory "$RUN_DIR/mail" > "$RUN_DIR/maildev.log" 2>&1 &
  echo $! > "$RUN_DIR/maildev.pid"; disown $!
  wait_port "$blob"; wait_port "$smtp"; wait_port "$web"
  export NTM_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;"
  export NTM_TEST_SMTP_PORT=$smtp NTM_TEST_MAILDEV_API="http://127.0.0.1:$web"
}

build() {
  stage "restore"
  dotnet tool restore > /dev/null
  dotnet restore NtmWorkflow.sln --verbosity quiet
  stage "build ($CONFIGURATION)"
  dotnet build NtmWorkflow.sln --no-restore -c "$CONFIGURATION" --verbosity quiet -clp:NoSummary
}

PASSED=0 FAILED=0
count_results() { # count_results TRX NAME
  if [ ! -f "$1" ]; then
    echo "    $2: no results (the test host crashed?)"; FAILED=$((FAILED + 1)); return
  fi
  local counters passed failed
  counters=$(grep -o '<Counters [^>]*>' "$1")
  passed=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<< "$counters")
  failed=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<< "$counters")
  echo "    $2: $passed passed, $failed failed"
  PASSED=$((PASSED + passed)) FAILED=$((FAILED + failed))
}

run_tests() {
  mkdir -p "$RUN_DIR"
  trap cleanup EXIT

  stage "prerequisites"
  apt_install chromium chromium-driver docker-compose
  stage "PostgreSQL"
  start_postgres
  stage "Azurite and maildev"
  start_node_services
  build

  stage "docker-compose.yml"
  if POSTGRES_PASSWORD=validation-only docker-compose -f docker-compose.yml config -q; then
    echo "    docker-compose.yml is valid"; PASSED=$((PASSED + 1))
  else
    echo "    docker-compose.yml is NOT valid"; FAILED=$((FAILED + 1))
  fi

  export TZ=UTC NTM_CHROMIUM=${NTM_CHROMIUM:-/usr/bin/chromium} NTM_CHROMEDRIVER=${NTM_CHROMEDRIVER:-/usr/bin/chromedriver}
  # Test projects run one after another: fast engine tests first, browser tests last.
  for project in NtmWorkflow.Engine.Tests NtmWorkflow.Web.Tests NtmWorkflow.BrowserTests; do
    stage "tests: $project"
    rm -f "$RUN_DIR/$project.trx"
    dotnet test "tests/$project/$project.csproj" --no-build -c "$CONFIGURATION" \
      --logger "trx;LogFileName=$RUN_DIR/$project.trx" --logger "console;verbosity=minimal" \
      --blame-hang-timeout 10m || true
    count_results "$RUN_DIR/$project.trx" "$project"
  done
  # The same models and scenarios on npm bpmn-engine and on ntm run must complete the same elements.
  stage "differential check (bpmn-engine)"
  npm_ci tests/differential
  set +e
  node tests/differential/run.mjs "src/NtmWorkflow.Cli/bin/$CONFIGURATION/net10.0/ntm.dll" > "$RUN_DIR/differential.log" 2>&1
  set -e
  sed 's/^/  /' "$RUN_DIR/differential.log"
  if summary=$(grep -E '^differential: [0-9]+ passed, [0-9]+ failed$' "$RUN_DIR/differential.log"); then
    read -r _ p _ f _ <<< "$summary"
    PASSED=$((PASSED + p)) FAILED=$((FAILED + f))
  else
    echo "    the differential check did not finish"; FAILED=$((FAILED + 1))
  fi

  # The national campaign at smoke size: 200 communes over a simulated year on SQLite; only its invariants count
  # here (full size and the figures: docs/performance.md).
  stage "campaign simulation (200 communes)"
  if dotnet "src/NtmWorkflow.Cli/bin/$CONFIGURATION/net10.0/ntm.dll" simulate --communes 200 > "$RUN_DIR/simulate.log" 2>&1; then
    tail -n 1 "$RUN_DIR/simulate.log" | sed 's/^/    /'; PASSED=$((PASSED + 1))
  else
    grep -v '^  …' "$RUN_DIR/simulate.log" | tail -n 45 | sed 's/^/    /'; echo "    the campaign's invariants failed"; FAILED=$((FAILED + 1))
  fi

  # Several nodes: three app processes on the tests' PostgreSQL, their clock fast-forwarded, the officials at their JSON
  # API in turn, the second node killed (SIGKILL) and started again part-way; only the invariants count here.
  stage "campaign on three nodes, one killed (10 communes)"
  if dotnet "src/NtmWorkflow.Cli/bin/$CONFIGURATION/net10.0/ntm.dll" simulate --communes 10 --nodes 3 --days 150 --opening-days 20 \
       --provider Postgres --postgres "$NTM_TEST_POSTGRES" > "$RUN_DIR/simulate-nodes.log" 2>&1; then
    grep -E '^(nodes|requests|mails delivered)|killed|back at' "$RUN_DIR/simulate-nodes.log" | sed 's/^/    /'
    tail -n 1 "$RUN_DIR/simulate-nodes.log" | sed 's/^/    /'; PASSED=$((PASSED + 1))
  else
    grep -v '^  …' "$RUN_DIR/simulate-nodes.log" | tail -n 45 | sed 's/^/    /'; echo "    the campaign on three nodes failed its invariants"; FAILED=$((FAILED + 1))
  fi

  # Figures, not tests: the benchmark at smoke size proves it still runs (full size: docs/performance.md).
  stage "benchmark (smoke size)"
  if dotnet "tests/NtmWorkflow.Benchmarks/bin/$CONFIGURATION/net10.0/NtmWorkflow.Benchmarks.dll" --smoke --bpmn-engine tests/differential/bench.mjs > "$RUN_DIR/benchmark.log" 2>&1; then
    sed 's/^/    /' "$RUN_DIR/benchmark.log"; PASSED=$((PASSED + 1))
  else
    sed 's/^/    /' "$RUN_DIR/benchmark.log"; echo "    the benchmark failed"; FAILED=$((FAILED + 1))
  fi
  stage_end
  # Stop the services before the summary, so nothing they print comes after it.
  cleanup > /dev/null 2>&1
  STARTED_PG=""
  printf 'Total time: %d s\n' "$(( $(date +%s) - SCRIPT_START ))"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

case "${1:-}" in
  test) run_tests ;;
  build) mkdir -p "$RUN_DIR"; build; stage_end ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
