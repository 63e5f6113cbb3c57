// One AWS API request, start to finish:
//
//   route -> authenticate -> decode -> authorize -> execute -> encode
//
// (read and write, with the body-size limit, belong to the HTTP server; record, the audit trail,
// comes with CloudTrail.) Each step is a named function in pipeline.cc, in that order.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "common/ids.h"
#include "protocol/codec.h"
#include "protocol/model.h"
#include "server/authorizer.h"
#include "services/service.h"

namespace orgroot::server {

// The wire form a request arrived in, which is also the form its answer takes.
enum class Wire { Query, Json, RestXml };

struct PipelineDeps {
  const protocol::ModelRegistry& models;
  auth::Authenticator& authenticator;
  std::vector<services::Service*> services;
  const Clock& clock;
  Random& random;
  Authorizer* authorizer = nullptr;  // null: nothing is authorized beyond authentication
  services::AuditSink* audit = nullptr;  // null: no trail is kept
  // Host suffixes under which S3 virtual-host addressing is recognised (bucket.<suffix>).
  std::vector<std::string> s3_virtual_host_suffixes;
};

class Pipeline {
 public:
  explicit Pipeline(PipelineDeps deps);

  HttpResponse handle(const HttpRequest& req);

  // An answer in the right wire form for a request that is refused before its body is read
  // (too large): only the request line and headers are looked at.
  HttpResponse reject(const HttpRequest& headers_only, const AwsError& error);

 private:
  struct Route {
    const protocol::ServiceModel* model = nullptr;
    Wire wire = Wire::Query;
    std::vector<services::Service*> services;  // those answering this model's operations
    std::optional<auth::SigV4Params> sig;  // parsed credential scope, if the request is signed
  };

  Result<Route> route(const HttpRequest& req) const;
  Result<auth::Authenticated> authenticate(const HttpRequest& req, const Route& r);
  Result<protocol::DecodedRequest> decode(const HttpRequest& req, const Route& r) const;
  // `evaluated`: the authorizer evaluated the call (and, when it returns OK, allowed it).
  Status authorize(const HttpRequest& req, const Route& r, const auth::Authenticated& who,
                   const protocol::DecodedRequest& call, const std::string& request_id, bool& evaluated);
  services::OperationResult execute(const HttpRequest& req, const Route& r, const auth::Authenticated& who,
                                    const protocol::DecodedRequest& call, const std::string& request_id,
                                    bool authorized);
  // Takes the call's principal, parameters and result: the caller is done with them.
  void record(const HttpRequest& req, const Route& r, auth::Authenticated&& who, protocol::DecodedRequest&& call,
              services::OperationResult&& result, const std::string& request_id);
  HttpResponse encode(const Route& r, const protocol::Operation& op, const boost::json::value& result,
                      const std::string& request_id) const;
  HttpResponse encode_error(const Route& r, const AwsError& e, const std::string& request_id, bool head) const;

  // The wire form to answer in when routing itself failed.
  Route fallback_route(const HttpRequest& req) const;

  PipelineDeps deps_;
  FastRandom request_ids_;  // request ids need to be unique, not secret
  const protocol::ServiceModel* sts_model_ = nullptr;
};

}  // namespace orgroot::server
