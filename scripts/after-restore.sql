-- Run once on a Yimen database restored from a backup, BEFORE yimen-server starts on it
-- (docs/operations.md "Backup and restore"):
--   psql "$YIMEN_PG" -v ON_ERROR_STOP=1 -f scripts/after-restore.sql
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
