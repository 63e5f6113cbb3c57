// Organizations' errors: every one is HTTP 400 (ServiceException aside), AccessDeniedException
// included, and ConstraintViolationException / InvalidInputException /
// HandshakeConstraintViolationException carry a "Reason". Messages follow AWS's API reference.
#pragma once

#include <string>

#include "common/aws_error.h"

namespace orgroot::services::organizations {

inline AwsError OrgError(std::string code, std::string message) {
  return AwsError(std::move(code), std::move(message), 400);
}

inline AwsError AccessDeniedOrg() {
  return OrgError("AccessDeniedException", "You don't have permissions to access this resource.");
}
inline AwsError NotInUse() {
  return OrgError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
}
inline AwsError AlreadyInOrganization() {
  return OrgError("AlreadyInOrganizationException",
                  "This account is already a member of an organization. An account can belong to only one "
                  "organization at a time.");
}
inline AwsError AccountNotFound() {
  return OrgError("AccountNotFoundException", "You specified an account that doesn't exist.");
}
inline AwsError ParentNotFound() {
  return OrgError("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.");
}
inline AwsError ChildNotFound() {
  return OrgError("ChildNotFoundException",
                  "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.");
}
inline AwsError RootNotFound() {
  return OrgError("RootNotFoundException", "We can't find a root with the RootId that you specified.");
}
inline AwsError OuNotFound() {
  return OrgError("OrganizationalUnitNotFoundException",
                  "We can't find an OU with the OrganizationalUnitId that you specified.");
}
inline AwsError PolicyNotFound() {
  return OrgError("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.");
}
inline AwsError TargetNotFound() {
  return OrgError("TargetNotFoundException",
                  "We can't find a root, OU, account, or policy with the TargetId that you specified.");
}
inline AwsError CreateAccountStatusNotFound() {
  return OrgError("CreateAccountStatusNotFoundException",
                  "We can't find an create account request with the CreateAccountRequestId that you specified.");
}

// ConstraintViolationException, with the API reference's description of the reason as message.
AwsError Constraint(const std::string& reason);
// InvalidInputException, likewise.
AwsError InvalidInput(const std::string& reason);

}  // namespace orgroot::services::organizations
