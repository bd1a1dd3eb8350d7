// ORU^R01 / RSP^Z02 result groups: PID, OBR, NTE, OBX (+NTE), SPM <-> LabReport.
#include <algorithm>
#include <cstring>

#include "adapters/hl7v2/internal/messages.h"
#include "adapters/hl7v2/internal/types.h"

namespace metrogw::adapters::hl7v2::internal {
namespace {

const CodeContext kLabCodes{Table::kLabItems, kWuhuLabSystem, {}};

struct StatusCode {
  char code;
  model::ReportStatus status;
};
// OBR-25 (table 0123) and OBX-11 (table 0085), first match wins on encode.
constexpr StatusCode kStatuses[] = {
    {'F', model::ReportStatus::Final},          {'P', model::ReportStatus::Preliminary},
    {'C', model::ReportStatus::Corrected},      {'I', model::ReportStatus::Registered},
    {'A', model::ReportStatus::Partial},        {'X', model::ReportStatus::Cancelled},
    {'W', model::ReportStatus::EnteredInError}, {'S', model::ReportStatus::Partial},
    {'U', model::ReportStatus::Final},          {'R', model::ReportStatus::Preliminary},
    {'O', model::ReportStatus::Registered},     {'D', model::ReportStatus::Cancelled},
    {'N', model::ReportStatus::Cancelled},
};

[[nodiscard]] model::ReportStatus readStatus(std::string_view code, bool obx) {
  if (code.size() != 1) return model::ReportStatus::Unknown;
  if (!obx && code[0] == 'S') return model::ReportStatus::Registered;  // OBR: scheduled
  for (const StatusCode& s : kStatuses) {
    if (s.code == code[0]) return s.status;
  }
  return model::ReportStatus::Unknown;
}

[[nodiscard]] std::string writeStatus(model::ReportStatus status, bool obx) {
  if (status == model::ReportStatus::Amended) return "C";
  if (status == model::ReportStatus::Partial) return obx ? "S" : "A";
  for (const StatusCode& s : kStatuses) {
    if (s.status == status) return std::string{s.code};
  }
  return {};
}

struct Flag {
  std::string_view code;
  model::Interpretation value;
};
constexpr Flag kFlags[] = {
    {"N", model::Interpretation::Normal},
    {"L", model::Interpretation::Low},
    {"H", model::Interpretation::High},
    {"LL", model::Interpretation::CriticalLow},
    {"HH", model::Interpretation::CriticalHigh},
    {"A", model::Interpretation::Abnormal},
    {"AA", model::Interpretation::CriticalAbnormal},
};

// "3.5-9.5", "<5", ">=10", "3.5～9.5" -> low/high (text keeps what was written).
void parseRange(const std::string& text, model::ReferenceRangeT& range) {
  range.text = text;
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  auto isNum = [](std::string_view v) {
    if (v.empty()) return false;
    size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
    bool digit = false;
    bool dot = false;
    for (; i < v.size(); ++i) {
      if (v[i] >= '0' && v[i] <= '9') {
        digit = true;
      } else if (v[i] == '.' && !dot) {
        dot = true;
      } else {
        return false;
      }
    }
    return digit;
  };
  for (std::string_view op : {"<=", ">=", "<", ">"}) {
    if (s.substr(0, op.size()) == op && isNum(s.substr(op.size()))) {
      (op[0] == '<' ? range.high : range.low) = std::string(s.substr(op.size()));
      return;
    }
  }
  for (std::string_view sep : {"\xEF\xBD\x9E", "~", "-", "\xE2\x80\x94"}) {
    for (size_t at = s.find(sep, 1); at != std::string_view::npos; at = s.find(sep, at + 1)) {
      const std::string_view low = s.substr(0, at);
      const std::string_view high = s.substr(at + sep.size());
      if (isNum(low) && isNum(high)) {
        range.low = std::string(low);
        range.high = std::string(high);
        return;
      }
    }
  }
}

[[nodiscard]] bool isNumber(std::string_view v) {
  for (std::string_view op : {"<=", ">=", "<", ">", "="}) {
    if (v.substr(0, op.size()) == op) {
      v.remove_prefix(op.size());
      break;
    }
  }
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  bool digit = false;
  bool dot = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

// A signed decimal without comparator: "5", "-0.5", "+12.".
[[nodiscard]] bool isPlainNumber(std::string_view v) {
  return !v.empty() && v[0] != '<' && v[0] != '>' && v[0] != '=' && isNumber(v);
}

constexpr std::string_view kSnComparators[] = {">", "<", ">=", "<=", "=", "<>"};
constexpr std::string_view kSnSeparators = "-+/.:";

// SN comparator^num1^separator/suffix^num2 -> the text written together ("<5", "1:128", "2+"). Each
// part is checked so that the text splits back into the same parts on encode (writeValue).
[[nodiscard]] Status readSn(const Segment& obx, Element sn, std::string& out) {
  const std::string comparator = sn.comp(1).str();
  const std::string num1 = sn.comp(2).str();
  const std::string separator = sn.comp(3).str();
  const std::string num2 = sn.comp(4).str();
  if (!comparator.empty() && std::find(std::begin(kSnComparators), std::end(kSnComparators), comparator) ==
                                 std::end(kSnComparators)) {
    return Status::malformedMessage(obx.position(5, 1) + ": SN comparator is not one of > < >= <= = <>");
  }
  if (!num1.empty() && !isPlainNumber(num1))
    return Status::malformedMessage(obx.position(5, 2) + ": SN value is not a number");
  if (!separator.empty() &&
      (separator.size() != 1 || kSnSeparators.find(separator[0]) == std::string_view::npos))
    return Status::malformedMessage(obx.position(5, 3) + ": SN separator is not one of - + / . :");
  if (!separator.empty() && num1.empty())
    return Status::malformedMessage(obx.position(5, 2) + ": SN separator without a first number");
  if (!num2.empty() && (separator.empty() || !isPlainNumber(num2)))
    return Status::malformedMessage(obx.position(5, 4) +
                                    ": SN second number without separator or not a number");
  out = comparator + num1 + separator + num2;
  return Status::ok();
}

// Splits a Quantity text into SN parts (the inverse of readSn): comparator, then the number, or
// number, separator and an optional second number.
void writeSn(SegmentBuilder& b, std::string_view v) {
  size_t op = 0;
  while (op < v.size() && (v[op] == '<' || v[op] == '>' || v[op] == '=')) ++op;
  b.set(5, 1, v.substr(0, op));
  v.remove_prefix(op);
  if (!isPlainNumber(v)) {
    for (size_t sep = v.find_first_of(kSnSeparators, 1); sep != std::string_view::npos;
         sep = v.find_first_of(kSnSeparators, sep + 1)) {
      const std::string_view second = v.substr(sep + 1);
      if (isPlainNumber(v.substr(0, sep)) && (second.empty() || isPlainNumber(second))) {
        b.set(5, 2, v.substr(0, sep)).set(5, 3, v.substr(sep, 1)).set(5, 4, second);
        return;
      }
    }
  }
  b.set(5, 2, v);
}

// OBX-2 and OBX-5 -> value_type, value, value_coding.
[[nodiscard]] Status readValue(const Segment& obx, model::ObservationT& o) {
  const std::string type = obx.str(2);
  const Element value = obx.field(5).rep(0);
  if (type == "NM") {
    o.value_type = model::ValueType::Quantity;
    o.value = value.str();
    if (!o.value.empty() && !isNumber(o.value))
      return Status::malformedMessage(obx.position(5) + ": NM value is not a number");
  } else if (type == "SN") {
    o.value_type = model::ValueType::Quantity;
    RETURN_IF_ERROR(readSn(obx, value, o.value));
  } else if (type == "ST" || type == "TX" || type == "FT" || type == "TM") {
    o.value_type = model::ValueType::Text;
    o.value = value.str();
  } else if (type == "CE" || type == "CWE" || type == "CNE") {
    o.value_type = model::ValueType::Coded;
    o.value_coding = readCoding(value);
    o.value = value.comp(1).empty() ? value.comp(2).str() : value.comp(1).str();
  } else if (type == "DT" || type == "TS" || type == "DTM") {
    o.value_type = model::ValueType::DateTime;
    RETURN_IF_ERROR(readTime(obx, value, 5, 0, o.value));
  } else if (type.empty() || type == "ED" || type == "RP" || type == "AD" || type == "CP" || type == "CX" ||
             type == "DR" || type == "ID" || type == "IS" || type == "MO" || type == "NA" || type == "PN" ||
             type == "TN" || type == "XAD" || type == "XCN" || type == "XON" || type == "XPN" ||
             type == "XTN" || type == "CF" || type == "CK" || type == "CN" || type == "MA") {
    o.value_type = model::ValueType::None;  // a valid HL7 type the model has no value for: kept as text
    o.value = value.str();
  } else {
    return Status::malformedMessage(obx.position(2) + ": unknown value type");
  }
  return Status::ok();
}

void writeValue(SegmentBuilder& b, const model::ObservationT& o) {
  switch (o.value_type) {
    case model::ValueType::Quantity: {
      const std::string_view v = o.value;
      if (v.empty() || (isNumber(v) && v.find_first_of("<>=") == std::string_view::npos)) {
        b.set(2, "NM").set(5, v);
        return;
      }
      b.set(2, "SN");
      writeSn(b, v);
      return;
    }
    case model::ValueType::Text:
      b.set(2, o.value.size() > 199 || o.value.find('\n') != std::string::npos ? "TX" : "ST").set(5, o.value);
      return;
    case model::ValueType::Coded:
      b.set(2, "CWE");
      if (o.value_coding) {
        writeCoding(b, 5, 0, o.value_coding.get());
      } else {
        b.set(5, 1, o.value);
      }
      return;
    case model::ValueType::DateTime:
      b.set(2, o.value.size() <= 10 ? "DT" : "TS").set(5, isoToHl7Time(o.value));
      return;
    case model::ValueType::None: b.set(5, o.value); return;
  }
}

[[nodiscard]] Status readObx(const Segment& obx, model::ObservationT& o) {
  o.code = readConcept(obx.field(3), kLabCodes);
  RETURN_IF_ERROR(readValue(obx, o));
  o.unit = obx.str(6, 1);
  if (!obx.get(6, 3).empty()) o.unit_system = systemFromHl7(obx.str(6, 3));
  if (!obx.field(7).empty()) {
    o.reference_range = std::make_unique<model::ReferenceRangeT>();
    parseRange(obx.str(7), *o.reference_range);
  }
  const Element flag = obx.field(8).rep(0);
  if (!flag.empty()) {
    o.interpretation_code = readCoding(flag, CodeContext{{}, {}, "HL70078"});
    const std::string code = flag.comp(1).str();
    for (const Flag& f : kFlags) {
      if (f.code == code) o.interpretation = f.value;
    }
  }
  o.status = readStatus(obx.str(11), true);
  RETURN_IF_ERROR(readTime(obx, 14, 0, 0, o.effective));
  o.method = readConcept(obx.field(17).rep(0));
  return Status::ok();
}

void writeObx(MessageBuilder& mb, const model::ObservationT& o, int set_id) {
  SegmentBuilder& b = mb.add("OBX");
  b.set(1, std::to_string(set_id));
  writeValue(b, o);
  writeConcept(b, 3, 0, o.code.get(), kLabCodes);
  b.set(6, 1, o.unit);
  if (!o.unit_system.empty()) b.set(6, 3, systemToHl7(o.unit_system));
  if (o.reference_range) b.set(7, o.reference_range->text);
  if (o.interpretation_code) {
    writeCoding(b, 8, 0, o.interpretation_code.get(), CodeContext{{}, {}, "HL70078"});
  } else {
    for (const Flag& f : kFlags) {
      if (f.value == o.interpretation) b.set(8, f.code);
    }
  }
  b.set(11, writeStatus(o.status, true));
  b.set(14, isoToHl7Time(o.effective));
  writeConcept(b, 17, 0, o.method.get());
}

[[nodiscard]] Status readObr(const Segment& obr, model::LabReportT& r) {
  if (auto placer = readEi(obr.field(2), "PLAC")) r.identifiers.push_back(std::move(placer));
  r.id = obr.str(3, 1);
  r.code = readConcept(obr.field(4), kLabCodes);
  RETURN_IF_ERROR(readTime(obr, 7, 0, 0, r.effective));
  r.ordered_by = readXcn(obr.field(16).rep(0), "Practitioner");
  RETURN_IF_ERROR(readTime(obr, 22, 0, 0, r.issued));
  if (!obr.field(24).empty()) {
    r.category = std::make_unique<model::CodeableConceptT>();
    r.category->coding = makeCoding("HL70074", obr.str(24), {});
  }
  r.status = readStatus(obr.str(25), false);
  r.performer = readCnn(obr.field(32), "Practitioner");
  return Status::ok();
}

[[nodiscard]] Status readSpm(const Segment& spm, model::LabReportT& r) {
  auto s = std::make_unique<model::SpecimenT>();
  s->id = spm.str(2, 1, 1);
  s->type = readConcept(spm.field(4));
  RETURN_IF_ERROR(readTime(spm, spm.field(17).comp(1), 17, 1, s->collected));
  RETURN_IF_ERROR(readTime(spm, 18, 0, 0, s->received));
  r.specimen = std::move(s);
  return Status::ok();
}

// Appends the lines of one NTE to `target`. Blank lines are dropped, whether an NTE is empty or its
// text holds them (\.br\\.br\): writeNotes writes one NTE per line and skips blank ones, so a note
// reads back the same after a round trip.
void appendNote(std::string& target, const Segment& nte) {
  std::string text = nte.str(3);
  if (text.empty() && nte.field(2).raw().size() > 1) text = nte.str(2);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) {
      if (!target.empty()) target += '\n';
      target.append(text, start, end - start);
    }
    start = end + 1;
  }
}

}  // namespace

Status readLabReports(const Message& msg, size_t from, std::vector<std::unique_ptr<model::LabReportT>>& out) {
  std::unique_ptr<model::PatientT> patient;
  model::LabReportT* report = nullptr;
  std::string* note = nullptr;
  const auto& segs = msg.segments();
  for (size_t i = from; i < segs.size(); ++i) {
    const Segment& seg = segs[i];
    const std::string_view name = seg.name();
    if (name == "PID") {
      patient = std::make_unique<model::PatientT>();
      RETURN_IF_ERROR(readPid(seg, *patient));
      report = nullptr;
      note = nullptr;
    } else if (name == "OBR") {
      out.push_back(std::make_unique<model::LabReportT>());
      report = out.back().get();
      RETURN_IF_ERROR(readObr(seg, *report));
      if (patient) report->patient = std::make_unique<model::PatientT>(*patient);
      note = &report->conclusion;
    } else if (name == "OBX" && report != nullptr) {
      report->observations.push_back(std::make_unique<model::ObservationT>());
      RETURN_IF_ERROR(readObx(seg, *report->observations.back()));
      note = &report->observations.back()->note;
    } else if (name == "SPM" && report != nullptr) {
      if (!report->specimen) RETURN_IF_ERROR(readSpm(seg, *report));
      note = nullptr;
    } else if (name == "NTE") {
      if (note != nullptr) appendNote(*note, seg);
    } else if (name == "PRT") {  // participation inside the OBR/OBX group: notes may follow it
    } else {
      note = nullptr;
    }
  }
  return Status::ok();
}

void writeLabReport(MessageBuilder& mb, const model::LabReportT& r, int set_id, bool with_pid) {
  if (with_pid && r.patient) writePid(mb, *r.patient, 1);
  SegmentBuilder& obr = mb.add("OBR");
  obr.set(1, std::to_string(set_id));
  for (const auto& id : r.identifiers) {
    if (id && id->type == "PLAC") {
      writeEi(obr, 2, id.get());
      break;
    }
  }
  obr.set(3, 1, r.id);
  writeConcept(obr, 4, 0, r.code.get(), kLabCodes);
  obr.set(7, isoToHl7Time(r.effective));
  writeXcn(obr, 16, 0, r.ordered_by.get());
  obr.set(22, isoToHl7Time(r.issued));
  if (r.category && r.category->coding) obr.set(24, r.category->coding->code);
  obr.set(25, writeStatus(r.status, false));
  if (r.performer) {
    obr.set(32, 1, 1, r.performer->id);
    obr.set(32, 1, 2, r.performer->display);
  }
  writeNotes(mb, r.conclusion);
  int obx_id = 0;
  for (const auto& o : r.observations) {
    if (!o) continue;
    writeObx(mb, *o, ++obx_id);
    writeNotes(mb, o->note);
  }
  if (r.specimen) {
    SegmentBuilder& spm = mb.add("SPM");
    spm.set(1, "1").set(2, 1, r.specimen->id);
    writeConcept(spm, 4, 0, r.specimen->type.get());
    spm.set(17, 1, isoToHl7Time(r.specimen->collected)).set(18, isoToHl7Time(r.specimen->received));
  }
}

std::string readNotes(const Message& msg, size_t after) {
  std::string text;
  const auto& segs = msg.segments();
  for (size_t i = after + 1; i < segs.size() && segs[i].name() == "NTE"; ++i) appendNote(text, segs[i]);
  return text;
}

void writeNotes(MessageBuilder& mb, std::string_view text) {
  int n = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) mb.add("NTE").set(1, std::to_string(++n)).set(3, text.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace metrogw::adapters::hl7v2::internal
