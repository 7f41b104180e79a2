// Where a value the resident (or staff) types lives: a typed address built by the
// screens from the catalog and never parsed back from text. Id() spells it as the
// widget id the UI scripts and the recorder see ("v:name", "g:members:0:name"...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>

namespace yimen::session {

struct FieldAddress {
  enum class Area : uint8_t {
    kNone,      // nothing (no focus)
    kTop,       // a form field outside any group: `field`
    kMember,    // a field of one group member: `group`, `member`, `field`
    kGroup,     // a group as a whole (its "add at least one" error): `group`
    kQuestion,  // a self-check question: `field`
    kAux,       // outside the catalog (staff name, search, app number, ID tail, PIN): `field`
  };
  Area area = Area::kNone;
  std::string group;
  size_t member = 0;
  std::string field;

  static FieldAddress Top(std::string field_id);
  static FieldAddress Member(std::string group_id, size_t member, std::string field_id);
  static FieldAddress Group(std::string group_id);
  static FieldAddress Question(std::string question_id);
  static FieldAddress Aux(std::string name);

  bool empty() const { return area == Area::kNone; }
  bool IsAux(const char* name) const { return area == Area::kAux && field == name; }
  // A field beside this one: the same member's (or the top level's) `field_id`.
  FieldAddress Sibling(std::string field_id) const;
  // The widget id: "v:<field>", "g:<group>:<member>:<field>", "group:<group>",
  // "e:<question>", "s:<name>", "" for none.
  std::string Id() const;

  bool operator==(const FieldAddress&) const = default;
  // An order for map keys: by area, then group, member and field.
  bool operator<(const FieldAddress& other) const {
    return std::tie(area, group, member, field) <
           std::tie(other.area, other.group, other.member, other.field);
  }
};

}  // namespace yimen::session
