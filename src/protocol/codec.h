// Generic codecs for the AWS `query` and `json` (1.0 / 1.1) protocols, driven by a ServiceModel.
//
// ---------------------------------------------------------------------------------------------
// The value convention shared by ALL codecs (query, json, rest-xml) and ALL handlers
// ---------------------------------------------------------------------------------------------
// Decoded request parameters and handler results are boost::json::value trees shaped by the model:
//   structure        -> object keyed by MEMBER NAME as written in the model ("RoleArn"), never by
//                       a wire name (locationName / queryName / XML element name)
//   list             -> array
//   map              -> object (keys are the map keys)
//   string, enum     -> string
//   integer, long    -> int64
//   float, double    -> double (NaN / +-Infinity allowed)
//   boolean          -> bool
//   timestamp        -> double: seconds since the Unix epoch, UTC (fractions allowed)
//   blob             -> string holding the raw bytes (NOT base64; codecs do the base64)
//   document         -> any JSON value, as is
// An absent member is an absent key. Encoders skip null values, so a handler may also leave a
// member null to mean "absent". Encoders accept int64/uint64/double interchangeably for numbers
// and timestamps, and a string for a timestamp that is already formatted.
// ---------------------------------------------------------------------------------------------
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/aws_error.h"
#include "common/http_types.h"
#include "common/result.h"
#include "protocol/model.h"

namespace orgroot::protocol {

struct DecodedRequest {
  const Operation* op = nullptr;
  boost::json::object params;
};

// ---- decoding (parse + shape validation) ----

// query protocol: POST form body (application/x-www-form-urlencoded) and/or the query string
// (GET). Action selects the operation; Version, if given, must equal the model's apiVersion.
// Lists "Name.member.N" (member element renamed by the list member's locationName), flattened
// lists "Name.N", maps "Name.entry.N.key/value" (flattened "Name.N.key/value"), nested "A.B",
// an empty list as "Name=". Also used for SQS's legacy query form on the SQS json model: its
// legacy wire names ("AttributeName.1", "Attribute.1.Name", "MessageAttribute.1.Value.DataType")
// come from `queryName` traits supplied by data/models/query-compat/sqs.json (see model.cc).
// Errors: MissingAction, InvalidAction, ValidationError (query code) with AWS's messages.
Result<DecodedRequest> decode_query(const ServiceModel& model, const HttpRequest& req);

// json 1.0 / 1.1: X-Amz-Target "<targetPrefix>.<Operation>" (else UnknownOperationException);
// body JSON, empty body = {}. Types are checked: a wrong JSON type or malformed JSON is a
// SerializationException; constraint violations are a ValidationException.
Result<DecodedRequest> decode_json(const ServiceModel& model, const HttpRequest& req);

// ---- shape validation (AWS's own message format) ----
// "1 validation error detected: Value '901' at 'durationSeconds' failed to satisfy constraint:
//  Member must have value less than or equal to 900"; several: "2 validation errors detected: a; b".
// Paths use lowerCamelCase member names joined by '.'; an element of a list of structures is
// "<list>.<N>.member.<field>" (N from 1); constraints on scalar list elements / map keys / map values
// are reported at the collection with "Member must satisfy constraint: [...]",
// "Map keys must satisfy constraint: [...]", "Map value must satisfy constraint: [...]".
struct Violation {
  std::string path;        // "durationSeconds", "tags.1.member.key"
  std::string value_repr;  // "'901'", "null", "'[a, b]'"; empty = value withheld (sensitive)
  std::string constraint;  // "Member must not be null"
};
std::vector<Violation> validate(const ServiceModel& model, const Shape& input, const boost::json::value& params);
std::string format_violations(const std::vector<Violation>& violations);
// The error a protocol reports for violations: ValidationError (query) / ValidationException (json).
AwsError validation_error(const ServiceModel& model, const std::vector<Violation>& violations);

// ---- encoding ----
// The request id goes into ResponseMetadata (query) and always into the x-amzn-RequestId header.
HttpResponse encode_query_result(const ServiceModel& model, const Operation& op, const boost::json::value& result,
                                 std::string_view request_id);
HttpResponse encode_json_result(const ServiceModel& model, const Operation& op, const boost::json::value& result,
                                std::string_view request_id);
// <ErrorResponse xmlns=NS><Error><Type>Sender|Receiver</Type><Code/><Message/>extras</Error><RequestId/>
HttpResponse encode_query_error(const ServiceModel& model, const AwsError& error, std::string_view request_id);
// {"__type": "<prefix><code>", "message"|"Message": ..., extras...}; the message key casing follows the
// service's modeled exceptions; awsQueryCompatible services add x-amzn-query-error:
// "<query_code or code>;Sender|Receiver".
HttpResponse encode_json_error(const ServiceModel& model, const AwsError& error, std::string_view request_id);

// Picks decode_query / decode_json by the model's protocol (query-compatible json services also
// accept the query form when the request is a form post). rest-* models are not handled here.
Result<DecodedRequest> decode_request(const ServiceModel& model, const HttpRequest& req);

}  // namespace orgroot::protocol
