// SecretBytes: a fixed-size byte buffer for key material, wiped with OPENSSL_cleanse when destroyed or
// overwritten. Move-only; a moved-from buffer is empty. The size is fixed at construction so the bytes
// are never reallocated (a reallocation would leave an unwiped copy behind).
#pragma once

#include <openssl/crypto.h>

#include <cstddef>
#include <cstdint>
#include <utility>

namespace metrogw::identity::internal {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size) : data_(size == 0 ? nullptr : new uint8_t[size]()), size_(size) {}
  ~SecretBytes() { wipe(); }

  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  [[nodiscard]] uint8_t* data() { return data_; }
  [[nodiscard]] const uint8_t* data() const { return data_; }
  [[nodiscard]] size_t size() const { return size_; }

 private:
  void wipe() {
    if (data_ != nullptr) {
      OPENSSL_cleanse(data_, size_);
      delete[] data_;
      data_ = nullptr;
      size_ = 0;
    }
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace metrogw::identity::internal
