// `orgroot server --demo`: the seeding.
//
// How it seeds: every step is an ordinary request, signed with SigV4 where AWS would sign it, passed
// through App::handle — the same routing, validation, authorization and audit trail a client meets.
// That is the cleanest way because (1) the seeded state is exactly one a user could have produced
// with the AWS CLI, so the walkthrough never depends on something only the seeder can do; (2) the
// demo knows no other component's tables or C++ interfaces, only the public wire contracts, so it
// keeps working while those components change; (3) member root credentials can only be obtained the
// way a person obtains them anyway: "forgot password" in the root user's mailbox, reset, sign in,
// then IAM calls in the root console session. The seeding calls are in the trail, with the user
// agent "orgroot-demo-seed", like the history of a real organization.
#include "server/demo.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <pugixml.hpp>
#include <spdlog/spdlog.h>
#include <stdexcept>

#include "auth/crypto.h"
#include "services/iam/totp.h"

namespace orgroot::server {

namespace json = boost::json;

namespace {

constexpr const char* kRegion = "us-east-1";
constexpr const char* kHost = "127.0.0.1";
constexpr const char* kUserAgent = "orgroot-demo-seed";
constexpr const char* kAccessRole = "OrganizationAccountAccessRole";
constexpr const char* kRootMfaName = "root-account-mfa-device";

struct DemoFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- what went wrong, in the words of the answer ----------------------------------------------

// Text of the first element called `name` (any namespace prefix) under `root`, depth first.
std::string xml_child_text(const pugi::xml_node& root, std::string_view name) {
  for (auto child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view tag = child.name();
    if (auto colon = tag.find(':'); colon != std::string_view::npos) tag.remove_prefix(colon + 1);
    if (tag == name) return child.child_value();
    if (auto found = xml_child_text(child, name); !found.empty()) return found;
  }
  return {};
}

// The same, for a value the seeding cannot go on without.
std::string xml_required(const pugi::xml_node& root, std::string_view name, std::string_view step) {
  std::string v = xml_child_text(root, name);
  if (v.empty()) throw DemoFailure(fmt::format("{}: the answer has no '{}'", step, name));
  return v;
}

std::string describe_error(const HttpResponse& r) {
  std::string code, message;
  if (!r.body.empty() && r.body.front() == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(r.body.data(), r.body.size())) {
      code = xml_child_text(doc, "Code");
      message = xml_child_text(doc, "Message");
    }
  } else {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (!ec && v.is_object()) {
      for (auto k : {"__type", "code", "Code"})
        if (auto* p = v.as_object().if_contains(k); p && p->is_string()) code = std::string(p->get_string());
      for (auto k : {"message", "Message"})
        if (auto* p = v.as_object().if_contains(k); p && p->is_string()) message = std::string(p->get_string());
    }
  }
  if (code.empty()) return fmt::format("HTTP {}: {}", r.status, r.body.substr(0, 300));
  return fmt::format("HTTP {} {}: {}", r.status, code, message);
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += auth::uri_encode(k) + "=" + auth::uri_encode(v);
  }
  return out;
}

const json::value& at_path(const json::value& v, std::initializer_list<std::string_view> path,
                           std::string_view step) {
  const json::value* cur = &v;
  for (auto k : path) {
    const json::value* next = cur->is_object() ? cur->as_object().if_contains(k) : nullptr;
    if (!next) throw DemoFailure(fmt::format("{}: the answer has no '{}'", step, k));
    cur = next;
  }
  return *cur;
}

std::string str_at(const json::value& v, std::initializer_list<std::string_view> path, std::string_view step) {
  const auto& x = at_path(v, path, step);
  if (!x.is_string()) throw DemoFailure(fmt::format("{}: a field is not a string", step));
  return std::string(x.get_string());
}

// A self-signed RSA certificate in PEM form, as someone would upload as a root signing certificate.
std::string self_signed_certificate(const std::string& common_name) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) throw DemoFailure("cannot generate a signing certificate");
  X509_set_version(cert.get(), 2);
  auto serial = crypto::random_bytes(8);
  uint64_t n = 0;
  for (unsigned char c : serial) n = (n << 8) | c;
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), n >> 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("AnyCompany"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) throw DemoFailure("cannot sign a signing certificate");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// The seed of a virtual MFA device as IAM returns it: the base32 text, base64-encoded on the wire.
std::string mfa_seed_base32(const std::string& wire) {
  if (auto raw = crypto::base64_decode(wire); raw && services::iam::totp::base32_decode(*raw)) return *raw;
  if (services::iam::totp::base32_decode(wire)) return wire;
  throw DemoFailure("CreateVirtualMFADevice: unreadable Base32StringSeed");
}

// ---- the client: everything goes through App::handle ------------------------------------------

class DemoClient {
 public:
  explicit DemoClient(const DemoOptions& o) : o_(o) {}

  // IAM / STS (query protocol): the answer's XML.
  pugi::xml_document query(std::string_view step, std::string_view service, const auth::Credentials& creds,
                           std::vector<std::pair<std::string, std::string>> params) {
    params.insert(params.begin() + 1, {"Version", service == "sts" ? "2011-06-15" : "2010-05-08"});
    HttpRequest req;
    req.method = "POST";
    req.target = "/";
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
    req.body = form_encode(params);
    auto r = send(req, &creds, service, false);
    check(step, r);
    pugi::xml_document doc;
    if (!doc.load_buffer(r.body.data(), r.body.size())) throw DemoFailure(fmt::format("{}: unreadable XML", step));
    return doc;
  }

  // Organizations (json 1.1) and SQS (json 1.0).
  json::value json_call(std::string_view step, std::string_view service, const auth::Credentials& creds,
                        std::string_view operation, json::object body) {
    const bool sqs = service == "sqs";
    HttpRequest req;
    req.method = "POST";
    req.target = "/";
    req.headers.push_back({"Content-Type", sqs ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1"});
    req.headers.push_back(
        {"X-Amz-Target", fmt::format("{}.{}", sqs ? "AmazonSQS" : "AWSOrganizationsV20161128", operation)});
    req.body = json::serialize(body);
    auto r = send(req, &creds, service, false);
    check(step, r);
    return parse_json(step, r.body.empty() ? "{}" : r.body);
  }

  // S3 (rest-xml, path style).
  void s3(std::string_view step, const auth::Credentials& creds, std::string method, std::string target,
          std::string body = {}, std::string content_type = {}) {
    HttpRequest req;
    req.method = std::move(method);
    req.target = std::move(target);
    if (!content_type.empty()) req.headers.push_back({"Content-Type", std::move(content_type)});
    req.body = std::move(body);
    check(step, send(req, &creds, "s3", true));
  }

  // The root user's JSON endpoints (unsigned, as the console calls them).
  json::value root_endpoint(std::string_view step, std::string method, std::string target,
                            const json::object* body) {
    HttpRequest req;
    req.method = std::move(method);
    req.target = std::move(target);
    if (body) {
      req.headers.push_back({"Content-Type", "application/json"});
      req.body = json::serialize(*body);
    }
    auto r = send(req, nullptr, "", false);
    check(step, r);
    return parse_json(step, r.body.empty() ? "{}" : r.body);
  }

  const Clock& clock() const { return *o_.clock; }

 private:
  HttpResponse send(HttpRequest& req, const auth::Credentials* creds, std::string_view service, bool s3) {
    req.headers.push_back({"Host", kHost});
    req.headers.push_back({"User-Agent", kUserAgent});
    req.remote_ip = "127.0.0.1";
    if (creds) auth::sign_request(req, *creds, kRegion, service, o_.clock->now(), s3);
    return o_.handle(req);
  }

  static void check(std::string_view step, const HttpResponse& r) {
    if (r.status >= 200 && r.status < 300) return;
    throw DemoFailure(fmt::format("{}: {}", step, describe_error(r)));
  }

  static json::value parse_json(std::string_view step, std::string_view body) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec) throw DemoFailure(fmt::format("{}: unreadable JSON answer", step));
    return v;
  }

  const DemoOptions& o_;
};

auth::Credentials creds_from(const json::value& c, std::string_view step) {
  return {str_at(c, {"AccessKeyId"}, step), str_at(c, {"SecretAccessKey"}, step),
          str_at(c, {"SessionToken"}, step)};
}

// What the demo leaves behind, for demo.txt.
struct SeededAccount {
  const DemoAccountPlan* plan = nullptr;
  std::string account_id;
  std::string access_key_id, secret_access_key;
  std::string mfa_serial, mfa_seed;
  std::string certificate_id;
  std::string queue_url;
};

struct Seeded {
  std::string organization_id;
  std::string management_account_id;
  std::vector<SeededAccount> accounts;
};

// ---- the steps --------------------------------------------------------------------------------

class Seeder {
 public:
  explicit Seeder(const DemoOptions& o) : o_(o), c_(o) {}

  Seeded run() {
    Seeded out;
    auto org = c_.json_call("CreateOrganization", "organizations", o_.admin, "CreateOrganization",
                            {{"FeatureSet", "ALL"}});
    out.organization_id = str_at(org, {"Organization", "Id"}, "CreateOrganization");
    out.management_account_id = str_at(org, {"Organization", "MasterAccountId"}, "CreateOrganization");
    create_ous();
    for (const auto& plan : demo_plan()) out.accounts.push_back(create_account(plan));
    for (auto& a : out.accounts)
      if (a.plan->locked_resources) lock_resources(a);
    for (auto& a : out.accounts)
      if (a.plan->root.touched) seed_root(a);
    return out;
  }

 private:
  void create_ous() {
    auto roots = c_.json_call("ListRoots", "organizations", o_.admin, "ListRoots", {});
    const auto& list = at_path(roots, {"Roots"}, "ListRoots");
    if (!list.is_array() || list.as_array().empty()) throw DemoFailure("ListRoots: no root");
    root_id_ = str_at(list.as_array().front(), {"Id"}, "ListRoots");
    ous_[""] = root_id_;
    for (const auto& plan : demo_plan()) ou_for(plan.ou_path);
  }

  // "Workloads/Prod": Workloads under the root, Prod under Workloads.
  std::string ou_for(const std::string& path) {
    if (auto it = ous_.find(path); it != ous_.end()) return it->second;
    auto slash = path.rfind('/');
    std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string parent_id = ou_for(parent);
    std::string step = "CreateOrganizationalUnit " + path;
    auto r = c_.json_call(step, "organizations", o_.admin, "CreateOrganizationalUnit",
                          {{"ParentId", parent_id}, {"Name", name}});
    return ous_[path] = str_at(r, {"OrganizationalUnit", "Id"}, step);
  }

  SeededAccount create_account(const DemoAccountPlan& plan) {
    std::string step = "CreateAccount " + plan.name;
    auto r = c_.json_call(step, "organizations", o_.admin, "CreateAccount",
                          {{"Email", plan.email}, {"AccountName", plan.name}});
    std::string request_id = str_at(r, {"CreateAccountStatus", "Id"}, step);
    SeededAccount a;
    a.plan = &plan;
    // Organizations settles a request when it is polled.
    for (int i = 0; i < 50 && a.account_id.empty(); ++i) {
      auto st = c_.json_call(step, "organizations", o_.admin, "DescribeCreateAccountStatus",
                             {{"CreateAccountRequestId", request_id}});
      std::string state = str_at(st, {"CreateAccountStatus", "State"}, step);
      if (state == "SUCCEEDED") a.account_id = str_at(st, {"CreateAccountStatus", "AccountId"}, step);
      else if (state == "FAILED") throw DemoFailure(step + ": the request FAILED");
      else usleep(100 * 1000);
    }
    if (a.account_id.empty()) throw DemoFailure(step + ": still IN_PROGRESS after 5 s");
    if (!plan.ou_path.empty())
      c_.json_call("MoveAccount " + plan.name, "organizations", o_.admin, "MoveAccount",
                   {{"AccountId", a.account_id}, {"SourceParentId", root_id_},
                    {"DestinationParentId", ou_for(plan.ou_path)}});
    return a;
  }

  // Organizations gave the root a password nobody knows: recover it from the root's mailbox, as
  // its owner would, sign in, and give the root what the plan says.
  void seed_root(SeededAccount& a) {
    const auto& plan = *a.plan;
    const std::string who = " (" + plan.name + ")";
    json::object forgot{{"email", plan.email}};
    c_.root_endpoint("forgot-password" + who, "POST", "/_orgroot/root/forgot-password", &forgot);
    auto mail = c_.root_endpoint("mailbox" + who, "GET", "/_orgroot/mailbox/" + auth::uri_encode(plan.email), nullptr);
    if (!mail.is_array() || mail.as_array().empty()) throw DemoFailure("mailbox" + who + ": no message");
    const auto& newest = mail.as_array().back();  // newest last
    std::string token = newest.is_object() && newest.as_object().contains("Token")
                            ? str_at(newest, {"Token"}, "mailbox" + who)
                            : str_at(newest, {"token"}, "mailbox" + who);
    // A root that keeps no password still needs one to sign in once; it is deleted below.
    std::string password =
        plan.password.empty() ? "Tmp-" + crypto::hex_encode(crypto::random_bytes(12)) + "!a" : plan.password;
    json::object reset{{"token", token}, {"newPassword", password}};
    c_.root_endpoint("reset-password" + who, "POST", "/_orgroot/root/reset-password", &reset);
    json::object signin{{"email", plan.email}, {"password", password}};
    auto s = c_.root_endpoint("signin" + who, "POST", "/_orgroot/root/signin", &signin);
    auth::Credentials root = creds_from(at_path(s, {"Credentials"}, "signin" + who), "signin" + who);

    if (plan.root.access_key) {
      const std::string step = "CreateAccessKey" + who;
      auto doc = c_.query(step, "iam", root, {{"Action", "CreateAccessKey"}});
      a.access_key_id = xml_required(doc, "AccessKeyId", step);
      a.secret_access_key = xml_required(doc, "SecretAccessKey", step);
    }
    if (plan.root.mfa) {
      auto doc = c_.query("CreateVirtualMFADevice" + who, "iam", root,
                          {{"Action", "CreateVirtualMFADevice"}, {"VirtualMFADeviceName", kRootMfaName}});
      a.mfa_serial = xml_required(doc, "SerialNumber", "CreateVirtualMFADevice" + who);
      a.mfa_seed = mfa_seed_base32(xml_required(doc, "Base32StringSeed", "CreateVirtualMFADevice" + who));
      auto key = services::iam::totp::base32_decode(a.mfa_seed).value();
      // Two past consecutive codes: the current one stays free for a sign-in right away.
      namespace totp = services::iam::totp;
      auto now = static_cast<int64_t>(std::floor(c_.clock().now_seconds()));
      c_.query("EnableMFADevice" + who, "iam", root,
               {{"Action", "EnableMFADevice"},
                {"SerialNumber", a.mfa_serial},
                {"AuthenticationCode1", totp::code_at(key, now - 2 * totp::kStepSeconds)},
                {"AuthenticationCode2", totp::code_at(key, now - totp::kStepSeconds)}});
    }
    if (plan.root.signing_certificate) {
      auto doc = c_.query("UploadSigningCertificate" + who, "iam", root,
                          {{"Action", "UploadSigningCertificate"},
                           {"CertificateBody", self_signed_certificate(plan.email)}});
      a.certificate_id = xml_required(doc, "CertificateId", "UploadSigningCertificate" + who);
    }
    if (!plan.root.password)
      c_.query("DeleteLoginProfile" + who, "iam", root, {{"Action", "DeleteLoginProfile"}});
  }

  // A bucket and a queue whose policies deny everyone everything: set up from the management
  // account through OrganizationAccountAccessRole, the way an administrator would lock themselves out.
  void lock_resources(SeededAccount& a) {
    const std::string who = " (" + a.plan->name + ")";
    auto doc = c_.query("AssumeRole" + who, "sts", o_.admin,
                        {{"Action", "AssumeRole"},
                         {"RoleArn", fmt::format("arn:aws:iam::{}:role/{}", a.account_id, kAccessRole)},
                         {"RoleSessionName", "data-platform-setup"}});
    const std::string step = "AssumeRole" + who;
    auth::Credentials role{xml_required(doc, "AccessKeyId", step), xml_required(doc, "SecretAccessKey", step),
                           xml_required(doc, "SessionToken", step)};
    const std::string bucket = kDemoLockedBucket;
    c_.s3("CreateBucket" + who, role, "PUT", "/" + bucket);
    c_.s3("PutObject" + who, role, "PUT", "/" + bucket + "/reports/2024-10-orders.csv",
          "order_id,amount\n1001,42.50\n1002,17.00\n", "text/csv");
    std::string bucket_policy = fmt::format(
        R"({{"Version":"2012-10-17","Statement":[{{"Sid":"DenyEveryone","Effect":"Deny","Principal":"*",)"
        R"("Action":"s3:*","Resource":["arn:aws:s3:::{0}","arn:aws:s3:::{0}/*"]}}]}})",
        bucket);
    c_.s3("PutBucketPolicy" + who, role, "PUT", "/" + bucket + "?policy", bucket_policy, "application/json");

    auto q = c_.json_call("CreateQueue" + who, "sqs", role, "CreateQueue", {{"QueueName", kDemoLockedQueue}});
    a.queue_url = str_at(q, {"QueueUrl"}, "CreateQueue" + who);
    c_.json_call("SendMessage" + who, "sqs", role, "SendMessage",
                 {{"QueueUrl", a.queue_url}, {"MessageBody", R"({"orderId":1003,"amount":99.90})"}});
    std::string queue_policy = fmt::format(
        R"({{"Version":"2012-10-17","Statement":[{{"Sid":"DenyEveryone","Effect":"Deny","Principal":"*",)"
        R"("Action":"sqs:*","Resource":"arn:aws:sqs:{}:{}:{}"}}]}})",
        kRegion, a.account_id, kDemoLockedQueue);
    c_.json_call("SetQueueAttributes" + who, "sqs", role, "SetQueueAttributes",
                 {{"QueueUrl", a.queue_url}, {"Attributes", json::object{{"Policy", queue_policy}}}});
  }

  const DemoOptions& o_;
  DemoClient c_;
  std::string root_id_;
  std::map<std::string, std::string> ous_;  // path -> id
};

// ---- demo.txt ---------------------------------------------------------------------------------

std::string secrets_text(const Seeded& s) {
  std::string t =
      "# orgroot --demo: what the seeded member accounts' root users know. Keep this file private.\n"
      "# One section per member account. A section with aws_access_key_id is also a profile of an AWS\n"
      "# credentials file (a root access key): AWS_SHARED_CREDENTIALS_FILE=<this file> aws --profile NAME ...\n"
      "# root_mfa_seed is the base32 secret of the root's virtual MFA device (TOTP, SHA-1, 6 digits, 30 s).\n"
      "# The management account's admin key is in the 'credentials' file next to this one.\n\n";
  t += fmt::format("[organization]\norganization_id = {}\nmanagement_account_id = {}\n", s.organization_id,
                   s.management_account_id);
  for (const auto& a : s.accounts) {
    const auto& p = *a.plan;
    t += fmt::format("\n[{}]\naccount_name = {}\naccount_id = {}\nou = {}\nroot_email = {}\n", p.profile, p.name,
                     a.account_id, p.ou_path.empty() ? "Root" : p.ou_path, p.email);
    if (!p.root.touched) t += "root_password = (unknown: as created by Organizations; recoverable)\n";
    if (p.root.password) t += fmt::format("root_password = {}\n", p.password);
    if (!a.access_key_id.empty())
      t += fmt::format("aws_access_key_id = {}\naws_secret_access_key = {}\n", a.access_key_id, a.secret_access_key);
    if (!a.mfa_serial.empty()) t += fmt::format("root_mfa_serial = {}\nroot_mfa_seed = {}\n", a.mfa_serial, a.mfa_seed);
    if (!a.certificate_id.empty()) t += fmt::format("root_signing_certificate_id = {}\n", a.certificate_id);
    if (p.locked_resources)
      t += fmt::format("locked_bucket = {}\nlocked_queue_url = {}\n", kDemoLockedBucket, a.queue_url);
  }
  return t;
}

void write_private_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw DemoFailure("cannot write " + path);
  ::fchmod(fd, 0600);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw DemoFailure("cannot write " + path);
    }
    done += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

const std::vector<DemoAccountPlan>& demo_plan() {
  // touched, password, access key, MFA, signing certificate
  static const std::vector<DemoAccountPlan> plan = {
      {"security", "Security", "aws-security@anycompany.example", "", "", {false}},
      {"payments-prod", "Payments Prod", "aws-payments-prod@anycompany.example", "Workloads/Prod",
       "Payments-Prod-Root-1!", {true, true, true, true, true}},
      {"storefront-prod", "Storefront Prod", "aws-storefront-prod@anycompany.example", "Workloads/Prod",
       "Storefront-Prod-Root-1!", {true, true, false, true, false}},
      {"data-prod", "Data Platform Prod", "aws-data-prod@anycompany.example", "Workloads/Prod", "",
       {true, false, false, false, false}, /*locked_resources=*/true},
      {"payments-dev", "Payments Dev", "aws-payments-dev@anycompany.example", "Workloads/Dev",
       "Payments-Dev-Root-1!", {true, true, false, false, false}},
      {"storefront-dev", "Storefront Dev", "aws-storefront-dev@anycompany.example", "Workloads/Dev", "",
       {true, false, false, false, true}},
      {"sandbox-alice", "Sandbox Alice", "aws-sandbox-alice@anycompany.example", "Sandbox",
       "Sandbox-Alice-Root-1!", {true, true, true, false, false}},
      {"sandbox-bob", "Sandbox Bob", "aws-sandbox-bob@anycompany.example", "Sandbox", "",
       {true, false, true, false, false}},
  };
  return plan;
}

void seed_demo_once(store::IdentityStore& settings, const DemoOptions& o) {
  if (settings.get_setting(kDemoSeededSetting)) {
    spdlog::info("--demo: the demo organization was seeded on an earlier start{}",
                 o.secrets_file.empty() ? "" : "; its root secrets are in " + o.secrets_file);
    return;
  }
  if (settings.get_setting(kDemoSeedingSetting))
    throw std::runtime_error(
        "--demo: an earlier start stopped while seeding the demo organization; remove the data directory and "
        "start again");
  if (!o.fresh) {
    spdlog::warn("--demo ignored: this data directory was first started without --demo (start on an empty "
                 "--data-dir to get the demo organization)");
    return;
  }
  settings.put_setting(kDemoSeedingSetting, iso8601(o.clock->now_seconds()));
  Seeded seeded;
  try {
    seeded = Seeder(o).run();
  } catch (const DemoFailure& e) {
    throw std::runtime_error(std::string("--demo: seeding the demo organization failed at ") + e.what());
  }
  std::string text = secrets_text(seeded);
  if (!o.secrets_file.empty()) write_private_file(o.secrets_file, text);
  settings.put_setting(kDemoSeededSetting, iso8601(o.clock->now_seconds()));
  spdlog::info("--demo: seeded organization {} with {} member accounts (Workloads/Prod, Workloads/Dev, Sandbox); "
               "trusted access for IAM and both root features are off",
               seeded.organization_id, seeded.accounts.size());
  if (!o.secrets_file.empty()) {
    spdlog::info("--demo: the member roots' known passwords, access keys and MFA seeds are in {}", o.secrets_file);
  } else {
    spdlog::info("--demo: the member roots' known secrets (in memory, shown once):\n{}", text);
  }
}

}  // namespace orgroot::server
