// The local mailbox: the mail orgroot "sends" (password-reset links to root users), kept in memory
// so that a person or a test can read it at GET /_orgroot/mailbox/{address}. It stands for the
// outside mail system, so it is not part of the database: a restart empties it, and the reset
// tokens it carries never reach the disk.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace orgroot::services::rootuser {

struct MailMessage {
  std::string message_id;
  std::string to, from, subject, body;
  double date = 0;              // seconds since the epoch
  std::string reset_token;      // the password-reset token the body links to ("" if none)
  std::string reset_link;
};

class Mailbox {
 public:
  static constexpr size_t kKeptPerAddress = 50;  // older messages are dropped

  void deliver(MailMessage m);
  // Messages to `address` (compared case-insensitively), oldest first.
  std::vector<MailMessage> messages_to(const std::string& address) const;
  void clear();

 private:
  static std::string key(const std::string& address);
  mutable std::mutex mu_;
  std::map<std::string, std::deque<MailMessage>> boxes_;
};

}  // namespace orgroot::services::rootuser
