#!/usr/bin/env bash
# Checks a file repository holding a release build of net.async (issue #20): usage
#   .ci/check-release.sh <repository directory> <version>
# It must hold the pom, the jar, the sources and javadoc jars, each with its checksums; the pom its
# publishing metadata; the jar what users need and nothing else. Prints what it checked; exits
# non-zero at the first thing missing.
set -euo pipefail
repo=$1 version=$2
dir=$repo/net/async/async/$version
fail() { echo "check-release: $*" >&2; exit 1; }
[ -d "$dir" ] || fail "no $dir"

# A snapshot is stored under its timestamped name, a release under its version.
base=""
if [ -f "$dir/maven-metadata.xml" ]; then
  base=$(sed -n 's|.*<value>\(.*\)</value>.*|\1|p' "$dir/maven-metadata.xml" | head -n 1)
fi
base=async-${base:-$version}
for file in "$base.pom" "$base.jar" "$base-sources.jar" "$base-javadoc.jar"; do
  [ -s "$dir/$file" ] || fail "no $file"
  for sum in md5 sha1; do
    [ -s "$dir/$file.$sum" ] || fail "no $file.$sum"
  done
  [ "$(cut -c1-40 "$dir/$file.sha1")" = "$(sha1sum "$dir/$file" | cut -c1-40)" ] || fail "$file.sha1 does not match"
done
echo "check-release: pom, jar, sources, javadoc and their md5/sha1 in $dir"

# The pom: what Maven Central requires of it.
pom=$dir/$base.pom
for element in name description url licenses developers scm; do
  grep -q "<$element>" "$pom" || fail "the pom has no <$element>"
done
grep -q '<name>MIT License</name>' "$pom" || fail "the pom does not name the MIT licence"
echo "check-release: the pom has name, description, url, licenses (MIT), developers, scm"

# The jar: the library's classes, the Clojure namespaces as source, the licence, a module name.
entries=$(unzip -Z1 "$dir/$base.jar")
for ns in net/async/tcp.clj net/async/util.clj net/async/synchro.clj; do
  grep -qx "$ns" <<<"$entries" || fail "the jar has no $ns"
done
grep -qx 'META-INF/LICENSE' <<<"$entries" || fail "the jar has no META-INF/LICENSE"
if grep -E '__init\.class$|Test[A-Za-z]*\.class$|^net/async/tcp/(bench|fault|example)/|\.(edn|properties)$|echo_demo|simplelogger' \
     <<<"$entries" | grep -v '^META-INF/maven/'; then
  fail "the jar holds test, bench or AOT-compiled files (above)"
fi
# (each listing read whole first: grep -q stopping early would fail the pipe under pipefail)
manifest=$(unzip -p "$dir/$base.jar" META-INF/MANIFEST.MF | tr -d '\r')
grep -qx 'Automatic-Module-Name: net.async' <<<"$manifest" ||
  fail "the jar's manifest has no Automatic-Module-Name: net.async"
sources=$(unzip -Z1 "$dir/$base-sources.jar")
grep -qx 'net/async/tcp/Tcp.java' <<<"$sources" || fail "the sources jar has no Tcp.java"
javadoc=$(unzip -Z1 "$dir/$base-javadoc.jar")
grep -qE '(^|/)net/async/tcp/Tcp.html$' <<<"$javadoc" || fail "the javadoc jar has no Tcp.html"
echo "check-release: the jar holds $(grep -c '\.class$' <<<"$entries") classes of net.async.tcp, the three namespaces as" \
     "source, META-INF/LICENSE and Automatic-Module-Name: net.async; no test, bench or AOT files"
