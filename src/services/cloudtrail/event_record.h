// Turns one AuditCall into CloudTrail's event record (the JSON CloudTrail stores and LookupEvents
// returns as CloudTrailEvent). Pure functions: no store, no clock; see docs/audit-trail.md.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/audit.h"

namespace orgroot::services::cloudtrail {

inline constexpr std::string_view kEventVersion = "1.10";
// What AWS's console shows in place of a value it will not log.
inline constexpr std::string_view kHidden = "HIDDEN_DUE_TO_SECURITY_REASONS";

// Get*/List*/Describe*/Head*/Lookup* are read-only; everything else mutates.
bool is_read_only(std::string_view operation);
// "sts" -> "sts.amazonaws.com"
std::string event_source(std::string_view service);
// AwsConsoleSignIn for the sign-in path's events, else AwsApiCall.
std::string event_type(std::string_view service, std::string_view operation);
// The call's own AuditCall.event_type when set, else the above.
std::string event_type(const AuditCall& call);
// The name LookupEvents reports as Username: the IAM user name, the role session name, "root";
// empty for anonymous callers.
std::string lookup_username(const auth::Principal& p);
// userIdentity; `session_created` is the issue time of temporary credentials (0 = unknown).
boost::json::object user_identity(const auth::Principal& p, double session_created);
// requestParameters: decoded params with lowerCamelCase member names, secrets dropped.
boost::json::value request_parameters(const AuditCall& call);
// responseElements: null for most calls; credentials without their secret for STS.
boost::json::value response_elements(const AuditCall& call);
// STS's "Oct 25, 2024, 9:07:11 PM" (UTC).
std::string sts_expiration(double epoch_seconds);
// ISO 8601 UTC ("2024-10-25T20:52:11Z").
std::string event_time(double epoch_seconds);
// The short name LookupEvents shows for a resource ARN: the bucket of an S3 ARN, the last path
// segment of an IAM ARN, else the ARN itself.
std::string resource_name(std::string_view arn);

// The resources of a record: AuditCall.resources when the service named them; else, guessed from
// the request: AssumeRoot's target account root, IAM users/roles/groups/policies by name, S3
// buckets, SQS queues.
std::vector<AuditResource> record_resources(const AuditCall& call);

// The whole record for one recipient account.
struct RecordInput {
  const AuditCall* call = nullptr;
  std::string event_id;
  std::string recipient_account;
  std::string shared_event_id;  // "" unless the event goes to several accounts
  double session_created = 0;
  const std::vector<AuditResource>* resources = nullptr;  // record_resources(*call), when known
};
// Drops from a call what no record of it shows: secret members at any depth (passwords, keys, MFA
// seeds, object content; not the keys of maps such as Tags) and the result of calls whose record
// has no responseElements. Records built from the call afterwards are the same; the trail keeps
// calls this way, so that it holds no secret and no uploaded object.
void keep_what_records_show(AuditCall& call);

// The record as CloudTrail stores it (JSON text), written directly.
std::string record_json(const RecordInput& in);
// The same, parsed.
boost::json::object build_record(const RecordInput& in);

}  // namespace orgroot::services::cloudtrail
