// Patterns of the policy language, compiled once: globs with `*` and `?` (Action, Resource,
// StringLike, ArnLike) and plain strings (StringEquals, ArnEquals), both of which may hold policy
// variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`) and the escapes `${*}`, `${?}`,
// `${$}`. Matching walks the compiled pieces and the request's values in place: no allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace orgroot::policy {

class RequestContext;

// Lower-case ASCII copy, and the FNV-1a hash of the lower-cased text: condition keys and variable
// names are case-insensitive, so both sides are hashed this way.
std::string ToLowerAscii(std::string_view s);
uint64_t HashLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

class Pattern {
 public:
  struct Options {
    bool wildcards = true;   // `*` and `?` are wildcards (globs); false: they are literal characters
    bool variables = false;  // `${...}` is a policy variable (policy Version 2012-10-17 only)
    bool lower = false;      // store the literal text lower-cased (actions are matched case-insensitively)
  };

  Pattern() = default;
  static Pattern Compile(std::string_view text, Options opt);

  // Does `s` match? `ctx` resolves variables (may be null when the pattern has none). A variable
  // with no value in the context and no default sets *unresolved and the pattern does not match.
  bool Match(std::string_view s, const RequestContext* ctx, bool ignore_case, bool* unresolved = nullptr) const;

  const std::string& text() const { return source_; }
  bool match_all() const { return kind_ == Kind::Any; }
  bool has_variables() const { return !vars_.empty(); }
  bool has_wildcards() const { return has_wild_; }
  // The pattern's last literal character is an unescaped `*` (ARN segment expansion).
  bool ends_with_star() const { return ends_with_star_; }
  // Neither wildcards nor variables: the pattern is its own text.
  bool is_literal() const { return kind_ == Kind::Exact; }

 private:
  enum class Kind : uint8_t { Any, Exact, Prefix, General };
  enum class PieceKind : uint8_t { Lit, Star, Qmark, Var };
  struct Piece {
    PieceKind kind;
    uint32_t a = 0;  // Lit: offset into lit_; Var: index into vars_
    uint32_t n = 0;  // Lit: length
  };
  struct Var {
    std::string key_lower;
    uint64_t hash = 0;
    bool has_default = false;
    std::string default_value;
  };

  bool MatchGeneral(std::string_view s, const RequestContext* ctx, bool ignore_case, bool* unresolved) const;

  std::string source_;
  std::string lit_;  // literal text of the pieces (and, for Exact/Prefix, the whole literal)
  std::vector<Piece> pieces_;
  std::vector<Var> vars_;
  Kind kind_ = Kind::Exact;
  bool has_wild_ = false;
  bool ends_with_star_ = false;
};

// A Resource / NotResource / Arn* condition pattern: matched one colon-separated ARN segment at a
// time (partition, service, region, account), the sixth segment (resource) taking the rest. A
// pattern with fewer segments whose last one ends in `*` expands across the remaining colons.
class ArnPattern {
 public:
  ArnPattern() = default;
  static ArnPattern Compile(std::string_view text, Pattern::Options opt);
  bool Match(std::string_view arn, const RequestContext* ctx, bool* unresolved = nullptr) const;
  const std::string& text() const { return source_; }
  bool match_all() const { return any_; }
  // Holds a policy variable (${aws:username} ...), read from the request context when matching.
  bool has_variables() const;

 private:
  std::string source_;
  bool any_ = false;  // "*"
  // When the segments before the last hold no wildcard or variable, matching the whole ARN as one
  // pattern is the same as matching segment by segment, and much cheaper.
  bool whole_ = false;
  Pattern whole_pattern_;
  std::vector<Pattern> segs_;
};

// Splits at the first five colons that are not inside `${...}` (the sixth segment keeps its colons).
std::vector<std::string_view> SplitArnSegments(std::string_view s, bool honour_variables);

}  // namespace orgroot::policy
