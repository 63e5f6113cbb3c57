// A small Java-compatible regex engine for model `pattern` constraints (see pattern.h).
//
// Pipeline: parse the Java pattern into a tiny AST, compile the AST into instructions for a
// backtracking VM (counted repetitions are unrolled), and match with an explicit stack plus a
// visited bit set over (pc, position) so no state is explored twice.
#include "protocol/pattern.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace orgroot::protocol {

namespace {
#include "protocol/unicode_categories.inc"

constexpr char32_t kMaxCp = 0x10FFFF;
constexpr size_t kMaxProgram = 20000;

using Ranges = std::vector<std::pair<char32_t, char32_t>>;

void normalize(Ranges& r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& x : r) {
    if (!out.empty() && x.first <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, x.second);
    } else {
      out.push_back(x);
    }
  }
  r.swap(out);
}

Ranges complement(Ranges r) {
  normalize(r);
  Ranges out;
  char32_t next = 0;
  for (const auto& x : r) {
    if (x.first > next) out.emplace_back(next, x.first - 1);
    next = x.second + 1;
  }
  if (next <= kMaxCp) out.emplace_back(next, kMaxCp);
  return out;
}

template <size_t N>
void add_table(Ranges& r, const char32_t (&table)[N][2]) {
  for (size_t i = 0; i < N; ++i) r.emplace_back(table[i][0], table[i][1]);
}

// \p{name}: Unicode general categories and Java's POSIX (US-ASCII) classes.
bool property_ranges(std::string_view name, Ranges& r) {
  if (name.size() > 2 && (name.substr(0, 2) == "Is")) name.remove_prefix(2);
  auto ascii = [&](std::initializer_list<std::pair<char32_t, char32_t>> l) {
    for (auto p : l) r.push_back(p);
    return true;
  };
  if (name == "L") { add_table(r, kCat_L); return true; }
  if (name == "Lu") { add_table(r, kCat_Lu); return true; }
  if (name == "Ll") { add_table(r, kCat_Ll); return true; }
  if (name == "N") { add_table(r, kCat_N); return true; }
  if (name == "Nd") { add_table(r, kCat_Nd); return true; }
  if (name == "Z") { add_table(r, kCat_Z); return true; }
  if (name == "Zs") { add_table(r, kCat_Zs); return true; }
  if (name == "P") { add_table(r, kCat_P); return true; }
  if (name == "S") { add_table(r, kCat_S); return true; }
  if (name == "Lower") return ascii({{'a', 'z'}});
  if (name == "Upper") return ascii({{'A', 'Z'}});
  if (name == "ASCII") return ascii({{0, 0x7F}});
  if (name == "Alpha") return ascii({{'a', 'z'}, {'A', 'Z'}});
  if (name == "Digit") return ascii({{'0', '9'}});
  if (name == "Alnum") return ascii({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}});
  if (name == "Punct") return ascii({{0x21, 0x2F}, {0x3A, 0x40}, {0x5B, 0x60}, {0x7B, 0x7E}});
  if (name == "Graph") return ascii({{0x21, 0x7E}});
  if (name == "Print") return ascii({{0x20, 0x7E}});
  if (name == "Blank") return ascii({{' ', ' '}, {'\t', '\t'}});
  if (name == "Cntrl") return ascii({{0, 0x1F}, {0x7F, 0x7F}});
  if (name == "XDigit") return ascii({{'0', '9'}, {'a', 'f'}, {'A', 'F'}});
  if (name == "Space") return ascii({{' ', ' '}, {'\t', '\r'}});
  return false;
}

bool is_line_terminator(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

// ---- AST ----
struct Node {
  enum Kind { Empty, Set, Any, Concat, Alt, Repeat, Bol, Eol, EndAbs, Look } kind = Empty;
  int set = -1;              // Set: index into the set table
  bool dotall = false;       // Any
  bool negate = false;       // Look
  bool greedy = true;        // Repeat
  int min = 0, max = -1;     // Repeat; max -1 = unbounded
  std::vector<Node> kids;
};

}  // namespace

struct PatternMatcher::Program {
  struct CharSet {
    Ranges ranges;       // sorted, merged
    uint64_t ascii[2] = {0, 0};
    bool contains(char32_t c) const {
      if (c < 128) return (ascii[c >> 6] >> (c & 63)) & 1;
      auto it = std::upper_bound(ranges.begin(), ranges.end(), c,
                                 [](char32_t v, const std::pair<char32_t, char32_t>& r) { return v < r.first; });
      if (it == ranges.begin()) return false;
      --it;
      return c <= it->second;
    }
  };
  enum Op : uint8_t { kSet, kAny, kAnyNl, kSplit, kJmp, kMatch, kBol, kEol, kEndAbs, kLook };
  struct Inst {
    Op op;
    bool negate = false;
    int x = 0, y = 0;  // kSet: set; kSplit: preferred, other; kJmp: target; kLook: sub program
  };
  std::vector<CharSet> sets;
  std::vector<std::vector<Inst>> progs;  // progs[0] is the main program; others are lookaheads
  // Fast path: the whole pattern is [^]? <set>{min,} [$]?.
  int simple_set = -1;
  int simple_min = 0;
};

namespace {

class Parser {
 public:
  Parser(std::u32string_view p, PatternMatcher::Program& prog) : p_(p), prog_(prog) {}

  bool parse(Node& out) {
    if (!parse_alt(out, false)) return false;
    return i_ == p_.size();
  }

 private:
  std::u32string_view p_;
  size_t i_ = 0;
  bool dotall_ = false;
  PatternMatcher::Program& prog_;

  bool eof() const { return i_ >= p_.size(); }
  char32_t peek() const { return p_[i_]; }

  int add_set(Ranges r, bool negate) {
    normalize(r);
    if (negate) r = complement(std::move(r));
    PatternMatcher::Program::CharSet cs;
    for (const auto& [lo, hi] : r) {
      for (char32_t c = lo; c <= hi && c < 128; ++c) cs.ascii[c >> 6] |= uint64_t{1} << (c & 63);
    }
    cs.ranges = std::move(r);
    prog_.sets.push_back(std::move(cs));
    return static_cast<int>(prog_.sets.size() - 1);
  }

  bool parse_alt(Node& out, bool in_group) {
    Node alt;
    alt.kind = Node::Alt;
    bool saved_dotall = dotall_;
    for (;;) {
      Node seq;
      seq.kind = Node::Concat;
      while (!eof() && peek() != '|' && peek() != ')') {
        Node atom;
        bool is_flag_only = false;
        if (!parse_atom(atom, is_flag_only)) return false;
        if (is_flag_only) continue;
        if (!parse_quantifier(atom)) return false;
        seq.kids.push_back(std::move(atom));
      }
      alt.kids.push_back(std::move(seq));
      if (eof() || peek() == ')') break;
      ++i_;  // '|'
    }
    if (!in_group && !eof()) return false;  // unbalanced ')'
    if (in_group) dotall_ = saved_dotall;
    out = alt.kids.size() == 1 ? std::move(alt.kids[0]) : std::move(alt);
    return true;
  }

  bool parse_int(int& v) {
    if (eof() || peek() < '0' || peek() > '9') return false;
    long x = 0;
    while (!eof() && peek() >= '0' && peek() <= '9') {
      x = x * 10 + (peek() - '0');
      if (x > 100000) return false;
      ++i_;
    }
    v = static_cast<int>(x);
    return true;
  }

  bool parse_quantifier(Node& atom) {
    if (eof()) return true;
    int mn, mx;
    char32_t c = peek();
    if (c == '*') { mn = 0; mx = -1; ++i_; }
    else if (c == '+') { mn = 1; mx = -1; ++i_; }
    else if (c == '?') { mn = 0; mx = 1; ++i_; }
    else if (c == '{') {
      ++i_;
      if (!parse_int(mn)) return false;
      mx = mn;
      if (!eof() && peek() == ',') {
        ++i_;
        if (!eof() && peek() == '}') mx = -1;
        else if (!parse_int(mx)) return false;
      }
      if (eof() || peek() != '}') return false;
      ++i_;
      if (mx != -1 && mx < mn) return false;
    } else {
      return true;
    }
    bool greedy = true;
    if (!eof() && peek() == '?') { greedy = false; ++i_; }
    else if (!eof() && peek() == '+') { ++i_; }  // possessive: approximated as greedy
    if (atom.kind == Node::Bol || atom.kind == Node::Eol || atom.kind == Node::EndAbs) return false;
    Node rep;
    rep.kind = Node::Repeat;
    rep.min = mn;
    rep.max = mx;
    rep.greedy = greedy;
    rep.kids.push_back(std::move(atom));
    atom = std::move(rep);
    return parse_quantifier_again(atom);
  }
  // Java rejects a quantifier directly following another (other than ?/+ modifiers).
  bool parse_quantifier_again(Node&) {
    if (eof()) return true;
    char32_t c = peek();
    return !(c == '*' || c == '+' || c == '?' || c == '{');
  }

  static int hexval(char32_t c) {
    if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
    return -1;
  }

  bool read_hex(size_t n, char32_t& v) {
    if (i_ + n > p_.size()) return false;
    v = 0;
    for (size_t k = 0; k < n; ++k) {
      int h = hexval(p_[i_ + k]);
      if (h < 0) return false;
      v = v * 16 + static_cast<char32_t>(h);
    }
    i_ += n;
    return true;
  }

  // After a backslash. Produces either a single code point (is_char) or a set of ranges.
  // Returns false for unsupported escapes. `kind` receives 'A', 'z', 'Z' for anchors.
  bool parse_escape(bool& is_char, char32_t& ch, Ranges& ranges, char& anchor) {
    is_char = false;
    anchor = 0;
    if (eof()) return false;
    char32_t c = p_[i_++];
    auto single = [&](char32_t v) { is_char = true; ch = v; return true; };
    switch (c) {
      case 'd': ranges = {{'0', '9'}}; return true;
      case 'D': ranges = complement({{'0', '9'}}); return true;
      case 'w': ranges = {{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'_', '_'}}; return true;
      case 'W': ranges = complement({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'_', '_'}}); return true;
      case 's': ranges = {{' ', ' '}, {'\t', '\r'}}; return true;
      case 'S': ranges = complement({{' ', ' '}, {'\t', '\r'}}); return true;
      case 'h': ranges = {{' ', ' '}, {'\t', '\t'}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x180E, 0x180E},
                          {0x2000, 0x200A}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}};
        return true;
      case 'p':
      case 'P': {
        std::string name;
        if (!eof() && peek() == '{') {
          ++i_;
          while (!eof() && peek() != '}') {
            if (peek() > 0x7F) return false;
            name.push_back(static_cast<char>(p_[i_++]));
          }
          if (eof()) return false;
          ++i_;
        } else if (!eof() && peek() < 0x80) {
          name.push_back(static_cast<char>(p_[i_++]));
        } else {
          return false;
        }
        Ranges r;
        if (!property_ranges(name, r)) return false;
        normalize(r);
        ranges = c == 'P' ? complement(std::move(r)) : std::move(r);
        return true;
      }
      case 'u': {
        char32_t v;
        if (!read_hex(4, v)) return false;
        // An escaped surrogate pair denotes one supplementary code point.
        if (v >= 0xD800 && v <= 0xDBFF && i_ + 6 <= p_.size() && p_[i_] == '\\' && p_[i_ + 1] == 'u') {
          size_t save = i_;
          i_ += 2;
          char32_t lo;
          if (read_hex(4, lo) && lo >= 0xDC00 && lo <= 0xDFFF) return single(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00));
          i_ = save;
        }
        return single(v);
      }
      case 'x': {
        char32_t v = 0;
        if (!eof() && peek() == '{') {
          ++i_;
          size_t start = i_;
          while (!eof() && peek() != '}') {
            int h = hexval(peek());
            if (h < 0 || i_ - start > 6) return false;
            v = v * 16 + static_cast<char32_t>(h);
            ++i_;
          }
          if (eof() || i_ == start || v > kMaxCp) return false;
          ++i_;
          return single(v);
        }
        if (!read_hex(2, v)) return false;
        return single(v);
      }
      case '0': {
        char32_t v = 0;
        int n = 0;
        while (!eof() && n < 3 && peek() >= '0' && peek() <= '7') {
          char32_t nv = v * 8 + (peek() - '0');
          if (nv > 0377) break;
          v = nv;
          ++i_;
          ++n;
        }
        if (n == 0) return false;
        return single(v);
      }
      case 't': return single('\t');
      case 'n': return single('\n');
      case 'r': return single('\r');
      case 'f': return single('\f');
      case 'a': return single(0x07);
      case 'e': return single(0x1B);
      case 'c':
        if (eof()) return false;
        return single(p_[i_++] ^ 64);
      case 'A': anchor = 'A'; return true;
      case 'z': anchor = 'z'; return true;
      case 'Z': anchor = 'Z'; return true;
      default:
        // Escaped non-alphanumeric ASCII is the literal; letters/digits not handled above are
        // back-references, \b, \G, \Q ... which we do not support.
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
          return single(c);
        return false;
    }
  }

  bool parse_class(Ranges& out) {
    // '[' already consumed.
    bool negate = false;
    if (!eof() && peek() == '^') { negate = true; ++i_; }
    Ranges r;
    bool first = true;
    for (;;) {
      if (eof()) return false;
      char32_t c = peek();
      if (c == ']' && !first) { ++i_; break; }
      first = false;
      if (c == '&' && i_ + 1 < p_.size() && p_[i_ + 1] == '&') return false;  // intersection
      if (c == '[') {
        ++i_;
        Ranges nested;
        if (!parse_class(nested)) return false;
        r.insert(r.end(), nested.begin(), nested.end());
        continue;
      }
      char32_t lo;
      if (!class_atom(lo, r)) return false;
      if (lo == static_cast<char32_t>(-1)) continue;  // a set escape was added
      if (i_ + 1 < p_.size() && peek() == '-' && p_[i_ + 1] != ']') {
        ++i_;
        char32_t hi;
        Ranges dummy;
        if (!class_atom(hi, dummy) || hi == static_cast<char32_t>(-1) || hi < lo) return false;
        r.emplace_back(lo, hi);
      } else {
        r.emplace_back(lo, lo);
      }
    }
    normalize(r);
    out = negate ? complement(std::move(r)) : std::move(r);
    return true;
  }

  // One class element: sets `ch` to a code point, or to -1 after appending a set escape to `r`.
  bool class_atom(char32_t& ch, Ranges& r) {
    char32_t c = p_[i_++];
    if (c != '\\') { ch = c; return true; }
    bool is_char;
    Ranges set;
    char anchor;
    if (!parse_escape(is_char, ch, set, anchor) || anchor) return false;
    if (!is_char) {
      r.insert(r.end(), set.begin(), set.end());
      ch = static_cast<char32_t>(-1);
    }
    return true;
  }

  bool parse_atom(Node& atom, bool& flag_only) {
    char32_t c = p_[i_++];
    switch (c) {
      case '.':
        atom.kind = Node::Any;
        atom.dotall = dotall_;
        return true;
      case '^': atom.kind = Node::Bol; return true;
      case '$': atom.kind = Node::Eol; return true;
      case '[': {
        Ranges r;
        if (!parse_class(r)) return false;
        atom.kind = Node::Set;
        atom.set = add_set(std::move(r), false);
        return true;
      }
      case '(': return parse_group(atom, flag_only);
      case '\\': {
        if (!eof() && peek() == 'Q') {  // \Q...\E literal text
          ++i_;
          atom.kind = Node::Concat;
          while (!eof() && !(peek() == '\\' && i_ + 1 < p_.size() && p_[i_ + 1] == 'E')) {
            Node lit;
            lit.kind = Node::Set;
            lit.set = add_set({{peek(), peek()}}, false);
            atom.kids.push_back(std::move(lit));
            ++i_;
          }
          if (!eof()) i_ += 2;
          return true;
        }
        bool is_char;
        char32_t ch;
        Ranges r;
        char anchor;
        if (!parse_escape(is_char, ch, r, anchor)) return false;
        if (anchor == 'A') { atom.kind = Node::Bol; return true; }
        if (anchor == 'z') { atom.kind = Node::EndAbs; return true; }
        if (anchor == 'Z') { atom.kind = Node::Eol; return true; }
        atom.kind = Node::Set;
        atom.set = is_char ? add_set({{ch, ch}}, false) : add_set(std::move(r), false);
        return true;
      }
      case '*': case '+': case '?': case '{': case ')': case ']':
        if (c == ']') break;  // a lone ']' is a literal in Java
        return false;
      default:
        break;
    }
    atom.kind = Node::Set;
    atom.set = add_set({{c, c}}, false);
    return true;
  }

  bool parse_group(Node& atom, bool& flag_only) {
    if (!eof() && peek() == '?') {
      ++i_;
      if (eof()) return false;
      char32_t k = p_[i_];
      if (k == ':') {
        ++i_;
      } else if (k == '=' || k == '!') {
        ++i_;
        Node inner;
        if (!parse_alt(inner, true) || eof() || peek() != ')') return false;
        ++i_;
        atom.kind = Node::Look;
        atom.negate = k == '!';
        atom.kids.push_back(std::move(inner));
        return true;
      } else if (k == '<') {
        ++i_;
        if (eof() || peek() == '=' || peek() == '!') return false;  // lookbehind
        while (!eof() && peek() != '>') ++i_;                        // named group
        if (eof()) return false;
        ++i_;
      } else {
        // Inline flags: (?s) (?-s) (?s:...). Only 's' is supported.
        bool on = true, dot = dotall_;
        while (!eof() && peek() != ')' && peek() != ':') {
          char32_t f = p_[i_++];
          if (f == '-') on = false;
          else if (f == 's') dot = on;
          else return false;
        }
        if (eof()) return false;
        if (peek() == ')') {
          ++i_;
          dotall_ = dot;
          flag_only = true;
          return true;
        }
        ++i_;  // ':'
        bool saved = dotall_;
        dotall_ = dot;
        Node inner;
        bool ok = parse_alt(inner, true) && !eof() && peek() == ')';
        dotall_ = saved;
        if (!ok) return false;
        ++i_;
        atom = std::move(inner);
        return true;
      }
    }
    Node inner;
    if (!parse_alt(inner, true) || eof() || peek() != ')') return false;
    ++i_;
    atom = std::move(inner);
    return true;
  }
};

using Prog = std::vector<PatternMatcher::Program::Inst>;
using P = PatternMatcher::Program;

bool emit(const Node& n, Prog& out, P& program) {
  if (out.size() > kMaxProgram) return false;
  switch (n.kind) {
    case Node::Empty: return true;
    case Node::Set: out.push_back({P::kSet, false, n.set, 0}); return true;
    case Node::Any: out.push_back({n.dotall ? P::kAny : P::kAnyNl, false, 0, 0}); return true;
    case Node::Bol: out.push_back({P::kBol, false, 0, 0}); return true;
    case Node::Eol: out.push_back({P::kEol, false, 0, 0}); return true;
    case Node::EndAbs: out.push_back({P::kEndAbs, false, 0, 0}); return true;
    case Node::Concat:
      for (const auto& k : n.kids)
        if (!emit(k, out, program)) return false;
      return true;
    case Node::Alt: {
      std::vector<size_t> jumps;
      for (size_t k = 0; k < n.kids.size(); ++k) {
        size_t split = out.size();
        bool last = k + 1 == n.kids.size();
        if (!last) out.push_back({P::kSplit, false, static_cast<int>(split + 1), 0});
        if (!emit(n.kids[k], out, program)) return false;
        if (!last) {
          jumps.push_back(out.size());
          out.push_back({P::kJmp, false, 0, 0});
          out[split].y = static_cast<int>(out.size());
        }
      }
      for (size_t j : jumps) out[j].x = static_cast<int>(out.size());
      return true;
    }
    case Node::Look: {
      Prog sub;
      if (!emit(n.kids[0], sub, program)) return false;
      sub.push_back({P::kMatch, false, 0, 0});
      program.progs.push_back(std::move(sub));
      out.push_back({P::kLook, n.negate, static_cast<int>(program.progs.size() - 1), 0});
      return true;
    }
    case Node::Repeat: {
      const Node& body = n.kids[0];
      for (int k = 0; k < n.min; ++k)
        if (!emit(body, out, program)) return false;
      auto split = [&](int body_at, int skip_at) -> P::Inst {
        return n.greedy ? P::Inst{P::kSplit, false, body_at, skip_at} : P::Inst{P::kSplit, false, skip_at, body_at};
      };
      if (n.max < 0) {
        size_t loop = out.size();
        out.push_back({});
        if (!emit(body, out, program)) return false;
        out.push_back({P::kJmp, false, static_cast<int>(loop), 0});
        out[loop] = split(static_cast<int>(loop + 1), static_cast<int>(out.size()));
        return true;
      }
      std::vector<size_t> splits;
      for (int k = n.min; k < n.max; ++k) {
        splits.push_back(out.size());
        out.push_back({});
        if (!emit(body, out, program)) return false;
      }
      for (size_t s : splits) out[s] = split(static_cast<int>(s + 1), static_cast<int>(out.size()));
      return true;
    }
  }
  return false;
}

// Bit-state backtracking: each (pc, pos) is explored at most once.
bool run(const P& program, size_t prog_index, const std::u32string& s, size_t start, bool full) {
  const Prog& prog = program.progs[prog_index];
  const size_t n = s.size();
  const size_t width = n + 1;
  std::vector<uint64_t> visited((prog.size() * width + 63) / 64, 0);
  std::vector<std::pair<int, size_t>> stack;
  stack.emplace_back(0, start);
  while (!stack.empty()) {
    auto [pc, pos] = stack.back();
    stack.pop_back();
    for (;;) {
      size_t bit = static_cast<size_t>(pc) * width + pos;
      if (visited[bit >> 6] & (uint64_t{1} << (bit & 63))) break;
      visited[bit >> 6] |= uint64_t{1} << (bit & 63);
      const auto& in = prog[static_cast<size_t>(pc)];
      bool advance = false;
      switch (in.op) {
        case P::kSet:
          if (pos < n && program.sets[static_cast<size_t>(in.x)].contains(s[pos])) { ++pos; advance = true; }
          break;
        case P::kAny:
          if (pos < n) { ++pos; advance = true; }
          break;
        case P::kAnyNl:
          if (pos < n && !is_line_terminator(s[pos])) { ++pos; advance = true; }
          break;
        case P::kSplit:
          stack.emplace_back(in.y, pos);
          pc = in.x;
          continue;
        case P::kJmp:
          pc = in.x;
          continue;
        case P::kMatch:
          if (!full || pos == n) return true;
          break;
        case P::kBol:
          advance = pos == 0;
          break;
        case P::kEol:
          advance = pos == n || (pos + 1 == n && is_line_terminator(s[pos])) ||
                    (pos + 2 == n && s[pos] == '\r' && s[pos + 1] == '\n');
          break;
        case P::kEndAbs:
          advance = pos == n;
          break;
        case P::kLook:
          advance = run(program, static_cast<size_t>(in.x), s, pos, false) != in.negate;
          break;
      }
      if (!advance) break;
      ++pc;
    }
  }
  return false;
}

// Recognizes [^]? <set>{min,} [$]? for a loop-free fast path.
void detect_simple(const Node& root, P& program) {
  const Node* body = &root;
  std::vector<const Node*> parts;
  if (root.kind == Node::Concat) {
    for (const auto& k : root.kids) parts.push_back(&k);
  } else {
    parts.push_back(body);
  }
  if (!parts.empty() && parts.front()->kind == Node::Bol) parts.erase(parts.begin());
  if (!parts.empty() && (parts.back()->kind == Node::EndAbs || parts.back()->kind == Node::Eol)) parts.pop_back();
  if (parts.size() != 1) return;
  const Node* r = parts[0];
  if (r->kind == Node::Repeat && r->max < 0 && r->kids[0].kind == Node::Set) {
    program.simple_set = r->kids[0].set;
    program.simple_min = r->min;
  }
}

}  // namespace

PatternMatcher::PatternMatcher() = default;
PatternMatcher::~PatternMatcher() = default;

std::shared_ptr<const PatternMatcher> PatternMatcher::compile(std::string_view java_pattern) {
  std::u32string cps;
  if (!utf8_to_code_points(java_pattern, cps)) return nullptr;
  auto program = std::make_unique<Program>();
  Node root;
  Parser parser(cps, *program);
  if (!parser.parse(root)) return nullptr;
  Prog main;
  if (!emit(root, main, *program)) return nullptr;
  main.push_back({P::kMatch, false, 0, 0});
  program->progs.insert(program->progs.begin(), std::move(main));
  // Lookahead programs were appended before main was inserted at 0: shift their indexes.
  for (size_t k = 0; k < program->progs.size(); ++k)
    for (auto& in : program->progs[k])
      if (in.op == P::kLook) ++in.x;
  detect_simple(root, *program);
  std::shared_ptr<PatternMatcher> m(new PatternMatcher());
  m->source_ = std::string(java_pattern);
  m->prog_ = std::move(program);
  return m;
}

namespace {
// Decodes the code point at s[i], advancing i; false on malformed UTF-8.
inline bool next_code_point(std::string_view s, size_t& i, char32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    cp = b;
    ++i;
    return true;
  }
  int len;
  if ((b & 0xE0) == 0xC0) { len = 2; cp = b & 0x1F; }
  else if ((b & 0xF0) == 0xE0) { len = 3; cp = b & 0x0F; }
  else if ((b & 0xF8) == 0xF0) { len = 4; cp = b & 0x07; }
  else return false;
  if (i + static_cast<size_t>(len) > s.size()) return false;
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((c & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr char32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > kMaxCp || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += static_cast<size_t>(len);
  return true;
}
}  // namespace

bool PatternMatcher::matches(std::string_view value) const {
  if (prog_->simple_set >= 0) {  // <set>{min,}: one pass, no allocation
    const auto& set = prog_->sets[static_cast<size_t>(prog_->simple_set)];
    size_t count = 0;
    char32_t c;
    for (size_t i = 0; i < value.size(); ++count) {
      if (!next_code_point(value, i, c) || !set.contains(c)) return false;
    }
    return count >= static_cast<size_t>(prog_->simple_min);
  }
  std::u32string cps;
  if (!utf8_to_code_points(value, cps)) return false;
  return run(*prog_, 0, cps, 0, true);
}

bool utf8_to_code_points(std::string_view s, std::u32string& out) {
  out.clear();
  out.reserve(s.size());
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    if (!next_code_point(s, i, cp)) return false;
    out.push_back(cp);
  }
  return true;
}

size_t java_string_length(std::string_view s) {
  size_t units = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte
    units += (b & 0xF8) == 0xF0 ? 2 : 1;
  }
  return units;
}

}  // namespace orgroot::protocol
