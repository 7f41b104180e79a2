// The draft's JSON payload (DraftToJson, DraftFromJson in form.h): what the store seals
// and the server re-validates. Shape only; the catalog checks are ValidateDraft's. Also
// FindAssisted, the look-up of the payload's staff-assisted marks.
#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

#include "domain/form.h"

namespace yimen {
namespace {

constexpr int kDraftFormat = 1;

Error DraftError(const std::string& path, const std::string& what) {
  return MakeError(ErrorKind::kInvalidArgument, "draft: " + path + ": " + what);
}

// Reads {"id": "value", ...} with string values only.
Result<std::map<std::string, std::string>> ReadValues(const nlohmann::json& object,
                                                      const std::string& path) {
  if (!object.is_object()) return DraftError(path, "expected an object");
  std::map<std::string, std::string> values;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!it.value().is_string()) return DraftError(path + "." + it.key(), "expected a string");
    values[it.key()] = it.value().get_ref<const std::string&>();
  }
  return values;
}

nlohmann::json AssistedToJson(const std::vector<AssistedField>& marks) {
  nlohmann::json list = nlohmann::json::array();
  for (const AssistedField& mark : marks) {
    nlohmann::json item{{"field", mark.field}, {"staff", mark.staff}};
    if (!mark.group.empty()) {
      item["group"] = mark.group;
      item["index"] = mark.index;
    }
    list.push_back(std::move(item));
  }
  return list;
}

// One {"field", "staff"[, "group", "index"]} of "assisted_fields". Shape only: whether the
// field can carry a mark is ValidateDraft's question (AssistedMarkIssues).
Result<AssistedField> AssistedFromJson(const nlohmann::json& item, const std::string& path) {
  if (!item.is_object()) return DraftError(path, "expected an object");
  AssistedField mark;
  for (auto it = item.begin(); it != item.end(); ++it) {
    const std::string& key = it.key();
    const bool text = it.value().is_string();
    if (key == "field" && text) {
      mark.field = it.value().get<std::string>();
    } else if (key == "staff" && text) {
      mark.staff = it.value().get<std::string>();
    } else if (key == "group" && text) {
      mark.group = it.value().get<std::string>();
    } else if (key == "index" && it.value().is_number_integer() && it.value().get<int64_t>() >= 0 &&
               it.value().get<int64_t>() < 1000) {
      mark.index = it.value().get<int>();
    } else {
      std::string where = path;
      where += ".";
      where += key;
      return DraftError(where, "unknown key or wrong type");
    }
  }
  if (mark.group.empty() != (mark.index < 0))
    return DraftError(path, "group and index go together");
  return mark;
}

Result<std::vector<AssistedField>> AssistedFromJson(const nlohmann::json& list) {
  if (!list.is_array()) return DraftError("assisted_fields", "expected an array");
  std::vector<AssistedField> marks;
  for (size_t i = 0; i < list.size(); ++i) {
    Result<AssistedField> mark =
        AssistedFromJson(list[i], "assisted_fields[" + std::to_string(i) + "]");
    if (!mark.ok()) return mark.error();
    marks.push_back(std::move(mark).value());
  }
  return marks;
}

}  // namespace

nlohmann::json DraftToJson(const ApplicationDraft& draft) {
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& [group_id, items] : draft.groups) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : items) list.push_back(item);
    groups[group_id] = std::move(list);
  }
  nlohmann::json json{{"format", kDraftFormat},
                      {"service_code", draft.service_code},
                      {"catalog_version", draft.catalog_version},
                      {"values", draft.values},
                      {"groups", std::move(groups)},
                      {"attachments", draft.attachments}};
  if (!draft.assisted.empty()) json["assisted_fields"] = AssistedToJson(draft.assisted);
  if (!draft.decision_delivery.empty()) json["decision_delivery"] = draft.decision_delivery;
  return json;
}

Result<ApplicationDraft> DraftFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return DraftError("(root)", "expected an object");
  for (auto it = json.begin(); it != json.end(); ++it) {
    static constexpr std::string_view kKeys[] = {
        "format", "service_code", "catalog_version", "values",
        "groups", "attachments",  "assisted_fields", "decision_delivery"};
    if (std::find(std::begin(kKeys), std::end(kKeys), it.key()) == std::end(kKeys)) {
      return DraftError(it.key(), "unknown key");
    }
  }
  const auto format = json.find("format");
  if (format == json.end() || !format->is_number_integer() ||
      format->get<int64_t>() != kDraftFormat) {
    return DraftError("format", "expected " + std::to_string(kDraftFormat));
  }

  ApplicationDraft draft;
  for (const auto& [key, target] : {std::pair{"service_code", &draft.service_code},
                                    std::pair{"catalog_version", &draft.catalog_version}}) {
    const auto it = json.find(key);
    if (it == json.end() || !it->is_string()) return DraftError(key, "expected a string");
    *target = it->get_ref<const std::string&>();
  }

  const auto values = json.find("values");
  if (values == json.end()) return DraftError("values", "missing");
  Result<std::map<std::string, std::string>> top = ReadValues(*values, "values");
  if (!top.ok()) return top.error();
  draft.values = std::move(top).value();

  const auto groups = json.find("groups");
  if (groups == json.end() || !groups->is_object())
    return DraftError("groups", "expected an object");
  for (auto it = groups->begin(); it != groups->end(); ++it) {
    const std::string path = "groups." + it.key();
    if (!it.value().is_array()) return DraftError(path, "expected an array");
    std::vector<std::map<std::string, std::string>> items;
    for (size_t i = 0; i < it.value().size(); ++i) {
      Result<std::map<std::string, std::string>> item =
          ReadValues(it.value()[i], path + "[" + std::to_string(i) + "]");
      if (!item.ok()) return item.error();
      items.push_back(std::move(item).value());
    }
    draft.groups[it.key()] = std::move(items);
  }
  // Optional: drafts written before signatures existed have none.
  if (const auto attachments = json.find("attachments"); attachments != json.end()) {
    Result<std::map<std::string, std::string>> read = ReadValues(*attachments, "attachments");
    if (!read.ok()) return read.error();
    draft.attachments = std::move(read).value();
    for (const auto& [ref, data] : draft.attachments) {
      if (!IsAttachmentRef(ref, kSignatureRefPrefix) && !IsAttachmentRef(ref, kPhotoRefPrefix)) {
        return DraftError("attachments." + ref, "not a sig: or photo: reference");
      }
    }
  }
  if (const auto marks = json.find("assisted_fields"); marks != json.end()) {
    Result<std::vector<AssistedField>> read = AssistedFromJson(*marks);
    if (!read.ok()) return read.error();
    draft.assisted = std::move(read).value();
  }
  // Optional: payloads from kiosks before the choice existed have none.
  if (const auto delivery = json.find("decision_delivery"); delivery != json.end()) {
    if (!delivery->is_string()) return DraftError("decision_delivery", "expected a string");
    draft.decision_delivery = delivery->get_ref<const std::string&>();
  }
  return draft;
}

const AssistedField* FindAssisted(const ApplicationDraft& draft, std::string_view group, int index,
                                  std::string_view field) {
  for (const AssistedField& mark : draft.assisted) {
    if (mark.field == field && mark.group == group && (group.empty() || mark.index == index)) {
      return &mark;
    }
  }
  return nullptr;
}

}  // namespace yimen
