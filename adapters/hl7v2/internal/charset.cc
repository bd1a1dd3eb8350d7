#include "adapters/hl7v2/internal/charset.h"

#include <iconv.h>

#include <cerrno>

namespace metrogw::adapters::hl7v2::internal {
namespace {

[[nodiscard]] std::string normalizeName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '-' || c == '_') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

[[nodiscard]] StatusOr<std::string> convert(std::string_view text, const char* to, const char* from,
                                            std::string_view what) {
  iconv_t cd = iconv_open(to, from);
  // iconv_open reports failure as (iconv_t)-1 (POSIX), which can only be compared through a cast.
  if (cd == reinterpret_cast<iconv_t>(-1))  // NOLINT(performance-no-int-to-ptr)
    return Status::internal("MSH[1]-18: iconv cannot convert " + std::string(what));
  std::string out(text.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(text.data());
  size_t in_left = text.size();
  size_t done = 0;
  Status status;
  while (in_left > 0) {
    char* out_ptr = out.data() + done;
    size_t out_left = out.size() - done;
    const size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    done = out.size() - out_left;
    if (rc != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    status = Status::malformedMessage("MSH[1]-18: invalid " + std::string(what) + " byte sequence at byte " +
                                      std::to_string(text.size() - in_left));
    break;
  }
  iconv_close(cd);
  if (!status.isOk()) return status;
  out.resize(done);
  return out;
}

}  // namespace

Charset charsetFromName(std::string_view name) {
  const std::string n = normalizeName(name);
  if (n.empty() || n == "UNICODEUTF8" || n == "UTF8" || n == "ASCII") return Charset::kUtf8;
  if (n.rfind("GB18030", 0) == 0 || n == "GBK" || n.rfind("GB2312", 0) == 0) return Charset::kGb18030;
  return Charset::kUnknown;
}

StatusOr<std::string> gb18030ToUtf8(std::string_view text) {
  return convert(text, "UTF-8", "GB18030", "GB18030");
}

StatusOr<std::string> utf8ToGb18030(std::string_view text) {
  return convert(text, "GB18030", "UTF-8", "UTF-8");
}

size_t invalidUtf8At(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + len > n) return i;
    unsigned cp = c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace metrogw::adapters::hl7v2::internal
