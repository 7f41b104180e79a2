#!/usr/bin/env bash
# Upgrades without loss (issue 19 item 6): a kiosk and a server of the previous release,
# with work in flight, upgraded to this build; everything arrives exactly once.
#
# The old release is not built here (10 minutes on 2 cores): tests/upgrade/fixture/ was
# made by that release's own binaries (tests/upgrade/make_fixture.sh, which says how)
# and is committed. From it this test:
#  1. restores the old server's pg_dump (schema 4, its sealing key ring, kiosks A and B
#     enrolled, one application pushed with its photo cut after the first 256 KB chunk)
#     into a fresh cluster and starts THIS yimen-server on it: migrations 5–7 run,
#     including 5's sealing of the plaintext payload and VACUUM FULL. Checks the
#     schema version, that the old row is now sealed and that the old plaintext is in
#     no table file any more;
#  2. old kiosks still pushing: kiosk B's push as the OLD build made it (recorded by
#     make_fixture.sh; body byte for byte) is sent to the upgraded server, twice:
#     10 created, then 10 duplicate. Honest limit: the recorded signature cannot be
#     replayed — a signature covers a timestamp the server accepts only within
#     ±300 s (kMaxClockSkewSeconds) and a nonce it accepts once — so the test signs the
#     recorded method, path and body again with kiosk B's key (the fixture keeps it;
#     the signing scheme, "YIMEN-V1\n…", is unchanged since that release). What is
#     tested is that the old wire's bodies are still accepted and deduplicated, not
#     the old binary's networking;
#  3. kiosk A's store (v6, 200 sealed applications in the outbox, 21 photos, one
#     mid-upload) is copied and THIS yimen-kiosk runs --sync-once on it until it
#     reports nothing left: the store migrates to this build's version, and the server
#     then holds every application and photo exactly once, the cut photo completed.
#     The kiosk's server address is rewritten in the copy (the test server listens on
#     a free port; in a hall the address would not change).
#  4. key custody on the upgraded database (issue 12): the old release's ring holds its
#     secret in plaintext; this build's yimen-admin key-ceremony wraps it, drops the
#     column and rewrites the table, so the old secret is in no table file and in no
#     pg_dump any more, and show opens an old application with the passphrase only.
#
# usage: upgrade_test.sh --build DIR [--out DIR]
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/upgrade/lib.sh
source "$repo/tests/upgrade/lib.sh"
parse_build_out upgrade upgrade "$@"
kiosk=$build/app/yimen-kiosk server=$build/server/yimen-server
for bin in "$kiosk" "$server"; do [[ -x "$bin" ]] || { echo "upgrade: no $bin" >&2; exit 2; }; done
fixture=$repo/tests/upgrade/fixture
# shellcheck source=tests/upgrade/fixture/fixture.env
source "$fixture/fixture.env"
# shellcheck source=tests/upgrade/fixture/kiosk-b.env
source "$fixture/kiosk-b.env"
mkdir -p "$out/a"

server_pid=""
cleanup() {
  stop_yimen_server
  bash "$repo/scripts/pg-local.sh" stop "$out/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# 1. The old database into a fresh cluster; this build's server upgrades it.
pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/pg")
pg_restore --no-owner --exit-on-error -d "$pg_url" "$fixture/server.dump"
check "server schema before" "$(psql_q "SELECT max(version) FROM schema_migrations;")" "$SERVER_SCHEMA_VERSION"
# The old server stored what it opened: the draft's ID number is in the table files.
plaintext_files() {
  psql_q "CHECKPOINT;" >/dev/null
  (grep -rl --binary-files=text "442000195001010021" "$out/pg/data/base" 2>/dev/null || true) | wc -l
}
before=$(plaintext_files)
echo "  table files holding the old plaintext before: $before"
((before > 0)) || fail "the restored old database holds no plaintext: the check below would prove nothing"
started=$(date +%s%N)
start_yimen_server "$server" "$pg_url" "$out/server.log"
echo "  upgraded server up in $((($(date +%s%N) - started) / 1000000)) ms"
latest=$(grep -o '{[0-9]*, "' "$repo/server/migrations.cpp" | tr -dc '0-9\n' | sort -n | tail -1)
check "server schema after" "$(psql_q "SELECT max(version) FROM schema_migrations;")" "$latest"
check "old rows left unsealed" "$(psql_q "SELECT count(*) FROM applications WHERE payload_format <> 'sealed-v2' OR payload::jsonb ->> 'alg' IS DISTINCT FROM 'x25519-xsalsa20poly1305-sealedbox';")" 0
# The old row's plaintext (the draft's ID number) must be gone from the table files:
# migration 5 rewrites the table with VACUUM FULL.
check "table files still holding the old plaintext" "$(plaintext_files)" 0

# 2. Kiosk B's old-build push, re-signed (see the header), twice.
secret_der=$out/kiosk-b.der
{ printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'
  echo "$KIOSK_B_SECRET" | base64 -d | head -c 32; } >"$secret_der"
openssl pkey -inform DER -in "$secret_der" -out "$out/kiosk-b.pem" 2>/dev/null
push_old_b() {  # prints the reply body
  local ts nonce body_sha signature
  ts=$(date +%s) nonce=$(openssl rand -hex 16)
  body_sha=$(sha256sum "$fixture/kiosk-b-push.body" | cut -d' ' -f1)
  printf 'YIMEN-V1\nPOST\n/v1/push\n%s\n%s\n%s' "$ts" "$nonce" "$body_sha" >"$out/canonical.txt"
  signature=$(openssl pkeyutl -sign -inkey "$out/kiosk-b.pem" -rawin -in "$out/canonical.txt" | base64 -w0)
  curl -sS -X POST "http://127.0.0.1:$port/v1/push" -H "Content-Type: application/json" \
    -H "X-Yimen-Device: $KIOSK_B_DEVICE" -H "X-Yimen-Timestamp: $ts" \
    -H "X-Yimen-Nonce: $nonce" -H "X-Yimen-Signature: $signature" \
    --data-binary "@$fixture/kiosk-b-push.body" -w '\n%{http_code}\n'
}
reply=$(push_old_b)
check "old kiosk B push: HTTP" "$(tail -1 <<<"$reply")" 200
check "old kiosk B push: created" "$(grep -o '"created"' <<<"$reply" | wc -l)" "$KIOSK_B_APPLICATIONS"
reply=$(push_old_b)
check "old kiosk B push again: duplicate" "$(grep -o '"duplicate"' <<<"$reply" | wc -l)" "$KIOSK_B_APPLICATIONS"

# 3. Kiosk A's old store under this build's kiosk.
db=$out/a/yimen.db
cp "$fixture/kiosk-a.db" "$db"
check "kiosk store before" "$(sqlite3 "$db" "PRAGMA user_version;")" "$KIOSK_STORE_VERSION"
sqlite3 "$db" "UPDATE settings SET value = 'http://127.0.0.1:$port' || char(10) WHERE key = 'sync.server_urls';"
cycles=0
until "$kiosk" --data-dir "$out/a" --sync-once >>"$out/kiosk.log" 2>&1; do
  cycles=$((cycles + 1))
  ((cycles < 10)) || fail "kiosk A still has work after 10 sync cycles"
done
echo "  kiosk A drained in $((cycles + 1)) --sync-once runs"
kiosk_latest=$(grep -o 'Migration{[0-9]*,' "$repo/app/store/migrations.cpp" | tr -dc '0-9\n' | sort -n | tail -1)
check "kiosk store after" "$(sqlite3 "$db" "PRAGMA user_version;")" "$kiosk_latest"
check "kiosk A outbox undelivered" "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE delivered_at_ms IS NULL;")" 0
check "kiosk A photos not uploaded" "$(sqlite3 "$db" "SELECT count(*) FROM attachments WHERE uploaded_at_ms IS NULL;")" 0

# Exactly once, on the server.
total=$((KIOSK_A_APPLICATIONS + KIOSK_B_APPLICATIONS))
check "server applications" "$(psql_q "SELECT count(*) FROM applications;")" "$total"
check "server distinct uuids" "$(psql_q "SELECT count(DISTINCT uuid) FROM applications;")" "$total"
check "server distinct numbers" "$(psql_q "SELECT count(DISTINCT app_number) FROM applications;")" "$total"
sqlite3 "$db" "SELECT uuid FROM applications;" | sort >"$out/kiosk_a_uuids"
psql_q "SELECT uuid FROM applications;" | sort >"$out/server_uuids"
check "kiosk A applications missing on the server" "$(comm -23 "$out/kiosk_a_uuids" "$out/server_uuids" | wc -l)" 0
check "server photos" "$(psql_q "SELECT count(*) FROM attachments;")" "$KIOSK_A_PHOTOS"
check "server photos complete" "$(psql_q "SELECT count(*) FROM attachments WHERE complete AND received = size;")" "$KIOSK_A_PHOTOS"
check "server applications incomplete" "$(psql_q "SELECT count(*) FROM applications WHERE NOT complete;")" 0
check "mid-upload photo complete" "$(psql_q "SELECT bool_and(t.complete) FROM attachments t JOIN applications a ON a.id = t.application_id WHERE a.uuid = '$KIOSK_A_MID_UPLOAD';")" t
# The photo bytes as the server holds them are the kiosk's ciphertexts, byte for byte.
bad=0
while IFS='|' read -r uuid id sha; do
  got=$(psql_q "SELECT encode(sha256(string_agg(c.data, ''::bytea ORDER BY c.byte_offset)), 'hex')
          FROM attachment_chunks c JOIN applications a ON a.id = c.application_id
          WHERE a.uuid = '$uuid' AND c.attachment_id = '$id';")
  [[ "$got" == "$sha" ]] || bad=$((bad + 1))
done < <(sqlite3 "$db" "SELECT application_uuid, attachment_id, sha256 FROM attachments;")
check "photos differing from the kiosk's ciphertext" "$bad" 0

# Once more: nothing new.
"$kiosk" --data-dir "$out/a" --sync-once >>"$out/kiosk.log" 2>&1 || fail "a quiet cycle failed"
check "server applications after a quiet cycle" "$(psql_q "SELECT count(*) FROM applications;")" "$total"
# 4. Key custody: the plaintext ring of the old release, wrapped by the ceremony.
admin=$build/server/yimen-admin
[[ -x "$admin" ]] || fail "no $admin"
old_secret=$(psql_q "SELECT secret_key FROM sealing_keys WHERE state = 'active';")
[[ -n "$old_secret" ]] || fail "the upgraded ring has no plaintext secret to wrap"
secret_files() {
  psql_q "CHECKPOINT;" >/dev/null
  (grep -rlF --binary-files=text "$old_secret" "$out/pg/data/base" 2>/dev/null || true) | wc -l
}
[[ $(secret_files) -gt 0 ]] || fail "control: the plaintext secret should be in a table file"
printf 'upgrade admin pw 1\n' | "$admin" --pg "$pg_url" console-user add ops --role admin \
  --scope 全市 --bootstrap >>"$out/admin.log" 2>&1 || fail "bootstrap"
printf 'upgrade admin pw 1\nupgrade supervisor 1\n' | "$admin" --pg "$pg_url" --user ops \
  console-user add sup --role supervisor --scope 全市 >>"$out/admin.log" 2>&1 || fail "add sup"
passphrase="升级 drill 柳树 lantern"
printf 'upgrade supervisor 1\n%s\n%s\n' "$passphrase" "$passphrase" |
  "$admin" --pg "$pg_url" --user sup key-ceremony >>"$out/admin.log" 2>&1 || fail "key-ceremony"
check "plaintext key column" "$(psql_q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'sealing_keys' AND column_name = 'secret_key';")" 0
check "keys wrapped" "$(psql_q "SELECT count(*) FROM sealing_keys WHERE state <> 'retired' AND wrapped_secret IS NULL;")" 0
check "table files holding the old secret" "$(secret_files)" 0
check "dumps holding the old secret" "$(pg_dump "$pg_url" | grep -cF "$old_secret" || true)" 0
number=$(psql_q "SELECT app_number FROM applications ORDER BY id LIMIT 1;")
printf 'upgrade supervisor 1\n' | "$admin" --pg "$pg_url" --user sup show "$number" \
  >>"$out/admin.log" 2>&1 && fail "show opened without the passphrase"
printf 'upgrade supervisor 1\n%s\n' "$passphrase" | "$admin" --pg "$pg_url" --user sup \
  show "$number" >"$out/show.txt" 2>&1 || fail "show with the passphrase (see $out/show.txt)"
grep -q '"service_code"' "$out/show.txt" || fail "show printed no application"

echo "upgrade: store v$KIOSK_STORE_VERSION -> v$kiosk_latest, server schema $SERVER_SCHEMA_VERSION -> $latest," \
     "$total applications and $KIOSK_A_PHOTOS photos exactly once (fixture from ${PREV_COMMIT:0:7})"
