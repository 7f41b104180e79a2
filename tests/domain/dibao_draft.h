// A whole 低保 application as a resident fills it on the real catalog
// (assets/catalog): valid under its rules, with a spouse and a child; its signatures
// are references ("sig:…") whose strokes a caller may add to attachments.
// Shared by the domain tests (form_test.cpp) and the office console benchmark
// (tests/bench/bench_console.cpp), which seals it as a kiosk does.
#pragma once

#include "domain/form.h"

namespace yimen {

inline ApplicationDraft ValidDibaoDraft() {
  ApplicationDraft draft;
  draft.service_code = "dibao";
  draft.catalog_version = "2024.11.1";
  draft.values = {
      {"name", "张秀英"},
      {"id_number", "442000195803110024"},
      {"phone", "13812345678"},
      {"hukou", "local"},
      {"town", "石岐街道"},
      {"community", "民生社区"},
      {"address", "民生路12号3栋502房"},
      {"applicant_income", "800"},
      {"savings", "3000.50"},
      {"vehicle", "no"},
      {"extra_house", "no"},
      {"reason", "丈夫重病不能上班，孩子在上学，家里只靠我打零工。"},
      {"bank_name", "农村商业银行"},
      {"account_number", "6217000012345678901"},
      // 低保's two signatures are required (the pad exists): references to strokes.
      {"pledge_signature", "sig:0123456789abcdef0123456789abcdef"},
      {"check_signature", "sig:fedcba9876543210fedcba9876543210"},
  };
  draft.groups["members"] = {
      {{"name", "王建国"},
       {"id_number", "442000195505050019"},
       {"relationship", "spouse"},
       {"work_status", "unable"},
       {"monthly_income", "0"},
       {"disability", "yes"},
       {"disability_grade", "g1"},
       {"serious_illness", "yes"}},
      {{"name", "王小明"},
       {"id_number", "44200020100101002X"},
       {"relationship", "child"},
       {"work_status", "student"},
       {"monthly_income", "0"},
       {"disability", "no"},
       {"serious_illness", "no"}},
  };
  return draft;
}

}  // namespace yimen
