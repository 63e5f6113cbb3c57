#include "common/ids.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "common/clock.h"

namespace orgroot {

void SecureRandom::fill(unsigned char* out, size_t n) {
  // OpenSSL's DRBG costs about the same for 4 KiB as for a few bytes, and ids, keys and tokens are
  // built a few bytes at a time: each thread draws a block and hands it out, never twice.
  struct Pool {
    unsigned char bytes[4096];
    size_t used = sizeof bytes;
    ~Pool() { OPENSSL_cleanse(bytes, sizeof bytes); }
  };
  thread_local Pool pool;
  if (n >= sizeof pool.bytes) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
    return;
  }
  if (sizeof pool.bytes - pool.used < n) {
    if (RAND_bytes(pool.bytes, static_cast<int>(sizeof pool.bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
    pool.used = 0;
  }
  std::memcpy(out, pool.bytes + pool.used, n);
  OPENSSL_cleanse(pool.bytes + pool.used, n);  // handed out once: not kept in memory
  pool.used += n;
}

namespace {
struct Xoshiro256 {
  uint64_t s[4];
  Xoshiro256() {
    do {
      if (RAND_bytes(reinterpret_cast<unsigned char*>(s), sizeof s) != 1) throw std::runtime_error("RAND_bytes failed");
    } while ((s[0] | s[1] | s[2] | s[3]) == 0);
  }
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t next() {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};
}  // namespace

void FastRandom::fill(unsigned char* out, size_t n) {
  thread_local Xoshiro256 gen;
  while (n > 0) {
    uint64_t v = gen.next();
    const size_t k = n < sizeof v ? n : sizeof v;
    std::memcpy(out, &v, k);
    out += k;
    n -= k;
  }
}

namespace {
std::string from_alphabet(Random& r, std::string_view alphabet, size_t n) {
  // Rejection sampling keeps the distribution uniform for alphabets that do not divide 256.
  std::string out;
  out.reserve(n);
  const unsigned limit = 256 - (256 % alphabet.size());
  unsigned char buf[64];
  while (out.size() < n) {
    r.fill(buf, sizeof buf);
    for (unsigned char c : buf) {
      if (c >= limit) continue;
      out.push_back(alphabet[c % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}  // namespace

namespace ids {
std::string access_key_id(Random& r, std::string_view account_id, bool temporary) {
  uint64_t account = 0;
  for (char c : account_id) account = account * 10 + static_cast<uint64_t>(c - '0');
  unsigned char b[10];
  r.fill(b, sizeof b);
  uint64_t z = ((account & 0xFFFFFFFFFFull) << 7) | (b[0] & 0x7f);  // bit 47 stays 0
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(z >> (8 * (5 - i)));
  // 10 bytes -> 16 base32 characters.
  std::string out(temporary ? "ASIA" : "AKIA");
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 5; ++i) hi = (hi << 8) | b[i];
  for (int i = 5; i < 10; ++i) lo = (lo << 8) | b[i];
  for (int i = 7; i >= 0; --i) out.push_back(kBase32[(hi >> (5 * i)) & 31]);
  for (int i = 7; i >= 0; --i) out.push_back(kBase32[(lo >> (5 * i)) & 31]);
  return out;
}

std::string account_from_access_key_id(std::string_view key) {
  if (key.size() < 4 + 10) return {};
  // First 10 base32 characters after the prefix hold the first 6 bytes (and 2 bits more).
  uint64_t v = 0;
  for (size_t i = 4; i < 4 + 10; ++i) {
    auto pos = kBase32.find(key[i]);
    if (pos == std::string_view::npos) return {};
    v = (v << 5) | pos;
  }
  uint64_t z = v >> 2;  // 50 bits -> the first 48
  uint64_t account = (z & 0x7FFFFFFFFF80ull) >> 7;
  if (account > 999999999999ull) return {};  // 40 bits reach past 12 digits: not a real key
  std::string s = std::to_string(account);
  if (s.size() < 12) s.insert(0, 12 - s.size(), '0');
  return s;
}
std::string unique_id(Random& r, std::string_view prefix) {
  return std::string(prefix) + from_alphabet(r, kBase32, 17);
}
std::string secret_access_key(Random& r) { return from_alphabet(r, kBase64, 40); }
std::string session_token(Random& r) {
  // Real regional tokens start with this prefix; the rest is opaque to clients.
  return "IQoJb3JpZ2luX2VjE" + from_alphabet(r, kBase64, 339);
}
std::string uuid4(Random& r) {
  unsigned char b[16];
  r.fill(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(36, '-');
  char* p = out.data();
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++p;  // past a '-'
    *p++ = hex[b[i] >> 4];
    *p++ = hex[b[i] & 15];
  }
  return out;
}
std::string digits(Random& r, size_t n) { return from_alphabet(r, "0123456789", n); }
std::string lower_alnum(Random& r, size_t n) {
  return from_alphabet(r, "abcdefghijklmnopqrstuvwxyz0123456789", n);
}
}  // namespace ids

namespace {
// Writes n decimal digits of v (zero-padded) at p; returns the end.
char* put_digits(char* p, int v, int n) {
  for (int i = n - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
  return p + n;
}
}  // namespace

std::string iso8601(double epoch_seconds) {
  // Formatted by hand: strftime's locale handling cost more than the rest of a short record.
  time_t t = static_cast<time_t>(epoch_seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  const int year = tm.tm_year + 1900;
  if (year < 0 || year > 9999) {  // outside what four digits say: as strftime would
    char buf[48];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  std::string out(20, 'Z');  // YYYY-MM-DDTHH:MM:SSZ
  char* p = out.data();
  p = put_digits(p, year, 4);
  *p++ = '-';
  p = put_digits(p, tm.tm_mon + 1, 2);
  *p++ = '-';
  p = put_digits(p, tm.tm_mday, 2);
  *p++ = 'T';
  p = put_digits(p, tm.tm_hour, 2);
  *p++ = ':';
  p = put_digits(p, tm.tm_min, 2);
  *p++ = ':';
  put_digits(p, tm.tm_sec, 2);
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point tp) {
  time_t t = std::chrono::system_clock::to_time_t(tp);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace orgroot
