// The IAM quotas `orgroot server --quota NAME=VALUE` can raise or lower (docs/quotas.md). Each is
// named by the key GetAccountSummary reports it under, so a raised quota is what the summary shows;
// the LimitExceeded message keeps AWS's own internal name (UsersPerAccount, PoliciesPerRole, ...).
// The defaults are AWS's, beside the checks that use them.
#pragma once

#include <algorithm>
#include <cstdint>

#include "policy/policy_document.h"
#include "services/interfaces.h"

namespace orgroot::services::iam {

inline constexpr const char* kQuotaUsers = "UsersQuota";                        // 5000
inline constexpr const char* kQuotaGroups = "GroupsQuota";                      // 300
inline constexpr const char* kQuotaRoles = "RolesQuota";                        // 1000
inline constexpr const char* kQuotaPolicies = "PoliciesQuota";                  // 1500
inline constexpr const char* kQuotaVersionsPerPolicy = "VersionsPerPolicyQuota";  // 5
inline constexpr const char* kQuotaGroupsPerUser = "GroupsPerUserQuota";        // 10
inline constexpr const char* kQuotaPoliciesPerUser = "AttachedPoliciesPerUserQuota";    // 10
inline constexpr const char* kQuotaPoliciesPerGroup = "AttachedPoliciesPerGroupQuota";  // 10
inline constexpr const char* kQuotaPoliciesPerRole = "AttachedPoliciesPerRoleQuota";    // 20
inline constexpr const char* kQuotaManagedPolicySize = "PolicySizeQuota";       // 6144
inline constexpr const char* kQuotaUserPolicySize = "UserPolicySizeQuota";      // 2048
inline constexpr const char* kQuotaGroupPolicySize = "GroupPolicySizeQuota";    // 5120
inline constexpr const char* kQuotaRolePolicySize = "RolePolicySizeQuota";      // 10240
inline constexpr const char* kQuotaTrustPolicySize = "AssumeRolePolicySizeQuota";  // 2048

// A policy-size quota in force: the override, else AWS's default for that kind of document.
inline size_t policy_size_limit(const Quotas& quotas, const char* name, policy::PolicySizeQuota kind) {
  const int64_t def = static_cast<int64_t>(policy::PolicySizeQuotaLimit(kind));
  return static_cast<size_t>(std::max<int64_t>(1, quotas.get(name, def)));
}

}  // namespace orgroot::services::iam
