// AWS service models (botocore's service-2.json, documentation stripped, kept in data/models/) loaded
// into typed, immutable structures that the protocol codecs walk. A model is loaded once at start-up
// and shared read-only by every request thread.
//
// Ownership: a ServiceModel owns its shapes and operations in node-based maps, so the `const Shape*`
// and `const Operation*` pointers handed out stay valid for the model's lifetime, including after the
// model is moved. A ServiceModel is move-only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/fwd.hpp>

#include "common/result.h"

namespace orgroot::protocol {

// Transparent string hashing so maps keyed by std::string can be searched with a string_view.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

enum class ShapeType {
  Structure,
  List,
  Map,
  String,
  Integer,
  Long,
  Float,
  Double,
  Boolean,
  Timestamp,
  Blob,
  BigDecimal,  // not used by our services; decoded like Double
  Document,    // structure with "document": true (free-form JSON)
  Unknown,
};
std::string_view shape_type_name(ShapeType t);

class PatternMatcher;  // pattern.h: a model's Java-style regex, compiled once
struct Shape;

// A reference from a structure member, list member or map key/value to a shape, with the
// serialization traits the reference carries.
struct Member {
  std::string name;        // member name (structure members); "member"/"key"/"value" otherwise
  std::string shape_name;  // target shape name
  const Shape* shape = nullptr;  // resolved target (never null after a successful load)

  std::string location;       // "" (body), "header", "headers", "uri", "querystring", "statusCode"
  std::string location_name;  // wire name override (header name, XML element, query key...)
  std::string query_name;     // ec2 protocol "queryName"
  std::string xml_namespace_prefix;
  std::string xml_namespace_uri;
  std::string timestamp_format;  // member-level override ("iso8601", "unixTimestamp", "rfc822")
  bool flattened = false;        // member-level flattened (lists/maps)
  bool xml_attribute = false;
  bool host_label = false;
  bool idempotency_token = false;
  bool streaming = false;
  bool event_payload = false;
  bool json_value = false;  // header holding base64 JSON
  bool deprecated = false;
  bool required = false;  // listed in the parent structure's "required"

  // Name on the wire for body serialization: location_name if set, else name.
  std::string_view wire_name() const { return location_name.empty() ? std::string_view(name) : location_name; }
};

struct ErrorTrait {
  bool present = false;     // the shape has an "error" object
  std::string code;         // "error.code" (may be empty: then the shape name is the code)
  int http_status = 0;      // "error.httpStatusCode"
  bool sender_fault = false;  // "error.senderFault"
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::Unknown;
  std::string type_name;  // the model's "type" string as written

  // structure
  std::vector<Member> members;          // in model order
  std::vector<std::string> required;    // in model order
  std::string payload;                  // rest protocols: member that is the whole body
  bool is_union = false;
  bool exception = false;
  bool fault = false;
  ErrorTrait error;

  // list / map
  Member member;  // list element
  Member key;     // map key
  Member value;   // map value
  bool flattened = false;

  // scalar constraints. min/max are lengths for string/blob/list/map and values for numbers.
  std::optional<double> min, max;
  std::string min_text, max_text;  // as written in the model (exact for large longs), "" if absent
  std::string pattern;             // Java-style regex as written in the model
  std::shared_ptr<const PatternMatcher> pattern_matcher;  // compiled at load; null if none/unsupported
  std::vector<std::string> enum_values;

  std::string location_name;  // XML element name of this shape
  std::string xml_namespace_prefix;
  std::string xml_namespace_uri;
  std::string timestamp_format;
  bool streaming = false;
  bool sensitive = false;
  bool event = false;
  bool eventstream = false;
  bool document = false;
  bool deprecated = false;

  // Structure member by name (not wire name); nullptr if none.
  const Member* find_member(std::string_view member_name) const;

  // Built by the loader: member name -> index in `members`.
  StringMap<size_t> member_index;
};

struct Operation {
  std::string name;
  std::string http_method = "POST";
  std::string request_uri = "/";
  int http_response_code = 200;
  const Shape* input = nullptr;   // null if the operation has no input
  const Shape* output = nullptr;  // null if the operation has no output
  std::string result_wrapper;     // query protocol: "<Op>Result" element name ("" = none)
  std::string input_location_name;   // rest-xml: root element of the request payload
  std::string input_xml_namespace;   // rest-xml: its namespace uri
  std::vector<const Shape*> errors;  // modeled error shapes
  std::string endpoint_host_prefix;  // "endpoint": {"hostPrefix": ...}
  std::string auth_type;             // "authtype" ("none", "v4-unsigned-body", ...)
  bool idempotent = false;
  bool deprecated = false;
  bool http_checksum_required = false;
  bool unsigned_payload = false;
};

// Effective serialization traits of a member reference: traits written on the member override the
// same traits on its target shape (botocore merges them the same way).
inline std::string_view serialized_name(const Member& m) {  // locationName, else the member name
  if (!m.location_name.empty()) return m.location_name;
  if (m.shape && !m.shape->location_name.empty()) return m.shape->location_name;
  return m.name;
}
inline bool is_flattened(const Member& m) { return m.flattened || (m.shape && m.shape->flattened); }
inline std::string_view timestamp_format_of(const Member& m) {
  if (!m.timestamp_format.empty()) return m.timestamp_format;
  return m.shape ? std::string_view(m.shape->timestamp_format) : std::string_view();
}
inline std::string_view xml_namespace_uri_of(const Member& m) {
  if (!m.xml_namespace_uri.empty()) return m.xml_namespace_uri;
  return m.shape ? std::string_view(m.shape->xml_namespace_uri) : std::string_view();
}
inline std::string_view xml_namespace_prefix_of(const Member& m) {
  if (!m.xml_namespace_uri.empty()) return m.xml_namespace_prefix;
  return m.shape ? std::string_view(m.shape->xml_namespace_prefix) : std::string_view();
}

class ServiceModel {
 public:
  ServiceModel() = default;
  ServiceModel(ServiceModel&&) = default;
  ServiceModel& operator=(ServiceModel&&) = default;
  ServiceModel(const ServiceModel&) = delete;
  ServiceModel& operator=(const ServiceModel&) = delete;

  std::string name;               // botocore service dir name / file stem ("sts", "organizations")
  std::string protocol;           // "query", "json", "rest-xml", "rest-json", "ec2"
  std::string api_version;        // "2011-06-15"
  std::string target_prefix;      // json: "AWSOrganizationsV20161128"
  std::string json_version;       // json: "1.0" / "1.1"
  std::string xml_namespace;      // query / rest-xml: "https://sts.amazonaws.com/doc/2011-06-15/"
  std::string signing_name;       // metadata.signingName, else endpoint_prefix
  std::string endpoint_prefix;    // "sts", "organizations"
  std::string service_id;         // "STS", "Organizations"
  std::string service_full_name;  // "AWS Security Token Service"
  std::string global_endpoint;    // "iam.amazonaws.com" ("" if none)
  std::string uid;                // "sts-2011-06-15"
  bool aws_query_compatible = false;

  // json error envelope details, derived at load (see model.cc) and overridable by the server:
  // "__type" is json_error_type_prefix + code; the message member is json_error_message_key.
  std::string json_error_type_prefix;            // "" (json 1.1) or "com.amazonaws.sqs#" (json 1.0)
  std::string json_error_message_key = "message";  // "message" or "Message"

  StringMap<Operation> operations;  // by operation name
  StringMap<Shape> shapes;          // by shape name

  // Loads a (stripped or full) botocore service-2.json file. If `<dir>/query-compat/<stem>.json`
  // exists beside it, it is deep-merged into the document first: it supplies the legacy query
  // wire names (queryName traits, xmlNamespace) of a json service that also speaks query (SQS).
  static Result<ServiceModel> load_file(const std::string& path);
  // Builds a model from a parsed document: {"metadata":..., "operations":..., "shapes":...}.
  // Also accepts the SDK protocol-test suite form ({"metadata", "shapes"} without "operations";
  // add operations with add_operation_json). Errors are InternalFailure with a description.
  static Result<ServiceModel> from_json(const boost::json::value& doc, std::string name = {});
  // Adds (or replaces) one operation given in botocore's operation JSON form; shapes must be loaded.
  Result<const Operation*> add_operation_json(const boost::json::value& op);

  const Operation* find_operation(std::string_view op_name) const;
  const Shape* find_shape(std::string_view shape_name) const;
  // Error shape whose error.code or name equals `code`; nullptr if none.
  const Shape* find_error_shape(std::string_view code) const;

  bool is_query() const { return protocol == "query"; }
  bool is_json() const { return protocol == "json"; }

 private:
  StringMap<const Shape*> error_codes_;  // error.code and shape name -> shape
  friend class ModelLoader;
};

// Does an X-Amz-Target prefix as sent name this model's targetPrefix? Either all of it, or (as some
// SDKs send) its last dotted part.
bool target_prefix_matches(std::string_view model_prefix, std::string_view sent);

// Every model in data/models/, looked up by the names requests carry.
class ModelRegistry {
 public:
  ModelRegistry() = default;
  ModelRegistry(ModelRegistry&&) = default;
  ModelRegistry& operator=(ModelRegistry&&) = default;
  ModelRegistry(const ModelRegistry&) = delete;
  ModelRegistry& operator=(const ModelRegistry&) = delete;

  // Loads every *.json file in `dir` (README and other files are ignored).
  static Result<ModelRegistry> load_dir(const std::string& dir);
  void add(ServiceModel model);

  const ServiceModel* by_name(std::string_view name) const;             // "sts"
  const ServiceModel* by_signing_name(std::string_view name) const;     // SigV4 scope "sts"
  const ServiceModel* by_endpoint_prefix(std::string_view prefix) const;
  const ServiceModel* by_target_prefix(std::string_view prefix) const;  // "AmazonSQS"
  // Splits an X-Amz-Target "<prefix>.<Operation>" at the last '.' and finds the model and
  // operation; returns nullptr (and leaves *op untouched) if either is unknown.
  const ServiceModel* by_target(std::string_view x_amz_target, const Operation** op = nullptr) const;

  const std::vector<std::unique_ptr<ServiceModel>>& models() const { return models_; }

 private:
  std::vector<std::unique_ptr<ServiceModel>> models_;
};

}  // namespace orgroot::protocol
