// The hl7v2 codec: detects the message by MSH-9 and dispatches to the mappers in internal/.
//
//   decode                         canonical body            encode (same types back)
//   ADT^A01/A04/A08/A28            Patient                   ADT^A28
//   QBP^Q22 (IHE PDQ)              Query{Patients}           QBP^Q22
//   RSP^K22                        SearchResult{patients}    RSP^K22 (also an empty SearchResult)
//   SIU^S12/S13/S14/S15            Appointment               SIU^S12, S15 when cancelled
//   SRR^S01/S04                    Appointment / Problem     SRR^S01/S04 (Appointment + in_reply_to)
//   SRM^S01 / SRM^S04              Command{Book / Cancel}    SRM^S01 / SRM^S04
//   SQM^S25                        Query{Slots}              SQM^S25
//   SQR^S25                        SearchResult{slots}       SQR^S25
//   MFQ^M05                        Query{Organizations}      MFQ^M05
//   MFR^M05                        SearchResult{orgs}        MFR^M05
//   ORU^R01                        LabReport (1 OBR) or SearchResult{lab_reports}
//   QBP^Z01                        Query{LabReports/LabReport}
//   RSP^Z02                        SearchResult{lab_reports} RSP^Z02 (unless ORU^R01 carries it all)
//   ACK                            Problem (AE/AR) or empty  ACK^AE + ERR / ACK^AA (empty body)
// Envelope: message_id = MSH-10, sent = MSH-7, in_reply_to = MSA-2 (responses and ACKs only); encode
// writes MSH-4 = origin city, MSH-12 2.5 and MSH-18 UNICODE UTF-8.
#include "adapters/hl7v2/codec.h"

#include "adapters/hl7v2/er7.h"
#include "adapters/hl7v2/internal/messages.h"
#include "adapters/hl7v2/internal/types.h"
#include "adapters/hl7v2/writer.h"

namespace metrogw::adapters {
namespace {

using hl7v2::Message;
using hl7v2::MessageBuilder;
using hl7v2::Segment;
using hl7v2::SegmentBuilder;
namespace in = hl7v2::internal;

// MSH-9 type or trigger as shown in an error message: the raw (still escaped) text, printable ASCII
// only and at most 16 characters, so that the message stays one short line whatever the field holds.
[[nodiscard]] std::string shownCode(std::string_view raw) {
  constexpr size_t kMax = 16;
  std::string out;
  for (const char c : raw.substr(0, kMax)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (raw.size() > kMax) out += "...";
  return out;
}

// Message types whose structure has an MSA (and whose encoding writes one). In the others (ADT, ORU,
// SIU, SRM, QBP, SQM, MFQ) a stray MSA is ignored: in_reply_to would not be written back.
[[nodiscard]] bool carriesMsa(std::string_view type) {
  return type == "ACK" || type == "RSP" || type == "SQR" || type == "MFR" || type == "SRR";
}

[[nodiscard]] StatusOr<model::EnvelopeT> decodeBody(const Message& msg, const std::string& type,
                                                    const std::string& trigger, model::EnvelopeT env) {
  const auto is = [&](std::string_view t, std::initializer_list<std::string_view> triggers) {
    if (type != t) return false;
    for (std::string_view tr : triggers) {
      if (trigger == tr) return true;
    }
    return triggers.size() == 0;
  };
  if (auto problem = in::readProblem(msg)) {
    env.in_reply_to = msg.find("MSA")->str(2);  // written back as ACK^AE MSA-2
    env.body.Set(std::move(*problem));
    return env;
  }
  if (is("ADT", {"A01", "A04", "A08", "A28", "A31", "A05"})) {
    const Segment* pid = msg.find("PID");
    if (pid == nullptr) return Status::malformedMessage("PID[1]: segment missing");
    model::PatientT p;
    RETURN_IF_ERROR(in::readPid(*pid, p));
    env.body.Set(std::move(p));
  } else if (is("ORU", {"R01"})) {
    model::SearchResultT r;
    RETURN_IF_ERROR(in::readLabReports(msg, 0, r.lab_reports));
    if (r.lab_reports.empty()) return Status::malformedMessage("OBR[1]: segment missing");
    if (r.lab_reports.size() == 1) {
      env.body.Set(std::move(*r.lab_reports.front()));
    } else {
      env.body.Set(std::move(r));
    }
  } else if (is("SIU", {"S12", "S13", "S14", "S15"}) || is("SRR", {"S01", "S04"})) {
    const Segment* sch = msg.find("SCH");
    if (sch == nullptr) return Status::malformedMessage("SCH[1]: segment missing");
    model::AppointmentT a;
    const auto index = static_cast<size_t>(sch - msg.segments().data());
    RETURN_IF_ERROR(in::readAppointment(msg, index, trigger == "S04" ? "S15" : trigger, a));
    env.body.Set(std::move(a));
  } else if (is("SRM", {"S01", "S04"})) {
    model::CommandT c;
    RETURN_IF_ERROR(in::readCommand(
        msg, trigger == "S01" ? model::CommandAction::Book : model::CommandAction::Cancel, c));
    env.body.Set(std::move(c));
  } else if (is("QBP", {"Q22"}) || is("QBP", {"Z01"}) || is("SQM", {"S25"}) || is("MFQ", {"M05"})) {
    model::QueryT q;
    if (type == "SQM") {
      RETURN_IF_ERROR(in::readSlotQuery(msg, q));
    } else if (type == "MFQ") {
      RETURN_IF_ERROR(in::readOrganizationQuery(msg, q));
    } else if (trigger == "Q22") {
      RETURN_IF_ERROR(in::readPatientQuery(msg, q));
    } else {
      RETURN_IF_ERROR(in::readLabQuery(msg, q));
    }
    env.body.Set(std::move(q));
  } else if (is("RSP", {"K22", "Z02"}) || is("SQR", {"S25"}) || is("MFR", {"M05"})) {
    model::SearchResultT r;
    RETURN_IF_ERROR(in::readQak(msg, r));
    if (type == "SQR") {
      RETURN_IF_ERROR(in::readSlots(msg, r.slots));
    } else if (type == "MFR") {
      RETURN_IF_ERROR(in::readOrganizations(msg, r.organizations));
    } else if (trigger == "Z02") {
      RETURN_IF_ERROR(in::readLabReports(msg, 0, r.lab_reports));
    } else {
      for (const Segment& seg : msg.segments()) {
        if (seg.name() != "PID") continue;
        auto p = std::make_unique<model::PatientT>();
        RETURN_IF_ERROR(in::readPid(seg, *p));
        r.patients.push_back(std::move(p));
      }
    }
    env.body.Set(std::move(r));
  } else if (type != "ACK") {
    const Segment& msh = msg.msh();
    return Status::invalidArgument("MSH[1]-9: unsupported message type " + shownCode(msh.get(9, 1).raw()) +
                                   "^" + shownCode(msh.get(9, 2).raw()));
  }
  return env;
}

void writeMsh(MessageBuilder& mb, const model::EnvelopeT& env, std::string_view type,
              std::string_view trigger, std::string_view structure) {
  mb.add("MSH")
      .set(3, "METROGW")
      .set(4, env.origin_city)
      .set(7, in::isoToHl7Time(env.sent))
      .set(9, 1, type)
      .set(9, 2, trigger)
      .set(9, 3, structure)
      .set(10, env.message_id)
      .set(11, "P")
      .set(12, "2.5")
      .set(17, "CHN")
      .set(18, "UNICODE UTF-8");
}

[[nodiscard]] StatusOr<std::string> encodeQuery(const model::EnvelopeT& env, const model::QueryT& q) {
  MessageBuilder mb;
  switch (q.kind) {
    case model::QueryKind::Patients:
      writeMsh(mb, env, "QBP", "Q22", "QBP_Q21");
      in::writePatientQuery(mb, q, env.message_id);
      break;
    case model::QueryKind::LabReports:
    case model::QueryKind::LabReport:
      writeMsh(mb, env, "QBP", "Z01", "QBP_Q21");
      in::writeLabQuery(mb, q, env.message_id);
      break;
    case model::QueryKind::Slots:
      writeMsh(mb, env, "SQM", "S25", "SQM_S25");
      in::writeSlotQuery(mb, q, env.message_id);
      break;
    case model::QueryKind::Organizations:
      writeMsh(mb, env, "MFQ", "M05", "MFQ_M01");
      in::writeOrganizationQuery(mb, q, env.message_id);
      break;
    default: return Status::invalidArgument("hl7v2: query kind not supported in HL7 v2");
  }
  return mb.finish();
}

[[nodiscard]] std::string encodeSearchResult(const model::EnvelopeT& env, const model::SearchResultT& r) {
  MessageBuilder mb;
  if (!r.lab_reports.empty()) {
    // ORU^R01 only when it gives the same result back: one report would read as a LabReport, and a
    // reply reference, total or page token has no place in it. Otherwise RSP^Z02.
    const bool as_oru =
        env.in_reply_to.empty() && r.total < 0 && r.next_page_token.empty() && r.lab_reports.size() > 1;
    if (as_oru) {
      writeMsh(mb, env, "ORU", "R01", "ORU_R01");
    } else {
      writeMsh(mb, env, "RSP", "Z02", "RSP_K11");
      in::writeMsa(mb, "AA", env.in_reply_to);
      in::writeQak(mb, env.in_reply_to, r, r.lab_reports.size());
      mb.add("QPD")
          .set(1, 1, "Z01")
          .set(1, 2, "Lab reports")
          .set(1, 3, "urn:metrogw")
          .set(2, env.in_reply_to);
    }
    int n = 0;
    for (const auto& report : r.lab_reports) {
      if (report) in::writeLabReport(mb, *report, ++n, true);
    }
  } else if (!r.slots.empty()) {
    writeMsh(mb, env, "SQR", "S25", "SQR_S25");
    in::writeMsa(mb, "AA", env.in_reply_to);
    in::writeQak(mb, env.in_reply_to, r, r.slots.size());
    int n = 0;
    for (const auto& slot : r.slots) {
      if (slot) in::writeSlot(mb, *slot, ++n);
    }
  } else if (!r.organizations.empty()) {
    writeMsh(mb, env, "MFR", "M05", "MFR_M05");
    in::writeMsa(mb, "AA", env.in_reply_to);
    in::writeQak(mb, env.in_reply_to, r, r.organizations.size());
    mb.add("QRD").set(2, "R").set(3, "I").set(4, env.in_reply_to).set(9, "LOC");
    mb.add("MFI").set(1, 1, "LOC").set(1, 3, "HL70175").set(3, "UPD").set(6, "NE");
    for (const auto& org : r.organizations) {
      if (org) in::writeOrganization(mb, *org);
    }
  } else {
    writeMsh(mb, env, "RSP", "K22", "RSP_K21");
    in::writeMsa(mb, "AA", env.in_reply_to);
    in::writeQak(mb, env.in_reply_to, r, r.patients.size());
    mb.add("QPD")
        .set(1, 1, "IHE PDQ Query")
        .set(1, 2, "IHE PDQ Query")
        .set(1, 3, "IHE-ITI-21")
        .set(2, env.in_reply_to);
    int n = 0;
    for (const auto& p : r.patients) {
      if (p) in::writePid(mb, *p, ++n);
    }
  }
  in::writeDsc(mb, r.next_page_token);
  return mb.finish();
}

[[nodiscard]] std::string encodeAppointment(const model::EnvelopeT& env, const model::AppointmentT& a) {
  MessageBuilder mb;
  const bool cancelled = a.status == model::AppointmentStatus::Cancelled;
  if (env.in_reply_to.empty()) {
    writeMsh(mb, env, "SIU", cancelled ? "S15" : "S12", "SIU_S12");  // S15 shares structure SIU_S12
  } else {
    writeMsh(mb, env, "SRR", cancelled ? "S04" : "S01", "SRR_S01");
    in::writeMsa(mb, "AA", env.in_reply_to);
  }
  in::writeAppointment(mb, a);
  return mb.finish();
}

class Hl7v2Codec final : public Codec {
 public:
  std::string_view dialect() const override { return "hl7v2"; }

  StatusOr<model::EnvelopeT> decode(std::string_view message) const override {
    ASSIGN_OR_RETURN(Message msg, Message::parse(message));
    const Segment& msh = msg.msh();
    model::EnvelopeT env;
    env.schema_version = model::kSchemaVersion;
    env.message_id = msh.str(10, 1);
    RETURN_IF_ERROR(in::readTime(msh, 7, 1, 0, env.sent));
    const std::string type = msh.str(9, 1);
    if (const Segment* msa = msg.find("MSA"); msa != nullptr && carriesMsa(type))
      env.in_reply_to = msa->str(2);
    const std::string trigger = msh.str(9, 2);
    if (type.empty()) return Status::malformedMessage("MSH[1]-9: message type missing");
    return decodeBody(msg, type, trigger, std::move(env));
  }

  StatusOr<std::string> encode(const model::EnvelopeT& env) const override {
    MessageBuilder mb;
    switch (env.body.type) {
      case model::Body::Patient:
        writeMsh(mb, env, "ADT", "A28", "ADT_A05");
        mb.add("EVN").set(1, "A28");
        in::writePid(mb, *env.body.AsPatient(), 1);
        mb.add("PV1").set(1, "1").set(2, "N");
        return mb.finish();
      case model::Body::LabReport:
        writeMsh(mb, env, "ORU", "R01", "ORU_R01");
        in::writeLabReport(mb, *env.body.AsLabReport(), 1, true);
        return mb.finish();
      case model::Body::SearchResult: return encodeSearchResult(env, *env.body.AsSearchResult());
      case model::Body::Appointment: return encodeAppointment(env, *env.body.AsAppointment());
      case model::Body::Query: return encodeQuery(env, *env.body.AsQuery());
      case model::Body::Command: {
        const model::CommandT& c = *env.body.AsCommand();
        if (c.action == model::CommandAction::Hold)
          return Status::invalidArgument("hl7v2: Hold has no HL7 v2 message");
        const bool book = c.action == model::CommandAction::Book;
        writeMsh(mb, env, "SRM", book ? "S01" : "S04", "SRM_S01");
        in::writeCommand(mb, c);
        return mb.finish();
      }
      case model::Body::Problem:
        writeMsh(mb, env, "ACK", "", "ACK");
        in::writeProblem(mb, *env.body.AsProblem(), env.in_reply_to);
        return mb.finish();
      case model::Body::NONE:
        if (env.in_reply_to.empty()) return Status::invalidArgument("hl7v2: empty body without in_reply_to");
        writeMsh(mb, env, "ACK", "", "ACK");
        in::writeMsa(mb, "AA", env.in_reply_to);
        return mb.finish();
      default: return Status::invalidArgument("hl7v2: body kind not supported in HL7 v2");
    }
  }
};

}  // namespace

const Codec& hl7v2Codec() {
  static const Hl7v2Codec codec;
  return codec;
}

}  // namespace metrogw::adapters
