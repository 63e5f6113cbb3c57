// The AWS managed policies orgroot serves (data/policies/aws), loaded once at start.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace orgroot::services::iam {

struct AwsManagedPolicy {
  std::string name, path, arn, policy_id, description, default_version, document;
  double created_at = 0, updated_at = 0;
  bool attachable = true;  // the root-task policies are not
};

class AwsPolicyCatalog {
 public:
  // Reads <dir>/aws/**/*.json. Errors name the file.
  static Result<AwsPolicyCatalog> load(const std::string& dir);
  // <ORGROOT_POLICIES_DIR>, else next to the binary (../share/orgroot/policies, ../data/policies),
  // else the source tree's data/policies.
  static std::string default_dir();
  // The catalogue from default_dir(); empty (with a logged warning) when it cannot be read.
  static const AwsPolicyCatalog& shared();

  const AwsManagedPolicy* find(const std::string& arn) const;
  const std::vector<AwsManagedPolicy>& all() const { return policies_; }  // by name

 private:
  std::vector<AwsManagedPolicy> policies_;
  std::map<std::string, size_t> by_arn_;
};

// "2024-11-06T22:27:58Z" -> epoch seconds (0 when unreadable).
double parse_iso8601(const std::string& s);

}  // namespace orgroot::services::iam
