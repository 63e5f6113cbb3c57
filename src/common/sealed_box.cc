#include "common/sealed_box.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace orgroot::sealed {

namespace {
constexpr size_t kNonce = 12, kTag = 16;

const EVP_CIPHER* aes_gcm() {
  // Fetched once: an implicit fetch on every use costs more than sealing a short record.
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (!cipher) throw std::runtime_error("AES-256-GCM is not available");
  return cipher;
}

// One context per thread and direction, kept keyed: making one, or setting its key (AES's key
// schedule and GCM's hash key), costs more than sealing a session record. A context keyed with
// the same key is given only the next nonce.
struct KeyedCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Key key{};
  bool keyed = false;
  ~KeyedCtx() {
    EVP_CIPHER_CTX_free(ctx);
    OPENSSL_cleanse(key.data(), key.size());
  }
  // The key to pass to EVP_*Init_ex2: null when the context already has it.
  const unsigned char* key_for(const Key& k) {
    if (!ctx) throw std::runtime_error("no cipher context");
    if (keyed && CRYPTO_memcmp(key.data(), k.data(), k.size()) == 0) return nullptr;
    keyed = false;  // until the init that sets it succeeds
    key = k;
    return key.data();
  }
};
KeyedCtx& encrypt_ctx() {
  thread_local KeyedCtx c;
  return c;
}
KeyedCtx& decrypt_ctx() {
  thread_local KeyedCtx c;
  return c;
}

const unsigned char* u(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
}  // namespace

Key new_key(Random& r) {
  Key k;
  r.fill(k.data(), k.size());
  return k;
}

std::string seal(const Key& key, std::string_view plaintext, std::string_view context, Random& r) {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  r.fill(o, kNonce);
  KeyedCtx& k = encrypt_ctx();
  const unsigned char* new_key = k.key_for(key);
  EVP_CIPHER_CTX* c = k.ctx;
  int len = 0;
  if (EVP_EncryptInit_ex2(c, new_key ? aes_gcm() : nullptr, new_key, o, nullptr) != 1)
    throw std::runtime_error("AES-256-GCM sealing failed");
  k.keyed = true;
  if (EVP_EncryptUpdate(c, nullptr, &len, u(context), static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(c, o + kNonce, &len, u(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(c, o + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, kTag, o + kNonce + plaintext.size()) != 1)
    throw std::runtime_error("AES-256-GCM sealing failed");
  return out;
}

std::optional<std::string> open(const Key& key, std::string_view box, std::string_view context) {
  if (box.size() < kNonce + kTag) return std::nullopt;
  const size_t n = box.size() - kNonce - kTag;
  std::string out(n, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  unsigned char tag[kTag];
  std::copy(box.end() - kTag, box.end(), tag);
  KeyedCtx& k = decrypt_ctx();
  const unsigned char* new_key = k.key_for(key);
  EVP_CIPHER_CTX* c = k.ctx;
  int len = 0;
  if (EVP_DecryptInit_ex2(c, new_key ? aes_gcm() : nullptr, new_key, u(box), nullptr) != 1) return std::nullopt;
  k.keyed = true;
  if (EVP_DecryptUpdate(c, nullptr, &len, u(context), static_cast<int>(context.size())) != 1 ||
      EVP_DecryptUpdate(c, o, &len, u(box) + kNonce, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, kTag, tag) != 1 ||
      EVP_DecryptFinal_ex(c, o + len, &len) != 1)
    return std::nullopt;
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), u(bytes), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * (text.size() / 4), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), u(text), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding's bytes as data.
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

}  // namespace orgroot::sealed
