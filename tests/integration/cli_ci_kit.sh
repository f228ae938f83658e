#!/usr/bin/env bash
# cli_ci_kit.sh - the CI kit users copy (ci/kit/): both YAML files parse
# (python3-yaml) and say what docs/ci.md promises - smtpconf built, the
# MTA started with --spawn, sharded runs merged by `report --merge`,
# HTML and JUnit uploaded as artifacts; the matrix script is valid bash
# and refuses bad usage and unknown servers.
. "$(dirname "$0")/lib.sh"
smtpconf=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
scratch_dir
python3 -c 'import yaml' 2>/dev/null || { echo "python3-yaml missing"; exit 77; }

python3 - "$top/ci/kit/github-actions.yml" "$top/ci/kit/gitlab-ci.yml" <<'PY' || die "CI kit YAML"
import sys, yaml

def steps_text(doc):
    return yaml.safe_dump(doc)

gh = yaml.safe_load(open(sys.argv[1]))
gl = yaml.safe_load(open(sys.argv[2]))
assert set(gh["jobs"]) == {"conformance", "report"}, gh["jobs"].keys()
assert gh["jobs"]["report"]["needs"] == "conformance"
assert gh["jobs"]["report"]["if"] == "always()"
shards = gh["jobs"]["conformance"]["strategy"]["matrix"]["shard"]
assert len(shards) == gh["jobs"]["conformance"]["env"]["SHARDS"], shards
uses = [s.get("uses", "") for j in gh["jobs"].values() for s in j["steps"]]
assert any(u.startswith("actions/upload-artifact@") for u in uses)
assert any(u.startswith("actions/download-artifact@") for u in uses)
assert gl["smtpconf:report"]["needs"] == ["smtpconf:shard"]
assert gl["smtpconf:report"]["artifacts"]["reports"]["junit"].endswith(".xml")
assert gl["smtpconf:shard"]["parallel"] >= 2
for doc, name in ((gh, "github"), (gl, "gitlab")):
    t = steps_text(doc)
    for needle in ("--spawn", "${port}", "--shard", "report --merge",
                   "--junit", "-o smtpconf-out/smtpconf.html",
                   "smtpconf-waivers.txt", "cmake --build"):
        assert needle in t, (name, needle)
PY

bash -n "$top/ci/kit/matrix.sh" || die "matrix.sh does not parse"
expect_exit 2 "$top/ci/kit/matrix.sh"
expect_exit 2 "$top/ci/kit/matrix.sh" "$smtpconf" "$SCRATCH/m" no-such-mta
expect_output "$SCRATCH/err" "unknown MTA 'no-such-mta'"
exit 0
