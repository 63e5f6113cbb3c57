// A policy document, parsed and validated once into an immutable CompiledPolicy, then evaluated
// many times against RequestContexts. Pure: no store, no service knowledge.
//
// Validation answers with AWS's own MalformedPolicyDocument messages (IAM), Organizations'
// MalformedPolicyDocumentException (SCPs/RCPs) or S3's MalformedPolicy, picked by the dialect.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "policy/condition.h"
#include "policy/pattern.h"
#include "policy/request_context.h"

namespace orgroot::policy {

// Which rules a document is checked against.
enum class PolicyKind : uint8_t {
  Identity,             // managed or inline policy of a user, group or role (no Principal)
  Resource,             // bucket / queue / key policy (Principal required)
  Trust,                // role trust policy (Principal required, no Resource, sts:AssumeRole* actions)
  ServiceControl,       // SCP (no Principal / NotPrincipal; otherwise the full IAM language, since 2025-09)
  ResourceControl,      // RCP (Principal required, treated like a resource policy)
  Session,              // AssumeRole* Policy / PolicyArns, AssumeRoot task policies (no Principal)
  PermissionsBoundary,  // boundary (no Principal)
};

// Whose error wording to use.
enum class ErrorDialect : uint8_t {
  Iam,            // MalformedPolicyDocument, HTTP 400 (IAM query protocol)
  Organizations,  // MalformedPolicyDocumentException, HTTP 400, one generic message
  S3,             // MalformedPolicy, HTTP 400
};

struct CompileOptions {
  PolicyKind kind = PolicyKind::Identity;
  // A managed policy (CreatePolicy / CreatePolicyVersion): Version 2012-10-17 is required.
  bool managed = false;
  // Default: Organizations for ServiceControl/ResourceControl, Iam otherwise.
  std::optional<ErrorDialect> dialect = std::nullopt;
};

enum class Decision : uint8_t { NotApplicable, Allow, ExplicitDeny };

// How the caller was named by the Allow statement of a resource-based or trust policy. Within one
// account AWS lets a resource policy grant on its own when it names the caller's own ARN (Direct),
// still limits it by permissions boundaries and session policies when it names the role (Role), and
// only delegates to the account's identity policies when it names the account (Account).
enum class PrincipalGrant : uint8_t { None, Account, Role, Direct };

struct PolicyDecision {
  Decision decision = Decision::NotApplicable;
  std::string_view sid;  // of the deciding statement (the deny, else the first allow)
  PrincipalGrant grant = PrincipalGrant::None;
};

// The Principal / NotPrincipal element.
struct PrincipalSpec {
  bool any = false;                       // "*" or {"AWS": "*"}
  std::vector<std::string> accounts;      // 123456789012 or arn:aws:iam::123456789012:root
  std::vector<std::string> arns;          // users, role sessions, federated users (exact)
  std::vector<std::string> role_arns;     // arn:...:iam::A:role/...: the role's sessions
  std::vector<std::string> services;      // s3.amazonaws.com
  std::vector<std::string> federated;     // cognito-identity.amazonaws.com, SAML provider ARNs
  std::vector<std::string> canonical_users;
};

struct CompiledStatement {
  enum class Scope : uint8_t { Any, Resource, NotResource };  // Any: no Resource element (trust policies)
  enum class PrincipalMode : uint8_t { None, Principal, NotPrincipal };

  std::string sid;
  bool deny = false;
  bool not_action = false;
  std::vector<Pattern> actions;  // lower-cased globs
  Scope scope = Scope::Any;
  std::vector<ArnPattern> resources;
  PrincipalMode principal_mode = PrincipalMode::None;
  PrincipalSpec principal;
  std::vector<CompiledCondition> conditions;
};

class CompiledPolicy {
 public:
  PolicyKind kind() const { return kind_; }
  const std::string& version() const { return version_; }  // "" when absent
  const std::string& id() const { return id_; }
  const std::vector<CompiledStatement>& statements() const { return statements_; }

  // Explicit deny if any applicable Deny statement; Allow if an applicable Allow; else NotApplicable.
  PolicyDecision Evaluate(const RequestContext& ctx) const;
  // Whether evaluating it reads the context's keys: a condition, or a policy variable in a
  // resource. When no policy of a request does, the authorizer need not set them.
  bool reads_context() const { return reads_context_; }

 private:
  friend Result<std::shared_ptr<const CompiledPolicy>> CompilePolicy(std::string_view, const CompileOptions&);
  PolicyKind kind_ = PolicyKind::Identity;
  std::string version_, id_;
  std::vector<CompiledStatement> statements_;
  bool reads_context_ = false;
};

using PolicyPtr = std::shared_ptr<const CompiledPolicy>;

Result<PolicyPtr> CompilePolicy(std::string_view document, const CompileOptions& options = {});

// Does one statement apply to the request (action, resource, principal, conditions)?
bool StatementApplies(const CompiledStatement& s, const RequestContext& ctx, PrincipalGrant* grant = nullptr);
PrincipalGrant MatchPrincipal(const PrincipalSpec& spec, const PrincipalFacts& p, bool not_principal);

// ---- size quotas (IAM User Guide, "IAM and AWS STS quotas"; white space is not counted) ----
enum class PolicySizeQuota : uint8_t {
  ManagedPolicy,         // 6,144
  UserInline,            // 2,048, all inline policies of the user together
  RoleInline,            // 10,240, all inline policies of the role together
  GroupInline,           // 5,120, all inline policies of the group together
  RoleTrust,             // 2,048 (the default of the adjustable quota)
  ServiceControlPolicy,  // 5,120
};
size_t PolicySizeQuotaLimit(PolicySizeQuota q);
// Characters of the document not counting white space outside string literals.
size_t PolicySizeWithoutWhitespace(std::string_view document);
// LimitExceeded (IAM) / ConstraintViolationException (Organizations) when `size` is over the quota.
// `entity` names the user, role or group for the inline quotas. `limit` 0 means AWS's default
// (PolicySizeQuotaLimit); callers pass a raised or lowered quota (`--quota`) otherwise.
Status CheckPolicySize(PolicySizeQuota q, size_t size, std::string_view entity = "", size_t limit = 0);

}  // namespace orgroot::policy
