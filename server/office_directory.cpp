// Halls, departments and the holiday calendar (office_directory.h).
#include "server/office_directory.h"

#include "domain/utf8.h"

namespace yimen::server {
namespace {

bool Usable(const std::string& text, size_t max_chars) {
  const size_t chars = CountCodepoints(text);
  return chars > 0 && chars <= max_chars && IsValidUtf8(text);
}

}  // namespace

Status SetHall(PgPool& pool, const std::string& hall, const std::string& town) {
  if (!Usable(hall, 128) || !Usable(town, 128)) {
    return MakeError(ErrorKind::kInvalidArgument, "hall and town: 1..128 characters each");
  }
  return pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO halls (name, town) VALUES ($1, $2) "
        "ON CONFLICT (name) DO UPDATE SET town = excluded.town, updated_at = now()",
        hall, town);
    tx.commit();
  });
}

Result<std::vector<HallRow>> ListHalls(PgPool& pool) {
  std::vector<HallRow> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    for (const auto& row : tx.exec("SELECT name, town FROM halls ORDER BY town, name")) {
      rows.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    }
  });
  if (!status.ok()) return status.error();
  return rows;
}

Status AddDepartment(PgPool& pool, const std::string& name) {
  if (!Usable(name, 64))
    return MakeError(ErrorKind::kInvalidArgument, "department: 1..64 characters");
  bool added = false;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    added = !tx.exec_params(
                   "INSERT INTO departments (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1",
                   name)
                 .empty();
    tx.commit();
  });
  if (!status.ok()) return status;
  if (!added) return MakeError(ErrorKind::kConflict, "department " + name + " exists");
  return Status::Ok();
}

Result<std::vector<std::string>> ListDepartments(PgPool& pool) {
  std::vector<std::string> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    for (const auto& row : tx.exec("SELECT name FROM departments ORDER BY name")) {
      rows.push_back(row[0].as<std::string>());
    }
  });
  if (!status.ok()) return status.error();
  return rows;
}

Status SetCalendarDay(PgPool& pool, const std::string& day, const std::string& kind,
                      const std::string& note) {
  auto date = ParseIsoDate(day);
  if (!date.ok()) return MakeError(ErrorKind::kInvalidArgument, "not a date (YYYY-MM-DD): " + day);
  if (kind != "holiday" && kind != "workday" && kind != "normal") {
    return MakeError(ErrorKind::kInvalidArgument, "kind: holiday, workday (调休) or normal");
  }
  if (note.size() > 200 || !IsValidUtf8(note)) {
    return MakeError(ErrorKind::kInvalidArgument, "note: at most 200 bytes of UTF-8");
  }
  return pool.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    if (kind == "normal") {
      tx.exec_params("DELETE FROM calendar_days WHERE day = $1::date", day);
    } else {
      tx.exec_params(
          "INSERT INTO calendar_days (day, kind, note) VALUES ($1::date, $2, $3) "
          "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note",
          day, kind, note);
    }
    tx.commit();
  });
}

Result<std::vector<CalendarDayRow>> ListCalendarDays(PgPool& pool) {
  std::vector<CalendarDayRow> rows;
  Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    for (const auto& row :
         tx.exec("SELECT day::text, kind, note FROM calendar_days ORDER BY day")) {
      rows.push_back(
          {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
    }
  });
  if (!status.ok()) return status.error();
  return rows;
}

WorkingCalendar LoadWorkingCalendar(pqxx::transaction_base& tx) {
  WorkingCalendar calendar;
  for (const auto& row : tx.exec("SELECT day::text, kind FROM calendar_days")) {
    auto day = ParseIsoDate(row[0].as<std::string>());
    if (!day.ok()) continue;
    (row[1].as<std::string>() == "holiday" ? calendar.holidays : calendar.workdays).insert(*day);
  }
  return calendar;
}

}  // namespace yimen::server
