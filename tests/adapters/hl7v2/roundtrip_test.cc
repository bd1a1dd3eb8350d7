// decode(encode(x)) == x for every message type the codec writes, and sample -> encode -> decode.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/hl7v2/codec.h"
#include "adapters/mapping.h"

namespace metrogw::adapters {
namespace {

using namespace model;  // NOLINT(google-build-using-namespace): test brevity

template <class T>
EnvelopeT envelope(T body, std::string in_reply_to = {}) {
  EnvelopeT env = envelopeOf(std::move(body));
  env.message_id = "MGW-1";
  env.sent = "2024-03-01T08:15:30+08:00";
  env.in_reply_to = std::move(in_reply_to);
  return env;
}

void expectRoundTrip(const EnvelopeT& env, std::string_view expect_type) {
  auto text = hl7v2Codec().encode(env);
  ASSERT_TRUE(text.isOk()) << text.status().message();
  EXPECT_NE(text->find(expect_type), std::string::npos) << *text;
  auto back = hl7v2Codec().decode(*text);
  ASSERT_TRUE(back.isOk()) << back.status().message() << "\n" << *text;
  EXPECT_TRUE(*back == env) << *text << "\n"
                            << toJson(pack(*back), false).value() << "\n"
                            << toJson(pack(env), false).value();
}

std::unique_ptr<CodingT> coding(std::string system, std::string code, std::string display = {}) {
  auto c = std::make_unique<CodingT>();
  c->system = std::move(system);
  c->code = std::move(code);
  c->display = std::move(display);
  return c;
}

std::unique_ptr<IdentifierT> identifier(std::string system, std::string value, std::string type,
                                        std::string assigner = {}) {
  auto id = std::make_unique<IdentifierT>();
  id->system = std::move(system);
  id->value = std::move(value);
  id->type = std::move(type);
  id->assigner = std::move(assigner);
  return id;
}

std::unique_ptr<ReferenceT> reference(std::string kind, std::string id, std::string display) {
  auto r = std::make_unique<ReferenceT>();
  r->kind = std::move(kind);
  r->id = std::move(id);
  r->display = std::move(display);
  return r;
}

PatientT patient() {
  PatientT p;
  p.id = "P100";
  p.identifiers.push_back(identifier(std::string(kResidentIdOid), "340202199001011234", "NNCHN"));
  p.identifiers.push_back(identifier("WHYY", "MR-7", "MR", "Wuhu First People's Hospital"));
  p.name = std::make_unique<HumanNameT>();
  p.name->text = "张三";
  p.gender = Gender::Female;
  p.birth_date = "1990-01-01";
  auto phone = std::make_unique<ContactPointT>();
  phone->system = ContactSystem::Phone;
  phone->value = "13800000000";
  phone->use = "mobile";
  p.telecom.push_back(std::move(phone));
  auto addr = std::make_unique<AddressT>();
  addr->line = {"镜湖区北京中路1号", "3栋"};
  addr->city = "芜湖";
  addr->province = "安徽";
  addr->postal_code = "241000";
  addr->country = "CHN";
  addr->district = "340202";
  p.address.push_back(std::move(addr));
  p.marital_status = coding("HL70002", "M", "Married");
  p.deceased = false;
  return p;
}

std::unique_ptr<CodeableConceptT> labCode(std::string system, std::string code, std::string display) {
  auto c = std::make_unique<CodeableConceptT>();
  mapInto(Table::kLabItems, system, code, display, *c);
  return c;
}

LabReportT labReport() {
  LabReportT r;
  r.id = "R-2024-1";
  r.identifiers.push_back(identifier("HIS", "ORD-9", "PLAC"));
  r.status = ReportStatus::Final;
  r.code = labCode(std::string(kLoincSystem), "24317-0", "Hemogram");
  r.patient = std::make_unique<PatientT>(patient());
  r.effective = "2024-03-01T07:30+08:00";
  r.issued = "2024-03-01T09:00:00+08:00";
  r.ordered_by = reference("Practitioner", "D01", "王医生");
  r.performer = reference("Practitioner", "T02", "李技师");
  r.conclusion = "轻度贫血\n建议复查";
  auto nm = std::make_unique<ObservationT>();
  nm->code = labCode("urn:metrogw:codes:3402:lab-item", "WBC", "白细胞");
  nm->status = ReportStatus::Final;
  nm->value_type = ValueType::Quantity;
  nm->value = "4.06";
  nm->unit = "10*9/L";
  nm->unit_system = "http://unitsofmeasure.org";
  nm->reference_range = std::make_unique<ReferenceRangeT>();
  nm->reference_range->text = "3.5-9.5";
  nm->reference_range->low = "3.5";
  nm->reference_range->high = "9.5";
  nm->interpretation = Interpretation::Normal;
  nm->interpretation_code = coding("HL70078", "N");
  nm->effective = "2024-03-01T08:00+08:00";
  nm->note = "样本轻度溶血";
  r.observations.push_back(std::move(nm));
  auto sn = std::make_unique<ObservationT>();
  sn->code = labCode("urn:metrogw:codes:3402:lab-item", "CRP", "C反应蛋白");
  sn->value_type = ValueType::Quantity;
  sn->value = "<0.5";
  sn->interpretation = Interpretation::High;
  sn->interpretation_code = coding("HL70078", "H");
  r.observations.push_back(std::move(sn));
  auto st = std::make_unique<ObservationT>();
  st->code = labCode("urn:metrogw:codes:3402:lab-item", "HBSAG", "乙肝表面抗原");
  st->value_type = ValueType::Text;
  st->value = "阴性 (a|b^c&d~e\\f)";
  r.observations.push_back(std::move(st));
  auto ce = std::make_unique<ObservationT>();
  ce->code = labCode(std::string(kLoincSystem), "600-7", "Bacteria identified");
  ce->value_type = ValueType::Coded;
  ce->value = "27268008";
  ce->value_coding = coding("http://snomed.info/sct", "27268008", "Salmonella");
  r.observations.push_back(std::move(ce));
  auto dt = std::make_unique<ObservationT>();
  dt->code = labCode("urn:metrogw:codes:3402:lab-item", "LMP", "末次月经");
  dt->value_type = ValueType::DateTime;
  dt->value = "2024-02-10";
  r.observations.push_back(std::move(dt));
  r.specimen = std::make_unique<SpecimenT>();
  r.specimen->id = "S1";
  r.specimen->type = std::make_unique<CodeableConceptT>();
  r.specimen->type->coding = coding("HL70487", "BLD", "Blood");
  r.specimen->collected = "2024-03-01T07:30+08:00";
  return r;
}

TEST(Hl7v2RoundTripTest, PatientAdt) { expectRoundTrip(envelope(patient()), "ADT^A28"); }

TEST(Hl7v2RoundTripTest, LabReportOru) {
  const LabReportT r = labReport();
  ASSERT_FALSE(r.observations[0]->code->alt.empty());  // WBC -> LOINC from the lab_items table
  EXPECT_EQ(r.observations[0]->code->alt[0]->code, "6690-2");
  expectRoundTrip(envelope(labReport()), "ORU^R01");
}

TEST(Hl7v2RoundTripTest, LabReportsOruAndRspZ02) {
  SearchResultT r;
  r.lab_reports.push_back(std::make_unique<LabReportT>(labReport()));
  r.lab_reports.push_back(std::make_unique<LabReportT>(labReport()));
  r.lab_reports[1]->id = "R-2024-2";
  expectRoundTrip(envelope(SearchResultT(r)), "ORU^R01");
  r.total = 2;
  expectRoundTrip(envelope(std::move(r), "REQ-1"), "RSP^Z02");
}

AppointmentT appointment(AppointmentStatus status) {
  AppointmentT a;
  a.id = "A-77";
  a.identifiers.push_back(identifier("NJ12320", "BK-1", "PLAC"));
  a.status = status;
  if (status == AppointmentStatus::Cancelled) {
    a.cancelation_reason = std::make_unique<CodeableConceptT>();
    a.cancelation_reason->coding = coding("", "PATIENT", "患者取消");
  }
  a.reason.push_back(std::make_unique<CodeableConceptT>());
  a.reason[0]->coding = coding("", "REFERRAL", "转诊");
  a.start = "2024-03-05T09:00+08:00";
  a.end = "2024-03-05T09:30+08:00";
  a.minutes_duration = 30;
  a.comment = "请提前15分钟到达";
  a.patient = std::make_unique<PatientT>(patient());
  a.booked_by = reference("Practitioner", "FD-3", "赵家庭医生");
  a.service_type.push_back(std::make_unique<CodeableConceptT>());
  a.service_type[0]->coding = coding("L", "ZJMZ", "专家门诊");
  const char* kinds[][3] = {{"Practitioner", "D100", "刘主任"},
                            {"Department", "XNK", "心血管内科"},
                            {"Organization", "WHYY", "芜湖市第一人民医院"},
                            {"Location", "R12", "3楼12诊室"},
                            {"Device", "CT1", "CT"}};
  for (const auto& k : kinds) {
    auto p = std::make_unique<ParticipantT>();
    p->actor = reference(k[0], k[1], k[2]);
    p->status = status == AppointmentStatus::Cancelled ? ParticipationStatus::Declined
                                                       : ParticipationStatus::Accepted;
    a.participants.push_back(std::move(p));
  }
  return a;
}

TEST(Hl7v2RoundTripTest, AppointmentSiuAndSrr) {
  expectRoundTrip(envelope(appointment(AppointmentStatus::Booked)), "SIU^S12");
  expectRoundTrip(envelope(appointment(AppointmentStatus::Cancelled)), "SIU^S15");
  expectRoundTrip(envelope(appointment(AppointmentStatus::Booked), "REQ-2"), "SRR^S01");
  expectRoundTrip(envelope(appointment(AppointmentStatus::Cancelled), "REQ-3"), "SRR^S04");
  expectRoundTrip(envelope(appointment(AppointmentStatus::Fulfilled)), "SIU^S12");
}

TEST(Hl7v2RoundTripTest, CommandsSrm) {
  CommandT book;
  book.action = CommandAction::Book;
  book.slot_id = "SL-9";
  book.hold_id = "H-1";
  book.idempotency_key = "idem-42";
  book.patient = std::make_unique<PatientT>(patient());
  book.requester = reference("Practitioner", "FD-3", "赵家庭医生");
  book.family_doctor = true;
  expectRoundTrip(envelope(CommandT(book)), "SRM^S01");
  CommandT cancel;
  cancel.action = CommandAction::Cancel;
  cancel.appointment_id = "A-77";
  cancel.reason = "患者要求";
  expectRoundTrip(envelope(std::move(cancel)), "SRM^S04");
  CommandT hold;
  hold.action = CommandAction::Hold;
  EXPECT_FALSE(hl7v2Codec().encode(envelope(std::move(hold))).isOk());
}

TEST(Hl7v2RoundTripTest, Queries) {
  QueryT pdq;
  pdq.kind = QueryKind::Patients;
  pdq.patient = std::make_unique<PatientT>();
  pdq.patient->identifiers.push_back(identifier(std::string(kResidentIdOid), "340202199001011234", "NNCHN"));
  pdq.patient->name = std::make_unique<HumanNameT>();
  pdq.patient->name->text = "张三";
  pdq.patient->birth_date = "1990-01-01";
  pdq.patient->gender = Gender::Female;
  pdq.limit = 10;
  expectRoundTrip(envelope(std::move(pdq)), "QBP^Q22");

  QueryT slots;
  slots.kind = QueryKind::Slots;
  slots.from = "2024-03-05T00:00+08:00";
  slots.to = "2024-03-12T00:00+08:00";
  slots.department_code = "03.04";  // metro code; sent as Wuhu XNK
  slots.organization_id = "WHYY";
  slots.practitioner_id = "D100";
  slots.service_code = "ZJMZ";
  slots.family_doctor = true;
  slots.page_token = "p2";
  auto slot_text = hl7v2Codec().encode(envelope(QueryT(slots)));
  ASSERT_TRUE(slot_text.isOk());
  EXPECT_NE(slot_text->find("AIL|1||XNK^^^WHYY^^D"), std::string::npos) << *slot_text;
  expectRoundTrip(envelope(std::move(slots)), "SQM^S25");

  QueryT orgs;
  orgs.kind = QueryKind::Organizations;
  orgs.cities = {"3402", "3201"};
  orgs.text = "人民医院";
  orgs.limit = 20;
  expectRoundTrip(envelope(std::move(orgs)), "MFQ^M05");

  QueryT labs;
  labs.kind = QueryKind::LabReports;
  labs.patient = std::make_unique<PatientT>();
  labs.patient->identifiers.push_back(identifier(std::string(kResidentIdOid), "340202199001011234", "NNCHN"));
  labs.from = "2024-01-01";
  labs.to = "2024-03-01";
  labs.purpose = "treatment";
  labs.organization_id = "WHYY";
  expectRoundTrip(envelope(QueryT(labs)), "QBP^Z01");
  labs.kind = QueryKind::LabReport;
  labs.id = "R-2024-1";
  expectRoundTrip(envelope(std::move(labs)), "QBP^Z01");
}

TEST(Hl7v2RoundTripTest, SearchResults) {
  SearchResultT patients;
  patients.patients.push_back(std::make_unique<PatientT>(patient()));
  patients.patients.push_back(std::make_unique<PatientT>(patient()));
  patients.patients[1]->id = "P101";
  patients.total = 7;
  patients.next_page_token = "next-1";
  expectRoundTrip(envelope(std::move(patients), "REQ-4"), "RSP^K22");
  expectRoundTrip(envelope(SearchResultT{}, "REQ-5"), "RSP^K22");

  SearchResultT slots;
  auto slot = std::make_unique<SlotT>();
  slot->id = "SL-9";
  slot->schedule = reference("Schedule", "SC-1", "刘主任专家门诊");
  slot->status = SlotStatus::Free;
  slot->start = "2024-03-05T09:00+08:00";
  slot->end = "2024-03-05T09:30+08:00";
  slot->capacity = 3;
  slot->booked = 1;
  slot->reserved_family_doctor = 1;
  slot->comment = "专家号";
  slot->service_type.push_back(std::make_unique<CodeableConceptT>());
  slot->service_type[0]->coding = coding("L", "ZJMZ", "专家门诊");
  slot->department = reference("Department", "XNK", "心血管内科专业");
  slot->specialty.push_back(std::make_unique<CodeableConceptT>());
  mapInto(Table::kDepartments, "urn:metrogw:codes:3402:department", "XNK", "心血管内科专业",
          *slot->specialty[0]);
  ASSERT_EQ(slot->specialty[0]->alt.size(), 1u);
  slot->organization = reference("Organization", "WHYY", "");
  slot->practitioner = reference("Practitioner", "D100", "刘主任");
  slots.slots.push_back(std::move(slot));
  slots.total = 1;
  expectRoundTrip(envelope(std::move(slots), "REQ-6"), "SQR^S25");

  SearchResultT orgs;
  auto org = std::make_unique<OrganizationT>();
  org->id = "WHYY";
  org->name = "芜湖市第一人民医院";
  org->identifiers.push_back(identifier("2.16.156.10011.1.5", "48599164134020211A1001", "XX"));
  org->city = "3402";
  org->grade = HospitalGrade::Tertiary;
  org->grade_class = "甲";
  org->type = coding("urn:metrogw:codes:organization-type", "A100", "综合医院");
  org->address = std::make_unique<AddressT>();
  org->address->line = {"镜湖区赭山西路"};
  org->address->city = "芜湖";
  auto tel = std::make_unique<ContactPointT>();
  tel->system = ContactSystem::Phone;
  tel->value = "0553-1234567";
  tel->use = "work";
  org->telecom.push_back(std::move(tel));
  orgs.organizations.push_back(std::move(org));
  expectRoundTrip(envelope(std::move(orgs), "REQ-7"), "MFR^M05");
}

TEST(Hl7v2RoundTripTest, ProblemAndAck) {
  ProblemT p;
  p.type = "urn:metrogw:problem:slot-taken";
  p.title = "Slot already booked";
  p.status = 409;
  p.detail = "slot SL-9 has no capacity left";
  expectRoundTrip(envelope(std::move(p), "REQ-8"), "ACK");
  EnvelopeT ack;
  ack.message_id = "MGW-2";
  ack.in_reply_to = "REQ-9";
  expectRoundTrip(ack, "MSA|AA|REQ-9");
}

TEST(Hl7v2RoundTripTest, SamplesSurviveEncodeDecode) {
  for (const char* name :
       {"LAB-ORU-1.hl7", "ORU-R01-01.hl7", "ADT-A01-01.hl7", "SIU-S12-01.hl7", "SIU-S15-01.hl7"}) {
    std::ifstream in(std::string(METROGW_SAMPLES_DIR) + "/hl7v2/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto first = hl7v2Codec().decode(ss.str());
    ASSERT_TRUE(first.isOk()) << name << ": " << first.status().message();
    auto text = hl7v2Codec().encode(*first);
    ASSERT_TRUE(text.isOk()) << name << ": " << text.status().message();
    auto second = hl7v2Codec().decode(*text);
    ASSERT_TRUE(second.isOk()) << name << ": " << second.status().message();
    EXPECT_TRUE(*second == *first) << name << "\n"
                                   << *text << "\n"
                                   << toJson(pack(*second), false).value() << "\n"
                                   << toJson(pack(*first), false).value();
  }
}

}  // namespace
}  // namespace metrogw::adapters
