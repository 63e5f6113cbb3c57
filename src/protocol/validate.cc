// Shape constraints (required, length, range, pattern, enum) checked against decoded parameters,
// reported in AWS's own words.
#include <cmath>

#include <boost/json.hpp>

#include "protocol/codec.h"
#include "protocol/pattern.h"
#include "protocol/wire_format.h"

namespace orgroot::protocol {

namespace json = boost::json;

namespace {

// Java-like rendering of a value inside 'Value ... at'.
void render(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: out.append(v.get_string().data(), v.get_string().size()); break;
    case json::kind::int64: append_int(out, v.get_int64()); break;
    case json::kind::uint64: out.append(std::to_string(v.get_uint64())); break;
    case json::kind::double_: {
      double d = v.get_double();
      size_t before = out.size();
      append_double(out, d);
      if (std::isfinite(d) && out.find_first_of(".eE", before) == std::string::npos) out.append(".0");
      break;
    }
    case json::kind::bool_: out.append(v.get_bool() ? "true" : "false"); break;
    case json::kind::null: out.append("null"); break;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out.append(", ");
        first = false;
        render(out, e);
      }
      out.push_back(']');
      break;
    }
    case json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out.append(", ");
        first = false;
        out.append(kv.key().data(), kv.key().size());
        out.push_back('=');
        render(out, kv.value());
      }
      out.push_back('}');
      break;
    }
  }
}

std::string quoted(const json::value& v) {
  std::string s = "'";
  render(s, v);
  s.push_back('\'');
  return s;
}

bool is_number_type(ShapeType t) {
  return t == ShapeType::Integer || t == ShapeType::Long || t == ShapeType::Float || t == ShapeType::Double ||
         t == ShapeType::BigDecimal;
}

// Size used by length constraints, or -1 if the value has no length for this shape.
double length_of(const Shape& s, const json::value& v) {
  switch (s.type) {
    case ShapeType::String:
      return v.is_string() ? static_cast<double>(java_string_length(v.get_string())) : -1;
    case ShapeType::Blob:
      return v.is_string() ? static_cast<double>(v.get_string().size()) : -1;
    case ShapeType::List:
      return v.is_array() ? static_cast<double>(v.get_array().size()) : -1;
    case ShapeType::Map:
      return v.is_object() ? static_cast<double>(v.get_object().size()) : -1;
    default:
      return -1;
  }
}

std::string enum_set(const Shape& s) {
  std::string out = "Member must satisfy enum value set: [";
  for (size_t i = 0; i < s.enum_values.size(); ++i) {
    if (i) out.append(", ");
    out.append(s.enum_values[i]);
  }
  out.push_back(']');
  return out;
}

// Constraints of a scalar (or collection size) that `v` breaks, in AWS's order.
void failed_constraints(const Shape& s, const json::value& v, std::vector<std::string>& out) {
  if (is_number_type(s.type)) {
    double d;
    if (!json_number(v, d)) return;
    if (s.min && d < *s.min) out.push_back("Member must have value greater than or equal to " + s.min_text);
    if (s.max && d > *s.max) out.push_back("Member must have value less than or equal to " + s.max_text);
    return;
  }
  double len = length_of(s, v);
  if (len >= 0) {
    if (s.min && len < *s.min) out.push_back("Member must have length greater than or equal to " + s.min_text);
    if (s.max && len > *s.max) out.push_back("Member must have length less than or equal to " + s.max_text);
  }
  if (s.type == ShapeType::String && v.is_string()) {
    if (s.pattern_matcher && !s.pattern_matcher->matches(v.get_string()))
      out.push_back("Member must satisfy regular expression pattern: " + s.pattern);
    if (!s.enum_values.empty()) {
      std::string_view sv = v.get_string();
      bool found = false;
      for (const auto& e : s.enum_values) found = found || e == sv;
      if (!found) out.push_back(enum_set(s));
    }
  }
}

// Every constraint a scalar shape declares (used for "Member must satisfy constraint: [...]").
std::string all_constraints(const Shape& s) {
  std::vector<std::string> c;
  if (is_number_type(s.type)) {
    if (s.max) c.push_back("Member must have value less than or equal to " + s.max_text);
    if (s.min) c.push_back("Member must have value greater than or equal to " + s.min_text);
  } else {
    if (s.max) c.push_back("Member must have length less than or equal to " + s.max_text);
    if (s.min) c.push_back("Member must have length greater than or equal to " + s.min_text);
    if (!s.pattern.empty() && s.pattern_matcher) c.push_back("Member must satisfy regular expression pattern: " + s.pattern);
    if (!s.enum_values.empty()) c.push_back(enum_set(s));
  }
  std::string out = "[";
  for (size_t i = 0; i < c.size(); ++i) {
    if (i) out.append(", ");
    out.append(c[i]);
  }
  out.push_back(']');
  return out;
}

bool is_container(ShapeType t) { return t == ShapeType::Structure || t == ShapeType::List || t == ShapeType::Map; }

class Validator {
 public:
  explicit Validator(std::vector<Violation>& out) : out_(out) {}

  void structure(const Shape& s, const json::object& o) {
    for (const auto& m : s.members) {
      size_t mark = path_.size();
      if (!path_.empty()) path_.push_back('.');
      path_.append(m.name);  // lowerCamelCase, as AWS names members in these messages
      size_t first = mark + (mark ? 1 : 0);
      if (first < path_.size() && path_[first] >= 'A' && path_[first] <= 'Z') path_[first] = static_cast<char>(path_[first] - 'A' + 'a');
      const json::value* v = o.if_contains(m.name);
      if (!v || v->is_null()) {
        if (m.required) add("null", "Member must not be null");
      } else {
        value(*m.shape, *v, m.shape->sensitive);
      }
      path_.resize(mark);
    }
  }

 private:
  std::vector<Violation>& out_;
  std::string path_;

  void add(std::string repr, std::string constraint) {
    out_.push_back({path_, std::move(repr), std::move(constraint)});
  }

  void value(const Shape& s, const json::value& v, bool sensitive) {
    std::vector<std::string> failed;
    failed_constraints(s, v, failed);
    for (auto& f : failed) add(sensitive ? std::string() : quoted(v), std::move(f));
    if (s.type == ShapeType::Structure) {
      if (v.is_object()) structure(s, v.get_object());
    } else if (s.type == ShapeType::List && v.is_array()) {
      list(s, v.get_array(), v, sensitive);
    } else if (s.type == ShapeType::Map && v.is_object()) {
      map(s, v.get_object(), v, sensitive);
    }
  }

  void list(const Shape& s, const json::array& a, const json::value& whole, bool sensitive) {
    const Shape& elem = *s.member.shape;
    if (is_container(elem.type)) {
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].is_null()) continue;
        size_t mark = path_.size();
        path_.push_back('.');
        path_.append(std::to_string(i + 1));
        path_.append(".member");
        value(elem, a[i], sensitive || elem.sensitive);
        path_.resize(mark);
      }
      return;
    }
    bool bad = false;
    for (const auto& e : a) {
      std::vector<std::string> failed;
      if (e.is_null()) continue;
      failed_constraints(elem, e, failed);
      bad = bad || !failed.empty();
    }
    if (bad) add(sensitive || elem.sensitive ? std::string() : quoted(whole), "Member must satisfy constraint: " + all_constraints(elem));
  }

  void map(const Shape& s, const json::object& o, const json::value& whole, bool sensitive) {
    const Shape& ks = *s.key.shape;
    const Shape& vs = *s.value.shape;
    bool bad_key = false, bad_value = false;
    for (const auto& kv : o) {
      std::vector<std::string> failed;
      failed_constraints(ks, json::value(kv.key()), failed);
      bad_key = bad_key || !failed.empty();
      if (kv.value().is_null()) continue;
      if (is_container(vs.type)) {
        size_t mark = path_.size();
        path_.push_back('.');
        path_.append(kv.key().data(), kv.key().size());
        path_.append(".member");
        value(vs, kv.value(), sensitive || vs.sensitive);
        path_.resize(mark);
      } else {
        failed.clear();
        failed_constraints(vs, kv.value(), failed);
        bad_value = bad_value || !failed.empty();
      }
    }
    std::string repr = sensitive ? std::string() : quoted(whole);
    if (bad_key) add(repr, "Map keys must satisfy constraint: " + all_constraints(ks));
    if (bad_value) add(repr, "Map value must satisfy constraint: " + all_constraints(vs));
  }
};

}  // namespace

std::vector<Violation> validate(const ServiceModel&, const Shape& input, const json::value& params) {
  std::vector<Violation> out;
  if (input.type != ShapeType::Structure || !params.is_object()) return out;
  Validator(out).structure(input, params.get_object());
  return out;
}

std::string format_violations(const std::vector<Violation>& violations) {
  std::string out = std::to_string(violations.size());
  out.append(violations.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < violations.size(); ++i) {
    const auto& v = violations[i];
    if (i) out.append("; ");
    out.append("Value ");
    if (!v.value_repr.empty()) {
      out.append(v.value_repr);
      out.push_back(' ');
    }
    out.append("at '");
    out.append(v.path);
    out.append("' failed to satisfy constraint: ");
    out.append(v.constraint);
  }
  return out;
}

AwsError validation_error(const ServiceModel& model, const std::vector<Violation>& violations) {
  std::string msg = format_violations(violations);
  if (model.is_query()) return AwsError::ValidationError(std::move(msg));
  return AwsError::ValidationException(std::move(msg));
}

}  // namespace orgroot::protocol
