#include "services/rootaccess/features_service.h"

#include <fmt/format.h>

#include <algorithm>

namespace orgroot::services {

namespace {
constexpr const char* kIamPrincipal = "iam.amazonaws.com";
AwsError sender(const char* code, std::string msg) { return AwsError(code, std::move(msg), 400); }
}  // namespace

RootAccessFeaturesService::RootAccessFeaturesService(RootAccessStore& store, OrganizationView* orgs)
    : store_(store), orgs_(orgs) {
  on("EnableOrganizationsRootCredentialsManagement",
     [this](CallContext& c, const boost::json::object&) { return run(c, Change::EnableCredentials); });
  on("EnableOrganizationsRootSessions",
     [this](CallContext& c, const boost::json::object&) { return run(c, Change::EnableSessions); });
  on("DisableOrganizationsRootCredentialsManagement",
     [this](CallContext& c, const boost::json::object&) { return run(c, Change::DisableCredentials); });
  on("DisableOrganizationsRootSessions",
     [this](CallContext& c, const boost::json::object&) { return run(c, Change::DisableSessions); });
  on("ListOrganizationsFeatures", [this](CallContext& c, const boost::json::object&) { return run(c, Change::None); });
}

// The checks in AWS's order (spec §2.1): organization, all features, trusted access, management
// or delegated administrator, and management only for the Enable operations. IAM authorization has
// run already in the pipeline.
OperationResult RootAccessFeaturesService::run(CallContext& ctx, Change change) {
  const std::string& account = ctx.principal.account_id;
  auto m = orgs_ ? orgs_->membership(account) : std::nullopt;
  if (!m)
    return sender("OrganizationNotFoundException", fmt::format("Organization not found for input account {}.", account));
  if (!m->all_features)
    return sender("OrganizationNotInAllFeaturesModeException",
                  fmt::format("Organization of input account {} is not in all features mode.", account));
  if (!orgs_->trusted_access_enabled(kIamPrincipal))
    return sender("ServiceAccessNotEnabledException",
                  fmt::format("Trusted Access for IAM not enabled by organization of input account {}.", account));
  auto delegates = orgs_->delegated_administrators(kIamPrincipal);
  const bool delegate = std::find(delegates.begin(), delegates.end(), account) != delegates.end();
  if (!m->is_management && !delegate)
    return sender("AccountNotManagementOrDelegatedAdministratorException",
                  fmt::format("Input account {} is neither management account nor delegated admin.", account));
  if ((change == Change::EnableCredentials || change == Change::EnableSessions) && !m->is_management)
    return sender("CallerIsNotManagementAccountException",
                  fmt::format("Caller account {} is not management account of the organization and cannot enable IAM "
                              "features.",
                              account));

  RootAccessFeatures f = store_.get(m->organization_id);
  switch (change) {
    case Change::EnableCredentials: f.credentials_management = true; break;
    case Change::EnableSessions: f.root_sessions = true; break;
    case Change::DisableCredentials: f.credentials_management = false; break;
    case Change::DisableSessions: f.root_sessions = false; break;
    case Change::None: break;
  }
  if (change != Change::None) store_.put(m->organization_id, f);

  boost::json::object out;
  out["OrganizationId"] = m->organization_id;
  boost::json::array enabled;  // AWS lists RootSessions first whenever both are on
  if (f.root_sessions) enabled.emplace_back("RootSessions");
  if (f.credentials_management) enabled.emplace_back("RootCredentialsManagement");
  out["EnabledFeatures"] = std::move(enabled);
  return boost::json::value(std::move(out));
}

}  // namespace orgroot::services
