// The audit trail's input: one record per API call that passed authentication, written by the
// pipeline's `record` step (and per root sign-in event, by services/rootuser) and read back through
// CloudTrail's LookupEvents. The CloudTrail service turns these into CloudTrail's event shape.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "auth/principal.h"

namespace orgroot::services {

struct AuditResource {
  std::string account_id;
  std::string type;  // "AWS::S3::Bucket", "AWS::IAM::User", ...
  std::string arn;
};

struct AuditCall {
  std::string request_id;
  double event_time = 0;          // seconds since epoch
  std::string service;            // signing name: "sts", "iam", "s3" ...
  std::string operation;          // "AssumeRoot"
  std::string region;
  std::string source_ip;
  std::string user_agent;
  std::string host;               // Host header as the client sent it
  bool secure_transport = false;
  auth::Principal principal;      // who called (Anonymous for unsigned S3)
  boost::json::object params;     // decoded request parameters (secrets are for the sink to drop)
  boost::json::value result;      // null when the call failed
  std::string error_code;         // "" on success
  std::string error_message;
  // Which accounts' trails get the event: the caller's, and for calls that act on another
  // account (AssumeRoot's target) that one too. Filled by the pipeline from the principal; a
  // service may add more through AuditHints.
  std::vector<std::string> recipient_accounts;
  std::vector<AuditResource> resources;
  // Events that are not API calls: "AwsConsoleSignIn" for the root user's sign-in and password
  // recovery (service "signin"). "" = derived from service and operation (AwsApiCall for calls
  // through the pipeline). Console sign-in events carry their outcome in `result`
  // ({"ConsoleLogin":"Success"}), a failure's reason in `error_message` (no error code, as AWS
  // logs them) and `additional_event_data` ({"MFAUsed":"No", ...}).
  std::string event_type;
  boost::json::object additional_event_data;
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Durable before it returns: the caller answers the client afterwards. The sink keeps the call
  // (it may build the record later), hence by value.
  virtual void record(AuditCall call) = 0;
};

}  // namespace orgroot::services
