#include "services/iam/aws_policies.h"

#include <boost/json.hpp>
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <fstream>
#include <sstream>
#include <spdlog/spdlog.h>

namespace orgroot::services::iam {

namespace fs = std::filesystem;

double parse_iso8601(const std::string& s) {
  std::tm tm{};
  std::istringstream in(s);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return 0;
  return static_cast<double>(timegm(&tm));
}

Result<AwsPolicyCatalog> AwsPolicyCatalog::load(const std::string& dir) {
  AwsPolicyCatalog cat;
  std::error_code ec;
  fs::path root = fs::path(dir) / "aws";
  if (!fs::is_directory(root, ec)) return AwsError::InternalFailure("no AWS managed policies in " + root.string());
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->path().extension() == ".json") files.push_back(it->path());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code jec;
    auto v = boost::json::parse(ss.str(), jec);
    if (jec || !v.is_object()) return AwsError::InternalFailure("cannot parse " + f.string());
    const auto& o = v.as_object();
    auto str = [&](const char* k) -> std::string {
      auto p = o.if_contains(k);
      return p && p->is_string() ? std::string(p->get_string()) : std::string();
    };
    AwsManagedPolicy p;
    p.name = str("PolicyName");
    p.path = str("Path");
    p.policy_id = str("PolicyId");
    p.description = str("Description");
    p.default_version = str("DefaultVersionId");
    p.created_at = parse_iso8601(str("CreateDate"));
    p.updated_at = parse_iso8601(str("UpdateDate"));
    auto doc = o.if_contains("Document");
    if (p.name.empty() || p.path.empty() || !doc) return AwsError::InternalFailure("incomplete policy in " + f.string());
    p.document = boost::json::serialize(*doc);
    p.arn = "arn:aws:iam::aws:policy" + p.path + p.name;
    p.attachable = p.path != "/root-task/";
    cat.policies_.push_back(std::move(p));
  }
  std::sort(cat.policies_.begin(), cat.policies_.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (size_t i = 0; i < cat.policies_.size(); ++i) cat.by_arn_[cat.policies_[i].arn] = i;
  return cat;
}

std::string AwsPolicyCatalog::default_dir() {
  if (const char* env = std::getenv("ORGROOT_POLICIES_DIR")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto rel : {"../share/orgroot/policies", "../data/policies", "data/policies"}) {
      fs::path p = exe.parent_path() / rel;
      if (fs::exists(p / "aws" / "AdministratorAccess.json", ec)) return fs::weakly_canonical(p, ec).string();
    }
  }
  return std::string(ORGROOT_SOURCE_DIR) + "/data/policies";
}

const AwsPolicyCatalog& AwsPolicyCatalog::shared() {
  static const AwsPolicyCatalog cat = [] {
    auto r = load(default_dir());
    if (!r) {
      spdlog::warn("AWS managed policies not loaded: {}", r.error().message);
      return AwsPolicyCatalog{};
    }
    return std::move(r).value();
  }();
  return cat;
}

const AwsManagedPolicy* AwsPolicyCatalog::find(const std::string& arn) const {
  auto it = by_arn_.find(arn);
  return it == by_arn_.end() ? nullptr : &policies_[it->second];
}

}  // namespace orgroot::services::iam
