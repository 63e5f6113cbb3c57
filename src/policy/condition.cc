#include "policy/condition.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "policy/request_context.h"

namespace orgroot::policy {

namespace {

struct OpName {
  std::string_view name;
  CondOp op;
};

constexpr OpName kOps[] = {
    {"StringEquals", CondOp::StringEquals},
    {"StringNotEquals", CondOp::StringNotEquals},
    {"StringEqualsIgnoreCase", CondOp::StringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", CondOp::StringNotEqualsIgnoreCase},
    {"StringLike", CondOp::StringLike},
    {"StringNotLike", CondOp::StringNotLike},
    {"NumericEquals", CondOp::NumericEquals},
    {"NumericNotEquals", CondOp::NumericNotEquals},
    {"NumericLessThan", CondOp::NumericLessThan},
    {"NumericLessThanEquals", CondOp::NumericLessThanEquals},
    {"NumericGreaterThan", CondOp::NumericGreaterThan},
    {"NumericGreaterThanEquals", CondOp::NumericGreaterThanEquals},
    {"DateEquals", CondOp::DateEquals},
    {"DateNotEquals", CondOp::DateNotEquals},
    {"DateLessThan", CondOp::DateLessThan},
    {"DateLessThanEquals", CondOp::DateLessThanEquals},
    {"DateGreaterThan", CondOp::DateGreaterThan},
    {"DateGreaterThanEquals", CondOp::DateGreaterThanEquals},
    {"Bool", CondOp::Bool},
    {"BinaryEquals", CondOp::BinaryEquals},
    {"IpAddress", CondOp::IpAddress},
    {"NotIpAddress", CondOp::NotIpAddress},
    {"ArnEquals", CondOp::ArnEquals},
    {"ArnNotEquals", CondOp::ArnNotEquals},
    {"ArnLike", CondOp::ArnLike},
    {"ArnNotLike", CondOp::ArnNotLike},
    {"Null", CondOp::Null},
};

bool IsNegated(CondOp op) {
  switch (op) {
    case CondOp::StringNotEquals:
    case CondOp::StringNotEqualsIgnoreCase:
    case CondOp::StringNotLike:
    case CondOp::NumericNotEquals:
    case CondOp::DateNotEquals:
    case CondOp::NotIpAddress:
    case CondOp::ArnNotEquals:
    case CondOp::ArnNotLike:
      return true;
    default:
      return false;
  }
}

enum class Family { String, Numeric, Date, Bool, Binary, Ip, Arn, Null };

Family FamilyOf(CondOp op) {
  switch (op) {
    case CondOp::StringEquals:
    case CondOp::StringNotEquals:
    case CondOp::StringEqualsIgnoreCase:
    case CondOp::StringNotEqualsIgnoreCase:
    case CondOp::StringLike:
    case CondOp::StringNotLike:
      return Family::String;
    case CondOp::NumericEquals:
    case CondOp::NumericNotEquals:
    case CondOp::NumericLessThan:
    case CondOp::NumericLessThanEquals:
    case CondOp::NumericGreaterThan:
    case CondOp::NumericGreaterThanEquals:
      return Family::Numeric;
    case CondOp::DateEquals:
    case CondOp::DateNotEquals:
    case CondOp::DateLessThan:
    case CondOp::DateLessThanEquals:
    case CondOp::DateGreaterThan:
    case CondOp::DateGreaterThanEquals:
      return Family::Date;
    case CondOp::Bool: return Family::Bool;
    case CondOp::BinaryEquals: return Family::Binary;
    case CondOp::IpAddress:
    case CondOp::NotIpAddress:
      return Family::Ip;
    case CondOp::ArnEquals:
    case CondOp::ArnNotEquals:
    case CondOp::ArnLike:
    case CondOp::ArnNotLike:
      return Family::Arn;
    case CondOp::Null: return Family::Null;
  }
  return Family::String;
}

// -1, 0, 1 comparison for the ordered families; the operator decides what it wants.
template <typename T>
bool Compare(CondOp op, T request, T policy) {
  switch (op) {
    case CondOp::NumericEquals:
    case CondOp::NumericNotEquals:
    case CondOp::DateEquals:
    case CondOp::DateNotEquals:
      return request == policy;
    case CondOp::NumericLessThan:
    case CondOp::DateLessThan:
      return request < policy;
    case CondOp::NumericLessThanEquals:
    case CondOp::DateLessThanEquals:
      return request <= policy;
    case CondOp::NumericGreaterThan:
    case CondOp::DateGreaterThan:
      return request > policy;
    case CondOp::NumericGreaterThanEquals:
    case CondOp::DateGreaterThanEquals:
      return request >= policy;
    default:
      return false;
  }
}

bool InNetwork(const IpNetwork& addr, const IpNetwork& net) {
  if (addr.v6 != net.v6) return false;
  int bits = net.prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((addr.addr[i] & mask) != (net.addr[i] & mask)) return false;
  }
  return true;
}

// Positive match of one request value against one policy value (negation is applied by the caller).
bool MatchOne(const CompiledCondition& c, std::string_view request, const ConditionValue& v, const RequestContext& ctx,
              bool* unresolved) {
  const CondOp op = c.op.op;
  switch (FamilyOf(op)) {
    case Family::String:
      return v.str.Match(request, &ctx, op == CondOp::StringEqualsIgnoreCase || op == CondOp::StringNotEqualsIgnoreCase,
                         unresolved);
    case Family::Arn:
      return v.arn.Match(request, &ctx, unresolved);
    case Family::Numeric: {
      if (!v.ok) return false;
      auto n = ParseNumber(request);
      return n && Compare(op, *n, v.number);
    }
    case Family::Date: {
      if (!v.ok) return false;
      auto t = ParseDateMillis(request);
      return t && Compare(op, *t, v.millis);
    }
    case Family::Bool:
      return EqualsIgnoreCase(request, v.raw);
    case Family::Binary: {
      auto b = DecodeBase64(request);
      return v.ok && b && *b == v.bytes;
    }
    case Family::Ip: {
      if (!v.ok) return false;
      auto a = ParseIpNetwork(request);
      return a && InNetwork(*a, v.net);
    }
    case Family::Null:
      return false;
  }
  return false;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool ReadInt(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<ParsedOperator> ParseConditionOperator(std::string_view name) {
  ParsedOperator p{};
  if (name.size() > 13 && EqualsIgnoreCase(name.substr(0, 13), "ForAllValues:")) {
    p.qualifier = SetQualifier::ForAllValues;
    name.remove_prefix(13);
  } else if (name.size() > 12 && EqualsIgnoreCase(name.substr(0, 12), "ForAnyValue:")) {
    p.qualifier = SetQualifier::ForAnyValue;
    name.remove_prefix(12);
  }
  if (name.size() > 8 && EqualsIgnoreCase(name.substr(name.size() - 8), "IfExists")) {
    p.if_exists = true;
    name.remove_suffix(8);
  }
  for (const auto& o : kOps) {
    if (EqualsIgnoreCase(o.name, name)) {
      p.op = o.op;
      if (p.op == CondOp::Null && (p.if_exists || p.qualifier != SetQualifier::None)) return std::nullopt;
      return p;
    }
  }
  return std::nullopt;
}

std::optional<double> ParseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<int64_t> ParseDateMillis(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (AllDigits(s) || (s.size() > 1 && s.front() == '-' && AllDigits(s.substr(1)))) {  // epoch seconds
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc()) return std::nullopt;
    return v * 1000;
  }
  int y, mo, d;
  if (!ReadInt(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !ReadInt(s, 5, 2, mo) || s[7] != '-' ||
      !ReadInt(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  int64_t ms = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400000LL;
  if (s.size() == 10) return ms;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hh, mm, ss = 0;
  if (!ReadInt(s, 11, 2, hh) || s.size() < 16 || s[13] != ':' || !ReadInt(s, 14, 2, mm)) return std::nullopt;
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!ReadInt(s, pos + 1, 2, ss)) return std::nullopt;
    pos += 3;
  }
  if (hh > 24 || mm > 59 || ss > 60) return std::nullopt;
  ms += (hh * 3600LL + mm * 60LL + ss) * 1000LL;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    int64_t frac = 0, scale = 100;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    ms += frac;
  }
  if (pos == s.size()) return ms;  // no zone: UTC
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return ms;
  if (s[pos] == '+' || s[pos] == '-') {
    const int sign = s[pos] == '+' ? 1 : -1;
    int oh, om = 0;
    if (!ReadInt(s, pos + 1, 2, oh)) return std::nullopt;
    size_t p2 = pos + 3;
    if (p2 < s.size() && s[p2] == ':') ++p2;
    if (p2 < s.size()) {
      if (!ReadInt(s, p2, 2, om) || p2 + 2 != s.size()) return std::nullopt;
    }
    return ms - sign * (oh * 3600LL + om * 60LL) * 1000LL;
  }
  return std::nullopt;
}

std::optional<IpNetwork> ParseIpNetwork(std::string_view s) {
  IpNetwork n;
  std::string_view addr = s;
  int prefix = -1;
  const size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    addr = s.substr(0, slash);
    std::string_view p = s.substr(slash + 1);
    if (!AllDigits(p) || p.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : p) prefix = prefix * 10 + (c - '0');
  }
  if (addr.empty() || addr.size() >= 64) return std::nullopt;
  char buf[64];
  std::memcpy(buf, addr.data(), addr.size());
  buf[addr.size()] = '\0';
  if (addr.find(':') != std::string_view::npos) {
    n.v6 = true;
    if (inet_pton(AF_INET6, buf, n.addr.data()) != 1) return std::nullopt;
    if (prefix > 128) return std::nullopt;
    n.prefix = prefix < 0 ? 128 : prefix;
  } else {
    if (inet_pton(AF_INET, buf, n.addr.data()) != 1) return std::nullopt;
    if (prefix > 32) return std::nullopt;
    n.prefix = prefix < 0 ? 32 : prefix;
  }
  return n;
}

std::optional<std::string> DecodeBase64(std::string_view s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  std::string out;
  out.reserve(s.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const int v = val(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

CompiledCondition CompileCondition(const ParsedOperator& op, std::string_view key, const std::vector<std::string>& values,
                                   bool variables) {
  CompiledCondition c;
  c.op = op;
  c.key = key;
  c.key_lower = ToLowerAscii(key);
  c.key_hash = HashLower(key);
  const Family fam = FamilyOf(op.op);
  const bool like = op.op == CondOp::StringLike || op.op == CondOp::StringNotLike;
  for (const std::string& raw : values) {
    ConditionValue v;
    v.raw = raw;
    switch (fam) {
      case Family::String:
        v.str = Pattern::Compile(raw, {.wildcards = like, .variables = variables, .lower = false});
        break;
      case Family::Arn:
        v.arn = ArnPattern::Compile(raw, {.wildcards = true, .variables = variables, .lower = false});
        break;
      case Family::Numeric: {
        auto n = ParseNumber(raw);
        v.ok = n.has_value();
        v.number = n.value_or(0);
        break;
      }
      case Family::Date: {
        auto t = ParseDateMillis(raw);
        v.ok = t.has_value();
        v.millis = t.value_or(0);
        break;
      }
      case Family::Ip: {
        auto n = ParseIpNetwork(raw);
        v.ok = n.has_value();
        if (n) v.net = *n;
        break;
      }
      case Family::Binary: {
        auto b = DecodeBase64(raw);
        v.ok = b.has_value();
        if (b) v.bytes = std::move(*b);
        break;
      }
      case Family::Bool:
      case Family::Null:
        break;
    }
    c.values.push_back(std::move(v));
  }
  return c;
}

bool EvaluateCondition(const CompiledCondition& c, const RequestContext& ctx, bool* unresolved) {
  const ContextEntry* e = ctx.Find(c.key_hash, c.key_lower);
  const bool present = e != nullptr && !e->values.empty();
  if (c.op.op == CondOp::Null) {
    for (const auto& v : c.values) {
      const bool want_absent = EqualsIgnoreCase(v.raw, "true");
      if (want_absent ? !present : present) return true;
    }
    return false;
  }
  const bool negated = IsNegated(c.op.op);
  // Does request value `rv` match any policy value (before negation)?
  auto matches_any = [&](std::string_view rv) {
    for (const auto& v : c.values) {
      if (MatchOne(c, rv, v, ctx, unresolved)) return true;
    }
    return false;
  };
  switch (c.op.qualifier) {
    case SetQualifier::None: {
      if (!present) return c.op.if_exists ? true : negated;
      bool pos = false;
      for (const auto& rv : e->values) {
        if (matches_any(rv)) {
          pos = true;
          break;
        }
      }
      return negated ? !pos : pos;
    }
    case SetQualifier::ForAllValues: {
      if (!present) return true;
      for (const auto& rv : e->values) {
        const bool m = matches_any(rv);
        if (negated ? m : !m) return false;
      }
      return true;
    }
    case SetQualifier::ForAnyValue: {
      if (!present) return c.op.if_exists;
      for (const auto& rv : e->values) {
        const bool m = matches_any(rv);
        if (negated ? !m : m) return true;
      }
      return false;
    }
  }
  return false;
}

}  // namespace orgroot::policy
