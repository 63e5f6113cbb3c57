#include "protocol/wire_format.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <boost/json/value.hpp>

namespace orgroot::protocol {

// ---------------------------------------------------------------- base64

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct B64Table {
  int8_t v[256];
  constexpr B64Table() : v() {
    for (int i = 0; i < 256; ++i) v[i] = -1;
    for (int i = 0; i < 64; ++i) v[static_cast<unsigned char>(kB64[i])] = static_cast<int8_t>(i);
  }
};
constexpr B64Table kB64Rev;
}  // namespace

void append_base64(std::string& out, std::string_view in) {
  size_t i = 0;
  out.reserve(out.size() + (in.size() + 2) / 3 * 4);
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out.push_back(kB64[n >> 18 & 63]);
    out.push_back(kB64[n >> 12 & 63]);
    out.push_back(kB64[n >> 6 & 63]);
    out.push_back(kB64[n & 63]);
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t n = byte(i) << 16;
    out.push_back(kB64[n >> 18 & 63]);
    out.push_back(kB64[n >> 12 & 63]);
    out.append("==");
  } else if (rest == 2) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out.push_back(kB64[n >> 18 & 63]);
    out.push_back(kB64[n >> 12 & 63]);
    out.push_back(kB64[n >> 6 & 63]);
    out.push_back('=');
  }
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  append_base64(out, bytes);
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = kB64Rev.v[static_cast<unsigned char>(c)];
    if (v < 0) return false;
    acc = acc << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>(acc >> bits & 0xFF));
    }
  }
  return true;
}

// ---------------------------------------------------------------- percent decoding

bool percent_decode_append(std::string_view in, std::string& out, bool plus_is_space) {
  auto hex = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  size_t i = 0;
  while (i < in.size()) {
    size_t next = in.find_first_of(plus_is_space ? "%+" : "%", i);
    if (next == std::string_view::npos) {
      out.append(in.data() + i, in.size() - i);
      break;
    }
    out.append(in.data() + i, next - i);
    if (in[next] == '+') {
      out.push_back(' ');
      i = next + 1;
      continue;
    }
    if (next + 2 >= in.size()) return false;
    int hi = hex(in[next + 1]), lo = hex(in[next + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i = next + 3;
  }
  return true;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  return percent_decode_append(in, out, plus_is_space);
}

// ---------------------------------------------------------------- escaping

namespace {
// Bytes that need escaping: 1 in XML text/attributes, 2 in JSON strings.
struct EscapeTable {
  uint8_t v[256];
  constexpr EscapeTable() : v() {
    for (int c = 0; c < 0x20; ++c) v[c] = 2;
    v[static_cast<unsigned char>('"')] = 3;
    v[static_cast<unsigned char>('\\')] = 2;
    v[static_cast<unsigned char>('&')] = 1;
    v[static_cast<unsigned char>('<')] = 1;
    v[static_cast<unsigned char>('>')] = 1;
    v[static_cast<unsigned char>('\r')] |= 1;
  }
};
constexpr EscapeTable kEscape;
}  // namespace

void append_xml_escaped(std::string& out, std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  const char* run = p;
  for (; p != end; ++p) {
    if (!(kEscape.v[static_cast<unsigned char>(*p)] & 1)) continue;
    out.append(run, static_cast<size_t>(p - run));
    run = p + 1;
    switch (*p) {
      case '&': out.append("&amp;", 5); break;
      case '<': out.append("&lt;", 4); break;
      case '>': out.append("&gt;", 4); break;
      case '"': out.append("&quot;", 6); break;
      default: out.append("&#xD;", 5); break;  // '\r'
    }
  }
  out.append(run, static_cast<size_t>(end - run));
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = text.data();
  const char* end = p + text.size();
  const char* run = p;
  out.append("\"", 1);
  for (; p != end; ++p) {
    auto c = static_cast<unsigned char>(*p);
    if (!(kEscape.v[c] & 2)) continue;
    out.append(run, static_cast<size_t>(p - run));
    run = p + 1;
    switch (c) {
      case '"': out.append("\\\"", 2); break;
      case '\\': out.append("\\\\", 2); break;
      case '\n': out.append("\\n", 2); break;
      case '\r': out.append("\\r", 2); break;
      case '\t': out.append("\\t", 2); break;
      case '\b': out.append("\\b", 2); break;
      case '\f': out.append("\\f", 2); break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(u, 6);
      }
    }
  }
  out.append(run, static_cast<size_t>(end - run));
  out.append("\"", 1);
}

// ---------------------------------------------------------------- numbers

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) { out.append("NaN"); return; }
  if (std::isinf(v)) { out.append(v > 0 ? "Infinity" : "-Infinity"); return; }
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

bool json_number(const boost::json::value& v, double& out) {
  if (v.is_double()) { out = v.get_double(); return true; }
  if (v.is_int64()) { out = static_cast<double>(v.get_int64()); return true; }
  if (v.is_uint64()) { out = static_cast<double>(v.get_uint64()); return true; }
  return false;
}

bool json_int(const boost::json::value& v, int64_t& out) {
  if (v.is_int64()) { out = v.get_int64(); return true; }
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(INT64_MAX)) return false;
    out = static_cast<int64_t>(v.get_uint64());
    return true;
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (!(d >= -9.2e18 && d <= 9.2e18) || std::trunc(d) != d) return false;
    out = static_cast<int64_t>(d);
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- timestamps

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (era-based computation).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

void append_2(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

void append_4(std::string& out, int64_t v) {
  if (v < 0 || v > 9999) { append_int(out, v); return; }
  auto u = static_cast<unsigned>(v);
  out.push_back(static_cast<char>('0' + u / 1000));
  out.push_back(static_cast<char>('0' + u / 100 % 10));
  out.push_back(static_cast<char>('0' + u / 10 % 10));
  out.push_back(static_cast<char>('0' + u % 10));
}

// Splits into whole seconds and milliseconds (rounded to the nearest millisecond).
void split_ms(double t, int64_t& secs, unsigned& ms) {
  auto total_ms = static_cast<int64_t>(std::llround(t * 1000.0));
  secs = total_ms >= 0 ? total_ms / 1000 : -((-total_ms + 999) / 1000);
  ms = static_cast<unsigned>(total_ms - secs * 1000);
}

constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool digits(std::string_view s, size_t pos, size_t n, int& v) {
  if (pos + n > s.size()) return false;
  v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

TimestampFormat timestamp_format(std::string_view trait, TimestampFormat dflt) {
  if (trait == "iso8601") return TimestampFormat::Iso8601;
  if (trait == "unixTimestamp") return TimestampFormat::EpochSeconds;
  if (trait == "rfc822") return TimestampFormat::HttpDate;
  return dflt;
}

void append_iso8601(std::string& out, double t) {
  int64_t secs;
  unsigned ms;
  split_ms(t, secs, ms);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  auto sod = static_cast<unsigned>(secs - days * 86400);
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  append_4(out, y);
  out.push_back('-');
  append_2(out, m);
  out.push_back('-');
  append_2(out, d);
  out.push_back('T');
  append_2(out, sod / 3600);
  out.push_back(':');
  append_2(out, sod / 60 % 60);
  out.push_back(':');
  append_2(out, sod % 60);
  if (ms != 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + ms / 100));
    append_2(out, ms % 100);
  }
  out.push_back('Z');
}

void append_http_date(std::string& out, double t) {
  int64_t secs;
  unsigned ms;
  split_ms(t, secs, ms);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  auto sod = static_cast<unsigned>(secs - days * 86400);
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  out.append(kDays[((days % 7) + 7) % 7]);
  out.append(", ");
  append_2(out, d);
  out.push_back(' ');
  out.append(kMonths[m - 1]);
  out.push_back(' ');
  append_4(out, y);
  out.push_back(' ');
  append_2(out, sod / 3600);
  out.push_back(':');
  append_2(out, sod / 60 % 60);
  out.push_back(':');
  append_2(out, sod % 60);
  out.append(" GMT");
}

void append_epoch_seconds(std::string& out, double t) {
  int64_t secs;
  unsigned ms;
  split_ms(t, secs, ms);
  if (ms == 0) {
    append_int(out, secs);
  } else {
    append_double(out, static_cast<double>(secs) + ms / 1000.0);
  }
}

void append_timestamp(std::string& out, double t, TimestampFormat fmt) {
  switch (fmt) {
    case TimestampFormat::Iso8601: append_iso8601(out, t); return;
    case TimestampFormat::EpochSeconds: append_epoch_seconds(out, t); return;
    case TimestampFormat::HttpDate: append_http_date(out, t); return;
  }
}

bool parse_iso8601(std::string_view s, double& out) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return false;
  size_t i = 10;
  double frac = 0;
  int64_t offset = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return false;
    ++i;
    if (!digits(s, i, 2, h) || i + 2 >= s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, mi)) return false;
    i += 5;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, sec)) return false;
      i += 3;
    }
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      double scale = 0.1;
      size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        frac += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return false;
    }
    if (i < s.size()) {
      if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        int oh, om = 0;
        int sign = s[i] == '-' ? -1 : 1;
        ++i;
        if (!digits(s, i, 2, oh)) return false;
        i += 2;
        if (i < s.size() && s[i] == ':') ++i;
        if (i < s.size()) {
          if (!digits(s, i, 2, om)) return false;
          i += 2;
        }
        offset = sign * (oh * 3600 + om * 60);
      } else {
        return false;
      }
    }
    if (i != s.size()) return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return false;
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  out = static_cast<double>(days * 86400 + h * 3600 + mi * 60 + sec - offset) + frac;
  return true;
}

bool parse_http_date(std::string_view s, double& out) {
  // "Tue, 29 Apr 2014 18:30:38 GMT" (the weekday is optional and not checked).
  size_t i = 0;
  auto comma = s.find(',');
  if (comma != std::string_view::npos) i = comma + 1;
  while (i < s.size() && s[i] == ' ') ++i;
  int d, y, h, mi, sec;
  size_t dlen = (i + 1 < s.size() && s[i + 1] == ' ') ? 1 : 2;
  if (!digits(s, i, dlen, d)) return false;
  i += dlen + 1;
  if (i + 3 > s.size()) return false;
  int mo = 0;
  for (int k = 0; k < 12; ++k)
    if (s.substr(i, 3) == kMonths[k]) mo = k + 1;
  if (!mo) return false;
  i += 4;
  if (!digits(s, i, 4, y)) return false;
  i += 5;
  if (!digits(s, i, 2, h) || !digits(s, i + 3, 2, mi) || !digits(s, i + 6, 2, sec)) return false;
  i += 8;
  double frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      frac += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  std::string_view zone = s.substr(std::min(i, s.size()));
  while (!zone.empty() && zone.front() == ' ') zone.remove_prefix(1);
  if (!zone.empty() && zone != "GMT" && zone != "UTC" && zone != "Z") return false;
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  out = static_cast<double>(days * 86400 + h * 3600 + mi * 60 + sec) + frac;
  return true;
}

bool parse_timestamp(std::string_view text, double& out) {
  if (text.empty()) return false;
  if (parse_iso8601(text, out)) return true;
  if (parse_http_date(text, out)) return true;
  const char* b = text.data();
  const char* e = b + text.size();
  auto r = std::from_chars(b, e, out);
  return r.ec == std::errc() && r.ptr == e && std::isfinite(out);
}

std::string lower_camel(std::string_view name) {
  std::string s(name);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

}  // namespace orgroot::protocol
