// Decoding of the AWS query protocol (form-encoded key/value pairs) into the shared value convention.
#include <algorithm>
#include <charconv>
#include <cmath>

#include <boost/json.hpp>

#include "protocol/codec.h"
#include "protocol/wire_format.h"

namespace orgroot::protocol {

namespace json = boost::json;

namespace {

// The request's parameters, sorted by key so that a prefix ("Tags.member.") is a contiguous range.
// Decoded keys and values live in one buffer reserved up front (decoding never grows text), so the
// pairs are views and parsing does no allocation per parameter.
class FormParams {
 public:
  struct Pair {
    std::string_view key, value;
    size_t order;  // arrival order: the first occurrence of a repeated key wins
  };

  void reserve(size_t bytes) { storage_.reserve(bytes); }

  bool parse(std::string_view text) {
    while (!text.empty()) {
      size_t amp = text.find('&');
      std::string_view part = text.substr(0, amp);
      text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
      if (part.empty()) continue;
      size_t eq = part.find('=');
      std::string_view key, value;
      if (!decode(part.substr(0, eq), key)) return false;
      if (eq != std::string_view::npos && !decode(part.substr(eq + 1), value)) return false;
      kv_.push_back({key, value, kv_.size()});
    }
    return true;
  }

  void finish() {
    std::sort(kv_.begin(), kv_.end(), [](const Pair& a, const Pair& b) {
      return a.key < b.key || (a.key == b.key && a.order < b.order);
    });
  }

  const std::string_view* find(std::string_view key) const {
    auto it = lower(key);
    return it != kv_.end() && it->key == key ? &it->value : nullptr;
  }

  // [first, last) of the keys starting with `prefix`.
  std::pair<std::vector<Pair>::const_iterator, std::vector<Pair>::const_iterator> range(std::string_view prefix) const {
    auto first = lower(prefix);
    auto last = first;
    while (last != kv_.end() && last->key.substr(0, prefix.size()) == prefix) ++last;
    return {first, last};
  }

  bool has_prefix(std::string_view prefix) const {
    auto it = lower(prefix);
    return it != kv_.end() && it->key.substr(0, prefix.size()) == prefix;
  }

 private:
  std::string storage_;
  std::vector<Pair> kv_;

  // Percent-decodes into storage_; `out` views the decoded text.
  bool decode(std::string_view in, std::string_view& out) {
    if (in.find_first_of("%+") == std::string_view::npos) {  // nothing to decode: view the input
      out = in;
      return true;
    }
    if (storage_.size() + in.size() > storage_.capacity()) return false;  // reserve() was too small
    size_t start = storage_.size();
    if (!percent_decode_append(in, storage_)) return false;
    out = std::string_view(storage_).substr(start);
    return true;
  }

  std::vector<Pair>::const_iterator lower(std::string_view key) const {
    return std::lower_bound(kv_.begin(), kv_.end(), key, [](const Pair& p, std::string_view k) { return p.key < k; });
  }
};

// Name of a member in the query wire form: queryName (legacy names of query-compatible json
// services), else locationName, else the member name.
std::string_view query_name(const Member& m) {
  if (!m.query_name.empty()) return m.query_name;
  return serialized_name(m);
}

// Element name of a list member / map key / map value, or `dflt`.
std::string_view element_name(const Member& m, std::string_view dflt) {
  if (!m.query_name.empty()) return m.query_name;
  if (!m.location_name.empty()) return m.location_name;
  return dflt;
}

class QueryDecoder {
 public:
  QueryDecoder(const FormParams& p) : p_(p) {}

  // Decodes the top-level input structure (its members sit at the root, without a prefix).
  bool top(const Shape& s, json::object& out) { return members(s, out); }

  AwsError& error() { return error_; }

 private:
  const FormParams& p_;
  std::string key_;  // the key being decoded ("Tags.member.1.Key")
  AwsError error_;

  class Scope {  // appends ".part" to the key, restores it on exit
   public:
    Scope(std::string& key, std::string_view part) : key_(key), mark_(key.size()) {
      if (!key_.empty()) key_.push_back('.');
      key_.append(part);
    }
    ~Scope() { key_.resize(mark_); }

   private:
    std::string& key_;
    size_t mark_;
  };

  // A value that does not parse as its shape's type. AWS's exact wording for this case is not known
  // to us; we answer in the validation message format, naming the parameter the AWS way.
  bool fail(std::string_view value, std::string_view type) {
    std::string path = key_;
    for (size_t i = 0; i < path.size(); ++i)
      if ((i == 0 || path[i - 1] == '.') && path[i] >= 'A' && path[i] <= 'Z') path[i] = static_cast<char>(path[i] - 'A' + 'a');
    error_ = AwsError::ValidationError("1 validation error detected: Value '" + std::string(value) + "' at '" + path +
                                       "' failed to satisfy constraint: Member must be " + std::string(type));
    return false;
  }

  bool members(const Shape& s, json::object& out) {
    for (const auto& m : s.members) {
      json::value v;
      bool present = false;
      if (is_flattened(m) && m.shape->type == ShapeType::List) {
        if (!flat_list_member(m, v, present)) return false;
      } else {
        Scope scope(key_, query_name(m));
        if (!value(*m.shape, m, v, present)) return false;
      }
      if (present) out.emplace(m.name, std::move(v));
    }
    return true;
  }

  // A flattened list is keyed "<name>.N" where <name> is the member's query name or, as botocore
  // serializes it, the list member's own name in place of the member's.
  bool flat_list_member(const Member& m, json::value& v, bool& present) {
    {
      Scope scope(key_, query_name(m));
      if (!flat_list(*m.shape, v, present)) return false;
    }
    if (present) return true;
    std::string_view alt = element_name(m.shape->member, "");
    if (alt.empty() || alt == query_name(m)) return true;
    Scope scope(key_, alt);
    return flat_list(*m.shape, v, present);
  }

  // Indices N present under "<key_>.<infix>N..." in ascending order.
  std::vector<int64_t> indices(std::string_view infix) {
    size_t mark = key_.size();
    if (!key_.empty()) key_.push_back('.');
    key_.append(infix);
    std::string_view prefix = key_;
    std::vector<int64_t> out;
    auto [first, last] = p_.range(prefix);
    for (auto it = first; it != last; ++it) {
      std::string_view rest = it->key.substr(prefix.size());
      int64_t n = 0;
      auto r = std::from_chars(rest.data(), rest.data() + rest.size(), n);
      if (r.ec != std::errc() || r.ptr == rest.data()) continue;
      if (r.ptr != rest.data() + rest.size() && *r.ptr != '.') continue;
      if (out.empty() || out.back() != n) out.push_back(n);
    }
    key_.resize(mark);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  bool list_items(const Shape& s, std::string_view infix, json::value& v, bool& present) {
    auto idx = indices(infix);
    if (idx.empty()) return true;
    json::array arr;
    arr.reserve(idx.size());
    for (int64_t n : idx) {
      std::string part(infix);
      part.append(std::to_string(n));
      Scope scope(key_, part);
      json::value e;
      bool here = false;
      if (!value(*s.member.shape, s.member, e, here)) return false;
      if (here) arr.push_back(std::move(e));
    }
    v = std::move(arr);
    present = true;
    return true;
  }

  bool flat_list(const Shape& s, json::value& v, bool& present) {
    if (const std::string_view* empty = p_.find(key_); empty && empty->empty()) {
      v = json::array();
      present = true;
    }
    return list_items(s, "", v, present);
  }

  bool value(const Shape& s, const Member& ref, json::value& v, bool& present) {
    switch (s.type) {
      case ShapeType::Structure: {
        key_.push_back('.');
        bool any = p_.has_prefix(key_);
        key_.pop_back();
        if (!any) return true;
        json::object o;
        if (!members(s, o)) return false;
        v = std::move(o);
        present = true;
        return true;
      }
      case ShapeType::List: {
        if (is_flattened(ref)) return flat_list(s, v, present);
        if (const std::string_view* empty = p_.find(key_); empty && empty->empty()) {
          v = json::array();
          present = true;
        }
        std::string infix(element_name(s.member, "member"));
        infix.push_back('.');
        return list_items(s, infix, v, present);
      }
      case ShapeType::Map: return map(s, ref, v, present);
      default: break;
    }
    const std::string_view* text = p_.find(key_);
    if (!text) return true;
    present = true;
    return scalar(s, ref, *text, v);
  }

  bool map(const Shape& s, const Member& ref, json::value& v, bool& present) {
    std::string_view infix = is_flattened(ref) ? "" : "entry.";
    auto idx = indices(infix);
    if (idx.empty()) return true;
    std::string_view kname = element_name(s.key, "key");
    std::string_view vname = element_name(s.value, "value");
    json::object o;
    for (int64_t n : idx) {
      std::string part(infix);
      part.append(std::to_string(n));
      Scope entry(key_, part);
      std::string k;
      {
        Scope ks(key_, kname);
        const std::string_view* kt = p_.find(key_);
        if (!kt) continue;
        k = *kt;
      }
      Scope vs(key_, vname);
      json::value val;
      bool here = false;
      if (!value(*s.value.shape, s.value, val, here)) return false;
      if (here) o[k] = std::move(val);
    }
    v = std::move(o);
    present = true;
    return true;
  }

  bool scalar(const Shape& s, const Member& ref, std::string_view text, json::value& v) {
    switch (s.type) {
      case ShapeType::String:
        v = json::string(text);
        return true;
      case ShapeType::Integer:
      case ShapeType::Long: {
        int64_t n;
        auto r = std::from_chars(text.data(), text.data() + text.size(), n);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return fail(text, "a number");
        v = n;
        return true;
      }
      case ShapeType::Float:
      case ShapeType::Double:
      case ShapeType::BigDecimal: {
        double d;
        if (text == "NaN") d = std::nan("");
        else if (text == "Infinity") d = HUGE_VAL;
        else if (text == "-Infinity") d = -HUGE_VAL;
        else {
          auto r = std::from_chars(text.data(), text.data() + text.size(), d);
          if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return fail(text, "a number");
        }
        v = d;
        return true;
      }
      case ShapeType::Boolean:
        if (text == "true" || text == "True" || text == "TRUE") v = true;
        else if (text == "false" || text == "False" || text == "FALSE") v = false;
        else return fail(text, "a boolean");
        return true;
      case ShapeType::Timestamp: {
        double t;
        if (!parse_timestamp(text, t)) return fail(text, "a timestamp");
        v = t;
        return true;
      }
      case ShapeType::Blob: {
        std::string raw;
        if (!base64_decode(text, raw)) return fail(text, "base64 encoded");
        v = json::string(raw);
        return true;
      }
      case ShapeType::Document: {
        boost::system::error_code ec;
        v = json::parse(text, ec);
        if (ec) return fail(text, "a JSON document");
        return true;
      }
      default:
        v = json::string(text);
        return true;
    }
  }
};

bool is_form(const HttpRequest& req) {
  const std::string* ct = req.header("Content-Type");
  if (!ct) return false;
  std::string_view v(*ct);
  return v.size() >= 33 && iequals(v.substr(0, 33), "application/x-www-form-urlencoded");
}

}  // namespace

Result<DecodedRequest> decode_query(const ServiceModel& model, const HttpRequest& req) {
  FormParams params;
  params.reserve(req.query().size() + req.body.size());
  if (!params.parse(req.query()))
    return AwsError::MalformedQueryString("The query string is malformed.");
  if (req.method == "POST" && !req.body.empty() && (is_form(req) || !req.header("Content-Type"))) {
    if (!params.parse(req.body)) return AwsError::MalformedQueryString("The request body is malformed.");
  }
  params.finish();

  const std::string_view* action = params.find("Action");
  if (!action || action->empty()) return AwsError::MissingAction();
  const std::string_view* version = params.find("Version");
  const Operation* op = model.find_operation(*action);
  if (!op || (version && !version->empty() && *version != model.api_version)) {
    return AwsError::InvalidAction("Could not find operation " + std::string(*action) + " for version " +
                                   std::string(version ? *version : std::string_view(model.api_version)));
  }
  DecodedRequest out;
  out.op = op;
  if (!op->input) return out;
  QueryDecoder dec(params);
  if (!dec.top(*op->input, out.params)) return std::move(dec.error());
  json::value as_value(std::move(out.params));
  auto violations = validate(model, *op->input, as_value);
  if (!violations.empty()) return AwsError::ValidationError(format_violations(violations));
  out.params = std::move(as_value.get_object());
  return out;
}

Result<DecodedRequest> decode_request(const ServiceModel& model, const HttpRequest& req) {
  if (model.is_query()) return decode_query(model, req);
  if (model.is_json()) {
    if (model.aws_query_compatible && !req.header("X-Amz-Target") &&
        (is_form(req) || req.query().find("Action=") != std::string_view::npos))
      return decode_query(model, req);
    return decode_json(model, req);
  }
  return AwsError::InternalFailure("protocol " + model.protocol + " is not decoded by the query/json codecs");
}

}  // namespace orgroot::protocol
