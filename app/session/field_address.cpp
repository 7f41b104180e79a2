#include "session/field_address.h"

#include <utility>

namespace yimen::session {

FieldAddress FieldAddress::Top(std::string field_id) {
  return FieldAddress{Area::kTop, {}, 0, std::move(field_id)};
}

FieldAddress FieldAddress::Member(std::string group_id, size_t member, std::string field_id) {
  return FieldAddress{Area::kMember, std::move(group_id), member, std::move(field_id)};
}

FieldAddress FieldAddress::Group(std::string group_id) {
  return FieldAddress{Area::kGroup, std::move(group_id), 0, {}};
}

FieldAddress FieldAddress::Question(std::string question_id) {
  return FieldAddress{Area::kQuestion, {}, 0, std::move(question_id)};
}

FieldAddress FieldAddress::Aux(std::string name) {
  return FieldAddress{Area::kAux, {}, 0, std::move(name)};
}

FieldAddress FieldAddress::Sibling(std::string field_id) const {
  FieldAddress out = *this;
  out.field = std::move(field_id);
  return out;
}

std::string FieldAddress::Id() const {
  switch (area) {
    case Area::kNone: return {};
    case Area::kTop: return "v:" + field;
    case Area::kMember: return "g:" + group + ":" + std::to_string(member) + ":" + field;
    case Area::kGroup: return "group:" + group;
    case Area::kQuestion: return "e:" + field;
    case Area::kAux: return "s:" + field;
  }
  return {};
}

}  // namespace yimen::session
