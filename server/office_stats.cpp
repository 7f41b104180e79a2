// The statistics query (office_stats.h): two grouped statements over migration 13's
// aggregates (or, directly, its covering indexes), folded into months, townships, halls
// and services here; and the compactor that folds the aggregates' deltas.
#include "server/office_stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "server/log.h"
#include "server/office_scope.h"

namespace yimen::server {
namespace {

CivilDate AddMonths(CivilDate date, int months) {
  const int index = date.year * 12 + (date.month - 1) + months;
  return CivilDate{index / 12, index % 12 + 1, 1};
}

// pg_try_advisory_xact_lock key of the stats compactor.
constexpr int64_t kStatsCompactLockKey = 0x59494d454e03;  // "YIMEN" 03

std::string MonthKey(const CivilDate& date) { return FormatIsoDate(date).substr(0, 7); }

bool ParseNumber(std::string_view text, int* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// The start of China's civil day `date` as a timestamptz literal.
std::string DayStartLiteral(const CivilDate& date) {
  return "'" + FormatIsoDate(date) + " 00:00:00+08'::timestamptz";
}

StatsKeyed& Slot(std::map<std::string, StatsKeyed>& by, const std::string& key) {
  StatsKeyed& slot = by[key];
  slot.key = key;
  return slot;
}

std::vector<StatsKeyed> Values(const std::map<std::string, StatsKeyed>& by) {
  std::vector<StatsKeyed> out;
  out.reserve(by.size());
  for (const auto& entry : by) out.push_back(entry.second);
  return out;
}

}  // namespace

void StatsCounts::Add(const StatsCounts& other) {
  received += other.received;
  approved += other.approved;
  refused += other.refused;
  overdue += other.overdue;
  late += other.late;
}

std::string StatsPeriodKindName(StatsPeriodKind kind) {
  switch (kind) {
    case StatsPeriodKind::kMonth: return "month";
    case StatsPeriodKind::kQuarter: return "quarter";
    case StatsPeriodKind::kYear: return "year";
  }
  return "year";
}

Result<StatsPeriod> MakeStatsPeriod(const std::string& kind, const std::string& from,
                                    const CivilDate& today) {
  StatsPeriod period;
  if (kind == "month") {
    period.kind = StatsPeriodKind::kMonth;
  } else if (kind == "quarter") {
    period.kind = StatsPeriodKind::kQuarter;
  } else if (kind == "year" || kind.empty()) {
    period.kind = StatsPeriodKind::kYear;
  } else {
    return MakeError(ErrorKind::kInvalidArgument, "统计周期应为 month、quarter 或 year：" + kind);
  }
  CivilDate start{today.year, today.month, 1};
  if (!from.empty()) {
    int year = 0;
    int month = 1;
    const bool ok =
        (from.size() == 4 && ParseNumber(from, &year)) ||
        (from.size() >= 7 && from[4] == '-' && ParseNumber(from.substr(0, 4), &year) &&
         ParseNumber(from.substr(5, 2), &month) && (from.size() == 7 || ParseIsoDate(from).ok()));
    if (!ok || year < 2000 || year > 2999 || month < 1 || month > 12) {
      return MakeError(ErrorKind::kInvalidArgument, "起始日期格式应为 YYYY 或 YYYY-MM：" + from);
    }
    start = CivilDate{year, month, 1};
  }
  int length = 1;
  if (period.kind == StatsPeriodKind::kQuarter) {
    start.month = (start.month - 1) / 3 * 3 + 1;
    length = 3;
  } else if (period.kind == StatsPeriodKind::kYear) {
    start.month = 1;
    length = 12;
  }
  period.first = start;
  period.end = AddMonths(start, length);
  for (int i = 0; i < length; ++i) period.months.push_back(MonthKey(AddMonths(start, i)));
  period.key = period.kind == StatsPeriodKind::kMonth ? MonthKey(start)
               : period.kind == StatsPeriodKind::kQuarter
                   ? std::to_string(start.year) + "-Q" + std::to_string((start.month - 1) / 3 + 1)
                   : std::to_string(start.year);
  return period;
}

double HistogramPercentile(const DaysHistogram& days, double p) {
  int64_t n = 0;
  for (const auto& entry : days) n += entry.second;
  if (n == 0) return 0;
  // The value at sorted position k (0-based) of the histogram spelled out.
  const auto value_at = [&](int64_t k) {
    int64_t seen = 0;
    for (const auto& [value, count] : days) {
      seen += count;
      if (k < seen) return static_cast<double>(value);
    }
    return static_cast<double>(days.rbegin()->first);
  };
  const double position = std::clamp(p, 0.0, 1.0) * static_cast<double>(n - 1);
  const auto below = static_cast<int64_t>(std::floor(position));
  const double lower = value_at(below);
  const double upper = below + 1 < n ? value_at(below + 1) : lower;
  return lower + (position - static_cast<double>(below)) * (upper - lower);
}

namespace {

// The applications received in the period with their state now, grouped two ways at
// once (counts per hall, service and month; days to decision per service). Columns:
// GROUPING(hall), hall, service, month, days, received, approved, refused, overdue, late.
std::string ReceivedFromApplications(const std::string& scope, const std::string& from,
                                     const std::string& until, const std::string& today) {
  // One index-only scan of applications_stats.
  return "SELECT GROUPING(s.hall), s.hall, s.service_code, to_char(s.m, 'YYYY-MM'), s.days, "
         "count(*), count(*) FILTER (WHERE s.decision = 'approve'), "
         "count(*) FILTER (WHERE s.decision = 'refuse'), "
         "count(*) FILTER (WHERE s.decision IS NULL AND s.due_date < " +
         today +
         "), count(*) FILTER (WHERE s.decided_day > s.decided_due) "
         "FROM (SELECT a.hall, a.service_code, a.decision, a.due_date, a.decided_due, "
         "date_trunc('month', a.received_day::timestamp) AS m, a.decided_day, "
         "a.decided_day - a.received_day AS days FROM applications a WHERE " +
         scope + " AND a.received_at >= " + from + " AND a.received_at < " + until +
         ") s GROUP BY GROUPING SETS ((s.hall, s.service_code, s.m), (s.service_code, s.days))";
}

// Summary and deltas of one kind in the period's months, as `a` (what ScopePredicate
// names; only a.hall is used outside a department's scope).
std::string AggregateRows(char kind, const std::string& scope, const StatsPeriod& period) {
  const std::string first = "'" + FormatIsoDate(period.first) + "'::date";
  const std::string end = "'" + FormatIsoDate(period.end) + "'::date";
  const std::string where =
      "kind = '" + std::string(1, kind) + "' AND month >= " + first + " AND month < " + end;
  return "(SELECT * FROM stats_summary WHERE " + where +
         " UNION ALL SELECT * FROM stats_deltas WHERE " + where + ") a WHERE " + scope;
}

std::string ReceivedFromAggregates(const std::string& scope, const StatsPeriod& period,
                                   const std::string& today) {
  return "SELECT GROUPING(a.hall), a.hall, a.service_code, to_char(a.month, 'YYYY-MM'), "
         "CASE WHEN a.days >= 0 THEN a.days END, sum(a.n)::bigint, "
         "coalesce(sum(a.n) FILTER (WHERE a.decision = 'approve'), 0)::bigint, "
         "coalesce(sum(a.n) FILTER (WHERE a.decision = 'refuse'), 0)::bigint, "
         "coalesce(sum(a.n) FILTER (WHERE a.decision = '' AND a.due < " +
         today + "), 0)::bigint, coalesce(sum(a.n) FILTER (WHERE a.late), 0)::bigint FROM " +
         AggregateRows('r', scope, period) +
         " GROUP BY GROUPING SETS ((a.hall, a.service_code, a.month), "
         "(a.service_code, CASE WHEN a.days >= 0 THEN a.days END)) HAVING sum(a.n) <> 0";
}

// The decisions made in the period, whenever received. Columns: month, approved,
// refused, approved amounts (fen).
std::string DecidedFromApplications(const std::string& scope, const std::string& from,
                                    const std::string& until) {
  // applications_stats_decided.
  return "SELECT to_char(date_trunc('month', a.decided_day::timestamp), 'YYYY-MM'), "
         "count(*) FILTER (WHERE a.decision = 'approve'), "
         "count(*) FILTER (WHERE a.decision = 'refuse'), coalesce(sum(a.approved_fen), 0) "
         "FROM applications a WHERE " +
         scope + " AND a.decided_at >= " + from + " AND a.decided_at < " + until + " GROUP BY 1";
}

std::string DecidedFromAggregates(const std::string& scope, const StatsPeriod& period) {
  return "SELECT to_char(a.month, 'YYYY-MM'), "
         "coalesce(sum(a.n) FILTER (WHERE a.decision = 'approve'), 0)::bigint, "
         "coalesce(sum(a.n) FILTER (WHERE a.decision = 'refuse'), 0)::bigint, "
         "sum(a.fen)::bigint FROM " +
         AggregateRows('d', scope, period) + " GROUP BY 1 HAVING sum(a.n) <> 0";
}

Result<OfficeStats> RunStatsQuery(PgPool& pool, const OfficeAccount& viewer,
                                  const StatsPeriod& period, const CivilDate& today,
                                  bool aggregates) {
  OfficeStats stats;
  Status status = pool.Run([&](pqxx::connection& c) {
    stats = {};
    stats.period = period;
    stats.today = FormatIsoDate(today);
    // One snapshot for both statements: each figure agrees with the others.
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(
        c);
    // Memory enough that the two grouping sets are hashed in one pass instead of
    // sorted to disk (docs/benchmarks.md "Statistics").
    tx.exec("SET LOCAL work_mem = '32MB'");
    const std::string scope = ScopePredicate(tx, viewer);
    const std::string from = DayStartLiteral(period.first);
    const std::string until = DayStartLiteral(period.end);
    std::map<std::string, std::string> town_of;
    for (const auto& row : tx.exec("SELECT name, town FROM halls")) {
      town_of[row[0].as<std::string>()] = row[1].as<std::string>();
    }
    std::map<std::string, StatsKeyed> months, towns, halls, services;
    for (const std::string& month : period.months) Slot(months, month);
    // The applications received in the period with their state now: one index-only
    // scan of applications_stats, grouped two ways at once (counts per hall, service
    // and month; days to decision per service).
    const std::string today_literal = tx.quote(stats.today) + "::date";
    const pqxx::result received =
        tx.exec(aggregates ? ReceivedFromAggregates(scope, period, today_literal)
                           : ReceivedFromApplications(scope, from, until, today_literal));
    for (const auto& row : received) {
      const std::string service = row[2].as<std::string>();
      if (row[0].as<int>() != 0) {
        if (!row[4].is_null()) {
          const int days = row[4].as<int>();
          const auto n = row[5].as<int64_t>();
          Slot(services, service).days[days] += n;
          stats.total.days[days] += n;
        }
        continue;
      }
      StatsCounts counts;
      counts.received = row[5].as<int64_t>();
      counts.approved = row[6].as<int64_t>();
      counts.refused = row[7].as<int64_t>();
      counts.overdue = row[8].as<int64_t>();
      counts.late = row[9].as<int64_t>();
      const std::string hall = row[1].as<std::string>();
      const auto town = town_of.find(hall);
      const std::string town_name = town == town_of.end() ? "" : town->second;
      stats.hall_towns[hall] = town_name;
      Slot(months, row[3].as<std::string>()).counts.Add(counts);
      Slot(towns, town_name).counts.Add(counts);
      Slot(halls, hall).counts.Add(counts);
      Slot(services, service).counts.Add(counts);
      stats.total.counts.Add(counts);
    }
    // The decisions made in the period, whenever received: applications_stats_decided.
    std::map<std::string, StatsDecisions> decisions;
    for (const std::string& month : period.months) decisions[month].month = month;
    for (const auto& row : tx.exec(aggregates ? DecidedFromAggregates(scope, period)
                                              : DecidedFromApplications(scope, from, until))) {
      StatsDecisions& month = decisions[row[0].as<std::string>()];
      month.month = row[0].as<std::string>();
      month.approved = row[1].as<int64_t>();
      month.refused = row[2].as<int64_t>();
      month.approved_fen = row[3].as<int64_t>();
      stats.decisions_total.approved += month.approved;
      stats.decisions_total.refused += month.refused;
      stats.decisions_total.approved_fen += month.approved_fen;
    }
    for (const auto& entry : decisions) stats.decisions.push_back(entry.second);
    stats.months = Values(months);
    stats.towns = Values(towns);
    stats.halls = Values(halls);
    stats.services = Values(services);
  });
  if (!status.ok()) return status.error();
  return stats;
}

}  // namespace

Result<OfficeStats> QueryOfficeStats(PgPool& pool, const OfficeAccount& viewer,
                                     const StatsPeriod& period, const CivilDate& today) {
  // A department sees the applications routed to it: the aggregates are keyed by hall.
  return RunStatsQuery(pool, viewer, period, today, viewer.role != OfficeRole::kDepartment);
}

Result<OfficeStats> QueryOfficeStatsDirect(PgPool& pool, const OfficeAccount& viewer,
                                           const StatsPeriod& period, const CivilDate& today) {
  return RunStatsQuery(pool, viewer, period, today, false);
}

Result<int64_t> CompactStats(PgPool& pool) {
  int64_t moved = 0;
  Status status = pool.Run([&](pqxx::connection& c) {
    moved = 0;
    pqxx::work tx(c);
    if (!tx.exec("SELECT pg_try_advisory_xact_lock(" + std::to_string(kStatsCompactLockKey) +
                 ")")[0][0]
             .as<bool>()) {
      return;  // another compactor is at work; its transaction moves these deltas
    }
    // The DELETE's snapshot: deltas committed later stay for the next turn.
    moved = tx.exec(
                  "WITH moved AS (DELETE FROM stats_deltas RETURNING *), "
                  "folded AS (SELECT kind, month, hall, service_code, decision, due, days, "
                  "late, sum(n) AS n, sum(fen) AS fen FROM moved "
                  "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8), "
                  "up AS (INSERT INTO stats_summary AS s SELECT * FROM folded "
                  "ON CONFLICT (kind, month, hall, service_code, decision, due, days, late) "
                  "DO UPDATE SET n = s.n + EXCLUDED.n, fen = s.fen + EXCLUDED.fen RETURNING 1) "
                  "SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM up)")[0][0]
                .as<int64_t>();
    if (moved > 0) tx.exec("DELETE FROM stats_summary WHERE n = 0 AND fen = 0");
    tx.commit();
  });
  if (!status.ok()) return status.error();
  return moved;
}

StatsCompactor::StatsCompactor(PgPool& pool, std::chrono::milliseconds every)
    : pool_(pool), every_(every) {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, every_, [this] { return stopping_; })) {
      lock.unlock();
      const Result<int64_t> moved = CompactStats(pool_);
      if (!moved.ok()) {
        WriteLog(
            LogLine(LogLevel::kWarn, "stats_compact_failed").Add("error", moved.error().message));
      }
      lock.lock();
    }
  });
}

StatsCompactor::~StatsCompactor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace yimen::server
