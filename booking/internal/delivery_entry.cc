#include "booking/internal/delivery_entry.h"

#include <algorithm>
#include <cstdio>

#include "common/logging.h"

namespace metrogw::booking::internal {
namespace {

using Type = redis::Reply::Type;

[[nodiscard]] StreamEntry entryOf(const redis::Reply& item) {
  StreamEntry e;
  if (item.type != Type::kArray || item.elements.size() < 2) return e;
  e.id = item.elements[0].str;
  const auto& fields = item.elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].str == "appointment") e.appointment = fields[i + 1].str;
    if (fields[i].str == "action") e.action = fields[i + 1].str;
  }
  return e;
}

[[nodiscard]] std::string field(const std::map<std::string, std::string>& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

[[nodiscard]] bool transientCode(StatusCode code) {
  switch (code) {
    case StatusCode::kUpstreamTimeout:
    case StatusCode::kUpstreamUnavailable:
    case StatusCode::kResourceExhausted:
    case StatusCode::kIoError:
    case StatusCode::kMalformedMessage:
    case StatusCode::kInternal: return true;
    default: return false;
  }
}

// "urn:metrogw:problem:slot-unavailable" → "slot-unavailable".
[[nodiscard]] std::string problemSlug(const model::ProblemT& p) {
  const auto colon = p.type.rfind(':');
  std::string slug = colon == std::string::npos ? p.type : p.type.substr(colon + 1);
  if (slug.empty()) slug = "refused";
  return "platform-" + std::to_string(p.status) + ":" + slug;
}

void appendJsonString(std::string& out, const std::string& s) {
  out += '"';
  log::appendJsonEscaped(out, s);
  out += '"';
}

}  // namespace

std::vector<StreamEntry> parseReadGroup(const redis::Reply& reply) {
  std::vector<StreamEntry> out;
  if (reply.type != Type::kArray) return out;
  for (const auto& stream : reply.elements) {
    if (stream.type != Type::kArray || stream.elements.size() < 2) continue;
    for (const auto& item : stream.elements[1].elements) {
      StreamEntry e = entryOf(item);
      if (!e.id.empty()) out.push_back(std::move(e));
    }
  }
  return out;
}

Claimed parseAutoClaim(const redis::Reply& reply) {
  Claimed out;
  if (reply.type != Type::kArray || reply.elements.size() < 2) return out;
  out.cursor = reply.elements[0].str.empty() ? "0-0" : reply.elements[0].str;
  for (const auto& item : reply.elements[1].elements) {
    StreamEntry e = entryOf(item);  // nil items (deleted entries) have no id
    if (!e.id.empty()) out.entries.push_back(std::move(e));
  }
  return out;
}

int64_t streamIdMs(const std::string& id) {
  int64_t ms = 0;
  for (const char c : id) {
    if (c == '-') return ms;
    if (c < '0' || c > '9') return 0;
    ms = ms * 10 + (c - '0');
  }
  return ms;
}

std::map<std::string, std::string> parseHash(const redis::Reply& reply) {
  std::map<std::string, std::string> out;
  if (reply.type != Type::kArray) return out;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2)
    out[reply.elements[i].str] = reply.elements[i + 1].str;
  return out;
}

Plan planFor(const StreamEntry& entry, const std::map<std::string, std::string>& appt) {
  if (appt.empty() || entry.appointment.empty()) return Plan::kSkip;
  const std::string status = field(appt, "status");
  if (entry.action == "book") {
    return status == "booked" && field(appt, "delivery") == "pending" ? Plan::kSend : Plan::kSkip;
  }
  if (entry.action == "cancel") {
    // Never delivered: there is nothing at the platform to cancel (a book that lands later sees the
    // cancellation and queues a new cancel, see kDeliveredScript).
    return (status == "cancelled" || status == "failed") && !field(appt, "platform_ref").empty()
               ? Plan::kSend
               : Plan::kSkip;
  }
  return Plan::kSkip;
}

model::CommandT commandFor(const StreamEntry& entry, const std::map<std::string, std::string>& appt) {
  model::CommandT c;
  if (entry.action == "cancel") {
    c.action = model::CommandAction::Cancel;
    c.appointment_id = field(appt, "platform_ref");
    c.idempotency_key = entry.appointment + ":cancel";
    c.reason = "cancelled";
    return c;
  }
  c.action = model::CommandAction::Book;
  c.slot_id = field(appt, "platform_slot");
  c.idempotency_key = entry.appointment;
  c.family_doctor = field(appt, "family") == "1";
  c.patient = std::make_unique<model::PatientT>();
  auto id = std::make_unique<model::IdentifierT>();
  id->system = kPersonTokenSystem;
  id->value = field(appt, "patient");
  c.patient->identifiers.push_back(std::move(id));
  return c;
}

Outcome classify(const StatusOr<model::EnvelopeT>& answer) {
  Outcome o;
  if (!answer.isOk()) {
    o.kind = transientCode(answer.status().code()) ? Outcome::Kind::kTransient : Outcome::Kind::kRefused;
    o.reason = o.kind == Outcome::Kind::kTransient ? "platform-unreachable" : "platform-rejected-request";
    return o;
  }
  if (const auto* appt = answer->body.AsAppointment(); appt != nullptr) {
    o.kind = Outcome::Kind::kDelivered;
    o.platform_ref = appt->id;
    return o;
  }
  if (const auto* p = answer->body.AsProblem(); p != nullptr) {
    const bool server_side = p->status == 0 || p->status >= 500 || p->status == 429 || p->status == 408;
    o.kind = server_side ? Outcome::Kind::kTransient : Outcome::Kind::kRefused;
    o.reason = problemSlug(*p);
    return o;
  }
  o.reason = "platform-unexpected-answer";
  return o;
}

std::chrono::milliseconds backoff(uint32_t attempt, std::chrono::milliseconds initial,
                                  std::chrono::milliseconds max, double unit) {
  int64_t d = initial.count();
  for (uint32_t i = 1; i < attempt && d < max.count(); ++i) d *= 2;
  d = std::min<int64_t>(d, max.count());
  const double u = std::clamp(unit, 0.0, 1.0);
  const int64_t half = d / 2;
  return std::chrono::milliseconds(half + static_cast<int64_t>(static_cast<double>(d - half) * u));
}

std::string webhookBody(const std::string& id, const std::string& status, const std::string& delivery,
                        const std::string& reason) {
  std::string out = "{\"id\":";
  appendJsonString(out, id);
  out += ",\"status\":";
  appendJsonString(out, status);
  out += ",\"delivery\":";
  appendJsonString(out, delivery);
  out += ",\"reason\":";
  appendJsonString(out, reason);
  out += '}';
  return out;
}

}  // namespace metrogw::booking::internal
