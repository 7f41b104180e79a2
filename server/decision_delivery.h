// How the resident wants the decision (docs/internals/visits.md "How to get the
// decision"), as the office path shows it: read from the opened payload
// (ApplicationDraft::decision_delivery), never from ingest's clear columns. The
// console's application page and yimen-admin show print the same line.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"

namespace yimen::server {

// One line in `lang` ("zh" or "en", console_view.h ConsoleLang): "到办理大厅领取";
// "邮寄到申请表上的地址：" + the address; "短信通知：" + the phone masked
// (domain/pii_mask.h MaskFieldValue, 138****5678); "未选择（旧版自助机）" when the
// payload has no choice (kiosks before it). The address or phone is the first visible
// top-level field with a value that DeliveryPossible would accept; without `service`
// or a readable draft the line names the method alone. Pure, any thread.
std::string DecisionDeliveryLine(const ServiceSpec* service, const nlohmann::json& payload,
                                 const std::string& lang);

}  // namespace yimen::server
