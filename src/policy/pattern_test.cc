#include "policy/pattern.h"

#include <gtest/gtest.h>

#include "policy/request_context.h"

namespace orgroot::policy {
namespace {

struct GlobRow {
  const char* pattern;
  const char* text;
  bool icase;
  bool want;
};

TEST(Pattern, GlobRows) {
  const GlobRow rows[] = {
      {"*", "", false, true},
      {"*", "anything:at/all", false, true},
      {"s3:GetObject", "s3:GetObject", false, true},
      {"s3:GetObject", "s3:getobject", false, false},
      {"s3:GetObject", "s3:getobject", true, true},
      {"s3:Get*", "s3:GetObjectAcl", false, true},
      {"s3:Get*", "s3:PutObject", false, false},
      {"iam:*AccessKey*", "iam:ListAccessKeys", false, true},
      {"iam:*AccessKey*", "iam:GetUser", false, false},
      {"s3:?etObject", "s3:GetObject", false, true},
      {"s3:?etObject", "s3:etObject", false, false},
      {"a*b*c", "aXXbYYc", false, true},
      {"a*b*c", "aXXbYY", false, false},
      {"a**", "a", false, true},
      {"*a", "bba", false, true},
      {"*a", "bbab", false, false},
      {"ab?", "ab", false, false},
      {"", "", false, true},
      {"", "x", false, false},
      {"*?", "", false, false},
      {"*?", "a", false, true},
      {"?*?", "ab", false, true},
      {"?*?", "a", false, false},
      {"*ab*ab", "xabyab", false, true},
      {"*ab*ab", "abab", false, true},
      {"*ab*ab", "aba", false, false},
      {"*aa", "aaa", false, true},
      {"a*a", "a", false, false},
      {"*x?z*", "wxyzw", false, true},
      {"S3:*OBJ*", "s3:getobject", true, true},
  };
  for (const auto& r : rows) {
    Pattern p = Pattern::Compile(r.pattern, {.wildcards = true, .variables = false, .lower = false});
    EXPECT_EQ(p.Match(r.text, nullptr, r.icase), r.want) << r.pattern << " vs " << r.text;
  }
}

// A plain recursive glob, as the reference for the randomized comparison below.
bool ReferenceGlob(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p[0] == '*') return ReferenceGlob(p.substr(1), s) || (!s.empty() && ReferenceGlob(p, s.substr(1)));
  if (s.empty()) return false;
  return (p[0] == '?' || p[0] == s[0]) && ReferenceGlob(p.substr(1), s.substr(1));
}

TEST(Pattern, AgreesWithAReferenceGlob) {
  uint32_t seed = 12345;
  auto next = [&seed] { seed = seed * 1103515245u + 12345u; return (seed >> 16) & 0x7fff; };
  const char pat_chars[] = {'a', 'b', '*', '?'};
  for (int i = 0; i < 20000; ++i) {
    std::string p, s;
    for (int k = static_cast<int>(next() % 7); k > 0; --k) p += pat_chars[next() % 4];
    for (int k = static_cast<int>(next() % 7); k > 0; --k) s += pat_chars[next() % 2];
    Pattern compiled = Pattern::Compile(p, {.wildcards = true, .variables = false, .lower = false});
    ASSERT_EQ(compiled.Match(s, nullptr, false), ReferenceGlob(p, s)) << "pattern '" << p << "' text '" << s << "'";
  }
}

TEST(Pattern, LiteralModeTreatsWildcardsAsCharacters) {
  Pattern p = Pattern::Compile("a*b", {.wildcards = false, .variables = false, .lower = false});
  EXPECT_TRUE(p.Match("a*b", nullptr, false));
  EXPECT_FALSE(p.Match("axxb", nullptr, false));
}

TEST(Pattern, LowerModeMatchesLowerCasedInput) {
  Pattern p = Pattern::Compile("IAM:GetUser", {.wildcards = true, .variables = false, .lower = true});
  EXPECT_TRUE(p.Match("iam:getuser", nullptr, false));
}

struct VarRow {
  const char* pattern;
  const char* text;
  bool want;
  bool unresolved;
};

TEST(Pattern, PolicyVariables) {
  RequestContext ctx;
  ctx.Set("aws:username", "bob");
  ctx.Set("aws:PrincipalTag/team", "red");
  ctx.Set("s3:prefix", "a*b");
  ctx.SetValues("aws:TagKeys", {"k1", "k2"});
  const VarRow rows[] = {
      {"home/${aws:username}/*", "home/bob/file", true, false},
      {"home/${aws:username}/*", "home/alice/file", false, false},
      {"home/${AWS:UserName}/*", "home/bob/x", true, false},           // variable names are case-insensitive
      {"${aws:PrincipalTag/team}-*", "red-1", true, false},
      {"${aws:PrincipalTag/missing}", "x", false, true},                // unresolvable
      {"${aws:PrincipalTag/missing, 'none'}", "none", true, false},     // default value
      {"${aws:PrincipalTag/missing,'none'}", "none", true, false},
      {"${aws:username, 'none'}", "bob", true, false},                  // default ignored when set
      {"${aws:TagKeys}", "k1", false, true},                            // multi-valued: not a variable value
      {"a${*}b", "a*b", true, false},                                   // escape: literal *
      {"a${*}b", "aXb", false, false},
      {"a${?}", "a?", true, false},
      {"a${?}", "ab", false, false},
      {"${$}{x}", "${x}", true, false},
      {"${s3:prefix}", "a*b", true, false},                             // values are literal, not globs
      {"${s3:prefix}", "aXXb", false, false},
      {"${unterminated", "${unterminated", true, false},
  };
  for (const auto& r : rows) {
    Pattern p = Pattern::Compile(r.pattern, {.wildcards = true, .variables = true, .lower = false});
    bool unresolved = false;
    EXPECT_EQ(p.Match(r.text, &ctx, false, &unresolved), r.want) << r.pattern << " vs " << r.text;
    EXPECT_EQ(unresolved, r.unresolved) << r.pattern;
  }
}

TEST(Pattern, VariablesAreLiteralWithoutVariableMode) {
  Pattern p = Pattern::Compile("home/${aws:username}", {.wildcards = true, .variables = false, .lower = false});
  RequestContext ctx;
  ctx.Set("aws:username", "bob");
  EXPECT_FALSE(p.Match("home/bob", &ctx, false));
  EXPECT_TRUE(p.Match("home/${aws:username}", &ctx, false));
}

struct ArnRow {
  const char* pattern;
  const char* arn;
  bool want;
};

TEST(ArnPattern, SegmentAwareRows) {
  const ArnRow rows[] = {
      {"*", "arn:aws:s3:::b", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket2/a", false},
      {"arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true},
      {"arn:aws:s3:::bucket", "arn:aws:s3:::Bucket", false},  // case-sensitive
      {"arn:aws:iam::*:root", "arn:aws:iam::333333333333:root", true},
      {"arn:aws:iam::*:root", "arn:aws:iam::333333333333:user/root", false},
      {"arn:aws:iam::*:root", "arn:aws:iam::333333333333:mfa/root", false},
      {"arn:aws:sqs:*:*:*", "arn:aws:sqs:us-east-1:111122223333:q", true},
      {"arn:aws:sqs:*:*:*", "arn:aws:s3:::b", false},
      {"arn:aws:*:*:*:*", "arn:aws:s3:::b", true},
      {"arn:aws:iam::111122223333:user/*", "arn:aws:iam::111122223333:user/a/b", true},
      {"arn:aws:iam::111122223333:user/*", "arn:aws:iam::444455556666:user/a", false},
      {"arn:aws:logs:us-east-1:1:log-group:*", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s", true},
      {"arn:aws:iam::*", "arn:aws:iam::111122223333:user/x", true},     // trailing * expands over colons
      {"arn:aws:iam::1*", "arn:aws:iam::111122223333:user/x", true},
      {"arn:aws:iam::2*", "arn:aws:iam::111122223333:user/x", false},
      {"arn:aws:s3:*", "arn:aws:s3:::bucket", true},
      {"arn:aws:s?:::b", "arn:aws:s3:::b", true},
      {"arn:aws:s3:::b", "not-an-arn", false},
  };
  for (const auto& r : rows) {
    ArnPattern p = ArnPattern::Compile(r.pattern, {.wildcards = true, .variables = true, .lower = false});
    EXPECT_EQ(p.Match(r.arn, nullptr), r.want) << r.pattern << " vs " << r.arn;
  }
}

TEST(ArnPattern, VariablesWithColonsDoNotSplitSegments) {
  RequestContext ctx;
  ctx.Set("aws:PrincipalAccount", "111122223333");
  ArnPattern p = ArnPattern::Compile("arn:aws:sqs:*:${aws:PrincipalAccount}:*",
                                     {.wildcards = true, .variables = true, .lower = false});
  EXPECT_TRUE(p.Match("arn:aws:sqs:us-east-1:111122223333:q", &ctx));
  EXPECT_FALSE(p.Match("arn:aws:sqs:us-east-1:444455556666:q", &ctx));
}

TEST(Pattern, HashAndCaseHelpers) {
  EXPECT_EQ(HashLower("aws:SourceIp"), HashLower("AWS:SOURCEIP"));
  EXPECT_NE(HashLower("aws:SourceIp"), HashLower("aws:SourceVpc"));
  EXPECT_TRUE(EqualsIgnoreCase("Sts:TaskPolicyARN", "sts:taskpolicyarn"));
  EXPECT_EQ(ToLowerAscii("S3:GetObject"), "s3:getobject");
}

}  // namespace
}  // namespace orgroot::policy
