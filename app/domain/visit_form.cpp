// The visit's wizard: built from the chosen services, split back per service, checked by
// each service's own rules (docs/internals/visits.md).
#include "domain/visit_form.h"

#include <algorithm>
#include <set>
#include <utility>

namespace yimen {
namespace {

constexpr size_t kMinVisitServices = 2;
constexpr size_t kMaxVisitServices = 6;
constexpr std::string_view kOwnSeparator = "__";
// The wizard's last step: every signature and photo of the visit (the first service's
// last step gives its id and title).
constexpr std::string_view kFinalStepId = "confirm";

bool HasSignature(const StepSpec& step) {
  return std::any_of(step.fields.begin(), step.fields.end(),
                     [](const FieldSpec& f) { return f.type == FieldType::kSignature; });
}

LocalizedText Prefixed(const ServiceSpec& service, const LocalizedText& title) {
  return {service.name.zh + "：" + title.zh, service.name.en + ": " + title.en};
}

std::string OwnId(const ServiceSpec& service, std::string_view id) {
  return service.code + std::string(kOwnSeparator) + std::string(id);
}

// A shared field asked by one more service: required when any requires it, the options
// every service accepts, the tightest bounds.
void MergeShared(FieldSpec* placed, const FieldSpec& more) {
  if (placed == nullptr) return;
  placed->required = placed->required || more.required;
  if (!placed->options.empty()) {
    std::erase_if(placed->options, [&](const ChoiceOption& option) {
      return std::none_of(more.options.begin(), more.options.end(),
                          [&](const ChoiceOption& o) { return o.value == option.value; });
    });
  }
  const auto tighter = [](auto* mine, const auto& theirs, bool take_larger) {
    if (!theirs) return;
    if (!*mine || (take_larger ? *theirs > **mine : *theirs < **mine)) *mine = theirs;
  };
  tighter(&placed->min, more.min, true);
  tighter(&placed->max, more.max, false);
  tighter(&placed->min_length, more.min_length, true);
  tighter(&placed->max_length, more.max_length, false);
}

// The wizard's id for a top-level field of the service, or "" when it has none yet.
std::string Mapped(const VisitForm::ServiceMap& map, const std::string& id) {
  const auto it = map.fields.find(id);
  return it == map.fields.end() ? std::string() : it->second;
}

// Renames a condition's controller into the wizard (a group field's controller is first
// looked up in its own item, whose ids do not change).
void RenameCondition(std::optional<Condition>* condition, const VisitForm::ServiceMap& map,
                     const GroupSpec* group) {
  if (!*condition) return;
  if (group != nullptr && group->FindField((*condition)->field) != nullptr) return;
  const std::string renamed = Mapped(map, (*condition)->field);
  if (!renamed.empty()) (*condition)->field = renamed;
}

class Builder {
 public:
  explicit Builder(VisitForm* visit) : m_visit(visit) {}

  void Add(const ServiceSpec& service) {
    VisitForm::ServiceMap map;
    map.code = service.code;
    for (const StepSpec& step : service.form.steps) {
      if (step.group) {
        AddGroup(service, step, &map);
      } else {
        AddFields(service, step, &map);
      }
    }
    for (const Material& material : service.materials) {
      auto& list = m_visit->form.materials;
      if (std::none_of(list.begin(), list.end(),
                       [&](const Material& m) { return m.id == material.id; })) {
        list.push_back(material);
      }
    }
    if (service.means_test && !m_visit->form.means_test) {
      MeansTest test = *service.means_test;
      test.applicant_income_field = Mapped(map, test.applicant_income_field);
      const auto group = map.groups.find(test.members_group);
      if (group != map.groups.end()) test.members_group = group->second;
      m_visit->form.means_test = std::move(test);
    }
    m_visit->form.time_limit_days =
        std::max(m_visit->form.time_limit_days, service.time_limit_days);
    if (service.eligibility) AddQuestions(*service.eligibility);
    m_visit->services.push_back(std::move(map));
  }

  // The steps in the order asked: shared, each service's own, then the final one.
  void Finish() {
    std::vector<StepSpec>& steps = m_visit->form.form.steps;
    for (StepSpec& step : m_shared) steps.push_back(std::move(step));
    for (StepSpec& step : m_own) steps.push_back(std::move(step));
    if (m_final) steps.push_back(std::move(*m_final));
  }

 private:
  // Questions with the same id mean the same thing across the catalog (低保 and 低保边缘
  // both ask "household_size"): asked once.
  void AddQuestions(const EligibilitySpec& spec) {
    std::optional<EligibilitySpec>& mine = m_visit->form.eligibility;
    if (!mine) {
      mine = EligibilitySpec{};
      mine->calculator = std::string(kVisitCalculator);
    }
    for (const FieldSpec& question : spec.questions) {
      if (mine->FindQuestion(question.id) == nullptr) mine->questions.push_back(question);
    }
  }

  void AddGroup(const ServiceSpec& service, const StepSpec& step, VisitForm::ServiceMap* map) {
    const GroupSpec& group = *step.group;
    if (!group.shared.empty()) {
      if (const auto placed = m_shared_groups.find(group.shared); placed != m_shared_groups.end()) {
        map->groups[group.id] = placed->second;
        return;
      }
    }
    StepSpec copy = step;
    const bool shared = !group.shared.empty() && !m_ids.count(group.id);
    copy.group->id = shared ? group.id : OwnId(service, group.id);
    if (!shared) {
      copy.id = OwnId(service, step.id);
      copy.title = Prefixed(service, step.title);
    }
    for (FieldSpec& field : copy.group->fields) RenameCondition(&field.visible_if, *map, &group);
    m_ids.insert(copy.group->id);
    map->groups[group.id] = copy.group->id;
    if (shared) m_shared_groups[group.shared] = copy.group->id;
    (shared ? m_shared : m_own).push_back(std::move(copy));
  }

  void AddFields(const ServiceSpec& service, const StepSpec& step, VisitForm::ServiceMap* map) {
    const bool final_step = HasSignature(step);
    for (const FieldSpec& field : step.fields) {
      if (!field.shared.empty()) {
        if (const auto placed = m_shared_fields.find(field.shared);
            placed != m_shared_fields.end()) {
          map->fields[field.id] = placed->second;
          MergeShared(Placed(placed->second), field);
          continue;
        }
      }
      const bool shared = !field.shared.empty();
      FieldSpec copy = field;
      copy.id = shared && !m_ids.count(field.id) ? field.id : OwnId(service, field.id);
      RenameCondition(&copy.visible_if, *map, nullptr);
      map->fields[field.id] = copy.id;
      m_ids.insert(copy.id);
      StepSpec* target = final_step ? Final(step)
                         : shared   ? SharedStep(step)
                                    : OwnStep(service, step);
      target->fields.push_back(std::move(copy));
      if (shared) m_shared_fields[field.shared] = target->fields.back().id;
    }
  }

  // The wizard's field with this id (it was placed, so it exists).
  FieldSpec* Placed(const std::string& id) {
    for (std::vector<StepSpec>* steps : {&m_shared, &m_own}) {
      for (StepSpec& step : *steps) {
        for (FieldSpec& f : step.fields) {
          if (f.id == id) return &f;
        }
      }
    }
    if (m_final) {
      for (FieldSpec& f : m_final->fields) {
        if (f.id == id) return &f;
      }
    }
    return nullptr;
  }

  StepSpec* Final(const StepSpec& like) {
    if (!m_final) {
      m_final = StepSpec{};
      m_final->id = std::string(kFinalStepId);
      m_final->title = like.title;
      m_final->hint = like.hint;
    }
    return &*m_final;
  }

  StepSpec* SharedStep(const StepSpec& like) {
    for (StepSpec& step : m_shared) {
      if (step.id == like.id && !step.group) return &step;
    }
    StepSpec step;
    step.id = like.id;
    step.title = like.title;
    step.hint = like.hint;
    m_shared.push_back(std::move(step));
    return &m_shared.back();
  }

  StepSpec* OwnStep(const ServiceSpec& service, const StepSpec& like) {
    const std::string id = OwnId(service, like.id);
    for (StepSpec& step : m_own) {
      if (step.id == id) return &step;
    }
    StepSpec step;
    step.id = id;
    step.title = Prefixed(service, like.title);
    step.hint = like.hint;
    m_own.push_back(std::move(step));
    return &m_own.back();
  }

  VisitForm* m_visit;
  std::vector<StepSpec> m_shared;
  std::vector<StepSpec> m_own;
  std::optional<StepSpec> m_final;
  std::set<std::string> m_ids;  // the wizard's top-level field and group ids so far
  std::map<std::string, std::string> m_shared_fields;  // shared key -> the wizard's field id
  std::map<std::string, std::string> m_shared_groups;  // shared key -> the wizard's group id
};

// The wizard step holding a top-level field or a group, "" when none does.
std::string StepHolding(const ServiceSpec& wizard, std::string_view field, std::string_view group) {
  for (const StepSpec& step : wizard.form.steps) {
    if (!group.empty()) {
      if (step.group && step.group->id == group) return step.id;
      continue;
    }
    for (const FieldSpec& f : step.fields) {
      if (f.id == field) return step.id;
    }
  }
  return {};
}

// An issue of one service's draft, placed on the wizard's field.
FieldIssue ToWizard(const VisitForm& visit, const VisitForm::ServiceMap& map, FieldIssue issue) {
  if (!issue.group_id.empty()) {
    const auto group = map.groups.find(issue.group_id);
    if (group != map.groups.end()) issue.group_id = group->second;
    issue.step_id = StepHolding(visit.form, "", issue.group_id);
  } else if (!issue.field_id.empty()) {
    const std::string renamed = Mapped(map, issue.field_id);
    if (!renamed.empty()) issue.field_id = renamed;
    issue.step_id = StepHolding(visit.form, issue.field_id, "");
  } else {
    issue.step_id.clear();
  }
  return issue;
}

void AddOnce(std::vector<FieldIssue>* issues, FieldIssue issue) {
  const bool seen = std::any_of(issues->begin(), issues->end(), [&](const FieldIssue& i) {
    return i.step_id == issue.step_id && i.field_id == issue.field_id &&
           i.group_id == issue.group_id && i.group_index == issue.group_index &&
           i.message_key == issue.message_key;
  });
  if (!seen) issues->push_back(std::move(issue));
}

void CopyIfAttachment(const ApplicationDraft& from, const std::string& value,
                      ApplicationDraft* to) {
  if (!IsAttachmentRef(value, kSignatureRefPrefix) && !IsAttachmentRef(value, kPhotoRefPrefix)) {
    return;
  }
  const auto it = from.attachments.find(value);
  if (it != from.attachments.end()) to->attachments[value] = it->second;
}

// The wizard's steps in order, with their index, for sorting issues.
size_t StepOrder(const VisitForm& visit, const std::string& step_id) {
  const auto& steps = visit.form.form.steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].id == step_id) return i;
  }
  return steps.size();
}

}  // namespace

std::vector<std::string> VisitForm::Codes() const {
  std::vector<std::string> codes;
  for (const ServiceMap& map : services) codes.push_back(map.code);
  return codes;
}

const VisitForm::ServiceMap* VisitForm::MapOf(std::string_view code) const {
  for (const ServiceMap& map : services) {
    if (map.code == code) return &map;
  }
  return nullptr;
}

Result<VisitForm> BuildVisitForm(const Catalog& catalog, const std::vector<std::string>& codes) {
  if (codes.size() < kMinVisitServices || codes.size() > kMaxVisitServices) {
    return MakeError(ErrorKind::kInvalidArgument, "a visit has 2 to 6 services");
  }
  for (size_t i = 0; i < codes.size(); ++i) {
    if (catalog.FindService(codes[i]) == nullptr) {
      return MakeError(ErrorKind::kInvalidArgument, "no service " + codes[i]);
    }
    if (std::find(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(i), codes[i]) !=
        codes.begin() + static_cast<std::ptrdiff_t>(i)) {
      return MakeError(ErrorKind::kInvalidArgument, "service " + codes[i] + " chosen twice");
    }
  }
  VisitForm visit;
  visit.form.code = std::string(kVisitCodePrefix);
  Builder builder(&visit);
  // Catalog order, so the same choice always gives the same wizard.
  for (const ServiceSpec& service : catalog.services) {
    if (std::find(codes.begin(), codes.end(), service.code) == codes.end()) continue;
    if (visit.form.code.size() > kVisitCodePrefix.size()) {
      visit.form.code += "+";
      visit.form.name.zh += "、";
      visit.form.name.en += ", ";
    }
    visit.form.code += service.code;
    visit.form.name.zh += service.name.zh;
    visit.form.name.en += service.name.en;
    if (visit.form.office.empty()) visit.form.office = service.office;
    builder.Add(service);
  }
  builder.Finish();
  return visit;
}

ApplicationDraft SplitVisitDraft(const VisitForm& visit, const ServiceSpec& service,
                                 const ApplicationDraft& wizard_draft) {
  ApplicationDraft draft;
  draft.service_code = service.code;
  draft.catalog_version = wizard_draft.catalog_version;
  draft.decision_delivery = wizard_draft.decision_delivery;
  const VisitForm::ServiceMap* map = visit.MapOf(service.code);
  if (map == nullptr) return draft;
  for (const auto& [id, wizard_id] : map->fields) {
    const auto value = wizard_draft.values.find(wizard_id);
    if (value != wizard_draft.values.end()) draft.values[id] = value->second;
  }
  for (const auto& [id, wizard_id] : map->groups) {
    const GroupSpec* group = service.FindGroup(id);
    const auto items = wizard_draft.groups.find(wizard_id);
    if (group == nullptr || items == wizard_draft.groups.end()) continue;
    auto& mine = draft.groups[id];
    for (const auto& item : items->second) {
      std::map<std::string, std::string> copy;
      for (const auto& [field, value] : item) {
        if (group->FindField(field) != nullptr) copy[field] = value;
      }
      mine.push_back(std::move(copy));
    }
  }
  for (const AssistedField& mark : wizard_draft.assisted) {
    AssistedField mine = mark;
    bool found = false;
    if (mark.group.empty()) {
      for (const auto& [id, wizard_id] : map->fields) {
        if (wizard_id == mark.field) {
          mine.field = id;
          found = true;
        }
      }
    } else {
      for (const auto& [id, wizard_id] : map->groups) {
        const GroupSpec* group = service.FindGroup(id);
        if (wizard_id == mark.group && group != nullptr && group->FindField(mark.field)) {
          mine.group = id;
          found = true;
        }
      }
    }
    if (found) draft.assisted.push_back(std::move(mine));
  }
  DropHiddenValues(service, &draft);
  for (const auto& [id, value] : draft.values) CopyIfAttachment(wizard_draft, value, &draft);
  for (const auto& [id, items] : draft.groups) {
    for (const auto& item : items) {
      for (const auto& [field, value] : item) CopyIfAttachment(wizard_draft, value, &draft);
    }
  }
  return draft;
}

std::vector<FieldIssue> ValidateVisitStep(const VisitForm& visit, const Catalog& catalog,
                                          size_t step_index, const ApplicationDraft& wizard_draft,
                                          const CivilDate& today) {
  std::vector<FieldIssue> issues;
  if (step_index >= visit.form.form.steps.size()) return issues;
  const std::string& step_id = visit.form.form.steps[step_index].id;
  for (const VisitForm::ServiceMap& map : visit.services) {
    const ServiceSpec* service = catalog.FindService(map.code);
    if (service == nullptr) continue;
    const ApplicationDraft draft = SplitVisitDraft(visit, *service, wizard_draft);
    for (size_t i = 0; i < service->form.steps.size(); ++i) {
      for (FieldIssue& issue : ValidateStep(*service, catalog.region, i, draft, today)) {
        FieldIssue placed = ToWizard(visit, map, std::move(issue));
        if (placed.step_id == step_id) AddOnce(&issues, std::move(placed));
      }
    }
  }
  return issues;
}

std::vector<FieldIssue> ValidateVisitDraft(const VisitForm& visit, const Catalog& catalog,
                                           const ApplicationDraft& wizard_draft,
                                           const CivilDate& today) {
  std::vector<FieldIssue> issues;
  for (const VisitForm::ServiceMap& map : visit.services) {
    const ServiceSpec* service = catalog.FindService(map.code);
    if (service == nullptr) {
      FieldIssue issue;
      issue.message_key = "validation.draft.service";
      AddOnce(&issues, std::move(issue));
      continue;
    }
    const ApplicationDraft draft = SplitVisitDraft(visit, *service, wizard_draft);
    for (FieldIssue& issue : ValidateDraft(*service, catalog.region, draft, today)) {
      AddOnce(&issues, ToWizard(visit, map, std::move(issue)));
    }
  }
  std::stable_sort(issues.begin(), issues.end(), [&](const FieldIssue& a, const FieldIssue& b) {
    return StepOrder(visit, a.step_id) < StepOrder(visit, b.step_id);
  });
  return issues;
}

std::vector<std::string> CheckSharedKeys(const Catalog& catalog) {
  struct First {
    std::string service;
    const FieldSpec* field = nullptr;
    const GroupSpec* group = nullptr;
  };
  std::map<std::string, First> first;
  std::vector<std::string> problems;
  const auto where = [](const ServiceSpec& s, const std::string& id) {
    return "services/" + s.code + ".json: " + id + ": ";
  };
  for (const ServiceSpec& service : catalog.services) {
    for (const StepSpec& step : service.form.steps) {
      if (step.group && !step.group->shared.empty()) {
        const GroupSpec& group = *step.group;
        auto [it, added] = first.try_emplace(group.shared, First{service.code, nullptr, &group});
        if (added) continue;
        if (it->second.group == nullptr) {
          problems.push_back(where(service, group.id) + "shared key \"" + group.shared +
                             "\" names a field in services/" + it->second.service + ".json");
          continue;
        }
        for (const FieldSpec& field : group.fields) {
          const FieldSpec* theirs = it->second.group->FindField(field.id);
          if (theirs == nullptr || theirs->type != field.type) {
            problems.push_back(where(service, group.id + "." + field.id) + "the shared group \"" +
                               group.shared + "\" has no such " +
                               std::string(FieldTypeName(field.type)) + " field in services/" +
                               it->second.service + ".json");
          }
        }
      }
      for (const FieldSpec& field : step.fields) {
        if (field.shared.empty()) continue;
        if (field.visible_if) {
          const FieldSpec* controller = service.FindField(field.visible_if->field);
          if (controller != nullptr && controller->shared.empty()) {
            problems.push_back(where(service, field.id) + "a shared field shows only under " +
                               "another shared field, not under \"" + controller->id + "\"");
          }
        }
        auto [it, added] = first.try_emplace(field.shared, First{service.code, &field, nullptr});
        if (added) continue;
        if (it->second.field == nullptr || it->second.field->type != field.type) {
          problems.push_back(where(service, field.id) + "shared key \"" + field.shared +
                             "\" is a " + std::string(FieldTypeName(field.type)) +
                             " here but not in services/" + it->second.service + ".json");
        }
      }
    }
  }
  return problems;
}

}  // namespace yimen
