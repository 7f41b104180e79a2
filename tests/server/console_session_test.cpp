// The console's pure pieces (server/console_session.h, server/console_view.h): cookies,
// tokens, form decoding, the strings table and the templates compiled in.
#include <gtest/gtest.h>

#include <sodium.h>

#include "server/console_session.h"
#include "server/console_view.h"

namespace yimen::server {
namespace {

TEST(ConsoleCookie, FindsItsValueAmongOthers) {
  EXPECT_EQ(CookieValue("a=1; yimen_console=tok-en_1; b=2", kSessionCookie), "tok-en_1");
  EXPECT_EQ(CookieValue("yimen_console=x", kSessionCookie), "x");
  EXPECT_EQ(CookieValue("xyimen_console=x; b=2", kSessionCookie), "");
  EXPECT_EQ(CookieValue("", kSessionCookie), "");
}

TEST(ConsoleCookie, IsHttpOnlySameSiteStrictAndSecureUnlessLoopbackPlain) {
  const std::string secure = SetCookieValue(kSessionCookie, "abc", true, -1);
  EXPECT_EQ(secure, "yimen_console=abc; Path=/; HttpOnly; Secure; SameSite=Strict");
  const std::string plain = SetCookieValue(kSessionCookie, "", false, 0);
  EXPECT_EQ(plain, "yimen_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

TEST(ConsoleToken, IsRandomAndComparedWhole) {
  ASSERT_GE(sodium_init(), 0);
  const std::string a = RandomToken();
  const std::string b = RandomToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(TokensEqual(a, a));
  EXPECT_FALSE(TokensEqual(a, b));
  EXPECT_FALSE(TokensEqual(a, a.substr(0, 42)));
  EXPECT_FALSE(TokensEqual("", ""));  // no session token is "" = ""
}

TEST(ConsoleForm, DecodesRepeatedNamesPercentAndPlus) {
  const auto form = ParseForm("status=%E9%9C%80%E8%A1%A5%E6%AD%A3&status=&note=a+b%26c&x");
  EXPECT_EQ(FormValues(form, "status"), (std::vector<std::string>{"需补正", ""}));
  EXPECT_EQ(FormValue(form, "note"), "a b&c");
  EXPECT_EQ(FormValue(form, "x"), "");
  EXPECT_EQ(FormValue(form, "missing"), "");
  EXPECT_EQ(FormValue(ParseForm("a=%zz%4"), "a"), "%zz%4");  // not escapes: kept
  EXPECT_EQ(UrlEncode("需 a/b"), "%E9%9C%80%20a%2Fb");
}

TEST(ConsoleText, HasEveryKeyInBothLanguages) {
  const auto& zh = ConsoleStrings("zh");
  const auto& en = ConsoleStrings("en");
  EXPECT_EQ(zh.size(), en.size());
  for (auto it = zh.begin(); it != zh.end(); ++it) {
    EXPECT_TRUE(en.contains(it.key())) << it.key();
    EXPECT_FALSE(it->get<std::string>().empty()) << it.key();
  }
  EXPECT_EQ(ConsoleText("zh", "action_needs_materials"), "需补正");
  EXPECT_EQ(ConsoleText("fr", "action_needs_materials"), "需补正");  // unknown: Chinese
}

TEST(ConsolePage, EscapesWhatItShowsAndNamesTheLanguage) {
  nlohmann::json model{{"lang", "zh"}, {"message", "<script>alert(1)</script>"}};
  const std::string html = RenderConsolePage("error.mustache", "出错了", model);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("lang=\"zh-CN\""), std::string::npos);
  EXPECT_EQ(html.find("missing template"), std::string::npos);
  EXPECT_NE(ConsoleAsset("console.css"), nullptr);
  EXPECT_EQ(ConsoleAsset("nope.mustache"), nullptr);
}

TEST(ConsoleTime, ShowsChinasClock) {
  EXPECT_EQ(ChinaTime("2026-12-03T20:00:22Z"), "2026-12-04 04:00");
  EXPECT_EQ(ChinaTime("2026-12-31T16:30:00.123Z"), "2027-01-01 00:30");
  EXPECT_EQ(ChinaTime("not a time"), "not a time");
}

}  // namespace
}  // namespace yimen::server
