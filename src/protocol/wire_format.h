// Small text formats shared by the protocol codecs (query, json, rest-xml): base64, percent
// decoding, XML / JSON escaping, number and timestamp rendering and parsing. All appenders write
// into a caller-owned std::string so responses are built without intermediate copies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

namespace orgroot::protocol {

// ---- base64 (RFC 4648, with padding) ----
void append_base64(std::string& out, std::string_view bytes);
std::string base64_encode(std::string_view bytes);
// Accepts padded or unpadded input; ignores nothing else. False on invalid characters.
bool base64_decode(std::string_view text, std::string& out);

// ---- application/x-www-form-urlencoded ----
// Percent-decodes `in` ('+' is a space when plus_is_space). False on a malformed escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space = true);
// Same, appending to `out` (which keeps what it had, also on failure up to the bad escape).
bool percent_decode_append(std::string_view in, std::string& out, bool plus_is_space = true);

// ---- escaping ----
// Escapes & < > " and the characters XML 1.0 would otherwise normalise (\r, \t in attributes...).
void append_xml_escaped(std::string& out, std::string_view text);
// A JSON string literal including the quotes.
void append_json_string(std::string& out, std::string_view text);

// ---- numbers ----
void append_int(std::string& out, int64_t v);
// Shortest round-trip decimal ("5.5", "1234.5", "1e+21"); NaN, Infinity and -Infinity as words.
void append_double(std::string& out, double v);
// Reads any JSON number (int64, uint64, double) as a double / int64. False if not a number.
bool json_number(const boost::json::value& v, double& out);
bool json_int(const boost::json::value& v, int64_t& out);

// ---- timestamps (seconds since the epoch, UTC) ----
// Formats named as in the models' timestampFormat: "iso8601", "unixTimestamp", "rfc822".
enum class TimestampFormat { Iso8601, EpochSeconds, HttpDate };
// `trait` is the member's or shape's timestampFormat ("" = the protocol default `dflt`).
TimestampFormat timestamp_format(std::string_view trait, TimestampFormat dflt);
// 2014-04-29T18:30:38Z, or 2000-01-02T20:34:56.123Z when there are milliseconds.
void append_iso8601(std::string& out, double epoch_seconds);
// Tue, 29 Apr 2014 18:30:38 GMT
void append_http_date(std::string& out, double epoch_seconds);
// 1398796238 or 1398796238.123
void append_epoch_seconds(std::string& out, double epoch_seconds);
void append_timestamp(std::string& out, double epoch_seconds, TimestampFormat fmt);

// Parses ISO 8601 (with fraction and Z / +hh:mm offsets), RFC 822/1123 dates and plain epoch
// numbers. False if the text is none of these.
bool parse_timestamp(std::string_view text, double& epoch_seconds);
bool parse_iso8601(std::string_view text, double& epoch_seconds);
bool parse_http_date(std::string_view text, double& epoch_seconds);

// "RoleSessionName" -> "roleSessionName" (the member names AWS uses in validation messages).
std::string lower_camel(std::string_view member_name);

}  // namespace orgroot::protocol
