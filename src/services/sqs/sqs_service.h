// Amazon SQS (json 1.0, query-compatible: the pipeline also accepts the legacy query form):
// queues with their attributes and queue policy, AddPermission / RemovePermission, and standard
// messages (send, receive with visibility timeout, delete).
//
// Queues are scoped by (account, region). A queue URL is
// https://sqs.<region>.amazonaws.com/<account>/<name>; any URL whose last two path segments are
// <account>/<name> is accepted, the region being the request's (its SigV4 scope).
//
// Authorization: authz_target names sqs:<Operation> on the queue ARN, with the queue's owner and
// its Policy, so that the authorizer evaluates the queue policy for every call. Reading the
// attributes and replacing only the Policy of a queue (GetQueueAttributes, SetQueueAttributes
// with only Policy, GetQueueUrl) carry root_exempt_from_resource_policy_deny: the account's root
// (an SQSUnlockQueuePolicy root session) can always unlock its own queue.
//
// Handlers: sqs_service.cc (queues, attributes, permissions, authz), sqs_messages.cc (messages).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/deps.h"
#include "services/service.h"
#include "store/sqlite.h"

namespace orgroot::services::sqs {

struct QueueRef {
  std::string account, region, name;
  std::string arn() const { return "arn:aws:sqs:" + region + ":" + account + ":" + name; }
  std::string url() const { return "https://sqs." + region + ".amazonaws.com/" + account + "/" + name; }
};

struct QueueRow {
  QueueRef ref;
  double created_at = 0, modified_at = 0;
  std::map<std::string, std::string> attributes;  // settable attributes only (Policy included)
};

// "<...>/<account>/<name>" -> account, name (region from the request). nullopt if not of that form.
std::optional<QueueRef> parse_queue_url(std::string_view url, std::string_view region);
bool valid_queue_name(std::string_view name);
// MD5 of message attributes as SQS computes it (sorted names; length-prefixed name, type,
// transport byte and value).
std::string md5_of_message_attributes(const boost::json::object& attributes);

inline OperationResult done(boost::json::object o = {}) { return boost::json::value(std::move(o)); }

class SqsService final : public Service {
 public:
  explicit SqsService(ServiceDeps& deps);
  std::string_view name() const override { return "sqs"; }

  AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                           const CallContext& ctx) const override;
  void audit_hints(std::string_view operation, const boost::json::object& params, const boost::json::value& result,
                   const CallContext& ctx, std::vector<std::string>& recipient_accounts,
                   std::vector<AuditResource>& resources) const override;

 private:
  using Db = store::Database;
  using Params = boost::json::object;

  // The queue a call names: by QueueUrl, or for CreateQueue / GetQueueUrl by name.
  std::optional<QueueRef> target_queue(std::string_view op, const Params& p, const CallContext& ctx) const;
  std::optional<QueueRow> queue(Db& d, const QueueRef& ref) const;
  Result<QueueRow> existing_queue(Db& d, const Params& p, const CallContext& ctx) const;
  void save_attributes(Db& d, const QueueRow& q);
  boost::json::object all_attributes(Db& d, const QueueRow& q, const std::vector<std::string>& names) const;
  int64_t attr_int(const QueueRow& q, const std::string& name) const;

  void register_queue_handlers();
  void register_message_handlers();

  OperationResult create_queue(CallContext& ctx, const Params& p);
  OperationResult get_queue_url(CallContext& ctx, const Params& p);
  OperationResult list_queues(CallContext& ctx, const Params& p);
  OperationResult delete_queue(CallContext& ctx, const Params& p);
  OperationResult get_queue_attributes(CallContext& ctx, const Params& p);
  OperationResult set_queue_attributes(CallContext& ctx, const Params& p);
  OperationResult add_permission(CallContext& ctx, const Params& p);
  OperationResult remove_permission(CallContext& ctx, const Params& p);
  OperationResult send_message(CallContext& ctx, const Params& p);
  OperationResult receive_message(CallContext& ctx, const Params& p);
  OperationResult delete_message(CallContext& ctx, const Params& p);

  ServiceDeps& deps_;
};

// ---- errors (json __type code; the legacy query code comes from the model or query_code) ----
AwsError queue_does_not_exist();
AwsError invalid_parameter_value(std::string message);
AwsError missing_parameter(std::string name);
AwsError invalid_attribute_name(std::string name);
AwsError invalid_attribute_value(std::string name, std::string reason = "");

}  // namespace orgroot::services::sqs
