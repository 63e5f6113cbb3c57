#include "services/iam/credential_report.h"

#include <gtest/gtest.h>

namespace orgroot::services::iam {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    auto p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

TEST(CredentialReport, HeaderAndRowsInAwsColumnOrder) {
  ReportRow root;
  root.user = "<root_account>";
  root.arn = "arn:aws:iam::111122223333:root";
  root.created_at = 1757642199;  // 2025-09-12T01:56:39Z
  root.password_rotation_not_supported = true;
  ReportRow alice;
  alice.user = "alice";
  alice.arn = "arn:aws:iam::111122223333:user/alice";
  alice.created_at = 1757642199;
  alice.password_enabled = true;
  alice.password_last_changed = 1757642200;
  alice.mfa_active = true;
  alice.keys.push_back(ReportKey{true, 1757642201, 1757642300, "us-east-1", "sts"});
  alice.keys.push_back(ReportKey{false, 1757642202, 0, "", ""});
  alice.certs.push_back(ReportCert{true, 1757642203});
  auto csv = render_credential_report({root, alice});
  auto lines = split(csv, '\n');
  ASSERT_EQ(lines.size(), 3u);
  auto header = split(lines[0], ',');
  const std::vector<std::string> expected_header = {
      "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
      "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
      "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
      "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
      "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated",
      "cert_2_active", "cert_2_last_rotated"};
  EXPECT_EQ(header, expected_header);
  EXPECT_EQ(lines[1],
            "<root_account>,arn:aws:iam::111122223333:root,2025-09-12T01:56:39+00:00,false,N/A,N/A,not_supported,"
            "false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A");
  EXPECT_EQ(lines[2],
            "alice,arn:aws:iam::111122223333:user/alice,2025-09-12T01:56:39+00:00,true,no_information,"
            "2025-09-12T01:56:40+00:00,N/A,true,true,2025-09-12T01:56:41+00:00,2025-09-12T01:58:20+00:00,"
            "us-east-1,sts,false,2025-09-12T01:56:42+00:00,N/A,N/A,N/A,true,2025-09-12T01:56:43+00:00,false,N/A");
  for (const auto& l : lines) EXPECT_EQ(split(l, ',').size(), 22u) << l;
}

}  // namespace
}  // namespace orgroot::services::iam
