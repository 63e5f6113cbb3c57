#include "policy/request_context.h"

#include <algorithm>

#include "policy/pattern.h"

namespace orgroot::policy {

void RequestContext::SetAction(std::string_view action) {
  action_ = action;
  action_lower_ = ToLowerAscii(action);
}

void RequestContext::SetResourceAccount(std::string_view account) {
  resource_account_ = account;
  if (account.empty()) {
    Remove("aws:ResourceAccount");
  } else {
    Set("aws:ResourceAccount", account);
  }
}

ContextEntry& RequestContext::Upsert(std::string_view key) {
  const uint64_t h = HashLower(key);
  for (auto& e : entries_) {
    if (e.hash == h && EqualsIgnoreCase(e.key_lower, key)) return e;
  }
  ContextEntry& e = entries_.emplace_back();
  e.hash = h;
  e.key_lower = ToLowerAscii(key);
  e.key = key;
  return e;
}

void RequestContext::Set(std::string_view key, std::string_view value) {
  ContextEntry& e = Upsert(key);
  e.values.clear();
  e.values.emplace_back(value);
}

void RequestContext::Add(std::string_view key, std::string_view value) { Upsert(key).values.emplace_back(value); }

void RequestContext::SetValues(std::string_view key, std::vector<std::string> values) {
  Upsert(key).values = std::move(values);
}

void RequestContext::Remove(std::string_view key) {
  const uint64_t h = HashLower(key);
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const ContextEntry& e) { return e.hash == h && EqualsIgnoreCase(e.key_lower, key); }),
                 entries_.end());
}

const ContextEntry* RequestContext::Find(std::string_view key) const {
  const uint64_t h = HashLower(key);
  for (const auto& e : entries_) {
    if (e.hash == h && EqualsIgnoreCase(e.key_lower, key)) return &e;
  }
  return nullptr;
}

const ContextEntry* RequestContext::Find(uint64_t hash, std::string_view key_lower) const {
  for (const auto& e : entries_) {
    if (e.hash == hash && e.key_lower == key_lower) return &e;
  }
  return nullptr;
}

void RequestContext::AddPrincipalKeys() {
  const PrincipalFacts& p = principal_;
  if (p.kind == PrincipalKind::Anonymous) return;
  if (p.kind == PrincipalKind::AssumedRole && !p.role_arn.empty()) {
    Set("aws:PrincipalArn", p.role_arn);
  } else if (!p.arn.empty()) {
    Set("aws:PrincipalArn", p.arn);
  }
  if (!p.account.empty()) Set("aws:PrincipalAccount", p.account);
  switch (p.kind) {
    case PrincipalKind::User: Set("aws:PrincipalType", "User"); break;
    case PrincipalKind::AssumedRole: Set("aws:PrincipalType", "AssumedRole"); break;
    case PrincipalKind::Root: Set("aws:PrincipalType", "Account"); break;
    case PrincipalKind::FederatedUser: Set("aws:PrincipalType", "FederatedUser"); break;
    default: break;
  }
  if (!p.user_id.empty()) Set("aws:userid", p.user_id);
  if (p.kind == PrincipalKind::User && !p.user_name.empty()) Set("aws:username", p.user_name);
}

}  // namespace orgroot::policy
