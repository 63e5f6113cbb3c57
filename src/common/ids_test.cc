#include "common/ids.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "common/clock.h"

namespace orgroot {
namespace {

TEST(Ids, AccessKeyIdsHaveAwsShape) {
  SecureRandom r;
  std::regex long_term("^AKIA[A-Z2-7]{16}$"), temp("^ASIA[A-Z2-7]{16}$");
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(std::regex_match(ids::access_key_id(r, "000000000000", false), long_term));
    EXPECT_TRUE(std::regex_match(ids::access_key_id(r, "000000000000", true), temp));
  }
}

TEST(Ids, AccountIsEncodedInKeyIdAsAwsDoes) {
  // A key id published with its account in AWS security research material.
  EXPECT_EQ(ids::account_from_access_key_id("ASIAY34FZKBOKMUTVV7A"), "609629065308");
  SecureRandom r;
  for (std::string acct : {"000000000000", "123456789012", "999999999999", "000000000001", "609629065308"}) {
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(ids::account_from_access_key_id(ids::access_key_id(r, acct, i % 2 == 0)), acct);
    }
  }
  EXPECT_EQ(ids::account_from_access_key_id("AKIA"), "");
  EXPECT_EQ(ids::account_from_access_key_id("AKIA0000000000000000"), "");  // 0 is not base32
  EXPECT_EQ(ids::account_from_access_key_id("AKIA7777777777777777"), "");  // decodes past 12 digits
}

TEST(Ids, UniqueIdsSecretsAndUuids) {
  SecureRandom r;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(ids::unique_id(r, "AIDA"));
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_TRUE(std::regex_match(ids::unique_id(r, "AROA"), std::regex("^AROA[A-Z2-7]{17}$")));
  EXPECT_TRUE(std::regex_match(ids::secret_access_key(r), std::regex("^[A-Za-z0-9+/]{40}$")));
  EXPECT_TRUE(std::regex_match(ids::uuid4(r),
                               std::regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")));
  EXPECT_TRUE(std::regex_match(ids::digits(r, 12), std::regex("^[0-9]{12}$")));
}

TEST(Clock, Formats) {
  EXPECT_EQ(iso8601(1757642199), "2025-09-12T01:56:39Z");
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(iso8601(253402300799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(iso8601(1757642199.999), "2025-09-12T01:56:39Z");  // whole seconds, not rounded
  // As strftime writes it, over a span of dates with every month, day and time of day.
  for (time_t t = 946684800; t < 946684800 + 3 * 366 * 86400; t += 86400 + 3607) {
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    EXPECT_EQ(iso8601(static_cast<double>(t)), buf);
  }
  EXPECT_EQ(amz_date(std::chrono::system_clock::from_time_t(1440938160)), "20150830T123600Z");
}

}  // namespace
}  // namespace orgroot
