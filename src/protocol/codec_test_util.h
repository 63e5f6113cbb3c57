// Test-only helpers for the query/json codec tests: a small client-side reader of our own that
// turns a response body back into the shared value convention (as an SDK would parse it), value
// normalisation for the SDK protocol vectors, and a deep comparison. Header-only so that it never
// becomes part of the core library.
#pragma once

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <boost/json.hpp>
#include <pugixml.hpp>

#include "protocol/model.h"
#include "protocol/wire_format.h"

namespace orgroot::protocol::testing {

namespace json = boost::json;

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline json::value read_json_file(const std::string& path) { return json::parse(read_text_file(path)); }

// ---- expected values of the vectors -> our value convention ----
// Timestamps and floats become doubles ("NaN"/"Infinity" strings included), integers int64, nulls
// are dropped (the convention has no nulls).
inline json::value normalize(const Shape& s, const json::value& v) {
  switch (s.type) {
    case ShapeType::Structure: {
      json::object o;
      if (!v.is_object()) return v;
      for (const auto& kv : v.get_object()) {
        if (kv.value().is_null()) continue;
        const Member* m = s.find_member(kv.key());
        o[kv.key()] = m ? normalize(*m->shape, kv.value()) : kv.value();
      }
      return o;
    }
    case ShapeType::List: {
      if (!v.is_array()) return v;
      json::array a;
      for (const auto& e : v.get_array())
        if (!e.is_null()) a.push_back(normalize(*s.member.shape, e));
      return a;
    }
    case ShapeType::Map: {
      if (!v.is_object()) return v;
      json::object o;
      for (const auto& kv : v.get_object())
        if (!kv.value().is_null()) o[kv.key()] = normalize(*s.value.shape, kv.value());
      return o;
    }
    case ShapeType::Timestamp:
    case ShapeType::Float:
    case ShapeType::Double: {
      double d;
      if (json_number(v, d)) return d;
      if (v.is_string()) {
        std::string_view t = v.get_string();
        if (t == "NaN") return std::nan("");
        if (t == "Infinity") return HUGE_VAL;
        if (t == "-Infinity") return -HUGE_VAL;
        if (s.type == ShapeType::Timestamp && parse_timestamp(t, d)) return d;
      }
      return v;
    }
    case ShapeType::Integer:
    case ShapeType::Long: {
      int64_t n;
      if (json_int(v, n)) return n;
      return v;
    }
    default:
      return v;
  }
}

// ---- deep comparison (numbers by value, NaN equals NaN) ----
inline bool same(const json::value& a, const json::value& b, std::string& why, const std::string& path = "$") {
  double x, y;
  if (json_number(a, x) && json_number(b, y)) {
    if ((std::isnan(x) && std::isnan(y)) || x == y || std::fabs(x - y) <= 1e-6 * std::max(1.0, std::fabs(x))) return true;
    why = path + ": " + json::serialize(a) + " != " + json::serialize(b);
    return false;
  }
  if (a.kind() != b.kind()) {
    why = path + ": " + json::serialize(a) + " != " + json::serialize(b);
    return false;
  }
  if (a.is_object()) {
    const auto& ao = a.get_object();
    const auto& bo = b.get_object();
    for (const auto& kv : ao) {
      auto* o = bo.if_contains(kv.key());
      if (!o) {
        why = path + "." + std::string(kv.key()) + ": missing on the right";
        return false;
      }
      if (!same(kv.value(), *o, why, path + "." + std::string(kv.key()))) return false;
    }
    for (const auto& kv : bo) {
      if (!ao.contains(kv.key())) {
        why = path + "." + std::string(kv.key()) + ": missing on the left";
        return false;
      }
    }
    return true;
  }
  if (a.is_array()) {
    const auto& aa = a.get_array();
    const auto& ba = b.get_array();
    if (aa.size() != ba.size()) {
      why = path + ": sizes " + std::to_string(aa.size()) + " != " + std::to_string(ba.size());
      return false;
    }
    for (size_t i = 0; i < aa.size(); ++i)
      if (!same(aa[i], ba[i], why, path + "[" + std::to_string(i) + "]")) return false;
    return true;
  }
  if (a != b) {
    why = path + ": " + json::serialize(a) + " != " + json::serialize(b);
    return false;
  }
  return true;
}

// ---- XML (query) reader ----
inline json::value xml_scalar(const Shape& s, const Member& ref, std::string_view text) {
  switch (s.type) {
    case ShapeType::Boolean: return text == "true";
    case ShapeType::Integer:
    case ShapeType::Long: return static_cast<int64_t>(std::stoll(std::string(text)));
    case ShapeType::Float:
    case ShapeType::Double: {
      if (text == "NaN") return std::nan("");
      if (text == "Infinity") return HUGE_VAL;
      if (text == "-Infinity") return -HUGE_VAL;
      return std::stod(std::string(text));
    }
    case ShapeType::Timestamp: {
      double t = 0;
      parse_timestamp(text, t);
      return t;
    }
    case ShapeType::Blob: {
      std::string raw;
      base64_decode(text, raw);
      return json::string(raw);
    }
    default: return json::string(text);
  }
}

inline json::value xml_value(const Shape& s, const Member& ref, pugi::xml_node node);

inline std::string_view xml_member_name(const Member& m) {
  return m.query_name.empty() ? serialized_name(m) : std::string_view(m.query_name);
}
inline std::string_view xml_element_name(const Member& m, std::string_view dflt) {
  if (!m.query_name.empty()) return m.query_name;
  if (!m.location_name.empty()) return m.location_name;
  return dflt;
}

inline json::value xml_map_entries(const Shape& s, pugi::xml_node parent, std::string_view entry_name) {
  json::object o;
  std::string kname(xml_element_name(s.key, "key")), vname(xml_element_name(s.value, "value"));
  std::string entry(entry_name);
  for (auto e : parent.children(entry.c_str())) {
    auto k = e.child(kname.c_str());
    auto v = e.child(vname.c_str());
    if (!k) continue;
    o[k.text().get()] = v ? xml_value(*s.value.shape, s.value, v) : json::value(json::string());
  }
  return o;
}

inline json::value xml_structure(const Shape& s, pugi::xml_node node) {
  json::object o;
  for (const auto& m : s.members) {
    const Shape& ms = *m.shape;
    std::string name(xml_member_name(m));
    if (m.xml_attribute) {
      if (auto a = node.attribute(name.c_str())) o[m.name] = xml_scalar(ms, m, a.value());
      continue;
    }
    if (ms.type == ShapeType::List && is_flattened(m)) {
      json::array a;
      std::string alt(xml_element_name(ms.member, ""));
      for (auto c : node.children(name.c_str())) a.push_back(xml_value(*ms.member.shape, ms.member, c));
      if (a.empty() && !alt.empty())
        for (auto c : node.children(alt.c_str())) a.push_back(xml_value(*ms.member.shape, ms.member, c));
      if (!a.empty()) o[m.name] = std::move(a);
      continue;
    }
    if (ms.type == ShapeType::Map && is_flattened(m)) {
      if (node.child(name.c_str())) o[m.name] = xml_map_entries(ms, node, name);
      continue;
    }
    if (auto c = node.child(name.c_str())) o[m.name] = xml_value(ms, m, c);
  }
  return o;
}

inline json::value xml_value(const Shape& s, const Member& ref, pugi::xml_node node) {
  switch (s.type) {
    case ShapeType::Structure: return xml_structure(s, node);
    case ShapeType::List: {
      json::array a;
      std::string item(xml_element_name(s.member, "member"));
      for (auto c : node.children(item.c_str())) a.push_back(xml_value(*s.member.shape, s.member, c));
      return a;
    }
    case ShapeType::Map: return xml_map_entries(s, node, "entry");
    default: return xml_scalar(s, ref, node.text().get());
  }
}

// Parses <OpResponse><OpResult>...</OpResult>...</OpResponse>; {} when the operation has no output.
inline json::value parse_query_result(const Operation& op, const std::string& body, std::string* request_id = nullptr) {
  if (!op.output || body.empty()) return json::object();
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return json::value(nullptr);
  auto root = doc.document_element();
  if (request_id) *request_id = root.child("ResponseMetadata").child("RequestId").text().get();
  std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
  auto result = root.child(wrapper.c_str());
  if (!result) return json::object();
  return xml_structure(*op.output, result);
}

// ---- JSON reader ----
inline json::value json_read(const Shape& s, const json::value& v) {
  if (v.is_null()) return v;
  switch (s.type) {
    case ShapeType::Structure: {
      json::object o;
      if (!v.is_object()) return v;
      for (const auto& m : s.members) {
        auto* x = v.get_object().if_contains(serialized_name(m));
        if (x && !x->is_null()) o[m.name] = json_read(*m.shape, *x);
      }
      return o;
    }
    case ShapeType::List: {
      json::array a;
      if (!v.is_array()) return v;
      for (const auto& e : v.get_array())
        if (!e.is_null()) a.push_back(json_read(*s.member.shape, e));
      return a;
    }
    case ShapeType::Map: {
      json::object o;
      if (!v.is_object()) return v;
      for (const auto& kv : v.get_object())
        if (!kv.value().is_null()) o[kv.key()] = json_read(*s.value.shape, kv.value());
      return o;
    }
    case ShapeType::Blob: {
      std::string raw;
      if (v.is_string()) base64_decode(v.get_string(), raw);
      return json::string(raw);
    }
    default: return normalize(s, v);
  }
}

inline json::value parse_json_result(const Operation& op, const std::string& body) {
  if (!op.output || body.empty()) return json::object();
  return json_read(*op.output, json::parse(body));
}

}  // namespace orgroot::protocol::testing
