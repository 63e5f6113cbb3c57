// Query-protocol responses: XML appended straight into the response body (no DOM).
//   <OpResponse xmlns=NS><OpResult>...</OpResult><ResponseMetadata><RequestId>id</RequestId>
//   </ResponseMetadata></OpResponse>
// and the error envelope <ErrorResponse xmlns=NS><Error>...</Error><RequestId>id</RequestId></ErrorResponse>.
#include <cmath>

#include <boost/json.hpp>

#include "protocol/codec.h"
#include "protocol/wire_format.h"

namespace orgroot::protocol {

namespace json = boost::json;

namespace {

// Element name of a list member / map key / map value in query XML: its queryName (legacy names of
// query-compatible json services), else its locationName, else `dflt`.
std::string_view element_name(const Member& m, std::string_view dflt) {
  if (!m.query_name.empty()) return m.query_name;
  if (!m.location_name.empty()) return m.location_name;
  return dflt;
}

std::string_view member_element(const Member& m) {
  if (!m.query_name.empty()) return m.query_name;
  return serialized_name(m);
}

class XmlWriter {
 public:
  explicit XmlWriter(std::string& out) : out_(out) {}

  // The members of a structure value, as children of an already open element, in model order (as
  // AWS writes them); keys that are not members of the shape are never sent.
  void members(const Shape& s, const json::value& v) {
    if (!v.is_object()) return;
    const auto& o = v.get_object();
    if (o.empty()) return;
    for (const auto& m : s.members) {
      if (m.xml_attribute) continue;
      const json::value* x = o.if_contains(m.name);
      if (x && !x->is_null()) member(m, *x);
    }
  }

 private:
  std::string& out_;

  void open(std::string_view name, const Member& ref, const Shape* attrs_of = nullptr, const json::value* v = nullptr) {
    out_.push_back('<');
    out_.append(name);
    std::string_view uri = xml_namespace_uri_of(ref);
    if (!uri.empty()) {
      std::string_view prefix = xml_namespace_prefix_of(ref);
      out_.append(prefix.empty() ? " xmlns" : " xmlns:");
      out_.append(prefix);
      out_.append("=\"");
      append_xml_escaped(out_, uri);
      out_.push_back('"');
    }
    if (attrs_of && v && v->is_object()) {
      for (const auto& m : attrs_of->members) {
        if (!m.xml_attribute) continue;
        const json::value* a = v->get_object().if_contains(m.name);
        if (!a || a->is_null()) continue;
        out_.push_back(' ');
        out_.append(serialized_name(m));
        out_.append("=\"");
        scalar_text(*m.shape, m, *a);
        out_.push_back('"');
      }
    }
    out_.push_back('>');
  }

  void close(std::string_view name) {
    out_.append("</");
    out_.append(name);
    out_.push_back('>');
  }

  void member(const Member& m, const json::value& v) {
    const Shape& s = *m.shape;
    if (s.type == ShapeType::List && is_flattened(m)) {
      if (!v.is_array()) return;
      // A flattened list repeats its elements in place of the member, under the member's name (the
      // list member's locationName does not apply), or under the list member's legacy queryName.
      std::string_view name = s.member.query_name.empty() ? member_element(m) : std::string_view(s.member.query_name);
      for (const auto& e : v.get_array()) {
        if (!e.is_null()) element(name, s.member, e);
      }
      return;
    }
    if (s.type == ShapeType::Map && is_flattened(m)) {
      if (!v.is_object()) return;
      std::string_view name = member_element(m);
      for (const auto& kv : v.get_object()) {
        if (kv.value().is_null()) continue;
        open(name, m);
        map_entry(s, kv.key(), kv.value());
        close(name);
      }
      return;
    }
    element(member_element(m), m, v);
  }

  void map_entry(const Shape& s, std::string_view key, const json::value& value) {
    std::string_view kname = element_name(s.key, "key");
    open(kname, s.key);
    append_xml_escaped(out_, key);
    close(kname);
    element(element_name(s.value, "value"), s.value, value);
  }

  // <name>value</name> for any shape.
  void element(std::string_view name, const Member& ref, const json::value& v) {
    const Shape& s = *ref.shape;
    switch (s.type) {
      case ShapeType::Structure:
        open(name, ref, &s, &v);
        members(s, v);
        close(name);
        return;
      case ShapeType::List: {
        open(name, ref);
        if (v.is_array()) {
          std::string_view item = element_name(s.member, "member");
          for (const auto& e : v.get_array()) {
            if (!e.is_null()) element(item, s.member, e);
          }
        }
        close(name);
        return;
      }
      case ShapeType::Map:
        open(name, ref);
        if (v.is_object()) {
          for (const auto& kv : v.get_object()) {
            if (kv.value().is_null()) continue;
            out_.append("<entry>");
            map_entry(s, kv.key(), kv.value());
            out_.append("</entry>");
          }
        }
        close(name);
        return;
      default:
        open(name, ref);
        scalar_text(s, ref, v);
        close(name);
        return;
    }
  }

  void scalar_text(const Shape& s, const Member& ref, const json::value& v) {
    switch (s.type) {
      case ShapeType::Boolean:
        if (v.is_bool()) {
          out_.append(v.get_bool() ? "true" : "false");
          return;
        }
        break;
      case ShapeType::Integer:
      case ShapeType::Long: {
        int64_t n;
        if (json_int(v, n)) {
          append_int(out_, n);
          return;
        }
        break;
      }
      case ShapeType::Float:
      case ShapeType::Double:
      case ShapeType::BigDecimal: {
        double d;
        if (json_number(v, d)) {
          append_double(out_, d);
          return;
        }
        break;
      }
      case ShapeType::Timestamp: {
        double t;
        if (json_number(v, t) || (v.is_string() && parse_timestamp(v.get_string(), t))) {
          append_timestamp(out_, t, timestamp_format(timestamp_format_of(ref), TimestampFormat::Iso8601));
          return;
        }
        break;
      }
      case ShapeType::Blob:
        if (v.is_string()) {
          append_base64(out_, v.get_string());
          return;
        }
        break;
      default:
        break;
    }
    if (v.is_string()) {
      append_xml_escaped(out_, v.get_string());
    } else if (v.is_bool()) {
      out_.append(v.get_bool() ? "true" : "false");
    } else if (v.is_int64()) {
      append_int(out_, v.get_int64());
    } else if (v.is_double()) {
      append_double(out_, v.get_double());
    } else if (v.is_uint64()) {
      out_.append(std::to_string(v.get_uint64()));
    } else {
      append_xml_escaped(out_, json::serialize(v));
    }
  }
};

void open_root(std::string& b, std::string_view name, const std::string& ns) {
  b.push_back('<');
  b.append(name);
  if (!ns.empty()) {
    b.append(" xmlns=\"");
    append_xml_escaped(b, ns);
    b.push_back('"');
  }
  b.push_back('>');
}

}  // namespace

HttpResponse encode_query_result(const ServiceModel& model, const Operation& op, const json::value& result,
                                 std::string_view request_id) {
  HttpResponse resp;
  resp.status = 200;
  resp.headers.push_back({"Content-Type", "text/xml"});
  resp.headers.push_back({"x-amzn-RequestId", std::string(request_id)});
  std::string& b = resp.body;
  b.reserve(512);
  std::string root = op.name + "Response";
  open_root(b, root, model.xml_namespace);
  if (op.output) {
    std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
    b.push_back('<');
    b.append(wrapper);
    b.push_back('>');
    XmlWriter(b).members(*op.output, result);
    b.append("</");
    b.append(wrapper);
    b.push_back('>');
  }
  b.append("<ResponseMetadata><RequestId>");
  append_xml_escaped(b, request_id);
  b.append("</RequestId></ResponseMetadata></");
  b.append(root);
  b.push_back('>');
  return resp;
}

HttpResponse encode_query_error(const ServiceModel& model, const AwsError& error, std::string_view request_id) {
  HttpResponse resp;
  resp.status = error.http_status;
  resp.headers.push_back({"Content-Type", "text/xml"});
  resp.headers.push_back({"x-amzn-RequestId", std::string(request_id)});
  std::string& b = resp.body;
  b.reserve(256 + error.message.size());
  open_root(b, "ErrorResponse", model.xml_namespace);
  b.append("<Error><Type>");
  b.append(error.sender_fault ? "Sender" : "Receiver");
  b.append("</Type><Code>");
  // The query code: the one the error carries, else the modeled error's code (a json service's legacy
  // query code, e.g. SQS's AWS.SimpleQueueService.NonExistentQueue), else the code itself.
  std::string_view code = error.query_code;
  if (code.empty()) {
    const Shape* shape = model.find_error_shape(error.code);
    code = shape && !shape->error.code.empty() ? std::string_view(shape->error.code) : std::string_view(error.code);
  }
  append_xml_escaped(b, code);
  b.append("</Code>");
  if (!error.message.empty()) {
    b.append("<Message>");
    append_xml_escaped(b, error.message);
    b.append("</Message>");
  }
  for (const auto& [k, v] : error.extra) {
    b.push_back('<');
    b.append(k);
    b.push_back('>');
    append_xml_escaped(b, v);
    b.append("</");
    b.append(k);
    b.push_back('>');
  }
  b.append("</Error><RequestId>");
  append_xml_escaped(b, request_id);
  b.append("</RequestId></ErrorResponse>");
  return resp;
}

}  // namespace orgroot::protocol
