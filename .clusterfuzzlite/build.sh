#!/bin/bash -eu
# ClusterFuzzLite's build step: the repository's own script (CTest
# fuzz:oss-fuzz-build runs it as OSS-Fuzz would).
"$SRC/smtpconf/fuzz/oss-fuzz-build.sh"
