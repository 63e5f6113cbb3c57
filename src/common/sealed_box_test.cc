// Sealed boxes (AES-256-GCM): round trips, what must fail to open, and the per-thread contexts
// that keep their key between uses.
#include "common/sealed_box.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/ids.h"

namespace orgroot::sealed {
namespace {

TEST(SealedBox, RoundTripTamperingAndContext) {
  SecureRandom r;
  const Key k = new_key(r);
  const std::string box = seal(k, "the session", "ctx", r);
  EXPECT_EQ(open(k, box, "ctx"), "the session");
  EXPECT_EQ(open(k, box, "other"), std::nullopt);
  for (std::size_t i = 0; i < box.size(); ++i) {
    std::string bad = box;
    bad[i] = static_cast<char>(bad[i] ^ 1);
    EXPECT_EQ(open(k, bad, "ctx"), std::nullopt) << "byte " << i;
  }
  EXPECT_EQ(open(k, box.substr(0, 27), "ctx"), std::nullopt);
  // A failed open leaves the thread's context fit for the next one.
  EXPECT_EQ(open(k, box, "ctx"), "the session");
  EXPECT_EQ(open(k, seal(k, "", "", r), ""), "");
}

TEST(SealedBox, KeysAlternateOnOneThread) {
  SecureRandom r;
  const Key a = new_key(r), b = new_key(r);
  for (int i = 0; i < 4; ++i) {
    const std::string ba = seal(a, "for a " + std::to_string(i), "c", r);
    const std::string bb = seal(b, "for b " + std::to_string(i), "c", r);
    EXPECT_NE(ba.substr(0, 12), bb.substr(0, 12));  // fresh nonces
    EXPECT_EQ(open(b, bb, "c"), "for b " + std::to_string(i));
    EXPECT_EQ(open(a, bb, "c"), std::nullopt);
    EXPECT_EQ(open(a, ba, "c"), "for a " + std::to_string(i));
    EXPECT_EQ(open(b, ba, "c"), std::nullopt);
  }
}

TEST(SealedBox, ThreadsShareNoState) {
  SecureRandom r;
  const Key k = new_key(r);
  std::vector<std::string> boxes;
  for (int i = 0; i < 8; ++i) boxes.push_back(seal(k, std::string(100 + i, 'x'), "c", r));
  std::vector<std::thread> ts;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      SecureRandom mine;
      const Key other = new_key(mine);
      for (int n = 0; n < 200; ++n) {
        const auto& b = boxes[static_cast<std::size_t>(n % 8)];
        if (open(k, b, "c") == std::string(100 + n % 8, 'x')) ++ok[t];
        // Interleaved uses of another key on the same thread.
        if (open(other, seal(other, "o", "c", mine), "c") == "o") ++ok[t];
      }
    });
  for (auto& t : ts) t.join();
  for (int n : ok) EXPECT_EQ(n, 400);
}

TEST(SealedBox, Base64) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)})
    EXPECT_EQ(unbase64(base64(s)), s);
  EXPECT_EQ(unbase64("abc"), std::nullopt);
}

}  // namespace
}  // namespace orgroot::sealed
