// The one error type of orgroot. Every failure a client can see is an AwsError: a code, a message,
// an HTTP status and who is at fault. Protocol codecs render it (one renderer per protocol);
// handlers build it through the named constructors below and return it in a Result.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace orgroot {

struct AwsError {
  std::string code;     // e.g. "InvalidClientTokenId", "ValidationError", "NoSuchEntity"
  std::string message;  // AWS's wording
  int http_status = 400;
  bool sender_fault = true;  // query <Type>Sender</Type> vs Receiver
  // Extra members some protocols carry (Organizations "Reason", TooManyRequests "Type", S3
  // "BucketName" ...). json protocols add them to the body; rest-xml adds them as elements.
  std::vector<std::pair<std::string, std::string>> extra;
  // For SQS's query-compatible json: the legacy query code sent in x-amzn-query-error
  // ("AWS.SimpleQueueService.NonExistentQueue"). Empty = same as code.
  std::string query_code;

  AwsError() = default;
  AwsError(std::string c, std::string m, int status = 400, bool sender = true)
      : code(std::move(c)), message(std::move(m)), http_status(status), sender_fault(sender) {}

  AwsError& with(std::string key, std::string value) {
    extra.emplace_back(std::move(key), std::move(value));
    return *this;
  }

  // ---- authentication (common to every query/json service; S3 renames some) ----
  static AwsError InvalidClientTokenId(std::string msg = "The security token included in the request is invalid.") {
    return {"InvalidClientTokenId", std::move(msg), 403};
  }
  static AwsError SignatureDoesNotMatch(std::string msg =
      "The request signature we calculated does not match the signature you provided. Check your AWS "
      "Secret Access Key and signing method. Consult the service documentation for details.") {
    return {"SignatureDoesNotMatch", std::move(msg), 403};
  }
  static AwsError MissingAuthenticationToken(std::string msg = "Request is missing Authentication Token") {
    return {"MissingAuthenticationToken", std::move(msg), 403};
  }
  static AwsError IncompleteSignature(std::string msg) { return {"IncompleteSignature", std::move(msg), 400}; }
  static AwsError ExpiredToken(std::string msg = "The security token included in the request is expired") {
    return {"ExpiredToken", std::move(msg), 403};
  }
  static AwsError RequestExpired(std::string msg) { return {"RequestExpired", std::move(msg), 400}; }
  static AwsError SignatureExpired(std::string msg) { return {"SignatureDoesNotMatch", std::move(msg), 403}; }
  static AwsError AccessDenied(std::string msg) { return {"AccessDenied", std::move(msg), 403}; }

  // ---- request shape ----
  static AwsError ValidationError(std::string msg) { return {"ValidationError", std::move(msg), 400}; }
  static AwsError InvalidAction(std::string msg) { return {"InvalidAction", std::move(msg), 400}; }
  static AwsError UnknownOperation(std::string msg = "") {
    return {"UnknownOperationException", std::move(msg), 400};
  }
  static AwsError InvalidParameterValue(std::string msg) {
    return {"InvalidParameterValue", std::move(msg), 400};
  }
  static AwsError MissingParameter(std::string msg) { return {"MissingParameter", std::move(msg), 400}; }
  static AwsError MalformedQueryString(std::string msg) { return {"MalformedQueryString", std::move(msg), 404}; }
  // json protocols' name for ValidationError (same message format).
  static AwsError ValidationException(std::string msg) { return {"ValidationException", std::move(msg), 400}; }
  static AwsError MissingAction(std::string msg = "Missing Action") { return {"MissingAction", std::move(msg), 400}; }
  static AwsError SerializationException(std::string msg) {
    return {"SerializationException", std::move(msg), 400};
  }
  static AwsError RequestEntityTooLarge(std::string msg) {
    return {"RequestEntityTooLarge", std::move(msg), 413};
  }

  // ---- entities ----
  static AwsError NoSuchEntity(std::string msg) { return {"NoSuchEntity", std::move(msg), 404}; }
  static AwsError EntityAlreadyExists(std::string msg) { return {"EntityAlreadyExists", std::move(msg), 409}; }
  static AwsError LimitExceeded(std::string msg) { return {"LimitExceeded", std::move(msg), 409}; }
  // IAM's answer to a policy document it cannot accept ("Syntax errors in policy.", ...).
  static AwsError MalformedPolicyDocument(std::string msg) {
    return {"MalformedPolicyDocument", std::move(msg), 400};
  }

  // ---- S3 (rest-xml): extra members become elements of <Error> ----
  static AwsError NoSuchBucket(std::string bucket) {
    return AwsError("NoSuchBucket", "The specified bucket does not exist", 404).with("BucketName", std::move(bucket));
  }
  static AwsError NoSuchKey(std::string key) {
    return AwsError("NoSuchKey", "The specified key does not exist.", 404).with("Key", std::move(key));
  }
  // resource_type: "SERVICE", "BUCKET" or "OBJECT" ("" = not sent).
  static AwsError MethodNotAllowed(std::string method, std::string resource_type = "") {
    AwsError e("MethodNotAllowed", "The specified method is not allowed against this resource.", 405);
    e.with("Method", std::move(method));
    if (!resource_type.empty()) e.with("ResourceType", std::move(resource_type));
    return e;
  }
  static AwsError MalformedXML(std::string msg =
      "The XML you provided was not well-formed or did not validate against our published schema") {
    return {"MalformedXML", std::move(msg), 400};
  }
  static AwsError InvalidArgument(std::string msg) { return {"InvalidArgument", std::move(msg), 400}; }
  static AwsError InvalidRequest(std::string msg) { return {"InvalidRequest", std::move(msg), 400}; }

  // ---- server side ----
  static AwsError InternalFailure(std::string msg = "An internal error occurred.") {
    return {"InternalFailure", std::move(msg), 500, false};
  }
  static AwsError ServiceUnavailable(std::string msg = "Service is unavailable.") {
    return {"ServiceUnavailable", std::move(msg), 503, false};
  }
};

}  // namespace orgroot
