#!/usr/bin/env bash
# Regenerates tests/upgrade/fixture/ with the binaries of an older release (issue 19,
# "Upgrades without loss"). Everything in the fixture is made by that release's own
# code paths: its yimen-server and yimen-admin on a throwaway PostgreSQL, its
# yimen-kiosk enrolling and syncing, and its Store::Submit (through the release's
# tests/faults submitter, yimen-fault-submit, which calls the real Store::Submit)
# sealing applications and encrypting photos. Not run by CI: the fixture is committed.
#
# usage: tests/upgrade/make_fixture.sh PREV_COMMIT [--build DIR]
#   --build DIR   an existing build of PREV_COMMIT holding yimen-kiosk, yimen-server,
#                 yimen-admin and yimen-fault-submit (else one is made in a temporary
#                 git worktree with ccache: about 10 minutes on 2 cores)
#
# What it leaves in tests/upgrade/fixture/ (docs/operations.md "Upgrading"):
#   kiosk-a.db       kiosk A's whole store (yimen.db: settings with its enrollment and
#                    signing key, 201 applications; 200 of them in the outbox, never
#                    pushed; 21 with a photo; the first application was pushed and its
#                    300 KB photo is cut after its first 256 KB chunk — mid-upload)
#   server.dump      pg_dump -Fc of the old server's database: its schema, its sealing
#                    key ring (secret included: a test key), devices A and B, the one
#                    pushed application and its partial attachment
#   kiosk-b.env      kiosk B's device id and signing secret key (test keys)
#   kiosk-b-push.*   the push request kiosk B's old build made (recorded by
#                    record_server.py, which answered 503 so nothing was stored)
#   fixture.env      what the test expects (counts, the old versions, the commit)
set -euo pipefail
export SDL_AUDIODRIVER=dummy

repo=$(cd "$(dirname "$0")/../.." && pwd)
prev=${1:-}
[[ -n "$prev" ]] || { echo "usage: $0 PREV_COMMIT [--build DIR]" >&2; exit 2; }
shift
build=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    *) echo "make_fixture: unknown argument $1" >&2; exit 2 ;;
  esac
done
prev_full=$(git -C "$repo" rev-parse "$prev^{commit}")
fixture=$repo/tests/upgrade/fixture
work=$(mktemp -d /tmp/yimen-fixture.XXXXXX)
chmod o+x "$work"  # PostgreSQL runs as the postgres user (docs/testing.md)
server_pid="" recorder_pid=""
cleanup() {
  for pid in $recorder_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$repo/scripts/pg-local.sh" stop "$work/pg" >/dev/null 2>&1 || true
  [[ -d "$work/src" ]] && git -C "$repo" worktree remove --force "$work/src" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [[ -z "$build" ]]; then
  git -C "$repo" worktree add --detach "$work/src" "$prev_full" >/dev/null
  export CCACHE_BASEDIR=$work/src CCACHE_NOHASHDIR=1
  cmake -S "$work/src" -B "$work/src/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DYIMEN_BUILD_VOICE=OFF -DYIMEN_BUILD_BENCH=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache >/dev/null
  cmake --build "$work/src/build" -j2 --target yimen-kiosk yimen-server yimen-admin yimen-fault-submit
  build=$work/src/build
fi
kiosk=$build/app/yimen-kiosk server=$build/server/yimen-server admin=$build/server/yimen-admin
submitter=$build/tests/faults/yimen-fault-submit
for bin in "$kiosk" "$server" "$admin" "$submitter"; do
  [[ -x "$bin" ]] || { echo "make_fixture: no $bin" >&2; exit 2; }
done
src=$(git -C "$repo" show "$prev_full:tests/faults/youdai_draft.json")

# The old server on a throwaway cluster.
pg_url=$(bash "$repo/scripts/pg-local.sh" start "$work/pg")
# shellcheck source=tests/faults/lib.sh
source "$repo/tests/faults/lib.sh"  # start_yimen_server
psql_q() { psql "$pg_url" -Atq -v ON_ERROR_STOP=1 -c "$1"; }
start_yimen_server "$server" "$pg_url" "$work/server.log"

enroll() {  # DATA_DIR
  local code
  code=$("$admin" --pg "$pg_url" enroll-code --hall "升级测试大厅")
  "$kiosk" --data-dir "$1" --enroll "http://127.0.0.1:$port" "$code" >"$1.enroll.log"
}
mkdir -p "$work/a" "$work/b"
enroll "$work/a"
enroll "$work/b"

# Drafts: the release's own test draft, and the same with a document photo in the form
# the UI puts it (attachments["photo:<field>"] = base64 JPEG).
echo "$src" >"$work/plain.json"
# Real JPEGs (cjpeg: Debian's libjpeg-turbo-progs) of made-up pictures: a small
# gradient, and noise, which does not compress: about 300 KB, so its upload needs two
# 256 KB chunks.
ppm() {  # SIDE NOISE(0|1) OUT
  python3 - "$@" <<'PY'
import random, sys
side, noise, out = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3]
rng = random.Random(19)
pixels = bytearray()
for y in range(side):
    for x in range(side):
        pixels += bytes(rng.randrange(256) for _ in range(3)) if noise else \
            bytes((x * 255 // side, y * 255 // side, 128))
open(out, "wb").write(b"P6 %d %d 255\n" % (side, side) + bytes(pixels))
PY
}
ppm 64 0 "$work/small.ppm" && cjpeg -quality 70 "$work/small.ppm" >"$work/small.jpg"
ppm 460 1 "$work/big.ppm" && cjpeg -quality 97 "$work/big.ppm" >"$work/big.jpg"
with_photo() {  # JPEG OUT
  python3 - "$work/plain.json" "$1" "$2" <<'PY'
import base64, json, sys
draft = json.load(open(sys.argv[1]))
draft["attachments"] = {"photo:photo": base64.b64encode(open(sys.argv[2], "rb").read()).decode()}
json.dump(draft, open(sys.argv[3], "w"), ensure_ascii=False)
PY
}
with_photo "$work/small.jpg" "$work/small.json"
with_photo "$work/big.jpg" "$work/big.json"
submit() {  # DATA_DIR DRAFT COUNT
  "$submitter" --data-dir "$1" --draft "$2" --count "$3" --journal "$1.journal" >>"$work/submit.log"
}

# Kiosk A, application 1: pushed, its photo cut after the first chunk. A trigger in the
# old database refuses every chunk after the first, so the old kiosk's own upload stops
# there (the old server answers 500; the kiosk keeps the attachment pending); then the
# trigger is dropped and the database holds exactly what a cut connection leaves.
submit "$work/a" "$work/big.json" 1
psql_q "CREATE FUNCTION fixture_cut() RETURNS trigger LANGUAGE plpgsql AS \$\$
        BEGIN IF NEW.byte_offset > 0 THEN RAISE EXCEPTION 'fixture: upload cut'; END IF;
        RETURN NEW; END \$\$;
        CREATE TRIGGER fixture_cut BEFORE INSERT ON attachment_chunks
        FOR EACH ROW EXECUTE FUNCTION fixture_cut();"
"$kiosk" --data-dir "$work/a" --sync-once >"$work/a-sync.log" 2>&1 || true
psql_q "DROP TRIGGER fixture_cut ON attachment_chunks; DROP FUNCTION fixture_cut();"
received=$(psql_q "SELECT received FROM attachments;")
pending=$(sqlite3 "$work/a/yimen.db" "SELECT count(*) FROM attachments WHERE uploaded_at_ms IS NULL;")
[[ "$received" == 262144 && "$pending" == 1 ]] ||
  { echo "make_fixture: the cut upload is not mid-way (server $received, kiosk pending $pending)" >&2;
    cat "$work/a-sync.log" >&2; exit 1; }

# Kiosk A: a full outbox of 200, 20 with a photo, never pushed.
submit "$work/a" "$work/small.json" 20
submit "$work/a" "$work/plain.json" 180

# Kiosk B: 10 applications, pushed by the old build to the recorder. (No photos: B's
# ciphertexts are not in the fixture, so nothing could upload them.)
submit "$work/b" "$work/plain.json" 10
mkdir -p "$work/recorded"
python3 "$repo/tests/upgrade/record_server.py" "$work/recorded" >"$work/recorder.out" 2>"$work/recorder.log" &
recorder_pid=$!
for _ in $(seq 1 50); do grep -q "listening on" "$work/recorder.out" 2>/dev/null && break; sleep 0.1; done
rec_port=$(sed -n 's/^listening on //p' "$work/recorder.out")
urls=$(sqlite3 "$work/b/yimen.db" "SELECT value FROM settings WHERE key = 'sync.server_urls';")
sqlite3 "$work/b/yimen.db" "UPDATE settings SET value = 'http://127.0.0.1:$rec_port' || char(10) WHERE key = 'sync.server_urls';"
"$kiosk" --data-dir "$work/b" --sync-once >"$work/b-sync.log" 2>&1 || true
sqlite3 "$work/b/yimen.db" "UPDATE settings SET value = '$urls' WHERE key = 'sync.server_urls';"
kill "$recorder_pid"; wait "$recorder_pid" 2>/dev/null || true; recorder_pid=""
push=$(grep -l '"path": "/v1/push"' "$work"/recorded/request-*.json | head -1)
[[ -n "$push" ]] || { echo "make_fixture: kiosk B made no push" >&2; cat "$work/b-sync.log" >&2; exit 1; }

kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

rm -rf "$fixture"
mkdir -p "$fixture"
# One file per store: the WAL folded in, nothing beside it.
sqlite3 "$work/a/yimen.db" "VACUUM INTO '$fixture/kiosk-a.db';"
pg_dump -Fc -Z 9 "$pg_url" >"$fixture/server.dump"
cp "${push%.json}.body" "$fixture/kiosk-b-push.body"
cp "$push" "$fixture/kiosk-b-push.json"
{
  echo "# kiosk B (test keys): re-signs its recorded push, see upgrade_test.sh"
  echo "KIOSK_B_DEVICE=$(sqlite3 "$work/b/yimen.db" "SELECT value FROM settings WHERE key = 'sync.device_id';")"
  echo "KIOSK_B_SECRET=$(sqlite3 "$work/b/yimen.db" "SELECT value FROM settings WHERE key = 'sync.secret_key';")"
} >"$fixture/kiosk-b.env"
a_db=$fixture/kiosk-a.db
{
  echo "# Made by tests/upgrade/make_fixture.sh from $prev_full on $(date -u +%Y-%m-%d)"
  echo "PREV_COMMIT=$prev_full"
  echo "KIOSK_STORE_VERSION=$(sqlite3 "$a_db" "PRAGMA user_version;")"
  echo "SERVER_SCHEMA_VERSION=$(psql_q "SELECT max(version) FROM schema_migrations;" 2>/dev/null || echo '?')"
  echo "KIOSK_A_APPLICATIONS=$(sqlite3 "$a_db" "SELECT count(*) FROM applications;")"
  echo "KIOSK_A_OUTBOX=$(sqlite3 "$a_db" "SELECT count(*) FROM outbox WHERE delivered_at_ms IS NULL;")"
  echo "KIOSK_A_PHOTOS=$(sqlite3 "$a_db" "SELECT count(*) FROM attachments;")"
  echo "KIOSK_A_MID_UPLOAD=$(sqlite3 "$a_db" "SELECT t.application_uuid FROM attachments t JOIN outbox o USING (application_uuid)
                                                 WHERE t.uploaded_at_ms IS NULL AND o.delivered_at_ms IS NOT NULL;")"
  echo "KIOSK_B_APPLICATIONS=10"
} >"$fixture/fixture.env"
cat "$fixture/fixture.env"
du -sh "$fixture"
cleanup
trap - EXIT
rm -rf "$work"
