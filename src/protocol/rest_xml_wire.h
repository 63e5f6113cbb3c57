// Small wire-format helpers of the rest-xml codec: percent-decoding, query strings, timestamps,
// base64, numbers and XML escaping. Internal to the codec (and its tests).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orgroot::protocol::rest_xml_detail {

// %XX decoding; '+' becomes a space only when `plus_is_space` (query strings). Malformed escapes
// are kept as written.
std::string percent_decode(std::string_view s, bool plus_is_space);

struct QueryParam {
  std::string key;    // decoded
  std::string value;  // decoded ("" when there is no '=')
  bool has_value = false;
};
// Splits a raw query string ("a=1&b&c=%20") into decoded parameters, in order.
std::vector<QueryParam> parse_query(std::string_view raw);

// Timestamps, as seconds since the epoch (UTC). Parsing accepts every format AWS uses whatever the
// model says: ISO 8601 (fractions, 'Z' or +hh:mm offsets), RFC 822 / HTTP-date, epoch seconds.
std::optional<double> parse_timestamp(std::string_view s);
// format: "iso8601" (with milliseconds, as S3 writes them), "rfc822", "unixTimestamp".
std::string format_timestamp(double epoch_seconds, std::string_view format);

std::string base64_encode(std::string_view raw);
std::optional<std::string> base64_decode(std::string_view text);  // whitespace ignored

// Shortest round-trip text; NaN, Infinity, -Infinity as AWS writes them.
std::string format_double(double d);
std::optional<double> parse_double(std::string_view s);  // also NaN / Infinity / -Infinity
std::optional<int64_t> parse_int64(std::string_view s);

// Appends `s` escaped for XML character data / a double-quoted attribute value.
void append_xml_text(std::string& out, std::string_view s);
void append_xml_attr(std::string& out, std::string_view s);

std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);

}  // namespace orgroot::protocol::rest_xml_detail
