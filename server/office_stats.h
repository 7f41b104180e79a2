// The office's statistics (docs/console.md "Statistics"): what a work report quotes, per
// month, township, hall and service, for a month, a quarter or a year, counted by SQL
// over the applications themselves in the viewer's scope (the queue's scope,
// office_scope.h). Two grouped statements: the applications received in the period with
// their state now, and the decisions made in the period with the amounts approved. They
// read migration 13's aggregates, stats_summary plus the stats_deltas every change to
// applications appends in its own transaction, so a figure is exact at every instant;
// QueryOfficeStatsDirect counts the applications themselves (the tests' oracle).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/civil_date.h"
#include "domain/result.h"
#include "server/office_accounts.h"
#include "server/pg_pool.h"

namespace yimen::server {

enum class StatsPeriodKind { kMonth, kQuarter, kYear };

// A calendar month, quarter or year in China's civil dates.
struct StatsPeriod {
  StatsPeriodKind kind = StatsPeriodKind::kYear;
  CivilDate first;                  // its first day
  CivilDate end;                    // the day after its last
  std::vector<std::string> months;  // "YYYY-MM" of each month in it, in order
  std::string key;                  // "2026", "2026-Q3", "2026-07": names files
};

// The period of `kind` ("month", "quarter", "year") holding `from` ("YYYY", "YYYY-MM" or
// "YYYY-MM-DD"): a quarter or year snaps to its start (2026-08 → 2026-Q3). "" for `from`
// means the period holding `today`. kInvalidArgument (message in Chinese) otherwise. Pure.
Result<StatsPeriod> MakeStatsPeriod(const std::string& kind, const std::string& from,
                                    const CivilDate& today);
std::string StatsPeriodKindName(StatsPeriodKind kind);  // "month", "quarter", "year"

// Applications received in the period, and their state now.
struct StatsCounts {
  int64_t received = 0;
  int64_t approved = 0;  // the latest decision is 批准 (公示中 included)
  int64_t refused = 0;   // the latest decision is 不予批准
  int64_t overdue = 0;   // undecided and today is after the due date
  int64_t late = 0;      // decided after the due date it had
  int64_t decided() const { return approved + refused; }
  int64_t pending() const { return received - decided(); }
  void Add(const StatsCounts& other);
};

// Days from received to decision (China's civil dates, calendar days) of the decided
// applications received in the period: day count → applications.
using DaysHistogram = std::map<int, int64_t>;

// The value below which a share `p` (0..1) of the histogram lies, interpolated between
// neighbours as PostgreSQL's percentile_cont does (the median of 2, 3, 9, 10 is 6.0);
// 0 for an empty histogram. Pure.
double HistogramPercentile(const DaysHistogram& days, double p);

struct StatsKeyed {
  std::string key;  // the month "YYYY-MM", township, hall or service code
  StatsCounts counts;
  DaysHistogram days;  // services and the total only
};

// Decisions made in one month of the period (by decision date), whenever received.
struct StatsDecisions {
  std::string month;  // "YYYY-MM"
  int64_t approved = 0, refused = 0;
  int64_t approved_fen = 0;  // the amounts of the 批准 (monthly amounts as approved), fen
};

struct OfficeStats {
  StatsPeriod period;
  std::string today;  // "YYYY-MM-DD", what "overdue" was measured against
  StatsKeyed total;
  std::vector<StatsKeyed> months;         // every month of the period, in order (zeros kept)
  std::vector<StatsKeyed> towns;          // by name; "" = a hall no township claims
  std::vector<StatsKeyed> halls;          // by name
  std::vector<StatsKeyed> services;       // by code
  std::vector<StatsDecisions> decisions;  // every month of the period, in order
  StatsDecisions decisions_total;         // month ""
  std::map<std::string, std::string> hall_towns;  // hall → township, for the halls listed
};

// The statistics of `period` in `viewer`'s scope (docs/console.md "Roles and scope"):
// nothing out of scope is counted. `today` decides "overdue". Database errors as PgPool.
// Any thread.
// Reads the aggregates; a department's scope (routes, not halls) is counted directly.
Result<OfficeStats> QueryOfficeStats(PgPool& pool, const OfficeAccount& viewer,
                                     const StatsPeriod& period, const CivilDate& today);

// The same figures by GROUP BY over applications (covering indexes of migration 13):
// what the aggregates must always equal. Any thread.
Result<OfficeStats> QueryOfficeStatsDirect(PgPool& pool, const OfficeAccount& viewer,
                                           const StatsPeriod& period, const CivilDate& today);

// Moves every committed delta into stats_summary in one transaction (DELETE … RETURNING
// folded into an upsert; zero rows dropped) and returns how many deltas moved. One
// compactor at a time (a transaction advisory lock): 0 at once if another is running.
// Figures read before, during and after are the same. Any thread.
Result<int64_t> CompactStats(PgPool& pool);

// Runs CompactStats every `every` on a thread of its own until destroyed; failures
// are logged and retried at the next turn.
class StatsCompactor {
 public:
  StatsCompactor(PgPool& pool, std::chrono::milliseconds every);
  ~StatsCompactor();
  StatsCompactor(const StatsCompactor&) = delete;
  StatsCompactor& operator=(const StatsCompactor&) = delete;

 private:
  PgPool& pool_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace yimen::server
