#include "booking/internal/slot_model.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "booking/internal/times.h"

namespace metrogw::booking::internal {
namespace {

[[nodiscard]] std::unique_ptr<model::ReferenceT> ref(std::string kind, std::string id, std::string city) {
  auto r = std::make_unique<model::ReferenceT>();
  r->kind = std::move(kind);
  r->id = std::move(id);
  r->city = std::move(city);
  return r;
}

[[nodiscard]] std::string specialtyCode(const model::SlotT& s) {
  for (const auto& c : s.specialty) {
    if (c && c->coding && !c->coding->code.empty()) return c->coding->code;
  }
  if (s.department) return s.department->id;
  return {};
}

[[nodiscard]] std::string cityOf(const std::string& id) { return id.substr(0, id.find('.')); }

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void writeString(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void writeSlot(Writer& w, const SlotView& v) {
  w.StartObject();
  writeString(w, "id", v.id);
  writeString(w, "city", v.city);
  writeString(w, "hospital", v.hospital);
  writeString(w, "department", v.department);
  writeString(w, "doctor", v.doctor);
  writeString(w, "start", v.start);
  writeString(w, "end", v.end);
  w.Key("capacity");
  w.Uint(v.capacity);
  w.Key("available");
  w.Uint(v.available);
  w.Key("family_available");
  w.Uint(v.family_available);
  w.EndObject();
}

}  // namespace

model::SlotT slotModel(const SlotView& v) {
  model::SlotT s;
  s.id = v.id;
  s.start = v.start;
  s.end = v.end;
  s.capacity = static_cast<uint16_t>(v.capacity);
  s.booked = static_cast<uint16_t>(v.capacity - std::min(v.capacity, v.family_available));
  s.reserved_family_doctor =
      static_cast<uint16_t>(v.family_available - std::min(v.family_available, v.available));
  s.status = v.available > 0 ? model::SlotStatus::Free : model::SlotStatus::Busy;
  s.organization = ref("Organization", v.hospital, v.city);
  s.department = ref("Department", v.department, v.city);
  s.practitioner = ref("Practitioner", v.doctor, v.city);
  auto specialty = std::make_unique<model::CodeableConceptT>();
  specialty->coding = std::make_unique<model::CodingT>();
  specialty->coding->code = v.department;
  s.specialty.push_back(std::move(specialty));
  return s;
}

SlotView slotView(const model::SlotT& s) {
  SlotView v;
  v.id = s.id;
  v.city = s.organization && !s.organization->city.empty() ? s.organization->city : cityOf(s.id);
  v.hospital = s.organization ? s.organization->id : "";
  v.department = specialtyCode(s);
  v.doctor = s.practitioner ? s.practitioner->id : "";
  v.start = s.start;
  v.end = s.end;
  v.capacity = s.capacity;
  v.family_available = s.capacity - std::min(s.capacity, s.booked);
  v.available = v.family_available - std::min<uint32_t>(v.family_available, s.reserved_family_doctor);
  return v;
}

StatusOr<PlatformSlot> platformSlot(const model::SlotT& s, const std::string& city,
                                    const std::set<std::string>& tertiary) {
  if (s.id.empty() || !s.organization || s.organization->id.empty())
    return Status::invalidArgument("platform slot without id or organisation");
  PlatformSlot p;
  ASSIGN_OR_RETURN(p.start_ms, parseIsoMs(s.start));
  p.id = city + "." + s.id;
  p.platform_id = s.id;
  p.hospital = s.organization->id;
  p.department = specialtyCode(s);
  p.doctor = s.practitioner ? s.practitioner->id : "";
  p.start = s.start;
  p.end = s.end;
  p.capacity = s.capacity;
  p.platform_booked = std::min(s.booked, s.capacity);
  p.tertiary = tertiary.empty() ? s.reserved_family_doctor > 0 : tertiary.count(p.hospital) > 0;
  return p;
}

std::string slotsJson(const model::SearchResultT& result, const std::string& next_cursor) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("slots");
  w.StartArray();
  for (const auto& s : result.slots) {
    if (s) writeSlot(w, slotView(*s));
  }
  w.EndArray();
  if (!next_cursor.empty()) writeString(w, "next_cursor", next_cursor);
  if (!result.incomplete.empty()) {
    w.Key("incomplete");
    w.StartArray();
    for (const auto& i : result.incomplete) {
      if (!i) continue;
      w.StartObject();
      writeString(w, "city", i->city);
      writeString(w, "reason", i->reason);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return buf.GetString();
}

}  // namespace metrogw::booking::internal
