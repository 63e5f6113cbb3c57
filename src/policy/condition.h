// The Condition element: operators compiled once, evaluated against a RequestContext.
//
// Semantics follow the IAM User Guide ("IAM JSON policy elements: Condition operators", "Condition
// keys with multiple values"): values listed for one key are ORed; keys and operators are ANDed by
// the caller. A key missing from the request makes a positive operator false and a negated one
// (StringNotEquals, ArnNotLike, NotIpAddress, ...) true; `...IfExists` makes a missing key true;
// `Null` tests presence. `ForAllValues:` is true when every request value matches (and when the key
// is missing or empty); `ForAnyValue:` when at least one does (false when missing or empty).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/pattern.h"

namespace orgroot::policy {

enum class CondOp : uint8_t {
  StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike,
  NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals, NumericGreaterThan,
  NumericGreaterThanEquals,
  DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan, DateGreaterThanEquals,
  Bool, BinaryEquals, IpAddress, NotIpAddress, ArnEquals, ArnNotEquals, ArnLike, ArnNotLike, Null,
};

enum class SetQualifier : uint8_t { None, ForAllValues, ForAnyValue };

struct ParsedOperator {
  CondOp op;
  bool if_exists = false;
  SetQualifier qualifier = SetQualifier::None;
};

// "ForAnyValue:StringLikeIfExists" -> {StringLike, if_exists, ForAnyValue}; nullopt if unknown.
std::optional<ParsedOperator> ParseConditionOperator(std::string_view name);

// Values a condition compares, parsed once for the operator's type.
struct IpNetwork {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};
  int prefix = 0;
};

struct ConditionValue {
  std::string raw;
  Pattern str;        // String* operators (wildcards only for *Like; variables in 2012-10-17)
  ArnPattern arn;     // Arn* operators
  bool ok = true;     // numeric / date / ip / binary value parsed
  double number = 0;
  int64_t millis = 0;  // Date*: milliseconds since the epoch
  IpNetwork net;
  std::string bytes;  // BinaryEquals: decoded base64
};

struct CompiledCondition {
  ParsedOperator op;
  std::string key;  // as written
  std::string key_lower;
  uint64_t key_hash = 0;
  std::vector<ConditionValue> values;
};

CompiledCondition CompileCondition(const ParsedOperator& op, std::string_view key, const std::vector<std::string>& values,
                                   bool variables);

// *unresolved is set when a policy variable in a value had no value in the context.
bool EvaluateCondition(const CompiledCondition& c, const RequestContext& ctx, bool* unresolved);

// Parsing helpers, exposed for tests.
std::optional<int64_t> ParseDateMillis(std::string_view s);  // ISO 8601 (date, date-time, zone) or epoch seconds
std::optional<double> ParseNumber(std::string_view s);
std::optional<IpNetwork> ParseIpNetwork(std::string_view s);  // "10.0.0.0/8", "2001:db8::/32", "1.2.3.4"
std::optional<std::string> DecodeBase64(std::string_view s);

}  // namespace orgroot::policy
