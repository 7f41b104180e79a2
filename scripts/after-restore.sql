-- Run once on a Yimen database restored from a backup, BEFORE yimen-server starts on it
-- (docs/operations.md "Backup and restore"):
--   psql "$YIMEN_PG" -v ON_ERROR_STOP=1 -f scripts/after-restore.sql
--
-- 1. A new database epoch (server migration 8). Kiosks read it in every status page;
-- seeing it change, each sends again every acknowledged application it still holds
-- (sealed, for its retention period), since the restored database lacks what was
-- acknowledged after the backup. The server answers `duplicate` for the rest.
DO $$
BEGIN
  IF to_regclass('database_epoch') IS NOT NULL THEN
    UPDATE database_epoch SET epoch = gen_random_uuid()::text, since = now();
  END IF;
END
$$;

-- 2. Sequences.
-- Kiosks remember numbers the lost server handed out after the backup: the status
-- change they pulled up to (status cursor), the staff-account version, their device id.
-- A restored sequence would hand those numbers out again, and a kiosk whose cursor is
-- already past them would never pull the new status changes. Every sequence jumps a
-- million ahead, past anything the lost database can have reached since the backup
-- (gaps are harmless: cursors only compare). Running it twice only jumps further.
DO $$
DECLARE
  s record;
BEGIN
  FOR s IN SELECT schemaname, sequencename, coalesce(last_value, 0) AS last_value
           FROM pg_sequences LOOP
    PERFORM setval(format('%I.%I', s.schemaname, s.sequencename), s.last_value + 1000000);
  END LOOP;
END
$$;
