// Reading rest-xml messages: labels, querystring, headers and the XML (or raw) body, by shape.
#include <pugixml.hpp>

#include <boost/json.hpp>

#include <set>

#include "protocol/rest_xml.h"
#include "protocol/rest_xml_detail.h"

namespace orgroot::protocol {

namespace json = boost::json;

namespace rest_xml_detail {

namespace {

constexpr int kMaxDepth = 100;

std::string_view trim_ws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view local_name(std::string_view name) {
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string node_text(const pugi::xml_node& n) {
  std::string out;
  for (auto c : n.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  return out;
}

pugi::xml_node first_child_named(const pugi::xml_node& n, std::string_view name) {
  for (auto c : n.children())
    if (c.type() == pugi::node_element && local_name(c.name()) == local_name(name)) return c;
  return {};
}

bool is_located(const Member& m, bool is_request) {
  if (m.location == "header" || m.location == "headers" || m.location == "statusCode") return true;
  return is_request && (m.location == "uri" || m.location == "querystring");
}

bool is_raw_payload(const Member& m) {
  return m.streaming || m.shape->streaming || m.shape->type == ShapeType::Blob || m.shape->type == ShapeType::String;
}

Result<json::value> read_value(const Shape& shape, const Member* ref, const pugi::xml_node& node, int depth);

Status read_map_entry(const Shape& map, const pugi::xml_node& entry, json::object& out, int depth) {
  std::string_view key_name = map.key.location_name.empty() ? "key" : std::string_view(map.key.location_name);
  std::string_view value_name = map.value.location_name.empty() ? "value" : std::string_view(map.value.location_name);
  pugi::xml_node k = first_child_named(entry, key_name);
  pugi::xml_node v = first_child_named(entry, value_name);
  if (!k) return malformed_xml();
  std::string key = node_text(k);
  if (!v) return OkStatus();
  auto value = read_value(*map.value.shape, &map.value, v, depth + 1);
  if (!value) return std::move(value).error();
  out[key] = std::move(value).value();
  return OkStatus();
}

Result<json::value> read_struct(const Shape& shape, const pugi::xml_node& node, bool top_level, bool is_request,
                                int depth) {
  if (depth > kMaxDepth) return malformed_xml();
  json::object obj;
  for (const auto& m : shape.members) {
    if (top_level && is_located(m, is_request)) continue;
    const Shape& ms = *m.shape;
    if (m.xml_attribute) {
      for (auto a : node.attributes()) {
        if (local_name(a.name()) != local_name(m.wire_name())) continue;
        auto v = scalar_from_text(ms, a.value(), m.wire_name(), true);
        if (!v) return std::move(v).error();
        obj[m.name] = std::move(v).value();
      }
      continue;
    }
    bool flat = (ms.type == ShapeType::List || ms.type == ShapeType::Map) && (m.flattened || ms.flattened);
    if (!flat) {
      pugi::xml_node child = first_child_named(node, m.wire_name());
      if (!child) continue;
      auto v = read_value(ms, &m, child, depth + 1);
      if (!v) return std::move(v).error();
      obj[m.name] = std::move(v).value();
      continue;
    }
    // Flattened: the items repeat directly under this element. Some models name them after the
    // list member's locationName; accept that spelling too.
    std::string_view alt = ms.type == ShapeType::List && m.location_name.empty() ? std::string_view(ms.member.location_name) : "";
    json::array items;
    json::object entries;
    bool any = false;
    for (auto c : node.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string_view cn = local_name(c.name());
      if (cn != local_name(m.wire_name()) && (alt.empty() || cn != alt)) continue;
      any = true;
      if (ms.type == ShapeType::List) {
        auto v = read_value(*ms.member.shape, &ms.member, c, depth + 1);
        if (!v) return std::move(v).error();
        items.push_back(std::move(v).value());
      } else {
        auto st = read_map_entry(ms, c, entries, depth);
        if (!st) return std::move(st).error();
      }
    }
    if (!any) continue;
    if (ms.type == ShapeType::List) obj[m.name] = std::move(items);
    else obj[m.name] = std::move(entries);
  }
  return json::value(std::move(obj));
}

Result<json::value> read_value(const Shape& shape, const Member* ref, const pugi::xml_node& node, int depth) {
  if (depth > kMaxDepth) return malformed_xml();
  switch (shape.type) {
    case ShapeType::Structure:
      return read_struct(shape, node, false, true, depth);
    case ShapeType::List: {
      json::array arr;
      for (auto c : node.children()) {
        if (c.type() != pugi::node_element) continue;
        auto v = read_value(*shape.member.shape, &shape.member, c, depth + 1);
        if (!v) return std::move(v).error();
        arr.push_back(std::move(v).value());
      }
      return json::value(std::move(arr));
    }
    case ShapeType::Map: {
      json::object obj;
      for (auto c : node.children()) {
        if (c.type() != pugi::node_element) continue;
        auto st = read_map_entry(shape, c, obj, depth);
        if (!st) return std::move(st).error();
      }
      return json::value(std::move(obj));
    }
    default: {
      std::string text = node_text(node);
      std::string_view wire = ref ? ref->wire_name() : std::string_view(shape.name);
      if (shape.type == ShapeType::String) return scalar_from_text(shape, text, wire, true);
      return scalar_from_text(shape, trim_ws(text), wire, true);
    }
  }
}

// Splits a list-valued header: comma separated, items may be double-quoted. HTTP-dates contain a
// comma themselves ("Mon, 16 Dec 2019 ..."), so a weekday item is joined with the next one.
std::vector<std::string> split_header_list(std::string_view v, bool http_dates) {
  std::vector<std::string> items;
  if (trim(v).empty()) return items;
  size_t i = 0;
  while (i <= v.size()) {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    std::string item;
    if (i < v.size() && v[i] == '"') {
      ++i;
      while (i < v.size() && v[i] != '"') {
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        item.push_back(v[i++]);
      }
      ++i;
      size_t comma = v.find(',', i);
      i = comma == std::string_view::npos ? v.size() + 1 : comma + 1;
    } else {
      size_t comma = v.find(',', i);
      std::string_view raw = v.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
      item = std::string(trim(raw));
      i = comma == std::string_view::npos ? v.size() + 1 : comma + 1;
    }
    items.push_back(std::move(item));
  }
  if (!http_dates) return items;
  std::vector<std::string> joined;
  for (size_t k = 0; k < items.size(); ++k) {
    bool weekday = items[k].size() == 3 && std::isalpha(static_cast<unsigned char>(items[k][0]));
    if (weekday && k + 1 < items.size()) {
      joined.push_back(items[k] + ", " + items[k + 1]);
      ++k;
    } else {
      joined.push_back(items[k]);
    }
  }
  return joined;
}

bool is_presign_param(std::string_view key) {
  static const std::set<std::string, std::less<>> names = {
      "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
      "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token"};
  return names.count(to_lower(key)) > 0;
}

Result<json::value> read_header(const Member& m, const std::vector<Header>& headers) {
  std::string value;
  bool found = false;
  for (const auto& h : headers) {
    if (!iequals(h.name, m.wire_name())) continue;
    if (found) value += ",";
    value += h.value;
    found = true;
  }
  if (!found) return json::value(nullptr);
  const Shape& s = *m.shape;
  if (m.json_value) {
    auto raw = base64_decode(value);
    std::string text = raw ? *raw : value;
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return AwsError::InvalidArgument("Invalid JSON in header " + std::string(m.wire_name()));
    return v;
  }
  if (s.type == ShapeType::List) {
    const Shape& item = *s.member.shape;
    bool dates = item.type == ShapeType::Timestamp && timestamp_format(&s.member, item, "rfc822") == "rfc822";
    json::array arr;
    for (const auto& part : split_header_list(value, dates)) {
      auto v = scalar_from_text(item, part, m.wire_name(), false);
      if (!v) return std::move(v).error();
      arr.push_back(std::move(v).value());
    }
    return json::value(std::move(arr));
  }
  return scalar_from_text(s, s.type == ShapeType::String ? std::string_view(value) : trim(value), m.wire_name(), false);
}

Result<json::value> read_query_member(const Member& m, const std::vector<QueryParam>& query, const std::set<std::string>& claimed) {
  const Shape& s = *m.shape;
  if (s.type == ShapeType::Map) {
    json::object obj;
    const Shape& vs = *s.value.shape;
    for (const auto& p : query) {
      if (claimed.count(p.key) || is_presign_param(p.key)) continue;
      if (vs.type == ShapeType::List) {
        auto v = scalar_from_text(*vs.member.shape, p.value, p.key, false);
        if (!v) return std::move(v).error();
        json::value& slot = obj[p.key];
        if (!slot.is_array()) slot = json::array();
        slot.get_array().push_back(std::move(v).value());
      } else if (!obj.contains(p.key)) {
        auto v = scalar_from_text(vs, p.value, p.key, false);
        if (!v) return std::move(v).error();
        obj[p.key] = std::move(v).value();
      }
    }
    if (obj.empty()) return json::value(nullptr);
    return json::value(std::move(obj));
  }
  if (s.type == ShapeType::List) {
    json::array arr;
    for (const auto& p : query) {
      if (p.key != m.wire_name()) continue;
      auto v = scalar_from_text(*s.member.shape, p.value, p.key, false);
      if (!v) return std::move(v).error();
      arr.push_back(std::move(v).value());
    }
    if (arr.empty()) return json::value(nullptr);
    return json::value(std::move(arr));
  }
  for (const auto& p : query)
    if (p.key == m.wire_name()) return scalar_from_text(s, p.value, p.key, false);
  return json::value(nullptr);
}

Status parse_body(std::string_view body, pugi::xml_document& doc) {
  auto res = doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
                             pugi::encoding_utf8);
  if (!res || !doc.document_element()) return malformed_xml();
  return OkStatus();
}

Status check_nested(const Shape& shape, const json::value& v, int depth) {
  if (depth > kMaxDepth) return OkStatus();
  if (shape.type == ShapeType::Structure && v.is_object()) {
    const auto& o = v.get_object();
    for (const auto& m : shape.members) {
      auto* mv = o.if_contains(m.name);
      if (!mv || mv->is_null()) {
        if (m.required) return malformed_xml();
        continue;
      }
      auto st = check_nested(*m.shape, *mv, depth + 1);
      if (!st) return st;
    }
  } else if (shape.type == ShapeType::List && v.is_array()) {
    for (const auto& item : v.get_array()) {
      auto st = check_nested(*shape.member.shape, item, depth + 1);
      if (!st) return st;
    }
  } else if (shape.type == ShapeType::Map && v.is_object()) {
    for (const auto& kv : v.get_object()) {
      auto st = check_nested(*shape.value.shape, kv.value(), depth + 1);
      if (!st) return st;
    }
  }
  return OkStatus();
}

}  // namespace

AwsError malformed_xml() { return AwsError::MalformedXML(); }

std::string_view timestamp_format(const Member* ref, const Shape& shape, std::string_view location_default) {
  if (ref && !ref->timestamp_format.empty()) return ref->timestamp_format;
  if (!shape.timestamp_format.empty()) return shape.timestamp_format;
  return location_default;
}

std::optional<double> timestamp_of(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_string()) return parse_timestamp(v.get_string());
  return std::nullopt;
}

Result<json::value> scalar_from_text(const Shape& shape, std::string_view text, std::string_view wire_name, bool body) {
  auto bad = [&]() -> AwsError {
    if (body) return malformed_xml();
    return AwsError::InvalidArgument("Invalid value '" + std::string(text) + "' for " + std::string(wire_name));
  };
  switch (shape.type) {
    case ShapeType::Integer:
    case ShapeType::Long: {
      auto v = parse_int64(text);
      if (!v) return bad();
      return json::value(*v);
    }
    case ShapeType::Float:
    case ShapeType::Double:
    case ShapeType::BigDecimal: {
      auto v = parse_double(text);
      if (!v) return bad();
      return json::value(*v);
    }
    case ShapeType::Boolean: {
      std::string t = to_lower(trim(text));
      if (t == "true") return json::value(true);
      if (t == "false") return json::value(false);
      return bad();
    }
    case ShapeType::Timestamp: {
      auto v = parse_timestamp(text);
      if (!v) return bad();
      return json::value(*v);
    }
    case ShapeType::Blob: {
      auto v = base64_decode(text);
      if (!v) return bad();
      return json::value(json::string(*v));
    }
    default:
      return json::value(json::string(text));
  }
}

Result<json::object> read_message(const Shape& shape, const WireMessage& msg) {
  json::object params;
  static const std::vector<Header> kNoHeaders;
  const auto& headers = msg.headers ? *msg.headers : kNoHeaders;

  std::set<std::string> claimed;  // query keys bound to named members or template literals
  if (msg.is_request && msg.query) {
    for (const auto& m : shape.members)
      if (m.location == "querystring" && m.shape->type != ShapeType::Map) claimed.insert(std::string(m.wire_name()));
    if (msg.literal_query)
      for (const auto& lit : *msg.literal_query) claimed.insert(lit.first);
  }

  for (const auto& m : shape.members) {
    Result<json::value> v = json::value(nullptr);
    if (m.location == "header") {
      v = read_header(m, headers);
    } else if (m.location == "headers") {
      std::string prefix = to_lower(m.wire_name());
      json::object map;
      for (const auto& h : headers) {
        if (h.name.size() < prefix.size() || to_lower(std::string_view(h.name).substr(0, prefix.size())) != prefix) continue;
        std::string key = h.name.substr(prefix.size());
        if (!map.contains(key)) map[key] = h.value;
      }
      if (!map.empty()) v = json::value(std::move(map));
    } else if (m.location == "statusCode") {
      if (!msg.is_request) v = json::value(static_cast<int64_t>(msg.status));
    } else if (msg.is_request && m.location == "uri") {
      if (msg.labels)
        for (const auto& [name, value] : *msg.labels)
          if (name == m.wire_name()) v = scalar_from_text(*m.shape, value, name, false);
    } else if (msg.is_request && m.location == "querystring") {
      if (msg.query) v = read_query_member(m, *msg.query, claimed);
    } else {
      continue;  // body
    }
    if (!v) return std::move(v).error();
    if (!v->is_null()) params[m.name] = std::move(v).value();
  }

  const Member* payload = shape.payload.empty() ? nullptr : shape.find_member(shape.payload);
  if (payload && is_raw_payload(*payload)) {
    if (!msg.body.empty()) params[payload->name] = json::string(msg.body);
    else if (payload->required) params[payload->name] = json::string();
    return params;
  }
  bool has_body_members = false;
  for (const auto& m : shape.members) has_body_members = has_body_members || !is_located(m, msg.is_request);
  if (!has_body_members || trim_ws(msg.body).empty()) return params;

  pugi::xml_document doc;
  auto parsed = parse_body(msg.body, doc);
  if (!parsed) return std::move(parsed).error();
  pugi::xml_node root = doc.document_element();
  if (payload) {
    auto v = read_value(*payload->shape, payload, root, 0);
    if (!v) return std::move(v).error();
    params[payload->name] = std::move(v).value();
    return params;
  }
  auto body = read_struct(shape, root, true, msg.is_request, 0);
  if (!body) return std::move(body).error();
  for (auto& kv : body->get_object()) params[kv.key()] = std::move(kv.value());
  return params;
}

Status check_required(const Shape& shape, const json::object& params) {
  for (const auto& m : shape.members) {
    auto* v = params.if_contains(m.name);
    if (v && !v->is_null()) {
      if (m.location.empty()) {
        auto st = check_nested(*m.shape, *v, 1);
        if (!st) return st;
      }
      continue;
    }
    if (!m.required) continue;
    std::string wire(m.wire_name());
    if (m.location == "header") return AwsError::InvalidRequest("Missing required header for this request: " + wire);
    if (m.location == "querystring") return AwsError::InvalidRequest("Missing required query parameter: " + wire);
    if (m.location == "uri") return AwsError::InvalidRequest("Missing required path parameter: " + wire);
    if (m.location == "headers") continue;
    return malformed_xml();
  }
  return OkStatus();
}

bool decode_aws_chunked(std::string_view body, std::string& data, std::vector<Header>& trailers) {
  size_t pos = 0;
  while (true) {
    size_t eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) return false;
    std::string_view line = body.substr(pos, eol - pos);
    std::string_view hex = trim(line.substr(0, line.find(';')));
    if (hex.empty()) return false;
    size_t size = 0;
    for (char c : hex) {
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0 || size > (SIZE_MAX >> 4)) return false;
      size = size * 16 + static_cast<size_t>(d);
    }
    pos = eol + 2;
    if (size == 0) break;
    if (size > body.size() - pos) return false;
    data.append(body.substr(pos, size));
    pos += size;
    if (body.substr(pos, 2) != "\r\n") return false;
    pos += 2;
  }
  while (pos < body.size()) {
    size_t eol = body.find("\r\n", pos);
    std::string_view line = body.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? body.size() : eol + 2;
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    std::string name(trim(line.substr(0, colon)));
    if (iequals(name, "x-amz-trailer-signature")) continue;
    trailers.push_back({std::move(name), std::string(trim(line.substr(colon + 1)))});
  }
  return true;
}

}  // namespace rest_xml_detail

using namespace rest_xml_detail;

namespace {

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// Content-Encoding without its "aws-chunked" token ("" if nothing else).
std::string without_token(std::string_view list, std::string_view token) {
  std::string out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    if (!item.empty() && !iequals(item, token)) {
      if (!out.empty()) out += ", ";
      out += item;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

Result<DecodedRequest> decode_rest_xml(const ServiceModel& model, const HttpRequest& req, const RestMatch& match) {
  if (!match.op) return AwsError::InternalFailure("decode_rest_xml: no operation");
  const Operation& op = *match.op;
  DecodedRequest out;
  out.op = &op;
  if (!op.input) return out;

  const UriTemplate& t = uri_template(op.request_uri);
  std::vector<std::pair<std::string, std::string>> labels = match.labels;
  bool has_labels = false;
  for (const auto& p : t.path) has_labels = has_labels || p.label;
  if (labels.empty() && has_labels) match_path(t, req.path(), labels);  // a hand-made RestMatch: path-style
  auto query = parse_query(req.query());

  const std::vector<Header>* headers = &req.headers;
  std::string_view body = req.body;
  std::vector<Header> effective;
  std::string dechunked;
  const std::string* sha = req.header("x-amz-content-sha256");
  const std::string* encoding = req.header("Content-Encoding");
  bool chunked = (sha && sha->rfind("STREAMING-", 0) == 0) || (encoding && has_token(*encoding, "aws-chunked"));
  if (chunked) {
    // The body may still be framed, or the pipeline may already have replaced it with the payload
    // the authenticator de-chunked (its size is then x-amz-decoded-content-length; framing always
    // adds bytes). Framed bodies are de-chunked here without checking chunk signatures.
    const std::string* decoded_length = req.header("x-amz-decoded-content-length");
    std::vector<Header> trailers;
    bool already_decoded = body.empty() || (decoded_length && *decoded_length == std::to_string(body.size()));
    if (!already_decoded) {
      if (!decode_aws_chunked(body, dechunked, trailers))
        return AwsError::InvalidRequest("The aws-chunked request body is malformed.");
      body = dechunked;
    }
    std::string length = decoded_length ? *decoded_length : std::to_string(body.size());
    for (const auto& h : req.headers) {
      if (iequals(h.name, "Content-Length")) {
        effective.push_back({h.name, length});
      } else if (iequals(h.name, "Content-Encoding")) {
        std::string rest = without_token(h.value, "aws-chunked");
        if (!rest.empty()) effective.push_back({h.name, std::move(rest)});
      } else {
        effective.push_back(h);
      }
    }
    if (!req.header("Content-Length")) effective.push_back({"Content-Length", length});  // Transfer-Encoding: chunked
    for (auto& tr : trailers) effective.push_back(std::move(tr));
    headers = &effective;
  }

  WireMessage msg;
  msg.is_request = true;
  msg.headers = headers;
  msg.body = body;
  msg.query = &query;
  msg.labels = &labels;
  msg.literal_query = &t.query;
  auto params = read_message(*op.input, msg);
  if (!params) return std::move(params).error();
  auto st = check_required(*op.input, *params);
  if (!st) return std::move(st).error();
  out.params = std::move(params).value();
  (void)model;
  return out;
}

}  // namespace orgroot::protocol
