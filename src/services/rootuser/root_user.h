// services/rootuser: the root user's side of orgroot (see root_sign_in.h and docs/root-user.md).
// RootUser owns the component's parts (reset tokens in the database, the local mailbox, sign-in)
// and answers its JSON endpoints, which the server mounts under /_orgroot/ unsigned:
//
//   POST /_orgroot/root/signin            {"email","password","mfaCode"?} -> {"Credentials":{...}}
//   POST /_orgroot/root/forgot-password   {"email"}                       -> {"message"}
//   POST /_orgroot/root/reset-password    {"token","newPassword"}         -> {"message"}
//   GET  /_orgroot/mailbox/{email}        -> [{MessageId, To, From, Subject, Body, Date, Token, ResetLink}]
//
// Errors are {"code","message"} with the status of the AwsError. Nothing here knows HTTP beyond
// the method, the path, the body and a status number.
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>

#include "services/audit.h"
#include "services/deps.h"
#include "services/interfaces.h"
#include "services/rootuser/mailbox.h"
#include "services/rootuser/reset_tokens.h"
#include "services/rootuser/root_sign_in.h"

namespace orgroot::services::rootuser {

struct EndpointRequest {
  std::string method;
  std::string path;  // without the query string, still percent-encoded
  std::string body;
  Caller caller;
};

struct EndpointResponse {
  int status = 200;
  boost::json::value body;
};

class RootUser {
 public:
  RootUser(ServiceDeps& deps, RootUserCredentials& credentials, SessionIssuer issue_session, AuditSink* audit);

  // nullopt: the path is none of this component's endpoints.
  std::optional<EndpointResponse> handle(const EndpointRequest& req);

  RootSignIn& sign_in() { return *sign_in_; }
  Mailbox& mailbox() { return mailbox_; }

 private:
  EndpointResponse sign_in_endpoint(const boost::json::object& body, const Caller& caller);
  EndpointResponse forgot_password_endpoint(const boost::json::object& body, const Caller& caller);
  EndpointResponse reset_password_endpoint(const boost::json::object& body, const Caller& caller);
  EndpointResponse mailbox_endpoint(const std::string& address);

  ResetTokenStore tokens_;
  Mailbox mailbox_;
  std::unique_ptr<RootSignIn> sign_in_;
};

// {"code","message"} with the error's status.
EndpointResponse error_response(const AwsError& e);
// %XX decoded ('+' stays '+': it is common in email addresses); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace orgroot::services::rootuser
