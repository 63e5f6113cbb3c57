#include "protocol/wire_format.h"

#include <gtest/gtest.h>

#include <cmath>

namespace orgroot::protocol {
namespace {

TEST(WireBase64, RoundTrip) {
  EXPECT_EQ(base64_encode("value"), "dmFsdWU=");
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  std::string out;
  ASSERT_TRUE(base64_decode("YmluYXJ5LXZhbHVl", out));
  EXPECT_EQ(out, "binary-value");
  ASSERT_TRUE(base64_decode("YWI", out));  // unpadded
  EXPECT_EQ(out, "ab");
  EXPECT_FALSE(base64_decode("a$==", out));
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  ASSERT_TRUE(base64_decode(base64_encode(all), out));
  EXPECT_EQ(out, all);
}

TEST(WirePercentDecode, FormRules) {
  std::string out;
  ASSERT_TRUE(percent_decode("2015-01-25T08%3A00%3A00Z", out));
  EXPECT_EQ(out, "2015-01-25T08:00:00Z");
  ASSERT_TRUE(percent_decode("a+b%2Bc", out));
  EXPECT_EQ(out, "a b+c");
  ASSERT_TRUE(percent_decode("a+b", out, false));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(percent_decode("%4", out));
  EXPECT_FALSE(percent_decode("%zz", out));
}

TEST(WireEscaping, XmlAndJson) {
  std::string x;
  append_xml_escaped(x, "a<b>&\"c\"\r");
  EXPECT_EQ(x, "a&lt;b&gt;&amp;&quot;c&quot;&#xD;");
  std::string j;
  append_json_string(j, "q\"\\\n\x01\xC3\xA9");
  EXPECT_EQ(j, "\"q\\\"\\\\\\n\\u0001\xC3\xA9\"");
}

TEST(WireNumbers, ShortestAndSpecial) {
  std::string s;
  append_double(s, 5.5);
  s.push_back(' ');
  append_double(s, 1234.5);
  s.push_back(' ');
  append_double(s, std::nan(""));
  s.push_back(' ');
  append_double(s, -HUGE_VAL);
  s.push_back(' ');
  append_int(s, -42);
  EXPECT_EQ(s, "5.5 1234.5 NaN -Infinity -42");
}

TEST(WireTimestamps, Iso8601) {
  std::string s;
  append_iso8601(s, 1398796238);
  EXPECT_EQ(s, "2014-04-29T18:30:38Z");
  s.clear();
  append_iso8601(s, 946845296.123);
  EXPECT_EQ(s, "2000-01-02T20:34:56.123Z");
  s.clear();
  append_iso8601(s, 0);
  EXPECT_EQ(s, "1970-01-01T00:00:00Z");
  double t;
  ASSERT_TRUE(parse_iso8601("2019-12-16T22:48:18-01:00", t));
  EXPECT_EQ(t, 1576540098);
  ASSERT_TRUE(parse_iso8601("2019-12-17T00:48:18+01:00", t));
  EXPECT_EQ(t, 1576540098);
  ASSERT_TRUE(parse_iso8601("2000-01-02T20:34:56.123Z", t));
  EXPECT_NEAR(t, 946845296.123, 1e-6);
  EXPECT_FALSE(parse_iso8601("2000-13-02T20:34:56Z", t));
  EXPECT_FALSE(parse_iso8601("yesterday", t));
}

TEST(WireTimestamps, HttpDateAndEpoch) {
  std::string s;
  append_http_date(s, 1398796238);
  EXPECT_EQ(s, "Tue, 29 Apr 2014 18:30:38 GMT");
  s.clear();
  append_http_date(s, 946845296);
  EXPECT_EQ(s, "Sun, 02 Jan 2000 20:34:56 GMT");
  double t;
  ASSERT_TRUE(parse_http_date("Tue, 29 Apr 2014 18:30:38 GMT", t));
  EXPECT_EQ(t, 1398796238);
  ASSERT_TRUE(parse_timestamp("1398796238", t));
  EXPECT_EQ(t, 1398796238);
  ASSERT_TRUE(parse_timestamp("1398796238.5", t));
  EXPECT_EQ(t, 1398796238.5);
  s.clear();
  append_epoch_seconds(s, 1398796238.25);
  EXPECT_EQ(s, "1398796238.25");
  EXPECT_EQ(timestamp_format("rfc822", TimestampFormat::Iso8601), TimestampFormat::HttpDate);
  EXPECT_EQ(timestamp_format("", TimestampFormat::EpochSeconds), TimestampFormat::EpochSeconds);
}

TEST(WireNames, LowerCamel) {
  EXPECT_EQ(lower_camel("DurationSeconds"), "durationSeconds");
  EXPECT_EQ(lower_camel("arn"), "arn");
  EXPECT_EQ(lower_camel(""), "");
}

}  // namespace
}  // namespace orgroot::protocol
