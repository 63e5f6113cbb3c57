// IAM's credential report: one CSV row per identity (the root user first), in AWS's column order.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace orgroot::services::iam {

struct ReportKey {
  bool active = false;
  double created_at = 0;       // access_key_N_last_rotated
  double last_used_at = 0;     // 0 = never
  std::string last_used_region;
  std::string last_used_service;
};

struct ReportCert {
  bool active = false;
  double uploaded_at = 0;
};

struct ReportRow {
  std::string user;  // "<root_account>" for the root user
  std::string arn;
  double created_at = 0;
  bool password_enabled = false;
  double password_last_used = 0;     // 0 = no_information
  double password_last_changed = 0;  // 0 = N/A
  std::optional<double> password_next_rotation;  // nullopt: N/A
  bool password_rotation_not_supported = false;  // the root user: "not_supported"
  bool mfa_active = false;
  std::vector<ReportKey> keys;    // oldest first; the first two are reported
  std::vector<ReportCert> certs;  // oldest first; the first two are reported
};

// The header line, then one line per row; lines are separated by "\n" (no trailing newline).
std::string render_credential_report(const std::vector<ReportRow>& rows);
// 2026-09-12T01:56:39+00:00
std::string report_time(double epoch_seconds);

}  // namespace orgroot::services::iam
