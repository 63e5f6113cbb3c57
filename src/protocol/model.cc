// Loading botocore-style service models into the typed structures of model.h.
#include "protocol/model.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "protocol/pattern.h"

namespace orgroot::protocol {

namespace json = boost::json;

std::string_view shape_type_name(ShapeType t) {
  switch (t) {
    case ShapeType::Structure: return "structure";
    case ShapeType::List: return "list";
    case ShapeType::Map: return "map";
    case ShapeType::String: return "string";
    case ShapeType::Integer: return "integer";
    case ShapeType::Long: return "long";
    case ShapeType::Float: return "float";
    case ShapeType::Double: return "double";
    case ShapeType::Boolean: return "boolean";
    case ShapeType::Timestamp: return "timestamp";
    case ShapeType::Blob: return "blob";
    case ShapeType::BigDecimal: return "bigdecimal";
    case ShapeType::Document: return "document";
    case ShapeType::Unknown: break;
  }
  return "unknown";
}

const Member* Shape::find_member(std::string_view member_name) const {
  auto it = member_index.find(member_name);
  return it == member_index.end() ? nullptr : &members[it->second];
}

namespace {

ShapeType parse_type(std::string_view t) {
  if (t == "structure") return ShapeType::Structure;
  if (t == "list") return ShapeType::List;
  if (t == "map") return ShapeType::Map;
  if (t == "string") return ShapeType::String;
  if (t == "integer") return ShapeType::Integer;
  if (t == "long") return ShapeType::Long;
  if (t == "float") return ShapeType::Float;
  if (t == "double") return ShapeType::Double;
  if (t == "boolean") return ShapeType::Boolean;
  if (t == "timestamp") return ShapeType::Timestamp;
  if (t == "blob") return ShapeType::Blob;
  if (t == "bigdecimal") return ShapeType::BigDecimal;
  return ShapeType::Unknown;
}

std::string str_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->get_string());
  return {};
}

bool bool_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

// Reads a numeric constraint; keeps the text as written for messages.
void number_of(const json::object& o, std::string_view key, std::optional<double>& out, std::string& text) {
  auto* v = o.if_contains(key);
  if (!v) return;
  if (v->is_int64()) {
    out = static_cast<double>(v->get_int64());
    text = std::to_string(v->get_int64());
  } else if (v->is_uint64()) {
    out = static_cast<double>(v->get_uint64());
    text = std::to_string(v->get_uint64());
  } else if (v->is_double()) {
    out = v->get_double();
    char buf[40];
    auto r = std::to_chars(buf, buf + sizeof buf, *out);  // shortest form: "1.5", not "1.5E0"
    text.assign(buf, r.ptr);
  }
}

AwsError load_error(std::string msg) { return AwsError::InternalFailure("service model: " + std::move(msg)); }

// Deep merge: objects merge key by key, anything else replaces.
void deep_merge(json::value& into, const json::value& from) {
  if (into.is_object() && from.is_object()) {
    auto& dst = into.get_object();
    for (const auto& kv : from.get_object()) {
      auto it = dst.find(kv.key());
      if (it == dst.end()) dst.emplace(kv.key(), kv.value());
      else deep_merge(it->value(), kv.value());
    }
    return;
  }
  into = from;
}

Result<json::value> read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return load_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(ss.str(), ec);
  if (ec) return load_error(path + ": " + ec.message());
  return doc;
}

}  // namespace

// "xmlNamespace" is either {"prefix": p, "uri": u} or just the uri.
static void read_namespace(const json::object& o, std::string& prefix, std::string& uri) {
  auto* ns = o.if_contains("xmlNamespace");
  if (!ns) return;
  if (ns->is_string()) {
    uri = std::string(ns->get_string());
  } else if (ns->is_object()) {
    prefix = str_of(ns->get_object(), "prefix");
    uri = str_of(ns->get_object(), "uri");
  }
}

// Friend of ServiceModel: fills its private indexes.
class ModelLoader {
 public:
  static void read_member(const json::object& o, std::string name, Member& m) {
    m.name = std::move(name);
    m.shape_name = str_of(o, "shape");
    m.location = str_of(o, "location");
    m.location_name = str_of(o, "locationName");
    m.query_name = str_of(o, "queryName");
    m.timestamp_format = str_of(o, "timestampFormat");
    read_namespace(o, m.xml_namespace_prefix, m.xml_namespace_uri);
    m.flattened = bool_of(o, "flattened");
    m.xml_attribute = bool_of(o, "xmlAttribute");
    m.host_label = bool_of(o, "hostLabel");
    m.idempotency_token = bool_of(o, "idempotencyToken");
    m.streaming = bool_of(o, "streaming");
    m.event_payload = bool_of(o, "eventpayload");
    m.json_value = bool_of(o, "jsonvalue");
    m.deprecated = bool_of(o, "deprecated");
  }

  static Status read_shape(const std::string& name, const json::object& o, Shape& s) {
    s.name = name;
    s.type_name = str_of(o, "type");
    s.type = parse_type(s.type_name);
    if (s.type == ShapeType::Unknown) return load_error("shape " + name + " has unknown type '" + s.type_name + "'");
    s.document = bool_of(o, "document");
    if (s.document) s.type = ShapeType::Document;
    if (auto* mem = o.if_contains("members"); mem && mem->is_object()) {
      for (const auto& kv : mem->get_object()) {
        if (!kv.value().is_object()) return load_error("member " + name + "." + std::string(kv.key()) + " is not an object");
        Member m;
        read_member(kv.value().get_object(), std::string(kv.key()), m);
        s.member_index.emplace(m.name, s.members.size());
        s.members.push_back(std::move(m));
      }
    }
    if (auto* req = o.if_contains("required"); req && req->is_array()) {
      for (const auto& r : req->get_array())
        if (r.is_string()) s.required.emplace_back(r.get_string());
    }
    for (const auto& r : s.required) {
      auto it = s.member_index.find(r);
      if (it != s.member_index.end()) s.members[it->second].required = true;
    }
    if (auto* m = o.if_contains("member"); m && m->is_object()) read_member(m->get_object(), "member", s.member);
    if (auto* m = o.if_contains("key"); m && m->is_object()) read_member(m->get_object(), "key", s.key);
    if (auto* m = o.if_contains("value"); m && m->is_object()) read_member(m->get_object(), "value", s.value);
    s.payload = str_of(o, "payload");
    s.is_union = bool_of(o, "union");
    s.exception = bool_of(o, "exception");
    s.fault = bool_of(o, "fault");
    if (auto* e = o.if_contains("error"); e && e->is_object()) {
      const auto& eo = e->get_object();
      s.error.present = true;
      s.error.code = str_of(eo, "code");
      if (auto* st = eo.if_contains("httpStatusCode"); st && st->is_int64()) s.error.http_status = static_cast<int>(st->get_int64());
      s.error.sender_fault = bool_of(eo, "senderFault");
    }
    s.flattened = bool_of(o, "flattened");
    number_of(o, "min", s.min, s.min_text);
    number_of(o, "max", s.max, s.max_text);
    s.pattern = str_of(o, "pattern");
    if (auto* en = o.if_contains("enum"); en && en->is_array()) {
      for (const auto& e : en->get_array())
        if (e.is_string()) s.enum_values.emplace_back(e.get_string());
    }
    s.location_name = str_of(o, "locationName");
    read_namespace(o, s.xml_namespace_prefix, s.xml_namespace_uri);
    s.timestamp_format = str_of(o, "timestampFormat");
    s.streaming = bool_of(o, "streaming");
    s.sensitive = bool_of(o, "sensitive");
    s.event = bool_of(o, "event");
    s.eventstream = bool_of(o, "eventstream");
    s.deprecated = bool_of(o, "deprecated");
    return OkStatus();
  }

  static Status resolve(ServiceModel& model, Member& m, const std::string& owner) {
    if (m.shape_name.empty()) return load_error("member " + owner + "." + m.name + " has no shape");
    const Shape* target = model.find_shape(m.shape_name);
    if (!target) return load_error("member " + owner + "." + m.name + " refers to unknown shape " + m.shape_name);
    m.shape = target;
    return OkStatus();
  }

  static Status load_shapes(ServiceModel& model, const json::object& shapes) {
    model.shapes.reserve(shapes.size());
    for (const auto& kv : shapes) {
      if (!kv.value().is_object()) return load_error("shape " + std::string(kv.key()) + " is not an object");
      Shape& s = model.shapes[std::string(kv.key())];
      auto st = read_shape(std::string(kv.key()), kv.value().get_object(), s);
      if (!st) return st;
    }
    // Second pass: resolve references (pointers into the node-based map stay valid).
    for (auto& [name, s] : model.shapes) {
      for (auto& m : s.members) {
        auto st = resolve(model, m, name);
        if (!st) return st;
      }
      if (s.type == ShapeType::List) {
        auto st = resolve(model, s.member, name);
        if (!st) return st;
      }
      if (s.type == ShapeType::Map) {
        auto st = resolve(model, s.key, name);
        if (!st) return st;
        st = resolve(model, s.value, name);
        if (!st) return st;
      }
      if (!s.pattern.empty()) s.pattern_matcher = PatternMatcher::compile(s.pattern);
      if (s.error.present || s.exception) {
        model.error_codes_.emplace(name, &s);
        if (!s.error.code.empty()) model.error_codes_[s.error.code] = &s;
      }
    }
    return OkStatus();
  }

  static Result<const Operation*> load_operation(ServiceModel& model, const json::object& o) {
    std::string name = str_of(o, "name");
    if (name.empty()) return load_error("operation without a name");
    Operation op;
    op.name = name;
    if (auto* http = o.if_contains("http"); http && http->is_object()) {
      const auto& h = http->get_object();
      if (auto m = str_of(h, "method"); !m.empty()) op.http_method = std::move(m);
      if (auto u = str_of(h, "requestUri"); !u.empty()) op.request_uri = std::move(u);
      if (auto* rc = h.if_contains("responseCode"); rc && rc->is_int64()) op.http_response_code = static_cast<int>(rc->get_int64());
    }
    if (auto* in = o.if_contains("input"); in && in->is_object()) {
      const auto& io = in->get_object();
      auto shape = str_of(io, "shape");
      op.input = model.find_shape(shape);
      if (!op.input) return load_error("operation " + name + " input refers to unknown shape " + shape);
      op.input_location_name = str_of(io, "locationName");
      std::string prefix;
      read_namespace(io, prefix, op.input_xml_namespace);
    }
    if (auto* out = o.if_contains("output"); out && out->is_object()) {
      const auto& oo = out->get_object();
      auto shape = str_of(oo, "shape");
      op.output = model.find_shape(shape);
      if (!op.output) return load_error("operation " + name + " output refers to unknown shape " + shape);
      op.result_wrapper = str_of(oo, "resultWrapper");
    }
    if (auto* errs = o.if_contains("errors"); errs && errs->is_array()) {
      for (const auto& e : errs->get_array()) {
        if (!e.is_object()) continue;
        auto shape = str_of(e.get_object(), "shape");
        const Shape* es = model.find_shape(shape);
        if (!es) return load_error("operation " + name + " error refers to unknown shape " + shape);
        op.errors.push_back(es);
      }
    }
    if (auto* ep = o.if_contains("endpoint"); ep && ep->is_object()) op.endpoint_host_prefix = str_of(ep->get_object(), "hostPrefix");
    op.auth_type = str_of(o, "authtype");
    op.idempotent = bool_of(o, "idempotent");
    op.deprecated = bool_of(o, "deprecated");
    op.unsigned_payload = bool_of(o, "unsignedPayload");
    if (auto* hc = o.if_contains("httpChecksum"); hc && hc->is_object()) op.http_checksum_required = bool_of(hc->get_object(), "requestChecksumRequired");
    if (auto* hc = o.if_contains("httpChecksumRequired"); hc && hc->is_bool()) op.http_checksum_required = op.http_checksum_required || hc->get_bool();
    auto [it, inserted] = model.operations.insert_or_assign(name, std::move(op));
    return &it->second;
  }

  static Result<ServiceModel> from_json(const json::value& doc, std::string name) {
    if (!doc.is_object()) return load_error("document is not an object");
    const auto& root = doc.get_object();
    ServiceModel model;
    model.name = std::move(name);
    if (auto* md = root.if_contains("metadata"); md && md->is_object()) {
      const auto& m = md->get_object();
      model.protocol = str_of(m, "protocol");
      model.api_version = str_of(m, "apiVersion");
      model.target_prefix = str_of(m, "targetPrefix");
      model.json_version = str_of(m, "jsonVersion");
      model.xml_namespace = str_of(m, "xmlNamespace");
      model.endpoint_prefix = str_of(m, "endpointPrefix");
      model.signing_name = str_of(m, "signingName");
      if (model.signing_name.empty()) model.signing_name = model.endpoint_prefix;
      model.service_id = str_of(m, "serviceId");
      model.service_full_name = str_of(m, "serviceFullName");
      model.global_endpoint = str_of(m, "globalEndpoint");
      model.uid = str_of(m, "uid");
      model.aws_query_compatible = m.contains("awsQueryCompatible");
    }
    if (model.name.empty()) model.name = model.endpoint_prefix;
    if (auto* sh = root.if_contains("shapes"); sh && sh->is_object()) {
      auto st = load_shapes(model, sh->get_object());
      if (!st) return std::move(st).error();
    }
    if (auto* ops = root.if_contains("operations"); ops && ops->is_object()) {
      model.operations.reserve(ops->get_object().size());
      for (const auto& kv : ops->get_object()) {
        if (!kv.value().is_object()) return load_error("operation " + std::string(kv.key()) + " is not an object");
        auto r = load_operation(model, kv.value().get_object());
        if (!r) return std::move(r).error();
      }
    }
    derive_json_error_style(model);
    return model;
  }

  // json error envelopes: json 1.0 services (SQS) qualify "__type" with the service namespace,
  // json 1.1 services (Organizations, CloudTrail) send the bare code. The message member follows
  // the casing of the service's modeled exceptions ("Message" for Organizations).
  static void derive_json_error_style(ServiceModel& model) {
    model.json_error_type_prefix.clear();
    if (model.protocol == "json" && model.json_version == "1.0" && !model.endpoint_prefix.empty())
      model.json_error_type_prefix = "com.amazonaws." + model.endpoint_prefix + "#";
    size_t lower = 0, upper = 0;
    for (const auto& [name, s] : model.shapes) {
      if (!s.exception) continue;
      if (s.find_member("message")) ++lower;
      if (s.find_member("Message")) ++upper;
    }
    model.json_error_message_key = upper > lower ? "Message" : "message";
  }

  static Result<const Operation*> add_operation(ServiceModel& model, const json::value& op) {
    if (!op.is_object()) return load_error("operation is not an object");
    return load_operation(model, op.get_object());
  }
};

Result<ServiceModel> ServiceModel::from_json(const json::value& doc, std::string name) {
  return ModelLoader::from_json(doc, std::move(name));
}

Result<const Operation*> ServiceModel::add_operation_json(const json::value& op) {
  return ModelLoader::add_operation(*this, op);
}

Result<ServiceModel> ServiceModel::load_file(const std::string& path) {
  auto doc = read_json_file(path);
  if (!doc) return std::move(doc).error();
  std::filesystem::path p(path);
  auto overlay = p.parent_path() / "query-compat" / p.filename();
  std::error_code ec;
  if (std::filesystem::is_regular_file(overlay, ec)) {
    auto extra = read_json_file(overlay.string());
    if (!extra) return std::move(extra).error();
    // Traits for shapes this model version no longer has are dropped, not turned into shapes.
    if (auto* xs = extra->is_object() ? extra->get_object().if_contains("shapes") : nullptr; xs && xs->is_object()) {
      const json::value* base = doc->is_object() ? doc->get_object().if_contains("shapes") : nullptr;
      for (auto it = xs->get_object().begin(); it != xs->get_object().end();) {
        if (!base || !base->is_object() || !base->get_object().contains(it->key())) it = xs->get_object().erase(it);
        else ++it;
      }
    }
    deep_merge(*doc, *extra);
  }
  return from_json(*doc, p.stem().string());
}

const Operation* ServiceModel::find_operation(std::string_view op_name) const {
  auto it = operations.find(op_name);
  return it == operations.end() ? nullptr : &it->second;
}

const Shape* ServiceModel::find_shape(std::string_view shape_name) const {
  auto it = shapes.find(shape_name);
  return it == shapes.end() ? nullptr : &it->second;
}

const Shape* ServiceModel::find_error_shape(std::string_view code) const {
  auto it = error_codes_.find(code);
  return it == error_codes_.end() ? nullptr : it->second;
}

// ---- ModelRegistry ----

Result<ModelRegistry> ModelRegistry::load_dir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  if (ec) return load_error("cannot list " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  ModelRegistry reg;
  for (const auto& f : files) {
    auto m = ServiceModel::load_file(f.string());
    if (!m) return std::move(m).error();
    reg.add(std::move(m).value());
  }
  return reg;
}

void ModelRegistry::add(ServiceModel model) {
  for (auto& m : models_) {
    if (m->name == model.name) {
      *m = std::move(model);
      return;
    }
  }
  models_.push_back(std::make_unique<ServiceModel>(std::move(model)));
}

const ServiceModel* ModelRegistry::by_name(std::string_view name) const {
  for (const auto& m : models_)
    if (m->name == name) return m.get();
  return nullptr;
}

const ServiceModel* ModelRegistry::by_signing_name(std::string_view name) const {
  for (const auto& m : models_)
    if (m->signing_name == name) return m.get();
  return nullptr;
}

const ServiceModel* ModelRegistry::by_endpoint_prefix(std::string_view prefix) const {
  for (const auto& m : models_)
    if (m->endpoint_prefix == prefix) return m.get();
  return nullptr;
}

bool target_prefix_matches(std::string_view model_prefix, std::string_view sent) {
  if (sent == model_prefix) return true;
  // Some SDKs send only the last dotted part ("CloudTrail_20131101" for
  // "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101").
  return !sent.empty() && model_prefix.size() > sent.size() &&
         model_prefix.substr(model_prefix.size() - sent.size()) == sent &&
         model_prefix[model_prefix.size() - sent.size() - 1] == '.';
}

const ServiceModel* ModelRegistry::by_target_prefix(std::string_view prefix) const {
  for (const auto& m : models_)
    if (!m->target_prefix.empty() && target_prefix_matches(m->target_prefix, prefix)) return m.get();
  return nullptr;
}

const ServiceModel* ModelRegistry::by_target(std::string_view target, const Operation** op) const {
  auto dot = target.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  const ServiceModel* m = by_target_prefix(target.substr(0, dot));
  if (!m) return nullptr;
  const Operation* o = m->find_operation(target.substr(dot + 1));
  if (!o) return nullptr;
  if (op) *op = o;
  return m;
}

}  // namespace orgroot::protocol
