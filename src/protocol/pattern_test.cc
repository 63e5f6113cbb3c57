// Java-compatible pattern matching for model constraints.
#include "protocol/pattern.h"

#include <gtest/gtest.h>

namespace orgroot::protocol {
namespace {

bool m(const char* pattern, const std::string& value) {
  auto p = PatternMatcher::compile(pattern);
  EXPECT_NE(p, nullptr) << pattern;
  return p && p->matches(value);
}

TEST(ModelPattern, WholeValueMustMatch) {
  EXPECT_TRUE(m("[\\w+=,.@-]*", "Session1.2@x"));
  EXPECT_FALSE(m("[\\w+=,.@-]*", "Session1:2"));
  EXPECT_TRUE(m("[\\w+=,.@-]*", ""));
  EXPECT_FALSE(m("[\\w+=,.@-]+", ""));
  EXPECT_TRUE(m("\\d{12}", "123456789012"));
  EXPECT_FALSE(m("\\d{12}", "1234567890123"));
  EXPECT_FALSE(m("\\d{12}", "12345678901"));
}

TEST(ModelPattern, JavaClassesAreAsciiOnly) {
  EXPECT_FALSE(m("[\\w]+", "caf\xC3\xA9"));  // é is not \w in Java
  EXPECT_FALSE(m("\\d+", "\xD9\xA3"));       // Arabic-Indic digit three
  EXPECT_TRUE(m("[\\s\\S]*", "any\nthing\xE2\x80\xA8"));
  EXPECT_TRUE(m("[^\\s@]+@[^\\s@]+\\.[^\\s@]+", "a@b.c"));
  EXPECT_FALSE(m("[^\\s@]+@[^\\s@]+\\.[^\\s@]+", "a b@c.d"));
}

TEST(ModelPattern, UnicodeProperties) {
  const char* tag = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+";
  EXPECT_TRUE(m(tag, "h\xC3\xA9llo w\xC3\xB6rld_1"));
  EXPECT_TRUE(m(tag, "\xE6\x9D\xB1\xE4\xBA\xAC"));  // CJK letters
  EXPECT_FALSE(m(tag, "bad!"));
  EXPECT_FALSE(m(tag, "tab\there"));  // \t is not \p{Z}
}

TEST(ModelPattern, UnicodeEscapesAndSurrogatePairs) {
  const char* trail = "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*";
  EXPECT_TRUE(m(trail, "a\xF0\x9F\x98\x80" "b\t"));  // U+1F600 via the escaped surrogate-pair range
  EXPECT_FALSE(m(trail, "a\nb"));
  EXPECT_TRUE(m("(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", "/"));
  EXPECT_TRUE(m("(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", "/division_abc/"));
  EXPECT_FALSE(m("(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", "/a b/"));
  // Java reads exactly four hex digits: \u10000 is U+1000 followed by '0'.
  const char* arn = "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+";
  EXPECT_TRUE(m(arn, "arn:aws:iam::123456789012:role/x"));
  EXPECT_FALSE(m(arn, std::string("a\x01", 2)));
}

TEST(ModelPattern, GroupsAlternationLookaheadAndAnchors) {
  const char* bucket = "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$";
  EXPECT_TRUE(m(bucket, "ab-cd"));
  EXPECT_FALSE(m(bucket, "ab--cd"));
  EXPECT_FALSE(m(bucket, "a"));
  const char* target = "^(r-[0-9a-z]{4,32})|(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$";
  EXPECT_TRUE(m(target, "r-abcd"));
  EXPECT_TRUE(m(target, "123456789012"));
  EXPECT_TRUE(m(target, "ou-ab12-abcdefgh"));
  EXPECT_FALSE(m(target, "r-ab"));
  EXPECT_TRUE(m("((/[A-Za-z0-9\\.,\\+@=_-]+)*)/", "/a/b/"));
  EXPECT_FALSE(m("((/[A-Za-z0-9\\.,\\+@=_-]+)*)/", "/a//b/"));
  EXPECT_TRUE(m("^http(s?)://[a-zA-Z0-9._/-]*(\\?[a-zA-Z0-9._=&-]*)?(#[a-zA-Z0-9._/-]*)?$", "https://x.y/z?a=b#c"));
  EXPECT_TRUE(m("v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", "v12.x"));
}

TEST(ModelPattern, DotAndFlags) {
  EXPECT_FALSE(m(".*", "a\nb"));
  EXPECT_TRUE(m("(?s).*", "a\nb"));
  EXPECT_TRUE(m(".+", "x"));
  EXPECT_TRUE(m("a.c", "a\xC3\xA9" "c"));  // one code point, two bytes
  EXPECT_TRUE(m("\\Qa.b\\E", "a.b"));
  EXPECT_FALSE(m("\\Qa.b\\E", "axb"));
}

TEST(ModelPattern, UnsupportedConstructsAreNotGuessed) {
  EXPECT_EQ(PatternMatcher::compile("(a)\\1"), nullptr);      // back-reference
  EXPECT_EQ(PatternMatcher::compile("(?<=a)b"), nullptr);     // lookbehind
  EXPECT_EQ(PatternMatcher::compile("(?i)abc"), nullptr);     // case-insensitive flag
  EXPECT_EQ(PatternMatcher::compile("[a-z&&[^b]]"), nullptr);  // intersection
  EXPECT_EQ(PatternMatcher::compile("(abc"), nullptr);
  EXPECT_EQ(PatternMatcher::compile("a{3,1}"), nullptr);
}

TEST(ModelPattern, LongInputsStayLinear) {
  std::string doc(200000, 'a');
  doc += "!";
  EXPECT_FALSE(m("((/[A-Za-z0-9\\.,\\+@=_-]+)*)/", doc));
  EXPECT_FALSE(m("(a*)*b", std::string(5000, 'a')));
  EXPECT_TRUE(m("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", std::string(131072, 'x')));
}

TEST(ModelPatternUtf8, DecodingAndJavaLength) {
  std::u32string cps;
  EXPECT_TRUE(utf8_to_code_points("a\xC3\xA9\xF0\x9F\x98\x80", cps));
  EXPECT_EQ(cps, (std::u32string{U'a', 0xE9, 0x1F600}));
  EXPECT_FALSE(utf8_to_code_points("\xC0\xAF", cps));          // overlong
  EXPECT_FALSE(utf8_to_code_points("\xED\xA0\x80", cps));      // surrogate
  EXPECT_FALSE(utf8_to_code_points("\xE2\x82", cps));          // truncated
  EXPECT_EQ(java_string_length("a\xC3\xA9\xF0\x9F\x98\x80"), 4u);  // the emoji counts 2 in UTF-16
}

}  // namespace
}  // namespace orgroot::protocol
