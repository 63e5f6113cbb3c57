// Internals of the rest-xml codec shared by its source files and its tests: the shape-driven reading
// of one HTTP message (request or response) into a value, and URI templates.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/http_types.h"
#include "common/result.h"
#include "protocol/model.h"
#include "protocol/rest_xml_wire.h"

namespace orgroot::protocol::rest_xml_detail {

// A requestUri such as "/{Bucket}/{Key+}?uploads" or "/{Bucket}?list-type=2", parsed once.
struct UriTemplate {
  struct Part {
    bool label = false;
    bool greedy = false;
    std::string text;  // literal text, or the label name
  };
  std::vector<Part> path;
  std::vector<std::pair<std::string, std::optional<std::string>>> query;  // literal keys (and values)
  size_t literal_chars = 0;  // literal characters of the path (specificity)
};
// Parsed templates are cached (by text) for the life of the process; thread-safe.
const UriTemplate& uri_template(const std::string& request_uri);
// Matches a raw (still percent-encoded) path; on success `labels` holds the decoded label values.
bool match_path(const UriTemplate& t, std::string_view raw_path, std::vector<std::pair<std::string, std::string>>& labels);

// One HTTP message as the shape reader sees it.
struct WireMessage {
  bool is_request = true;
  const std::vector<Header>* headers = nullptr;
  std::string_view body;
  const std::vector<QueryParam>* query = nullptr;                                 // requests
  const std::vector<std::pair<std::string, std::string>>* labels = nullptr;       // requests
  const std::vector<std::pair<std::string, std::optional<std::string>>>* literal_query = nullptr;  // requests
  int status = 200;                                                                // responses
};

// Reads every member of `shape` (an operation's input or output) from the message: labels,
// querystring, headers, status code and body. Does not check required members.
Result<boost::json::object> read_message(const Shape& shape, const WireMessage& msg);

// Checks required members: top-level ones by location, nested ones as body members.
Status check_required(const Shape& shape, const boost::json::object& params);

// Converts text (a header, a query value, a label, XML character data) into a scalar of `shape`.
// `wire_name` is used in error messages; `body` selects MalformedXML (body) vs InvalidArgument.
Result<boost::json::value> scalar_from_text(const Shape& shape, std::string_view text, std::string_view wire_name,
                                            bool body);

// The timestamp format for a member: member's, else shape's, else `location_default`.
std::string_view timestamp_format(const Member* ref, const Shape& shape, std::string_view location_default);

// Seconds since the epoch from a value holding a timestamp (number, or text in any AWS format).
std::optional<double> timestamp_of(const boost::json::value& v);

// De-chunks an aws-chunked body ("<hex>[;chunk-signature=..]\r\n<data>\r\n ... 0\r\n<trailers>\r\n").
bool decode_aws_chunked(std::string_view body, std::string& data, std::vector<Header>& trailers);

// S3's errors for the codec's own failures.
AwsError malformed_xml();

}  // namespace orgroot::protocol::rest_xml_detail
