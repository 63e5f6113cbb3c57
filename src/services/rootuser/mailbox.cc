#include "services/rootuser/mailbox.h"

#include <cctype>

namespace orgroot::services::rootuser {

std::string Mailbox::key(const std::string& address) {
  std::string k = address;
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

void Mailbox::deliver(MailMessage m) {
  std::lock_guard lk(mu_);
  auto& box = boxes_[key(m.to)];
  box.push_back(std::move(m));
  while (box.size() > kKeptPerAddress) box.pop_front();
}

std::vector<MailMessage> Mailbox::messages_to(const std::string& address) const {
  std::lock_guard lk(mu_);
  auto it = boxes_.find(key(address));
  if (it == boxes_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

void Mailbox::clear() {
  std::lock_guard lk(mu_);
  boxes_.clear();
}

}  // namespace orgroot::services::rootuser
