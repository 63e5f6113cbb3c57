// Appends JSON text to a string as it is written: for records built once and stored as text (the
// audit trail), where building a boost::json tree first cost more than the rest of the request.
// Escapes as boost::json::serialize does, so the two produce the same text for the same values.
#pragma once

#include <boost/json.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace orgroot {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  // A member's name; the value written next is its value.
  JsonWriter& key(std::string_view k) {
    comma();
    quoted(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& string(std::string_view s) {
    comma();
    quoted(s);
    return *this;
  }
  JsonWriter& boolean(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return *this;
  }
  JsonWriter& null() {
    comma();
    out_ += "null";
    return *this;
  }
  JsonWriter& number(int64_t n) {
    comma();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, r.ptr);
    return *this;
  }
  // Any boost::json value, serialized as boost::json does.
  JsonWriter& value(const boost::json::value& v) {
    comma();
    out_ += boost::json::serialize(v);
    return *this;
  }
  // Shorthands for "key": value.
  JsonWriter& member(std::string_view k, std::string_view s) { return key(k).string(s); }
  JsonWriter& member(std::string_view k, const char* s) { return key(k).string(s); }
  JsonWriter& member(std::string_view k, bool b) { return key(k).boolean(b); }

 private:
  JsonWriter& open(char c) {
    comma();
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  // Separates array elements and object members; nothing after a key or an opening bracket.
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_ && !out_.empty()) out_ += ',';
    first_ = false;
  }
  static bool plain8(const char* p) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    uint64_t x;
    std::memcpy(&x, p, sizeof x);
    const uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;  // exact: some byte < 0x20
    const uint64_t q = x ^ (kOnes * '"'), b = x ^ (kOnes * '\\');
    const uint64_t quote = (q - kOnes) & ~q & kHighs, backslash = (b - kOnes) & ~b & kHighs;
    return (below_space | quote | backslash) == 0;
  }
  void quoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    static constexpr auto kEscape = [] {
      std::array<bool, 256> t{};
      for (int c = 0; c < 0x20; ++c) t[c] = true;
      t['"'] = t['\\'] = true;
      return t;
    }();
    out_ += '"';
    size_t run = 0;  // plain characters are appended in runs
    for (size_t i = 0; i < s.size(); ++i) {
      // Eight plain bytes at a time (none below 0x20, no quote, no backslash), then one by one.
      while (i + 8 <= s.size() && plain8(s.data() + i)) i += 8;
      if (i >= s.size()) break;
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (!kEscape[c]) continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 0xf];
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace orgroot
