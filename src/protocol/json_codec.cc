// The AWS json 1.0 / 1.1 protocols: X-Amz-Target dispatch, typed decoding of the JSON body into the
// shared value convention, and response / error encoding straight into a string.
#include <cmath>

#include <boost/json.hpp>

#include "protocol/codec.h"
#include "protocol/wire_format.h"

namespace orgroot::protocol {

namespace json = boost::json;

namespace {

// ------------------------------------------------------------------ decoding

const char* token_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return "STRING_VALUE";
    case json::kind::int64:
    case json::kind::uint64: return "NUMBER_VALUE";
    case json::kind::double_: return "NUMBER_VALUE";
    case json::kind::bool_: return v.get_bool() ? "TRUE_VALUE" : "FALSE_VALUE";
    case json::kind::array: return "START_ARRAY";
    case json::kind::object: return "START_OBJECT";
    case json::kind::null: return "NULL";
  }
  return "VALUE";
}

class JsonDecoder {
 public:
  AwsError error;

  bool structure(const Shape& s, const json::value& in, json::object& out) {
    if (!in.is_object()) return mismatch(in, "Structure");
    const auto& obj = in.get_object();
    for (const auto& m : s.members) {
      const json::value* v = obj.if_contains(serialized_name(m));
      if (!v || v->is_null()) continue;
      json::value decoded;
      if (!value(*m.shape, m, *v, decoded)) return false;
      out.emplace(m.name, std::move(decoded));
    }
    return true;
  }

 private:
  bool mismatch(const json::value& got, const char* want) {
    if (got.is_object()) error = AwsError::SerializationException("Start of structure or map found where not expected.");
    else if (got.is_array()) error = AwsError::SerializationException("Start of list found where not expected");
    else error = AwsError::SerializationException(std::string(token_name(got)) + " can not be converted to " + want);
    return false;
  }

  bool value(const Shape& s, const Member& ref, const json::value& in, json::value& out) {
    switch (s.type) {
      case ShapeType::Structure: {
        json::object o;
        if (!structure(s, in, o)) return false;
        out = std::move(o);
        return true;
      }
      case ShapeType::List: {
        if (!in.is_array()) return mismatch(in, "List");
        json::array a;
        a.reserve(in.get_array().size());
        for (const auto& e : in.get_array()) {
          if (e.is_null()) continue;
          json::value d;
          if (!value(*s.member.shape, s.member, e, d)) return false;
          a.push_back(std::move(d));
        }
        out = std::move(a);
        return true;
      }
      case ShapeType::Map: {
        if (!in.is_object()) return mismatch(in, "Map");
        json::object o;
        for (const auto& kv : in.get_object()) {
          if (kv.value().is_null()) continue;
          json::value d;
          if (!value(*s.value.shape, s.value, kv.value(), d)) return false;
          o.emplace(kv.key(), std::move(d));
        }
        out = std::move(o);
        return true;
      }
      case ShapeType::String:
        if (!in.is_string()) return mismatch(in, "String");
        out = in;
        return true;
      case ShapeType::Integer:
      case ShapeType::Long: {
        int64_t n;
        if (in.is_string() || !json_int(in, n)) return mismatch(in, s.type == ShapeType::Long ? "Long" : "Integer");
        out = n;
        return true;
      }
      case ShapeType::Float:
      case ShapeType::Double:
      case ShapeType::BigDecimal: {
        double d;
        if (in.is_string()) {
          std::string_view t = in.get_string();
          if (t == "NaN") d = std::nan("");
          else if (t == "Infinity") d = HUGE_VAL;
          else if (t == "-Infinity") d = -HUGE_VAL;
          else return mismatch(in, "Double");
        } else if (!json_number(in, d)) {
          return mismatch(in, "Double");
        }
        out = d;
        return true;
      }
      case ShapeType::Boolean:
        if (!in.is_bool()) return mismatch(in, "Boolean");
        out = in.get_bool();
        return true;
      case ShapeType::Timestamp: {
        double t;
        if (in.is_string()) {
          if (!parse_timestamp(in.get_string(), t)) return mismatch(in, "Date");
        } else if (!json_number(in, t)) {
          return mismatch(in, "Date");
        }
        out = t;
        return true;
      }
      case ShapeType::Blob: {
        if (!in.is_string()) return mismatch(in, "ByteBuffer");
        std::string raw;
        if (!base64_decode(in.get_string(), raw)) {
          error = AwsError::SerializationException("Base64 encoded value could not be decoded");
          return false;
        }
        out = json::string(raw);
        return true;
      }
      case ShapeType::Document:
      case ShapeType::Unknown:
        out = in;
        return true;
    }
    (void)ref;
    return true;
  }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ------------------------------------------------------------------ encoding

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void structure(const Shape& s, const json::value& v) {
    if (!v.is_object()) {
      out_.append("{}");
      return;
    }
    // Model order, as AWS writes them; keys that are not members of the shape are never sent.
    out_.push_back('{');
    bool first = true;
    const auto& o = v.get_object();
    if (!o.empty()) {
      for (const auto& m : s.members) {
        const json::value* x = o.if_contains(m.name);
        if (!x || x->is_null()) continue;
        if (!first) out_.push_back(',');
        first = false;
        append_json_string(out_, serialized_name(m));
        out_.push_back(':');
        value(*m.shape, m, *x);
      }
    }
    out_.push_back('}');
  }

 private:
  std::string& out_;

  void value(const Shape& s, const Member& ref, const json::value& v) {
    switch (s.type) {
      case ShapeType::Structure:
        structure(s, v);
        return;
      case ShapeType::List: {
        out_.push_back('[');
        if (v.is_array()) {
          bool first = true;
          for (const auto& e : v.get_array()) {
            if (e.is_null()) continue;
            if (!first) out_.push_back(',');
            first = false;
            value(*s.member.shape, s.member, e);
          }
        }
        out_.push_back(']');
        return;
      }
      case ShapeType::Map: {
        out_.push_back('{');
        if (v.is_object()) {
          bool first = true;
          for (const auto& kv : v.get_object()) {
            if (kv.value().is_null()) continue;
            if (!first) out_.push_back(',');
            first = false;
            append_json_string(out_, kv.key());
            out_.push_back(':');
            value(*s.value.shape, s.value, kv.value());
          }
        }
        out_.push_back('}');
        return;
      }
      case ShapeType::Integer:
      case ShapeType::Long: {
        int64_t n;
        if (json_int(v, n)) append_int(out_, n);
        else raw(v);
        return;
      }
      case ShapeType::Float:
      case ShapeType::Double:
      case ShapeType::BigDecimal: {
        double d;
        if (!json_number(v, d)) {
          raw(v);
        } else if (!std::isfinite(d)) {
          out_.push_back('"');
          append_double(out_, d);
          out_.push_back('"');
        } else {
          append_double(out_, d);
        }
        return;
      }
      case ShapeType::Timestamp: {
        double t;
        if (!json_number(v, t)) {
          if (!v.is_string() || !parse_timestamp(v.get_string(), t)) {
            raw(v);
            return;
          }
        }
        auto fmt = timestamp_format(timestamp_format_of(ref), TimestampFormat::EpochSeconds);
        if (fmt == TimestampFormat::EpochSeconds) {
          append_epoch_seconds(out_, t);
        } else {
          out_.push_back('"');
          append_timestamp(out_, t, fmt);
          out_.push_back('"');
        }
        return;
      }
      case ShapeType::Blob:
        if (v.is_string()) {
          out_.push_back('"');
          append_base64(out_, v.get_string());
          out_.push_back('"');
        } else {
          raw(v);
        }
        return;
      case ShapeType::String:
        if (v.is_string()) append_json_string(out_, v.get_string());
        else raw(v);
        return;
      default:
        raw(v);
        return;
    }
  }

  void raw(const json::value& v) {
    if (v.is_string()) append_json_string(out_, v.get_string());
    else out_.append(json::serialize(v));
  }
};

std::string content_type(const ServiceModel& model) {
  return "application/x-amz-json-" + (model.json_version.empty() ? std::string("1.0") : model.json_version);
}

}  // namespace

Result<DecodedRequest> decode_json(const ServiceModel& model, const HttpRequest& req) {
  const std::string* target = req.header("X-Amz-Target");
  if (!target) return AwsError::UnknownOperation();
  std::string_view t(*target);
  auto dot = t.rfind('.');
  if (dot == std::string_view::npos || !target_prefix_matches(model.target_prefix, t.substr(0, dot)))
    return AwsError::UnknownOperation();
  const Operation* op = model.find_operation(t.substr(dot + 1));
  if (!op) return AwsError::UnknownOperation();

  DecodedRequest out;
  out.op = op;
  std::string_view body = trim(req.body);
  json::value doc;
  if (!body.empty()) {
    boost::system::error_code ec;
    doc = json::parse(body, ec);
    if (ec) return AwsError::SerializationException("Malformed JSON request body");
    if (!doc.is_object()) {
      if (doc.is_null()) doc = json::object();
      else return AwsError::SerializationException("Start of list found where not expected");
    }
  } else {
    doc = json::object();
  }
  if (!op->input) return out;
  JsonDecoder dec;
  if (!dec.structure(*op->input, doc, out.params)) return std::move(dec.error);
  json::value as_value(std::move(out.params));
  auto violations = validate(model, *op->input, as_value);
  if (!violations.empty()) return AwsError::ValidationException(format_violations(violations));
  out.params = std::move(as_value.get_object());
  return out;
}

HttpResponse encode_json_result(const ServiceModel& model, const Operation& op, const json::value& result,
                                std::string_view request_id) {
  HttpResponse resp;
  resp.status = op.http_response_code ? op.http_response_code : 200;
  resp.headers.push_back({"Content-Type", content_type(model)});
  resp.headers.push_back({"x-amzn-RequestId", std::string(request_id)});
  if (op.output) {
    resp.body.reserve(256);
    JsonWriter(resp.body).structure(*op.output, result);
  } else {
    resp.body = "{}";
  }
  return resp;
}

HttpResponse encode_json_error(const ServiceModel& model, const AwsError& error, std::string_view request_id) {
  HttpResponse resp;
  resp.status = error.http_status;
  resp.headers.push_back({"Content-Type", content_type(model)});
  resp.headers.push_back({"x-amzn-RequestId", std::string(request_id)});
  const Shape* shape = model.find_error_shape(error.code);
  if (model.aws_query_compatible) {
    std::string q = error.query_code;
    if (q.empty()) q = shape && !shape->error.code.empty() ? shape->error.code : error.code;
    q.append(error.sender_fault ? ";Sender" : ";Receiver");
    resp.headers.push_back({"x-amzn-query-error", std::move(q)});
  }
  // The message member: as the error shape spells it, else the service's usual casing.
  std::string_view msg_key = model.json_error_message_key;
  if (shape) {
    if (shape->find_member("Message")) msg_key = "Message";
    else if (shape->find_member("message")) msg_key = "message";
  }
  std::string& b = resp.body;
  b.reserve(64 + error.message.size());
  b.append("{\"__type\":");
  std::string type = model.json_error_type_prefix;
  type.append(shape ? shape->name : error.code);
  append_json_string(b, type);
  if (!error.message.empty()) {
    b.push_back(',');
    append_json_string(b, msg_key);
    b.push_back(':');
    append_json_string(b, error.message);
  }
  for (const auto& [k, v] : error.extra) {
    b.push_back(',');
    append_json_string(b, k);
    b.push_back(':');
    append_json_string(b, v);
  }
  b.push_back('}');
  return resp;
}

}  // namespace orgroot::protocol
