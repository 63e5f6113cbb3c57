// The `rest-xml` protocol (S3): routing a REST request to its operation, decoding it into params,
// encoding a handler's result and rendering errors, all driven by the service model.
//
// Values follow the convention shared by every codec (see codec.h): structure -> object keyed by
// member name, list -> array, map -> object, string/enum -> string, integer/long -> int64,
// float/double -> double, boolean -> bool, timestamp -> double seconds since the epoch (UTC),
// blob -> string holding the raw bytes. Absent member = key absent.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "common/http_types.h"
#include "common/result.h"
#include "protocol/codec.h"
#include "protocol/model.h"

namespace orgroot::protocol {

// Where a REST request goes. `bucket` and `key` are the decoded values of the S3 labels
// ({Bucket}, {Key+}); with virtual-host addressing the bucket comes from the Host header.
struct RestMatch {
  const Operation* op = nullptr;
  std::string bucket;
  std::string key;
  // Every uri label of the matched template, percent-decoded, by label name ("Bucket", "Key"...).
  std::vector<std::pair<std::string, std::string>> labels;
  bool virtual_host = false;  // the bucket came from the Host header
};

// Finds the operation for a REST request: method + requestUri template (labels, greedy {Key+},
// query literals such as "?policy" or "?list-type=2"). With S3 addressing, a Host of the form
// "<bucket>.<suffix>" for one of `virtual_host_suffixes` ("s3.amazonaws.com", "s3.*.amazonaws.com"
// where '*' stands for one DNS label, "localhost"; any port is ignored) is routed as if the path
// were "/<bucket><path>". When several templates match, the most specific wins: more literal path
// characters, then more query literals, then the operation whose required header/querystring
// members are all present (and the most of them), then a non-deprecated one.
// Errors: MethodNotAllowed (405) when the path matches but not the method, UnknownOperation else.
Result<RestMatch> match_rest_operation(const ServiceModel& model, const HttpRequest& req,
                                       const std::vector<std::string>& virtual_host_suffixes);

// Decodes uri labels, querystring members (lists, maps), headers (lists, "headers" prefix maps such
// as x-amz-meta-*, jsonvalue, timestamps rfc822 by default), and the body: the payload member (raw
// bytes for blob/string, an XML document for a structure) or the non-located members as an XML
// document. aws-chunked uploads (x-amz-content-sha256: STREAMING-..., Content-Encoding: aws-chunked):
// a still-framed body is de-chunked here (chunk signatures are the authenticator's job) and its
// trailing headers (x-amz-checksum-*) read like headers; a body already de-chunked by the pipeline
// (size = x-amz-decoded-content-length) is taken as is. Either way ContentLength is the decoded
// length and "aws-chunked" is dropped from ContentEncoding. Then checks required members.
// Errors: MalformedXML (bad XML / bad body value / missing required body member), InvalidArgument
// (bad header/query/uri value), InvalidRequest (missing required header/querystring member).
Result<DecodedRequest> decode_rest_xml(const ServiceModel& model, const HttpRequest& req, const RestMatch& match);

// Encodes a handler result: status (member located in statusCode, else the operation's
// responseCode), header members, and the body: the payload member (raw bytes, or an XML document
// rooted at the member's / shape's locationName or the shape name) or the body members as an XML
// document rooted at the output shape's XML name (S3's own names, e.g. ListBucketResult, where the
// model has none) in the service's namespace. Timestamps: iso8601 in the body, rfc822 in headers,
// unless the model says otherwise. Adds x-amz-request-id and x-amz-id-2.
HttpResponse encode_rest_xml_result(const ServiceModel& model, const Operation& op, const boost::json::value& result,
                                    std::string_view request_id);

// S3's error document:
//   <?xml version="1.0" encoding="UTF-8"?>
//   <Error><Code>..</Code><Message>..</Message>(extra members)<RequestId>..</RequestId><HostId>..</HostId></Error>
// with the AwsError's status. An extra member that the model's error shape places in a header is sent
// as that header. HEAD requests get no body. Adds x-amz-request-id and x-amz-id-2.
HttpResponse encode_rest_xml_error(const ServiceModel& model, const AwsError& error, std::string_view request_id,
                                   bool head_request);

// The x-amz-id-2 value sent with a request id (deterministic, base64, AWS-like length).
std::string rest_xml_host_id(std::string_view request_id);

}  // namespace orgroot::protocol
