// JsonWriter writes what boost::json::serialize writes for the same values.
#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace orgroot {
namespace {

std::string written(std::string_view s) {
  std::string out;
  JsonWriter(out).string(s);
  return out;
}

TEST(JsonWriter, EscapesAsBoostJsonDoes) {
  const std::string cases[] = {"",
                               "plain ascii text that is longer than eight bytes",
                               "quote \" and backslash \\ in the middle of a long run of text",
                               std::string("control \x01\x02\x1f and tab\tnewline\nreturn\rform\fback\b", 47),
                               "\"\"\"\"\"\"\"\"\\\\\\\\\\\\\\\\",
                               "UTF-8 stays as it is: \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 and DEL \x7f",
                               std::string("nul \0 inside", 12),
                               "1234567\"",
                               "12345678\"",
                               "123456789\x1f"};
  for (const auto& c : cases) EXPECT_EQ(written(c), boost::json::serialize(boost::json::string(c))) << c;
}

TEST(JsonWriter, RandomBytesEscapeAsBoostJsonDoes) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> len(0, 40), byte(0, 127), pick(0, 9);
  for (int n = 0; n < 2000; ++n) {
    std::string s;
    const int l = len(rng);
    for (int i = 0; i < l; ++i) {
      // Mostly plain text, with quotes, backslashes and control characters mixed in.
      const int p = pick(rng);
      s.push_back(p == 0 ? '"' : p == 1 ? '\\' : p == 2 ? static_cast<char>(byte(rng) % 32) : static_cast<char>(32 + byte(rng) % 95));
    }
    ASSERT_EQ(written(s), boost::json::serialize(boost::json::string(s))) << n;
  }
}

TEST(JsonWriter, NestsObjectsAndArraysWithTheirCommas) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.member("a", "x").member("b", true);
  w.key("c").begin_array().string("1").begin_object().end_object().begin_array().end_array().null().end_array();
  w.key("d").begin_object().member("e", false).end_object();
  w.key("f").number(-42);
  w.key("g").value(boost::json::parse(R"({"h":[1,2.5,"i"]})"));
  w.end_object();
  EXPECT_EQ(out, R"({"a":"x","b":true,"c":["1",{},[],null],"d":{"e":false},"f":-42,"g":{"h":[1,2.5E0,"i"]}})");
  EXPECT_NO_THROW(boost::json::parse(out));
}

}  // namespace
}  // namespace orgroot
