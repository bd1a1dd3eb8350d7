// Serialisation of HTTP/1.1 heads and chunked framing into libevent buffers.
#pragma once

#include <event2/buffer.h>

#include <string>
#include <string_view>

#include "gateway/http/headers.h"

namespace metrogw::gateway::http {

// Appends "name: value\r\n" for each header. Caller adds framing headers and the blank line.
void appendHeaders(std::string& out, const HeaderMap& headers);
void appendHeader(std::string& out, std::string_view name, std::string_view value);

void appendStatusLine(std::string& out, int status);

void writeChunk(evbuffer* out, std::string_view data);
void writeLastChunk(evbuffer* out);

}  // namespace metrogw::gateway::http
