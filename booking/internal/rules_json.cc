#include "booking/internal/rules_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace metrogw::booking::internal {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void writeRules(Writer& w, const config::BookingRules& r) {
  w.StartObject();
  const auto field = [&w](const char* name, uint64_t v) {
    w.Key(name);
    w.Uint64(v);
  };
  field("reserved_share_percent", r.reserved_share_percent);
  w.Key("reserved_all_grades");
  w.Bool(r.reserved_all_grades);
  field("family_window_days", r.family_window_days);
  field("public_window_days", r.public_window_days);
  w.Key("reserved_opens_at_public");
  w.Bool(r.reserved_opens_at_public);
  field("per_patient_per_day", r.per_patient_per_day);
  field("per_doctor_per_day", r.per_doctor_per_day);
  field("noshow_limit", r.noshow_limit);
  field("noshow_window_days", r.noshow_window_days);
  field("suspension_days", r.suspension_days);
  field("cancel_cutoff_minutes", static_cast<uint64_t>(r.cancel_cutoff.count()));
  w.EndObject();
}

}  // namespace

std::string rulesJson(const config::Booking& settings) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("*");
  writeRules(w, settings.defaults);
  for (const auto& h : settings.hospitals) {
    w.Key(h.hospital.c_str(), static_cast<rapidjson::SizeType>(h.hospital.size()));
    writeRules(w, h.rules);
  }
  w.EndObject();
  return buf.GetString();
}

}  // namespace metrogw::booking::internal
