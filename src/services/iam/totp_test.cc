#include "services/iam/totp.h"

#include <gtest/gtest.h>

#include "services/iam/credentials_store.h"

namespace orgroot::services::iam {
namespace {

const std::string kRfcKey = "12345678901234567890";  // RFC 4226 / RFC 6238 SHA-1 seed

TEST(Totp, Rfc4226HotpVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t c = 0; c < 10; ++c) EXPECT_EQ(totp::hotp(kRfcKey, c), expected[c]) << c;
}

TEST(Totp, Rfc6238Sha1Vectors) {
  struct V {
    int64_t t;
    const char* code;
  } vectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                 {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"}};
  for (const auto& v : vectors) EXPECT_EQ(totp::code_at(kRfcKey, v.t, 8), v.code) << v.t;
  // Six digits are the last six of the eight.
  EXPECT_EQ(totp::code_at(kRfcKey, 59), "287082");
}

TEST(Totp, Base32RoundTripAndRfc4648Vectors) {
  EXPECT_EQ(totp::base32_encode("foobar"), "MZXW6YTBOI======");
  EXPECT_EQ(totp::base32_encode("f"), "MY======");
  EXPECT_EQ(totp::base32_encode(kRfcKey), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(*totp::base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), kRfcKey);
  EXPECT_EQ(*totp::base32_decode("mzxw6ytboi======"), "foobar");
  EXPECT_FALSE(totp::base32_decode("MZXW1"));  // '1' is not in the alphabet
}

TEST(Totp, MatchStepAndConsecutive) {
  int64_t now = totp::step_of(1234567890);
  std::string c0 = totp::hotp(kRfcKey, static_cast<uint64_t>(now - 1));
  std::string c1 = totp::hotp(kRfcKey, static_cast<uint64_t>(now));
  EXPECT_EQ(totp::match_step(kRfcKey, c1, now, 1, 1), now);
  EXPECT_EQ(totp::match_step(kRfcKey, c0, now, 1, 1), now - 1);
  EXPECT_FALSE(totp::match_step(kRfcKey, totp::hotp(kRfcKey, now - 5), now, 1, 1));
  EXPECT_FALSE(totp::match_step(kRfcKey, "12345", now, 1, 1));
  EXPECT_EQ(totp::match_consecutive(kRfcKey, c0, c1, now, 3, 1), now);
  EXPECT_FALSE(totp::match_consecutive(kRfcKey, c1, c0, now, 3, 1));  // wrong order
  EXPECT_FALSE(totp::match_consecutive(kRfcKey, c1, c1, now, 3, 1));
  auto far = totp::hotp(kRfcKey, now - 30), far2 = totp::hotp(kRfcKey, now - 29);
  EXPECT_FALSE(totp::match_consecutive(kRfcKey, far, far2, now, 3, 1));
  EXPECT_EQ(totp::match_consecutive(kRfcKey, far, far2, now, 40, 40), now - 29);
}

TEST(Totp, CheckMfaCodeForAnEnabledDeviceRejectsReplays) {
  store::Db db(":memory:");
  CredentialsStore store(db);
  ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1234567890)));
  MfaDeviceRecord d;
  d.account_id = "111122223333";
  d.serial_number = "arn:aws:iam::111122223333:mfa/dev";
  d.name = "dev";
  d.seed = kRfcKey;
  ASSERT_TRUE(store.insert_mfa_device(d));
  std::string code = totp::code_at(kRfcKey, 1234567890);
  EXPECT_FALSE(check_mfa_code(store, clock, d.account_id, d.serial_number, code));  // not enabled
  d.user_name = "alice";
  store.update_mfa_device(d);
  EXPECT_FALSE(check_mfa_code(store, clock, d.account_id, d.serial_number, "000000"));
  EXPECT_TRUE(check_mfa_code(store, clock, d.account_id, d.serial_number, code));
  EXPECT_FALSE(check_mfa_code(store, clock, d.account_id, d.serial_number, code));  // used once
  clock.advance(std::chrono::seconds(30));
  EXPECT_TRUE(check_mfa_code(store, clock, d.account_id, d.serial_number, totp::code_at(kRfcKey, 1234567920)));
  EXPECT_FALSE(check_mfa_code(store, clock, "999999999999", d.serial_number, code));
}

}  // namespace
}  // namespace orgroot::services::iam
