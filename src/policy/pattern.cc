#include "policy/pattern.h"

#include <array>

#include "policy/request_context.h"

namespace orgroot::policy {

namespace {

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool CharEq(char a, char b, bool icase) { return icase ? Lower(a) == Lower(b) : a == b; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix, bool icase) {
  if (s.size() < prefix.size()) return false;
  if (prefix.empty()) return true;
  if (!icase) return s[0] == prefix[0] && std::char_traits<char>::compare(s.data(), prefix.data(), prefix.size()) == 0;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != Lower(prefix[i])) return false;
  }
  return true;
}

// One resolved piece of a pattern: literal text, `*` or `?`.
struct Seg {
  uint8_t kind;  // 0 text, 1 star, 2 question mark
  std::string_view t;
};

// Does the star-free run segs[b, e) match s at pos? (`?` takes one character.)
bool RunAt(const Seg* segs, size_t b, size_t e, std::string_view s, size_t pos, bool icase) {
  for (size_t k = b; k < e; ++k) {
    const Seg& g = segs[k];
    if (g.kind == 2) {
      if (pos >= s.size()) return false;
      ++pos;
      continue;
    }
    const std::string_view t = g.t;
    if (t.size() > s.size() - pos) return false;
    if (icase) {
      for (size_t i = 0; i < t.size(); ++i) {
        if (Lower(t[i]) != Lower(s[pos + i])) return false;
      }
    } else if (!t.empty() && (t[0] != s[pos] || std::char_traits<char>::compare(t.data(), s.data() + pos, t.size()) != 0)) {
      return false;
    }
    pos += t.size();
  }
  return true;
}

size_t RunLength(const Seg* segs, size_t b, size_t e) {
  size_t n = 0;
  for (size_t k = b; k < e; ++k) n += segs[k].kind == 2 ? 1 : segs[k].t.size();
  return n;
}

// Glob over resolved pieces: the text before the first `*` must be a prefix, the text after the
// last `*` a suffix, and each run between stars is taken at its leftmost place (which is optimal
// for globs made of `*` and `?` only).
bool GlobMatch(const Seg* segs, size_t n, std::string_view s, bool icase) {
  size_t first_star = 0;
  while (first_star < n && segs[first_star].kind != 1) ++first_star;
  const size_t head_len = RunLength(segs, 0, first_star);
  if (first_star == n) return head_len == s.size() && RunAt(segs, 0, n, s, 0, icase);
  if (head_len > s.size() || !RunAt(segs, 0, first_star, s, 0, icase)) return false;
  size_t pos = head_len;
  size_t k = first_star;
  while (true) {
    while (k < n && segs[k].kind == 1) ++k;  // consecutive stars
    size_t e = k;
    while (e < n && segs[e].kind != 1) ++e;
    const size_t len = RunLength(segs, k, e);
    if (e == n) {  // the tail: must end the string
      if (len > s.size() - pos) return false;
      return RunAt(segs, k, e, s, s.size() - len, icase);
    }
    size_t p = pos;
    while (true) {
      if (len > s.size() - p) return false;
      if (RunAt(segs, k, e, s, p, icase)) break;
      ++p;
    }
    pos = p + len;
    k = e;
  }
}

}  // namespace

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

uint64_t HashLower(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(Lower(c));
    h *= 1099511628211ull;
  }
  return h;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

Pattern Pattern::Compile(std::string_view text, Options opt) {
  Pattern p;
  p.source_ = text;
  auto add_lit = [&](char c) {
    if (!p.pieces_.empty() && p.pieces_.back().kind == PieceKind::Lit &&
        p.pieces_.back().a + p.pieces_.back().n == p.lit_.size()) {
      p.pieces_.back().n++;
    } else {
      p.pieces_.push_back({PieceKind::Lit, static_cast<uint32_t>(p.lit_.size()), 1});
    }
    p.lit_.push_back(opt.lower ? Lower(c) : c);
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (opt.variables && c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      const size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        std::string_view inner = Trim(text.substr(i + 2, close - i - 2));
        if (inner == "*" || inner == "?" || inner == "$") {  // escapes: a literal character
          add_lit(inner[0]);
          i = close + 1;
          continue;
        }
        Var v;
        std::string_view key = inner;
        const size_t comma = inner.find(',');
        if (comma != std::string_view::npos) {
          key = Trim(inner.substr(0, comma));
          std::string_view def = Trim(inner.substr(comma + 1));
          if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'') def = def.substr(1, def.size() - 2);
          v.has_default = true;
          v.default_value = def;
        }
        if (!key.empty()) {
          v.key_lower = ToLowerAscii(key);
          v.hash = HashLower(key);
          p.pieces_.push_back({PieceKind::Var, static_cast<uint32_t>(p.vars_.size()), 0});
          p.vars_.push_back(std::move(v));
          i = close + 1;
          continue;
        }
      }
    }
    if (opt.wildcards && c == '*') {
      p.pieces_.push_back({PieceKind::Star, 0, 0});
      p.has_wild_ = true;
    } else if (opt.wildcards && c == '?') {
      p.pieces_.push_back({PieceKind::Qmark, 0, 0});
      p.has_wild_ = true;
    } else {
      add_lit(c);
    }
    ++i;
  }
  p.ends_with_star_ = !p.pieces_.empty() && p.pieces_.back().kind == PieceKind::Star;
  if (!p.vars_.empty()) {
    p.kind_ = Kind::General;
  } else if (p.pieces_.size() == 1 && p.pieces_[0].kind == PieceKind::Star) {
    p.kind_ = Kind::Any;
  } else if (!p.has_wild_) {
    p.kind_ = Kind::Exact;
  } else if (p.pieces_.size() == 2 && p.pieces_[0].kind == PieceKind::Lit && p.pieces_[1].kind == PieceKind::Star) {
    p.kind_ = Kind::Prefix;
  } else {
    p.kind_ = Kind::General;
  }
  return p;
}

bool Pattern::Match(std::string_view s, const RequestContext* ctx, bool ignore_case, bool* unresolved) const {
  switch (kind_) {
    case Kind::Any: return true;
    case Kind::Exact:
      if (ignore_case) return EqualsIgnoreCase(s, lit_);
      return s.size() == lit_.size() && (s.empty() || (s[0] == lit_[0] && s == std::string_view(lit_)));
    case Kind::Prefix: return StartsWith(s, lit_, ignore_case);
    case Kind::General: break;
  }
  return MatchGeneral(s, ctx, ignore_case, unresolved);
}

bool Pattern::MatchGeneral(std::string_view s, const RequestContext* ctx, bool ignore_case, bool* unresolved) const {
  // Fail fast on a leading literal before resolving any variable.
  if (!pieces_.empty() && pieces_[0].kind == PieceKind::Lit &&
      !StartsWith(s, std::string_view(lit_).substr(pieces_[0].a, pieces_[0].n), ignore_case)) {
    return false;
  }
  constexpr size_t kInline = 12;
  std::array<Seg, kInline> inline_segs;
  std::vector<Seg> heap_segs;
  Seg* segs = inline_segs.data();
  if (pieces_.size() > kInline) {
    heap_segs.resize(pieces_.size());
    segs = heap_segs.data();
  }
  const std::string_view lit(lit_);
  for (size_t k = 0; k < pieces_.size(); ++k) {
    const Piece& pc = pieces_[k];
    switch (pc.kind) {
      case PieceKind::Lit: segs[k] = {0, lit.substr(pc.a, pc.n)}; break;
      case PieceKind::Star: segs[k] = {1, {}}; break;
      case PieceKind::Qmark: segs[k] = {2, {}}; break;
      case PieceKind::Var: {
        const Var& v = vars_[pc.a];
        const ContextEntry* e = ctx ? ctx->Find(v.hash, v.key_lower) : nullptr;
        if (e && e->values.size() == 1) {
          segs[k] = {0, e->values.front()};
        } else if (v.has_default && (!e || e->values.empty())) {
          segs[k] = {0, v.default_value};
        } else {
          if (unresolved) *unresolved = true;
          return false;
        }
        break;
      }
    }
  }
  return GlobMatch(segs, pieces_.size(), s, ignore_case);
}

bool ArnPattern::has_variables() const {
  if (whole_pattern_.has_variables()) return true;
  for (const auto& s : segs_)
    if (s.has_variables()) return true;
  return false;
}

std::vector<std::string_view> SplitArnSegments(std::string_view s, bool honour_variables) {
  std::vector<std::string_view> out;
  size_t start = 0, i = 0;
  while (i < s.size() && out.size() < 5) {
    if (honour_variables && s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      const size_t close = s.find('}', i + 2);
      if (close != std::string_view::npos) {
        i = close + 1;
        continue;
      }
    }
    if (s[i] == ':') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
    ++i;
  }
  out.push_back(s.substr(start));
  return out;
}

ArnPattern ArnPattern::Compile(std::string_view text, Pattern::Options opt) {
  ArnPattern p;
  p.source_ = text;
  if (text == "*" && opt.wildcards) {
    p.any_ = true;
    return p;
  }
  for (std::string_view seg : SplitArnSegments(text, opt.variables)) p.segs_.push_back(Pattern::Compile(seg, opt));
  bool literal_head = true;
  for (size_t i = 0; i + 1 < p.segs_.size(); ++i) literal_head = literal_head && p.segs_[i].is_literal();
  if (literal_head && p.segs_.size() == 6) {
    p.whole_ = true;
    p.whole_pattern_ = Pattern::Compile(text, opt);
  }
  return p;
}

bool ArnPattern::Match(std::string_view arn, const RequestContext* ctx, bool* unresolved) const {
  if (any_) return true;
  if (whole_) return whole_pattern_.Match(arn, ctx, false, unresolved);
  // Split the request's ARN in place.
  std::array<std::string_view, 6> r;
  std::array<size_t, 6> at{};
  size_t m = 0, start = 0;
  for (size_t i = 0; i < arn.size() && m < 5; ++i) {
    if (arn[i] == ':') {
      at[m] = start;
      r[m++] = arn.substr(start, i - start);
      start = i + 1;
    }
  }
  at[m] = start;
  r[m++] = arn.substr(start);
  const size_t k = segs_.size();
  if (k == 0 || m < k) return false;
  if (k == 6 && m != 6) return false;
  for (size_t i = 0; i + 1 < k; ++i) {
    if (!segs_[i].Match(r[i], ctx, false, unresolved)) return false;
  }
  return segs_[k - 1].Match(arn.substr(at[k - 1]), ctx, false, unresolved);
}

}  // namespace orgroot::policy
