// Who is making a request, once the signature checked out.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace orgroot::auth {

enum class PrincipalType {
  IamUser,      // long-term key of an IAM user, or its GetSessionToken session
  AssumedRole,  // AssumeRole session
  Root,         // the account's root user (root key, console session, or AssumeRoot session)
  Anonymous,    // unsigned request (S3 only)
};

struct Principal {
  PrincipalType type = PrincipalType::Anonymous;
  std::string account_id;
  std::string arn;        // arn:aws:iam::A:user/path/name, arn:aws:sts::A:assumed-role/R/S, arn:aws:iam::A:root
  std::string user_id;    // AIDA..., AROA...:session, or the account id for root
  std::string user_name;  // IAM user name, role session name; empty for root
  std::string access_key_id;
  bool temporary = false;       // ASIA credentials
  double expiration = 0;        // for temporary credentials
  double issued_at = 0;         // for temporary credentials: when issued (set by the authenticator, not stored)
  std::string session_issuer;   // "GetSessionToken", "AssumeRole", "AssumeRoot", "ConsoleSignIn"
  bool mfa_authenticated = false;
  std::string source_identity;
  // Role sessions (AssumeRole): the role and what narrows the session.
  std::string role_arn;    // arn:aws:iam::A:role/path/R
  std::string role_id;     // AROA...
  std::string role_name;
  std::vector<std::string> session_policies;  // inline Policy and PolicyArns documents' ARNs/JSON, as issued
  std::vector<std::pair<std::string, std::string>> session_tags;  // principal tags of the session
  std::vector<std::string> transitive_tag_keys;
  // Root sessions (AssumeRoot): the task policy that caps them.
  std::string task_policy_arn;

  std::string to_json() const;
  static Principal from_json(const std::string& s);
};

}  // namespace orgroot::auth
