#include "server/pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "protocol/rest_xml.h"

namespace orgroot::server {

namespace {
bool is_form(const HttpRequest& req) {
  auto ct = req.header("content-type");
  return ct && ct->rfind("application/x-www-form-urlencoded", 0) == 0;
}
bool has_query_action(const HttpRequest& req) {
  std::string_view q = req.query();
  return q.rfind("Action=", 0) == 0 || q.find("&Action=") != std::string_view::npos ||
         (req.method == "POST" && is_form(req));
}
// The query protocol's Action ("AssumeRoot") from the query string or the form body; "" if none.
std::string_view query_action(const HttpRequest& req) {
  auto find_in = [](std::string_view s) -> std::string_view {
    for (size_t pos = 0; pos < s.size();) {
      size_t amp = s.find('&', pos);
      std::string_view kv = s.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
      if (kv.rfind("Action=", 0) == 0) return kv.substr(7);
      if (amp == std::string_view::npos) break;
      pos = amp + 1;
    }
    return {};
  };
  std::string_view a = find_in(req.query());
  if (a.empty() && req.method == "POST" && is_form(req)) a = find_in(req.body);
  return a;
}
// "iam", "sts", "sqs" ... from a Host such as sts.us-east-1.amazonaws.com; "" if none.
std::string_view service_from_host(const HttpRequest& req) {
  auto h = req.header("host");
  if (!h) return {};
  std::string_view host = *h;
  auto dot = host.find('.');
  return dot == std::string_view::npos ? std::string_view() : host.substr(0, dot);
}
}  // namespace

Pipeline::Pipeline(PipelineDeps deps) : deps_(std::move(deps)) { sts_model_ = deps_.models.by_name("sts"); }

// ---------------------------------------------------------------------------------------------
// route: which service and wire form. The service comes from the SigV4 credential scope, else
// X-Amz-Target, else the query Action (named by the Host), else the path (S3).
Result<Pipeline::Route> Pipeline::route(const HttpRequest& req) const {
  Route r;
  auto presence = auth::detect_auth(req);
  if (presence == auth::AuthPresence::Unsupported)
    return AwsError::IncompleteSignature("Unsupported authorization scheme: only AWS Signature Version 4 is accepted.");
  if (presence != auth::AuthPresence::None) {
    auto sig = auth::parse_auth(req);
    // A request that looks like S3's gets S3's wording.
    if (!sig && !req.header("x-amz-target") && !has_query_action(req)) sig = auth::parse_auth(req, true);
    if (!sig) return std::move(sig).error();
    r.model = deps_.models.by_signing_name(sig->service);
    r.sig = std::move(sig).value();
    if (!r.model)
      return AwsError("UnrecognizedClientException",
                      fmt::format("orgroot does not serve the service '{}' named in the credential scope.", r.sig->service),
                      400);
  } else if (auto target = req.header("x-amz-target")) {
    r.model = deps_.models.by_target(*target);
    if (!r.model) return AwsError::UnknownOperation();
  } else if (has_query_action(req)) {
    r.model = deps_.models.by_endpoint_prefix(service_from_host(req));
    if (!r.model || (!r.model->is_query() && !r.model->aws_query_compatible)) r.model = sts_model_;
  } else {
    r.model = deps_.models.by_name("s3");
  }
  if (!r.model) return AwsError::InternalFailure("no service model loaded");

  if (r.model->protocol == "rest-xml") r.wire = Wire::RestXml;
  else if (r.model->is_query()) r.wire = Wire::Query;
  else if (req.header("x-amz-target")) r.wire = Wire::Json;
  else r.wire = r.model->aws_query_compatible ? Wire::Query : Wire::Json;

  for (auto* s : deps_.services)
    if (s->name() == r.model->name) r.services.push_back(s);
  return r;
}

Pipeline::Route Pipeline::fallback_route(const HttpRequest& req) const {
  Route r;
  if (auto target = req.header("x-amz-target")) {
    r.model = deps_.models.by_target(*target);
    if (r.model) {
      r.wire = Wire::Json;
      return r;
    }
  }
  if (!has_query_action(req) && !req.header("authorization")) {
    if ((r.model = deps_.models.by_name("s3"))) {
      r.wire = Wire::RestXml;
      return r;
    }
  }
  r.model = sts_model_;
  r.wire = Wire::Query;
  return r;
}

// ---------------------------------------------------------------------------------------------
// authenticate: SigV4 -> principal. S3 alone accepts unsigned (anonymous) requests; whether an
// anonymous caller may do anything is the bucket policy's business.
Result<auth::Authenticated> Pipeline::authenticate(const HttpRequest& req, const Route& r) {
  const bool s3 = r.wire == Wire::RestXml;
  if (!r.sig) {
    if (s3) {
      auth::Authenticated anon;
      anon.principal.type = auth::PrincipalType::Anonymous;
      anon.principal.arn = "*";
      return anon;
    }
    return AwsError::MissingAuthenticationToken();
  }
  return deps_.authenticator.authenticate(req, *r.sig, s3);
}

// ---------------------------------------------------------------------------------------------
// decode: the protocol codec turns the wire form into the operation's parameters and checks them
// against the model's shapes.
Result<protocol::DecodedRequest> Pipeline::decode(const HttpRequest& req, const Route& r) const {
  switch (r.wire) {
    case Wire::Query: {
      // An operation the endpoint does not offer is unknown there, whatever its parameters.
      const std::string_view action = query_action(req);
      const std::string* host = req.header("host");
      for (auto* s : r.services)
        if (!action.empty() && s->find(action)) {
          if (auto st = s->endpoint_offers(action, host ? std::string_view(*host) : std::string_view()); !st)
            return std::move(st).error();
          break;
        }
      return protocol::decode_query(*r.model, req);
    }
    case Wire::Json: return protocol::decode_json(*r.model, req);
    case Wire::RestXml: {
      auto m = protocol::match_rest_operation(*r.model, req, deps_.s3_virtual_host_suffixes);
      if (!m) return std::move(m).error();
      return protocol::decode_rest_xml(*r.model, req, *m);
    }
  }
  return AwsError::InternalFailure();
}

// ---------------------------------------------------------------------------------------------
// authorize: the policy engine decides from every layer (server/authorizer.cc). The service that
// implements the operation names the IAM action, the resource and the resource's policy.
Status Pipeline::authorize(const HttpRequest& req, const Route& r, const auth::Authenticated& who,
                           const protocol::DecodedRequest& call, const std::string& request_id, bool& evaluated) {
  evaluated = false;
  services::Service* owner = nullptr;
  for (auto* s : r.services)
    if (s->find(call.op->name)) {
      owner = s;
      break;
    }
  if (!owner) {
    // Not implemented (execute says so) — but an anonymous caller is told no before anything else.
    if (who.principal.type == auth::PrincipalType::Anonymous) return AwsError::AccessDenied("Access Denied");
    return OkStatus();
  }
  const std::string_view region = r.sig ? std::string_view(r.sig->region) : "us-east-1";
  const std::string* host = req.header("host");
  services::CallContext ctx{who.principal, request_id, region, req.remote_ip, req.secure_transport,
                            host ? std::string_view(*host) : std::string_view()};
  if (auto pre = owner->precheck(call.op->name, call.params, ctx); !pre) return pre;
  if (!deps_.authorizer) return OkStatus();
  services::AuthzTarget target = owner->authz_target(call.op->name, call.params, ctx);
  auto st = deps_.authorizer->authorize(who.principal, target, req, region);
  if (st) {
    evaluated = deps_.authorizer->evaluates(who.principal, target);
    return st;
  }
  AwsError e = std::move(st).error();
  switch (r.wire) {
    case Wire::Query: break;
    case Wire::Json:
      e.code = "AccessDeniedException";
      if (r.model->aws_query_compatible) {
        // SQS over JSON answers as its query form does: 403, and AccessDenied for query-compatible SDKs.
        e.query_code = "AccessDenied";
      } else {
        e.http_status = 400;
      }
      break;
    case Wire::RestXml:
      // S3: the authorizer words it ("Access Denied" outside the bucket owner's account and organization).
      break;
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// execute: the service's handler for the operation.
services::OperationResult Pipeline::execute(const HttpRequest& req, const Route& r, const auth::Authenticated& who,
                                            const protocol::DecodedRequest& call, const std::string& request_id,
                                            bool authorized) {
  const services::OperationHandler* h = nullptr;
  for (auto* s : r.services)
    if ((h = s->find(call.op->name))) break;
  if (!h)
    return AwsError("NotImplemented",
                    fmt::format("orgroot does not implement {}:{} yet.", r.model->signing_name, call.op->name), 501,
                    false);
  const std::string* host = req.header("host");
  services::CallContext ctx{who.principal, request_id, r.sig ? std::string_view(r.sig->region) : "us-east-1",
                            req.remote_ip, req.secure_transport, host ? std::string_view(*host) : std::string_view(),
                            authorized};
  return (*h)(ctx, call.params);
}

// ---------------------------------------------------------------------------------------------
// record: every call that passed authentication lands in the audit trail, durably, before the
// answer is written (a request that failed authentication is recorded nowhere, as in AWS).
void Pipeline::record(const HttpRequest& req, const Route& r, auth::Authenticated&& who,
                      protocol::DecodedRequest&& call, services::OperationResult&& result,
                      const std::string& request_id) {
  if (!deps_.audit) return;
  services::AuditCall c;
  c.request_id = request_id;
  c.event_time = deps_.clock.now_seconds();
  c.service = r.model->signing_name;
  c.operation = call.op->name;
  c.region = r.sig ? r.sig->region : "us-east-1";
  c.source_ip = req.remote_ip;
  if (auto ua = req.header("user-agent")) c.user_agent = *ua;
  if (auto host = req.header("host")) c.host = *host;
  c.secure_transport = req.secure_transport;
  c.principal = std::move(who.principal);
  c.params = std::move(call.params);
  if (result) {
    c.result = std::move(*result);
  } else {
    c.error_code = result.error().code;
    c.error_message = result.error().message;
  }
  if (!c.principal.account_id.empty()) c.recipient_accounts.push_back(c.principal.account_id);
  const std::string_view region = c.region;
  services::CallContext ctx{c.principal, request_id, region, req.remote_ip, req.secure_transport};
  for (auto* s : r.services)
    if (s->find(call.op->name)) {
      s->audit_hints(call.op->name, c.params, c.result, ctx, c.recipient_accounts, c.resources);
      break;
    }
  deps_.audit->record(std::move(c));
}

// ---------------------------------------------------------------------------------------------
// encode: the result (or error) in the wire form the request came in.
HttpResponse Pipeline::encode(const Route& r, const protocol::Operation& op, const boost::json::value& result,
                              const std::string& request_id) const {
  switch (r.wire) {
    case Wire::Query: return protocol::encode_query_result(*r.model, op, result, request_id);
    case Wire::Json: return protocol::encode_json_result(*r.model, op, result, request_id);
    case Wire::RestXml: return protocol::encode_rest_xml_result(*r.model, op, result, request_id);
  }
  return {};
}

HttpResponse Pipeline::encode_error(const Route& r, const AwsError& e, const std::string& request_id, bool head) const {
  switch (r.wire) {
    case Wire::Query: return protocol::encode_query_error(*r.model, e, request_id);
    case Wire::Json: return protocol::encode_json_error(*r.model, auth::json_protocol_auth_error(e), request_id);
    case Wire::RestXml: return protocol::encode_rest_xml_error(*r.model, e, request_id, head);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
HttpResponse Pipeline::handle(const HttpRequest& req) {
  const std::string request_id = ids::uuid4(request_ids_);
  const bool head = req.method == "HEAD";
  Route r;
  try {
    auto routed = route(req);
    if (!routed) return encode_error(fallback_route(req), routed.error(), request_id, head);
    r = std::move(routed).value();

    auto who = authenticate(req, r);
    if (!who) return encode_error(r, who.error(), request_id, head);

    Result<protocol::DecodedRequest> call = AwsError::InternalFailure();
    if (who->decoded_body) {  // S3 streaming upload: decode the payload without its chunk framing
      HttpRequest plain = req;
      plain.body = std::move(*who->decoded_body);
      call = decode(plain, r);
    } else {
      call = decode(req, r);
    }
    if (!call) return encode_error(r, call.error(), request_id, head);

    bool authorized = false;
    if (auto st = authorize(req, r, *who, *call, request_id, authorized); !st) {
      HttpResponse denied = encode_error(r, st.error(), request_id, head);
      // Denied calls are in the trail too.
      record(req, r, std::move(*who), std::move(*call), services::OperationResult(st.error()), request_id);
      return denied;
    }

    auto result = execute(req, r, *who, *call, request_id, authorized);
    // The answer is encoded first, so that the trail's record may take the parameters and the
    // result rather than copy them.
    HttpResponse out = result ? encode(r, *call->op, *result, request_id) : encode_error(r, result.error(), request_id, head);
    record(req, r, std::move(*who), std::move(*call), std::move(result), request_id);
    return out;
  } catch (const std::exception& ex) {
    spdlog::error("request {} failed: {}", request_id, ex.what());
    if (!r.model) r = fallback_route(req);
    return encode_error(r, AwsError::InternalFailure(), request_id, head);
  }
}

HttpResponse Pipeline::reject(const HttpRequest& headers_only, const AwsError& error) {
  const std::string request_id = ids::uuid4(request_ids_);
  auto routed = route(headers_only);
  Route r = routed ? std::move(routed).value() : fallback_route(headers_only);
  if (r.wire == Wire::RestXml && error.code == "RequestEntityTooLarge") {
    AwsError s3("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400);
    return encode_error(r, s3, request_id, headers_only.method == "HEAD");
  }
  return encode_error(r, error, request_id, headers_only.method == "HEAD");
}

}  // namespace orgroot::server
