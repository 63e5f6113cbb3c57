// The `pattern` constraint of a model shape: a Java (java.util.regex) expression that the whole value
// must match (Matcher.matches()). Patterns are compiled once, when the model is loaded, by a small
// regex engine of our own that follows Java's semantics over Unicode code points:
//   - \uXXXX escapes (an escaped surrogate pair is one code point), \xhh, \x{h..}, \t \n \r \f \a \e;
//   - \w \d \s and their negations are ASCII-only, as in Java without UNICODE_CHARACTER_CLASS;
//   - \p{L} \p{Lu} \p{Ll} \p{N} \p{Nd} \p{Z} \p{Zs} \p{P} \p{S} and the POSIX \p{Alpha}... classes;
//   - classes with ranges, negation and nested union; groups, (?:..), (?=..), (?!..), (?s);
//   - alternation, greedy/lazy quantifiers (possessive ones are treated as greedy); ^ $ \A \z \Z.
// Anything else (back-references, lookbehind, (?i), intersections...) makes compile() return null and
// the constraint is then not checked. Matching is a backtracking VM with a visited set over
// (instruction, position), so it runs in time linear in the input for a given pattern.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace orgroot::protocol {

class PatternMatcher {
 public:
  // nullptr if the pattern uses a construct we cannot translate (the constraint is then not checked).
  static std::shared_ptr<const PatternMatcher> compile(std::string_view java_pattern);

  // True if the whole UTF-8 `value` matches. Malformed UTF-8 never matches.
  bool matches(std::string_view value) const;

  const std::string& source() const { return source_; }

  ~PatternMatcher();
  PatternMatcher(const PatternMatcher&) = delete;
  PatternMatcher& operator=(const PatternMatcher&) = delete;

  struct Program;  // compiled form (pattern.cc)

 private:
  PatternMatcher();
  std::string source_;
  std::unique_ptr<Program> prog_;
};

// Decodes UTF-8 into code points; false on malformed input (overlong forms, surrogates, > U+10FFFF).
bool utf8_to_code_points(std::string_view s, std::u32string& out);
// Java String.length() of a UTF-8 string, i.e. UTF-16 code units; the byte count if malformed.
size_t java_string_length(std::string_view s);

}  // namespace orgroot::protocol
