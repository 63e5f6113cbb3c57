#include "services/iam/credential_report.h"

#include <cmath>
#include <ctime>

namespace orgroot::services::iam {

namespace {

constexpr const char* kHeader =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
    "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

const char* tf(bool b) { return b ? "true" : "false"; }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string report_time(double epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

std::string render_credential_report(const std::vector<ReportRow>& rows) {
  std::string out = kHeader;
  for (const auto& r : rows) {
    out += "\n";
    std::vector<std::string> f;
    f.push_back(csv_field(r.user));
    f.push_back(csv_field(r.arn));
    f.push_back(report_time(r.created_at));
    f.push_back(tf(r.password_enabled));
    if (!r.password_enabled && r.password_last_used == 0) f.push_back("N/A");
    else f.push_back(r.password_last_used > 0 ? report_time(r.password_last_used) : "no_information");
    if (r.password_enabled && r.password_last_changed > 0) f.push_back(report_time(r.password_last_changed));
    else f.push_back("N/A");
    if (r.password_rotation_not_supported) f.push_back("not_supported");
    else if (r.password_enabled && r.password_next_rotation) f.push_back(report_time(*r.password_next_rotation));
    else f.push_back("N/A");
    f.push_back(tf(r.mfa_active));
    for (size_t i = 0; i < 2; ++i) {
      if (i < r.keys.size()) {
        const auto& k = r.keys[i];
        f.push_back(tf(k.active));
        f.push_back(report_time(k.created_at));
        if (k.last_used_at > 0) {
          f.push_back(report_time(k.last_used_at));
          f.push_back(k.last_used_region.empty() ? "N/A" : k.last_used_region);
          f.push_back(k.last_used_service.empty() ? "N/A" : k.last_used_service);
        } else {
          f.insert(f.end(), {"N/A", "N/A", "N/A"});
        }
      } else {
        f.insert(f.end(), {"false", "N/A", "N/A", "N/A", "N/A"});
      }
    }
    for (size_t i = 0; i < 2; ++i) {
      if (i < r.certs.size()) {
        f.push_back(tf(r.certs[i].active));
        f.push_back(report_time(r.certs[i].uploaded_at));
      } else {
        f.insert(f.end(), {"false", "N/A"});
      }
    }
    for (size_t i = 0; i < f.size(); ++i) {
      if (i) out += ",";
      out += f[i];
    }
  }
  return out;
}

}  // namespace orgroot::services::iam
