// Writing rest-xml responses and S3 error documents.
#include <openssl/evp.h>

#include <boost/json.hpp>

#include <cmath>

#include "protocol/rest_xml.h"
#include "protocol/rest_xml_detail.h"

namespace orgroot::protocol {

namespace json = boost::json;
using namespace rest_xml_detail;

namespace {

constexpr int kMaxDepth = 100;
constexpr std::string_view kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

// Root elements S3 writes for output shapes its model leaves unnamed. `text_member` marks the
// document that is a single element holding that member's text (GetBucketLocation).
struct RootName {
  std::string_view shape, element, text_member;
};
constexpr RootName kS3RootNames[] = {
    {"ListBucketsOutput", "ListAllMyBucketsResult", ""},
    {"ListDirectoryBucketsOutput", "ListAllMyDirectoryBucketsResult", ""},
    {"ListObjectsOutput", "ListBucketResult", ""},
    {"ListObjectsV2Output", "ListBucketResult", ""},
    {"ListObjectVersionsOutput", "ListVersionsResult", ""},
    {"ListMultipartUploadsOutput", "ListMultipartUploadsResult", ""},
    {"ListPartsOutput", "ListPartsResult", ""},
    {"CreateMultipartUploadOutput", "InitiateMultipartUploadResult", ""},
    {"CompleteMultipartUploadOutput", "CompleteMultipartUploadResult", ""},
    {"DeleteObjectsOutput", "DeleteResult", ""},
    {"GetBucketAclOutput", "AccessControlPolicy", ""},
    {"GetObjectAclOutput", "AccessControlPolicy", ""},
    {"GetBucketCorsOutput", "CORSConfiguration", ""},
    {"GetBucketLifecycleOutput", "LifecycleConfiguration", ""},
    {"GetBucketLifecycleConfigurationOutput", "LifecycleConfiguration", ""},
    {"GetBucketLocationOutput", "LocationConstraint", "LocationConstraint"},
    {"GetBucketLoggingOutput", "BucketLoggingStatus", ""},
    {"NotificationConfigurationDeprecated", "NotificationConfiguration", ""},
    {"GetBucketRequestPaymentOutput", "RequestPaymentConfiguration", ""},
    {"GetBucketTaggingOutput", "Tagging", ""},
    {"GetObjectTaggingOutput", "Tagging", ""},
    {"GetBucketVersioningOutput", "VersioningConfiguration", ""},
    {"GetBucketWebsiteOutput", "WebsiteConfiguration", ""},
    {"GetBucketAccelerateConfigurationOutput", "AccelerateConfiguration", ""},
    {"GetObjectAttributesOutput", "GetObjectAttributesResponse", ""},
    {"ListBucketAnalyticsConfigurationsOutput", "ListBucketAnalyticsConfigurationResult", ""},
    {"ListBucketMetricsConfigurationsOutput", "ListMetricsConfigurationsResult", ""},
    {"ListBucketInventoryConfigurationsOutput", "ListInventoryConfigurationsResult", ""},
    {"CreateSessionOutput", "CreateSessionResult", ""},
};

const RootName* s3_root_name(const ServiceModel& model, const Shape& shape) {
  if (model.endpoint_prefix != "s3" || !shape.location_name.empty()) return nullptr;
  for (const auto& r : kS3RootNames)
    if (r.shape == shape.name) return &r;
  return nullptr;
}

// The namespace of a service's documents: the model's, else AWS's convention for rest-xml services
// (S3: http://s3.amazonaws.com/doc/2006-03-01/).
std::string default_namespace(const ServiceModel& model) {
  if (!model.xml_namespace.empty()) return model.xml_namespace;
  if (model.endpoint_prefix.empty() || model.api_version.empty()) return {};
  return "http://" + model.endpoint_prefix + ".amazonaws.com/doc/" + model.api_version + "/";
}

bool is_null(const json::value* v) { return !v || v->is_null(); }

std::optional<double> number_of(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_string()) return parse_double(v.get_string());
  return std::nullopt;
}

// Text of a scalar value; `ts_default` is the location's timestamp format.
std::string scalar_text(const Shape& shape, const Member* ref, const json::value& v, std::string_view ts_default) {
  switch (shape.type) {
    case ShapeType::Integer:
    case ShapeType::Long:
      if (v.is_int64()) return std::to_string(v.get_int64());
      if (v.is_uint64()) return std::to_string(v.get_uint64());
      if (v.is_double()) return std::to_string(static_cast<int64_t>(v.get_double()));
      break;
    case ShapeType::Float:
    case ShapeType::Double:
    case ShapeType::BigDecimal:
      if (auto d = number_of(v)) return format_double(*d);
      break;
    case ShapeType::Boolean:
      if (v.is_bool()) return v.get_bool() ? "true" : "false";
      break;
    case ShapeType::Timestamp:
      if (auto t = timestamp_of(v)) return format_timestamp(*t, timestamp_format(ref, shape, ts_default));
      break;
    case ShapeType::Blob:
      if (v.is_string()) return base64_encode(v.get_string());
      break;
    default:
      break;
  }
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

void append_ns(std::string& out, std::string_view prefix, std::string_view uri) {
  if (uri.empty()) return;
  out += prefix.empty() ? " xmlns=\"" : " xmlns:" + std::string(prefix) + "=\"";
  append_xml_attr(out, uri);
  out += '"';
}

// Namespace declarations of an element reached through `ref` (member-level wins over shape-level
// when both declare the same prefix). `root_ns` is the document default for the root element.
void append_namespaces(std::string& out, const Member* ref, const Shape& shape, std::string_view root_ns) {
  std::string_view ref_prefix = ref ? std::string_view(ref->xml_namespace_prefix) : "";
  std::string_view ref_uri = ref ? std::string_view(ref->xml_namespace_uri) : "";
  append_ns(out, ref_prefix, ref_uri);
  if (!shape.xml_namespace_uri.empty() && (ref_uri.empty() || shape.xml_namespace_prefix != ref_prefix))
    append_ns(out, shape.xml_namespace_prefix, shape.xml_namespace_uri);
  else if (ref_uri.empty() && shape.xml_namespace_uri.empty() && !root_ns.empty())
    append_ns(out, "", root_ns);
}

void write_element(std::string& out, std::string_view name, const Shape& shape, const Member* ref,
                   const json::value& v, int depth, std::string_view root_ns = "");

void write_children(std::string& out, const Shape& shape, const json::object& obj, int depth) {
  for (const auto& m : shape.members) {
    if (m.xml_attribute || m.location == "header" || m.location == "headers" || m.location == "statusCode") continue;
    const json::value* v = obj.if_contains(m.name);
    if (is_null(v)) continue;
    const Shape& ms = *m.shape;
    bool flat = m.flattened || ms.flattened;
    if (ms.type == ShapeType::List && flat && v->is_array()) {
      for (const auto& item : v->get_array())
        if (!item.is_null()) write_element(out, m.wire_name(), *ms.member.shape, &ms.member, item, depth + 1);
      continue;
    }
    if (ms.type == ShapeType::Map && flat && v->is_object()) {
      for (const auto& kv : v->get_object()) {
        out += '<';
        out += m.wire_name();
        out += '>';
        write_element(out, ms.key.location_name.empty() ? "key" : ms.key.location_name, *ms.key.shape, &ms.key,
                      json::value(kv.key()), depth + 1);
        write_element(out, ms.value.location_name.empty() ? "value" : ms.value.location_name, *ms.value.shape,
                      &ms.value, kv.value(), depth + 1);
        out += "</";
        out += m.wire_name();
        out += '>';
      }
      continue;
    }
    write_element(out, m.wire_name(), ms, &m, *v, depth + 1);
  }
}

void write_element(std::string& out, std::string_view name, const Shape& shape, const Member* ref,
                   const json::value& v, int depth, std::string_view root_ns) {
  if (depth > kMaxDepth) return;
  out += '<';
  out += name;
  append_namespaces(out, ref, shape, root_ns);
  if (shape.type == ShapeType::Structure && v.is_object()) {
    for (const auto& m : shape.members) {
      if (!m.xml_attribute) continue;
      const json::value* av = v.get_object().if_contains(m.name);
      if (is_null(av)) continue;
      out += ' ';
      out += m.wire_name();
      out += "=\"";
      append_xml_attr(out, scalar_text(*m.shape, &m, *av, "iso8601"));
      out += '"';
    }
  }
  out += '>';
  switch (shape.type) {
    case ShapeType::Structure:
      if (v.is_object()) write_children(out, shape, v.get_object(), depth);
      break;
    case ShapeType::List:
      if (v.is_array()) {
        std::string_view item = shape.member.location_name.empty() ? "member" : std::string_view(shape.member.location_name);
        for (const auto& e : v.get_array())
          if (!e.is_null()) write_element(out, item, *shape.member.shape, &shape.member, e, depth + 1);
      }
      break;
    case ShapeType::Map:
      if (v.is_object()) {
        for (const auto& kv : v.get_object()) {
          out += "<entry>";
          write_element(out, shape.key.location_name.empty() ? "key" : shape.key.location_name, *shape.key.shape,
                        &shape.key, json::value(kv.key()), depth + 1);
          write_element(out, shape.value.location_name.empty() ? "value" : shape.value.location_name,
                        *shape.value.shape, &shape.value, kv.value(), depth + 1);
          out += "</entry>";
        }
      }
      break;
    default:
      append_xml_text(out, scalar_text(shape, ref, v, "iso8601"));
  }
  out += "</";
  out += name;
  out += '>';
}

// A header value: lists comma-joined (items with commas or quotes quoted, except HTTP-dates).
std::string header_text(const Member& m, const json::value& v) {
  const Shape& s = *m.shape;
  if (m.json_value) return base64_encode(json::serialize(v));
  if (s.type == ShapeType::List && v.is_array()) {
    const Shape& item = *s.member.shape;
    std::string out;
    for (const auto& e : v.get_array()) {
      if (e.is_null()) continue;
      std::string text = scalar_text(item, &s.member, e, "rfc822");
      if (!out.empty()) out += ", ";
      if (item.type != ShapeType::Timestamp && text.find_first_of(",\"") != std::string::npos) {
        out += '"';
        for (char c : text) {
          if (c == '"' || c == '\\') out += '\\';
          out += c;
        }
        out += '"';
      } else {
        out += text;
      }
    }
    return out;
  }
  return scalar_text(s, &m, v, "rfc822");
}

void add_request_ids(HttpResponse& resp, std::string_view request_id) {
  resp.headers.push_back({"x-amz-request-id", std::string(request_id)});
  resp.headers.push_back({"x-amz-id-2", rest_xml_host_id(request_id)});
}

}  // namespace

std::string rest_xml_host_id(std::string_view request_id) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(request_id.data(), request_id.size(), digest, &len, EVP_sha256(), nullptr);
  std::string raw(reinterpret_cast<const char*>(digest), len);
  // AWS's ids are ~76 base64 characters; two digests give a similar look.
  EVP_Digest(raw.data(), raw.size(), digest, &len, EVP_sha256(), nullptr);
  raw.append(reinterpret_cast<const char*>(digest), len);
  return base64_encode(raw.substr(0, 57));
}

HttpResponse encode_rest_xml_result(const ServiceModel& model, const Operation& op, const json::value& result,
                                    std::string_view request_id) {
  HttpResponse resp;
  resp.status = op.http_response_code;
  add_request_ids(resp, request_id);
  if (!op.output) return resp;
  const Shape& shape = *op.output;
  static const json::object kEmpty;
  const json::object& obj = result.is_object() ? result.get_object() : kEmpty;

  bool has_body_members = false;
  for (const auto& m : shape.members) {
    const json::value* v = obj.if_contains(m.name);
    if (m.location == "header") {
      if (!is_null(v)) resp.headers.push_back({std::string(m.wire_name()), header_text(m, *v)});
    } else if (m.location == "headers") {
      if (!is_null(v) && v->is_object())
        for (const auto& kv : v->get_object())
          if (!kv.value().is_null())
            resp.headers.push_back({std::string(m.wire_name()) + std::string(kv.key()),
                                    scalar_text(*m.shape->value.shape, &m.shape->value, kv.value(), "rfc822")});
    } else if (m.location == "statusCode") {
      if (!is_null(v))
        if (auto n = number_of(*v)) resp.status = static_cast<int>(*n);
    } else {
      has_body_members = true;
    }
  }

  std::string& body = resp.body;
  const Member* payload = shape.payload.empty() ? nullptr : shape.find_member(shape.payload);
  if (payload) {
    const json::value* v = obj.if_contains(payload->name);
    if (is_null(v)) return resp;
    const Shape& ps = *payload->shape;
    if (ps.type == ShapeType::Blob || ps.type == ShapeType::String || payload->streaming || ps.streaming) {
      body = v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
      if (!resp.header("Content-Type"))
        resp.headers.push_back({"Content-Type", ps.type == ShapeType::String ? "text/plain" : "application/octet-stream"});
      return resp;
    }
    std::string_view root = !payload->location_name.empty() ? std::string_view(payload->location_name)
                            : !ps.location_name.empty()     ? std::string_view(ps.location_name)
                                                            : std::string_view(ps.name);
    body += kXmlDecl;
    write_element(body, root, ps, payload, *v, 0, default_namespace(model));
  } else if (has_body_members) {
    std::string ns = default_namespace(model);
    body += kXmlDecl;
    const RootName* special = s3_root_name(model, shape);
    if (special && !special->text_member.empty()) {
      const Member* m = shape.find_member(special->text_member);
      const json::value* v = obj.if_contains(special->text_member);
      body += '<';
      body += special->element;
      append_ns(body, "", ns);
      body += '>';
      if (m && !is_null(v)) append_xml_text(body, scalar_text(*m->shape, m, *v, "iso8601"));
      body += "</";
      body += special->element;
      body += '>';
    } else {
      std::string_view root = special                       ? special->element
                              : !shape.location_name.empty() ? std::string_view(shape.location_name)
                                                             : std::string_view(shape.name);
      static const json::value kEmptyObject = json::object();
      write_element(body, root, shape, nullptr, result.is_object() ? result : kEmptyObject, 0, ns);
    }
  } else {
    return resp;
  }
  if (!resp.header("Content-Type")) resp.headers.push_back({"Content-Type", "application/xml"});
  return resp;
}

HttpResponse encode_rest_xml_error(const ServiceModel& model, const AwsError& error, std::string_view request_id,
                                   bool head_request) {
  HttpResponse resp;
  const Shape* shape = model.find_error_shape(error.code);
  resp.status = error.http_status > 0 ? error.http_status : (shape && shape->error.http_status ? shape->error.http_status : 400);
  add_request_ids(resp, request_id);
  std::string extras;
  for (const auto& [key, value] : error.extra) {
    const Member* m = shape ? shape->find_member(key) : nullptr;
    if (m && m->location == "header") {
      resp.headers.push_back({std::string(m->wire_name()), value});
      continue;
    }
    std::string_view name = m ? m->wire_name() : std::string_view(key);
    extras += '<';
    extras += name;
    extras += '>';
    append_xml_text(extras, value);
    extras += "</";
    extras += name;
    extras += '>';
  }
  resp.headers.push_back({"Content-Type", "application/xml"});
  if (head_request) return resp;
  std::string& b = resp.body;
  b += kXmlDecl;
  b += "<Error><Code>";
  append_xml_text(b, error.code);
  b += "</Code><Message>";
  append_xml_text(b, error.message);
  b += "</Message>";
  b += extras;
  b += "<RequestId>";
  append_xml_text(b, request_id);
  b += "</RequestId><HostId>";
  append_xml_text(b, rest_xml_host_id(request_id));
  b += "</HostId></Error>";
  return resp;
}

}  // namespace orgroot::protocol
