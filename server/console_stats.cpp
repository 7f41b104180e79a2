// The statistics pages (console.h, docs/console.md "Statistics"): the figures of
// QueryOfficeStats (office_stats.h) in the viewer's scope as a page with server-drawn
// SVG charts and the same numbers in tables, as one table exported to CSV or XLSX
// (export_table.h), and as JSON.
#include <cmath>
#include <cstdio>
#include <memory>

#include "server/console.h"
#include "server/console_call.h"
#include "server/export_table.h"
#include "server/office_scope.h"
#include "server/office_stats.h"

namespace yimen::server {
namespace {

using nlohmann::json;

std::string XmlEscaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Days with one decimal ("3.5"; "—" when nothing was decided).
std::string DaysText(const DaysHistogram& days, double p) {
  if (days.empty()) return "—";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", HistogramPercentile(days, p));
  return text;
}

// About how wide `text` is at the legend's 20 px: a Chinese character is a square, a
// Latin letter about half of one. UTF-8: each lead byte starts a character.
int TextWidth(const std::string& text) {
  int width = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      width += 11;
    } else if (byte >= 0xC0) {
      width += 20;
    }
  }
  return width;
}

struct Series {
  std::string name;
  const char* color;
  std::vector<int64_t> values;
};

// A grouped bar chart as inline SVG: one group per category, one bar per series, the
// value above each bar but zero, a legend. role="img" with its <title>; the page's table beside
// it holds the same numbers for a screen reader.
std::string BarChartSvg(const std::string& id, const std::string& title,
                        const std::vector<std::string>& categories,
                        const std::vector<Series>& series) {
  constexpr int kWidth = 1000;
  constexpr int kHeight = 320;
  constexpr int kLeft = 40;
  constexpr int kTop = 48;
  constexpr int kBottom = 44;
  int64_t top = 1;
  for (const Series& one : series) {
    for (const int64_t value : one.values) top = std::max(top, value);
  }
  const double plot_height = kHeight - kTop - kBottom;
  const double group = categories.empty() ? 0.0 : double(kWidth - kLeft - 10) / categories.size();
  const double bar = std::min(40.0, group * 0.8 / std::max<size_t>(series.size(), 1));
  std::string svg = "<svg class=\"chart\" id=\"" + id + "\" role=\"img\" aria-labelledby=\"" + id +
                    "-title\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
                    std::to_string(kHeight) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"" + id + "-title\">" +
                    XmlEscaped(title) + "</title>";
  // Legend.
  int legend_x = kLeft;
  for (const Series& one : series) {
    svg += "<rect x=\"" + std::to_string(legend_x) +
           "\" y=\"6\" width=\"20\" height=\"20\" fill=\"" + one.color + "\"/><text x=\"" +
           std::to_string(legend_x + 26) + "\" y=\"23\" font-size=\"20\" fill=\"#1a1a1a\">" +
           XmlEscaped(one.name) + "</text>";
    legend_x += 44 + TextWidth(one.name);
  }
  const int base = kHeight - kBottom;
  svg += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(base) + "\" x2=\"" +
         std::to_string(kWidth - 10) + "\" y2=\"" + std::to_string(base) +
         "\" stroke=\"#595959\"/>";
  char number[64];
  for (size_t c = 0; c < categories.size(); ++c) {
    const double group_x = kLeft + group * c + (group - bar * series.size()) / 2;
    for (size_t s = 0; s < series.size(); ++s) {
      const int64_t value = c < series[s].values.size() ? series[s].values[c] : 0;
      const double height = plot_height * static_cast<double>(value) / static_cast<double>(top);
      const double x = group_x + bar * s;
      std::snprintf(number, sizeof number,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"", x,
                    base - height, bar - 2, height);
      svg += number;
      svg += std::string(series[s].color) + "\"/>";
      if (value == 0) continue;  // a zero needs no label: the table below has it
      std::snprintf(number, sizeof number,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"17\" text-anchor=\"middle\" ",
                    x + (bar - 2) / 2, base - height - 4);
      svg += number;
      svg += "fill=\"#1a1a1a\">" + std::to_string(value) + "</text>";
    }
    std::snprintf(number, sizeof number, "<text x=\"%.1f\" y=\"%d\" ",
                  kLeft + group * c + group / 2, base + 26);
    svg += number;
    svg += "font-size=\"18\" text-anchor=\"middle\" fill=\"#1a1a1a\">" + XmlEscaped(categories[c]) +
           "</text>";
  }
  return svg + "</svg>";
}

// Which table of the page a row belongs to, in the page's order.
enum class Section { kMonth, kTown, kHall, kService, kTotal, kDecision };

struct ShownRow {
  Section section;
  std::string dimension, key;
  const StatsKeyed* keyed = nullptr;
  const StatsDecisions* decided = nullptr;
  int limit = -1;  // services: the catalog's time limit
};

}  // namespace

// The page's rows, in the page's order, and the period: shared by the page, the
// exports and the API so the three say the same thing. The rows point into `stats`, so
// a view stays where it was made (LoadStats hands out a unique_ptr).
struct StatsView {
  OfficeStats stats;
  std::vector<ShownRow> rows;
  std::string scope;
};

Result<std::unique_ptr<StatsView>> Console::LoadStats(ConsoleCall& call) {
  const CivilDate today = TodayInChina();
  auto period =
      MakeStatsPeriod(FormValue(call.params, "period"), FormValue(call.params, "from"), today);
  if (!period.ok()) return period.error();
  auto stats = QueryOfficeStats(m_pool, call.session->account, *period, today);
  if (!stats.ok()) return stats.error();
  auto made = std::make_unique<StatsView>();
  StatsView& view = *made;
  view.stats = std::move(*stats);
  const OfficeAccount& account = call.session->account;
  view.scope = account.role == OfficeRole::kSupervisor || account.role == OfficeRole::kAdmin
                   ? call.T("stats_scope_all")
                   : account.scope;
  const OfficeStats& s = view.stats;
  for (const StatsKeyed& month : s.months) {
    view.rows.push_back(
        {Section::kMonth, call.T("stats_by_month"), month.key, &month, nullptr, -1});
  }
  for (const StatsKeyed& town : s.towns) {
    view.rows.push_back({Section::kTown, call.T("stats_by_town"),
                         town.key.empty() ? call.T("stats_no_town") : town.key, &town, nullptr,
                         -1});
  }
  for (const StatsKeyed& hall : s.halls) {
    view.rows.push_back({Section::kHall, call.T("stats_by_hall"), hall.key, &hall, nullptr, -1});
  }
  for (const StatsKeyed& service : s.services) {
    const ServiceSpec* spec = m_catalog ? m_catalog->FindService(service.key) : nullptr;
    view.rows.push_back({Section::kService, call.T("stats_by_service"),
                         spec ? (call.lang == "en" ? spec->name.en : spec->name.zh) : service.key,
                         &service, nullptr, spec ? spec->time_limit_days : -1});
  }
  view.rows.push_back(
      {Section::kTotal, call.T("stats_total"), call.T("stats_total"), &s.total, nullptr, -1});
  for (const StatsDecisions& month : s.decisions) {
    view.rows.push_back(
        {Section::kDecision, call.T("stats_by_decision_month"), month.month, nullptr, &month, -1});
  }
  view.rows.push_back({Section::kDecision, call.T("stats_by_decision_month"), call.T("stats_total"),
                       nullptr, &s.decisions_total, -1});
  return made;
}

namespace {

// The headline sentences of a work report.
std::vector<std::string> HeadlineLines(const ConsoleCall& call, const OfficeStats& s) {
  const StatsCounts& total = s.total.counts;
  int64_t timed = 0;
  for (const auto& entry : s.total.days) timed += entry.second;
  return {
      FillPlaceholders(call.T("stats_line_received"), {{"n", std::to_string(total.received)}}),
      FillPlaceholders(
          call.T("stats_line_decided"),
          {{"n", std::to_string(s.decisions_total.approved + s.decisions_total.refused)},
           {"a", std::to_string(s.decisions_total.approved)},
           {"r", std::to_string(s.decisions_total.refused)}}),
      FillPlaceholders(call.T("stats_line_money"),
                       {{"yuan", FenAsYuan(s.decisions_total.approved_fen)}}),
      FillPlaceholders(call.T("stats_line_days"), {{"n", std::to_string(timed)},
                                                   {"median", DaysText(s.total.days, 0.5)},
                                                   {"p90", DaysText(s.total.days, 0.9)}}),
      FillPlaceholders(call.T("stats_line_pending"), {{"n", std::to_string(total.pending())},
                                                      {"overdue", std::to_string(total.overdue)},
                                                      {"late", std::to_string(total.late)}}),
      call.T("stats_people_note"),
  };
}

std::vector<std::string> ExportColumns(const ConsoleCall& call) {
  std::vector<std::string> header;
  for (const char* key :
       {"stats_col_dimension", "stats_col_key", "stats_col_received", "stats_col_decided",
        "stats_col_approved", "stats_col_refused", "stats_col_pending", "stats_col_overdue",
        "stats_col_late", "stats_col_median", "stats_col_p90", "stats_col_limit",
        "stats_col_amount"}) {
    header.push_back(call.T(key));
  }
  return header;
}

std::string PeriodTitle(const ConsoleCall& call, const StatsView& view) {
  return call.T("stats_title") + " " + view.stats.period.key + " · " + call.T("stats_scope") +
         ": " + view.scope + " · " + call.T("stats_as_of") + " " + view.stats.today;
}

}  // namespace

ExportSheet StatsSheet(const ConsoleCall& call, const StatsView& view) {
  ExportSheet sheet;
  sheet.name = call.T("stats_title") + " " + view.stats.period.key;
  sheet.notes.push_back(PeriodTitle(call, view));
  for (const std::string& line : HeadlineLines(call, view.stats)) sheet.notes.push_back(line);
  sheet.notes.push_back(call.T("stats_counting_note"));
  sheet.header = ExportColumns(call);
  const auto blank = [] { return ExportCell::Text(""); };
  for (const ShownRow& row : view.rows) {
    std::vector<ExportCell> cells{ExportCell::Text(row.dimension), ExportCell::Text(row.key)};
    if (row.keyed != nullptr) {
      const StatsCounts& n = row.keyed->counts;
      for (const int64_t value :
           {n.received, n.decided(), n.approved, n.refused, n.pending(), n.overdue, n.late}) {
        cells.push_back(ExportCell::Integer(value));
      }
      const bool timed = !row.keyed->days.empty();
      cells.push_back(timed ? ExportCell::Text(DaysText(row.keyed->days, 0.5)) : blank());
      cells.push_back(timed ? ExportCell::Text(DaysText(row.keyed->days, 0.9)) : blank());
      cells.push_back(row.limit >= 0 ? ExportCell::Integer(row.limit) : blank());
      cells.push_back(blank());
    } else {
      const StatsDecisions& d = *row.decided;
      cells.push_back(blank());
      cells.push_back(ExportCell::Integer(d.approved + d.refused));
      cells.push_back(ExportCell::Integer(d.approved));
      cells.push_back(ExportCell::Integer(d.refused));
      for (int i = 0; i < 6; ++i) cells.push_back(blank());
      cells.push_back(ExportCell::Fen(d.approved_fen));
    }
    sheet.rows.push_back(std::move(cells));
  }
  return sheet;
}

ApiReply Console::StatsPage(ConsoleCall& call) {
  json model = call.Model();
  auto view = LoadStats(call);
  if (!view.ok()) {
    model["error"] = ShownMessage(call, view.error());
    model["periods"] = json::array();
    return HtmlReply(HttpStatusOf(view.error().kind),
                     RenderConsolePage("stats.mustache", call.T("stats_title"), model));
  }
  const OfficeStats& s = (*view)->stats;
  const std::string chosen = StatsPeriodKindName(s.period.kind);
  json periods = json::array();
  for (const char* name : {"month", "quarter", "year"}) {
    periods.push_back(json{{"value", name},
                           {"label", call.T(std::string("stats_period_") + name)},
                           {"selected", chosen == name}});
  }
  model["periods"] = std::move(periods);
  model["from"] = FormatIsoDate(s.period.first).substr(0, 7);
  model["title_line"] = PeriodTitle(call, **view);
  model["headline"] = HeadlineLines(call, s);
  const std::string query =
      "period=" + chosen + "&from=" + FormatIsoDate(s.period.first).substr(0, 7);
  model["csv_url"] = "/console/stats/export.csv?" + query;
  model["xlsx_url"] = "/console/stats/export.xlsx?" + query;
  // The tables, section by section, as the export's rows.
  json sections = json::array();
  json decisions = json::array();
  for (const ShownRow& row : (*view)->rows) {
    if (row.decided != nullptr) {
      decisions.push_back(json{{"key", row.key},
                               {"decided", row.decided->approved + row.decided->refused},
                               {"approved", row.decided->approved},
                               {"refused", row.decided->refused},
                               {"amount", FenAsYuan(row.decided->approved_fen)},
                               {"total", row.decided == &s.decisions_total}});
      continue;
    }
    // The total row goes under the services, where the days are shown.
    if (row.section != Section::kTotal &&
        (sections.empty() || sections.back()["title"] != row.dimension)) {
      sections.push_back(json{{"title", row.dimension},
                              {"id", "stats-" + std::to_string(sections.size())},
                              {"timed", row.section == Section::kService},
                              {"rows", json::array()}});
    }
    const StatsCounts& n = row.keyed->counts;
    json shown{{"key", row.key},
               {"received", n.received},
               {"decided", n.decided()},
               {"approved", n.approved},
               {"refused", n.refused},
               {"pending", n.pending()},
               {"overdue", n.overdue},
               {"late", n.late},
               {"median", DaysText(row.keyed->days, 0.5)},
               {"p90", DaysText(row.keyed->days, 0.9)},
               {"limit", row.limit >= 0 ? std::to_string(row.limit) : "—"},
               {"total", row.section == Section::kTotal}};
    sections.back()["rows"].push_back(std::move(shown));
  }
  model["sections"] = std::move(sections);
  model["decisions"] = std::move(decisions);
  // Charts.
  std::vector<std::string> months;
  Series received{call.T("stats_series_received"), "#0b4f9c", {}};
  Series decided{call.T("stats_series_decided"), "#2e7d32", {}};
  for (size_t i = 0; i < s.months.size(); ++i) {
    months.push_back(s.months[i].key.substr(5) + (call.lang == "en" ? "" : "月"));
    received.values.push_back(s.months[i].counts.received);
    decided.values.push_back(
        i < s.decisions.size() ? s.decisions[i].approved + s.decisions[i].refused : 0);
  }
  model["chart_months"] =
      BarChartSvg("chart-months", call.T("stats_chart_months"), months, {received, decided});
  std::vector<std::string> services;
  Series by_received{call.T("stats_col_received"), "#0b4f9c", {}};
  Series by_approved{call.T("stats_col_approved"), "#2e7d32", {}};
  Series by_refused{call.T("stats_col_refused"), "#a50000", {}};
  for (const ShownRow& row : (*view)->rows) {
    if (row.section != Section::kService) continue;
    services.push_back(row.key);
    by_received.values.push_back(row.keyed->counts.received);
    by_approved.values.push_back(row.keyed->counts.approved);
    by_refused.values.push_back(row.keyed->counts.refused);
  }
  model["chart_services"] = BarChartSvg("chart-services", call.T("stats_chart_services"), services,
                                        {by_received, by_approved, by_refused});
  return HtmlReply(200, RenderConsolePage("stats.mustache", call.T("stats_title"), model));
}

ApiReply Console::StatsExport(ConsoleCall& call, const std::string& format) {
  auto view = LoadStats(call);
  if (!view.ok()) return ApiError(call, view.error());
  const ExportSheet sheet = StatsSheet(call, **view);
  const std::string file = "yimen-stats-" + (*view)->stats.period.key;
  ApiReply reply;
  if (format == "csv") {
    reply.body = WriteCsv(sheet);
    reply.content_type = "text/csv; charset=utf-8";
  } else {
    auto bytes = WriteXlsx({sheet});
    if (!bytes.ok()) return ApiError(call, bytes.error());
    reply.body = std::move(*bytes);
    reply.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  reply.headers.emplace_back("Content-Disposition",
                             "attachment; filename=\"" + file + "." + format + "\"");
  return reply;
}

ApiReply Console::ApiStats(ConsoleCall& call) {
  auto view = LoadStats(call);
  if (!view.ok()) return ApiError(call, view.error());
  const OfficeStats& s = (*view)->stats;
  const auto keyed = [](const StatsKeyed& k) {
    const StatsCounts& n = k.counts;
    json out{{"key", k.key},           {"received", n.received}, {"decided", n.decided()},
             {"approved", n.approved}, {"refused", n.refused},   {"pending", n.pending()},
             {"overdue", n.overdue},   {"decided_late", n.late}};
    int64_t timed = 0;
    for (const auto& entry : k.days) timed += entry.second;
    if (timed > 0) {
      out["days_decided"] = timed;
      out["days_median"] = HistogramPercentile(k.days, 0.5);
      out["days_p90"] = HistogramPercentile(k.days, 0.9);
    }
    return out;
  };
  json out{{"period", StatsPeriodKindName(s.period.kind)},
           {"key", s.period.key},
           {"from", FormatIsoDate(s.period.first)},
           {"until", FormatIsoDate(s.period.end)},
           {"today", s.today},
           {"scope", (*view)->scope},
           {"people_counted_by", "application"},
           {"total", keyed(s.total)}};
  for (const auto& [name, list] :
       {std::pair{"months", &s.months}, std::pair{"towns", &s.towns}, std::pair{"halls", &s.halls},
        std::pair{"services", &s.services}}) {
    json rows = json::array();
    for (const StatsKeyed& k : *list) {
      json row = keyed(k);
      if (std::string(name) == "services") {
        const ServiceSpec* spec = m_catalog ? m_catalog->FindService(k.key) : nullptr;
        if (spec != nullptr) row["time_limit_days"] = spec->time_limit_days;
      }
      if (std::string(name) == "halls") row["town"] = s.hall_towns.at(k.key);
      rows.push_back(std::move(row));
    }
    out[name] = std::move(rows);
  }
  json decisions = json::array();
  for (const StatsDecisions& d : s.decisions) {
    decisions.push_back(json{{"month", d.month},
                             {"approved", d.approved},
                             {"refused", d.refused},
                             {"approved_fen", d.approved_fen}});
  }
  out["decisions"] = std::move(decisions);
  out["decisions_total"] = json{{"approved", s.decisions_total.approved},
                                {"refused", s.decisions_total.refused},
                                {"approved_fen", s.decisions_total.approved_fen}};
  return JsonOut(200, out);
}

}  // namespace yimen::server
