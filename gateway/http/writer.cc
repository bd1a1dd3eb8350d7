// HTTP/1.1 head and chunk serialisation.
#include "gateway/http/writer.h"

#include <charconv>

#include "gateway/http/problem.h"

namespace metrogw::gateway::http {

void appendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

void appendHeaders(std::string& out, const HeaderMap& headers) {
  for (const auto& h : headers.entries()) appendHeader(out, h.name, h.value);
}

void appendStatusLine(std::string& out, int status) {
  char num[8];
  const auto res = std::to_chars(num, num + sizeof(num), status);
  out.append("HTTP/1.1 ");
  out.append(num, res.ptr);
  out.push_back(' ');
  out.append(reasonPhrase(status));
  out.append("\r\n");
}

void writeChunk(evbuffer* out, std::string_view data) {
  if (data.empty()) return;  // an empty chunk would end the body
  char size[24];
  auto res = std::to_chars(size, size + sizeof(size) - 2, data.size(), 16);
  *res.ptr++ = '\r';
  *res.ptr++ = '\n';
  evbuffer_add(out, size, static_cast<size_t>(res.ptr - size));
  evbuffer_add(out, data.data(), data.size());
  evbuffer_add(out, "\r\n", 2);
}

void writeLastChunk(evbuffer* out) { evbuffer_add(out, "0\r\n\r\n", 5); }

}  // namespace metrogw::gateway::http
