// Typed field addresses: the ids the widgets and UI scripts use are spelled from them,
// and addresses that differ anywhere (area, group, member, field) are different keys.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "session/field_address.h"

namespace yimen::session {
namespace {

TEST(FieldAddress, SpellsTheWidgetIdsTheScriptsTap) {
  EXPECT_EQ(FieldAddress::Top("hukou").Id(), "v:hukou");
  EXPECT_EQ(FieldAddress::Member("members", 0, "relationship").Id(), "g:members:0:relationship");
  EXPECT_EQ(FieldAddress::Member("members", 12, "name").Id(), "g:members:12:name");
  EXPECT_EQ(FieldAddress::Group("members").Id(), "group:members");
  EXPECT_EQ(FieldAddress::Question("age").Id(), "e:age");
  EXPECT_EQ(FieldAddress::Aux("staff_name").Id(), "s:staff_name");
  EXPECT_EQ(FieldAddress{}.Id(), "");
}

TEST(FieldAddress, NoneIsEmptyAndEveryOtherAreaIsNot) {
  EXPECT_TRUE(FieldAddress{}.empty());
  EXPECT_FALSE(FieldAddress::Top("x").empty());
  EXPECT_FALSE(FieldAddress::Aux("pin").empty());
  EXPECT_TRUE(FieldAddress::Aux("pin").IsAux("pin"));
  EXPECT_FALSE(FieldAddress::Top("pin").IsAux("pin"));
  EXPECT_FALSE(FieldAddress::Aux("pin").IsAux("search"));
}

TEST(FieldAddress, ASiblingKeepsTheMember) {
  const FieldAddress town = FieldAddress::Member("members", 3, "town");
  EXPECT_EQ(town.Sibling("community"), FieldAddress::Member("members", 3, "community"));
  EXPECT_EQ(FieldAddress::Top("town").Sibling("community"), FieldAddress::Top("community"));
}

TEST(FieldAddress, AddressesThatDifferAnywhereAreDifferentKeys) {
  // The same text in another area, group or member must not collide (a string key
  // such as "v:name" vs "e:name" was one parse away from doing so).
  const std::set<FieldAddress> all = {FieldAddress::Top("name"),
                                      FieldAddress::Question("name"),
                                      FieldAddress::Aux("name"),
                                      FieldAddress::Member("members", 0, "name"),
                                      FieldAddress::Member("members", 1, "name"),
                                      FieldAddress::Member("others", 0, "name"),
                                      FieldAddress::Group("members"),
                                      FieldAddress{}};
  EXPECT_EQ(all.size(), 8u);
  std::map<FieldAddress, std::string> errors;
  errors[FieldAddress::Member("members", 1, "name")] = "one";
  EXPECT_EQ(errors.count(FieldAddress::Member("members", 1, "name")), 1u);
  EXPECT_EQ(errors.count(FieldAddress::Member("members", 0, "name")), 0u);
  EXPECT_EQ(errors.count(FieldAddress::Top("name")), 0u);
}

TEST(FieldAddress, IdsOfDifferentAddressesDiffer) {
  // Widget ids are what scripts tap: two fields on one screen must never share one.
  const FieldAddress a = FieldAddress::Member("members", 1, "0:name");
  const FieldAddress b = FieldAddress::Member("members", 10, "name");
  EXPECT_NE(a, b);
  EXPECT_NE(FieldAddress::Top("x").Id(), FieldAddress::Question("x").Id());
}

}  // namespace
}  // namespace yimen::session
