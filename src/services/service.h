// What every AWS service of orgroot looks like to the pipeline: named operations over decoded
// parameters (the protocol codec's value tree, see protocol/codec.h), returning a value tree or an
// AwsError. Services know nothing of HTTP or of the wire protocol.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.h"
#include "common/result.h"
#include "services/audit.h"

namespace orgroot::services {

struct CallContext {
  const auth::Principal& principal;
  std::string_view request_id;
  std::string_view region;      // from the SigV4 credential scope
  std::string_view source_ip;
  bool secure_transport = false;
  std::string_view host = {};   // the Host header as sent (sts.amazonaws.com vs a regional endpoint)
  // The authorizer evaluated this call's action (authz_target) with every policy layer and allowed
  // it; false when it had nothing to evaluate (moto's server mode, a target it skips).
  bool authorized = false;
};

using OperationResult = Result<boost::json::value>;

// What the authorizer needs to know about one call: the IAM action, the resource it acts on, and
// the resource's own policy if it has one.
struct AuthzTarget {
  bool skip = false;            // the operation needs no permission (sts:GetCallerIdentity)
  std::string action;           // "iam:CreateUser"
  std::string resource = "*";   // ARN the action is authorized against
  std::string resource_account; // "" = the caller's account
  std::string resource_policy;  // JSON of the resource's policy ("" = none)
  bool resource_policy_required = false;  // e.g. a role's trust policy for sts:AssumeRole
  bool root_exempt_from_resource_policy_deny = false;
  std::vector<std::pair<std::string, std::string>> context;  // service keys: "sts:TaskPolicyArn" ...
  bool deny_without_reason = false;  // AccessDenied without the "because ..." clause (sts:AssumeRoot)
};
using OperationHandler = std::function<OperationResult(CallContext&, const boost::json::object& params)>;

class Service {
 public:
  virtual ~Service() = default;
  // The model name (data/models/<name>.json) and SigV4 signing name: "sts", "iam", ...
  virtual std::string_view name() const = 0;
  // The IAM action prefix: "iam", "sts", "organizations", "s3", "sqs", "cloudtrail".
  virtual std::string_view action_prefix() const { return name(); }
  // Default: action "<prefix>:<Operation>" on "*" in the caller's account. Services override it
  // for operations on resources with ARNs or policies of their own.
  virtual AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                                   const CallContext& ctx) const {
    AuthzTarget t;
    t.action = std::string(action_prefix()) + ":" + std::string(operation);
    return t;
  }
  // Checks that must come before authorization (AWS validates some parameters before it
  // authorizes: AssumeRoot's task policy and target). Default: nothing to check.
  virtual Status precheck(std::string_view operation, const boost::json::object& params,
                          const CallContext& ctx) const {
    return OkStatus();
  }
  // Whether the endpoint the request was sent to (its Host) offers the operation at all; checked
  // before the parameters are decoded (AssumeRoot does not exist on the global STS endpoint).
  // Query protocol only. Default: every endpoint offers every operation.
  virtual Status endpoint_offers(std::string_view operation, std::string_view host) const { return OkStatus(); }
  // Resources and extra recipient accounts for the audit record of a call (optional).
  virtual void audit_hints(std::string_view operation, const boost::json::object& params,
                           const boost::json::value& result, const CallContext& ctx,
                           std::vector<std::string>& recipient_accounts,
                           std::vector<AuditResource>& resources) const {}
  // nullptr: the operation exists in AWS's model but orgroot does not implement it.
  const OperationHandler* find(std::string_view operation) const {
    auto it = handlers_.find(std::string(operation));
    return it == handlers_.end() ? nullptr : &it->second;
  }

 protected:
  void on(std::string op, OperationHandler h) { handlers_.emplace(std::move(op), std::move(h)); }

 private:
  std::unordered_map<std::string, OperationHandler> handlers_;
};

// Small accessors for decoded parameters.
inline const boost::json::value* param(const boost::json::object& p, std::string_view k) {
  auto it = p.find(k);
  return it == p.end() ? nullptr : &it->value();
}
inline std::string param_str(const boost::json::object& p, std::string_view k, std::string def = {}) {
  auto v = param(p, k);
  return v && v->is_string() ? std::string(v->get_string()) : def;
}
inline std::optional<int64_t> param_int(const boost::json::object& p, std::string_view k) {
  auto v = param(p, k);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return std::nullopt;
}

}  // namespace orgroot::services
