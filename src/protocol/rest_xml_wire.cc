#include "protocol/rest_xml_wire.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace orgroot::protocol::rest_xml_detail {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

// Reads one or more digits at `pos`.
bool read_number(std::string_view s, size_t& pos, int& out) {
  size_t start = pos;
  int v = 0;
  while (pos < s.size() && is_digit(s[pos]) && pos - start < 9) v = v * 10 + (s[pos++] - '0');
  out = v;
  return pos > start;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

std::optional<double> civil_to_epoch(int y, int mo, int d, int h, int mi, int sec, double frac, int offset_seconds) {
  using namespace std::chrono;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  auto days = sys_days{ymd}.time_since_epoch().count();
  double t = static_cast<double>(days) * 86400.0 + h * 3600.0 + mi * 60.0 + sec - offset_seconds;
  return t + frac;
}

// "+hh:mm", "+hhmm", "+hh", "Z", "GMT", "UTC"; returns the offset east of UTC in seconds.
bool read_zone(std::string_view s, size_t& pos, int& offset) {
  offset = 0;
  std::string_view rest = s.substr(pos);
  if (rest == "Z" || rest == "z" || rest == "GMT" || rest == "UTC" || rest == "UT") {
    pos = s.size();
    return true;
  }
  if (rest.empty()) return false;
  int sign = rest[0] == '+' ? 1 : rest[0] == '-' ? -1 : 0;
  if (sign == 0) return false;
  ++pos;
  int hh = 0, mm = 0;
  if (!read_digits(s, pos, 2, hh)) return false;
  if (pos < s.size()) {
    expect(s, pos, ':');
    if (!read_digits(s, pos, 2, mm)) return false;
  }
  offset = sign * (hh * 3600 + mm * 60);
  return pos == s.size();
}

std::optional<double> parse_iso8601(std::string_view s) {
  size_t pos = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) || !expect(s, pos, '-') ||
      !read_digits(s, pos, 2, d))
    return std::nullopt;
  double frac = 0;
  int offset = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mi)) return std::nullopt;
    if (expect(s, pos, ':') && !read_digits(s, pos, 2, sec)) return std::nullopt;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      double scale = 0.1;
      size_t start = pos;
      while (pos < s.size() && is_digit(s[pos])) {
        frac += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    if (pos < s.size() && !read_zone(s, pos, offset)) return std::nullopt;
  }
  return civil_to_epoch(y, mo, d, h, mi, sec, frac, offset);
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// "Mon, 16 Dec 2019 23:48:18 GMT" (weekday optional, any of the zones read_zone knows).
std::optional<double> parse_rfc822(std::string_view s) {
  size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < s.size() && s[pos] == ' ') ++pos;
  };
  if (pos < s.size() && is_alpha(s[pos])) {
    while (pos < s.size() && is_alpha(s[pos])) ++pos;
    if (!expect(s, pos, ',')) return std::nullopt;
  }
  skip_spaces();
  int d, y, h, mi, sec = 0;
  if (!read_number(s, pos, d)) return std::nullopt;
  skip_spaces();
  if (pos + 3 > s.size()) return std::nullopt;
  std::string_view mon = s.substr(pos, 3);
  int mo = 0;
  for (int i = 0; i < 12; ++i)
    if (to_lower(mon) == to_lower(kMonths[i])) mo = i + 1;
  if (mo == 0) return std::nullopt;
  pos += 3;
  skip_spaces();
  if (!read_digits(s, pos, 4, y)) return std::nullopt;
  skip_spaces();
  if (!read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mi)) return std::nullopt;
  if (expect(s, pos, ':') && !read_digits(s, pos, 2, sec)) return std::nullopt;
  double frac = 0;
  if (expect(s, pos, '.')) {
    double scale = 0.1;
    while (pos < s.size() && is_digit(s[pos])) {
      frac += (s[pos++] - '0') * scale;
      scale /= 10;
    }
  }
  skip_spaces();
  int offset = 0;
  if (pos < s.size() && !read_zone(s, pos, offset)) return std::nullopt;
  return civil_to_epoch(y, mo, d, h, mi, sec, frac, offset);
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::vector<QueryParam> parse_query(std::string_view raw) {
  std::vector<QueryParam> out;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (part.empty()) continue;
    QueryParam p;
    size_t eq = part.find('=');
    p.key = percent_decode(part.substr(0, eq), true);
    if (eq != std::string_view::npos) {
      p.has_value = true;
      p.value = percent_decode(part.substr(eq + 1), true);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<double> parse_timestamp(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  if (s.size() >= 10 && s[4] == '-' && is_digit(s[0])) return parse_iso8601(s);
  if (is_alpha(s[0]) || s.find(' ') != std::string_view::npos) return parse_rfc822(s);
  auto d = parse_double(s);
  if (d && std::isfinite(*d)) return d;
  return std::nullopt;
}

std::string format_timestamp(double t, std::string_view format) {
  if (format == "unixTimestamp") {
    if (t == std::floor(t) && std::fabs(t) < 9e15) return std::to_string(static_cast<int64_t>(t));
    return format_double(t);
  }
  double whole = std::floor(t);
  int ms = static_cast<int>(std::lround((t - whole) * 1000.0));
  if (ms >= 1000) {
    whole += 1;
    ms -= 1000;
  }
  auto secs = static_cast<int64_t>(whole);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  // Civil date from days since 1970-01-01 (proleptic Gregorian, 400-year eras).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  int h = static_cast<int>(rem / 3600), mi = static_cast<int>(rem / 60 % 60), sec = static_cast<int>(rem % 60);
  auto put = [](char* p, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
  };
  if (y < 0 || y > 9999) y = std::clamp<int64_t>(y, 0, 9999);
  if (format == "rfc822") {
    int wd = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
    std::string out = "Www, DD Mmm YYYY HH:MM:SS GMT";
    std::memcpy(out.data(), kWeekdays[wd], 3);
    put(out.data() + 5, d, 2);
    std::memcpy(out.data() + 8, kMonths[m - 1], 3);
    put(out.data() + 12, y, 4);
    put(out.data() + 17, h, 2);
    put(out.data() + 20, mi, 2);
    put(out.data() + 23, sec, 2);
    return out;
  }
  std::string out = "YYYY-MM-DDTHH:MM:SS.mmmZ";
  put(out.data(), y, 4);
  put(out.data() + 5, m, 2);
  put(out.data() + 8, d, 2);
  put(out.data() + 11, h, 2);
  put(out.data() + 14, mi, 2);
  put(out.data() + 17, sec, 2);
  put(out.data() + 20, ms, 3);
  return out;
}

std::string base64_encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string in;
  in.reserve(text.size());
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') in.push_back(c);
  if (in.empty()) return std::string();
  while (in.size() % 4 != 0) in.push_back('=');
  size_t pad = 0;
  for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i) ++pad;
  if (pad > 2) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0 || static_cast<size_t>(n) < pad) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || !(is_digit(s[0]) || s[0] == '-' || s[0] == '.')) return std::nullopt;
  double d = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return d;
}

std::optional<int64_t> parse_int64(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

namespace {
void append_char_ref(std::string& out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "&#x%X;", c);
  out += buf;
}
}  // namespace

void append_xml_text(std::string& out, std::string_view s) {
  size_t run = 0;  // start of the pending run of characters that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    auto c = static_cast<unsigned char>(ch);
    if (ch != '&' && ch != '<' && ch != '>' && (c >= 0x20 || ch == '\n' || ch == '\t')) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: append_char_ref(out, c);  // \r and other control characters
    }
  }
  out.append(s.data() + run, s.size() - run);
}

void append_xml_attr(std::string& out, std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (c < 0x20) append_char_ref(out, c);
        else out.push_back(ch);
    }
  }
}

}  // namespace orgroot::protocol::rest_xml_detail
