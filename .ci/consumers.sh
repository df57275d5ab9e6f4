#!/usr/bin/env bash
# Verified consumers (issue #6): the library as its users get it, in their tools.
#
# Builds the release (`-Prelease -Dgpg.skip`: jar, sources and javadoc jars), deploys it into the
# file repository target/release-repo, checks what that holds (.ci/check-release.sh), empties
# ~/.m2 of net.async itself, and has each kind of user resolve the library from that file
# repository only, everything else coming from Maven Central (never Clojars):
#   maven      a Maven project compiling and running the README's Java echo example
#   deps.edn   a deps.edn project resolved by tools.deps (the Clojure CLI's library), running the
#              README's Clojure echo server and client
#   leiningen  a Leiningen project doing the same with `lein run`
#   repl       a clojure.main REPL session, warnings on: the README's `use`, an accept/connect
#              round trip, shutdown!; no reflection warning, no exception
#   net-async  the repository's own command: --help, and listen --echo / connect on loopback
# Prints "PASS <consumer>" or "FAIL <consumer>: <reason>" for each, exits non-zero if any failed.
# Network: loopback, Maven Central and (to install Leiningen if missing) Debian's apt.
# CONSUMERS_KEEP=1 keeps the temporary directory (the generated projects, each consumer's log).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
templates=$root/.ci/consumers

tools_deps_version=${CONSUMERS_TOOLS_DEPS_VERSION:-0.31.1646}
t_mvn=${CONSUMERS_MVN_TIMEOUT:-900}   # one Maven, tools.deps or Leiningen run; a fresh ~/.m2 downloads
t_run=${CONSUMERS_RUN_TIMEOUT:-300}   # one program run (JVM starts take up to a minute under load)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/net-async-consumers.XXXXXX")
snapshot=""       # the timestamped version deployed, e.g. 1.0.0-20250101.120000-1
local_copy=$HOME/.m2/repository/net/async/async
cleanup() {
  # the tools keep a copy of what they fetch: drop ours from ~/.m2, so that no later build takes it
  rm -rf "$local_copy"
  if [ -n "${CONSUMERS_KEEP:-}" ]; then echo "kept $tmp (projects and logs)"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# Maven 3.8 writes colour resets even in batch mode: strip them.
mvn_() { timeout "$t_mvn" mvn -B -q -Dstyle.color=never "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }

# --- reporting ------------------------------------------------------------------------------
# Each consumer runs in a background subshell (so that set -e holds inside it) with its output in
# $tmp/<name>.log; step() records what it is doing, which becomes the reason if it fails.
failed=()
step() { echo "$*" >"$tmp/$consumer.step"; echo "--- $*"; }
fail() { echo "$*" >"$tmp/$consumer.step"; return 1; }
note() { echo "$*" >>"$tmp/$consumer.notes"; }      # shown under PASS
run() {
  consumer=$1
  local started=$SECONDS rc=0
  echo "=== $consumer"
  ( "consumer_${consumer//[.-]/_}" ) >"$tmp/$consumer.log" 2>&1 &
  wait $! || rc=$?
  if [ "$rc" = 0 ]; then
    echo "PASS $consumer ($((SECONDS - started)) s)"
    [ -f "$tmp/$consumer.notes" ] && sed 's/^/    /' "$tmp/$consumer.notes"
  else
    local why
    why=$(cat "$tmp/$consumer.step" 2>/dev/null || echo "?")
    [ "$rc" = 124 ] && why="$why: timed out"
    sed 's/^/    /' "$tmp/$consumer.log" | tail -n 40
    echo "FAIL $consumer: $why (exit $rc, $((SECONDS - started)) s)"
    failed+=("$consumer")
  fi
}

# The net.async jar on classpath $1 (exactly one) must be the one this script built.
check_jar() {
  local jars
  jars=$(tr ':' '\n' <<<"$1" | grep '/net/async/async/' || true)
  [ -n "$jars" ] || fail "no net.async jar on the classpath"
  [ "$(wc -l <<<"$jars")" = 1 ] || fail "more than one net.async jar on the classpath: $jars"
  cmp -s "$jars" "$jar" || fail "$jars is not the jar just built (another install of $version?)"
  # fetched, not installed: the resolver's record of the file repository lies beside it
  [ -f "$(dirname "$jars")/maven-metadata-net-async-consumers.xml" ] || fail "$jars was not fetched from $repo_url"
  echo "net.async on the classpath: $jars (the jar just built, fetched from the file repository)"
  # Micrometer is optional (issue #12): users who do not want meters must not get it
  if tr ':' '\n' <<<"$1" | grep -q '/io/micrometer/'; then fail "Micrometer came with net.async"; fi
}

# fill TEMPLATE OUT: @VERSION@ and @REPO_URL@ replaced, and the README's code in place of the
# marker lines ";; @README-PREPARATION@" and ";; @README-SAMPLE@".
fill() {
  sed -e "s|@VERSION@|$version|g" -e "s|@REPO_URL@|$repo_url|g" \
      -e "s|@TOOLS_DEPS_VERSION@|$tools_deps_version|g" "$1" |
    awk -v prep="$tmp/readme-preparation.clj" -v sample="$tmp/readme-sample.clj" '
      $0 == ";; @README-PREPARATION@" { while ((getline l < prep) > 0) print l; next }
      $0 == ";; @README-SAMPLE@"      { while ((getline l < sample) > 0) print l; next }
      { print }' >"$2"
}

# The first ```clojure block after the README heading "## $1".
readme_block() {
  awk -v heading="## $1" '
    $0 == heading           { in_section = 1; next }
    in_section && /^## /    { exit }
    in_section == 1 && /^```clojure$/ { in_section = 2; next }
    in_section == 2 && /^```$/        { exit }
    in_section == 2         { print }' README.md
}

# --- the release build, in a file:// repository ----------------------------------------------
echo "=== release build"
mvn_ -Prelease -Dgpg.skip -DskipTests verify || { echo "FAIL build: mvn -Prelease -Dgpg.skip verify"; exit 1; }
version=$(sed -n 's/^version=//p' target/maven-archiver/pom.properties)
jar=$root/target/async-$version.jar
[ -n "$version" ] && [ -f "$jar" ] || { echo "FAIL build: no target/async-<version>.jar"; exit 1; }
repo=$root/target/release-repo
repo_url="file://$repo"
rm -rf "$repo"
# the artifacts the release build made, as the deploy phase would upload them: a real remote
# layout (maven-metadata.xml, a timestamped snapshot, checksums); a -SNAPSHOT never reaches the
# Central Portal's staging, so the publishing plugin's own deploy cannot write a file repository
mvn_ org.apache.maven.plugins:maven-deploy-plugin:3.1.4:deploy-file -Dfile="$jar" -DpomFile=pom.xml \
     -Dsources="target/async-$version-sources.jar" -Djavadoc="target/async-$version-javadoc.jar" \
     -DrepositoryId=net-async-release -Durl="$repo_url" ||
  { echo "FAIL build: cannot deploy the release build to $repo_url"; exit 1; }
.ci/check-release.sh "$repo" "$version" || { echo "FAIL build: the file repository is not a release"; exit 1; }
snapshot=$(sed -n 's|.*<value>\(.*\)</value>.*|\1|p' "$repo/net/async/async/$version/maven-metadata.xml" |
  head -n 1) || true
# an empty local repository for net.async: each tool must fetch it from $repo_url
rm -rf "$local_copy"
echo "net.async/async $version${snapshot:+ ($snapshot)} in $repo_url, none in ~/.m2"

# The README's code, as users copy it, each block whole (the blocks marked runnable, which
# .ci/check-docs.py checks): the `require`/`use` lines of "Preparation", the sample's two functions.
readme_block Preparation >"$tmp/readme-preparation.clj"
readme_block 'Sample echo server and client' >"$tmp/readme-sample.clj"
grep -qF "(use 'net.async.tcp)" "$tmp/readme-preparation.clj" &&
  grep -qF '(defn echo-server' "$tmp/readme-sample.clj" && grep -qF '(defn echo-client' "$tmp/readme-sample.clj" ||
  { echo "FAIL build: README.md's Preparation or Sample echo server and client code not found"; exit 1; }

# --- Maven + Java ---------------------------------------------------------------------------
consumer_maven() {
  local dir=$tmp/maven
  mkdir -p "$dir/src/main/java/net/async/tcp/example"
  fill "$templates/maven-pom.xml" "$dir/pom.xml"
  cp java/test/net/async/tcp/example/EchoExample.java "$dir/src/main/java/net/async/tcp/example/"
  cd "$dir"
  step "mvn compile dependency:build-classpath exec:exec (EchoExample)"
  mvn_ compile dependency:build-classpath -Dmdep.outputFile="$tmp/maven.classpath" exec:exec | tee out.txt
  check_jar "$(cat "$tmp/maven.classpath")"
  step "EchoExample printed ECHO/hello 0, 1 and 2"
  [ "$(grep -E '^(ECHO/|no reply)' out.txt)" = "$(printf 'ECHO/hello %s\n' 0 1 2)" ]
  note "EchoExample: $(grep -E '^ECHO/' out.txt | paste -sd, -)"
}

# --- REPL -----------------------------------------------------------------------------------
consumer_repl() {
  local rc
  [ -s "$tmp/maven.classpath" ] || fail "no classpath: the Maven consumer did not resolve one"
  fill "$templates/repl-session.clj" "$tmp/repl-session.clj"
  step "clojure.main REPL session on the Maven consumer's classpath"
  timeout "$t_run" java -cp "$(cat "$tmp/maven.classpath")" clojure.main -r <"$tmp/repl-session.clj" \
    >"$tmp/repl.out" 2>&1 || { rc=$?; cat "$tmp/repl.out"; exit "$rc"; }
  cat "$tmp/repl.out"
  step "REPL results: :connected twice, \"hello\", \"ECHO/hello\", then :closed after shutdown!"
  [ "$(grep -cE '=> :connected$' "$tmp/repl.out")" = 2 ]
  grep -qE '=> "hello"$' "$tmp/repl.out"
  grep -qE '=> "ECHO/hello"$' "$tmp/repl.out"
  grep -qE '=> :closed$' "$tmp/repl.out"
  note "REPL: $(grep -oE '=> (:connected|:closed|"(ECHO/)?hello")$' "$tmp/repl.out" | cut -c4- | paste -sd' ' -)"
  step "REPL output has no reflection warning, error or stack trace"
  if grep -nE 'Reflection warning|Exception|Syntax error|Execution error|^[[:space:]]+at ' "$tmp/repl.out"; then
    return 1
  fi
}

# --- deps.edn -------------------------------------------------------------------------------
consumer_deps_edn() {
  local td=$tmp/tools-deps dir=$tmp/deps
  mkdir -p "$td" "$dir/src/consumer"
  fill "$templates/tools-deps-pom.xml" "$td/pom.xml"
  step "tools.deps $tools_deps_version from Maven Central"
  (cd "$td" && mvn_ dependency:build-classpath -Dmdep.outputFile="$td/classpath")
  fill "$templates/deps.edn" "$dir/deps.edn"
  fill "$templates/echo.clj" "$dir/src/consumer/echo.clj"
  cd "$dir"
  step "clojure.tools.deps/create-basis of deps.edn"
  timeout "$t_mvn" java -cp "$(cat "$td/classpath")" clojure.main "$templates/basis.clj" "$tmp/deps.classpath"
  tr ':' '\n' <"$tmp/deps.classpath"
  check_jar "$(cat "$tmp/deps.classpath")"
  step "clojure.main -m consumer.echo on the basis' classpath"
  timeout "$t_run" java -cp "$(cat "$tmp/deps.classpath")" clojure.main -m consumer.echo | tee out.txt
  grep -qx 'round trip: ECHO/hello' out.txt
  note "deps.edn: $(grep -o 'org/clojure/clojure/[^/]*' "$tmp/deps.classpath" | head -1), $(cat out.txt)"
}

# --- Leiningen ------------------------------------------------------------------------------
consumer_leiningen() {
  if ! command -v lein >/dev/null; then
    step "apt-get install leiningen"
    timeout "$t_mvn" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout "$t_mvn" apt-get install -y -qq -o DPkg::Lock::Timeout=300 leiningen
  fi
  local dir=$tmp/lein
  mkdir -p "$dir/src/consumer"
  fill "$templates/project.clj" "$dir/project.clj"
  fill "$templates/echo.clj" "$dir/src/consumer/echo.clj"
  cd "$dir"
  export LEIN_HOME=$tmp/lein-home    # no ~/.lein/profiles.clj: its plugins could want Clojars
  step "lein classpath (resolves from Maven Central and the file:// repository)"
  timeout "$t_mvn" lein classpath >"$tmp/lein.classpath" 2>"$tmp/lein.err" || { cat "$tmp/lein.err"; false; }
  cat "$tmp/lein.err"
  if grep -i clojars "$tmp/lein.err"; then fail "Leiningen went to Clojars"; fi
  check_jar "$(tail -n 1 "$tmp/lein.classpath")"
  step "lein -o run -m consumer.echo (offline)"
  timeout "$t_run" lein -o run -m consumer.echo | tee out.txt
  grep -qx 'round trip: ECHO/hello' out.txt
  note "Leiningen $(sed -n 's/^export LEIN_VERSION="\(.*\)"$/\1/p' "$(command -v lein)"): $(cat out.txt)"
}

# --- the net-async command ------------------------------------------------------------------
consumer_net_async() {
  step "net-async --help"
  timeout "$t_mvn" java/bin/net-async --help | tee "$tmp/help.txt"
  grep -q '^usage: net-async' "$tmp/help.txt"
  step "net-async listen 127.0.0.1:0 --echo"
  timeout "$t_run" java/bin/net-async listen 127.0.0.1:0 --echo 2>"$tmp/listen.err" &
  local pid=$! port="" i
  trap "kill $pid 2>/dev/null || true" EXIT   # this consumer runs in a subshell of its own
  for i in $(seq 1 "$t_run"); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/listen.err")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "net-async listen exited: $(cat "$tmp/listen.err")"
    sleep 1
  done
  [ -n "$port" ] || fail "net-async listen did not say where it listens"
  step "printf 'hello\\n' | net-async connect 127.0.0.1:$port"
  # --wait: how long connect waits for replies once its input ends; a loaded machine needs > 1 s
  printf 'hello\n' | timeout "$t_run" java/bin/net-async connect "127.0.0.1:$port" --wait 10000 |
    tee "$tmp/connect.txt"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  grep -qE ' :connected$' "$tmp/connect.txt"
  grep -qE ' "hello"$' "$tmp/connect.txt"
  note "net-async connect: $(awk '{print $NF}' "$tmp/connect.txt" | paste -sd' ' -)"
}

started=$SECONDS
for c in maven repl deps.edn leiningen net-async; do
  run "$c"
done
echo "=== $(( ${#failed[@]} )) of 5 consumers failed${failed:+: ${failed[*]}} ($((SECONDS - started)) s after the build)"
[ "${#failed[@]}" = 0 ]
