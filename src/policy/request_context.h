// What a request looks like to the policy engine: the action, the resource, who asks, and the
// condition context keys (aws:SourceIp, aws:PrincipalTag/team, sts:TaskPolicyArn, ...).
// Keys are case-insensitive and may carry several values (aws:TagKeys). Filled once per request by
// the server, then read by every policy without copying.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgroot::policy {

enum class PrincipalKind : uint8_t {
  Anonymous,     // unsigned request
  User,          // IAM user (long-term key or its GetSessionToken session)
  AssumedRole,   // role session (AssumeRole*)
  Root,          // the account's root user, including AssumeRoot sessions
  FederatedUser, // GetFederationToken session
  Service,       // an AWS service principal (s3.amazonaws.com)
};

// Who makes the request, as Principal / NotPrincipal elements match it.
struct PrincipalFacts {
  PrincipalKind kind = PrincipalKind::Anonymous;
  std::string arn;        // arn:aws:iam::A:user/u, arn:aws:sts::A:assumed-role/R/s, arn:aws:iam::A:root
  std::string account;    // 12 digits
  std::string role_arn;   // AssumedRole: the role's ARN with its path (arn:aws:iam::A:role/path/R)
  std::string user_id;    // aws:userid: AIDA..., AROA...:session, or the account id for root
  std::string user_name;  // aws:username (IAM users only)
  std::string service;    // Service: "s3.amazonaws.com"
  std::string federated;  // web-identity / SAML provider, for {"Federated": ...}
  std::string canonical_user;
};

// One context key with its values (empty values = present but empty multi-valued key).
struct ContextEntry {
  uint64_t hash = 0;        // HashLower(key)
  std::string key_lower;
  std::string key;          // as given
  std::vector<std::string> values;
};

class RequestContext {
 public:
  RequestContext() { entries_.reserve(32); }  // about what a request sets: no regrowth

  // "sts:GetCallerIdentity": kept as given (for messages) and lower-cased (for matching).
  void SetAction(std::string_view action);
  const std::string& action() const { return action_; }
  const std::string& action_lower() const { return action_lower_; }

  // The resource ARN ("*" or empty when the action has no resource) and the account that owns it
  // (empty = the principal's own account).
  void SetResource(std::string_view arn) { resource_ = arn; }
  const std::string& resource() const { return resource_; }
  void SetResourceAccount(std::string_view account);
  const std::string& resource_account() const { return resource_account_; }

  PrincipalFacts& principal() { return principal_; }
  const PrincipalFacts& principal() const { return principal_; }
  void SetPrincipal(PrincipalFacts p) { principal_ = std::move(p); }

  // Context keys. Set replaces, Add appends a value (multi-valued keys), SetValues replaces with a
  // list (possibly empty), Remove deletes the key.
  void Set(std::string_view key, std::string_view value);
  void Add(std::string_view key, std::string_view value);
  void SetValues(std::string_view key, std::vector<std::string> values);
  void Remove(std::string_view key);

  const ContextEntry* Find(std::string_view key) const;                     // any case
  const ContextEntry* Find(uint64_t hash, std::string_view key_lower) const;  // pre-hashed
  const std::vector<ContextEntry>& entries() const { return entries_; }

  // Fills the global keys that follow from principal(): aws:PrincipalArn (the role's ARN for a role
  // session, as AWS does), aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username.
  void AddPrincipalKeys();

 private:
  ContextEntry& Upsert(std::string_view key);

  std::string action_, action_lower_, resource_, resource_account_;
  PrincipalFacts principal_;
  std::vector<ContextEntry> entries_;
};

}  // namespace orgroot::policy
