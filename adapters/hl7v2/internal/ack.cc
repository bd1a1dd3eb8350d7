// ACK / MSA / ERR <-> Problem.
//
// Encoding a Problem: MSA-1 AE, MSA-3 title; ERR-3 HL7 error code (table 0357, from the status),
// ERR-4 severity E, ERR-5 <slug>^<title>^urn:metrogw:problem (the problem type), ERR-6 the HTTP-style
// status, ERR-7 detail, ERR-8 title. Decoding a foreign ACK: type urn:metrogw:problem:hl7v2-<ERR-3 or
// MSA-1>, title from ERR-8 / MSA-3 / ERR-3 text, status from ERR-3, detail from ERR-7.
#include <cstdlib>

#include "adapters/hl7v2/internal/messages.h"
#include "adapters/hl7v2/internal/types.h"

namespace metrogw::adapters::hl7v2::internal {
namespace {

constexpr std::string_view kProblemPrefix = "urn:metrogw:problem:";
constexpr std::string_view kProblemSystem = "urn:metrogw:problem";

struct ErrorCode {
  uint16_t status;
  std::string_view code;
  std::string_view text;
};
constexpr ErrorCode kErrorCodes[] = {
    {400, "102", "Data type error"},
    {422, "103", "Table value not found"},
    {404, "204", "Unknown key identifier"},
    {409, "205", "Duplicate key identifier"},
    {423, "206", "Application record locked"},
    {501, "200", "Unsupported message type"},
    {500, "207", "Application internal error"},
    {400, "100", "Segment sequence error"},
    {400, "101", "Required field missing"},
    {501, "201", "Unsupported event code"},
};

[[nodiscard]] const ErrorCode& codeForStatus(uint16_t status) {
  for (const ErrorCode& e : kErrorCodes) {
    if (e.status == status) return e;
  }
  return kErrorCodes[6];
}

[[nodiscard]] uint16_t statusForCode(std::string_view code, std::string_view ack) {
  for (const ErrorCode& e : kErrorCodes) {
    if (e.code == code) return e.status;
  }
  return (ack == "AR" || ack == "CR") ? 400 : 500;
}

}  // namespace

std::unique_ptr<model::ProblemT> readProblem(const Message& msg) {
  const Segment* msa = msg.find("MSA");
  if (msa == nullptr) return nullptr;
  const std::string ack = msa->str(1);
  if (ack != "AE" && ack != "AR" && ack != "CE" && ack != "CR") return nullptr;
  auto p = std::make_unique<model::ProblemT>();
  const Segment* err = msg.find("ERR");
  if (err != nullptr && err->str(5, 3) == kProblemSystem) {
    p->type = std::string(kProblemPrefix) + err->str(5, 1);
    p->title = err->str(5, 2);
    p->status = static_cast<uint16_t>(std::strtoul(err->str(6).c_str(), nullptr, 10));
    p->detail = err->str(7);
    return p;
  }
  if (err != nullptr && err->str(5, 3) == "URI") {
    p->type = err->str(5, 1);
    p->title = err->str(5, 2);
    p->status = static_cast<uint16_t>(std::strtoul(err->str(6).c_str(), nullptr, 10));
    p->detail = err->str(7);
    return p;
  }
  const std::string code = err != nullptr ? err->str(3, 1) : std::string();
  p->type = std::string(kProblemPrefix) + "hl7v2-" + (code.empty() ? lower(ack) : code);
  p->status = statusForCode(code, ack);
  if (err != nullptr) p->title = err->str(8);
  if (p->title.empty()) p->title = msa->str(3);
  if (p->title.empty() && err != nullptr) p->title = err->str(3, 2);
  if (err != nullptr) p->detail = err->str(7);
  return p;
}

void writeMsa(MessageBuilder& mb, std::string_view code, std::string_view in_reply_to) {
  mb.add("MSA").set(1, code).set(2, in_reply_to);
}

void writeProblem(MessageBuilder& mb, const model::ProblemT& p, std::string_view in_reply_to) {
  mb.add("MSA").set(1, "AE").set(2, in_reply_to).set(3, p.title);
  const ErrorCode& code = codeForStatus(p.status);
  SegmentBuilder& err = mb.add("ERR");
  err.set(3, 1, code.code).set(3, 2, code.text).set(3, 3, "HL70357").set(4, "E");
  const bool ours = std::string_view(p.type).substr(0, kProblemPrefix.size()) == kProblemPrefix;
  err.set(5, 1, ours ? std::string_view(p.type).substr(kProblemPrefix.size()) : std::string_view(p.type));
  err.set(5, 2, p.title).set(5, 3, ours ? kProblemSystem : "URI");
  if (p.status != 0) err.set(6, std::to_string(p.status));
  err.set(7, p.detail).set(8, p.title);
}

}  // namespace metrogw::adapters::hl7v2::internal
