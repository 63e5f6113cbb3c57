// The five AWS-managed task policies AssumeRoot accepts, and which feature each needs.
#pragma once

#include <string_view>

namespace orgroot::services {

enum class RootTaskFamily { None, Credentials, Sessions };

// Credentials: the three IAM tasks (need RootCredentialsManagement); Sessions: the S3 and SQS
// unlock tasks (need RootSessions); None: not a task policy ARN.
inline RootTaskFamily root_task_family(std::string_view arn) {
  constexpr std::string_view prefix = "arn:aws:iam::aws:policy/root-task/";
  if (arn.substr(0, prefix.size()) != prefix) return RootTaskFamily::None;
  std::string_view name = arn.substr(prefix.size());
  if (name == "IAMAuditRootUserCredentials" || name == "IAMCreateRootUserPassword" ||
      name == "IAMDeleteRootUserCredentials")
    return RootTaskFamily::Credentials;
  if (name == "S3UnlockBucketPolicy" || name == "SQSUnlockQueuePolicy") return RootTaskFamily::Sessions;
  return RootTaskFamily::None;
}

}  // namespace orgroot::services
