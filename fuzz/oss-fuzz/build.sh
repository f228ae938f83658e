#!/bin/bash -eu
# OSS-Fuzz projects/smtpconf/build.sh: everything is in the repository's
# own script, which CI tests (CTest fuzz:oss-fuzz-build).
"$SRC/smtpconf/fuzz/oss-fuzz-build.sh"
